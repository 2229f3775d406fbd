"""A trial that raises, hangs, or eats memory is recorded with its status; the fit still returns a model."""

import numpy as np
import pytest
from broken_components import AbortingClassifier, MemoryHungryClassifier, RaisingClassifier, SleepingClassifier

from autoclf import AutoClassifier


@pytest.mark.parametrize(
    "component, status",
    [
        (RaisingClassifier, "crashed"),
        (SleepingClassifier, "timeout"),
        (MemoryHungryClassifier, "memout"),
        (AbortingClassifier, "crashed"),
    ],
)
@pytest.mark.slow
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


def test_no_successful_trial_serves_the_fallback_and_says_why(credit_g):
    X, y = credit_g
    model = AutoClassifier(time_left=30, n_trials=2, include={"classifier": ["raising"]},
                           extra_components=[RaisingClassifier], verbose=0)
    with pytest.warns(UserWarning, match=r"no trial finished successfully .*2 crashed.*RuntimeError"):
        model.fit(X, y)
    assert model.ensemble_kind_ == "fallback" and model.best_trial_.origin == "fallback"
    board = model.leaderboard(columns="all")
    assert board["ensemble_weight"].sum() == 1.0 and board.iloc[-1]["origin"] == "fallback"
    proba = model.predict_proba(X.iloc[:50])
    assert proba.shape == (50, 2) and np.allclose(proba.sum(axis=1), 1.0)
    assert (model.predict(X) == y).mean() > 0.7  # a real model, not the class prior (70 % good)
    assert "serving the fallback model" in model.sprint_statistics()


def test_the_fallback_fits_every_kind_of_column(credit_g):
    from autoclf.dataset.validator import InputValidator
    from autoclf.evaluation.trial import full_probabilities
    from autoclf.fallback import failure_summary, fit_fallback

    X = credit_g[0].assign(flag=credit_g[0]["age"] > 30, note=["text %d" % i for i in range(len(credit_g[0]))])
    validator = InputValidator()
    frame, codes = validator.fit_transform(X, credit_g[1])
    model, seconds = fit_fallback(frame, codes, seed=0)
    assert type(model[-1]).__name__ == "HistGradientBoostingClassifier" and seconds >= 0
    assert full_probabilities(model, frame, 2).shape == (len(frame), 2)
    assert "give more time_left" in failure_summary([], 5.0) and "__main__" in failure_summary([], 5.0)


def test_the_fallback_stays_cheap_on_wide_many_class_data():
    """The fallback runs in the parent on the fit's clock: its work per boosting iteration is bounded, and its
    sample keeps every class (fbis.wc, 2 000 columns and 17 classes, once took 28 s of a 30 s fit)."""
    from conftest import load_mirror

    from autoclf.dataset.validator import InputValidator
    from autoclf.fallback import FALLBACK_CELLS, FALLBACK_COLUMNS, FALLBACK_ROWS, fit_fallback, sample_shape

    rows, columns = sample_shape(2463, 2000, 17)  # fbis.wc
    assert columns == FALLBACK_COLUMNS and rows * columns * 17 <= FALLBACK_CELLS
    assert sample_shape(1000, 20, 2) == (1000, 20)  # small binary data: all of it
    assert sample_shape(10**6, 20, 2) == (FALLBACK_ROWS, 20)
    X, y = load_mirror("6_letter.parquet")  # 26 classes
    frame, codes = InputValidator().fit_transform(X, y)
    model, _ = fit_fallback(frame, codes, seed=0)
    rows, _ = sample_shape(len(frame), frame.shape[1], 26)
    assert rows < len(frame) and len(model.classes_) == 26  # a sample, and every class in it
    assert (model.predict(frame) == codes).mean() > 0.5  # a real model (the prior is under 0.05)


@pytest.mark.slow
def test_a_script_without_the_main_guard_gets_a_model_and_the_fix(tmp_path):
    """multiprocessing re-imports an unguarded script in the trial worker, which then never starts: fit
    serves the fallback and its warning names the fix."""
    import subprocess
    import sys

    script = tmp_path / "unguarded.py"
    script.write_text(
        "import numpy as np, pandas as pd\n"
        "from autoclf import AutoClassifier\n"
        "rng = np.random.default_rng(0)\n"
        "X = pd.DataFrame({'a': rng.normal(size=200), 'b': rng.normal(size=200)})\n"
        "y = np.where(X['a'] > 0, 'yes', 'no')\n"
        "model = AutoClassifier(time_left=12, warm_start=None, verbose=0).fit(X, y)\n"
        "print('RESULT', model.ensemble_kind_, (model.predict(X) == y).mean())\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    result = [line for line in done.stdout.splitlines() if line.startswith("RESULT")]
    assert result and result[-1].split()[1] == "fallback", done.stderr[-2000:]
    assert float(result[-1].split()[2]) > 0.9
    assert 'if __name__ == "__main__":' in done.stderr
