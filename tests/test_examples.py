"""Every script under examples/ runs to the end, quickly, in a fresh process (as a user would run it).
(The mkdocs site's strict build is in tests/test_docs.py.)"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p for p in (REPO / "examples").iterdir() if p.suffix in (".py", ".sh"))
#: each example gets this long; they are sized to take well under it
TIMEOUT_SECONDS = 180


def _environment() -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    # shell examples call `python`: the interpreter running the tests, whether or not its venv is activated
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1", MPLBACKEND="Agg")
    return env


@pytest.mark.slow  # each starts a fresh process: ~10-15 s on an idle machine, mostly the worker's imports
@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(script: Path, tmp_path):
    command = ["bash", str(script)] if script.suffix == ".sh" else [sys.executable, str(script)]
    if script.name in ("quickstart.py", "inspection.py"):
        command += ["--out", str(tmp_path)]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=tmp_path, env=_environment(), capture_output=True, text=True,
                          timeout=TIMEOUT_SECONDS)
    seconds = time.perf_counter() - started
    assert done.returncode == 0, f"{script.name} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    assert done.stdout.strip(), f"{script.name} printed nothing"
    if script.name == "inspection.py":
        assert (tmp_path / "importances.png").stat().st_size > 0 and (tmp_path / "over_time.png").stat().st_size > 0
    print(f"{script.name}: {seconds:.1f} s")


def test_examples_exist():
    assert {p.name for p in EXAMPLES} >= {"quickstart.py", "inspection.py", "messy_data.py", "command_line.sh",
                                          "parallel_search.py"}


#: modules whose job is to print: command-line entry points
PRINTING_MODULES = {"cli/__init__.py", "demo.py", "tools/benchmark/cli.py"}


def test_library_logs_instead_of_printing():
    """The library reports through `logging`; only command-line entry points print."""
    import ast

    package = REPO / "autoclf"
    offenders = []
    for path in package.rglob("*.py"):
        if str(path.relative_to(package)) in PRINTING_MODULES:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert not offenders, f"print() in library modules (use logging): {offenders}"
