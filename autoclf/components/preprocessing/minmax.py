"""Min-max scaling to [0, 1]: keeps inputs non-negative (multinomial NB) and bounded."""

from __future__ import annotations

from typing import Any

from sklearn.preprocessing import MinMaxScaler

from autoclf.components.base import Component


class MinMax(Component, MinMaxScaler):
    """MinMaxScaler with ``clip=True``: held-out values outside the fit range stay within [0, 1]."""

    name = "minmax"
    slot = "scaling"

    def __init__(self, feature_range: Any = (0, 1), *, copy: bool = True, clip: bool = True) -> None:
        super().__init__(feature_range=feature_range, copy=copy, clip=clip)
