"""Fit, predict, inspect and save: the shortest useful autoclf session (credit-g, a few seconds).

Run: python examples/quickstart.py [--time-left 60] [--out DIR]
"""

import argparse
import tempfile
from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from autoclf import AutoClassifier

DATA = Path(__file__).resolve().parents[1] / "data" / "credit-g.parquet"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--time-left", type=float, default=60)
    parser.add_argument("--out", default=None, help="folder for the saved model (default: a temporary one)")
    args = parser.parse_args()
    frame = pd.read_parquet(DATA)
    X, y = frame.drop(columns=["class"]), frame["class"]
    X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)

    # n_trials and include keep the example short; drop them for a real search
    model = AutoClassifier(time_left=args.time_left, per_run_time_limit=20, n_trials=4, seed=0, verbose=0,
                           include={"classifier": ["random_forest", "logistic_regression", "decision_tree"]})
    model.fit(X_train, y_train)
    # one row per trial; with test data, each served member's test score and a row for the whole ensemble
    print(model.leaderboard(X_test, y_test).to_string(index=False))
    print(model.sprint_statistics())
    print("test accuracy:", round(model.score(X_test, y_test), 4))

    out = Path(args.out or tempfile.mkdtemp(prefix="autoclf_example_"))
    out.mkdir(parents=True, exist_ok=True)
    model.save(out / "model.joblib")
    again = AutoClassifier.load(out / "model.joblib")
    assert (again.predict(X_test) == model.predict(X_test)).all()
    print("saved and reloaded:", out / "model.joblib")


if __name__ == "__main__":  # trials run in worker processes: guard the entry point
    main()
