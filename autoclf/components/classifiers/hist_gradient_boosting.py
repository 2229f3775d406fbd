"""Histogram gradient boosting: usually the most accurate single model on tabular data, and fast."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from ConfigSpace import ConfigurationSpace, Float, Integer
from sklearn.ensemble import HistGradientBoostingClassifier

from autoclf.components.base import Component
from autoclf.dataset.info import DatasetInfo

#: not searched: early stopping on a 10% validation split bounds the number of trees
FIXED: dict[str, Any] = {"early_stopping": True, "max_iter": 512, "validation_fraction": 0.1, "n_iter_no_change": 10}


class HistGradientBoosting(Component, HistGradientBoostingClassifier):
    name = "hist_gradient_boosting"
    slot = "classifier"
    fidelity_parameter = "max_iter"
    # scikit-learn 1.9.1 bins weighted data with one _weighted_percentile call per bin edge: ~170 ms per
    # feature, e.g. 178 s instead of 1.9 s on 300 x 2523. Class balancing is therefore not offered here.
    supports_sample_weight = False
    early_stopping: bool | str  # scikit-learn's parameter that fit swaps, declared for the type checker

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        # scikit-learn's defaults, with log ranges around them (auto-sklearn's ranges)
        return ConfigurationSpace(
            space=[
                Float("learning_rate", (0.01, 1.0), default=0.1, log=True),
                Integer("max_leaf_nodes", (3, 2047), default=31, log=True),
                Integer("min_samples_leaf", (1, 200), default=20, log=True),
                # log scale cannot hold 0; 1e-10 is no regularisation in effect
                Float("l2_regularization", (1e-10, 1.0), default=1e-10, log=True),
            ]
        )

    @classmethod
    def from_config(
        cls, params: dict[str, Any], info: DatasetInfo, random_state: int | None = None
    ) -> HistGradientBoosting:
        return super().from_config({**FIXED, **params}, info, random_state)

    def fit(self, X: Any, y: Any, sample_weight: Any = None, **kwargs: Any) -> HistGradientBoosting:
        # the stratified validation split needs >= 2 rows per class and >= 1 validation row per class;
        # on data too small for it, fit without early stopping instead of failing
        early_stopping = self.early_stopping
        if early_stopping is True and not _can_split(y, self.validation_fraction):
            self.early_stopping = False
            try:
                return super().fit(X, y, sample_weight=sample_weight, **kwargs)
            finally:
                self.early_stopping = early_stopping
        return super().fit(X, y, sample_weight=sample_weight, **kwargs)


def _can_split(y: Any, validation_fraction: float | None) -> bool:
    if validation_fraction is None or y is None:
        return True  # nothing to split here; fit itself reports a missing y
    y = np.asarray(y)
    _, counts = np.unique(y, return_counts=True)
    n_validation = math.ceil(validation_fraction * len(y))
    return counts.min() >= 2 and len(counts) <= n_validation <= len(y) - len(counts)
