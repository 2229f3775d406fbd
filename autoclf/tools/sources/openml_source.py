"""OpenML through openml-python: suites, tasks (with their official splits) and data sets.

Imported only when OpenML is asked for. A task the cache holds is read from it with no network at all; one it
lacks is downloaded (into the cache) when openml.org answers, and is otherwise a one-line
``OpenMLUnavailable`` error in seconds (``openml_cache``). A suite's task list needs the server (openml-python
does not cache it); its tasks are listed with their sizes in one call and downloaded only when loaded, so
``--max-rows`` and a choice of tasks download nothing else.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from autoclf.tools.sources import openml_cache
from autoclf.tools.sources.base import Source, Split, Task

logger = logging.getLogger(__name__)


def openml_source(spec: str, cache: str | Path | None = None) -> Source:
    """``"99"`` (a suite), ``"task=31,3"`` (tasks) or ``"data=31,61"`` (data sets, seeded splits); ``cache`` is
    openml-python's cache folder (None: its configured one)."""
    kind, _, ids = spec.partition("=") if "=" in spec else ("suite", "", spec)
    if kind not in ("suite", "task", "data"):
        raise ValueError(f"unknown OpenML spec {spec!r}: use <suite id>, task=<ids> or data=<ids>")
    numbers = [int(part) for part in ids.split(",") if part.strip()]
    openml_cache.use_cache(cache)
    if kind == "suite":
        if len(numbers) != 1:
            raise ValueError(f"openml:<suite id> takes one suite, got {spec!r}")
        return Source(f"openml suite {numbers[0]}", _suite_tasks(numbers[0]))
    if kind == "task":
        return Source(f"openml tasks {ids}", [_task(task_id) for task_id in numbers])
    return Source(f"openml data {ids}", [_dataset(data_id) for data_id in numbers])


def _suite_tasks(suite_id: int) -> list[Task]:
    """The suite's tasks, listed with their sizes in one call; each downloaded when first loaded."""
    import openml

    what = f"OpenML suite {suite_id}"
    openml_cache.require_server(what, "and openml-python keeps no suite's task list in its cache; give the "
                                "suite's tasks by id with --tasks 3,31,... and --openml-cache PATH holding them, or "
                                "benchmark a mirror holding the suite with --suite PATH")
    with openml_cache.fetching(what, None):
        suite = openml.study.get_suite(suite_id)
        if not suite.tasks:
            raise ValueError(f"OpenML suite {suite_id} lists no tasks")
        listing = pd.DataFrame(openml.tasks.list_tasks(task_id=list(suite.tasks), output_format="dataframe"))
    rows = {int(row["tid"]): row for _, row in listing.iterrows()} if "tid" in listing.columns else {}
    return [_listed_task(task_id, rows[task_id]) if task_id in rows else _task(task_id) for task_id in suite.tasks]


def _get_task(task_id: int) -> tuple[Any, openml_cache.Held | None]:
    """The openml-python task, from the cache when it holds every file (no network), else downloaded."""
    import openml

    what = f"OpenML task {task_id}"
    held = openml_cache.holds_task(task_id)
    if held is None:
        openml_cache.require_server(what)
    with openml_cache.fetching(what, held):
        task = openml.tasks.get_task(task_id, download_splits=True, download_data=True,
                                     download_qualities=held is None, download_features_meta_data=True)
    if not hasattr(task, "target_name") or not hasattr(task, "get_train_test_split_indices"):
        raise ValueError(f"{what} is a {task.task_type} task, not a supervised classification task")
    return task, held


def _task(task_id: int) -> Task:
    task, held = _get_task(task_id)
    dataset = task.get_dataset()
    qualities = (dataset.qualities or {}) if held is None or held.qualities else {}
    return Task(name=str(dataset.name), openml_id=int(dataset.dataset_id), task_id=int(task_id),
                n_rows=_quality(qualities, "NumberOfInstances"), n_features=_quality(qualities, "NumberOfFeatures"),
                n_classes=_quality(qualities, "NumberOfClasses"),
                loader=lambda: _load_dataset(dataset, task.target_name),
                official_splits=lambda folds: _official_splits(task, folds))


def _listed_task(task_id: int, row: pd.Series) -> Task:
    """A task known from the suite's listing, fetched from OpenML (or the cache) on first use."""
    fetched: list[Any] = []

    def task() -> Any:
        if not fetched:
            fetched.append(_get_task(task_id)[0])
        return fetched[0]

    return Task(name=str(row["name"]), openml_id=int(row["did"]), task_id=task_id,
                n_rows=_quality(row, "NumberOfInstances"), n_features=_quality(row, "NumberOfFeatures"),
                n_classes=_quality(row, "NumberOfClasses"),
                loader=lambda: _load_dataset(task().get_dataset(), task().target_name),
                official_splits=lambda folds: _official_splits(task(), folds))


def _official_splits(task: Any, folds: int) -> list[Split]:
    """The folds of the task's own estimation procedure (first repeat): 10 for 10-fold CV, 1 for a holdout."""
    _, n_folds, _ = task.get_split_dimensions()
    if folds > n_folds:
        logger.info("task %d has %d official folds (its estimation procedure); %d requested", task.task_id,
                    n_folds, folds)
    splits = [task.get_train_test_split_indices(fold=fold, repeat=0) for fold in range(min(folds, n_folds))]
    return [(np.asarray(train), np.asarray(test)) for train, test in splits]


def _dataset(data_id: int) -> Task:
    import openml

    what = f"OpenML data set {data_id}"
    held = openml_cache.holds_dataset(data_id)
    if held is None:
        openml_cache.require_server(what)
    with openml_cache.fetching(what, held):
        dataset = openml.datasets.get_dataset(data_id, download_data=True, download_qualities=False,
                                              download_features_meta_data=True)
    target = dataset.default_target_attribute
    if not target:
        raise ValueError(f"OpenML data set {data_id} ({dataset.name}) declares no target column: use its task "
                         "instead (openml:task=<id>)")
    return Task(name=str(dataset.name), openml_id=int(data_id), n_rows=None, n_features=None, n_classes=None,
                loader=lambda: _load_dataset(dataset, target))


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


def _quality(qualities: Any, name: str) -> int | None:
    value = qualities.get(name)
    try:
        return None if value is None or not np.isfinite(float(value)) else int(float(value))
    except (TypeError, ValueError):
        return None
