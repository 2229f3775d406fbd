"""Command line: ``autoclf fit|predict|info|demo|benchmark|metadb``.

A command that fails because of its input (arguments, files, columns, a value autoclf's validation refuses)
prints one line, ``autoclf: error: <message>``, and exits with status 2; an unexpected exception prints one
line that asks for ``--debug`` and exits with 1. ``--debug`` (before or after the command) adds the traceback.
"""

from __future__ import annotations

import argparse
import inspect
import logging
import sys
import traceback
import warnings
from typing import Any, NoReturn

from autoclf.cli.errors import EXIT_OK, EXIT_USER, UserError, classify, one_line
from autoclf.cli.io import (
    existing_file,
    kept_columns,
    read_table,
    select_model_columns,
    split_target,
    writable_target,
    write_table,
)

#: AutoClassifier parameters that ``autoclf fit`` sets from options of the same name (dashes for underscores)
FIT_PARAMETERS = ("time_left", "per_run_time_limit", "memory_limit", "n_trials", "metric", "resampling", "folds",
                  "holdout_size", "multi_fidelity", "include", "exclude", "feature_types", "seed", "n_jobs",
                  "tmp_folder", "keep_tmp", "ensemble", "ensemble_size", "ensemble_nbest", "refit", "warm_start",
                  "metadb")
#: the command line's budget: a first fit from a shell should end in minutes (AutoClassifier's default is 3600)
CLI_TIME_LEFT = 600.0


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line (no usage block) with the exit status of a user error."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USER, f"autoclf: error: {message} (see `{self.prog} --help`)\n")


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Every option's default in its help, except None and False (no value: the help says what happens)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if action.default is None or action.default is False or "(default" in text or "%(default)" in text:
            return text
        return super()._get_help_string(action) or ""


def _with_debug(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """``--debug`` after the command too; SUPPRESS keeps the top-level value when it is not given here."""
    parser.formatter_class = HelpFormatter
    parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="print the traceback of an error (also before the command)")
    return parser


def _command(commands: Any, name: str, **kwargs: Any) -> argparse.ArgumentParser:
    return _with_debug(commands.add_parser(name, formatter_class=HelpFormatter, **kwargs))


