"""FastICA: statistically independent components, useful when features mix a few hidden sources."""

from __future__ import annotations

from typing import Any

import numpy as np
from ConfigSpace import Categorical, ConfigurationSpace, Integer
from sklearn.decomposition import FastICA as _FastICA

from autoclf.components.features._base import FeatureTransformer, clip_components
from autoclf.dataset.info import DatasetInfo


class FastICA(FeatureTransformer):
    """FastICA on whitened data; ``n_components`` is clipped to the rank of the centred data at fit time.

    Whitening is always on: unmixing raw, unscaled features diverges (overflow, NaN) on ordinary data.
    """

    name = "fast_ica"
    preserves_nonnegative = False

    def __init__(
        self,
        algorithm: str = "parallel",
        fun: str = "logcosh",
        n_components: int = 100,
        max_iter: int = 200,
        random_state: Any = None,
    ) -> None:
        self.algorithm = algorithm
        self.fun = fun
        self.n_components = n_components
        self.max_iter = max_iter
        self.random_state = random_state

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        return ConfigurationSpace(
            space=[
                Categorical("algorithm", ["parallel", "deflation"], default="parallel"),
                Categorical("fun", ["logcosh", "exp", "cube"], default="logcosh"),
                Integer("n_components", (10, 2000), default=100, log=True),
            ]
        )

    def _fit(self, X: np.ndarray, y: Any) -> None:
        # whitening divides by singular values: components beyond the rank would be infinite
        rank = np.linalg.matrix_rank(X - X.mean(axis=0)) if X.shape[0] > 1 else 1
        self.estimator_ = _FastICA(
            n_components=clip_components(self.n_components, rank),
            algorithm=self.algorithm,
            whiten="unit-variance",
            fun=self.fun,
            max_iter=self.max_iter,
            random_state=self.random_state,
        ).fit(X)
        self.n_iter_ = self.estimator_.n_iter_
