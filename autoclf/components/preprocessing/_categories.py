"""Shared input handling for the encoders: missing becomes its own category, every value a string."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

#: the category that stands for a missing value (missing is often informative)
MISSING = "__missing__"


def as_category_strings(X: Any) -> np.ndarray:
    """A 2-D object array of str, with np.nan/None/pd.NA replaced by ``MISSING``.

    Casting to str makes mixed or numeric columns sortable by OneHotEncoder/OrdinalEncoder.
    """
    if isinstance(X, pd.DataFrame):
        values = X.astype(object).to_numpy(dtype=object, copy=True)
    else:
        values = np.array(X, dtype=object, copy=True)
        if values.ndim == 1:
            values = values.reshape(-1, 1)
    missing = pd.isna(values)
    values[missing] = MISSING
    return values.astype(str).astype(object)


def encoder_tags(tags: Any) -> Any:
    """Encoders take strings and categories, and missing values are a category of their own."""
    tags.input_tags.string = True
    tags.input_tags.categorical = True
    tags.input_tags.allow_nan = True
    return tags
