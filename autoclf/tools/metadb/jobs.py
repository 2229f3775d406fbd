"""Running the rebuild's per data set jobs: one process each (a leak or a crash stays there), several at once,
each failure logged and left for the next resume."""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, Callable

from autoclf.execution.worker import exit_when_gone

logger = logging.getLogger(__name__)


def run_jobs(function: Callable[..., str], jobs: list[tuple], workers: int) -> int:
    """Run ``function(*job)`` for each job, ``workers`` at a time, each in a fresh process (one worker: in
    this process, in order); returns how many succeeded. A job that raises is logged and skipped: its result
    file is missing, so a resume retries it."""
    if not jobs:
        return 0
    if workers <= 1:
        return sum(_log_outcome(function, job, lambda job=job: function(*job)) for job in jobs)
    done = 0
    context = mp.get_context("spawn")
    # a job process ends when this one is killed: it would otherwise finish its data set unwatched, and a
    # restarted rebuild would write the same cells from two processes
    with ProcessPoolExecutor(workers, mp_context=context, max_tasks_per_child=1,
                             initializer=exit_when_gone, initargs=(os.getpid(),)) as pool:
        futures = {pool.submit(function, *job): job for job in jobs}
        for future in as_completed(futures):
            done += _log_outcome(function, futures[future], future.result)
    return done


def _log_outcome(function: Callable[..., str], job: tuple, get: Any) -> bool:
    name = function.__name__.strip("_")
    try:
        logger.info("%s %s", name, get())
        return True
    except Exception as error:  # noqa: BLE001 - one data set that fails must not stop the rebuild
        what = job[1] if len(job) > 1 else job[0] if job else ""  # the data set's name after the source
        logger.warning("%s %s failed: %s: %s", name, what, type(error).__name__, error)
        return False
