"""A pessimistic held-out loss: the student ``distill`` keeps must pass on a bound, not on its lucky estimate.

Among many candidates scored on the same held-out rows, the fastest one whose point estimate keeps the
teacher's score is often the one that row noise favoured most; on test rows it then falls short (issue 19:
0.994 of the teacher's score on validation, 0.988 on test). So every candidate's loss is also measured on
``RESAMPLES`` bootstrap resamples of the held-out rows, the same resamples for all, and a candidate is judged
on ``paired_bound``: the most accurate candidate's loss plus the ``CONFIDENCE`` quantile of how much worse the
candidate is on a resample. The comparison is paired, so the noise every candidate shares (hard rows, a
rare class) cancels and only the evidence that a candidate is worse than the best counts against it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: quantile of the resampled loss difference a candidate is judged on (0.84: about one standard error up)
CONFIDENCE = 0.84
#: bootstrap resamples of the held-out rows
RESAMPLES = 100
#: the resamples' seed: every candidate of a distillation is measured on the same resamples
SEED = 0


def resampled_losses(metric: Any, codes: np.ndarray, proba: np.ndarray) -> np.ndarray:
    """``metric``'s loss of ``proba`` on each of the ``RESAMPLES`` bootstrap resamples of the held-out rows.

    Parameters
    ----------
    metric : an ``autoclf.metrics.Metric`` (its ``loss``: lower is better).
    codes : the held-out rows' class codes.
    proba : a candidate's probabilities for them.

    Returns
    -------
    numpy.ndarray
        ``RESAMPLES`` losses; empty with fewer than 2 held-out rows. The resamples depend only on the number
        of rows, so two candidates' arrays pair up resample by resample.
    """
    codes, proba = np.asarray(codes), np.asarray(proba)
    if len(codes) < 2:
        return np.zeros(0)
    resamples = np.random.default_rng(SEED).integers(0, len(codes), (RESAMPLES, len(codes)))
    per_row = metric.row_losses(codes, proba)
    if per_row is not None:  # a mean over rows: resample the rows' own losses (fast for many classes)
        return per_row[resamples].mean(axis=1)
    return np.array([metric.loss(codes[rows], proba[rows]) for rows in resamples])


def paired_bound(loss: float, resampled: np.ndarray, best_loss: float, best_resampled: np.ndarray) -> float:
    """A candidate's pessimistic loss: the best candidate's plus how much worse the candidate is on the
    ``CONFIDENCE`` quantile of the paired resamples (never below the candidate's own estimate).

    Parameters
    ----------
    loss, resampled : the candidate's held-out loss and its ``resampled_losses``.
    best_loss, best_resampled : the same for the most accurate candidate.

    Returns
    -------
    float
        ``loss`` itself when the resamples are missing or do not pair up (e.g. the candidate is the best).
    """
    if len(resampled) == 0 or len(resampled) != len(best_resampled):
        return loss
    return max(loss, best_loss + float(np.quantile(resampled - best_resampled, CONFIDENCE)))
