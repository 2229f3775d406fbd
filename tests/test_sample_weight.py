"""fit(X, y, sample_weight=...): the weighted metric wherever a model is scored, the weights in training where the
classifier takes them, clear errors for bad weights, and unweighted fits exactly as before."""

import numpy as np
import pandas as pd
import pytest
from conftest import FAST, load_mirror
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.class_weight import compute_sample_weight

from autoclf import AutoClassifier
from autoclf.configspace.builder import complete_configuration
from autoclf.configspace.pipeline import balanced_weights, build_pipeline
from autoclf.ensembles.selection import _vectorised_loss, ensemble_selection
from autoclf.evaluation.run_store import RunStore
from autoclf.evaluation.splitting import validation_rows
from autoclf.fit_setup import prepare
from autoclf.metrics import get_metric


def tiny(tmp_path=None, **params):
    settings = dict(time_left=120, n_trials=4, include={"classifier": FAST}, seed=0, verbose=0, warm_start=None)
    if tmp_path is not None:
        settings.update(tmp_folder=tmp_path / "store", keep_tmp=True)
    return AutoClassifier(**{**settings, **params})


@pytest.fixture(scope="module")
def diabetes():
    return load_mirror("37_diabetes.parquet")


# ---------------------------------------------------------------- bad weights
@pytest.mark.parametrize("weights, message", [
    (np.ones(10), "has 10 weights but X has 768 rows"),
    (np.r_[-1.0, np.ones(767)], "1 negative weight"),
    (np.r_[np.nan, np.ones(767)], "missing or infinite"),
    (np.r_[np.inf, np.ones(767)], "missing or infinite"),
    (np.zeros(768), "zero for every row"),
    (np.ones((768, 2)), "must be 1-D"),
    (np.array(["heavy"] * 768), "must hold numbers"),
    (3.0, "one weight per row"),
])
def test_bad_weights_are_refused_with_the_problem_named(diabetes, weights, message):
    X, y = diabetes
    with pytest.raises(ValueError, match=message):
        prepare(X, y, resampling="holdout", sample_weight=weights)


def test_fit_refuses_bad_weights_before_any_work(diabetes, tmp_path):
    X, y = diabetes
    model = tiny(tmp_path)
    with pytest.raises(ValueError, match="negative weight"):
        model.fit(X, y, sample_weight=np.r_[-0.5, np.ones(len(y) - 1)])
    assert not (tmp_path / "store").exists()  # refused before the run folder was made


def test_weights_of_the_holdout_cannot_all_be_zero(diabetes):
    X, y = diabetes
    setup = prepare(X, y, resampling="holdout", seed=0)
    weights = np.ones(len(y))
    weights[setup.splits[0][1]] = 0.0
    with pytest.raises(ValueError, match="zero on every held-out row"):
        prepare(X, y, resampling="holdout", seed=0, sample_weight=weights)


def test_a_metric_that_cannot_take_weights_is_refused(diabetes):
    from autoclf.metrics import Metric

    X, y = diabetes
    unweighted = Metric("my_accuracy", True, 1.0, 1.0, lambda codes, proba: float((proba.argmax(1) == codes).mean()))
    with pytest.raises(ValueError, match="does not take sample_weight"):
        prepare(X, y, resampling="holdout", metric=unweighted, sample_weight=np.ones(len(y)))


# ---------------------------------------------------------------- the metric
@pytest.fixture(scope="module")
def vehicle_predictions(vehicle):
    """Held-out probabilities of three real models on vehicle (4 classes), with the held-out codes."""
    X, y = vehicle
    codes = pd.factorize(y, sort=True)[0]
    train, valid = np.arange(len(y)) % 3 != 0, np.arange(len(y)) % 3 == 0
    models = [make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)), GaussianNB(),
              DecisionTreeClassifier(max_depth=4, random_state=0)]
    stack = np.stack([m.fit(X[train], codes[train]).predict_proba(X[valid]) for m in models])
    return codes[valid], stack


