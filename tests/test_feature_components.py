"""Feature preprocessors: sklearn contract, real data, and the robustness rules (clipping, never empty, finite)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import load_mirror
from sklearn.utils.estimator_checks import parametrize_with_checks

from autoclf.components.features import FEATURE_PREPROCESSORS
from autoclf.components.features.extra_trees_selection import ExtraTreesSelection
from autoclf.components.features.fast_ica import FastICA
from autoclf.components.features.feature_agglomeration import FeatureAgglomeration
from autoclf.components.features.kernel_pca import KernelPCA
from autoclf.components.features.l1_selection import L1Selection
from autoclf.components.features.nystroem import Nystroem
from autoclf.components.features.polynomial import Polynomial
from autoclf.components.features.random_kitchen_sinks import RandomKitchenSinks
from autoclf.components.features.select_percentile import SelectPercentile
from autoclf.components.features.select_rates import SelectRates
from autoclf.components.features.truncated_svd import TruncatedSVD
from autoclf.components.preprocessing.minmax import MinMax
from autoclf.dataset.info import DatasetInfo
from autoclf.testing import check_component, check_space, configurations, default_estimator

SELECTORS = (SelectPercentile, SelectRates, ExtraTreesSelection, L1Selection)


def make_info(n_rows: int, n_features: int, n_classes: int = 2) -> DatasetInfo:
    counts = (n_rows // n_classes,) * n_classes
    return DatasetInfo(
        n_rows=n_rows, n_classes=n_classes, class_counts=counts,
        numeric_columns=tuple(f"x{i}" for i in range(n_features)),
    )


INFO = make_info(200, 10)


@parametrize_with_checks([default_estimator(cls, INFO) for cls in FEATURE_PREPROCESSORS])
def test_scikit_learn_contract(estimator, check):
    check(estimator)


def test_registry_tuple():
    assert FEATURE_PREPROCESSORS[0].name == "no_preprocessing"
    assert all(c.slot == "feature_preprocessor" for c in FEATURE_PREPROCESSORS)
    names = [c.name for c in FEATURE_PREPROCESSORS]
    assert len(names) == len(set(names)) == 13
    for cls in FEATURE_PREPROCESSORS:  # valid defaults, real Python values, configurations that build
        check_space(cls, INFO)


def test_not_applicable_reasons():
    assert Polynomial.not_applicable_reason(make_info(100, 41)) is not None
    assert Polynomial.not_applicable_reason(make_info(100, 40)) is None
    assert KernelPCA.not_applicable_reason(make_info(10_001, 5)) is not None
    assert KernelPCA.not_applicable_reason(make_info(10_000, 5)) is None


# ---- real numeric data ------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["37_diabetes.parquet", "54_vehicle.parquet"])
def numeric_split(request):
    X, y = load_mirror(request.param)
    X = MinMax().fit_transform(X.to_numpy(dtype=np.float64))  # scaled, and non-negative
    codes = np.unique(y.astype(str), return_inverse=True)[1]
    order = np.random.default_rng(0).permutation(len(X))
    train, test = order[: 2 * len(X) // 3], order[2 * len(X) // 3 :]
    info = make_info(len(train), X.shape[1], n_classes=int(codes.max()) + 1)
    return X[train], codes[train], X[test], info


@pytest.mark.parametrize("cls", FEATURE_PREPROCESSORS, ids=lambda c: c.name)
def test_on_real_data(cls, numeric_split):
    X, y, X_test, info = numeric_split
    assert X.min() >= 0 and X_test.min() >= 0  # min-max scaled: preserves_nonnegative is checked too
    # the default and 3 sampled configurations: finite float64 2-D output of at least one column
    check_component(cls, X=X, y=y, X_test=X_test, info=info, sklearn_checks=False)


# ---- robustness rules -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def constant_columns():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1, 2], 20)
    X = np.column_stack([np.ones(60), np.zeros(60), np.full(60, 3.5)])
    informative = np.column_stack([X, y + rng.normal(scale=0.1, size=60)])
    return X, informative, y


@pytest.mark.parametrize("cls", SELECTORS, ids=lambda c: c.name)
def test_selectors_keep_a_feature_of_constant_data(cls, constant_columns):
    X, informative, y = constant_columns
    info = make_info(60, 3, n_classes=3)
    for params in configurations(cls, info):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # f_classif's divide-by-zero warnings must stay inside
            selector = cls.from_config(params, info, random_state=0).fit(X, y)
            out = selector.transform(X)
            assert out.shape[0] == 60 and out.shape[1] == selector.get_support().sum() >= 1
    strict = {SelectPercentile: {"percentile": 1.0}, SelectRates: {"alpha": 0.01, "mode": "fwe"}}.get(cls, {})
    selector = cls.from_config(strict, info, random_state=0).fit(informative, y)
    assert selector.get_support()[-1], "the one informative feature is kept"


def test_components_are_clipped_to_small_data():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(12, 3)), np.repeat([0, 1], 6)
    info = make_info(12, 3)
    widths = {
        Nystroem: ({"n_components": 10_000}, 12),
        KernelPCA: ({"n_components": 2000}, 12),
        TruncatedSVD: ({"target_dim": 256}, 2),
        FastICA: ({"n_components": 2000}, 3),
        FeatureAgglomeration: ({"n_clusters": 400}, 3),
    }
    for cls, (params, width) in widths.items():
        out = cls.from_config(params, info, random_state=0).fit(X, y).transform(X)
        assert out.shape == (12, width) and np.isfinite(out).all(), cls.name
    one_feature = X[:, :1]
    for cls in (TruncatedSVD, FeatureAgglomeration, FastICA):
        assert default_estimator(cls, INFO).fit(one_feature, y).transform(one_feature).shape == (12, 1), cls.name


def test_rank_deficient_and_badly_scaled_data_gives_finite_output():
    rng = np.random.default_rng(0)
    base = rng.normal(size=(80, 3)) * np.array([1e6, 1.0, 1e-6])
    X = np.column_stack([base, base[:, 0] * 2.0, np.ones(80), np.zeros(80)])  # a copy and constants
    y = np.repeat([0, 1], 40)
    info = make_info(80, X.shape[1])
    for cls in FEATURE_PREPROCESSORS:
        for params in configurations(cls, info, n=2):
            out = cls.from_config(params, info, random_state=0).fit(X, y).transform(X)
            assert out.shape[0] == 80 and out.shape[1] >= 1 and np.isfinite(out).all(), (cls.name, params)


def test_expanding_transformers_respect_the_memory_budget():
    from autoclf.components.features import _base

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(10_000, 30)), np.repeat([0, 1], 5000)
    budget = _base.width_budget(10_000)
    info = make_info(10_000, 30)
    out = RandomKitchenSinks.from_config({"n_components": 10_000}, info, random_state=0).fit(X, y).transform(X[:5])
    assert out.shape[1] == min(10_000, budget)
    polynomial = Polynomial.from_config({"degree": 3, "interaction_only": False}, info).fit(X, y)
    assert polynomial.degree_ == 2  # degree 3 on 30 features (5455 columns) exceeds the budget at 10000 rows
