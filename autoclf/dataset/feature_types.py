"""Infer what each column of a frame holds: numeric, categorical, boolean or free text.

The search space and the preprocessing slots depend on these types (no encoder for an all-numeric frame, a
text vectoriser only for text), so the rules are explicit and deterministic rather than left to each
component. Users override them with ``InputValidator(feature_types=...)`` when a rule guesses wrong.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from autoclf.dataset.info import FeatureType

#: a str column is free text when its values hold at least this many whitespace tokens on average ...
TEXT_MIN_MEAN_TOKENS = 3.0
#: ... and at least this share of its non-missing values are distinct (repeated phrases are categories)
TEXT_MIN_DISTINCT_SHARE = 0.5

_BOOLEAN_STRINGS = frozenset({"true", "false"})


def infer_feature_types(X: pd.DataFrame) -> dict[str, FeatureType]:
    """Map each column of ``X`` to ``"numeric"``, ``"categorical"``, ``"boolean"`` or ``"text"``.

    Rules, by dtype first:

    * bool dtype, including pandas ``"boolean"`` → ``"boolean"``;
    * any other numeric dtype (int, float, nullable ``Int64``/``Float64``) → ``"numeric"``;
    * pandas ``category`` → ``"categorical"`` (whatever its categories are);
    * object / str columns, judged on their non-missing values, in this order:

      1. no value at all (all missing) → ``"numeric"`` (it becomes an all-NaN float column);
      2. only ``True``/``False`` (Python/numpy bools, or the strings ``"true"``/``"false"`` in any case,
         surrounding blanks ignored) → ``"boolean"``;
      3. every value parses as a number (numbers, or strings such as ``"1.5"``, ``"2e3"``) → ``"numeric"``;
      4. all values are strings with on average at least ``TEXT_MIN_MEAN_TOKENS`` whitespace-separated
         tokens and at least ``TEXT_MIN_DISTINCT_SHARE`` of them distinct → ``"text"``;
      5. anything else → ``"categorical"``; this includes mixed-type columns (e.g. ints and strings).

    Timedelta columns (timedelta64, or objects that are all timedeltas) → ``"numeric"`` (their total seconds).
    Datetime columns raise ``ValueError`` here: ``InputValidator`` replaces them by numeric calendar features
    (``autoclf.dataset.datetimes``) before typing. Period, interval and complex columns raise ``ValueError``:
    convert them to numbers or strings first, since no rule here would turn them into useful features.
    """
    result: dict[str, FeatureType] = {}
    for name in X.columns:
        result[str(name)] = infer_column_type(X[name], str(name))
    return result


def infer_column_type(column: pd.Series, name: str = "column") -> FeatureType:
    """The feature type of one column; see :func:`infer_feature_types` for the rules."""
    dtype = column.dtype
    if ptypes.is_bool_dtype(dtype):
        return "boolean"
    if isinstance(dtype, pd.CategoricalDtype):
        return "categorical"
    if ptypes.is_timedelta64_dtype(dtype):
        return "numeric"
    if ptypes.is_datetime64_any_dtype(dtype):
        raise ValueError(f"column {name!r} holds datetimes ({dtype}): InputValidator turns them into numeric "
                         "calendar features before typing (autoclf.dataset.datetimes)")
    if ptypes.is_complex_dtype(dtype):
        raise ValueError(f"Complex data not supported: column {name!r} has dtype {dtype}")
    if not (
        ptypes.is_numeric_dtype(dtype) or ptypes.is_object_dtype(dtype) or ptypes.is_string_dtype(dtype)
    ):
        raise ValueError(
            f"column {name!r} has dtype {dtype}, which is not supported; convert it to numbers or strings"
        )
    if ptypes.is_numeric_dtype(dtype):
        return "numeric"
    return _infer_from_values(column)


def _infer_from_values(column: pd.Series) -> FeatureType:
    values = column[~column.isna()].to_numpy(dtype=object)
    if len(values) == 0:
        return "numeric"
    if ptypes.infer_dtype(values, skipna=True) == "timedelta":
        return "numeric"
    if all(is_boolean_value(value) for value in values):
        return "boolean"
    if _all_parse_as_numbers(values):
        return "numeric"
    if _looks_like_text(values):
        return "text"
    return "categorical"


def is_boolean_value(value: object) -> bool:
    """True for bools and for the strings "true"/"false" (any case, blanks stripped)."""
    if isinstance(value, (bool, np.bool_)):
        return True
    return isinstance(value, str) and value.strip().lower() in _BOOLEAN_STRINGS


def _all_parse_as_numbers(values: np.ndarray) -> bool:
    if any(isinstance(value, (bool, np.bool_)) for value in values):
        return False  # a bool among strings or numbers is a category value, not the number 0/1
    parsed = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce")
    return not bool(parsed.isna().any())


def _looks_like_text(values: np.ndarray) -> bool:
    if not all(isinstance(value, str) for value in values):
        return False
    strings = pd.Series(values, dtype=object)
    mean_tokens = float(strings.str.split().str.len().mean())
    distinct_share = strings.nunique() / len(strings)
    return mean_tokens >= TEXT_MIN_MEAN_TOKENS and distinct_share >= TEXT_MIN_DISTINCT_SHARE
