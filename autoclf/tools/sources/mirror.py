"""A local mirror of OpenML data: ``manifest.csv`` beside parquet files, target column last."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from autoclf.tools.sources.base import Source, Task

logger = logging.getLogger(__name__)


def mirror_source(folder: Path) -> Source:
    """A local mirror: ``manifest.csv`` (file, name, openml_did, n_rows, ...) beside parquet files, target last."""
    manifest_path = folder / "manifest.csv"
    if not manifest_path.exists():
        raise FileNotFoundError(f"{folder} is not a data mirror: it has no manifest.csv")
    manifest = pd.read_csv(manifest_path)
    tasks = []
    for row in manifest.itertuples(index=False):
        path = folder / row.file
        if not path.exists():
            logger.warning("mirror %s lists %s, which is missing; skipped", folder, row.file)
            continue
        tasks.append(Task(
            name=str(row.name),
            openml_id=_int_or_none(getattr(row, "openml_did", None)),
            n_rows=_int_or_none(getattr(row, "n_rows", None)),
            n_features=_int_or_none(getattr(row, "n_features", None)),
            n_classes=_int_or_none(getattr(row, "n_classes", None)),
            task_id=_int_or_none(getattr(row, "openml_task_id", None)),
            loader=_parquet_loader(path),
        ))
    return Source(str(folder), tasks)


def _parquet_loader(path: Path) -> Callable[[], tuple[pd.DataFrame, pd.Series, None]]:
    def load() -> tuple[pd.DataFrame, pd.Series, None]:
        frame = pd.read_parquet(path)
        return frame.iloc[:, :-1], frame.iloc[:, -1], None

    return load


def _int_or_none(value: Any) -> int | None:
    try:
        if value is None or pd.isna(value):
            return None
        return int(value)
    except (TypeError, ValueError):
        return None
