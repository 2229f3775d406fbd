"""Neural networks (torch) as search-space classifiers; the lead appends ``NETWORKS`` to the registry.

Importing this package does not import torch: the torch code lives in ``modules`` and ``training``,
which the estimator imports inside fit and predict only.
"""

from __future__ import annotations

from autoclf.components.base import Component
from autoclf.components.networks.estimator import MLPClassifier

NETWORKS: tuple[type[Component], ...] = (MLPClassifier,)

__all__ = ["NETWORKS", "MLPClassifier"]
