"""The served model's members: the fitted model behind each trial id, and how each does on test data.

Why apart from ``reporting`` (pure views over the trial records): these functions hold and run fitted
models. The served model is a ``WeightedEnsemble`` or a ``StackingEnsemble`` whose members are named
"trial <id>" (``autoclf.ensembles.serving``), holding the member refit on all rows where it was refit and
its trial model (holdout pipeline, or the average of its fold pipelines) otherwise; or, after a fit in
which no trial succeeded, the fallback pipeline itself.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd

from autoclf.configspace.pipeline import describe_pipeline
from autoclf.evaluation.result import TrialResult
from autoclf.metrics import Metric
from autoclf.probabilities import pad_probabilities


def served_members(model: Any, weights: dict[int, float]) -> dict[int, Any]:
    """The fitted model of each member of ``model`` (the served model) by trial id, in serving order."""
    names = getattr(model, "names_", None)
    estimators = getattr(model, "estimators_", None)
    if names is not None and estimators is not None and all(str(n).startswith("trial ") for n in names):
        return {int(str(name).split()[-1]): estimator for name, estimator in zip(names, estimators)}
    if len(weights) == 1:  # one model served as it is (the fallback)
        return {next(iter(weights)): model}
    raise ValueError(f"cannot tell the members of the served {type(model).__name__} apart")


def show_models(results: list[TrialResult], weights: dict[int, float], members: dict[int, Any],
                refitted: list[int]) -> dict[int, dict[str, Any]]:
    """One entry per served member, heaviest first, keyed by trial id (as auto-sklearn's ``show_models``):
    its weight, component choices, whole configuration, held-out loss and score (the fit's metric), whether
    it was refit on all rows, and the fitted model it serves (``pipeline``)."""
    by_id = {r.trial_id: r for r in results}
    order = sorted(members, key=lambda t: (-weights.get(t, 0.0), t))
    entries: dict[int, dict[str, Any]] = {}
    for trial_id in order:
        result = by_id[trial_id]
        entries[trial_id] = {
            "trial_id": trial_id,
            "weight": float(weights.get(trial_id, 0.0)),
            "components": describe_pipeline(result.config),
            "config": {name: _plain(value) for name, value in result.config.items()},
            "loss": result.loss if result.ok else float("nan"),
            "score": result.score if result.ok and result.score is not None else float("nan"),
            "refit": trial_id in refitted,
            "origin": str(result.origin),
            "pipeline": members[trial_id],
        }
    return entries


def check_test_data(fitted: Any, X_test: Any, y_test: Any) -> tuple[pd.DataFrame, np.ndarray]:
    """(canonical X_test, label codes) with predict's own errors, and a clear one for mismatched inputs."""
    if X_test is None or y_test is None:
        raise ValueError("pass both X_test and y_test to score on test data (or neither)")
    X_canonical = fitted.validator_.transform(X_test)  # predict's checks: columns, order, empty, sparse
    codes = fitted.validator_.encode_target(y_test)  # labels unseen at fit time raise, by name
    if len(codes) != len(X_canonical):
        raise ValueError(f"X_test and y_test have different lengths: X_test has {len(X_canonical)} rows, y_test "
                         f"has {len(codes)} labels")
    return X_canonical, codes


def member_test_scores(members: dict[int, Any], X_canonical: pd.DataFrame, codes: np.ndarray, metric: Metric,
                       n_classes: int) -> dict[int, tuple[float, float]]:
    """(score under ``metric``, seconds of predict_proba) of each member on the canonical test rows."""
    scores: dict[int, tuple[float, float]] = {}
    for trial_id, member in members.items():
        started = time.perf_counter()
        proba = np.asarray(member.predict_proba(X_canonical), dtype=np.float64)
        seconds = time.perf_counter() - started
        full = pad_probabilities(proba, member.classes_, n_classes)
        score = metric.score(codes, full) if np.all(np.isfinite(full)) else float("nan")
        scores[trial_id] = (score, seconds)
    return scores


def with_test_scores(board: pd.DataFrame, fitted: Any, X_test: Any, y_test: Any) -> pd.DataFrame:
    """``board`` (the leaderboard, all columns) with ``test_score`` and ``predict_seconds`` for the served
    members, and a first row for the whole served model (no rank, no trial id)."""
    X_canonical, codes = check_test_data(fitted, X_test, y_test)
    metric: Metric = fitted.metric_
    weights = getattr(fitted, "ensemble_weights_", {})
    members = served_members(fitted.model_, weights)
    scores = member_test_scores(members, X_canonical, codes, metric, len(fitted.classes_))
    started = time.perf_counter()
    proba = fitted.predict_proba(X_test)
    seconds = time.perf_counter() - started
    board = board.copy()
    board["test_score"] = [scores.get(t, (np.nan, np.nan))[0] for t in board["trial_id"]]
    board["predict_seconds"] = [round(scores.get(t, (np.nan, np.nan))[1], 4) for t in board["trial_id"]]
    loss = float(getattr(fitted, "ensemble_loss_", np.nan))
    row: dict[str, Any] = {column: "" for column in board.columns if not pd.api.types.is_numeric_dtype(board[column])}
    row.update(rank=pd.NA, trial_id=pd.NA, classifier=f"ensemble ({getattr(fitted, 'ensemble_kind_', '')})",
               loss=loss, fit_seconds=np.nan, started=np.nan, status="success", origin="ensemble",
               ensemble_weight=np.nan, test_score=metric.score(codes, proba), predict_seconds=round(seconds, 4))
    row[metric.name] = metric.optimum - loss if metric.greater_is_better else loss
    for column in ("rank", "trial_id"):
        board[column] = board[column].astype("Int64")
    ensemble = pd.DataFrame([row], columns=board.columns).astype({"rank": "Int64", "trial_id": "Int64"})
    return pd.concat([ensemble, board], ignore_index=True)


def _plain(value: Any) -> Any:
    """A Python scalar for a NumPy one (SMAC's configurations hold np.str_, np.int64, np.bool_)."""
    return value.item() if isinstance(value, np.generic) else value
