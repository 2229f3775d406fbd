"""Trials on Dask: a LocalCluster autoclf starts itself, a worker killed mid-fit, and a cluster started from
the ``dask scheduler`` / ``dask worker`` command line, reached through ``dask_client``."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sklearn.base import clone

from autoclf import AutoClassifier

distributed = pytest.importorskip("distributed")


pytestmark = pytest.mark.slow  # each test starts a Dask cluster: 25-40 s


def test_local_cluster_of_two_workers_fits_and_predicts(credit_g):
    X, y = credit_g
    model = AutoClassifier(time_left=25, n_jobs=2, resampling="holdout", seed=0, verbose=0).fit(X, y)
    assert model.fit_seconds_ <= 1.5 * 25 + 10  # a hang check: overshoot is measured by experiments/overshoot.py
    ok = [r for r in model.results_ if r.ok]
    assert len(ok) >= 4 and [r.trial_id for r in model.results_] == list(range(len(model.results_)))
    starts = sorted(r.started for r in model.results_)
    overlapping = any(a.started < b.started < a.started + a.duration
                      for a in model.results_ for b in model.results_ if a is not b)
    assert overlapping, f"trials never ran at the same time: {starts}"
    assert model.score(X, y) > 0.7 and model.predict(X.iloc[:5]).shape == (5,)


def test_a_worker_killed_mid_fit_marks_its_trial_crashed_and_the_fit_returns_a_model(credit_g):
    import dask
    from distributed import Client, LocalCluster

    X, y = credit_g
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None, silence_logs=50)
        client = Client(cluster)
    killed: list[int] = []

    def kill_a_busy_worker() -> None:
        pids = client.run(os.getpid)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not killed:
            busy = [address for address, keys in client.processing().items()
                    if any("trial" in str(key) for key in keys)]
            if busy and time.monotonic() > started + 6:  # after the first trials are done
                os.kill(pids[busy[0]], signal.SIGKILL)
                killed.append(pids[busy[0]])
            time.sleep(0.05)

    slow_forest = {"classifier:__choice__": "random_forest", "classifier:random_forest:n_estimators": 500}
    model = AutoClassifier(time_left=30, per_run_time_limit=12, dask_client=client, resampling="cv",
                           include=["random_forest", "logistic_regression"], seed=0, verbose=0,
                           initial_configurations=[slow_forest])
    try:
        started = time.monotonic()
        killer = threading.Thread(target=kill_a_busy_worker, daemon=True)
        killer.start()
        model.fit(X, y)
        killer.join()
        assert killed, "no busy worker to kill"
        crashed = [r for r in model.results_ if r.status == "crashed"]
        assert crashed and "Dask worker lost" in crashed[0].error
        assert any(r.ok and r.started > crashed[0].started for r in model.results_)  # the search went on
        assert model.score(X, y) > 0.7
        assert client.status == "running"  # a user's client is left open
    finally:
        client.close()
        cluster.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def command_line_cluster(tmp_path):
    """``dask scheduler`` and two ``dask worker`` processes on loopback, torn down afterwards."""
    dask = shutil.which("dask", path=str(Path(sys.executable).parent)) or shutil.which("dask")
    if dask is None:
        pytest.skip("the dask command line is not installed")
    address = f"tcp://127.0.0.1:{_free_port()}"
    port = address.rsplit(":", 1)[1]
    processes = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", port,
                                   "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  cwd=tmp_path)]
    for _ in range(2):
        processes.append(subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--nworkers", "1",
                                           "--no-dashboard", "--memory-limit", "4GB"],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path))
    try:
        yield address
    finally:
        for process in reversed(processes):
            process.send_signal(signal.SIGINT)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def test_fit_on_a_cluster_started_from_the_command_line(command_line_cluster, vehicle):
    from distributed import Client

    X, y = vehicle
    with Client(command_line_cluster, timeout=30) as client:
        client.wait_for_workers(2, timeout=60)
        model = AutoClassifier(time_left=30, dask_client=client, resampling="holdout", seed=0, verbose=0)
        assert clone(model).dask_client is client
        model.fit(X, y)
        assert sum(r.ok for r in model.results_) >= 3
        assert model.score(X, y) > 0.6
        assert client.status == "running" and len(client.nthreads()) == 2
