import numpy as np
import pandas as pd
import pytest
from conftest import MIRROR

from autoclf.evaluation.splitting import make_splits, validation_rows


def _labels():
    frame = pd.read_parquet(MIRROR / "54_vehicle.parquet")
    return pd.factorize(frame.iloc[:, -1])[0]


def test_holdout_is_stratified_and_disjoint():
    y = _labels()
    [(train, valid)] = make_splits(y, "holdout", test_size=0.33, seed=0)
    assert len(np.intersect1d(train, valid)) == 0 and len(train) + len(valid) == len(y)
    assert abs(len(valid) / len(y) - 0.33) < 0.01
    np.testing.assert_allclose(np.bincount(y[valid]) / len(valid), np.bincount(y) / len(y), atol=0.02)


def test_holdout_keeps_singleton_classes_in_training():
    y = np.array([0] * 20 + [1] * 20 + [2])
    [(train, valid)] = make_splits(y, "holdout", seed=1)
    assert 40 in train and 40 not in valid


def test_cv_partitions_all_rows_even_with_rare_classes():
    y = np.array([0] * 30 + [1] * 30 + [2] * 2)
    splits = make_splits(y, "cv", folds=5, seed=0)
    assert len(splits) == 5
    np.testing.assert_array_equal(validation_rows(splits), np.arange(len(y)))


def test_same_seed_same_split_and_bad_arguments():
    y = _labels()
    a, b = make_splits(y, seed=3), make_splits(y, seed=3)
    np.testing.assert_array_equal(a[0][1], b[0][1])
    with pytest.raises(ValueError, match="resampling"):
        make_splits(y, "bootstrap")
    with pytest.raises(ValueError, match="folds"):
        make_splits(y, "cv", folds=1)


def test_one_stratified_holdout_serves_the_search_early_stopping_and_the_student():
    """The helper every holdout goes through: rare rows stay in training, the rest split stratified, and the
    search's holdout is exactly the helper's split (one implementation, not four)."""
    from autoclf.distillation.distill import split_rows
    from autoclf.stratified import stratified_holdout

    codes = _labels()
    codes = np.concatenate([codes, [codes.max() + 1]])  # a class of one row
    train, valid = stratified_holdout(codes, 200, seed=3)
    assert len(valid) == 200 and not set(train) & set(valid) and len(train) + len(valid) == len(codes)
    assert len(codes) - 1 in train  # the singleton trains
    shares = np.bincount(codes[valid], minlength=codes.max() + 1)[:-1] / np.bincount(codes)[:-1]
    assert shares.max() - shares.min() < 0.03  # stratified
    [(search_train, search_valid)] = make_splits(codes, "holdout", test_size=0.33, seed=3)
    n_valid = round(0.33 * (len(codes) - 1))
    assert np.array_equal(search_valid, stratified_holdout(codes, n_valid, 3)[1])
    student_train, student_valid = split_rows(codes, 0.2, seed=3)
    assert len(codes) - 1 in student_train and len(student_valid) == round(0.2 * len(codes))
    with pytest.raises(ValueError, match="each class needs a row on both sides"):
        stratified_holdout(np.array([0, 0, 1, 1]), 1, seed=0)
