"""Metrics against scikit-learn's own functions, on the outputs of real models on real data."""

import pickle

import numpy as np
import pytest
from conftest import load_mirror
from sklearn import metrics as skm
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from autoclf.dataset.validator import InputValidator
from autoclf.metrics import METRIC_NAMES, Metric, get_metric


def _model_outputs(file: str):
    """Held-out codes and LogisticRegression probabilities on a real data set."""
    X, y = load_mirror(file)
    Xc, codes = InputValidator().fit_transform(X, y)
    X_train, X_test, y_train, y_test = train_test_split(Xc, codes, test_size=0.4, stratify=codes, random_state=0)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)).fit(X_train, y_train)
    return y_test, model.predict_proba(X_test)


@pytest.fixture(scope="module")
def diabetes():
    return _model_outputs("37_diabetes.parquet")  # binary, 768 rows, numeric


@pytest.fixture(scope="module")
def vehicle_outputs():
    return _model_outputs("54_vehicle.parquet")  # 4 classes


def _sklearn_values(y, proba):
    pred = proba.argmax(axis=1)
    values = {
        "accuracy": skm.accuracy_score(y, pred),
        "balanced_accuracy": skm.balanced_accuracy_score(y, pred),
        "log_loss": skm.log_loss(y, proba),
        "f1_macro": skm.f1_score(y, pred, average="macro"),
        "f1_weighted": skm.f1_score(y, pred, average="weighted"),
        "precision_macro": skm.precision_score(y, pred, average="macro"),
        "recall_macro": skm.recall_score(y, pred, average="macro"),
        "mcc": skm.matthews_corrcoef(y, pred),
    }
    if proba.shape[1] == 2:
        values |= {
            "roc_auc": skm.roc_auc_score(y, proba[:, 1]),
            "f1": skm.f1_score(y, pred),
            "average_precision": skm.average_precision_score(y, proba[:, 1]),
        }
    else:
        values["roc_auc"] = skm.roc_auc_score(y, proba, multi_class="ovr", average="macro")
    return values


@pytest.mark.parametrize("outputs", ["diabetes", "vehicle_outputs"])
def test_scores_match_sklearn(request, outputs):
    y, proba = request.getfixturevalue(outputs)
    expected = _sklearn_values(y, proba)
    assert len(expected) == (11 if proba.shape[1] == 2 else 9)
    for name, value in expected.items():
        metric = get_metric(name, proba.shape[1])
        assert metric.name == name
        assert metric.score(y, proba) == pytest.approx(value, rel=1e-9, abs=1e-12), name
    # the model is far from random, so the comparisons above are not between trivial values
    assert expected["roc_auc"] > 0.8 and expected["accuracy"] > 0.6


@pytest.mark.parametrize("name", [n for n in METRIC_NAMES if n != "auto"])
def test_loss_is_zero_when_perfect_and_relates_to_score(diabetes, name):
    y, proba = diabetes
    metric = get_metric(name, 2)
    score, loss = metric.score(y, proba), metric.loss(y, proba)
    if metric.greater_is_better:
        assert loss == pytest.approx(metric.optimum - score)
    else:
        assert loss == score
    assert 0 < loss <= metric.worst_loss
    perfect = np.eye(2)[y]
    assert metric.loss(y, perfect) == pytest.approx(0.0, abs=1e-9)
    assert metric.loss(y, perfect) < loss


def test_worst_loss_bounds_confidently_wrong_predictions(vehicle_outputs):
    y, _ = vehicle_outputs
    wrong = np.eye(4)[(y + 1) % 4]
    for name in ("accuracy", "log_loss", "roc_auc", "mcc", "f1_macro"):
        metric = get_metric(name, 4)
        assert 0 < metric.loss(y, wrong) <= metric.worst_loss, name
    assert get_metric("log_loss", 4).loss(y, wrong) > 34  # -log(1e-15): probabilities are clipped, not zero
    assert np.isfinite(get_metric("log_loss", 4).worst_loss)


@pytest.mark.parametrize("outputs", ["diabetes", "vehicle_outputs"])
def test_row_losses_average_to_the_loss_where_the_metric_is_a_mean(request, outputs):
    y, proba = request.getfixturevalue(outputs)
    wrong = np.eye(proba.shape[1])[(y + 1) % proba.shape[1]]  # zeros where the truth is: clipped alike
    for probabilities in (proba, wrong):
        for name in ("log_loss", "accuracy"):
            metric = get_metric(name, proba.shape[1])
            rows = metric.row_losses(y, probabilities)
            assert rows.shape == y.shape and rows.mean() == pytest.approx(metric.loss(y, probabilities))
    assert get_metric("roc_auc", proba.shape[1]).row_losses(y, proba) is None  # not a mean over rows


