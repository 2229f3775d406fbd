"""Classifiers of the search space, in order: the first applicable one is the slot's default.

Strong general-purpose models come first (the boosting libraries, whose modules import their library only
in fit, then scikit-learn's), then linear, kernel and neighbour models, then the cheap
baselines. New classifiers (e.g. torch networks) are appended here and nowhere else.
"""

from __future__ import annotations

from autoclf.components.base import Component
from autoclf.components.classifiers.adaboost import AdaBoost
from autoclf.components.classifiers.bernoulli_nb import BernoulliNB
from autoclf.components.classifiers.catboost_boosting import CatBoost
from autoclf.components.classifiers.decision_tree import DecisionTree
from autoclf.components.classifiers.extra_trees import ExtraTrees
from autoclf.components.classifiers.gaussian_nb import GaussianNB
from autoclf.components.classifiers.hist_gradient_boosting import HistGradientBoosting
from autoclf.components.classifiers.k_nearest_neighbors import KNearestNeighbors
from autoclf.components.classifiers.kernel_svm import KernelSVM
from autoclf.components.classifiers.lda import LDA
from autoclf.components.classifiers.lightgbm_boosting import LightGBM
from autoclf.components.classifiers.linear_svm import LinearSVM
from autoclf.components.classifiers.logistic_regression import LogisticRegression
from autoclf.components.classifiers.multinomial_nb import MultinomialNB
from autoclf.components.classifiers.passive_aggressive import PassiveAggressive
from autoclf.components.classifiers.qda import QDA
from autoclf.components.classifiers.random_forest import RandomForest
from autoclf.components.classifiers.sgd import SGD
from autoclf.components.classifiers.xgboost_boosting import XGBoost

CLASSIFIERS: tuple[type[Component], ...] = (
    # the default (the first trial of every search): the best mean rank of the fast defaults (3.6 of 8 on 15
    # data sets), 0.2 s median fit (experiments/results/boosting_defaults.md); random forest takes minutes on
    # 50k rows
    LightGBM,
    CatBoost,  # the best default where time allows (mean rank 3.1 of 8), but 0.6 s median and 11 s at most
    XGBoost,
    HistGradientBoosting,  # needs no extra library: the strong default when the boosting libraries are absent
    RandomForest,
    ExtraTrees,
    LogisticRegression,
    LinearSVM,
    KernelSVM,
    SGD,
    PassiveAggressive,
    KNearestNeighbors,
    LDA,
    QDA,
    AdaBoost,
    DecisionTree,
    GaussianNB,
    BernoulliNB,
    MultinomialNB,
)

__all__ = ["CLASSIFIERS"]
