"""Pins the multiprocessing behaviours autoclf works around (autoclf/execution/mp_workarounds.py): a new
Python that changes one fails here, not in a user's fit."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from autoclf.execution.mp_workarounds import forkserver_running, main_without_phantom_file
from tests.conftest import REPO


def test_a_fit_from_standard_input_runs_its_trials():
    """``python -`` names its main file "<stdin>": multiprocessing would try to re-run it in the worker and every
    trial would crash. Hidden while the worker starts, the trial runs."""
    script = textwrap.dedent("""
        from autoclf.execution.worker import Worker
        def add(a, b):
            return a + b
        if __name__ == "__main__":
            import operator
            with Worker() as worker:
                print(worker.call(operator.add, (1, 2), time_limit=60).value)
    """)
    result = subprocess.run([sys.executable, "-"], input=script, capture_output=True, text=True, cwd=REPO,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "3"


def test_the_phantom_main_file_is_hidden_and_restored():
    main = sys.modules["__main__"]
    had, saved = hasattr(main, "__file__"), getattr(main, "__file__", None)
    main.__file__ = "<stdin>"
    try:
        with main_without_phantom_file():
            assert not hasattr(main, "__file__")
        assert main.__file__ == "<stdin>"
        main.__file__ = __file__  # a real file stays
        with main_without_phantom_file():
            assert main.__file__ == __file__
    finally:
        if had:
            main.__file__ = saved
        else:
            del main.__file__


def test_whether_the_forkserver_runs_can_be_asked():
    """multiprocessing's private ``_forkserver_pid``: absent before the server starts, set after."""
    script = ("from autoclf.execution.mp_workarounds import forkserver_running, start_forkserver\n"
              "before = forkserver_running(); start_forkserver(); print(before, forkserver_running())")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["False", "True"]
    assert isinstance(forkserver_running(), bool)
