"""Export a distilled student to ONNX: one graph from the user's raw columns to class probabilities.

``to_onnx(student)`` (or ``student.to_onnx(path)``) assembles three parts in one ONNX model, so a serving
runtime needs neither Python nor autoclf:

1. the student's input side (``onnx_encoder``): one input per column of the training frame, named by the
   column, ``[N, 1]``: ``tensor(double)`` for numeric and boolean columns (NaN missing), ``tensor(string)``
   for categorical ones (``""`` missing); imputation, scaling, category codes or one-hot as ``encode``;
2. the model (``onnx_models``): every student family, a user's classifier when skl2onnx converts it;
3. the output side: ``probabilities`` (double ``[N, n_classes]``, columns in ``student.classes_`` order,
   negative scores clipped, padded for classes the model never saw, rows summing to 1, as
   ``predict_proba``) and ``label`` (``[N]``, the class of the largest probability, as ``predict``).

Needs the optional extra ``autoclf[onnx]`` (skl2onnx, onnx, onnxruntime); see docs/onnx.md.
"""

from __future__ import annotations

import importlib.util
import json
from typing import Any

import numpy as np
import pandas as pd

from autoclf.distillation.families import FAMILIES, STUDENTS, StudentFamily, student_family
from autoclf.distillation.onnx_graph import OUTPUTS

#: the student families that export (a user's classifier exports when skl2onnx can convert it)
EXPORTABLE: tuple[str, ...] = tuple(name for name in FAMILIES if STUDENTS[name].onnx is not None)


def onnx_available() -> bool:
    """True when the ``onnx`` extra is installed (skl2onnx, onnx and onnxruntime importable)."""
    return all(importlib.util.find_spec(name) is not None for name in ("skl2onnx", "onnx", "onnxruntime"))


def to_onnx(student: Any, path: Any = None) -> bytes:
    """The serialised ONNX model of ``student`` (a fitted StudentClassifier), raw columns in, label and
    probabilities out (see the module docstring); written to ``path`` (a str or path) if given."""
    from sklearn.utils.validation import check_is_fitted

    from autoclf.distillation.onnx_encoder import add_encoder
    from autoclf.distillation.onnx_graph import Graph, value_info
    from autoclf.distillation.onnx_models import CONVERTERS

    check_is_fitted(student, "model_")
    family = student_family(student.family)
    if family.onnx is None:
        raise NotImplementedError(f"the {family.name!r} student has no ONNX export; the students "
                                  f"{EXPORTABLE} and skl2onnx-convertible classifiers have one")
    if not onnx_available():
        raise ImportError("ONNX export needs the onnx extra: pip install 'autoclf[onnx]' (skl2onnx, onnx, "
                          "onnxruntime)")
    if getattr(student, "input_validator_", None) is not None:
        raise NotImplementedError("ONNX export takes the student's columns as they are; this student's teacher "
                                  "turned datetime columns into calendar features, which the graph does not "
                                  "compute: distil from a frame with those features as numeric columns instead")
    names = [str(name) for name in student.validator_.feature_names_in_]
    graph = Graph()
    inputs, features = add_encoder(graph, student.encoder_, names)
    raw = CONVERTERS[family.onnx](graph, student.model_, features, family)
    probabilities = _probabilities(graph, raw, student, family)
    classes, class_type = _classes_tensor(student.classes_)
    best = graph.op("ArgMax", probabilities, axis=1, keepdims=0)
    graph.op("Gather", graph.const(classes, "classes"), best, axis=0, output=OUTPUTS[0])
    from onnx import TensorProto

    outputs = [value_info(OUTPUTS[0], class_type, ["N"]),
               value_info(OUTPUTS[1], TensorProto.DOUBLE, ["N", len(student.classes_)])]
    types = student.validator_.feature_types_
    metadata = {"autoclf_family": family.name, "autoclf_classes": json.dumps([str(c) for c in student.classes_]),
                "autoclf_feature_types": json.dumps({name: types[name] for name in names})}
    model = graph.model(inputs, outputs, name=f"autoclf_{family.name}_student",
                        doc="autoclf distilled student: one input per column, [N, 1]; outputs label [N] and "
                            "probabilities [N, n_classes] (classes in autoclf_classes)", metadata=metadata)
    content: bytes = model.SerializeToString()
    if path is not None:
        with open(path, "wb") as handle:
            handle.write(content)
    return content


