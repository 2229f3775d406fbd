"""A greedy portfolio from the loss matrix (auto-sklearn 2.0): configurations that together do well everywhere.

Losses are normalised per data set to [0, 1] (best to worst configuration there; failures count as 1), so
data sets with large log losses do not dominate. Each step adds the configuration that most lowers the mean
over data sets of the best normalised loss among those chosen so far. A pure function, no I/O.
"""

from __future__ import annotations

import numpy as np


def normalised_losses(losses: np.ndarray) -> np.ndarray:
    """configurations x data sets -> [0, 1] per data set column; NaN (failed) becomes 1."""
    losses = np.asarray(losses, dtype=float)
    if losses.size == 0:
        return losses
    with np.errstate(all="ignore"):
        low = np.nanmin(np.where(np.isnan(losses), np.inf, losses), axis=0)
        high = np.nanmax(np.where(np.isnan(losses), -np.inf, losses), axis=0)
        span = np.where(high > low, high - low, 1.0)
        scaled = (losses - low) / span
    scaled[~np.isfinite(scaled)] = 1.0
    return np.clip(scaled, 0.0, 1.0)


def greedy_portfolio(losses: np.ndarray, size: int) -> list[int]:
    """Row indices of up to ``size`` configurations, in the order they were added (ties: lowest index)."""
    scaled = normalised_losses(losses)
    if scaled.size == 0 or size <= 0:
        return []
    chosen: list[int] = []
    current = np.full(scaled.shape[1], np.inf)
    for _ in range(min(size, scaled.shape[0])):
        candidates = np.minimum(scaled, current)  # best so far if each configuration were added
        scores = candidates.mean(axis=1)
        scores[chosen] = np.inf
        best = int(np.argmin(scores))
        if chosen and scores[best] >= current.mean():
            break  # nothing left improves any data set
        chosen.append(best)
        current = candidates[best]
    return chosen
