"""The command line, as a user meets it from a shell: fit a csv, predict a parquet file, describe a model, and
every mistake answered by one line and exit status 2 (a traceback only with --debug)."""

import argparse
import inspect
import json
import platform
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import MIRROR

from autoclf.cli import FIT_PARAMETERS, build_parser, main, run_command
from autoclf.cli.errors import EXIT_INTERNAL, EXIT_USER, classify

IRIS_FEATURES = ["sepallength", "sepalwidth", "petallength", "petalwidth"]


def run_cli(argv, capsys):
    """(exit status, stdout, stderr) of ``autoclf argv`` run in this process."""
    try:
        status = main(argv)
    except SystemExit as stop:
        status = stop.code
    out, err = capsys.readouterr()
    return status, out, err


def assert_user_error(status, err, *phrases):
    lines = err.strip().splitlines()
    assert status == EXIT_USER, err
    assert len(lines) == 1 and lines[0].startswith("autoclf: error: "), err
    assert "Traceback" not in err
    for phrase in phrases:
        assert phrase in lines[0], lines[0]


@pytest.fixture
def iris_csv(tmp_path):
    path = tmp_path / "iris.csv"
    pd.read_parquet(MIRROR / "61_iris.parquet").to_csv(path, index=False)
    return path


# ------------------------------------------------------------------ help and options
def test_help_shows_defaults_and_the_metrics(capsys):
    from autoclf.metrics import METRIC_NAMES

    status, fit_help, _ = run_cli(["fit", "--help"], capsys)
    assert status == 0
    flat = " ".join(fit_help.split())  # argparse wraps lines
    for default in ("--time-left SECONDS seconds for the whole fit, from start to saved model (default: 600.0)",
                    "(default: 3072)", "(default: portfolio)", "(default: selection)", "(default: auto)"):
        assert default in flat
    assert all(name in flat for name in METRIC_NAMES)
    assert "(default: None)" not in flat and "(default: False)" not in flat
    _, predict_help, _ = run_cli(["predict", "--help"], capsys)
    assert "(default: True)" in " ".join(predict_help.split())
    _, benchmark_help, _ = run_cli(["benchmark", "--help"], capsys)
    assert " ".join(benchmark_help.split()).count("(default: ") >= 5
    _, rebuild_help, _ = run_cli(["metadb", "rebuild", "--help"], capsys)
    assert "(default: 300" in " ".join(rebuild_help.split())


def test_fit_options_are_autoclassifier_parameters_with_its_defaults():
    from autoclf import AutoClassifier

    defaults = {name: p.default for name, p in inspect.signature(AutoClassifier.__init__).parameters.items()}
    args = build_parser().parse_args(["fit", "data.csv", "--output", "m.joblib"])
    assert set(FIT_PARAMETERS) <= set(AutoClassifier().get_params())
    assert {name: getattr(args, name) for name in FIT_PARAMETERS if name != "time_left"} == \
        {name: defaults[name] for name in FIT_PARAMETERS if name != "time_left"}
    args = build_parser().parse_args(["fit", "d.csv", "--output", "m", "--include", "lightgbm, random_forest",
                                      "--memory-limit", "none", "--no-refit", "--feature-types", "a=text,b=numeric",
                                      "--ensemble-size", "7", "--resampling", "cv", "--folds", "3"])
    assert args.include == ["lightgbm", "random_forest"] and args.memory_limit is None and args.refit is False
    assert args.feature_types == {"a": "text", "b": "numeric"} and (args.ensemble_size, args.folds) == (7, 3)


# ------------------------------------------------------------------ user errors: one line, status 2
def test_a_missing_file_is_one_line(tmp_path, capsys):
    status, _, err = run_cli(["fit", str(tmp_path / "nope.csv"), "--output", str(tmp_path / "m.joblib")], capsys)
    assert_user_error(status, err, "no such file", "nope.csv")


def test_a_target_that_is_not_a_column_names_the_columns(iris_csv, tmp_path, capsys):
    status, _, err = run_cli(["fit", str(iris_csv), "--target", "clas", "--output", str(tmp_path / "m")], capsys)
    assert_user_error(status, err, "no column 'clas'", "did you mean 'class'?", "petalwidth")


