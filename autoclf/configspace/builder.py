"""One conditional ConfigurationSpace for the data at hand, assembled from the registry.

Names follow auto-sklearn's scheme: ``classifier:__choice__`` picks a component and
``classifier:random_forest:n_estimators`` is one of its hyperparameters, active only when chosen.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from typing import cast

from ConfigSpace import (
    Categorical,
    CategoricalHyperparameter,
    Configuration,
    ConfigurationSpace,
    EqualsCondition,
    ForbiddenAndConjunction,
    ForbiddenEqualsClause,
    ForbiddenInClause,
    OrConjunction,
)
from ConfigSpace.conditions import Conjunction
from ConfigSpace.forbidden import ForbiddenClause, ForbiddenConjunction
from ConfigSpace.hyperparameters import Hyperparameter
from ConfigSpace.util import deactivate_inactive_hyperparameters

from autoclf.components.base import SLOTS, Component
from autoclf.components.registry import Registry
from autoclf.dataset.info import DatasetInfo

logger = logging.getLogger(__name__)

CHOICE = "__choice__"
BALANCING = "balancing:strategy"
ComponentFilter = Iterable[str] | Mapping[str, Iterable[str]] | None


def choice_name(slot: str) -> str:
    return f"{slot}:{CHOICE}"


def active_slots(info: DatasetInfo) -> list[str]:
    """Slots that have work to do: no imputer or scaler without numeric columns, no encoder without categoricals."""
    has_numeric = bool(info.numeric_columns or info.boolean_columns)
    wanted = {
        "imputation": has_numeric,
        "scaling": has_numeric,
        "encoding": bool(info.categorical_columns),
        "feature_preprocessor": True,
        "classifier": True,
    }
    return [slot for slot in SLOTS if wanted[slot]]


def select_components(
    registry: Registry, info: DatasetInfo, include: ComponentFilter = None, exclude: ComponentFilter = None,
    check_applicable: bool = True,
) -> dict[str, list[type[Component]]]:
    """Components per active slot after include/exclude and applicability; errors name the problem.
    ``check_applicable=False`` keeps every component (the meta-database's reference space: its hash must
    not depend on which optional libraries this machine has)."""
    known = registry.names()
    included = _by_slot(include, known, "include")
    excluded = _by_slot(exclude, known, "exclude")
    selected: dict[str, list[type[Component]]] = {}
    for slot in active_slots(info):
        candidates = [
            c
            for c in registry.components(slot)
            if (slot not in included or c.name in included[slot]) and c.name not in excluded.get(slot, set())
        ]
        usable, reasons = [], []
        for component in candidates:
            reason = component.not_applicable_reason(info) if check_applicable else None
            if reason is None:
                usable.append(component)
            else:
                reasons.append(f"{component.name}: {reason}")
                log = logger.warning if slot in included else logger.debug
                log("component %s left out of the search space: %s", component.name, reason)
        if not usable:
            detail = "; ".join(reasons) or "every component was excluded"
            raise ValueError(f"no component left for slot {slot!r} on this data ({detail})")
        selected[slot] = usable
    return selected


def build_configuration_space(
    info: DatasetInfo,
    registry: Registry,
    include: ComponentFilter = None,
    exclude: ComponentFilter = None,
    seed: int | None = None,
    check_applicable: bool = True,
) -> ConfigurationSpace:
    """The joint space: one choice per active slot, each component's own space under it, balancing, forbiddens."""
    selected = select_components(registry, info, include, exclude, check_applicable)
    space = ConfigurationSpace(seed=seed)
    has_weights = any(c.supports_sample_weight for c in selected["classifier"])
    hyperparameters: list = [Categorical(BALANCING, ["none", "weighting"], default="none")] if has_weights else []
    conditions: list = []
    forbiddens: list = []
    preferred = selected["classifier"][0].preferred_preprocessing  # the default classifier's own preprocessing
    for slot, components in selected.items():
        names = [c.name for c in components]
        default = preferred[slot] if preferred.get(slot) in names else names[0]
        choice = Categorical(choice_name(slot), names, default=default)
        hyperparameters.append(choice)
        for component in components:
            _prefixed(component.search_space(info), f"{slot}:{component.name}:", choice, component.name,
                      hyperparameters, conditions, forbiddens)
    # one add for the whole space: ConfigSpace rebuilds its condition tree on every add (3 s per space
    # with one add per component on a busy core, paid by every fit and twice with a warm start)
    space.add(hyperparameters, conditions, forbiddens)
    _add_forbidden_combinations(space, selected, has_weights)
    return space


