"""Knowledge distillation: compress a fitted AutoClassifier (the teacher) into one small, fast student.

``distill`` labels the training rows and MUNGE rows near them with the teacher's probabilities and fits
student models (``students``) on those soft labels, choosing among them on held-out rows;
``distillation_report`` compares teacher and student; ``onnx`` exports a student (optional extra).
"""

from __future__ import annotations

from autoclf.distillation.augment import munge
from autoclf.distillation.distill import distill, train_direct
from autoclf.distillation.report import distillation_report
from autoclf.distillation.students import FAMILIES, STUDENTS, StudentClassifier, StudentFamily

__all__ = ["FAMILIES", "STUDENTS", "StudentClassifier", "StudentFamily", "distill", "distillation_report",
           "munge", "train_direct"]
