"""Issue 5 measurement: best single model vs greedy ensemble selection vs stacking, with and without refit.

One AutoClassifier fit per data set (60 s, metric log_loss, run store kept), then every variant is derived
from that same run store, so the comparison is side by side and costs one search per data set:

- best:       the trial with the lowest held-out loss
- selection:  Caruana greedy selection with replacement (ensemble_size 50) over the 50 best + each family's best
- selection_auc (binary only): the same selection optimising ROC AUC, as metric="auto" would
- stacking:   logistic regression on the members' out-of-fold (holdout: holdout-set) log-probabilities;
            "_unclipped": without clipping its inputs to their training range (the measurement behind the clip)

each served "norefit" (trial models: the holdout-trained pipeline, or the average of the fold models) and
"refit" (members refit on all training rows; cost measured here, outside the fit's budget). ``served`` is
what fit itself returned within its 60 s (its default ensemble, refitting while the clock allowed).
Test split: 25 % stratified, seed 0. Reports test log loss, ROC AUC (macro one-vs-rest) and accuracy.

Run: python experiments/ensembles.py [--ids 31 37 ...] [--budget 60]
Writes experiments/results/ensembles.csv, ensembles_summary.md and ensembles_trajectory.png (first data set).
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from common import RESULTS, load_mirror, standard_split
from sklearn.metrics import accuracy_score, log_loss, roc_auc_score
from threadpoolctl import threadpool_limits

from autoclf import AutoClassifier
from autoclf.ensembles.builder import EnsembleBuilder, stacking_model, trial_model
from autoclf.evaluation.request import TrialRequest
from autoclf.evaluation.run_store import RunStore
from autoclf.evaluation.trial import full_probabilities, refit
from autoclf.metrics import get_metric

#: credit-g, diabetes, vehicle, phoneme, kc1, blood-transfusion, qsar-biodeg, segment, banknote (CV on this
#: size) and mfeat-factors, optdigits, first-order-theorem-proving (over 200 000 cells: holdout)
DATASETS = [31, 37, 54, 1489, 1067, 1464, 1494, 36, 1462, 12, 28, 1475]

logger = logging.getLogger("experiments.ensembles")


def scores(y_true: np.ndarray, proba: np.ndarray) -> dict[str, float]:
    """Test log loss, ROC AUC (binary; macro one-vs-rest for more classes) and accuracy on int codes."""
    n_classes = proba.shape[1]
    clipped = np.clip(proba, 1e-15, 1)
    clipped /= clipped.sum(axis=1, keepdims=True)
    if n_classes == 2:
        auc = roc_auc_score(y_true, proba[:, 1])
    else:
        present = np.unique(y_true)
        auc = float(np.mean([roc_auc_score(y_true == k, proba[:, k]) for k in present]))
    return {"log_loss": log_loss(y_true, clipped, labels=np.arange(n_classes)), "roc_auc": auc,
            "accuracy": accuracy_score(y_true, proba.argmax(axis=1))}


def run_one(openml_id: int, budget: float, folder: Path, plot: Path | None) -> list[dict]:
    X, y, name = load_mirror(openml_id)
    X_train, X_test, y_train, y_test = standard_split(X, y)
    started = time.perf_counter()
    model = AutoClassifier(time_left=budget, metric="log_loss", seed=0, verbose=0, keep_tmp=True,
                           tmp_folder=folder / str(openml_id)).fit(X_train, y_train)
    fit_seconds = time.perf_counter() - started
    n_classes = len(model.classes_)
    codes = model.validator_.encode_target(y_test)
    X_test_c = model.validator_.transform(X_test)
    store = RunStore(model.tmp_folder_)
    results = model.results_
    by_id = {r.trial_id: r for r in results}
    if plot is not None:
        model.plot_ensemble(plot)

    metric = get_metric("log_loss", n_classes)
    builder = EnsembleBuilder(store, metric, "selection", 50, 50, seed=0)
    tick = time.perf_counter()
    selection = builder.select(results)
    selection_seconds = time.perf_counter() - tick
    variants: dict[str, dict[int, float]] = {"best": {model.best_trial_.trial_id: 1.0},
                                            "selection": selection.weight_map()}
    if n_classes == 2:
        auc_builder = EnsembleBuilder(store, get_metric("roc_auc", 2), "selection", 50, 50, seed=0)
        variants["selection_auc"] = auc_builder.select(results).weight_map()
    stack_ids = builder.stacking_members(results, selection)
    with threadpool_limits(limits=1):
        tick = time.perf_counter()
        stack = stacking_model(builder, stack_ids, n_classes)
        stack_seconds = time.perf_counter() - tick
        members = sorted(set(stack_ids).union(*variants.values()))
        test_proba: dict[tuple[int, bool], np.ndarray] = {}
        refit_seconds: dict[int, float] = {}
        for trial_id in members:
            test_proba[trial_id, False] = full_probabilities(trial_model(store, trial_id, n_classes), X_test_c,
                                                             n_classes)
            tick = time.perf_counter()
            refitted = refit(str(store.root), TrialRequest(dict(by_id[trial_id].config), 0, None))
            refit_seconds[trial_id] = time.perf_counter() - tick
            test_proba[trial_id, True] = full_probabilities(refitted, X_test_c, n_classes)

    common = {"dataset": f"{name} ({openml_id})", "classes": n_classes, "resampling": model.resampling_,
              "trials": len(results), "fit_seconds": round(fit_seconds, 1)}
    rows = [{**common, "variant": "served", "members": len(model.ensemble_weights_),
             "refit_members": len(model.refitted_trials_), "refit_seconds": np.nan,
             **scores(codes, model.predict_proba(X_test))}]
    for variant, weights in variants.items():
        for with_refit in (False, True):
            proba = sum(w * test_proba[t, with_refit] for t, w in weights.items())
            rows.append({**common, "variant": f"{variant}_{'refit' if with_refit else 'norefit'}",
                         "members": len(weights), "build_seconds": selection_seconds if variant != "best" else 0.0,
                         "refit_seconds": sum(refit_seconds[t] for t in weights) if with_refit else 0.0,
                         **scores(codes, proba)})
    for with_refit, clip in ((False, True), (True, True), (True, False)):
        proba = stack.combine([test_proba[t, with_refit] for t in stack_ids], clip=clip)
        variant = f"stacking_{'refit' if with_refit else 'norefit'}{'' if clip else '_unclipped'}"
        rows.append({**common, "variant": variant, "members": len(stack_ids),
                     "refit_seconds": sum(refit_seconds[t] for t in stack_ids) if with_refit else 0.0,
                     "build_seconds": stack_seconds, **scores(codes, proba)})
    for row in rows:
        logger.info("%s %-22s log_loss %.4f auc %.4f acc %.4f", row["dataset"], row["variant"], row["log_loss"],
                    row["roc_auc"], row["accuracy"])
    return rows


def summarise(table: pd.DataFrame) -> str:
    """Median test metrics per variant, and each variant's median loss ratio to the refit best single model."""
    base = table[table.variant == "best_refit"].set_index("dataset")["log_loss"]
    table = table.assign(ratio=table.log_loss / table.dataset.map(base))
    table = table.assign(wins=table.log_loss < table.dataset.map(base) - 1e-9)
    summary = table.groupby("variant").agg(
        datasets=("dataset", "count"), median_log_loss=("log_loss", "median"), median_auc=("roc_auc", "median"),
        median_accuracy=("accuracy", "median"), median_ratio_to_best=("ratio", "median"),
        wins_vs_best=("wins", "sum"), median_refit_s=("refit_seconds", "median"),
        median_build_s=("build_seconds", "median"))
    wide = table.pivot_table(index="dataset", columns="variant", values="log_loss")
    return (summary.to_markdown(floatfmt=".4f") + "\n\nTest log loss per data set:\n\n"
            + wide.to_markdown(floatfmt=".4f"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ids", type=int, nargs="+", default=DATASETS)
    parser.add_argument("--budget", type=float, default=60)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("autoclf").setLevel(logging.WARNING)
    logging.getLogger("smac").setLevel(logging.WARNING)
    RESULTS.mkdir(exist_ok=True)
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="autoclf_ens_bench_") as folder:
        for index, openml_id in enumerate(args.ids):
            plot = RESULTS / "ensembles_trajectory.png" if index == 0 else None
            try:
                rows.extend(run_one(openml_id, args.budget, Path(folder), plot))
            except Exception:  # one data set's failure should not lose the others' results
                logger.exception("data set %d failed", openml_id)
            pd.DataFrame(rows).to_csv(RESULTS / "ensembles.csv", index=False)
    table = pd.DataFrame(rows)
    text = summarise(table)
    (RESULTS / "ensembles_summary.md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
