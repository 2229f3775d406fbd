"""Trials on Dask: a LocalCluster autoclf starts and stops, or any ``distributed.Client`` the user passes.

Why our own runner rather than SMAC's DaskParallelRunner: autoclf owns the clock, the trial limits and the
run store (ask/tell), and a Dask task cannot be killed. Each task therefore hands its call to a limited
child process of the Dask worker (``autoclf.execution.remote``), exactly as the serial path does, and the
search loop keeps ``capacity`` trials in flight, asking SMAC for a new configuration as each one finishes.

The run store: a LocalCluster shares this machine's disk, so trials write to the store directly. On a
user's cluster the store is assumed not shared (``shared_store=None``): the task data goes out once per
worker (``Client.scatter``) and predictions and models come back as task results. Pass
``shared_store=True`` when ``tmp_folder`` is a path every worker can read and write (NFS, a shared volume).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Sequence
from typing import Any, cast

from autoclf.evaluation.request import TrialRequest
from autoclf.evaluation.result import Status
from autoclf.evaluation.run_store import RunStore
from autoclf.execution.worker import CallOutcome

logger = logging.getLogger(__name__)

#: scheduler settings for a cluster autoclf starts: a task whose worker died is not retried elsewhere
#: (a trial that kills its worker would kill them all), and workers may have child processes
OWN_CLUSTER_CONFIG = {"distributed.scheduler.allowed-failures": 0, "distributed.worker.daemon": False}


def grace_seconds(time_limit: float) -> float:
    """How long past its limit a call may take before the caller stops waiting (the worker kills it first)."""
    return 3.0 + 0.1 * time_limit


class DaskRunner:
    """Up to ``capacity`` calls at once on Dask workers (one thread each), each under its own limits."""

    def __init__(
        self,
        store: RunStore,
        n_workers: int | None = None,
        memory_limit_mb: float | None = None,
        client: Any = None,
        shared_store: bool | None = None,
        warm: Sequence[str] = (),
    ):
        import dask
        from distributed import Client, LocalCluster

        self.store = store
        self.warm = list(warm)
        self._own = client is None
        self._config: dask.config.set | None = None
        if self._own:
            # kept set while the cluster lives: the nannies read it when they spawn workers, after __init__
            self._config = dask.config.set(OWN_CLUSTER_CONFIG)
            try:
                self._cluster: LocalCluster | None = LocalCluster(
                    n_workers=0, threads_per_worker=1, processes=True, dashboard_address=None,
                    memory_limit=f"{int(memory_limit_mb) + 512}MB" if memory_limit_mb else "auto",
                    silence_logs=logging.ERROR,
                )
            except BaseException:
                self._config.__exit__(None, None, None)
                raise
            self.client = Client(self._cluster)
            from autoclf.execution.remote import LaunchLimitedWorker

            self.client.register_plugin(LaunchLimitedWorker(self.warm))  # each worker spawns its child at start
            self._cluster.scale(n_workers)  # returns at once: the workers start while fit builds the optimiser
            self.capacity = int(cast(int, n_workers))  # the caller passes a count with no client
        else:
            self._cluster, self.client = None, client
            threads = self.client.nthreads()
            if not threads:
                raise RuntimeError(f"the Dask cluster at {self.client.scheduler.address} has no workers")
            self.capacity = sum(threads.values())
        self._shared = self._own if shared_store is None else shared_store
        self._task = None
        self._task_key = uuid.uuid4().hex[:12]
        self._in_flight: dict[Any, tuple[int, float]] = {}  # future -> (trial id, time to stop waiting)
        self._ready = False

    def launch(self) -> None:
        """Nothing to do: a cluster autoclf starts is scaled up in ``__init__`` without waiting."""

    def ensure_started(self, timeout: float) -> bool:
        """Wait (at most ``timeout`` s) until the workers are up and each has its limited child ready; send
        the task data to them when the run store is not shared. A dead worker is restarted by its nanny."""
        if self._ready:
            return True
        from autoclf.execution.remote import start_limited_worker

        try:
            if self._own:
                self.client.wait_for_workers(self.capacity, timeout=max(timeout, 0.1))
            if not self._shared:
                self._task = self.client.scatter(self.store.load_task(), broadcast=True, hash=False)
            self.client.run(start_limited_worker, self.warm)  # waits for each child's imports
        except TimeoutError:
            logger.warning("the Dask workers did not start within %.1f s", max(timeout, 0.0))
            return False
        self._ready = True
        logger.info("running trials on %d Dask worker threads (%s cluster, %s run store)", self.capacity,
                    "local" if self._own else "user's", "shared" if self._shared else "transferred")
        return True

    def submit(self, request: TrialRequest) -> None:
        # ``request.deadline`` needs no enforcing here: Dask workers preload what trials import, and the answer
        # is given up on at the time limit plus a grace period
        assert request.trial_id is not None and request.time_limit is not None, "a trial has an id and a limit"
        future = self._submit(request)
        give_up = time.perf_counter() + request.time_limit + grace_seconds(request.time_limit)
        self._in_flight[future] = (request.trial_id, give_up)

    def wait_any(self) -> tuple[int, CallOutcome]:
        """The first call to finish; one whose worker overran its limit by the grace period is a timeout."""
        from distributed import wait

        while True:
            expiring = min(self._in_flight, key=lambda future: self._in_flight[future][1])
            trial_id, give_up = self._in_flight[expiring]
            remaining = give_up - time.perf_counter()
            if remaining <= 0:
                del self._in_flight[expiring]
                expiring.cancel()
                logger.warning("trial %d: no answer from its Dask worker within its time limit", trial_id)
                return trial_id, CallOutcome(Status.TIMEOUT, error="no answer from the Dask worker within the limit")
            try:
                done = wait(list(self._in_flight), timeout=remaining, return_when="FIRST_COMPLETED").done
            except TimeoutError:
                continue
            except Exception:  # a future was cancelled (its worker died and took data with it): pick it up
                done = {future for future in self._in_flight if future.status != "pending"}
                if not done:
                    raise
            future = next(iter(done))
            trial_id, _ = self._in_flight.pop(future)
            return trial_id, self._outcome(future, trial_id)

    def refit(self, request: TrialRequest) -> CallOutcome:
        future = self._submit(request)
        limit = request.time_limit
        try:
            future.result(timeout=None if limit is None else limit + grace_seconds(limit))
        except TimeoutError:
            future.cancel()
            return CallOutcome(Status.TIMEOUT, error="no answer from the Dask worker within the limit")
        except Exception:  # noqa: S110  (reported by _outcome below)
            pass
        return self._outcome(future, None)

    def kill(self) -> None:
        futures = list(self._in_flight)
        self._in_flight.clear()
        if futures:
            self.client.cancel(futures, force=True)

    def close(self) -> None:
        """Close what autoclf opened; a user's client stays connected."""
        self.kill()
        if self._own:
            assert self._cluster is not None and self._config is not None  # started in __init__
            self.client.close()
            self._cluster.close()
            self._config.__exit__(None, None, None)

    def __enter__(self) -> DaskRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _submit(self, request: TrialRequest) -> Any:
        from autoclf.execution.remote import execute

        if self._task is not None and self._task.status != "finished":  # every replica died with its workers
            logger.warning("the task data was lost with a Dask worker; sending it again")
            self._task = self.client.scatter(self.store.load_task(), broadcast=True, hash=False)
        kind = "refit" if request.is_refit else "trial"
        return self.client.submit(execute, request, str(self.store.root), self._task, self._task_key, self.warm,
                                  key=f"autoclf-{self._task_key}-{kind}-{uuid.uuid4().hex[:8]}", pure=False)

    def _outcome(self, future, trial_id: int | None) -> CallOutcome:
        try:
            outcome, artifacts = future.result()
        except Exception as error:  # the Dask worker died (KilledWorker) or the task was lost
            logger.warning("Dask task of trial %s failed: %r", trial_id, error)
            return CallOutcome(Status.CRASHED, error=f"Dask worker lost during the call: {error!r}")
        if artifacts is not None and trial_id is not None:
            self.store.write_artifacts(trial_id, *artifacts)
        return outcome
