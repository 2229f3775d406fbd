"""Free-text columns as TF-IDF features, so names and descriptions can inform the classifier."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted


class TextEncoder(TransformerMixin, BaseEstimator):
    """One TfidfVectorizer per column (missing -> ""), outputs concatenated as a dense float64 array.

    A column without any usable token contributes one zero column, so the width never depends on luck.
    """

    def __init__(self, max_features: int = 200, ngram_range: tuple[int, int] = (1, 1), min_df: int = 1) -> None:
        self.max_features = max_features
        self.ngram_range = ngram_range
        self.min_df = min_df

    def fit(self, X: Any, y: Any = None) -> "TextEncoder":
        frame = _as_frame(X)
        self.n_features_in_ = frame.shape[1]
        if isinstance(X, pd.DataFrame):
            self.feature_names_in_ = np.asarray([str(c) for c in X.columns], dtype=object)
        self.vectorizers_: list[TfidfVectorizer | None] = []
        for j in range(frame.shape[1]):
            vectorizer = TfidfVectorizer(
                max_features=self.max_features,
                ngram_range=self.ngram_range,
                min_df=self.min_df,
                sublinear_tf=True,
                dtype=np.float64,
            )
            try:
                vectorizer.fit(_column_text(frame.iloc[:, j]))
            except ValueError:  # empty vocabulary: every value missing or without a token
                vectorizer = None
            self.vectorizers_.append(vectorizer)
        return self

    def transform(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        frame = _as_frame(X)
        if frame.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {frame.shape[1]} text columns, TextEncoder was fitted on {self.n_features_in_}")
        blocks = []
        for j, vectorizer in enumerate(self.vectorizers_):
            if vectorizer is None:
                blocks.append(np.zeros((frame.shape[0], 1)))
            else:
                blocks.append(vectorizer.transform(_column_text(frame.iloc[:, j])).toarray())
        return np.hstack(blocks).astype(np.float64, copy=False)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        check_is_fitted(self)
        names = getattr(self, "feature_names_in_", [f"x{j}" for j in range(self.n_features_in_)])
        out: list[str] = []
        for column, vectorizer in zip(names, self.vectorizers_):
            if vectorizer is None:
                out.append(f"{column}__empty")
            else:
                out.extend(f"{column}__{term}" for term in vectorizer.get_feature_names_out())
        return np.asarray(out, dtype=object)


def _as_frame(X: Any) -> pd.DataFrame:
    if isinstance(X, pd.DataFrame):
        return X
    if isinstance(X, pd.Series):
        return X.to_frame()
    values = np.asarray(X, dtype=object)
    return pd.DataFrame(values.reshape(-1, 1) if values.ndim == 1 else values)


def _column_text(column: pd.Series) -> list[str]:
    values = column.astype(object)
    return ["" if pd.isna(v) else str(v) for v in values]
