"""The Source/Task interface every data source gives (a local mirror: ``mirror``; OpenML: ``openml_source``)."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

logger = logging.getLogger(__name__)

Split = tuple[np.ndarray, np.ndarray]


@dataclass
class Task:
    """One classification task: data loaded on first use, splits official (OpenML) or seeded (mirror).

    ``name`` is unique within its source; ``openml_id`` is the OpenML data set id when known (it is what the
    meta-database uses to exclude a data set from its own neighbours).
    """

    name: str
    openml_id: int | None
    n_rows: int | None
    n_features: int | None
    n_classes: int | None
    loader: Callable[[], tuple[pd.DataFrame, pd.Series, dict[str, str] | None]] = field(repr=False)
    official_splits: Callable[[int], list[Split]] | None = field(default=None, repr=False)
    task_id: int | None = None
    _cache: tuple | None = field(default=None, repr=False)

    def load(self) -> tuple[pd.DataFrame, pd.Series, dict[str, str] | None]:
        """X, y and feature types (None: let autoclf infer them), read once and cached."""
        if self._cache is None:
            self._cache = self.loader()
        return self._cache

    @property
    def X(self) -> pd.DataFrame:
        """The features (loaded on first use)."""
        return self.load()[0]

    @property
    def y(self) -> pd.Series:
        """The labels (loaded on first use)."""
        return self.load()[1]

    @property
    def feature_types(self) -> dict[str, str] | None:
        """The source's feature type per column, for ``AutoClassifier(feature_types=...)`` (None: inferred)."""
        return self.load()[2]

    def splits(self, folds: int = 10, seed: int = 0) -> list[Split]:
        """Train/test row indices: OpenML's own folds when the task has them, else stratified K-fold."""
        if self.official_splits is not None:
            official = self.official_splits(folds)
            if official:
                return official
        from sklearn.model_selection import StratifiedKFold

        y = self.y.to_numpy()
        smallest = int(pd.Series(y).value_counts().min())
        n_splits = max(2, min(folds, smallest)) if smallest >= 2 else 2
        if n_splits < folds:
            logger.warning("task %s: %d folds requested, the smallest class allows %d", self.name, folds, n_splits)
        if smallest < 2:
            from sklearn.model_selection import KFold

            return list(KFold(n_splits, shuffle=True, random_state=seed).split(np.zeros(len(y))))
        return list(StratifiedKFold(n_splits, shuffle=True, random_state=seed).split(np.zeros(len(y)), y))


class Source:
    """A named collection of tasks."""

    def __init__(self, name: str, tasks: Sequence[Task]):
        self.name = name
        self._tasks = list(tasks)

    def tasks(self, names: Sequence[str | int] | None = None, max_rows: int | None = None) -> list[Task]:
        """Tasks by name or OpenML id (all when ``names`` is None), optionally only those with few rows."""
        chosen = self._tasks
        if names is not None:
            wanted = {str(name) for name in names}
            chosen = [t for t in chosen if t.name in wanted or str(t.openml_id) in wanted]
            found = {t.name for t in chosen} | {str(t.openml_id) for t in chosen}
            missing = sorted(wanted - found)
            if missing:
                raise KeyError(f"source {self.name}: no task named {missing}")
        if max_rows is not None:
            chosen = [t for t in chosen if t.n_rows is None or t.n_rows <= max_rows]
        return list(chosen)

    def __iter__(self) -> Iterator[Task]:
        return iter(self._tasks)

    def __len__(self) -> int:
        return len(self._tasks)
