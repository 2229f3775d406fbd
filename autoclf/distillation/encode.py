"""The students' preprocessing: canonical frame -> float64 matrix in a few vectorised numpy steps.

A student exists to be fast, and at small batches the fixed cost of a ColumnTransformer of scikit-learn
encoders (input validation, string casts per step: ~25 ms per call) outweighs a small model's own work.
This encoder does the same job - median imputation, standardisation, ordinal or one-hot categories with
rare values grouped - with one pandas hash lookup per categorical column and no per-call validation.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from autoclf.dataset.info import DatasetInfo


class FrameEncoder(TransformerMixin, BaseEstimator):
    """Numerics (numeric and boolean columns), then categoricals, then TF-IDF of text columns.

    Parameters
    ----------
    info : the columns and their types (from the student's InputValidator).
    Missing categorical values (NaN in a canonical frame) are a category of their own when frequent enough.
    categories : "ordinal" (one code column per feature; rare and unseen values share the code after the
        kept ones, or -1 - missing for boosting - when nothing was rare) or "onehot" (one column per kept
        category plus one for rare and unseen values when there were rare ones).
    impute : replace missing numerics by the training median (boosting handles NaN itself).
    scale : standardise numerics (linear models, networks).
    min_frequency : categories in fewer than this share of rows are grouped as rare.
    max_categories : at most this many categories kept per column (the most frequent).
    """

    def __init__(self, info: DatasetInfo, categories: str = "ordinal", impute: bool = True, scale: bool = False,
                 min_frequency: float = 0.01, max_categories: int = 100) -> None:
        self.info = info
        self.categories = categories
        self.impute = impute
        self.scale = scale
        self.min_frequency = min_frequency
        self.max_categories = max_categories

    def fit(self, frame: pd.DataFrame, y: Any = None) -> "FrameEncoder":
        if self.categories not in ("ordinal", "onehot"):
            raise ValueError(f"categories must be 'ordinal' or 'onehot', got {self.categories!r}")
        info = self.info
        self.numeric_ = list(info.numeric_columns) + list(info.boolean_columns)
        values = frame[self.numeric_].to_numpy(dtype=np.float64) if self.numeric_ else np.zeros((len(frame), 0))
        with np.errstate(all="ignore"):
            finite = np.where(np.isfinite(values), values, np.nan)
            median = np.nan_to_num(np.nanmedian(finite, axis=0)) if len(frame) else np.zeros(values.shape[1])
            filled = np.where(np.isnan(finite), median, finite)
            mean, std = filled.mean(axis=0), filled.std(axis=0)
        self.median_ = median
        self.mean_ = np.where(np.isfinite(mean), mean, 0.0) if self.scale else np.zeros(len(median))
        self.scale_ = np.where(np.isfinite(std) & (std > 1e-12), std, 1.0) if self.scale else np.ones(len(median))
        self.kept_: dict[str, dict[str, int]] = {}
        self.missing_code_: dict[str, int] = {}
        self.has_other_: dict[str, bool] = {}
        for name in info.categorical_columns:
            counts = pd.Series(frame[name].to_numpy(dtype=object)).value_counts(dropna=False)
            frequent = counts[counts >= max(self.min_frequency * len(frame), 1)].index[: self.max_categories]
            self.kept_[name] = {value: code for code, value in enumerate(frequent) if not pd.isna(value)}
            self.missing_code_[name] = next((code for code, value in enumerate(frequent) if pd.isna(value)), -1)
            self.has_other_[name] = len(frequent) < len(counts)
        self.text_ = None
        if info.text_columns:
            from autoclf.components.preprocessing.text import TextEncoder

            self.text_ = TextEncoder(max_features=50).fit(frame[list(info.text_columns)])
        return self

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        check_is_fitted(self, "median_")
        blocks = []
        if self.numeric_:
            values = frame[self.numeric_].to_numpy(dtype=np.float64)
            if self.impute:
                values = np.where(np.isnan(values), self.median_, values)
            blocks.append((values - self.mean_) / self.scale_)
        for name, kept in self.kept_.items():
            values = frame[name].to_numpy(dtype=object)
            codes = np.fromiter((kept.get(value, -1) for value in values), dtype=np.int64, count=len(values))
            codes[pd.isna(values)] = self.missing_code_[name]
            n_kept = len(kept) + int(self.missing_code_[name] >= 0)
            other = n_kept if self.has_other_[name] else -1
            codes = np.where(codes < 0, other, codes)
            if self.categories == "ordinal":
                blocks.append(codes[:, None].astype(np.float64))
            else:
                width = n_kept + int(self.has_other_[name])
                onehot = np.zeros((len(codes), max(width, 1)))
                known = codes >= 0
                onehot[np.flatnonzero(known), codes[known]] = 1.0
                blocks.append(onehot)
        if self.text_ is not None:
            blocks.append(self.text_.transform(frame[list(self.info.text_columns)]))
        return np.hstack(blocks) if blocks else np.zeros((len(frame), 0))

    def transform_numeric(self, values: np.ndarray) -> np.ndarray:
        """``transform`` of a frame of numeric columns only, given as its float64 values in ``numeric_``
        order (missing as NaN): what the student's fast path for plain numeric frames calls.

        Parameters
        ----------
        values : (n_rows, len(numeric_)) float64 values.

        Returns
        -------
        numpy.ndarray
            The same matrix ``transform`` gives for the frame of those values.
        """
        check_is_fitted(self, "median_")
        if self.kept_ or self.text_ is not None or values.shape[1] != len(self.numeric_):
            raise ValueError("transform_numeric takes the numeric columns of an encoder that has nothing else")
        if self.impute:
            values = np.where(np.isnan(values), self.median_, values)
        return (values - self.mean_) / self.scale_

    def categorical_mask(self, n_columns: int) -> np.ndarray:
        """Which output columns are ordinal category codes (for HistGradientBoosting's categorical splits)."""
        mask = np.zeros(n_columns, dtype=bool)
        if self.categories == "ordinal":
            mask[len(self.numeric_) : len(self.numeric_) + len(self.kept_)] = True
        return mask
