"""A cost-aware greedy portfolio from the dense matrix (auto-sklearn 2.0; TabRepo's zero-shot portfolios in
AutoGluon): configurations that together do well everywhere, the cheap ones first where they do as well.

Losses are normalised per data set to [0, 1] (best to worst measured configuration there), so data sets
with large log losses do not dominate. A cell that was not measured is not a failure (failures are stored
as the worst loss): a candidate is only compared on the data sets where it was measured, and candidates
measured on too few of them (of the data sets with any measurement) are left out. Each step adds the
configuration with the largest drop of the mean best-so-far normalised loss per unit of relative cost (its
seconds over the data set's median candidate's, median over data sets, to the power ``cost_weight``; 0
ignores cost). Pure functions, no I/O.
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: a candidate measured on fewer than this share of the data sets is not considered
MIN_COVERAGE = 0.8


def normalised_losses(losses: np.ndarray) -> np.ndarray:
    """configurations x data sets -> [0, 1] per data set column; NaN (not measured) stays NaN."""
    losses = np.asarray(losses, dtype=float)
    if losses.size == 0:
        return losses
    with np.errstate(all="ignore"), _quiet():
        low = np.nanmin(losses, axis=0)
        high = np.nanmax(losses, axis=0)
        span = np.where(high > low, high - low, 1.0)
        scaled = (losses - low) / span
    return np.clip(scaled, 0.0, 1.0)


def relative_costs(seconds: np.ndarray) -> np.ndarray:
    """Per configuration: the median over data sets of its seconds over that data set's median seconds
    (1 = a typical candidate's cost; NaN cells left out; 1 where nothing was timed)."""
    seconds = np.asarray(seconds, dtype=float)
    if seconds.size == 0:
        return np.ones(seconds.shape[0])
    with np.errstate(all="ignore"), _quiet():
        typical = np.nanmedian(seconds, axis=0)
        ratios = seconds / np.where(typical > 0, typical, 1.0)
        costs = np.nanmedian(ratios, axis=1)
    return np.where(np.isfinite(costs) & (costs > 0), costs, 1.0)


def greedy_portfolio(losses: np.ndarray, size: int, seconds: np.ndarray | None = None,
                     cost_weight: float = 0.0, min_coverage: float = MIN_COVERAGE,
                     weights: np.ndarray | None = None) -> list[int]:
    """Row indices of up to ``size`` configurations, in the order they were added (ties: lowest index).

    ``weights`` (one per data set, default equal) weigh the data sets in the mean: the warm start weighs the
    nearest ones up, so the order suits the data at hand while staying complementary.
    """
    scaled = normalised_losses(losses)
    if scaled.size == 0 or size <= 0:
        return []
    measured = np.isfinite(scaled)
    columns = measured.any(axis=0)  # data sets without any measured cell yet (a rebuild under way) do not count
    if not columns.any():
        return []
    eligible = measured[:, columns].mean(axis=1) >= min_coverage
    costs = relative_costs(seconds) ** cost_weight if seconds is not None and cost_weight else np.ones(len(scaled))
    # a data set's best-so-far starts at its worst (1); a candidate not measured there leaves it unchanged
    current = np.ones(scaled.shape[1])
    weights = np.ones(scaled.shape[1]) if weights is None else np.asarray(weights, dtype=float)
    weights = weights / weights.sum()
    filled = np.where(measured, scaled, np.inf)
    chosen: list[int] = []
    for _ in range(min(size, int(eligible.sum()))):
        candidates = np.minimum(filled, current)
        gains = current @ weights - candidates @ weights
        scores = np.where(eligible, gains / costs, -np.inf)
        scores[chosen] = -np.inf
        best = int(np.argmax(scores))
        if not np.isfinite(scores[best]) or gains[best] <= 0:
            break  # nothing left improves any data set
        chosen.append(best)
        current = candidates[best]
    return chosen


class _quiet:
    """Silence numpy's all-NaN slice warnings (a column or row with nothing measured is expected)."""

    def __enter__(self) -> None:
        import warnings

        self._context = warnings.catch_warnings()
        self._context.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc: Any) -> None:
        self._context.__exit__(*exc)
