"""Student models: small, fast classifiers that learn from soft labels (a teacher's probabilities).

Each student is one self-contained scikit-learn classifier: its own input validation (the same canonical
frames as AutoClassifier, so it takes the user's raw DataFrames), its own light preprocessing, and one
model. It pickles alone: nothing refers to the teacher, the run store or the search.

What differs between families (encoding, model, how it learns soft labels) lives in one ``StudentFamily``
object per family (``autoclf.distillation.families``), looked up in ``STUDENTS``; this class only runs them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from autoclf.dataset.info import DatasetInfo
from autoclf.distillation.encode import FrameEncoder
from autoclf.distillation.families import (
    BOOSTING_CHUNK,
    FAMILIES,
    MIN_WEIGHT,
    STUDENTS,
    StudentFamily,
    expand_soft_labels,
    fit_boosting_within_budget,
    student_family,
)
from autoclf.soft_labels import check_soft_labels

logger = logging.getLogger(__name__)

# the families' names and helpers stay importable from here, where they lived before the families module
__all__ = ["BOOSTING_CHUNK", "FAMILIES", "MIN_WEIGHT", "STUDENTS", "StudentClassifier", "StudentFamily",
           "expand_soft_labels", "fit_boosting_within_budget", "make_encoder", "make_model", "student_family"]


class StudentClassifier(ClassifierMixin, BaseEstimator):
    """A distillation student: validation + preprocessing + one model of ``family``.

    Parameters
    ----------
    family : "hist_gb", "mlp", "tree", "logistic", or an unfitted scikit-learn classifier (trained on the
        one-hot / standardised features, with the weighted expansion when its ``fit`` takes sample_weight,
        else on the argmax of the soft labels).
    params : hyperparameters of the family's model (see ``make_model``).
    feature_types : as in AutoClassifier; distillation passes the teacher's types, so that the canonical
        frames it trains on (booleans as 0/1 floats) are read as the teacher read the user's data.
    random_state : seed of the model.
    """

    def __init__(self, family: Any = "hist_gb", params: Mapping[str, Any] | None = None,
                 feature_types: Any = None, random_state: int = 0) -> None:
        self.family = family
        self.params = params
        self.feature_types = feature_types
        self.random_state = random_state

    def fit(self, X: Any, y: Any, soft_labels: Any = None, sample_weight: Any = None) -> "StudentClassifier":
        """Fit on (X, y); with ``soft_labels`` (columns in ``classes_`` = sorted-``y`` order) learn those
        probabilities instead of the hard labels, which then only define the classes."""
        from autoclf.dataset.validator import InputValidator

        validator = InputValidator(feature_types=self.feature_types)
        canonical, codes = validator.fit_transform(X, y)
        n_classes = len(validator.classes_)
        targets = None if soft_labels is None else check_soft_labels(soft_labels, len(codes), n_classes)
        weight = np.ones(len(codes)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        family = student_family(self.family)
        encoder = family.encoder(validator.info_)
        Z = np.asarray(encoder.fit_transform(canonical), dtype=np.float64)
        model = family.build(self.family, dict(self.params or {}), encoder.categorical_mask(Z.shape[1]),
                             self.random_state)
        self.model_ = family.learn(model, Z, codes, targets, weight, n_classes)
        self.validator_, self.encoder_ = validator, encoder
        self.classes_ = validator.classes_
        self.n_features_in_ = validator.n_features_in_
        if validator.input_was_dataframe_:
            self.feature_names_in_ = np.asarray(validator.feature_names_in_, dtype=object)
        return self

    def encode(self, X: Any) -> np.ndarray:
        """The model's input for ``X``: validated, preprocessed, float64 (what ``to_onnx``'s graph computes
        from the raw columns before its model)."""
        check_is_fitted(self, "model_")
        upstream = getattr(self, "input_validator_", None)  # the teacher's, when it derived columns (datetimes)
        if upstream is not None:
            X = upstream.transform(X)
        values = self._plain_numeric(X)
        if values is not None:
            return self.encoder_.transform_numeric(values)
        return np.asarray(self.encoder_.transform(self.validator_.transform(X)), dtype=np.float64)

    def _plain_numeric(self, X: Any) -> np.ndarray | None:
        """X as float64 values when the validator would only copy it: every column numeric and a plain numpy
        int or float, with the names and order seen at fit (infinities become NaN, as the validator makes
        them). The validator's per-column work costs ~0.1 ms a column, which on wide data outweighs a small
        model's own work; anything else (None) takes the validator's path."""
        validator, encoder = self.validator_, self.encoder_
        if not isinstance(X, pd.DataFrame) or not len(X) or not validator.input_was_dataframe_ \
                or encoder.kept_ or encoder.text_ is not None:
            return None
        names = list(validator.feature_names_in_)
        if encoder.numeric_ != names or list(validator.feature_types_) != names \
                or set(validator.feature_types_.values()) != {"numeric"}:
            return None
        if [str(column) for column in X.columns] != names or \
                not all(isinstance(dtype, np.dtype) and (np.issubdtype(dtype, np.integer)
                                                         or np.issubdtype(dtype, np.floating)) for dtype in X.dtypes):
            return None
        values = X.to_numpy(dtype=np.float64)
        infinite = np.isinf(values)
        if infinite.any():
            values[infinite] = np.nan
            logger.warning("X holds +/-inf in column(s) %s: they are treated as missing values (NaN)",
                           [names[i] for i in np.flatnonzero(infinite.any(axis=0))])
        return values

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probabilities, one column per class in ``classes_`` order."""
        return self._proba_of_encoded(self.encode(X))

    def predict(self, X: Any) -> np.ndarray:
        return self.validator_.decode_target(np.argmax(self.predict_proba(X), axis=1))

    def to_onnx(self, path: Any = None) -> bytes:
        """This student as one ONNX model, from the raw columns (one input per column) to ``label`` and
        ``probabilities``; written to ``path`` if given. Needs ``autoclf[onnx]``; see docs/onnx.md."""
        from autoclf.distillation.onnx import to_onnx

        return to_onnx(self, path)

    def _proba_of_encoded(self, Z: np.ndarray) -> np.ndarray:
        proba = student_family(self.family).raw_proba(self.model_, Z, len(self.classes_))
        totals = proba.sum(axis=1, keepdims=True)
        totals[totals <= 0] = 1.0
        return proba / totals

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        return tags


def make_encoder(family: Any, info: DatasetInfo) -> FrameEncoder:
    """The unfitted preprocessing of ``family`` (see ``StudentFamily``)."""
    return student_family(family).encoder(info)


def make_model(family: Any, params: dict[str, Any], categorical: np.ndarray, seed: int) -> Any:
    """The unfitted model of ``family`` with ``params`` laid over the student defaults."""
    return student_family(family).build(family, params, categorical, seed)
