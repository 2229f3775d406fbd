"""Ctrl-C during fit: the search loop catches the KeyboardInterrupt, stops and keeps the finished trials; this
module notes that an interrupt happened, so a fit with no finished trial can say why it has no model."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def noting_interrupts() -> Iterator[list[bool]]:
    """Notes a Ctrl-C that the search loop catches (it stops and keeps the finished trials), so a fit with no
    finished trial can say it was interrupted. Only the main thread may set signal handlers."""
    noted: list[bool] = []
    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or not callable(previous):
        yield noted
        return

    def handler(signum: int, frame: Any) -> None:
        noted.append(True)
        previous(signum, frame)  # Python's default handler raises KeyboardInterrupt

    signal.signal(signal.SIGINT, handler)
    try:
        yield noted
    finally:
        signal.signal(signal.SIGINT, previous)
