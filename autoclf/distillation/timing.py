"""Predict time, measured one way for teacher and student alike.

A speed-up is only as fair as its two timings. Both models get the same rows in one ``predict_proba`` call
(the same batch size), one untimed warm-up call first (lazy imports, a network's first build, caches), one
BLAS/OpenMP thread (a serving process per core, and numbers that do not depend on how busy the other cores
are), and the median of several calls (robust to a busy machine). ``distill`` times its candidates and the
teacher with it, ``distillation_report`` both models, and ``autoclf benchmark --students`` the teacher and
the student on the test set.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import pandas as pd

#: timed calls after the warm-up; the median is kept
REPEATS = 5


def predict_seconds(model: Any, rows: Any, repeats: int = REPEATS, max_seconds: float = math.inf,
                    warm_up: bool = True) -> tuple[np.ndarray, float]:
    """``model.predict_proba(rows)`` and the median seconds of one such call.

    Parameters
    ----------
    model : anything with ``predict_proba`` (an AutoClassifier, a StudentClassifier, a Pipeline).
    rows : the batch, passed as it is to every call.
    repeats : timed calls after the untimed warm-up call.
    max_seconds : no further timed call once the timed ones took this long together (at least one is made):
        a slow teacher must not eat a distillation's budget in timings.
    warm_up : make the untimed warm-up call; False only for a model that has just predicted other rows (the
        teacher in ``distill``, after labelling the training rows): the first timed call is warm already.

    Returns
    -------
    proba : the probabilities of the first call.
    seconds : the median wall-clock seconds of the timed calls, on one BLAS/OpenMP thread.
    """
    from threadpoolctl import threadpool_limits

    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats!r}")
    with threadpool_limits(limits=1):
        proba = np.asarray(model.predict_proba(rows)) if warm_up else None
        times: list[float] = []
        while len(times) < repeats and sum(times) < max_seconds:
            started = time.perf_counter()
            result = model.predict_proba(rows)
            times.append(time.perf_counter() - started)
            proba = np.asarray(result) if proba is None else proba
    assert proba is not None  # at least one call was made
    return proba, float(np.median(times))


def batch_of(X: pd.DataFrame, size: int) -> pd.DataFrame:
    """One batch that teacher and student both get.

    Parameters
    ----------
    X : the rows.
    size : rows in the batch.

    Returns
    -------
    pandas.DataFrame
        The first ``size`` rows of ``X``, repeated in order when ``X`` is shorter, index reset.
    """
    if len(X) == 0:
        raise ValueError("no rows to time predict on")
    return X.iloc[np.arange(size) % len(X)].reset_index(drop=True)
