"""A small builder for ONNX graphs: unique value names, constants from numpy, other models inlined.

The student's ONNX model is assembled from parts (the encoder's nodes, the model converted by skl2onnx or
torch, the probability post-processing); each part adds its nodes here, so that the parts only agree on
the names of the values they pass on. Requires the ``onnx`` package (the ``onnx`` extra).
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: ai.onnx opset and ai.onnx.ml opset of the exported models (ai.onnx.ml 3: tree ensembles with double
#: thresholds; a part needing more, such as ai.onnx.ml 5's TreeEnsemble, raises the model's version)
TARGET_OPSET: dict[str, int] = {"": 17, "ai.onnx.ml": 3}
#: the prefix of every internal value name (a column named so would clash with them)
INTERNAL = "autoclf/"
#: the names of the student graph's outputs (no column may have them)
OUTPUTS = ("label", "probabilities")


class Graph:
    """Nodes, constants and opsets of an ONNX graph being built; every value name gets ``INTERNAL`` first."""

    def __init__(self) -> None:
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self.functions: list[Any] = []
        self.opsets: dict[str, int] = dict(TARGET_OPSET)
        self._count = 0

    def name(self, hint: str) -> str:
        """A value name not used before in this graph."""
        self._count += 1
        return f"{INTERNAL}{hint}_{self._count}"

    def const(self, value: Any, hint: str = "const") -> str:
        """A constant (initializer) holding ``value``; arrays of str become string tensors."""
        from onnx import numpy_helper

        array = np.asarray(value)
        if not (np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype, np.bool_)):  # strings
            array = np.array([str(item) for item in array.ravel()], dtype=object).reshape(array.shape)
        tensor = numpy_helper.from_array(array, self.name(hint))
        self.initializers.append(tensor)
        return str(tensor.name)

    def op(self, op_type: str, *inputs: str, domain: str = "", output: str | None = None, **attrs: Any) -> str:
        """Append one node of ``op_type`` with a single output, whose name it returns."""
        from onnx import helper

        output = output or self.name(op_type.lower())
        self.nodes.append(helper.make_node(op_type, list(inputs), [output], domain=domain or None, **attrs))
        return output

    def require(self, domain: str, version: int) -> None:
        """The model declares at least ``version`` of ``domain`` (an op of that version is used)."""
        self.opsets[domain] = max(self.opsets.get(domain, 0), version)

    def inline(self, model: Any, inputs: list[str], prefix: str) -> list[str]:
        """Append the graph of ``model`` (a ModelProto), fed by ``inputs`` (cast to its input types), and
        return the names of its outputs here. Its default-domain opset is raised to this graph's first."""
        from onnx import compose, version_converter

        versions: dict[str, int] = {}
        for entry in model.opset_import:
            versions[entry.domain] = max(versions.get(entry.domain, 0), entry.version)
        if versions.get("", self.opsets[""]) < self.opsets[""]:
            model = version_converter.convert_version(_single_opsets(model, versions), self.opsets[""])
            versions[""] = self.opsets[""]
        for domain, version in versions.items():
            self.require(domain, version)
        graph = compose.add_prefix_graph(model.graph, INTERNAL + prefix)
        for value, declared in zip(inputs, graph.input):
            self.op("Cast", value, output=declared.name, to=declared.type.tensor_type.elem_type)
        self.nodes.extend(graph.node)
        self.initializers.extend(graph.initializer)
        self.functions.extend(model.functions)
        return [output.name for output in graph.output]

    def model(self, inputs: list[Any], outputs: list[Any], name: str, doc: str,
              metadata: dict[str, str]) -> Any:
        """The finished, checked ModelProto."""
        import onnx
        from onnx import helper

        graph = helper.make_graph(self.nodes, name, inputs, outputs, initializer=self.initializers)
        opsets = [helper.make_opsetid(domain, version) for domain, version in self.opsets.items()]
        model = helper.make_model(graph, opset_imports=opsets, functions=self.functions or None,
                                  producer_name="autoclf", doc_string=doc,
                                  ir_version=helper.find_min_ir_version_for(opsets, ignore_unknown=True))
        helper.set_model_props(model, metadata)
        onnx.checker.check_model(model)
        return model


def _single_opsets(model: Any, versions: dict[str, int]) -> Any:
    """``model`` with one opset entry per domain (skl2onnx may declare the default domain twice)."""
    from onnx import helper

    copy = type(model)()
    copy.CopyFrom(model)
    del copy.opset_import[:]
    copy.opset_import.extend(helper.make_opsetid(domain, version) for domain, version in versions.items())
    return copy


def value_info(name: str, elem_type: int, shape: list[Any]) -> Any:
    """The declared type and shape of a graph input or output (``"N"``: the rows, the same for all)."""
    from onnx import helper

    return helper.make_tensor_value_info(name, elem_type, shape)
