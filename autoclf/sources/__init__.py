"""OpenML data behind one interface: the ``openml`` package, or a local mirror of parquet files.

``open_source("openml:99")`` (a suite), ``open_source("openml:task=31,3")`` or ``open_source(path)`` gives a
:class:`Source`; its :class:`Task` objects yield X, y, feature types and train/test splits. The meta-database
rebuild and the benchmarks read data only through here, so a run on the mirror and one on OpenML differ in
the spec string alone.
"""

from autoclf.sources.base import Source, Task, open_source

__all__ = ["Source", "Task", "open_source"]