def _prefixed(sub_space: ConfigurationSpace, prefix: str, choice: Hyperparameter, value: str, hyperparameters: list,
              conditions: list, forbiddens: list) -> None:
    """A component's space renamed under ``prefix`` and active when ``choice`` is ``value``, appended to the
    three lists (what ``ConfigurationSpace.add_configuration_space`` adds, without its per-call rebuild)."""
    renamed = {}
    for hp in sub_space.values():
        copied = copy.copy(hp)
        copied.name = prefix + hp.name
        renamed[hp.name] = copied
    for condition in sub_space.conditions:
        copied_condition = copy.copy(condition)
        for part in copied_condition.dlcs if isinstance(copied_condition, Conjunction) else [copied_condition]:
            part.child, part.parent = renamed[part.child.name], renamed[part.parent.name]
        conditions.append(copied_condition)
    for clause in sub_space.forbidden_clauses:
        copied_clause = copy.copy(clause)
        pieces = copied_clause.dlcs if isinstance(copied_clause, ForbiddenConjunction) else [copied_clause]
        for piece in cast(Iterable[ForbiddenClause], pieces):  # value clauses: no component forbids a relation
            piece.hyperparameter = renamed[piece.hyperparameter.name]
        forbiddens.append(copied_clause)
    children = {name for name, parents in sub_space.parents_of.items() if parents}
    hyperparameters.extend(renamed.values())
    conditions.extend(EqualsCondition(hp, choice, value) for name, hp in renamed.items() if name not in children)


def _add_forbidden_combinations(
    space: ConfigurationSpace, selected: dict[str, list[type[Component]]], has_weights: bool
) -> None:
    classifier_choice = space[choice_name("classifier")]
    classifiers = selected["classifier"]
    if has_weights:
        unweighted = [c.name for c in classifiers if not c.supports_sample_weight]
        if unweighted:
            # weighting would be a silent no-op for these: forbid it rather than waste trials on duplicates
            space.add(
                ForbiddenAndConjunction(
                    ForbiddenEqualsClause(space[BALANCING], "weighting"),
                    ForbiddenInClause(classifier_choice, unweighted),
                )
            )
    for needs_nonnegative in (c for c in classifiers if c.requires_nonnegative):
        for slot in ("scaling", "feature_preprocessor"):
            if slot not in selected:
                continue
            signed = [c.name for c in selected[slot] if not c.preserves_nonnegative]
            if signed and len(signed) < len(selected[slot]):
                space.add(
                    ForbiddenAndConjunction(
                        ForbiddenEqualsClause(classifier_choice, needs_nonnegative.name),
                        ForbiddenInClause(space[choice_name(slot)], signed),
                    )
                )


def space_hash(space: ConfigurationSpace) -> str:
    """A stable fingerprint of a space, so stored configurations are only reused on the space they fit."""
    described = {
        "hyperparameters": sorted(str(hp) for hp in space.values()),
        "conditions": sorted(str(c) for c in space.conditions),
        "forbiddens": sorted(str(f) for f in space.forbidden_clauses),
    }
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()[:16]


