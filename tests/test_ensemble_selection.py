"""Greedy ensemble selection (autoclf.ensembles.selection) as a pure function: invariants, not exact floats."""

import numpy as np
import pytest

from autoclf.ensembles.selection import _vectorised_loss, ensemble_loss, ensemble_selection
from autoclf.metrics import get_metric


def noisy_candidates(n_models: int, n_rows: int = 300, n_classes: int = 3, seed: int = 0):
    """Targets and candidate probabilities of varying quality (softmax of signal + noise)."""
    rng = np.random.default_rng(seed)
    targets = rng.integers(0, n_classes, n_rows)
    onehot = np.eye(n_classes)[targets]
    stack = []
    for i in range(n_models):
        logits = (0.5 + 0.3 * i) * onehot + rng.normal(0, 1.0, (n_rows, n_classes))
        proba = np.exp(logits)
        stack.append(proba / proba.sum(axis=1, keepdims=True))
    return targets, np.stack(stack)


@pytest.mark.parametrize("metric_name", ["log_loss", "accuracy", "balanced_accuracy"])
def test_one_perfect_model_gets_all_the_weight(metric_name):
    targets, stack = noisy_candidates(5)
    perfect = np.eye(3)[targets][None]
    stack = np.concatenate([stack[:2], perfect, stack[2:]])
    weights = ensemble_selection(stack, targets, get_metric(metric_name, 3), ensemble_size=20)
    np.testing.assert_allclose(weights, np.eye(len(stack))[2])


def test_duplicates_add_nothing():
    targets, stack = noisy_candidates(4)
    metric = get_metric("log_loss", 3)
    weights = ensemble_selection(stack, targets, metric, ensemble_size=30)
    doubled = np.concatenate([stack, stack])
    weights_doubled = ensemble_selection(doubled, targets, metric, ensemble_size=30)
    # the copies share the weight the original had, and the ensemble predicts the same
    np.testing.assert_allclose(weights_doubled[:4] + weights_doubled[4:], weights, atol=1e-12)
    np.testing.assert_allclose(np.tensordot(weights_doubled, doubled, axes=1), np.tensordot(weights, stack, axes=1))


@pytest.mark.parametrize("metric_name, n_classes", [("log_loss", 3), ("roc_auc", 2), ("roc_auc", 3), ("accuracy", 3),
                                                    ("f1_macro", 3), ("log_loss", 2)])
@pytest.mark.parametrize("n_init", [0, 3])
def test_ensemble_never_worse_than_its_best_member(metric_name, n_classes, n_init):
    metric = get_metric(metric_name, n_classes)
    for seed in range(3):
        targets, stack = noisy_candidates(8, n_classes=n_classes, seed=seed)
        weights = ensemble_selection(stack, targets, metric, ensemble_size=15, n_init=n_init, rng=seed)
        assert np.all(weights >= 0) and np.isclose(weights.sum(), 1.0)
        best_single = min(metric.loss(targets, proba) for proba in stack)
        assert ensemble_loss(stack, weights, targets, metric) <= best_single + 1e-12


def test_weights_are_counts_over_the_best_iterate():
    targets, stack = noisy_candidates(6)
    size = 25
    weights = ensemble_selection(stack, targets, get_metric("log_loss", 3), ensemble_size=size)
    # with replacement: every weight is (times picked) / (steps up to the best iterate), for one step count
    assert any(np.allclose(weights * steps, np.round(weights * steps)) for steps in range(1, size + 1))


def test_same_seed_same_weights_even_with_ties():
    targets, stack = noisy_candidates(3)
    stack = np.concatenate([stack, stack, stack])  # every candidate tied with two copies
    metric = get_metric("log_loss", 3)
    first = ensemble_selection(stack, targets, metric, ensemble_size=20, rng=5)
    again = ensemble_selection(stack, targets, metric, ensemble_size=20, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(first, again)


@pytest.mark.parametrize("metric_name, n_classes", [("log_loss", 3), ("log_loss", 2), ("roc_auc", 2), ("roc_auc", 4),
                                                    ("accuracy", 4)])
def test_vectorised_losses_match_the_metric(metric_name, n_classes):
    metric = get_metric(metric_name, n_classes)
    targets, stack = noisy_candidates(4, n_classes=n_classes)
    stack[0, :5] = 0.0  # exact zeros: clipping must match
    stack[0, :5, 0] = 1.0
    stack[1] = np.round(stack[1], 1)  # ties in the scores, for the AUC's average ranks
    fast = _vectorised_loss(metric, targets, n_classes)(stack)
    np.testing.assert_allclose(fast, [metric.loss(targets, proba) for proba in stack], rtol=1e-9, atol=1e-12)


def test_bad_input_is_rejected():
    targets, stack = noisy_candidates(2)
    metric = get_metric("log_loss", 3)
    with pytest.raises(ValueError, match="rows"):
        ensemble_selection(stack[:, :10], targets, metric)
    with pytest.raises(ValueError, match="ensemble_size"):
        ensemble_selection(stack, targets, metric, ensemble_size=0)
    with pytest.raises(ValueError, match="non-empty"):
        ensemble_selection(np.empty((0, 300, 3)), targets, metric)
