"""No feature preprocessing: the default, and the right choice for most models on most data."""

from __future__ import annotations

import numpy as np

from autoclf.components.features._base import FeatureTransformer


class NoPreprocessing(FeatureTransformer):
    """Passthrough (as float64, with non-finite values made finite)."""

    name = "no_preprocessing"

    def _fit(self, X: np.ndarray, y: object) -> None:
        self.fitted_ = True

    def _transform(self, X: np.ndarray) -> np.ndarray:
        return X
