"""Export a student's model to ONNX (optional extra ``autoclf[onnx]``: skl2onnx, onnxruntime, onnx).

The graph covers the model: its input ``features`` is ``student.encode(X)`` (float64 for the logistic
student, float32 for trees and networks, as they compute), its output the class probabilities in
``student.classes_`` order. Input validation and the column encoders stay in Python (``encode``): they
turn arbitrary user DataFrames (strings, categories, missing values, booleans) into numbers, which is
what ONNX graphs cannot do portably; the numeric model is the part a serving runtime needs to be fast.

Exportable: "tree", "logistic" (skl2onnx) and "mlp" (torch.onnx). Not "hist_gb": skl2onnx 1.20 cannot
convert scikit-learn 1.9's HistGradientBoosting (it emits a boolean attribute that onnx rejects, and it
reads categorical splits as numeric thresholds, which would silently give wrong probabilities).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any

import numpy as np

from autoclf.distillation.families import STUDENTS, StudentFamily

#: ai.onnx opset; the ai.onnx.ml domain at version 3 gives tree ensembles double-precision thresholds
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}
#: the families whose ``StudentFamily.onnx`` names an exporter
EXPORTABLE: tuple[str, ...] = tuple(name for name, family in STUDENTS.items() if family.onnx is not None)


def onnx_available() -> bool:
    """True when the ``onnx`` extra is installed (skl2onnx, onnx and onnxruntime importable)."""
    return all(importlib.util.find_spec(name) is not None for name in ("skl2onnx", "onnx", "onnxruntime"))


def to_onnx(student: Any, path: str | None = None) -> bytes:
    """The serialised ONNX model of ``student`` (a fitted StudentClassifier); written to ``path`` if given."""
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(student, "model_")
    name = student.family if isinstance(student.family, str) else "estimator"
    family = STUDENTS.get(name)
    if family is None or family.onnx is None:
        raise NotImplementedError(f"ONNX export supports the students {EXPORTABLE}, not {name!r}: skl2onnx "
                                  "cannot convert this model faithfully (see autoclf.distillation.onnx)")
    model = student.model_
    if not family.regresses_probabilities and len(model.classes_) != len(student.classes_):
        raise ValueError("the student's model saw only some classes; its ONNX output would miss columns")
    content = _EXPORTERS[family.onnx](model, _n_features(student), family)
    if path is not None:
        with open(path, "wb") as handle:
            handle.write(content)
    return content


def onnx_predict_proba(content: bytes, student: Any, X: Any) -> np.ndarray:
    """Probabilities from ONNX Runtime for ``X`` (encoded by ``student``), rows renormalised to sum 1."""
    import onnxruntime

    session = onnxruntime.InferenceSession(content, providers=["CPUExecutionProvider"])
    features = session.get_inputs()[0]
    dtype = np.float32 if features.type == "tensor(float)" else np.float64
    names = [output.name for output in session.get_outputs()]
    wanted = "probabilities" if "probabilities" in names else names[-1]
    proba = np.asarray(session.run([wanted], {features.name: student.encode(X).astype(dtype)})[0],
                       dtype=np.float64).reshape(len(X), -1)
    proba = np.clip(proba, 0.0, None)
    return proba / proba.sum(axis=1, keepdims=True)


def _sklearn_onnx(model: Any, n_features: int, family: StudentFamily) -> bytes:
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType

    # scikit-learn trees compare float32 features with float32 thresholds, so float input is exact for
    # them (and ONNX Runtime's tree regressor only outputs float); other models keep float64
    tensor = FloatTensorType if family.onnx_float32 else DoubleTensorType
    # a classifier's probabilities as one plain tensor (not a list of dicts); a regressor has no zipmap
    options = None if family.regresses_probabilities else {id(model): {"zipmap": False}}
    onx = convert_sklearn(model, initial_types=[("features", tensor([None, n_features]))],
                          options=options, target_opset=TARGET_OPSET)
    return onx.SerializeToString()


def _torch_onnx(model: Any, n_features: int, family: StudentFamily) -> bytes:
    """The network with its input standardisation and the softmax folded in, exported by torch.onnx."""
    import io

    import torch

    network = model._live_network(torch, torch.device("cpu"))

    class Exported(torch.nn.Module):
        mean: torch.Tensor  # buffers
        scale: torch.Tensor

        def __init__(self) -> None:
            super().__init__()
            self.network = network
            self.register_buffer("mean", torch.as_tensor(model.input_mean_, dtype=torch.float32))
            self.register_buffer("scale", torch.as_tensor(model.input_scale_, dtype=torch.float32))

        def forward(self, features: torch.Tensor) -> torch.Tensor:
            return torch.softmax(self.network((features - self.mean) / self.scale), dim=1)

    buffer = io.BytesIO()
    example = torch.zeros(2, n_features, dtype=torch.float32)
    # torch annotates f as a path, but the TorchScript exporter (dynamo=False) writes to a file-like object too
    torch.onnx.export(Exported().eval(), (example,), buffer,  # type: ignore[arg-type]
                      input_names=["features"], output_names=["probabilities"],
                      dynamic_axes={"features": {0: "rows"}}, dynamo=False, opset_version=TARGET_OPSET[""])
    return buffer.getvalue()


#: ``StudentFamily.onnx`` -> the function that writes the family's model as ONNX bytes
_EXPORTERS: dict[str, Callable[[Any, int, StudentFamily], bytes]] = {"sklearn": _sklearn_onnx, "torch": _torch_onnx}


def _n_features(student: Any) -> int:
    return int(student.model_.n_features_in_)  # every scikit-learn model and MLPClassifier records it
