"""Kernel SVM: non-linear boundaries on small to medium data; sigmoid-calibrated, cubic in rows."""

from __future__ import annotations

from ConfigSpace import (
    Categorical,
    ConfigurationSpace,
    EqualsCondition,
    Float,
    InCondition,
    Integer,
)
from sklearn.svm import SVC

from autoclf.components.base import Component
from autoclf.components.classifiers._calibrated import CalibratedClassifier
from autoclf.dataset.info import DatasetInfo

#: SVC's fit grows between quadratically and cubically in rows: beyond this it does not fit a trial
MAX_ROWS = 20_000
GAMMA_RANGE = (2.0**-15, 8.0)


class KernelSVM(Component, CalibratedClassifier):
    """SVC, calibrated like the linear margin models (``SVC(probability=True)`` is deprecated in 1.9)."""

    name = "kernel_svm"
    slot = "classifier"
    supports_sample_weight = True

    def __init__(
        self,
        C: float = 1.0,
        kernel: str = "rbf",
        gamma: float = 0.1,
        degree: int = 3,
        coef0: float = 0.0,
        shrinking: bool = True,
        tol: float = 1e-3,
        random_state: int | None = None,
    ) -> None:
        self.C = C
        self.kernel = kernel
        self.gamma = gamma
        self.degree = degree
        self.coef0 = coef0
        self.shrinking = shrinking
        self.tol = tol
        self.random_state = random_state

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        # default gamma 1/p: scikit-learn's gamma="scale" on standardised inputs
        gamma = min(max(1.0 / max(1, info.n_features), GAMMA_RANGE[0]), GAMMA_RANGE[1])
        space = ConfigurationSpace(
            space=[
                Float("C", (0.03125, 32768.0), default=1.0, log=True),
                Categorical("kernel", ["rbf", "poly", "sigmoid"], default="rbf"),
                Float("gamma", GAMMA_RANGE, default=gamma, log=True),
                Integer("degree", (2, 5), default=3),
                Float("coef0", (-1.0, 1.0), default=0.0),
                Categorical("shrinking", [True, False], default=True),
                Float("tol", (1e-5, 1e-1), default=1e-3, log=True),
            ]
        )
        space.add(
            [
                EqualsCondition(space["degree"], space["kernel"], "poly"),
                InCondition(space["coef0"], space["kernel"], ["poly", "sigmoid"]),
            ]
        )
        return space

    @classmethod
    def not_applicable_reason(cls, info: DatasetInfo) -> str | None:
        if info.n_rows > MAX_ROWS:
            return f"{info.n_rows} rows: kernel SVM fit time grows super-quadratically beyond {MAX_ROWS} rows"
        return None

    def _make_estimator(self) -> SVC:
        return SVC(
            C=self.C,
            kernel=self.kernel,
            gamma=self.gamma,
            degree=self.degree,
            coef0=self.coef0,
            shrinking=self.shrinking,
            tol=self.tol,
            random_state=self.random_state,
        )
