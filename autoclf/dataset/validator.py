"""The entry gate: check X and y once, remember their shape and types, and serve the canonical frame.

Every later layer (search space, splitter, pipelines, ensembles) trusts what comes out of here, so each
problem with the input is reported here, early, with a message that names it.
"""

from __future__ import annotations

import logging
import warnings
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from autoclf.dataset import datetimes, labels
from autoclf.dataset.backends import numpy_backed
from autoclf.dataset.canonical import as_frame, canonical_column, replace_infinities
from autoclf.dataset.datetimes import DatetimeColumn
from autoclf.dataset.feature_types import infer_column_type
from autoclf.dataset.info import FEATURE_TYPES, DatasetInfo, FeatureType

logger = logging.getLogger(__name__)


class InputValidator(BaseEstimator):
    """Validate training data, infer feature types, encode labels; convert predict-time X the same way.

    pyarrow-backed columns are converted to their numpy-backed equivalents first (``autoclf.dataset.backends``).

    Parameters
    ----------
    feature_types : dict or list or None
        A dict ``{column: type}`` overriding inference for those columns, or a list with one type per column.
        Types are ``"numeric"``, ``"categorical"``, ``"boolean"`` and ``"text"``. A datetime column becomes
        numeric calendar features (``autoclf.dataset.datetimes``) unless typed ``"categorical"`` or ``"text"``
        here (then its values are read as strings).

    Attributes
    ----------
    feature_names_in_, n_features_in_ : list of str, int
        The str names of the input columns, and their number.
    feature_types_ : dict
        The type of each canonical column, in canonical order: the input columns, each datetime column replaced
        by its derived columns.
    datetime_columns_ : dict
        Input name -> ``DatetimeColumn`` (the calendar features derived from it).
    classes_ : ndarray
        The sorted original labels, in their original dtype.
    info_ : DatasetInfo
        Rows, classes, class counts and the columns of each feature type.
    input_was_dataframe_ : bool
        Whether X was a DataFrame at fit (columns are then matched by name, else by position).
    column_mapping_ : dict
        str name -> original column label.
    target_name_ : str or None
        The name of y when it had one.
    """

    def __init__(self, feature_types: dict[Any, str] | list[str] | None = None):
        self.feature_types = feature_types

    # ------------------------------------------------------------------ fit
    def fit(self, X: Any, y: Any) -> "InputValidator":
        """Check ``X`` and ``y`` and learn column names, feature types and classes."""
        self._fit(X, y)
        return self

    def fit_transform(self, X: Any, y: Any) -> tuple[pd.DataFrame, np.ndarray]:
        """``fit``, then the canonical frame of ``X`` and the int64 class codes of ``y``."""
        return self._fit(X, y)

    def _fit(self, X: Any, y: Any) -> tuple[pd.DataFrame, np.ndarray]:
        frame, was_frame = as_frame(X)
        frame = numpy_backed(frame)
        y_values = labels.as_label_array(y)
        n_rows, n_columns = frame.shape
        if n_rows == 0:
            raise ValueError("X is empty (0 rows); at least 2 samples are needed")
        if n_columns == 0:
            raise ValueError(f"X has 0 feature(s) (shape=({n_rows}, 0)) while a minimum of 1 is required.")
        if n_rows != len(y_values):
            raise ValueError(f"X and y have different lengths: X has {n_rows} rows, y has {len(y_values)} labels")
        if n_rows < 2:
            raise ValueError(f"X has {n_rows} sample(s); n_samples={n_rows} is too few, at least 2 are needed")
        names = _string_names(frame.columns)
        classes, codes = labels.find_classes(y_values)
        if len(classes) < 2:
            raise ValueError(f"y has a single class ({classes.tolist()[0]!r}); classification needs at least "
                             "2 classes")
        if np.bincount(codes).max() < 2:  # nothing could be held out to score a trial
            raise ValueError(f"every class in y has a single sample ({len(classes)} classes, {n_rows} rows); at "
                             "least one class needs 2 samples so that some rows can be held out for validation")
        _warn_if_misaligned(X, y)

        overrides = _check_overrides(self.feature_types, names)
        self.feature_names_in_ = names
        self.n_features_in_ = n_columns
        self.column_mapping_ = dict(zip(names, frame.columns))
        self.input_was_dataframe_ = was_frame
        self.target_name_ = _target_name(y)
        self.datetime_columns_ = _plan_datetimes(frame, names, overrides)
        columns = self._expand(frame)
        types: dict[str, FeatureType] = {
            name: overrides[name] if name in overrides else infer_column_type(column, name) for name, column in columns
        }
        self.feature_types_ = types
        self.classes_ = classes
        canonical = self._canonical(columns, n_rows, strict=True)
        self.info_ = DatasetInfo(
            n_rows=n_rows,
            n_classes=len(classes),
            class_counts=tuple(int(c) for c in np.bincount(codes, minlength=len(classes))),
            numeric_columns=_of_type(types, "numeric"),
            categorical_columns=_of_type(types, "categorical"),
            boolean_columns=_of_type(types, "boolean"),
            text_columns=_of_type(types, "text"),
            has_missing=bool(canonical.isna().to_numpy().any()),
        )
        logger.info("input: %d rows, %d classes, %d numeric / %d categorical / %d boolean / %d text columns",
                    n_rows, len(classes), len(self.info_.numeric_columns), len(self.info_.categorical_columns),
                    len(self.info_.boolean_columns), len(self.info_.text_columns))
        for plan in self.datetime_columns_.values():
            logger.info("datetime column %r: calendar features %s", plan.source, list(plan.names))
        return canonical, codes

    def _expand(self, frame: pd.DataFrame) -> list[tuple[str, pd.Series]]:
        """The columns the canonical frame is built from, by name: the input columns in order, each datetime
        column replaced by its derived float columns (the same ones at predict as at fit)."""
        plans: dict[str, DatetimeColumn] = getattr(self, "datetime_columns_", {})  # absent in older models
        columns: list[tuple[str, pd.Series]] = []
        for i, name in enumerate(self.feature_names_in_):
            if name in plans:
                columns.extend((derived, pd.Series(values)) for derived, values in plans[name].derive(frame.iloc[:, i]))
            else:
                columns.append((name, frame.iloc[:, i]))
        return columns

    def input_types(self) -> dict[str, str]:
        """The type of each input column, in input order: its feature type, or "datetime" for a column turned
        into calendar features (``feature_types_`` has the types of the canonical columns)."""
        check_is_fitted(self, "feature_types_")
        plans = getattr(self, "datetime_columns_", {})
        return {name: "datetime" if name in plans else self.feature_types_[name] for name in self.feature_names_in_}

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """The canonical frame's column names: the input names, datetime columns replaced by their derived ones."""
        check_is_fitted(self, "feature_types_")
        return np.asarray(list(self.feature_types_), dtype=object)

    # ------------------------------------------------------------ transform
    def transform(self, X: Any) -> pd.DataFrame:
        """The canonical frame of ``X``, whose columns must match those seen at fit time."""
        check_is_fitted(self, "feature_types_")
        canonical_input = isinstance(X, pd.DataFrame) and self._is_canonical(X)
        if isinstance(X, pd.DataFrame):
            if not canonical_input:
                self._check_columns(X)
            frame = X
        else:
            frame, _ = as_frame(X, names=list(self.feature_names_in_))
        if len(frame) == 0:
            raise ValueError(f"X is empty (0 rows, {frame.shape[1]} columns); pass at least 1 sample to predict")
        frame = numpy_backed(frame)
        if canonical_input:
            columns = [(name, frame.iloc[:, i]) for i, name in enumerate(self.feature_types_)]
        else:
            columns = self._expand(frame)
        return self._canonical(columns, len(frame), strict=False)

    def _is_canonical(self, X: pd.DataFrame) -> bool:
        """True when ``X`` has the canonical columns rather than the input ones (they differ only when datetime
        columns were expanded): transform accepts its own output, as distillation sends canonical rows back."""
        canonical = list(self.feature_types_)
        return canonical != self.feature_names_in_ and [str(column) for column in X.columns] == canonical

    def _check_columns(self, X: pd.DataFrame) -> None:
        names = _string_names(X.columns)
        expected = self.feature_names_in_
        if not self.input_was_dataframe_:  # fitted on an array: columns are matched by position
            if len(names) != len(expected):
                raise ValueError(
                    f"X has {len(names)} features, but autoclf is expecting {len(expected)} features as input"
                )
            return
        if names == expected:
            return
        given, known = set(names), set(expected)
        missing = [name for name in expected if name not in given]
        unexpected = [name for name in names if name not in known]
        if missing or unexpected:
            raise ValueError(_column_mismatch(missing, unexpected, getattr(self, "target_name_", None)))
        position = next(i for i, (got, want) in enumerate(zip(names, expected)) if got != want)
        raise ValueError(f"X has the fit-time columns in a different order (column {position} is "
                         f"{names[position]!r}, expected {expected[position]!r}); select them in fit-time "
                         "order, e.g. X[model.feature_names_in_]")

    def _canonical(self, columns: list[tuple[str, pd.Series]], n_rows: int, strict: bool) -> pd.DataFrame:
        arrays = {name: canonical_column(column, self.feature_types_[name], name, strict) for name, column in columns}
        canonical = pd.DataFrame(
            {name: pd.Series(values, dtype=values.dtype) for name, values in arrays.items()},
            index=pd.RangeIndex(n_rows),
        )
        replace_infinities(canonical, [name for name, kind in self.feature_types_.items() if kind == "numeric"])
        return canonical

    # --------------------------------------------------------------- labels
    def encode_target(self, y: Any) -> np.ndarray:
        """int64 codes 0..K-1 of ``y`` in ``classes_`` order; labels unseen at fit time raise ValueError."""
        check_is_fitted(self, "classes_")
        return labels.encode(labels.as_label_array(y), self.classes_)

    def decode_target(self, codes: Any) -> np.ndarray:
        """The original labels (and label dtype) of int codes."""
        check_is_fitted(self, "classes_")
        return labels.decode(codes, self.classes_)


