"""fit(X, y, X_val=..., y_val=...): the user's validation rows are exactly the holdout every trial and the
ensemble are scored on; the served models are trained on X only; bad validation sets get clear errors."""

import numpy as np
import pytest
from conftest import FAST, load_mirror
from sklearn.metrics import log_loss, roc_auc_score

from autoclf import AutoClassifier
from autoclf.evaluation.run_store import RunStore
from autoclf.fit_setup import prepare


@pytest.fixture(scope="module")
def parts():
    """diabetes in two: the first 500 rows to train on, the other 268 as the user's validation set."""
    X, y = load_mirror("37_diabetes.parquet")
    return X.iloc[:500], y.iloc[:500], X.iloc[500:].reset_index(drop=True), y.iloc[500:].reset_index(drop=True)


def tiny(tmp_path, **params):
    settings = dict(time_left=120, n_trials=4, include={"classifier": FAST}, seed=0, verbose=0, warm_start=None,
                    tmp_folder=tmp_path / "store", keep_tmp=True)
    return AutoClassifier(**{**settings, **params})


@pytest.fixture(scope="module")
def fitted(parts, tmp_path_factory):
    X, y, X_val, y_val = parts
    return tiny(tmp_path_factory.mktemp("val")).fit(X, y, X_val=X_val, y_val=y_val)


def test_the_validation_rows_are_exactly_the_holdout(fitted, parts):
    X, _, X_val, y_val = parts
    store = RunStore(fitted.tmp_folder_)
    [(train, valid)] = store.load_task().splits
    np.testing.assert_array_equal(train, np.arange(len(X)))
    np.testing.assert_array_equal(valid, np.arange(len(X), len(X) + len(X_val)))
    codes = fitted.validator_.encode_target(y_val)
    np.testing.assert_array_equal(store.targets(), codes)
    assert fitted.resampling_ == "holdout"
    ok = [r for r in fitted.results_ if r.ok]
    assert len(ok) == 4
    for record in ok:
        predictions = store.predictions(record.trial_id)
        assert predictions.shape == (len(X_val), 2)
        assert record.loss == pytest.approx(1 - roc_auc_score(codes, predictions[:, 1]), rel=1e-12)
    average = sum(w * store.predictions(t) for t, w in fitted.ensemble_weights_.items())
    assert fitted.ensemble_loss_ == pytest.approx(1 - roc_auc_score(codes, average[:, 1]), rel=1e-12)


def test_the_served_models_are_trained_on_X_only(fitted, parts):
    """Nothing is refit: the served ensemble is the trial models, whose held-out predictions are stored."""
    _, _, X_val, _ = parts
    store = RunStore(fitted.tmp_folder_)
    assert fitted.refitted_trials_ == []
    average = sum(w * store.predictions(t) for t, w in fitted.ensemble_weights_.items())
    np.testing.assert_allclose(fitted.predict_proba(X_val), average, rtol=1e-9, atol=1e-12)


def test_weights_of_the_validation_rows_weight_the_scores_only(fitted, parts, tmp_path):
    """sample_weight_val alone: the scores are weighted, the models train as without weights."""
    X, y, X_val, y_val = parts
    weights = np.random.default_rng(0).uniform(0, 2, len(y_val))
    model = tiny(tmp_path, n_trials=2).fit(X, y, X_val=X_val, y_val=y_val, sample_weight_val=weights)
    store, unweighted = RunStore(model.tmp_folder_), RunStore(fitted.tmp_folder_)
    np.testing.assert_array_equal(store.weights(), weights)
    codes = model.validator_.encode_target(y_val)
    # a forest draws other bootstrap rows when given any weights, even all ones: its predictions tell
    assert "random_forest" in {r.config["classifier:__choice__"] for r in model.results_}
    for record in model.results_:
        assert record.ok and record.config == fitted.results_[record.trial_id].config
        predictions = store.predictions(record.trial_id)
        np.testing.assert_array_equal(predictions, unweighted.predictions(record.trial_id))
        expected = roc_auc_score(codes, predictions[:, 1], sample_weight=weights)
        assert record.loss == pytest.approx(1 - expected, rel=1e-12)


