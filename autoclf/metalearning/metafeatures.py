"""Meta-features: numbers that describe a data set, so a new one can be matched with data sets seen before.

Names follow OpenML's data qualities and auto-sklearn 1.0 (whose 37 simple features are all here), plus
landmarkers (quick models' CV accuracy) and PCA features. Each meta-feature is a pure function of the
prepared data and of the meta-features it declares as dependencies; they run in dependency order under one
time cap, and one that runs out of time or fails is missing (NaN), never fatal. Landmarkers and PCA read a
random row subsample; skewness and kurtosis read all rows (a seeded random sample on big data) of the numeric
and one-hot categorical columns, as auto-sklearn. Percentages are fractions in [0, 1], as in auto-sklearn
and OpenML's test server.
"""

from __future__ import annotations

import logging
import math
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

logger = logging.getLogger(__name__)

#: the costly meta-features (landmarkers, PCA) see at most this many rows
SUBSAMPLE_ROWS = 2000
#: ... and at most this many columns
SUBSAMPLE_COLUMNS = 200
#: skewness and kurtosis read every row while rows x columns stay under this many cells, else a seeded random
#: sample of rows that fits (never a head slice: files are often sorted, MagicTelescope's first 10 000 rows are
#: one class); they are vectorised and O(rows), so this is a memory bound more than a time one
MOMENT_CELLS = 20_000_000
#: ... but never fewer rows than this (the kurtosis of heavy-tailed columns needs many rows to settle)
MOMENT_MIN_ROWS = 20_000
#: ... and at most this many numeric columns (a seeded random choice beyond)
MOMENT_COLUMNS = 1000
#: categories rarer than this fraction of the rows share one one-hot column, as auto-sklearn's default
#: MinorityCoalescer (minimum_fraction=0.01) before its moments: a category seen k times in n rows has an
#: indicator kurtosis near n/k, so ID-like columns would flood Kurtosis*/Skewness* with near-n values (a
#: cardinality count, not a shape); it also caps the one-hot columns at 101 per categorical feature
MINORITY_FRACTION = 0.01
#: landmarkers' cross-validation folds (auto-sklearn's 5)
LANDMARK_FOLDS = 5


@dataclass
class Prepared:
    """The data as meta-features read it: one canonical frame, its types, the class codes, a subsample."""

    frame: pd.DataFrame
    numeric: list[str]
    categorical: list[str]
    y: np.ndarray  # class codes 0..K-1
    sub_X: np.ndarray  # numeric matrix of a row/column subsample: ordinal codes, imputed, standardised
    sub_y: np.ndarray
    moment_rows: np.ndarray | None = None  # rows the moments read (None: all); sorted
    moment_numeric: list[str] = field(default_factory=list)  # numeric columns the moments read


