"""Logistic regression: a fast, well-calibrated linear baseline that is hard to beat on small data."""

from __future__ import annotations

from typing import Any

from ConfigSpace import ConfigurationSpace, Float
from sklearn.linear_model import LogisticRegression as _LogisticRegression

from autoclf.components.base import Component
from autoclf.components.classifiers._calibrated import quiet_convergence
from autoclf.dataset.info import DatasetInfo


class LogisticRegression(Component, _LogisticRegression):
    name = "logistic_regression"
    slot = "classifier"
    supports_sample_weight = True
    # its default runs on one-hot columns and standardised numbers (the space's default preprocessing now
    # suits LightGBM: ordinal codes, no scaling, on which a linear model is much weaker)
    preferred_preprocessing = {"encoding": "one_hot", "scaling": "standard"}

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        return ConfigurationSpace(space=[Float("C", (1e-4, 1e4), default=1.0, log=True)])

    @classmethod
    def from_config(
        cls, params: dict[str, Any], info: DatasetInfo, random_state: int | None = None
    ) -> LogisticRegression:
        # L2 penalty (l1_ratio=0) with lbfgs; n_jobs is a deprecated no-op since scikit-learn 1.8, so it
        # stays None instead of the automatic n_jobs=1 (which would warn)
        fixed = {"solver": "lbfgs", "max_iter": 1000, "n_jobs": None}
        return super().from_config({**fixed, **params}, info, random_state)

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> LogisticRegression:
        with quiet_convergence():
            return super().fit(X, y, sample_weight=sample_weight)
