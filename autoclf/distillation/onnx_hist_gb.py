"""scikit-learn's HistGradientBoostingClassifier as ONNX, written here rather than by skl2onnx.

skl2onnx 1.20 reads HistGradientBoosting's categorical splits as numeric thresholds (silently wrong
probabilities) and emits a boolean attribute that onnx rejects. This converter writes every tree into one
ai.onnx.ml ``TreeEnsemble`` (opset 5: double thresholds and leaf sums, as scikit-learn computes), adds the
baseline and applies the link (sigmoid, softmax), so the graph gives scikit-learn's probabilities.

Categorical splits ("is the category code in this set?") do not use the operator's set-membership mode:
onnxruntime 1.21 and 1.22 answer it wrongly for some sets. Each distinct test becomes a column computed
before the trees (a lookup table indexed by the code: 0 for codes going left, 1 for known codes going
right, NaN for unknown codes, which go where missing values go), and the split a threshold at 0.5 on it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from autoclf.distillation.families import StudentFamily
from autoclf.distillation.onnx_graph import Graph

#: a categorical test: (feature column, codes going left, codes known to the model)
Test = tuple[int, frozenset[float], frozenset[float]]


def add_hist_gb(graph: Graph, model: Any, features: str, family: StudentFamily) -> str:
    """The model's probabilities (double ``[N, n_classes]``) for the encoded ``features``."""
    from onnx import numpy_helper

    n_targets = int(model.n_trees_per_iteration_)
    trees = _Trees(n_targets)
    original, categories = _feature_map(model)
    known, known_index = model._bin_mapper.make_known_categories_bitsets()
    for iteration in model._predictors:
        for target, predictor in enumerate(iteration):
            trees.add(predictor, target, original, categories, known, known_index)
    baseline = np.asarray(model._baseline_prediction, dtype=np.float64).reshape(1, n_targets) + trees.constants
    if trees.roots:
        raw = _trees_output(graph, features, trees, int(model.n_features_in_), n_targets)
    else:  # no tree has a split: every row gets the baseline
        rows = graph.op("Shape", features, end=1)
        shape = graph.op("Concat", rows, graph.const(np.array([n_targets], dtype=np.int64), "targets"), axis=0)
        raw = graph.op("ConstantOfShape", shape, value=numpy_helper.from_array(np.zeros(1)))
    raw = graph.op("Add", raw, graph.const(baseline, "baseline"))
    if n_targets > 1:
        return graph.op("Softmax", raw, axis=1)
    positive = graph.op("Sigmoid", raw)
    return graph.op("Concat", graph.op("Sub", graph.const(np.ones((1, 1)), "one"), positive), positive, axis=1)


def _trees_output(graph: Graph, features: str, trees: _Trees, n_features: int, n_targets: int) -> str:
    """The sums of the trees' leaves, double ``[N, n_targets]``."""
    from onnx import numpy_helper

    inputs = _with_category_tests(graph, features, trees, n_features)
    graph.require("ai.onnx.ml", 5)
    return graph.op(
        "TreeEnsemble", inputs, domain="ai.onnx.ml", n_targets=n_targets, aggregate_function=1,
        post_transform=0, tree_roots=trees.roots, nodes_featureids=trees.features,
        nodes_modes=numpy_helper.from_array(np.zeros(len(trees.features), dtype=np.uint8)),  # x <= split
        nodes_splits=numpy_helper.from_array(np.asarray(trees.splits, dtype=np.float64)),
        nodes_truenodeids=trees.true_ids, nodes_trueleafs=trees.true_leafs,
        nodes_falsenodeids=trees.false_ids, nodes_falseleafs=trees.false_leafs,
        nodes_missing_value_tracks_true=trees.missing_true, leaf_targetids=trees.leaf_targets,
        leaf_weights=numpy_helper.from_array(np.asarray(trees.leaf_weights, dtype=np.float64)))


def _feature_map(model: Any) -> tuple[np.ndarray, list[np.ndarray]]:
    """The features' original columns in the order the trees index them (HistGradientBoosting moves the
    categorical ones first), and each categorical one's values in the order of its internal codes."""
    mask = model.is_categorical_
    if mask is None:
        return np.arange(int(model.n_features_in_)), []
    original = np.concatenate([np.flatnonzero(mask), np.flatnonzero(~mask)])
    return original, list(model._preprocessor.named_transformers_["encoder"].categories_)


