"""Trials in parallel on a Dask LocalCluster of two single-threaded workers (n_jobs=2).

On a cluster, pass dask_client=distributed.Client("tcp://scheduler:8786") instead (docs/distributed.md).
Run: python examples/distributed.py
"""

from pathlib import Path

import pandas as pd

from autoclf import AutoClassifier

DATA = Path(__file__).resolve().parents[1] / "data" / "credit-g.parquet"


def main() -> None:
    frame = pd.read_parquet(DATA)
    X, y = frame.drop(columns=["class"]), frame["class"]
    model = AutoClassifier(time_left=60, per_run_time_limit=20, n_jobs=2, n_trials=4, seed=0, verbose=0,
                           include={"classifier": ["decision_tree", "logistic_regression"]}).fit(X, y)
    print(model.leaderboard().to_string(index=False))


if __name__ == "__main__":  # Dask starts worker processes: the guard is required
    main()
