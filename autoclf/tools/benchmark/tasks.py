"""Which tasks a benchmark runs: a suite name resolved to ``autoclf.tools.sources`` tasks.

The data itself is read only through ``autoclf.tools.sources`` (the interface the meta-database rebuild uses
too); this module only maps the benchmark's suite names (``quick``, ``cc18``, ``amlb``, a study id, a
mirror folder) onto source specs, and falls back to the local mirror's suite columns when OpenML cannot
be reached, so the same command works online and offline.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from autoclf.tools.provenance import REPOSITORY
from autoclf.tools.sources import Source, Task, open_source
from autoclf.tools.sources.mirror import mirror_source

logger = logging.getLogger(__name__)

#: OpenML study ids of the suites everyone reports on, and the manifest column value of each in a mirror
SUITES: dict[str, tuple[int, str]] = {"cc18": (99, "cc18"), "amlb": (271, "amlb")}
#: suites listed in a file of data/ (shipped in the wheel), read from the mirror
LISTED_SUITES = {"quick": "benchmark_suite.csv", "race": "race_suite.csv"}


@dataclass(frozen=True)
class BenchTask:
    """A task plus the source spec a worker-free reload needs (the spec of one task, not of a whole suite)."""

    task: Task
    source: str

    @property
    def name(self) -> str:
        return self.task.name


def default_mirror() -> Path:
    """``$AUTOCLF_MIRROR``, else ``../shared/datasets`` beside the repository (the layout of this project)."""
    return Path(os.environ.get("AUTOCLF_MIRROR", REPOSITORY.parent / "shared" / "datasets"))


def resolve_tasks(suite: str, names: list[str] | None = None, mirror: str | Path | None = None,
                  max_rows: int | None = None) -> list[BenchTask]:
    """Tasks of ``suite``: "quick" or "race" (lists in data/, read from the mirror), "cc18", "amlb", an OpenML
    study id, or a mirror folder. ``names`` picks tasks by name or OpenML id."""
    mirror_path = Path(mirror) if mirror is not None else default_mirror()
    if suite in LISTED_SUITES:
        from autoclf.data_files import data_path

        wanted = names or [str(name) for name in pd.read_csv(data_path(LISTED_SUITES[suite]))["name"]]
        return _from_source(mirror_source(mirror_path), str(mirror_path), wanted, max_rows)
    if suite in SUITES or suite.isdigit():
        study = SUITES[suite][0] if suite in SUITES else int(suite)
        column = next((mirror_name for number, mirror_name in SUITES.values() if number == study), suite)
        try:
            source = open_source(f"openml:{study}")
        except Exception as error:  # no network, no cache: the mirror's copy of the suite, if it has one
            logger.warning("OpenML study %d unreachable (%s); using the mirror %s", study, error, mirror_path)
            return _mirror_suite(mirror_path, column, names, max_rows)
        return [BenchTask(task, f"openml:task={task.task_id}") for task in source.tasks(names, max_rows)]
    path = Path(suite)
    if not path.is_dir():
        raise SystemExit(f"autoclf benchmark: --suite {suite!r} is neither quick, cc18, amlb, a study id nor a "
                         f"folder")
    return _from_source(mirror_source(path), str(path), names, max_rows)


def load_task(source: str, name: str) -> Task:
    """One task again from its spec (used by the runner, which may run in a fresh process on resume)."""
    return open_source(source).tasks([name])[0]


def _mirror_suite(mirror: Path, column: str, names: list[str] | None, max_rows: int | None) -> list[BenchTask]:
    manifest = pd.read_csv(mirror / "manifest.csv")
    if "suite" not in manifest.columns:
        raise SystemExit(f"autoclf benchmark: the mirror {mirror} has no suite column to find {column!r} in")
    members = manifest[manifest["suite"].fillna("").str.split(";").apply(lambda parts: column in parts)]
    if members.empty:
        raise SystemExit(f"autoclf benchmark: the mirror {mirror} holds no task of suite {column!r}")
    logger.warning("mirror copy of %s: %d tasks (stratified folds from a fixed seed, not the official splits)",
                   column, len(members))
    wanted = names or [str(name) for name in members["name"]]
    return _from_source(mirror_source(mirror), str(mirror), wanted, max_rows)


def _from_source(source: Source, spec: str, names: list[str] | None, max_rows: int | None) -> list[BenchTask]:
    try:
        tasks = source.tasks(names, max_rows)
    except KeyError as error:
        raise SystemExit(f"autoclf benchmark: {error.args[0]}") from None
    return [BenchTask(task, spec) for task in tasks]
