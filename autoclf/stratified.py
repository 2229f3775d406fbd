"""One stratified holdout split for every place that holds rows out: the search's holdout, the boosting
libraries' and the networks' early stopping, the student's validation rows.

Why one: ``train_test_split(stratify=...)`` refuses a class with a single row, and each caller had grown
its own way round it (skip the split, split unstratified, a hand-written per-class loop). Here rows of
classes too rare to stratify stay in training, so the model sees every class and the split never fails.
"""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import train_test_split


def stratified_holdout(codes: np.ndarray, n_valid: int, seed: int | None) -> tuple[np.ndarray, np.ndarray]:
    """(train rows, validation rows), each sorted: ``n_valid`` rows held out, stratified by ``codes``
    (integer class codes); rows of a class with fewer than two members always stay in training.

    Raises ValueError (naming the sizes) when the stratifiable rows cannot give ``n_valid`` validation rows
    and still leave a training row of each class."""
    codes = np.asarray(codes)
    rare = np.isin(codes, np.flatnonzero(np.bincount(codes) < 2))
    common = np.flatnonzero(~rare)
    n_classes = len(np.unique(codes[common]))
    if n_valid < n_classes or len(common) - n_valid < n_classes:
        raise ValueError(f"cannot hold out {n_valid} of {len(common)} stratifiable rows with {n_classes} classes: "
                         "each class needs a row on both sides")
    train, valid = train_test_split(common, test_size=n_valid, stratify=codes[common], random_state=seed)
    return np.sort(np.concatenate([train, np.flatnonzero(rare)])), np.sort(valid)
