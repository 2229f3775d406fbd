"""The rebuild's second phase: every candidate evaluated on every data set with one protocol (a dense matrix).

Portfolios compare configurations across data sets, so every cell must be measured the same way: a seeded
stratified sample of at most ``rows`` rows, ``folds``-fold stratified cross-validation, out-of-fold
probabilities scored under every metric fit offers, fit and predict seconds timed apart, a time cap per
cell. A cell is keyed by the configuration and the fingerprint of its components, so a changed component
re-runs only its cells and new candidates only add cells. Each data set's cells are one JSON file, written
after every few cells: a killed rebuild loses minutes, not the data set.
"""

from __future__ import annotations

import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from autoclf.tools.metadb.search import provenance, quiet_threads, slug, write_json

#: cells written to disk after this many evaluations (and at the end)
SAVE_EVERY = 5
#: binary-only metrics are stored for binary data sets only
STATUS_OK = "success"


@dataclass(frozen=True)
class MatrixProtocol:
    rows: int = 5000
    folds: int = 3
    cell_time_limit: float = 30.0  # anytime components (networks, boosting, forests) stop there with a model
    memory_limit_mb: float = 4096
    seed: int = 0


def matrix_record_path(work: str | Path, name: str) -> Path:
    return Path(work) / "matrix" / f"{slug(name)}.json"


def read_cells(work: str | Path, name: str, protocol: MatrixProtocol) -> dict[str, dict]:
    """The data set's cells measured under ``protocol`` (none when the protocol changed: all are stale)."""
    import json

    path = matrix_record_path(work, name)
    if not path.exists():
        return {}
    record = json.loads(path.read_text())
    return record["cells"] if record.get("protocol") == protocol.__dict__ else {}


def missing_cells(work: str | Path, name: str, candidates: list[dict[str, Any]], protocol: MatrixProtocol
                  ) -> list[dict[str, Any]]:
    """The candidates (dicts with key, fingerprint, config) without a current cell on this data set."""
    cells = read_cells(work, name, protocol)
    return [c for c in candidates if cells.get(c["key"], {}).get("fingerprint") != c["fingerprint"]]


def evaluate_dataset(source_spec: str, name: str, work: str, protocol: MatrixProtocol,
                     candidates: list[dict[str, Any]]) -> str:
    """Evaluate the candidates missing on this data set; returns a one-line summary."""
    from autoclf.evaluation.run_store import RunStore
    from autoclf.execution.worker import Worker
    from autoclf.fit_setup import prepare
    from autoclf.metalearning.warmstart import adapt_configuration
    from autoclf.tools.sources import open_source

    quiet_threads()
    todo = missing_cells(work, name, candidates, protocol)
    if not todo:
        return f"{name}: nothing to do"
    task = open_source(source_spec).tasks([name])[0]
    X, y, kinds = task.load()
    X, y = sample_rows(X, y, protocol.rows, protocol.seed)
    # the fit's own preparation, with the matrix's protocol: every candidate on the same folds
    setup = prepare(X, y, feature_types=kinds, seed=protocol.seed, resampling="cv", folds=protocol.folds)
    info, registry, space = setup.info, setup.registry, setup.space
    cells = read_cells(work, name, protocol)
    started, evaluated = time.perf_counter(), 0
    with tempfile.TemporaryDirectory(prefix="autoclf_matrix_") as root, Worker(n_threads=1) as worker:
        RunStore(root).initialise(setup.task())
        for candidate in todo:
            adapted = adapt_configuration(space, candidate["config"])
            if adapted is None:  # a classifier that does not apply here (e.g. needs non-negative input)
                cells[candidate["key"]] = {"fingerprint": candidate["fingerprint"], "status": "not applicable"}
            else:
                modules = tuple(registry.get("classifier", str(adapted["classifier:__choice__"])).preload_modules)
                worker.call(_import_modules, (modules,), time_limit=120)  # not on the cell's clock
                outcome = worker.call(evaluate_cell, (root, dict(adapted), protocol.seed, protocol.cell_time_limit),
                                      time_limit=protocol.cell_time_limit + 5, memory_limit_mb=protocol.memory_limit_mb)
                cells[candidate["key"]] = _cell(candidate, outcome, info.n_classes)
            evaluated += 1
            if evaluated % SAVE_EVERY == 0:
                _save(work, name, task.openml_id, protocol, cells, info.n_classes)
    _save(work, name, task.openml_id, protocol, cells, info.n_classes)
    ok = sum(cells[c["key"]].get("status") == STATUS_OK for c in todo)
    return f"{name}: {ok}/{len(todo)} cells in {time.perf_counter() - started:.0f} s"


