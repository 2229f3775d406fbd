"""Gaussian naive Bayes: near-instant baseline; competitive on small data with independent features."""

from __future__ import annotations

from sklearn.naive_bayes import GaussianNB as _GaussianNB

from autoclf.components.base import Component


class GaussianNB(Component, _GaussianNB):
    """No hyperparameters searched (as in auto-sklearn)."""

    name = "gaussian_nb"
    slot = "classifier"
    supports_sample_weight = True
