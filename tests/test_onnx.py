"""ONNX export of distilled students (issue 19): one graph from the raw DataFrame columns to the student's
probabilities, for every student kind, run by ONNX Runtime as docs/onnx.md shows."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import load_mirror
from sklearn.ensemble import RandomForestClassifier

from autoclf.distillation import FAMILIES, StudentClassifier
from autoclf.distillation.onnx import EXPORTABLE, onnx_available, onnx_feed, onnx_predict_proba, to_onnx

pytestmark = pytest.mark.skipif(not onnx_available(), reason="the onnx extra (skl2onnx, onnx, onnxruntime) is "
                                "not installed: pip install 'autoclf[onnx]'")

REPO = Path(__file__).resolve().parents[1]
#: small students: the test is about the graph, not the model
SMALL = {"hist_gb": {"max_iter": 30}, "mlp": {"max_epochs": 5, "width": 32}, "tree": {}, "logistic": {}}
#: every student kind: the named families and a user's scikit-learn classifier
KINDS = [*FAMILIES, "estimator"]


def _titanic() -> tuple[pd.DataFrame, pd.Series]:
    """Titanic (binary): numeric columns with missing values, categoricals with missing values (category
    and string dtypes, many rare values), and a real boolean column; "name" is free text (no export)."""
    X, y = load_mirror("40945_Titanic.parquet")
    X = X.drop(columns=["name"]).assign(alone=(X["sibsp"] + X["parch"]) == 0)
    return X.iloc[:400], y.iloc[:400]


def _penguins() -> tuple[pd.DataFrame, pd.Series]:
    """penguins (3 classes): a categorical with missing values, numerics with missing values, and a
    nullable boolean column with missing values."""
    X, y = load_mirror("42585_penguins.parquet")
    heavy = np.where(X["body_mass_g"].isna(), None, X["body_mass_g"] > 4000)
    return X.assign(heavy=pd.array(heavy, dtype="boolean")), y


DATA = {"titanic": _titanic, "penguins": _penguins}


def _student(kind: str, X: pd.DataFrame, y: pd.Series) -> StudentClassifier:
    spec = RandomForestClassifier(n_estimators=5, max_depth=6, random_state=0) if kind == "estimator" else kind
    return StudentClassifier(spec, SMALL.get(kind, {})).fit(X.iloc[100:], y.iloc[100:])


def _prediction_rows(X: pd.DataFrame) -> pd.DataFrame:
    """Held-out rows as a user would send them, with what predict_proba must survive: an unseen category,
    extra missing values, an infinity."""
    rows = X.iloc[:100].copy().reset_index(drop=True)
    category = next(name for name in rows if isinstance(rows[name].dtype, pd.CategoricalDtype))
    rows[category] = rows[category].cat.add_categories(["never-seen"])
    rows.loc[::7, category] = "never-seen"
    rows.loc[::5, category] = np.nan
    numeric = next(name for name in rows if rows[name].dtype == np.float64)
    rows.loc[::6, numeric] = np.nan
    rows.loc[3, numeric] = np.inf
    return rows


def _docs_snippet() -> str:
    """The serving snippet of docs/onnx.md (the python block that defines onnx_feed)."""
    blocks = re.findall(r"```python\n(.*?)```", (REPO / "docs" / "onnx.md").read_text(), flags=re.S)
    return next(block for block in blocks if "def onnx_feed" in block)


@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize("kind", KINDS)
def test_the_docs_snippet_gives_the_students_probabilities_from_raw_columns(kind, data, tmp_path, monkeypatch):
    X, y = DATA[data]()
    student = _student(kind, X, y)
    rows = _prediction_rows(X)
    monkeypatch.chdir(tmp_path)
    student.to_onnx("student.onnx")
    rows.to_parquet("new_rows.parquet")
    namespace: dict = {}
    exec(_docs_snippet(), namespace)  # reads student.onnx and new_rows.parquet, as the docs show
    expected = student.predict_proba(rows)
    np.testing.assert_allclose(namespace["proba"], expected, rtol=0, atol=1e-5)
    assert namespace["proba"].shape == (len(rows), len(student.classes_))
    np.testing.assert_array_equal(namespace["label"], student.predict(rows))


@pytest.mark.parametrize("kind", KINDS)
def test_declared_outputs_match_the_computed_ones_without_runtime_warnings(kind, capfd):
    import onnxruntime

    X, y = _penguins()
    student = _student(kind, X, y)
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 1  # info and above: a shape mismatch is a warning
    session = onnxruntime.InferenceSession(to_onnx(student), options, providers=["CPUExecutionProvider"])
    outputs = {output.name: output for output in session.get_outputs()}
    assert outputs["probabilities"].shape == ["N", 3] and outputs["probabilities"].type == "tensor(double)"
    assert outputs["label"].shape == ["N"] and outputs["label"].type == "tensor(string)"
    assert {spec.name: spec.shape for spec in session.get_inputs()} == {name: ["N", 1] for name in X.columns}
    capfd.readouterr()
    for n_rows in (1, 37):
        label, proba = session.run(["label", "probabilities"], onnx_feed(session, X.iloc[:n_rows]))
        assert proba.shape == (n_rows, 3) and label.shape == (n_rows,)
    logged = capfd.readouterr().err
    assert not re.search(r"\[W:|shape", logged), logged


def test_input_types_follow_the_feature_types():
    import onnx

    X, y = _titanic()
    model = onnx.load_from_string(to_onnx(_student("logistic", X, y)))
    elem = {value.name: value.type.tensor_type.elem_type for value in model.graph.input}
    assert elem["sex"] == elem["cabin"] == elem["embarked"] == onnx.TensorProto.STRING
    assert elem["age"] == elem["alone"] == onnx.TensorProto.DOUBLE
    assert [value.name for value in model.graph.input] == list(X.columns)
    metadata = {prop.key: prop.value for prop in model.metadata_props}
    assert metadata["autoclf_family"] == "logistic" and metadata["autoclf_classes"] == '["0", "1"]'


def test_to_onnx_writes_a_file_that_loads(tmp_path):
    import onnx
    import onnxruntime

    X, y = _penguins()
    student = _student("hist_gb", X, y)
    content = student.to_onnx(tmp_path / "student.onnx")
    assert (tmp_path / "student.onnx").read_bytes() == content
    onnx.checker.check_model(onnx.load(tmp_path / "student.onnx"))
    session = onnxruntime.InferenceSession(str(tmp_path / "student.onnx"), providers=["CPUExecutionProvider"])
    np.testing.assert_allclose(session.run(["probabilities"], onnx_feed(session, X))[0],
                               student.predict_proba(X), rtol=0, atol=1e-5)


def test_a_class_the_model_never_saw_keeps_its_zero_column():
    X, y = _penguins()
    codes = pd.factorize(y, sort=True)[0]
    soft = np.where(codes[:, None] == 2, [0.5, 0.5, 0.0], np.eye(3)[codes] * 0.8 + [0.1, 0.1, 0.0])
    student = StudentClassifier("logistic").fit(X, y, soft_labels=soft / soft.sum(axis=1, keepdims=True))
    assert len(student.model_.classes_) == 2  # class 2 had no weight: the model never saw it
    proba = onnx_predict_proba(to_onnx(student), X)
    np.testing.assert_allclose(proba, student.predict_proba(X), rtol=0, atol=1e-5)
    assert (proba[:, 2] == 0).all()


def test_text_columns_and_unconvertible_models_are_refused_with_the_reason():
    from sklearn.base import BaseEstimator, ClassifierMixin
    from sklearn.linear_model import LogisticRegression

    X, y = load_mirror("40945_Titanic.parquet")
    X, y = X.iloc[:200], y.iloc[:200]
    with pytest.raises(ValueError, match=r"ONNX export does not cover text columns \['name'\]"):
        to_onnx(StudentClassifier("logistic").fit(X, y))

    class Wrapped(ClassifierMixin, BaseEstimator):  # a classifier skl2onnx has no converter for
        def fit(self, X, y, sample_weight=None):
            self.inner_ = LogisticRegression().fit(X, y, sample_weight=sample_weight)
            self.classes_ = self.inner_.classes_
            return self

        def predict_proba(self, X):
            return self.inner_.predict_proba(X)

    student = StudentClassifier(Wrapped()).fit(X.drop(columns=["name"]), y)
    with pytest.raises(NotImplementedError, match="skl2onnx cannot convert the student's Wrapped"):
        student.to_onnx()


def test_every_named_family_exports():
    assert EXPORTABLE == FAMILIES


def test_a_boosting_student_without_any_split_and_integer_classes():
    """35 rows leave HistGradientBoosting no split (every tree one leaf); integer labels come out as int64."""
    X, y = _penguins()
    X, y = X.iloc[::10], pd.Series(pd.factorize(y.iloc[::10], sort=True)[0] + 10, index=X.index[::10])
    import onnxruntime

    student = StudentClassifier("hist_gb").fit(X, y)
    assert all(predictor.nodes["is_leaf"][0] for iteration in student.model_._predictors for predictor in iteration)
    session = onnxruntime.InferenceSession(student.to_onnx(), providers=["CPUExecutionProvider"])
    label, proba = session.run(["label", "probabilities"], onnx_feed(session, X))
    np.testing.assert_allclose(proba, student.predict_proba(X), rtol=0, atol=1e-5)
    assert label.dtype == np.int64 and (label == student.predict(X)).all()
