"""The joint search space and the pipelines it describes, on real data."""

import numpy as np
import pytest
from sklearn.model_selection import train_test_split

from autoclf.components.registry import default_registry
from autoclf.configspace.builder import (
    build_configuration_space,
    complete_configuration,
    preferred_preprocessing,
    space_hash,
)
from autoclf.configspace.pipeline import build_pipeline, split_configuration
from autoclf.dataset.validator import InputValidator
from autoclf.optimization.initial_design import classifier_defaults, initial_design


@pytest.fixture(scope="module")
def credit(credit_g):
    X, y = credit_g
    validator = InputValidator()
    Xc, yc = validator.fit_transform(X, y)
    return Xc, yc, validator.info_


def test_space_has_every_slot_and_component(credit):
    _, _, info = credit
    registry = default_registry()
    space = build_configuration_space(info, registry)
    for slot in ("imputation", "encoding", "scaling", "feature_preprocessor", "classifier"):
        choice = space[f"{slot}:__choice__"]
        applicable = [c.name for c in registry.components(slot) if c.not_applicable_reason(info) is None]
        assert list(choice.choices) == applicable
        # the default classifier's preferred preprocessing, else the slot's first component
        preferred = registry.get("classifier", applicable[0] if slot == "classifier" else
                                 space["classifier:__choice__"].default_value).preferred_preprocessing
        assert choice.default_value == preferred.get(slot, applicable[0])
    assert len(space["classifier:__choice__"].choices) >= 16
    assert len(space["feature_preprocessor:__choice__"].choices) >= 13


def test_default_pipeline_fits_real_data(credit):
    Xc, yc, info = credit
    space = build_configuration_space(info, default_registry())
    X_train, X_test, y_train, y_test = train_test_split(Xc, yc, test_size=0.3, stratify=yc, random_state=0)
    model = build_pipeline(space.get_default_configuration(), info, default_registry(), random_state=0)
    model.fit(X_train, y_train)
    proba = model.predict_proba(X_test)
    assert proba.shape == (len(X_test), 2)
    assert (model.predict(X_test) == y_test).mean() > max(np.bincount(y_test)) / len(y_test)


@pytest.mark.slow
def test_sampled_configurations_build_and_fit(credit):
    Xc, yc, info = credit
    registry = default_registry()
    space = build_configuration_space(info, registry, seed=1)
    sample = Xc.iloc[:300], yc[:300]
    for config in space.sample_configuration(12):
        model = build_pipeline(config, info, registry, random_state=0).fit(*sample)
        proba = model.predict_proba(Xc.iloc[300:400])
        assert np.all(np.isfinite(proba)), split_configuration(config)


def test_include_and_exclude(credit):
    _, _, info = credit
    registry = default_registry()
    space = build_configuration_space(info, registry, include={"classifier": ["random_forest", "gaussian_nb"]},
                                      exclude=["pca"])
    assert set(space["classifier:__choice__"].choices) == {"random_forest", "gaussian_nb"}
    assert "pca" not in space["feature_preprocessor:__choice__"].choices
    listed = build_configuration_space(info, registry, include=["extra_trees", "pca"])
    assert list(listed["classifier:__choice__"].choices) == ["extra_trees"]
    assert list(listed["feature_preprocessor:__choice__"].choices) == ["pca"]
    with pytest.raises(ValueError, match="unknown component 'xgb'"):
        build_configuration_space(info, registry, include=["xgb"])
    with pytest.raises(ValueError, match="no component left for slot 'classifier'"):
        build_configuration_space(info, registry, exclude={"classifier": list(space["classifier:__choice__"].choices)
                                                           + [c.name for c in registry.components("classifier")]})


def test_slots_follow_the_feature_types(vehicle, credit_g):
    numeric_info = InputValidator().fit(*vehicle).info_
    numeric_space = build_configuration_space(numeric_info, default_registry())
    assert "encoding:__choice__" not in numeric_space
    X, y = credit_g
    categorical_only = X.select_dtypes("category")
    info = InputValidator().fit(categorical_only, y).info_
    space = build_configuration_space(info, default_registry())
    assert "imputation:__choice__" not in space and "scaling:__choice__" not in space


