"""Command line: ``autoclf fit``, ``autoclf predict``, ``autoclf demo``, ``autoclf metadb rebuild|info``."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import pandas as pd


def read_table(path: str | Path) -> pd.DataFrame:
    path = Path(path)
    if not path.exists():
        raise SystemExit(f"autoclf: no such file: {path}")
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    if path.suffix in (".csv", ".txt", ".gz"):
        return pd.read_csv(path)
    raise SystemExit(f"autoclf: {path} is neither .csv nor .parquet")


def write_table(frame: pd.DataFrame, path: str | Path) -> None:
    path = Path(path)
    if path.suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)


def split_target(frame: pd.DataFrame, target: str | None) -> tuple[pd.DataFrame, pd.Series]:
    target = target if target is not None else frame.columns[-1]
    if target not in frame.columns:
        raise SystemExit(f"autoclf: no column {target!r} in the data; columns: {list(frame.columns)}")
    return frame.drop(columns=[target]), frame[target]


def command_fit(args: argparse.Namespace) -> None:
    from autoclf import AutoClassifier

    X, y = split_target(read_table(args.data), args.target)
    model = AutoClassifier(
        time_left=args.time_left, metric=args.metric, seed=args.seed, n_trials=args.n_trials,
        verbose=0 if args.quiet else 1,
    )
    model.fit(X, y)
    model.save(args.output)
    print(model.leaderboard().head(10).to_string(index=False))
    print(model.sprint_statistics())
    print(f"model written to {args.output}")


def command_predict(args: argparse.Namespace) -> None:
    from autoclf import AutoClassifier

    model = AutoClassifier.load(args.model)
    frame = read_table(args.data)
    names = getattr(model, "feature_names_in_", None)
    if names is not None and set(names) <= set(frame.columns):
        frame = frame[list(names)]  # files may hold the target or extra columns: select by name
    proba = model.predict_proba(frame)
    out = pd.DataFrame({"prediction": model.classes_[proba.argmax(axis=1)]})
    for index, label in enumerate(model.classes_):
        out[f"proba_{label}"] = proba[:, index]
    write_table(out, args.output)
    print(f"{len(out)} predictions written to {args.output}")


def command_demo(args: argparse.Namespace) -> None:
    from autoclf.demo import run_demo

    run_demo(time_left=args.time_left, seed=args.seed)


def command_metadb_rebuild(args: argparse.Namespace) -> None:
    from autoclf.tools.metadb.matrix import MatrixProtocol
    from autoclf.tools.metadb.rebuild import RebuildSettings, rebuild
    from autoclf.tools.metadb.search import SearchSettings

    if args.source == "openml":
        if args.suite is None and not args.tasks:
            raise SystemExit("autoclf: --source openml needs --suite ID or --tasks ID,ID")
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
        raise SystemExit(f"autoclf: {error}") from None
    print(describe(database, datasets=args.datasets))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autoclf", description="AutoML for tabular classification")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the search does")
    commands = parser.add_subparsers(dest="command", required=True)

    fit = commands.add_parser("fit", help="search for a model on a csv/parquet file and save it")
    fit.add_argument("data")
    fit.add_argument("--target", help="target column (default: the last column)")
    fit.add_argument("--time-left", type=float, default=600, help="seconds for the whole fit")
    fit.add_argument("--metric", default="auto")
    fit.add_argument("--n-trials", type=int, default=None)
    fit.add_argument("--seed", type=int, default=0)
    fit.add_argument("--output", required=True, help="where to write the fitted model")
    fit.add_argument("--quiet", action="store_true", help="no progress bar")
    fit.set_defaults(run=command_fit)

    predict = commands.add_parser("predict", help="predict a csv/parquet file with a saved model",
                                  description="Predict with a model saved by `autoclf fit`. Loading a model "
                                              "unpickles it, which runs code: use only model files you trust.")
    predict.add_argument("model")
    predict.add_argument("data")
    predict.add_argument("--output", required=True, help="csv or parquet file of predictions")
    predict.set_defaults(run=command_predict)

    demo = commands.add_parser("demo", help="fit on the shipped demo data set and print the results")
    demo.add_argument("--time-left", type=float, default=60)
    demo.add_argument("--seed", type=int, default=0)
    demo.set_defaults(run=command_demo)

    metadb = commands.add_parser("metadb", help="the meta-database that warm-starts the search")
    metadb_commands = metadb.add_subparsers(dest="metadb_command", required=True)
    rebuild = metadb_commands.add_parser("rebuild", help="build the meta-database (resumable)")
    rebuild.add_argument("--source", required=True, help="'openml' or a mirror folder (parquet + manifest.csv)")
    rebuild.add_argument("--suite", type=int, help="OpenML suite id with --source openml (99: OpenML-CC18)")
    rebuild.add_argument("--tasks", help="OpenML task ids (comma-separated) with --source openml")
    rebuild.add_argument("--datasets", help="only these data sets (comma-separated names or OpenML ids)")
    rebuild.add_argument("--max-rows", type=int, default=None, help="skip data sets with more rows")
    rebuild.add_argument("--phase", choices=["assemble", "search", "matrix", "all"], default="all",
                         help="stop after the searches (and meta-features), go on to the matrix (all, the default), "
                              "or only write the database of the work done so far (assemble)")
    rebuild.add_argument("--time-per-dataset", type=float, default=300, help="seconds of search per data set")
    rebuild.add_argument("--n-trials", type=int, default=100, help="also stop each search after N trials")
    rebuild.add_argument("--workers", type=int, default=1, help="data sets processed at once (one core each)")
    rebuild.add_argument("--seed", type=int, default=0)
    rebuild.add_argument("--candidates-per-dataset", type=int, default=2,
                         help="each search's best distinct configurations evaluated on every data set")
    rebuild.add_argument("--matrix-rows", type=int, default=5000, help="rows sampled per data set for the matrix")
    rebuild.add_argument("--matrix-folds", type=int, default=3, help="cross-validation folds per matrix cell")
    rebuild.add_argument("--cell-time-limit", type=float, default=30,
                         help="seconds per matrix cell, all folds (networks and boosting stop there with a model)")
    rebuild.add_argument("--work-dir", help="per data set results, kept for resuming (default: beside --output)")
    rebuild.add_argument("--output", required=True, help="the database file (.json or .json.gz)")
    rebuild.set_defaults(run=command_metadb_rebuild)
    info = metadb_commands.add_parser("info", help="what a meta-database holds")
    info.add_argument("path", nargs="?", default=None, help="a database file (default: the shipped one)")
    info.add_argument("--datasets", action="store_true", help="list every data set")
    info.set_defaults(run=command_metadb_info)

    from autoclf.tools.benchmark.cli import add_parser as add_benchmark_parser  # light: argparse only

    add_benchmark_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(name)s %(levelname)s: %(message)s")
    logging.getLogger("smac").setLevel(logging.WARNING)  # one line per incumbent change: noise in a log
    args.run(args)


if __name__ == "__main__":
    main(sys.argv[1:])
