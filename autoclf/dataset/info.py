"""What the search space may know about the data: shape, feature types and classes, no values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FeatureType = Literal["numeric", "categorical", "boolean", "text"]
"""A column's feature type, as ``AutoClassifier(feature_types=...)`` takes it."""
FEATURE_TYPES: tuple[str, ...] = ("numeric", "categorical", "boolean", "text")
"""The feature types, as a tuple."""


@dataclass(frozen=True)
class DatasetInfo:
    """Summary of a validated training set.

    Components read it to shape their hyperparameter spaces (e.g. k of k-NN below the row count) and to
    say whether they apply at all; it holds no data, so it is cheap to send to worker processes.
    """

    n_rows: int
    n_classes: int
    class_counts: tuple[int, ...]
    numeric_columns: tuple[str, ...] = ()
    categorical_columns: tuple[str, ...] = ()
    boolean_columns: tuple[str, ...] = ()
    text_columns: tuple[str, ...] = ()
    has_missing: bool = False

    @property
    def n_features(self) -> int:
        """Columns of all feature types together."""
        return (
            len(self.numeric_columns)
            + len(self.categorical_columns)
            + len(self.boolean_columns)
            + len(self.text_columns)
        )

    @property
    def is_binary(self) -> bool:
        """Two classes."""
        return self.n_classes == 2

    @property
    def min_class_count(self) -> int:
        """Rows of the rarest class."""
        return min(self.class_counts)
