"""smac 2.4 imports private scikit-learn modules: the pinned pair must import and run together."""

import subprocess
import sys
from importlib.metadata import version

from autoclf.optimization.smac_proposer import SmacProposer


def test_pinned_versions_are_installed():
    import tomllib
    from conftest import REPO

    pins = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    for package in ("scikit-learn", "smac", "ConfigSpace"):
        pinned = next(p for p in pins if p.startswith(package + "=="))
        assert version(package) == pinned.split("==")[1], pinned


def test_smac_imports_and_its_random_forest_runs(tmp_path):
    from ConfigSpace import ConfigurationSpace, Float

    space = ConfigurationSpace([Float("x", (-1.0, 1.0))], seed=0)
    proposer = SmacProposer(space, tmp_path, seed=0, crash_cost=10.0, n_random_initial=3)
    origins = []
    for _ in range(12):  # past the initial design, so SMAC fits its random forest (sklearn's private modules)
        proposal = proposer.ask()
        origins.append(proposal.origin)
        proposer.tell(proposal, float(proposal.config["x"]) ** 2, "success", 0.01)
    assert origins[:4] == ["default", "random", "random", "random"]
    assert "smac model" in origins[4:]


def test_import_autoclf_stays_light():
    heavy = ("torch", "dask", "distributed", "smac", "openml", "lightgbm", "xgboost", "catboost")
    code = f"import sys, autoclf; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
