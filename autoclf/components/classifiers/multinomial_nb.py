"""Multinomial naive Bayes: for count-like features (one-hot, bag of words); needs non-negative input."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from ConfigSpace import Categorical, ConfigurationSpace, Float
from sklearn.naive_bayes import MultinomialNB as _MultinomialNB

from autoclf.components.base import Component
from autoclf.dataset.info import DatasetInfo


class MultinomialNB(Component, _MultinomialNB):
    """MultinomialNB that clips negative inputs to 0 instead of raising.

    The search space pairs it only with non-negative scalers, but values can still come out slightly
    negative (an unseen category, a min-max scaler on test rows below the training minimum); clipping
    treats them as zero counts rather than failing the trial.
    """

    name = "multinomial_nb"
    slot = "classifier"
    supports_sample_weight = True
    requires_nonnegative = True

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        return ConfigurationSpace(
            space=[
                Float("alpha", (1e-2, 100.0), default=1.0, log=True),
                Categorical("fit_prior", [True, False], default=True),
            ]
        )

    # every fit and predict path validates X through these two hooks; clip right after validation
    def _check_X(self, X: Any) -> Any:
        return _clip_negative(super()._check_X(X))

    def _check_X_y(self, X: Any, y: Any, reset: bool = True) -> tuple[Any, Any]:
        X, y = super()._check_X_y(X, y, reset=reset)
        return _clip_negative(X), y


def _clip_negative(X: Any) -> Any:
    if sp.issparse(X):
        X = X.copy()
        X.data = np.maximum(X.data, 0)
        return X
    return np.maximum(X, 0)
