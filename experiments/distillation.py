"""Issue 6 benchmark: distil the AutoClassifier (teacher) into one student and compare.

Per mirror data set (25 % stratified test split, seed 0): teacher = AutoClassifier(time_left=60) as it
serves (the ensemble, when fit builds one); student = ``teacher.distill(X_train, y_train, time_left=30)``
(the fastest candidate keeping ``--min-score-ratio`` of the teacher's held-out score);
twin = the same student family trained directly on the true labels with the same hyperparameter search
and budget (``autoclf.distillation.train_direct``). Scores on the test part: ROC AUC (one-vs-rest macro
for multiclass, so student / teacher ratios are comparable across data sets), accuracy, and the teacher's
own metric; predict speed-up per row at batch 1000 and size ratio from ``distillation_report``.

Run: python experiments/distillation.py [--ids 31 37 ...] [--teacher-time 60] [--student-time 30]
[--min-score-ratio 0.99]. The issue-19 measurement (16 data sets, through ``autoclf benchmark --students``)
is experiments/results/distillation_benchmark.md.
Writes experiments/results/distillation.csv (one row per data set, appended as they finish) and
experiments/results/distillation.md (the table and the medians).
"""

from __future__ import annotations

import argparse
import logging
import time

import numpy as np
import pandas as pd
from common import RESULTS, load_mirror, standard_split
from sklearn.metrics import roc_auc_score

from autoclf import AutoClassifier
from autoclf.distillation import train_direct

#: 4 binary, 4 multiclass; numeric and categorical; 540 - 5400 rows
DEFAULT_IDS = [31, 37, 1067, 1489, 54, 36, 23, 40975]

logger = logging.getLogger("distillation_benchmark")


def auc(y_codes: np.ndarray, proba: np.ndarray) -> float:
    if proba.shape[1] == 2:
        return float(roc_auc_score(y_codes, proba[:, 1]))
    return float(roc_auc_score(y_codes, proba, multi_class="ovr", average="macro", labels=range(proba.shape[1])))


def run_one(openml_id: int, teacher_time: float, student_time: float, min_score_ratio: float = 0.99) -> dict:
    X, y, name = load_mirror(openml_id)
    X_train, X_test, y_train, y_test = standard_split(X, y)
    started = time.perf_counter()
    teacher = AutoClassifier(time_left=teacher_time, seed=0, verbose=0).fit(X_train, y_train)
    fit_seconds = time.perf_counter() - started
    started = time.perf_counter()
    student = teacher.distill(X_train, y_train, time_left=student_time, seed=0, min_score_ratio=min_score_ratio)
    distill_seconds = time.perf_counter() - started
    twin = train_direct(teacher, X_train, y_train, student.family, time_left=student_time, seed=0)
    report = teacher.distillation_report(X_test, y_test)
    codes = teacher.validator_.encode_target(y_test)
    probas = {"teacher": teacher.predict_proba(X_test), "student": student.predict_proba(X_test),
              "twin": twin.predict_proba(X_test)}
    row = {"dataset": f"{name} ({openml_id})", "n_classes": len(teacher.classes_),
           "teacher_members": len(getattr(teacher, "ensemble_weights_", {}) or {}) or 1,
           "student": student.family, "metric": teacher.metric_.name}
    for who, proba in probas.items():
        row[f"{who}_auc"] = auc(codes, proba)
        row[f"{who}_acc"] = float(np.mean(proba.argmax(axis=1) == codes))
        row[f"{who}_{teacher.metric_.name}"] = teacher.metric_.score(codes, proba)
    row["auc_ratio"] = row["student_auc"] / row["teacher_auc"]
    row["student_beats_twin"] = row["student_auc"] > row["twin_auc"]
    row["speedup_1000"] = report.attrs["speedup_batch_1000"]
    row["speedup_1"] = report.attrs["speedup_batch_1"]
    row["size_ratio"] = report.attrs["size_ratio"]
    row["teacher_mb"], row["student_mb"] = report.loc["teacher", "size_mb"], report.loc["student", "size_mb"]
    row["fit_s"], row["distill_s"] = fit_seconds, distill_seconds
    return row


def summarise(frame: pd.DataFrame) -> str:
    columns = ["dataset", "student", "teacher_members", "teacher_auc", "student_auc", "twin_auc", "auc_ratio",
               "teacher_acc", "student_acc", "twin_acc", "speedup_1000", "speedup_1", "size_ratio"]
    numeric = frame[columns[2:]].astype(float)
    medians = {"dataset": "**median**", "student": "", **numeric.median().to_dict()}
    table = pd.concat([frame[columns], pd.DataFrame([medians])], ignore_index=True)
    wins = int(frame["student_beats_twin"].sum())
    lines = [table.to_markdown(index=False, floatfmt=".4f"), "",
             f"student beats its directly trained twin (test AUC) on {wins} of {len(frame)} data sets; "
             f"median student - twin AUC {float((frame.student_auc - frame.twin_auc).median()):+.4f}",
             f"median student / teacher AUC {frame.auc_ratio.median():.4f}, median accuracy ratio "
             f"{float((frame.student_acc / frame.teacher_acc).median()):.4f}, median speed-up (batch 1000) "
             f"{frame.speedup_1000.median():.1f}x, median size ratio {frame.size_ratio.median():.4f}"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ids", type=int, nargs="+", default=DEFAULT_IDS)
    parser.add_argument("--teacher-time", type=float, default=60)
    parser.add_argument("--student-time", type=float, default=30)
    parser.add_argument("--min-score-ratio", type=float, default=0.99)
    parser.add_argument("--output", default="distillation")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    for noisy in ("autoclf.dataset", "autoclf.evaluation", "autoclf.optimization", "smac", "autoclf.metalearning"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    RESULTS.mkdir(exist_ok=True)
    rows = []
    for openml_id in args.ids:
        try:
            rows.append(run_one(openml_id, args.teacher_time, args.student_time, args.min_score_ratio))
        except Exception:  # noqa: BLE001 - one failing data set must not lose the others
            logger.exception("data set %d failed", openml_id)
            continue
        logger.info("%s", rows[-1])
        pd.DataFrame(rows).to_csv(RESULTS / f"{args.output}.csv", index=False)
    if not rows:
        raise SystemExit("no data set finished")
    frame = pd.DataFrame(rows)
    summary = summarise(frame)
    (RESULTS / f"{args.output}.md").write_text(
        f"teacher time_left={args.teacher_time:.0f} s, student time_left={args.student_time:.0f} s\n\n{summary}\n")
    print(summary)


if __name__ == "__main__":
    main()
