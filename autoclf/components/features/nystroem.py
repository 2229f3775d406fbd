"""Nystroem kernel approximation: lets linear models fit non-linear boundaries at linear cost."""

from __future__ import annotations

from typing import Any

import numpy as np
from ConfigSpace import Categorical, ConfigurationSpace, EqualsCondition, Float, InCondition, Integer
from sklearn.kernel_approximation import Nystroem as _Nystroem

from autoclf.components.features._base import FeatureTransformer, clip_components, width_budget
from autoclf.dataset.info import DatasetInfo


class Nystroem(FeatureTransformer):
    """Kernel map on ``n_components`` sampled rows (clipped to the rows available and a memory budget)."""

    name = "nystroem"
    preserves_nonnegative = False

    def __init__(
        self,
        kernel: str = "rbf",
        gamma: float = 0.1,
        degree: int = 3,
        coef0: float = 0.0,
        n_components: int = 100,
        random_state: Any = None,
    ) -> None:
        self.kernel = kernel
        self.gamma = gamma
        self.degree = degree
        self.coef0 = coef0
        self.n_components = n_components
        self.random_state = random_state

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        kernel = Categorical("kernel", ["rbf", "poly", "sigmoid", "cosine"], default="rbf")
        gamma = Float("gamma", (3.0517578125e-05, 8.0), default=0.1, log=True)
        degree = Integer("degree", (2, 5), default=3)
        coef0 = Float("coef0", (-1.0, 1.0), default=0.0)
        n_components = Integer("n_components", (50, 10000), default=100, log=True)
        space = ConfigurationSpace(space=[kernel, gamma, degree, coef0, n_components])
        space.add(
            [
                InCondition(gamma, kernel, ["rbf", "poly", "sigmoid"]),
                EqualsCondition(degree, kernel, "poly"),
                InCondition(coef0, kernel, ["poly", "sigmoid"]),
            ]
        )
        return space

    def _fit(self, X: np.ndarray, y: Any) -> None:
        n_samples = X.shape[0]
        self.estimator_ = _Nystroem(
            kernel=self.kernel,
            gamma=self.gamma,
            degree=self.degree,
            coef0=self.coef0,
            n_components=clip_components(self.n_components, min(n_samples, width_budget(n_samples))),
            random_state=self.random_state,
        ).fit(X)
