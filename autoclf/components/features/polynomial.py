"""Polynomial features: explicit interactions for linear models on few features."""

from __future__ import annotations

from math import comb
from typing import Any

import numpy as np
from ConfigSpace import Categorical, ConfigurationSpace, Integer
from sklearn.preprocessing import PolynomialFeatures

from autoclf.components.features._base import FeatureTransformer, width_budget
from autoclf.dataset.info import DatasetInfo

MAX_FEATURES = 40


class Polynomial(FeatureTransformer):
    """Products up to ``degree`` (no bias column); degree drops to 2 when degree 3 would be too wide."""

    name = "polynomial"

    def __init__(self, degree: int = 2, interaction_only: bool = False) -> None:
        self.degree = degree
        self.interaction_only = interaction_only

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        return ConfigurationSpace(
            space=[
                Integer("degree", (2, 3), default=2),
                Categorical("interaction_only", [False, True], default=False),
            ]
        )

    @classmethod
    def not_applicable_reason(cls, info: DatasetInfo) -> str | None:
        if info.n_features > MAX_FEATURES:
            return f"{info.n_features} features > {MAX_FEATURES}: the expansion grows with features**degree"
        return None

    def _fit(self, X: np.ndarray, y: Any) -> None:
        n_samples, n_features = X.shape
        degree = int(self.degree)
        while degree > 2 and n_outputs(n_features, degree, self.interaction_only) > width_budget(n_samples):
            degree -= 1
        self.degree_ = degree
        self.estimator_ = PolynomialFeatures(
            degree=degree, interaction_only=self.interaction_only, include_bias=False
        ).fit(X)


def n_outputs(n_features: int, degree: int, interaction_only: bool) -> int:
    """Columns PolynomialFeatures makes without the bias column."""
    if interaction_only:
        return sum(comb(n_features, k) for k in range(1, degree + 1))
    return comb(n_features + degree, degree) - 1
