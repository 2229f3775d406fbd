"""Views over the trial records: leaderboard, cv_results_, trajectory, statistics. Pure functions."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from autoclf.configspace.origins import Origin
from autoclf.configspace.pipeline import describe_pipeline
from autoclf.evaluation.result import STATUSES, TrialResult

PIPELINE_COLUMNS = ["classifier", "feature_preprocessor", "imputation", "encoding", "scaling", "balancing"]


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


def show_models(results: list[TrialResult], weights: dict[int, float], refitted: list[int], metric_name: str,
                kind: str, ensemble_loss: float) -> str:
    """The served ensemble's members, heaviest first, one line each."""
    by_id = {r.trial_id: r for r in results}
    lines = [f"{kind} ensemble of {len(weights)} member(s), held-out loss {ensemble_loss:.4f}:",
             f"  {'weight':>6}  {'trial':>5}  {metric_name:>10}  refit  pipeline"]
    for trial_id, weight in sorted(weights.items(), key=lambda item: (-item[1], item[0])):
        result = by_id[trial_id]
        parts = describe_pipeline(result.config)
        pipeline = " + ".join(parts.get(c, "") for c in ("feature_preprocessor", "classifier") if parts.get(c))
        refit = "yes" if trial_id in refitted else "no"
        lines.append(f"  {weight:6.3f}  {trial_id:5d}  {result.score:10.4f}  {refit:>5}  {pipeline}")
    return "\n".join(lines)


def plot_ensemble_history(history: list[Any], metric_name: str, path: Any) -> None:
    """PNG of the ensemble's held-out loss and the best single model's loss at each ensemble refresh.

    matplotlib is imported here only (with the non-interactive Agg backend), so fitting never pays for it.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if not history:
        raise ValueError("no ensemble was built during this fit")
    seconds = [snapshot.seconds for snapshot in history]
    figure, axis = plt.subplots(figsize=(6, 4))
    axis.step(seconds, [s.best_single_loss for s in history], where="post", label="best single model")
    axis.step(seconds, [s.loss for s in history], where="post", label="ensemble")
    axis.set_xlabel("seconds since the start of fit")
    axis.set_ylabel(f"held-out loss ({metric_name})")
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, format="png", dpi=100)
    plt.close(figure)
