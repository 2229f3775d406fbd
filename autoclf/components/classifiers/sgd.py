"""Linear models by stochastic gradient descent: scale to many rows at the cost of a linear boundary."""

from __future__ import annotations

from ConfigSpace import (
    Categorical,
    ConfigurationSpace,
    EqualsCondition,
    Float,
    InCondition,
)
from sklearn.linear_model import SGDClassifier

from autoclf.components.base import Component
from autoclf.components.classifiers._calibrated import CalibratedClassifier
from autoclf.dataset.info import DatasetInfo


class SGD(Component, CalibratedClassifier):
    """SGDClassifier; log loss gives probabilities itself, the other losses are sigmoid-calibrated."""

    name = "sgd"
    slot = "classifier"
    supports_sample_weight = True

    def __init__(
        self,
        loss: str = "log_loss",
        penalty: str = "l2",
        alpha: float = 1e-4,
        l1_ratio: float = 0.15,
        learning_rate: str = "optimal",
        eta0: float = 0.01,
        power_t: float = 0.5,
        average: bool = False,
        tol: float = 1e-4,
        random_state: int | None = None,
    ) -> None:
        self.loss = loss
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.learning_rate = learning_rate
        self.eta0 = eta0
        self.power_t = power_t
        self.average = average
        self.tol = tol
        self.random_state = random_state

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        space = ConfigurationSpace(
            space=[
                Categorical(
                    "loss", ["log_loss", "hinge", "modified_huber", "squared_hinge", "perceptron"], default="log_loss"
                ),
                Categorical("penalty", ["l2", "l1", "elasticnet"], default="l2"),
                Float("alpha", (1e-7, 1e-1), default=1e-4, log=True),
                Float("l1_ratio", (1e-9, 1.0), default=0.15, log=True),
                Categorical("learning_rate", ["optimal", "invscaling", "constant"], default="optimal"),
                Float("eta0", (1e-7, 1e-1), default=0.01, log=True),
                Float("power_t", (1e-5, 1.0), default=0.5),
                Categorical("average", [False, True], default=False),
                Float("tol", (1e-5, 1e-1), default=1e-4, log=True),
            ]
        )
        space.add(
            [
                EqualsCondition(space["l1_ratio"], space["penalty"], "elasticnet"),
                InCondition(space["eta0"], space["learning_rate"], ["invscaling", "constant"]),
                EqualsCondition(space["power_t"], space["learning_rate"], "invscaling"),
            ]
        )
        return space

    def _make_estimator(self) -> SGDClassifier:
        return SGDClassifier(
            loss=self.loss,
            penalty=self.penalty,
            alpha=self.alpha,
            l1_ratio=self.l1_ratio,
            learning_rate=self.learning_rate,
            eta0=self.eta0,
            power_t=self.power_t,
            average=self.average,
            tol=self.tol,
            max_iter=1000,
            random_state=self.random_state,
            n_jobs=1,
        )

    def _has_own_proba(self) -> bool:
        return self.loss == "log_loss"
