"""``autoclf metadb rebuild``: the meta-database from real searches and a dense matrix, resumable.

Phases, each per data set and written to ``work_dir`` when complete (a killed rebuild resumes where it
stopped; copy ``work_dir`` to another machine and it resumes there):

1. search (``search``): a real cold autoclf search per data set;
2. meta-features: cheap, recomputed when ``metafeatures.py`` changes;
3. matrix (``matrix``): the candidates (each search's best few distinct configurations, and the
   family defaults) evaluated on every data set with one protocol; new candidates only add cells;
4. assemble: the database file from whatever is complete, with its provenance.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autoclf.metalearning.database import DEFAULT_SOURCE, Candidate, DatasetEntry, MetaDatabase, reference_space_hash
from autoclf.tools.metadb.jobs import run_jobs
from autoclf.tools.metadb.matrix import MatrixProtocol, evaluate_dataset, missing_cells, read_cells
from autoclf.tools.metadb.search import (
    SearchSettings,
    plain,
    provenance,
    quiet_threads,
    search_one,
    search_record_path,
    slug,
    write_json,
)

logger = logging.getLogger(__name__)

PHASES = ("assemble", "search", "matrix", "all")


@dataclass
class RebuildSettings:
    search: SearchSettings = field(default_factory=SearchSettings)
    matrix: MatrixProtocol = field(default_factory=MatrixProtocol)
    candidates_per_dataset: int = 2  # each search's best distinct configurations taken into the matrix
    workers: int = 1
    metafeature_time_limit: float = 60.0


def rebuild(source_spec: str, output: str | Path, work_dir: str | Path, settings: RebuildSettings,
            names: list[str] | None = None, max_rows: int | None = None, phase: str = "all") -> MetaDatabase:
    """Run (or resume) the phases up to ``phase`` and write the database of what is complete to ``output``;
    "assemble" only computes missing meta-features and writes the database of the work done so far."""
    from autoclf.tools.sources import open_source

    if phase not in PHASES:
        raise ValueError(f"phase must be one of {PHASES}, got {phase!r}")
    started = time.perf_counter()
    work = Path(work_dir)
    tasks = open_source(source_spec).tasks(names, max_rows=max_rows)
    tasks.sort(key=lambda t: (t.n_rows or 0) * (t.n_features or 1))  # small first: many complete early
    logger.info("rebuild on %d tasks from %s into %s", len(tasks), source_spec, work)
    if phase != "assemble":
        run_jobs(search_one, [(source_spec, t.name, str(work), settings.search) for t in tasks
                              if not search_record_path(work, t.name).exists()], settings.workers)
    read = {t.name: _read(search_record_path(work, t.name)) for t in tasks}
    searches: dict[str, dict] = {name: record for name, record in read.items() if record is not None}
    run_jobs(metafeatures_one, [(source_spec, name, str(work), settings.metafeature_time_limit) for name in searches
                                if not _metafeatures_current(work, name)], settings.workers)
    candidates = collect_candidates(list(searches.values()), settings.candidates_per_dataset, settings.search.include)
    if phase in ("matrix", "all"):
        # rank by rank: every search's best on every data set first, so a stopped rebuild has a dense matrix
        for depth in range(1, settings.candidates_per_dataset + 1):
            tier = collect_candidates(list(searches.values()), depth, settings.search.include)
            jobs = [(source_spec, name, str(work), settings.matrix, tier) for name in searches
                    if missing_cells(work, name, tier, settings.matrix)]
            run_jobs(evaluate_dataset, jobs, settings.workers)
    database = assemble(work, list(searches.values()), candidates, settings,
                        {"source": source_spec, "wall_seconds_this_session": round(time.perf_counter() - started, 1)})
    database.save(output)
    logger.info("meta-database written to %s: %d data sets, %d candidates", output, len(database.datasets),
                len(database.candidates))
    return database


# ------------------------------------------------------------------------------------------- candidates
def collect_candidates(searches: list[dict], per_dataset: int, include: list[str] | None = None
                       ) -> list[dict[str, Any]]:
    """The matrix's rows: the space's default and the family defaults, then each search's best
    ``per_dataset`` distinct configurations, rank by rank (every data set's best before any second best).
    Each is ``{"key", "fingerprint", "config", "sources"}``; sources name the searches that found it."""
    from autoclf.metalearning.fingerprints import configuration_fingerprint, configuration_key

    rows: dict[str, dict[str, Any]] = {}

    def add(config: dict, source: str) -> None:
        key = configuration_key(config)
        row = rows.setdefault(key, {"key": key, "fingerprint": configuration_fingerprint(config),
                                    "config": config, "sources": []})
        if source not in row["sources"]:
            row["sources"].append(source)

    for config in family_default_configurations(include):
        add(config, DEFAULT_SOURCE)
    for rank in range(per_dataset):
        for search in sorted(searches, key=lambda s: s["name"]):
            if rank < len(search["best"]):
                add(search["best"][rank]["config"], search["name"])
    return list(rows.values())


def family_default_configurations(include: list[str] | None = None) -> list[dict[str, Any]]:
    """The configurations a cold fit starts with (the space's default, then ``FAMILY_DEFAULTS``), on the
    reference space, as plain dicts."""
    from autoclf.configspace.builder import choice_name
    from autoclf.metalearning.database import reference_space
    from autoclf.optimization.initial_design import classifier_defaults

    space = reference_space()
    configs = [space.get_default_configuration(), *classifier_defaults(space)]
    chosen = [plain(dict(config)) for config in configs]
    return [c for c in chosen if include is None or c[choice_name("classifier")] in include]


# ---------------------------------------------------------------------------------------- meta-features
def metafeatures_one(source_spec: str, name: str, work: str, time_limit: float) -> str:
    """Meta-features and identity hashes of the whole data set, tagged with the meta-feature code's version."""
    from autoclf.dataset.validator import InputValidator
    from autoclf.metalearning.database import content_hash, schema_hash
    from autoclf.metalearning.metafeatures import metafeatures_of_canonical
    from autoclf.tools.sources import open_source

    quiet_threads()
    task = open_source(source_spec).tasks([name])[0]
    X, y, kinds = task.load()
    validator = InputValidator(feature_types=kinds)
    frame, codes = validator.fit_transform(X, y)
    started = time.perf_counter()
    features = metafeatures_of_canonical(frame, codes, validator.info_, time_limit, 0)
    write_json(Path(work) / "metafeatures" / f"{slug(name)}.json", {
        "name": task.name, "openml_id": task.openml_id, "version": metafeatures_version(),
        "content_hash": content_hash(frame, codes),
        "schema_hash": schema_hash(validator.feature_names_in_, validator.classes_),
        "n_rows": int(len(frame)), "n_classes": int(validator.info_.n_classes), "metafeatures": features,
        "seconds": round(time.perf_counter() - started, 2)})
    return f"{name}: {sum(v == v for v in features.values())} meta-features"


def metafeatures_version() -> str:
    """A hash of the meta-feature code: stored values are recomputed when it changes."""
    from autoclf.metalearning import metafeatures

    return hashlib.sha256(Path(metafeatures.__file__).read_bytes()).hexdigest()[:12]


def _metafeatures_current(work: Path, name: str) -> bool:
    record = _read(work / "metafeatures" / f"{slug(name)}.json")
    return record is not None and record.get("version") == metafeatures_version()


# -------------------------------------------------------------------------------------------- assemble
def assemble(work: Path, searches: list[dict], candidates: list[dict], settings: RebuildSettings,
             built: dict[str, Any]) -> MetaDatabase:
    """The database of every data set with a search and meta-features, and every cell measured so far."""
    from autoclf.metalearning.metafeatures import METAFEATURE_NAMES

    entries, columns = [], []
    for search in sorted(searches, key=lambda s: s["name"]):
        features = _read(work / "metafeatures" / f"{slug(search['name'])}.json")
        if features is None:
            continue
        best = [{"config": b["config"], "loss": b["loss"], "fingerprint": b["fingerprint"]} for b in search["best"]]
        entries.append(DatasetEntry(search["name"], search.get("openml_id"), features["content_hash"],
                                    features["metafeatures"], best, features.get("schema_hash"),
                                    features.get("n_rows"), features.get("n_classes")))
        columns.append(read_cells(work, search["name"], settings.matrix))
    metrics = sorted({metric for cells in columns for cell in cells.values() for metric in cell.get("losses", {})})
    losses: dict[str, list[list[float | None]]] = {metric: [] for metric in metrics}
    seconds = []
    for candidate in candidates:
        cells = [column.get(candidate["key"]) for column in columns]
        cells = [cell if cell and cell.get("fingerprint") == candidate["fingerprint"] else None for cell in cells]
        for metric in metrics:
            losses[metric].append([_cell_loss(cell, metric) for cell in cells])
        seconds.append([[cell["fit_s"], cell["predict_s"]] if cell and "fit_s" in cell else None for cell in cells])
    n_cells = sum(cell is not None for row in seconds for cell in row)
    return MetaDatabase(
        space_hash=reference_space_hash(),
        metafeature_names=list(METAFEATURE_NAMES),
        datasets=entries,
        candidates=[Candidate(c["config"], c["fingerprint"], tuple(c["sources"])) for c in candidates],
        losses=losses,
        seconds=seconds,
        built={**built, **provenance(), "search": settings.search.__dict__, "matrix": settings.matrix.__dict__,
               "candidates_per_dataset": settings.candidates_per_dataset, "n_datasets": len(entries),
               "n_candidates": len(candidates), "cells_measured": n_cells,
               "search_seconds": round(sum(s.get("seconds", 0) for s in searches), 1)},
    )


def _cell_loss(cell: dict | None, metric: str) -> float | None:
    """The cell's loss; a failed evaluation (crash, timeout, memout) the metric's worst; not measured: None."""
    if cell is None or cell.get("status") == "not applicable":
        return None
    if "losses" in cell:
        return cell["losses"].get(metric)
    from autoclf.metrics import get_metric

    return float(get_metric(metric, 3 if metric not in ("f1", "average_precision") else 2).worst_loss)


def _read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None