def test_an_unknown_metric_lists_the_metrics(iris_csv, tmp_path, capsys):
    status, _, err = run_cli(["fit", str(iris_csv), "--metric", "auc", "--output", str(tmp_path / "m")], capsys)
    assert_user_error(status, err, "invalid choice: 'auc'", "'roc_auc'", "'log_loss'")


def test_an_unknown_component_lists_the_valid_ones(iris_csv, tmp_path, capsys):
    status, _, err = run_cli(["fit", str(iris_csv), "--exclude", "svm,lightgbm", "--output", str(tmp_path / "m")],
                             capsys)
    assert_user_error(status, err, "--exclude names unknown component(s) ['svm']", "classifier: lightgbm",
                      "kernel_svm")


@pytest.mark.parametrize("command", ["info", "predict"])
def test_a_file_that_is_not_a_model_is_one_line(command, iris_csv, tmp_path, capsys):
    argv = [command, str(iris_csv)] + ([str(iris_csv), "--output", str(tmp_path / "p.csv")]
                                       if command == "predict" else [])
    status, _, err = run_cli(argv, capsys)
    assert_user_error(status, err, "iris.csv is not a", "autoclf model")


def test_input_validation_and_parameter_checks_are_user_errors(tmp_path, iris_csv, capsys):
    one_class = tmp_path / "one_class.csv"
    pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": ["a", "a", "a"]}).to_csv(one_class, index=False)
    status, _, err = run_cli(["fit", str(one_class), "--output", str(tmp_path / "m")], capsys)
    assert_user_error(status, err, "y has a single class")  # the validator's ValueError
    status, _, err = run_cli(["fit", str(iris_csv), "--time-left", "1", "--output", str(tmp_path / "m")], capsys)
    assert_user_error(status, err, "time_left=1.0 s is below the minimum")  # fit_rules' ValueError
    status, _, err = run_cli(["fit", str(iris_csv), "--output", str(tmp_path / "no" / "m")], capsys)
    assert_user_error(status, err, "does not exist")  # checked before the fit, not after it
    (tmp_path / "empty.csv").write_text("")
    status, _, err = run_cli(["fit", str(tmp_path / "empty.csv"), "--output", str(tmp_path / "m")], capsys)
    assert_user_error(status, err, "cannot read", "empty.csv")


def test_debug_adds_the_traceback_before_or_after_the_command(tmp_path, capsys):
    for argv in (["--debug", "fit", str(tmp_path / "nope.csv"), "--output", "m"],
                 ["fit", str(tmp_path / "nope.csv"), "--output", "m", "--debug"]):
        status, _, err = run_cli(argv, capsys)
        assert status == EXIT_USER and err.startswith("Traceback")
        assert err.strip().splitlines()[-1].startswith("autoclf: error: no such file")


def test_an_internal_error_asks_for_debug(capsys):
    """An exception no check expected: status 1 and one line that says how to see more."""
    def broken(args):
        return np.zeros(3)[[5]]  # IndexError, as a bug would raise it

    status = run_command(argparse.Namespace(run=broken, debug=False))
    err = capsys.readouterr().err
    assert status == EXIT_INTERNAL and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert err.startswith("autoclf: internal error: IndexError") and "--debug" in err
    # a ValueError raised outside autoclf's validation is internal too; one raised inside it is the user's
    try:
        np.zeros(-1)
    except ValueError as error:
        assert classify(error)[0] == EXIT_INTERNAL
    from autoclf.dataset.validator import InputValidator

    with pytest.raises(ValueError) as raised:
        InputValidator().fit(pd.DataFrame({"x": [1, 2]}), ["a", "a"])
    assert classify(raised.value)[0] == EXIT_USER


def test_the_exit_status_reaches_the_shell(tmp_path):
    result = subprocess.run([sys.executable, "-m", "autoclf.cli", "fit", str(tmp_path / "nope.csv"), "--output",
                             str(tmp_path / "m")], capture_output=True, text=True, timeout=60)
    assert result.returncode == EXIT_USER and result.stderr.startswith("autoclf: error: no such file")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