# ------------------------------------------------------------------ option types
def _names(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError("give at least one name, comma-separated")
    return names


def _optional_mb(text: str) -> float | None:
    return None if text.lower() == "none" else float(text)


def _feature_types(text: str) -> dict[str, str]:
    pairs = [part.rsplit("=", 1) for part in text.split(",") if part.strip()]
    if not pairs or any(len(pair) != 2 for pair in pairs):
        raise argparse.ArgumentTypeError(f"expected COLUMN=TYPE,COLUMN=TYPE, got {text!r}")
    return {column.strip(): kind.strip() for column, kind in pairs}


def _fit_defaults() -> dict[str, Any]:
    """AutoClassifier's own defaults, so that the options cannot drift from the API."""
    from autoclf.classifier import AutoClassifier

    parameters = inspect.signature(AutoClassifier.__init__).parameters
    return {name: parameter.default for name, parameter in parameters.items() if name != "self"}


def check_components(include: list[str] | None, exclude: list[str] | None) -> None:
    """Unknown component names in --include / --exclude: one line listing the valid ones, slot by slot."""
    from autoclf.components.registry import default_registry

    registry = default_registry()
    known = registry.names()
    for option, names in (("--include", include), ("--exclude", exclude)):
        unknown = [name for name in names or () if name not in known]
        if unknown:
            valid = "; ".join(f"{slot}: {', '.join(c.name for c in registry.components(slot))}"
                              for slot in registry.slots)
            raise UserError(f"{option} names unknown component(s) {unknown}; valid names by slot: {valid}")


# ------------------------------------------------------------------ commands
def command_fit(args: argparse.Namespace) -> None:
    from autoclf import AutoClassifier

    check_components(args.include, args.exclude)
    output = writable_target(args.output, "model file")
    X, y = split_target(read_table(args.data), args.target, args.data)
    parameters = {name: getattr(args, name) for name in FIT_PARAMETERS}
    parameters["warm_start"] = None if args.warm_start == "none" else args.warm_start
    model = AutoClassifier(**parameters, verbose=0 if args.quiet else 1)
    model.fit(X, y)
    model.save(output)
    print(model.leaderboard().head(10).to_string(index=False))
    print(model.sprint_statistics())
    print(f"model written to {output} (`autoclf info {output}` describes it)")


def command_predict(args: argparse.Namespace) -> None:
    import pandas as pd

    from autoclf import AutoClassifier

    model_path = existing_file(args.model, "model file")
    output = writable_target(args.output, "predictions file")
    frame = read_table(args.data)
    model = AutoClassifier.load(model_path)
    expected = getattr(model, "feature_names_in_", None)  # absent when the model was fitted on an array
    names = [str(name) for name in expected] if expected is not None else [""] * model.n_features_in_
    features, extra = select_model_columns(frame, names, expected is not None, args.data)
    out = kept_columns(frame, args.keep, args.data) if args.keep else pd.DataFrame(index=range(len(frame)))
    if extra:  # the target (named since the validator records it), an id, ...: one line says which
        target = getattr(model.validator_, "target_name_", None)
        others = [name for name in extra if name != target]
        parts = [f"the target column {target!r}"] if target in extra else []
        print("autoclf: left out " + "; ".join(parts + ([f"columns the model was not fitted on: {others}"]
                                                        if others else [])), file=sys.stderr)
    proba = model.predict_proba(features)
    out["prediction"] = model.classes_[proba.argmax(axis=1)]
    if args.proba:
        for index, label in enumerate(model.classes_):
            out[f"proba_{label}"] = proba[:, index]
    write_table(out, output)
    print(f"{len(out)} predictions written to {output}")


def command_info(args: argparse.Namespace) -> None:
    import json

    from autoclf.cli.info import describe_model, read_model, render

    model, header = read_model(args.model)
    description = describe_model(model, header)
    print(json.dumps(description, indent=2) if args.json else render(description, args.model))


def command_demo(args: argparse.Namespace) -> None:
    from autoclf.demo import run_demo

    run_demo(time_left=args.time_left, seed=args.seed)


def command_metadb_rebuild(args: argparse.Namespace) -> None:
    from pathlib import Path

    from autoclf.tools.metadb.matrix import MatrixProtocol
    from autoclf.tools.metadb.rebuild import RebuildSettings, rebuild
    from autoclf.tools.metadb.search import SearchSettings

    if args.source == "openml":
        if args.suite is None and not args.tasks:
            raise UserError("--source openml needs --suite ID or --tasks ID,ID")
        spec = f"openml:{args.suite}" if args.suite is not None else f"openml:task={args.tasks}"
    else:
        spec = args.source
    settings = RebuildSettings(
        search=SearchSettings(time_left=args.time_per_dataset, n_trials=args.n_trials, seed=args.seed),
        matrix=MatrixProtocol(rows=args.matrix_rows, folds=args.matrix_folds, cell_time_limit=args.cell_time_limit,
                              seed=args.seed),
        candidates_per_dataset=args.candidates_per_dataset, workers=args.workers)
    output = Path(args.output)
    work_dir = args.work_dir or output.with_name(output.name.split(".")[0] + "_work")
    names = [name for name in args.datasets.split(",") if name] if args.datasets else None
    rebuild(spec, output, work_dir, settings, names=names, max_rows=args.max_rows, phase=args.phase)
    print(f"meta-database written to {output} (per data set results in {work_dir})")


def command_metadb_info(args: argparse.Namespace) -> None:
    from autoclf.metalearning.database import MetaDatabaseError, load_database
    from autoclf.metalearning.info import describe

    try:
        database = load_database(args.path)
    except MetaDatabaseError as error:
        raise UserError(str(error)) from None
    print(describe(database, datasets=args.datasets))


# ------------------------------------------------------------------ parsers
def _add_fit(commands: Any) -> None:
    from autoclf.metrics import METRIC_NAMES

    default = _fit_defaults()
    fit = _command(commands, "fit", help="search for a model on a csv/parquet file and save it",
                   description="Fit an AutoClassifier on a table and save it. The options are AutoClassifier's "
                               "parameters of the same name (docs/cli.md, docs/api.md).")
    fit.add_argument("data", help="training data: a .csv (header row) or .parquet file")
    fit.add_argument("--target", metavar="COLUMN", help="the label column (default: the last column)")
    fit.add_argument("--output", required=True, metavar="PATH", help="where to write the fitted model (a joblib file)")
    fit.add_argument("--quiet", action="store_true", help="no progress bar")
    budget = fit.add_argument_group("budget and resources")
    budget.add_argument("--time-left", type=float, default=CLI_TIME_LEFT, metavar="SECONDS",
                        help="seconds for the whole fit, from start to saved model")
    budget.add_argument("--n-trials", type=int, default=default["n_trials"], metavar="N",
                        help="also stop after N trials (default: no limit)")
    budget.add_argument("--per-run-time-limit", type=float, default=default["per_run_time_limit"], metavar="SECONDS",
                        help="seconds one trial may take (default: a tenth of --time-left, at least 5 s)")
    budget.add_argument("--memory-limit", type=_optional_mb, default=default["memory_limit"], metavar="MB",
                        help="MB of memory one trial may use; 'none': no limit")
    budget.add_argument("--n-jobs", type=int, default=default["n_jobs"], metavar="N",
                        help="trials at once; above 1 (or -1: one per core) a local Dask cluster runs them")
    search = fit.add_argument_group("search")
    search.add_argument("--metric", choices=METRIC_NAMES, default=default["metric"], metavar="NAME",
                        help=f"what the search optimises: {', '.join(METRIC_NAMES)}; 'auto' is roc_auc for two "
                             "classes and log_loss for more; f1 and average_precision need two classes")
    search.add_argument("--include", type=_names, default=default["include"], metavar="NAMES",
                        help="comma-separated component names (classifiers, feature preprocessors, scalers, ...): "
                             "a slot named here searches only these (default: every component); a wrong name "
                             "lists the valid ones")
    search.add_argument("--exclude", type=_names, default=default["exclude"], metavar="NAMES",
                        help="comma-separated component names left out of the search (default: none)")
    search.add_argument("--resampling", choices=["auto", "holdout", "cv"], default=default["resampling"],
                        help="how trials are scored; auto: cross-validation where the budget pays for it")
    search.add_argument("--folds", type=int, default=default["folds"], metavar="K", help="folds of --resampling cv")
    search.add_argument("--holdout-size", type=float, default=default["holdout_size"], metavar="SHARE",
                        help="share of rows held out by --resampling holdout")
    search.add_argument("--warm-start", choices=["portfolio", "knn", "both", "none"], default=default["warm_start"],
                        help="how the meta-database seeds the search; none: a cold start")
    search.add_argument("--metadb", default=default["metadb"], metavar="PATH",
                        help="a meta-database file (default: the one shipped with autoclf)")
    search.add_argument("--multi-fidelity", action="store_true", help="Hyperband over training budgets")
    search.add_argument("--feature-types", type=_feature_types, default=default["feature_types"],
                        metavar="COL=TYPE,...",
                        help="override inferred types (numeric, categorical, boolean, text) (default: inferred)")
    search.add_argument("--seed", type=int, default=default["seed"], metavar="N",
                        help="seeds splits, optimiser and models")
    ensemble = fit.add_argument_group("ensemble")
    ensemble.add_argument("--ensemble", choices=["selection", "stacking", "best"], default=default["ensemble"],
                          help="what fit serves: greedy ensemble selection, stacking, or the single best trial")
    ensemble.add_argument("--ensemble-size", type=int, default=default["ensemble_size"], metavar="N",
                          help="greedy selection steps (at most this many distinct members)")
    ensemble.add_argument("--ensemble-nbest", type=int, default=default["ensemble_nbest"], metavar="N",
                          help="candidates: this many best trials, plus the best of each classifier family")
    ensemble.add_argument("--refit", action=argparse.BooleanOptionalAction, default=default["refit"],
                          help="refit the members on all rows after the search while the clock allows")
    store = fit.add_argument_group("run store")
    store.add_argument("--tmp-folder", default=default["tmp_folder"], metavar="PATH",
                       help="a new or empty folder for the trials' files (default: a fresh temporary folder)")
    store.add_argument("--keep-tmp", action="store_true", help="keep the run store after the fit")
    fit.set_defaults(run=command_fit)


def _add_metadb(commands: Any) -> None:
    metadb = _command(commands, "metadb", help="the meta-database that warm-starts the search")
    metadb_commands = metadb.add_subparsers(dest="metadb_command", required=True)
    rebuild = _command(metadb_commands, "rebuild", help="build the meta-database (resumable)")
    rebuild.add_argument("--source", required=True, help="'openml' or a mirror folder (parquet + manifest.csv)")
    rebuild.add_argument("--suite", type=int, help="OpenML suite id with --source openml (99: OpenML-CC18)")
    rebuild.add_argument("--tasks", help="OpenML task ids (comma-separated) with --source openml")
    rebuild.add_argument("--datasets", help="only these data sets (comma-separated names or OpenML ids)")
    rebuild.add_argument("--max-rows", type=int, default=None, help="skip data sets with more rows")
    rebuild.add_argument("--phase", choices=["assemble", "search", "matrix", "all"], default="all",
                         help="stop after the searches (and meta-features), go on to the matrix (all), or only "
                              "write the database of the work done so far (assemble)")
    rebuild.add_argument("--time-per-dataset", type=float, default=300, help="seconds of search per data set")
    rebuild.add_argument("--n-trials", type=int, default=100, help="also stop each search after N trials")
    rebuild.add_argument("--workers", type=int, default=1, help="data sets processed at once (one core each)")
    rebuild.add_argument("--seed", type=int, default=0, help="seeds the searches and the matrix's folds")
    rebuild.add_argument("--candidates-per-dataset", type=int, default=2,
                         help="each search's best distinct configurations evaluated on every data set")
    rebuild.add_argument("--matrix-rows", type=int, default=5000, help="rows sampled per data set for the matrix")
    rebuild.add_argument("--matrix-folds", type=int, default=3, help="cross-validation folds per matrix cell")
    rebuild.add_argument("--cell-time-limit", type=float, default=30,
                         help="seconds per matrix cell, all folds (networks and boosting stop there with a model)")
    rebuild.add_argument("--work-dir", help="per data set results, kept for resuming (default: beside --output)")
    rebuild.add_argument("--output", required=True, help="the database file (.json or .json.gz)")
    rebuild.set_defaults(run=command_metadb_rebuild)
    info = _command(metadb_commands, "info", help="what a meta-database holds")
    info.add_argument("path", nargs="?", default=None, help="a database file (default: the shipped one)")
    info.add_argument("--datasets", action="store_true", help="list every data set")
    info.set_defaults(run=command_metadb_info)


def build_parser() -> argparse.ArgumentParser:
    from autoclf.version import __version__

    parser = Parser(prog="autoclf", description="AutoML for tabular classification. Exit status: 0 done, 1 an "
                    "internal error, 2 a user error (arguments, files, data), 130 interrupted.",
                    formatter_class=HelpFormatter)
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the search does")
    parser.add_argument("--debug", action="store_true", help="print the traceback of an error")
    parser.add_argument("--version", action="version", version=f"autoclf {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_fit(commands)

    predict = _command(commands, "predict", help="predict a csv/parquet file with a saved model",
                       description="Predict with a model saved by `autoclf fit`. Columns the model was not fitted on "
                                   "(the target, an id) are left out. Loading a model unpickles it, which runs "
                                   "code: use only model files you trust.")
    predict.add_argument("model", help="a model file written by `autoclf fit` (AutoClassifier.save)")
    predict.add_argument("data", help="rows to predict: a .csv or .parquet file with the model's columns")
    predict.add_argument("--output", required=True, help="csv or parquet file of predictions")
    predict.add_argument("--proba", action=argparse.BooleanOptionalAction, default=True,
                         help="a proba_<class> column per class after the prediction")
    predict.add_argument("--keep", type=_names, metavar="COLUMNS",
                         help="input columns copied to the output first, e.g. an id (comma-separated)")
    predict.set_defaults(run=command_predict)

    info = _command(commands, "info", help="describe a saved model: columns, classes, metric, ensemble, versions",
                    description="What a model file holds, read without any data. Loading a model unpickles it, "
                                "which runs code: use only model files you trust.")
    info.add_argument("model", help="a model file written by `autoclf fit` (AutoClassifier.save)")
    info.add_argument("--json", action="store_true", help="machine-readable output")
    info.set_defaults(run=command_info)

    demo = _command(commands, "demo", help="fit on the shipped demo data set and print the results")
    demo.add_argument("--time-left", type=float, default=60, help="seconds for the fit")
    demo.add_argument("--seed", type=int, default=0, help="seeds the split and the fit")
    demo.set_defaults(run=command_demo)

    _add_metadb(commands)
    from autoclf.tools.benchmark.cli import add_parser as add_benchmark_parser  # light: argparse only

    _with_debug(add_benchmark_parser(commands))
    return parser


# ------------------------------------------------------------------ running
def _show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                  file: Any = None, line: str | None = None) -> None:
    kind = "" if category is UserWarning else f" ({category.__name__})"
    print(one_line(f"autoclf: warning{kind}: {message}"), file=sys.stderr)


def run_command(args: argparse.Namespace) -> int:
    """Run the parsed command; errors become one line on stderr (and a traceback with --debug)."""
    try:
        with warnings.catch_warnings():
            if not args.debug:
                warnings.showwarning = _show_warning
            args.run(args)
    except (Exception, KeyboardInterrupt, SystemExit) as error:
        if isinstance(error, SystemExit) and not isinstance(error.code, str):
            raise  # an exit status already (SIGTERM during fit, argparse)
        status, message = classify(error)
        if args.debug:
            traceback.print_exception(error)
        print(message, file=sys.stderr)
        return status
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """The ``autoclf`` entry point: 0 when the command succeeded; SystemExit with the status otherwise."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(name)s %(levelname)s: %(message)s")
    logging.getLogger("smac").setLevel(logging.WARNING)  # one line per incumbent change: noise in a log
    status = run_command(args)
    if status != EXIT_OK:
        raise SystemExit(status)
    return EXIT_OK

