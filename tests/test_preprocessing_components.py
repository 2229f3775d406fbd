"""Imputation, encoding and scaling components, and the text encoder: sklearn contract and real data."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import load_mirror
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from autoclf.components.base import Component
from autoclf.components.preprocessing import ENCODERS, IMPUTERS, SCALERS, TextEncoder
from autoclf.components.preprocessing.minmax import MinMax
from autoclf.components.preprocessing.one_hot import OneHot
from autoclf.components.preprocessing.quantile import Quantile
from autoclf.components.preprocessing.simple_imputer import SimpleImputer
from autoclf.dataset.info import DatasetInfo
from autoclf.testing import check_component, check_space, check_transform, configurations, default_estimator

COMPONENTS = IMPUTERS + ENCODERS + SCALERS
INFO = DatasetInfo(n_rows=200, n_classes=2, class_counts=(100, 100), numeric_columns=("a", "b"))


def default(cls: type[Component], info: DatasetInfo = INFO) -> Component:
    return default_estimator(cls, info)


# No check is expected to fail: the encoders declare string/categorical input with missing values allowed
# (missing is a category of their own), so sklearn skips its numeric NaN/inf and "object is not a number"
# checks for them, and every other check passes on their str-casting of numeric input.
@parametrize_with_checks([default(cls) for cls in COMPONENTS])
def test_scikit_learn_contract(estimator, check):
    check(estimator)


def test_registry_tuples():
    assert IMPUTERS[0].name == "simple_imputer"
    assert ENCODERS[0].name == "one_hot"
    assert SCALERS[0].name == "standard"
    for slot, components in (("imputation", IMPUTERS), ("encoding", ENCODERS), ("scaling", SCALERS)):
        assert all(c.slot == slot for c in components)
    names = [c.name for c in COMPONENTS]
    assert len(names) == len(set(names))
    assert {c.name for c in SCALERS} == {"no_scaling", "standard", "minmax", "robust", "quantile"}
    assert {c.name for c in SCALERS if not c.preserves_nonnegative} == {"standard", "robust", "quantile"}


def test_spaces_use_real_python_values():
    for cls in COMPONENTS:  # and valid defaults, and configurations that build
        check_space(cls, INFO)


@pytest.mark.parametrize("cls", COMPONENTS, ids=lambda c: c.name)
def test_component_contract(cls):
    """autoclf.testing's contract on its own small numeric data: clone, finite float64 output, same width."""
    check_component(cls, sklearn_checks=False)


# ---- encoders on anneal: categoricals with missing values -------------------------------------------


@pytest.fixture(scope="module")
def anneal_categoricals() -> pd.DataFrame:
    X, _ = load_mirror("2_anneal.parquet")
    categorical = X.select_dtypes("category")
    # the canonical frame the pipeline hands to encoders: object columns of str, missing as np.nan
    return categorical.astype(object).where(categorical.notna(), np.nan)


def _unseen_test_part(frame: pd.DataFrame) -> pd.DataFrame:
    test = frame.iloc[600:].copy()
    test.iloc[0, test.columns.get_loc("steel")] = "NEVER-SEEN"
    test.iloc[1:6, test.columns.get_loc("shape")] = np.nan  # shape has no missing value in the data
    test.iloc[6, :] = np.nan  # a row with everything missing
    return test


@pytest.mark.parametrize("cls", ENCODERS, ids=lambda c: c.name)
def test_encoders_handle_unseen_categories_and_new_missing(cls, anneal_categoricals):
    info = DatasetInfo(n_rows=600, n_classes=5, class_counts=(120,) * 5, categorical_columns=tuple(anneal_categoricals))
    train, test = anneal_categoricals.iloc[:600], _unseen_test_part(anneal_categoricals)
    assert train["shape"].notna().all()
    for params in configurations(cls, info):
        encoder = cls.from_config(params, info, random_state=0).fit(train)
        fitted, encoded = encoder.transform(train), encoder.transform(test)
        check_transform(encoded, len(test), where=f"{cls.name} {params}")
        assert encoded.shape == (len(test), fitted.shape[1]) and fitted.shape[1] >= 1
        assert len(encoder.get_feature_names_out()) == fitted.shape[1]
        # pandas category columns (as read from parquet) give the same result
        raw = anneal_categoricals.iloc[:600].astype("category")
        np.testing.assert_array_equal(cls.from_config(params, info).fit(raw).transform(raw), fitted)


def test_one_hot_missing_is_a_category_and_rare_values_are_grouped():
    column = ["a"] * 50 + ["b"] * 45 + [np.nan] * 4 + ["rare"]
    X = pd.DataFrame({"c": pd.Series(column, dtype=object)})
    encoder = OneHot(min_frequency=0.02).fit(X)
    names = list(encoder.get_feature_names_out())
    assert "c___missing__" in names and "c_infrequent_sklearn" in names and "c_rare" not in names
    out = encoder.transform(pd.DataFrame({"c": pd.Series(["unseen", None, "a"], dtype=object)}))
    assert out[0, names.index("c_infrequent_sklearn")] == 1.0  # unseen -> the infrequent column
    assert out[1, names.index("c___missing__")] == 1.0


def test_one_hot_caps_very_high_cardinality():
    X = pd.DataFrame({"id": pd.Series([f"v{i}" for i in range(5000)], dtype=object)})
    out = OneHot(min_frequency=0.0001).fit_transform(X)
    assert out.shape[1] <= OneHot().max_categories


