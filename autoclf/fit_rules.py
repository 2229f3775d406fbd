"""The rules ``AutoClassifier.fit`` applies before it searches: parameter checks and the defaults derived from
the budget and the data (per-trial time limit, resampling)."""

from __future__ import annotations

import os
import sys
from typing import Any

import numpy as np

#: smallest time_left accepted: starting the trial worker (imports) alone takes seconds on a cold process,
#: so a smaller budget could not finish one trial and would only overrun; refused early with a clear error
MIN_TIME_LEFT_SECONDS = 5.0
#: resampling="auto" cross-validates while rows x features / 0.9 stays under this many cells per hour of
#: time_left, on fewer than AUTO_CV_MAX_ROWS rows: FLAML's rule (``AutoML._decide_eval_method``:
#: SMALL_LARGE_THRES 1e7, CV_HOLDOUT_THRESHOLD 1e5), with the cells counted once per two classes, as a
#: boosting round grows a tree per class: at 60 s, 5-fold CV on kropt (21 000 x 6 cells, 18 classes) left
#: each boosting fold about 1 s (test log loss 1.59, holdout 0.57)
AUTO_CV_CELLS_PER_HOUR = 10_000_000
AUTO_CV_MAX_ROWS = 100_000
#: CPU seconds of ``speed_probe``'s tree on the 2-core machine autoclf's defaults were measured on; the
#: probe's wall seconds over this say how much slower this machine (or its load) is now
PROBE_REFERENCE_SECONDS = 0.023
#: the slowness is clamped to this range: one probe is noisy, and it only moves the resampling rule
SLOWNESS_RANGE = (0.5, 4.0)


def check_parameters(model: Any) -> None:
    """Refuse invalid constructor arguments of an AutoClassifier with a clear error, before any work."""
    if sys.platform == "win32":
        raise OSError("autoclf's fit runs each trial in a worker process forked from a forkserver, which Windows "
                      "does not offer: fit on Linux or macOS (on Windows, inside WSL2); a saved model predicts "
                      "anywhere its libraries install")
    if not isinstance(model.time_left, (int, float)) or not model.time_left > 0:
        raise ValueError(f"time_left must be a positive number of seconds, got {model.time_left!r}")
    if not np.isfinite(model.time_left):
        raise ValueError("time_left must be finite: it sets the deadline of every trial; to stop by trial count "
                         "instead, give n_trials and a time_left large enough for them (e.g. 86400)")
    if model.time_left < MIN_TIME_LEFT_SECONDS:
        raise ValueError(f"time_left={model.time_left!r} s is below the minimum of {MIN_TIME_LEFT_SECONDS:g} s: "
                         "starting the trial worker and running one trial takes a few seconds")
    if model.per_run_time_limit is not None and not model.per_run_time_limit > 0:
        raise ValueError(f"per_run_time_limit must be positive, got {model.per_run_time_limit!r}")
    if model.memory_limit is not None and not model.memory_limit > 0:
        raise ValueError(f"memory_limit must be a positive number of MB or None, got {model.memory_limit!r}")
    if model.n_trials is not None and (not isinstance(model.n_trials, (int, np.integer)) or model.n_trials < 1):
        raise ValueError(f"n_trials must be a positive integer or None, got {model.n_trials!r}")
    if isinstance(model.seed, bool) or not isinstance(model.seed, (int, np.integer)) or model.seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {model.seed!r}")
    if not isinstance(model.verbose, (int, np.integer)) or model.verbose < 0:
        raise ValueError(f"verbose must be a non-negative integer (0 silent, 1 progress bar), got {model.verbose!r}")
    if not 0 < model.holdout_size < 1:
        raise ValueError(f"holdout_size must be in (0, 1), got {model.holdout_size!r}")
    if not isinstance(model.n_jobs, (int, np.integer)) or not (model.n_jobs >= 1 or model.n_jobs == -1):
        raise ValueError(f"n_jobs must be a positive integer or -1 (all cores), got {model.n_jobs!r}")
    if model.dask_client is not None and not hasattr(model.dask_client, "submit"):
        raise TypeError(f"dask_client must be a distributed.Client, got {type(model.dask_client).__name__}")
    if model.warm_start not in (None, False, True, "knn", "portfolio", "both"):
        raise ValueError(f"warm_start must be 'knn', 'portfolio', 'both' or None, got {model.warm_start!r}")
    for name in ("include", "exclude"):
        value = getattr(model, name)
        if value is not None and not isinstance(value, str) and _is_empty_filter(value):
            raise ValueError(f"{name}={value!r} names no component: give component names (e.g. include=['lightgbm']) "
                             f"or None for {'every component' if name == 'include' else 'no exclusion'}")
    import multiprocessing

    if multiprocessing.current_process().daemon:
        raise RuntimeError("fit runs its trials in child processes, which a daemonic process (e.g. a "
                           "multiprocessing.Pool worker) may not start: call fit from the main process, or from a "
                           "concurrent.futures.ProcessPoolExecutor or a non-daemonic multiprocessing.Process")
    if model.ensemble not in ("selection", "stacking", "best"):
        raise ValueError(f"ensemble must be 'selection', 'stacking' or 'best', got {model.ensemble!r}")
    for name in ("ensemble_size", "ensemble_nbest"):
        value = getattr(model, name)
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")


def _is_empty_filter(value: Any) -> bool:
    """True for [] or {"classifier": []}: a filter that names nothing (it used to mean "everything")."""
    if hasattr(value, "items"):
        return len(value) == 0 or any(not list(names) for names in value.values())
    try:
        return len(list(value)) == 0
    except TypeError:
        return False


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, e.g. under taskset or a container), not the machine's."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def machine_slowness(repeats: int = 3) -> float:
    """How many times slower than the reference machine trials run here now (2: half the speed, a slower CPU
    or a busy one). Why: a rule in seconds tuned on one machine starves the search on a slow or shared one
    (issue 17: 3 of 10 quick-suite fits on a busy core got no trial done). A small decision tree, timed by
    the wall clock: the median of ``repeats`` fits, ~0.1 s in all."""
    import time

    from sklearn.tree import DecisionTreeClassifier

    rng = np.random.default_rng(0)
    X = rng.standard_normal((4000, 10))
    y = (X[:, 0] + 0.5 * rng.standard_normal(4000) > 0).astype(int)
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        DecisionTreeClassifier(max_depth=10, random_state=0).fit(X, y)
        seconds.append(time.perf_counter() - started)
    low, high = SLOWNESS_RANGE
    return float(np.clip(np.median(seconds) / PROBE_REFERENCE_SECONDS, low, high))


def choose_resampling(resampling: str, info, time_left: float, slowness: float = 1.0) -> str:
    """Resolve resampling="auto": cross-validation where the budget pays for it, holdout elsewhere. On a machine
    ``slowness`` times slower than the reference the budget buys that much less."""
    if resampling != "auto":
        return resampling
    cells = info.n_rows * max(info.n_features, 1) * max(1.0, info.n_classes / 2) / 0.9
    seconds = float(time_left) / slowness
    affordable = cells < AUTO_CV_CELLS_PER_HOUR * seconds / 3600 and info.n_rows < AUTO_CV_MAX_ROWS
    return "cv" if affordable else "holdout"
