"""One benchmark run: fit a framework on a train file, predict a test file, write probabilities and timings.

Run as a script (``python fit_worker.py job.json``), never imported by the runner: it must work under
another interpreter too (a peer installed in its own environment, which has no autoclf), so it imports
only the standard library, numpy, pandas and, lazily, the framework it fits. The parent process holds the
labels of the test rows and scores the probabilities; this process never sees them. When the job asks for
``students``, an autoclf teacher is distilled here after its predict (``distil_student``), and teacher and
student are timed alike on the test rows.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

#: autoclf.evaluation.result.Status's values, spelt out: this script cannot import autoclf
SUCCESS, CRASHED = "success", "crashed"

Fitted = tuple[Callable[[pd.DataFrame], np.ndarray], list, dict[str, Any]]


def main(job_path: str) -> int:
    job = json.loads(Path(job_path).read_text())
    out = Path(job["output"])
    train = pd.read_parquet(job["train"])
    X_test = pd.read_parquet(job["test"])
    X, y = train.drop(columns=[job["target"]]), train[job["target"]]
    record: dict[str, Any] = {"status": SUCCESS}
    try:
        importlib.import_module(IMPORTS.get(job["kind"], "sklearn.ensemble"))  # imports are not fit time
        start = time.perf_counter()
        predict, classes, info = FITTERS[job["kind"]](X, y, job)
        record["fit_s"] = time.perf_counter() - start
        start = time.perf_counter()
        proba = np.asarray(predict(X_test), dtype=float)
        record["predict_s"] = time.perf_counter() - start
        np.save(out.with_suffix(".npy"), proba)
        record.update(classes=[str(label) for label in classes], info=info, version=_version(job["kind"]))
        if job.get("students"):  # the teacher is the fitted AutoClassifier whose predict_proba was returned
            record["student"] = distil_student(getattr(predict, "__self__", None), X, y, X_test, job,
                                               out.with_name("student.npy"))
    except Exception as error:  # recorded, imputed in summaries; the traceback goes to stderr for the log
        traceback.print_exc()
        record = {"status": CRASHED, "error": f"{type(error).__name__}: {error}"[:500]}
    out.write_text(json.dumps(record, default=str))
    return 0


def _baseline_pipeline(kind: str, X: pd.DataFrame, seed: int, jobs: int):
    """Default scikit-learn models behind the minimal preprocessing they need (as experiments/common.py)."""
    from sklearn.compose import make_column_transformer
    from sklearn.dummy import DummyClassifier
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

    categorical = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
    numeric = [c for c in X.columns if c not in categorical]
    if kind == "lr":
        encode = make_pipeline(SimpleImputer(strategy="most_frequent"),
                               OneHotEncoder(handle_unknown="ignore", min_frequency=5))
        scale = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
        columns = make_column_transformer((encode, categorical), (scale, numeric))
        return make_pipeline(columns, LogisticRegression(max_iter=1000))
    encode = make_pipeline(SimpleImputer(strategy="most_frequent"),
                           OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1))
    columns = make_column_transformer((encode, categorical), (SimpleImputer(strategy="median"), numeric))
    if kind == "hgb":
        return make_pipeline(columns, HistGradientBoostingClassifier(random_state=seed))
    if kind == "rf":
        return make_pipeline(columns, RandomForestClassifier(n_estimators=500, n_jobs=jobs, random_state=seed))
    return DummyClassifier(strategy="prior")


def _categories_as_strings(X: pd.DataFrame) -> pd.DataFrame:
    """Mixed-type object/category columns as strings, so imputers and encoders accept them."""
    X = X.copy()
    for column in X.columns:
        if not pd.api.types.is_numeric_dtype(X[column]):
            X[column] = X[column].astype("object").where(X[column].notna(), np.nan)
            X[column] = X[column].map(lambda v: v if isinstance(v, float) and np.isnan(v) else str(v))
    return X


def fit_baseline(X: pd.DataFrame, y: pd.Series, job: dict) -> Fitted:
    model = _baseline_pipeline(job["kind"], X, job["seed"], job["jobs"]).fit(_categories_as_strings(X), y)
    return (lambda X_test: model.predict_proba(_categories_as_strings(X_test))), list(model.classes_), {}


def fit_autoclf(X: pd.DataFrame, y: pd.Series, job: dict) -> Fitted:
    from autoclf import AutoClassifier

    params = dict(job["params"])
    distill = bool(params.pop("distill", False))
    budget = float(job["budget"])
    fit_budget = budget * (0.75 if distill else 1.0)  # the student's training is part of the budget
    if job.get("metadb_exclude") and params.get("warm_start", "portfolio") not in (None, False):
        from autoclf.metalearning.database import MetaDatabaseError, load_database

        try:  # leave-one-out: this task's data set is not in the meta-database the fit reads
            params["metadb"] = load_database(params.get("metadb")).without(job["metadb_exclude"])
        except MetaDatabaseError:
            pass  # the fit itself warns and starts cold
    model = AutoClassifier(time_left=fit_budget, n_jobs=job["jobs"], seed=job["seed"], verbose=0,
                           feature_types=job.get("feature_types"), tmp_folder=str(Path(job["work_dir"]) / "tmp"),
                           **params)
    model.fit(X, y)
    if getattr(model, "interrupted_", False):  # a Ctrl-C fit absorbed: a truncated run is not a result
        raise KeyboardInterrupt("the fit was interrupted")
    results = list(getattr(model, "results_", []) or [])
    finished = [r.started + r.duration for r in results if r.ok]
    info: dict[str, Any] = {"n_trials": len(results), "ensemble_kind": getattr(model, "ensemble_kind_", None),
                            # seconds from the start of fit to the first successful trial's end
                            "first_model_s": round(min(finished), 2) if finished else None,
                            "n_failed_trials": sum(not r.ok for r in results),
                            "best": model.leaderboard().iloc[0]["classifier"] if finished else None,
                            "resampling": getattr(model, "resampling_", None),
                            # which trials ran: classifier, held-out loss, seconds, status (why a run won or lost)
                            "trials": [[r.config.get("classifier:__choice__"), None if r.loss is None else
                                        round(float(r.loss), 4), round(r.duration, 1), r.status] for r in results]}
    if distill:
        student = model.distill(X, y, time_left=budget - fit_budget)
        info["student"] = type(student).__name__
        return student.predict_proba, list(getattr(student, "classes_", model.classes_)), info
    return model.predict_proba, list(model.classes_), info


def distil_student(teacher: Any, X: pd.DataFrame, y: pd.Series, X_test: pd.DataFrame, job: dict,
                   proba_path: Path) -> dict[str, Any]:
    """Distil the fitted teacher and time teacher and student alike on the test rows.

    Parameters
    ----------
    teacher : the fitted AutoClassifier (anything else is recorded as a failure).
    X, y : the training rows, passed to ``teacher.distill``.
    X_test : the test features; each model predicts them in one call, warm, one thread, median of 5
        (``autoclf.distillation.timing``).
    job : the run's job; ``students`` is ``distill``'s ``student``, ``student_time`` its ``time_left``.
    proba_path : where the student's test probabilities go (the parent scores them).

    Returns
    -------
    dict
        ``status`` ("success" or "crashed" with ``error``: the teacher's result stands either way),
        ``distill_s``, ``teacher_predict_s``, ``student_predict_s``, ``classes``, the chosen ``family`` and
        ``params``, and ``validation_score_ratio`` (the ratio ``distill`` saw on its held-out rows).
    """
    try:
        if not hasattr(teacher, "distill"):
            raise TypeError(f"students are distilled from an AutoClassifier, not {type(teacher).__name__}")
        from autoclf.distillation.timing import predict_seconds

        started = time.perf_counter()
        student = teacher.distill(X, y, student=job["students"], time_left=float(job["student_time"]))
        distill_s = time.perf_counter() - started
        teacher_s = predict_seconds(teacher, X_test)[1]
        proba, student_s = predict_seconds(student, X_test)
        np.save(proba_path, np.asarray(proba, dtype=float))
        chosen: dict[str, Any] = next((c for c in getattr(student, "selection_", []) if c["chosen"]), {})
        return {"status": SUCCESS, "distill_s": distill_s, "teacher_predict_s": teacher_s,
                "student_predict_s": student_s, "classes": [str(label) for label in student.classes_],
                "family": str(chosen.get("family", type(student).__name__)), "params": chosen.get("params", {}),
                "validation_score_ratio": chosen.get("score_ratio")}
    except Exception as error:  # the teacher's run stands; the student's failure is recorded beside it
        traceback.print_exc()
        return {"status": CRASHED, "error": f"{type(error).__name__}: {error}"[:500]}


def fit_flaml(X: pd.DataFrame, y: pd.Series, job: dict) -> Fitted:
    from flaml import AutoML

    automl = AutoML()
    metric = "roc_auc" if y.nunique() == 2 else "log_loss"
    automl.fit(X, y, task="classification", time_budget=float(job["budget"]), metric=metric,
               n_jobs=job["jobs"], seed=job["seed"], verbose=0, log_file_name=str(Path(job["work_dir"]) / "flaml.log"))
    return automl.predict_proba, list(automl.classes_), {"best_estimator": automl.best_estimator}


def fit_autogluon(X: pd.DataFrame, y: pd.Series, job: dict) -> Fitted:
    from autogluon.tabular import TabularPredictor

    metric = "roc_auc" if y.nunique() == 2 else "log_loss"
    predictor = TabularPredictor(label=job["target"], eval_metric=metric, path=str(Path(job["work_dir"]) / "ag"),
                                 verbosity=2)  # its log says which models ran, kept beside a failed run
    predictor.fit(X.assign(**{job["target"]: y}), time_limit=float(job["budget"]), num_cpus=job["jobs"])
    classes = list(predictor.class_labels)
    return (lambda X_test: predictor.predict_proba(X_test)[classes].to_numpy()), classes, \
        {"best_model": str(predictor.model_best), "n_models": len(predictor.model_names())}


def fit_tpot(X: pd.DataFrame, y: pd.Series, job: dict) -> Fitted:
    from tpot import TPOTClassifier

    prepare = _baseline_pipeline("hgb", X, job["seed"], job["jobs"])[0]  # TPOT wants numbers: encode first
    X_numeric = prepare.fit_transform(_categories_as_strings(X))
    model = TPOTClassifier(max_time_mins=float(job["budget"]) / 60, n_jobs=job["jobs"], random_state=job["seed"])
    model.fit(X_numeric, y)
    return (lambda X_test: model.predict_proba(prepare.transform(_categories_as_strings(X_test)))), \
        list(model.classes_), {}


def _version(kind: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    package = {"hgb": "scikit-learn", "rf": "scikit-learn", "lr": "scikit-learn", "constant": "scikit-learn"}
    try:
        return version(package.get(kind, kind))
    except PackageNotFoundError:
        return ""


#: the module each kind imports, loaded before its fit is timed
IMPORTS = {"autoclf": "autoclf", "flaml": "flaml", "autogluon": "autogluon.tabular", "tpot": "tpot"}

FITTERS: dict[str, Callable[[pd.DataFrame, pd.Series, dict], Fitted]] = {
    "hgb": fit_baseline, "rf": fit_baseline, "lr": fit_baseline, "constant": fit_baseline,
    "autoclf": fit_autoclf, "flaml": fit_flaml, "autogluon": fit_autogluon, "tpot": fit_tpot,
}

if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