def _warn_if_misaligned(X: Any, y: Any) -> None:
    """Rows are matched by position, as in scikit-learn; a pandas X and y whose indexes differ usually means
    one of them was shuffled or filtered alone, so say so instead of silently pairing the wrong rows."""
    if isinstance(X, pd.DataFrame) and isinstance(y, (pd.Series, pd.DataFrame)) and not X.index.equals(y.index):
        warnings.warn("X and y have different indexes; autoclf pairs their rows by position, not by index "
                      "(use y.reindex(X.index) if they should be aligned)", UserWarning, stacklevel=5)


def _target_name(y: Any) -> str | None:
    if isinstance(y, pd.Series) and y.name is not None:
        return str(y.name)
    if isinstance(y, pd.DataFrame) and y.shape[1] == 1:
        return str(y.columns[0])
    return None


def _plan_datetimes(frame: pd.DataFrame, names: list[str],
                    overrides: dict[str, FeatureType]) -> dict[str, DatetimeColumn]:
    """The derived columns of each datetime column of the training frame (those not typed as strings)."""
    plans: dict[str, DatetimeColumn] = {}
    for i, name in enumerate(names):
        column = frame.iloc[:, i]
        if overrides.get(name) in ("categorical", "text") or not datetimes.is_datetime(column):
            continue
        if overrides.get(name) == "boolean":
            raise ValueError(f"feature_types types datetime column {name!r} as 'boolean'; autoclf derives numeric "
                             "calendar features from it (leave it out of feature_types) or reads it as 'categorical'")
        plans[name] = datetimes.plan(column, name)
    clashes = sorted({derived for plan in plans.values() for derived in plan.names} & set(names))
    if clashes:
        raise ValueError(f"X already has column(s) {clashes}, the names of the calendar features autoclf derives "
                         "from its datetime column(s); rename those columns")
    return plans


