"""The benchmark loop: every (task, fold, budget, framework, seed) once, each in its own limited process.

Resumable by construction: each run writes one JSON file, named by its key, when it ends (ok or not); a
run whose file exists is not repeated (``retry_failed`` repeats the failed ones; with ``students``, an
autoclf run recorded without a student runs again). Stopping a benchmark and starting it again with the
same command therefore loses at most the runs in flight.

The parent process loads each task once through ``autoclf.tools.sources``, writes the fold's train rows and test
features to parquet for the worker, and keeps the test labels to score the probabilities the worker
returns: a framework never sees the labels it is scored on. With ``students``, each autoclf run also
distils a student in its worker, scored here the same way beside its teacher (``students``).
"""

from __future__ import annotations

import json
import logging
import os
import queue
import re
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, as_completed, wait
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from autoclf.evaluation.atomic import write_json_atomic
from autoclf.evaluation.result import Status
from autoclf.tools.benchmark import scoring, students
from autoclf.tools.benchmark.frameworks import Framework
from autoclf.tools.benchmark.isolation import INTERRUPTED, run_limited
from autoclf.tools.benchmark.tasks import BenchTask
from autoclf.tools.provenance import REPOSITORY, git_commit

logger = logging.getLogger(__name__)

TARGET = "__target__"
WORKER = Path(__file__).resolve().with_name("fit_worker.py")


@dataclass
class BenchmarkConfig:
    """Settings shared by every run. ``jobs`` is the cores each run may use (the same for all frameworks);
    ``parallel`` how many runs go at once. Folds are the first ``folds`` of an ``n_splits``-fold split
    (OpenML's official folds on OpenML tasks), as the AMLB runs ``-f`` folds of its 10."""

    out: Path
    frameworks: list[Framework]
    budgets: list[float]
    folds: int = 1
    n_splits: int = 10
    seeds: int = 1
    jobs: int = 1
    parallel: int = 1
    memory_limit_mb: float = 8192
    slack_s: float = 30
    split_seed: int = 0
    retry_failed: bool = False
    #: pin each run's whole process tree to ``jobs`` cores of its own (taskset), as the published races do:
    #: without it a framework that starts more threads or processes than it was given gets more CPU
    pin_cores: bool = True
    #: leave-one-out for autoclf's warm start: the task's data set (by name and OpenML id) is left out of the
    #: meta-database, with the candidates only its own search found, so no run sees its own data's results
    metadb_exclusion: bool = True
    #: distil a student after each autoclf run: "auto" or a family name (``distill(student=...)``), None: none
    students: str | None = None
    #: seconds each student's distillation may take, on top of the run's budget
    student_time_s: float = 60.0

    def time_limit(self, budget: float, framework: Framework | None = None) -> float:
        """The hard limit of a run in seconds.

        Parameters
        ----------
        budget : the run's ``time_left``.
        framework : the run's framework (None: as one that distils no student).

        Returns
        -------
        float
            budget x 1.25 + slack (process start and imports included), plus ``student_time_s`` x 1.25 +
            slack when ``framework`` distils a student (the predict timings included).
        """
        extra = self.student_time_s * 1.25 + self.slack_s if framework is not None and self.distils(framework) else 0.0
        return budget * 1.25 + self.slack_s + extra

    def distils(self, framework: Framework) -> bool:
        """Whether runs of ``framework`` distil a student.

        Parameters
        ----------
        framework : a framework of this benchmark.

        Returns
        -------
        bool
            True when students are asked for and ``framework`` is an autoclf teacher (not the
            ``distill=true`` variant, whose prediction already is a student).
        """
        return bool(self.students) and framework.kind == "autoclf" and not framework.params.get("distill")


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", str(text)).strip("_") or "task"


def result_path(out: Path, task: str, framework: Framework, budget: float, fold: int, seed: int) -> Path:
    return out / "runs" / slug(task) / framework.slug / f"budget{budget:g}_fold{fold}_seed{seed}.json"


