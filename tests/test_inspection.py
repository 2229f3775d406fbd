"""Permutation importances on held-out data, and the inspection plots (files, metric labels)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from autoclf import AutoClassifier


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(0)
    n = 400
    X = pd.DataFrame({"noise": rng.normal(size=n), "signal": rng.normal(size=n),
                      "colour": rng.choice(["red", "blue"], n)})
    y = pd.Series(np.where(X["signal"] + 0.3 * (X["colour"] == "red") > 0, "pos", "neg"))
    model = AutoClassifier(time_left=60, n_trials=3, include={"classifier": ["decision_tree", "logistic_regression"]},
                           warm_start=None, resampling="holdout", verbose=0).fit(X.iloc[:300], y.iloc[:300])
    return model, X.iloc[300:], y.iloc[300:]


def test_permutation_importances_rank_the_informative_column_first(fitted):
    model, X_test, y_test = fitted
    frame = model.permutation_importances(X_test, y_test, n_repeats=3)
    assert list(frame.columns) == ["feature", "importance_mean", "importance_std"]
    assert frame["feature"].iloc[0] == "signal" and frame["importance_mean"].iloc[0] > 0.05
    assert model.feature_importances_.shape == (3,)
    by_name = dict(zip(model.feature_names_in_, model.feature_importances_))
    assert by_name["signal"] > by_name["noise"] and abs(by_name["noise"]) < 0.05
    with pytest.raises(ValueError, match="not seen at fit time"):
        model.permutation_importances(X_test.iloc[:5], ["maybe"] * 5)


def test_plots_write_png_files_and_label_the_metric_with_its_direction(fitted, tmp_path):
    model, X_test, y_test = fitted
    model.permutation_importances(X_test, y_test, n_repeats=2)
    importances = model.plot_feature_importances(tmp_path / "importances.png")
    over_time = model.plot_performance_over_time(tmp_path / "over_time.png")
    for name in ("importances.png", "over_time.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert importances.axes[0].get_xlabel() == "drop of held-out ROC AUC when shuffled"
    axis = over_time.axes[0]
    assert axis.get_ylabel() == "held-out ROC AUC (higher is better)"
    assert [t.get_text() for t in axis.get_legend().get_texts()] == ["trial", "best so far"]  # nothing failed
    scores = sorted(r.score for r in model.results_ if r.ok)
    assert sorted(axis.collections[0].get_offsets()[:, 1]) == pytest.approx(scores)  # scores, not losses


def test_metric_labels_name_the_direction():
    from autoclf.inspection import metric_label
    from autoclf.metrics import get_metric

    assert metric_label(get_metric("log_loss", 3)) == "log loss (lower is better)"
    assert metric_label(get_metric("roc_auc", 2)) == "ROC AUC (higher is better)"
    assert metric_label(get_metric("balanced_accuracy", 2)) == "balanced accuracy (higher is better)"
