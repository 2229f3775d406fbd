"""Issue 2 benchmark: AutoClassifier(time_left=60, n_jobs=1) vs scikit-learn's default HistGradientBoosting
and RandomForest(500 trees) on five mirror data sets, 25 % stratified test split, seed 0.

Run: python experiments/core_vs_baselines.py [--time-left 60] [--ids 31 37 ...]
Prints a markdown table and writes experiments/results/core_vs_baselines.csv.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from common import RESULTS, baseline, load_mirror, standard_split
from sklearn.metrics import roc_auc_score

from autoclf import AutoClassifier

DATASETS = [31, 37, 1464, 29, 1494]  # credit-g, diabetes, blood-transfusion, credit-approval, qsar-biodeg


def auc(model, X_test, y_test) -> float:
    proba = model.predict_proba(X_test)
    positive = list(model.classes_)[1]
    return roc_auc_score(y_test == positive, proba[:, 1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--time-left", type=float, default=60)
    parser.add_argument("--ids", type=int, nargs="*", default=DATASETS)
    args = parser.parse_args()
    rows = []
    for openml_id in args.ids:
        X, y, name = load_mirror(openml_id)
        X_train, X_test, y_train, y_test = standard_split(X, y)
        row = {"dataset": f"{name} ({openml_id})"}
        for kind in ("hgb", "rf"):
            started = time.perf_counter()
            model = baseline(kind, X_train).fit(X_train, y_train)
            row[f"{kind}_seconds"] = time.perf_counter() - started
            row[f"{kind}_auc"] = auc(model, X_test, y_test)
        started = time.perf_counter()
        auto = AutoClassifier(time_left=args.time_left, n_jobs=1, seed=0, verbose=0).fit(X_train, y_train)
        row["autoclf_seconds"] = time.perf_counter() - started
        row["autoclf_trials"] = len(auto.results_)
        row["autoclf_auc"] = auc(auto, X_test, y_test)
        row["autoclf_best"] = auto.leaderboard().iloc[0]["classifier"]
        rows.append(row)
        print({k: (round(v, 4) if isinstance(v, float) else v) for k, v in row.items()}, flush=True)
    table = pd.DataFrame(rows)
    table["better_baseline_auc"] = table[["hgb_auc", "rf_auc"]].max(axis=1)
    RESULTS.mkdir(exist_ok=True)
    table.to_csv(RESULTS / "core_vs_baselines.csv", index=False)
    columns = ["dataset", "autoclf_seconds", "autoclf_trials", "autoclf_auc", "autoclf_best", "hgb_auc", "rf_auc",
               "better_baseline_auc"]
    print(table[columns].to_markdown(index=False, floatfmt=".4f"))
    print(f"mean AUC: autoclf {table.autoclf_auc.mean():.4f}, better baseline per data set "
          f"{table.better_baseline_auc.mean():.4f}; max fit wall time {table.autoclf_seconds.max():.1f} s")
    if np.any(table.autoclf_seconds > args.time_left + 1.5):
        print("WARNING: a fit overran time_left by more than 1.5 s")


if __name__ == "__main__":
    main()
