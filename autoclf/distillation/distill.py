"""Distillation: teacher soft labels (+ MUNGE rows) -> one student, its hyperparameters chosen on held-out rows.

The steps, all within ``time_left``:

1. the teacher labels the user's training rows (its cost per row is measured here);
2. a stratified 20 % of those rows is held out, with their *true* labels, to choose the student;
3. MUNGE rows are generated from the other 80 % (never from held-out rows, whose teacher labels would
   leak their true labels into the student and flatter every candidate) and labelled by the teacher, as
   many as ``augment_factor`` x rows allow, capped so labelling takes at most a fifth of the budget;
4. candidates (family x a few configurations, the cheap default of each family first, so every family is
   tried even under a tight clock) are fitted on teacher labels and scored with the teacher's metric;
   the best one is tried again with its targets on real rows mixed half-and-half with the true labels.
   "Best" is the lowest held-out loss among the candidates that predict the held-out rows at least
   ``min_speedup`` times faster per row than the teacher (timed on the same rows) if that one scores
   within ``SCORE_TOLERANCE`` (1 %) of the most accurate candidate, else the same among candidates faster
   than the teacher at all, else the most accurate: speed is what a student is for, but not at any price;
5. the winner is refit on all rows (held-out ones included) if the clock allows, else served as fitted.

The same loop with hard labels and no augmentation trains a student "directly" (``train_direct``): the
twin the benchmark compares against, given the same hyperparameter search.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from autoclf.distillation.families import FAMILIES, STUDENTS
from autoclf.distillation.students import StudentClassifier
from autoclf.stratified import stratified_holdout

logger = logging.getLogger(__name__)

#: at most this many MUNGE rows, whatever augment_factor says (2-core machines, tens of seconds)
MAX_AUGMENTED_ROWS = 30_000
#: share of the budget the teacher may spend labelling MUNGE rows
LABELLING_SHARE = 0.2
VALIDATION_FRACTION = 0.2
#: order in which families are tried: cheapest first (``StudentFamily.cost``), so a tight budget still yields
#: a student
FAMILY_ORDER: tuple[str, ...] = tuple(sorted(FAMILIES, key=lambda name: STUDENTS[name].cost))
#: per family, configurations tried in this order (the first is the family's cheap default; ``StudentFamily.grid``)
GRIDS: dict[str, list[dict[str, Any]]] = {name: [dict(config) for config in STUDENTS[name].grid]
                                          for name in FAMILY_ORDER}
#: a refit on all rows is given this many times the seconds its candidate's fit took (more rows + margin)
REFIT_RESERVE = 1.6
#: a faster candidate wins if its held-out score is within this share of the most accurate one's
SCORE_TOLERANCE = 0.01
#: weight of the true labels in the targets of real rows, tried on the best candidate
TRUE_LABEL_WEIGHT = 0.5


@dataclass
class Trial:
    """One candidate student: what it was, its held-out loss, the seconds its fit took."""

    family: Any
    params: dict[str, Any]
    alpha: float = 0.0
    loss: float = math.inf
    seconds: float = 0.0
    predict_seconds_per_row: float = math.inf
    model: Any = field(default=None, repr=False)


def distill(teacher: Any, X: Any, y: Any, student: Any = "auto", augment: str | None = "munge",
            augment_factor: float = 5.0, time_left: float = 60.0, seed: int = 0,
            min_speedup: float = 10.0, onnx: bool = False) -> StudentClassifier:
    """A student fitted to ``teacher`` (a fitted AutoClassifier, or anything with ``predict_proba``,
    ``validator_`` and ``metric_``) on the training data (X, y); see the module docstring.

    ``onnx=True``: the student must export to ONNX (``student.to_onnx``, docs/onnx.md): only exportable
    families are tried, data an ONNX graph cannot take (text columns) is refused before any work, and the
    chosen student is exported once, so that a failure shows here rather than at deployment.

    Runs with one BLAS/OpenMP thread: on a small shared machine OpenMP spinning makes boosting many times
    slower, and the student is meant to serve on one core anyway."""
    from threadpoolctl import threadpool_limits

    if onnx:
        student = _exportable(teacher, student)
    with threadpool_limits(limits=1):
        model = _distill(teacher, X, y, student, augment, augment_factor, time_left, seed, min_speedup)
    if onnx:
        model.to_onnx()  # raises, naming the reason, if this student cannot be exported
    return model


def _exportable(teacher: Any, student: Any) -> Any:
    """``student`` restricted to the families with an ONNX export; errors for what cannot be exported."""
    from autoclf.distillation.onnx import EXPORTABLE, onnx_available
    from autoclf.distillation.onnx_encoder import check_exportable_columns

    if not onnx_available():
        raise ImportError("distill(onnx=True) needs the onnx extra: pip install 'autoclf[onnx]' (skl2onnx, "
                          "onnx, onnxruntime)")
    check_exportable_columns(teacher.validator_.info_, [str(n) for n in teacher.validator_.feature_names_in_])
    if isinstance(student, str) and student == "auto":
        return tuple(name for name in FAMILY_ORDER if name in EXPORTABLE)
    if isinstance(student, str) and student in FAMILIES and student not in EXPORTABLE:
        raise ValueError(f"onnx=True: the {student!r} student has no ONNX export; choose one of {EXPORTABLE}")
    return student


def _distill(teacher: Any, X: Any, y: Any, student: Any, augment: str | None, augment_factor: float,
             time_left: float, seed: int, min_speedup: float) -> StudentClassifier:
    start = time.perf_counter()
    deadline = start + float(time_left)
    validator = teacher.validator_
    frame = validator.transform(X)
    codes = validator.encode_target(y)
    n_classes = len(teacher.classes_)
    missing = sorted(set(range(n_classes)) - set(np.unique(codes).tolist()))
    if missing:
        raise ValueError(f"y lacks the teacher's classes {teacher.classes_[missing].tolist()}; distill needs "
                         "the training data (every class) to learn from")
    if augment not in ("munge", None):
        raise ValueError(f"augment must be 'munge' or None, got {augment!r}")
    labelled = time.perf_counter()
    soft = _teacher_proba(teacher, frame, n_classes)
    per_row = (time.perf_counter() - labelled) / max(len(frame), 1)
    train, valid = split_rows(codes, VALIDATION_FRACTION, seed)
    teacher_per_row = math.inf
    if len(valid):
        teacher_per_row = _timed_proba(teacher, frame.iloc[valid])[1]
    aug_frame, aug_soft = frame.iloc[:0], np.zeros((0, n_classes))
    if augment == "munge" and augment_factor > 0:
        affordable = int(LABELLING_SHARE * time_left / max(per_row, 1e-7))
        n_aug = int(min(augment_factor * len(train), MAX_AUGMENTED_ROWS, affordable))
        from autoclf.distillation.augment import munge

        aug_frame = munge(frame.iloc[train].reset_index(drop=True), n_aug, validator.feature_types_, seed=seed)
        aug_soft = _teacher_proba(teacher, aug_frame, n_classes)
        logger.info("distill: %d MUNGE rows labelled by the teacher (%.1f s so far)", n_aug,
                    time.perf_counter() - start)
    data = _Data(frame, codes, soft, aug_frame, aug_soft, validator, n_classes)
    return _select_and_refit(data, train, valid, student, teacher.metric_, deadline, seed, hard=False,
                             max_seconds_per_row=teacher_per_row / min_speedup, min_speedup=min_speedup)


def train_direct(teacher: Any, X: Any, y: Any, family: Any, time_left: float = 60.0,
                 seed: int = 0) -> StudentClassifier:
    """A student of ``family`` trained on the true labels alone, with the same search as ``distill``
    (``teacher`` only lends its validator, feature types and metric: no soft labels, no augmentation)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _train_direct(teacher, X, y, family, time_left, seed)


