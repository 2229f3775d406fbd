"""What the LightGBM, XGBoost and CatBoost components share: the early-stopping split, the trial's clock,
native categorical columns, one thread, and the scikit-learn contract around a third-party booster.

Each library module says only how to build, train and query its booster (``_train``, ``_proba``); this
base does the rest the same way for all three, so their trials are comparable:

* early stopping on a stratified ``VALIDATION_FRACTION`` of the trial's own training rows (never its
  held-out rows), ``early_stopping_rounds`` rounds of patience, the best iteration kept (``best_iteration_``);
  data too small for that split trains every round instead;
* the trial's deadline (``autoclf.budget.seconds_left``) stops boosting cleanly, keeping the best
  iteration so far, instead of the worker killing the trial;
* ``categorical_features``: column indices of ordinal codes (the pipeline sets them when categoricals
  reach the classifier unchanged), split on natively; codes < 0 (unseen, rare) count as missing;
  LightGBM and XGBoost search ``native_categorical``: False splits on the codes as numbers instead, which
  keeps their order (kropt at 8 s: log loss 0.38 as numbers against 0.58 native with LightGBM);
* the libraries are imported inside ``fit``: ``import autoclf`` and a trial of another model never pay
  for them.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import time
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from autoclf.budget import seconds_left
from autoclf.components.base import Component
from autoclf.dataset.info import DatasetInfo
from autoclf.stratified import stratified_holdout

logger = logging.getLogger(__name__)
#: libraries already reported missing in this process
_said_missing: set[str] = set()

#: share of the training rows held out for early stopping (LightGBM's and AutoGluon's habit: 10 %)
VALIDATION_FRACTION = 0.1
#: early stopping needs this many validation rows at least; smaller data trains every round
MIN_VALIDATION_ROWS = 10
#: stop when fewer seconds are left than this many rounds' time ...
ROUNDS_OF_SAFETY = 3
#: ... plus this share of the boosting time so far: the trial then predicts its held-out rows with every
#: tree (kropt, 18 classes: 280 rounds fit in 5.4 s, predicting 9 000 held-out rows took 2.7 s more, and
#: the trial was killed at its limit with nothing)
PREDICT_SHARE = 0.5


def library_installed(module: str) -> bool:
    """Whether a boosting library can be imported, without importing it (that costs up to a second)."""
    return importlib.util.find_spec(module) is not None


class DeadlineGuard:
    """Tells a boosting loop to stop when the trial's deadline is closer than a few rounds' time plus the time
    predicting with the trees so far will take.

    A round's time is measured from the first round's end on: the first round also pays the library's
    set-up (binning, CatBoost's target statistics), which would otherwise stop a short fit after one round.
    """

    def __init__(self) -> None:
        self.first_round_end: float | None = None
        self.rounds = 0
        self.stopped_by_deadline = False

    def should_stop(self) -> bool:
        now = time.perf_counter()
        self.rounds += 1
        left = seconds_left()
        if self.first_round_end is None:
            self.first_round_end = now
            per_round, boosted = 0.0, 0.0
        else:
            boosted = now - self.first_round_end
            per_round = boosted / (self.rounds - 1)
        if left < ROUNDS_OF_SAFETY * per_round + PREDICT_SHARE * boosted or left <= 0:
            self.stopped_by_deadline = True
            return True
        return False


class BoostingComponent(Component, ClassifierMixin, BaseEstimator):
    """Base of the boosting-library components; subclasses declare ``__init__``, ``_train`` and ``_proba``."""

    slot = "classifier"
    fidelity_parameter = "n_estimators"
    supports_sample_weight = True
    # native categorical splits on ordinal codes; trees need no scaling
    preferred_preprocessing = {"encoding": "ordinal", "scaling": "no_scaling"}
    #: the module that must import for the component to be offered (e.g. "lightgbm")
    library: ClassVar[str]

    n_estimators: int
    early_stopping_rounds: int
    categorical_features: Sequence[int] | None
    random_state: int | None
    booster_: Any  # the library's booster once fitted; None with one class (predict_proba never calls _proba)

    @classmethod
    def not_applicable_reason(cls, info: DatasetInfo) -> str | None:
        if library_installed(cls.library):
            return None
        reason = f"{cls.library} is not installed (pip install 'autoclf[boosting]')"
        if cls.library not in _said_missing:  # one info line per process, not one per fit
            _said_missing.add(cls.library)
            logger.info("%s left out of the search space: %s", cls.name, reason)
        return reason

    # ---- the library's part ------------------------------------------------------------------------
    def _train(self, X: np.ndarray, y: np.ndarray, weight: np.ndarray | None, valid: tuple | None,
               categorical: list[int], guard: DeadlineGuard) -> tuple[Any, int]:
        """Train the booster on (X, y), early stopping on ``valid`` = (X, y, weight) when given; return the
        booster and the number of rounds to predict with."""
        raise NotImplementedError

    def _proba(self, X: np.ndarray) -> np.ndarray:
        """Probabilities of the fitted booster, one column per class (binary: two columns)."""
        raise NotImplementedError

    # ---- scikit-learn API --------------------------------------------------------------------------
    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> BoostingComponent:
        X, y = validate_data(self, X, y, dtype=np.float64, ensure_all_finite="allow-nan")
        check_classification_targets(y)
        self.classes_, codes = np.unique(y, return_inverse=True)
        weight = _checked_weights(sample_weight, len(y))
        if len(self.classes_) == 1:  # one class: nothing to boost, the probability is 1
            self.booster_, self.best_iteration_, self.stopped_by_deadline_ = None, 0, False
            return self
        categorical = self._categorical_columns(X.shape[1])
        X = _negative_codes_as_missing(X, categorical)
        train, valid = self._early_stopping_split(codes)
        validation = None
        if valid is not None:
            validation = (X[valid], codes[valid], None if weight is None else weight[valid])
            X, codes, weight = X[train], codes[train], None if weight is None else weight[train]
        guard = DeadlineGuard()
        self.booster_, self.best_iteration_ = self._train(X, codes, weight, validation, categorical, guard)
        self.stopped_by_deadline_ = guard.stopped_by_deadline
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "classes_")
        X = validate_data(self, X, dtype=np.float64, ensure_all_finite="allow-nan", reset=False)
        if self.booster_ is None:
            return np.ones((X.shape[0], 1))
        X = _negative_codes_as_missing(X, self._categorical_columns(X.shape[1]))
        proba = np.asarray(self._proba(X), dtype=np.float64)
        if proba.ndim == 1:
            proba = np.column_stack([1.0 - proba, proba])
        proba = np.clip(proba, 0.0, None)
        return proba / proba.sum(axis=1, keepdims=True)

    def predict(self, X: Any) -> np.ndarray:
        proba = self.predict_proba(X)  # checks fitted first
        return self.classes_[np.argmax(proba, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # missing values go down the learned default branch
        return tags

    # ---- shared helpers ----------------------------------------------------------------------------
    def _categorical_columns(self, n_features: int) -> list[int]:
        """The columns split on as categories; none when ``native_categorical`` is False (the codes are then
        numbers, whose order the trees use: chess files and ranks in kropt, sizes, grades)."""
        columns = sorted({int(i) for i in (self.categorical_features or ())})
        if columns and (columns[0] < 0 or columns[-1] >= n_features):
            raise ValueError(f"categorical_features must be column indices in [0, {n_features}), got {columns}")
        return columns if getattr(self, "native_categorical", True) else []

    def _early_stopping_split(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Stratified train/validation rows for early stopping, or (all rows, None) when data is too small."""
        rows = np.arange(len(codes))
        counts = np.bincount(codes)
        n_valid = math.ceil(VALIDATION_FRACTION * len(codes))
        if self.early_stopping_rounds <= 0 or n_valid < max(MIN_VALIDATION_ROWS, len(counts)) or counts.min() < 2:
            return rows, None
        return stratified_holdout(codes, n_valid, self.random_state)


def _checked_weights(sample_weight: Any, n_rows: int) -> np.ndarray | None:
    """Row weights as floats, refused with a clear message when the libraries would fail obscurely."""
    if sample_weight is None:
        return None
    weight = np.asarray(sample_weight, dtype=np.float64)
    if weight.ndim == 0:
        weight = np.full(n_rows, float(weight))
    if weight.shape != (n_rows,):
        raise ValueError(f"sample_weight has shape {weight.shape}; expected ({n_rows},), one weight per row")
    if not np.all(np.isfinite(weight)) or (weight < 0).any():
        raise ValueError("sample_weight must be finite and non-negative")
    if not (weight > 0).any():
        raise ValueError("sample_weight is zero for every row: at least one weight must be non-zero")
    return weight


def _negative_codes_as_missing(X: np.ndarray, categorical: list[int]) -> np.ndarray:
    """Ordinal codes < 0 (an unseen or dropped category) as NaN: every library reads NaN as missing."""
    if not categorical:
        return X
    block = X[:, categorical]
    if not (block < 0).any():
        return X
    X = X.copy()
    X[:, categorical] = np.where(block < 0, np.nan, block)
    return X


def best_round(history: Sequence[float] | None, trained: int) -> int:
    """The 1-based round with the lowest validation loss (the first of ties), or every trained round."""
    if history is None or len(history) == 0:
        return trained
    return int(np.argmin(np.asarray(history, dtype=np.float64))) + 1
