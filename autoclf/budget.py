"""The current trial's deadline, readable by any component that can stop early (networks, boosting).

The worker kills a trial that overruns its limit; a component that knows the deadline can instead stop
cleanly and keep its best state. The trial code sets the deadline; components read ``seconds_left()``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager

_deadline: float | None = None  # a time.perf_counter() value, per process


def seconds_left() -> float:
    """Seconds until the current trial's deadline; infinity outside a trial."""
    return math.inf if _deadline is None else _deadline - time.perf_counter()


@contextmanager
def trial_deadline(seconds: float | None) -> Iterator[None]:
    """Set the deadline ``seconds`` from now for the duration of the block (None: no deadline)."""
    global _deadline
    previous = _deadline
    _deadline = None if seconds is None or not math.isfinite(seconds) else time.perf_counter() + seconds
    try:
        yield
    finally:
        _deadline = previous
