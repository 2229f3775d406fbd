"""No scaling: trees and other scale-free models need none, and it is the cheapest option."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from autoclf.components.base import Component


class NoScaling(Component, OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Passthrough that returns the input as a float64 array."""

    name = "no_scaling"
    slot = "scaling"

    def fit(self, X: Any, y: Any = None) -> "NoScaling":
        validate_data(self, X, dtype=np.float64, ensure_all_finite="allow-nan", reset=True)
        self.fitted_ = True
        return self

    def transform(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        return validate_data(self, X, dtype=np.float64, ensure_all_finite="allow-nan", reset=False)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
