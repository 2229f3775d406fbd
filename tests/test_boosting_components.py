"""LightGBM, XGBoost and CatBoost components: early stopping, the trial's clock, native categoricals, the
space they join, and their absence when a library is not installed."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split

from autoclf.budget import trial_deadline
from autoclf.components.classifiers import _boosting
from autoclf.components.classifiers._boosting import BoostingComponent, best_round
from autoclf.components.classifiers.catboost_boosting import CatBoost
from autoclf.components.classifiers.lightgbm_boosting import LightGBM
from autoclf.components.classifiers.xgboost_boosting import XGBoost
from autoclf.components.registry import default_registry
from autoclf.configspace.builder import (
    build_configuration_space,
    complete_configuration,
    preferred_preprocessing,
)
from autoclf.configspace.pipeline import build_pipeline, scale_iterations
from autoclf.dataset.info import DatasetInfo
from autoclf.dataset.validator import InputValidator
from autoclf.testing import check_probabilities

BOOSTERS = [cls for cls in (LightGBM, XGBoost, CatBoost) if _boosting.library_installed(cls.library)]
INFO = DatasetInfo(n_rows=100, n_classes=2, class_counts=(50, 50))


@pytest.fixture(scope="module")
def noisy():
    """Data where boosting overfits long before its round cap: early stopping must find the best round."""
    X, y = make_classification(n_samples=1500, n_features=20, n_informative=4, flip_y=0.25, random_state=0)
    return train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)


@pytest.mark.parametrize("cls", BOOSTERS, ids=lambda cls: cls.name)
def test_early_stopping_keeps_the_best_round(cls, noisy):
    X_train, X_test, y_train, y_test = noisy
    params = {"n_estimators": 2000, "learning_rate": 0.3, "early_stopping_rounds": 20}
    model = cls(random_state=0, **params).fit(X_train, y_train)
    assert 1 <= model.best_iteration_ < 500
    assert not model.stopped_by_deadline_
    stopped = log_loss(y_test, model.predict_proba(X_test))
    # without early stopping every round is kept: on noisy labels that overfits
    overfit = cls(random_state=0, **{**params, "n_estimators": 500, "early_stopping_rounds": 0}).fit(X_train, y_train)
    assert overfit.best_iteration_ == 500
    assert stopped < log_loss(y_test, overfit.predict_proba(X_test))


@pytest.mark.parametrize("cls", BOOSTERS, ids=lambda cls: cls.name)
def test_the_trial_deadline_stops_boosting_with_a_usable_model(cls, noisy):
    X_train, X_test, y_train, y_test = noisy
    model = cls(random_state=0, n_estimators=100_000, learning_rate=0.001, early_stopping_rounds=0)
    with trial_deadline(1.0):
        model.fit(X_train, y_train)
    assert model.stopped_by_deadline_
    assert 1 <= model.best_iteration_ < 100_000
    proba = model.predict_proba(X_test)
    check_probabilities(proba, len(X_test), 2, where=f"{cls.name} stopped by the deadline")
    assert log_loss(y_test, proba) < np.log(2)  # better than a coin: the rounds so far are kept


@pytest.mark.parametrize("cls", BOOSTERS, ids=lambda cls: cls.name)
def test_native_categoricals_with_unseen_codes(cls):
    rng = np.random.default_rng(0)
    codes = rng.integers(0, 12, size=600).astype(float)
    noise = rng.normal(size=600)
    y = np.isin(codes, [1, 4, 7, 10]).astype(int)  # a rule on the category, no order to exploit
    X = np.column_stack([codes, noise])
    native = {"native_categorical": True} if "native_categorical" in cls().get_params() else {}
    model = cls(random_state=0, n_estimators=200, categorical_features=[0], **native).fit(X, y)
    X_new = np.array([[4.0, 0.0], [5.0, 0.0], [-1.0, 0.0], [np.nan, 0.0]])  # -1: unseen category
    proba = model.predict_proba(X_new)
    assert proba[0, 1] > 0.8 and proba[1, 1] < 0.2
    check_probabilities(proba, 4, 2, where=f"{cls.name} on unseen and missing codes")
    with pytest.raises(ValueError, match="categorical_features"):
        cls(categorical_features=[5]).fit(X, y)


@pytest.mark.parametrize("cls", BOOSTERS, ids=lambda cls: cls.name)
def test_multiclass_with_a_tiny_class_and_weights(cls):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(120, 3))
    y = np.array(["a"] * 60 + ["b"] * 57 + ["c"] * 3)
    X[y == "b", 0] += 2
    weight = np.where(y == "c", 5.0, 1.0)
    model = cls(random_state=0, n_estimators=50).fit(X, y, sample_weight=weight)
    assert list(model.classes_) == ["a", "b", "c"]
    check_probabilities(model.predict_proba(X), 120, 3, where=cls.name)
    assert (model.predict(X) == y).mean() > 0.7


def test_boosters_join_the_space_with_ordinal_codes_and_no_scaling(credit_g_split):
    X_train, X_test, y_train, y_test = credit_g_split
    validator = InputValidator()
    X, y = validator.fit_transform(X_train, y_train)
    space = build_configuration_space(validator.info_, default_registry())
    for cls in BOOSTERS:
        partial = {**preferred_preprocessing(space, cls.name), "classifier:__choice__": cls.name}
        assert partial["encoding:__choice__"] == "ordinal" and partial["scaling:__choice__"] == "no_scaling"
        pipeline = build_pipeline(complete_configuration(space, partial), validator.info_, default_registry(), 0)
        booster = pipeline.steps[-1][1]
        assert booster.n_jobs == 1  # one thread per trial
        # the categoricals reach the booster as ordinal codes, split on natively
        assert len(booster.categorical_features) == len(validator.info_.categorical_columns) > 0
        pipeline.fit(X, y)
        assert pipeline.score(validator.transform(X_test), validator.encode_target(y_test)) > 0.7
        assert scale_iterations(pipeline, 0.25) and booster.n_estimators == 250  # multi-fidelity: rounds


def test_a_missing_library_leaves_the_space_with_one_info_line(monkeypatch, caplog):
    installed = _boosting.library_installed
    monkeypatch.setattr(_boosting, "library_installed", lambda module: module != "xgboost" and installed(module))
    _boosting._said_missing.clear()
    with caplog.at_level(logging.INFO, logger="autoclf"):
        space = build_configuration_space(INFO, default_registry())
        build_configuration_space(INFO, default_registry())
    assert "xgboost" not in space["classifier:__choice__"].choices
    lines = [record for record in caplog.records if "xgboost is not installed" in record.getMessage()]
    assert len(lines) == 1 and lines[0].levelno == logging.INFO
    with pytest.raises(ValueError, match="xgboost is not installed"):
        build_configuration_space(INFO, default_registry(), include=["xgboost"])


def test_best_round():
    assert best_round([0.5, 0.4, 0.41, 0.4], 4) == 2
    assert best_round(None, 7) == 7 and best_round([], 3) == 3


def test_every_booster_is_a_boosting_component():
    assert all(issubclass(cls, BoostingComponent) and cls.fidelity_parameter == "n_estimators" for cls in BOOSTERS)
    assert {cls.name for cls in BOOSTERS} <= set(default_registry().names())


def test_boosters_accept_pandas_free_float_input_only_after_the_pipeline():
    # the component itself takes numbers: a frame of strings is refused with scikit-learn's error
    frame = pd.DataFrame({"a": ["x", "y"] * 10})
    with pytest.raises(ValueError):
        BOOSTERS[0]().fit(frame, [0, 1] * 10)


@pytest.mark.parametrize("cls", [cls for cls in BOOSTERS if "native_categorical" in cls().get_params()],
                         ids=lambda cls: cls.name)
def test_categorical_codes_as_numbers_keep_their_order(cls):
    """native_categorical=False: the codes are numbers, so a threshold on their order is one split."""
    rng = np.random.default_rng(0)
    codes = rng.integers(0, 40, size=2000).astype(float)
    y = (codes >= 20).astype(int)  # an ordered rule, as ranks or sizes
    as_numbers = cls(random_state=0, n_estimators=1, learning_rate=1.0, categorical_features=[0],
                     native_categorical=False, early_stopping_rounds=0).fit(codes[:, None], y)
    assert (as_numbers.predict(np.array([[5.0], [35.0]])) == [0, 1]).all()
    assert as_numbers._categorical_columns(1) == []
    native = cls(categorical_features=[0], native_categorical=True)
    assert native._categorical_columns(1) == [0]
