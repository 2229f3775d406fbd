"""Student families: one small object per kind of student model, so that adding a student is adding one object.

A ``StudentFamily`` holds all that the student (``students``), the search (``distill``) and the export
(``onnx``) need to know about its model, so none of them asks for a family by name.

How each family learns soft targets ``P`` (n_samples x n_classes):

* ``mlp``: cross-entropy against ``P`` directly (``MLPClassifier.fit(soft_targets=...)``) - the KL loss
  of Hinton et al. up to a constant.
* ``hist_gb``, ``logistic`` (and a user estimator taking ``sample_weight``): every row is repeated once
  per class with that class as label and ``P[i, k]`` as weight. The weighted log loss of the copies *is*
  the soft cross-entropy, so the unchanged scikit-learn classifier optimises the distillation loss;
  weights under ``MIN_WEIGHT`` are dropped to keep the copies few. A user estimator without
  ``sample_weight`` learns the argmax of ``P``.
* ``tree``: one multi-output regression tree on ``P`` (per-class regression in a single tree): a leaf
  predicts the mean of its rows' probability vectors, which is itself a probability vector; on one-hot
  targets the squared-error split criterion equals the Gini criterion of a classification tree.

Without soft labels a student trains on the hard labels, which makes it the directly trained "twin".
"""

from __future__ import annotations

import inspect
import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import clone

from autoclf.dataset.info import DatasetInfo
from autoclf.distillation.encode import FrameEncoder
from autoclf.probabilities import pad_probabilities

logger = logging.getLogger(__name__)

#: boosting rounds fitted between two looks at the clock
BOOSTING_CHUNK = 10
#: soft-label weights below this are dropped in the weighted expansion (they barely move the loss)
MIN_WEIGHT = 1e-3

#: (spec, params, categorical column mask, seed) -> the unfitted model
Build = Callable[[Any, dict[str, Any], np.ndarray, int], Any]
#: (model, encoded X, class codes, soft targets or None, sample weight, n_classes) -> the fitted model
Learn = Callable[[Any, np.ndarray, np.ndarray, np.ndarray | None, np.ndarray, int], Any]


@dataclass(frozen=True)
class StudentFamily:
    """One kind of student model: what its callers would otherwise ask ``if name == ...`` for.

    name : the key in ``STUDENTS`` (what ``distill`` logs and ``to_onnx`` names).
    build : makes the unfitted model; ``spec`` is the family as the user gave it (the user's classifier for
        "estimator"), the mask flags the ordinal category columns (HistGradientBoosting splits them as such).
    learn : fits the model on hard labels (soft targets None) or soft ones, as the module docstring says.
    grid : configurations ``distill`` tries, the smallest (fastest to predict) first; empty for a family not
        chosen by name.
    cost : rank of the fit cost: ``distill``'s "auto" tries cheaper families first, so a tight clock still
        yields a student.
    categories, impute, scale : the ``FrameEncoder`` settings: trees and boosting take ordinal codes
        (boosting keeps NaN, which it handles natively), linear models and networks one-hot categories
        and median-imputed, standardised numerics.
    regresses_probabilities : the model is a regressor whose ``predict`` rows are probability vectors (it
        has no ``classes_``); otherwise ``predict_proba`` gives the columns of ``model.classes_``.
    onnx : the model's converter in ``autoclf.distillation.onnx_models.CONVERTERS`` ("sklearn", "torch"
        or "hist_gb"); None when the model cannot be exported faithfully.
    onnx_float32 : the "sklearn" converter feeds the model float32 features (scikit-learn's trees compare
        float32 values with float32 thresholds), else float64.
    uses_torch : the model trains with torch (``distill`` imports it before the clock matters).
    """

    name: str
    build: Build
    learn: Learn
    grid: tuple[Mapping[str, Any], ...] = ()
    cost: int = 0
    categories: str = "onehot"
    impute: bool = True
    scale: bool = True
    regresses_probabilities: bool = False
    onnx: str | None = None
    onnx_float32: bool = False
    uses_torch: bool = False

    def encoder(self, info: DatasetInfo) -> FrameEncoder:
        """The unfitted preprocessing for this family's model."""
        return FrameEncoder(info, categories=self.categories, impute=self.impute, scale=self.scale)

    def raw_proba(self, model: Any, Z: np.ndarray, n_classes: int) -> np.ndarray:
        """Non-negative scores, one column per class code (rows not yet normalised): a model that saw only
        some classes leaves the others' columns at zero."""
        if self.regresses_probabilities:
            return np.clip(np.asarray(model.predict(Z), dtype=np.float64).reshape(len(Z), -1), 0.0, None)
        return pad_probabilities(model.predict_proba(Z), model.classes_, n_classes)


