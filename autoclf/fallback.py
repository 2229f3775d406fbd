"""The model fit serves when no trial finished: cheap, fitted in the main process while the trial worker
starts, so that a fit always has a model when its budget allows a cheap one (a busy machine, a budget
shorter than the worker's start-up, a broken worker). Served with a warning that names why the trials failed.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from typing import Any

import numpy as np

from autoclf.configspace.origins import Origin
from autoclf.evaluation.result import SUCCESS, Status, TrialResult

logger = logging.getLogger(__name__)

#: the fallback learns from at most this many rows (a random sample): it must cost well under a second
FALLBACK_ROWS = 5000
#: ... and at most this many columns (a random subset of the usable ones)
FALLBACK_COLUMNS = 100
#: its work per boosting iteration, rows x columns x trees (one per class when there are more than two), is
#: kept under this: fbis.wc (2 000 columns, 17 classes) once spent 28 s of a 30 s fit on a 5 000-row fallback
FALLBACK_CELLS = 1_000_000
#: fewer rows than this are not taken to meet FALLBACK_CELLS (many classes: the work may exceed it)
FALLBACK_MIN_ROWS = 200
#: boosting iterations of the fallback: HistGradientBoosting's default learning rate, a short run
FALLBACK_ITERATIONS = 30
FALLBACK_NAME = "fallback"
#: what to do about each way a trial can fail, for the message of a fit without a successful trial
ADVICE: dict[str, str] = {
    Status.TIMEOUT: "give more time_left or per_run_time_limit",
    Status.MEMOUT: "give more memory_limit, or fewer rows",
    Status.CRASHED: "see each trial's error in results_ (keep_tmp=True keeps the run folder)",
}


def fit_fallback(X: Any, y: np.ndarray, seed: int) -> tuple[Any, float]:
    """A HistGradientBoosting on a row sample (numeric, boolean and categorical columns; missing values
    native), or the class prior where even that fails; returns (model, seconds). Never raises."""
    from threadpoolctl import threadpool_limits

    started = time.perf_counter()
    try:
        with threadpool_limits(1):
            model = _boosting(X, y, seed)
    except Exception as error:  # noqa: BLE001 - the last resort must not fail: the class prior
        logger.info("fallback boosting failed (%s: %s); the fallback is the class prior", type(error).__name__, error)
        model = _prior(X, y)
    return model, time.perf_counter() - started


def sample_shape(n_rows: int, n_columns: int, n_classes: int) -> tuple[int, int]:
    """(rows, columns) the fallback learns from: at most FALLBACK_ROWS and FALLBACK_COLUMNS, and fewer rows
    where rows x columns x trees would pass FALLBACK_CELLS (never below FALLBACK_MIN_ROWS)."""
    trees = 1 if n_classes <= 2 else n_classes
    columns = min(n_columns, FALLBACK_COLUMNS)
    rows = min(n_rows, FALLBACK_ROWS, max(FALLBACK_MIN_ROWS, FALLBACK_CELLS // max(columns * trees, 1)))
    return rows, columns


def fallback_result(trial_id: int, model: Any, seconds: float, started: float) -> TrialResult:
    """The fallback's row in ``results_``: no held-out loss (it was not validated), origin "fallback"."""
    name = type(model[-1]).__name__ if hasattr(model, "steps") else type(model).__name__
    return TrialResult(trial_id=trial_id, config={"classifier:__choice__": f"{FALLBACK_NAME} ({name})"},
                       status=SUCCESS, loss=float("nan"), score=None, duration=round(seconds, 3),
                       started=started, origin=Origin.FALLBACK)


