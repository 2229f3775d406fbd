"""Which features matter (permutation importance on held-out rows) and how the search went over time.

Run: python examples/inspection.py [--out DIR]   (writes importances.png and over_time.png)
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
    parser.add_argument("--out", default=None, help="folder for the plots (default: a temporary one)")
    args = parser.parse_args()
    frame = pd.read_parquet(DATA)
    X, y = frame.drop(columns=["class"]), frame["class"]
    X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
    model = AutoClassifier(time_left=60, per_run_time_limit=20, n_trials=4, seed=0, verbose=0,
                           include={"classifier": ["random_forest", "logistic_regression"]}).fit(X_train, y_train)

    # held-out rows: importances on the training rows would reward what the model overfits
    importances = model.permutation_importances(X_test, y_test, n_repeats=3)
    print(importances.head(8).to_string(index=False))

    out = Path(args.out or tempfile.mkdtemp(prefix="autoclf_example_"))
    out.mkdir(parents=True, exist_ok=True)
    model.plot_feature_importances(out / "importances.png", top=12)
    model.plot_performance_over_time(out / "over_time.png")
    print("plots written to", out)


if __name__ == "__main__":
    main()
