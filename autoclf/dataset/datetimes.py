"""Datetime and timedelta columns as numbers: calendar features decided at fit, derived the same way at predict.

No component reads timestamps, and their raw integer form (nanoseconds since 1970) hides what a model can
use: the month, the weekday, the hour. So, before feature typing, a datetime column ``when`` becomes float
columns named after it: ``when__year``, ``when__month``, ``when__day``, ``when__day_of_week`` (Monday 0),
``when__day_of_year``, ``when__hour``, ``when__minute`` (only those that vary in the training rows: a column of
dates has no hour) and ``when__ordinal`` (seconds since 1970-01-01 UTC, always kept: the trend). Missing
values (NaT) are NaN in every derived column.

Timezone-aware values are converted to UTC first, so the same instants give the same features whatever zone
they were written in; naive values are read as they are (as if UTC). At predict time the column may also
come as strings pandas can parse (``"2024-01-31 12:00"``); a value that cannot be parsed raises
``ValueError`` naming it. A timedelta column is one numeric column, its total seconds, under its own name.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

#: the calendar parts a datetime column may give, in the order of its derived columns (``ordinal`` last)
PARTS: tuple[str, ...] = ("year", "month", "day", "day_of_week", "day_of_year", "hour", "minute")
ORDINAL = "ordinal"
#: between the source column's name and the part in a derived column's name
SEPARATOR = "__"

_EPOCH = pd.Timestamp("1970-01-01")
_OBJECT_DATETIME_KINDS = frozenset({"datetime", "datetime64", "date"})


@dataclass(frozen=True)
class DatetimeColumn:
    """What one datetime column becomes, decided at fit time and kept by the validator for predict."""

    source: str
    parts: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """The derived columns' names, in order."""
        return tuple(f"{self.source}{SEPARATOR}{part}" for part in self.parts)

    def derive(self, column: pd.Series) -> list[tuple[str, np.ndarray]]:
        """The derived columns of ``column`` (datetimes, or strings that parse as datetimes) as float64."""
        instants = as_utc(column, self.source)
        return [(name, _part(instants, part)) for name, part in zip(self.names, self.parts)]


def is_datetime(column: pd.Series) -> bool:
    """True for datetime64 columns (naive or timezone-aware) and object columns holding only dates,
    datetimes and Timestamps (missing values aside). Strings are never parsed at fit time."""
    dtype = column.dtype
    if ptypes.is_datetime64_any_dtype(dtype):
        return True
    if not ptypes.is_object_dtype(dtype):
        return False
    return ptypes.infer_dtype(column.to_numpy(), skipna=True) in _OBJECT_DATETIME_KINDS


def plan(column: pd.Series, name: str) -> DatetimeColumn:
    """The derived columns of a training column: the calendar parts that vary in it, then the ordinal."""
    instants = as_utc(column, name)
    varying = tuple(part for part in PARTS if _varies(_part(instants, part)))
    return DatetimeColumn(name, varying + (ORDINAL,))


def as_utc(column: pd.Series, name: str) -> pd.Series:
    """``column`` as naive datetime64 in UTC (aware values converted, naive ones kept), index reset.

    Object and string columns are parsed; numbers and booleans are refused, since they would be read as
    nanoseconds since 1970 without a word.
    """
    if ptypes.is_datetime64_any_dtype(column.dtype):
        values = column.reset_index(drop=True)
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            values = values.dt.tz_convert("UTC").dt.tz_localize(None)
        return values
    present = column[column.notna()]
    if len(present) and (ptypes.is_numeric_dtype(column.dtype) or ptypes.infer_dtype(present.to_numpy(),
                                                                                    skipna=True) in
                         ("integer", "floating", "mixed-integer-float", "decimal", "boolean", "timedelta")):
        raise ValueError(f"column {name!r} held datetimes at fit time but now holds {column.dtype} values such as "
                         f"{present.iloc[0]!r}; pass datetimes or date strings such as '2024-01-31 12:00'")
    parsed = _parse(column.reset_index(drop=True))
    unparsed = parsed.isna().to_numpy() & column.notna().to_numpy()
    if unparsed.any():
        examples = list(dict.fromkeys(column[unparsed].astype(str).tolist()))[:3]
        raise ValueError(f"column {name!r} held datetimes at fit time, but {int(unparsed.sum())} value(s) cannot "
                         f"be read as dates, e.g. {examples}; pass datetimes or date strings such as "
                         "'2024-01-31 12:00'")
    return parsed.dt.tz_localize(None)


def _parse(values: pd.Series) -> pd.Series:
    """Datetimes (UTC-aware) from objects or strings; what cannot be parsed becomes NaT."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "could not infer format": the slow path below says more
        try:
            return pd.to_datetime(values, utc=True)  # fast: one format inferred from the first value
        except (ValueError, TypeError, OverflowError):
            return pd.to_datetime(values, utc=True, format="mixed", errors="coerce")


def timedelta_seconds(column: pd.Series) -> np.ndarray | None:
    """A timedelta column's total seconds as float64 (NaT as NaN); None when ``column`` holds no timedeltas
    (timedelta64 dtype, or objects that are all Timedelta / datetime.timedelta)."""
    dtype = column.dtype
    if ptypes.is_timedelta64_dtype(dtype):
        return column.dt.total_seconds().to_numpy(dtype=np.float64, na_value=np.nan)
    if ptypes.is_object_dtype(dtype) and column.notna().any() and \
            ptypes.infer_dtype(column.to_numpy(), skipna=True) == "timedelta":
        return pd.to_timedelta(column).dt.total_seconds().to_numpy(dtype=np.float64, na_value=np.nan)
    return None


def _part(instants: pd.Series, part: str) -> np.ndarray:
    if part == ORDINAL:
        return ((instants - _EPOCH) / pd.Timedelta(seconds=1)).to_numpy(dtype=np.float64, na_value=np.nan)
    return getattr(instants.dt, part).to_numpy(dtype=np.float64, na_value=np.nan)


def _varies(values: np.ndarray) -> bool:
    present = values[~np.isnan(values)]
    return bool(len(present)) and bool(present.min() != present.max())