@pytest.mark.parametrize("name", ["log_loss", "accuracy", "balanced_accuracy", "roc_auc", "f1_macro", "mcc"])
def test_integer_weights_score_like_duplicated_rows(vehicle_predictions, name):
    targets, stack = vehicle_predictions
    metric = get_metric(name, 4)
    counts = np.random.default_rng(0).integers(0, 4, len(targets))
    counts[0] = 1  # at least one row counts
    proba = stack[0]
    duplicated = metric.loss(np.repeat(targets, counts), np.repeat(proba, counts, axis=0))
    assert metric.loss(targets, proba, counts.astype(float)) == pytest.approx(duplicated, rel=1e-9, abs=1e-12)
    # and the ensemble selection's fast losses agree with the metric's own
    fast = _vectorised_loss(metric, targets, 4, counts.astype(float))(stack)
    np.testing.assert_allclose(fast, [metric.loss(targets, p, counts) for p in stack], rtol=1e-9, atol=1e-12)


def test_ensemble_selection_with_integer_weights_is_selection_on_duplicated_rows(vehicle_predictions):
    targets, stack = vehicle_predictions
    counts = np.random.default_rng(1).integers(0, 3, len(targets))
    metric = get_metric("log_loss", 4)
    weighted = ensemble_selection(stack, targets, metric, ensemble_size=20, sample_weight=counts.astype(float))
    duplicated = ensemble_selection(np.repeat(stack, counts, axis=1), np.repeat(targets, counts), metric,
                                    ensemble_size=20)
    np.testing.assert_allclose(weighted, duplicated)


def test_zero_weight_rows_do_not_count(vehicle_predictions):
    targets, stack = vehicle_predictions
    weights = (np.arange(len(targets)) % 2).astype(float)
    for name in ("log_loss", "roc_auc", "accuracy"):
        metric = get_metric(name, 4)
        kept = weights > 0
        assert metric.loss(targets, stack[1], weights) == pytest.approx(metric.loss(targets[kept], stack[1][kept]))


# ---------------------------------------------------------------- the pipeline
def test_weights_reach_classifiers_that_take_them_and_skip_the_others(diabetes):
    X, y = diabetes
    setup = prepare(X, y, resampling="holdout", seed=0)
    codes = setup.y
    positive = codes == 1
    heavy = np.where(positive, 10.0, 1.0)  # the positive class dominates
    for name, takes in (("logistic_regression", True), ("k_nearest_neighbors", False)):
        config = complete_configuration(setup.space, {"classifier:__choice__": name})
        plain = build_pipeline(config, setup.info, setup.registry, random_state=0).fit(setup.X, codes)
        weighted = build_pipeline(config, setup.info, setup.registry, random_state=0).fit(setup.X, codes,
                                                                                         sample_weight=heavy)
        shift = weighted.predict_proba(setup.X)[:, 1].mean() - plain.predict_proba(setup.X)[:, 1].mean()
        assert (shift > 0.2) if takes else (shift == 0.0), (name, shift)


def test_balancing_with_weights_balances_the_weighted_classes(diabetes):
    _, y = diabetes
    codes = pd.factorize(y, sort=True)[0]
    np.testing.assert_allclose(balanced_weights(codes, np.ones(len(codes))), compute_sample_weight("balanced", codes))
    weights = np.random.default_rng(0).uniform(0, 2, len(codes))
    balanced = balanced_weights(codes, weights)
    totals = np.bincount(codes, weights=balanced)
    np.testing.assert_allclose(totals, totals.mean())  # every class weighs the same
    np.testing.assert_allclose(balanced.sum(), weights.sum())


# ---------------------------------------------------------------- whole fits
@pytest.fixture(scope="module")
def weighted_fit(diabetes, tmp_path_factory):
    X, y = diabetes
    weights = np.random.default_rng(0).uniform(0, 3, len(y))
    model = tiny(tmp_path_factory.mktemp("weighted"), resampling="holdout")
    return model.fit(X, y, sample_weight=weights), weights


def test_validation_losses_are_the_weighted_metric_of_the_stored_predictions(weighted_fit):
    model, weights = weighted_fit
    store = RunStore(model.tmp_folder_)
    rows = validation_rows(store.load_task().splits)
    np.testing.assert_array_equal(store.weights(), weights[rows])  # beside the targets, aligned with them
    targets = store.targets()
    ok = [r for r in model.results_ if r.ok]
    assert len(ok) == 4
    by_hand = []
    for record in ok:
        proba = store.predictions(record.trial_id)[:, 1]
        by_hand.append(roc_auc_score(targets, proba, sample_weight=weights[rows]))
        assert record.loss == pytest.approx(1 - by_hand[-1], rel=1e-12)
        assert record.loss != pytest.approx(1 - roc_auc_score(targets, proba))  # the weights made a difference
    board = model.leaderboard()  # its scores are the weighted ones
    assert sorted(board["roc_auc"].dropna()) == pytest.approx(sorted(by_hand), rel=1e-12)
    # the ensemble's loss: the weighted metric of its weighted average of the stored predictions
    average = sum(w * store.predictions(t) for t, w in model.ensemble_weights_.items())
    assert model.ensemble_loss_ == pytest.approx(1 - roc_auc_score(targets, average[:, 1], sample_weight=weights[rows]))


