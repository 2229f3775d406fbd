"""Shared test data: real OpenML data sets from the local mirror, kept small so the suite stays fast."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]


def _find_mirror() -> Path:
    """The OpenML mirror: $AUTOCLF_MIRROR, else ../shared/datasets next to the checkout, else /work/shared."""
    candidates = [os.environ.get("AUTOCLF_MIRROR"), REPO.parent / "shared" / "datasets", "/work/shared/datasets"]
    for candidate in filter(None, candidates):
        if (Path(candidate) / "manifest.csv").exists():
            return Path(candidate)
    raise RuntimeError(f"no OpenML mirror (manifest.csv) found in {candidates[1:]}; set AUTOCLF_MIRROR")


MIRROR = _find_mirror()

#: fast classifiers for end-to-end runs bounded by trial counts
FAST = ["decision_tree", "gaussian_nb", "logistic_regression", "random_forest"]


def load_mirror(file: str, n_rows: int | None = None, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    frame = pd.read_parquet(MIRROR / file)
    if n_rows is not None and len(frame) > n_rows:
        frame = frame.sample(n=n_rows, random_state=seed).reset_index(drop=True)
    return frame.iloc[:, :-1], frame.iloc[:, -1]


@pytest.fixture(scope="session")
def credit_g():
    """credit-g from the shipped demo file: 1000 rows, 13 categorical and 7 numeric features, labels good/bad."""
    frame = pd.read_parquet(REPO / "data" / "credit-g.parquet")
    return frame.drop(columns=["class"]), frame["class"]


@pytest.fixture(scope="session")
def credit_g_split(credit_g):
    """credit-g as (X_train, X_test, y_train, y_test): a stratified 25 % test split, seed 0."""
    from sklearn.model_selection import train_test_split

    X, y = credit_g
    return train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)


@pytest.fixture(scope="session")
def vehicle():
    """vehicle (OpenML 54): 846 rows, 18 numeric features, 4 classes."""
    return load_mirror("54_vehicle.parquet")


@pytest.fixture(scope="session", autouse=True)
def one_thread_per_test():
    """Tests run with one BLAS/OpenMP thread, as trials do: OpenMP spinning on a busy 2-core machine is
    tens of times slower than one thread."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        yield
