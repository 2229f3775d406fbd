"""Bad input to AutoClassifier gets a ValueError that names the problem, before any search starts."""

import numpy as np
import pytest

from autoclf import AutoClassifier


def _model(**kwargs):
    return AutoClassifier(time_left=30, n_trials=1, include={"classifier": ["decision_tree"]}, verbose=0, **kwargs)


def test_y_with_nan(credit_g):
    X, y = credit_g
    y = y.astype(object).copy()
    y.iloc[[3, 10]] = np.nan
    with pytest.raises(ValueError, match=r"(?i)missing|nan"):
        _model().fit(X, y)


def test_single_class(credit_g):
    X, _ = credit_g
    with pytest.raises(ValueError, match=r"(?i)one class|single class|1 class"):
        _model().fit(X, np.array(["good"] * len(X)))


def test_lengths_differ(credit_g):
    X, y = credit_g
    with pytest.raises(ValueError, match=r"999.*1000|1000.*999"):
        _model().fit(X, y.iloc[:999])


def test_empty_X(credit_g):
    X, y = credit_g
    with pytest.raises(ValueError, match=r"(?i)empty|0 rows|no rows"):
        _model().fit(X.iloc[:0], y.iloc[:0])


def test_predict_on_different_columns(credit_g):
    X, y = credit_g
    model = _model().fit(X, y)
    with pytest.raises(ValueError, match="age"):
        model.predict(X.drop(columns=["age"]))
    with pytest.raises(ValueError, match=r"(?i)order"):
        model.predict(X[list(X.columns[::-1])])
    with pytest.raises(ValueError, match="extra_column"):
        model.predict(X.assign(extra_column=1.0))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"time_left": -5}, "time_left"),
        ({"metric": "no_such_metric"}, "no_such_metric"),
        ({"include": ["no_such_model"]}, "no_such_model"),
        ({"resampling": "bootstrap"}, "resampling"),
        ({"tmp_folder": "/proc/autoclf_cannot_write_here"}, "not writable"),
    ],
)
def test_invalid_arguments(credit_g, kwargs, match):
    X, y = credit_g
    params = {"time_left": 30, "n_trials": 1, "verbose": 0} | kwargs
    with pytest.raises(ValueError, match=match):
        AutoClassifier(**params).fit(X, y)