def _in_bitset(bitset: np.ndarray, value: int) -> bool:
    return bool((int(bitset[value // 32]) >> (value % 32)) & 1)


class _Trees:
    """The TreeEnsemble attributes, grown one scikit-learn TreePredictor at a time; categorical splits
    wait in ``tests`` for the columns ``_with_category_tests`` gives them."""

    def __init__(self, n_targets: int) -> None:
        self.constants = np.zeros(n_targets)  # the sums of the one-leaf trees, per target
        self.roots: list[int] = []
        self.features: list[int] = []
        self.splits: list[float] = []
        self.true_ids: list[int] = []
        self.true_leafs: list[int] = []
        self.false_ids: list[int] = []
        self.false_leafs: list[int] = []
        self.missing_true: list[int] = []
        self.leaf_targets: list[int] = []
        self.leaf_weights: list[float] = []
        self.tests: dict[Test, int] = {}  # each distinct test, numbered
        self.test_nodes: list[tuple[int, int]] = []  # (node, test number) of the categorical splits

    def add(self, predictor: Any, target: int, original: np.ndarray, categories: list[np.ndarray],
            known: np.ndarray, known_index: np.ndarray) -> None:
        nodes = predictor.nodes
        if nodes["is_leaf"][0]:  # a tree of one leaf adds a constant: kept with the baseline
            self.constants[target] += float(nodes["value"][0])
            return
        leaf_of: dict[int, int] = {}
        for index in np.flatnonzero(nodes["is_leaf"]):
            leaf_of[int(index)] = len(self.leaf_weights)
            self.leaf_targets.append(target)
            self.leaf_weights.append(float(nodes["value"][index]))
        branches = [int(index) for index in np.flatnonzero(~nodes["is_leaf"].astype(bool))]
        node_of = {index: len(self.features) + position for position, index in enumerate(branches)}
        self.roots.append(node_of[0])

        def child(index: int) -> tuple[int, int]:
            return (leaf_of[index], 1) if index in leaf_of else (node_of[index], 0)

        for branch in branches:
            node = nodes[branch]
            left, right = child(int(node["left"])), child(int(node["right"]))
            feature, missing_left = int(node["feature_idx"]), bool(node["missing_go_to_left"])
            if not node["is_categorical"]:
                self._branch(int(original[feature]), float(node["num_threshold"]), left, right, missing_left)
                continue
            values = categories[feature]  # NaN among them: missing values, which are no category here
            goes_left = frozenset(float(v) for code, v in enumerate(values) if not np.isnan(v)
                                  and _in_bitset(predictor.raw_left_cat_bitsets[node["bitset_idx"]], code))
            is_known = frozenset(float(v) for code, v in enumerate(values) if not np.isnan(v)
                                 and _in_bitset(known[known_index[feature]], code))
            test = (int(original[feature]), goes_left, is_known)
            self.test_nodes.append((len(self.features), self.tests.setdefault(test, len(self.tests))))
            self._branch(-1, 0.5, left, right, missing_left)  # the test's column, once it has one

    def _branch(self, feature: int, split: float, true: tuple[int, int], false: tuple[int, int],
                missing_true: bool) -> None:
        self.features.append(feature)
        self.splits.append(split)
        self.true_ids.append(true[0])
        self.true_leafs.append(true[1])
        self.false_ids.append(false[0])
        self.false_leafs.append(false[1])
        self.missing_true.append(int(missing_true))


def _with_category_tests(graph: Graph, features: str, trees: _Trees, n_features: int) -> str:
    """``features`` followed by one column per categorical test (grouped by feature column), and the
    categorical splits pointed at their test's column."""
    if not trees.tests:
        return features
    by_column: dict[int, list[Test]] = defaultdict(list)
    for test in trees.tests:
        by_column[test[0]].append(test)
    position, column_of, blocks = n_features, {}, [features]
    for column in sorted(by_column):
        for test in by_column[column]:
            column_of[trees.tests[test]] = position
            position += 1
        blocks.append(_test_columns(graph, features, column, by_column[column]))
    for node, number in trees.test_nodes:
        trees.features[node] = column_of[number]
    return graph.op("Concat", *blocks, axis=1)


def _test_columns(graph: Graph, features: str, column: int, tests: list[Test]) -> str:
    """double ``[N, len(tests)]``: per test, 0 if the code in ``column`` goes left, 1 if it is a known code
    going right, NaN otherwise (unknown codes, missing values), looked up in a table indexed by the code."""
    from onnx import TensorProto

    codes = sorted(set().union(*(test[2] | test[1] for test in tests)))
    if any(not float(code).is_integer() for code in codes):
        raise NotImplementedError(f"column {column}'s categories are not integer codes; cannot export its splits")
    low, high = int(codes[0]), int(codes[-1])
    table = np.full((high - low + 3, len(tests)), np.nan)  # row 0: below low (or NaN), last: above high
    for k, (_, goes_left, is_known) in enumerate(tests):
        table[[int(code) - low + 1 for code in is_known], k] = 1.0
        table[[int(code) - low + 1 for code in goes_left], k] = 0.0
    value = graph.op("Gather", features, graph.const(np.array([column], dtype=np.int64), "column"), axis=1)
    below, above = graph.const(np.array(low - 1.0), "below"), graph.const(np.array(high + 1.0), "above")
    value = graph.op("Clip", graph.op("Where", graph.op("IsNaN", value), below, value), below, above)
    row = graph.op("Cast", graph.op("Sub", value, below), to=TensorProto.INT64)
    row = graph.op("Reshape", row, graph.const(np.array([-1], dtype=np.int64), "flat"))
    return graph.op("Gather", graph.const(table, "category_tests"), row, axis=0)
