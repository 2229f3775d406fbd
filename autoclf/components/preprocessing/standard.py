"""Standardization: zero mean, unit variance, what linear models, SVMs and k-NN expect."""

from __future__ import annotations

from sklearn.preprocessing import StandardScaler

from autoclf.components.base import Component


class Standard(Component, StandardScaler):
    name = "standard"
    slot = "scaling"
    preserves_nonnegative = False
