"""Issue 16 measurement: does the meta-database start the search? Warm vs cold, leave-one-dataset-out.

For every data set of the meta-database (or ``--datasets``), budget and seed, one AutoClassifier fit per
variant on a 75 % training split (split seed 0; the fit's seed varies): ``cold`` (no warm start) and each
warm variant (``portfolio`` by default). The tested data set is removed from the database first
(``MetaDatabase.without`` by name and OpenML id, which also drops the candidates only its own search found;
fit drops it again by content and schema hash), so no variant sees its own data set.

Reported per budget: the share of data sets where warm beats cold on the test split (mean over seeds of
the served model's test loss; ties within 1e-4 count as ties), the mean rank, and how fast warm reaches
cold's final validation loss (seconds into the fit over the budget; 1 where it never does), median over
data sets and seeds. Each worker process starts its trial forkserver (imports of scikit-learn, torch and
the boosting libraries) before the fit's clock starts, identically for every variant.

A variant set aside keeps its runs under its own name (``portfolio_on_roc_auc``: the ROC AUC portfolio as
chosen on the ROC AUC matrix before 2026-12-01, experiments/results/warm_start_roc_auc.md); the report pits
every variant named in ``--variants`` against cold and against each other.

Resumable: one JSON per run under ``--out``/runs; rerun to continue, ``--report-only`` to summarise.
Run: python experiments/warm_start.py --budgets 30,60 --seeds 2 [--datasets a,b] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing as mp
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import MIRROR, RESULTS, standard_split  # noqa: E402

TIE = 1e-4


def run_one(name: str, variant: str, budget: float, seed: int, metadb: str, out: str) -> str:
    """One fit; its trajectory, trial origins and test loss go to ``out`` (JSON)."""
    from threadpoolctl import threadpool_limits

    from autoclf import AutoClassifier
    from autoclf.execution.worker import Worker
    from autoclf.metalearning.database import load_database
    from autoclf.metrics import get_metric
    from autoclf.tools.sources import open_source

    threadpool_limits(1)
    warm = Worker(warm=["torch", "lightgbm", "xgboost", "catboost"])  # imports before the clock, every variant
    warm.ensure_started()
    warm.stop()
    task = open_source(str(MIRROR)).tasks([name])[0]
    X_train, X_test, y_train, y_test = standard_split(task.X, task.y, seed=0)
    database = load_database(metadb or None).without([task.name, str(task.openml_id)])
    load = os.getloadavg()[0]
    model = AutoClassifier(time_left=budget, seed=seed, verbose=0, warm_start=None if variant == "cold" else variant,
                           metadb=database, feature_types=task.feature_types)
    model.fit(X_train, y_train)
    proba = model.predict_proba(X_test)
    metric = get_metric("auto", len(model.classes_))
    record = {"name": name, "variant": variant, "budget": budget, "seed": seed, "metric": model.metric_.name,
              "trajectory": model.trajectory_, "test_loss": float(metric.loss(model.validator_.encode_target(y_test),
                                                                               proba)),
              "fit_seconds": model.fit_seconds_, "n_trials": len(model.results_), "load_average": round(load, 2),
              "origins": [r.origin for r in model.results_],
              "first_trials": [r.config.get("classifier:__choice__") for r in model.results_[:10]]}
    Path(out).write_text(json.dumps(record))
    return f"{name} {variant} {budget:g} s seed {seed}: {len(model.results_)} trials, test {record['test_loss']:.4f}"


def time_to_reach(trajectory: list, target: float) -> float | None:
    """Seconds into the fit when the best validation loss first reached ``target`` (None: never)."""
    return next((t for t, loss in trajectory if loss <= target + 1e-12), None)


def tally(first: pd.Series, second: pd.Series) -> tuple[int, int, int]:
    """Better / worse / tied of ``first`` against ``second`` (losses; ties within ``TIE``)."""
    better, worse = int((first < second - TIE).sum()), int((first > second + TIE).sum())
    return better, worse, len(first) - better - worse


def summarise(runs: list[dict], variants: list[str], rows: dict[str, int] | None = None) -> str:
    frame = pd.DataFrame(runs)
    frame["validation"] = [r[-1][1] if r else np.nan for r in frame["trajectory"]]
    lines = [f"Leave-one-dataset-out, test-split loss of the served model; machine load (1 min) median "
             f"{frame['load_average'].median():.2f} on {os.cpu_count()} cores.", ""]
    lines += ["| budget | variant | data sets | better than cold | worse | tied | share better | mean rank "
              "(variant, cold) | time to cold's final validation loss (median share of budget) | trials (median) |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for budget in sorted(frame["budget"].unique()):
        at = frame[frame["budget"] == budget]
        test = at.pivot_table(index="name", columns="variant", values="test_loss", aggfunc="mean")
        for variant in [v for v in variants if v != "cold" and v in test]:
            both = test[[variant, "cold"]].dropna()
            better, worse, tied = tally(both[variant], both["cold"])
            ranks = both.rank(axis=1).mean()
            shares = []
            for _, pair in at[at["variant"].isin([variant, "cold"])].groupby(["name", "seed"]):
                runs_by = {row["variant"]: row for _, row in pair.iterrows()}
                if len(runs_by) == 2 and runs_by["cold"]["trajectory"]:
                    target = runs_by["cold"]["trajectory"][-1][1]
                    reached = time_to_reach(runs_by[variant]["trajectory"], target)
                    shares.append(1.0 if reached is None else reached / budget)
            trials = at[at["variant"] == variant]["n_trials"].median()
            lines.append(f"| {budget:g} s | {variant} | {len(both)} | {better} | {worse} | {tied} "
                         f"| {better / max(len(both), 1):.0%} | {ranks[variant]:.2f}, {ranks['cold']:.2f} | "
                         f"{np.median(shares) if shares else float('nan'):.2f} | {trials:.0f} |")
    lines += ["", "Better / worse / tied by data size (the matrix measured at most 5 000 rows of each data set) and "
              "by the fit's metric, on "
              "the test split and on the final validation loss (the fit's own target, mean of the seeds); share "
              "better of the decided data sets in brackets:", "",
              "| budget | variant | rows | data sets | test split | validation loss |", "|---|---|---|---|---|---|"]
    for budget in sorted(frame["budget"].unique()):
        at = frame[frame["budget"] == budget]
        for variant in [v for v in variants if v != "cold" and v in set(at["variant"])]:
            for label, names in _groups(at, rows):
                tallies, counted = [], 0
                for column in ("test_loss", "validation"):
                    table = at[at["name"].isin(names)].pivot_table(index="name", columns="variant", values=column,
                                                                    aggfunc="mean")
                    both = table.reindex(columns=[variant, "cold"]).dropna()
                    better, worse, tied = tally(both[variant], both["cold"])
                    counted = max(counted, len(both))
                    tallies.append(f"{better} / {worse} / {tied} ({better / max(better + worse, 1):.0%})")
                lines.append(f"| {budget:g} s | {variant} | {label} | {counted} | {tallies[0]} | {tallies[1]} |")
    return "\n".join(lines + [""] + noise_floor(frame, variants))


def _groups(at: pd.DataFrame, rows: dict[str, int] | None) -> list[tuple[str, list[str]]]:
    """The data sets of one budget: all, by size (when ``rows`` are known) and by the fit's metric (log loss:
    multiclass, ROC AUC: binary)."""
    names = list(at["name"].unique())
    groups = [("all", names)]
    if rows is not None:
        groups += [("<= 5 000", [n for n in names if rows.get(n, 0) <= 5000]),
                   ("> 5 000", [n for n in names if rows.get(n, 0) > 5000])]
    metric_of = at.groupby("name")["metric"].first()
    return groups + [(m.replace("_", " "), list(metric_of.index[metric_of == m])) for m in sorted(metric_of.unique())]


def noise_floor(frame: pd.DataFrame, variants: list[str]) -> list[str]:
    """How often two fits that differ only in their seed already differ on the test split: cold seed 1 against
    cold seed 0 is the tally a variant with no effect would get. With it, each variant against cold and the
    variants against each other (mean of the seeds, test split and validation loss), with the sign test's p."""
    from scipy.stats import binomtest

    lines = ["Against the noise (test split, one seed against one seed; ties within 1e-4): a variant with no "
             "effect would tally like cold's seed 1 against its seed 0. p: the two-sided sign test of the "
             "better / worse above (mean of the seeds).", "",
             "| budget | comparison | data sets | better | worse | tied | p |", "|---|---|---|---|---|---|---|"]
    for budget in sorted(frame["budget"].unique()):
        test = frame[frame["budget"] == budget].pivot_table(index="name", columns=["variant", "seed"],
                                                            values="test_loss")
        pairs = [("cold seed 1 vs cold seed 0", ("cold", 1), ("cold", 0))]
        pairs += [(f"{v} vs cold, seed {s}", (v, s), ("cold", s)) for v in variants if v != "cold" for s in (0, 1)]
        for label, first, second in pairs:
            if first not in test or second not in test:
                continue
            both = test[[first, second]].dropna()
            better, worse, tied = tally(both[first], both[second])
            lines.append(f"| {budget:g} s | {label} | {len(both)} | {better} | {worse} | {tied} | |")
        at = frame[frame["budget"] == budget]
        present = [v for v in variants if v in set(at["variant"])]
        pairs = [(v, "cold") for v in present if v != "cold"]
        pairs += [(a, b) for i, a in enumerate(present) for b in present[i + 1:] if "cold" not in (a, b)]
        for column, label in (("test_loss", ""), ("validation", ", validation loss")):
            means = at.pivot_table(index="name", columns="variant", values=column)
            for first, second in pairs:
                both = means[[first, second]].dropna()
                better, worse, tied = tally(both[first], both[second])
                p = binomtest(better, better + worse).pvalue if better + worse else float("nan")
                lines.append(f"| {budget:g} s | {first} vs {second}, mean of the seeds{label} | {len(both)} | "
                             f"{better} | {worse} | {tied} | {p:.3f} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", help="comma-separated names (default: every data set of the database)")
    parser.add_argument("--variants", default="cold,portfolio")
    parser.add_argument("--budgets", default="30,60")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--metadb", default="", help="the database (default: the shipped one)")
    parser.add_argument("--out", default=str(RESULTS / "warm_start"))
    parser.add_argument("--report-only", action="store_true", help="summarise the runs on disk")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    from autoclf.metalearning.database import load_database

    out = Path(args.out)
    runs_dir = out / "runs"
    runs_dir.mkdir(parents=True, exist_ok=True)
    database = load_database(args.metadb or None)
    names = args.datasets.split(",") if args.datasets else [d.name for d in database.datasets]
    variants = args.variants.split(",")
    budgets = [float(b) for b in args.budgets.split(",")]

    def path(name: str, variant: str, budget: float, seed: int) -> Path:
        return runs_dir / f"{name}__{variant}__{budget:g}__{seed}.json"

    # budget, then data set-major: each finished data set has all its variants and seeds
    jobs = [(n, v, b, s) for b in budgets for n in names for s in range(args.seeds) for v in variants
            if not path(n, v, b, s).exists()]
    started = time.perf_counter()
    if jobs and not args.report_only:
        from autoclf.execution.worker import exit_when_gone  # a killed run leaves no fit behind

        with ProcessPoolExecutor(args.workers, mp_context=mp.get_context("spawn"), max_tasks_per_child=1,
                                 initializer=exit_when_gone, initargs=(os.getpid(),)) as pool:
            futures = {pool.submit(run_one, n, v, b, s, args.metadb, str(path(n, v, b, s))): (n, v, b, s)
                       for n, v, b, s in jobs}
            for future in as_completed(futures):
                try:
                    logging.info("%s (%.0f s)", future.result(), time.perf_counter() - started)
                except Exception as error:  # noqa: BLE001 - logged; the run is retried on the next start
                    logging.warning("%s failed: %s", futures[future], error)
    runs = [json.loads(p.read_text()) for p in sorted(runs_dir.glob("*.json"))]
    runs = [r for r in runs if r["name"] in names and r["variant"] in variants and r["budget"] in budgets]
    text = summarise(runs, variants, {d.name: d.n_rows for d in database.datasets}) if runs else "no runs yet"
    (out / "summary.md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
