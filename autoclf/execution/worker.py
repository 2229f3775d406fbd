"""A long-lived worker process that runs one call at a time under a wall-time and a memory limit.

Why not a fresh process per trial: importing scikit-learn costs seconds (torch 6-8 s), which decides how
many trials fit in a budget. Workers fork from a forkserver that imported the heavy modules once, and
stay alive across trials; only a trial that must be killed (over time, over memory, crashed process)
costs a restart. The parent watches wall time and the worker's resident memory (psutil), so the limits
hold even when the trial is stuck in C code that ignores signals.
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing as mp
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import psutil

from autoclf.evaluation.result import Status
from autoclf.execution.memory import MemoryWatcher
from autoclf.execution.mp_workarounds import forkserver_running, main_without_phantom_file, start_forkserver

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

logger = logging.getLogger(__name__)

PRELOAD_MODULES = ["autoclf.execution.preload"]
_POLL_SECONDS = 0.05
_START_TIMEOUT_SECONDS = 300
#: a worker that has grown by more than this since it was ready (torch imported for a network trial, a
#: library's model runtime, allocator arenas that a big trial left) is replaced after the call by a fresh
#: fork of the forkserver, which is ready in a fraction of a second: the growth would otherwise stay for
#: the rest of the fit and add to the peak of the whole process tree (issue 17)
RECYCLE_GROWTH_MB = 100.0


@dataclass
class CallOutcome:
    """``status`` is one of success, crashed, timeout, memout; ``value`` the return value on success."""

    status: str
    value: Any = None
    error: str = ""
    seconds: float = 0.0
    peak_memory_mb: float = 0.0


def _serve(connection, n_threads: int, warm: Sequence[str] = (), owner: int | None = None) -> None:
    """Worker loop: import ``warm`` modules, say ready, then receive (function, args) and send back an
    outcome, until told to stop."""
    from threadpoolctl import threadpool_limits

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops the search
    if owner is not None:
        exit_when_gone(owner)

    limiter = threadpool_limits(limits=n_threads)  # noqa: F841  (kept alive for the process lifetime)
    for module in warm:  # paid once per worker, before the first trial's clock starts
        importlib.import_module(module)
    connection.send("ready")
    while True:
        try:
            message = connection.recv()
        except EOFError:
            return
        if message is None:
            return
        function, args = message
        _import_what_the_call_needs(connection, function, args)
        started = time.perf_counter()
        try:
            value = function(*args)
            reply = (Status.SUCCESS, value, "")
        except MemoryError:
            reply = (Status.MEMOUT, None, traceback.format_exc(limit=5))
        except BaseException:  # a trial's own failure is data, not a reason to stop the worker
            reply = (Status.CRASHED, None, traceback.format_exc(limit=20))
        connection.send((*reply, time.perf_counter() - started))


def exit_when_gone(owner: int, every: float = 1.0) -> None:
    """End this worker when the process that owns it is gone (killed, or a Dask worker stopped by a terminal's
    Ctrl-C), even in the middle of a trial: nobody enforces its limits any more, and a hung trial would
    otherwise live on, an orphan. Checked once a second by a daemon thread."""
    import threading

    def watch() -> None:
        while True:
            time.sleep(every)
            try:
                os.kill(owner, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:  # alive, another user's (cannot happen for our parent; be safe)
                pass

    threading.Thread(target=watch, name="autoclf-owner-watch", daemon=True).start()


def _import_what_the_call_needs(connection, function: Callable[..., Any], args: tuple) -> None:
    """Import the heavy modules a call declares (``function.modules_needed(*args)``, e.g. torch for a network
    trial) before its clock starts, and tell the parent how long that took so it does not count them.

    Why on demand: a worker that imported torch up front spent 2-4 s of a one-core fit before the first
    trial and ~300 MB for the whole fit, though most searches at short budgets never train a network."""
    needed = getattr(function, "modules_needed", None)
    try:
        missing = [module for module in needed(*args) if module not in sys.modules] if needed else []
    except Exception:  # the call itself meets the same problem and reports it
        missing = []
    if not missing:
        return
    connection.send(("preparing", None))
    try:
        for module in missing:
            importlib.import_module(module)
    except Exception:  # noqa: S110  (the call itself fails on the same import and reports it)
        pass
    connection.send(("prepared", None))


class Worker:
    """One worker process, restarted on demand, that runs calls under limits."""

    def __init__(self, n_threads: int = 1, preload: Sequence[str] = PRELOAD_MODULES, warm: Sequence[str] = (),
                 recycle_growth_mb: float | None = RECYCLE_GROWTH_MB):
        self.n_threads = n_threads
        self.preload = list(preload)
        self.warm = list(warm)  # imported in the forkserver when it starts, else by each new worker
        self.recycle_growth_mb = recycle_growth_mb
        self.recycled = 0  # workers replaced because they had grown (not counting kills)
        self._process: mp.process.BaseProcess | None = None
        self._connection: Connection | None = None
        self._ready = False  # the process said "ready" (its imports are done)
        self._ready_mb = 0.0  # its resident memory then

    def launch(self) -> None:
        """Begin the start-up without waiting, so the caller builds the optimiser meanwhile; ``ensure_started``
        (or the first call) waits for what is left of it.

        A process whose forkserver is not running yet starts that first: the server imports scikit-learn
        (and torch) before it can fork, and forking from it would block until then; so only the server is
        started here and the worker is forked from it when ``ensure_started`` comes. Otherwise the worker is
        forked now: it is ready in a fraction of a second.
        """
        if self.alive:
            return
        if forkserver_running():
            self._spawn()
            return
        mp.get_context("forkserver").set_forkserver_preload(self.preload + self.warm)
        with main_without_phantom_file():
            start_forkserver()  # returns at once; the new server imports the preload modules meanwhile

    def _spawn(self) -> None:
        context = mp.get_context("forkserver")
        context.set_forkserver_preload(self.preload + self.warm)
        parent_end, child_end = context.Pipe()
        process = context.Process(target=_serve, args=(child_end, self.n_threads, self.warm, os.getpid()),
                                  daemon=True)
        with main_without_phantom_file():
            process.start()
        child_end.close()
        self._process, self._connection, self._ready = process, parent_end, False

    def _start(self, timeout: float = _START_TIMEOUT_SECONDS) -> None:
        if not self.alive:
            self._spawn()
        # wait until the worker has imported what trials need: that time is not any trial's
        assert self._process is not None and self._connection is not None  # alive, or just spawned
        try:
            ready = self._connection.poll(max(timeout, 0.0)) and self._connection.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.kill()
            raise RuntimeError(f"the trial worker did not start within {max(timeout, 0.0):.1f} s")
        self._ready = True
        assert self._process.pid is not None  # started
        self._ready_mb = MemoryWatcher(self._process.pid).sample()

    def ensure_started(self, timeout: float = _START_TIMEOUT_SECONDS) -> bool:
        """Start the worker now if it is not running, so its start-up is not charged to the next call.

        False when it could not start within ``timeout`` seconds (the clock of the fit ran out first).
        """
        if not (self.alive and self._ready):
            if timeout <= 0:  # the fit's clock ran out: nothing to start a worker for (not a problem)
                return False
            try:
                self._start(timeout)
            except RuntimeError as error:
                logger.warning("%s", error)
                return False
        return True

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    def call(
        self,
        function: Callable[..., Any],
        args: tuple = (),
        time_limit: float | None = None,
        memory_limit_mb: float | None = None,
        deadline: float | None = None,
    ) -> CallOutcome:
        """Run ``function(*args)`` in the worker; never raises for the call's own failures.

        The modules a call needs are imported off its ``time_limit`` (a trial's clock is its own), but never
        past ``deadline`` (a time.perf_counter() value: the fit's), so an import after a recycled worker cannot
        push a trial or a refit beyond the fit's budget."""
        if not self.ensure_started(_START_TIMEOUT_SECONDS if time_limit is None else time_limit):
            return CallOutcome(Status.TIMEOUT, error="the worker did not start within the call's time limit")
        assert self._process is not None and self._connection is not None
        assert self._process.pid is not None  # started
        started = time.perf_counter()
        try:
            self._connection.send((function, args))
        except (BrokenPipeError, OSError) as error:
            self.stop()
            return CallOutcome(Status.CRASHED, error=f"worker unreachable: {error}")
        watcher = MemoryWatcher(self._process.pid)
        preparing_since: float | None = None  # the worker is importing what the call needs: clock paused
        while True:
            elapsed = time.perf_counter() - started
            if self._connection.poll(_POLL_SECONDS):
                try:
                    reply = self._connection.recv()
                except (EOFError, OSError):
                    return self._died(started, watcher)
                if reply[0] == "preparing":
                    preparing_since = time.perf_counter()
                    continue
                if reply[0] == "prepared" and preparing_since is not None:  # imports: not the call's time
                    started += time.perf_counter() - preparing_since
                    preparing_since = None
                    continue
                status, value, failure, seconds = reply
                self._recycle_if_grown(watcher)
                return CallOutcome(status, value, failure, seconds, watcher.peak_mb)
            if not self._process.is_alive():
                return self._died(started, watcher)
            broken = _limit_broken(watcher.sample(), memory_limit_mb, elapsed, time_limit, deadline, preparing_since)
            if broken is not None:
                self.kill()
                status, message = broken
                return CallOutcome(status, error=message, seconds=elapsed, peak_memory_mb=watcher.peak_mb)

    def _recycle_if_grown(self, watcher: "MemoryWatcher") -> None:
        """Replace a worker that has grown since it was ready by a fresh fork, started at once so that it is
        ready (a fraction of a second) before the next call; what the next call needs it imports again."""
        if self.recycle_growth_mb is None or watcher.sample() - self._ready_mb <= self.recycle_growth_mb:
            return
        self.stop()
        self.recycled += 1
        self._spawn()

    def _died(self, started: float, watcher: "MemoryWatcher") -> CallOutcome:
        code = self._process.exitcode if self._process is not None else None
        self.kill()
        return CallOutcome(
            Status.CRASHED,
            error=f"worker process died (exit code {code})",
            seconds=time.perf_counter() - started,
            peak_memory_mb=watcher.peak_mb,
        )

    def kill(self) -> None:
        """Kill the worker and anything it started; the next call starts a fresh one."""
        if self._process is not None and self._process.pid is not None:
            try:
                parent = psutil.Process(self._process.pid)
                for child in parent.children(recursive=True):
                    child.kill()
                parent.kill()
            except psutil.NoSuchProcess:
                pass
            self._process.join(timeout=5)
        self._close()

    def stop(self) -> None:
        """Ask the worker to finish; kill it if it does not."""
        if self._process is not None and self._process.is_alive() and self._connection is not None:
            try:
                self._connection.send(None)
                self._process.join(timeout=2)
            except (BrokenPipeError, OSError):
                pass
        if self._process is not None and self._process.is_alive():
            self.kill()
        self._close()

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self._process, self._connection, self._ready = None, None, False

    def __enter__(self) -> "Worker":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _limit_broken(rss: float, memory_limit_mb: float | None, elapsed: float, time_limit: float | None,
                  deadline: float | None, preparing_since: float | None) -> tuple[Status, str] | None:
    """Which limit a running call has broken, and the error that says so; None while all hold. The import
    phase (``preparing_since`` set) has its own limit and is off the call's time limit, never off the fit's."""
    now = time.perf_counter()
    if memory_limit_mb is not None and rss > memory_limit_mb:
        return Status.MEMOUT, f"worker used {rss:.0f} MB, over the memory limit of {memory_limit_mb:.0f} MB"
    if preparing_since is not None and now - preparing_since > _START_TIMEOUT_SECONDS:
        return Status.TIMEOUT, f"importing what the call needs took over {_START_TIMEOUT_SECONDS} s"
    if deadline is not None and now > deadline:
        importing = " (while importing what the call needs)" if preparing_since is not None else ""
        return Status.TIMEOUT, "the fit's deadline came first" + importing
    if time_limit is not None and elapsed > time_limit and preparing_since is None:
        return Status.TIMEOUT, f"over the time limit of {time_limit:.1f} s"
    return None
