"""Univariate scores that never fail on constant features (their NaN scores become 0, p-values 1)."""

from __future__ import annotations

import numpy as np
from sklearn.feature_selection import f_classif

from autoclf.components.features._base import quiet


def f_scores(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ANOVA F statistics and p-values; constant features score 0 with p-value 1."""
    with quiet():
        scores, pvalues = f_classif(X, y)
    scores = np.nan_to_num(np.asarray(scores, dtype=np.float64), nan=0.0, posinf=np.finfo(np.float64).max)
    pvalues = np.nan_to_num(np.asarray(pvalues, dtype=np.float64), nan=1.0)
    return scores, pvalues