def test_auto_selection():
    assert get_metric("auto", 2).name == "roc_auc"
    assert get_metric("auto", 3).name == "log_loss" and not get_metric("auto", 3).greater_is_better


def test_sklearn_scorers(diabetes, vehicle_outputs):
    y, proba = diabetes
    roc = get_metric(skm.get_scorer("roc_auc"), 2)
    assert roc.greater_is_better and roc.optimum == 1.0
    assert roc.score(y, proba) == pytest.approx(skm.roc_auc_score(y, proba[:, 1]))
    assert roc.loss(y, proba) == pytest.approx(get_metric("roc_auc", 2).loss(y, proba))
    y4, proba4 = vehicle_outputs
    neg_log_loss = get_metric(skm.get_scorer("neg_log_loss"), 4)
    assert neg_log_loss.name == "neg_log_loss" and neg_log_loss.optimum == 0.0
    assert neg_log_loss.score(y4, proba4) == pytest.approx(-skm.log_loss(y4, proba4))
    assert neg_log_loss.loss(y4, proba4) == pytest.approx(get_metric("log_loss", 4).loss(y4, proba4))
    f1 = get_metric(skm.make_scorer(skm.f1_score, average="macro"), 4)
    assert f1.score(y4, proba4) == pytest.approx(get_metric("f1_macro", 4).score(y4, proba4))
    hinge = get_metric(skm.make_scorer(skm.hinge_loss, greater_is_better=False,
                                       response_method="decision_function"), 2)
    assert hinge.name == "neg_hinge_loss" and hinge.loss(y, proba) > 0
    assert hinge.loss(y, np.eye(2)[y]) < hinge.loss(y, proba)


def test_log_loss_with_a_class_missing_from_y_true(vehicle_outputs):
    y, proba = vehicle_outputs
    keep = y != 2
    metric = get_metric("log_loss", 4)
    value = metric.score(y[keep], proba[keep])
    assert np.isfinite(value)
    assert value == pytest.approx(skm.log_loss(y[keep], proba[keep], labels=[0, 1, 2, 3]))
    # label-based metrics and roc_auc also take the K-column matrix of a split that lacks a class
    for name in ("accuracy", "f1_macro", "balanced_accuracy", "mcc"):
        assert 0 <= get_metric(name, 4).loss(y[keep], proba[keep]) <= 2
    present = [0, 1, 3]
    expected_auc = np.mean([skm.roc_auc_score(y[keep] == k, proba[keep, k]) for k in present])
    assert get_metric("roc_auc", 4).score(y[keep], proba[keep]) == pytest.approx(expected_auc)


def test_undefined_metrics_give_the_worst_loss(diabetes):
    y, proba = diabetes
    only_negatives = y == 0
    for name in ("roc_auc", "average_precision"):
        metric = get_metric(name, 2)
        assert metric.loss(y[only_negatives], proba[only_negatives]) == metric.worst_loss == 1.0
    scorer = get_metric(skm.get_scorer("roc_auc"), 2)
    assert scorer.loss(y[only_negatives], proba[only_negatives]) == scorer.worst_loss


def test_unknown_and_unsuitable_metrics():
    with pytest.raises(ValueError, match=r"unknown metric 'rmse'; valid names: auto, accuracy, .*log_loss"):
        get_metric("rmse", 2)
    with pytest.raises(ValueError, match="'f1' is for binary problems"):
        get_metric("f1", 3)
    with pytest.raises(ValueError, match="must be a name"):
        get_metric(3.5, 2)
    with pytest.raises(ValueError, match=r"proba must have shape"):
        get_metric("accuracy", 2).score(np.array([0, 1]), np.array([0.2, 0.8]))


def test_metric_pickles_and_passes_through(diabetes):
    y, proba = diabetes
    for metric in (get_metric("roc_auc", 2), get_metric(skm.get_scorer("accuracy"), 2)):
        copy = pickle.loads(pickle.dumps(metric))
        assert copy.score(y, proba) == metric.score(y, proba)
    metric = get_metric("mcc", 2)
    assert get_metric(metric, 2) is metric and isinstance(metric, Metric)
