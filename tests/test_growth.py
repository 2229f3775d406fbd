"""Cheap first, then grow: a trial reports a model the clock cut short, and the search runs the incumbent
again with a longer limit when it was cut short (autoclf.optimization.growth)."""

from __future__ import annotations

from autoclf.components.anytime import stopped_by_clock
from autoclf.configspace.builder import complete_configuration
from autoclf.configspace.origins import Origin
from autoclf.evaluation.request import TrialRequest
from autoclf.evaluation.result import TrialResult
from autoclf.evaluation.run_store import RunStore
from autoclf.evaluation.trial import run_trial
from autoclf.fit_budget import FitBudget
from autoclf.fit_setup import prepare
from autoclf.optimization.growth import GROWTH_FACTOR, MAX_GROWN_SHARE, Growth


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _incumbent(trial_id: int = 3, cut_short: bool = True, time_limit: float = 6.0,
               fidelity: float | None = None) -> TrialResult:
    extra = {"time_limit": time_limit, **({"cut_short": True} if cut_short else {})}
    return TrialResult(trial_id=trial_id, config={"classifier:__choice__": "lightgbm"}, status="success", loss=0.6,
                       duration=time_limit, fidelity=fidelity, extra=extra)


def test_a_trial_says_when_the_clock_cut_its_model_short(credit_g, tmp_path):
    """On real data: a 500-tree random forest under a 0.3 s limit grows what trees the clock allows (about a
    fifth here) and says it was cut short; a logistic regression, done long before its limit, does not."""
    X, y = credit_g
    setup = prepare(X, y, resampling="holdout")
    store = RunStore(tmp_path)
    store.initialise(setup.task())
    forest = dict(complete_configuration(setup.space, {"classifier:__choice__": "random_forest",
                                                       "classifier:random_forest:n_estimators": 500}))
    assert run_trial(str(tmp_path), TrialRequest(forest, 0, 0.3, trial_id=0))["cut_short"]
    linear = dict(complete_configuration(setup.space, {"classifier:__choice__": "logistic_regression"}))
    assert not run_trial(str(tmp_path), TrialRequest(linear, 0, 30.0, trial_id=1))["cut_short"]
    assert stopped_by_clock(store.model(0)) and store.model(0)[-1].n_estimators_grown_ < 500
    assert not stopped_by_clock(store.model(1))


def test_the_cut_short_incumbent_grows_once_with_twice_its_limit_then_the_search_goes_on():
    clock = FakeClock()
    budget = FitBudget.from_time_left(60.0, clock=clock)  # 6 s a trial by default
    growth = Growth()
    best = _incumbent(time_limit=6.0)
    proposal, limit = growth.next(best, budget, reserve=0.0)
    assert proposal.origin == Origin.GROWN and proposal.info is None and proposal.config == best.config
    assert limit == GROWTH_FACTOR * 6.0
    growth.started(proposal)
    assert growth.next(_incumbent(trial_id=4), budget, 0.0) is None  # alternates with the optimiser's proposals
    growth.started(type(proposal)(config={}, origin=Origin.SMAC_MODEL, info=object()))
    assert growth.next(best, budget, 0.0) is None  # each trial is grown once
    grown = _incumbent(trial_id=5, time_limit=limit)  # the grown trial is the best and still cut short: again
    assert growth.next(grown, budget, 0.0)[1] == GROWTH_FACTOR * limit


def test_no_growth_for_a_model_that_finished_a_user_limit_a_low_fidelity_or_too_little_time():
    clock = FakeClock()
    budget = FitBudget.from_time_left(60.0, clock=clock)
    assert Growth().next(_incumbent(cut_short=False), budget, 0.0) is None
    assert Growth().next(None, budget, 0.0) is None
    assert Growth().next(_incumbent(fidelity=1 / 3), budget, 0.0) is None  # its rounds were cut by design
    users = FitBudget.from_time_left(60.0, per_trial=6.0, clock=clock)
    assert Growth().next(_incumbent(), users, 0.0) is None  # the user's per-trial limit is kept
    clock.now = 40.0  # 19.5 s left: at most half of it, and not worth less than 1.25 x the last limit
    assert Growth().next(_incumbent(time_limit=6.0), budget, 0.0)[1] == MAX_GROWN_SHARE * budget.remaining()
    assert Growth().next(_incumbent(time_limit=6.0), budget, reserve=6.0) is None
