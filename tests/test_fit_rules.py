"""The rules fit applies before it searches: resampling that the budget pays for, per-trial limits."""

from __future__ import annotations

from autoclf.dataset.info import DatasetInfo
from autoclf.fit_rules import choose_resampling, default_per_run


def _info(rows: int, features: int, classes: int = 2) -> DatasetInfo:
    counts = tuple([rows // classes] * (classes - 1) + [rows - (classes - 1) * (rows // classes)])
    return DatasetInfo(n_rows=rows, n_classes=classes, class_counts=counts,
                       numeric_columns=tuple(f"x{i}" for i in range(features)))


def test_auto_resampling_cross_validates_only_where_the_budget_pays_for_it():
    credit_g, kropt, adult, fars = _info(750, 20), _info(21_000, 6, 18), _info(36_600, 14), _info(101_000, 29)
    assert choose_resampling("auto", credit_g, 10) == "cv"  # small data: a holdout set would be tiny
    assert choose_resampling("auto", kropt, 60) == "holdout"  # 5 folds of 18-class boosting would starve
    assert choose_resampling("auto", kropt, 600) == "cv"
    assert choose_resampling("auto", adult, 300) == "cv" and choose_resampling("auto", adult, 120) == "holdout"
    assert choose_resampling("auto", fars, 10**6) == "holdout"  # 100 000 rows and more: always holdout
    assert choose_resampling("cv", fars, 60) == "cv" and choose_resampling("holdout", credit_g, 3600) == "holdout"


def test_per_run_limit_is_a_tenth_with_a_floor():
    assert default_per_run(3600) == 360 and default_per_run(60) == 6
    assert default_per_run(12) == 4  # a third of a tiny budget, under the 5 s floor
