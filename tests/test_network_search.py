"""Networks inside the search: multi-fidelity budgets, the trial deadline, pickling with the AutoClassifier.

Small real data (credit-g, vehicle), tiny budgets; each fit takes seconds.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from autoclf import AutoClassifier
from autoclf.components.registry import default_registry
from autoclf.configspace.builder import build_configuration_space, complete_configuration
from autoclf.configspace.pipeline import build_pipeline, scale_iterations
from autoclf.dataset.validator import InputValidator
from autoclf.evaluation.run_store import RunStore
from autoclf.evaluation.trial import subsample_rows

pytest.importorskip("torch")


def pipeline_for(X, y, classifier: str, **values):
    validator = InputValidator()
    validator.fit(X, y)
    registry = default_registry()
    space = build_configuration_space(validator.info_, registry, include=[classifier])
    prefixed = {f"classifier:{classifier}:{key}": value for key, value in values.items()}
    config = complete_configuration(space, prefixed)
    return build_pipeline(dict(config), validator.info_, registry, random_state=0)


@pytest.mark.parametrize(("classifier", "parameter", "full"), [
    ("mlp", "max_epochs", 90), ("hist_gradient_boosting", "max_iter", 512), ("random_forest", "n_estimators", 300),
])
def test_low_budget_scales_the_iteration_count(credit_g, classifier, parameter, full):
    X, y = credit_g
    values = {} if classifier == "hist_gradient_boosting" else {parameter: full}
    pipeline = pipeline_for(X, y, classifier, **values)
    assert pipeline.steps[-1][1].get_params()[parameter] == full
    assert scale_iterations(pipeline, 1 / 9)
    assert pipeline.steps[-1][1].get_params()[parameter] == round(full / 9)


def test_models_without_iterations_get_a_stratified_row_subsample(credit_g):
    X, y = credit_g
    pipeline = pipeline_for(X, y, "logistic_regression")
    assert not scale_iterations(pipeline, 1 / 3)
    labels = (y == y.iloc[0]).to_numpy().astype(int)
    rows = np.arange(0, len(labels), 2)
    kept = subsample_rows(rows, labels, 1 / 3, seed=0)
    assert set(kept) <= set(rows) and abs(len(kept) - len(rows) / 3) <= 2
    assert abs(labels[kept].mean() - labels[rows].mean()) < 0.01  # class shares kept
    assert np.array_equal(kept, subsample_rows(rows, labels, 1 / 3, seed=0))


@pytest.mark.slow
def test_multi_fidelity_runs_trials_at_several_budgets_and_predicts(vehicle):
    X, y = vehicle
    model = AutoClassifier(time_left=60, n_trials=14, multi_fidelity=True, resampling="holdout", seed=0,
                           verbose=0).fit(X, y)
    budgets = [r.fidelity for r in model.results_]
    assert min(budgets) == pytest.approx(1 / 9) and max(budgets) == pytest.approx(1.0)
    assert sum(b < 1 for b in budgets) > sum(b == 1 for b in budgets)  # Hyperband: most trials are cheap
    assert model.score(X, y) > 0.6


@pytest.mark.slow
def test_network_trial_past_its_time_limit_stops_training_and_reports(credit_g, tmp_path):
    """A network that could train for minutes stops at the trial's deadline with a usable model, as a success."""
    X, y = credit_g
    slow = {"classifier:__choice__": "mlp", "classifier:mlp:max_epochs": 300, "classifier:mlp:width": 1024,
            "classifier:mlp:n_layers": 6}  # about a second per epoch here: early stopping cannot come first
    model = AutoClassifier(time_left=40, per_run_time_limit=3, n_trials=2, include=["mlp"], resampling="holdout",
                           initial_configurations=[slow], seed=0, verbose=0, keep_tmp=True, tmp_folder=tmp_path)
    model.fit(X, y)
    trial = model.results_[1]
    assert trial.origin == "user" and trial.status == "success" and trial.duration < 3
    network = RunStore(tmp_path).model(1).steps[-1][1]
    assert network.max_epochs == 300 and network.stopped_by_ == "budget" and network.n_epochs_ < 300
    assert model.score(X, y) > 0.6


@pytest.mark.slow
def test_pickled_autoclassifier_with_a_network_predicts_identically_in_a_fresh_process(credit_g, tmp_path):
    X, y = credit_g
    model = AutoClassifier(time_left=30, n_trials=2, include=["mlp"], resampling="holdout", seed=0,
                           verbose=0).fit(X, y)
    assert model.best_trial_.config["classifier:__choice__"] == "mlp"
    path = tmp_path / "model.joblib"
    model.save(path)
    X.iloc[:200].to_parquet(tmp_path / "rows.parquet")
    code = (
        "import sys, numpy as np, pandas as pd; from autoclf import AutoClassifier; "
        f"m = AutoClassifier.load({str(path)!r}); rows = pd.read_parquet({str(tmp_path / 'rows.parquet')!r}); "
        f"np.save({str(tmp_path / 'proba.npy')!r}, m.predict_proba(rows))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    np.testing.assert_array_equal(np.load(tmp_path / "proba.npy"), model.predict_proba(X.iloc[:200]))
