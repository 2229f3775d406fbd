"""Class labels: check y, fix the class order, and map labels to codes 0..K-1 and back.

Everything after the input layer works on int codes; the original labels (and their type) only come back
in ``predict``, so a problem labelled with ints predicts ints, one labelled with strings predicts strings.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from sklearn.exceptions import DataConversionWarning

from autoclf.dataset.backends import numpy_backed_series


def as_label_array(y: Any) -> np.ndarray:
    """``y`` as a 1-D numpy array of one label type (str, int, float, bool, ...), missing labels refused.

    Lists, numpy arrays, Series, one-column frames and ``(n, 1)`` arrays are accepted. Object arrays are
    narrowed to int64 / float64 / bool when all labels are of that type, so the class order is numeric.
    """
    if y is None:
        raise ValueError("autoclf requires y to be passed, but the target y is None")
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise ValueError(f"y must be 1-D; got a DataFrame with {y.shape[1]} columns (multi-output is not "
                             "supported)")
        y = y.iloc[:, 0]
    if isinstance(y, pd.Series):
        values = numpy_backed_series(y).to_numpy()
    elif isinstance(y, np.ndarray):
        values = y
    else:
        if isinstance(y, str):
            raise ValueError(f"y must be a sequence of labels, got {type(y).__name__}")
        try:
            if hasattr(y, "__array__"):  # array-likes such as memmaps or wrappers
                values = np.asarray(y)
            elif not hasattr(y, "__len__"):
                raise ValueError(f"y must be a sequence of labels, got {type(y).__name__}")
            else:
                values = np.asarray(y) if _is_nested(y) else pd.Series(list(y)).to_numpy()
        except ValueError as error:
            raise ValueError(f"y could not be read as an array of labels: {error}") from error
    if values.ndim == 2 and values.shape[1] == 1:
        warnings.warn("A column-vector y was passed when a 1d array was expected; it is used as 1-D labels",
                      DataConversionWarning, stacklevel=3)
        values = values[:, 0]
    if values.ndim != 1:
        detail = f"with {values.shape[1]} columns" if values.ndim == 2 else f"with shape {values.shape}"
        raise ValueError(f"y must be 1-D; got a {values.ndim}-D array {detail} (multi-output is not supported)")
    _refuse_times(values)
    missing = int(pd.isna(values).sum())
    if missing:
        raise ValueError(f"y has {missing} missing label(s) (NaN/None) out of {len(values)} rows; drop those rows "
                         "or fill them before fitting")
    return _narrow(values)


def _refuse_times(values: np.ndarray) -> None:
    """Datetimes and timedeltas are not class labels: each instant would be a class of its own."""
    kind: str = values.dtype.kind
    if kind == "O" and len(values):
        kind = {"datetime": "M", "datetime64": "M", "date": "M", "timedelta": "m", "timedelta64": "m"}.get(
            pd.api.types.infer_dtype(values, skipna=True), kind)
    if kind in "mM":
        what = "datetimes" if kind == "M" else "timedeltas"
        raise ValueError(f"y holds {what}; classification needs class labels: derive them first (e.g. "
                         "y.dt.year, or bins of the values), and pass the datetime column as a feature in X instead")


def _is_nested(y: Any) -> bool:
    return len(y) > 0 and isinstance(y[0], (list, tuple, np.ndarray))


def _narrow(values: np.ndarray) -> np.ndarray:
    if values.dtype == object and len(values):
        kind = pd.api.types.infer_dtype(values, skipna=False)
        if kind == "boolean":
            values = values.astype(bool)
        elif kind == "integer":
            values = values.astype(np.int64)
        elif kind in ("floating", "mixed-integer-float"):
            values = values.astype(np.float64)
        elif kind not in ("string", "empty"):
            types = sorted({type(value).__name__ for value in values})
            if len(types) > 1:
                raise ValueError(f"y mixes label types ({', '.join(types)}); convert the labels to one type")
    if values.dtype.kind == "f":
        infinite = int(np.isinf(values).sum())
        if infinite:  # np.round(inf) == inf, so inf would otherwise pass as an integral class label
            raise ValueError(f"y has {infinite} infinite label(s) (inf/-inf); classification needs finite labels")
        fractional = values[values != np.round(values)]
        if len(fractional):
            raise ValueError(f"Unknown label type: continuous. y holds non-integral float labels (e.g. "
                             f"{fractional[0]!r}): a regression target; classification needs discrete labels")
    return values


def find_classes(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct labels (keeping their dtype) and the int64 code of every row."""
    try:
        classes, codes = np.unique(labels, return_inverse=True)
    except TypeError as error:
        raise ValueError(f"the labels in y cannot be ordered: {error}") from error
    return classes, codes.reshape(-1).astype(np.int64)


def encode(labels: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """int64 codes of ``labels`` in ``classes``; labels not seen at fit time raise ValueError."""
    codes = pd.Index(classes).get_indexer(labels)
    unknown = codes < 0
    if unknown.any():
        shown = list(dict.fromkeys(labels[unknown].tolist()))
        raise ValueError(f"y has {int(unknown.sum())} label(s) not seen at fit time: {shown[:10]}; known classes: "
                         f"{classes.tolist()[:20]}")
    return codes.astype(np.int64)


def decode(codes: Any, classes: np.ndarray) -> np.ndarray:
    """The original labels of int codes, in the dtype the labels had at fit time."""
    codes = np.asarray(codes)
    if codes.dtype.kind == "f":
        if not np.all(codes == np.round(codes)):
            raise ValueError("codes must be integers 0..K-1")
        codes = codes.astype(np.int64)
    if codes.dtype.kind not in "iu":
        raise ValueError(f"codes must be integers 0..K-1, got dtype {codes.dtype}")
    if codes.size and (codes.min() < 0 or codes.max() >= len(classes)):
        raise ValueError(f"codes must lie in 0..{len(classes) - 1}, got values from {codes.min()} to {codes.max()}")
    return classes[codes]