def _column_mismatch(missing: list[str], unexpected: list[str], target: str | None) -> str:
    """The predict-time message for columns that differ from the fit-time ones: what is missing, what is
    unexpected, and what to do (drop the target, select the fit-time columns)."""
    parts = []
    if missing:
        parts.append(f"missing {_shown(missing)} ({len(missing)} fit-time column(s) absent from X)")
    if unexpected:
        parts.append(f"unexpected {_shown(unexpected)} ({len(unexpected)} column(s) not seen at fit time)")
    message = "X has different columns than at fit time: " + "; ".join(parts)
    if target is not None and target in unexpected:
        message += (f". {target!r} is the name of the target y at fit time: drop the target column from X "
                    f"(X.drop(columns=[{target!r}]))")
    if missing:
        message += ". X needs every fit-time column (model.feature_names_in_)"
    elif unexpected != [target]:
        message += ". Select the fit-time columns with X[model.feature_names_in_]"
    return message


def _shown(names: list[str], limit: int = 10) -> str:
    return str(names[:limit]) + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _string_names(columns: pd.Index) -> list[str]:
    """Column labels as str; duplicates (also those created by str(), e.g. 1 and "1") raise ValueError."""
    names = [str(column) for column in columns]
    duplicated = sorted(name for name, count in Counter(names).items() if count > 1)
    if duplicated:
        raise ValueError(f"X has duplicated column names: {duplicated}; column names must be unique")
    return names


def _check_overrides(feature_types: Any, names: list[str]) -> dict[str, FeatureType]:
    """``feature_types`` as ``{str name: type}``; unknown columns or type names raise ValueError."""
    if feature_types is None:
        return {}
    if isinstance(feature_types, dict):
        given = {str(column): kind for column, kind in feature_types.items()}
        unknown_columns = sorted(set(given) - set(names))
        if unknown_columns:
            raise ValueError(f"feature_types names unknown column(s) {unknown_columns}; X has columns "
                             f"{names[:20]}{'...' if len(names) > 20 else ''}")
    elif isinstance(feature_types, (list, tuple, np.ndarray)):
        if len(feature_types) != len(names):
            raise ValueError(f"feature_types has {len(feature_types)} entries but X has {len(names)} columns")
        given = dict(zip(names, feature_types))
    else:
        raise ValueError(f"feature_types must be None, a dict {{column: type}} or a list of types, got "
                         f"{type(feature_types).__name__}")
    unknown_types = sorted({repr(kind) for kind in given.values() if kind not in FEATURE_TYPES})
    if unknown_types:
        raise ValueError(f"feature_types holds unknown type(s) {', '.join(unknown_types)}; valid types: "
                         f"{list(FEATURE_TYPES)}")
    return given


def _of_type(types: dict[str, FeatureType], kind: str) -> tuple[str, ...]:
    return tuple(name for name, value in types.items() if value == kind)
