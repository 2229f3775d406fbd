"""Data preprocessing components, by slot; the first of each tuple is the slot's default."""

from __future__ import annotations

from autoclf.components.base import Component
from autoclf.components.preprocessing.minmax import MinMax
from autoclf.components.preprocessing.no_scaling import NoScaling
from autoclf.components.preprocessing.one_hot import OneHot
from autoclf.components.preprocessing.ordinal import Ordinal
from autoclf.components.preprocessing.quantile import Quantile
from autoclf.components.preprocessing.robust import Robust
from autoclf.components.preprocessing.simple_imputer import SimpleImputer
from autoclf.components.preprocessing.standard import Standard
from autoclf.components.preprocessing.text import TextEncoder

IMPUTERS: tuple[type[Component], ...] = (SimpleImputer,)
ENCODERS: tuple[type[Component], ...] = (OneHot, Ordinal)
SCALERS: tuple[type[Component], ...] = (Standard, MinMax, Robust, Quantile, NoScaling)

__all__ = [
    "ENCODERS",
    "IMPUTERS",
    "SCALERS",
    "MinMax",
    "NoScaling",
    "OneHot",
    "Ordinal",
    "Quantile",
    "Robust",
    "SimpleImputer",
    "Standard",
    "TextEncoder",
]
