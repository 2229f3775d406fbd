"""A classifier that averages its members' probabilities by weight (fold models, selected ensembles)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from autoclf.probabilities import pad_probabilities


class WeightedEnsemble(ClassifierMixin, BaseEstimator):
    """Weighted average of already fitted members' ``predict_proba``; members of weight 0 are dropped.

    Members may have seen only some of the classes (a fold without a rare class): their probabilities are
    placed in the columns of the classes they know, out of ``n_classes`` integer-coded classes. A member
    may itself be a ``WeightedEnsemble`` (a trial's averaged fold models).

    Why drop zero weights in ``fit`` *and* in the pickle: greedy selection gives most candidates weight 0,
    and a served model should not carry (or load from disk) dozens of unused pipelines. ``fit`` keeps the
    members with weight > 0 in ``estimators_``, and pickling stores only those (``estimators`` is
    rewritten to the kept members on pickling, so a loaded ensemble is already pruned).

    ``names`` labels the members (e.g. "trial 7") for ``show_models``.
    """

    def __init__(self, estimators: Sequence[Any] = (), weights: Sequence[float] | None = None,
                 n_classes: int = 2, names: Sequence[str] | None = None):
        self.estimators = estimators
        self.weights = weights
        self.n_classes = n_classes
        self.names = names

    def fit(self, X=None, y=None) -> "WeightedEnsemble":
        """Members are fitted already; this keeps those with weight > 0 and normalises the weights."""
        weights = np.ones(len(self.estimators)) if self.weights is None else np.asarray(self.weights, float)
        if len(weights) != len(self.estimators) or len(weights) == 0:
            raise ValueError("need one weight per member and at least one member")
        if np.any(weights < 0) or not np.all(np.isfinite(weights)) or weights.sum() <= 0:
            raise ValueError("weights must be finite and non-negative with a positive sum")
        if self.names is not None and len(self.names) != len(self.estimators):
            raise ValueError("need one name per member")
        keep = np.flatnonzero(weights > 0)
        self.estimators_ = [self.estimators[int(i)] for i in keep]
        self.weights_ = weights[keep] / weights[keep].sum()
        names = self.names if self.names is not None else [f"member {i}" for i in range(len(weights))]
        self.names_ = [str(names[int(i)]) for i in keep]
        self.classes_ = np.arange(self.n_classes)
        return self

    def predict_proba(self, X) -> np.ndarray:
        """The weighted average of the members' probabilities for canonical X (``validator_.transform(X)``)."""
        check_is_fitted(self, "estimators_")
        total = np.zeros((_n_rows(X), self.n_classes))
        for weight, estimator in zip(self.weights_, self.estimators_):
            proba = np.asarray(estimator.predict_proba(X), dtype=np.float64)
            total += weight * pad_probabilities(proba, estimator.classes_, self.n_classes)
        return total

    def predict(self, X) -> np.ndarray:
        """The most probable class code of each row of canonical X."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def describe(self) -> str:
        """One line per member, heaviest first: weight, name, and the member's final estimator."""
        check_is_fitted(self, "estimators_")
        order = np.argsort(-self.weights_, kind="stable")
        return "\n".join(f"{self.weights_[i]:.3f}  {self.names_[i]}: {_short(self.estimators_[i])}" for i in order)

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        if "estimators_" in state:  # fitted: store only the kept members (params rewritten to match)
            state["estimators"] = list(state["estimators_"])
            state["weights"] = list(state["weights_"])
            state["names"] = list(state["names_"])
        return state


def _n_rows(X) -> int:
    return X.shape[0] if hasattr(X, "shape") else len(X)


def _short(estimator: object) -> str:
    """The final step's class name of a pipeline (or of a fold average's first member)."""
    if isinstance(estimator, WeightedEnsemble):
        inner = estimator.estimators_[0] if hasattr(estimator, "estimators_") else None
        return f"average of {len(getattr(estimator, 'estimators_', []))} fold models of {_short(inner)}"
    steps = getattr(estimator, "steps", None)
    final = steps[-1][1] if steps else estimator
    return type(final).__name__