# ------------------------------------------------------------------ a fitted model: info and predict
@pytest.fixture(scope="module")
def iris_model(tmp_path_factory):
    """A model fitted by `autoclf fit` on iris: 2 trials of fast classifiers, no warm start."""
    folder = tmp_path_factory.mktemp("cli")
    data = folder / "iris.csv"
    pd.read_parquet(MIRROR / "61_iris.parquet").to_csv(data, index=False)
    model = folder / "model.joblib"
    assert main(["fit", str(data), "--output", str(model), "--n-trials", "2", "--time-left", "60", "--include",
                 "decision_tree,gaussian_nb", "--warm-start", "none", "--quiet"]) == 0
    return model, data


@pytest.mark.slow
def test_info_describes_a_saved_model(iris_model, capsys):
    model, _ = iris_model
    status, out, _ = run_cli(["info", str(model)], capsys)
    assert status == 0
    assert f"python {platform.python_version()}" in out and "scikit-learn" in out and "log_loss" in out
    assert "Iris-setosa (50)" in out and all(re.search(rf"\n  {name} +numeric\n", out) for name in IRIS_FEATURES)
    assert "2 trials" in out and "ensemble" in out
    status, out, _ = run_cli(["info", str(model), "--json"], capsys)
    description = json.loads(out)
    assert [feature["name"] for feature in description["schema"]["features"]] == IRIS_FEATURES
    assert description["schema"]["target"] == "class"
    assert {feature["type"] for feature in description["schema"]["features"]} == {"numeric"}
    assert [c["label"] for c in description["classes"]] == ["Iris-setosa", "Iris-versicolor", "Iris-virginica"]
    assert description["metric"]["name"] == "log_loss" and description["fit"]["trials"] == 2
    assert description["versions"]["saved_with"]["python"] == platform.python_version()
    members = description["ensemble"]["members"]
    assert members and sum(m["weight"] for m in members) == pytest.approx(1, abs=1e-3)
    assert all(m["components"]["classifier"]["name"] in ("decision_tree", "gaussian_nb") for m in members)


@pytest.mark.slow
def test_predict_leaves_out_the_target_and_names_missing_columns(iris_model, tmp_path, capsys):
    model, data = iris_model
    output = tmp_path / "predictions.parquet"
    status, out, err = run_cli(["predict", str(model), str(data), "--output", str(output), "--keep", "class"], capsys)
    assert status == 0 and "150 predictions" in out
    assert err.strip() == "autoclf: left out the target column 'class'"
    predictions = pd.read_parquet(output)
    assert list(predictions.columns[:2]) == ["class", "prediction"]
    assert (predictions["class"] == predictions["prediction"]).mean() > 0.8
    lacking = tmp_path / "lacking.csv"
    pd.read_csv(data).drop(columns=["sepallength"]).to_csv(lacking, index=False)
    status, _, err = run_cli(["predict", str(model), str(lacking), "--output", str(tmp_path / "p.csv")], capsys)
    assert_user_error(status, err, "missing columns: ['sepallength']; extra columns: ['class']")


@pytest.mark.slow
def test_fit_then_predict(credit_g, tmp_path):
    X, y = credit_g
    frame = X.assign(target=y)
    frame.iloc[:700].to_csv(tmp_path / "train.csv", index=False)
    frame.iloc[700:].to_parquet(tmp_path / "test.parquet")
    autoclf = [sys.executable, "-m", "autoclf.cli"]
    fit = subprocess.run(
        [*autoclf, "fit", str(tmp_path / "train.csv"), "--target", "target", "--time-left", "60", "--n-trials", "2",
         "--output", str(tmp_path / "model.joblib"), "--quiet"],
        capture_output=True, text=True, timeout=180,
    )
    assert fit.returncode == 0, fit.stderr
    assert "rank" in fit.stdout and "model written" in fit.stdout
    predict = subprocess.run(
        [*autoclf, "predict", str(tmp_path / "model.joblib"), str(tmp_path / "test.parquet"),
         "--output", str(tmp_path / "predictions.csv")],
        capture_output=True, text=True, timeout=120,
    )
    assert predict.returncode == 0, predict.stderr
    predictions = pd.read_csv(tmp_path / "predictions.csv")
    assert len(predictions) == 300
    assert set(predictions["prediction"]) <= {"good", "bad"}
    assert {"proba_good", "proba_bad"} <= set(predictions.columns)
    assert (predictions["prediction"] == frame.iloc[700:]["target"].to_numpy()).mean() > 0.6
