"""The initial design: what the search runs before SMAC's model has data, in order, each with its origin.

The space's default first (SMAC adds it), then the user's configurations, then either the meta-database's
portfolio or the family defaults followed by the warm start's picks (``initial_design``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, cast

from ConfigSpace import CategoricalHyperparameter, Configuration, ConfigurationSpace

from autoclf.components.registry import Registry
from autoclf.configspace.builder import choice_name, complete_configuration, preferred_preprocessing
from autoclf.configspace.origins import Origin

#: model families whose defaults run right after the space's default (LightGBM): CatBoost (the strongest
#: default, experiments/boosting_defaults.py), XGBoost (categorical codes as numbers, where LightGBM's
#: default splits them natively), bagged trees, randomised trees, a linear model and a network, so every
#: family has a data point before SMAC's model takes over
FAMILY_DEFAULTS = ("catboost", "xgboost", "random_forest", "extra_trees", "logistic_regression", "mlp")


def classifier_defaults(space: ConfigurationSpace, n: int = len(FAMILY_DEFAULTS), registry: Registry | None = None
                        ) -> list[Configuration]:
    """Default configurations of up to ``n`` more classifiers after the space's default one.

    Cheap, strong starting points that cover the main model families (trees, boosting, linear, networks)
    before the optimiser's model has data; FLAML starts from low-cost defaults for the same reason. The
    families of ``FAMILY_DEFAULTS`` come first, then the space's other classifiers in registry order.
    """
    choice = cast(CategoricalHyperparameter, space[choice_name("classifier")])
    candidates = [name for name in FAMILY_DEFAULTS if name in choice.choices]
    candidates += [name for name in choice.choices if name not in candidates]
    others = [name for name in candidates if name != choice.default_value][:n]
    return [complete_configuration(space, {**preferred_preprocessing(space, name, registry), choice.name: name})
            for name in others]


def initial_design(defaults: list[Configuration], warm: list[Configuration], replaces_defaults: bool
                   ) -> list[Configuration]:
    """The initial design after the space's default.

    A portfolio from the meta-database (``replaces_defaults``) runs instead of the family defaults: it was
    chosen on a dense matrix where the defaults were candidates too. Otherwise the family defaults run
    first, then the warm-start picks (kNN picks are often slower: networks, many trees; measured with
    experiments/warm_start.py, warm-first was behind cold start at 10 % of a 60 s budget).

    Origins are honest: a configuration that a cold start runs anyway is labelled "default", whoever
    picked it, so the leaderboard credits the warm start only for what it added.
    """
    design = list(warm) if replaces_defaults else [*defaults, *(pick for pick in warm if pick not in defaults)]
    for config in design:
        if config in defaults:
            config.origin = Origin.DEFAULT
    return design


def initial_configurations(space: ConfigurationSpace, registry: Registry, given: Iterable[Mapping[str, Any]],
                           warm_start: Any = None) -> list[Configuration]:
    """Everything the search starts with after the space's default: the user's configurations (completed with
    defaults), then ``initial_design`` of the family defaults and ``warm_start`` (a
    ``metalearning.warmstart.WarmStart`` or None), each configuration once, with its origin."""
    user = [complete_configuration(space, partial) for partial in given]
    for config in user:
        config.origin = Origin.USER
    warm = [config for config in (warm_start.configs if warm_start else []) if config not in user]
    defaults = classifier_defaults(space, registry=registry)
    for config in defaults:
        config.origin = Origin.DEFAULT
    design = initial_design(defaults, warm, bool(warm_start and warm_start.replaces_defaults))
    return user + [config for config in design if config not in user]
