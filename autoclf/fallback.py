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

    if len(X) > FALLBACK_ROWS:
        rows = np.random.default_rng(seed).choice(len(X), FALLBACK_ROWS, replace=False)
        X, y = X.iloc[np.sort(rows)], np.asarray(y)[np.sort(rows)]
    kinds = {str(name): str(dtype) for name, dtype in X.dtypes.items()}
    usable = [name for name in X.columns
              if kinds[str(name)] in ("category", "bool") or np.issubdtype(X[name].dtype, np.number)]
    if not usable:
        raise ValueError("no numeric, boolean or categorical column")
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