def evaluate_cell(store_root: str, config: dict[str, Any], seed: int, time_limit: float) -> dict[str, Any]:
    """Inside the worker: cross-validate ``config``, out-of-fold probabilities scored under every metric."""
    from sklearn.exceptions import ConvergenceWarning

    from autoclf.budget import trial_deadline
    from autoclf.configspace.pipeline import build_pipeline
    from autoclf.evaluation.trial import FIT_SHARE, full_probabilities, load_task

    task = load_task(store_root)
    n_classes = task.info.n_classes
    oof = np.zeros((len(task.y), n_classes))
    fit_seconds = predict_seconds = 0.0
    started = time.perf_counter()
    for index, (train, valid) in enumerate(task.splits):
        model = build_pipeline(config, task.info, task.registry, random_state=seed)
        remaining = time_limit - (time.perf_counter() - started)
        with warnings.catch_warnings(), trial_deadline(FIT_SHARE * remaining / (len(task.splits) - index)):
            warnings.simplefilter("ignore", ConvergenceWarning)
            tick = time.perf_counter()
            model.fit(task.X.iloc[train], task.y[train])
            fit_seconds += time.perf_counter() - tick
            tick = time.perf_counter()
            oof[valid] = full_probabilities(model, task.X.iloc[valid], n_classes)
            predict_seconds += time.perf_counter() - tick
    rows = np.sort(np.concatenate([valid for _, valid in task.splits]))
    return {"losses": all_losses(task.y[rows], oof[rows], n_classes), "fit_s": fit_seconds,
            "predict_s": predict_seconds}


def all_losses(y: np.ndarray, proba: np.ndarray, n_classes: int) -> dict[str, float]:
    """The loss under every built-in metric that applies to this many classes (finite: worst where undefined)."""
    from autoclf.metrics import METRIC_NAMES, get_metric

    losses = {}
    for name in METRIC_NAMES:
        if name == "auto":
            continue
        try:
            metric = get_metric(name, n_classes)
        except ValueError:  # binary-only metric on a multiclass data set
            continue
        loss = float(metric.loss(y, proba))
        losses[name] = loss if np.isfinite(loss) else float(metric.worst_loss)
    return losses


def sample_rows(X: Any, y: Any, rows: int, seed: int) -> tuple[Any, Any]:
    """At most ``rows`` rows, stratified where every class has two rows, seeded: the same sample every time."""
    if len(X) <= rows:
        return X, y
    from sklearn.model_selection import train_test_split

    stratify = y if y.value_counts().min() >= 2 else None
    X, _, y, _ = train_test_split(X, y, train_size=rows, random_state=seed, stratify=stratify)
    return X.reset_index(drop=True), y.reset_index(drop=True)


def _import_modules(modules: tuple[str, ...]) -> None:
    import importlib

    for module in modules:
        importlib.import_module(module)


def _cell(candidate: dict[str, Any], outcome: Any, n_classes: int) -> dict[str, Any]:
    cell: dict[str, Any] = {"fingerprint": candidate["fingerprint"], "status": outcome.status}
    if outcome.status == STATUS_OK:
        cell["losses"] = {k: float(f"{v:.6g}") for k, v in outcome.value["losses"].items()}
        cell["fit_s"] = round(outcome.value["fit_s"], 3)
        cell["predict_s"] = round(outcome.value["predict_s"], 3)
    else:
        cell["error"] = (outcome.error or "").strip().splitlines()[-1:][0][:200] if outcome.error else ""
        cell["seconds"] = round(outcome.seconds, 2)
    return cell


def _save(work: str, name: str, openml_id: int | None, protocol: MatrixProtocol, cells: dict, n_classes: int) -> None:
    write_json(matrix_record_path(work, name), {"name": name, "openml_id": openml_id, "n_classes": n_classes,
                                                "protocol": protocol.__dict__, "cells": cells,
                                                "provenance": provenance()})
