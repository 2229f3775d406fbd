"""Shared plumbing for margin classifiers without probabilities: sigmoid calibration, quiet fits."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

#: folds of the sigmoid calibration; fewer when the rarest class has fewer rows
CALIBRATION_FOLDS = 3


@contextmanager
def quiet_convergence() -> Iterator[None]:
    """Silence ConvergenceWarning: an unconverged fit is still a valid trial, scored like any other."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def softmax_proba(scores: np.ndarray) -> np.ndarray:
    """Probabilities from decision_function scores: sigmoid for one column (binary), softmax otherwise."""
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim == 1:
        scores = np.column_stack([-scores, scores]) / 2.0
    scores = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(scores)
    return exp / exp.sum(axis=1, keepdims=True)


class CalibratedClassifier(ClassifierMixin, BaseEstimator):
    """Fits ``_make_estimator()`` and gives it probabilities.

    Models with their own ``predict_proba`` (``_has_own_proba``) are used as they are; the others are
    wrapped in ``CalibratedClassifierCV(method="sigmoid")`` over stratified folds, or, when the rarest
    class has a single row, fitted once and turned into probabilities by a softmax of their scores.
    ``predict`` is the argmax of ``predict_proba`` so the two always agree.
    """

    random_state: int | None

    def _make_estimator(self) -> Any:
        raise NotImplementedError

    def _has_own_proba(self) -> bool:
        return False

    def fit(self, X: Any, y: Any, sample_weight: np.ndarray | None = None) -> CalibratedClassifier:
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self.classes_, codes = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(f"{type(self).__name__} needs samples of at least 2 classes; got one class")
        fit_params = {} if sample_weight is None else {"sample_weight": sample_weight}
        base = self._make_estimator()
        folds = min(CALIBRATION_FOLDS, int(np.bincount(codes).min()))
        with quiet_convergence():
            if self._has_own_proba() or folds < 2:
                self.estimator_ = base.fit(X, codes, **fit_params)
            else:
                cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=self.random_state)
                calibrated = CalibratedClassifierCV(base, method="sigmoid", cv=cv)
                self.estimator_ = calibrated.fit(X, codes, **fit_params)
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        if hasattr(self.estimator_, "predict_proba"):
            return self.estimator_.predict_proba(X)
        return softmax_proba(self.estimator_.decision_function(X))

    def predict(self, X: Any) -> np.ndarray:
        proba = self.predict_proba(X)  # checks that the model is fitted
        return self.classes_[np.argmax(proba, axis=1)]
