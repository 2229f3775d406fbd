"""Forests that grow within the trial's clock: trees are added in doubling chunks (scikit-learn's
``warm_start``) while ``autoclf.budget.seconds_left()`` has room for the next chunk.

Why: a random forest or extra-trees trial that cannot finish its trees before the trial's time limit is
killed and wastes the whole limit (on 34 000 rows at a 60 s budget, the 200-tree defaults timed out at
6 s). Grown in chunks, the same trial ends in time with the trees it has: a smaller, still useful forest,
the "anytime" behaviour the boosting components get from early stopping. Outside a trial (no deadline)
it is one plain fit.
"""

from __future__ import annotations

import math
import time
from typing import Any

from autoclf.budget import seconds_left

#: trees of the first chunk; each later chunk doubles (or shrinks to what the clock allows), so the checks
#: cost a handful of refits at most
FIRST_CHUNK = 8
#: the next chunk starts only if the clock has this many times its estimated duration left ...
SAFETY = 1.5
#: ... plus this share of the growing time so far: the trial then predicts its held-out rows and saves the
#: forest, both in proportion to its trees (letter, 26 classes: extra trees were killed at the 6 s limit)
PREDICT_SHARE = 0.5


class GrowingForest:
    """Mixin for scikit-learn forests (put it first in the bases); sets ``n_estimators_grown_``."""

    n_estimators: int
    warm_start: bool

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> Any:
        target, warm_start = int(self.n_estimators), self.warm_start
        if not math.isfinite(seconds_left()) or target <= FIRST_CHUNK:
            super().fit(X, y, sample_weight=sample_weight)  # type: ignore[misc]
            self.n_estimators_grown_ = len(self.estimators_)  # type: ignore[attr-defined]
            return self
        grown, chunk, began = 0, FIRST_CHUNK, time.perf_counter()
        try:
            while grown < target:
                size = min(target, grown + chunk)
                started = time.perf_counter()
                self.n_estimators, self.warm_start = size, grown > 0  # the first chunk starts a fresh forest
                super().fit(X, y, sample_weight=sample_weight)  # type: ignore[misc]
                per_tree = (time.perf_counter() - started) / (size - grown)
                # the next chunk doubles, or is what the clock still has room for (none: stop here)
                room = seconds_left() - PREDICT_SHARE * (time.perf_counter() - began)
                grown, chunk = size, min(2 * chunk, int(room / (SAFETY * per_tree)))
                if chunk < 1:
                    break
        finally:
            self.n_estimators, self.warm_start = target, warm_start
        self.n_estimators_grown_ = grown
        return self
