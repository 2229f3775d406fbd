"""``autoclf metadb rebuild``: build the meta-database from a source of tasks.

Per data set: meta-features, then autoclf's own search, cold, under ``time_per_dataset`` (or ``n_trials``);
then every collected best configuration is evaluated once on every data set (a stratified subsample, one
holdout split, a time cap per evaluation and per data set) for the loss matrix that portfolios are built
from. Every result is a JSON file in ``work_dir``, written when it is complete, so a killed rebuild resumes
where it stopped; the same seed and trial counts give the same database.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from autoclf.metalearning.database import DatasetEntry, MetaDatabase, content_hash, reference_space_hash
from autoclf.metalearning.metafeatures import METAFEATURE_NAMES

logger = logging.getLogger(__name__)

#: best configurations kept per data set (the best, then the best of other classifiers)
BEST_PER_DATASET = 3
#: rows of the loss matrix (cross-evaluated configurations) at most
MAX_CONFIGURATIONS = 60


@dataclass
class RebuildSettings:
    time_per_dataset: float = 20.0
    n_trials: int | None = None
    seed: int = 0
    workers: int = 1
    eval_rows: int = 2000  # cross-evaluation subsample
    eval_time_limit: float = 6.0  # seconds per cross-evaluation
    eval_dataset_limit: float = 60.0  # seconds of cross-evaluation per data set
    metafeature_time_limit: float = 60.0
    include: list[str] | None = None  # restrict the searches' classifiers (tests); the space hash is unchanged


def rebuild(source_spec: str, output: str | Path, work_dir: str | Path, settings: RebuildSettings,
            names: list[str] | None = None, max_rows: int | None = None) -> MetaDatabase:
    """Run (or resume) the rebuild and write the database to ``output``."""
    from autoclf.sources import open_source

    started = time.perf_counter()
    work = Path(work_dir)
    (work / "search").mkdir(parents=True, exist_ok=True)
    (work / "cross").mkdir(parents=True, exist_ok=True)
    tasks = open_source(source_spec).tasks(names, max_rows=max_rows)
    logger.info("rebuild on %d tasks from %s into %s", len(tasks), source_spec, work)
    spec = {"source": source_spec, **settings.__dict__}
    _run_parallel(_search_one, [(source_spec, t.name, str(work), settings) for t in tasks
                                if not (work / "search" / f"{_slug(t.name)}.json").exists()], settings.workers)
    searches = [json.loads((work / "search" / f"{_slug(t.name)}.json").read_text()) for t in tasks
                if (work / "search" / f"{_slug(t.name)}.json").exists()]
    # every data set's best configurations, best-ranked first: the candidates of the portfolio
    depth = max((len(s["best"]) for s in searches), default=0)
    configurations = _distinct([s["best"][rank]["config"] for rank in range(depth) for s in searches
                                if rank < len(s["best"])])[:MAX_CONFIGURATIONS]
    key = _configs_key(configurations)
    todo = []
    for search in searches:
        path = work / "cross" / f"{_slug(search['name'])}.json"
        if not path.exists() or json.loads(path.read_text()).get("configs_key") != key:
            todo.append((source_spec, search["name"], str(work), settings, configurations, key))
    _run_parallel(_cross_one, todo, settings.workers)
    losses_by_dataset = [json.loads((work / "cross" / f"{_slug(s['name'])}.json").read_text())["losses"]
                         for s in searches]
    database = MetaDatabase(
        space_hash=reference_space_hash(),
        metafeature_names=list(METAFEATURE_NAMES),
        datasets=[DatasetEntry(s["name"], s["openml_id"], s["content_hash"], s["metafeatures"], s["best"])
                  for s in searches],
        configurations=configurations,
        losses=[[column[i] for column in losses_by_dataset] for i in range(len(configurations))],
        built={**spec, "n_datasets": len(searches), "n_configurations": len(configurations),
               "wall_seconds_this_session": round(time.perf_counter() - started, 1)},
    )
    database.save(output)
    logger.info("meta-database written to %s: %d data sets, %d configurations", output, len(searches),
                len(configurations))
    print_summary(searches, database)
    return database


def print_summary(searches: list[dict], database: MetaDatabase) -> None:
    """The end-of-rebuild table: per data set its search and its column of the loss matrix."""
    matrix = database.loss_matrix()
    header = ("data set", "rows", "trials", "best loss", "best classifier", "x-eval ok")
    lines = ["{:32s} {:>7s} {:>6s} {:>9s} {:24s} {:>9s}".format(*header)]
    for j, search in enumerate(searches):
        best = search["best"][0] if search["best"] else None
        lines.append(f"{search['name'][:32]:32s} {search['n_rows']:7d} {search['n_trials']:6d} "
                     f"{best['loss'] if best else float('nan'):9.4f} "
                     f"{(best['config'].get('classifier:__choice__', '?') if best else '-'):24s} "
                     f"{int(np.isfinite(matrix[:, j]).sum()) if matrix.size else 0:5d}/{len(matrix)}")
    logger.info("rebuild summary\n%s", "\n".join(lines))


# ----------------------------------------------------------------------------------------- per data set
def _search_one(source_spec: str, name: str, work: str, settings: RebuildSettings) -> str:
    from autoclf.classifier import AutoClassifier
    from autoclf.dataset.validator import InputValidator
    from autoclf.metalearning.metafeatures import metafeatures_of_canonical
    from autoclf.sources import open_source

    _quiet_threads()
    task = open_source(source_spec).tasks([name])[0]
    X, y, kinds = task.load()
    validator = InputValidator(feature_types=kinds)
    frame, codes = validator.fit_transform(X, y)
    features = metafeatures_of_canonical(frame, codes, validator.info_, settings.metafeature_time_limit,
                                         settings.seed)
    _start_forkserver(settings.include is None or "mlp" in settings.include)  # imports are not search time
    started = time.perf_counter()
    # holdout and a third of the budget per trial: short budgets on a busy machine still finish several trials
    model = AutoClassifier(time_left=settings.time_per_dataset, n_trials=settings.n_trials, seed=settings.seed,
                           per_run_time_limit=max(settings.time_per_dataset / 3, 3.0), resampling="holdout",
                           feature_types=kinds, include=settings.include, warm_start=None, ensemble="best",
                           refit=False, verbose=0,
                           memory_limit=2048)
    model.fit(X, y)
    successes = sorted((r for r in model.results_ if r.ok), key=lambda r: (r.loss, r.trial_id))
    best, families = [], set()
    for result in successes:  # the best, then the best of each other classifier
        family = result.config.get("classifier:__choice__")
        if family not in families:
            families.add(family)
            best.append({"config": _plain(result.config), "loss": float(result.loss)})
        if len(best) == BEST_PER_DATASET:
            break
    record = {"name": task.name, "openml_id": task.openml_id, "content_hash": content_hash(frame, codes),
              "n_rows": len(frame), "metafeatures": features, "best": best, "n_trials": len(model.results_),
              "seconds": round(time.perf_counter() - started, 1)}
    _write_json(Path(work) / "search" / f"{_slug(task.name)}.json", record)
    return f"{task.name}: {len(model.results_)} trials, best {best[0]['loss'] if best else float('nan'):.4f}"


def _cross_one(source_spec: str, name: str, work: str, settings: RebuildSettings,
               configurations: list[dict], key: str) -> str:
    """Every configuration once on this data set: a subsample, one stratified holdout split, capped."""
    from autoclf.components.registry import default_registry
    from autoclf.configspace.builder import build_configuration_space
    from autoclf.dataset.validator import InputValidator
    from autoclf.evaluation.run_store import RunStore, TrialTask
    from autoclf.evaluation.splitting import make_splits
    from autoclf.evaluation.trial import run_trial
    from autoclf.evaluation.worker import Worker
    from autoclf.metalearning.warmstart import adapt_configuration
    from autoclf.metrics import get_metric
    from autoclf.sources import open_source

    _quiet_threads()
    task = open_source(source_spec).tasks([name])[0]
    X, y, kinds = task.load()
    if len(X) > settings.eval_rows:
        from sklearn.model_selection import train_test_split

        X, _, y, _ = train_test_split(X, y, train_size=settings.eval_rows, random_state=settings.seed,
                                      stratify=y if y.value_counts().min() >= 2 else None)
    validator = InputValidator(feature_types=kinds)
    frame, codes = validator.fit_transform(X, y)
    info = validator.info_
    registry = default_registry()
    space = build_configuration_space(info, registry, seed=settings.seed)
    metric = get_metric("auto", info.n_classes)
    splits = make_splits(codes, "holdout", 5, 0.33, seed=settings.seed)
    losses: list[float | None] = []
    with tempfile.TemporaryDirectory(prefix="autoclf_rebuild_") as root, Worker(n_threads=1) as worker:
        store = RunStore(root)
        store.initialise(TrialTask(frame, codes, info, splits, metric, registry))
        worker.ensure_started()  # its start-up is not this data set's evaluation time
        started = time.perf_counter()
        for index, config in enumerate(configurations):
            adapted = adapt_configuration(space, config)
            if adapted is None or time.perf_counter() - started > settings.eval_dataset_limit:
                losses.append(None)
                continue
            outcome = worker.call(run_trial, (root, index, dict(adapted), settings.seed, settings.eval_time_limit,
                                              False), time_limit=settings.eval_time_limit + 2, memory_limit_mb=2048)
            ok = outcome.status == "success" and outcome.value is not None
            losses.append(float(outcome.value["loss"]) if ok else None)
    _write_json(Path(work) / "cross" / f"{_slug(task.name)}.json",
                {"name": task.name, "configs_key": key, "losses": losses})
    return f"{task.name}: {sum(v is not None for v in losses)}/{len(losses)} cross-evaluations"


# ---------------------------------------------------------------------------------------------- helpers
def _run_parallel(function: Any, jobs: list[tuple], workers: int) -> None:
    if not jobs:
        return
    if workers <= 1:
        for job in jobs:
            _log_outcome(function, job, lambda job=job: function(*job))
        return
    import multiprocessing as mp

    with ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn")) as pool:
        futures = {pool.submit(function, *job): job for job in jobs}
        for future in as_completed(futures):
            _log_outcome(function, futures[future], future.result)


def _log_outcome(function: Any, job: tuple, get: Any) -> None:
    try:
        logger.info("%s %s", function.__name__.strip("_"), get())
    except Exception as error:  # one data set that fails must not stop the rebuild; it is retried on resume
        logger.warning("%s %s failed: %s: %s", function.__name__.strip("_"), job[1], type(error).__name__, error)


def _start_forkserver(with_torch: bool = True) -> None:
    """Start this process's forkserver with the trial imports preloaded, so that the fit's worker forks in
    milliseconds instead of importing torch on the search's clock."""
    from autoclf.evaluation.worker import Worker

    worker = Worker(warm=["torch"] if with_torch else [])
    worker.ensure_started()
    worker.stop()


def _quiet_threads() -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


def _plain(config: dict) -> dict:
    """JSON-safe values (numpy scalars to Python)."""
    return {k: (v.item() if isinstance(v, np.generic) else v) for k, v in sorted(config.items())}


def _distinct(configs: list[dict]) -> list[dict]:
    seen, unique = set(), []
    for config in configs:
        text = json.dumps(config, sort_keys=True)
        if text not in seen:
            seen.add(text)
            unique.append(config)
    return unique


def _configs_key(configs: list[dict]) -> str:
    return hashlib.sha256(json.dumps(configs, sort_keys=True).encode()).hexdigest()[:16]


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


def _write_json(path: Path, record: dict) -> None:
    """Write-then-rename, so a killed rebuild never leaves a half-written result that looks complete."""
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(record, sort_keys=True, default=float))
    temporary.replace(path)
