"""Issue 8 measurement: trials completed in a fixed budget with n_jobs=1 and n_jobs=2, same data, same seed.

Runs alternate (1, 2, 1, 2, ...) so machine noise hits both alike; reports per-run trial counts, the
median of each, and the ratio of medians. Trials per minute is what parallelism buys: the goal on 2 cores
is a ratio >= 1.8.

Run: python experiments/parallel_trials.py [--time-left 60] [--repeats 2] [--id 31]
Writes experiments/results/parallel_trials.csv.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time

import pandas as pd
from common import RESULTS, load_mirror, standard_split
from sklearn.metrics import roc_auc_score

from autoclf import AutoClassifier


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-left", type=float, default=60)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--id", type=int, default=31)
    parser.add_argument("--resampling", default="holdout")
    parser.add_argument("--tag", default="", help="suffix of the result file")
    args = parser.parse_args()
    X, y, name = load_mirror(args.id)
    X_train, X_test, y_train, y_test = standard_split(X, y)
    rows = []
    for repeat in range(args.repeats):
        for n_jobs in (1, 2):
            started, cpu_before = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
            model = AutoClassifier(time_left=args.time_left, n_jobs=n_jobs, resampling=args.resampling, seed=0,
                                   verbose=0).fit(X_train, y_train)
            seconds = time.perf_counter() - started
            cpu_after = resource.getrusage(resource.RUSAGE_SELF)
            parent_cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
            durations = [r.duration for r in model.results_]
            proba = model.predict_proba(X_test)
            auc = roc_auc_score(y_test == model.classes_[1], proba[:, 1]) if len(model.classes_) == 2 else None
            rows.append({"repeat": repeat, "n_jobs": n_jobs, "trials": len(model.results_),
                         "successful": sum(r.ok for r in model.results_), "fit_seconds": round(seconds, 1),
                         "test_auc": auc,
                         # where the time went: the parent's own CPU (SMAC, ensembles, Dask scheduler when
                         # local), the first trial's start, and how busy the n_jobs trial slots were
                         "parent_cpu_s": round(parent_cpu, 1),
                         "first_start_s": round(min(r.started for r in model.results_), 1),
                         "median_trial_s": round(statistics.median(durations), 2),
                         "busy_share": round(sum(durations) / (n_jobs * seconds), 2)})
            print(rows[-1], flush=True)
    table = pd.DataFrame(rows)
    RESULTS.mkdir(exist_ok=True)
    table.to_csv(RESULTS / f"parallel_trials{args.tag}.csv", index=False)
    print(f"{name} ({args.id}), time_left={args.time_left:.0f} s, resampling={args.resampling}")
    print(table.to_markdown(index=False, floatfmt=".4f"))
    one = statistics.median(table[table.n_jobs == 1].trials)
    two = statistics.median(table[table.n_jobs == 2].trials)
    print(f"median trials: n_jobs=1 {one:.1f}, n_jobs=2 {two:.1f}; ratio {two / one:.2f}")


if __name__ == "__main__":
    main()
