"""A wheel built from the repository carries the data files, and the package finds them inside it."""

import subprocess
import sys
import zipfile

import pytest
from conftest import REPO


def test_wheel_ships_data_and_finds_it(tmp_path):
    pytest.importorskip("hatchling")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path), str(REPO)], check=True, timeout=300)
    [wheel] = tmp_path.glob("autoclf-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "autoclf/data/credit-g.parquet" in names
    assert "autoclf/cli/__init__.py" in names and not any(n.startswith("tests/") for n in names)
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    code = (f"import sys; sys.path.insert(0, r'{unpacked}'); from autoclf.data_files import data_path;"
            "print(data_path('credit-g.parquet'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert out.stdout.strip().startswith(str(unpacked))
