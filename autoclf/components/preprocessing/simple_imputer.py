"""Per-column imputation: cheap, and median is robust to the skewed columns tabular data often has."""

from __future__ import annotations

from typing import Any

import numpy as np
from ConfigSpace import Categorical, ConfigurationSpace
from sklearn.impute import SimpleImputer as _SimpleImputer

from autoclf.components.base import Component
from autoclf.dataset.info import DatasetInfo


class SimpleImputer(Component, _SimpleImputer):
    """scikit-learn's SimpleImputer, keeping all-NaN columns (filled with 0) so the output width is stable."""

    name = "simple_imputer"
    slot = "imputation"

    def __init__(
        self,
        *,
        missing_values: Any = np.nan,
        strategy: str = "median",
        fill_value: Any = None,
        copy: bool = True,
        add_indicator: bool = False,
        keep_empty_features: bool = True,
    ) -> None:
        super().__init__(
            missing_values=missing_values,
            strategy=strategy,
            fill_value=fill_value,
            copy=copy,
            add_indicator=add_indicator,
            keep_empty_features=keep_empty_features,
        )

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        return ConfigurationSpace(
            space=[
                Categorical("strategy", ["median", "mean", "most_frequent"], default="median"),
                Categorical("add_indicator", [False, True], default=False),
            ]
        )
