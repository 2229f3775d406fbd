"""Meta-features: numbers that describe a data set, so a new one can be matched with data sets seen before.

Names follow OpenML's data qualities and auto-sklearn 1.0 (whose 37 simple features are all here), plus
landmarkers (quick models' CV accuracy) and PCA features. Each meta-feature is a pure function of the
prepared data and of the meta-features it declares as dependencies; they run in dependency order under one
time cap, and one that runs out of time or fails is missing (NaN), never fatal. Big data are subsampled
for the costly ones. Percentages are fractions in [0, 1], as in auto-sklearn and OpenML's test server.
"""

from __future__ import annotations

import logging
import math
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

logger = logging.getLogger(__name__)

#: the costly meta-features (statistics per column, landmarkers, PCA) see at most this many rows
SUBSAMPLE_ROWS = 2000
#: ... and at most this many columns
SUBSAMPLE_COLUMNS = 200


@dataclass
class Prepared:
    """The data as meta-features read it: one canonical frame, its types, the class codes, a subsample."""

    frame: pd.DataFrame
    numeric: list[str]
    categorical: list[str]
    y: np.ndarray  # class codes 0..K-1
    sub_X: np.ndarray  # numeric matrix of a row/column subsample: ordinal codes, imputed, standardised
    sub_y: np.ndarray


Function = Callable[[Prepared, dict[str, float]], Any]
#: name -> (function, dependencies); helpers (names starting with "_") are computed but not returned
REGISTRY: dict[str, tuple[Function, tuple[str, ...]]] = {}
#: meta-features that read the data column by column or fit models: the time cap applies to these; the
#: counts and ratios take microseconds and always run
COSTLY = {"_symbols", "_kurtosis", "_skewness", "Landmark1NN", "LandmarkDecisionNodeLearner",
          "LandmarkNaiveBayes", "LandmarkLDA", "_pca"}


def metafeature(name: str, *needs: str) -> Callable[[Function], Function]:
    def register(function: Function) -> Function:
        REGISTRY[name] = (function, needs)
        return function

    return register


# ------------------------------------------------------------------ simple: counts, ratios, missing values
metafeature("NumberOfInstances")(lambda d, v: float(len(d.frame)))
metafeature("LogNumberOfInstances", "NumberOfInstances")(lambda d, v: math.log(v["NumberOfInstances"]))
metafeature("NumberOfClasses")(lambda d, v: float(len(np.unique(d.y))))
metafeature("NumberOfFeatures")(lambda d, v: float(d.frame.shape[1]))
metafeature("LogNumberOfFeatures", "NumberOfFeatures")(lambda d, v: math.log(v["NumberOfFeatures"]))
metafeature("NumberOfNumericFeatures")(lambda d, v: float(len(d.numeric)))
metafeature("NumberOfCategoricalFeatures")(lambda d, v: float(len(d.categorical)))
metafeature("_missing")(lambda d, v: d.frame.isna().to_numpy())
metafeature("NumberOfMissingValues", "_missing")(lambda d, v: float(v["_missing"].sum()))
metafeature("NumberOfInstancesWithMissingValues", "_missing")(lambda d, v: float(v["_missing"].any(axis=1).sum()))
metafeature("NumberOfFeaturesWithMissingValues", "_missing")(lambda d, v: float(v["_missing"].any(axis=0).sum()))
metafeature("PercentageOfMissingValues", "NumberOfMissingValues", "NumberOfInstances", "NumberOfFeatures")(
    lambda d, v: v["NumberOfMissingValues"] / (v["NumberOfInstances"] * v["NumberOfFeatures"]))
metafeature("PercentageOfInstancesWithMissingValues", "NumberOfInstancesWithMissingValues", "NumberOfInstances")(
    lambda d, v: v["NumberOfInstancesWithMissingValues"] / v["NumberOfInstances"])
metafeature("PercentageOfFeaturesWithMissingValues", "NumberOfFeaturesWithMissingValues", "NumberOfFeatures")(
    lambda d, v: v["NumberOfFeaturesWithMissingValues"] / v["NumberOfFeatures"])
metafeature("RatioNumericalToNominal", "NumberOfNumericFeatures", "NumberOfCategoricalFeatures")(
    lambda d, v: _ratio(v["NumberOfNumericFeatures"], v["NumberOfCategoricalFeatures"]))
metafeature("RatioNominalToNumerical", "NumberOfNumericFeatures", "NumberOfCategoricalFeatures")(
    lambda d, v: _ratio(v["NumberOfCategoricalFeatures"], v["NumberOfNumericFeatures"]))
metafeature("DatasetRatio", "NumberOfFeatures", "NumberOfInstances")(
    lambda d, v: v["NumberOfFeatures"] / v["NumberOfInstances"])
metafeature("LogDatasetRatio", "DatasetRatio")(lambda d, v: math.log(v["DatasetRatio"]))
metafeature("InverseDatasetRatio", "NumberOfFeatures", "NumberOfInstances")(
    lambda d, v: v["NumberOfInstances"] / v["NumberOfFeatures"])
