"""Metrics on class codes and probability matrices, all turned into losses that the search minimises.

Trials score out-of-fold probabilities: ``y_true`` holds int codes 0..K-1 and ``proba`` is (n, K) with one
column per training class, even for classes absent from a split. A metric that is undefined on a split
(roc_auc when only one class is present) gives its worst loss instead of raising, so one unlucky fold does
not crash a trial. The functions are module-level so a :class:`Metric` pickles into worker processes.

``sample_weight`` (one non-negative weight per row, from ``fit(..., sample_weight=...)``) weights every
metric the way scikit-learn's own functions do; without it each function is called exactly as before.
"""

from __future__ import annotations

import logging
import re
import warnings
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable, cast

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

logger = logging.getLogger(__name__)

#: metrics that only rank rows. Greedy ensemble selection on them can weight a model whose probabilities sit at
#: the class prior (it barely moves the ranking), and predict() of the ensemble then says the majority class:
#: the ensemble weighs its members on log loss for them (ensembles.builder.selection_metric), and so the warm
#: start's portfolio, the ensemble's first members, is chosen on log loss too (metalearning.warmstart)
RANK_METRICS = frozenset({"roc_auc", "average_precision"})

#: probabilities are clipped to [LOG_LOSS_EPS, 1] (rows renormalised) before log_loss, so it is at most -log(eps)
LOG_LOSS_EPS = 1e-15


@dataclass(frozen=True)
class Metric:
    """A named metric: ``score`` is its natural value, ``loss`` is ≥ 0, minimised, 0 when perfect.

    ``function(y_true_codes, proba)`` returns the natural value, or NaN where the metric is undefined; with
    row weights it is called as ``function(y_true_codes, proba, sample_weight=weights)``.
    ``worst_loss`` is the largest loss the metric can give; it is recorded for crashed trials, so a crash never
    ranks above a trial that ran.
    """

    name: str
    greater_is_better: bool
    optimum: float
    worst_loss: float
    function: Callable[..., float] = field(repr=False, compare=False)

    def score(self, y_true: Any, proba: Any, sample_weight: Any = None) -> float:
        """The metric's own value (accuracy, log loss, ...); the worst value where it is undefined.
        ``sample_weight``: one weight per row (None: every row counts once)."""
        y_true, proba = _check_inputs(y_true, proba)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # undefined-metric and zero-division warnings: handled below
            if sample_weight is None:
                value = float(self.function(y_true, proba))
            else:
                value = float(self.function(y_true, proba, sample_weight=_check_weights(sample_weight, y_true)))
        if not np.isfinite(value):
            return self.optimum - self.worst_loss if self.greater_is_better else self.worst_loss
        return value

    def loss(self, y_true: Any, proba: Any, sample_weight: Any = None) -> float:
        """``optimum - score`` for scores, the value itself for losses."""
        value = self.score(y_true, proba, sample_weight)
        return float(self.optimum - value) if self.greater_is_better else float(value)

    def row_losses(self, y_true: Any, proba: Any) -> np.ndarray | None:
        """Each row's share of ``loss`` for the metrics that are a mean over rows (log loss, accuracy), so a
        bootstrap can resample rows without calling the metric again; None for the others (ROC AUC, F1, ...)."""
        function = _ROW_LOSSES.get(self.name)
        if function is None or self.function is not _BUILT_IN[self.name][3]:
            return None
        return function(*_check_inputs(y_true, proba))


def _check_inputs(y_true: Any, proba: Any) -> tuple[np.ndarray, np.ndarray]:
    y_true = np.asarray(y_true)
    proba = np.asarray(proba, dtype=np.float64)
    if y_true.ndim != 1 or y_true.dtype.kind not in "iu":
        raise ValueError(f"y_true must be 1-D int codes, got dtype {y_true.dtype} and shape {y_true.shape}")
    if proba.ndim != 2 or len(proba) != len(y_true):
        raise ValueError(f"proba must have shape (n_samples, n_classes) = ({len(y_true)}, K), got {proba.shape}")
    if len(y_true) and (y_true.min() < 0 or y_true.max() >= proba.shape[1]):
        raise ValueError(f"y_true codes must lie in 0..{proba.shape[1] - 1}")
    return y_true, proba


def _check_weights(sample_weight: Any, y_true: np.ndarray) -> np.ndarray:
    weights = np.asarray(sample_weight, dtype=np.float64)
    if weights.shape != y_true.shape:
        raise ValueError(f"sample_weight must have one weight per row ({len(y_true)}), got shape {weights.shape}")
    return weights


def _weighted(sample_weight: np.ndarray | None) -> dict[str, Any]:
    """The keyword for scikit-learn's functions: none at all without weights (the calls stay as they were)."""
    return {} if sample_weight is None else {"sample_weight": sample_weight}


