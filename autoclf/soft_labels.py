"""Soft labels (a teacher's class probabilities), checked the same way for every learner that trains on them:
the networks' ``soft_targets`` and the distillation students' ``soft_labels``."""

from __future__ import annotations

from typing import Any

import numpy as np


def check_soft_labels(values: Any, n_rows: int, n_classes: int, name: str = "soft_labels") -> np.ndarray:
    """``values`` as a float64 (n_rows, n_classes) array of non-negative rows renormalised to sum 1; a clear
    ValueError naming ``name`` otherwise. Columns follow the sorted classes of y."""
    targets = np.asarray(values, dtype=np.float64)
    if targets.shape != (n_rows, n_classes):
        raise ValueError(f"{name} must have shape (n_samples, n_classes) = ({n_rows}, {n_classes}), got "
                         f"{targets.shape}; columns follow the sorted classes of y")
    if not np.all(np.isfinite(targets)) or np.any(targets < 0):
        raise ValueError(f"{name} must hold finite, non-negative probabilities")
    totals = targets.sum(axis=1, keepdims=True)
    if np.any(totals <= 0):
        raise ValueError(f"every row of {name} must have a positive sum")
    return targets / totals
