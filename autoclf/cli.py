"""Command line: ``autoclf fit``, ``autoclf predict``, ``autoclf demo``."""

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

    predict = commands.add_parser("predict", help="predict a csv/parquet file with a saved model")
    predict.add_argument("model")
    predict.add_argument("data")
    predict.add_argument("--output", required=True, help="csv or parquet file of predictions")
    predict.set_defaults(run=command_predict)

    demo = commands.add_parser("demo", help="fit on the shipped demo data set and print the results")
    demo.add_argument("--time-left", type=float, default=60)
    demo.add_argument("--seed", type=int, default=0)
    demo.set_defaults(run=command_demo)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(name)s %(levelname)s: %(message)s")
    args.run(args)


if __name__ == "__main__":
    main(sys.argv[1:])