Function = Callable[[Prepared, dict[str, Any]], Any]
#: name -> (function, dependencies); helpers (names starting with "_") are computed but not returned
REGISTRY: dict[str, tuple[Function, tuple[str, ...]]] = {}
#: meta-features that read the data column by column or fit models: the time cap applies to these; the
#: counts and ratios take microseconds and always run
COSTLY = {"_symbols", "_moments", "Landmark1NN", "LandmarkDecisionNodeLearner",
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


@metafeature("_moments")
def _moments(d: Prepared, v: dict) -> tuple[np.ndarray, np.ndarray]:
    """Skewness and kurtosis (scipy's biased Fisher ones) of the numeric and one-hot categorical columns.

    As auto-sklearn, which computes them after its preprocessing (see ``MINORITY_FRACTION``): numeric missing
    values mean-imputed, categoricals one-hot with missing as a category. Constant columns have no moments and
    are left out (auto-sklearn's old scipy gave them skewness 0 and kurtosis -3; today's gives NaN).
    """
    skews, kurts = [], []
    rows, columns = d.moment_rows, d.moment_numeric
    n_rows = len(d.frame) if rows is None else len(rows)
    step = max(1, 4_000_000 // max(n_rows, 1))  # columns per block: a few 32 MB arrays at a time
    for start in range(0, len(columns), step):
        block = d.frame[columns[start:start + step]]
        skew, kurt = _column_moments((block if rows is None else block.take(rows)).to_numpy(dtype=float))
        skews.append(skew)
        kurts.append(kurt)
    for column in d.categorical:
        values = d.frame[column] if rows is None else d.frame[column].iloc[rows]
        p = _indicator_frequencies(values)
        skews.append((1 - 2 * p) / np.sqrt(p * (1 - p)))  # the moments of a 0/1 column with mean p
        kurts.append(1 / (p * (1 - p)) - 6)
    return np.concatenate(skews or [np.zeros(0)]), np.concatenate(kurts or [np.zeros(0)])


def _column_moments(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-column skewness and kurtosis of a float matrix, NaN standing for the column mean (mean imputation)."""
    observed = ~np.isnan(values)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # all-missing columns: "mean of empty slice"
        mean = np.nanmean(values, axis=0)
    deviation = np.where(observed, values - mean, 0.0)
    squared = deviation**2
    m2, m3, m4 = (squared.mean(axis=0), (squared * deviation).mean(axis=0), (squared**2).mean(axis=0))
    varying = (m2 > (np.finfo(float).resolution * np.abs(mean)) ** 2) & (m2 > 0)  # scipy's constant test
    return m3[varying] / m2[varying] ** 1.5, m4[varying] / m2[varying] ** 2 - 3


def _indicator_frequencies(values: pd.Series) -> np.ndarray:
    """Mean of each non-constant one-hot column: missing is a category, those under 1 % are merged into one."""
    fractions = values.value_counts(dropna=False, sort=False).to_numpy(dtype=float) / max(len(values), 1)
    rare = fractions < MINORITY_FRACTION
    p = np.append(fractions[~rare], fractions[rare].sum())
    return p[(p > 0) & (p < 1)]


metafeature("_skewness", "_moments")(lambda d, v: v["_moments"][0])
metafeature("_kurtosis", "_moments")(lambda d, v: v["_moments"][1])


def _summaries(prefix: str, source: str, suffixes: tuple[str, ...] = ("Min", "Max", "Mean", "STD"),
               positive: tuple[str, ...] = ()) -> None:
    """Min/Max/Mean/STD (and Sum) over a per-feature vector; 0 when there is no such feature (auto-sklearn).

    The ``positive`` ones read only the values above 0, as auto-sklearn's SymbolsMin/Mean/STD (a column with
    no symbol, all missing, does not count there, but does in Max and Sum, where it changes nothing).
    """
    reducers: dict[str, Callable[..., Any]] = {"Min": np.min, "Max": np.max, "Mean": np.mean, "STD": np.std,
                                               "Sum": np.sum}
    for suffix in suffixes:
        def compute(d: Prepared, v: dict, reducer: Callable = reducers[suffix], only_positive: bool = suffix in
                    positive) -> float:
            values = v[source][v[source] > 0] if only_positive else v[source]
            return float(reducer(values)) if len(values) else 0.0

        metafeature(f"{prefix}{suffix}", source)(compute)


_summaries("Symbols", "_symbols", ("Min", "Max", "Mean", "STD", "Sum"), positive=("Min", "Mean", "STD"))
_summaries("Kurtosis", "_kurtosis")
_summaries("Skewness", "_skewness")


# ------------------------------------------------------------------------------------ landmarkers and PCA
def _landmark(estimator_factory: Callable[[], Any]) -> Function:
    def compute(d: Prepared, v: dict) -> float:
        from sklearn.model_selection import cross_val_score

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return float(cross_val_score(estimator_factory(), d.sub_X, d.sub_y, cv=_folds(d.sub_y),
                                         scoring="accuracy", error_score="raise").mean())

    return compute


def _folds(y: np.ndarray) -> Any:
    """5 stratified folds when every class has 5 rows, else 5 plain shuffled ones.

    A class with fewer rows than folds (abalone, nursery) cannot be stratified; auto-sklearn always uses plain
    KFold(5) on rows it shuffled once, so its landmarkers never fail on one. Its held-out rows count as errors.
    """
    from sklearn.model_selection import KFold, StratifiedKFold

    folds = min(LANDMARK_FOLDS, len(y))
    if np.bincount(y)[np.bincount(y) > 0].min() >= folds:
        return StratifiedKFold(folds, shuffle=True, random_state=0)
    return KFold(folds, shuffle=True, random_state=0)


def _one_nn() -> Any:
    from sklearn.neighbors import KNeighborsClassifier

    return KNeighborsClassifier(n_neighbors=1)


def _stump() -> Any:
    from sklearn.tree import DecisionTreeClassifier

    return DecisionTreeClassifier(criterion="entropy", max_depth=1, random_state=0)  # auto-sklearn's node


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
    prepared = Prepared(features, numeric, categorical, np.asarray(y),
                        *_subsample(features, numeric, categorical, np.asarray(y), seed),
                        *_moment_sample(len(features), numeric, len(categorical), seed))
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


def _moment_sample(n_rows: int, numeric: list[str], n_categorical: int,
                   seed: int) -> tuple[np.ndarray | None, list[str]]:
    """The rows (None: all) and numeric columns the moments read.

    All while they fit MOMENT_CELLS, else a seeded random sample of rows (and of columns beyond
    MOMENT_COLUMNS), never a head slice.
    """
    rng = np.random.default_rng([seed, 1])
    columns = numeric
    if len(columns) > MOMENT_COLUMNS:
        columns = [numeric[i] for i in np.sort(rng.choice(len(numeric), MOMENT_COLUMNS, replace=False))]
    keep = max(MOMENT_MIN_ROWS, MOMENT_CELLS // max(len(columns) + n_categorical, 1))
    rows = np.sort(rng.choice(n_rows, keep, replace=False)) if n_rows > keep else None
    return rows, columns


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
