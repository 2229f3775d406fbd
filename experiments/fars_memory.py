"""Issue 9 measurement: memory on the largest mirror data set (fars, 100 968 rows, 29 features, 8 classes).

Fits with default settings for ``--time-left`` seconds. The main process's resident memory (RSS) is
sampled by a thread every 20 ms with psutil, so the figure is the real peak as the OS sees it, C allocations
included (tracemalloc sees only Python's allocator and slows the run). Each trial's peak (its worker's RSS,
sampled by the parent) comes from ``results_[i].extra["peak_memory_mb"]``. Goals: main peak < 2 GiB and no
trial over ``memory_limit``.

Run: python experiments/fars_memory.py [--time-left 60] [--include a,b --tag _fast]
Writes experiments/results/fars_memory{tag}.json and fars_memory{tag}.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import threading
import time

import pandas as pd
import psutil
from common import MIRROR, RESULTS

from autoclf import AutoClassifier
from autoclf.evaluation.run_store import RunStore


class PeakRss:
    """Peak resident memory of this process, sampled in a daemon thread."""

    def __init__(self, interval: float = 0.02):
        self.interval = interval
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        process = psutil.Process()
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, process.memory_info().rss / 2**20)
            self._stop.wait(self.interval)

    def __enter__(self) -> "PeakRss":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-left", type=float, default=60)
    parser.add_argument("--memory-limit", type=float, default=3072)
    parser.add_argument("--per-run-time-limit", type=float, default=20,
                        help="seconds per trial (autoclf's default, a tenth of time_left, times out every trial "
                             "on 100k rows on a busy 2-core machine, and killed trials say little about memory)")
    parser.add_argument("--include", default=None, help="comma-separated classifiers, e.g. for trials that finish")
    parser.add_argument("--tag", default="", help="suffix of the result files")
    args = parser.parse_args()
    include = {"classifier": args.include.split(",")} if args.include else None
    frame = pd.read_parquet(MIRROR / "pmlb_fars.parquet")
    X, y = frame.drop(columns=["target"]), frame["target"]
    before_mb = psutil.Process().memory_info().rss / 2**20
    model = AutoClassifier(time_left=args.time_left, memory_limit=args.memory_limit,
                           per_run_time_limit=args.per_run_time_limit, include=include, seed=0, verbose=0,
                           tmp_folder=tempfile.mkdtemp(prefix="fars_memory_"), keep_tmp=True)
    error = ""
    with PeakRss() as main_rss:
        started = time.perf_counter()
        try:
            model.fit(X, y)
            model.predict_proba(X.iloc[:10_000])
        except RuntimeError as exception:  # no trial finished: the memory figures still stand
            error = str(exception)[:300]
        seconds = time.perf_counter() - started
    results = getattr(model, "results_", None) or RunStore(model.tmp_folder).records()  # a fit that raised
    shutil.rmtree(model.tmp_folder, ignore_errors=True)
    trial_peaks = [(r.trial_id, r.status, r.extra.get("peak_memory_mb", float("nan"))) for r in results]
    report = {
        "data": f"fars ({len(X)} rows, {X.shape[1]} features, {y.nunique()} classes)",
        "time_left": args.time_left,
        "per_run_time_limit": args.per_run_time_limit,
        "include": args.include or "whole space",
        "error": error,
        "fit_seconds": round(seconds, 2),
        "main_rss_before_fit_mb": round(before_mb, 1),
        "main_rss_peak_mb": round(main_rss.peak_mb, 1),
        "memory_limit_mb": args.memory_limit,
        "trials": len(trial_peaks),
        "trial_peak_max_mb": max((peak for _, _, peak in trial_peaks), default=float("nan")),
        "trials_over_limit": sum(peak > args.memory_limit for _, _, peak in trial_peaks),
        "memouts": sum(status == "memout" for _, status, _ in trial_peaks),
        "statuses": pd.Series([status for _, status, _ in trial_peaks]).value_counts().to_dict(),
        "trial_peaks_mb": {trial_id: peak for trial_id, _, peak in trial_peaks},
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"fars_memory{args.tag}.json").write_text(json.dumps(report, indent=1))
    lines = [f"# fars memory, time_left {args.time_left:g} s", ""]
    lines += [f"- {key}: {value}" for key, value in report.items() if key != "trial_peaks_mb"]
    (RESULTS / f"fars_memory{args.tag}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
