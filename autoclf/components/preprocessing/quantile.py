"""Quantile transform: maps each feature to a uniform or normal shape, taming skew and outliers."""

from __future__ import annotations

from typing import Any

import numpy as np
from ConfigSpace import Categorical, ConfigurationSpace, Integer
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.preprocessing import QuantileTransformer
from sklearn.utils.validation import check_is_fitted, validate_data

from autoclf.components.base import Component
from autoclf.dataset.info import DatasetInfo


class Quantile(Component, OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """QuantileTransformer with ``n_quantiles`` clipped to the number of fitted rows."""

    name = "quantile"
    slot = "scaling"
    preserves_nonnegative = False  # output_distribution="normal" gives negative values

    def __init__(
        self, n_quantiles: int = 1000, output_distribution: str = "uniform", random_state: Any = None
    ) -> None:
        self.n_quantiles = n_quantiles
        self.output_distribution = output_distribution
        self.random_state = random_state

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        return ConfigurationSpace(
            space=[
                Integer("n_quantiles", (10, 2000), default=1000, log=True),
                Categorical("output_distribution", ["uniform", "normal"], default="uniform"),
            ]
        )

    def fit(self, X: Any, y: Any = None) -> "Quantile":
        X = validate_data(self, X, dtype=np.float64, ensure_all_finite="allow-nan", reset=True)
        self.transformer_ = QuantileTransformer(
            n_quantiles=max(1, min(int(self.n_quantiles), X.shape[0])),
            output_distribution=self.output_distribution,
            random_state=self.random_state,
        ).fit(X)
        return self

    def transform(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, ensure_all_finite="allow-nan", reset=False)
        return self.transformer_.transform(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
