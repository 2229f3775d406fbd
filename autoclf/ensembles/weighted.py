"""A classifier that averages its members' probabilities by weight (fold models, selected ensembles)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted


class WeightedEnsemble(ClassifierMixin, BaseEstimator):
    """Weighted average of already fitted members' ``predict_proba``; members of weight 0 are dropped.

    Members may have seen only some of the classes (a fold without a rare class): their probabilities are
    placed in the columns of the classes they know, out of ``n_classes`` integer-coded classes.
    """

    def __init__(self, estimators: Sequence[object] = (), weights: Sequence[float] | None = None, n_classes: int = 2):
        self.estimators = estimators
        self.weights = weights
        self.n_classes = n_classes

    def fit(self, X=None, y=None) -> "WeightedEnsemble":
        """Members are fitted already; this keeps those with weight > 0 and normalises the weights."""
        weights = np.ones(len(self.estimators)) if self.weights is None else np.asarray(self.weights, float)
        if len(weights) != len(self.estimators) or len(weights) == 0:
            raise ValueError("need one weight per member and at least one member")
        if np.any(weights < 0) or weights.sum() <= 0:
            raise ValueError("weights must be non-negative with a positive sum")
        keep = np.flatnonzero(weights > 0)
        self.estimators_ = [self.estimators[i] for i in keep]
        self.weights_ = weights[keep] / weights[keep].sum()
        self.classes_ = np.arange(self.n_classes)
        return self

    def predict_proba(self, X) -> np.ndarray:
        check_is_fitted(self, "estimators_")
        total = None
        for weight, estimator in zip(self.weights_, self.estimators_):
            proba = np.asarray(estimator.predict_proba(X), dtype=np.float64)
            full = np.zeros((proba.shape[0], self.n_classes))
            full[:, np.asarray(estimator.classes_, dtype=int)] = proba
            total = weight * full if total is None else total + weight * full
        return total

    def predict(self, X) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
