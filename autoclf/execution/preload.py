"""Imported once by the forkserver, so every trial worker starts with the heavy modules already loaded."""

from autoclf.components.registry import default_registry
from autoclf.evaluation import trial  # noqa: F401

default_registry()  # imports every component module and the scikit-learn modules behind them
