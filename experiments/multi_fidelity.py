"""Issue 3 measurement: does multi-fidelity search (Hyperband over epochs / trees / rows) beat plain SMAC?

Per data set and budget, two AutoClassifier fits side by side on the same 25 % stratified test split
(seed 0): ``multi_fidelity=False`` and ``True``. Reports the test score (ROC AUC for two classes, log loss
for more, as the AutoML Benchmark), trials run, and how many trials were networks.

Run: python experiments/multi_fidelity.py [--budgets 60 300] [--ids 31 1489 54 1067] [--ids-long 1489 54]
Prints a markdown table and writes experiments/results/multi_fidelity.csv.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd
from common import RESULTS, load_mirror, standard_split
from sklearn.metrics import log_loss, roc_auc_score

from autoclf import AutoClassifier

SHORT = [31, 1489, 54, 1067]  # credit-g, phoneme, vehicle (4 classes), kc1
LONG = [1489, 54]  # the 300 s runs cost 10 minutes per data set: two of them


def test_score(model: AutoClassifier, X_test: pd.DataFrame, y_test: pd.Series) -> tuple[str, float]:
    proba = model.predict_proba(X_test)
    if len(model.classes_) == 2:
        return "roc_auc", float(roc_auc_score(y_test == model.classes_[1], proba[:, 1]))
    return "log_loss", float(log_loss(y_test, proba, labels=model.classes_))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budgets", type=float, nargs="+", default=[60, 300])
    parser.add_argument("--ids", type=int, nargs="+", default=SHORT, help="data sets for budgets < 300 s")
    parser.add_argument("--ids-long", type=int, nargs="+", default=LONG, help="data sets for budgets >= 300 s")
    args = parser.parse_args()
    rows = []
    for budget in args.budgets:
        for openml_id in args.ids_long if budget >= 300 else args.ids:
            X, y, name = load_mirror(openml_id)
            X_train, X_test, y_train, y_test = standard_split(X, y)
            for multi_fidelity in (False, True):
                started = time.perf_counter()
                model = AutoClassifier(time_left=budget, multi_fidelity=multi_fidelity, seed=0, verbose=0)
                model.fit(X_train, y_train)
                seconds = time.perf_counter() - started
                metric, score = test_score(model, X_test, y_test)
                board = model.leaderboard()
                rows.append({
                    "dataset": f"{name} ({openml_id})", "budget_s": budget, "multi_fidelity": multi_fidelity,
                    "metric": metric, "test_score": score, "trials": len(board),
                    "network_trials": int((board.classifier == "mlp").sum()),
                    "full_budget_trials": sum(r.budget in (None, 1.0) for r in model.results_),
                    "best": board.classifier.iloc[0], "fit_seconds": round(seconds, 1),
                })
                print(rows[-1], flush=True)
    table = pd.DataFrame(rows)
    RESULTS.mkdir(exist_ok=True)
    table.to_csv(RESULTS / "multi_fidelity.csv", index=False)
    print(table.to_markdown(index=False, floatfmt=".4f"))
    wide = table.pivot_table(index=["dataset", "budget_s", "metric"], columns="multi_fidelity", values="test_score")
    wide.columns = ["plain", "multi_fidelity"]
    print(wide.to_markdown(floatfmt=".4f"))


if __name__ == "__main__":
    main()
