"""AdaBoost over shallow trees: boosting that works well on clean, low-noise data."""

from __future__ import annotations

from typing import Any

from ConfigSpace import ConfigurationSpace, Float, Integer
from sklearn.ensemble import AdaBoostClassifier
from sklearn.tree import DecisionTreeClassifier

from autoclf.components.base import Component
from autoclf.dataset.info import DatasetInfo


class AdaBoost(Component, AdaBoostClassifier):
    name = "adaboost"
    slot = "classifier"
    fidelity_parameter = "n_estimators"
    supports_sample_weight = True

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        return ConfigurationSpace(
            space=[
                Integer("n_estimators", (50, 500), default=100, log=True),
                Float("learning_rate", (0.01, 2.0), default=0.5, log=True),
                # depth of each weak learner; shallow keeps 500 rounds affordable on 50k rows
                Integer("max_depth", (1, 3), default=2),
            ]
        )

    @classmethod
    def from_config(cls, params: dict[str, Any], info: DatasetInfo, random_state: int | None = None) -> AdaBoost:
        params = dict(params)
        depth = int(params.pop("max_depth", 2))
        params["estimator"] = DecisionTreeClassifier(max_depth=depth)
        return super().from_config(params, info, random_state)
