"""Ensembles end to end: the weighted and stacking models, candidates from the run store, and AutoClassifier
serving an ensemble on real data with tiny trial budgets."""

import pickle

import numpy as np
import pytest
from conftest import FAST
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.naive_bayes import GaussianNB
from sklearn.tree import DecisionTreeClassifier

from autoclf import AutoClassifier
from autoclf.ensembles.builder import EnsembleBuilder, selection_metric
from autoclf.ensembles.stacking import StackingEnsemble
from autoclf.ensembles.weighted import WeightedEnsemble
from autoclf.evaluation.result import TrialResult
from autoclf.evaluation.run_store import RunStore
from autoclf.metrics import get_metric


@pytest.fixture(scope="module")
def toy():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    y = (X[:, 0] + 0.5 * X[:, 1] + rng.normal(0, 0.5, 300) > 0).astype(int) + (X[:, 2] > 1)
    return X, y


def test_weighted_ensemble_drops_zero_weights_from_memory_and_pickle(toy):
    X, y = toy
    members = [LogisticRegression().fit(X, y), DecisionTreeClassifier(max_depth=2).fit(X, y), GaussianNB().fit(X, y)]
    ensemble = WeightedEnsemble(members, [3, 0, 1], n_classes=3, names=["a", "b", "c"]).fit()
    assert ensemble.names_ == ["a", "c"] and np.allclose(ensemble.weights_, [0.75, 0.25])
    expected = 0.75 * members[0].predict_proba(X) + 0.25 * members[2].predict_proba(X)
    np.testing.assert_allclose(ensemble.predict_proba(X), expected)
    loaded = pickle.loads(pickle.dumps(ensemble))
    assert len(loaded.estimators) == 2 and not any(isinstance(m, DecisionTreeClassifier) for m in loaded.estimators)
    np.testing.assert_allclose(loaded.predict_proba(X), expected)
    assert "0.750  a: LogisticRegression" in ensemble.describe()
    assert clone(ensemble).get_params()["weights"] == [3, 0, 1]


def test_weighted_ensemble_averages_folds_that_missed_a_class(toy):
    X, y = toy
    partial = LogisticRegression().fit(X[y < 2], y[y < 2])  # a fold without class 2
    full = LogisticRegression().fit(X, y)
    proba = WeightedEnsemble([partial, full], n_classes=3).fit().predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(proba[:, 2], 0.5 * full.predict_proba(X)[:, 2])
    with pytest.raises(ValueError, match="non-negative"):
        WeightedEnsemble([full], [-1.0], n_classes=3).fit()


def test_stacking_learns_from_out_of_fold_probabilities(toy):
    X, y = _frame(toy[0]), toy[1]
    from sklearn.model_selection import cross_val_predict

    models = [LogisticRegression(), GaussianNB(), DecisionTreeClassifier(max_depth=3, random_state=0)]
    oof = [cross_val_predict(m, X, y, cv=3, method="predict_proba") for m in models]
    fitted = [m.fit(X, y) for m in models]
    metric = get_metric("log_loss", 3)
    stack = StackingEnsemble(list(range(3)), n_classes=3, metric=metric, names=["lr", "nb", "tree"]).fit(
        None, y, oof_predictions=oof).replace_members(fitted)
    proba = stack.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert stack.validation_loss_ < metric.worst_loss
    assert np.isclose(stack.member_weights().sum(), 1.0)
    assert "lr" in stack.describe()
    with_features = StackingEnsemble(fitted, n_classes=3, passthrough=True, metric=metric).fit(
        X, y, oof_predictions=oof)
    assert with_features.predict_proba(X).shape == (300, 3)
    loaded = pickle.loads(pickle.dumps(stack))
    np.testing.assert_allclose(loaded.predict_proba(X), proba)


def test_stacking_does_not_extrapolate_past_the_probabilities_it_learned_from(toy):
    X, y = toy
    rng = np.random.default_rng(1)
    oof = [np.clip(np.eye(3)[y] * 0.6 + rng.uniform(0.05, 0.3, (300, 3)), 0, None) for _ in range(2)]
    oof = [p / p.sum(axis=1, keepdims=True) for p in oof]
    stack = StackingEnsemble([0, 1], n_classes=3).fit(None, y, oof_predictions=oof)
    # a refit member far more confident than any out-of-fold prediction: inputs are clipped to the seen range
    extreme = [np.eye(3)[y[:20]] * (1 - 2e-9) + 1e-9, oof[1][:20]]
    seen = [np.clip(extreme[0], oof[0].min(axis=0), oof[0].max(axis=0)), oof[1][:20]]
    np.testing.assert_allclose(stack.combine(extreme), stack.combine(seen), rtol=1e-9)
    assert not np.allclose(stack.combine(extreme, clip=False), stack.combine(extreme))


