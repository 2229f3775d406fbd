"""The worker process: results come back, and failures of every kind are reported, never raised."""

import json
import os
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from autoclf.execution.worker import Worker


def add(a, b):
    return a + b


def fail():
    raise ValueError("boom")


def sleep_forever():
    time.sleep(3600)


def allocate(mb_total):
    blocks = [np.ones(2**20 * 16) for _ in range(mb_total // 128)]  # 128 MB each
    time.sleep(5)
    return len(blocks)


def abort():
    os.abort()


def pid():
    return os.getpid()


def torch_is_loaded():
    return "torch" in sys.modules


def needs_torch():
    import torch

    return int(torch.ones(2).sum())


needs_torch.modules_needed = lambda: ("torch",)


@pytest.fixture(scope="module")
def worker():
    with Worker() as w:
        yield w


def test_returns_values_and_reuses_the_process(worker):
    first = worker.call(add, (2, 3))
    assert first.status == "success" and first.value == 5
    assert worker.call(pid).value == worker.call(pid).value != os.getpid()


def test_exception_is_reported_with_its_traceback(worker):
    outcome = worker.call(fail)
    assert outcome.status == "crashed"
    assert "ValueError: boom" in outcome.error
    assert worker.call(add, (1, 1)).value == 2  # the worker survives a failing call


def test_time_limit_kills_and_the_next_call_gets_a_fresh_worker(worker):
    before = worker.call(pid).value
    started = time.perf_counter()
    outcome = worker.call(sleep_forever, time_limit=1.0)
    assert outcome.status == "timeout"
    assert time.perf_counter() - started < 5
    assert worker.call(pid).value != before


def test_memory_limit_kills(worker):
    outcome = worker.call(allocate, (1536,), memory_limit_mb=600)
    assert outcome.status == "memout"
    assert outcome.peak_memory_mb > 600
    assert worker.call(add, (1, 2)).value == 3


def test_a_process_that_aborts_is_crashed(worker):
    outcome = worker.call(abort)
    assert outcome.status == "crashed"
    assert "died" in outcome.error
    assert worker.call(add, (1, 2)).value == 3


@pytest.mark.slow
def test_launch_returns_before_the_imports_and_the_first_call_waits_for_them(tmp_path):
    # a fresh Python process: its forkserver imports scikit-learn and torch before it can fork a worker
    script = tmp_path / "launch.py"
    script.write_text(textwrap.dedent("""
        import json, time
        from autoclf.execution.worker import Worker

        def add(a, b):
            return a + b

        if __name__ == "__main__":
            worker = Worker(warm=["torch"])
            started = time.perf_counter()
            worker.launch()
            launched = time.perf_counter() - started
            assert worker.ensure_started(120)
            ready = time.perf_counter() - started
            value = worker.call(add, (2, 2)).value
            worker.stop()
            print(json.dumps({"launched": launched, "ready": ready, "value": value, "alive": worker.alive}))
    """))
    output = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=180)
    assert output.returncode == 0, output.stderr[-2000:]
    result = json.loads(output.stdout.strip().splitlines()[-1])
    assert result["value"] == 4 and not result["alive"]
    assert result["launched"] < result["ready"] / 2, result


def test_stopping_a_launched_worker_leaves_no_process():
    worker = Worker(warm=["torch"])
    worker.ensure_started(120)
    worker.kill()
    worker.launch()  # the forkserver runs: the worker process is forked at once
    process = worker._process
    assert process is not None and worker.alive
    worker.stop()
    process.join(timeout=10)
    assert not process.is_alive() and not worker.alive


def test_modules_a_call_needs_are_imported_outside_its_clock():
    """torch is imported only when a call declares it (a network trial), and its import (seconds) does not
    count against the call's time limit."""
    with Worker(recycle_growth_mb=None) as worker:
        assert worker.call(torch_is_loaded, time_limit=30).value is False  # not preloaded
        started = time.perf_counter()
        outcome = worker.call(needs_torch, time_limit=0.5)
        assert outcome.status == "success" and outcome.value == 2, outcome.error
        assert outcome.seconds < 0.5 and time.perf_counter() - started > 0.5  # the import took longer
        assert worker.call(torch_is_loaded, time_limit=30).value is True


def hold(mb):
    """Allocate ``mb`` MB and keep it, as a library's runtime or allocator arenas stay after a trial."""
    global _HELD
    _HELD = np.ones(2**17 * mb)  # 8 bytes each
    return os.getpid()


def test_a_worker_that_has_grown_is_replaced_after_the_call():
    """Memory a trial leaves behind (torch imported for a network trial, a big trial's arenas) would stay for the
    rest of the fit and add to the peak of the process tree: such a worker is replaced by a fresh fork after the
    call, and the outcome is not affected. A worker that has not grown is kept."""
    with Worker(recycle_growth_mb=100) as worker:
        first = worker.call(hold, (10,), time_limit=30)
        assert first.status == "success" and worker.call(pid, time_limit=30).value == first.value  # kept
        grown = worker.call(hold, (300,), time_limit=30)
        assert grown.status == "success" and grown.value == first.value  # the call itself ran as ever
        assert worker.recycled == 1
        assert worker.call(pid, time_limit=30).value != first.value  # a fresh process
        outcome = worker.call(needs_torch, time_limit=30)
        assert outcome.status == "success" and outcome.value == 2
        assert worker.call(torch_is_loaded, time_limit=30).value is False  # torch went with the old worker


def test_imports_off_the_call_clock_still_stop_at_the_fit_deadline():
    """A call's imports do not count against its own limit, but the fit's deadline holds through them: after a
    recycled worker, a refit importing torch at the end of a fit must not run past the budget."""
    with Worker(recycle_growth_mb=None) as worker:
        assert worker.ensure_started()
        outcome = worker.call(needs_torch, time_limit=30, deadline=time.perf_counter() + 0.05)
        assert outcome.status == "timeout" and "deadline" in outcome.error
        assert worker.call(add, (1, 2), time_limit=30, deadline=time.perf_counter() + 30).value == 3
