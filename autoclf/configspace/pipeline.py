"""Configuration -> scikit-learn pipeline: column preprocessing, feature preprocessing, classifier."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.utils.class_weight import compute_sample_weight

from autoclf.components.base import Component
from autoclf.components.registry import Registry
from autoclf.configspace.builder import BALANCING, CHOICE, active_slots
from autoclf.dataset.info import DatasetInfo


class ClassifierPipeline(Pipeline):
    """A Pipeline whose fit can weight rows to balance classes (the ``balancing`` hyperparameter).

    Balancing lives on the pipeline, not in the trial code, so a refit or a clone reproduces it.

    ``fit(X, y, sample_weight=...)`` (row weights given to ``AutoClassifier.fit``) routes the weights to the
    final classifier step as ``classifier__sample_weight`` when that component declares
    ``supports_sample_weight``; other classifiers (k-NN, LDA, QDA, scikit-learn's HistGradientBoosting, whose
    weighted binning is slow) and the preprocessing steps train unweighted. With balancing, each row's weight
    is multiplied by its class's balancing factor, computed on the weighted class totals.
    """

    def __init__(self, steps, *, balancing: str = "none", memory=None, transform_input=None, verbose=False):
        super().__init__(steps, memory=memory, transform_input=transform_input, verbose=verbose)
        self.balancing = balancing

    def fit(self, X, y=None, sample_weight=None, **params):
        last_name, classifier = self.steps[-1]
        weights = None
        if sample_weight is not None and getattr(classifier, "supports_sample_weight", False):
            weights = np.asarray(sample_weight, dtype=np.float64)
        if self.balancing == "weighting":
            weights = compute_sample_weight("balanced", y) if weights is None else balanced_weights(y, weights)
        elif self.balancing != "none":
            raise ValueError(f"balancing must be 'none' or 'weighting', got {self.balancing!r}")
        if weights is not None:
            params = {**params, f"{last_name}__sample_weight": weights}
        return super().fit(X, y, **params)


def balanced_weights(y: Any, sample_weight: np.ndarray) -> np.ndarray:
    """Row weights times their class's balancing factor (total weight / (classes x the class's weight)): every
    class then weighs the same in all; scikit-learn's "balanced" rule, on weighted counts."""
    _, codes = np.unique(np.asarray(y), return_inverse=True)
    codes = codes.reshape(-1)
    totals = np.bincount(codes, weights=sample_weight)
    factors = np.divide(totals.sum(), len(totals) * totals, out=np.zeros_like(totals), where=totals > 0)
    return sample_weight * factors[codes]


def split_configuration(config: Mapping[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """{slot: (component name, its unprefixed hyperparameters)} for the slots the configuration sets."""
    values = dict(config)
    chosen: dict[str, tuple[str, dict[str, Any]]] = {}
    for key, value in values.items():
        slot, _, rest = key.partition(":")
        if rest == CHOICE:
            prefix = f"{slot}:{value}:"
            params = {k[len(prefix) :]: v for k, v in values.items() if k.startswith(prefix)}
            chosen[slot] = (str(value), params)
    return chosen


def build_pipeline(
    config: Mapping[str, Any], info: DatasetInfo, registry: Registry, random_state: int | None = None
) -> ClassifierPipeline:
    """The unfitted pipeline a configuration describes, for canonical frames of the validated data."""
    chosen = split_configuration(config)
    missing = [slot for slot in active_slots(info) if slot not in chosen]
    if missing:
        raise ValueError(f"configuration sets no component for slots {missing}")

    def make(slot: str) -> Component:
        name, params = chosen[slot]
        return registry.get(slot, name).from_config(params, info, random_state=random_state)

    column_steps = []
    numeric = list(info.numeric_columns) + list(info.boolean_columns)
    if numeric:
        numeric_steps = Pipeline([("impute", make("imputation")), ("scale", make("scaling"))])
        column_steps.append(("numeric", numeric_steps, numeric))
    if info.categorical_columns:
        column_steps.append(("categorical", make("encoding"), list(info.categorical_columns)))
    if info.text_columns:
        from autoclf.components.preprocessing.text import TextEncoder

        column_steps.append(("text", TextEncoder(), list(info.text_columns)))
    columns = ColumnTransformer(column_steps, sparse_threshold=0.0, verbose_feature_names_out=False)
    classifier: Any = make("classifier")  # a scikit-learn estimator as well
    if _feeds_entity_embeddings(chosen, info, classifier):
        # ordinal codes reach the classifier untouched: the network embeds them (entity embeddings)
        first = len(numeric)
        classifier.set_params(categorical_features=list(range(first, first + len(info.categorical_columns))))
    steps = [
        ("columns", columns),
        ("features", make("feature_preprocessor")),
        ("classifier", classifier),
    ]
    balancing = str(config.get(BALANCING, "none"))
    return ClassifierPipeline(steps, balancing=balancing)


def _feeds_entity_embeddings(chosen: Mapping[str, tuple[str, Any]], info: DatasetInfo, classifier: Any) -> bool:
    """True when ordinal-encoded categoricals pass unchanged to a classifier that can embed them."""
    return (
        bool(info.categorical_columns)
        and "categorical_features" in classifier.get_params()
        and chosen.get("encoding", ("", None))[0] == "ordinal"
        and chosen["feature_preprocessor"][0] == "no_preprocessing"
    )


def scale_iterations(pipeline: ClassifierPipeline, budget: float) -> bool:
    """Cut the classifier's iteration count to ``budget`` (a fraction of 1) of its configured value.

    Returns False when the classifier has no iteration count: the caller then subsamples rows instead.
    """
    classifier = pipeline.steps[-1][1]
    parameter = getattr(classifier, "fidelity_parameter", None)
    if parameter is None:
        return False
    full = classifier.get_params()[parameter]
    classifier.set_params(**{parameter: max(1, int(round(full * budget)))})
    return True


def describe_pipeline(config: Mapping[str, Any]) -> dict[str, str]:
    """Component names per slot, for leaderboards."""
    return {slot: name for slot, (name, _) in split_configuration(config).items()} | {
        "balancing": str(config.get(BALANCING, "none"))
    }
