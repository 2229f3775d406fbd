"""Which tasks a benchmark runs: a suite name, or OpenML task ids, resolved to ``autoclf.tools.sources`` tasks.

The data itself is read only through ``autoclf.tools.sources`` (the interface the meta-database rebuild uses
too); this module only maps the benchmark's choices (``quick``, ``race``, ``cc18``, ``amlb``, a study id, a
mirror folder, OpenML task ids) onto source specs. When OpenML cannot be reached, ``cc18`` and ``amlb`` fall
back to the local mirror's copy of the suite (unless an OpenML cache was named); anything else OpenML was
asked for ends in one ``OpenMLUnavailable`` line.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from autoclf.tools.provenance import REPOSITORY
from autoclf.tools.sources import OpenMLUnavailable, Source, Task, open_source
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


def resolve_tasks(suite: str | None, names: list[str] | None = None, mirror: str | Path | None = None,
                  max_rows: int | None = None, openml_cache: str | Path | None = None) -> list[BenchTask]:
    """Tasks of ``suite``: "quick" or "race" (lists in data/, read from the mirror), "cc18", "amlb", an OpenML
    study id, a mirror folder, or "openml" (the OpenML task ids in ``names``, with their official splits).
    ``names`` picks tasks of a suite by name or OpenML data id. No suite: "openml" when every name is a number,
    else "quick". ``openml_cache`` is openml-python's cache folder (None: its configured one)."""
    if suite is None:
        suite = "openml" if names and all(name.strip().isdigit() for name in names) else "quick"
    mirror_path = Path(mirror) if mirror is not None else default_mirror()
    if suite in LISTED_SUITES:
        from autoclf.data_files import data_path

        wanted = names or [str(name) for name in pd.read_csv(data_path(LISTED_SUITES[suite]))["name"]]
        return _from_source(mirror_source(mirror_path), str(mirror_path), wanted, max_rows)
    if suite == "openml":
        return _openml_tasks(names, max_rows, openml_cache)
    if suite in SUITES or suite.isdigit():
        study = SUITES[suite][0] if suite in SUITES else int(suite)
        column = next((mirror_name for number, mirror_name in SUITES.values() if number == study), suite)
        try:
            source = open_source(f"openml:{study}", openml_cache=openml_cache)
        except OpenMLUnavailable as error:  # the mirror's copy of the suite, if it has one and no cache was named
            if openml_cache is None and _mirror_holds(mirror_path, column):
                logger.warning("OpenML study %d unreachable (%s); using the mirror %s", study, error, mirror_path)
                return _mirror_suite(mirror_path, column, names, max_rows)
            named = f"OpenML suite {study} (--suite {suite})" if suite != str(study) else f"OpenML suite {study}"
            raise OpenMLUnavailable(str(error).replace(f"OpenML suite {study}", named, 1)) from None
        return _from_source(source, None, names, max_rows, unique=True)
    path = Path(suite)
    if not path.is_dir():
        raise SystemExit(f"autoclf benchmark: --suite {suite!r} is neither quick, race, cc18, amlb, openml, a study "
                         f"id nor a folder")
    return _from_source(mirror_source(path), str(path), names, max_rows)


def _openml_tasks(ids: list[str] | None, max_rows: int | None, cache: str | Path | None) -> list[BenchTask]:
    """OpenML tasks by id, each with its own estimation procedure's splits."""
    if not ids:
        raise ValueError("--suite openml needs OpenML task ids: --tasks 3,31")
    wrong = [text for text in ids if not text.strip().isdigit()]
    if wrong:
        raise ValueError(f"--tasks {','.join(ids)}: OpenML task ids are numbers, not {wrong}; give names with "
                         "--suite (quick, race, cc18, amlb or a mirror folder)")
    source = open_source("openml:task=" + ",".join(text.strip() for text in ids), openml_cache=cache)
    return _from_source(source, None, None, max_rows, unique=True)


def load_task(source: str, name: str) -> Task:
    """One task again from its spec (used by the runner, which may run in a fresh process on resume)."""
    return open_source(source).tasks([name])[0]


def _mirror_holds(mirror: Path, column: str) -> bool:
    """Whether the mirror lists tasks of suite ``column`` (its manifest's ``suite`` column)."""
    try:
        manifest = pd.read_csv(mirror / "manifest.csv")
    except OSError:
        return False
    return "suite" in manifest.columns and bool(
        manifest["suite"].fillna("").astype(str).str.split(";").apply(lambda parts: column in parts).any())


def _mirror_suite(mirror: Path, column: str, names: list[str] | None, max_rows: int | None) -> list[BenchTask]:
    manifest = pd.read_csv(mirror / "manifest.csv")
    members = manifest[manifest["suite"].fillna("").astype(str).str.split(";").apply(lambda parts: column in parts)]
    logger.warning("mirror copy of %s: %d tasks (stratified folds from a fixed seed, not the official splits)",
                   column, len(members))
    wanted = names or [str(name) for name in members["name"]]
    return _from_source(mirror_source(mirror), str(mirror), wanted, max_rows)


def _from_source(source: Source, spec: str | None, names: list[str] | None, max_rows: int | None,
                 unique: bool = False) -> list[BenchTask]:
    """The chosen tasks as BenchTasks (``spec`` None: each its own ``openml:task=<id>``); ``unique``: a name two
    tasks share (two OpenML tasks on one data set) gets the task id appended, as results are filed by name."""
    try:
        tasks = source.tasks(names, max_rows)
    except KeyError as error:
        raise SystemExit(f"autoclf benchmark: {error.args[0]}") from None
    if unique:
        counts = pd.Series([task.name for task in tasks]).value_counts()
        tasks = [replace(task, name=f"{task.name}-task{task.task_id}") if counts.get(task.name, 0) > 1 else task
                 for task in tasks]
    return [BenchTask(task, spec if spec is not None else f"openml:task={task.task_id}") for task in tasks]