def run_benchmark(tasks: list[BenchTask], config: BenchmarkConfig) -> pd.DataFrame:
    """Run what is not done yet, then return every result under ``config.out`` (also as results.csv).

    ``config.parallel`` runs are in flight across tasks, not only within one: a rerun of one framework has a
    single run per task, and a pool per task kept one core of N busy. The next task's data is loaded while
    the runs before it go on; each task's work folder goes when its last run ends.
    """
    config.out.mkdir(parents=True, exist_ok=True)
    stop = threading.Event()
    cores = CorePool.for_config(config)
    parallel = max(1, config.parallel)
    in_flight: set[Future] = set()
    contexts: list[dict] = []
    with ThreadPoolExecutor(parallel) as pool:
        try:
            for number, bench_task in enumerate(tasks, 1):
                pending = _pending(bench_task.name, config)
                if not pending:
                    logger.info("[%d/%d] %s: all runs done", number, len(tasks), bench_task.name)
                    continue
                logger.info("[%d/%d] %s: %d runs to do", number, len(tasks), bench_task.name, len(pending))
                try:
                    context, pending = _prepare_task(bench_task, pending, config, cores, stop)
                except Exception as error:  # a task that cannot even be loaded: say so, go on with the others
                    logger.error("task %s failed to load or split: %s", bench_task.name, error)
                    continue
                contexts.append(context)
                for run in pending:
                    while len(in_flight) >= parallel:
                        done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                        for future in done:
                            future.result()  # a Ctrl-C in a run surfaces here
                    in_flight.add(pool.submit(_run_and_tidy, bench_task, run, context, config))
            for future in as_completed(in_flight):
                future.result()
        except KeyboardInterrupt:  # stop the runs in flight (their processes are killed), start no more
            stop.set()
            pool.shutdown(wait=True, cancel_futures=True)
            for context in contexts:
                _remove_work(context["work"])
            raise
    return collect(config.out)


def _pending(task: str, config: BenchmarkConfig) -> list[tuple[int, float, Framework, int]]:
    runs = []
    for fold in range(config.folds):
        for budget in config.budgets:
            for framework in config.frameworks:
                for seed in range(config.seeds):
                    path = result_path(config.out, task, framework, budget, fold, seed)
                    if path.exists():
                        done = json.loads(path.read_text())
                        # a run recorded before students were asked for runs again, to get its student
                        lacks_student = config.distils(framework) and not done.get("student_status")
                        if not lacks_student and not (config.retry_failed and done["failed"]):
                            continue
                    runs.append((fold, budget, framework, seed))
    return runs


def _prepare_task(bench_task: BenchTask, pending: list, config: BenchmarkConfig, cores: CorePool,
                  stop: threading.Event) -> tuple[dict, list]:
    """Load the task, write the pending folds' train and test files; the runs' shared context and the runs
    its folds allow."""
    task = bench_task.task
    X, y, feature_types = task.load()
    labels = sorted({str(value) for value in y})
    splits = task.splits(max(config.n_splits, config.folds), seed=config.split_seed)[: config.folds]
    if len(splits) < config.folds:  # an OpenML task's own procedure may have fewer folds (a holdout has one)
        logger.warning("task %s has %d folds (its OpenML estimation procedure); folds %d-%d skipped", task.name,
                       len(splits), len(splits), config.folds - 1)
        pending = [run for run in pending if run[0] < len(splits)]
    # one work folder per runner process: two benchmarks sharing --out (say, the peers on one core and
    # autoclf on the other) deleted each other's task files when one finished a task first
    work = config.out / "work" / f"{slug(task.name)}-{os.getpid()}"
    for fold in sorted({fold for fold, *_ in pending}):
        train_rows, test_rows = splits[fold]
        fold_dir = work / f"fold{fold}"
        fold_dir.mkdir(parents=True, exist_ok=True)
        X.iloc[train_rows].assign(**{TARGET: y.iloc[train_rows].to_numpy()}).to_parquet(fold_dir / "train.parquet")
        X.iloc[test_rows].to_parquet(fold_dir / "test.parquet")
    context = {"labels": labels, "feature_types": feature_types, "y": y, "splits": splits, "work": work,
               "cores": cores, "stop": stop, "left": len(pending), "lock": threading.Lock()}
    return context, pending


