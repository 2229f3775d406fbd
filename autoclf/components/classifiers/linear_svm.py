"""Linear SVM (liblinear): a strong margin-based linear model on wide data; sigmoid-calibrated."""

from __future__ import annotations

from ConfigSpace import Categorical, ConfigurationSpace, Float
from sklearn.svm import LinearSVC

from autoclf.components.base import Component
from autoclf.components.classifiers._calibrated import CalibratedClassifier
from autoclf.dataset.info import DatasetInfo


class LinearSVM(Component, CalibratedClassifier):
    """LinearSVC with squared hinge loss (the loss both penalties support in the primal)."""

    name = "linear_svm"
    slot = "classifier"
    supports_sample_weight = True

    def __init__(self, penalty: str = "l2", C: float = 1.0, tol: float = 1e-4, random_state: int | None = None) -> None:
        self.penalty = penalty
        self.C = C
        self.tol = tol
        self.random_state = random_state

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        return ConfigurationSpace(
            space=[
                Categorical("penalty", ["l2", "l1"], default="l2"),
                Float("C", (0.03125, 32768.0), default=1.0, log=True),
                Float("tol", (1e-5, 1e-1), default=1e-4, log=True),
            ]
        )

    def _make_estimator(self) -> LinearSVC:
        return LinearSVC(
            penalty=self.penalty,
            loss="squared_hinge",
            dual="auto",
            C=self.C,
            tol=self.tol,
            max_iter=1000,
            random_state=self.random_state,
        )
