"""What a fit knows before it searches, prepared once: validated data, metric, registry, space, splits.

Why one function: ``AutoClassifier.fit`` and the meta-database rebuild's matrix (which evaluates
configurations outside a search) prepared the same sequence each in their own way.

The inputs people have besides X and y are checked here too: row weights (``sample_weight``, checked by
``autoclf.evaluation.weights``) and a validation set of their own (``X_val``, ``y_val``: FLAML's X_val,
AutoGluon's tuning_data). With a validation set the task's rows are X's followed by X_val's, and the one
split trains on X and holds out exactly X_val.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from ConfigSpace import ConfigurationSpace

from autoclf.components.registry import Registry, default_registry
from autoclf.configspace.builder import build_configuration_space
from autoclf.dataset.info import DatasetInfo
from autoclf.dataset.labels import as_label_array
from autoclf.dataset.validator import InputValidator
from autoclf.evaluation.run_store import TrialTask
from autoclf.evaluation.splitting import Split, make_splits
from autoclf.evaluation.weights import check_sample_weight
from autoclf.fit_rules import choose_resampling, machine_slowness
from autoclf.metrics import Metric, check_takes_weights, get_metric

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ValidationSet:
    """The user's validation rows (X_val, y_val), validated against X: canonical frame, label codes, weights."""

    X: pd.DataFrame
    y: np.ndarray
    sample_weight: np.ndarray | None = None


@dataclass(frozen=True)
class FitSetup:
    """The validated data (canonical frame, label codes) and everything derived from it for the search.

    ``X``, ``y`` and ``sample_weight`` are the training rows only; with a user's validation set (``validation``)
    the task the workers read holds both, and ``splits`` index into that task."""

    validator: InputValidator
    X: pd.DataFrame
    y: np.ndarray
    info: DatasetInfo
    metric: Metric
    registry: Registry
    space: ConfigurationSpace
    resampling: str
    splits: list[Split]
    sample_weight: np.ndarray | None = None
    validation: ValidationSet | None = None

    def task(self) -> TrialTask:
        """What the trial workers read from the run store."""
        if self.validation is None:
            return TrialTask(self.X, self.y, self.info, self.splits, self.metric, self.registry, self.sample_weight)
        val = self.validation
        X = pd.concat([self.X, val.X], ignore_index=True)
        weights = None
        if self.sample_weight is not None or val.sample_weight is not None:  # the other part counts each row once
            weights = np.concatenate([_or_ones(self.sample_weight, len(self.y)), _or_ones(val.sample_weight,
                                                                                           len(val.y))])
        return TrialTask(X, np.concatenate([self.y, val.y]), self.info, self.splits, self.metric, self.registry,
                         weights, refit_rows=np.arange(len(self.y)), train_weighted=self.sample_weight is not None)


def prepare(X: Any, y: Any, *, metric: Any = "auto", feature_types: dict[Any, str] | list[str] | None = None,
            registry: Registry | None = None, include: Any = None, exclude: Any = None, seed: int = 0,
            resampling: str = "auto", folds: int = 5, holdout_size: float = 0.33,
            time_left: float = 3600.0, sample_weight: Any = None, X_val: Any = None, y_val: Any = None,
            sample_weight_val: Any = None) -> FitSetup:
    """Validate ``X`` and ``y`` (and the weights and validation set, when given) and derive the rest; bad input
    raises a ValueError naming it here, before any process or folder exists. ``resampling="auto"`` weighs
    ``time_left`` by the machine's measured speed; with ``X_val`` the resampling is that holdout."""
    if (X_val is None) != (y_val is None):
        raise ValueError("X_val and y_val come together: pass both (a validation set) or neither")
    if X_val is not None and resampling == "cv":
        raise ValueError("resampling='cv' and X_val exclude each other: X_val is the holdout every trial is "
                         "scored on; pass resampling='holdout' (or 'auto'), or no X_val for cross-validation")
    if sample_weight_val is not None and X_val is None:
        raise ValueError("sample_weight_val weights the rows of X_val, and no X_val was given")
    validator = InputValidator(feature_types=feature_types)
    X_canonical, y_codes = validator.fit_transform(X, y)
    info = validator.info_
    weights = check_sample_weight(sample_weight, len(y_codes))
    validation = None if X_val is None else validation_set(validator, X_val, y_val, sample_weight_val)
    metric_ = get_metric(metric, info.n_classes)
    if weights is not None or (validation is not None and validation.sample_weight is not None):
        check_takes_weights(metric_, info.n_classes)
    if validation is not None:
        _check_scorable(metric_, validation, info.n_classes)
    registry = registry if registry is not None else default_registry()
    space = build_configuration_space(info, registry, include, exclude, seed=seed)
    if validation is not None:
        chosen = "holdout"
        splits = [(np.arange(len(y_codes)), np.arange(len(y_codes), len(y_codes) + len(validation.y)))]
    else:
        slowness = machine_slowness() if resampling == "auto" else 1.0
        chosen = choose_resampling(resampling, info, time_left, slowness)
        if resampling == "auto":
            logger.info("resampling: %s (machine %.1fx the reference's time)", chosen, slowness)
        splits = make_splits(y_codes, chosen, folds, holdout_size, seed=seed)
        if weights is not None and not weights[splits[0][1]].any():
            raise ValueError("sample_weight is zero on every held-out row of the holdout split: no trial could be "
                             "scored; give some weight to more rows, or use resampling='cv'")
    return FitSetup(validator, X_canonical, y_codes, info, metric_, registry, space, chosen, splits, weights,
                    validation)


def validation_set(validator: InputValidator, X_val: Any, y_val: Any, sample_weight_val: Any = None
                   ) -> ValidationSet:
    """X_val and y_val checked against the fitted validator as predict checks X (same columns, in order, read
    as X's types) and their labels among y's classes; errors name X_val or y_val."""
    try:
        X_canonical = validator.transform(X_val)
    except ValueError as error:
        raise ValueError(f"X_val does not match X: {error}") from error
    try:
        labels = as_label_array(y_val)
    except ValueError as error:
        raise ValueError(f"y_val: {error}") from error
    if len(labels) != len(X_canonical):
        raise ValueError(f"X_val and y_val have different lengths: X_val has {len(X_canonical)} rows, y_val has "
                         f"{len(labels)} labels")
    unknown = sorted(set(labels.tolist()) - set(validator.classes_.tolist()), key=str)
    if unknown:
        raise ValueError(f"y_val has {len(unknown)} class(es) that y does not have: {unknown[:10]}; a model trained "
                         "on X cannot predict them: drop those rows from X_val, or move some of them into X")
    codes = validator.encode_target(labels)
    weights = check_sample_weight(sample_weight_val, len(codes), "sample_weight_val", "X_val")
    return ValidationSet(X_canonical, codes, weights)


def _check_scorable(metric: Metric, validation: ValidationSet, n_classes: int) -> None:
    """A metric undefined on y_val (ROC AUC with one class in it) would give every trial the same worst loss."""
    import warnings

    perfect = np.eye(n_classes)[validation.y]
    weights = {} if validation.sample_weight is None else {"sample_weight": validation.sample_weight}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = float(metric.function(validation.y, perfect, **weights))
    if not np.isfinite(value):
        raise ValueError(f"the metric {metric.name!r} is undefined on y_val ({len(np.unique(validation.y))} "
                         "class(es) present): every trial would score the same; give X_val rows of more classes or "
                         "choose another metric")


def _or_ones(weights: np.ndarray | None, n: int) -> np.ndarray:
    return np.ones(n) if weights is None else weights
