"""Greedy ensemble selection with replacement (Caruana et al., 2004) as a pure function.

Why this algorithm: the search leaves behind dozens of models with held-out (or out-of-fold) predictions
on the same rows. Averaging a greedily chosen multiset of them is cheap, needs no extra data, cannot
overfit much (weights are counts / iterations), and reliably beats the single best model (auto-sklearn,
AutoGluon and amltk all ship it). Selecting *with replacement* lets a strong model earn a large weight.

The function keeps the best iterate, not the last one: after the ensemble stops improving, further greedy
steps can only make the held-out loss worse, so we return the weights at the lowest loss seen.

Losses are computed in a vectorised way for the metrics the search uses most (log loss, binary ROC AUC,
accuracy): one greedy step scores every candidate at once. Other metrics fall back to ``metric.loss``.
With row weights (``fit``'s ``sample_weight``), log loss and accuracy stay vectorised as weighted means;
weighted ROC AUC falls back to ``metric.loss``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
from scipy.stats import rankdata

from autoclf.metrics import LOG_LOSS_EPS, Metric

logger = logging.getLogger(__name__)


def ensemble_selection(
    predictions: Sequence[np.ndarray] | np.ndarray,
    targets: np.ndarray,
    metric: Metric,
    ensemble_size: int = 50,
    n_init: int = 0,
    rng: np.random.Generator | int | None = 0,
    sample_weight: np.ndarray | None = None,
) -> np.ndarray:
    """Weights (non-negative, summing to 1) of the candidates in a greedily selected ensemble.

    Parameters
    ----------
    predictions : one (n_rows, n_classes) probability matrix per candidate, all on the rows of ``targets``.
    targets : int class codes of those rows.
    metric : the loss to minimise (``Metric.loss``: 0 is perfect).
    ensemble_size : greedy steps (each adds one member, repeats allowed).
    n_init : start from the ``n_init`` best single candidates (sorted initialisation, Caruana's 2004 trick
        against early overfitting of the greedy steps); 0 starts empty.
    rng : breaks ties between equally good candidates (duplicate models), so same seed, same weights.
    sample_weight : one weight per row of ``targets`` for the loss (None: unweighted).
    """
    stack = np.asarray(predictions, dtype=np.float64)
    targets = np.asarray(targets)
    if stack.ndim != 3 or stack.shape[0] == 0:
        raise ValueError(f"predictions must be a non-empty stack of (n_rows, n_classes) matrices, got {stack.shape}")
    if stack.shape[1] != len(targets):
        raise ValueError(f"predictions cover {stack.shape[1]} rows, targets {len(targets)}")
    if ensemble_size < 1:
        raise ValueError(f"ensemble_size must be at least 1, got {ensemble_size}")
    generator = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    n_models = stack.shape[0]
    if sample_weight is not None and len(sample_weight) != len(targets):
        raise ValueError(f"sample_weight has {len(sample_weight)} weights, targets {len(targets)} rows")
    score = _vectorised_loss(metric, targets, stack.shape[2], sample_weight)

    single = score(stack)
    counts = np.zeros(n_models, dtype=np.int64)
    total = np.zeros(stack.shape[1:])
    for index in np.argsort(single, kind="stable")[: max(0, min(n_init, n_models))]:
        counts[index] += 1
        total += stack[index]
    best_loss, best_counts = np.inf, counts.copy()
    if counts.sum():
        best_loss = float(score((total / counts.sum())[None])[0])
    for _ in range(ensemble_size):
        size = counts.sum() + 1
        losses = score((total[None] + stack) / size)
        ties = np.flatnonzero(losses <= losses.min() + 1e-12)
        chosen = int(generator.choice(ties))
        counts[chosen] += 1
        total += stack[chosen]
        if losses[chosen] < best_loss - 1e-12:
            best_loss, best_counts = float(losses[chosen]), counts.copy()
    if single.min() < best_loss:  # only possible with a poor sorted initialisation: never serve worse
        best_counts = np.zeros(n_models, dtype=np.int64)
        best_counts[int(np.argmin(single))] = 1
    logger.debug("ensemble selection: %d distinct members, loss %.5f (best single %.5f)",
                 np.count_nonzero(best_counts), min(best_loss, single.min()), single.min())
    return best_counts / best_counts.sum()


def ensemble_loss(predictions: Sequence[np.ndarray] | np.ndarray, weights: np.ndarray, targets: np.ndarray,
                  metric: Metric, sample_weight: np.ndarray | None = None) -> float:
    """Held-out loss of the weighted average of ``predictions`` (rows weighted by ``sample_weight``)."""
    stack = np.asarray(predictions, dtype=np.float64)
    average = np.tensordot(np.asarray(weights, dtype=np.float64), stack, axes=1)
    return float(metric.loss(np.asarray(targets), average, sample_weight))


def _vectorised_loss(metric: Metric, targets: np.ndarray, n_classes: int, sample_weight: np.ndarray | None = None):
    """A function (m, n, K) probabilities -> (m,) losses, equal to ``metric.loss`` for each of the m."""
    name = metric.name
    if sample_weight is not None:
        return _weighted_loss(metric, targets, np.asarray(sample_weight, dtype=np.float64))
    if name == "log_loss" and not metric.greater_is_better:
        rows = np.arange(len(targets))

        def log_loss(stack: np.ndarray) -> np.ndarray:
            clipped = np.clip(stack, LOG_LOSS_EPS, 1.0)
            picked = clipped[:, rows, targets] / clipped.sum(axis=2)
            return -np.log(picked).mean(axis=1)

        return log_loss
    if name == "roc_auc" and len(np.unique(targets)) >= 2:
        # binary: AUC of column 1; multiclass: one-vs-rest macro AUC over the classes present (as metrics.py)
        columns = [1] if n_classes == 2 else list(np.unique(targets))
        positives = [targets == k for k in columns]

        def auc_loss(stack: np.ndarray) -> np.ndarray:
            aucs = []
            for k, positive in zip(columns, positives):
                n_pos, n_neg = int(positive.sum()), int((~positive).sum())
                ranks = rankdata(stack[:, :, k], axis=1)  # average ranks for ties, as roc_auc_score
                aucs.append((ranks[:, positive].sum(axis=1) - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
            return metric.optimum - np.mean(aucs, axis=0)

        return auc_loss
    if name == "accuracy":

        def accuracy_loss(stack: np.ndarray) -> np.ndarray:
            return metric.optimum - (stack.argmax(axis=2) == targets[None]).mean(axis=1)

        return accuracy_loss

    def generic(stack: np.ndarray) -> np.ndarray:
        return np.array([metric.loss(targets, proba) for proba in stack])

    return generic


def _weighted_loss(metric: Metric, targets: np.ndarray, weights: np.ndarray):
    """``_vectorised_loss`` with row weights: weighted means for log loss and accuracy, ``metric.loss`` else."""
    total = weights.sum()
    if metric.name == "log_loss" and not metric.greater_is_better and total > 0:
        rows = np.arange(len(targets))

        def log_loss(stack: np.ndarray) -> np.ndarray:
            clipped = np.clip(stack, LOG_LOSS_EPS, 1.0)
            picked = clipped[:, rows, targets] / clipped.sum(axis=2)
            return -(np.log(picked) * weights).sum(axis=1) / total

        return log_loss
    if metric.name == "accuracy" and total > 0:

        def accuracy_loss(stack: np.ndarray) -> np.ndarray:
            return metric.optimum - ((stack.argmax(axis=2) == targets[None]) * weights).sum(axis=1) / total

        return accuracy_loss

    def generic(stack: np.ndarray) -> np.ndarray:
        return np.array([metric.loss(targets, proba, weights) for proba in stack])

    return generic
