"""Selection by extremely randomized trees' importances: drops features the trees never find useful."""

from __future__ import annotations

from typing import Any

import numpy as np
from ConfigSpace import Categorical, ConfigurationSpace, Float, Integer
from sklearn.ensemble import ExtraTreesClassifier

from autoclf.components.features._base import FeatureSelector
from autoclf.dataset.info import DatasetInfo


class ExtraTreesSelection(FeatureSelector):
    """Keeps features whose impurity importance is at least the mean importance (at least one)."""

    name = "extra_trees_selection"

    def __init__(
        self,
        criterion: str = "gini",
        max_features: float = 0.5,
        min_samples_leaf: int = 1,
        bootstrap: bool = False,
        n_estimators: int = 100,
        n_jobs: int | None = 1,
        random_state: Any = None,
    ) -> None:
        self.criterion = criterion
        self.max_features = max_features
        self.min_samples_leaf = min_samples_leaf
        self.bootstrap = bootstrap
        self.n_estimators = n_estimators
        self.n_jobs = n_jobs
        self.random_state = random_state

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        return ConfigurationSpace(
            space=[
                Categorical("criterion", ["gini", "entropy"], default="gini"),
                Float("max_features", (0.05, 1.0), default=0.5),
                Integer("min_samples_leaf", (1, 20), default=1),
                Categorical("bootstrap", [False, True], default=False),
            ]
        )

    def _scores(self, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        forest = ExtraTreesClassifier(
            n_estimators=self.n_estimators,
            criterion=self.criterion,
            max_features=self.max_features,
            min_samples_leaf=self.min_samples_leaf,
            bootstrap=self.bootstrap,
            n_jobs=self.n_jobs,
            random_state=self.random_state,
        ).fit(X, y)
        return forest.feature_importances_

    def _select(self, scores: np.ndarray) -> np.ndarray:
        return scores >= scores.mean() - 1e-12
