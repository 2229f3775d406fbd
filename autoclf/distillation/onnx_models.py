"""The student's model as ONNX nodes: encoded features (double ``[N, F]``) -> its raw probabilities.

One converter per ``StudentFamily.onnx``:

* ``"sklearn"``: skl2onnx (the tree and logistic students, and a user's classifier if skl2onnx converts
  it: a converter registered with ``skl2onnx.update_registered_converter``, e.g. onnxmltools' for
  LightGBM or XGBoost, makes those exportable too; a user's HistGradientBoostingClassifier goes to
  autoclf's converter);
* ``"torch"``: the network by torch's TorchScript exporter, its input standardisation and softmax as ONNX
  nodes in double precision, as ``MLPClassifier.predict_proba`` computes them;
* ``"hist_gb"``: HistGradientBoosting by autoclf's own converter (``onnx_hist_gb``), which skl2onnx
  cannot convert faithfully.

Each returns the name of a double ``[N, k]`` value: the probability columns of ``model.classes_`` (for
a regressor, its raw prediction rows), which ``autoclf.distillation.onnx`` clips, pads and normalises.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from autoclf.distillation.families import StudentFamily
from autoclf.distillation.onnx_graph import Graph
from autoclf.distillation.onnx_hist_gb import add_hist_gb


def add_sklearn(graph: Graph, model: Any, features: str, family: StudentFamily) -> str:
    """skl2onnx's conversion of ``model`` (float32 input for models that compute in float32)."""
    from onnx import TensorProto
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType
    from sklearn.ensemble import HistGradientBoostingClassifier

    if isinstance(model, HistGradientBoostingClassifier):  # a user's: skl2onnx would get it wrong
        return add_hist_gb(graph, model, features, family)
    n_features = getattr(model, "n_features_in_", None)  # scikit-learn's estimators record it
    # classifiers' probabilities as one plain tensor (not skl2onnx's default list of dicts)
    options = None if family.regresses_probabilities else {id(model): {"zipmap": False}}
    float32 = family.onnx_float32 or _has_sklearn_trees(model)
    tensors = [FloatTensorType] if float32 else [DoubleTensorType, FloatTensorType]
    error: Exception | None = None
    for tensor in tensors:  # a user's classifier: double if its converter takes it, else float
        try:
            converted = convert_sklearn(model, initial_types=[("features", tensor([None, n_features]))],
                                        options=options, target_opset=dict(graph.opsets))
            break
        except Exception as caught:  # noqa: BLE001 - skl2onnx raises many kinds; reported below
            error = caught
    else:
        raise NotImplementedError(
            f"skl2onnx cannot convert the student's {type(model).__name__}: {error}. Register a converter "
            "for it with skl2onnx.update_registered_converter (onnxmltools has LightGBM's and XGBoost's), "
            "or distill another student") from error
    outputs = graph.inline(converted, [features], "model/")
    names = [output.name for output in converted.graph.output]
    chosen = outputs[names.index("probabilities")] if "probabilities" in names else outputs[-1]
    return graph.op("Cast", chosen, to=TensorProto.DOUBLE)


def _has_sklearn_trees(model: Any) -> bool:
    """Whether ``model`` is or holds scikit-learn trees (forests, bagging, gradient boosting), which compare
    float32 features with float32 thresholds: fed double, a value next to a threshold can branch otherwise."""
    parts = [model, *np.ravel(np.asarray(getattr(model, "estimators_", []), dtype=object))]
    return any(hasattr(part, "tree_") for part in parts)


def add_torch(graph: Graph, model: Any, features: str, family: StudentFamily) -> str:
    """The network (float32, as it computes) between its standardisation and softmax (double)."""
    import io

    import onnx
    import torch
    from onnx import TensorProto

    network = model._live_network(torch, torch.device("cpu"))
    buffer = io.BytesIO()
    example = torch.zeros(2, int(model.n_features_in_), dtype=torch.float32)
    with warnings.catch_warnings():  # the TorchScript exporter is deprecated in favour of one needing onnxscript
        warnings.simplefilter("ignore", DeprecationWarning)
        # torch annotates f as a path, but the TorchScript exporter (dynamo=False) writes to a file-like too
        torch.onnx.export(network.eval(), (example,), buffer,  # type: ignore[arg-type]
                          input_names=["features"], output_names=["logits"],
                          dynamic_axes={"features": {0: "N"}, "logits": {0: "N"}}, dynamo=False,
                          opset_version=graph.opsets[""])
    mean = graph.const(np.asarray(model.input_mean_, dtype=np.float64)[None, :], "network_mean")
    scale = graph.const(np.asarray(model.input_scale_, dtype=np.float64)[None, :], "network_scale")
    standardised = graph.op("Div", graph.op("Sub", features, mean), scale)
    (logits,) = graph.inline(onnx.load_from_string(buffer.getvalue()), [standardised], "network/")
    return graph.op("Softmax", graph.op("Cast", logits, to=TensorProto.DOUBLE), axis=1)


#: ``StudentFamily.onnx`` -> the function that adds the family's model to the graph
CONVERTERS: dict[str, Callable[[Graph, Any, str, StudentFamily], str]] = {
    "sklearn": add_sklearn, "torch": add_torch, "hist_gb": add_hist_gb}
