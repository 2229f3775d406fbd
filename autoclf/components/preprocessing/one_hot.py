"""One-hot encoding: the safe default for nominal categories; rare values share one column."""

from __future__ import annotations

from typing import Any

import numpy as np
from ConfigSpace import ConfigurationSpace, Float
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.preprocessing import OneHotEncoder
from sklearn.utils.validation import check_is_fitted, validate_data

from autoclf.components.base import Component
from autoclf.components.preprocessing._categories import as_category_strings, encoder_tags
from autoclf.dataset.info import DatasetInfo


class OneHot(Component, TransformerMixin, BaseEstimator):
    """Missing -> own category; categories rarer than ``min_frequency`` (a fraction) are grouped.

    Unseen categories (and missing values never seen at fit) go to the infrequent column when there is
    one, else encode as all zeros. ``max_categories`` caps the columns per feature.
    """

    name = "one_hot"
    slot = "encoding"

    def __init__(self, min_frequency: float = 0.01, max_categories: int = 100) -> None:
        self.min_frequency = min_frequency
        self.max_categories = max_categories

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        return ConfigurationSpace(space=[Float("min_frequency", (0.0001, 0.5), default=0.01, log=True)])

    def fit(self, X: Any, y: Any = None) -> "OneHot":
        validate_data(self, X, dtype=None, ensure_all_finite=False, reset=True)
        self.encoder_ = OneHotEncoder(
            handle_unknown="infrequent_if_exist",
            min_frequency=self.min_frequency,
            max_categories=self.max_categories,
            sparse_output=False,
            dtype=np.float64,
        ).fit(as_category_strings(X))
        return self

    def transform(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        validate_data(self, X, dtype=None, ensure_all_finite=False, reset=False)
        return self.encoder_.transform(as_category_strings(X))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        check_is_fitted(self)
        if input_features is None:
            default = [f"x{i}" for i in range(self.n_features_in_)]
            input_features = getattr(self, "feature_names_in_", default)
        return self.encoder_.get_feature_names_out(np.asarray(input_features, dtype=object))

    def __sklearn_tags__(self):
        return encoder_tags(super().__sklearn_tags__())
