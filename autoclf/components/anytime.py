"""Whether a fitted classifier was stopped by its trial's clock rather than by its own rule.

Three families are "anytime" within a trial (``autoclf.budget.seconds_left()``): the boosting libraries stop
boosting before the deadline (``stopped_by_deadline_``), the forests stop adding trees
(``n_estimators_grown_`` below ``n_estimators``) and the networks stop training (``stopped_by_ == "budget"``).
Such a model is usable but less trained than its configuration asks; the search gives the configuration
more time when it is the best so far (``autoclf.optimization.growth``).
"""

from __future__ import annotations

from typing import Any


def stopped_by_clock(estimator: Any) -> bool:
    """True when ``estimator`` (a fitted classifier, or a pipeline ending in one) stopped on the clock."""
    steps = getattr(estimator, "steps", None)
    if steps:
        estimator = steps[-1][1]
    if getattr(estimator, "stopped_by_deadline_", False):
        return True
    if getattr(estimator, "stopped_by_", None) == "budget":
        return True
    grown = getattr(estimator, "n_estimators_grown_", None)
    return grown is not None and grown < int(getattr(estimator, "n_estimators", grown))
