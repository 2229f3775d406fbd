"""What a fit knows before it searches, prepared once: validated data, metric, registry, space, splits.

Why one function: ``AutoClassifier.fit`` and the meta-database rebuild's matrix (which evaluates
configurations outside a search) prepared the same sequence each in their own way.
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
from autoclf.dataset.validator import InputValidator
from autoclf.evaluation.run_store import TrialTask
from autoclf.evaluation.splitting import Split, make_splits
from autoclf.fit_rules import choose_resampling, machine_slowness
from autoclf.metrics import Metric, get_metric

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FitSetup:
    """The validated data (canonical frame, label codes) and everything derived from it for the search."""

    validator: InputValidator
    X: pd.DataFrame
    y: np.ndarray
    info: DatasetInfo
    metric: Metric
    registry: Registry
    space: ConfigurationSpace
    resampling: str
    splits: list[Split]

    def task(self) -> TrialTask:
        """What the trial workers read from the run store."""
        return TrialTask(self.X, self.y, self.info, self.splits, self.metric, self.registry)


def prepare(X: Any, y: Any, *, metric: Any = "auto", feature_types: dict[Any, str] | list[str] | None = None,
            registry: Registry | None = None, include: Any = None, exclude: Any = None, seed: int = 0,
            resampling: str = "auto", folds: int = 5, holdout_size: float = 0.33,
            time_left: float = 3600.0) -> FitSetup:
    """Validate ``X`` and ``y`` and derive the rest; bad input raises the validator's error here, before any
    process or folder exists. ``resampling="auto"`` weighs ``time_left`` by the machine's measured speed."""
    validator = InputValidator(feature_types=feature_types)
    X_canonical, y_codes = validator.fit_transform(X, y)
    info = validator.info_
    registry = registry if registry is not None else default_registry()
    space = build_configuration_space(info, registry, include, exclude, seed=seed)
    slowness = machine_slowness() if resampling == "auto" else 1.0
    chosen = choose_resampling(resampling, info, time_left, slowness)
    if resampling == "auto":
        logger.info("resampling: %s (machine %.1fx the reference's time)", chosen, slowness)
    splits = make_splits(y_codes, chosen, folds, holdout_size, seed=seed)
    return FitSetup(validator, X_canonical, y_codes, info, get_metric(metric, info.n_classes), registry, space,
                    chosen, splits)
