"""Which boosting default should open the search: each candidate's default configuration, run as the first
trial would run it (autoclf's pipeline: validation, imputation, encoding, the classifier), timed and scored.

Data: data sets of the shipped meta-database (seen ones), so that the race's unseen data sets do not
choose the defaults. One stratified 75/25 split each; one thread; test log loss, ROC AUC on binary tasks,
and fit seconds. Writes results/boosting_defaults.csv and .md.

    python experiments/boosting_defaults.py [--datasets 31,1067,...] [--output boosting_defaults]

Native categorical splits against ordinal codes split as numbers (``_codes`` / ``_native``), on the
seen data sets with categorical columns (none of the race's):

    python experiments/boosting_defaults.py --candidates lightgbm,lightgbm_codes,xgboost,xgboost_native \
        --datasets 2,3,5,9,10,13,20,23,26,29,31,38,42,43,50,56,62,163,183,470,1480,1555,40945,40975,42585 \
        --output native_categorical
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from common import RESULTS, load_mirror, standard_split  # noqa: E402
from sklearn.metrics import log_loss, roc_auc_score  # noqa: E402

from autoclf.components.registry import default_registry  # noqa: E402
from autoclf.configspace.builder import (  # noqa: E402
    build_configuration_space,
    complete_configuration,
    preferred_preprocessing,
)
from autoclf.configspace.pipeline import build_pipeline  # noqa: E402
from autoclf.dataset.validator import InputValidator  # noqa: E402

#: seen data sets (in data/metadb.json.gz), small to large, numeric and categorical
DATASETS = [31, 1067, 1489, 54, 40975, 2, 36, 1504, 23, 26, 1046, 30, 1466, 29, 38, 1497]
#: name -> partial configuration (completed with the component's preferred preprocessing and defaults)
CANDIDATES: dict[str, dict] = {
    "hist_gradient_boosting": {"classifier:__choice__": "hist_gradient_boosting"},
    "lightgbm": {"classifier:__choice__": "lightgbm"},
    "lightgbm_lr0.1": {"classifier:__choice__": "lightgbm", "classifier:lightgbm:learning_rate": 0.1},
    "lightgbm_codes": {"classifier:__choice__": "lightgbm", "classifier:lightgbm:native_categorical": False},
    "xgboost": {"classifier:__choice__": "xgboost"},
    "xgboost_native": {"classifier:__choice__": "xgboost", "classifier:xgboost:native_categorical": True},
    "catboost": {"classifier:__choice__": "catboost"},
    "catboost_lr0.1": {"classifier:__choice__": "catboost", "classifier:catboost:learning_rate": 0.1},
    "random_forest": {"classifier:__choice__": "random_forest"},
    "extra_trees": {"classifier:__choice__": "extra_trees"},
}


def run(openml_id: int, candidates: dict[str, dict]) -> list[dict]:
    X, y, name = load_mirror(openml_id)
    X_train, X_test, y_train, y_test = standard_split(X, y)
    validator = InputValidator()
    X_canonical, codes = validator.fit_transform(X_train, y_train)
    info = validator.info_
    space = build_configuration_space(info, default_registry())
    test_codes = validator.encode_target(y_test)
    rows = []
    for label, partial in candidates.items():
        config = complete_configuration(space, {**preferred_preprocessing(space, partial["classifier:__choice__"]),
                                                **partial})
        pipeline = build_pipeline(config, info, default_registry(), random_state=0)
        start = time.perf_counter()
        pipeline.fit(X_canonical, codes)
        fit_s = time.perf_counter() - start
        proba = np.zeros((len(test_codes), info.n_classes))
        proba[:, pipeline.classes_] = pipeline.predict_proba(validator.transform(X_test))
        auc = roc_auc_score(test_codes, proba[:, 1]) if info.n_classes == 2 else np.nan
        rows.append({"dataset": name, "rows": len(X), "candidate": label, "fit_s": fit_s, "auc": auc,
                     "logloss": log_loss(test_codes, np.clip(proba, 1e-15, 1), labels=range(info.n_classes))})
        print(f"{name:28s} {label:24s} fit {fit_s:7.2f} s  logloss {rows[-1]['logloss']:.4f}", flush=True)
    return rows


def summarise(frame: pd.DataFrame) -> str:
    frame = frame.copy()
    frame["rank"] = frame.groupby("dataset")["logloss"].rank()
    best = frame.groupby("dataset")["logloss"].transform("min")
    frame["regret"] = frame["logloss"] - best
    summary = frame.groupby("candidate").agg(mean_rank=("rank", "mean"), median_regret=("regret", "median"),
                                             median_fit_s=("fit_s", "median"), max_fit_s=("fit_s", "max"))
    return summary.sort_values("mean_rank").to_markdown(floatfmt=".3f")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--datasets", default=",".join(map(str, DATASETS)))
    parser.add_argument("--output", default="boosting_defaults")
    parser.add_argument("--candidates", help="only these candidates (comma-separated)")
    args = parser.parse_args()
    candidates = {name: CANDIDATES[name] for name in args.candidates.split(",")} if args.candidates else CANDIDATES
    rows = []
    for openml_id in [int(part) for part in args.datasets.split(",")]:
        rows += run(openml_id, candidates)
        frame = pd.DataFrame(rows)
        frame.to_csv(RESULTS / f"{args.output}.csv", index=False)
    load = os.getloadavg()
    text = f"# Boosting defaults (load average {load[0]:.1f})\n\n{summarise(frame)}\n"
    (RESULTS / f"{args.output}.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
