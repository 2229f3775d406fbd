"""``autoclf benchmark``: the command line of the benchmark runner (registered by ``autoclf.cli``)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``benchmark`` on the top-level ``autoclf`` parser."""
    parser = subparsers.add_parser(
        "benchmark", help="compare autoclf, baselines and other AutoML systems on OpenML suites (resumable)",
        description="Each run goes in its own process under budget x 1.25 + slack seconds and a memory limit; "
                    "one result file per run, so the same command resumes. See docs/benchmark.md.")
    parser.add_argument("--suite", default=None,
                        help="quick (data/benchmark_suite.csv on the mirror), race (data/race_suite.csv: 23 data "
                             "sets, each left out of the meta-database for its own run, the five large ones "
                             "included), cc18 (study 99), "
                             "amlb (study 271), an OpenML study id, a mirror folder (parquet + manifest.csv), or "
                             "openml (the OpenML task ids of --tasks); default: openml when --tasks are all "
                             "numbers, else quick")
    parser.add_argument("--tasks", help="OpenML task ids (3,31: each with its official splits), or only these tasks "
                                         "of --suite (comma-separated names or OpenML data ids)")
    parser.add_argument("--frameworks", default="autoclf,hgb,rf",
                        help="comma-separated: autoclf, autoclf_cold, autoclf_best, autoclf_stacking, "
                             "autoclf_student, autoclf[flag=value;...], hgb, rf, lr, constant, flaml, autogluon, tpot")
    parser.add_argument("--time-left", default="60", help="budget in seconds per run; several: 30,60,300")
    parser.add_argument("--folds", type=int, default=1, help="folds run, of a 10-fold split (the official folds "
                                                                 "on OpenML)")
    parser.add_argument("--seeds", type=int, default=1, help="framework seeds 0..N-1 (the split stays fixed)")
    parser.add_argument("--jobs", type=int, default=1, help="cores each run may use (the same for every framework)")
    parser.add_argument("--parallel", type=int, default=1, help="runs at once")
    parser.add_argument("--no-pin", action="store_true",
                        help="do not pin each run to --jobs cores of its own (taskset; on by default)")
    parser.add_argument("--memory-limit", type=float, default=8192, help="MB for a run's whole process tree")
    parser.add_argument("--slack", type=float, default=30, help="seconds added to budget x 1.25 for the hard limit")
    parser.add_argument("--max-rows", type=int, default=None, help="skip tasks with more rows")
    parser.add_argument("--mirror", help="the local mirror (default $AUTOCLF_MIRROR or ../shared/datasets)")
    parser.add_argument("--openml-cache", metavar="PATH",
                        help="openml-python's cache folder (the one holding org/openml/www): what it holds is read "
                             "with no network, a read-only one is never written to (default: openml-python's "
                             "own, $OPENML_CACHE_DIR or ~/.cache/openml)")
    parser.add_argument("--no-metadb-exclusion", action="store_true",
                        help="let autoclf's warm start see the task's own data set in the meta-database (default: "
                             "left out by name and OpenML id, leave-one-out)")
    parser.add_argument("--students", metavar="STUDENT",
                        help="after each autoclf run, distil a student (auto, or a family: hist_gb, mlp, tree, "
                             "logistic) and record its test score, the teacher's and both predict times; the "
                             "summary gets a distillation table")
    parser.add_argument("--student-time", type=float, default=60,
                        help="seconds each distillation may take, on top of --time-left (default 60)")
    parser.add_argument("--retry-failed", action="store_true", help="run again the runs that failed")
    parser.add_argument("--report-only", action="store_true", help="only rebuild the reports from --out")
    parser.add_argument("--pair", help="the two frameworks of the scatter plot (default: the first two)")
    parser.add_argument("--out", required=True, help="results folder (reused to resume)")
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> None:
    from autoclf.tools.benchmark.frameworks import available, parse_frameworks
    from autoclf.tools.benchmark.publish import write_reports
    from autoclf.tools.benchmark.runner import BenchmarkConfig, collect, run_benchmark, write_config
    from autoclf.tools.benchmark.tasks import resolve_tasks

    logging.getLogger("autoclf.tools.benchmark").setLevel(logging.INFO)
    if not logging.getLogger().handlers:
        logging.basicConfig(format="%(asctime)s %(name)s %(levelname)s: %(message)s")
    out = Path(args.out)
    pair = args.pair.split(",") if args.pair else None
    if args.report_only:
        _report(write_reports(collect(out), out, pair=pair))
        return
    try:
        frameworks = parse_frameworks(args.frameworks)
        budgets = [float(part) for part in str(args.time_left).split(",") if part]
        _check_students(args.students, args.student_time)
    except ValueError as error:
        raise SystemExit(f"autoclf benchmark: {error}") from None
    runnable = []
    for framework in frameworks:
        ok, message = available(framework)
        if ok:
            runnable.append(framework)
        else:
            print(message, file=sys.stderr)
    if not runnable:
        raise SystemExit("autoclf benchmark: no framework to run")
    names = [name for name in args.tasks.split(",") if name] if args.tasks else None
    tasks = resolve_tasks(args.suite, names, mirror=args.mirror, max_rows=args.max_rows,
                          openml_cache=args.openml_cache)
    config = BenchmarkConfig(out=out, frameworks=runnable, budgets=budgets, folds=args.folds, seeds=args.seeds,
                             jobs=args.jobs, parallel=args.parallel, memory_limit_mb=args.memory_limit,
                             slack_s=args.slack, retry_failed=args.retry_failed, pin_cores=not args.no_pin,
                             metadb_exclusion=not args.no_metadb_exclusion, students=args.students,
                             student_time_s=args.student_time)
    out.mkdir(parents=True, exist_ok=True)
    write_config(config, tasks)
    distilled = f"; students: {args.students} ({args.student_time:g} s each)" if args.students else ""
    print(f"{len(tasks)} tasks x {args.folds} folds x {len(budgets)} budgets x {len(runnable)} frameworks x "
          f"{args.seeds} seeds{distilled}; results in {out}")
    results = run_benchmark(tasks, config)
    _report(write_reports(results, out, pair=pair))


def _check_students(students: str | None, seconds: float) -> None:
    """``--students`` names "auto" or a student family; ``--student-time`` is a positive number of seconds."""
    from autoclf.distillation.families import FAMILIES

    if students is not None and students not in ("auto", *FAMILIES):
        raise ValueError(f"--students {students}: use auto or one of {', '.join(FAMILIES)}")
    if not 0 < seconds < float("inf"):
        raise ValueError(f"--student-time must be a positive number of seconds, got {seconds:g}")


def _report(paths: list[Path]) -> None:
    for path in paths:
        print(f"written: {path}")
