"""Which student ``distill`` keeps: candidates fitted on the training part, scored and timed on held-out rows.

What a user asks of distillation is speed at (almost) the teacher's accuracy, so the rule is: **the fastest
candidate whose held-out score keeps at least ``min_score_ratio`` of the teacher's** (``score_ratio``: the
student's score over the teacher's, or the teacher's loss over the student's for a loss such as log loss,
the ratio ``distillation_report`` and ``autoclf benchmark --students`` report). Candidates within
``SPEED_TIE`` of the fastest such one count as equally fast (timing noise), and the most accurate of them
wins. When none keeps the ratio, the most accurate candidate wins (said in a warning): accuracy first when
the tolerance cannot be met. "Keeps" is judged on a pessimistic loss (``confidence.paired_bound``: the most
accurate candidate's loss plus about one standard error of how much worse the candidate is on bootstrap
resamples of the held-out rows), so the fastest candidate passes on evidence, not on row noise in its favour.

The teacher's score is its own held-out estimate (``ensemble_loss_``: the served ensemble on the search's
holdout or out-of-fold rows), or the best candidate's held-out score when that is better: the two come from
different rows, and the easier rows must not make every candidate look close enough. Its score on the
student's held-out rows would flatter it, since the teacher was fitted on them.

Candidates come family by family, smallest configuration first (``StudentFamily.grid``); a family whose
last candidate already predicted slower than the fastest one close enough is not tried further (its larger
configurations only get slower), which leaves the clock to the rest.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from autoclf.distillation.confidence import paired_bound, resampled_losses
from autoclf.distillation.families import FAMILIES, STUDENTS
from autoclf.distillation.students import StudentClassifier
from autoclf.distillation.timing import predict_seconds

logger = logging.getLogger(__name__)

#: order in which families are tried: cheapest to fit first (``StudentFamily.cost``), so a tight budget still
#: yields a student
FAMILY_ORDER: tuple[str, ...] = tuple(sorted(FAMILIES, key=lambda name: STUDENTS[name].cost))
#: per family, configurations tried in this order (the smallest first; ``StudentFamily.grid``)
GRIDS: dict[str, list[dict[str, Any]]] = {name: [dict(config) for config in STUDENTS[name].grid]
                                          for name in FAMILY_ORDER}
#: a refit on all rows is given this many times the seconds its candidate's fit took (more rows + margin)
REFIT_RESERVE = 1.6
#: candidates at most this many times slower than the fastest one close enough count as equally fast
SPEED_TIE = 1.1
#: weight of the true labels in the targets of real rows, tried on the chosen candidate
TRUE_LABEL_WEIGHT = 0.5


@dataclass
class Trial:
    """One candidate student: what it was, its held-out loss (and its losses on the bootstrap resamples of
    ``confidence.resampled_losses``), the seconds its fit took, its predict time."""

    family: Any
    params: dict[str, Any]
    alpha: float = 0.0
    loss: float = math.inf
    seconds: float = 0.0
    predict_seconds: float = math.inf
    model: Any = field(default=None, repr=False)
    resampled: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)


@dataclass
class StudentData:
    """The real rows (canonical frame, class codes, teacher probabilities) and the MUNGE rows a student
    learns from; ``selection_aug`` marks the MUNGE rows candidates may see (those nearer a training row
    than any held-out row: near a held-out row the teacher, fitted on it, would tell its label)."""

    frame: pd.DataFrame
    codes: np.ndarray
    soft: np.ndarray
    aug_frame: pd.DataFrame
    aug_soft: np.ndarray
    validator: Any
    n_classes: int
    selection_aug: np.ndarray | None = None

    def training_set(self, rows: np.ndarray, alpha: float, hard: bool,
                     selecting: bool) -> tuple[pd.DataFrame, np.ndarray, Any]:
        """What a candidate is fitted on.

        Parameters
        ----------
        rows : the real rows to use.
        alpha : weight of the true labels mixed into the real rows' targets (0: the teacher's alone).
        hard : no soft targets (the directly trained twin).
        selecting : candidates are being compared: only the MUNGE rows of ``selection_aug``.

        Returns
        -------
        frame : the real rows, then the MUNGE rows.
        labels : their labels (the argmax of the teacher's probabilities for MUNGE rows).
        soft : their soft targets, None when ``hard``.
        """
        real = self.soft[rows] if alpha == 0 else (1 - alpha) * self.soft[rows] + alpha * np.eye(
            self.n_classes)[self.codes[rows]]
        aug_frame, aug_soft = self.aug_frame, self.aug_soft
        if selecting and self.selection_aug is not None:
            aug_frame, aug_soft = aug_frame[self.selection_aug], aug_soft[self.selection_aug]
        frame = pd.concat([self.frame.iloc[rows], aug_frame], ignore_index=True)
        codes = np.concatenate([self.codes[rows], np.argmax(aug_soft, axis=1)]).astype(np.int64)
        labels = self.validator.decode_target(codes)
        return frame, labels, None if hard else np.vstack([real, aug_soft])


def score_ratio(loss: float, reference_loss: float, metric: Any) -> float:
    """How much of the reference's score a candidate keeps.

    Parameters
    ----------
    loss, reference_loss : the candidate's and the reference's loss under ``metric`` (``Metric.loss``).
    metric : an ``autoclf.metrics.Metric``.

    Returns
    -------
    float
        The candidate's score over the reference's for a score (``optimum - loss``), the reference's loss
        over the candidate's for a loss: above 1 means better than the reference either way, as
        ``distillation_report`` reports.
    """
    if metric.greater_is_better:
        score, reference = metric.optimum - loss, metric.optimum - reference_loss
        if reference <= 0:
            return math.inf if score > reference else 1.0
        return score / reference
    if loss <= 0:
        return math.inf if reference_loss > 0 else 1.0
    return reference_loss / loss


def reference_loss(trials: list[Trial], teacher_loss: float) -> float:
    """The loss a candidate's score ratio is measured against.

    Parameters
    ----------
    trials : the candidates so far (those without a model are ignored).
    teacher_loss : the teacher's held-out loss (inf or NaN: unknown).

    Returns
    -------
    float
        The teacher's held-out loss, or the best candidate's when that is lower (see the module docstring).
    """
    best = min((t.loss for t in trials if t.model is not None), default=math.inf)
    return min(best, teacher_loss) if math.isfinite(teacher_loss) else best


def choose(trials: list[Trial], metric: Any, teacher_loss: float,
           min_score_ratio: float | None) -> tuple[Trial, bool]:
    """The candidate to keep: the fastest that keeps the ratio (see the module docstring).

    Parameters
    ----------
    trials : the fitted, scored and timed candidates (at least one with a model).
    metric : the teacher's ``Metric``.
    teacher_loss : the teacher's held-out loss (inf: unknown).
    min_score_ratio : the share of the reference's score to keep; None keeps the most accurate candidate.

    Returns
    -------
    trial : the candidate kept.
    kept : whether it keeps ``min_score_ratio`` (False: none did, and the most accurate was kept).
    """
    done = [t for t in trials if t.model is not None]
    most_accurate = min(done, key=lambda t: t.loss)
    if min_score_ratio is None:
        return most_accurate, True
    close = _close(done, metric, teacher_loss, min_score_ratio)
    if not close:
        return most_accurate, False
    fastest = min(t.predict_seconds for t in close)
    return min((t for t in close if t.predict_seconds <= SPEED_TIE * fastest), key=lambda t: t.loss), True


def pessimistic_loss(trial: Trial, trials: list[Trial]) -> float:
    """``trial``'s loss as ``choose`` judges it: ``confidence.paired_bound`` against the most accurate of
    ``trials`` (those with a model); its plain held-out loss when it is that candidate or has no resamples."""
    best = min((t for t in trials if t.model is not None), key=lambda t: t.loss)
    return paired_bound(trial.loss, trial.resampled, best.loss, best.resampled)


def _close(done: list[Trial], metric: Any, teacher_loss: float, min_score_ratio: float) -> list[Trial]:
    """The candidates (with a model) whose pessimistic loss keeps ``min_score_ratio`` of the reference."""
    reference = reference_loss(done, teacher_loss)
    return [t for t in done if score_ratio(pessimistic_loss(t, done), reference, metric) >= min_score_ratio]


def candidates(student: Any) -> list[Trial]:
    """The candidates ``distill`` tries, in order.

    Parameters
    ----------
    student : "auto" (every family of ``FAMILY_ORDER``), a tuple of family names, one family's name, or a
        user's unfitted classifier.

    Returns
    -------
    list of Trial
        Round-robin over the families, each family's grid smallest first (``GRIDS``); the user's classifier
        alone.
    """
    if isinstance(student, str) and student == "auto":
        families = list(FAMILY_ORDER)
    elif isinstance(student, tuple):
        families = list(student)
    elif isinstance(student, str):
        if student not in FAMILIES:
            raise ValueError(f"student must be 'auto', one of {FAMILIES} or a scikit-learn classifier, got "
                             f"{student!r}")
        families = [student]
    else:
        return [Trial(student, {})]
    depth = max(len(GRIDS[f]) for f in families)
    return [Trial(f, dict(GRIDS[f][i])) for i in range(depth) for f in families if i < len(GRIDS[f])]


def select_and_refit(data: StudentData, train: np.ndarray, valid: np.ndarray, student: Any, metric: Any,
                     deadline: float, seed: int, hard: bool, teacher_loss: float = math.inf,
                     min_score_ratio: float | None = None, teacher_seconds: float = math.nan) -> StudentClassifier:
    """Fit the candidates of ``student`` while the clock allows, keep one, refit it on all rows.

    Parameters
    ----------
    data : the rows to learn from; ``train`` and ``valid`` index its real rows.
    student : what ``candidates`` takes.
    metric : the teacher's ``Metric``; candidates are scored with it on ``valid``.
    deadline : ``time.perf_counter()`` value by which everything is done.
    seed : the students' seed.
    hard : learn the true labels (the directly trained twin) instead of the teacher's probabilities.
    teacher_loss : the teacher's held-out loss (inf: unknown).
    min_score_ratio : as in ``choose`` (None: the most accurate candidate).
    teacher_seconds : the teacher's predict seconds on the timing rows, for the record's speed-ups.

    Returns
    -------
    StudentClassifier
        The kept candidate (tried again on targets mixed with the true labels, kept if that scores better),
        refit on all rows when the clock allows. ``selection_`` lists every candidate: family, params,
        alpha, loss, score_ratio, pessimistic_score_ratio (what ``choose`` judged), fit_seconds,
        predict_seconds, speedup, chosen.
    """
    trials = _search(data, train, valid, candidates(student), metric, deadline, seed, hard, teacher_loss,
                     min_score_ratio)
    if not any(t.model is not None for t in trials):
        raise RuntimeError("no student could be fitted within time_left; give distill more time_left")
    best, kept = choose(trials, metric, teacher_loss, min_score_ratio)
    if not kept and len(valid):
        logger.warning("distill: no student kept %.3f of the teacher's held-out %s; serving the most accurate "
                       "(%s, score ratio %.3f); give distill more time_left or lower min_score_ratio",
                       min_score_ratio, metric.name, _key(best.family),
                       score_ratio(best.loss, reference_loss(trials, teacher_loss), metric))
    if not hard and len(valid) and time.perf_counter() + (1 + REFIT_RESERVE) * best.seconds < deadline:
        mixed = Trial(best.family, best.params, alpha=TRUE_LABEL_WEIGHT)
        _run(mixed, data, train, valid, metric, deadline - REFIT_RESERVE * best.seconds, seed, hard)
        trials.append(mixed)
        if mixed.model is not None and mixed.loss < best.loss:
            best = mixed
    reference = reference_loss(trials, teacher_loss)
    done = [t for t in trials if t.model is not None]
    bounds = {id(t): pessimistic_loss(t, done) if t.model is not None else math.inf for t in trials}
    for trial in trials:
        logger.info("student %s %s alpha=%.1f: held-out %s loss %.4f (score ratio %.4f, pessimistic %.4f), fit "
                    "%.1f s, predict %.2f ms%s", _key(trial.family), trial.params, trial.alpha, metric.name,
                    trial.loss, score_ratio(trial.loss, reference, metric),
                    score_ratio(bounds[id(trial)], reference, metric), trial.seconds, 1000 * trial.predict_seconds,
                    "" if trial is not best else " (chosen)")
    model = best.model
    if len(valid) and time.perf_counter() + REFIT_RESERVE * best.seconds < deadline:
        refit = Trial(best.family, best.params, best.alpha)
        _run(refit, data, np.arange(len(data.codes)), np.zeros(0, dtype=int), metric, deadline, seed, hard)
        model = refit.model if refit.model is not None else model
    else:
        logger.info("distill: no time to refit the student on all rows; serving it as fitted on %d rows", len(train))
    if getattr(data.validator, "datetime_columns_", None):
        # the student learnt on the teacher's canonical columns (calendar features of each datetime column):
        # the teacher's validator derives them from the raw columns at predict time
        model.input_validator_ = data.validator
    model.selection_ = [{"family": _key(t.family), "params": t.params, "alpha": t.alpha, "loss": t.loss,
                         "score_ratio": score_ratio(t.loss, reference, metric),
                         "pessimistic_score_ratio": score_ratio(bounds[id(t)], reference, metric),
                         "fit_seconds": t.seconds,
                         "predict_seconds": t.predict_seconds, "speedup": teacher_seconds / t.predict_seconds,
                         "chosen": t is best} for t in trials]
    return model


def _search(data: StudentData, train: np.ndarray, valid: np.ndarray, pending: list[Trial], metric: Any,
            deadline: float, seed: int, hard: bool, teacher_loss: float,
            min_score_ratio: float | None) -> list[Trial]:
    if any(isinstance(c.family, str) and STUDENTS[c.family].uses_torch for c in pending):
        import torch  # noqa: F401 - seconds on a busy machine: paid here, not inside a network's training budget
    trials: list[Trial] = []
    family_seconds: dict[str, float] = {}
    last_predict: dict[str, float] = {}
    for candidate in pending:
        family_key = _key(candidate.family)
        # kept free for the refit on all rows of the candidate that would be kept now: 1 / (1 -
        # VALIDATION_FRACTION) of its fit on the training part, and a margin
        reserve = REFIT_RESERVE * _kept_so_far(trials, metric, teacher_loss, min_score_ratio).seconds \
            if any(t.model is not None for t in trials) else 0.0
        now = time.perf_counter()
        if trials and now + family_seconds.get(family_key, 0.0) + reserve > deadline:
            continue
        if min_score_ratio is not None and trials and len(valid):
            fastest = _fastest_close(trials, metric, teacher_loss, min_score_ratio)
            if last_predict.get(family_key, 0.0) > SPEED_TIE * fastest:
                continue  # this family's larger configurations can only be slower than a student close enough
        # networks and boosting stop at their deadline: half the time left, so one cannot starve the rest
        _run(candidate, data, train, valid, metric, now + 0.5 * (deadline - reserve - now), seed, hard)
        trials.append(candidate)
        family_seconds[family_key] = max(family_seconds.get(family_key, 0.0), candidate.seconds)
        last_predict[family_key] = candidate.predict_seconds
    return trials


def _kept_so_far(trials: list[Trial], metric: Any, teacher_loss: float, min_score_ratio: float | None) -> Trial:
    """The candidate ``choose`` would keep if the search stopped now (some candidate has a model)."""
    return choose(trials, metric, teacher_loss, min_score_ratio)[0]


def _fastest_close(trials: list[Trial], metric: Any, teacher_loss: float, min_score_ratio: float) -> float:
    """Predict seconds of the fastest candidate so far that keeps the ratio (inf: none does yet)."""
    done = [t for t in trials if t.model is not None]
    return min((t.predict_seconds for t in _close(done, metric, teacher_loss, min_score_ratio)), default=math.inf)


def _run(trial: Trial, data: StudentData, train: np.ndarray, valid: np.ndarray, metric: Any, deadline: float,
         seed: int, hard: bool) -> None:
    """Fit ``trial``'s student on ``train`` (+ MUNGE rows), score and time it on ``valid``; failures are
    logged, not raised."""
    from autoclf.budget import trial_deadline

    started = time.perf_counter()
    frame, labels, soft = data.training_set(train, trial.alpha, hard, selecting=len(valid) > 0)
    model = StudentClassifier(trial.family, trial.params, feature_types=data.validator.feature_types_,
                              random_state=seed)
    try:
        with trial_deadline(max(deadline - started, 1.0)):  # networks stop cleanly at the deadline
            model.fit(frame, labels, soft_labels=soft)
        if len(valid):
            proba = model.predict_proba(data.frame.iloc[valid])
            trial.loss = metric.loss(data.codes[valid], proba)
            trial.resampled = resampled_losses(metric, data.codes[valid], proba)
            trial.predict_seconds = predict_seconds(model, timing_rows(data.frame, valid))[1]
    except Exception as error:  # noqa: BLE001 - one failing candidate must not end the distillation
        logger.warning("student %s %s failed: %s", _key(trial.family), trial.params, error)
        return
    finally:
        trial.seconds = time.perf_counter() - started
    trial.model = model


#: candidates and the teacher are timed on at most this many held-out rows, in one call
TIMING_ROWS = 1000


def timing_rows(frame: pd.DataFrame, valid: np.ndarray) -> pd.DataFrame:
    """The batch every candidate and the teacher are timed on.

    Parameters
    ----------
    frame : the canonical frame of the training data.
    valid : the held-out rows' indices.

    Returns
    -------
    pandas.DataFrame
        The first ``TIMING_ROWS`` held-out rows, one batch.
    """
    return frame.iloc[valid[:TIMING_ROWS]]


def _key(family: Any) -> str:
    return family if isinstance(family, str) else type(family).__name__
