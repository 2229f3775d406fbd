"""The runner interface the search loop uses, and the serial runner: one limited worker process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from autoclf.execution.worker import CallOutcome, Worker


class TrialRunner(Protocol):
    """Runs calls under a time and a memory limit, up to ``capacity`` at once."""

    capacity: int

    def launch(self) -> None:
        """Start bringing workers up without waiting, so that start-up overlaps building the optimiser."""

    def ensure_started(self, timeout: float) -> bool:
        """Bring workers up now (within ``timeout`` s, else False), so start-up is not charged to a trial."""

    def submit(self, trial_id: int, function: Callable[..., Any], args: tuple, time_limit: float,
               memory_limit_mb: float | None, deadline: float | None = None) -> None:
        """Start ``function(*args)`` for trial ``trial_id``; artifacts it writes end up in the run store. Nothing
        of it runs past ``deadline`` (the fit's, a time.perf_counter() value), imports included."""

    def wait_any(self) -> tuple[int, CallOutcome]:
        """Block until one submitted call is done; its trial id and outcome (never raises for the call)."""

    def call(self, function: Callable[..., Any], args: tuple = (), time_limit: float | None = None,
             memory_limit_mb: float | None = None, deadline: float | None = None) -> CallOutcome:
        """Run one call to the end (the final refit) and return its outcome."""

    def kill(self) -> None:
        """Stop everything in flight (Ctrl-C)."""


class SerialRunner:
    """One trial at a time in one long-lived worker process (``autoclf.execution.worker.Worker``)."""

    capacity = 1

    def __init__(self, worker: Worker):
        self.worker = worker
        self._pending: list[tuple[int, Callable[..., Any], tuple, float, float | None, float | None]] = []

    def launch(self) -> None:
        self.worker.launch()

    def ensure_started(self, timeout: float) -> bool:
        return self.worker.ensure_started(timeout)

    def submit(self, trial_id: int, function: Callable[..., Any], args: tuple, time_limit: float,
               memory_limit_mb: float | None, deadline: float | None = None) -> None:
        self._pending.append((trial_id, function, args, time_limit, memory_limit_mb, deadline))

    def wait_any(self) -> tuple[int, CallOutcome]:
        trial_id, function, args, time_limit, memory_limit_mb, deadline = self._pending.pop(0)
        return trial_id, self.worker.call(function, args, time_limit=time_limit, memory_limit_mb=memory_limit_mb,
                                          deadline=deadline)

    def call(self, function: Callable[..., Any], args: tuple = (), time_limit: float | None = None,
             memory_limit_mb: float | None = None, deadline: float | None = None) -> CallOutcome:
        return self.worker.call(function, args, time_limit=time_limit, memory_limit_mb=memory_limit_mb,
                                deadline=deadline)

    def kill(self) -> None:
        self._pending.clear()
        self.worker.kill()
