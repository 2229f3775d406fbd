"""What a fitted AutoClassifier relies on, and how its search went: permutation importances and plots.

Plots show the fit's metric in its own terms, named with its direction ("ROC AUC (higher is better)"),
never a loss labelled as a score; trials that ended without a score are marked, not dropped silently.

Importances are measured on held-out data passed by the caller: ``fit`` keeps no training rows (saved
models stay small and free of the training set), and importances on the training rows would reward the
features a model overfits. matplotlib is imported inside the plot functions only and draws with its Agg
canvas on a standalone Figure: neither fitting nor predicting pays for it, no display is needed, and the
caller's pyplot backend and open figures are left alone.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import numpy as np
import pandas as pd

from autoclf.metrics import Metric

logger = logging.getLogger(__name__)


def permutation_importances(model: Any, X: Any, y: Any, n_repeats: int = 5, max_rows: int | None = 2000,
                            seed: int = 0) -> pd.DataFrame:
    """Permutation importance of each input column of ``model`` (a fitted AutoClassifier) on held-out (X, y).

    One column at a time is shuffled and the model's loss (its own ``metric_``) measured again; a column's
    importance is the mean increase of the loss over ``n_repeats`` shuffles (scikit-learn's
    ``permutation_importance``), so it is on the scale of the metric and near 0 for an unused column.
    At most ``max_rows`` rows (a random subset) are used, which bounds the cost to
    ``n_features x n_repeats`` predictions of ``max_rows`` rows.

    Returns a frame with ``feature``, ``importance_mean``, ``importance_std``, most important first.
    """
    from sklearn.inspection import permutation_importance

    X_frame = _as_input_frame(model, X)
    y_values = np.asarray(y.to_numpy() if isinstance(y, (pd.Series, pd.DataFrame)) else y).reshape(-1)
    if len(X_frame) != len(y_values):
        raise ValueError(f"X and y have different lengths: X has {len(X_frame)} rows, y has {len(y_values)} labels")
    if len(X_frame) < 2:
        raise ValueError("permutation importances need at least 2 held-out rows")
    if max_rows is not None and len(X_frame) > max_rows:
        rows = np.sort(np.random.default_rng(seed).choice(len(X_frame), size=max_rows, replace=False))
        X_frame, y_values = X_frame.iloc[rows].reset_index(drop=True), y_values[rows]
    codes = model.validator_.encode_target(y_values)  # labels unseen at fit time raise here, by name
    metric = model.metric_

    def negative_loss(estimator: Any, X_part: pd.DataFrame, codes_part: np.ndarray) -> float:
        return -metric.loss(codes_part, estimator.predict_proba(X_part))

    result = permutation_importance(model, X_frame, codes, scoring=negative_loss, n_repeats=n_repeats,
                                    random_state=seed, n_jobs=1)
    frame = pd.DataFrame({"feature": [str(c) for c in X_frame.columns], "importance_mean": result.importances_mean,
                          "importance_std": result.importances_std})
    return frame.sort_values("importance_mean", ascending=False, kind="stable").reset_index(drop=True)


def _as_input_frame(model: Any, X: Any) -> pd.DataFrame:
    """X as a frame with the fit-time columns, so each permuted column is one user-facing feature."""
    if isinstance(X, pd.DataFrame):
        return X.reset_index(drop=True)
    array = np.asarray(X, dtype=object) if not isinstance(X, np.ndarray) else X
    if array.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {array.shape}")
    return pd.DataFrame(array, columns=list(model.validator_.feature_names_in_))


#: how plots name the built-in metrics; any other metric (a scikit-learn scorer) by its own name
METRIC_NAMES = {"roc_auc": "ROC AUC", "log_loss": "log loss", "balanced_accuracy": "balanced accuracy",
                "f1_macro": "F1 (macro)", "f1_weighted": "F1 (weighted)", "precision_macro": "precision (macro)",
                "recall_macro": "recall (macro)", "f1": "F1", "average_precision": "average precision",
                "mcc": "MCC"}
#: how the performance plot marks a trial that ended without a score: marker and colour per status
FAILED_MARKERS = {"crashed": ("x", "tab:red"), "timeout": ("v", "tab:orange"), "memout": ("s", "tab:purple")}


def metric_label(metric: Metric) -> str:
    """The metric's name and direction for an axis, e.g. "ROC AUC (higher is better)"."""
    direction = "higher" if metric.greater_is_better else "lower"
    return f"{METRIC_NAMES.get(metric.name, metric.name)} ({direction} is better)"


