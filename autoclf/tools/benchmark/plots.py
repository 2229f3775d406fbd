"""PNG plots of a benchmark: critical-difference (mean rank) plot, score against budget, per-task scatter.

matplotlib is imported here only and draws on a standalone Figure with its Agg canvas, so reports render on
machines without a display, the runner never pays for it, and a caller's pyplot state is left alone. Each
plot returns its Figure (None when the data does not allow it). The scatter draws tasks where a run failed
(its score imputed with the constant predictor's) hollow, with their own legend entry: an imputed score is
not a measurement.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from autoclf.tools.benchmark import report

logger = logging.getLogger(__name__)


#: the benchmark's main metrics (the AutoML Benchmark's names) as an axis names them, with their direction
METRIC_LABELS = {"auc": "ROC AUC (higher is better)", "logloss": "log loss (lower is better)"}


def _figure(size: tuple[float, float], n_columns: int = 1) -> tuple[Any, Any]:
    """A Figure on an Agg canvas, outside pyplot's state, and its axes (a row of ``n_columns``)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=size)
    FigureCanvasAgg(figure)
    return figure, figure.subplots(1, n_columns, squeeze=False)[0]


def _save(figure: Any, path: Path) -> Any:
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    return figure


def write_plots(results: pd.DataFrame, out: Path, pair: list[str] | None = None) -> list[Path]:
    """Every plot the data allows; a plot that cannot be drawn is logged and skipped, never fatal."""
    written = []
    budget = max(results["budget"].unique())
    for name, draw in (("critical_difference.png", lambda p: critical_difference_plot(results, budget, p)),
                       ("score_vs_budget.png", lambda p: score_vs_budget_plot(results, p)),
                       ("scatter.png", lambda p: scatter_plot(results, budget, p, pair))):
        path = Path(out) / name
        try:
            if draw(path) is not None:
                written.append(path)
        except Exception as error:  # a report with one plot missing beats no report
            logger.warning("plot %s not drawn: %s", name, error)
    return written


def critical_difference_plot(results: pd.DataFrame, budget: float, path: Path) -> Any:
    """Mean ranks on a line with the Nemenyi critical difference as a bar (Demsar 2006)."""
    oriented = report.oriented_scores(results, budget)
    if oriented.empty or oriented.shape[1] < 2:
        return None
    ranks = report.mean_ranks(oriented)
    k, n = oriented.shape[1], oriented.shape[0]
    cd = report.critical_difference(k, n)
    fig, (ax,) = _figure((7, 1.2 + 0.35 * k))
    ax.set_xlim(1 - 0.1, k + 0.1)
    ax.set_ylim(-k - 0.5, 1.5)
    ax.hlines(0, 1, k, color="black")
    for rank in range(1, k + 1):
        ax.vlines(rank, -0.1, 0.1, color="black")
        ax.text(rank, 0.25, str(rank), ha="center")
    for position, (name, rank) in enumerate(ranks.items(), 1):
        ax.plot([rank, rank], [0, -position], color="tab:blue")
        ax.plot(rank, 0, "o", color="tab:blue")
        ax.text(rank + 0.03, -position, f"{name} ({rank:.2f})", va="center")
    if np.isfinite(cd):
        ax.hlines(1.0, 1, 1 + cd, color="tab:red", linewidth=3)
        ax.text(1 + cd / 2, 1.15, f"CD = {cd:.2f}", ha="center", color="tab:red")
    ax.axis("off")
    ax.set_title(f"Mean rank over {n} tasks at {budget:g} s (1 = best)")
    return _save(fig, path)


def score_vs_budget_plot(results: pd.DataFrame, path: Path) -> Any:
    """Mean normalised score (0 = constant predictor, 1 = best on the task) of each framework per budget."""
    rows = []
    for budget in sorted(results["budget"].unique()):
        normalised = report.normalised_scores(results, budget)
        for name, value in normalised.mean().items():
            rows.append((name, budget, value))
    if not rows:
        return None
    frame = pd.DataFrame(rows, columns=["framework", "budget", "score"])
    fig, (ax,) = _figure((6, 4))
    for name, group in frame.groupby("framework"):
        ax.plot(group["budget"], group["score"], "o-", label=name)
    ax.set_xscale("log")
    ax.set_xlabel("budget (s)")
    ax.set_ylabel("mean normalised score (higher is better)")
    ax.set_title("Score against budget (0 = constant predictor, 1 = best)")
    ax.legend()
    return _save(fig, path)


def scatter_plot(results: pd.DataFrame, budget: float, path: Path, pair: list[str] | None = None) -> Any:
    """Main metric of framework A (x) against B (y), one point per task, one panel per metric; a task where
    either framework had a failed (imputed) run is a hollow marker with its own legend entry."""
    scores = report.task_scores(results, budget)
    names = pair or list(dict.fromkeys(results["framework"]))[:2]
    if len(names) != 2 or not set(names) <= set(scores.columns):
        return None
    metric = results.drop_duplicates("task").set_index("task")["metric"]
    panels = [m for m in ("auc", "logloss") if (metric == m).any()]
    imputed = _imputed(results, budget)
    fig, axes = _figure((4.5 * len(panels), 4.2), len(panels))
    for ax, name in zip(axes, panels):
        part = scores[[*names]].loc[metric.reindex(scores.index) == name].dropna()
        hollow = imputed.reindex(index=part.index, columns=names).fillna(False).astype(bool).any(axis=1)
        measured = part[~hollow]
        ax.scatter(measured[names[0]], measured[names[1]], color="tab:blue", label="both measured")
        if hollow.any():
            ax.scatter(part.loc[hollow, names[0]], part.loc[hollow, names[1]], facecolors="none",
                       edgecolors="tab:red", label="a run failed (imputed)")
        low, high = np.nanmin(part.to_numpy()), np.nanmax(part.to_numpy())
        ax.plot([low, high], [low, high], color="grey", linestyle="--")
        for task, row in part.iterrows():
            ax.annotate(str(task)[:14], (row[names[0]], row[names[1]]), fontsize=6)
        label = METRIC_LABELS.get(name, name)
        ax.set_title(label)
        ax.set_xlabel(f"{names[0]}: {label}")
        ax.set_ylabel(f"{names[1]}: {label}")
        ax.legend(fontsize=7)
    fig.suptitle(f"{names[0]} vs {names[1]} per task at {budget:g} s")
    return _save(fig, path)


def _imputed(results: pd.DataFrame, budget: float) -> pd.DataFrame:
    """Per task x framework: whether any run at ``budget`` was imputed (``failed`` in older results)."""
    at = results[results["budget"] == budget]
    flag = "imputed" if "imputed" in at.columns else "failed"
    return at.assign(_flag=at[flag].fillna(False).astype(bool)).groupby(["task", "framework"])["_flag"].any() \
        .unstack()
