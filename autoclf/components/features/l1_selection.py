"""Selection by an L1-penalised linear SVM: keeps the features a sparse linear model uses."""

from __future__ import annotations

from typing import Any

import numpy as np
from ConfigSpace import ConfigurationSpace, Float
from sklearn.svm import LinearSVC

from autoclf.components.features._base import FeatureSelector
from autoclf.dataset.info import DatasetInfo

#: scikit-learn's SelectFromModel threshold for L1 models: coefficients above it count as used
THRESHOLD = 1e-5


class L1Selection(FeatureSelector):
    """LinearSVC(penalty="l1"); keeps features with a non-zero coefficient for some class (at least one)."""

    name = "l1_selection"

    def __init__(self, C: float = 1.0, tol: float = 1e-4, max_iter: int = 1000, random_state: Any = None) -> None:
        self.C = C
        self.tol = tol
        self.max_iter = max_iter
        self.random_state = random_state

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        return ConfigurationSpace(space=[Float("C", (0.03125, 100.0), default=1.0, log=True)])

    def _scores(self, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        if np.unique(y).size < 2:
            self.n_iter_ = 0
            return np.ones(X.shape[1])  # one class: nothing to learn, keep every feature
        model = LinearSVC(
            penalty="l1",
            loss="squared_hinge",
            dual=False,
            C=self.C,
            tol=self.tol,
            max_iter=self.max_iter,
            random_state=self.random_state,
        ).fit(X, y)
        self.n_iter_ = model.n_iter_
        return np.abs(model.coef_).sum(axis=0)

    def _select(self, scores: np.ndarray) -> np.ndarray:
        return scores > THRESHOLD
