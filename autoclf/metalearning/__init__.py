"""Meta-learning: meta-features, the meta-database, warm starts and the rebuild command.

Submodules are imported on first use so that ``import autoclf`` stays light.
"""

from __future__ import annotations

from typing import Any

__all__ = ["compute_metafeatures"]


def compute_metafeatures(X: Any, y: Any, feature_types: Any = None, time_limit: float | None = None,
                         seed: int = 0) -> dict[str, float]:
    """Meta-features of (X, y) named like OpenML's data qualities (see ``metalearning.metafeatures``)."""
    from autoclf.metalearning.metafeatures import compute_metafeatures as compute

    return compute(X, y, feature_types=feature_types, time_limit=time_limit, seed=seed)
