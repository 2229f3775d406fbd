"""Stacking: a level-2 model trained on the level-1 members' out-of-fold probabilities.

Why: greedy selection can only average; a level-2 model can also learn that one member is
over-confident, or that two members agree only on some classes. Out-of-fold probabilities (k-fold
resampling) give the level-2 model one honest prediction per training row, so it learns how members
behave on unseen data, as in AutoGluon's stack levels. Under holdout it is "blending": the level-2 model
learns from the holdout rows only.

The level-2 input is the members' log-probabilities (binary: the positive class's log-odds), which a
regularised logistic regression combines far better than raw probabilities; optionally the original
numeric features are passed through (imputed, standardised). The regularisation strength is chosen by
an inner cross-validation on the level-2 rows, which also estimates the stack's held-out loss. Row weights
(``fit``'s ``sample_weight``) weight that loss and the level-2 model's training.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.compose import make_column_transformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted, has_fit_parameter
from threadpoolctl import threadpool_limits

from autoclf.metrics import Metric
from autoclf.probabilities import pad_probabilities

logger = logging.getLogger(__name__)

#: inverse regularisation strengths tried for the default level-2 logistic regression
C_GRID = (0.01, 0.1, 1.0)
INNER_FOLDS = 5
#: level-2 inputs are log-probabilities clipped here: a member's certainty beyond it says nothing more, and
#: unbounded logs (down to log 1e-15) make lbfgs crawl (1000 iterations instead of ~60)
FEATURE_EPS = 1e-6


def level2_features(probabilities: Sequence[np.ndarray]) -> np.ndarray:
    """Clipped log-probabilities of every member side by side; binary problems keep the log-odds only."""
    blocks = []
    for proba in probabilities:
        logs = np.log(np.clip(np.asarray(proba, dtype=np.float64), FEATURE_EPS, 1.0))
        blocks.append(logs[:, 1:2] - logs[:, 0:1] if logs.shape[1] == 2 else logs)
    return np.hstack(blocks)


class StackingEnsemble(ClassifierMixin, BaseEstimator):
    """Fitted level-1 ``estimators`` + a level-2 model fitted on their out-of-fold probabilities.

    ``fit(X, y, oof_predictions=...)``: ``oof_predictions`` holds one (n_rows, n_classes) matrix per member,
    aligned with ``y`` (and with ``X``, which is only read when ``passthrough`` is True).
    ``final_estimator`` None: standardised inputs into a logistic regression with C chosen from ``C_GRID``
    by inner CV. Level-2 fits run on one BLAS thread (small problems: threads only add contention).
    """

    def __init__(self, estimators: Sequence[Any] = (), n_classes: int = 2, final_estimator: Any = None,
                 passthrough: bool = False, names: Sequence[str] | None = None, metric: Metric | None = None,
                 seed: int = 0):
        self.estimators = estimators
        self.n_classes = n_classes
        self.final_estimator = final_estimator
        self.passthrough = passthrough
        self.names = names
        self.metric = metric
        self.seed = seed

    def fit(self, X, y, oof_predictions: Sequence[np.ndarray] = (), deadline: float | None = None,
            sample_weight: np.ndarray | None = None) -> "StackingEnsemble":
        """Fit the level-2 model. ``deadline`` (a time.perf_counter() value): try no further C value once the
        next one's inner CV would end past it, so a fit at the end of a budget stays on the clock.
        ``sample_weight``: row weights for the inner CV's loss and the level-2 model (where it takes them)."""
        y = np.asarray(y)
        weights = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        if len(oof_predictions) != len(self.estimators) or not len(self.estimators):
            raise ValueError("need one out-of-fold prediction matrix per member and at least one member")
        self.passthrough_ = _numeric_passthrough(X).fit(X) if self.passthrough else None
        level1 = level2_features(oof_predictions)
        # the level-2 model never extrapolates: at predict time its inputs are clipped to the range seen here
        self.feature_min_, self.feature_max_ = level1.min(axis=0), level1.max(axis=0)
        features = self._features(level1, X)
        candidates = [clone(self.final_estimator)] if self.final_estimator is not None else [
            make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=1000)) for c in C_GRID]
        best_loss, best_model = np.inf, candidates[0]
        with threadpool_limits(limits=1), warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            for index, candidate in enumerate(candidates):
                started = time.perf_counter()
                loss = self._inner_cv_loss(candidate, features, y, weights)
                if loss < best_loss:
                    best_loss, best_model = loss, candidate
                late = deadline is not None and time.perf_counter() + 1.5 * (time.perf_counter() - started) > deadline
                if late and index + 1 < len(candidates):
                    logger.info("stacking: no time for more regularisation strengths after C #%d", index + 1)
                    break
            self.final_estimator_ = clone(best_model).fit(features, y, **_weight_params(best_model, weights))
        self.estimators_ = list(self.estimators)
        self.names_ = [str(n) for n in self.names] if self.names is not None else [
            f"member {i}" for i in range(len(self.estimators))]
        self.validation_loss_ = best_loss
        self.classes_ = np.arange(self.n_classes)
        return self

    def replace_members(self, estimators: Sequence[Any]) -> "StackingEnsemble":
        """Swap in the fitted level-1 models (refit or fold-averaged) after the level-2 fit.

        Why this exists: the level-2 model needs only stored predictions, so it is fitted before the
        members are refit or loaded, and the clock left for refits is known when they start.
        """
        check_is_fitted(self, "final_estimator_")
        if len(estimators) != len(self.estimators_):
            raise ValueError(f"need {len(self.estimators_)} members, got {len(estimators)}")
        self.estimators = list(estimators)
        self.estimators_ = list(estimators)
        return self

    def _inner_cv_loss(self, model: Any, features: np.ndarray, y: np.ndarray,
                       weights: np.ndarray | None = None) -> float:
        """The metric's loss of ``model``'s inner out-of-fold predictions (how the stack does on new rows)."""
        if self.metric is None:
            return 0.0
        n_splits = int(min(INNER_FOLDS, np.bincount(y).max()))
        cv = StratifiedKFold(n_splits=max(n_splits, 2), shuffle=True, random_state=self.seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # rare classes missing from inner folds, convergence
            inner = cross_val_predict(model, features, y, cv=cv, method="predict_proba",
                                      params=_weight_params(model, weights))
        # cross_val_predict's columns are the classes of y, sorted
        return float(self.metric.loss(y, pad_probabilities(inner, np.unique(y), self.n_classes), weights))

    def _features(self, level1: np.ndarray, X) -> np.ndarray:
        if self.passthrough_ is None:
            return level1
        return np.hstack([level1, self.passthrough_.transform(X)])

    def predict_proba(self, X) -> np.ndarray:
        """The level-2 model's probabilities for canonical X (``validator_.transform(X)``)."""
        check_is_fitted(self, "final_estimator_")
        level1 = []
        for estimator in self.estimators_:
            proba = np.asarray(estimator.predict_proba(X), dtype=np.float64)
            level1.append(pad_probabilities(proba, estimator.classes_, self.n_classes))
        return self.combine(level1, X)

    def combine(self, level1: Sequence[np.ndarray], X=None, clip: bool = True) -> np.ndarray:
        """The level-2 model's probabilities from the members' probabilities (one matrix per member).

        Why clip: members refit on all rows (or averaged over folds) can be more confident than the fold
        models the level-2 model learned from; unclipped, a log-probability far outside the training range
        becomes a huge standardised input and one member can dominate every prediction (measured: test log
        loss 8.2 instead of 0.19 on segment, see experiments/ensembles.py). ``clip=False`` only for that measurement.
        """
        check_is_fitted(self, "final_estimator_")
        features = level2_features(level1)
        if clip:
            features = np.clip(features, self.feature_min_, self.feature_max_)
        proba = self.final_estimator_.predict_proba(self._features(features, X))
        return pad_probabilities(proba, self.final_estimator_.classes_, self.n_classes)

    def predict(self, X) -> np.ndarray:
        """The most probable class code of each row of canonical X."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def member_weights(self) -> np.ndarray:
        """Each member's share of the level-2 model's absolute coefficients (sums to 1): its influence."""
        check_is_fitted(self, "final_estimator_")
        final = self.final_estimator_[-1] if hasattr(self.final_estimator_, "steps") else self.final_estimator_
        coef = np.abs(np.atleast_2d(getattr(final, "coef_", np.ones((1, 1)))))
        width = 1 if self.n_classes == 2 else self.n_classes
        n = len(self.estimators_)
        if coef.shape[1] < n * width:
            return np.full(n, 1.0 / n)
        shares = np.array([coef[:, i * width:(i + 1) * width].sum() for i in range(n)])
        return shares / shares.sum() if shares.sum() > 0 else np.full(n, 1.0 / n)

    def describe(self) -> str:
        """The level-2 model, then one line per member by its share of the coefficients, largest first."""
        weights = self.member_weights()
        order = np.argsort(-weights, kind="stable")
        final = self.final_estimator_[-1] if hasattr(self.final_estimator_, "steps") else self.final_estimator_
        lines = [f"stacking: {type(final).__name__} over {len(self.estimators_)} members "
                 f"(share of |coefficients|):"]
        from autoclf.ensembles.weighted import _short

        lines += [f"{weights[i]:.3f}  {self.names_[i]}: {_short(self.estimators_[i])}" for i in order]
        return "\n".join(lines)


def _weight_params(model: Any, weights: np.ndarray | None) -> dict[str, Any]:
    """``fit``'s keyword for row weights: the final step's for a pipeline; none where the model takes none."""
    if weights is None:
        return {}
    if hasattr(model, "steps"):
        name, final = model.steps[-1]
        return {f"{name}__sample_weight": weights} if has_fit_parameter(final, "sample_weight") else {}
    return {"sample_weight": weights} if has_fit_parameter(model, "sample_weight") else {}


def _numeric_passthrough(X: pd.DataFrame):
    """Median-imputed, standardised numeric columns of the canonical frame (categoricals are left out)."""
    numeric = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c])]
    return make_column_transformer((make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
                                   remainder="drop")