metafeature("LogInverseDatasetRatio", "InverseDatasetRatio")(lambda d, v: math.log(v["InverseDatasetRatio"]))


def _ratio(a: float, b: float) -> float:
    """auto-sklearn's convention: 0 when the denominator is 0 (no such features), not infinity."""
    return a / b if b else 0.0


# ------------------------------------------------------------------------------------------ class balance
@metafeature("_class_probabilities")
def _class_probabilities(d: Prepared, v: dict) -> np.ndarray:
    counts = np.bincount(d.y)
    return counts[counts > 0] / len(d.y)


metafeature("ClassProbabilityMin", "_class_probabilities")(lambda d, v: float(v["_class_probabilities"].min()))
metafeature("ClassProbabilityMax", "_class_probabilities")(lambda d, v: float(v["_class_probabilities"].max()))
metafeature("ClassProbabilityMean", "_class_probabilities")(lambda d, v: float(v["_class_probabilities"].mean()))
metafeature("ClassProbabilitySTD", "_class_probabilities")(lambda d, v: float(v["_class_probabilities"].std()))


@metafeature("ClassEntropy", "_class_probabilities")
def _class_entropy(d: Prepared, v: dict) -> float:
    """Shannon entropy of the class distribution in bits (log base 2), as OpenML and auto-sklearn."""
    p = v["_class_probabilities"]
    return float(-(p * np.log2(p)).sum())


# -------------------------------------------------------------------- categorical symbols, numeric moments
@metafeature("_symbols")
def _symbols(d: Prepared, v: dict) -> np.ndarray:
    """Distinct non-missing values per categorical feature."""
    return np.array([d.frame[c].nunique(dropna=True) for c in d.categorical], dtype=float)


@metafeature("_kurtosis")
def _kurtosis(d: Prepared, v: dict) -> np.ndarray:
    from scipy.stats import kurtosis

    return _per_numeric_column(d, kurtosis)


@metafeature("_skewness")
def _skewness(d: Prepared, v: dict) -> np.ndarray:
    from scipy.stats import skew

    return _per_numeric_column(d, skew)


def _per_numeric_column(d: Prepared, statistic: Callable) -> np.ndarray:
    columns = d.numeric[:SUBSAMPLE_COLUMNS]
    if not columns:
        return np.zeros(0)
    values = d.frame[columns].iloc[: SUBSAMPLE_ROWS * 5].to_numpy(dtype=float)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        result = statistic(values, axis=0, nan_policy="omit")
    return np.nan_to_num(np.asarray(result, dtype=float), nan=0.0)  # a constant column has no moments: 0


def _summaries(prefix: str, source: str, suffixes: tuple[str, ...] = ("Min", "Max", "Mean", "STD")) -> None:
    """Min/Max/Mean/STD (and Sum) over a per-feature vector; 0 when there is no such feature (auto-sklearn)."""
    reducers = {"Min": np.min, "Max": np.max, "Mean": np.mean, "STD": np.std, "Sum": np.sum}
    for suffix in suffixes:
        reducer = reducers[suffix]
        metafeature(f"{prefix}{suffix}", source)(
            lambda d, v, reducer=reducer, source=source: float(reducer(v[source])) if len(v[source]) else 0.0)


_summaries("Symbols", "_symbols", ("Min", "Max", "Mean", "STD", "Sum"))
_summaries("Kurtosis", "_kurtosis")
_summaries("Skewness", "_skewness")


