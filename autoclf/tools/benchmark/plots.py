"""PNG plots of a benchmark: critical-difference (mean rank) plot, score against budget, per-task scatter.

matplotlib is imported here only, with the Agg backend, so reports render on machines without a display
and the runner never pays for it.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from autoclf.tools.benchmark import report

logger = logging.getLogger(__name__)


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def write_plots(results: pd.DataFrame, out: Path, pair: list[str] | None = None) -> list[Path]:
    """Every plot the data allows; a plot that cannot be drawn is logged and skipped, never fatal."""
    written = []
    budget = max(results["budget"].unique())
    for name, draw in (("critical_difference.png", lambda p: critical_difference_plot(results, budget, p)),
                       ("score_vs_budget.png", lambda p: score_vs_budget_plot(results, p)),
                       ("scatter.png", lambda p: scatter_plot(results, budget, p, pair))):
        path = Path(out) / name
        try:
            if draw(path):
                written.append(path)
        except Exception as error:  # a report with one plot missing beats no report
            logger.warning("plot %s not drawn: %s", name, error)
    return written


def critical_difference_plot(results: pd.DataFrame, budget: float, path: Path) -> bool:
    """Mean ranks on a line with the Nemenyi critical difference as a bar (Demsar 2006)."""
    oriented = report.oriented_scores(results, budget)
    if oriented.empty or oriented.shape[1] < 2:
        return False
    ranks = report.mean_ranks(oriented)
    k, n = oriented.shape[1], oriented.shape[0]
    cd = report.critical_difference(k, n)
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 1.2 + 0.35 * k))
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
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def score_vs_budget_plot(results: pd.DataFrame, path: Path) -> bool:
    """Mean normalised score (0 = constant predictor, 1 = best on the task) of each framework per budget."""
    rows = []
    for budget in sorted(results["budget"].unique()):
        normalised = report.normalised_scores(results, budget)
        for name, value in normalised.mean().items():
            rows.append((name, budget, value))
    if not rows:
        return False
    frame = pd.DataFrame(rows, columns=["framework", "budget", "score"])
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    for name, group in frame.groupby("framework"):
        ax.plot(group["budget"], group["score"], "o-", label=name)
    ax.set_xscale("log")
    ax.set_xlabel("budget (s)")
    ax.set_ylabel("mean normalised score")
    ax.set_title("Score against budget")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def scatter_plot(results: pd.DataFrame, budget: float, path: Path, pair: list[str] | None = None) -> bool:
    """Main metric of framework A (x) against B (y), one point per task, one panel per metric."""
    scores = report.task_scores(results, budget)
    names = pair or list(dict.fromkeys(results["framework"]))[:2]
    if len(names) != 2 or not set(names) <= set(scores.columns):
        return False
    metric = results.drop_duplicates("task").set_index("task")["metric"]
    panels = [m for m in ("auc", "logloss") if (metric == m).any()]
    plt = _pyplot()
    fig, axes = plt.subplots(1, len(panels), figsize=(4.5 * len(panels), 4.2), squeeze=False)
    for ax, name in zip(axes[0], panels):
        part = scores[[*names]].loc[metric.reindex(scores.index) == name].dropna()
        ax.scatter(part[names[0]], part[names[1]])
        low, high = np.nanmin(part.to_numpy()), np.nanmax(part.to_numpy())
        ax.plot([low, high], [low, high], color="grey", linestyle="--")
        for task, row in part.iterrows():
            ax.annotate(task[:14], (row[names[0]], row[names[1]]), fontsize=6)
        better = "lower is better" if name == "logloss" else "higher is better"
        ax.set_title(f"{name} ({better})")
        ax.set_xlabel(names[0])
        ax.set_ylabel(names[1])
    fig.suptitle(f"{names[0]} vs {names[1]} per task at {budget:g} s")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True
