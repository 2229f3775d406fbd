"""Issue 4 measurement: cold start vs meta-learning warm starts (kNN, portfolio, both), leave-one-dataset-out.

The shipped meta-database is built once; while a data set is tested it is removed from the database
(``MetaDatabase.without``: by name and OpenML id; fit also drops it by content hash), so no variant sees
its own data set. Each (data set, variant) is one AutoClassifier fit of ``--budget`` seconds on a 75 %
training split (seed 0). From each run's trajectory (best held-out loss of the search so far, CV or holdout
as resampling="auto" chooses) we read the loss at 10, 25, 50 and 100 % of the budget; per data set losses
are normalised to [0, 1] between the best and worst value any variant reached at any checkpoint (no trial
finished yet = 1). The table is the median (and mean) over data sets; the plot is the median over time.
The test-split loss of the served model is reported beside it.

Each worker process starts its trial forkserver (imports of scikit-learn and torch) before the fit's clock
starts, identically for every variant: the comparison is about which configurations run first.

Run: python benchmarks/warm_start.py [--datasets credit-g,diabetes,...] [--budget 60] [--workers 2]
Writes benchmarks/results/warm_start.csv, warm_start.md, warm_start.png (runs kept in warm_start_runs/).
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing as mp
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import MIRROR, RESULTS, standard_split  # noqa: E402

VARIANTS = ("cold", "knn", "portfolio", "both")
CHECKPOINTS = (0.10, 0.25, 0.50, 1.00)
DEFAULT_DATASETS = ("credit-g,diabetes,vehicle,segment,kc1,pc3,phoneme,qsar-biodeg,steel-plates-fault,yeast,"
                    "sonar,ionosphere,blood-transfusion-service-center,banknote-authentication,cmc,heart-statlog")


def run_one(name: str, variant: str, budget: float, metadb: str, seed: int, out: str) -> str:
    """One fit; its trajectory, trial origins and test loss go to ``out`` (JSON)."""
    from threadpoolctl import threadpool_limits

    from autoclf import AutoClassifier
    from autoclf.metalearning.database import load_database
    from autoclf.metalearning.rebuild import _start_forkserver
    from autoclf.metrics import get_metric
    from autoclf.sources import open_source

    threadpool_limits(1)
    _start_forkserver()
    task = open_source(MIRROR).tasks([name])[0]
    X_train, X_test, y_train, y_test = standard_split(task.X, task.y, seed=seed)
    database = load_database(metadb).without([task.name, str(task.openml_id)])
    model = AutoClassifier(time_left=budget, seed=seed, verbose=0, warm_start=None if variant == "cold" else variant,
                           metadb=database)
    model.fit(X_train, y_train)
    proba = model.predict_proba(X_test)
    codes = model.validator_.encode_target(y_test)
    metric = get_metric("auto", len(model.classes_))
    record = {"name": name, "variant": variant, "budget": budget, "metric": model.metric_.name,
              "trajectory": model.trajectory_, "test_loss": float(metric.loss(codes, proba)),
              "fit_seconds": model.fit_seconds_, "n_trials": len(model.results_),
              "origins": [r.origin for r in model.results_],
              "first_trials": [r.config.get("classifier:__choice__") for r in model.results_[:8]]}
    Path(out).write_text(json.dumps(record))
    final = model.trajectory_[-1][1] if model.trajectory_ else float("nan")
    return f"{name} {variant}: {len(model.results_)} trials, final {final:.4f}"


def loss_at(trajectory: list, seconds: float) -> float:
    """Best held-out loss found by ``seconds`` into the fit (NaN before the first finished trial)."""
    values = [loss for t, loss in trajectory if t <= seconds]
    return values[-1] if values else float("nan")


def summarise(runs: list[dict], budget: float, output: Path) -> pd.DataFrame:
    rows = []
    for run in runs:
        for share in CHECKPOINTS:
            rows.append({"dataset": run["name"], "variant": run["variant"], "checkpoint": share,
                         "loss": loss_at(run["trajectory"], share * budget), "test_loss": run["test_loss"]})
    frame = pd.DataFrame(rows)
    low = frame.groupby("dataset")["loss"].transform("min")
    high = frame.groupby("dataset")["loss"].transform("max")
    span = (high - low).where(high > low, 1.0)
    frame["normalised"] = ((frame["loss"] - low) / span).fillna(1.0)
    frame.to_csv(output / "warm_start.csv", index=False)
    return frame


def table(frame: pd.DataFrame, runs: list[dict]) -> str:
    median = frame.pivot_table(index="variant", columns="checkpoint", values="normalised", aggfunc="median")
    mean = frame.pivot_table(index="variant", columns="checkpoint", values="normalised", aggfunc="mean")
    order = [v for v in VARIANTS if v in median.index]
    n = frame["dataset"].nunique()
    lines = [f"Median (mean) normalised held-out loss over {n} data sets, lower is better", "",
             "| variant | " + " | ".join(f"{int(c * 100)} %" for c in CHECKPOINTS) + " | trials (median) |",
             "|---|" + "---|" * (len(CHECKPOINTS) + 1)]
    trials = pd.DataFrame(runs).groupby("variant")["n_trials"].median()
    for variant in order:
        cells = [f"{median.loc[variant, c]:.3f} ({mean.loc[variant, c]:.3f})" for c in CHECKPOINTS]
        lines.append(f"| {variant} | " + " | ".join(cells) + f" | {trials.get(variant, float('nan')):.0f} |")
    wins = []
    for variant in order:
        if variant == "cold":
            continue
        final = frame[frame.checkpoint == 1.0].pivot_table(index="dataset", columns="variant", values="loss")
        if "cold" in final:
            better = int((final[variant] < final["cold"] - 1e-12).sum())
            worse = int((final[variant] > final["cold"] + 1e-12).sum())
            wins.append(f"{variant} vs cold at 100 %: better on {better}, worse on {worse}, tied on "
                        f"{len(final) - better - worse} data sets")
    test = pd.DataFrame(runs).pivot_table(index="name", columns="variant", values="test_loss")
    ranks = test.rank(axis=1).mean()
    lines += ["", *wins, "", "Mean rank of the test-split loss of the served model (1 = best): "
              + ", ".join(f"{v} {ranks[v]:.2f}" for v in order if v in ranks)]
    return "\n".join(lines)


def plot(runs: list[dict], budget: float, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    grid = np.linspace(0.02, 1.0, 50) * budget
    by_dataset: dict[str, dict[str, np.ndarray]] = {}
    for run in runs:
        by_dataset.setdefault(run["name"], {})[run["variant"]] = np.array([loss_at(run["trajectory"], t)
                                                                           for t in grid])
    fig, ax = plt.subplots(figsize=(7, 4.5))
    curves: dict[str, list[np.ndarray]] = {}
    for variants in by_dataset.values():
        stacked = np.vstack(list(variants.values()))
        low, high = np.nanmin(stacked), np.nanmax(stacked)
        span = high - low if high > low else 1.0
        for variant, values in variants.items():
            curves.setdefault(variant, []).append(np.nan_to_num((values - low) / span, nan=1.0))
    for variant in VARIANTS:
        if variant in curves:
            ax.plot(grid, np.median(np.vstack(curves[variant]), axis=0), label=variant)
    for share in CHECKPOINTS:
        ax.axvline(share * budget, color="grey", lw=0.5, ls=":")
    ax.set_xlabel("seconds into fit")
    ax.set_ylabel("median normalised held-out loss")
    ax.set_title(f"warm start vs cold start, {len(by_dataset)} data sets, leave-one-dataset-out")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=DEFAULT_DATASETS)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--budget", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--metadb", default=str(Path(__file__).resolve().parents[1] / "data" / "metadb.json.gz"))
    parser.add_argument("--report-only", action="store_true", help="summarise the runs on disk")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    runs_dir = RESULTS / "warm_start_runs"
    runs_dir.mkdir(parents=True, exist_ok=True)
    names = [n for n in args.datasets.split(",") if n]
    variants = [v for v in args.variants.split(",") if v]
    # data set-major order: if time runs out, every finished data set has all its variants
    jobs = [(n, v) for n in names for v in variants if not (runs_dir / f"{n}__{v}.json").exists()]
    started = time.perf_counter()
    if jobs and not args.report_only:
        with ProcessPoolExecutor(args.workers, mp_context=mp.get_context("spawn")) as pool:
            futures = {pool.submit(run_one, n, v, args.budget, args.metadb, args.seed,
                                   str(runs_dir / f"{n}__{v}.json")): (n, v) for n, v in jobs}
            for future in as_completed(futures):
                try:
                    logging.info("%s (%.0f s)", future.result(), time.perf_counter() - started)
                except Exception as error:
                    logging.warning("%s failed: %s", futures[future], error)
    runs = [json.loads(p.read_text()) for p in sorted(runs_dir.glob("*.json"))]
    runs = [r for r in runs if r["name"] in names and r["variant"] in variants]
    complete = {n for n in names if all(any(r["name"] == n and r["variant"] == v for r in runs) for v in variants)}
    runs = [r for r in runs if r["name"] in complete]
    frame = summarise(runs, args.budget, RESULTS)
    text = table(frame, runs)
    (RESULTS / "warm_start.md").write_text(text + "\n")
    plot(runs, args.budget, RESULTS / "warm_start.png")
    print(text)


if __name__ == "__main__":
    main()
