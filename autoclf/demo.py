"""The demo behind ``autoclf demo``: a fit on the shipped credit-g data, its leaderboard and a test score."""

from __future__ import annotations

import time

import pandas as pd
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import train_test_split

from autoclf.classifier import AutoClassifier
from autoclf.data_files import DEMO_DATASET, data_path


def load_demo() -> tuple[pd.DataFrame, pd.Series]:
    """credit-g (OpenML 31) with its target ``class`` (good / bad)."""
    frame = pd.read_parquet(data_path(DEMO_DATASET))
    return frame.drop(columns=["class"]), frame["class"]


def run_demo(time_left: float = 60, seed: int = 0) -> AutoClassifier:
    X, y = load_demo()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=seed)
    print(f"credit-g: {len(X_train)} training rows, {len(X_test)} test rows, {X.shape[1]} features; "
          f"time_left={time_left:g} s")
    started = time.perf_counter()
    model = AutoClassifier(time_left=time_left, seed=seed).fit(X_train, y_train)
    seconds = time.perf_counter() - started
    pd.set_option("display.width", 200)
    print(model.leaderboard().head(15).to_string(index=False))
    print(model.sprint_statistics())
    proba = model.predict_proba(X_test)
    positive = list(model.classes_).index("good")
    print(f"fit took {seconds:.1f} s")
    print(f"test ROC AUC: {roc_auc_score(y_test == 'good', proba[:, positive]):.4f}   "
          f"test accuracy: {accuracy_score(y_test, model.predict(X_test)):.4f}")
    return model