# --------------------------------------------------------------------------------------------- learning
def _plain_fit(model: Any, Z: np.ndarray, labels: np.ndarray, weight: np.ndarray) -> Any:
    return model.fit(Z, labels, sample_weight=weight)


def fit_boosting_within_budget(model: Any, Z: np.ndarray, labels: np.ndarray, weight: np.ndarray) -> Any:
    """Boost in chunks of ``BOOSTING_CHUNK`` rounds (warm start) while ``autoclf.budget.seconds_left()``
    has room for another chunk, so a distillation budget holds even for many classes and rows; the model
    keeps the rounds it finished (``max_iter`` is set to them). Without a deadline: one plain fit."""
    from autoclf.budget import seconds_left

    if not math.isfinite(seconds_left()):
        return model.fit(Z, labels, sample_weight=weight)
    total, done, chunk_seconds = int(model.max_iter), 0, 0.0
    model.set_params(warm_start=True)
    while done < total and (done == 0 or seconds_left() > 1.2 * chunk_seconds):
        started = time.perf_counter()
        done = min(total, done + BOOSTING_CHUNK)
        model.set_params(max_iter=done).fit(Z, labels, sample_weight=weight)
        chunk_seconds = time.perf_counter() - started
    if done < total:
        logger.info("hist_gb student stopped at the deadline after %d of %d boosting rounds", done, total)
    return model.set_params(warm_start=False)


def expand_soft_labels(targets: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row index, class, weight) of the copies whose weighted log loss equals the soft cross-entropy."""
    rows, labels = np.nonzero(targets >= MIN_WEIGHT)
    expanded = targets[rows, labels] * weight[rows]
    return rows, labels, expanded * (len(targets) / max(expanded.sum(), 1e-12))  # mean weight per source row 1


def _weighted(fit: Callable[..., Any], model: Any, Z: np.ndarray, codes: np.ndarray, targets: np.ndarray | None,
              weight: np.ndarray) -> Any:
    if targets is None:
        return fit(model, Z, codes, weight)
    rows, labels, expanded_weight = expand_soft_labels(targets, weight)
    return fit(model, Z[rows], labels, expanded_weight)


def _learn_weighted(model: Any, Z: np.ndarray, codes: np.ndarray, targets: np.ndarray | None,
                    weight: np.ndarray, n_classes: int) -> Any:
    """A classifier taking sample_weight: soft labels as the weighted expansion."""
    return _weighted(_plain_fit, model, Z, codes, targets, weight)


def _learn_boosting(model: Any, Z: np.ndarray, codes: np.ndarray, targets: np.ndarray | None,
                    weight: np.ndarray, n_classes: int) -> Any:
    """Boosting: the weighted expansion, boosted in chunks while the clock allows."""
    return _weighted(fit_boosting_within_budget, model, Z, codes, targets, weight)


def _learn_regression(model: Any, Z: np.ndarray, codes: np.ndarray, targets: np.ndarray | None,
                      weight: np.ndarray, n_classes: int) -> Any:
    """A multi-output regressor on the probability vectors (one-hot ones for hard labels)."""
    return model.fit(Z, np.eye(n_classes)[codes] if targets is None else targets, sample_weight=weight)


def _learn_soft_targets(model: Any, Z: np.ndarray, codes: np.ndarray, targets: np.ndarray | None,
                        weight: np.ndarray, n_classes: int) -> Any:
    """A network: cross-entropy against the soft targets themselves."""
    return model.fit(Z, codes, sample_weight=weight, soft_targets=targets)


def _learn_estimator(model: Any, Z: np.ndarray, codes: np.ndarray, targets: np.ndarray | None,
                     weight: np.ndarray, n_classes: int) -> Any:
    """A user's classifier: the weighted expansion when its fit takes sample_weight, else the argmax."""
    if "sample_weight" not in inspect.signature(model.fit).parameters:  # hard labels, or soft ones' argmax
        return model.fit(Z, codes if targets is None else np.argmax(targets, axis=1))
    return _weighted(_plain_fit, model, Z, codes, targets, weight)


# ------------------------------------------------------------------------------------------------ models
def _build_hist_gb(spec: Any, params: dict[str, Any], categorical: np.ndarray, seed: int) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier

    defaults: dict[str, Any] = {"learning_rate": 0.1, "max_iter": 200, "max_leaf_nodes": 31,
                                "min_samples_leaf": 20, "l2_regularization": 0.0, "early_stopping": False}
    return HistGradientBoostingClassifier(**{**defaults, **params}, random_state=seed,
                                          categorical_features=categorical if categorical.any() else None)


