"""Robust scaling: centres on the median and scales by a quantile range, so outliers do not dominate."""

from __future__ import annotations

from typing import Any

import numpy as np
from ConfigSpace import ConfigurationSpace, Float
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.preprocessing import RobustScaler
from sklearn.utils.validation import check_is_fitted, validate_data

from autoclf.components.base import Component
from autoclf.dataset.info import DatasetInfo


class Robust(Component, OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """RobustScaler with the quantile range given as two fractions ``q_min`` < ``q_max``."""

    name = "robust"
    slot = "scaling"
    preserves_nonnegative = False

    def __init__(self, q_min: float = 0.25, q_max: float = 0.75) -> None:
        self.q_min = q_min
        self.q_max = q_max

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        return ConfigurationSpace(
            space=[Float("q_min", (0.001, 0.3), default=0.25), Float("q_max", (0.7, 0.999), default=0.75)]
        )

    def fit(self, X: Any, y: Any = None) -> "Robust":
        X = validate_data(self, X, dtype=np.float64, ensure_all_finite="allow-nan", reset=True)
        self.scaler_ = RobustScaler(quantile_range=(100.0 * self.q_min, 100.0 * self.q_max)).fit(X)
        return self

    def transform(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, ensure_all_finite="allow-nan", reset=False)
        return self.scaler_.transform(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
