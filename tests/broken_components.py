"""Deliberately broken classifiers, registered through ``extra_components`` to test fault handling."""

from __future__ import annotations

import os
import time

import numpy as np
from ConfigSpace import ConfigurationSpace, Integer
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.dummy import DummyClassifier

from autoclf.components.base import Component


class _Broken(Component, ClassifierMixin, BaseEstimator):
    slot = "classifier"

    def __init__(self, size: int = 1):
        self.size = size

    @classmethod
    def search_space(cls, info) -> ConfigurationSpace:
        return ConfigurationSpace([Integer("size", (1, 10), default=1)])

    def predict_proba(self, X):
        return self.model_.predict_proba(X)

    def predict(self, X):
        return self.model_.predict(X)

    def _fit_dummy(self, X, y):
        self.model_ = DummyClassifier(strategy="prior").fit(X, y)
        self.classes_ = self.model_.classes_
        return self


class RaisingClassifier(_Broken):
    name = "raising"

    def fit(self, X, y):
        raise RuntimeError("this component always fails")


class SleepingClassifier(_Broken):
    name = "sleeping"

    def fit(self, X, y):
        time.sleep(3600)
        return self._fit_dummy(X, y)


class MemoryHungryClassifier(_Broken):
    name = "memory_hungry"

    def fit(self, X, y):
        blocks = []
        for _ in range(64):  # 64 x 256 MB, touched so the pages are really resident
            blocks.append(np.ones(2**25))
            time.sleep(0.02)
        return self._fit_dummy(X, y)


class AbortingClassifier(_Broken):
    name = "aborting"

    def fit(self, X, y):
        os.abort()
