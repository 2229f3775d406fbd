"""The record of one trial, as the search, the leaderboard and the run store see it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SUCCESS = "success"
CRASHED = "crashed"
TIMEOUT = "timeout"
MEMOUT = "memout"
STATUSES = (SUCCESS, CRASHED, TIMEOUT, MEMOUT)


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
    budget: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == SUCCESS

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "TrialResult":
        return cls(**values)
