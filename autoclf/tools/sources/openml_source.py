"""OpenML through openml-python: suites, tasks (with their official splits) and data sets.

Imported only when OpenML is asked for; openml-python serves from its cache when the files are there,
so a pre-populated cache works offline.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from autoclf.tools.sources.base import Source, Split, Task

logger = logging.getLogger(__name__)


def openml_source(spec: str) -> Source:
    """``"99"`` (a suite), ``"task=31,3"`` (tasks) or ``"data=31,61"`` (data sets, seeded splits)."""
    import openml

    kind, _, ids = spec.partition("=") if "=" in spec else ("suite", "", spec)
    numbers = [int(part) for part in ids.split(",") if part.strip()]
    if kind == "suite":
        if len(numbers) != 1:
            raise ValueError(f"openml:<suite id> takes one suite, got {spec!r}")
        suite = openml.study.get_suite(numbers[0])
        if not suite.tasks:
            raise ValueError(f"OpenML suite {numbers[0]} lists no tasks")
        return Source(f"openml suite {numbers[0]}", [_task(task_id) for task_id in suite.tasks])
    if kind == "task":
        return Source(f"openml tasks {ids}", [_task(task_id) for task_id in numbers])
    if kind == "data":
        return Source(f"openml data {ids}", [_dataset(data_id) for data_id in numbers])
    raise ValueError(f"unknown OpenML spec {spec!r}: use <suite id>, task=<ids> or data=<ids>")


def _get_task(task_id: int) -> Any:
    import openml

    return openml.tasks.get_task(task_id, download_splits=True, download_data=True, download_qualities=False,
                                 download_features_meta_data=True)


def _task(task_id: int) -> Task:
    task = _get_task(task_id)
    dataset = task.get_dataset()
    target = task.target_name

    def load() -> tuple[pd.DataFrame, pd.Series, dict[str, str]]:
        return _load_dataset(dataset, target)

    def official(folds: int) -> list[Split]:
        n_repeats, n_folds, _ = task.get_split_dimensions()
        if folds != n_folds:
            logger.info("task %d has %d official folds; %d requested: using the official ones", task_id, n_folds,
                        folds)
        splits = [task.get_train_test_split_indices(fold=fold, repeat=0) for fold in range(n_folds)]
        return [(np.asarray(train), np.asarray(test)) for train, test in splits]

    qualities = dataset.qualities or {}
    return Task(name=str(dataset.name), openml_id=int(dataset.dataset_id), task_id=int(task_id),
                n_rows=_quality(qualities, "NumberOfInstances"), n_features=_quality(qualities, "NumberOfFeatures"),
                n_classes=_quality(qualities, "NumberOfClasses"), loader=load, official_splits=official)


def _dataset(data_id: int) -> Task:
    import openml

    dataset = openml.datasets.get_dataset(data_id, download_data=True, download_qualities=False,
                                          download_features_meta_data=True)

    target = dataset.default_target_attribute
    if not target:
        raise ValueError(f"OpenML data set {data_id} ({dataset.name}) declares no target column: use its task "
                         "instead (openml:task=<id>)")

    def load() -> tuple[pd.DataFrame, pd.Series, dict[str, str]]:
        return _load_dataset(dataset, target)

    return Task(name=str(dataset.name), openml_id=int(data_id), n_rows=None, n_features=None, n_classes=None,
                loader=load)


def _load_dataset(dataset: Any, target: str) -> tuple[pd.DataFrame, pd.Series, dict[str, str]]:
    """X, y and the feature types OpenML declares (nominal -> categorical, string -> text)."""
    X, y, categorical, names = dataset.get_data(target=target)
    kinds = {}
    for name, is_categorical in zip(names, categorical):
        if is_categorical:
            kinds[name] = "categorical"
        elif X[name].dtype == object:
            kinds[name] = "text"
        else:
            kinds[name] = "numeric"
    return X, pd.Series(y, name=target), kinds


def _quality(qualities: dict, name: str) -> int | None:
    value = qualities.get(name)
    return None if value is None or not np.isfinite(value) else int(value)
