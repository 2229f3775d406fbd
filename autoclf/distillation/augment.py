"""MUNGE-style data augmentation: new rows near the training data, for the teacher to label.

A student that only sees the training rows sees the teacher's (overfit) answers at those points and
nothing in between; rows sampled *near* the data let it copy the teacher's decision surface where test
rows will fall (Bucilua et al. 2006; Fakoor et al. 2020, the approach behind AutoGluon's distill).

For each new row: copy a training row, find its nearest neighbour, and with probability ``swap_prob``
per column take the neighbour's value instead - numerics with Gaussian noise of scale
``|x - neighbour| / s`` around it, discrete columns as they are - and with a small ``resample_prob``
draw a discrete value from its column's marginal instead. The result has the input's columns, dtypes
and categories, so it can go through the same ``predict_proba`` as the user's data.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

logger = logging.getLogger(__name__)

#: neighbour search runs on at most this many rows (a random subset), so augmentation stays cheap
MAX_NEIGHBOUR_ROWS = 20_000
#: most frequent categories per column that get a one-hot block in the neighbour distance
MAX_DISTANCE_CATEGORIES = 20


def munge(
    X: pd.DataFrame,
    n_rows: int,
    feature_types: Mapping[str, str] | None = None,
    swap_prob: float = 0.5,
    s: float = 1.0,
    resample_prob: float = 0.05,
    seed: int = 0,
) -> pd.DataFrame:
    """``n_rows`` new rows near the rows of ``X``, with the columns, dtypes and categories of ``X``.

    ``feature_types`` (column -> "numeric" | "categorical" | "boolean" | "text") overrides what the dtypes
    say: a canonical frame holds booleans as 0/1 floats, which must be swapped, never blurred with noise.
    """
    if not isinstance(X, pd.DataFrame):
        raise TypeError(f"munge needs a DataFrame, got {type(X).__name__}")
    if not 0 <= swap_prob <= 1 or not 0 <= resample_prob <= 1 or s <= 0:
        raise ValueError("swap_prob and resample_prob must lie in [0, 1] and s must be positive")
    if n_rows <= 0 or len(X) == 0:
        return X.iloc[:0].copy()
    rng = np.random.default_rng(seed)
    continuous = [name for name in X.columns if _is_continuous(X[name], (feature_types or {}).get(str(name)))]
    base = np.arange(n_rows) % len(X)  # every row is used about equally often
    rng.shuffle(base)
    neighbour = nearest_neighbours(X, continuous, rng)[base]
    columns = {}
    for name in X.columns:
        column = X[name]
        swap = rng.random(n_rows) < swap_prob
        if name in continuous:
            columns[name] = _blend_numeric(column, base, neighbour, swap, s, rng)
        else:
            resample = swap & (rng.random(n_rows) < resample_prob)
            columns[name] = _blend_discrete(column, base, neighbour, swap, resample, rng)
    out = pd.DataFrame(columns, index=pd.RangeIndex(n_rows))
    logger.debug("munge: %d rows from %d (%d continuous columns)", n_rows, len(X), len(continuous))
    return out


def nearest_neighbours(X: pd.DataFrame, continuous: list, rng: np.random.Generator) -> np.ndarray:
    """For each row, the index of its nearest other row (standardised numerics, one-hot categories)."""
    from sklearn.neighbors import NearestNeighbors

    Z = _distance_matrix(X, continuous)
    if len(X) == 1:
        return np.zeros(1, dtype=int)
    pool = np.arange(len(X))
    if len(X) > MAX_NEIGHBOUR_ROWS:
        pool = np.sort(rng.choice(len(X), MAX_NEIGHBOUR_ROWS, replace=False))
    search = NearestNeighbors(n_neighbors=2).fit(Z[pool])
    _, found = search.kneighbors(Z)
    # the first hit is the row itself (distance 0) unless a duplicate came first: take the first other row
    first, second = pool[found[:, 0]], pool[found[:, 1]]
    return np.where(first == np.arange(len(X)), second, first)


def nearest_rows(reference: pd.DataFrame, queries: pd.DataFrame,
                 feature_types: Mapping[str, str] | None = None) -> np.ndarray:
    """For each row of ``queries``, its nearest row of ``reference``.

    Parameters
    ----------
    reference, queries : frames with the same columns.
    feature_types : column -> type, as for ``munge`` (booleans of a canonical frame are discrete).

    Returns
    -------
    numpy.ndarray
        One index into ``reference`` per query row, in the distance MUNGE uses (standardised numerics,
        one-hot top categories, both scaled on ``reference``).
    """
    from sklearn.neighbors import NearestNeighbors

    if len(reference) == 0:
        raise ValueError("nearest_rows needs at least one reference row")
    if len(queries) == 0:
        return np.zeros(0, dtype=int)
    both = pd.concat([reference, queries], ignore_index=True)
    continuous = [name for name in both.columns if _is_continuous(both[name], (feature_types or {}).get(str(name)))]
    Z = _distance_matrix(both, continuous, scale_rows=len(reference))
    search = NearestNeighbors(n_neighbors=1).fit(Z[: len(reference)])
    return search.kneighbors(Z[len(reference):], return_distance=False)[:, 0]


def _distance_matrix(X: pd.DataFrame, continuous: list, scale_rows: int | None = None) -> np.ndarray:
    """Numerics standardised with missing at the mean; each discrete column's top categories one-hot,
    scaled so that a mismatch adds 1 to the squared distance, like one standard deviation. Means, scales
    and top categories come from the first ``scale_rows`` rows (None: all)."""
    blocks = []
    fitted = slice(None) if scale_rows is None else slice(0, scale_rows)
    for name in X.columns:
        column = X[name]
        if name in continuous:
            values = column.to_numpy(dtype=np.float64, na_value=np.nan)
            finite = np.isfinite(values)
            sample = values[fitted][finite[fitted]]
            mean = sample.mean() if len(sample) else 0.0
            std = sample.std() if len(sample) else 1.0
            values = np.where(finite, (values - mean) / (std if std > 1e-12 else 1.0), 0.0)
            blocks.append(values[:, None])
        else:
            codes = column.astype(object).where(column.notna(), "__missing__").astype(str)
            top = codes.iloc[fitted].value_counts().index[:MAX_DISTANCE_CATEGORIES]
            blocks.append((codes.to_numpy()[:, None] == top.to_numpy()[None, :]) / np.sqrt(2.0))
    return np.hstack(blocks).astype(np.float64) if blocks else np.zeros((len(X), 1))


def _is_continuous(column: pd.Series, declared: str | None) -> bool:
    if declared is not None:
        return declared == "numeric"
    dtype = column.dtype
    return bool(ptypes.is_numeric_dtype(dtype) and not ptypes.is_bool_dtype(dtype)
                and not isinstance(dtype, pd.CategoricalDtype))


def _blend_numeric(column: pd.Series, base: np.ndarray, neighbour: np.ndarray, swap: np.ndarray, s: float,
                   rng: np.random.Generator) -> pd.Series:
    """Swapped cells: the neighbour's value plus N(0, |x - neighbour| / s); integer columns stay integer."""
    values = column.to_numpy(dtype=np.float64, na_value=np.nan)
    own, other = values[base], values[neighbour]
    spread = np.abs(own - other) / s
    noisy = other + rng.normal(0.0, 1.0, len(base)) * np.nan_to_num(spread)
    out = np.where(swap, noisy, own)
    dtype = column.dtype
    if ptypes.is_integer_dtype(dtype):
        out = np.round(out)
        finite = values[np.isfinite(values)]
        if len(finite):  # unsigned and narrow integer types must not overflow
            out = np.clip(out, finite.min(), finite.max())
        if not isinstance(dtype, pd.api.extensions.ExtensionDtype) and np.isnan(out).any():
            out = np.where(np.isnan(out), own, out)  # a numpy int column has no missing values to copy
    return _restore(out, column)


def _blend_discrete(column: pd.Series, base: np.ndarray, neighbour: np.ndarray, swap: np.ndarray,
                    resample: np.ndarray, rng: np.random.Generator) -> pd.Series:
    """Swapped cells take the neighbour's value; resampled ones a draw from the column's marginal."""
    values = column.to_numpy(dtype=object)
    out = np.where(swap, values[neighbour], values[base])
    if resample.any():
        out[resample] = values[rng.integers(0, len(values), int(resample.sum()))]
    return _restore(out, column)


def _restore(values: np.ndarray, column: pd.Series) -> pd.Series:
    """``values`` as a Series of ``column``'s dtype (its categories too) and name."""
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.Series(pd.Categorical(values, dtype=dtype), name=column.name)
    if ptypes.is_object_dtype(dtype):  # values are copies of the column's own cells, its missing markers included
        return pd.Series(np.asarray(values, dtype=object), dtype=object, name=column.name)
    return pd.Series(values, name=column.name).astype(dtype)
