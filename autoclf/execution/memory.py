"""The memory of a process tree, read from outside: the trial worker's watch and the benchmark's both use it.

Why from outside: a limit the process enforces on itself fails exactly when it matters (stuck in C code,
swapping); the parent samples the whole tree (a trial's own children included) and kills it.
"""

from __future__ import annotations

import psutil


def tree_memory_mb(pid: int, proportional: bool = False) -> tuple[float, float]:
    """(summed resident set size, summed proportional set size) of ``pid`` and its descendants, in MB.

    PSS splits a page shared by several processes (a forkserver and the workers it forks) between them: what
    the tree really takes. It reads smaps_rollup (~1 ms a process on Linux), so only with ``proportional``;
    otherwise the second value repeats the RSS. (0, 0) once the process is gone."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0.0, 0.0
    rss = pss = 0
    for process in processes:
        try:
            if proportional:
                info = process.memory_full_info()
                rss += info.rss
                pss += getattr(info, "pss", info.rss)
            else:
                rss += process.memory_info().rss
        except psutil.Error:
            pass
    return rss / 2**20, (pss if proportional else rss) / 2**20


class MemoryWatcher:
    """The resident memory of a process tree, sampled by its parent, with the peak seen so far."""

    def __init__(self, pid: int):
        self.pid = pid
        self.peak_mb = 0.0

    def sample(self) -> float:
        mb, _ = tree_memory_mb(self.pid)
        self.peak_mb = max(self.peak_mb, mb)
        return mb