def _build_tree(spec: Any, params: dict[str, Any], categorical: np.ndarray, seed: int) -> Any:
    from sklearn.tree import DecisionTreeRegressor

    return DecisionTreeRegressor(**{"max_depth": 10, "min_samples_leaf": 5, **params}, random_state=seed)


def _build_logistic(spec: Any, params: dict[str, Any], categorical: np.ndarray, seed: int) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(**{"C": 1.0, "max_iter": 500, **params}, random_state=seed)


def _build_mlp(spec: Any, params: dict[str, Any], categorical: np.ndarray, seed: int) -> Any:
    from autoclf.components.networks.estimator import MLPClassifier

    defaults = {"width": 128, "n_layers": 2, "dropout": 0.1, "learning_rate": 1e-3, "batch_size": 256,
                "max_epochs": 100, "patience": 10, "weight_decay": 1e-5, "device": "cpu"}
    return MLPClassifier(**{**defaults, **params}, random_state=seed)


def _build_estimator(spec: Any, params: dict[str, Any], categorical: np.ndarray, seed: int) -> Any:
    return clone(spec).set_params(**params)


# ---------------------------------------------------------------------------------------------- registry
# grids: smallest (fastest to predict) first, so that distill meets the fast ones first and stops growing a
# family once it predicts slower than a student close enough to the teacher (``selection``)
HIST_GB = StudentFamily(
    "hist_gb", _build_hist_gb, _learn_boosting, cost=2, categories="ordinal", impute=False, scale=False,
    onnx="hist_gb",
    grid=({"learning_rate": 0.3, "max_iter": 15, "max_leaf_nodes": 8, "min_samples_leaf": 10},
          {"learning_rate": 0.2, "max_iter": 40, "max_leaf_nodes": 15, "min_samples_leaf": 10},
          {"learning_rate": 0.1, "max_iter": 100, "max_leaf_nodes": 31},
          {"learning_rate": 0.05, "max_iter": 300, "max_leaf_nodes": 31, "min_samples_leaf": 10}))
MLP = StudentFamily(
    "mlp", _build_mlp, _learn_soft_targets, cost=3, onnx="torch", uses_torch=True,
    grid=({"width": 32, "n_layers": 1, "dropout": 0.0, "learning_rate": 3e-3},
          {"width": 64, "n_layers": 2, "dropout": 0.0, "learning_rate": 2e-3, "weight_decay": 1e-4},
          {"width": 128, "n_layers": 2, "dropout": 0.1, "learning_rate": 1e-3},
          {"width": 256, "n_layers": 3, "dropout": 0.2, "learning_rate": 5e-4}))
TREE = StudentFamily(
    "tree", _build_tree, _learn_regression, cost=1, categories="ordinal", impute=True, scale=False,
    regresses_probabilities=True, onnx="sklearn", onnx_float32=True,
    grid=({"max_depth": 6, "min_samples_leaf": 10}, {"max_depth": 10, "min_samples_leaf": 5},
          {"max_depth": 14, "min_samples_leaf": 3}))
LOGISTIC = StudentFamily("logistic", _build_logistic, _learn_weighted, cost=0, onnx="sklearn",
                         grid=({"C": 1.0}, {"C": 0.1}, {"C": 10.0}))
#: a user's unfitted scikit-learn classifier, trained on one-hot / standardised features (exported to ONNX
#: when skl2onnx converts it)
ESTIMATOR = StudentFamily("estimator", _build_estimator, _learn_estimator, onnx="sklearn")

#: every student family by name; a new student is one more ``StudentFamily`` here
STUDENTS: dict[str, StudentFamily] = {family.name: family for family in (HIST_GB, MLP, TREE, LOGISTIC, ESTIMATOR)}
#: the families chosen by name (``StudentClassifier(family=...)``, ``distill(student=...)``)
FAMILIES: tuple[str, ...] = tuple(name for name, family in STUDENTS.items() if family.grid)


def student_family(spec: Any) -> StudentFamily:
    """The family of ``spec``: a name in ``STUDENTS``, or any classifier (``fit`` and ``predict_proba``)."""
    if isinstance(spec, str):
        if spec in STUDENTS and spec != ESTIMATOR.name:  # "estimator": a classifier object's family, no name
            return STUDENTS[spec]
    elif hasattr(spec, "fit") and hasattr(spec, "predict_proba"):
        return ESTIMATOR
    raise ValueError(f"student family must be one of {FAMILIES} or a scikit-learn classifier, got {spec!r}")
