"""Shared plumbing for feature preprocessors: input checks, quiet fits, finite outputs, width caps."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_selection import SelectorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from autoclf.components.base import Component

#: |values| above this are clipped, so a diverging kernel or unmixing never hands inf to a classifier
MAX_ABS_VALUE = 1e12
#: cap on output cells (rows x columns) of expanding transformers, ~256 MiB as float64
MAX_OUTPUT_CELLS = 2**25


@contextmanager
def quiet() -> Iterator[None]:
    """Silence convergence, runtime and user warnings of a fit the search cannot act on anyway."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


def finite(X: np.ndarray) -> np.ndarray:
    """float64 output with NaN -> 0 and infinities clipped to +-MAX_ABS_VALUE."""
    X = np.asarray(X, dtype=np.float64)
    if not np.isfinite(X).all():
        X = np.clip(np.nan_to_num(X, nan=0.0), -MAX_ABS_VALUE, MAX_ABS_VALUE)
    return X


def clip_components(requested: int, upper: int) -> int:
    """``requested`` clipped into [1, upper]."""
    return int(max(1, min(int(requested), int(upper))))


def width_budget(n_samples: int) -> int:
    """Most output columns an expanding transformer may produce for ``n_samples`` rows."""
    return max(1, MAX_OUTPUT_CELLS // max(1, n_samples))


class FeatureTransformer(Component, TransformerMixin, BaseEstimator):
    """Base for wrappers: ``_fit(X, y)`` sets fitted state, ``_transform(X)`` maps a float64 array."""

    slot = "feature_preprocessor"

    def fit(self, X: Any, y: Any = None) -> "FeatureTransformer":
        X = validate_data(self, X, dtype=np.float64, reset=True)
        with quiet():
            self._fit(X, y)
        return self

    def transform(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        with quiet():
            return finite(self._transform(X))

    def _fit(self, X: np.ndarray, y: Any) -> None:
        raise NotImplementedError

    def _transform(self, X: np.ndarray) -> np.ndarray:
        return self.estimator_.transform(X)


class FeatureSelector(Component, SelectorMixin, BaseEstimator):
    """Base for selectors: ``_scores(X, y)`` rates features; ``_select(scores)`` picks them, never none."""

    slot = "feature_preprocessor"

    def fit(self, X: Any, y: Any) -> "FeatureSelector":
        X, y = validate_data(self, X, y, dtype=np.float64, reset=True)
        with quiet():
            scores = np.nan_to_num(np.asarray(self._scores(X, y), dtype=np.float64), nan=0.0, posinf=MAX_ABS_VALUE)
            mask = np.asarray(self._select(scores), dtype=bool)
        if not mask.any():
            mask[int(np.argmax(scores))] = True  # keep at least the best feature
        self.scores_ = scores
        self.mask_ = mask
        return self

    def _scores(self, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _select(self, scores: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _get_support_mask(self) -> np.ndarray:
        check_is_fitted(self)
        return self.mask_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        return tags


def top_k_mask(scores: np.ndarray, k: int) -> np.ndarray:
    """Mask of the ``k`` best scores (ties broken by column order, so the choice is deterministic)."""
    mask = np.zeros(scores.shape[0], dtype=bool)
    mask[np.argsort(-scores, kind="stable")[: max(1, k)]] = True
    return mask