def as_score(metric: Metric, loss: float) -> float:
    """The metric's own value of a loss (``Metric.loss`` inverted): plots show what the user asked for."""
    return metric.optimum - loss if metric.greater_is_better else loss


def plot_feature_importances(importances: pd.DataFrame, path: str | os.PathLike | None = None, top: int = 20,
                             metric: Metric | None = None) -> Any:
    """Bar chart of the ``top`` most important features, one standard deviation as error bars; written as a
    PNG to ``path`` (if given) and returned as a matplotlib Figure."""
    shown = importances.head(top).iloc[::-1]
    figure, axis = _figure((6, 1.0 + 0.3 * len(shown)))
    axis.barh(shown["feature"], shown["importance_mean"], xerr=shown["importance_std"], color="tab:blue")
    axis.axvline(0.0, color="grey", linewidth=0.8)
    if metric is None:
        axis.set_xlabel("increase of the held-out loss when shuffled")
    else:  # a loss increase is a score decrease: say it in the metric's own terms
        change = "drop" if metric.greater_is_better else "rise"
        axis.set_xlabel(f"{change} of held-out {METRIC_NAMES.get(metric.name, metric.name)} when shuffled")
    axis.set_title("permutation importance (larger: more important)")
    return _save(figure, path)


def plot_performance_over_time(results: list[Any], trajectory: list[tuple[float, float]], metric: Metric,
                               path: str | os.PathLike | None = None) -> Any:
    """Every trial's held-out score (the fit's metric) when it finished and the best so far; failed trials
    (crashed, timeout, memout) as marks on the axis's worst edge, one legend entry per status. Written as a
    PNG to ``path`` (if given) and returned as a matplotlib Figure."""
    if not trajectory:
        raise ValueError("no trial succeeded, so there is no performance to plot")
    done = [r for r in results if r.ok and np.isfinite(r.loss)]  # the fallback has no held-out loss
    figure, axis = _figure((6, 4))
    axis.scatter([r.started + r.duration for r in done], [as_score(metric, r.loss) for r in done], s=12,
                 alpha=0.5, color="grey", label="trial")
    end = max([seconds for seconds, _ in trajectory] + [r.started + r.duration for r in results])
    seconds = [t for t, _ in trajectory] + [end]
    best = [as_score(metric, loss) for _, loss in trajectory]
    axis.step(seconds, best + best[-1:], where="post", color="tab:red", label="best so far")
    edge = 0.0 if metric.greater_is_better else 1.0  # the worst end of the axis, in axis coordinates
    for status, (marker, colour) in FAILED_MARKERS.items():
        failed = [r.started + r.duration for r in results if r.status == status]
        if failed:
            axis.scatter(failed, [edge] * len(failed), marker=marker, color=colour, s=40, clip_on=False,
                         transform=axis.get_xaxis_transform(), label=f"{status} ({len(failed)}, no score)")
    axis.set_xlabel("seconds since the start of fit")
    axis.set_ylabel(f"held-out {metric_label(metric)}")
    axis.set_title("performance over time")
    axis.legend()
    return _save(figure, path)


def plot_ensemble_history(history: list[Any], metric: Metric, path: str | os.PathLike | None = None) -> Any:
    """The ensemble's held-out score and the best single model's at each ensemble refresh; written as a PNG
    to ``path`` (if given) and returned as a matplotlib Figure."""
    if not history:
        raise ValueError("no ensemble was built during this fit")
    seconds = [snapshot.seconds for snapshot in history]
    figure, axis = _figure((6, 4))
    axis.step(seconds, [as_score(metric, s.best_single_loss) for s in history], where="post",
              label="best single model")
    axis.step(seconds, [as_score(metric, s.loss) for s in history], where="post", label="ensemble")
    axis.set_xlabel("seconds since the start of fit")
    axis.set_ylabel(f"held-out {metric_label(metric)}")
    axis.set_title("ensemble over time")
    axis.legend()
    return _save(figure, path)


def _save(figure: Any, path: str | os.PathLike | None) -> Any:
    figure.tight_layout()
    if path is not None:
        figure.savefig(path, format="png", dpi=100)
    return figure


def _figure(size: tuple[float, float]) -> tuple[Any, Any]:
    """A Figure on an Agg canvas, outside pyplot's state (nothing to close, no backend switched)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=size)
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()
