"""Bernoulli naive Bayes: for binary or one-hot features (numeric ones split at 0, i.e. the mean)."""

from __future__ import annotations

from ConfigSpace import Categorical, ConfigurationSpace, Float
from sklearn.naive_bayes import BernoulliNB as _BernoulliNB

from autoclf.components.base import Component
from autoclf.dataset.info import DatasetInfo


class BernoulliNB(Component, _BernoulliNB):
    name = "bernoulli_nb"
    slot = "classifier"
    supports_sample_weight = True

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        return ConfigurationSpace(
            space=[
                Float("alpha", (1e-2, 100.0), default=1.0, log=True),
                Categorical("fit_prior", [True, False], default=True),
            ]
        )
