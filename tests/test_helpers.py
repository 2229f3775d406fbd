"""The shared helpers of issue 18: atomic writes (``autoclf.evaluation.atomic``) and probability padding
(``autoclf.probabilities``), each written once and used by every place that needs it."""

import json
import os

import joblib
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier

from autoclf.ensembles.weighted import WeightedEnsemble
from autoclf.evaluation.atomic import dump_atomic, temporary_path, write_json_atomic, write_text_atomic
from autoclf.probabilities import pad_probabilities
from autoclf.tools.metadb.search import write_json


# ------------------------------------------------------------------------------------------ atomic writes
def test_a_failing_writer_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "record.json"
    target.write_text("old, complete")

    def half_then_crash(temporary):
        with open(temporary, "w") as handle:
            handle.write("new, half wri")
            handle.flush()
        raise RuntimeError("killed midway")

    with pytest.raises(RuntimeError, match="killed midway"):
        dump_atomic(target, half_then_crash)
    assert target.read_text() == "old, complete"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["record.json"]


def test_a_failing_rename_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "record.json"
    target.write_text("old")

    def refuse(source, destination):
        raise OSError("no rename today")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="no rename"):
        write_text_atomic(target, "new")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["record.json"]


def test_json_that_cannot_be_written_touches_nothing(tmp_path):
    target = tmp_path / "record.json"
    with pytest.raises(TypeError):
        write_json_atomic(target, {"a": object()})
    assert list(tmp_path.iterdir()) == []


def test_writes_land_whole_beside_the_target(tmp_path):
    target = tmp_path / "task.joblib"
    assert temporary_path(target) == tmp_path / "task.joblib.tmp"
    dump_atomic(target, lambda temporary: joblib.dump({"x": [1, 2]}, temporary))
    assert joblib.load(target) == {"x": [1, 2]}
    write_text_atomic(target, "replaced")  # an existing target is replaced
    assert target.read_text() == "replaced"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["task.joblib"]


def test_json_bytes_are_what_json_dumps_gives(tmp_path):
    record = {"b": np.float32(0.5), "a": [1, 2], "ü": "é"}
    write_json_atomic(tmp_path / "one.json", record, end="\n", sort_keys=True, indent=1, default=float)
    assert (tmp_path / "one.json").read_text() == json.dumps(record, sort_keys=True, indent=1, default=float) + "\n"
    write_json(tmp_path / "deeper" / "two.json", record)  # the meta-database's writer: same bytes, new folder
    assert (tmp_path / "deeper" / "two.json").read_bytes() == (tmp_path / "one.json").read_bytes()
    write_json_atomic(tmp_path / "three.json", {"a": 1}, indent=1)
    assert (tmp_path / "three.json").read_text() == json.dumps({"a": 1}, indent=1)


# ------------------------------------------------------------------------------------ probability padding
def test_missing_classes_get_zero_columns_in_classes_order():
    proba = np.array([[0.7, 0.3], [0.2, 0.8]])
    full = pad_probabilities(proba, np.array([3, 1]), 5)
    assert full.dtype == np.float64 and full.shape == (2, 5)
    np.testing.assert_array_equal(full, [[0, 0.3, 0, 0.7, 0], [0, 0.8, 0, 0.2, 0]])


def test_padding_is_float64_and_not_renormalised():
    proba = np.array([[0.25, 0.25]], dtype=np.float32)
    full = pad_probabilities(proba, [0, 2], 3)
    assert full.dtype == np.float64
    np.testing.assert_array_equal(full, [[0.25, 0.0, 0.25]])
    assert pad_probabilities(np.zeros((0, 2)), [0, 1], 4).shape == (0, 4)


def test_a_fold_model_that_missed_a_class():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = np.array([0, 2, 3] * 20)  # class 1 (of 4) is missing from this fold
    model = LogisticRegression().fit(X, y)
    full = pad_probabilities(model.predict_proba(X), model.classes_, 4)
    np.testing.assert_array_equal(full[:, 1], 0.0)
    np.testing.assert_array_equal(full[:, [0, 2, 3]], model.predict_proba(X))
    np.testing.assert_allclose(full.sum(axis=1), 1.0)


def test_the_weighted_ensemble_sums_exactly_as_before():
    """Padding then adding gives the same bits as adding into the member's columns (the old code)."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(80, 3))
    y = rng.integers(0, 4, 80)
    members = [DecisionTreeClassifier(max_depth=3, random_state=0).fit(X[y != 2], y[y != 2]),
               LogisticRegression().fit(X, y),
               DecisionTreeClassifier(max_depth=2, random_state=0).fit(X[y < 2], y[y < 2])]
    ensemble = WeightedEnsemble(members, [0.3, 0.5, 0.2], n_classes=4).fit()
    expected = np.zeros((len(X), 4))
    for weight, member in zip(ensemble.weights_, ensemble.estimators_):
        expected[:, np.asarray(member.classes_, dtype=int)] += weight * member.predict_proba(X)
    assert np.array_equal(ensemble.predict_proba(X), expected)
