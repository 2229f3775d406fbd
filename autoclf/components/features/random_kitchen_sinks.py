"""Random Fourier features (RBF kernel approximation): non-linear features for linear models, cheaply."""

from __future__ import annotations

from typing import Any

import numpy as np
from ConfigSpace import ConfigurationSpace, Float, Integer
from sklearn.kernel_approximation import RBFSampler

from autoclf.components.features._base import FeatureTransformer, clip_components, width_budget
from autoclf.dataset.info import DatasetInfo


class RandomKitchenSinks(FeatureTransformer):
    """RBFSampler with ``n_components`` random features, clipped to a memory budget for the rows."""

    name = "random_kitchen_sinks"
    preserves_nonnegative = False

    def __init__(self, gamma: float = 1.0, n_components: int = 100, random_state: Any = None) -> None:
        self.gamma = gamma
        self.n_components = n_components
        self.random_state = random_state

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        return ConfigurationSpace(
            space=[
                Float("gamma", (3.0517578125e-05, 8.0), default=1.0, log=True),
                Integer("n_components", (50, 10000), default=100, log=True),
            ]
        )

    def _fit(self, X: np.ndarray, y: Any) -> None:
        self.estimator_ = RBFSampler(
            gamma=self.gamma,
            n_components=clip_components(self.n_components, width_budget(X.shape[0])),
            random_state=self.random_state,
        ).fit(X)
