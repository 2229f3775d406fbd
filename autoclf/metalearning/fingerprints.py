"""Fingerprints that decide which stored meta-knowledge is still valid after the code changes.

The meta-database stores, per data set and configuration, losses that took hours of searches and
evaluations to compute. A change to one component (its hyperparameters, their ranges or defaults, or its
behaviour, declared by bumping ``Component.revision``) must invalidate only the entries that used it, so
each entry carries the fingerprints of the components its configuration activates.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from typing import Any

#: the choice hyperparameters of the joint space, one per slot, whose value names the active component
CHOICE_SUFFIX = ":__choice__"
#: the entry for hyperparameters that belong to no component (class balancing)
SHARED = "space/shared"


def configuration_key(config: Mapping[str, Any]) -> str:
    """A short stable id of a stored configuration (its sorted values)."""
    text = json.dumps({k: _plain(v) for k, v in sorted(config.items())}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def active_components(config: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(slot, component name) for each slot choice the configuration makes, sorted."""
    return sorted((key[: -len(CHOICE_SUFFIX)], str(value)) for key, value in config.items()
                  if key.endswith(CHOICE_SUFFIX))


def configuration_fingerprint(config: Mapping[str, Any], fingerprints: Mapping[str, str] | None = None) -> str:
    """The fingerprints of the components ``config`` uses, combined: equal as long as none of them changed."""
    table = component_fingerprints() if fingerprints is None else fingerprints
    keys = [SHARED, *(f"{slot}/{name}" for slot, name in active_components(config))]
    parts = [f"{key}={table.get(key, 'unknown')}" for key in keys]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def component_fingerprints(registry: Any = None) -> dict[str, str]:
    """``{"slot/name": fingerprint}`` for every component of ``registry`` (default: the shipped one), from its
    hyperparameters in the reference space (ranges, defaults, conditions) and its ``revision``."""
    return dict(_default_fingerprints()) if registry is None else _fingerprints(registry)


@functools.lru_cache(maxsize=1)
def _default_fingerprints() -> tuple[tuple[str, str], ...]:
    return tuple(sorted(_fingerprints(None).items()))


def _fingerprints(registry: Any) -> dict[str, str]:
    from autoclf.components.registry import default_registry

    registry = registry or default_registry()
    space = reference_space(registry)
    hyperparameters = [str(hp) for hp in space.values()]
    conditions = [str(condition) for condition in space.conditions]
    table = {}
    prefixes = [f"{slot}:{name}:" for slot, name, _ in _components(registry)]
    shared = sorted(text for text in hyperparameters if not any(prefix in text for prefix in prefixes))
    # hyperparameters outside every component (class balancing): their own entry, used by every configuration
    table[SHARED] = hashlib.sha256(json.dumps(shared).encode()).hexdigest()[:12]
    for slot, name, component in _components(registry):
        prefix = f"{slot}:{name}:"
        described = {
            "hyperparameters": sorted(text for text in hyperparameters if prefix in text),
            "conditions": sorted(text for text in conditions if text.split(" | ")[0].find(prefix) >= 0),
            "revision": int(getattr(component, "revision", 0)),
        }
        table[f"{slot}/{name}"] = hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()[:12]
    return table


def _components(registry: Any) -> list[tuple[str, str, Any]]:
    from autoclf.configspace.builder import SLOTS

    return [(slot, component.name, component) for slot in SLOTS for component in registry.components(slot)]


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def reference_space_hash(registry: Any = None) -> str:
    """Hash of the space for a reference data set with numeric, categorical and boolean columns and missing
    values: every component applies (optional libraries count as installed), so a change to any of them
    changes the hash."""
    return _default_reference_hash() if registry is None else _reference_hash(registry)


@functools.lru_cache(maxsize=1)
def _default_reference_hash() -> str:
    """Built once per process: building a whole space is not free on a busy machine."""
    return _reference_hash(None)


def _reference_hash(registry: Any) -> str:
    from autoclf.configspace.builder import space_hash

    return space_hash(reference_space(registry))


def reference_space(registry: Any = None) -> Any:
    """The space for the reference data set (every kind of column, missing values, three classes), with every
    component of ``registry`` (default: the shipped one) whether its library is installed or not."""
    from autoclf.components.registry import default_registry
    from autoclf.configspace.builder import build_configuration_space
    from autoclf.dataset.info import DatasetInfo

    info = DatasetInfo(n_rows=1000, n_classes=3, class_counts=(400, 350, 250),
                       numeric_columns=tuple(f"n{i}" for i in range(8)),
                       categorical_columns=("c0", "c1", "c2"), boolean_columns=("b0",), has_missing=True)
    # every component, installed or not: a machine without an optional boosting library reads the same file
    return build_configuration_space(info, registry or default_registry(), seed=0, check_applicable=False)