def _train_direct(teacher: Any, X: Any, y: Any, family: Any, time_left: float, seed: int) -> StudentClassifier:
    deadline = time.perf_counter() + float(time_left)
    validator = teacher.validator_
    frame, codes = validator.transform(X), validator.encode_target(y)
    n_classes = len(teacher.classes_)
    data = _Data(frame, codes, np.eye(n_classes)[codes], frame.iloc[:0], np.zeros((0, n_classes)), validator,
                 n_classes)
    train, valid = split_rows(codes, VALIDATION_FRACTION, seed)
    return _select_and_refit(data, train, valid, family, teacher.metric_, deadline, seed, hard=True)


@dataclass
class _Data:
    frame: pd.DataFrame
    codes: np.ndarray
    soft: np.ndarray
    aug_frame: pd.DataFrame
    aug_soft: np.ndarray
    validator: Any
    n_classes: int

    def training_set(self, rows: np.ndarray, alpha: float, hard: bool) -> tuple[pd.DataFrame, np.ndarray, Any]:
        """Frame, labels and soft targets for ``rows`` of the real data plus every MUNGE row."""
        real = self.soft[rows] if alpha == 0 else (1 - alpha) * self.soft[rows] + alpha * np.eye(
            self.n_classes)[self.codes[rows]]
        frame = pd.concat([self.frame.iloc[rows], self.aug_frame], ignore_index=True)
        codes = np.concatenate([self.codes[rows], np.argmax(self.aug_soft, axis=1)]).astype(np.int64)
        labels = self.validator.decode_target(codes)
        return frame, labels, None if hard else np.vstack([real, self.aug_soft])


