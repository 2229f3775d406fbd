"""Feature agglomeration: merges similar features by hierarchical clustering, shrinking redundant data."""

from __future__ import annotations

from typing import Any

import numpy as np
from ConfigSpace import Categorical, ConfigurationSpace, Integer
from sklearn.cluster import FeatureAgglomeration as _FeatureAgglomeration

from autoclf.components.features._base import FeatureTransformer, clip_components
from autoclf.dataset.info import DatasetInfo

POOLING = {"mean": np.mean, "median": np.median, "max": np.max}


class FeatureAgglomeration(FeatureTransformer):
    """``n_clusters`` pooled feature groups, clipped to the features; fewer than two features pass through."""

    name = "feature_agglomeration"

    def __init__(self, n_clusters: int = 25, linkage: str = "ward", pooling_func: str = "mean") -> None:
        self.n_clusters = n_clusters
        self.linkage = linkage
        self.pooling_func = pooling_func

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        return ConfigurationSpace(
            space=[
                Integer("n_clusters", (2, 400), default=25, log=True),
                Categorical("linkage", ["ward", "complete", "average"], default="ward"),
                Categorical("pooling_func", ["mean", "median", "max"], default="mean"),
            ]
        )

    def _fit(self, X: np.ndarray, y: Any) -> None:
        if self.pooling_func not in POOLING:
            raise ValueError(f"pooling_func must be one of {sorted(POOLING)}, got {self.pooling_func!r}")
        n_features = X.shape[1]
        if n_features < 2:
            self.estimator_ = None  # nothing to merge
            return
        self.estimator_ = _FeatureAgglomeration(
            n_clusters=clip_components(self.n_clusters, n_features),
            linkage=self.linkage,
            pooling_func=POOLING[self.pooling_func],
        ).fit(X)

    def _transform(self, X: np.ndarray) -> np.ndarray:
        return X if self.estimator_ is None else self.estimator_.transform(X)
