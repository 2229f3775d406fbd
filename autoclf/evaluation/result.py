"""The record of one trial, as the search, the leaderboard and the run store see it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """How a call ended: one vocabulary for the worker, the run store, SMAC's mapping and the reports.

    A StrEnum: equal to its string, so stored records and JSON keep plain "success", "timeout", ..."""

    SUCCESS = "success"
    CRASHED = "crashed"  # raised, or its process died (even by os.abort() or a segfault)
    TIMEOUT = "timeout"  # over its time limit (or the fit's deadline): killed
    MEMOUT = "memout"  # over its memory limit: killed


SUCCESS, CRASHED, TIMEOUT, MEMOUT = Status.SUCCESS, Status.CRASHED, Status.TIMEOUT, Status.MEMOUT
STATUSES = tuple(Status)


@dataclass
class TrialResult:
    """What happened to one configuration: its loss when it worked, its status and error when not."""

    trial_id: int
    config: dict[str, Any]
    status: str
    loss: float
    score: float | None = None
    duration: float = 0.0  # seconds of wall time the trial took, process start-up excluded
    started: float = 0.0  # seconds since the start of the fit
    origin: str = ""
    error: str = ""
    fidelity: float | None = None  # multi-fidelity: the share of full training the trial had; None: all of it
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """The trial succeeded (it has a loss of its own)."""
        return self.status == SUCCESS

    def to_dict(self) -> dict[str, Any]:
        """The fields as a JSON-ready dict (the run store's trial.json)."""
        return asdict(self)

    @property
    def budget(self) -> float | None:
        """The fidelity, under its old name (SMAC calls it a budget; autoclf's budget is time_left)."""
        return self.fidelity

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "TrialResult":
        """The record from ``to_dict``'s form (also one written before ``budget`` was renamed ``fidelity``)."""
        values = dict(values)
        if "budget" in values:  # a record written before the rename
            values["fidelity"] = values.pop("budget")
        return cls(**values)
