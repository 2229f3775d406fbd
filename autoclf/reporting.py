"""Views over the trial records: leaderboard, cv_results_, trajectory, statistics. Pure functions.

The leaderboard has every column (``columns="all"``) and a compact view of the few a reader scans first
(rank, model family, ensemble weight, held-out score, seconds, status), which prints within ~90 characters
where all columns took 188.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from autoclf.configspace.origins import Origin
from autoclf.configspace.pipeline import describe_pipeline
from autoclf.evaluation.result import STATUSES, TrialResult
from autoclf.metrics import Metric

PIPELINE_COLUMNS = ["classifier", "feature_preprocessor", "imputation", "encoding", "scaling", "balancing"]
#: the leaderboard's views: its compact columns (the metric's score column goes after ``ensemble_weight``)
COLUMN_VIEWS = ("compact", "all")
#: added by scoring test data: each right after its validation counterpart, in both views
TEST_COLUMNS = {"test_score": None, "predict_seconds": "fit_seconds"}


def leaderboard(results: list[TrialResult], metric_name: str,
                ensemble_weights: dict[int, float] | None = None) -> pd.DataFrame:
    """One row per trial, best first; failed trials last, ranked after every success.

    ``ensemble_weight`` is each trial's weight in the served ensemble (0 for non-members; the column sums
    to 1 whenever an ensemble was served).
    """
    weights = ensemble_weights or {}
    rows = []
    for result in results:
        parts = describe_pipeline(result.config)
        rows.append(
            {
                "trial_id": result.trial_id,
                **{column: parts.get(column, "") for column in PIPELINE_COLUMNS},
                "loss": result.loss if result.ok else np.nan,
                metric_name: result.score if result.ok else np.nan,
                "fit_seconds": round(result.duration, 3),
                "started": round(result.started, 3),
                "status": result.status,
                "origin": result.origin,
                "ensemble_weight": float(weights.get(result.trial_id, 0.0)),
            }
        )
    frame = pd.DataFrame(rows, columns=["trial_id", *PIPELINE_COLUMNS, "loss", metric_name, "fit_seconds",
                                        "started", "status", "origin", "ensemble_weight"])
    frame = frame.sort_values(["loss", "trial_id"], na_position="last", kind="stable").reset_index(drop=True)
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    return frame


def check_columns(columns: str) -> None:
    if columns not in COLUMN_VIEWS:
        raise ValueError(f"columns must be one of {COLUMN_VIEWS}, got {columns!r}")


def select_columns(board: pd.DataFrame, columns: str, metric_name: str) -> pd.DataFrame:
    """The ``columns`` view of a full leaderboard: "all" (every column) or "compact"; test columns (when
    present) sit right after their validation counterparts in both."""
    check_columns(columns)
    names = [c for c in board.columns if c not in TEST_COLUMNS]
    if columns == "compact":
        names = ["rank", "trial_id", "classifier", "ensemble_weight", metric_name, "fit_seconds", "status"]
    for test, after in TEST_COLUMNS.items():
        if test in board.columns:
            names.insert(names.index(after or metric_name) + 1, test)
    return board[names]


def cv_results(results: list[TrialResult]) -> dict[str, Any]:
    """scikit-learn's search-result layout (as auto-sklearn's cv_results_): arrays, one entry per trial."""
    losses = np.array([r.loss if r.ok else np.inf for r in results], dtype=float)
    order = np.argsort(losses, kind="stable")
    ranks = np.empty(len(results), dtype=int)
    ranks[order] = np.arange(1, len(results) + 1)
    out: dict[str, Any] = {
        "params": [dict(r.config) for r in results],
        "mean_test_score": np.array([r.score if r.ok else np.nan for r in results], dtype=float),
        "mean_test_loss": np.array([r.loss if r.ok else np.nan for r in results], dtype=float),
        "mean_fit_time": np.array([r.duration for r in results], dtype=float),
        "rank_test_scores": ranks,
        "status": [r.status for r in results],
        "origin": [r.origin for r in results],
    }
    keys = sorted({key for r in results for key in r.config})
    for key in keys:
        out[f"param_{key}"] = np.ma.masked_array(
            [r.config.get(key) for r in results], mask=[key not in r.config for r in results], dtype=object
        )
    return out


def trajectory(results: list[TrialResult]) -> list[tuple[float, float]]:
    """(seconds since the start of fit, best loss so far) at every improvement."""
    points, best = [], np.inf
    for result in sorted(results, key=lambda r: r.started + r.duration):
        if result.ok and result.loss < best:
            best = result.loss
            points.append((round(result.started + result.duration, 3), best))
    return points


def sprint_statistics(results: list[TrialResult], metric_name: str, best: TrialResult | None, seconds: float) -> str:
    trials = [r for r in results if r.origin != Origin.FALLBACK]
    counts = Counter(r.status for r in trials)
    if best is not None and best.score is not None:
        best_line = f"  best validation score: {best.score:.4f} (trial {best.trial_id})"
    else:
        best_line = "  no successful trial" + (": serving the fallback model" if best is not None else "")
    lines = [
        "autoclf results:",
        f"  metric: {metric_name}",
        best_line,
        f"  trials: {len(trials)}",
        *(f"    {status}: {counts.get(status, 0)}" for status in STATUSES),
        f"  fit wall time: {seconds:.1f} s",
    ]
    return "\n".join(lines)


def describe_models(results: list[TrialResult], weights: dict[int, float], refitted: list[int], metric: Metric,
                    kind: str, ensemble_loss: float) -> str:
    """The served ensemble's members as text, heaviest first, one line each (``show_models`` as a table)."""
    by_id = {r.trial_id: r for r in results}
    held_out = metric.optimum - ensemble_loss if metric.greater_is_better else ensemble_loss
    lines = [f"{kind} ensemble of {len(weights)} member(s), held-out {metric.name} {_number(held_out)}:",
             f"  {'weight':>6}  {'trial':>5}  {metric.name:>10}  refit  pipeline"]
    for trial_id, weight in sorted(weights.items(), key=lambda item: (-item[1], item[0])):
        result = by_id[trial_id]
        parts = describe_pipeline(result.config)
        pipeline = " + ".join(parts.get(c, "") for c in ("feature_preprocessor", "classifier") if parts.get(c))
        refit = "yes" if trial_id in refitted else "no"
        lines.append(f"  {weight:6.3f}  {trial_id:5d}  {_number(result.score):>10}  {refit:>5}  {pipeline}")
    return "\n".join(lines)


def _number(value: float | None) -> str:
    """4 decimals, or "-" where there is no value (the fallback was not validated)."""
    return "-" if value is None or not np.isfinite(value) else f"{value:.4f}"
