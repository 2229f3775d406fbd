"""Decision tree: a single interpretable tree; cheap, and sometimes enough on rule-like data."""

from __future__ import annotations

from typing import Any

from ConfigSpace import Categorical, ConfigurationSpace, Float, Integer
from sklearn.tree import DecisionTreeClassifier

from autoclf.components.base import Component
from autoclf.dataset.info import DatasetInfo


class DecisionTree(Component, DecisionTreeClassifier):
    name = "decision_tree"
    slot = "classifier"
    supports_sample_weight = True

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        return ConfigurationSpace(
            space=[
                Categorical("criterion", ["gini", "entropy"], default="gini"),
                # depth relative to the number of features, as in auto-sklearn: 0.5 -> p/2 levels
                Float("max_depth_factor", (0.0, 2.0), default=0.5),
                Integer("min_samples_split", (2, 20), default=2),
                Integer("min_samples_leaf", (1, 20), default=1),
            ]
        )

    @classmethod
    def from_config(
        cls, params: dict[str, Any], info: DatasetInfo, random_state: int | None = None
    ) -> DecisionTree:
        params = dict(params)
        factor = float(params.pop("max_depth_factor", 0.5))
        params["max_depth"] = max(1, round(factor * max(1, info.n_features)))
        return super().from_config(params, info, random_state)
