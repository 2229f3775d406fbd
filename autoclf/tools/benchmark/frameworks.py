"""The frameworks a benchmark compares, by name: autoclf variants, scikit-learn baselines, other AutoML systems.

A framework here is only a description (what ``fit_worker`` should fit, with which parameters, under which
Python); the fitting happens in ``fit_worker``, a script run in its own process, so that nothing a
framework imports or leaks survives into the next run.

Names accepted by ``--frameworks`` (comma-separated):

* ``autoclf`` (the defaults of the tree), the named variants in ``AUTOCLF_VARIANTS``, or any flags as
  ``autoclf[warm_start=none;ensemble=stacking;distill=true]``;
* ``hgb``, ``rf``, ``lr``, ``constant``: default scikit-learn models behind minimal preprocessing;
* ``flaml``, ``autogluon``, ``tpot``: adapters, skipped with a message when the package is not importable.
  A peer installed in another environment runs there when ``AUTOCLF_PYTHON_<NAME>`` (e.g.
  ``AUTOCLF_PYTHON_FLAML=/tmp/flaml-venv/bin/python``) names its interpreter.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)

BASELINES = ("hgb", "rf", "lr", "constant")
PEERS = {"flaml": "flaml", "autogluon": "autogluon.tabular", "tpot": "tpot"}
#: named autoclf variants (flags of AutoClassifier, plus distill=true for the distilled student)
AUTOCLF_VARIANTS: dict[str, dict[str, Any]] = {
    "autoclf": {},
    "autoclf_cold": {"warm_start": None},
    "autoclf_best": {"ensemble": "best"},
    "autoclf_stacking": {"ensemble": "stacking"},
    "autoclf_student": {"distill": True},
}


@dataclass(frozen=True)
class Framework:
    """What to run: ``kind`` selects the fit function in ``fit_worker``; ``params`` go to it as keywords."""

    name: str
    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    python: str = sys.executable

    @property
    def slug(self) -> str:
        """The name made safe for a file name (variant brackets and '=' become '_')."""
        return re.sub(r"[^A-Za-z0-9_.-]+", "_", self.name).strip("_")


def parse_frameworks(text: str) -> list[Framework]:
    """``"autoclf,hgb,autoclf[ensemble=best;warm_start=none]"`` -> frameworks; unknown names raise."""
    names = [part.strip() for part in re.split(r",(?![^\[]*\])", text) if part.strip()]
    frameworks = [parse_framework(name) for name in names]
    if len({f.name for f in frameworks}) != len(frameworks):
        raise ValueError(f"a framework is named twice in {text!r}")
    return frameworks


def parse_framework(name: str) -> Framework:
    """One framework by name (see the module docstring for the names)."""
    if name in AUTOCLF_VARIANTS:
        return Framework(name, "autoclf", dict(AUTOCLF_VARIANTS[name]))
    match = re.fullmatch(r"autoclf\[(.*)\]", name)
    if match:
        return Framework(name, "autoclf", _parse_flags(match.group(1)))
    if name in BASELINES:
        return Framework(name, name)
    if name in PEERS:
        return Framework(name, name, python=os.environ.get(f"AUTOCLF_PYTHON_{name.upper()}", sys.executable))
    raise ValueError(f"unknown framework {name!r}: use autoclf, {', '.join(AUTOCLF_VARIANTS)}, "
                     f"autoclf[flag=value;...], {', '.join(BASELINES)} or {', '.join(PEERS)}")


def available(framework: Framework) -> tuple[bool, str]:
    """Whether the framework's package imports under its Python, and why not (the message the CLI shows)."""
    module = PEERS.get(framework.kind)
    if module is None:
        return True, ""
    if framework.python == sys.executable:
        found = importlib.util.find_spec(module.split(".")[0]) is not None
    else:
        probe = subprocess.run([framework.python, "-c", f"import {module}"], capture_output=True, timeout=300)
        found = probe.returncode == 0
    if found:
        return True, ""
    return False, (f"{framework.name}: {module} is not importable with {framework.python}; skipped "
                   f"(pip install {framework.kind}, or set AUTOCLF_PYTHON_{framework.kind.upper()})")


def _parse_flags(text: str) -> dict[str, Any]:
    flags: dict[str, Any] = {}
    for part in filter(None, (piece.strip() for piece in text.split(";"))):
        key, sep, value = part.partition("=")
        if not sep:
            raise ValueError(f"autoclf flag {part!r} is not key=value")
        flags[key.strip()] = _value(value.strip())
    return flags


def _value(text: str) -> Any:
    lowered = text.lower()
    if lowered in ("none", "null"):
        return None
    if lowered in ("true", "false"):
        return lowered == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text
