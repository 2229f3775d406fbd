"""The explicit list of components, by slot; the only place that says what the search space may contain.

A ``Registry`` is a plain value: it pickles by class reference, so worker processes rebuild the same
pipelines without any global add-on state to re-sync (auto-sklearn's ``add_classifier`` weak spot).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from autoclf.components.base import SLOTS, Component


@dataclass(frozen=True)
class Registry:
    """Components per slot, in order (the first applicable one of a slot is its default)."""

    slots: Mapping[str, tuple[type[Component], ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        seen: dict[str, type[Component]] = {}
        for slot, components in self.slots.items():
            if slot not in SLOTS:
                raise ValueError(f"unknown slot {slot!r}; slots are {SLOTS}")
            for component in components:
                if component.slot != slot:
                    raise ValueError(f"{component.__name__} declares slot {component.slot!r}, listed under {slot!r}")
                if component.name in seen and seen[component.name] is not component:
                    raise ValueError(f"two components are named {component.name!r}")
                seen[component.name] = component

    def components(self, slot: str) -> tuple[type[Component], ...]:
        """The components of ``slot``, in order (none for a slot the registry does not fill)."""
        return tuple(self.slots.get(slot, ()))

    def get(self, slot: str, name: str) -> type[Component]:
        """The component called ``name`` in ``slot``; KeyError when there is none."""
        for component in self.components(slot):
            if component.name == name:
                return component
        raise KeyError(f"no component {name!r} in slot {slot!r}")

    def names(self) -> dict[str, str]:
        """Component name -> slot, over all slots."""
        return {c.name: slot for slot in self.slots for c in self.slots[slot]}

    def with_components(self, extra: Iterable[type[Component]]) -> "Registry":
        """A new registry with ``extra`` appended to their slots (a component of the same name is replaced)."""
        slots = {slot: list(components) for slot, components in self.slots.items()}
        for component in extra:
            if not (isinstance(component, type) and issubclass(component, Component)):
                raise TypeError(f"extra components must be Component subclasses, got {component!r}")
            current = slots.setdefault(component.slot, [])
            current[:] = [c for c in current if c.name != component.name] + [component]
        return Registry({slot: tuple(components) for slot, components in slots.items()})


def default_registry() -> Registry:
    """Every component autoclf ships, by slot."""
    from autoclf.components.classifiers import CLASSIFIERS
    from autoclf.components.features import FEATURE_PREPROCESSORS
    from autoclf.components.networks import NETWORKS
    from autoclf.components.preprocessing import ENCODERS, IMPUTERS, SCALERS

    return Registry(
        {
            "imputation": IMPUTERS,
            "encoding": ENCODERS,
            "scaling": SCALERS,
            "feature_preprocessor": FEATURE_PREPROCESSORS,
            "classifier": CLASSIFIERS + NETWORKS,
        }
    )
