"""One trial, as it runs inside a worker: build the pipeline, fit on each split, score the held-out rows,
and write predictions and model to the run store. Plain functions, so a worker can call them by reference.
"""

from __future__ import annotations

import time
import warnings
from typing import Any

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from autoclf.budget import trial_deadline
from autoclf.configspace.pipeline import ClassifierPipeline, build_pipeline, scale_iterations
from autoclf.evaluation.request import TrialRequest
from autoclf.evaluation.run_store import RunStore, TrialTask
from autoclf.probabilities import pad_probabilities

_tasks: dict[str, TrialTask] = {}  # per worker process: the task is read from disk once, not per trial


def load_task(store_root: str) -> TrialTask:
    if store_root not in _tasks:
        _tasks.clear()  # one fit at a time per worker; do not keep old data sets alive
        _tasks[store_root] = RunStore(store_root).load_task()
    return _tasks[store_root]


def full_probabilities(model: ClassifierPipeline, X: Any, n_classes: int) -> np.ndarray:
    """predict_proba with one column per class of the whole training set, even if a fold missed some."""
    proba = np.asarray(model.predict_proba(X), dtype=np.float64)
    if not np.all(np.isfinite(proba)):
        raise ValueError(f"{type(model[-1]).__name__} predicted non-finite probabilities")
    full = pad_probabilities(proba, model.classes_, n_classes)
    totals = full.sum(axis=1, keepdims=True)
    totals[totals == 0] = 1.0
    return full / totals


#: share of a trial's time limit its fits may use; the rest is for predicting, scoring and saving
FIT_SHARE = 0.85


def run_trial(store_root: str, request: TrialRequest) -> dict:
    """Fit ``config`` on every split; returns loss, score and timing, writes artifacts to the store.

    Components that can stop early (networks) see each fit's share of the time limit through
    ``autoclf.budget.seconds_left()``. A fidelity < 1 (multi-fidelity search) cuts the classifier's
    iterations to that fraction, or, for classifiers without iterations, its training rows; the held-out
    rows stay whole so losses at every fidelity are comparable. A weighted fit (``task.sample_weight``)
    trains with the training rows' weights (where the classifier takes them: ``ClassifierPipeline.fit``)
    and scores with the held-out rows' weights.
    """
    assert request.trial_id is not None, "a trial request names its trial"
    config, seed, time_limit, budget = request.config, request.seed, request.time_limit, request.fidelity
    task = load_task(store_root)
    started = time.perf_counter()
    n_rows = len(task.y)
    oof = np.zeros((n_rows, task.info.n_classes))
    models = []
    for index, (train, valid) in enumerate(task.splits):
        model = build_pipeline(config, task.info, task.registry, random_state=seed)
        if budget is not None and budget < 1 and not scale_iterations(model, budget):
            train = subsample_rows(train, task.y, budget, seed)
        fit_seconds = None
        if time_limit is not None:
            remaining = time_limit - (time.perf_counter() - started)
            fit_seconds = FIT_SHARE * remaining / (len(task.splits) - index)
        with warnings.catch_warnings(), trial_deadline(fit_seconds):
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(task.X.iloc[train], task.y[train], **_weight_params(task.training_weights_at(train)))
            oof[valid] = full_probabilities(model, task.X.iloc[valid], task.info.n_classes)
        models.append(model)
    rows = np.sort(np.concatenate([valid for _, valid in task.splits]))
    predictions = oof[rows]
    targets = task.y[rows]
    weights = task.weights_at(rows)
    loss = float(task.metric.loss(targets, predictions, weights))
    score = float(task.metric.score(targets, predictions, weights))
    if not np.isfinite(loss):
        raise ValueError(f"the metric {task.metric.name} gave a non-finite loss")
    fit_seconds = time.perf_counter() - started
    kept = (models[0] if len(models) == 1 else models) if request.keep_model else None
    RunStore(store_root).write_artifacts(request.trial_id, predictions, kept)
    return {"loss": loss, "score": score, "fit_seconds": fit_seconds}


def _modules_for(store_root: str, config: dict[str, Any]) -> tuple[str, ...]:
    """Heavy modules the configuration's classifier imports (``Component.preload_modules``)."""
    task = load_task(store_root)
    name = config.get("classifier:__choice__")
    try:
        return tuple(task.registry.get("classifier", str(name)).preload_modules)
    except KeyError:
        return ()


def subsample_rows(rows: np.ndarray, y: np.ndarray, fraction: float, seed: int) -> np.ndarray:
    """A stratified ``fraction`` of ``rows`` (sorted), with at least two rows of every class present."""
    rng = np.random.default_rng(seed)
    kept = []
    for label in np.unique(y[rows]):
        members = rows[y[rows] == label]
        n = min(len(members), max(2, int(round(fraction * len(members)))))
        kept.append(rng.choice(members, size=n, replace=False))
    return np.sort(np.concatenate(kept))


def _weight_params(weights: np.ndarray | None) -> dict[str, Any]:
    """``fit``'s keyword for the pipeline: none at all for an unweighted fit (the call stays as it was)."""
    return {} if weights is None else {"sample_weight": weights}


def refit(store_root: str, request: TrialRequest) -> ClassifierPipeline:
    """Fit the configuration on all training rows: the model that serves predictions after the search
    (with a user's validation set, the rows of X only: ``TrialTask.refit_rows``)."""
    task = load_task(store_root)
    rows = task.refit_rows
    model = build_pipeline(request.config, task.info, task.registry, random_state=request.seed)
    fit_seconds = None if request.time_limit is None else FIT_SHARE * request.time_limit
    with warnings.catch_warnings(), trial_deadline(fit_seconds):
        warnings.simplefilter("ignore", ConvergenceWarning)
        if rows is None:
            model.fit(task.X, task.y, **_weight_params(task.training_weights_at(np.arange(len(task.y)))))
        else:
            model.fit(task.X.iloc[rows], task.y[rows], **_weight_params(task.training_weights_at(rows)))
    return model


def carry_out(store_root: str, request: TrialRequest) -> Any:
    """What a worker runs for a request: a trial (its artifacts go to the store) or a refit (the model comes
    back). The one function every runner sends, with the run store it knows."""
    return refit(store_root, request) if request.is_refit else run_trial(store_root, request)


def _modules_needed(store_root: str, request: TrialRequest) -> tuple[str, ...]:
    return _modules_for(store_root, request.config)


# what the worker imports before a call's clock starts (``autoclf.execution.worker``)
carry_out.modules_needed = _modules_needed  # type: ignore[attr-defined]
