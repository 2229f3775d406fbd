"""Truncated SVD: a cheap low-rank projection (no centring), useful on wide one-hot/text features."""

from __future__ import annotations

from typing import Any

import numpy as np
from ConfigSpace import ConfigurationSpace, Integer
from sklearn.decomposition import TruncatedSVD as _TruncatedSVD

from autoclf.components.features._base import FeatureTransformer, clip_components
from autoclf.dataset.info import DatasetInfo


class TruncatedSVD(FeatureTransformer):
    """``target_dim`` components, clipped below the features (and rows) at fit time; one feature passes through."""

    name = "truncated_svd"
    preserves_nonnegative = False

    def __init__(self, target_dim: int = 128, random_state: Any = None) -> None:
        self.target_dim = target_dim
        self.random_state = random_state

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        return ConfigurationSpace(space=[Integer("target_dim", (10, 256), default=128, log=True)])

    def _fit(self, X: np.ndarray, y: Any) -> None:
        n_samples, n_features = X.shape
        if n_features < 2:
            self.estimator_ = None  # nothing to reduce (TruncatedSVD needs two features)
            return
        n_components = clip_components(self.target_dim, min(n_features - 1, n_samples))
        self.estimator_ = _TruncatedSVD(n_components=n_components, random_state=self.random_state).fit(X)

    def _transform(self, X: np.ndarray) -> np.ndarray:
        return X if self.estimator_ is None else self.estimator_.transform(X)