# ------------------------------------------------------------------------------------ landmarkers and PCA
def _landmark(estimator_factory: Callable[[], Any]) -> Function:
    def compute(d: Prepared, v: dict) -> float:
        from sklearn.model_selection import StratifiedKFold, cross_val_score

        counts = np.bincount(d.sub_y)
        folds = int(min(5, counts[counts > 0].min()))
        if folds < 2:
            raise ValueError("a class has fewer than 2 rows in the subsample")
        cv = StratifiedKFold(folds, shuffle=True, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return float(cross_val_score(estimator_factory(), d.sub_X, d.sub_y, cv=cv, scoring="accuracy").mean())

    return compute


def _one_nn() -> Any:
    from sklearn.neighbors import KNeighborsClassifier

    return KNeighborsClassifier(n_neighbors=1)


def _stump() -> Any:
    from sklearn.tree import DecisionTreeClassifier

    return DecisionTreeClassifier(max_depth=1, random_state=0)


def _naive_bayes() -> Any:
    from sklearn.naive_bayes import GaussianNB

    return GaussianNB()


def _lda() -> Any:
    from sklearn.discriminant_analysis import LinearDiscriminantAnalysis

    return LinearDiscriminantAnalysis(solver="lsqr", shrinkage="auto")


metafeature("Landmark1NN")(_landmark(_one_nn))
metafeature("LandmarkDecisionNodeLearner")(_landmark(_stump))
metafeature("LandmarkNaiveBayes")(_landmark(_naive_bayes))
metafeature("LandmarkLDA")(_landmark(_lda))


@metafeature("_pca")
def _pca(d: Prepared, v: dict) -> Any:
    from sklearn.decomposition import PCA

    return PCA(random_state=0).fit(d.sub_X)


@metafeature("PCAFractionOfComponentsFor95PercentVariance", "_pca")
def _pca_95(d: Prepared, v: dict) -> float:
    ratios = np.cumsum(v["_pca"].explained_variance_ratio_)
    return float((np.searchsorted(ratios, 0.95) + 1) / d.sub_X.shape[1])


@metafeature("PCAKurtosisFirstPC", "_pca")
def _pca_kurtosis(d: Prepared, v: dict) -> float:
    from scipy.stats import kurtosis

    return float(kurtosis(v["_pca"].transform(d.sub_X)[:, 0]))


@metafeature("PCASkewnessFirstPC", "_pca")
def _pca_skewness(d: Prepared, v: dict) -> float:
    from scipy.stats import skew

    return float(skew(v["_pca"].transform(d.sub_X)[:, 0]))


#: the public meta-features, in registry (dependency-respecting) order
METAFEATURE_NAMES: tuple[str, ...] = tuple(name for name in REGISTRY if not name.startswith("_"))


# ------------------------------------------------------------------------------------------------ driver
def compute_metafeatures(
    X: Any, y: Any, feature_types: Any = None, time_limit: float | None = None, seed: int = 0
) -> dict[str, float]:
    """Meta-features of (X, y), named like OpenML's data qualities; missing ones are NaN.

    ``time_limit`` caps the costly ones (per-column statistics, landmarkers, PCA): those not started in
    time are NaN. Counts, ratios and class figures always run (they take milliseconds).
    """
    from autoclf.dataset.validator import InputValidator

    validator = InputValidator(feature_types=feature_types)
    frame, codes = validator.fit_transform(X, y)
    return metafeatures_of_canonical(frame, codes, validator.info_, time_limit, seed)


def metafeatures_of_canonical(frame: pd.DataFrame, y: np.ndarray, info: Any, time_limit: float | None = None,
                              seed: int = 0) -> dict[str, float]:
    """Meta-features of data already validated by autoclf (``AutoClassifier.fit`` calls this)."""
    started = time.perf_counter()
    numeric = list(info.numeric_columns)
    categorical = list(info.categorical_columns) + list(info.boolean_columns)
    features = frame[numeric + categorical + list(info.text_columns)]
    prepared = Prepared(features, numeric, categorical, np.asarray(y), *_subsample(features, numeric, categorical,
                                                                                  np.asarray(y), seed))
    values: dict[str, Any] = {}
    for name, (function, needs) in REGISTRY.items():
        if name in COSTLY and time_limit is not None and time.perf_counter() - started > time_limit:
            logger.debug("meta-feature %s skipped: the %.1f s cap is spent", name, time_limit)
            continue
        if any(need not in values for need in needs):
            continue
        try:
            with np.errstate(all="ignore"):
                values[name] = function(prepared, values)
        except Exception as error:  # one broken meta-feature must not stop the others (nor the fit)
            logger.debug("meta-feature %s failed: %s", name, error)
    result = {}
    for name in METAFEATURE_NAMES:
        value = values.get(name, np.nan)
        result[name] = float(value) if value is not None and np.isfinite(value) else float("nan")
    logger.info("%d of %d meta-features in %.2f s", int(np.isfinite(list(result.values())).sum()),
                len(result), time.perf_counter() - started)
    return result


def _subsample(frame: pd.DataFrame, numeric: list[str], categorical: list[str], y: np.ndarray,
               seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A stratified-ish row subsample as a dense standardised matrix (categoricals as ordinal codes)."""
    rng = np.random.default_rng(seed)
    rows = np.arange(len(frame))
    if len(rows) > SUBSAMPLE_ROWS:
        rows = np.sort(rng.choice(rows, SUBSAMPLE_ROWS, replace=False))
    columns = (numeric + categorical)[:SUBSAMPLE_COLUMNS]
    parts = []
    for column in columns:
        values = frame[column].iloc[rows]
        if column in numeric:
            parts.append(pd.to_numeric(values, errors="coerce").to_numpy(dtype=float))
        else:
            codes = pd.Series(pd.Categorical(values.astype("object"))).cat.codes.to_numpy().astype(float)
            codes[codes < 0] = np.nan
            parts.append(codes)
    matrix = np.column_stack(parts) if parts else np.zeros((len(rows), 1))
    medians = np.nanmedian(np.where(np.isnan(matrix).all(axis=0), 0.0, matrix), axis=0)
    matrix = np.where(np.isnan(matrix), medians, matrix)
    scale = matrix.std(axis=0)
    matrix = (matrix - matrix.mean(axis=0)) / np.where(scale > 0, scale, 1.0)
    return matrix, y[rows]
