"""The rules fit applies before it searches: resampling that the budget pays for, per-trial limits."""

from __future__ import annotations

from autoclf.dataset.info import DatasetInfo
from autoclf.evaluation.result import TrialResult
from autoclf.fit_budget import (
    END_SLACK_SECONDS,
    MAX_LIMIT_DOUBLINGS,
    MAX_RESERVE_SHARE,
    MIN_TRIAL_SECONDS,
    FitBudget,
    default_per_trial,
)
from autoclf.fit_rules import SLOWNESS_RANGE, choose_resampling, machine_slowness
from autoclf.optimization.search_loop import timeouts_without_success


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


class FakeClock:
    """A clock the test moves by hand: the time rules are checked without sleeping."""

    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_the_budget_is_built_once_from_time_left():
    clock = FakeClock()
    budget = FitBudget.from_time_left(60, clock=clock)
    assert budget.start == 1000.0 and budget.deadline == 1060.0 - END_SLACK_SECONDS
    assert budget.per_trial == 6.0 and budget.adaptive_per_trial  # the default: a tenth
    assert not FitBudget.from_time_left(60, per_trial=3, clock=clock).adaptive_per_trial  # the user's
    clock.now += 20
    assert budget.elapsed() == 20 and budget.remaining() == 40 - END_SLACK_SECONDS
    assert budget.until(budget.deadline - 5).remaining() == 35 - END_SLACK_SECONDS


def test_a_trial_gets_its_limit_never_past_the_deadline_minus_the_capped_reserve():
    clock = FakeClock()
    budget = FitBudget.from_time_left(100.5, clock=clock)  # deadline 100 s away, 10.05 s a trial
    assert budget.trial_limit(reserve=0.0) == 10.05
    clock.now += 85  # 15 s left
    assert budget.trial_limit(reserve=10.0) == 5.0  # the end of the fit keeps 10 s
    assert budget.trial_limit(reserve=1000.0) is None  # capped at a quarter of the budget: 25 s > 15 s left
    assert budget.capped_reserve(1000.0) == MAX_RESERVE_SHARE * 100
    clock.now += 14.5  # 0.5 s left
    assert budget.trial_limit(reserve=0.0) is None and 0.5 < MIN_TRIAL_SECONDS


def _trial(status: str) -> TrialResult:
    return TrialResult(trial_id=0, config={}, status=status, loss=0.0 if status == "success" else 1.0)


def test_a_default_per_trial_limit_doubles_with_each_timeout_until_a_trial_succeeds():
    """On a machine too slow for the default limit (a tenth of the budget) every trial would time out and fit
    would serve its fallback: each timeout doubles the next limit; once a trial succeeds the limit is back."""
    clock = FakeClock()
    budget = FitBudget(start=0.0, deadline=1000.0, per_trial=5.0, adaptive_per_trial=True, clock=clock)
    clock.now = 0.0
    timeout, crashed, success = _trial("timeout"), _trial("crashed"), _trial("success")
    assert timeouts_without_success([timeout, crashed, timeout]) == 2  # crashes are not slowness
    assert timeouts_without_success([timeout, timeout, success]) == 0
    assert budget.trial_limit(0.0, 0) == 5.0
    assert budget.trial_limit(0.0, 1) == 10.0 and budget.trial_limit(0.0, 2) == 20.0
    assert budget.trial_limit(0.0, 10) == 5.0 * 2**MAX_LIMIT_DOUBLINGS
    clock.now = 988.0
    assert budget.trial_limit(0.0, 3) == 12.0  # never past the clock
    given = FitBudget(start=0.0, deadline=1000.0, per_trial=5.0, adaptive_per_trial=False, clock=clock)
    clock.now = 0.0
    assert given.trial_limit(0.0, 3) == 5.0  # the user's limit is kept


def test_per_run_limit_is_a_tenth_with_a_floor():
    assert default_per_trial(3600) == 360 and default_per_trial(60) == 6
    assert default_per_trial(12) == 4  # a third of a tiny budget, under the 5 s floor
