"""OpenML data behind one interface: the ``openml`` package, or a local mirror of parquet files.

``open_source("openml:99")`` (a suite), ``open_source("openml:task=31,3")`` or ``open_source(path)`` gives a
:class:`Source`; its :class:`Task` objects yield X, y, feature types and train/test splits. The meta-database
rebuild and the benchmarks read data only through here, so a run on the mirror and one on OpenML differ in
the spec string alone. OpenML is read from openml-python's cache when it holds the task (``openml_cache``),
and when it cannot be had, :class:`OpenMLUnavailable` (a ValueError) says so in one line.
"""

from __future__ import annotations

from pathlib import Path

from autoclf.tools.sources.base import Source, Task
from autoclf.tools.sources.mirror import mirror_source
from autoclf.tools.sources.openml_cache import OpenMLUnavailable


def open_source(spec: str | Path, openml_cache: str | Path | None = None) -> Source:
    """``"openml:<suite>"``, ``"openml:task=<id>,<id>"``, ``"openml:data=<id>,<id>"``, or a mirror folder;
    ``openml_cache`` is openml-python's cache folder for OpenML specs (None: openml-python's configured one)."""
    text = str(spec)
    if text.startswith("openml"):
        from autoclf.tools.sources.openml_source import openml_source

        return openml_source(text.partition(":")[2], cache=openml_cache)
    return mirror_source(Path(text))


__all__ = ["OpenMLUnavailable", "Source", "Task", "open_source"]
