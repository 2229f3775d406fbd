"""Feature preprocessing components (slot ``feature_preprocessor``); the first, no_preprocessing, is the default."""

from __future__ import annotations

from autoclf.components.base import Component
from autoclf.components.features.extra_trees_selection import ExtraTreesSelection
from autoclf.components.features.fast_ica import FastICA
from autoclf.components.features.feature_agglomeration import FeatureAgglomeration
from autoclf.components.features.kernel_pca import KernelPCA
from autoclf.components.features.l1_selection import L1Selection
from autoclf.components.features.no_preprocessing import NoPreprocessing
from autoclf.components.features.nystroem import Nystroem
from autoclf.components.features.pca import PCA
from autoclf.components.features.polynomial import Polynomial
from autoclf.components.features.random_kitchen_sinks import RandomKitchenSinks
from autoclf.components.features.select_percentile import SelectPercentile
from autoclf.components.features.select_rates import SelectRates
from autoclf.components.features.truncated_svd import TruncatedSVD

FEATURE_PREPROCESSORS: tuple[type[Component], ...] = (
    NoPreprocessing,
    PCA,
    TruncatedSVD,
    SelectPercentile,
    SelectRates,
    Polynomial,
    Nystroem,
    RandomKitchenSinks,
    KernelPCA,
    FastICA,
    FeatureAgglomeration,
    ExtraTreesSelection,
    L1Selection,
)

__all__ = [
    "FEATURE_PREPROCESSORS",
    "ExtraTreesSelection",
    "FastICA",
    "FeatureAgglomeration",
    "KernelPCA",
    "L1Selection",
    "NoPreprocessing",
    "Nystroem",
    "PCA",
    "Polynomial",
    "RandomKitchenSinks",
    "SelectPercentile",
    "SelectRates",
    "TruncatedSVD",
]
