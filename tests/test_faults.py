"""A trial that raises, hangs, or eats memory is recorded with its status; the fit still returns a model."""

import pytest

from autoclf import AutoClassifier
from broken_components import AbortingClassifier, MemoryHungryClassifier, RaisingClassifier, SleepingClassifier


@pytest.mark.parametrize(
    "component, status",
    [
        (RaisingClassifier, "crashed"),
        (SleepingClassifier, "timeout"),
        (MemoryHungryClassifier, "memout"),
        (AbortingClassifier, "crashed"),
    ],
)
def test_broken_trial_is_recorded_and_the_fit_goes_on(credit_g, component, status):
    X, y = credit_g
    model = AutoClassifier(
        time_left=60,
        # the memory hog needs a few seconds to pass the limit on a busy machine: a short limit would
        # record a timeout first
        per_run_time_limit=20 if status == "memout" else 4,
        memory_limit=1024,
        n_trials=3,
        include={"classifier": ["decision_tree", component.name]},
        extra_components=[component],
        initial_configurations=[{"classifier:__choice__": component.name}],
        seed=0,
        verbose=0,
    ).fit(X, y)
    broken = model.results_[1]
    assert broken.config["classifier:__choice__"] == component.name
    assert broken.status == status, broken.error
    assert broken.error
    board = model.leaderboard()
    assert board.set_index("trial_id").loc[1, "status"] == status
    assert model.best_trial_.ok and model.best_trial_.config["classifier:__choice__"] != component.name
    assert len(model.predict(X.iloc[:20])) == 20
    if status == "timeout":
        assert broken.duration < 4 + 2


def test_no_successful_trial_is_a_clear_error(credit_g):
    X, y = credit_g
    model = AutoClassifier(time_left=30, n_trials=2, include={"classifier": ["raising"]},
                           extra_components=[RaisingClassifier], verbose=0)
    with pytest.raises(RuntimeError, match="no trial finished successfully"):
        model.fit(X, y)
