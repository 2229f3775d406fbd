"""The rules fit applies before it searches: resampling that the budget pays for, per-trial limits."""

from __future__ import annotations

from autoclf.dataset.info import DatasetInfo
from autoclf.evaluation.result import TrialResult
from autoclf.fit_rules import SLOWNESS_RANGE, choose_resampling, default_per_run, machine_slowness
from autoclf.optimization.search_loop import MAX_LIMIT_DOUBLINGS, Limits, trial_time_limit


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


def test_a_slow_or_busy_machine_buys_less_cross_validation():
    """The same budget on a machine three times slower (or three times as busy) is worth a third: adult at
    300 s is cross-validated on the reference machine, held out on the slow one; a given choice is kept."""
    adult = _info(36_600, 14)
    assert choose_resampling("auto", adult, 300, slowness=1.0) == "cv"
    assert choose_resampling("auto", adult, 300, slowness=3.0) == "holdout"
    assert choose_resampling("auto", adult, 3000, slowness=3.0) == "cv"
    assert choose_resampling("cv", adult, 10, slowness=4.0) == "cv"


def test_machine_slowness_is_measured_and_bounded():
    low, high = SLOWNESS_RANGE
    assert all(low <= machine_slowness() <= high for _ in range(2))


def _trial(status: str) -> TrialResult:
    return TrialResult(trial_id=0, config={}, status=status, loss=0.0 if status == "success" else 1.0)


def test_a_default_per_trial_limit_doubles_with_each_timeout_until_a_trial_succeeds():
    """On a machine too slow for the default limit (a tenth of the budget) every trial would time out and fit
    would serve its fallback: each timeout doubles the next limit; once a trial succeeds the limit is back."""
    limits = Limits(start=0.0, deadline=100.0, per_run_time_limit=5.0, memory_limit_mb=None, adaptive_per_run=True)
    timeout, crashed, success = _trial("timeout"), _trial("crashed"), _trial("success")
    assert trial_time_limit(limits, [], 90.0) == 5.0
    assert trial_time_limit(limits, [timeout], 90.0) == 10.0
    assert trial_time_limit(limits, [timeout, crashed, timeout], 90.0) == 20.0  # crashes are not slowness
    assert trial_time_limit(limits, [timeout] * 10, 1000.0) == 5.0 * 2**MAX_LIMIT_DOUBLINGS
    assert trial_time_limit(limits, [timeout] * 3, 12.0) == 12.0  # never past the clock
    assert trial_time_limit(limits, [timeout, timeout, success], 90.0) == 5.0
    given = Limits(start=0.0, deadline=100.0, per_run_time_limit=5.0, memory_limit_mb=None)  # the user's limit
    assert trial_time_limit(given, [timeout] * 3, 90.0) == 5.0


def test_per_run_limit_is_a_tenth_with_a_floor():
    assert default_per_run(3600) == 360 and default_per_run(60) == 6
    assert default_per_run(12) == 4  # a third of a tiny budget, under the 5 s floor
