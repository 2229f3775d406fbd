"""Train/validation splits for holdout and k-fold resampling, computed once per fit and shared by all trials."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.model_selection import StratifiedKFold

from autoclf.stratified import stratified_holdout

Split = tuple[np.ndarray, np.ndarray]


def make_splits(
    y: np.ndarray, resampling: str = "holdout", folds: int = 5, test_size: float = 0.33, seed: int = 0
) -> list[Split]:
    """Stratified splits of row indices.

    Rows of classes too rare to stratify (one sample, or fewer than ``folds``) always stay in training,
    so every class reaches the model and the split never fails.
    """
    y = np.asarray(y)
    counts = np.bincount(y)
    if resampling == "holdout":
        n_common = int((counts[y] >= 2).sum())
        n_classes = int((counts >= 2).sum())
        n_valid = max(int(round(test_size * n_common)), n_classes)
        if n_common - n_valid < n_classes:
            raise ValueError(
                f"too few rows ({len(y)}) for a holdout split with {n_classes} classes; "
                "use resampling='cv' or more data"
            )
        return [stratified_holdout(y, n_valid, seed)]
    if resampling == "cv":
        if folds < 2:
            raise ValueError(f"folds must be >= 2 for cross-validation, got {folds}")
        if len(y) < folds:
            raise ValueError(f"{folds}-fold cross-validation needs at least {folds} rows, got {len(y)}")
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        with warnings.catch_warnings():
            # a class with fewer members than folds is allowed: it is simply absent from some folds
            warnings.filterwarnings("ignore", message="The least populated class", category=UserWarning)
            return [(np.sort(train), np.sort(valid)) for train, valid in splitter.split(np.zeros(len(y)), y)]
    raise ValueError(f"resampling must be 'holdout' or 'cv', got {resampling!r}")


def validation_rows(splits: list[Split]) -> np.ndarray:
    """Rows that carry held-out predictions: the holdout set, or every row under cross-validation."""
    return np.sort(np.concatenate([valid for _, valid in splits]))
