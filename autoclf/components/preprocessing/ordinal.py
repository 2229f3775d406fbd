"""Ordinal encoding: one column per feature, compact for trees on high-cardinality categories."""

from __future__ import annotations

from typing import Any

import numpy as np
from ConfigSpace import ConfigurationSpace, Float
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.preprocessing import OrdinalEncoder
from sklearn.utils.validation import check_is_fitted, validate_data

from autoclf.components.base import Component
from autoclf.components.preprocessing._categories import as_category_strings, encoder_tags
from autoclf.dataset.info import DatasetInfo


class Ordinal(Component, OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Missing -> own category, rare categories (< ``min_frequency`` of rows) share a code, unseen -> -1."""

    name = "ordinal"
    slot = "encoding"

    def __init__(self, min_frequency: float = 0.01) -> None:
        self.min_frequency = min_frequency

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        return ConfigurationSpace(space=[Float("min_frequency", (0.0001, 0.5), default=0.01, log=True)])

    def fit(self, X: Any, y: Any = None) -> "Ordinal":
        validate_data(self, X, dtype=None, ensure_all_finite=False, reset=True)
        self.encoder_ = OrdinalEncoder(
            handle_unknown="use_encoded_value",
            unknown_value=-1,
            min_frequency=self.min_frequency,
            dtype=np.float64,
        ).fit(as_category_strings(X))
        return self

    def transform(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        validate_data(self, X, dtype=None, ensure_all_finite=False, reset=False)
        return self.encoder_.transform(as_category_strings(X))

    def __sklearn_tags__(self):
        return encoder_tags(super().__sklearn_tags__())