def test_a_weighted_log_loss_on_the_validation_rows(parts, tmp_path):
    X, y, X_val, y_val = parts
    weights = np.random.default_rng(1).uniform(0, 2, len(y_val))
    model = tiny(tmp_path, metric="log_loss", n_trials=2)
    model.fit(X, y, X_val=X_val, y_val=y_val, sample_weight=np.ones(len(y)), sample_weight_val=weights)
    store = RunStore(model.tmp_folder_)
    codes = model.validator_.encode_target(y_val)
    for record in model.results_:
        expected = log_loss(codes, store.predictions(record.trial_id), sample_weight=weights)
        assert record.ok and record.loss == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("change, message", [
    (lambda X, y: (X.drop(columns="plas"), y), r"X_val does not match X: .*missing \['plas'\]"),
    (lambda X, y: (X[X.columns[::-1]], y), "X_val does not match X: .*different order"),
    (lambda X, y: (X, y.astype(str).where(y.index > 3, "tested_maybe")),
     r"y_val has 1 class\(es\) that y does not have: \['tested_maybe'\]"),
    (lambda X, y: (X, y.iloc[:-1]), "X_val has 268 rows, y_val has 267"),
    (lambda X, y: (X, None), "X_val and y_val come together"),
])
def test_bad_validation_sets_are_refused(parts, change, message):
    X, y, X_val, y_val = parts
    X_val, y_val = change(X_val, y_val)
    with pytest.raises(ValueError, match=message):
        prepare(X, y, X_val=X_val, y_val=y_val)


def test_cross_validation_and_a_validation_set_exclude_each_other(parts, tmp_path):
    X, y, X_val, y_val = parts
    with pytest.raises(ValueError, match="resampling='cv' and X_val exclude each other"):
        tiny(tmp_path, resampling="cv").fit(X, y, X_val=X_val, y_val=y_val)
    assert not (tmp_path / "store").exists()


def test_validation_weights_without_a_validation_set_and_a_one_class_y_val_are_refused(parts):
    X, y, X_val, y_val = parts
    with pytest.raises(ValueError, match="sample_weight_val weights the rows of X_val"):
        prepare(X, y, sample_weight_val=np.ones(10))
    one_class = y_val == y_val.iloc[0]
    with pytest.raises(ValueError, match="'roc_auc' is undefined on y_val"):
        prepare(X, y, X_val=X_val[one_class], y_val=y_val[one_class])
    with pytest.raises(ValueError, match="sample_weight_val has 3 weights but X_val has 268 rows"):
        prepare(X, y, X_val=X_val, y_val=y_val, sample_weight_val=np.ones(3))
    # a subset of the classes is fine where the metric is defined on it
    setup = prepare(X, y, X_val=X_val[one_class], y_val=y_val[one_class], metric="log_loss")
    assert len(setup.splits[0][1]) == int(one_class.sum())


def test_a_refit_trains_on_the_rows_of_X_only(parts, tmp_path):
    """Nothing calls it with X_val, but a refit keeps to X's rows: it is the trial's model again."""
    from autoclf.configspace.builder import complete_configuration
    from autoclf.evaluation.request import TrialRequest
    from autoclf.evaluation.trial import full_probabilities, refit, run_trial

    X, y, X_val, y_val = parts
    setup = prepare(X, y, X_val=X_val, y_val=y_val)
    store = RunStore(tmp_path)
    store.initialise(setup.task())
    config = dict(complete_configuration(setup.space, {"classifier:__choice__": "logistic_regression"}))
    run_trial(str(tmp_path), TrialRequest(config, 0, None, trial_id=0))
    model = refit(str(tmp_path), TrialRequest(config, 0, None))
    assert len(model[-1].classes_) == 2 and model[0].n_features_in_ == X.shape[1]
    proba = full_probabilities(model, setup.validation.X, 2)
    np.testing.assert_allclose(proba, store.predictions(0), rtol=1e-9, atol=1e-12)
