"""Passive-aggressive: online large-margin linear model, cheap on many rows; sigmoid-calibrated."""

from __future__ import annotations

from ConfigSpace import Categorical, ConfigurationSpace, Float
from sklearn.linear_model import SGDClassifier

from autoclf.components.base import Component
from autoclf.components.classifiers._calibrated import CalibratedClassifier
from autoclf.dataset.info import DatasetInfo


class PassiveAggressive(Component, CalibratedClassifier):
    """PA-I/PA-II as ``SGDClassifier(loss="hinge", penalty=None, learning_rate="pa1"/"pa2", eta0=C)``.

    PassiveAggressiveClassifier itself is deprecated since scikit-learn 1.8; this is its documented
    replacement. ``C`` caps (PA-I) or damps (PA-II) the step size.
    """

    name = "passive_aggressive"
    slot = "classifier"
    supports_sample_weight = True

    def __init__(
        self,
        C: float = 1.0,
        learning_rate: str = "pa1",
        average: bool = False,
        tol: float = 1e-4,
        random_state: int | None = None,
    ) -> None:
        self.C = C
        self.learning_rate = learning_rate
        self.average = average
        self.tol = tol
        self.random_state = random_state

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        return ConfigurationSpace(
            space=[
                Float("C", (1e-5, 10.0), default=1.0, log=True),
                Categorical("learning_rate", ["pa1", "pa2"], default="pa1"),
                Categorical("average", [False, True], default=False),
                Float("tol", (1e-5, 1e-1), default=1e-4, log=True),
            ]
        )

    def _make_estimator(self) -> SGDClassifier:
        return SGDClassifier(
            loss="hinge",
            penalty=None,
            learning_rate=self.learning_rate,
            eta0=self.C,
            average=self.average,
            tol=self.tol,
            max_iter=1000,
            random_state=self.random_state,
            n_jobs=1,
        )
