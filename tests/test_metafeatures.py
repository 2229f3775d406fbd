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


def test_moments_read_all_rows_with_numeric_missing_values_mean_imputed():
    """Not a head slice: the outliers sit in the last rows, as in sorted files (MagicTelescope, electricity)."""
    from scipy.stats import kurtosis, skew

    rng = np.random.default_rng(0)
    x = rng.normal(size=30_000)
    x[-300:] += 40.0
    w = rng.exponential(size=30_000)
    w[rng.choice(30_000, 3_000, replace=False)] = np.nan
    X = pd.DataFrame({"x": x, "w": w})
    m = compute_metafeatures(X, np.arange(30_000) % 2)
    imputed = np.where(np.isnan(w), np.nanmean(w), w)  # auto-sklearn mean-imputes before its moments
    kurts, skews = [kurtosis(x), kurtosis(imputed)], [skew(x), skew(imputed)]
    assert m["KurtosisMax"] == pytest.approx(max(kurts), rel=1e-6) and max(kurts) > 50  # the head has ~0
    assert m["KurtosisMin"] == pytest.approx(min(kurts), rel=1e-6)
    assert m["SkewnessMean"] == pytest.approx(np.mean(skews), rel=1e-6)
    assert m["SkewnessSTD"] == pytest.approx(np.std(skews), rel=1e-6)


def test_moments_of_categoricals_read_their_one_hot_columns():
    """auto-sklearn one-hot encodes categoricals before its moments; categories under 1 % share one column."""
    from scipy.stats import kurtosis, skew

    values = ["a"] * 700 + ["b"] * 290 + ["r1", "r2", "r3", "r4", "r5"] * 2  # five rare ones, 1 % together
    values = pd.Series(values, dtype=object).sample(frac=1, random_state=0).reset_index(drop=True)
    X = pd.DataFrame({"colour": values, "constant": "k"})  # a constant column has no moments
    m = compute_metafeatures(X, np.arange(len(X)) % 2)
    one_hot = pd.get_dummies(values.where(values.isin(["a", "b"]), "rare")).to_numpy(dtype=float)
    kurts, skews = kurtosis(one_hot, axis=0), skew(one_hot, axis=0)
    assert m["KurtosisMin"] == pytest.approx(kurts.min()) and m["KurtosisMax"] == pytest.approx(kurts.max())
    assert m["KurtosisMean"] == pytest.approx(kurts.mean()) and m["KurtosisSTD"] == pytest.approx(kurts.std())
    assert m["SkewnessMin"] == pytest.approx(skews.min()) and m["SkewnessMax"] == pytest.approx(skews.max())
    assert m["SkewnessMean"] == pytest.approx(skews.mean()) and m["SkewnessSTD"] == pytest.approx(skews.std())


def test_symbols_leave_all_missing_columns_out_of_min_mean_std_as_auto_sklearn():
    """auto-sklearn's SymbolsMin/Mean/STD read only columns with a symbol; Max and Sum read all (anneal: Min 1)."""
    X = pd.DataFrame({"empty": [None] * 60, "three": list("xyz") * 20, "two": list("pq") * 30,
                      "n": np.arange(60.0)})
    m = compute_metafeatures(X, np.arange(60) % 2, feature_types={"empty": "categorical"})
    assert m["NumberOfCategoricalFeatures"] == 3
    assert m["SymbolsMin"] == 2 and m["SymbolsMax"] == 3 and m["SymbolsSum"] == 5
    assert m["SymbolsMean"] == pytest.approx(2.5) and m["SymbolsSTD"] == pytest.approx(0.5)


def test_landmarkers_are_finite_with_a_single_row_class():
    """A class with one row (abalone, nursery) cannot be stratified in 5 folds; landmarkers must not be NaN."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(300, 4)), columns=list("abcd"))
    y = np.where(X["a"] > 0, "up", "down")
    y[0] = "alone"
    m = compute_metafeatures(X, y)
    for name in ("Landmark1NN", "LandmarkDecisionNodeLearner", "LandmarkNaiveBayes", "LandmarkLDA"):
        assert np.isfinite(m[name]) and 0.5 < m[name] <= 1, name
