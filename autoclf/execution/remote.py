"""What runs inside a Dask worker process: each call goes to a limited worker process of its own.

A Dask worker cannot kill a task that overruns (tasks are threads), so every Dask worker keeps one
``autoclf.execution.worker.Worker`` - a forked child that the Dask worker watches and kills on time or
memory, as the serial path does. When the run store is not on a shared path, the task data arrives as a
Dask object, is written once to a store local to this worker process, and the trial's predictions and
model go back to the caller as the task's result.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from autoclf.evaluation.request import TrialRequest
from autoclf.evaluation.result import Status
from autoclf.evaluation.run_store import RunStore, TrialTask
from autoclf.evaluation.trial import carry_out
from autoclf.execution.worker import CallOutcome, Worker

_worker: Worker | None = None
_local_stores: dict[str, Path] = {}


def execute(
    request: TrialRequest,
    store_root: str,
    task: TrialTask | None,
    task_key: str,
    warm: Sequence[str] = (),
) -> tuple[CallOutcome, tuple[Any, Any] | None]:
    """Carry out ``request`` in this Dask worker's limited child process.

    ``task`` is None when ``store_root`` is a run store this machine can read and write (a shared path);
    otherwise the call runs against a local copy, and a trial's artifacts come back as (predictions, model).
    """
    worker = _limited_worker(warm)
    local_root = None if task is None else _local_store(task_key, task)
    root = store_root if local_root is None else str(local_root)
    outcome = worker.call(carry_out, (root, request), time_limit=request.time_limit,
                          memory_limit_mb=request.memory_limit_mb)
    artifacts = None
    if local_root is not None and request.trial_id is not None and outcome.status == Status.SUCCESS:
        store = RunStore(local_root)
        trial_id = request.trial_id
        artifacts = (store.predictions(trial_id), store.model(trial_id) if store.has_model(trial_id) else None)
        store.discard_artifacts(trial_id)
    return outcome, artifacts


class LaunchLimitedWorker(WorkerPlugin):
    """A Dask worker plugin: a worker of autoclf's own cluster spawns its limited child as soon as it starts
    (without waiting for the child's imports), while fit still builds the optimiser."""

    name = "autoclf-launch-limited-worker"

    def __init__(self, warm: Sequence[str] = ()):
        self.warm = list(warm)

    def setup(self, worker: Any) -> None:
        _limited_worker(self.warm).launch()


def start_limited_worker(warm: Sequence[str] = ()) -> None:
    """Start this Dask worker's limited child now (``Client.run`` calls it on every worker)."""
    _limited_worker(warm).ensure_started()


def _limited_worker(warm: Sequence[str]) -> Worker:
    global _worker
    if _worker is None:
        # Dask starts its workers as daemonic processes, which multiprocessing forbids to have children;
        # our child is watched and killed by this process, and dies with it (its pipe closes)
        mp.current_process()._config["daemon"] = False  # type: ignore[attr-defined]
        _worker = Worker(n_threads=1, warm=list(warm))
    return _worker


def _local_store(task_key: str, task: TrialTask) -> Path:
    """A run store under this process's temp folder holding ``task``; written once per fit."""
    if task_key not in _local_stores:
        for old in _local_stores.values():
            shutil.rmtree(old, ignore_errors=True)
        _local_stores.clear()
        root = Path(tempfile.gettempdir()) / f"autoclf-dask-{os.getpid()}" / task_key
        RunStore(root).initialise(task)
        _local_stores[task_key] = root
    return _local_stores[task_key]
