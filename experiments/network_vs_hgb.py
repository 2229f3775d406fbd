"""Issue 3 benchmark: the network's default configuration (in an autoclf pipeline) vs scikit-learn's default
HistGradientBoosting, on six mirror data sets, 25 % stratified test split, seed 0. Both fit on one thread
(as an autoclf trial does; HGB's OpenMP threads also stall badly on a shared machine).

The network pipeline is the default configuration of the joint space restricted to the "mlp" classifier
(default imputer, encoder, scaler and feature preprocessor). With ``--embeddings`` a third model is added
on data sets with categoricals: ordinal encoding + entity embeddings for the categorical columns.

Run: python experiments/network_vs_hgb.py [--ids 3 12 ...] [--max-rows 20000] [--embeddings]
Prints a markdown table and writes experiments/results/network_vs_hgb.csv.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from common import RESULTS, baseline, load_mirror, standard_split
from sklearn.metrics import accuracy_score, log_loss, roc_auc_score
from threadpoolctl import threadpool_limits

from autoclf.components.networks import NETWORKS
from autoclf.components.registry import default_registry
from autoclf.configspace.builder import (
    build_configuration_space,
    complete_configuration,
)
from autoclf.configspace.pipeline import build_pipeline
from autoclf.dataset.validator import InputValidator

# kr-vs-kp (categoricals), mfeat-factors (10 classes), electricity (45k rows), diabetes, credit-g, phoneme
DATASETS = [3, 12, 151, 37, 31, 1489]


class NetworkPipeline:
    """Validator + the autoclf pipeline of the mlp-only space's default configuration."""

    def __init__(self, embeddings: bool = False) -> None:
        self.embeddings = embeddings

    def fit(self, X: pd.DataFrame, y: pd.Series) -> NetworkPipeline:
        self.validator_ = InputValidator()
        frame, codes = self.validator_.fit_transform(X, y)
        info = self.validator_.info_
        registry = default_registry().with_components(NETWORKS)
        space = build_configuration_space(info, registry, include={"classifier": ["mlp"]})
        partial = {"encoding:__choice__": "ordinal"} if self.embeddings else {}
        config = complete_configuration(space, partial)
        self.pipeline_ = build_pipeline(config, info, registry, random_state=0)
        if self.embeddings:  # the wiring proposed for configspace/pipeline.py, done by hand here
            n_numeric = len(info.numeric_columns) + len(info.boolean_columns)
            columns = list(range(n_numeric, n_numeric + len(info.categorical_columns)))
            self.pipeline_.set_params(classifier__categorical_features=columns)
        self.pipeline_.fit(frame, codes)
        self.classes_ = self.validator_.classes_
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        return self.pipeline_.predict_proba(self.validator_.transform(X))


def scores(model, X_test: pd.DataFrame, y_test: pd.Series) -> dict[str, float]:
    """ROC AUC for binary problems; accuracy and log loss for multiclass ones."""
    proba = model.predict_proba(X_test)
    classes = np.asarray(model.classes_)
    if len(classes) == 2:
        return {"auc": roc_auc_score(np.asarray(y_test) == classes[1], proba[:, 1])}
    predicted = classes[np.argmax(proba, axis=1)]
    return {"accuracy": accuracy_score(np.asarray(y_test), predicted),
            "log_loss": log_loss(np.asarray(y_test), proba, labels=classes)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ids", type=int, nargs="*", default=DATASETS)
    parser.add_argument("--max-rows", type=int, default=None, help="subsample larger data sets (stratified)")
    parser.add_argument("--embeddings", action="store_true", help="also run ordinal encoding + embeddings")
    args = parser.parse_args()
    rows = []
    for openml_id in args.ids:
        X, y, name = load_mirror(openml_id)
        if args.max_rows and len(X) > args.max_rows:
            X, _, y, _ = standard_split(X, y, test_size=1 - args.max_rows / len(X))
        X_train, X_test, y_train, y_test = standard_split(X, y)
        models = {"mlp": NetworkPipeline(), "hgb": baseline("hgb", X_train)}
        if args.embeddings and any(not pd.api.types.is_numeric_dtype(X[c]) for c in X.columns):
            models["mlp_emb"] = NetworkPipeline(embeddings=True)
        row: dict[str, object] = {"dataset": f"{name} ({openml_id})", "rows": len(X), "classes": y.nunique()}
        for kind, model in models.items():
            started = time.perf_counter()
            with threadpool_limits(1):
                model.fit(X_train, y_train)
            row[f"{kind}_seconds"] = time.perf_counter() - started
            row.update({f"{kind}_{metric}": value for metric, value in scores(model, X_test, y_test).items()})
            if kind.startswith("mlp"):
                network = model.pipeline_[-1]
                row[f"{kind}_epochs"] = f"{network.best_epoch_}/{network.n_epochs_}"
        rows.append(row)
        print({k: (round(v, 4) if isinstance(v, float) else v) for k, v in row.items()}, flush=True)
    table = pd.DataFrame(rows)
    RESULTS.mkdir(exist_ok=True)
    table.to_csv(RESULTS / "network_vs_hgb.csv", index=False)
    print(display(table).to_markdown(index=False, disable_numparse=True))


def display(table: pd.DataFrame) -> pd.DataFrame:
    """One column per model: "AUC" on binary data, "accuracy / log loss" on multiclass data, then seconds."""
    kinds = [k for k in ("mlp", "hgb", "mlp_emb") if f"{k}_seconds" in table]
    shown = table[["dataset", "rows", "classes"]].copy()
    shown["metric"] = np.where(table["classes"] == 2, "AUC", "acc / log loss")
    for kind in kinds:
        shown[kind] = table.apply(lambda row, kind=kind: score_cell(row, kind), axis=1)
    for kind in kinds:
        shown[f"{kind} s"] = table[f"{kind}_seconds"].map(lambda v: "" if pd.isna(v) else f"{v:.1f}")
        if f"{kind}_epochs" in table:
            shown[f"{kind} best/run epochs"] = table[f"{kind}_epochs"].fillna("")
    return shown


def score_cell(row: pd.Series, kind: str) -> str:
    if pd.isna(row[f"{kind}_seconds"]):
        return ""
    if row["classes"] == 2:
        return f"{row[f'{kind}_auc']:.4f}"
    return f"{row[f'{kind}_accuracy']:.4f} / {row[f'{kind}_log_loss']:.4f}"


if __name__ == "__main__":
    main()
