"""Turn user input into the canonical frame every pipeline consumes.

One fixed representation per feature type keeps the components simple: they never see nullable dtypes,
pandas ``str`` columns, ``pd.NA`` or infinities, only

* numeric and boolean columns: float64 with NaN for missing (booleans as 0.0/1.0, timedeltas as seconds);
* categorical and text columns: object dtype holding Python ``str`` values, missing as ``np.nan``.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from autoclf.dataset.datetimes import timedelta_seconds
from autoclf.dataset.feature_types import is_boolean_value

logger = logging.getLogger(__name__)


def as_frame(X: Any, names: list[str] | None = None) -> tuple[pd.DataFrame, bool]:
    """``X`` as a DataFrame with its original column labels, and whether it was a DataFrame already.

    numpy arrays and lists of rows get the columns ``names`` (default ``x0, x1, ...``); sparse matrices are
    refused rather than densified behind the user's back.
    """
    if isinstance(X, pd.DataFrame):
        return X, True
    if _is_sparse(X):
        raise ValueError("sparse input is not supported; pass X.toarray() (a dense numpy array) or a DataFrame")
    if X is None or isinstance(X, (str, bytes, dict)):
        raise ValueError(f"X must be a DataFrame, a 2-D numpy array or a list of rows, got {type(X).__name__}")
    if isinstance(X, np.ndarray):
        array = X
    else:
        try:
            array = np.asarray(X) if _is_numeric_rows(X) else np.asarray(X, dtype=object)
        except ValueError as error:
            raise ValueError(f"X could not be read as a 2-D array (rows of different lengths?): {error}") from error
    if array.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_features), got an array with shape {array.shape}; "
                         "Reshape your data with X.reshape(-1, 1) for a single feature")
    if names is None:
        names = [f"x{i}" for i in range(array.shape[1])]
    elif len(names) != array.shape[1]:
        raise ValueError(f"X has {array.shape[1]} features, but autoclf is expecting {len(names)} features as input")
    frame = pd.DataFrame(array, columns=names)
    if array.dtype == object:  # keep object columns as they are: pandas would turn strings into `str`
        frame = pd.DataFrame({name: pd.Series(array[:, i], dtype=object) for i, name in enumerate(names)})
    return frame, False


def _is_sparse(X: Any) -> bool:
    if not hasattr(X, "tocsr"):
        return False
    from scipy import sparse

    return bool(sparse.issparse(X))


def _is_numeric_rows(X: Any) -> bool:
    """True when every cell of a list of rows is a (non-bool) number, so a float array loses nothing."""
    try:
        return all(
            isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
            for row in X for v in row
        )
    except TypeError:
        return False


def canonical_column(column: pd.Series, feature_type: str, name: str, strict: bool) -> np.ndarray:
    """One column in its canonical representation (see the module docstring).

    Values that do not fit the type (text in a column typed numeric, "maybe" in a boolean one) raise
    ``ValueError`` when ``strict`` (at fit time, where the type was just decided) and become NaN with a
    warning otherwise (at predict time, so one odd value does not fail a whole batch).
    """
    if feature_type in ("categorical", "text"):
        return _as_strings(column)
    if feature_type == "numeric":
        values = _as_floats(column)
    else:
        values = _as_booleans(column)
    introduced = int(np.isnan(values).sum() - column.isna().sum())
    if introduced > 0:
        if strict:
            raise ValueError(f"column {name!r} is typed {feature_type!r} but {introduced} value(s) cannot be "
                             f"read as {feature_type}; set its type to 'categorical' in feature_types")
        logger.warning("column %r: %d value(s) cannot be read as %s and are treated as missing", name,
                       introduced, feature_type)
    return values


def _as_floats(column: pd.Series) -> np.ndarray:
    seconds = timedelta_seconds(column)
    if seconds is not None:
        return seconds
    dtype = column.dtype
    if ptypes.is_numeric_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype):
        return column.to_numpy(dtype=np.float64, na_value=np.nan)
    values = column.to_numpy(dtype=object, copy=True)
    is_bool = np.fromiter((isinstance(v, (bool, np.bool_)) for v in values), dtype=bool, count=len(values))
    values[is_bool] = np.nan  # booleans are not numbers here, as in inference
    parsed = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce")
    return parsed.to_numpy(dtype=np.float64, na_value=np.nan)


def _as_booleans(column: pd.Series) -> np.ndarray:
    if ptypes.is_bool_dtype(column.dtype):
        return column.to_numpy(dtype=np.float64, na_value=np.nan)
    values = column.to_numpy(dtype=object)
    return np.fromiter((_boolean_value(v) for v in values), dtype=np.float64, count=len(values))


def _boolean_value(value: object) -> float:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return np.nan
    if is_boolean_value(value):
        return 1.0 if (value is True or value is np.True_ or str(value).strip().lower() == "true") else 0.0
    if isinstance(value, (int, float, np.integer, np.floating)) and value in (0, 1):
        return float(value)
    return np.nan


def _as_strings(column: pd.Series) -> np.ndarray:
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        labels = np.array([as_text(v) for v in dtype.categories], dtype=object)
        codes = column.cat.codes.to_numpy()
        out = labels[np.maximum(codes, 0)] if len(labels) else np.empty(len(codes), dtype=object)
        out[codes < 0] = np.nan
        return out
    values = column.to_numpy(dtype=object)
    missing = np.asarray(pd.isna(values), dtype=bool)
    if isinstance(dtype, pd.StringDtype) or ptypes.infer_dtype(values, skipna=True) == "string":
        out = values.copy()
    else:
        out = np.array([as_text(v) for v in values], dtype=object)
    out[missing] = np.nan
    return out


def as_text(value: object) -> str:
    """A deterministic string for a category value: 1, 1.0 and np.int64(1) all become "1"."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)
    return str(value)


def replace_infinities(frame: pd.DataFrame, columns: list[str]) -> None:
    """Set ±inf in the float ``columns`` of ``frame`` to NaN, with one warning naming those columns."""
    touched = []
    for name in columns:
        values = frame[name].to_numpy()
        infinite = np.isinf(values)
        if infinite.any():
            values = values.copy()
            values[infinite] = np.nan
            frame[name] = values
            touched.append(name)
    if touched:
        logger.warning("X holds +/-inf in column(s) %s: they are treated as missing values (NaN)", touched)
