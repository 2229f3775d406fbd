"""Teacher vs student on the user's test data: score, predict latency, size on disk.

What a deployer decides on: how much accuracy the small model gives up, how much faster it answers one
request (batch of 1: dominated by fixed per-call costs) and a bulk job (batch of 1000: per-row compute),
and how much smaller the artifact is.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

import joblib
import numpy as np
import pandas as pd

from autoclf.distillation.timing import batch_of, predict_seconds

#: predict calls timed per batch size; the median is reported (robust to a busy machine)
REPEATS = {1: 30, 1000: 5}


def distillation_report(teacher: Any, student: Any, X_test: Any, y_test: Any) -> pd.DataFrame:
    """Teacher vs student on test data: score, accuracy, predict latency, size.

    Parameters
    ----------
    teacher : the fitted AutoClassifier (its ``metric_`` scores both).
    student : a fitted student (``teacher.distill(...)``), with the teacher's classes.
    X_test, y_test : held-out rows and their labels.

    Returns
    -------
    pandas.DataFrame
        One row each for "teacher" and "student": ``score`` (the teacher's metric), ``accuracy``,
        ``latency_ms_batch_1`` and ``latency_ms_per_row_batch_1000`` (median predict_proba time per row,
        warm, one BLAS/OpenMP thread: ``autoclf.distillation.timing``) and ``size_mb`` (pickled with
        joblib). ``frame.attrs`` holds ``metric``, ``score_ratio`` (student / teacher score, teacher /
        student for a loss: above 1 means the student is better), ``speedup_batch_1``,
        ``speedup_batch_1000`` and ``size_ratio``.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _report(teacher, student, X_test, y_test)


def _report(teacher: Any, student: Any, X_test: Any, y_test: Any) -> pd.DataFrame:
    metric = teacher.metric_
    codes = teacher.validator_.encode_target(y_test)
    frame = X_test if isinstance(X_test, pd.DataFrame) else pd.DataFrame(np.asarray(X_test))
    rows = {}
    for name, model in (("teacher", teacher), ("student", student)):
        if list(model.classes_) != list(teacher.classes_):
            raise ValueError(f"the {name}'s classes {list(model.classes_)} differ from the teacher's")
        proba = np.asarray(model.predict_proba(X_test), dtype=np.float64)
        rows[name] = {
            "score": metric.score(codes, proba),
            "accuracy": float(np.mean(np.argmax(proba, axis=1) == codes)),
            "latency_ms_batch_1": 1000 * predict_seconds_per_row(model, frame, 1),
            "latency_ms_per_row_batch_1000": 1000 * predict_seconds_per_row(model, frame, 1000),
            "size_mb": size_on_disk(model) / 2**20,
        }
    report = pd.DataFrame.from_dict(rows, orient="index")
    report.attrs["metric"] = metric.name
    teacher_row, student_row = report.loc["teacher"], report.loc["student"]
    report.attrs["score_ratio"] = _ratio(student_row["score"], teacher_row["score"], metric.greater_is_better)
    report.attrs["speedup_batch_1"] = teacher_row["latency_ms_batch_1"] / student_row["latency_ms_batch_1"]
    report.attrs["speedup_batch_1000"] = (teacher_row["latency_ms_per_row_batch_1000"]
                                          / student_row["latency_ms_per_row_batch_1000"])
    report.attrs["size_ratio"] = student_row["size_mb"] / teacher_row["size_mb"]
    return report


def predict_seconds_per_row(model: Any, X: pd.DataFrame, batch: int) -> float:
    """Median seconds per row of ``predict_proba`` on one batch.

    Parameters
    ----------
    model : anything with ``predict_proba``.
    X : the rows; the batch is its first ``batch`` rows, repeated in order when X is shorter.
    batch : rows per call.

    Returns
    -------
    float
        Seconds per row, timed as ``autoclf.distillation.timing.predict_seconds`` times (warm, one thread,
        median of ``REPEATS[batch]`` calls), so teacher and student are measured alike.
    """
    return predict_seconds(model, batch_of(X, batch), REPEATS.get(batch, 5))[1] / batch


def size_on_disk(model: Any) -> int:
    """Bytes of the model pickled with joblib (what ``save`` writes)."""
    handle, path = tempfile.mkstemp(suffix=".joblib")
    os.close(handle)
    try:
        joblib.dump(model, path)
        return os.path.getsize(path)
    finally:
        os.unlink(path)


def _ratio(student: float, teacher: float, greater_is_better: bool) -> float:
    """student / teacher for scores; teacher / student for losses, so that above 1 means better either way."""
    if greater_is_better:
        return student / teacher if teacher else float("nan")
    return teacher / student if student else float("nan")
