"""Univariate selection by a false-positive, false-discovery or family-wise error rate on F-test p-values."""

from __future__ import annotations

import numpy as np
from ConfigSpace import Categorical, ConfigurationSpace, Float

from autoclf.components.features._base import FeatureSelector
from autoclf.components.features._scores import f_scores
from autoclf.dataset.info import DatasetInfo


class SelectRates(FeatureSelector):
    """Keeps features whose ANOVA p-value passes ``mode`` at ``alpha``; the best one if none does."""

    name = "select_rates"

    def __init__(self, alpha: float = 0.1, mode: str = "fpr") -> None:
        self.alpha = alpha
        self.mode = mode

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        return ConfigurationSpace(
            space=[
                Float("alpha", (0.01, 0.5), default=0.1),
                Categorical("mode", ["fpr", "fdr", "fwe"], default="fpr"),
            ]
        )

    def _scores(self, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        scores, self.pvalues_ = f_scores(X, y)
        return scores

    def _select(self, scores: np.ndarray) -> np.ndarray:
        p = self.pvalues_
        n = len(p)
        if self.mode == "fpr":
            return p < self.alpha
        if self.mode == "fwe":
            return p < self.alpha / n
        if self.mode == "fdr":  # Benjamini-Hochberg
            ordered = np.sort(p)
            passed = ordered[ordered <= self.alpha * np.arange(1, n + 1) / n]
            return p <= passed.max() if passed.size else np.zeros(n, dtype=bool)
        raise ValueError(f"mode must be 'fpr', 'fdr' or 'fwe', got {self.mode!r}")