def test_forbidden_combinations_hold_in_samples(credit):
    _, _, info = credit
    registry = default_registry()
    space = build_configuration_space(info, registry, seed=0)
    signed_scalers = {c.name for c in registry.components("scaling") if not c.preserves_nonnegative}
    for config in space.sample_configuration(300):
        if config["classifier:__choice__"] == "multinomial_nb":
            assert config["scaling:__choice__"] not in signed_scalers
        if config.get("balancing:strategy") == "weighting":
            assert registry.get("classifier", config["classifier:__choice__"]).supports_sample_weight


def test_complete_configuration_and_hash(credit):
    _, _, info = credit
    space = build_configuration_space(info, default_registry())
    config = complete_configuration(space, {"classifier:__choice__": "extra_trees"})
    assert config["classifier:__choice__"] == "extra_trees"
    assert "classifier:random_forest:n_estimators" not in config
    with pytest.raises(ValueError, match="not in the space"):
        complete_configuration(space, {"classifier:xgb:depth": 3})
    assert space_hash(space) == space_hash(build_configuration_space(info, default_registry()))
    assert space_hash(space) != space_hash(build_configuration_space(info, default_registry(), exclude=["pca"]))


def test_family_defaults_cover_trees_linear_models_and_networks(credit):
    info, registry = credit[2], default_registry()
    space = build_configuration_space(info, registry)
    # LightGBM opens the search with its preferred preprocessing: ordinal codes split natively, no scaling
    assert space["classifier:__choice__"].default_value == "lightgbm"
    assert space["encoding:__choice__"].default_value == "ordinal"
    assert space["scaling:__choice__"].default_value == "no_scaling"
    defaults = classifier_defaults(space)
    names = [c["classifier:__choice__"] for c in defaults]
    assert names == ["catboost", "xgboost", "random_forest", "extra_trees", "logistic_regression", "mlp"]
    encodings = {c["classifier:__choice__"]: c["encoding:__choice__"] for c in defaults}
    assert encodings["catboost"] == "ordinal"  # its own preference
    assert encodings["random_forest"] == "ordinal"  # no preference: the space's default
    scalings = {c["classifier:__choice__"]: c["scaling:__choice__"] for c in defaults}
    assert encodings["logistic_regression"] == "one_hot" and scalings["logistic_regression"] == "standard"
    assert encodings["mlp"] == "one_hot" and scalings["mlp"] == "standard"
    narrow = build_configuration_space(info, registry, include=["sgd", "lda", "qda"])
    choice = narrow["classifier:__choice__"]
    others = [name for name in choice.choices if name != choice.default_value]
    assert [c["classifier:__choice__"] for c in classifier_defaults(narrow, 1)] == others[:1]


def test_initial_design_runs_family_defaults_then_warm_start_picks(credit):
    space = build_configuration_space(credit[2], default_registry())
    defaults = classifier_defaults(space)
    warm = [complete_configuration(space, {**preferred_preprocessing(space, name), "classifier:__choice__": name})
            for name in ("mlp", "sgd", "lda")]
    for config in warm:
        config.origin = "meta-learning kNN"
    ordered = initial_design(defaults, warm, replaces_defaults=False)
    names = [config["classifier:__choice__"] for config in ordered]
    assert names == ["catboost", "xgboost", "random_forest", "extra_trees", "logistic_regression", "mlp", "sgd",
                     "lda"]
    # the warm start also picked the mlp default: it runs once, credited to the cold start that runs it anyway
    assert [config.origin for config in ordered[5:]] == ["default", "meta-learning kNN", "meta-learning kNN"]
    assert initial_design(defaults, [], False) == defaults and initial_design([], warm[1:], False) == warm[1:]


def test_a_portfolio_replaces_the_family_defaults_with_honest_origins(credit):
    space = build_configuration_space(credit[2], default_registry())
    defaults = classifier_defaults(space)
    portfolio = [complete_configuration(space, {**preferred_preprocessing(space, name), "classifier:__choice__": name})
                 for name in ("sgd", "catboost")]
    for config in portfolio:
        config.origin = "portfolio"
    design = initial_design(defaults, portfolio, replaces_defaults=True)
    assert [config["classifier:__choice__"] for config in design] == ["sgd", "catboost"]
    # catboost's default: a cold start runs it anyway
    assert [config.origin for config in design] == ["portfolio", "default"]