def onnx_feed(session: Any, X: Any) -> dict[str, np.ndarray]:
    """The inputs of ``session`` (an onnxruntime InferenceSession of an exported student) for the rows
    ``X`` (a DataFrame, or an array in fit-time column order): each column ``[N, 1]``, categorical ones as
    strings with ``""`` for missing, the others as float64 with NaN (docs/onnx.md does the same in a few
    lines without autoclf)."""
    specs = session.get_inputs()
    if not isinstance(X, pd.DataFrame):
        X = pd.DataFrame(np.asarray(X, dtype=object), columns=[spec.name for spec in specs])
    columns = {str(name): name for name in X.columns}
    feed = {}
    for spec in specs:
        if spec.name not in columns:
            raise ValueError(f"X lacks the column {spec.name!r} that the ONNX model takes")
        column = X[columns[spec.name]]
        if spec.type == "tensor(string)":
            values = column.to_numpy(dtype=object, na_value="").astype(str)
        else:
            values = column.to_numpy(dtype=np.float64, na_value=np.nan)
        feed[spec.name] = values.reshape(-1, 1)
    return feed


def onnx_predict_proba(content: bytes, X: Any) -> np.ndarray:
    """The probabilities ONNX Runtime computes with the exported model ``content`` for the raw rows ``X``."""
    import onnxruntime

    session = onnxruntime.InferenceSession(content, providers=["CPUExecutionProvider"])
    return np.asarray(session.run([OUTPUTS[1]], onnx_feed(session, X))[0])


def _probabilities(graph: Any, raw: str, student: Any, family: StudentFamily) -> str:
    """``raw`` (the model's double scores) as ``predict_proba`` gives them: clipped at 0 (a regressor's),
    one column per class of the student, rows divided by their sum (unless it is 0)."""
    n_classes = len(student.classes_)
    if family.regresses_probabilities:
        raw = graph.op("Max", raw, graph.const(np.array(0.0), "zero"))
    else:
        seen = np.asarray(student.model_.classes_, dtype=np.int64)
        if len(seen) != n_classes or (seen != np.arange(n_classes)).any():  # pad the unseen classes with 0
            placement = np.zeros((len(seen), n_classes))
            placement[np.arange(len(seen)), seen] = 1.0
            raw = graph.op("MatMul", raw, graph.const(placement, "class_placement"))
    totals = graph.op("ReduceSum", raw, graph.const(np.array([1], dtype=np.int64), "axis"), keepdims=1)
    empty = graph.op("LessOrEqual", totals, graph.const(np.array(0.0), "zero"))
    totals = graph.op("Where", empty, graph.const(np.array(1.0), "one"), totals)
    return graph.op("Div", raw, totals, output=OUTPUTS[1])


def _classes_tensor(classes: np.ndarray) -> tuple[np.ndarray, int]:
    """The classes as a constant for the ``label`` output, and its ONNX element type."""
    from onnx import TensorProto

    values = np.asarray(classes)
    if np.issubdtype(values.dtype, np.bool_):
        return values.astype(bool), TensorProto.BOOL
    if np.issubdtype(values.dtype, np.integer):
        return values.astype(np.int64), TensorProto.INT64
    if np.issubdtype(values.dtype, np.floating):
        return values.astype(np.float64), TensorProto.DOUBLE
    return np.array([str(value) for value in values], dtype=object), TensorProto.STRING