def test_encoders_in_a_column_transformer(anneal_categoricals):
    X, _ = load_mirror("2_anneal.parquet")
    numeric = list(X.select_dtypes("number").columns)
    frame = pd.concat([X[numeric], anneal_categoricals], axis=1)
    columns = ColumnTransformer(
        [
            ("numeric", Pipeline([("impute", default(IMPUTERS[0])), ("scale", default(SCALERS[0]))]), numeric),
            ("categorical", default(ENCODERS[0]), list(anneal_categoricals)),
        ],
        sparse_threshold=0.0,
        verbose_feature_names_out=False,
    )
    fitted = columns.fit_transform(frame.iloc[:600])
    out = columns.transform(_unseen_test_part(frame))
    assert np.isfinite(out).all() and out.shape[1] == fitted.shape[1]


# ---- imputation -------------------------------------------------------------------------------------


@pytest.mark.parametrize("strategy", ["median", "mean", "most_frequent"])
def test_imputer_keeps_all_missing_columns(strategy):
    X = np.array([[1.0, np.nan, np.nan], [2.0, np.nan, 5.0], [np.nan, np.nan, 7.0], [4.0, np.nan, 7.0]])
    imputer = SimpleImputer(strategy=strategy).fit(X)
    out = imputer.transform(X)
    assert out.shape == X.shape and np.isfinite(out).all()
    assert imputer.transform(np.full((2, 3), np.nan)).shape == (2, 3)
    with_indicator = SimpleImputer(strategy=strategy, add_indicator=True).fit(X)
    widths = {with_indicator.transform(part).shape[1] for part in (X, X[:1], np.zeros((3, 3)))}
    assert len(widths) == 1 and widths.pop() > 3


def test_imputer_default_is_median_without_indicator():
    imputer = default(SimpleImputer)
    assert (imputer.strategy, imputer.add_indicator, imputer.keep_empty_features) == ("median", False, True)


# ---- scaling on real numeric data -------------------------------------------------------------------


@pytest.fixture(scope="module", params=["37_diabetes.parquet", "54_vehicle.parquet"])
def numeric_split(request):
    X, y = load_mirror(request.param)
    X = X.to_numpy(dtype=np.float64)
    order = np.random.default_rng(0).permutation(len(X))
    train, test = order[: len(X) // 2], order[len(X) // 2 :]
    info = DatasetInfo(
        n_rows=len(train), n_classes=int(y.nunique()), class_counts=tuple(y.value_counts()),
        numeric_columns=tuple(f"x{i}" for i in range(X.shape[1])),
    )
    return X[train], X[test], info


@pytest.mark.parametrize("cls", SCALERS, ids=lambda c: c.name)
def test_scalers_on_real_data(cls, numeric_split):
    train, test, info = numeric_split
    # the data is non-negative (abs keeps it so), so preserves_nonnegative is checked with finiteness
    train, test = np.abs(train), np.abs(test)
    for scaler in check_component(cls, X=train, X_test=test, info=info, sklearn_checks=False):
        assert all(scaler.transform(part).shape == part.shape for part in (train, test)), scaler


def test_minmax_clips_held_out_data(numeric_split):
    train, test, _ = numeric_split
    held_out = np.vstack([test, train.min(axis=0) - 10.0, train.max(axis=0) + 10.0])
    out = default(MinMax).fit(train).transform(held_out)
    assert out.min() >= 0.0 and out.max() <= 1.0


def test_quantile_clips_n_quantiles_to_the_rows(numeric_split):
    train, test, info = numeric_split
    scaler = Quantile.from_config({"n_quantiles": 2000, "output_distribution": "normal"}, info, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # sklearn warns when n_quantiles > n_samples
        scaler.fit(train[:50])
    assert scaler.transformer_.n_quantiles_ == 50
    assert np.isfinite(scaler.transform(test)).all()


# ---- text -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def titanic_text() -> pd.DataFrame:
    X, _ = load_mirror("40945_Titanic.parquet")
    text = X[["name", "home.dest"]]
    assert text["home.dest"].isna().any()
    return text.astype(object).where(text.notna(), np.nan)


def test_text_encoder_on_titanic(titanic_text):
    train, test = titanic_text.iloc[:900], titanic_text.iloc[900:]
    encoder = TextEncoder().fit(train)
    fitted, out = encoder.transform(train), encoder.transform(test)
    assert out.dtype == np.float64 and np.isfinite(out).all()
    assert out.shape == (len(test), fitted.shape[1]) and 2 <= fitted.shape[1] <= 400
    assert len(encoder.get_feature_names_out()) == fitted.shape[1]
    n_name_terms = len(encoder.vectorizers_[0].vocabulary_)
    missing_home = train["home.dest"].isna().to_numpy()
    assert (fitted[missing_home, n_name_terms:] == 0).all()  # missing text is "", no terms
    assert (fitted[:, :n_name_terms].sum(axis=1) > 0).mean() > 0.95  # titles (mr, miss, ...) are kept
    single = TextEncoder(max_features=50).fit(train[["name"]])
    assert single.transform(test[["name"]]).shape == (len(test), 50)
    assert TextEncoder(max_features=50).fit(train["name"]).transform(test["name"]).shape == (len(test), 50)


def test_text_encoder_with_a_column_without_words(titanic_text):
    frame = titanic_text.iloc[:100].assign(empty=np.nan)
    out = TextEncoder(max_features=20).fit(frame).transform(frame)
    assert out.shape == (100, 20 + 20 + 1) and np.isfinite(out).all()
    assert (out[:, -1] == 0).all()
