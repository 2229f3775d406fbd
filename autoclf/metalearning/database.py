"""The meta-database: one versioned JSON file of data sets (identity, meta-features, best configurations
found by a real search), candidate configurations, and a candidate x data set matrix of losses under every
metric fit offers, with fit and predict seconds.

Stored knowledge outlives code changes only where it still applies: every candidate and every stored best
configuration carries the fingerprint of the components it uses (``metalearning.fingerprints``); on load,
entries whose components changed are dropped (a rebuild recomputes only them), and a file that has nothing
left for this space is refused with a clear error (``AutoClassifier`` then warns and starts cold).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from autoclf.metalearning.fingerprints import reference_space, reference_space_hash  # noqa: F401 (re-exported)

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 2
DEFAULT_FILE = "metadb.json.gz"
#: where a candidate came from when it is a component's default rather than a search's best
DEFAULT_SOURCE = "default"


class MetaDatabaseError(ValueError):
    """A meta-database that cannot be used here: unreadable, another schema, or nothing valid for this space."""


@dataclass(frozen=True)
class DatasetEntry:
    name: str
    openml_id: int | None
    content_hash: str
    metafeatures: dict[str, float]
    best: list[dict[str, Any]]  # [{"config": {...}, "loss": float, "fingerprint": str}], best first
    schema_hash: str | None = None  # column names and class labels: a split of the data set has the same one
    n_rows: int | None = None
    n_classes: int | None = None


@dataclass(frozen=True)
class Candidate:
    """A configuration of the matrix: a search's best ones or a family default (``sources``: data set names,
    or ``DEFAULT_SOURCE``)."""

    config: dict[str, Any]
    fingerprint: str
    sources: tuple[str, ...] = ()

    @property
    def family(self) -> str:
        """The classifier the configuration chooses."""
        return str(self.config.get("classifier:__choice__"))


@dataclass(frozen=True)
class MetaDatabase:
    """In-memory meta-database. ``losses[metric][i][j]``: candidate i on data set j (None: not evaluated; a
    failed evaluation holds the metric's worst loss); ``seconds[i][j]``: [fit, predict] seconds or None."""

    space_hash: str
    metafeature_names: list[str]
    datasets: list[DatasetEntry]
    candidates: list[Candidate] = field(default_factory=list)
    losses: dict[str, list[list[float | None]]] = field(default_factory=dict)
    seconds: list[list[list[float] | None]] = field(default_factory=list)
    built: dict[str, Any] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION

    # ---------------------------------------------------------------- views
    @property
    def configurations(self) -> list[dict[str, Any]]:
        """The candidates' configurations, in matrix row order."""
        return [candidate.config for candidate in self.candidates]

    @property
    def metrics(self) -> list[str]:
        """The metrics that have a loss matrix, sorted."""
        return sorted(self.losses)

    def without(self, exclude: Sequence[str | int | None]) -> "MetaDatabase":
        """The database minus data sets given by name, OpenML id, content hash or schema hash (leave-one-out,
        self-exclusion), and minus the candidates that only those data sets contributed: a configuration
        that a held-out data set's own search found must not come back through the portfolio."""
        keys = {str(key) for key in exclude if key is not None}
        gone = {d.name for d in self.datasets if {d.name, str(d.openml_id), d.content_hash, d.schema_hash} & keys}
        if not gone:
            return self
        keep_columns = [j for j, d in enumerate(self.datasets) if d.name not in gone]
        keep_rows = [i for i, c in enumerate(self.candidates) if not c.sources or set(c.sources) - gone]
        return self._subset(keep_rows, keep_columns)

    def loss_matrix(self, metric: str) -> np.ndarray:
        """candidates x data sets for ``metric``, NaN where not evaluated (failures hold the worst loss)."""
        rows = self.losses.get(metric)
        if not rows:
            return np.full((len(self.candidates), len(self.datasets)), np.nan)
        return np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)

    def seconds_matrix(self) -> np.ndarray:
        """candidates x data sets: fit + predict seconds of one evaluation, NaN where not evaluated."""
        if not self.seconds:
            return np.full((len(self.candidates), len(self.datasets)), np.nan)
        return np.array([[np.nan if v is None else float(sum(v)) for v in row] for row in self.seconds], dtype=float)

    def valid_for(self, fingerprints: dict[str, str]) -> "MetaDatabase":
        """Only the entries whose components are unchanged in this code (``component_fingerprints()``)."""
        from autoclf.metalearning.fingerprints import configuration_fingerprint

        def current(config: dict, stored: str | None) -> bool:
            return stored is not None and configuration_fingerprint(config, fingerprints) == stored

        rows = [i for i, c in enumerate(self.candidates) if current(c.config, c.fingerprint)]
        datasets = [replace(d, best=[b for b in d.best if current(b["config"], b.get("fingerprint"))])
                    for d in self.datasets]
        stale = len(self.candidates) - len(rows)
        stale += sum(len(old.best) - len(new.best) for old, new in zip(self.datasets, datasets))
        if stale:
            logger.info("meta-database: %d entries left out, their components changed since the rebuild", stale)
        return replace(self._subset(rows, list(range(len(self.datasets)))), datasets=datasets)

    def _subset(self, rows: list[int], columns: list[int]) -> "MetaDatabase":
        return replace(
            self,
            datasets=[self.datasets[j] for j in columns],
            candidates=[self.candidates[i] for i in rows],
            losses={m: [[matrix[i][j] for j in columns] for i in rows] for m, matrix in self.losses.items()},
            seconds=[[self.seconds[i][j] for j in columns] for i in rows] if self.seconds else [],
        )

    # ------------------------------------------------------------------- io
    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form ``save`` writes and ``from_dict`` reads."""
        return {
            "schema_version": self.schema_version,
            "space_hash": self.space_hash,
            "metafeature_names": list(self.metafeature_names),
            "built": self.built,
            "datasets": [
                {"name": d.name, "openml_id": d.openml_id, "content_hash": d.content_hash,
                 "schema_hash": d.schema_hash, "n_rows": d.n_rows, "n_classes": d.n_classes,
                 "metafeatures": {k: _json_float(v) for k, v in d.metafeatures.items()}, "best": d.best}
                for d in self.datasets
            ],
            "candidates": [{"config": c.config, "fingerprint": c.fingerprint, "sources": list(c.sources)}
                           for c in self.candidates],
            "losses": {m: [[_json_float(v, 6) for v in row] for row in matrix] for m, matrix in self.losses.items()},
            "seconds": [[None if v is None else [round(float(s), 3) for s in v] for v in row] for row in self.seconds],
        }

    def save(self, path: str | Path) -> None:
        """Write the database as JSON (gzip-compressed when ``path`` ends in .gz)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        if path.suffix == ".gz":
            with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as handle:
                handle.write(text)
        else:
            path.write_text(text)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> "MetaDatabase":
        """The database from ``to_dict``'s form; MetaDatabaseError for another schema version or a malformed one."""
        version = raw.get("schema_version")
        if version != SCHEMA_VERSION:
            raise MetaDatabaseError(f"meta-database schema version {version!r}, this autoclf reads {SCHEMA_VERSION}: "
                                    "rebuild it with `autoclf metadb rebuild`")
        try:
            datasets = [DatasetEntry(d["name"], d.get("openml_id"), d["content_hash"],
                                     {k: _from_json(v) for k, v in d["metafeatures"].items()}, list(d["best"]),
                                     d.get("schema_hash"), d.get("n_rows"), d.get("n_classes"))
                        for d in raw["datasets"]]
            candidates = [Candidate(dict(c["config"]), c.get("fingerprint"), tuple(c.get("sources", ())))
                          for c in raw.get("candidates", [])]
            losses = {str(m): [list(row) for row in matrix] for m, matrix in raw.get("losses", {}).items()}
            database = cls(space_hash=raw["space_hash"], metafeature_names=list(raw["metafeature_names"]),
                           datasets=datasets, candidates=candidates, losses=losses,
                           seconds=[list(row) for row in raw.get("seconds", [])], built=dict(raw.get("built", {})))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise MetaDatabaseError(f"meta-database is malformed: missing or bad field {error}") from error
        shapes = [matrix for matrix in database.losses.values()] + ([database.seconds] if database.seconds else [])
        if any(len(matrix) != len(candidates) or any(len(row) != len(datasets) for row in matrix) for matrix in shapes):
            raise MetaDatabaseError("meta-database is malformed: a matrix does not match its axes")
        return database


