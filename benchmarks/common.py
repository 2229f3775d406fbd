"""Shared helpers for benchmark scripts: load mirror data sets, make the standard split."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

MIRROR = Path(os.environ.get("AUTOCLF_MIRROR", Path(__file__).resolve().parents[2] / "shared" / "datasets"))
RESULTS = Path(__file__).resolve().parent / "results"


def load_mirror(openml_id: int) -> tuple[pd.DataFrame, pd.Series, str]:
    """X, y and the name of an OpenML data set from the local parquet mirror (target = last column)."""
    manifest = pd.read_csv(MIRROR / "manifest.csv")
    row = manifest[manifest["openml_did"] == openml_id].iloc[0]
    frame = pd.read_parquet(MIRROR / row["file"])
    return frame.iloc[:, :-1], frame.iloc[:, -1], str(row["name"])


def standard_split(X: pd.DataFrame, y: pd.Series, seed: int = 0, test_size: float = 0.25):
    """25 % stratified test split with a fixed seed, as every benchmark here uses."""
    return train_test_split(X, y, test_size=test_size, stratify=y, random_state=seed)
