"""One interface over OpenML data: the local mirror, and openml-python reading a pre-populated cache offline."""

import shutil

import numpy as np
import pandas as pd
import pytest
from conftest import MIRROR, REPO

from autoclf.tools.sources import open_source

OPENML_CACHE = REPO / "tests" / "data" / "openml-cache"  # openml-python's own test files (README there)


def test_mirror_lists_tasks_with_ids_and_loads_lazily():
    source = open_source(MIRROR)
    assert len(source) == len(pd.read_csv(MIRROR / "manifest.csv"))
    iris = source.tasks(["iris"])[0]
    assert iris.openml_id == 61 and iris.n_rows == 150
    assert iris._cache is None  # nothing read until asked
    assert iris.X.shape == (150, 4) and len(iris.y) == 150 and iris.feature_types is None
    assert source.tasks([61])[0].name == "iris"  # by OpenML id too
    assert all(t.n_rows <= 1000 for t in source.tasks(max_rows=1000))
    with pytest.raises(KeyError, match="no-such"):
        source.tasks(["no-such"])


def test_mirror_splits_are_stratified_seeded_and_cover_every_row():
    task = open_source(MIRROR).tasks(["iris"])[0]
    splits = task.splits(folds=5, seed=3)
    assert len(splits) == 5
    tests = np.sort(np.concatenate([test for _, test in splits]))
    assert np.array_equal(tests, np.arange(150))
    for train, test in splits:
        assert not set(train) & set(test)
        assert np.bincount(task.y.iloc[test].cat.codes if hasattr(task.y, "cat") else
                           np.unique(task.y.iloc[test], return_inverse=True)[1]).tolist() == [10, 10, 10]
    again = task.splits(folds=5, seed=3)
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(splits, again))
    assert not np.array_equal(task.splits(folds=5, seed=4)[0][1], splits[0][1])


@pytest.fixture
def offline_openml(tmp_path):
    openml = pytest.importorskip("openml")
    cache = tmp_path / "openml-cache"
    shutil.copytree(OPENML_CACHE, cache)
    server, root = openml.config.server, openml.config._root_cache_directory
    openml.config.server = "https://test.openml.org/api/v1/xml"
    openml.config.set_root_cache_directory(str(cache))
    yield openml
    openml.config.server = server
    openml.config.set_root_cache_directory(str(root))


def test_openml_task_from_the_offline_cache_has_official_splits(offline_openml):
    source = open_source("openml:task=1882")
    task = source.tasks()[0]
    assert task.name == "anneal" and task.openml_id == 2 and task.task_id == 1882
    assert task.X.shape == (898, 38)
    assert set(task.feature_types.values()) <= {"numeric", "categorical", "text"}
    assert list(task.feature_types.values()).count("categorical") >= 30
    splits = task.splits(folds=10)
    assert len(splits) == 10
    train, test = splits[0]
    assert (len(train), len(test)) == (808, 90)


def test_openml_spec_errors_are_clear():
    with pytest.raises(ValueError, match="unknown OpenML spec"):
        pytest.importorskip("openml")
        open_source("openml:flows=3")
