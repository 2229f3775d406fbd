"""What a fitted model reports: the leaderboard (compact, all columns, scored on test data), show_models'
members and their pipelines, describe(), the plots' failed-trial marks and labels, the progress bar on stderr.

One small fit on credit-g whose first trial after the default is a component that always raises, so the
reports have a failed trial to show.
"""

from __future__ import annotations

import numpy as np
import pytest
from broken_components import RaisingClassifier
from sklearn.metrics import roc_auc_score

from autoclf import AutoClassifier
from autoclf.probabilities import pad_probabilities
from autoclf.reporting import PIPELINE_COLUMNS

#: the leaderboard's columns before the compact view existed: ``columns="all"`` keeps every one of them
OLD_COLUMNS = ["rank", "trial_id", *PIPELINE_COLUMNS, "loss", "roc_auc", "fit_seconds", "started", "status", "origin",
               "ensemble_weight"]
COMPACT = ["rank", "trial_id", "classifier", "ensemble_weight", "roc_auc", "fit_seconds", "status"]


@pytest.fixture(scope="module")
def fitted(credit_g_split):
    X_train, X_test, y_train, y_test = credit_g_split
    model = AutoClassifier(time_left=60, n_trials=5, resampling="holdout", warm_start=None, seed=0, verbose=0,
                           include={"classifier": ["decision_tree", "logistic_regression", "raising"]},
                           extra_components=[RaisingClassifier],
                           initial_configurations=[{"classifier:__choice__": "raising"}]).fit(X_train, y_train)
    return model, X_test, y_test


def _width(frame) -> int:
    return max(len(line) for line in frame.to_string().splitlines())


def test_compact_leaderboard_is_narrow_and_all_keeps_every_column(fitted):
    model, _, _ = fitted
    compact, everything = model.leaderboard(), model.leaderboard(columns="all")
    assert list(compact.columns) == COMPACT and list(everything.columns) == OLD_COLUMNS
    assert _width(compact) < 100 < _width(everything)
    assert compact.equals(everything[COMPACT])
    assert list(compact["rank"]) == list(range(1, 6)) and compact["roc_auc"].iloc[:4].is_monotonic_decreasing
    crashed = compact.iloc[-1]
    assert crashed["status"] == "crashed" and crashed["classifier"] == "raising" and np.isnan(crashed["roc_auc"])
    assert np.isclose(compact["ensemble_weight"].sum(), 1.0)
    with pytest.raises(ValueError, match="columns must be one of"):
        model.leaderboard(columns="wide")


def test_leaderboard_scores_the_members_and_the_ensemble_on_test_data(fitted):
    model, X_test, y_test = fitted
    board = model.leaderboard(X_test, y_test)
    assert list(board.columns) == ["rank", "trial_id", "classifier", "ensemble_weight", "roc_auc", "test_score",
                                   "fit_seconds", "predict_seconds", "status"]
    assert set(OLD_COLUMNS) < set(model.leaderboard(X_test, y_test, columns="all").columns)
    ensemble, trials = board.iloc[0], board.iloc[1:].set_index("trial_id")
    assert ensemble["classifier"] == "ensemble (selection)" and board["trial_id"].isna().sum() == 1
    codes = model.validator_.encode_target(y_test)
    proba = model.predict_proba(X_test)
    assert ensemble["test_score"] == pytest.approx(model.metric_.score(codes, proba), abs=1e-12)
    assert ensemble["test_score"] == pytest.approx(roc_auc_score(codes, proba[:, 1]), abs=1e-12)
    assert ensemble["roc_auc"] == pytest.approx(1 - model.ensemble_loss_) and ensemble["predict_seconds"] > 0
    X_canonical = model.validator_.transform(X_test)
    for trial_id, entry in model.show_models().items():  # the served (refit) members, scored by hand
        mine = roc_auc_score(codes, entry["pipeline"].predict_proba(X_canonical)[:, 1])
        assert trials.loc[trial_id, "test_score"] == pytest.approx(mine, abs=1e-12)
        assert trials.loc[trial_id, "predict_seconds"] >= 0
    others = trials[trials["ensemble_weight"] == 0]
    assert len(others) and others["test_score"].isna().all()  # only the served members are held and scored


def test_leaderboard_checks_test_data_as_predict_does(fitted):
    model, X_test, y_test = fitted
    with pytest.raises(ValueError, match="pass both X_test and y_test"):
        model.leaderboard(X_test)
    with pytest.raises(ValueError) as from_predict:
        model.predict(X_test.drop(columns=["age"]))
    with pytest.raises(ValueError) as from_board:
        model.leaderboard(X_test.drop(columns=["age"]), y_test)
    assert str(from_board.value) == str(from_predict.value) and "age" in str(from_board.value)
    with pytest.raises(ValueError, match="not seen at fit time"):
        model.leaderboard(X_test.iloc[:3], ["good", "bad", "maybe"])
    with pytest.raises(ValueError, match="different lengths"):
        model.leaderboard(X_test.iloc[:10], y_test.iloc[:9])


def test_show_models_holds_each_members_configuration_and_fitted_pipeline(fitted):
    model, X_test, _ = fitted
    models = model.show_models()
    assert set(models) == set(model.ensemble_weights_)
    weights = [entry["weight"] for entry in models.values()]
    assert sum(weights) == pytest.approx(1.0) and weights == sorted(weights, reverse=True)
    by_id = {r.trial_id: r for r in model.results_}
    X_canonical = model.validator_.transform(X_test)
    average = np.zeros((len(X_test), 2))
    for trial_id, entry in models.items():
        assert entry["trial_id"] == trial_id and entry["config"] == by_id[trial_id].config
        assert entry["config"]["classifier:__choice__"] == entry["components"]["classifier"]
        assert entry["loss"] == by_id[trial_id].loss and entry["score"] == by_id[trial_id].score
        assert entry["refit"] == (trial_id in model.refitted_trials_)
        proba = entry["pipeline"].predict_proba(X_canonical)
        average += entry["weight"] * pad_probabilities(proba, entry["pipeline"].classes_, 2)
    np.testing.assert_allclose(average, model.predict_proba(X_test))  # the pipelines are what is served
    text = model.describe()
    assert text.startswith("selection ensemble of") and "held-out roc_auc" in text
    assert all(f" {trial_id} " in text for trial_id in models)


def test_performance_plot_marks_the_failed_trial_and_names_the_metric(fitted, tmp_path):
    model, _, _ = fitted
    figure = model.plot_performance_over_time(tmp_path / "over_time.png")
    assert (tmp_path / "over_time.png").read_bytes()[:4] == b"\x89PNG"
    axis = figure.axes[0]
    assert axis.get_ylabel() == "held-out ROC AUC (higher is better)"
    labels = [text.get_text() for text in axis.get_legend().get_texts()]
    assert "crashed (1, no score)" in labels
    crashed = next(c for c in axis.collections if c.get_label().startswith("crashed"))
    assert len(crashed.get_offsets()) == 1
    ensemble = model.plot_ensemble(tmp_path / "ensemble.png")
    assert ensemble.axes[0].get_ylabel() == "held-out ROC AUC (higher is better)"
    assert (tmp_path / "ensemble.png").read_bytes()[:4] == b"\x89PNG"


def test_progress_bar_draws_on_stderr_not_stdout(credit_g, capfd):
    X, y = credit_g
    AutoClassifier(time_left=30, n_trials=2, include={"classifier": ["decision_tree"]}, warm_start=None,
                   resampling="holdout", seed=0, verbose=1).fit(X, y)
    out, err = capfd.readouterr()
    assert out == ""
    assert "autoclf" in err and "trials 2" in err
