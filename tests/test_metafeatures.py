"""Meta-features against values computed by hand on iris (61), credit-g (31) and anneal (2)."""

import math
import time

import numpy as np
import pandas as pd
import pytest
from conftest import load_mirror

from autoclf.metalearning import compute_metafeatures
from autoclf.metalearning.metafeatures import METAFEATURE_NAMES, REGISTRY

AUTO_SKLEARN_37 = {
    "NumberOfInstances", "LogNumberOfInstances", "NumberOfClasses", "NumberOfFeatures", "LogNumberOfFeatures",
    "NumberOfInstancesWithMissingValues", "PercentageOfInstancesWithMissingValues",
    "NumberOfFeaturesWithMissingValues", "PercentageOfFeaturesWithMissingValues", "NumberOfMissingValues",
    "PercentageOfMissingValues", "NumberOfNumericFeatures", "NumberOfCategoricalFeatures",
    "RatioNumericalToNominal", "RatioNominalToNumerical", "DatasetRatio", "LogDatasetRatio",
    "InverseDatasetRatio", "LogInverseDatasetRatio", "ClassProbabilityMin", "ClassProbabilityMax",
    "ClassProbabilityMean", "ClassProbabilitySTD", "ClassEntropy", "SymbolsMin", "SymbolsMax", "SymbolsMean",
    "SymbolsSTD", "SymbolsSum", "KurtosisMin", "KurtosisMax", "KurtosisMean", "KurtosisSTD", "SkewnessMin",
    "SkewnessMax", "SkewnessMean", "SkewnessSTD",
}


def entropy_bits(counts):
    p = np.asarray(counts, dtype=float) / np.sum(counts)
    return float(-(p * np.log2(p)).sum())


def test_names_cover_auto_sklearn_and_dependencies_come_first():
    assert len(AUTO_SKLEARN_37) == 37 and AUTO_SKLEARN_37 <= set(METAFEATURE_NAMES)
    assert {"Landmark1NN", "LandmarkDecisionNodeLearner", "LandmarkNaiveBayes", "LandmarkLDA",
            "PCAFractionOfComponentsFor95PercentVariance"} <= set(METAFEATURE_NAMES)
    order = list(REGISTRY)
    for name, (_, needs) in REGISTRY.items():
        assert all(order.index(need) < order.index(name) for need in needs), name


def test_iris_by_hand():
    X, y = load_mirror("61_iris.parquet")
    m = compute_metafeatures(X, y)
    assert m["NumberOfInstances"] == 150 and m["NumberOfFeatures"] == 4 and m["NumberOfClasses"] == 3
    assert m["LogNumberOfInstances"] == pytest.approx(math.log(150))
    assert m["NumberOfNumericFeatures"] == 4 and m["NumberOfCategoricalFeatures"] == 0
    assert m["RatioNominalToNumerical"] == 0 and m["RatioNumericalToNominal"] == 0  # auto-sklearn: 0 for x/0
    assert m["DatasetRatio"] == pytest.approx(4 / 150) and m["InverseDatasetRatio"] == pytest.approx(150 / 4)
    assert m["ClassEntropy"] == pytest.approx(math.log2(3))
    assert m["ClassProbabilityMin"] == m["ClassProbabilityMax"] == pytest.approx(1 / 3)
    assert m["ClassProbabilitySTD"] == pytest.approx(0)
    assert m["NumberOfMissingValues"] == 0 and m["PercentageOfMissingValues"] == 0
    assert m["SymbolsSum"] == 0  # no categorical features
    assert m["KurtosisMin"] <= m["KurtosisMean"] <= m["KurtosisMax"]
    assert 0.8 < m["Landmark1NN"] <= 1 and 0.8 < m["LandmarkLDA"] <= 1  # iris is easy


def test_credit_g_by_hand(credit_g):
    X, y = credit_g
    m = compute_metafeatures(X, y)
    counts = y.value_counts().to_numpy()  # 700 good, 300 bad
    assert m["NumberOfInstances"] == 1000 and m["NumberOfFeatures"] == 20 and m["NumberOfClasses"] == 2
    assert m["NumberOfCategoricalFeatures"] == 13 and m["NumberOfNumericFeatures"] == 7
    assert m["RatioNominalToNumerical"] == pytest.approx(13 / 7)
    assert m["RatioNumericalToNominal"] == pytest.approx(7 / 13)
    assert m["ClassEntropy"] == pytest.approx(entropy_bits(counts))
    assert m["ClassProbabilityMax"] == pytest.approx(0.7) and m["ClassProbabilityMin"] == pytest.approx(0.3)
    symbols = [X[c].nunique() for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
    assert m["SymbolsSum"] == sum(symbols) and m["SymbolsMax"] == max(symbols) and m["SymbolsMin"] == min(symbols)
    assert m["NumberOfMissingValues"] == 0


def test_anneal_missing_values_by_hand():
    X, y = load_mirror("2_anneal.parquet")
    m = compute_metafeatures(X, y)
    missing = X.isna()
    assert m["NumberOfInstances"] == 898 and m["NumberOfFeatures"] == 38 and m["NumberOfClasses"] == 5
    assert m["NumberOfMissingValues"] == missing.to_numpy().sum()
    assert m["PercentageOfMissingValues"] == pytest.approx(missing.to_numpy().sum() / (898 * 38))
    assert m["NumberOfFeaturesWithMissingValues"] == missing.any(axis=0).sum()
    assert m["NumberOfInstancesWithMissingValues"] == missing.any(axis=1).sum()
    assert m["PercentageOfInstancesWithMissingValues"] == pytest.approx(missing.any(axis=1).mean())
    counts = y.value_counts().to_numpy()
    assert m["ClassEntropy"] == pytest.approx(entropy_bits(counts[counts > 0]))  # an unused label level


def test_time_cap_leaves_costly_ones_missing_not_fatal():
    X, y = load_mirror("6_letter.parquet", n_rows=5000)
    started = time.perf_counter()
    m = compute_metafeatures(X, y, time_limit=0.0)
    assert time.perf_counter() - started < 5
    assert set(m) == set(METAFEATURE_NAMES)
    assert m["NumberOfInstances"] == 5000  # the first one always runs
    assert any(math.isnan(value) for value in m.values())


def test_big_data_is_subsampled_for_costly_features():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(30_000, 5)), columns=list("abcde"))
    y = (X["a"] > 0).astype(int)
    started = time.perf_counter()
    m = compute_metafeatures(X, y)
    assert time.perf_counter() - started < 10
    assert m["NumberOfInstances"] == 30_000 and np.isfinite(m["Landmark1NN"])
