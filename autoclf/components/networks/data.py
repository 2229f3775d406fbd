"""numpy-only input preparation for the networks: validation split, standardisation, categorical codes.

Kept apart from the torch code so it is cheap to import and easy to test on its own.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.model_selection import train_test_split

from autoclf.stratified import stratified_holdout

#: fewer validation rows than this make early stopping follow noise: train on everything instead
MIN_VALIDATION_ROWS = 10


def validation_split(codes: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray | None]:
    """(train rows, validation rows), stratified when every class has two rows; no validation rows when
    ``fraction`` is 0 or the data are too small to spare them."""
    n_rows = len(codes)
    everything = np.arange(n_rows)
    n_classes = len(np.unique(codes))
    n_valid = round(fraction * n_rows)
    if fraction <= 0 or n_valid < max(MIN_VALIDATION_ROWS, n_classes) or n_rows - n_valid < max(2, n_classes):
        return everything, None
    if np.bincount(codes).min() < 2:  # a class of one row: unstratified, as the fingerprinted matrix measured
        train, valid = train_test_split(everything, test_size=n_valid, random_state=seed)
        return np.sort(train), np.sort(valid)
    return stratified_holdout(codes, n_valid, seed)


def standardization(
    X: np.ndarray, categorical: Sequence[int], enabled: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Per-column mean and scale; categorical codes, 0/1 indicators and constant columns are left as they are.

    Indicators (one-hot columns) stay 0/1: standardising a rare category's column would blow it up to large
    values the network then overfits to (credit-g: test AUC 0.77 with, 0.79 without).
    """
    n_features = X.shape[1]
    if not enabled or len(X) == 0:
        return np.zeros(n_features), np.ones(n_features)
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[~np.isfinite(scale) | (scale < 1e-12)] = 1.0
    mean[~np.isfinite(mean)] = 0.0
    keep = indicator_mask(X) | np.isin(np.arange(n_features), list(categorical))
    mean[keep], scale[keep] = 0.0, 1.0
    return mean, scale


def indicator_mask(X: np.ndarray) -> np.ndarray:
    """Columns holding only 0 and 1 (one-hot and boolean columns)."""
    return np.all((X == 0) | (X == 1), axis=0)


def continuous_columns(X: np.ndarray, categorical: Sequence[int]) -> list[int]:
    """Columns that are neither categorical codes nor 0/1 indicators: the ones numeric embeddings help."""
    skip = indicator_mask(X) | np.isin(np.arange(X.shape[1]), list(categorical))
    return [int(i) for i in np.flatnonzero(~skip)]


def categorical_cardinalities(X: np.ndarray, categorical: Sequence[int]) -> list[int]:
    """Number of known codes per categorical column (codes 0..n-1; -1 means unknown), checked to be codes."""
    n_features = X.shape[1]
    if len(set(categorical)) != len(categorical) or any(not 0 <= i < n_features for i in categorical):
        raise ValueError(f"categorical_features must be distinct column indices in [0, {n_features}), "
                         f"got {list(categorical)}")
    cardinalities = []
    for i in categorical:
        column = X[:, i]
        if np.any(column != np.round(column)) or np.any(column < -1):
            raise ValueError(f"categorical feature column {i} does not hold ordinal codes (integers >= -1); "
                             "pass categorical_features only for ordinal-encoded columns")
        cardinalities.append(int(column.max(initial=-1)) + 1 if len(column) else 0)
    return [max(n, 1) for n in cardinalities]
