"""Kernel PCA: non-linear components for small data (memory and time grow with rows squared)."""

from __future__ import annotations

from typing import Any

import numpy as np
from ConfigSpace import Categorical, ConfigurationSpace, EqualsCondition, Float, InCondition, Integer
from sklearn.decomposition import KernelPCA as _KernelPCA

from autoclf.components.features._base import FeatureTransformer, clip_components
from autoclf.dataset.info import DatasetInfo

MAX_ROWS = 10_000


class KernelPCA(FeatureTransformer):
    """``n_components`` kernel principal components (clipped to the rows); randomized solver when large."""

    name = "kernel_pca"
    preserves_nonnegative = False

    def __init__(
        self,
        n_components: int = 100,
        kernel: str = "rbf",
        gamma: float = 0.01,
        degree: int = 3,
        coef0: float = 0.0,
        random_state: Any = None,
    ) -> None:
        self.n_components = n_components
        self.kernel = kernel
        self.gamma = gamma
        self.degree = degree
        self.coef0 = coef0
        self.random_state = random_state

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        n_components = Integer("n_components", (10, 2000), default=100, log=True)
        kernel = Categorical("kernel", ["rbf", "poly", "sigmoid", "cosine"], default="rbf")
        gamma = Float("gamma", (3.0517578125e-05, 8.0), default=0.01, log=True)
        degree = Integer("degree", (2, 5), default=3)
        coef0 = Float("coef0", (-1.0, 1.0), default=0.0)
        space = ConfigurationSpace(space=[n_components, kernel, gamma, degree, coef0])
        space.add(
            [
                InCondition(gamma, kernel, ["rbf", "poly", "sigmoid"]),
                EqualsCondition(degree, kernel, "poly"),
                InCondition(coef0, kernel, ["poly", "sigmoid"]),
            ]
        )
        return space

    @classmethod
    def not_applicable_reason(cls, info: DatasetInfo) -> str | None:
        if info.n_rows > MAX_ROWS:
            return f"{info.n_rows} rows > {MAX_ROWS}: the kernel matrix needs rows**2 memory and rows**3 time"
        return None

    def _fit(self, X: np.ndarray, y: Any) -> None:
        n_samples = X.shape[0]
        n_components = clip_components(self.n_components, n_samples)
        # dense eigh costs rows**3; a randomized solver needs far fewer components than rows to pay off
        solver = "randomized" if n_samples > 1000 and n_components < n_samples // 4 else "dense"
        try:
            self.estimator_ = self._kernel_pca(n_components, solver).fit(X)
        except (ValueError, np.linalg.LinAlgError):
            # e.g. an indefinite sigmoid kernel whose leading eigenvalues are all negative: fall back to cosine
            self.estimator_ = _KernelPCA(n_components=n_components, kernel="cosine", eigen_solver="dense").fit(X)

    def _kernel_pca(self, n_components: int, solver: str) -> _KernelPCA:
        return _KernelPCA(
            n_components=n_components,
            kernel=self.kernel,
            gamma=self.gamma,
            degree=self.degree,
            coef0=self.coef0,
            eigen_solver=solver,
            random_state=self.random_state,
        )
