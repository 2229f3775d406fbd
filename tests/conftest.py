"""Shared test data: real OpenML data sets, vendored under tests/data and kept small so the suite stays fast."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]


#: the few small OpenML data sets the tests read, vendored with a manifest (licences in tests/data/README.md):
#: the suite runs the same from a bare clone as beside the full mirror
MIRROR = REPO / "tests" / "data" / "mirror"


def _find_full_mirror() -> Path | None:
    """The full OpenML mirror, for the few tests that need more than the vendored data sets: $AUTOCLF_MIRROR,
    else ../shared/datasets beside the checkout; None when neither exists (those tests skip)."""
    for candidate in filter(None, [os.environ.get("AUTOCLF_MIRROR"), REPO.parent / "shared" / "datasets"]):
        if (Path(candidate) / "manifest.csv").exists():
            return Path(candidate)
    return None


FULL_MIRROR = _find_full_mirror()


@pytest.fixture(scope="session")
def full_mirror() -> Path:
    if FULL_MIRROR is None:
        pytest.skip("needs the full OpenML mirror: set AUTOCLF_MIRROR or put it in ../shared/datasets")
    return FULL_MIRROR


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