def serve_fallback(fallback_fit: tuple[Any, float] | None, results: list[TrialResult], start: float,
                   time_left: float) -> tuple[Any, list[TrialResult], TrialResult]:
    """No trial succeeded: (served, results, best) for the fallback, with a warning naming the causes; an
    error naming them when there is no fallback."""
    import warnings

    from autoclf.ensembles.builder import Snapshot
    from autoclf.ensembles.serving import ServedEnsemble

    causes = failure_summary(results, time_left)
    if fallback_fit is None:
        raise RuntimeError(f"no trial finished successfully within time_left={time_left:g} s: {causes}")
    model, seconds = fallback_fit
    record = fallback_result(max((r.trial_id for r in results), default=-1) + 1, model, seconds, 0.0)
    message = (f"no trial finished successfully within time_left={time_left:g} s: {causes}. Serving a fallback "
               f"model instead, {record.config['classifier:__choice__']}, fitted on a sample of the data")
    logger.warning(message)
    warnings.warn(message, UserWarning, stacklevel=5)
    snapshot = Snapshot(FALLBACK_NAME, [record.trial_id], [1.0], float("nan"), float("nan"),
                        time.perf_counter() - start, len(results))
    return ServedEnsemble(model, snapshot, refitted=[]), [*results, record], record


def failure_summary(results: list[TrialResult], time_left: float) -> str:
    """Why no trial finished, from the records: counts by status, the commonest error, and the fix."""
    if not results:
        return ("the trial worker never became ready (its start-up, the imports, did not finish in time, or it "
                "failed: a script that calls fit must guard its entry point with `if __name__ == \"__main__\":`); "
                "give more time_left")
    counts = Counter(r.status for r in results)
    parts = [f"{count} {status}" for status, count in counts.most_common()]
    errors = Counter(_last_line(r.error) for r in results if r.error and _last_line(r.error))
    text = f"{len(results)} trials, none successful ({', '.join(parts)})"
    if errors:
        error, count = errors.most_common(1)[0]
        text += f"; commonest error ({count}x): {error}"
    advice = [ADVICE[status] for status, _ in counts.most_common() if status in ADVICE]
    return text + ("; " + "; ".join(dict.fromkeys(advice)) if advice else "")


def _boosting(X: Any, y: np.ndarray, seed: int) -> Any:
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    kinds = {str(name): str(dtype) for name, dtype in X.dtypes.items()}
    usable = [name for name in X.columns
              if kinds[str(name)] in ("category", "bool") or np.issubdtype(X[name].dtype, np.number)]
    if not usable:
        raise ValueError("no numeric, boolean or categorical column")
    y = np.asarray(y)
    n_rows, n_columns = sample_shape(len(X), len(usable), len(np.unique(y)))
    rng = np.random.default_rng(seed)
    if n_columns < len(usable):
        usable = [usable[i] for i in np.sort(rng.choice(len(usable), n_columns, replace=False))]
    if n_rows < len(X):  # a random sample that keeps one row of every class, so every class gets a probability
        first_of_class = np.unique(y, return_index=True)[1]
        others = np.setdiff1d(np.arange(len(X)), first_of_class)
        extra = rng.choice(others, max(n_rows - len(first_of_class), 0), replace=False)
        rows = np.sort(np.concatenate([first_of_class, extra]))
        X, y = X.iloc[rows], y[rows]
    categorical = [name for name in usable if kinds[str(name)] == "category"]
    select = ColumnTransformer([("keep", "passthrough", usable)], verbose_feature_names_out=False)
    select.set_output(transform="pandas")
    booster = HistGradientBoostingClassifier(max_iter=FALLBACK_ITERATIONS, early_stopping=False,
                                             categorical_features=categorical or None, random_state=seed)
    model = Pipeline([("columns", select), ("to_float", FunctionTransformer(_booleans_as_numbers)),
                      ("boosting", booster)])
    return model.fit(X, y)


def _prior(X: Any, y: np.ndarray) -> Any:
    from sklearn.dummy import DummyClassifier

    return DummyClassifier(strategy="prior").fit(X, y)


def _booleans_as_numbers(X: Any) -> Any:
    """bool columns as 0/1 (HistGradientBoosting refuses them); categoricals and numbers untouched."""
    booleans = [name for name, dtype in X.dtypes.items() if str(dtype) == "bool"]
    return X.astype({name: "float64" for name in booleans}) if booleans else X


def _last_line(error: str) -> str:
    lines = [line.strip() for line in (error or "").strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""