def _run_and_tidy(bench_task: BenchTask, run: tuple, context: dict, config: BenchmarkConfig) -> None:
    """One run, logged; the task's work folder goes with its last run. A run that raises is logged, not
    fatal (a Ctrl-C is)."""
    try:
        _log(_run_one(bench_task, run, context, config))
    except Exception as error:  # noqa: BLE001 - one broken run must not end the others
        logger.error("task %s run %s failed: %s: %s", bench_task.name, run, type(error).__name__, error)
    finally:
        with context["lock"]:
            context["left"] -= 1
            last = context["left"] == 0
        if last and not context["stop"].is_set():
            _remove_work(context["work"])


def _remove_work(work: Path) -> None:
    """A task's work folder, and out/work when it is empty: out/ keeps only results."""
    shutil.rmtree(work, ignore_errors=True)
    if work.parent.is_dir() and not any(work.parent.iterdir()):
        work.parent.rmdir()


def _log(record: dict[str, Any]) -> None:
    """One line per finished run."""
    logger.info("%s %s fold %d seed %d budget %g: %s %s=%.4f (%.0f s, %.0f MB)", record["task"],
                record["framework"], record["fold"], record["seed"], record["budget"], record["status"],
                record["metric"], record["score"], record["wall_s"], record["peak_memory_mb"])


