"""The fit's clock, owned by one object: built once from ``time_left``, asked by everything that spends time.

Why: ``time_left`` used to turn from seconds into a deadline and back several times on its way to a trial,
the ensemble builder wrote the search loop's stopping rule through a mutable field, and the slack constants
lived in six modules. Here are the deadline, the per-trial limit, what is left, and every slack constant
with its reason; the clock is injectable, so the time rules are tested without sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

#: seconds kept free at the end of fit for cleanup (closing the worker, the run folder), so that fit returns
#: within time_left
END_SLACK_SECONDS = 0.5
#: a trial is not started with less than this many seconds left: it could not finish anything useful
MIN_TRIAL_SECONDS = 1.0
#: what the search keeps back for the final refits and ensemble is capped at this share of the budget, so
#: the search always gets time (a slow first trial would otherwise reserve the whole budget)
MAX_RESERVE_SHARE = 0.25
#: while no trial has succeeded, each timed-out trial doubles the next one's default limit, at most this
#: many times: a slow or busy machine still gets a real model rather than the fallback
MAX_LIMIT_DOUBLINGS = 4
#: after serving, a remainder below this share of the budget, or below TOP_UP_MIN_SECONDS, is left alone (fit
#: returns): the race's goal is a fit that ends within the last 3 % of time_left
TOP_UP_MIN_SHARE = 0.02
TOP_UP_MIN_SECONDS = 1.0
#: stacking is skipped (selection served) with less than this many seconds left after the search
STACKING_MIN_SECONDS = 1.0


def default_per_trial(time_left: float) -> float:
    """A tenth of the budget, as auto-sklearn; on small budgets at least 5 s (or a third of the budget)."""
    return max(time_left / 10, min(5.0, time_left / 3))


@dataclass(frozen=True)
class FitBudget:
    """When the fit must be done and how long one trial may take. Times are ``clock()`` values."""

    start: float
    deadline: float
    per_trial: float
    adaptive_per_trial: bool = False  # the limit is the default, not the user's: it may follow the machine
    clock: Callable[[], float] = field(default=time.perf_counter, repr=False, compare=False)

    @classmethod
    def from_time_left(cls, time_left: float, per_trial: float | None = None, start: float | None = None,
                       clock: Callable[[], float] = time.perf_counter) -> FitBudget:
        """The budget of a fit starting now (or at ``start``); ``per_trial`` None means the default limit."""
        begun = clock() if start is None else start
        limit = default_per_trial(float(time_left)) if per_trial is None else float(per_trial)
        return cls(begun, begun + float(time_left) - END_SLACK_SECONDS, limit, per_trial is None, clock)

    @property
    def total(self) -> float:
        """Seconds from the start to the deadline."""
        return self.deadline - self.start

    def now(self) -> float:
        return self.clock()

    def remaining(self) -> float:
        """Seconds until the deadline (negative once past it)."""
        return self.deadline - self.clock()

    def elapsed(self) -> float:
        return self.clock() - self.start

    def until(self, deadline: float) -> FitBudget:
        """The same budget ending at ``deadline`` instead (the search after serving stops before the rebuild)."""
        return replace(self, deadline=deadline)

    def capped_reserve(self, seconds: float) -> float:
        """What the search may keep back for the end: ``seconds``, at most MAX_RESERVE_SHARE of the budget."""
        return min(seconds, MAX_RESERVE_SHARE * self.total)

    def trial_limit(self, reserve: float, timeouts_without_success: int = 0) -> float | None:
        """The next trial's time limit, or None when no trial fits before the deadline minus ``reserve``.

        The per-trial limit, never past what is left; a default limit doubles with each timeout while no
        trial has succeeded (``timeouts_without_success``), up to MAX_LIMIT_DOUBLINGS times. A limit the user
        set is kept as given."""
        available = self.remaining() - self.capped_reserve(reserve)
        if available < MIN_TRIAL_SECONDS:
            return None
        limit = self.per_trial
        if self.adaptive_per_trial:
            limit *= 2 ** min(timeouts_without_success, MAX_LIMIT_DOUBLINGS)
        return min(limit, available)