def _select_and_refit(data: _Data, train: np.ndarray, valid: np.ndarray, student: Any, metric: Any,
                      deadline: float, seed: int, hard: bool,
                      max_seconds_per_row: float = math.inf, min_speedup: float = 1.0) -> StudentClassifier:
    candidates = _candidates(student)
    if any(isinstance(c.family, str) and STUDENTS[c.family].uses_torch for c in candidates):
        import torch  # noqa: F401 - seconds on a busy machine: paid here, not inside a network's training budget
    trials: list[Trial] = []
    family_seconds: dict[str, float] = {}
    for candidate in candidates:
        family_key = _key(candidate.family)
        # kept free for the refit on all rows: 1 / (1 - VALIDATION_FRACTION) of a fit on the training part
        reserve = REFIT_RESERVE * max((t.seconds for t in trials), default=0.0)
        now = time.perf_counter()
        if trials and now + family_seconds.get(family_key, 0.0) + reserve > deadline:
            continue
        # networks and boosting stop at their deadline: half the time left, so one cannot starve the rest
        _run(candidate, data, train, valid, metric, now + 0.5 * (deadline - reserve - now), seed, hard)
        trials.append(candidate)
        family_seconds[family_key] = max(family_seconds.get(family_key, 0.0), candidate.seconds)
    done = [t for t in trials if t.model is not None]
    if not done:
        raise RuntimeError("no student could be fitted within time_left; give distill more time_left")
    best = most_accurate = min(done, key=lambda t: t.loss)
    for bound in (max_seconds_per_row, max_seconds_per_row * min_speedup):  # >= min_speedup, then >= 1
        quick = [t for t in done if t.predict_seconds_per_row <= bound]
        if quick and _close_enough(min(quick, key=lambda t: t.loss), most_accurate, metric):
            best = min(quick, key=lambda t: t.loss)
            break
    if not hard and len(valid) and time.perf_counter() + (1 + REFIT_RESERVE) * best.seconds < deadline:
        mixed = Trial(best.family, best.params, alpha=TRUE_LABEL_WEIGHT)
        _run(mixed, data, train, valid, metric, deadline - REFIT_RESERVE * best.seconds, seed, hard)
        trials.append(mixed)
        if mixed.model is not None and mixed.loss < best.loss:
            best = mixed
    for trial in trials:
        logger.info("student %s %s alpha=%.1f: held-out %s loss %.4f, fit %.1f s, predict %.3f ms/row%s",
                    _key(trial.family), trial.params, trial.alpha, metric.name, trial.loss, trial.seconds,
                    1000 * trial.predict_seconds_per_row, "" if trial is not best else " (chosen)")
    model = best.model
    if len(valid) and time.perf_counter() + REFIT_RESERVE * best.seconds < deadline:
        everything = np.arange(len(data.codes))
        refit = Trial(best.family, best.params, best.alpha)
        _run(refit, data, everything, np.zeros(0, dtype=int), metric, deadline, seed, hard)
        model = refit.model if refit.model is not None else model
    else:
        logger.info("distill: no time to refit the student on all rows; serving it as fitted on %d rows", len(train))
    if getattr(data.validator, "datetime_columns_", None):
        # the student learnt on the teacher's canonical columns (calendar features of each datetime column):
        # the teacher's validator derives them from the raw columns at predict time
        model.input_validator_ = data.validator
    model.selection_ = [{"family": _key(t.family), "params": t.params, "alpha": t.alpha, "loss": t.loss,
                         "fit_seconds": t.seconds, "predict_ms_per_row": 1000 * t.predict_seconds_per_row,
                         "chosen": t is best} for t in trials]
    return model


