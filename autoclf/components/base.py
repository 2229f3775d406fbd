"""The contract every search-space component follows.

A component is a scikit-learn estimator (transformer or classifier) with explicit keyword parameters,
plus three class-level things the search space needs: its ``name`` and ``slot`` in the pipeline, its
hyperparameter space for a given data set, and whether it applies to that data set at all.
Components are listed explicitly in ``autoclf.components.registry``; nothing is discovered by scanning.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import numpy as np
from ConfigSpace import ConfigurationSpace

from autoclf.dataset.info import DatasetInfo

if TYPE_CHECKING:
    from typing_extensions import Self

Slot = Literal["imputation", "encoding", "scaling", "feature_preprocessor", "classifier"]
SLOTS: tuple[str, ...] = ("imputation", "encoding", "scaling", "feature_preprocessor", "classifier")


class Component:
    """Mixin that turns a scikit-learn estimator into a search-space component.

    Put it first in the bases: ``class RandomForest(Component, RandomForestClassifier)``. The estimator's
    own ``__init__`` stays the source of parameter names, so ``get_params``/``clone`` work unchanged.
    """

    name: ClassVar[str]
    slot: ClassVar[Slot]
    #: classifiers: fit() accepts sample_weight, so class balancing can weight rows
    supports_sample_weight: ClassVar[bool] = False
    #: classifiers: inputs must be >= 0 (multinomial naive Bayes)
    requires_nonnegative: ClassVar[bool] = False
    #: scalers and feature preprocessors: non-negative input gives non-negative output
    preserves_nonnegative: ClassVar[bool] = True
    #: classifiers: the iteration count (epochs, trees, boosting rounds) that multi-fidelity search scales
    #: down for cheap low-budget trials; classifiers without one train on a row subsample instead
    fidelity_parameter: ClassVar[str | None] = None
    #: classifiers: the preprocessing their default configuration runs with (slot -> component name), e.g.
    #: boosting libraries take categoricals as ordinal codes, natively, rather than one-hot columns
    preferred_preprocessing: ClassVar[dict[str, str]] = {}
    #: heavy modules a trial of this component imports (torch, a boosting library): trial workers import
    #: them before the first trial's clock starts, only when the component is in the space
    preload_modules: ClassVar[tuple[str, ...]] = ()
    #: bump when the component's behaviour changes without a change to its search space (early stopping, an
    #: encoding): the meta-database's entries that used it become stale (``metalearning.fingerprints``)
    revision: ClassVar[int] = 0

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        """Hyperparameters (unprefixed names), with conditions; defaults must be a strong setting."""
        return ConfigurationSpace()

    @classmethod
    def not_applicable_reason(cls, info: DatasetInfo) -> str | None:
        """None when the component can run on this data, else why not (e.g. too many rows)."""
        return None

    @classmethod
    def from_config(
        cls, params: dict[str, Any], info: DatasetInfo, random_state: int | None = None
    ) -> Self:
        """Build the estimator from the values of a configuration (unprefixed names)."""
        kwargs = {key: to_python(value) for key, value in params.items()}
        accepted = _init_parameter_names(cls)
        if "random_state" in accepted and "random_state" not in kwargs:
            kwargs["random_state"] = random_state
        if "n_jobs" in accepted and "n_jobs" not in kwargs:
            kwargs["n_jobs"] = 1  # a trial gets one core; parallelism is across trials
        unknown = set(kwargs) - accepted
        if unknown:
            raise TypeError(f"{cls.__name__} got hyperparameters it does not take: {sorted(unknown)}")
        return cls(**kwargs)


def to_python(value: Any) -> Any:
    """ConfigSpace hands out numpy scalars (np.False_, np.int64); estimators want plain Python values."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def _init_parameter_names(cls: type[Any]) -> set[str]:
    signature = inspect.signature(cls.__init__)
    return {
        name
        for name, parameter in signature.parameters.items()
        if name != "self" and parameter.kind not in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL)
    }
