"""`autoclf benchmark` on OpenML tasks by id, read from an openml-python cache with no network, and the one-line
error when OpenML is needed but cannot be reached (tests/data/openml-cache: task 1882 on data set 2, anneal)."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO

from autoclf.evaluation.result import Status
from autoclf.tools.sources import OpenMLUnavailable, open_source, openml_cache

openml = pytest.importorskip("openml")

VENDORED_CACHE = REPO / "tests" / "data" / "openml-cache"


@pytest.fixture
def offline(monkeypatch):
    """No OpenML server, whatever the machine: every HTTP(S) request (the connection test's and openml-python's)
    goes to a proxy that refuses it; each host name looked up in this process is recorded. openml-python's
    configuration is restored afterwards."""
    for name in ("NO_PROXY", "no_proxy", "OPENML_SKIP_PARQUET"):
        monkeypatch.delenv(name, raising=False)
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    monkeypatch.setattr(openml_cache, "_probed", {})
    lookups: list[str] = []
    real_getaddrinfo = socket.getaddrinfo

    def recorded(host, *args, **kwargs):
        lookups.append(str(host))
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", recorded)
    config = openml.config.get_config_as_dict()
    yield lookups
    openml.config.server = config["server"]
    openml.config.set_root_cache_directory(str(config["cachedir"]))
    openml.config.connection_n_retries = config["connection_n_retries"]


def _read_only_copy(folder: Path) -> Path:
    """The vendored cache copied and made read-only (a checkout may leave it writable, and nothing must be
    written into the repository)."""
    shutil.copytree(VENDORED_CACHE, folder)
    for path in sorted(folder.rglob("*"), reverse=True) + [folder]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    return folder


def _files(folder: Path) -> dict[str, int]:
    return {str(path.relative_to(folder)): path.stat().st_size for path in folder.rglob("*")}


def test_benchmark_runs_an_openml_task_from_the_cache_with_no_network(tmp_path, offline):
    """`autoclf benchmark --tasks 1882 --openml-cache PATH`: the task's own folds, a row per run naming the task,
    not one host name looked up, and nothing written into the read-only cache."""
    from autoclf.cli import main

    cache = _read_only_copy(tmp_path / "openml-cache")
    before = _files(cache)
    out = tmp_path / "bench"
    assert main(["benchmark", "--tasks", "1882", "--openml-cache", str(cache), "--frameworks", "constant",
                 "--time-left", "5", "--folds", "2", "--out", str(out)]) == 0
    results = pd.read_csv(out / "results.csv")
    assert len(results) == 2 and set(results["fold"]) == {0, 1}
    assert (results["task"] == "anneal").all() and (results["task_id"] == 1882).all()
    assert (results["openml_id"] == 2).all() and (results["source"] == "openml:task=1882").all()
    assert (results["status"] == Status.SUCCESS).all() and results["score"].notna().all()
    assert (results["n_train"] == 808).all() and (results["n_test"] == 90).all()  # OpenML's 10-fold CV of 898 rows
    assert offline == []  # no connection attempted, not even a name lookup
    assert _files(cache) == before


def test_official_splits_are_the_tasks_own(tmp_path, offline):
    """The folds are OpenML's (first repeat), disjoint and covering the data; a writable cache is openml-python's
    own cache, which keeps what it derives (its pickles) for the next run."""
    cache = tmp_path / "writable-cache"
    shutil.copytree(VENDORED_CACHE, cache)
    for path in [cache, *cache.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    task = open_source("openml:task=1882", openml_cache=cache).tasks()[0]
    splits = task.splits(folds=12)
    assert len(splits) == 10  # the task's procedure has 10 folds, whatever is asked
    tests = sorted(row for _, test in splits for row in test)
    assert tests == list(range(898))
    openml_task = openml.tasks.get_task(1882, download_splits=True, download_data=False)
    assert list(splits[3][1]) == list(openml_task.get_train_test_split_indices(fold=3, repeat=0)[1])
    assert task.X.shape == (898, 38)
    assert (cache / "org/openml/test/datasets/2/dataset.pkl.py3").is_file()
    assert offline == []


def test_a_task_the_cache_lacks_fails_at_once_in_one_line(tmp_path, offline):
    from autoclf.cli import build_parser

    cache = _read_only_copy(tmp_path / "openml-cache")
    before = _files(cache)
    args = build_parser().parse_args(["benchmark", "--tasks", "1882,3", "--openml-cache", str(cache),
                                      "--frameworks", "constant", "--out", str(tmp_path / "bench")])
    with pytest.raises(OpenMLUnavailable) as caught:
        args.run(args)
    message = str(caught.value)
    assert isinstance(caught.value, ValueError) and "\n" not in message
    assert message.startswith("OpenML task 3: test.openml.org could not be reached")
    assert f"the OpenML cache {cache} does not hold it" in message
    assert "--openml-cache PATH" in message and "--suite PATH" in message
    assert _files(cache) == before and not (tmp_path / "bench" / "runs").exists()


def test_a_suite_offline_says_suites_need_the_network(tmp_path, offline):
    from autoclf.tools.benchmark.tasks import resolve_tasks

    cache = _read_only_copy(tmp_path / "openml-cache")
    with pytest.raises(OpenMLUnavailable, match=r"^OpenML suite 99 \(--suite cc18\): test.openml.org could not be "
                                                r"reached .*keeps no suite's task list.*--tasks.*--suite PATH"):
        resolve_tasks("cc18", openml_cache=cache)
    # no cache named, no mirror holding the suite: the same kind of message, for openml-python's own cache
    with pytest.raises(OpenMLUnavailable, match=r"^OpenML suite 271 \(--suite amlb\): .* could not be reached"):
        resolve_tasks("amlb", mirror=tmp_path / "no-mirror")


def test_task_ids_need_numbers_and_the_cache_a_folder(tmp_path):
    from autoclf.tools.benchmark.tasks import resolve_tasks

    with pytest.raises(ValueError, match="needs OpenML task ids"):
        resolve_tasks("openml")
    with pytest.raises(ValueError, match="OpenML task ids are numbers"):
        resolve_tasks("openml", ["1882", "anneal"])
    with pytest.raises(ValueError, match="no such folder"):
        resolve_tasks(None, ["1882"], openml_cache=tmp_path / "missing")
    with pytest.raises(ValueError, match="one server's folder"):
        resolve_tasks(None, ["1882"], openml_cache=VENDORED_CACHE / "org" / "openml" / "test")


def test_a_suite_lists_its_tasks_and_downloads_only_those_it_runs(tmp_path, offline, monkeypatch):
    """A suite's task list and sizes come from the server (stood in for here: it cannot be reached); a task is
    read only when loaded, so --max-rows skips the large ones without downloading them."""
    from autoclf.tools.benchmark.tasks import resolve_tasks

    class Suite:
        tasks = [1882, 7]

    listing = pd.DataFrame({"tid": [1882, 7], "did": [2, 5], "name": ["anneal", "huge"],
                            "NumberOfInstances": [898.0, 10.0**7], "NumberOfFeatures": [39.0, 5.0],
                            "NumberOfClasses": [6.0, 2.0]})
    monkeypatch.setattr(openml_cache, "require_server", lambda what, fix=None: None)
    monkeypatch.setattr(openml.study, "get_suite", lambda suite_id: Suite())
    monkeypatch.setattr(openml.tasks, "list_tasks", lambda **kwargs: listing[listing["tid"].isin(kwargs["task_id"])])
    cache = _read_only_copy(tmp_path / "openml-cache")
    tasks = resolve_tasks("99", openml_cache=cache, max_rows=100_000)
    assert [(t.name, t.task.task_id, t.source) for t in tasks] == [("anneal", 1882, "openml:task=1882")]
    assert tasks[0].task.n_rows == 898 and tasks[0].task._cache is None  # nothing read yet
    assert tasks[0].task.X.shape == (898, 38) and len(tasks[0].task.splits(10)) == 10
    assert offline == []