def _by_slot(spec: ComponentFilter, known: dict[str, str], what: str) -> dict[str, set[str]]:
    if spec is None:
        return {}
    if isinstance(spec, str):
        raise TypeError(f"{what}= takes a list of component names or a dict slot -> names, got the string {spec!r}")
    if not isinstance(spec, (Mapping, Iterable)):
        raise TypeError(f"{what}= takes a list of component names or a dict slot -> names, got "
                        f"{type(spec).__name__} {spec!r}")
    result: dict[str, set[str]] = {}
    if isinstance(spec, Mapping):
        pairs = [(slot, name) for slot, names in spec.items() for name in _as_list(names, what)]
        for slot, _ in pairs:
            if slot not in SLOTS:
                raise ValueError(f"{what}= names an unknown slot {slot!r}; slots are {list(SLOTS)}")
    else:
        pairs = [(known.get(name, ""), name) for name in spec]
    for slot, name in pairs:
        if name not in known or known[name] != slot:
            valid = sorted(n for n, s in known.items() if not slot or s == slot)
            raise ValueError(f"{what}= names an unknown component {name!r}; known components: {valid}")
        result.setdefault(slot, set()).add(name)
    return result


def _as_list(names: Iterable[str], what: str) -> list[str]:
    if isinstance(names, str):
        return [names]
    return list(names)


def complete_configuration(space: ConfigurationSpace, partial: Mapping[str, object]) -> Configuration:
    """A full configuration from a partial one: unspecified hyperparameters take their defaults.

    ``{"classifier:__choice__": "extra_trees"}`` becomes extra trees with its default hyperparameters and
    the default preprocessing. Unknown names or values outside the space raise a ValueError naming them.
    """
    unknown = sorted(set(partial) - set(space.keys()))
    if unknown:
        raise ValueError(f"configuration names hyperparameters not in the space: {unknown}")
    values = {hp.name: hp.default_value for hp in space.values()}
    values.update(partial)
    try:
        config = _active_configuration(space, values)
        config.check_valid_configuration()
    except (ValueError, TypeError) as error:
        raise ValueError(f"invalid configuration {dict(partial)}: {error}") from error
    return config


def _active_configuration(space: ConfigurationSpace, values: dict[str, object]) -> Configuration:
    """The Configuration of the active subset of ``values``, in one pass over the space (parents first).

    ConfigSpace's ``deactivate_inactive_hyperparameters`` builds a new Configuration per inactive
    hyperparameter: ~0.3 s per call on the joint space on an idle core, seconds on a busy one; the initial
    design and the warm start call this dozens of times, inside the fit's budget.
    """
    if any(isinstance(condition, OrConjunction) for condition in space.conditions):
        return deactivate_inactive_hyperparameters(values, space)  # a missing parent may still satisfy an Or
    active: dict[str, object] = {}
    for hp in space.values():  # topological order: every parent comes before its children
        try:
            is_active = all(condition.satisfied_by_value(active) for condition in space.parent_conditions_of[hp.name])
        except KeyError:  # a parent is inactive itself
            is_active = False
        if is_active:
            active[hp.name] = values[hp.name]
    return Configuration(space, values=active)


def preferred_preprocessing(space: ConfigurationSpace, classifier: str, registry: Registry | None = None
                            ) -> dict[str, str]:
    """The choices of ``classifier``'s preferred preprocessing (``Component.preferred_preprocessing``) that
    this space offers, as a partial configuration; the classifier is looked up in ``registry`` (default:
    the shipped one)."""
    if registry is None:
        from autoclf.components.registry import default_registry

        registry = default_registry()
    try:
        component = registry.get("classifier", classifier)
    except KeyError:
        return {}
    partial = {}
    for slot, name in component.preferred_preprocessing.items():
        key = choice_name(slot)
        if key in space and name in cast(CategoricalHyperparameter, space[key]).choices:
            partial[key] = name
    return partial


def modules_to_preload(space: ConfigurationSpace, registry: Registry, default_only: bool = False) -> list[str]:
    """Heavy modules that the space's classifiers import (``Component.preload_modules``), for trial workers
    to import before the first trial's clock starts; ``default_only``: those of the space's default
    classifier (the first trial), the others being imported when a trial needs them."""
    choice = cast(CategoricalHyperparameter, space[choice_name("classifier")])
    names = [choice.default_value] if default_only else choice.choices
    modules = {module for name in names for module in registry.get("classifier", name).preload_modules}
    return sorted(modules)