def _run_one(bench_task: BenchTask, run: tuple, context: dict, config: BenchmarkConfig) -> dict[str, Any]:
    fold, budget, framework, seed = run
    task = bench_task.task
    fold_dir = context["work"] / f"fold{fold}"
    run_dir = fold_dir / f"{framework.slug}_budget{budget:g}_seed{seed}"
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    job = {"kind": framework.kind, "params": framework.params, "train": str(fold_dir / "train.parquet"),
           "test": str(fold_dir / "test.parquet"), "target": TARGET, "feature_types": context["feature_types"],
           "budget": budget, "jobs": config.jobs, "seed": seed, "work_dir": str(run_dir),
           "output": str(run_dir / "result.json"),
           "students": config.students if config.distils(framework) else None,
           "student_time": config.student_time_s,
           "metadb_exclude": [task.name, str(task.openml_id)] if config.metadb_exclusion else []}
    (run_dir / "job.json").write_text(json.dumps(job, default=str))
    command = [framework.python, str(WORKER), str(run_dir / "job.json")]
    with context["cores"].take() as cores:
        if cores:
            command = ["taskset", "-c", ",".join(map(str, cores)), *command]
        outcome = run_limited(command, config.time_limit(budget, framework), config.memory_limit_mb,
                              run_dir / "log.txt", env=_environment(framework, config.jobs), stop=context["stop"])
    if outcome.status == INTERRUPTED:  # Ctrl-C: nothing truncated is recorded; a resume runs it again
        shutil.rmtree(run_dir, ignore_errors=True)
        raise KeyboardInterrupt(f"{task.name} {framework.name}: interrupted")
    train_rows, test_rows = context["splits"][fold]
    y_train, y_test = context["y"].iloc[train_rows].to_numpy(), context["y"].iloc[test_rows].to_numpy()
    labels = context["labels"]
    worker = _read_json(run_dir / "result.json")
    record: dict[str, Any] = {
        "task": task.name, "openml_id": task.openml_id, "task_id": task.task_id, "source": bench_task.source,
        "framework": framework.name, "fold": fold, "seed": seed, "budget": budget, "n_classes": len(labels),
        "n_train": len(train_rows), "n_test": len(test_rows), "metric": scoring.main_metric(len(labels)),
        "status": outcome.status if outcome.status != Status.SUCCESS else worker.get("status", Status.CRASHED),
        "error": worker.get("error", ""), "fit_s": worker.get("fit_s", np.nan),
        "predict_s": worker.get("predict_s", np.nan), "wall_s": outcome.wall_s,
        "peak_memory_mb": outcome.peak_memory_mb, "peak_pss_mb": round(outcome.peak_pss_mb, 1),
        "time_limit_s": config.time_limit(budget, framework),
        "memory_limit_mb": config.memory_limit_mb, "jobs": config.jobs, "version": worker.get("version", ""),
        "info": json.dumps(worker.get("info", {}), default=str), "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "cores": ",".join(map(str, cores)), "load_average": os.getloadavg()[0],
    }
    record["over_budget_s"] = record["fit_s"] - budget if np.isfinite(record["fit_s"]) else np.nan
    proba = None
    if record["status"] == Status.SUCCESS:
        proba = scoring.align(np.load(run_dir / "result.npy"), worker["classes"], labels)
        record.update(scoring.score(y_test, proba, labels), imputed=False)
    else:
        if not record["error"]:
            record["error"] = f"{outcome.status} (exit {outcome.returncode}): " + _tail(run_dir / "log.txt")
        record.update(scoring.constant_scores(y_train, y_test, labels), imputed=True)
    record["failed"] = record["status"] != Status.SUCCESS
    record["score"] = record[record["metric"]]
    record["constant_score"] = scoring.constant_scores(y_train, y_test, labels)[record["metric"]]
    if job["students"]:  # a run that ended before its student says why in the student's fields too
        student = worker.get("student") or {"status": Status.CRASHED, "error": f"the run ended {record['status']}"}
        record.update(students.record_fields(student, proba, run_dir / "student.npy", y_test, labels,
                                             record["metric"], record["score"]))
    path = result_path(config.out, task.name, framework, budget, fold, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    if record["failed"]:
        shutil.copyfile(run_dir / "log.txt", path.with_suffix(".log"))
    write_json_atomic(path, record, default=_json_default, indent=1)  # a half-written result never counts as done
    shutil.rmtree(run_dir, ignore_errors=True)
    return record


class CorePool:
    """Disjoint groups of ``jobs`` cores, one per run in flight; empty groups when pinning is off or there
    are not enough cores (said once in a warning) or no ``taskset``."""

    def __init__(self, groups: list[list[int]]) -> None:
        self._free: queue.Queue[list[int]] = queue.Queue()
        for group in groups:
            self._free.put(group)
        self.pinned = bool(groups and groups[0])

    @classmethod
    def for_config(cls, config: BenchmarkConfig) -> CorePool:
        parallel, jobs = max(1, config.parallel), max(1, config.jobs)
        cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
        if not config.pin_cores:
            return cls([[]] * parallel)
        reason = ("taskset not found" if shutil.which("taskset") is None else
                  f"{parallel} runs x {jobs} cores need {parallel * jobs}, this process may use {len(cores)}"
                  if len(cores) < parallel * jobs else "")
        if reason:
            logger.warning("runs not pinned to cores: %s", reason)
            return cls([[]] * parallel)
        return cls([cores[index * jobs:(index + 1) * jobs] for index in range(parallel)])

    @contextmanager
    def take(self) -> Iterator[list[int]]:
        group = self._free.get()
        try:
            yield group
        finally:
            self._free.put(group)


def collect(out: Path) -> pd.DataFrame:
    """Every result file under ``out/runs`` as one frame, also written to ``out/results.csv``."""
    records = [json.loads(path.read_text()) for path in sorted((out / "runs").glob("*/*/*.json"))]
    frame = pd.DataFrame(records)
    if not frame.empty:
        frame = frame.sort_values(["task", "framework", "budget", "fold", "seed"]).reset_index(drop=True)
        frame.to_csv(out / "results.csv", index=False)
    return frame


def write_config(config: BenchmarkConfig, tasks: list[BenchTask], argv: list[str] | None = None) -> None:
    """The settings and task list of the benchmark, beside its results, so a report says what it ran."""
    settings = asdict(config)
    settings["frameworks"] = [asdict(framework) for framework in config.frameworks]
    settings.update(out=str(config.out), tasks=[task.name for task in tasks], command=argv or sys.argv,
                    python=sys.version.split()[0], commit=git_commit())
    (config.out / "config.json").write_text(json.dumps(settings, indent=1, default=str))


def _environment(framework: Framework, jobs: int) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
        env[name] = str(jobs)  # "same cores for all": native thread pools too
    env["MPLBACKEND"] = "Agg"
    if framework.python == sys.executable:  # the tree being benchmarked, whether installed or not
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPOSITORY), env.get("PYTHONPATH", "")]))
    return env


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _tail(path: Path, characters: int = 400) -> str:
    try:
        return path.read_text(errors="replace")[-characters:].strip()
    except OSError:
        return ""


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return str(value)
