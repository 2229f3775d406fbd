"""Which runner a fit's trials go to: one limited worker process in this machine, or Dask workers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from autoclf.execution.runner import SerialRunner
from autoclf.execution.worker import RECYCLE_GROWTH_MB, Worker


def trial_runner(store: Any, warm: list[str], n_jobs: int, dask_client: Any = None,
                 memory_limit_mb: float | None = None, shared_store: Any = None) -> AbstractContextManager:
    """A context manager yielding the runner: serial (one worker) for ``n_jobs`` 1 and no ``dask_client``,
    else a DaskRunner (a LocalCluster of ``n_jobs`` workers, or the user's client)."""
    if dask_client is None and n_jobs == 1:
        return _serial(store, warm)
    from autoclf.execution.dask_runner import DaskRunner

    return DaskRunner(store, n_workers=n_jobs, memory_limit_mb=memory_limit_mb, client=dask_client,
                      shared_store=shared_store, warm=warm)


@contextmanager
def _serial(store: Any, warm: list[str]) -> Iterator[SerialRunner]:
    # a worker holds the task's data once it ran a trial: growth by that much is not worth a new worker
    task_mb = (store.root / "task.joblib").stat().st_size / 2**20
    with Worker(n_threads=1, warm=warm, recycle_growth_mb=max(RECYCLE_GROWTH_MB, 3 * task_mb)) as worker:
        yield SerialRunner(worker, str(store.root))
