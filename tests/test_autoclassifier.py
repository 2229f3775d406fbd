"""AutoClassifier end to end on real data, bounded by trial counts."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import FAST, MIRROR
from sklearn.metrics import roc_auc_score

from autoclf import AutoClassifier


@pytest.fixture(scope="module")
def fitted(credit_g_split, tmp_path_factory):
    X_train, _, y_train, _ = credit_g_split
    model = AutoClassifier(time_left=120, n_trials=6, include={"classifier": FAST}, seed=0, verbose=0,
                           tmp_folder=tmp_path_factory.mktemp("run") / "store", keep_tmp=True)
    return model.fit(X_train, y_train)


def test_predictions_beat_chance_and_keep_label_type(fitted, credit_g_split):
    _, X_test, _, y_test = credit_g_split
    predictions = fitted.predict(X_test)
    assert set(predictions) <= {"good", "bad"} and len(predictions) == len(X_test)
    proba = fitted.predict_proba(X_test)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    good = list(fitted.classes_).index("good")
    assert roc_auc_score(y_test == "good", proba[:, good]) > 0.7


def test_leaderboard_and_inspection(fitted):
    board = fitted.leaderboard(columns="all")
    assert len(board) == 6 and list(board["rank"]) == list(range(1, 7))
    for column in ("trial_id", "classifier", "feature_preprocessor", "loss", "roc_auc", "fit_seconds", "status",
                   "origin"):
        assert column in board.columns
    assert board["loss"].is_monotonic_increasing
    first = fitted.results_[0]
    assert first.origin == "default"
    assert first.config == dict(fitted.configuration_space_.get_default_configuration())
    assert fitted.best_trial_.loss == board["loss"].min()
    assert len(fitted.cv_results_["params"]) == 6
    losses = [loss for _, loss in fitted.trajectory_]
    assert losses == sorted(losses, reverse=True) and losses[-1] == fitted.best_trial_.loss
    assert "trials: 6" in fitted.sprint_statistics()
    assert "trial" in fitted.describe()


def test_run_store_holds_every_successful_trial(fitted):
    from autoclf.evaluation.run_store import RunStore

    store = RunStore(fitted.tmp_folder_)
    targets = store.targets()
    records = store.records()
    assert [r.trial_id for r in records] == [r.trial_id for r in fitted.results_]
    for record in records:
        if record.ok:
            predictions = store.predictions(record.trial_id)
            assert predictions.shape == (len(targets), 2)
            assert store.has_model(record.trial_id)


def test_save_and_load_in_a_fresh_process(fitted, credit_g_split, tmp_path):
    _, X_test, _, _ = credit_g_split
    path = tmp_path / "model.joblib"
    fitted.save(path)
    X_test.to_parquet(tmp_path / "test.parquet")
    code = (
        "import sys, numpy as np, pandas as pd; from autoclf import AutoClassifier;"
        f"m = AutoClassifier.load(r'{path}'); X = pd.read_parquet(r'{tmp_path / 'test.parquet'}');"
        f"np.save(r'{tmp_path / 'p.npy'}', m.predict_proba(X))"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    np.testing.assert_allclose(np.load(tmp_path / "p.npy"), fitted.predict_proba(X_test))


@pytest.mark.slow
def test_same_seed_same_trials_and_predictions(vehicle):
    X, y = vehicle
    X, y = X.iloc[:400], y.iloc[:400]
    runs = [
        AutoClassifier(time_left=120, n_trials=4, include={"classifier": FAST}, seed=7, verbose=0).fit(X, y)
        for _ in range(2)
    ]
    assert [r.config for r in runs[0].results_] == [r.config for r in runs[1].results_]
    np.testing.assert_allclose(runs[0].predict_proba(X), runs[1].predict_proba(X))
    assert runs[0].metric_.name == "log_loss"  # "auto" on 4 classes


def test_cross_validation_and_a_named_metric(vehicle):
    X, y = vehicle
    model = AutoClassifier(time_left=120, n_trials=3, resampling="cv", folds=3, metric="balanced_accuracy",
                           include={"classifier": ["logistic_regression", "gaussian_nb"]}, verbose=0).fit(X, y)
    assert model.metric_.name == "balanced_accuracy"
    assert (model.predict(X) == y.to_numpy()).mean() > 0.6


@pytest.mark.slow
def test_time_left_is_kept(credit_g):
    import time

    X, y = credit_g
    started = time.perf_counter()
    model = AutoClassifier(time_left=15, seed=0, verbose=0).fit(X, y)
    elapsed = time.perf_counter() - started
    # every trial started and ended within the budget (what fit controls); the end-to-end wall time on a busy
    # machine is only checked for a hang here: how close fit ends to time_left is measured by the race
    # benchmark (docs/benchmark.md: no fit past 102 % of its budget)
    assert all(r.started + r.duration <= 15 for r in model.results_)
    assert elapsed <= 15 * 1.25
    assert len(model.results_) >= 2


def test_initial_configurations_run_after_the_default(credit_g):
    X, y = credit_g
    model = AutoClassifier(time_left=60, n_trials=2, seed=0, verbose=0,
                           initial_configurations=[{"classifier:__choice__": "extra_trees"}]).fit(X, y)
    assert model.leaderboard().set_index("trial_id").loc[1, "classifier"] == "extra_trees"
    assert model.results_[1].origin == "user"


def test_get_configuration_space_matches_the_searched_space(credit_g):
    X, y = credit_g
    model = AutoClassifier(include={"classifier": ["random_forest"]})
    space = model.get_configuration_space(X, y)
    assert list(space["classifier:__choice__"].choices) == ["random_forest"]
    assert "encoding:__choice__" in space
    assert not hasattr(model, "model_")


@pytest.mark.slow
def test_pandas_input_with_strings_booleans_and_missing_values():
    X, y = pd.read_parquet(MIRROR / "40945_Titanic.parquet").pipe(
        lambda f: (f.drop(columns=["survived", "boat", "body"]), f["survived"]))
    X = X.assign(adult=X["age"] > 18)
    model = AutoClassifier(time_left=120, n_trials=2, include={"classifier": FAST}, verbose=0).fit(X, y)
    assert model.predict(X.iloc[:10]).dtype == y.dtype or set(model.predict(X)) <= set(y)


@pytest.mark.slow
def test_time_left_after_serving_runs_more_trials(credit_g, monkeypatch, caplog):
    """The search keeps a reserve for refitting the ensemble; what the refits leave unused goes to more trials,
    and the ensemble is served again over all of them (before, up to 25 % of time_left went unused)."""
    import logging

    from autoclf.ensembles import builder

    estimate = builder.EnsembleBuilder.final_seconds_estimate
    # a reserve far larger than the refits need, as when a slow member's refit is planned and then skipped
    monkeypatch.setattr(builder.EnsembleBuilder, "final_seconds_estimate",
                        lambda self, with_refits=True: estimate(self, with_refits) + (10.0 if with_refits else 0.0))
    X, y = credit_g
    with caplog.at_level(logging.INFO, logger="autoclf"):
        model = AutoClassifier(time_left=30, include={"classifier": ["logistic_regression", "gaussian_nb"]},
                               seed=0, verbose=0).fit(X, y)
    assert "searching on" in caplog.text, caplog.text[-3000:]
    ids = [result.trial_id for result in model.results_]
    assert ids == list(range(len(ids)))  # the continued search numbers its trials on
    assert set(model.ensemble_weights_) <= {result.trial_id for result in model.results_ if result.ok}
    assert model.predict_proba(X.iloc[:5]).shape == (5, 2)
