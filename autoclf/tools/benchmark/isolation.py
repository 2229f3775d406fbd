"""Run one command in its own process group under a hard wall-clock and memory limit; measure peak memory.

Why a process group and a watcher rather than ``resource.setrlimit``: AutoML systems start worker
processes (autoclf's forkserver, Dask, FLAML's threads), and an address-space limit breaks libraries
that reserve large virtual ranges (torch, OpenBLAS) long before they use the memory. The watcher sums
the resident memory of the whole process tree every ``poll`` seconds, kills the group when the sum passes
the limit or the clock passes the time limit, and kills any process left in the group at the end, so a
run never outlives its slot. Peak memory is that sum (shared pages counted once per process, so an upper
bound: a forkserver and the workers it forks share most of their pages); ``peak_pss_mb`` is the peak of the
summed proportional set sizes (each shared page split between the processes that share it): the memory the
tree really takes, the fair figure beside a single-process system.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autoclf.evaluation.result import Status
from autoclf.execution.memory import tree_memory_mb

logger = logging.getLogger(__name__)


#: a run stopped by a Ctrl-C: not an outcome of the framework, so not a ``Status``; a resume runs it again
INTERRUPTED = "interrupted"


@dataclass
class Outcome:
    """How the process ended, in the trials' vocabulary (``Status``): success (exit 0), crashed (non-zero
    exit), timeout or memout; or ``INTERRUPTED`` (a Ctrl-C: never recorded)."""

    status: str
    returncode: int | None
    wall_s: float
    peak_memory_mb: float
    peak_pss_mb: float = float("nan")


def run_limited(command: list[str], time_limit: float, memory_limit_mb: float, log_path: Path,
                env: dict[str, str] | None = None, poll: float = 0.25, stop: Any = None) -> Outcome:
    """Run ``command`` (stdout and stderr to ``log_path``) and enforce the limits on its whole tree; when
    ``stop`` (a threading.Event) is set, the run is killed with status ``INTERRUPTED`` (a Ctrl-C)."""
    start = time.monotonic()
    peak = peak_pss = 0.0
    status = None
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        try:
            while process.poll() is None:
                rss, pss = tree_memory_mb(process.pid, proportional=True)
                peak, peak_pss = max(peak, rss), max(peak_pss, pss)
                if stop is not None and stop.is_set():
                    status = INTERRUPTED
                elif peak > memory_limit_mb:
                    status = Status.MEMOUT
                elif time.monotonic() - start > time_limit:
                    status = Status.TIMEOUT
                if status is not None:
                    logger.warning("run %s killed: %s (%.0f s, %.0f MB)", command[-1], status,
                                   time.monotonic() - start, peak)
                    _kill_group(process.pid)
                    process.wait()
                    break
                time.sleep(poll)
        finally:
            _kill_group(process.pid)  # leftover workers of a finished or failed run
            if process.poll() is None:
                process.kill()
                process.wait()
    wall = time.monotonic() - start
    if status is None:
        status = Status.SUCCESS if process.returncode == 0 else Status.CRASHED
    return Outcome(status, process.returncode, wall, peak, peak_pss)


def _kill_group(pid: int) -> None:
    """SIGKILL the process group the run leads (its own session: nothing else is in it)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