def _run(trial: Trial, data: _Data, train: np.ndarray, valid: np.ndarray, metric: Any, deadline: float,
         seed: int, hard: bool) -> None:
    """Fit ``trial``'s student on ``train`` (+ MUNGE rows) and score it on ``valid``; failures are logged."""
    from autoclf.budget import trial_deadline

    started = time.perf_counter()
    frame, labels, soft = data.training_set(train, trial.alpha, hard)
    model = StudentClassifier(trial.family, trial.params, feature_types=data.validator.feature_types_,
                              random_state=seed)
    try:
        with trial_deadline(max(deadline - started, 1.0)):  # networks stop cleanly at the deadline
            model.fit(frame, labels, soft_labels=soft)
        if len(valid):
            proba, trial.predict_seconds_per_row = _timed_proba(model, data.frame.iloc[valid])
            trial.loss = metric.loss(data.codes[valid], proba)
    except Exception as error:  # noqa: BLE001 - one failing candidate must not end the distillation
        logger.warning("student %s %s failed: %s", _key(trial.family), trial.params, error)
        return
    finally:
        trial.seconds = time.perf_counter() - started
    trial.model = model


def _timed_proba(model: Any, rows: pd.DataFrame, repeats: int = 3) -> tuple[np.ndarray, float]:
    """Probabilities for ``rows`` and the fastest of ``repeats`` calls' seconds per row: the first call pays
    one-off costs (lazy imports, caches) and a busy machine adds noise; teacher and students alike."""
    best = math.inf
    for _ in range(repeats):
        timed = time.perf_counter()
        proba = model.predict_proba(rows)
        best = min(best, time.perf_counter() - timed)
    return proba, best / len(rows)


def _close_enough(candidate: Trial, best: Trial, metric: Any) -> bool:
    """Whether ``candidate``'s held-out score is within ``SCORE_TOLERANCE`` of the best one's."""
    if metric.greater_is_better:
        return metric.optimum - candidate.loss >= (1 - SCORE_TOLERANCE) * (metric.optimum - best.loss)
    return candidate.loss <= (1 + SCORE_TOLERANCE) * best.loss


def _candidates(student: Any) -> list[Trial]:
    """Round-robin over families (default configurations first; "auto": all, a tuple: those), or the grid
    of one family."""
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


def split_rows(codes: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(train, valid) row indices, stratified; every class keeps a row in train (the student must see
    every class), and data too small to spare rows gets no validation part."""
    every = np.arange(len(codes))
    try:
        train, valid = stratified_holdout(codes, int(round(fraction * len(codes))), seed)
    except ValueError:  # too few rows of some class to hold any out
        return every, np.zeros(0, dtype=int)
    if len(valid) < 10:
        return every, np.zeros(0, dtype=int)
    return train, valid


def _teacher_proba(teacher: Any, frame: pd.DataFrame, n_classes: int) -> np.ndarray:
    if len(frame) == 0:
        return np.zeros((0, n_classes))
    proba = np.asarray(teacher.predict_proba(frame), dtype=np.float64)
    return proba / proba.sum(axis=1, keepdims=True)


def _key(family: Any) -> str:
    return family if isinstance(family, str) else type(family).__name__
