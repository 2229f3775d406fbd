"""Classifiers of the search space, in order: the first applicable one is the slot's default.

Strong general-purpose models come first, then linear, kernel and neighbour models, then the cheap
baselines. New classifiers (e.g. torch networks) are appended here and nowhere else.
"""

from __future__ import annotations

from autoclf.components.base import Component
from autoclf.components.classifiers.adaboost import AdaBoost
from autoclf.components.classifiers.bernoulli_nb import BernoulliNB
from autoclf.components.classifiers.decision_tree import DecisionTree
from autoclf.components.classifiers.extra_trees import ExtraTrees
from autoclf.components.classifiers.gaussian_nb import GaussianNB
from autoclf.components.classifiers.hist_gradient_boosting import HistGradientBoosting
from autoclf.components.classifiers.k_nearest_neighbors import KNearestNeighbors
from autoclf.components.classifiers.kernel_svm import KernelSVM
from autoclf.components.classifiers.lda import LDA
from autoclf.components.classifiers.linear_svm import LinearSVM
from autoclf.components.classifiers.logistic_regression import LogisticRegression
from autoclf.components.classifiers.multinomial_nb import MultinomialNB
from autoclf.components.classifiers.passive_aggressive import PassiveAggressive
from autoclf.components.classifiers.qda import QDA
from autoclf.components.classifiers.random_forest import RandomForest
from autoclf.components.classifiers.sgd import SGD

CLASSIFIERS: tuple[type[Component], ...] = (
    HistGradientBoosting,  # the default: strong and fast on any size (random forest takes minutes on 50k rows)
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
