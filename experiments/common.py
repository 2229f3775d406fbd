"""Shared helpers for benchmark scripts: load mirror data sets, make the standard split."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OrdinalEncoder

MIRROR = Path(os.environ.get("AUTOCLF_MIRROR", Path(__file__).resolve().parents[2] / "shared" / "datasets"))
RESULTS = Path(__file__).resolve().parent / "results"


def load_mirror(openml_id: int) -> tuple[pd.DataFrame, pd.Series, str]:
    """X, y and the name of an OpenML data set from the local parquet mirror (target = last column)."""
    manifest = pd.read_csv(MIRROR / "manifest.csv")
    row = manifest[manifest["openml_did"] == openml_id].iloc[0]
    frame = pd.read_parquet(MIRROR / row["file"])
    return frame.iloc[:, :-1], frame.iloc[:, -1], str(row["name"])


def standard_split(X: pd.DataFrame, y: pd.Series, seed: int = 0, test_size: float = 0.25):
    """25 % stratified test split with a fixed seed, as every benchmark here uses.

    Rows of a class seen only once (abalone has five such classes) cannot be stratified; they go to the
    training split, so the test split holds only classes the model could learn. Other data sets split as before.
    """
    counts = y.value_counts()
    single = y.isin(counts.index[counts < 2])
    if not single.any():
        return train_test_split(X, y, test_size=test_size, stratify=y, random_state=seed)
    X_train, X_test, y_train, y_test = train_test_split(
        X[~single], y[~single], test_size=test_size, stratify=y[~single], random_state=seed
    )
    return pd.concat([X_train, X[single]]), X_test, pd.concat([y_train, y[single]]), y_test


def baseline(kind: str, X: pd.DataFrame):
    """Default scikit-learn models ("hgb" or "rf", 500 trees) behind the minimal preprocessing they need."""
    categorical = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
    numeric = [c for c in X.columns if c not in categorical]
    encode = make_pipeline(
        SimpleImputer(strategy="most_frequent"),
        OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1),
    )
    columns = make_column_transformer((encode, categorical), (SimpleImputer(strategy="median"), numeric))
    if kind == "hgb":
        return make_pipeline(columns, HistGradientBoostingClassifier(random_state=0))
    if kind == "rf":
        return make_pipeline(columns, RandomForestClassifier(n_estimators=500, n_jobs=1, random_state=0))
    raise ValueError(f"unknown baseline {kind!r}")
