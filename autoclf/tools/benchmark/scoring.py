"""Scores of one run, as the AutoML Benchmark reports them, and the constant predictor used for imputation.

The main metric is ROC AUC for two classes and log loss for more (AMLB's choice: AUC ignores calibration,
which a binary ranking task may not need; log loss is the one multiclass metric sensitive to every
class's probability). Accuracy and balanced accuracy are reported too. Probabilities are aligned to the
task's full label list, so a class absent from a training fold gets probability 0 (then clipped),
rather than shifting every other column.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import accuracy_score, balanced_accuracy_score, log_loss, roc_auc_score

METRICS = ("auc", "logloss", "accuracy", "balanced_accuracy")
#: smaller is better for these; every other metric is larger-is-better
LOWER_IS_BETTER = {"logloss"}
EPSILON = 1e-15


def main_metric(n_classes: int) -> str:
    """The AMLB metric of a task: "auc" for binary, "logloss" for multiclass."""
    return "auc" if n_classes == 2 else "logloss"


def align(proba: np.ndarray, classes: list[str], labels: list[str]) -> np.ndarray:
    """Columns of ``proba`` (in ``classes`` order) rearranged to ``labels`` order, missing ones zero, rows
    renormalised."""
    aligned = np.zeros((proba.shape[0], len(labels)))
    index = {label: position for position, label in enumerate(labels)}
    for column, label in enumerate(classes):
        if label in index:
            aligned[:, index[label]] = proba[:, column]
    aligned = np.nan_to_num(np.clip(aligned, 0.0, None))
    sums = aligned.sum(axis=1, keepdims=True)
    uniform = np.full_like(aligned, 1.0 / len(labels))
    return np.where(sums > 0, aligned / np.where(sums > 0, sums, 1.0), uniform)


def score(y_true: np.ndarray, proba: np.ndarray, labels: list[str]) -> dict[str, float]:
    """AUC (binary only), log loss, accuracy, balanced accuracy of aligned probabilities on string labels."""
    y_true = np.asarray(y_true).astype(str)
    clipped = np.clip(proba, EPSILON, 1.0)
    clipped /= clipped.sum(axis=1, keepdims=True)
    predicted = np.asarray(labels)[proba.argmax(axis=1)]
    scores = {
        "logloss": float(log_loss(y_true, clipped, labels=labels)),
        "accuracy": float(accuracy_score(y_true, predicted)),
        "balanced_accuracy": float(balanced_accuracy_score(y_true, predicted)),
        "auc": float("nan"),
    }
    if len(labels) == 2 and len(set(y_true)) == 2:
        scores["auc"] = float(roc_auc_score(y_true == labels[1], proba[:, 1]))
    return scores


def auc_any(y_true: np.ndarray, proba: np.ndarray, labels: list[str]) -> float:
    """ROC AUC on any task: a ratio of two models' AUC reads the same on every task, which a ratio of log
    losses does not.

    Parameters
    ----------
    y_true : the test labels (as strings).
    proba : probabilities aligned to ``labels`` (``align``).
    labels : the task's labels.

    Returns
    -------
    float
        ROC AUC for two classes, one-vs-rest macro AUC for more; NaN when a class is missing from ``y_true``.
    """
    y_true = np.asarray(y_true).astype(str)
    if len(labels) == 2:
        return score(y_true, proba, labels)["auc"]
    if set(y_true) != set(labels):
        return float("nan")
    return float(roc_auc_score(y_true, proba, multi_class="ovr", average="macro", labels=labels))


def ratio(metric: str, student: float, teacher: float) -> float:
    """How much of the teacher's score the student keeps.

    Parameters
    ----------
    metric : a name of ``METRICS``; ``LOWER_IS_BETTER`` ones are losses.
    student, teacher : their values of ``metric``.

    Returns
    -------
    float
        student / teacher for a score, teacher / student for a loss (above 1: the student is better); NaN
        where the divisor is not positive.
    """
    if metric in LOWER_IS_BETTER:
        return teacher / student if student > 0 else float("nan")
    return student / teacher if teacher > 0 else float("nan")


def constant_scores(y_train: np.ndarray, y_test: np.ndarray, labels: list[str]) -> dict[str, float]:
    """Scores of the class-prior predictor: what a failed run is imputed with (as the AMLB does)."""
    y_train = np.asarray(y_train).astype(str)
    prior = np.array([(y_train == label).mean() for label in labels])
    return score(y_test, np.tile(prior, (len(y_test), 1)), labels)


def oriented(metric: str, value: float) -> float:
    """A value turned larger-is-better (negated log loss), for ranks and normalised scores."""
    return -value if metric in LOWER_IS_BETTER else value
