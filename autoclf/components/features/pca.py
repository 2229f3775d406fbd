"""PCA: decorrelates and drops low-variance directions, helping linear and distance-based models."""

from __future__ import annotations

from typing import Any

import numpy as np
from ConfigSpace import Categorical, ConfigurationSpace, Float
from sklearn.decomposition import PCA as _PCA

from autoclf.components.features._base import FeatureTransformer
from autoclf.dataset.info import DatasetInfo


class PCA(FeatureTransformer):
    """Keeps the leading components explaining ``keep_variance`` of the variance (at least one)."""

    name = "pca"
    preserves_nonnegative = False

    def __init__(self, keep_variance: float = 0.9999, whiten: bool = False) -> None:
        self.keep_variance = keep_variance
        self.whiten = whiten

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        return ConfigurationSpace(
            space=[
                Float("keep_variance", (0.5, 0.9999), default=0.9999),
                Categorical("whiten", [False, True], default=False),
            ]
        )

    def _fit(self, X: np.ndarray, y: Any) -> None:
        # a float n_components keeps the leading components reaching that variance fraction (>= 1 of them);
        # directions with zero variance fall outside it, so whitening does not divide by zero
        self.estimator_ = _PCA(n_components=self.keep_variance, whiten=self.whiten, svd_solver="full").fit(X)
