"""Distilled students in a benchmark (``--students``): each autoclf run's student, scored beside its teacher.

For every autoclf run (the teacher), ``fit_worker`` distils a student after the fit within
``--student-time`` seconds and times teacher and student alike on the test rows (one ``predict_proba`` call
on all of them, warm, one thread, median of 5: ``autoclf.distillation.timing``). Here the parent scores the
student's probabilities on the labels it kept (``record_fields``), and the summary gets a table with the
medians the distillation goal is stated in (``summary_lines``): the speed-up (teacher predict seconds over
the student's), the score ratio on the benchmark's main metric (student / teacher AUC, teacher / student
log loss: above 1 means the student is better) and the share of tasks whose ratio is at least
``RATIO_TARGET``. Log loss ratios are far stricter than AUC ratios, so the AUC ratio (one-vs-rest macro
for multiclass tasks) is reported beside them, for every task.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from autoclf.evaluation.result import Status
from autoclf.tools.benchmark import scoring

#: the score ratio a student should keep (the issue's goal)
RATIO_TARGET = 0.99
#: what the student's fields are when no student was asked for or it failed
EMPTY = {"student_status": "", "student_error": "", "student_family": "", "distill_s": np.nan,
         "teacher_predict_s": np.nan, "student_predict_s": np.nan, "speedup": np.nan, "student_score": np.nan,
         "student_accuracy": np.nan, "score_ratio": np.nan, "teacher_auc": np.nan, "student_auc": np.nan,
         "auc_ratio": np.nan, "validation_score_ratio": np.nan}


def record_fields(student: dict[str, Any] | None, teacher_proba: np.ndarray | None, proba_path: Path,
                  y_test: np.ndarray, labels: list[str], metric: str, teacher_score: float) -> dict[str, Any]:
    """The student's fields of a run's record.

    Parameters
    ----------
    student : what ``fit_worker.distil_student`` returned (None: no student was asked for this run).
    teacher_proba : the teacher's test probabilities, aligned to ``labels`` (None: the teacher failed).
    proba_path : the student's test probabilities, as the worker saved them.
    y_test, labels : the test labels the parent kept, and the task's label list.
    metric : the benchmark's main metric ("auc" or "logloss"); ``teacher_score`` is the teacher's.

    Returns
    -------
    dict
        ``EMPTY``'s keys: status and error of the student, its family, distillation seconds, both predict
        seconds on the test rows and the speed-up, the student's main-metric score and accuracy, the score
        ratio, both AUCs and their ratio, and the ratio ``distill`` saw on its held-out rows.
    """
    if student is None:
        return {}
    fields = dict(EMPTY, student_status=str(student.get("status", Status.CRASHED)),
                  student_error=student.get("error", ""))
    if student.get("status") != Status.SUCCESS or teacher_proba is None or not proba_path.exists():
        if not fields["student_error"]:
            fields["student_error"] = "the teacher failed" if teacher_proba is None else "no student probabilities"
        if fields["student_status"] == Status.SUCCESS:
            fields["student_status"] = str(Status.CRASHED)
        return fields
    proba = scoring.align(np.load(proba_path), student["classes"], labels)
    scores = scoring.score(y_test, proba, labels)
    teacher_auc, student_auc = scoring.auc_any(y_test, teacher_proba, labels), scoring.auc_any(y_test, proba, labels)
    fields.update(
        student_family=f"{student.get('family', '')} {student.get('params', {})}".strip(),
        distill_s=student.get("distill_s", np.nan), teacher_predict_s=student.get("teacher_predict_s", np.nan),
        student_predict_s=student.get("student_predict_s", np.nan), student_score=scores[metric],
        student_accuracy=scores["accuracy"], score_ratio=scoring.ratio(metric, scores[metric], teacher_score),
        teacher_auc=teacher_auc, student_auc=student_auc, auc_ratio=scoring.ratio("auc", student_auc, teacher_auc),
        validation_score_ratio=student.get("validation_score_ratio", np.nan))
    fields["speedup"] = fields["teacher_predict_s"] / fields["student_predict_s"] \
        if fields["student_predict_s"] and fields["student_predict_s"] > 0 else np.nan
    return fields


def summary_lines(results: pd.DataFrame) -> list[str]:
    """The summary's "Distilled students" section.

    Parameters
    ----------
    results : every run's record (``runner.collect``).

    Returns
    -------
    list of str
        Markdown lines, none when no run has a student. Per framework and budget with students: one row per
        task (teacher and student score on the main metric, score ratio, AUC ratio, predict seconds of each
        on the test rows, speed-up, the student chosen, the load average when the run ended), then the
        medians and the shares of tasks at ``RATIO_TARGET`` or above, and the students that failed.
    """
    if "student_status" not in results.columns:
        return []
    with_students = results[results["student_status"].fillna("").astype(str) != ""]
    if with_students.empty:
        return []
    lines = ["## Distilled students", "",
             "Each teacher (the autoclf run) distilled after its fit; predict seconds: one call on all test rows, "
             "warm, one thread, median of 5, the same for teacher and student. Score ratio on the main metric "
             f"(student / teacher AUC, teacher / student log loss); AUC ratio: binary or one-vs-rest macro AUC. "
             f"Target: median speed-up >= 10 at score ratio >= {RATIO_TARGET:g}.", ""]
    for (framework, budget), runs in with_students.groupby(["framework", "budget"]):
        ok = runs[runs["student_status"] == Status.SUCCESS]
        table = pd.DataFrame({
            "metric": ok["metric"], "teacher": ok["score"], "student": ok["student_score"],
            "score ratio": ok["score_ratio"], "AUC ratio": ok["auc_ratio"],
            "teacher predict s": ok["teacher_predict_s"], "student predict s": ok["student_predict_s"],
            "speed-up": ok["speedup"], "student chosen": ok["student_family"].str.slice(0, 60),
            "load avg": ok["load_average"] if "load_average" in ok else np.nan,
        }).set_axis(ok["task"] + np.where(ok["seed"] > 0, " seed " + ok["seed"].astype(str), ""), axis=0)
        lines += [f"### {framework}, budget {budget:g} s", "", _markdown(table), "", *_medians(ok, len(runs)), ""]
        failed = runs[runs["student_status"] != Status.SUCCESS]
        lines += [f"- {r.task}: student {r.student_status} - {str(r.student_error)[:200]}" for r in failed.itertuples()]
        if not failed.empty:
            lines.append("")
    return lines


def _medians(ok: pd.DataFrame, n_runs: int) -> list[str]:
    if ok.empty:
        return [f"No student succeeded ({n_runs} runs)."]
    speedup, ratio, auc = ok["speedup"], ok["score_ratio"], ok["auc_ratio"]
    load = ok["load_average"] if "load_average" in ok else pd.Series(np.nan, ok.index)
    return [f"**{len(ok)} of {n_runs} tasks with a student: median speed-up {speedup.median():.1f}x, median score "
            f"ratio {ratio.median():.4f}, share with score ratio >= {RATIO_TARGET:g}: "
            f"{(ratio >= RATIO_TARGET).mean():.2f}; median AUC ratio {auc.median():.4f}, share with AUC ratio >= "
            f"{RATIO_TARGET:g}: {(auc >= RATIO_TARGET).mean():.2f}.** Share with speed-up >= 10: "
            f"{(speedup >= 10).mean():.2f}. Median distillation {ok['distill_s'].median():.0f} s; load average "
            f"(1 min, at the runs' ends) median {load.median():.2f}, max {load.max():.2f}."]


def _markdown(frame: pd.DataFrame) -> str:
    """A pipe table (pandas' to_markdown needs tabulate, which autoclf does not depend on)."""
    def cell(value: object) -> str:
        if isinstance(value, (float, np.floating)):
            return "–" if not np.isfinite(value) else f"{value:.4g}"
        return str(value)

    header = ["task", *[str(c) for c in frame.columns]]
    rows = [[str(index), *[cell(v) for v in row]] for index, row in zip(frame.index, frame.itertuples(index=False))]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])
