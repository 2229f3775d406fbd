"""Cheap first, then grow: the incumbent runs again with twice the time when the clock, not the model,
ended its training.

Why: every trial has the default per-trial limit (a tenth of ``time_left``, auto-sklearn's rule), and on large
data that limit, not the configuration, decides the strongest families' models: in the race at 60 s, kropt's
LightGBM default (28 000 rows, 18 classes) boosted for 6 s, was stopped there and stayed the best trial
(held-out log loss 0.63; FLAML's xgboost reached 0.27). FLAML grows its trials' cost from cheap starting
points; here the best configuration, when its model was stopped by the clock (``components.anytime``), runs
again with ``GROWTH_FACTOR`` times its limit, and again while the grown trial stays the best and is still cut
short. Growth alternates with the search's own proposals, so the search goes on beside it, and takes at most
``MAX_GROWN_SHARE`` of what is left of the clock. A per-trial limit the user gave is kept as given, and a
trial at a reduced fidelity (multi-fidelity search) is not grown: its rounds were cut by design.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from autoclf.configspace.origins import Origin
from autoclf.evaluation.result import TrialResult
from autoclf.fit_budget import FitBudget
from autoclf.optimization.smac_proposer import Proposal

#: a grown trial's limit over the limit of the trial it grows
GROWTH_FACTOR = 2.0
#: a grown trial may take at most this share of what is left of the search's clock (after the reserve)
MAX_GROWN_SHARE = 0.5
#: growing for less than this factor over the previous limit is not worth a trial
MIN_GROWTH = 1.25


@dataclass
class Growth:
    """Decides, before each trial starts, whether it grows the incumbent instead of asking the optimiser."""

    grown: set[int] = field(default_factory=set)  # trial ids already grown (each at most once)
    last_was_grown: bool = False

    def next(self, best: TrialResult | None, budget: FitBudget, reserve: float) -> tuple[Proposal, float] | None:
        """The grown incumbent and its time limit, or None (the optimiser's proposal runs)."""
        if self.last_was_grown or best is None or not budget.adaptive_per_trial:
            return None
        if not best.extra.get("cut_short") or best.trial_id in self.grown:
            return None
        if best.fidelity is not None and best.fidelity < 1:
            return None
        previous = float(best.extra.get("time_limit") or budget.per_trial)
        available = budget.remaining() - budget.capped_reserve(reserve)
        limit = min(GROWTH_FACTOR * previous, MAX_GROWN_SHARE * available)
        if limit < MIN_GROWTH * previous:
            return None
        self.grown.add(best.trial_id)
        return Proposal(config=dict(best.config), origin=Origin.GROWN, info=None), limit

    def started(self, proposal: Proposal) -> None:
        """Note what the slot ran: after a grown trial the optimiser's proposal comes next."""
        self.last_was_grown = proposal.origin == Origin.GROWN
