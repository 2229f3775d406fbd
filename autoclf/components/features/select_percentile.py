"""Univariate selection of the best percentile of features: cheap noise removal on wide data."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from ConfigSpace import Categorical, ConfigurationSpace, Float
from sklearn.feature_selection import mutual_info_classif

from autoclf.components.features._base import FeatureSelector, top_k_mask
from autoclf.components.features._scores import f_scores
from autoclf.dataset.info import DatasetInfo


class SelectPercentile(FeatureSelector):
    """Keeps the top ``percentile`` % of features by ANOVA F or mutual information (at least one)."""

    name = "select_percentile"

    def __init__(self, percentile: float = 50.0, score_func: str = "f_classif", random_state: Any = None) -> None:
        self.percentile = percentile
        self.score_func = score_func
        self.random_state = random_state

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        return ConfigurationSpace(
            space=[
                Float("percentile", (1.0, 99.0), default=50.0),
                Categorical("score_func", ["f_classif", "mutual_info"], default="f_classif"),
            ]
        )

    def _scores(self, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        if self.score_func == "f_classif":
            return f_scores(X, y)[0]
        if self.score_func == "mutual_info":
            return mutual_info_classif(X, y, random_state=self.random_state)
        raise ValueError(f"score_func must be 'f_classif' or 'mutual_info', got {self.score_func!r}")

    def _select(self, scores: np.ndarray) -> np.ndarray:
        return top_k_mask(scores, math.ceil(len(scores) * self.percentile / 100.0))
