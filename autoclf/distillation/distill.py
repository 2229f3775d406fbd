"""Distillation: teacher soft labels (+ MUNGE rows) -> the fastest student that keeps the teacher's score.

The steps, all within ``time_left``:

1. the teacher labels the user's training rows (its cost per row is measured here);
2. a stratified 20 % of those rows is held out, with their *true* labels, to choose the student; the
   teacher's predict time is measured on them (``timing.predict_seconds``, as every candidate's);
3. MUNGE rows are generated from the other 80 % (never from held-out rows, whose teacher labels would
   leak their true labels into the student and flatter every candidate) and labelled by the teacher, as
   many as ``augment_factor`` x rows allow, capped so labelling takes at most a fifth of the budget; while
   candidates are compared, those lying nearer a held-out row than any training row are left out for the
   same reason (the teacher was fitted on the held-out rows: near one, it tells that row's label);
4. candidates (family x configurations, smallest first: ``selection``) are fitted on teacher labels,
   scored with the teacher's metric and timed; the fastest one that keeps ``min_score_ratio`` of the
   teacher's held-out score is kept (``selection.choose``), then tried again with its targets on real rows
   mixed half-and-half with the true labels;
5. the winner is refit on all rows (held-out ones and every MUNGE row included) if the clock allows, else
   served as fitted.

The same loop with hard labels, no augmentation and the most accurate candidate kept trains a student
"directly" (``train_direct``): the twin the experiments compare against, given the same search.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any

import numpy as np
import pandas as pd

from autoclf.distillation.families import FAMILIES
from autoclf.distillation.selection import (
    FAMILY_ORDER,
    GRIDS,
    StudentData,
    Trial,
    choose,
    score_ratio,
    select_and_refit,
    timing_rows,
)
from autoclf.distillation.students import StudentClassifier
from autoclf.distillation.timing import predict_seconds
from autoclf.stratified import stratified_holdout

logger = logging.getLogger(__name__)

# the search's names stay importable from here, where they lived before the selection module
__all__ = ["FAMILY_ORDER", "GRIDS", "MIN_SCORE_RATIO", "Trial", "choose", "distill", "score_ratio", "split_rows",
           "train_direct"]

#: at most this many MUNGE rows, whatever augment_factor says (2-core machines, tens of seconds)
MAX_AUGMENTED_ROWS = 30_000
#: share of the budget left after labelling the training rows that the teacher may spend labelling MUNGE rows
LABELLING_SHARE = 0.2
#: share of the budget the teacher's timed predict calls may take (at least one call is made)
TIMING_SHARE = 0.05
VALIDATION_FRACTION = 0.2
#: the default share of the teacher's score a student must keep (the issue's goal: 0.99)
MIN_SCORE_RATIO = 0.99


def distill(teacher: Any, X: Any, y: Any, student: Any = "auto", augment: str | None = "munge",
            augment_factor: float = 5.0, time_left: float = 60.0, seed: int = 0,
            min_score_ratio: float = MIN_SCORE_RATIO, onnx: bool = False) -> StudentClassifier:
    """The fastest student that keeps ``min_score_ratio`` of ``teacher``'s score, learnt from its soft labels.

    Parameters
    ----------
    teacher : a fitted AutoClassifier, or anything with ``predict_proba``, ``classes_``, ``validator_`` and
        ``metric_`` (``ensemble_loss_``, its held-out loss, when it has one).
    X, y : the training data (every class present).
    student : "auto" (every family of ``FAMILIES``), one family's name (its grid), or an unfitted
        scikit-learn classifier (fitted as it is).
    augment : "munge" (rows near the data, labelled by the teacher) or None.
    augment_factor : MUNGE rows per training row (capped at ``MAX_AUGMENTED_ROWS`` and by the budget).
    time_left : seconds for the whole distillation.
    seed : seeds the split, the MUNGE rows and the students.
    min_score_ratio : the share of the teacher's held-out score the student must keep on held-out rows
        (for a loss, teacher loss / student loss): the fastest candidate that keeps it wins, else the most
        accurate (a warning says so). See ``autoclf.distillation.selection``.
    onnx : the student must export to ONNX (``student.to_onnx``, docs/onnx.md): only exportable families are
        tried, data an ONNX graph cannot take (text columns) is refused before any work, and the chosen
        student is exported once, so that a failure shows here rather than at deployment.

    Returns
    -------
    StudentClassifier
        Fitted; ``selection_`` lists every candidate (held-out loss, score ratio, the pessimistic score
        ratio the choice was made on, fit and predict seconds, speed-up over the teacher on the same rows,
        which one was chosen).

    Runs with one BLAS/OpenMP thread: on a small shared machine OpenMP spinning makes boosting many times
    slower, and the student is meant to serve on one core anyway.
    """
    from threadpoolctl import threadpool_limits

    if isinstance(min_score_ratio, bool) or not isinstance(min_score_ratio, (int, float)) \
            or not 0 < min_score_ratio <= 1:
        raise ValueError(f"min_score_ratio must be a number in (0, 1] (0.99: keep 99 % of the teacher's score), "
                         f"got {min_score_ratio!r}")
    if onnx:
        student = _exportable(teacher, student)
    with threadpool_limits(limits=1):
        model = _distill(teacher, X, y, student, augment, augment_factor, time_left, seed, float(min_score_ratio))
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
             time_left: float, seed: int, min_score_ratio: float) -> StudentClassifier:
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
    teacher_seconds = math.nan
    if len(valid):
        rows = timing_rows(frame, valid)
        # warm already: it has just labelled the training rows
        teacher_seconds = predict_seconds(teacher, rows, max_seconds=TIMING_SHARE * time_left, warm_up=False)[1]
        logger.info("distill: the teacher predicts %d held-out rows in %.2f ms", len(rows), 1000 * teacher_seconds)
    data = StudentData(frame, codes, soft, frame.iloc[:0], np.zeros((0, n_classes)), validator, n_classes)
    if augment == "munge" and augment_factor > 0:
        # the training rows' labels are paid already: a slow teacher leaves less for MUNGE rows and students
        affordable = int(LABELLING_SHARE * (deadline - time.perf_counter()) / max(per_row, 1e-7))
        n_aug = int(min(augment_factor * len(train), MAX_AUGMENTED_ROWS, affordable))
        from autoclf.distillation.augment import munge, nearest_rows

        data.aug_frame = munge(frame.iloc[train].reset_index(drop=True), n_aug, validator.feature_types_, seed=seed)
        data.aug_soft = _teacher_proba(teacher, data.aug_frame, n_classes)
        if len(valid) and n_aug:
            held_out = np.zeros(len(frame), dtype=bool)
            held_out[valid] = True
            data.selection_aug = ~held_out[nearest_rows(frame, data.aug_frame, validator.feature_types_)]
        logger.info("distill: %d MUNGE rows labelled by the teacher (%.1f s so far)", n_aug,
                    time.perf_counter() - start)
    teacher_loss = float(getattr(teacher, "ensemble_loss_", math.nan))
    return select_and_refit(data, train, valid, student, teacher.metric_, deadline, seed, hard=False,
                            teacher_loss=teacher_loss if math.isfinite(teacher_loss) else math.inf,
                            min_score_ratio=min_score_ratio, teacher_seconds=teacher_seconds)


def train_direct(teacher: Any, X: Any, y: Any, family: Any, time_left: float = 60.0,
                 seed: int = 0) -> StudentClassifier:
    """A student trained on the true labels alone: the "twin" a distilled student is compared with.

    Parameters
    ----------
    teacher : lends only its validator, feature types and metric (no soft labels, no augmentation).
    X, y : the training data.
    family : what ``distill``'s ``student`` takes; the most accurate of the same candidates is kept.
    time_left : seconds for the search and the refit.
    seed : seeds the split and the students.

    Returns
    -------
    StudentClassifier
        Fitted, with ``selection_`` as ``distill``'s.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _train_direct(teacher, X, y, family, time_left, seed)


def _train_direct(teacher: Any, X: Any, y: Any, family: Any, time_left: float, seed: int) -> StudentClassifier:
    deadline = time.perf_counter() + float(time_left)
    validator = teacher.validator_
    frame, codes = validator.transform(X), validator.encode_target(y)
    n_classes = len(teacher.classes_)
    data = StudentData(frame, codes, np.eye(n_classes)[codes], frame.iloc[:0], np.zeros((0, n_classes)), validator,
                       n_classes)
    train, valid = split_rows(codes, VALIDATION_FRACTION, seed)
    return select_and_refit(data, train, valid, family, teacher.metric_, deadline, seed, hard=True)


def split_rows(codes: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The rows candidates learn from and the rows they are scored on.

    Parameters
    ----------
    codes : the class code of each row.
    fraction : the share of rows held out.
    seed : seeds the stratified split.

    Returns
    -------
    train, valid : row indices, stratified; every class keeps a row in ``train`` (the student must see every
        class), and data too small to spare rows (fewer than 10 to hold out) gets an empty ``valid``.
    """
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
