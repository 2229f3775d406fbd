"""The worker process: results come back, and failures of every kind are reported, never raised."""

import os
import time

import numpy as np
import pytest

from autoclf.evaluation.worker import Worker


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
