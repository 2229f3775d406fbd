"""A fit that its parent test interrupts with SIGINT, as Ctrl-C does; run as a script by test_robustness_faults.

Run in its own process so that the interrupt meets a Python process in the state a user's has, not the state
that two thousand earlier tests left in the pytest process. Prints one JSON line: what the fit returned.

Usage: python interrupted_fit.py RUN_FOLDER CLASSIFIER[,CLASSIFIER...] [N_JOBS]
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback

import numpy as np
import pandas as pd
import psutil
from broken_components import SleepingClassifier

from autoclf import AutoClassifier


def live_trial_workers() -> list[int]:
    """Trial workers: the forkserver's children (the forkserver itself and the resource tracker stay)."""
    servers = [child for child in psutil.Process().children() if "forkserver" in " ".join(child.cmdline())]
    return [worker.pid for server in servers for worker in server.children()
            if worker.is_running() and worker.status() != psutil.STATUS_ZOMBIE]


def main(folder: str, classifiers: list[str], n_jobs: int = 1) -> dict:
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=120), "b": rng.normal(size=120), "c": rng.choice(["x", "y"], 120)})
    y = pd.Series(np.where(X["a"] > 0, "yes", "no"))
    # the second trial (or the only one) sleeps until killed: the interrupt lands while a trial runs
    model = AutoClassifier(
        time_left=60, per_run_time_limit=40, include={"classifier": classifiers},
        extra_components=[SleepingClassifier], initial_configurations=[{"classifier:__choice__": "sleeping"}],
        resampling="holdout", warm_start=None, tmp_folder=folder, verbose=0, seed=0, n_jobs=n_jobs,
    )
    started = time.perf_counter()
    print("stage: fit starts", file=sys.stderr, flush=True)
    try:
        model.fit(X, y)
    except KeyboardInterrupt as error:
        return {"seconds": time.perf_counter() - started, "keyboard_interrupt": str(error),
                "fitted": hasattr(model, "model_"), "traceback": traceback.format_exc(limit=-6)}
    return {"seconds": time.perf_counter() - started, "keyboard_interrupt": None,
            "ok_trials": [result.trial_id for result in model.results_ if result.ok],
            "best": model.best_trial_.config["classifier:__choice__"],
            "predictions": sorted(set(model.predict(X.iloc[:10]).tolist())), "live_workers": live_trial_workers()}


if __name__ == "__main__":
    print("stage: imported", file=sys.stderr, flush=True)
    n_jobs = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    print(json.dumps(main(sys.argv[1], sys.argv[2].split(","), n_jobs)), flush=True)
    # CPython marks a KeyboardInterrupt that passed through an exec'd string (dataclasses and namedtuple
    # build methods that way while fit imports SMAC) as unhandled, even when caught, and then ends the
    # process by SIGINT at exit; what fit did is printed above, so leave without that exit path
    os._exit(0)
