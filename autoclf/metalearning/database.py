"""The meta-database: one versioned JSON file of data sets, their meta-features, best configurations and a
configuration x data set loss matrix.

A file is only useful for the search space it was built for, so it carries a hash of that space and a
schema version; loading checks both and refuses a mismatch with a clear error (``AutoClassifier`` then
warns and starts cold). The space hash is taken of the space built for a fixed reference data set with
every kind of column, so it changes when a component or its hyperparameters change, not with the data.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
DEFAULT_FILE = "metadb.json.gz"


class MetaDatabaseError(ValueError):
    """A meta-database that cannot be used here: unreadable, another schema, or another search space."""


@dataclass(frozen=True)
class DatasetEntry:
    name: str
    openml_id: int | None
    content_hash: str
    metafeatures: dict[str, float]
    best: list[dict[str, Any]]  # [{"config": {...}, "loss": float}], best first


@dataclass(frozen=True)
class MetaDatabase:
    """In-memory meta-database; ``losses[i][j]`` is configuration i on data set j (None: failed)."""

    space_hash: str
    metafeature_names: list[str]
    datasets: list[DatasetEntry]
    configurations: list[dict[str, Any]] = field(default_factory=list)
    losses: list[list[float | None]] = field(default_factory=list)
    metric: str = "auto"
    built: dict[str, Any] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION

    # ---------------------------------------------------------------- views
    def without(self, exclude: Sequence[str | int]) -> "MetaDatabase":
        """The database minus data sets given by name, OpenML id or content hash (leave-one-out, self-exclusion)."""
        keys = {str(key) for key in exclude}
        keep = [j for j, d in enumerate(self.datasets)
                if not ({d.name, str(d.openml_id), d.content_hash} & keys)]
        return replace(self, datasets=[self.datasets[j] for j in keep],
                       losses=[[row[j] for j in keep] for row in self.losses])

    def loss_matrix(self) -> np.ndarray:
        """configurations x data sets, NaN where a configuration failed or was not evaluated."""
        if not self.losses:
            return np.zeros((0, len(self.datasets)))
        return np.array([[np.nan if v is None else v for v in row] for row in self.losses], dtype=float)

    # ------------------------------------------------------------------- io
    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "space_hash": self.space_hash,
            "metric": self.metric,
            "metafeature_names": list(self.metafeature_names),
            "built": self.built,
            "datasets": [
                {"name": d.name, "openml_id": d.openml_id, "content_hash": d.content_hash,
                 "metafeatures": {k: _json_float(v) for k, v in d.metafeatures.items()}, "best": d.best}
                for d in self.datasets
            ],
            "configurations": self.configurations,
            "losses": [[_json_float(v) for v in row] for row in self.losses],
        }

    def save(self, path: str | Path) -> None:
        path = Path(path)
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        if path.suffix == ".gz":
            with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as handle:
                handle.write(text)
        else:
            path.write_text(text)

    @classmethod
    def from_dict(cls, raw: dict[str, Any], expected_space_hash: str | None = None) -> "MetaDatabase":
        version = raw.get("schema_version")
        if version != SCHEMA_VERSION:
            raise MetaDatabaseError(f"meta-database schema version {version!r}, this autoclf reads {SCHEMA_VERSION}")
        if expected_space_hash is not None and raw.get("space_hash") != expected_space_hash:
            raise MetaDatabaseError(
                f"meta-database built for search space {raw.get('space_hash')!r}, this autoclf searches "
                f"{expected_space_hash!r}: rebuild it with `autoclf metadb rebuild`")
        try:
            datasets = [DatasetEntry(d["name"], d.get("openml_id"), d["content_hash"],
                                     {k: _from_json(v) for k, v in d["metafeatures"].items()}, list(d["best"]))
                        for d in raw["datasets"]]
            database = cls(space_hash=raw["space_hash"], metafeature_names=list(raw["metafeature_names"]),
                           datasets=datasets, configurations=list(raw.get("configurations", [])),
                           losses=[list(row) for row in raw.get("losses", [])], metric=raw.get("metric", "auto"),
                           built=dict(raw.get("built", {})))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise MetaDatabaseError(f"meta-database is malformed: missing or bad field {error}") from error
        if database.losses and (len(database.losses) != len(database.configurations)
                                or any(len(row) != len(datasets) for row in database.losses)):
            raise MetaDatabaseError("meta-database is malformed: the loss matrix does not match its axes")
        return database


def load_database(path: str | Path | None = None, expected_space_hash: str | None = None) -> MetaDatabase:
    """Read a meta-database file (default: the one shipped in ``data/``), checking schema and space hash."""
    from autoclf.data_files import data_path

    try:
        path = data_path(DEFAULT_FILE) if path is None else Path(path)
        opener = gzip.open if str(path).endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as handle:
            raw = json.load(handle)
    except (OSError, EOFError, ValueError, UnicodeDecodeError) as error:
        raise MetaDatabaseError(f"cannot read the meta-database {path}: {error}") from error
    if not isinstance(raw, dict):
        raise MetaDatabaseError(f"{path} does not hold a meta-database")
    return MetaDatabase.from_dict(raw, expected_space_hash)


def reference_space_hash(registry: Any = None) -> str:
    """Hash of the space for a reference data set with numeric, categorical and boolean columns and missing
    values: every component applies (optional libraries count as installed), so a change to any of them
    changes the hash."""
    return _default_reference_hash() if registry is None else _reference_hash(registry)


@functools.lru_cache(maxsize=1)
def _default_reference_hash() -> str:
    """Built once per process: building a whole space is not free on a busy machine."""
    return _reference_hash(None)


def _reference_hash(registry: Any) -> str:
    from autoclf.configspace.builder import space_hash

    return space_hash(reference_space(registry))


def reference_space(registry: Any = None) -> Any:
    """The space for the reference data set (every kind of column, missing values, three classes), with every
    component of ``registry`` (default: the shipped one) whether its library is installed or not."""
    from autoclf.components.registry import default_registry
    from autoclf.configspace.builder import build_configuration_space
    from autoclf.dataset.info import DatasetInfo

    info = DatasetInfo(n_rows=1000, n_classes=3, class_counts=(400, 350, 250),
                       numeric_columns=tuple(f"n{i}" for i in range(8)),
                       categorical_columns=("c0", "c1", "c2"), boolean_columns=("b0",), has_missing=True)
    # every component, installed or not: a machine without an optional boosting library reads the same file
    return build_configuration_space(info, registry or default_registry(), seed=0, check_applicable=False)


def content_hash(frame: Any, y: np.ndarray) -> str:
    """A fingerprint of the canonical data (values and labels, not column names), to spot a data set that is
    already in the database however it was loaded."""
    import pandas as pd

    hashed = pd.util.hash_pandas_object(frame.reset_index(drop=True), index=False).to_numpy()
    digest = hashlib.sha256(hashed.tobytes())
    digest.update(np.asarray(y, dtype=np.int64).tobytes())
    digest.update(str(frame.shape).encode())
    return digest.hexdigest()[:16]


def _json_float(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _from_json(value: Any) -> float:
    return float("nan") if value is None else float(value)