# ---------------------------------------------------------------- built-in metric functions
def _accuracy(y, proba, sample_weight=None):
    from sklearn.metrics import accuracy_score

    return accuracy_score(y, proba.argmax(axis=1), **_weighted(sample_weight))


def _on_labels(function_name: str, y, proba, sample_weight=None, **kwargs):
    """A label-based sklearn metric on the argmax predictions (sklearn's default label set)."""
    import sklearn.metrics

    return getattr(sklearn.metrics, function_name)(y, proba.argmax(axis=1), **_weighted(sample_weight), **kwargs)


def _roc_auc(y, proba, sample_weight=None):
    """Binary: AUC of proba[:, 1]. Multiclass: one-vs-rest macro AUC over the classes present in y (with
    weights: the classes with some positive weight)."""
    from sklearn.metrics import roc_auc_score

    present = np.unique(y if sample_weight is None else y[sample_weight > 0])
    if len(present) < 2:
        return np.nan
    if proba.shape[1] == 2:
        return roc_auc_score(y, proba[:, 1], **_weighted(sample_weight))
    return float(np.mean([roc_auc_score(y == k, proba[:, k], **_weighted(sample_weight)) for k in present]))


def _clipped(proba: np.ndarray) -> np.ndarray:
    """Probabilities clipped to [LOG_LOSS_EPS, 1] and renormalised: log loss stays finite."""
    clipped = np.clip(proba, LOG_LOSS_EPS, 1.0)
    return clipped / clipped.sum(axis=1, keepdims=True)


def _log_loss(y, proba, sample_weight=None):
    from sklearn.metrics import log_loss

    return log_loss(y, _clipped(proba), labels=np.arange(proba.shape[1]), **_weighted(sample_weight))


def _log_loss_rows(y: np.ndarray, proba: np.ndarray) -> np.ndarray:
    """Each row's log loss, on the probabilities ``_log_loss`` scores."""
    return -np.log(_clipped(proba)[np.arange(len(y)), y.astype(int)])


def _average_precision(y, proba, sample_weight=None):
    from sklearn.metrics import average_precision_score

    positive = y == 1 if sample_weight is None else (y == 1) & (sample_weight > 0)
    if not positive.any():
        return np.nan
    return average_precision_score(y, proba[:, 1], **_weighted(sample_weight))


#: bound on the log loss of clipped probabilities (-log(eps) ≈ 34.54, rounded up past the renormalisation)
_LOG_LOSS_MAX = float(np.ceil(-np.log(LOG_LOSS_EPS)))

#: name: (greater_is_better, optimum, worst_loss, function, binary only)
_BUILT_IN: dict[str, tuple[bool, float, float, Callable, bool]] = {
    "accuracy": (True, 1.0, 1.0, _accuracy, False),
    "balanced_accuracy": (True, 1.0, 1.0, partial(_on_labels, "balanced_accuracy_score"), False),
    "roc_auc": (True, 1.0, 1.0, _roc_auc, False),
    "log_loss": (False, 0.0, _LOG_LOSS_MAX, _log_loss, False),
    "f1_macro": (True, 1.0, 1.0, partial(_on_labels, "f1_score", average="macro", zero_division=0), False),
    "f1_weighted": (True, 1.0, 1.0, partial(_on_labels, "f1_score", average="weighted", zero_division=0), False),
    "precision_macro": (True, 1.0, 1.0, partial(_on_labels, "precision_score", average="macro", zero_division=0),
                        False),
    "recall_macro": (True, 1.0, 1.0, partial(_on_labels, "recall_score", average="macro", zero_division=0), False),
    "f1": (True, 1.0, 1.0, partial(_on_labels, "f1_score", zero_division=0), True),
    "average_precision": (True, 1.0, 1.0, _average_precision, True),
    "mcc": (True, 1.0, 2.0, partial(_on_labels, "matthews_corrcoef"), False),
}
#: per-row losses of the built-in metrics that are means over rows (``Metric.row_losses``)
_ROW_LOSSES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "log_loss": _log_loss_rows,
    "accuracy": lambda y, proba: (proba.argmax(axis=1) != y).astype(float),
}
METRIC_NAMES: tuple[str, ...] = ("auto", *_BUILT_IN)
"""The names ``AutoClassifier(metric=...)`` accepts (or pass a ``Metric`` or a scikit-learn scorer)."""


