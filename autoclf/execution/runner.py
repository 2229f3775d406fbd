"""The runner interface the search loop and serving use, and the serial runner: one limited worker process.

A runner carries out ``TrialRequest``s against the run store it knows: ``submit`` a trial and ``wait_any``
for one to finish, or ``refit`` one configuration on all rows. Where a call runs and how it is limited are
the runner's business; the caller does not know whether trials run one at a time next to it or many at
once on other machines.
"""

from __future__ import annotations

from typing import Protocol

from autoclf.evaluation.request import TrialRequest
from autoclf.evaluation.trial import carry_out
from autoclf.execution.worker import CallOutcome, Worker


class TrialRunner(Protocol):
    """Runs requests under their time and memory limits, up to ``capacity`` trials at once."""

    capacity: int

    def launch(self) -> None:
        """Start bringing workers up without waiting, so that start-up overlaps building the optimiser."""

    def ensure_started(self, timeout: float) -> bool:
        """Bring workers up now (within ``timeout`` s, else False), so start-up is not charged to a trial."""

    def submit(self, request: TrialRequest) -> None:
        """Start the trial ``request`` (its ``trial_id`` set); its artifacts end up in the run store."""

    def wait_any(self) -> tuple[int, CallOutcome]:
        """Block until one submitted trial is done; its trial id and outcome (never raises for the call)."""

    def refit(self, request: TrialRequest) -> CallOutcome:
        """Fit ``request``'s configuration on all rows to the end; the model is the outcome's value."""

    def kill(self) -> None:
        """Stop everything in flight (Ctrl-C)."""


class SerialRunner:
    """One trial at a time in one long-lived worker process (``autoclf.execution.worker.Worker``)."""

    capacity = 1

    def __init__(self, worker: Worker, store_root: str):
        self.worker = worker
        self.store_root = str(store_root)
        self._pending: list[TrialRequest] = []

    def launch(self) -> None:
        self.worker.launch()

    def ensure_started(self, timeout: float) -> bool:
        return self.worker.ensure_started(timeout)

    def submit(self, request: TrialRequest) -> None:
        assert request.trial_id is not None, "submit runs trials; refit runs refits"
        self._pending.append(request)

    def wait_any(self) -> tuple[int, CallOutcome]:
        request = self._pending.pop(0)
        assert request.trial_id is not None
        return request.trial_id, self._run(request)

    def refit(self, request: TrialRequest) -> CallOutcome:
        return self._run(request)

    def kill(self) -> None:
        self._pending.clear()
        self.worker.kill()

    def _run(self, request: TrialRequest) -> CallOutcome:
        return self.worker.call(carry_out, (self.store_root, request), time_limit=request.time_limit,
                                memory_limit_mb=request.memory_limit_mb, deadline=request.deadline)
