"""Student models: small, fast classifiers that learn from soft labels (a teacher's probabilities).

Each student is one self-contained scikit-learn classifier: its own input validation (the same canonical
frames as AutoClassifier, so it takes the user's raw DataFrames), its own light preprocessing, and one
model. It pickles alone: nothing refers to the teacher, the run store or the search.

How each family learns soft targets ``P`` (n_samples x n_classes):

* ``mlp``: cross-entropy against ``P`` directly (``MLPClassifier.fit(soft_targets=...)``) - the KL loss
  of Hinton et al. up to a constant.
* ``hist_gb``, ``logistic`` (and a user estimator taking ``sample_weight``): every row is repeated once
  per class with that class as label and ``P[i, k]`` as weight. The weighted log loss of the copies *is*
  the soft cross-entropy, so the unchanged scikit-learn classifier optimises the distillation loss;
  weights under ``MIN_WEIGHT`` are dropped to keep the copies few.
* ``tree``: one multi-output regression tree on ``P`` (per-class regression in a single tree): a leaf
  predicts the mean of its rows' probability vectors, which is itself a probability vector; on one-hot
  targets the squared-error split criterion equals the Gini criterion of a classification tree.

Without soft labels a student trains on the hard labels, which makes it the directly trained "twin".
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.validation import check_is_fitted

from autoclf.dataset.info import DatasetInfo
from autoclf.soft_labels import check_soft_labels

logger = logging.getLogger(__name__)

FAMILIES: tuple[str, ...] = ("hist_gb", "mlp", "tree", "logistic")
#: boosting rounds fitted between two looks at the clock
BOOSTING_CHUNK = 10
#: soft-label weights below this are dropped in the weighted expansion (they barely move the loss)
MIN_WEIGHT = 1e-3


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
        encoder = make_encoder(self.family, validator.info_)
        Z = np.asarray(encoder.fit_transform(canonical), dtype=np.float64)
        model = make_model(self.family, dict(self.params or {}), encoder.categorical_mask(Z.shape[1]),
                           self.random_state)
        self.model_ = _fit_model(self.family, model, Z, codes, targets, weight, n_classes)
        self.validator_, self.encoder_ = validator, encoder
        self.classes_ = validator.classes_
        self.n_features_in_ = validator.n_features_in_
        if validator.input_was_dataframe_:
            self.feature_names_in_ = np.asarray(validator.feature_names_in_, dtype=object)
        return self

    def encode(self, X: Any) -> np.ndarray:
        """The model's input for ``X``: validated, preprocessed, float64 (what the ONNX graph takes)."""
        check_is_fitted(self, "model_")
        return np.asarray(self.encoder_.transform(self.validator_.transform(X)), dtype=np.float64)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probabilities, one column per class in ``classes_`` order."""
        return self._proba_of_encoded(self.encode(X))

    def predict(self, X: Any) -> np.ndarray:
        return self.validator_.decode_target(np.argmax(self.predict_proba(X), axis=1))

    def _proba_of_encoded(self, Z: np.ndarray) -> np.ndarray:
        n_classes = len(self.classes_)
        if _name(self.family) == "tree":
            raw = np.clip(np.asarray(self.model_.predict(Z), dtype=np.float64).reshape(len(Z), -1), 0.0, None)
            proba = raw
        else:
            proba = np.zeros((len(Z), n_classes))
            proba[:, np.asarray(self.model_.classes_, dtype=int)] = self.model_.predict_proba(Z)
        totals = proba.sum(axis=1, keepdims=True)
        totals[totals <= 0] = 1.0
        return proba / totals

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        return tags


def make_encoder(family: Any, info: DatasetInfo) -> Any:
    """Preprocessing per family: trees and boosting get ordinal codes (boosting keeps NaN, which it handles
    natively), linear models and networks one-hot categories and median-imputed, standardised numerics."""
    from autoclf.distillation.encode import FrameEncoder

    name = _name(family)
    if name in ("hist_gb", "tree"):
        return FrameEncoder(info, categories="ordinal", impute=name == "tree", scale=False)
    return FrameEncoder(info, categories="onehot", impute=True, scale=True)


def make_model(family: Any, params: dict[str, Any], categorical: np.ndarray, seed: int) -> Any:
    """The unfitted model of ``family`` with ``params`` laid over the student defaults."""
    name = _name(family)
    if name == "hist_gb":
        from sklearn.ensemble import HistGradientBoostingClassifier

        defaults: dict[str, Any] = {"learning_rate": 0.1, "max_iter": 200, "max_leaf_nodes": 31,
                                    "min_samples_leaf": 20, "l2_regularization": 0.0, "early_stopping": False}
        return HistGradientBoostingClassifier(**{**defaults, **params}, random_state=seed,
                                              categorical_features=categorical if categorical.any() else None)
    if name == "tree":
        from sklearn.tree import DecisionTreeRegressor

        return DecisionTreeRegressor(**{"max_depth": 10, "min_samples_leaf": 5, **params}, random_state=seed)
    if name == "logistic":
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(**{"C": 1.0, "max_iter": 500, **params}, random_state=seed)
    if name == "mlp":
        from autoclf.components.networks.estimator import MLPClassifier

        defaults = {"width": 128, "n_layers": 2, "dropout": 0.1, "learning_rate": 1e-3, "batch_size": 256,
                    "max_epochs": 100, "patience": 10, "weight_decay": 1e-5, "device": "cpu"}
        return MLPClassifier(**{**defaults, **params}, random_state=seed)
    if name == "estimator":
        return clone(family).set_params(**params)
    raise ValueError(f"student family must be one of {FAMILIES} or a scikit-learn classifier, got {family!r}")


def _fit_model(family: Any, model: Any, Z: np.ndarray, codes: np.ndarray, targets: np.ndarray | None,
               weight: np.ndarray, n_classes: int) -> Any:
    name = _name(family)
    if name == "tree":
        return model.fit(Z, np.eye(n_classes)[codes] if targets is None else targets, sample_weight=weight)
    if name == "mlp":
        return model.fit(Z, codes, sample_weight=weight, soft_targets=targets)
    fit = fit_boosting_within_budget if name == "hist_gb" else _plain_fit
    if targets is None:
        return fit(model, Z, codes, weight)
    if name == "estimator" and not _takes_sample_weight(model):
        return model.fit(Z, np.argmax(targets, axis=1))
    rows, labels, expanded_weight = expand_soft_labels(targets, weight)
    return fit(model, Z[rows], labels, expanded_weight)


def _plain_fit(model: Any, Z: np.ndarray, labels: np.ndarray, weight: np.ndarray) -> Any:
    return model.fit(Z, labels, sample_weight=weight)


def fit_boosting_within_budget(model: Any, Z: np.ndarray, labels: np.ndarray, weight: np.ndarray) -> Any:
    """Boost in chunks of ``BOOSTING_CHUNK`` rounds (warm start) while ``autoclf.budget.seconds_left()``
    has room for another chunk, so a distillation budget holds even for many classes and rows; the model
    keeps the rounds it finished (``max_iter`` is set to them). Without a deadline: one plain fit."""
    import math

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


def _takes_sample_weight(model: Any) -> bool:
    import inspect

    return "sample_weight" in inspect.signature(model.fit).parameters


def _name(family: Any) -> str:
    if isinstance(family, str):
        return family
    if hasattr(family, "fit") and hasattr(family, "predict_proba"):
        return "estimator"
    raise ValueError(f"student family must be one of {FAMILIES} or a scikit-learn classifier, got {family!r}")
