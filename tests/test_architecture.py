"""Guard rails for contributors: the floors of docs/design.md, no import circles, short modules, mypy.

Why tests: CI runs the README's test command and nothing else, so a rule that is not a test is a wish.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import pytest
import tomllib

from tests.conftest import REPO

PACKAGE = REPO / "autoclf"
MAX_MODULE_LINES = 400


def test_the_floors_point_down():
    """pyproject.toml's import-linter contract: each floor imports only the floors below it (function-level
    imports included), and the benchmark and the meta-database rebuild stand apart."""
    result = subprocess.run([sys.executable, "-c", "from importlinter.cli import lint_imports_command; "
                             "lint_imports_command()"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[module] = min(low[module], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[module])
            if low[module] == index[module]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == module:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_circles():
    """Two modules that import each other (even inside functions) cannot be read, tested or moved alone."""
    graph = grimp.build_graph("autoclf", exclude_type_checking_imports=True)
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_circle():
    graph = grimp.ImportGraph()
    for module in ("a", "a.b", "a.c", "a.d"):
        graph.add_module(module)
    graph.add_import(importer="a.b", imported="a.c")
    graph.add_import(importer="a.c", imported="a.b")
    graph.add_import(importer="a.d", imported="a.b")
    assert _cycles(graph) == [["a.b", "a.c"]]


def test_modules_stay_short():
    long = {str(path.relative_to(REPO)): n for path in PACKAGE.rglob("*.py")
            if (n := len(path.read_text().splitlines())) > MAX_MODULE_LINES}
    assert long == {}, f"split these modules (one idea per module, under {MAX_MODULE_LINES} lines): {long}"


@pytest.mark.slow
def test_mypy_passes():
    """~95 % of functions are annotated: mypy keeps the annotations true (pyproject.toml's [tool.mypy])."""
    result = subprocess.run([sys.executable, "-m", "mypy", "autoclf"], cwd=REPO, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout[-4000:]


def test_the_code_passes_the_linter():
    """pyproject.toml's [tool.ruff] rules (pycodestyle, pyflakes, bugbear, sorted imports) on the package, the
    tests and the experiments."""
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "autoclf", "tests", "experiments"], cwd=REPO,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:]


def test_the_version_is_said_once():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    from autoclf.version import __version__

    assert project["version"] == __version__
    assert Path(PACKAGE / "version.py").is_file()
