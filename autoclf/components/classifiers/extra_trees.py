"""Extra trees: randomised split thresholds, lower variance than a random forest and faster to fit."""

from __future__ import annotations

from ConfigSpace import Categorical, ConfigurationSpace, Float, Integer
from sklearn.ensemble import ExtraTreesClassifier

from autoclf.components.base import Component
from autoclf.components.classifiers._growing import GrowingForest
from autoclf.dataset.info import DatasetInfo


class ExtraTrees(GrowingForest, Component, ExtraTreesClassifier):
    name = "extra_trees"
    slot = "classifier"
    fidelity_parameter = "n_estimators"
    supports_sample_weight = True

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        return ConfigurationSpace(
            space=[
                Integer("n_estimators", (100, 500), default=200, log=True),
                Categorical("criterion", ["gini", "entropy"], default="gini"),
                Float("max_features", (0.05, 1.0), default=0.5),
                Integer("min_samples_split", (2, 20), default=2),
                Integer("min_samples_leaf", (1, 20), default=1),
                Categorical("bootstrap", [False, True], default=False),
            ]
        )
