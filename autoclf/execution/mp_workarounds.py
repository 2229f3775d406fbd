"""multiprocessing's rough edges, in one place, each with the CPython versions it was checked on.

Checked on CPython 3.11.7 (the project's interpreter); tests/test_mp_workarounds.py pins each behaviour,
so a new Python that changes one fails there first, not in a user's fit.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from multiprocessing import forkserver


@contextlib.contextmanager
def main_without_phantom_file() -> Iterator[None]:
    """Hide ``__main__.__file__`` while starting a process when it names no file (``python -``, some shells).

    multiprocessing re-runs the parent's main file in a forkserver or spawned child; for "<stdin>" that fails
    and every trial would crash (3.11). Real script files are kept: they may define components the trials
    unpickle.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    phantom = path is not None and not os.path.isfile(path)
    if phantom:
        del main.__file__  # type: ignore[union-attr]
    try:
        yield
    finally:
        if phantom:
            main.__file__ = path  # type: ignore[union-attr]


def forkserver_running() -> bool:
    """Whether this process's forkserver is up. multiprocessing has no public way to ask (3.11): its private
    ``_forkserver_pid`` is set from ``ensure_running`` until the server is stopped."""
    return getattr(forkserver._forkserver, "_forkserver_pid", None) is not None


def start_forkserver() -> None:
    """Start the forkserver without waiting for its preload imports (``ensure_running`` returns at once; the
    first fork from it waits for them)."""
    forkserver.ensure_running()
