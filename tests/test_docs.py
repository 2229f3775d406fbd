"""The documentation is complete: every public name is in docs/reference.md, every public method and function
has a docstring, AutoClassifier's docstring covers each parameter and fitted attribute, and the site builds
without a warning (``mkdocs build --strict``, when mkdocs is installed: the ``test`` extra installs it)."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import subprocess
import sys
import time
from typing import Any

import pytest

import autoclf
from autoclf import AutoClassifier
from tests.conftest import REPO

REFERENCE = REPO / "docs" / "reference.md"
#: modules whose public functions, classes and methods must all have docstrings; docs/reference.md renders them,
#: and also autoclf.distillation and autoclf.tools.benchmark, not checked here yet (StudentClassifier.predict,
#: benchmark.runner.slug, ... have none)
CHECKED_MODULES = (
    "autoclf.metrics", "autoclf.dataset", "autoclf.dataset.validator", "autoclf.evaluation.result",
    "autoclf.ensembles.weighted", "autoclf.ensembles.stacking", "autoclf.inspection", "autoclf.components.base",
    "autoclf.components.registry", "autoclf.testing", "autoclf.metalearning", "autoclf.metalearning.database",
    "autoclf.tools.sources", "autoclf.distillation.onnx",
)


def numpy_section(doc: str | None, title: str) -> set[str]:
    """The names a numpy-style docstring section lists (``a, b : type`` lines count both names)."""
    lines = inspect.cleandoc(doc or "").splitlines()
    names: set[str] = set()
    inside = False
    for index, line in enumerate(lines):
        following = lines[index + 1].strip() if index + 1 < len(lines) else ""
        if line.strip() and following and set(following) == {"-"}:  # a section title and its underline
            inside = line.strip() == title
        elif inside and line.strip() and not line[0].isspace() and set(line.strip()) != {"-"}:
            names.update(name.strip() for name in line.split(" : ")[0].split(","))
    return names


def test_numpy_section_reads_names_and_stops_at_the_next_section():
    doc = """Summary.

    Parameters
    ----------
    a, b : int
        Two.
    c
        Three.

    Returns
    -------
    int
        The sum.
    """
    assert numpy_section(doc, "Parameters") == {"a", "b", "c"}
    assert numpy_section(doc, "Returns") == {"int"}
    assert numpy_section(doc, "Attributes") == set()


def _public_names(module: Any) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is not None:
        return list(names)
    return [name for name, value in vars(module).items() if not name.startswith("_")
            and (inspect.isfunction(value) or inspect.isclass(value)) and value.__module__ == module.__name__]


def _undocumented_members(cls: type) -> list[str]:
    missing = []
    for name, value in vars(cls).items():
        if name.startswith("_"):
            continue
        function = value.__func__ if isinstance(value, (classmethod, staticmethod)) else value
        if (inspect.isfunction(function) or isinstance(function, property)) and not function.__doc__:
            missing.append(f"{cls.__module__}.{cls.__name__}.{name}")
    return missing


def test_every_name_autoclf_exports_is_in_the_reference():
    text = REFERENCE.read_text()
    assert set(autoclf.__all__) == {"AutoClassifier", "__version__"}  # a new export: add it to the reference
    missing = [name for name in autoclf.__all__ if f"::: autoclf.{name}\n" not in text]
    assert not missing, f"docs/reference.md lacks `::: autoclf.<name>` for {missing}"


def _own_public_members() -> set[str]:
    """AutoClassifier's public methods and properties that autoclf's source defines: scikit-learn documents its
    own (``score``, and ``set_fit_request``, which its metadata routing attaches to the class)."""
    members = set()
    for name in dir(AutoClassifier):
        owner = next(cls for cls in AutoClassifier.__mro__ if name in vars(cls))
        value = vars(owner)[name]
        function = value.__func__ if isinstance(value, classmethod) else value
        if not name.startswith("_") and owner.__module__.startswith("autoclf") \
                and (inspect.isfunction(function) or isinstance(function, property)):
            members.add(name)
    return members


def test_the_reference_lists_every_public_member_of_autoclassifier():
    text = REFERENCE.read_text()
    block = text[text.index("::: autoclf.AutoClassifier\n"):].split("\n\n")[0]
    listed = set(re.findall(r"^        - (\w+)$", block, flags=re.MULTILINE))
    assert listed == _own_public_members()


def test_every_checked_module_is_in_the_reference_and_every_block_resolves():
    targets = re.findall(r"^::: ([\w.]+)$", REFERENCE.read_text(), flags=re.MULTILINE)
    for module in CHECKED_MODULES:
        assert any(target == module or target.startswith(module + ".") for target in targets), module
    for target in targets:  # a renamed module or class fails here, without mkdocs
        parts = target.split(".")
        for split in range(len(parts), 0, -1):  # the longest importable module, then attributes
            try:
                obj: Any = importlib.import_module(".".join(parts[:split]))
                break
            except ModuleNotFoundError:
                continue
        for part in parts[split:]:
            obj = getattr(obj, part)


def test_public_functions_classes_and_methods_have_docstrings():
    missing = []
    for module_name in CHECKED_MODULES:
        module = importlib.import_module(module_name)
        for name in _public_names(module):
            value = getattr(module, name)
            if inspect.isfunction(value) or inspect.isclass(value):
                if not value.__doc__:
                    missing.append(f"{module_name}.{name}")
                if inspect.isclass(value):
                    missing += _undocumented_members(value)
    assert not missing, f"public names without a docstring: {missing}"


def test_every_public_method_of_autoclassifier_documents_its_parameters():
    """In a Parameters section; a one-line docstring (``predict``: classifier.py stays under 400 lines) names each
    parameter in its text instead."""
    problems = []
    for name in sorted(_own_public_members()):
        owner = next(cls for cls in AutoClassifier.__mro__ if name in vars(cls))
        value = vars(owner)[name]
        function = value.__func__ if isinstance(value, classmethod) else value
        if not getattr(function, "__doc__", None):
            problems.append(f"{name}: no docstring")
        elif inspect.isfunction(function):
            parameters = [p for p in inspect.signature(function).parameters if p not in ("self", "cls")]
            documented = numpy_section(function.__doc__, "Parameters")
            if "Parameters\n" not in function.__doc__:
                documented = set(re.findall(r"\w+", function.__doc__))
            undocumented = set(parameters) - documented
            if undocumented:
                problems.append(f"{name}: parameters {sorted(undocumented)} not in its Parameters section")
    assert not problems, problems


def _fitted_attributes() -> set[str]:
    """Every ``self.<name>_ = ...`` in the modules that define AutoClassifier, and its ``<name>_`` properties."""
    found = set()
    for path in (REPO / "autoclf" / "classifier.py", REPO / "autoclf" / "fitted_api.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
                if isinstance(node, ast.AnnAssign) else []
            for target in targets:
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) \
                        and target.value.id == "self" and target.attr.endswith("_") \
                        and not target.attr.startswith("_"):
                    found.add(target.attr)
    found |= {name for name in dir(AutoClassifier) if name.endswith("_") and not name.startswith("_")
              and isinstance(inspect.getattr_static(AutoClassifier, name), property)}
    return found


def test_the_class_docstring_covers_every_parameter_and_fitted_attribute():
    doc = AutoClassifier.__doc__
    parameters = set(inspect.signature(AutoClassifier.__init__).parameters) - {"self"}
    assert numpy_section(doc, "Parameters") == parameters
    attributes = _fitted_attributes()
    assert {"classes_", "model_", "results_", "student_", "feature_importances_", "cv_results_"} <= attributes
    assert numpy_section(doc, "Attributes") == attributes


def test_the_docs_build_without_a_warning(tmp_path):
    """``mkdocs build --strict``: broken links, pages missing from the nav, griffe's docstring warnings (a
    parameter documented that the signature lacks, a line it cannot parse) all fail the build."""
    pytest.importorskip("mkdocs")
    pytest.importorskip("mkdocstrings")
    site = tmp_path / "site"
    had_site = (REPO / "site").exists()
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    print(f"mkdocs build --strict: {time.perf_counter() - started:.1f} s")
    assert done.returncode == 0, done.stderr[-4000:]
    assert (site / "api" / "index.html").exists()
    page = (site / "reference" / "index.html").read_text()
    for anchor in ("autoclf.AutoClassifier", "autoclf.AutoClassifier.fit", "autoclf.AutoClassifier.leaderboard",
                   "autoclf.__version__", "autoclf.metrics.get_metric", "autoclf.testing.check_component",
                   "autoclf.tools.sources.open_source", "autoclf.distillation.distill.distill"):
        assert f'id="{anchor}"' in page, anchor
    assert (REPO / "site").exists() == had_site  # the build went to tmp_path, not into the repository