def get_metric(metric: Any, n_classes: int) -> Metric:
    """A :class:`Metric` from a name, a ``Metric`` (returned as is) or a scikit-learn scorer.

    ``"auto"`` is roc_auc for binary problems and log_loss for multiclass ones (the AutoML Benchmark's choice).
    """
    if n_classes < 2:
        raise ValueError(f"n_classes must be at least 2, got {n_classes}")
    if isinstance(metric, Metric):
        return metric
    if isinstance(metric, str):
        name = "roc_auc" if metric == "auto" and n_classes == 2 else "log_loss" if metric == "auto" else metric
        if name not in _BUILT_IN:
            raise ValueError(f"unknown metric {metric!r}; valid names: {', '.join(METRIC_NAMES)} (or pass a "
                             "scikit-learn scorer, e.g. sklearn.metrics.get_scorer(name))")
        greater, optimum, worst, function, binary_only = _BUILT_IN[name]
        if binary_only and n_classes != 2:
            raise ValueError(f"metric {name!r} is for binary problems, this one has {n_classes} classes; use e.g. "
                             "f1_macro or roc_auc")
        return Metric(name, greater, optimum, worst, function)
    if callable(metric):
        return _scorer_metric(metric, n_classes)
    raise ValueError(f"metric must be a name ({', '.join(METRIC_NAMES)}), a Metric or a scikit-learn scorer; got "
                     f"{type(metric).__name__}")


# ---------------------------------------------------------------- scikit-learn scorers
class _FixedPredictions(ClassifierMixin, BaseEstimator):
    """A fitted-looking classifier that serves given probabilities, so a scorer can be called as designed.

    Scorers only talk to estimators through ``predict``/``predict_proba``/``decision_function`` and
    ``classes_``; this keeps us on their public API instead of reading their private score function.
    """

    def __init__(self, proba: np.ndarray | None = None):
        self.proba = cast(np.ndarray, proba)  # None only as scikit-learn's default for a bare instance, never scored

    @property
    def classes_(self) -> np.ndarray:
        return np.arange(self.proba.shape[1])

    def __sklearn_is_fitted__(self) -> bool:
        return True

    def predict(self, X: Any) -> np.ndarray:
        return self.proba.argmax(axis=1)

    def predict_proba(self, X: Any) -> np.ndarray:
        return self.proba

    def decision_function(self, X: Any) -> np.ndarray:
        """Log-odds of the positive class (binary) or log-probabilities (multiclass), clipped to be finite."""
        logs = np.log(np.clip(self.proba, LOG_LOSS_EPS, 1.0))
        return logs[:, 1] - logs[:, 0] if self.proba.shape[1] == 2 else logs


def _score_with_scorer(scorer: Callable, y, proba, sample_weight=None) -> float:
    try:
        return float(scorer(_FixedPredictions(proba), np.zeros((len(y), 1)), y, **_weighted(sample_weight)))
    except ValueError as error:  # e.g. roc_auc with one class present: undefined on this split
        logger.debug("scorer %r undefined on this split: %s", scorer, error)
        return np.nan


def _scorer_metric(scorer: Callable, n_classes: int) -> Metric:
    """Wrap a scorer (greater is better by construction); its optimum and worst loss are measured on a toy
    problem: the scorer's value for perfect one-hot predictions, and for confidently wrong ones."""
    import pickle

    try:  # trials score in other processes: the scorer travels there pickled
        pickle.dumps(scorer)
    except Exception as error:  # noqa: BLE001 - PicklingError, AttributeError, TypeError: all mean the same
        raise ValueError(f"the scorer {scorer!r} cannot be pickled ({type(error).__name__}), and trials run in "
                         "other processes: define its function at module level (not a lambda or a nested "
                         "function) and wrap it with sklearn.metrics.make_scorer") from error
    match = re.match(r"make_scorer\((\w+)", repr(scorer))
    name = match.group(1) if match else type(scorer).__name__
    if "greater_is_better=False" in repr(scorer):
        name = f"neg_{name}"  # the scorer negates a loss: its values are -loss
    y = np.tile(np.arange(n_classes), 2)
    eye = np.eye(n_classes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            best = float(scorer(_FixedPredictions(eye[y]), np.zeros((len(y), 1)), y))
            wrong = float(scorer(_FixedPredictions(eye[(y + 1) % n_classes]), np.zeros((len(y), 1)), y))
        except Exception as error:
            raise ValueError(f"the scorer {scorer!r} could not be evaluated on a {n_classes}-class problem: "
                             f"{error}") from error
    if not (np.isfinite(best) and np.isfinite(wrong)):
        raise ValueError(f"the scorer {scorer!r} gave non-finite values on a {n_classes}-class toy problem")
    optimum = round(best, 9) + 0.0  # + 0.0: no -0.0 from a negated loss
    return Metric(name, True, optimum, max(1.0, optimum - wrong), partial(_score_with_scorer, scorer))


def check_takes_weights(metric: Metric, n_classes: int) -> None:
    """Raise a ValueError naming the metric when it cannot take row weights (a ``Metric`` whose function has no
    ``sample_weight``, a scorer whose score function refuses it): a weighted fit scores every trial with them."""
    y = np.tile(np.arange(n_classes), 2)
    try:
        metric.score(y, np.eye(n_classes)[y], sample_weight=np.ones(len(y)))
    except TypeError as error:
        raise ValueError(f"the metric {metric.name!r} does not take sample_weight ({error}), and fit was given "
                         "sample_weight: pass a metric that does, or no weights") from error
