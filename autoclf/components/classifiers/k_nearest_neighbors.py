"""k-nearest neighbours: local, assumption-free decisions; good when classes form compact regions."""

from __future__ import annotations

from typing import Any

import numpy as np
from ConfigSpace import Categorical, ConfigurationSpace, Integer
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.neighbors import KNeighborsClassifier
from sklearn.utils.validation import check_is_fitted, validate_data

from autoclf.components.base import Component
from autoclf.dataset.info import DatasetInfo


class KNearestNeighbors(Component, ClassifierMixin, BaseEstimator):
    """KNeighborsClassifier whose k is capped at the training rows (a CV fold can be smaller than info)."""

    name = "k_nearest_neighbors"
    slot = "classifier"

    def __init__(self, n_neighbors: int = 5, weights: str = "uniform", p: int = 2, n_jobs: int | None = None) -> None:
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.p = p
        self.n_jobs = n_jobs

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        upper = max(2, min(100, info.n_rows - 1))
        return ConfigurationSpace(
            space=[
                Integer("n_neighbors", (1, upper), default=min(5, upper), log=True),
                Categorical("weights", ["uniform", "distance"], default="uniform"),
                Categorical("p", [2, 1], default=2),
            ]
        )

    def fit(self, X: Any, y: Any) -> KNearestNeighbors:
        X, y = validate_data(self, X, y, dtype=np.float64)
        k = max(1, min(int(self.n_neighbors), X.shape[0]))
        self.estimator_ = KNeighborsClassifier(n_neighbors=k, weights=self.weights, p=self.p, n_jobs=self.n_jobs)
        self.estimator_.fit(X, y)
        self.classes_ = self.estimator_.classes_
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        return self.estimator_.predict_proba(validate_data(self, X, dtype=np.float64, reset=False))

    def predict(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        return self.estimator_.predict(validate_data(self, X, dtype=np.float64, reset=False))
