"""Linear discriminant analysis: shared-covariance Gaussian classes, strong on small, clean data."""

from __future__ import annotations

import warnings
from typing import Any

from ConfigSpace import Categorical, ConfigurationSpace, EqualsCondition, Float
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.utils.metaestimators import available_if

from autoclf.components.base import Component
from autoclf.dataset.info import DatasetInfo


def shrinkage_space(lowest_factor: float = 0.0) -> ConfigurationSpace:
    """Ledoit-Wolf ("auto") shrinkage or a fixed factor; shrinkage keeps covariances invertible."""
    space = ConfigurationSpace(
        space=[
            Categorical("shrinkage", ["auto", "manual"], default="auto"),
            Float("shrinkage_factor", (lowest_factor, 1.0), default=0.5),
        ]
    )
    space.add(EqualsCondition(space["shrinkage_factor"], space["shrinkage"], "manual"))
    return space


def shrinkage_params(params: dict[str, Any]) -> dict[str, Any]:
    """shrinkage="auto" or the float shrinkage_factor, in the estimator's single ``shrinkage`` argument."""
    params = dict(params)
    factor = params.pop("shrinkage_factor", None)
    if params.get("shrinkage", "auto") == "manual":
        params["shrinkage"] = float(factor if factor is not None else 0.5)
    else:
        params["shrinkage"] = "auto"
    return params


# auto_wrap_output_keys=None: set_output's wrapping would otherwise replace the hidden methods below; the
# ignore: scikit-learn is untyped, so mypy checks the keyword against object.__init_subclass__
class LDA(Component, LinearDiscriminantAnalysis, auto_wrap_output_keys=None):  # type: ignore[call-arg]
    name = "lda"
    slot = "classifier"

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        return shrinkage_space()

    @classmethod
    def from_config(cls, params: dict[str, Any], info: DatasetInfo, random_state: int | None = None) -> LDA:
        # lsqr is the solver that takes shrinkage; svd (the default) warns and fails on collinear data
        return super().from_config({"solver": "lsqr", **shrinkage_params(params)}, info, random_state)

    def fit(self, X: Any, y: Any) -> LDA:
        with warnings.catch_warnings():
            # a class with a single row: its (zero) covariance is pooled with the others, which is fine
            warnings.filterwarnings("ignore", message="Only one sample available")
            super().fit(X, y)
        if len(self.classes_) < 2:
            raise ValueError("LDA needs samples of at least 2 classes; got one class")
        return self

    # the lsqr solver has no projection: hide the inherited transformer methods (they would raise)
    @available_if(lambda self: False)
    def transform(self, X: Any) -> Any:
        raise NotImplementedError

    @available_if(lambda self: False)
    def fit_transform(self, X: Any, y: Any = None, **fit_params: Any) -> Any:
        raise NotImplementedError
