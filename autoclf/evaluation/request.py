"""What the search (or serving) asks a runner to do with one configuration: the trial contract.

Why a frozen object: trials used to travel as a positional 7-tuple whose first item the Dask runner
rewrote; every field here is named, and a runner adds only the run store it knows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TrialRequest:
    """One configuration to fit under limits: a trial (``trial_id`` set: every split, held-out predictions and
    the model written to the run store) or a refit on all training rows (``trial_id`` None: the model comes
    back)."""

    config: dict[str, Any] = field(hash=False)
    seed: int
    time_limit: float | None  # seconds for the call itself; imports it needs are not on it
    memory_limit_mb: float | None = None
    trial_id: int | None = None
    fidelity: float | None = None  # share of full training (multi-fidelity search); None or 1: all of it
    keep_model: bool = True  # a trial's fitted models stored for the ensemble
    deadline: float | None = None  # the fit's, a time.perf_counter() value of the caller: nothing runs past it

    @property
    def is_refit(self) -> bool:
        return self.trial_id is None
