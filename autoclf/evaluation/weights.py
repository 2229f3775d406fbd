"""Row weights given to ``fit`` (``sample_weight``, ``sample_weight_val``): checked once, with errors that name
the problem, before any process or folder exists.

Why here: the weights travel with the task to the trial workers (``TrialTask.sample_weight``) and their
held-out part lies in the run store beside the targets (``weights.npy``); every later step trusts them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def check_sample_weight(sample_weight: Any, n_rows: int, name: str = "sample_weight",
                        rows_of: str = "X") -> np.ndarray | None:
    """``sample_weight`` as a float64 array of ``n_rows`` finite, non-negative weights, not all zero (None
    stays None); anything else raises a ValueError naming ``name`` and the fix."""
    if sample_weight is None:
        return None
    if isinstance(sample_weight, pd.DataFrame):
        if sample_weight.shape[1] != 1:
            raise ValueError(f"{name} must be 1-D (one weight per row); got a DataFrame with "
                             f"{sample_weight.shape[1]} columns")
        sample_weight = sample_weight.iloc[:, 0]
    if isinstance(sample_weight, pd.Series):
        sample_weight = sample_weight.to_numpy()
    if np.isscalar(sample_weight):
        raise ValueError(f"{name} must be an array-like with one weight per row of {rows_of}, got the scalar "
                         f"{sample_weight!r}")
    values = np.asarray(sample_weight)
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one weight per row), got shape {values.shape}")
    if values.dtype.kind not in "biuf":
        try:
            values = values.astype(np.float64)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{name} must hold numbers, got dtype {values.dtype} ({error})") from error
    weights = values.astype(np.float64)
    if len(weights) != n_rows:
        raise ValueError(f"{name} has {len(weights)} weights but {rows_of} has {n_rows} rows: pass one weight "
                         "per row")
    bad = ~np.isfinite(weights)
    if bad.any():
        raise ValueError(f"{name} has {int(bad.sum())} missing or infinite weight(s) (NaN/inf), e.g. at row "
                         f"{int(np.flatnonzero(bad)[0])}; weights must be finite")
    negative = weights < 0
    if negative.any():
        raise ValueError(f"{name} has {int(negative.sum())} negative weight(s) (smallest {weights.min():g}); "
                         "weights must be >= 0")
    if not (weights > 0).any():
        raise ValueError(f"{name} is zero for every row: at least one row must have a positive weight")
    return weights