def test_stacking_takes_the_weights(diabetes):
    X, y = diabetes
    weights = np.random.default_rng(2).uniform(0, 3, len(y))
    model = tiny(ensemble="stacking", resampling="cv", n_trials=3).fit(X, y, sample_weight=weights)
    assert model.ensemble_kind_ == "stacking"  # a failing level-2 fit would have served the selection instead
    assert np.isfinite(model.ensemble_loss_)


def test_weights_that_zero_out_one_part_change_what_the_search_selects(diabetes):
    """Two parts: diabetes as it is (a linear model's data) and the same rows labelled by an XOR of two columns
    (a tree's data). Zero weight on one part makes the search rank the trials on the other only."""
    X, y = diabetes
    labels = np.unique(y)
    xor = (X["plas"] > X["plas"].median()) != (X["mass"] > X["mass"].median())
    both_X = pd.concat([X, X], ignore_index=True)
    both_y = pd.concat([y, pd.Series(np.where(xor, labels[1], labels[0]), name=y.name)], ignore_index=True)
    first = np.r_[np.ones(len(y)), np.zeros(len(y))]
    configs = [{"classifier:__choice__": "decision_tree"}]
    chosen = {}
    for part, weights in (("linear", first), ("xor", 1 - first)):
        model = tiny(include={"classifier": ["logistic_regression", "decision_tree"]}, n_trials=2,
                     initial_configurations=configs, resampling="holdout", ensemble="best")
        model.fit(both_X, both_y, sample_weight=weights)
        assert {r.config["classifier:__choice__"] for r in model.results_} == {"logistic_regression", "decision_tree"}
        chosen[part] = model.best_trial_.config["classifier:__choice__"]
    assert chosen == {"linear": "logistic_regression", "xor": "decision_tree"}


def test_weights_that_make_one_class_dominant_shift_predictions_to_it(diabetes):
    X, y = diabetes
    positive = (y == np.unique(y)[1]).to_numpy()
    shares = []
    for weights in (None, np.where(positive, 10.0, 1.0)):
        model = tiny(include={"classifier": ["logistic_regression"]}, n_trials=1, resampling="holdout")
        model.fit(X, y, sample_weight=weights)
        shares.append(model.predict_proba(X)[:, 1].mean())
    assert shares[1] > shares[0] + 0.2


def test_unweighted_fits_are_unchanged(diabetes):
    """sample_weight=None is the fit without the argument; all-ones weights give the same losses.

    Without forests for the ones: scikit-learn's forests draw their bootstrap rows in proportion to the weights
    when given any (rng.choice with p=...), so all-ones weights grow other, equally good, trees."""
    X, y = diabetes
    runs = [tiny(resampling="holdout").fit(X, y, **kwargs) for kwargs in ({}, {"sample_weight": None})]
    assert [r.loss for r in runs[0].results_] == [r.loss for r in runs[1].results_]
    assert runs[0].ensemble_loss_ == runs[1].ensemble_loss_
    np.testing.assert_array_equal(runs[0].predict_proba(X), runs[1].predict_proba(X))
    no_forest = {"classifier": ["decision_tree", "gaussian_nb", "logistic_regression"]}
    plain, ones = (tiny(include=no_forest, resampling="holdout").fit(X, y, **kwargs)
                   for kwargs in ({}, {"sample_weight": np.ones(len(y))}))
    assert len({r.config["classifier:__choice__"] for r in plain.results_}) == 3
    np.testing.assert_allclose([r.loss for r in ones.results_], [r.loss for r in plain.results_], rtol=0, atol=1e-9)
    np.testing.assert_allclose(ones.ensemble_loss_, plain.ensemble_loss_, rtol=0, atol=1e-9)
