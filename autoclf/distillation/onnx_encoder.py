"""The student's input side as ONNX: the user's raw columns -> what ``StudentClassifier.encode`` returns.

A converter for ``FrameEncoder`` (and the part of ``InputValidator`` that canonicalises values), written
with the ONNX operators themselves rather than re-expressed as scikit-learn transformers for skl2onnx:
the encoder's own rules (median imputation, standardisation, rare categories grouped into one code,
missing values as a category of their own when frequent) then hold exactly, with no second implementation
in Python that could drift from the first.

The graph takes one input per column of the training frame, in its order, named by the column (as str),
each of shape ``[N, 1]``:

* numeric and boolean columns: ``tensor(double)``, NaN for missing (booleans as 0.0 / 1.0; other values,
  like infinities in a numeric column, are read as missing, as ``predict_proba`` reads them);
* categorical columns: ``tensor(string)``, the empty string for missing (ONNX strings cannot be null);
  values unseen in training share the code of rare ones, as in ``predict_proba``.

Text columns (TF-IDF) have no export: ``to_onnx`` refuses students that use them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autoclf.dataset.info import DatasetInfo
from autoclf.distillation.encode import FrameEncoder
from autoclf.distillation.onnx_graph import INTERNAL, OUTPUTS, Graph, value_info

#: what a missing categorical value is in the graph's string inputs
MISSING_STRING = ""


def check_exportable_columns(info: DatasetInfo, names: list[str]) -> None:
    """Raise ValueError when the columns cannot become ONNX inputs (text columns, reserved names)."""
    if info.text_columns:
        raise ValueError(f"ONNX export does not cover text columns {list(info.text_columns)} (the "
                         "student's TF-IDF has no ONNX form); distill without them, or type them 'categorical' "
                         "in feature_types")
    clashing = [name for name in names if name.startswith(INTERNAL) or name in OUTPUTS]
    if clashing:
        raise ValueError(f"columns {clashing} clash with the ONNX graph's own names (its outputs {OUTPUTS}, "
                         f"internal values starting with {INTERNAL!r}); rename them before fitting")


def add_encoder(graph: Graph, encoder: FrameEncoder, names: list[str]) -> tuple[list[Any], str]:
    """The graph inputs for the columns ``names`` (fit-time order) and the name of the encoded features
    (double, ``[N, n_features]``), as ``encoder.transform`` of the canonical frame computes them."""
    from onnx import TensorProto

    check_exportable_columns(encoder.info, names)
    categorical = set(encoder.kept_)
    inputs = [value_info(name, TensorProto.STRING if name in categorical else TensorProto.DOUBLE, ["N", 1])
              for name in names]
    blocks = []
    if encoder.numeric_:
        blocks.append(_numeric_block(graph, encoder))
    ordinal = []
    for name, kept in encoder.kept_.items():
        codes = _category_codes(graph, name, kept, encoder.missing_code_[name], encoder.has_other_[name])
        if encoder.categories == "ordinal":
            ordinal.append(codes)
        else:
            width = len(kept) + int(encoder.missing_code_[name] >= 0) + int(encoder.has_other_[name])
            positions = graph.const(np.arange(max(width, 1), dtype=np.int64)[None, :], "onehot_positions")
            blocks.append(graph.op("Cast", graph.op("Equal", codes, positions), to=TensorProto.DOUBLE))
    if ordinal:
        joined = ordinal[0] if len(ordinal) == 1 else graph.op("Concat", *ordinal, axis=1)
        blocks.append(graph.op("Cast", joined, to=TensorProto.DOUBLE))
    if not blocks:
        raise ValueError("the student's encoder produces no features; nothing to export")
    return inputs, blocks[0] if len(blocks) == 1 else graph.op("Concat", *blocks, axis=1)


def _numeric_block(graph: Graph, encoder: FrameEncoder) -> str:
    """Numeric then boolean columns: infinities and non-0/1 booleans as NaN (the validator's canonical
    frame), then the training medians in NaN cells (``impute``) and standardisation (``scale``)."""
    columns = list(encoder.numeric_)
    block = columns[0] if len(columns) == 1 else graph.op("Concat", *columns, axis=1)
    nan = graph.const(np.array(np.nan), "nan")
    block = graph.op("Where", graph.op("IsInf", block), nan, block)
    booleans = np.isin(columns, list(encoder.info.boolean_columns))
    if booleans.any():
        zero, one = graph.const(np.array(0.0), "zero"), graph.const(np.array(1.0), "one")
        zero_or_one = graph.op("Or", graph.op("Equal", block, zero), graph.op("Equal", block, one))
        keep = graph.op("Or", zero_or_one, graph.const(~booleans[None, :], "not_boolean"))
        block = graph.op("Where", keep, block, nan)
    if encoder.impute:
        median = graph.const(np.asarray(encoder.median_, dtype=np.float64)[None, :], "median")
        block = graph.op("Where", graph.op("IsNaN", block), median, block)
    if encoder.scale:
        mean = graph.const(np.asarray(encoder.mean_, dtype=np.float64)[None, :], "mean")
        scale = graph.const(np.asarray(encoder.scale_, dtype=np.float64)[None, :], "scale")
        block = graph.op("Div", graph.op("Sub", block, mean), scale)
    return block


def _category_codes(graph: Graph, name: str, kept: dict[str, int], missing_code: int, has_other: bool) -> str:
    """int64 ``[N, 1]`` codes of one categorical column, as ``FrameEncoder.transform`` gives them: the kept
    values' codes, the missing code for the empty string (or the other code when missing was rare),
    the code after the kept ones for rare and unseen values (-1 when nothing was rare)."""
    n_kept = len(kept) + int(missing_code >= 0)
    other = n_kept if has_other else -1
    keys = [MISSING_STRING] + [str(value) for value in kept if str(value) != MISSING_STRING]
    values = [missing_code if missing_code >= 0 else other] + [code for value, code in kept.items()
                                                               if str(value) != MISSING_STRING]
    return graph.op("LabelEncoder", name, domain="ai.onnx.ml", keys_strings=keys, values_int64s=values,
                    default_int64=other)
