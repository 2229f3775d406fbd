"""Files shipped in data/ at the top of the repository, found in an installed wheel or a source checkout."""

from __future__ import annotations

from pathlib import Path

DEMO_DATASET = "credit-g.parquet"  # OpenML 31: 1000 rows, 20 features (13 categorical), good/bad credit


def data_path(name: str) -> Path:
    """Path of ``data/<name>``: inside the package in a wheel, beside it in a checkout (editable install)."""
    package = Path(__file__).resolve().parent
    for folder in (package / "data", package.parent / "data"):
        candidate = folder / name
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"data file {name!r} is not shipped with this installation of autoclf")
