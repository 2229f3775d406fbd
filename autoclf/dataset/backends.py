"""pyarrow-backed columns as their numpy-backed equivalents, converted once where input enters (the validator).

``pd.read_parquet(path, dtype_backend="pyarrow")`` and ``pd.ArrowDtype`` columns hold their values in pyarrow
arrays (``int64[pyarrow]`` with nulls, ``string[pyarrow]``, ``bool[pyarrow]``, ``dictionary<...>[pyarrow]``,
``timestamp[us, tz=...][pyarrow]``, ``duration``, ``date32``). Each such column goes through pyarrow's own
``to_pandas``, the conversion ``pd.read_parquet(path)`` applies to the same file, so a pyarrow-backed frame
and the numpy-backed frame of the same data give the same canonical frame and the same model: ints with
nulls become float64 with NaN, strings ``str``, bools with nulls objects, dictionaries ``category``,
timestamps ``datetime64`` (time zone kept), durations ``timedelta64``, dates objects of ``datetime.date``.
pandas' nullable dtypes (``Int64``, ``boolean``, ``string``) need no conversion: the canonicaliser reads them.
"""

from __future__ import annotations

import pandas as pd


def numpy_backed(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every pyarrow-backed column converted (see the module docstring); the same object when
    it has none, so numpy-backed input is not copied."""
    positions = [i for i, dtype in enumerate(frame.dtypes) if isinstance(dtype, pd.ArrowDtype)]
    if not positions:
        return frame
    out = frame.copy(deep=False)
    for i in positions:
        out.isetitem(i, numpy_backed_series(frame.iloc[:, i], str(frame.columns[i])))
    return out


def numpy_backed_series(series: pd.Series, name: str = "y") -> pd.Series:
    """One pyarrow-backed Series as its numpy-backed equivalent (same index); other Series unchanged.

    Nested pyarrow types (lists, structs, maps) have no numpy-backed equivalent a model could use: they
    raise ``ValueError`` naming the column.
    """
    dtype = series.dtype
    if not isinstance(dtype, pd.ArrowDtype):
        return series
    if dtype.pyarrow_dtype.num_fields > 0:  # lists, structs, maps (pyarrow.types.is_nested, without the import)
        raise ValueError(f"column {name!r} holds nested pyarrow values ({dtype}); autoclf needs one scalar per "
                         "cell: flatten it into separate columns or drop it")
    converted = series.array.__arrow_array__().to_pandas()  # the public Arrow protocol, then pyarrow's pandas
    converted.index = series.index
    converted.name = series.name
    return converted