def load_database(path: str | Path | None = None, check_space: bool = False) -> MetaDatabase:
    """Read a meta-database file (default: the one shipped in ``data/``), checking its schema; with
    ``check_space``, keep only the entries valid for this code and refuse a file with none left."""
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
    database = MetaDatabase.from_dict(raw)
    return checked_for_this_space(database) if check_space else database


def checked_for_this_space(database: MetaDatabase) -> MetaDatabase:
    """The entries still valid for this code's components; an error when none is."""
    from autoclf.metalearning.fingerprints import component_fingerprints

    if database.space_hash == reference_space_hash():
        return database  # nothing changed since the rebuild: skip the per-entry checks
    valid = database.valid_for(component_fingerprints())
    if not valid.candidates and not any(d.best for d in valid.datasets):
        raise MetaDatabaseError(
            f"meta-database built for search space {database.space_hash!r}, this autoclf searches "
            f"{reference_space_hash()!r} and none of its entries fits: rebuild it with `autoclf metadb rebuild`")
    return valid


def content_hash(frame: Any, y: np.ndarray) -> str:
    """A fingerprint of the canonical data (values and labels, not column names), to spot a data set that is
    already in the database however it was loaded."""
    import pandas as pd

    hashed = pd.util.hash_pandas_object(frame.reset_index(drop=True), index=False).to_numpy()
    digest = hashlib.sha256(hashed.tobytes())
    digest.update(np.asarray(y, dtype=np.int64).tobytes())
    digest.update(str(frame.shape).encode())
    return digest.hexdigest()[:16]


def schema_hash(columns: Iterable[Any], classes: Iterable[Any]) -> str:
    """A fingerprint of the column names and class labels: a train split or a subsample of a database data
    set has the same one as the whole, where the content hash differs (self-exclusion by identity)."""
    text = json.dumps([[str(c) for c in columns], sorted(str(c) for c in classes)])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _json_float(value: Any, digits: int | None = None) -> float | None:
    if value is None:
        return None
    value = float(value)
    if not math.isfinite(value):
        return None
    return float(f"{value:.{digits}g}") if digits else value


def _from_json(value: Any) -> float:
    return float("nan") if value is None else float(value)
