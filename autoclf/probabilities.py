"""Probability matrices with one column per class of the whole training set.

A model fitted on a fold (or a subsample) that missed a rare class predicts only the classes it saw, in
the order of its ``classes_`` (integer class codes). Everything downstream (metrics, ensembles, stacking,
students) wants one column per class code 0..K-1, the unseen classes at probability zero.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def pad_probabilities(proba: ArrayLike, classes: ArrayLike, n_classes: int) -> np.ndarray:
    """``proba`` (columns in ``classes`` order, class codes) placed into a float64 (rows, ``n_classes``)
    matrix; the columns of classes not in ``classes`` are zero. Rows are not renormalised."""
    proba = np.asarray(proba)
    full = np.zeros((proba.shape[0], n_classes))
    full[:, np.asarray(classes, dtype=int)] = proba
    return full