def _frame(X):
    import pandas as pd

    return pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])


def test_candidates_are_the_n_best_plus_each_familys_best(tmp_path):
    store = RunStore(tmp_path)
    store.trials_dir.mkdir(parents=True)
    targets = np.array([0, 1, 1, 0])
    np.save(tmp_path / "targets.npy", targets)
    families = ["rf", "rf", "rf", "knn", "rf", "nb"]
    results = []
    for trial_id, family in enumerate(families):
        result = TrialResult(trial_id, {"classifier:__choice__": family}, "success", loss=0.1 * trial_id)
        store.write_artifacts(trial_id, np.full((4, 2), 0.5), None)
        results.append(result)
    results.append(TrialResult(6, {"classifier:__choice__": "svm"}, "crashed", loss=1.0))
    builder = EnsembleBuilder(store, get_metric("roc_auc", 2), nbest=2)
    assert [r.trial_id for r in builder.candidates(results)] == [0, 1, 3, 5]


def _store_with_models(tmp_path, sizes: dict[int, int]):
    """A run store whose trials hold real fitted trees of about the given number of leaves (bigger = more bytes)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 5))
    y = (X[:, 0] + rng.normal(0, 1.0, 400) > 0).astype(int)
    store = RunStore(tmp_path)
    store.trials_dir.mkdir(parents=True)
    np.save(tmp_path / "targets.npy", y)
    results = []
    for trial_id, leaves in sizes.items():
        model = DecisionTreeClassifier(max_leaf_nodes=leaves, random_state=trial_id).fit(X, y)
        store.write_artifacts(trial_id, model.predict_proba(X), model)
        results.append(TrialResult(trial_id, {"classifier:__choice__": "tree"}, "success", loss=0.1 + trial_id / 100))
    return store, results


def test_big_member_models_are_not_held_during_the_search_and_their_loading_is_reserved(tmp_path, monkeypatch):
    """The builder keeps its members' trial models in memory so serving need not load them at the deadline,
    but not the big ones (fold forests of hundreds of MB held for the whole search): for those, the time to
    load them is in the final reserve instead."""
    import autoclf.ensembles.builder as builder_module

    store, results = _store_with_models(tmp_path, {0: 2, 1: 200})
    small, big = store.model_bytes(0), store.model_bytes(1)
    assert 0 < small < big
    monkeypatch.setattr(builder_module, "MAX_CACHED_MODEL_BYTES", (small + big) / 2)
    builder = EnsembleBuilder(store, get_metric("log_loss", 2), ensemble_size=10)
    builder.results = results
    builder._cache_models([0, 1])
    assert set(builder.models) == {0}
    builder.history.append(builder_module.Snapshot("selection", [0, 1], [0.5, 0.5], 0.1, 0.1, 0.0, 2))
    reserve = builder.final_seconds_estimate(with_refits=False)
    assert reserve >= builder_module.load_seconds(store, [1]) > builder_module.load_seconds(store, [])
    builder.refitted.add(1)  # a serve refit it: nothing to load any more
    assert builder.final_seconds_estimate(with_refits=False) < reserve


def test_members_in_hand_are_served_even_past_the_deadline(tmp_path):
    """Refits that used the clock up must not cost the refit members their place: only loading from disk stops
    at the deadline (it served 1 of 3 members although all 3 were refit)."""
    import time

    from autoclf.ensembles.serving import load_members

    store, _ = _store_with_models(tmp_path, {0: 2, 1: 4, 2: 8, 3: 16})
    refitted = {1: "refit 1", 3: "refit 3"}
    members = load_members(store, [1, 0, 2, 3], 2, deadline=time.perf_counter() - 1.0, refitted=refitted,
                           cached={2: "cached 2"})
    assert members[1] == "refit 1" and members[3] == "refit 3" and members[2] == "cached 2"
    assert 0 not in members  # the one that would have been loaded from disk, past the deadline
    assert set(load_members(store, [0, 1], 2, deadline=time.perf_counter() - 1.0)) == {0}  # one always served
    assert set(load_members(store, [0, 1], 2, deadline=time.perf_counter() + 60, refitted=refitted)) == {0, 1}


@pytest.fixture(scope="module")
def selection_fit(credit_g_split, tmp_path_factory):
    X_train, _, y_train, _ = credit_g_split
    model = AutoClassifier(time_left=120, n_trials=6, include={"classifier": FAST}, resampling="holdout", seed=0,
                           verbose=0, tmp_folder=tmp_path_factory.mktemp("ens") / "store", keep_tmp=True)
    return model.fit(X_train, y_train)


def test_selection_is_served_and_reported(selection_fit, credit_g_split, tmp_path):
    model = selection_fit
    _, X_test, _, y_test = credit_g_split
    board = model.leaderboard()
    assert np.isclose(board["ensemble_weight"].sum(), 1.0)
    assert set(board.loc[board["ensemble_weight"] > 0, "trial_id"]) == set(model.ensemble_weights_)
    # on the metric the weights are chosen on (log loss here: the fit's ROC AUC only ranks rows), the held-out
    # loss is never worse than the best single trial's; on ROC AUC itself it may trail by noise
    store = RunStore(model.tmp_folder_)
    chooser = selection_metric(model.metric_, len(model.classes_))
    assert chooser.name == "log_loss" and model.metric_.name == "roc_auc"
    members = {t: store.predictions(t) for t in model.ensemble_weights_}
    served = sum(w * members[t] for t, w in model.ensemble_weights_.items())
    singles = [chooser.loss(store.targets(), store.predictions(r.trial_id)) for r in model.results_ if r.ok]
    assert chooser.loss(store.targets(), served) <= min(singles) + 1e-9
    assert model.ensemble_loss_ == pytest.approx(model.metric_.loss(store.targets(), served))
    assert model.model_ is model.ensemble_ and isinstance(model.ensemble_, WeightedEnsemble)
    assert len(model.ensemble_.estimators_) == len(model.ensemble_weights_)
    text = model.describe()
    assert "selection ensemble" in text and all(f" {t} " in text for t in model.ensemble_weights_)
    proba = model.predict_proba(X_test)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert log_loss(y_test, proba, labels=model.classes_) < 0.6
    model.plot_ensemble(tmp_path / "ensemble.png")
    assert (tmp_path / "ensemble.png").read_bytes()[:4] == b"\x89PNG"


def test_ensemble_is_refreshed_during_the_search(selection_fit):
    import json
    from pathlib import Path

    history = selection_fit.ensemble_history_
    assert len(history) >= 2 and history[0].n_trials < 6  # one before the end of the search
    assert [s.seconds for s in history] == sorted(s.seconds for s in history)
    assert all(np.isfinite(s.loss) and np.isfinite(s.best_single_loss) for s in history)
    assert history[-1].loss == pytest.approx(selection_fit.ensemble_loss_)  # the last refresh is what is served
    written = json.loads((Path(selection_fit.tmp_folder_) / "ensemble.json").read_text())
    assert written["n_trials"] == 6 and np.isclose(sum(written["weights"]), 1.0)


def test_stacking_under_cross_validation_without_refit(vehicle):
    X, y = vehicle
    model = AutoClassifier(time_left=120, n_trials=5, include={"classifier": FAST}, resampling="cv", folds=3,
                           ensemble="stacking", refit=False, seed=0, verbose=0).fit(X.iloc[:500], y.iloc[:500])
    assert isinstance(model.ensemble_, StackingEnsemble) and model.refitted_trials_ == []
    assert all(isinstance(m, WeightedEnsemble) for m in model.ensemble_.estimators_)  # averaged fold models
    assert np.isclose(sum(model.ensemble_weights_.values()), 1.0)
    proba = model.predict_proba(X.iloc[500:])
    assert log_loss(y.iloc[500:], proba, labels=model.classes_) < 1.0
    assert "stacking" in model.describe()


def test_best_serves_one_refit_model_and_parameters_clone(credit_g):
    X, y = credit_g
    model = AutoClassifier(time_left=60, n_trials=3, include={"classifier": FAST}, ensemble="best", seed=0,
                           verbose=0, ensemble_size=10, ensemble_nbest=5, refit=True)
    params = clone(model).get_params()
    assert (params["ensemble"], params["ensemble_size"], params["ensemble_nbest"], params["refit"]) == (
        "best", 10, 5, True)
    model.fit(X, y)
    assert model.ensemble_weights_ == {model.best_trial_.trial_id: 1.0}
    assert model.refitted_trials_ == [model.best_trial_.trial_id]


@pytest.mark.parametrize("params, message", [({"ensemble": "vote"}, "ensemble must be"),
                                             ({"ensemble_size": 0}, "ensemble_size"),
                                             ({"ensemble_nbest": 1.5}, "ensemble_nbest")])
def test_bad_ensemble_parameters_are_rejected(credit_g, params, message):
    X, y = credit_g
    with pytest.raises(ValueError, match=message):
        AutoClassifier(time_left=10, verbose=0, **params).fit(X, y)
