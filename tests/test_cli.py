"""The command line: fit a csv, predict a parquet file, as a user would from a shell."""

import subprocess
import sys

import pandas as pd
import pytest


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


def test_missing_file_is_a_clear_message(tmp_path):
    result = subprocess.run([sys.executable, "-m", "autoclf.cli", "fit", str(tmp_path / "nope.csv"), "--output",
                             str(tmp_path / "m")], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "no such file" in result.stderr
