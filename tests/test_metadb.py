"""The meta-database: a tiny rebuild (searches, meta-features, dense matrix) that loads and warm-starts a
fit, resumes, and invalidates only what changed; exclusion by identity; the portfolio rules; the shipped
file against the current space."""

import gzip
import json

import numpy as np
import pytest
from conftest import FAST, MIRROR, load_mirror

from autoclf import AutoClassifier
from autoclf.metalearning.database import (
    Candidate,
    DatasetEntry,
    MetaDatabase,
    MetaDatabaseError,
    checked_for_this_space,
    load_database,
    reference_space_hash,
)
from autoclf.metalearning.fingerprints import component_fingerprints, configuration_fingerprint
from autoclf.metalearning.portfolio import greedy_portfolio, normalised_losses
from autoclf.metalearning.warmstart import ORIGIN_PORTFOLIO, nearest_datasets
from autoclf.tools.metadb import rebuild as rebuild_module
from autoclf.tools.metadb.matrix import MatrixProtocol, matrix_record_path, missing_cells
from autoclf.tools.metadb.search import SearchSettings

TINY = ["iris", "glass", "penguins", "haberman"]


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory):
    """A rebuild on 4 small mirror data sets: 3 trials each, fast classifiers only, a 300-row matrix."""
    folder = tmp_path_factory.mktemp("metadb")
    settings = rebuild_module.RebuildSettings(
        search=SearchSettings(time_left=60, n_trials=3, include=FAST),
        matrix=MatrixProtocol(rows=300, folds=3, cell_time_limit=30), candidates_per_dataset=2, workers=1)
    path = folder / "metadb.json.gz"
    database = rebuild_module.rebuild(str(MIRROR), path, folder / "work", settings, names=TINY)
    return path, folder / "work", settings, database


@pytest.mark.slow
def test_rebuild_writes_a_dense_database_that_loads(tiny_db):
    path, _, _, built = tiny_db
    database = load_database(path, check_space=True)
    assert sorted(d.name for d in database.datasets) == sorted(TINY)
    assert all(d.best and np.isfinite(d.best[0]["loss"]) and d.best[0]["fingerprint"] for d in database.datasets)
    assert all(len(d.metafeatures) == len(database.metafeature_names) for d in database.datasets)
    assert all(d.openml_id is not None and d.schema_hash and d.n_rows for d in database.datasets)
    assert {"log_loss", "roc_auc", "accuracy", "balanced_accuracy"} <= set(database.metrics)
    for metric in ("log_loss", "roc_auc"):
        assert np.isfinite(database.loss_matrix(metric)).all()  # every candidate on every data set
    assert np.isfinite(database.seconds_matrix()).all()
    # the family defaults (of the included classifiers) are candidates, and each search's best
    assert any(c.sources == ("default",) for c in database.candidates)
    best_keys = {json.dumps(d.best[0]["config"], sort_keys=True) for d in database.datasets}
    assert best_keys <= {json.dumps(c.config, sort_keys=True) for c in database.candidates}
    assert built.built["commit"] and built.built["matrix"]["folds"] == 3 and built.built["n_datasets"] == 4


@pytest.mark.slow
def test_rebuild_resumes_without_redoing_finished_work(tiny_db, monkeypatch):
    path, work, settings, built = tiny_db

    def must_not_run(*args, **kwargs):
        raise AssertionError("finished work was done again")

    monkeypatch.setattr(rebuild_module, "search_one", must_not_run)
    monkeypatch.setattr(rebuild_module, "evaluate_dataset", must_not_run)
    monkeypatch.setattr(rebuild_module, "metafeatures_one", must_not_run)
    again = rebuild_module.rebuild(str(MIRROR), path.with_name("again.json.gz"), work, settings, names=TINY)
    assert again.configurations == built.configurations and again.losses == built.losses


@pytest.mark.slow
def test_a_changed_component_invalidates_only_its_entries(tiny_db):
    path, work, settings, built = tiny_db
    candidates = rebuild_module.collect_candidates(
        [json.loads(p.read_text()) for p in sorted((work / "search").glob("*.json"))],
        settings.candidates_per_dataset, FAST)
    changed = "classifier/random_forest"
    # a matrix cell written before random forest changed: its fingerprint no longer matches
    record_path = matrix_record_path(work, "iris")
    record = json.loads(record_path.read_text())
    table = dict(component_fingerprints())
    table[changed] = "changed"
    for candidate in candidates:
        candidate["fingerprint"] = configuration_fingerprint(candidate["config"], table)
    stale = missing_cells(work, "iris", candidates, settings.matrix)
    assert stale and {c["config"]["classifier:__choice__"] for c in stale} == {"random_forest"}
    assert len(record["cells"]) == len(candidates)
    # on load, the database keeps what did not use the changed component
    valid = built.valid_for(table)
    assert {c.family for c in valid.candidates} == {c.family for c in built.candidates} - {"random_forest"}
    assert all(b["config"]["classifier:__choice__"] != "random_forest" for d in valid.datasets for b in d.best)


@pytest.mark.slow
def test_a_database_with_nothing_valid_for_this_space_is_refused(tiny_db, tmp_path):
    path, *_ = tiny_db
    with gzip.open(path, "rt") as handle:
        raw = json.load(handle)
    raw["space_hash"] = "0123456789abcdef"
    for entry in raw["candidates"] + [b for d in raw["datasets"] for b in d["best"]]:
        entry["fingerprint"] = "stale"
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(raw))
    with pytest.raises(MetaDatabaseError, match="rebuild"):
        load_database(wrong, check_space=True)


@pytest.mark.slow
def test_the_portfolio_warm_starts_a_fit(tiny_db):
    path, *_ = tiny_db
    X, y = load_mirror("37_diabetes.parquet")
    model = AutoClassifier(time_left=60, n_trials=6, include=FAST, metadb=path, seed=0,
                           resampling="holdout", ensemble="best", refit=False, verbose=0).fit(X, y)
    origins = [result.origin for result in sorted(model.results_, key=lambda result: result.trial_id)]
    assert origins[0] == "default" and ORIGIN_PORTFOLIO in origins


def test_leave_one_out_drops_the_candidates_only_the_held_out_data_set_found():
    """Defect (a): a configuration only the held-out data set's search found came back through the portfolio."""
    own, shared, default = ({"classifier:__choice__": name} for name in ("sgd", "lda", "qda"))
    database = _database(["a", "b"], [(0.0, 0.0), (1.0, 1.0)],
                         candidates=[Candidate(own, "f", ("a",)), Candidate(shared, "f", ("a", "b")),
                                     Candidate(default, "f", ("default",))],
                         losses=[[0.1, 0.5], [0.2, 0.2], [0.3, 0.3]])
    held_out = database.without(["a"])
    assert [c.config for c in held_out.candidates] == [shared, default]
    assert held_out.loss_matrix("log_loss").tolist() == [[0.2], [0.3]]
    assert [d.name for d in database.without(["1"]).datasets] == ["a"]  # by OpenML id


def test_a_train_split_of_a_database_data_set_is_not_its_own_neighbour():
    """Defect (b): the content hash of a split differs from the whole; the schema hash (columns, classes) not."""
    from autoclf.dataset.validator import InputValidator
    from autoclf.metalearning.database import schema_hash
    from autoclf.metalearning.warmstart import warm_start_for_fit

    X, y = load_mirror("61_iris.parquet")
    whole = InputValidator()
    whole.fit_transform(X, y)
    split = InputValidator()
    frame, codes = split.fit_transform(X.iloc[::2], y.iloc[::2])
    iris_schema = schema_hash(whole.feature_names_in_, whole.classes_)
    assert iris_schema == schema_hash(split.feature_names_in_, split.classes_)
    space = AutoClassifier(include=FAST).get_configuration_space(X, y)
    best = {"iris": {"classifier:__choice__": "random_forest"}, "other": {"classifier:__choice__": "decision_tree"}}
    entries = [DatasetEntry(name, index, f"content{index}", {"a": float(index)},
                            [{"config": config, "loss": 0.1, "fingerprint": configuration_fingerprint(config)}],
                            schema_hash=iris_schema if name == "iris" else "x")
               for index, (name, config) in enumerate(best.items())]
    database = MetaDatabase(reference_space_hash(), ["a"], entries)
    warm = warm_start_for_fit(database, "knn", space, frame, codes, split.info_, 5, 1.0,
                              identity=[schema_hash(split.feature_names_in_, split.classes_)])
    assert [c["classifier:__choice__"] for c in warm.configs] == ["decision_tree"]


def test_nearest_datasets_by_scaled_l1():
    database = _database(["far", "near", "mid"], [(0.0, 0.0), (10.0, 100.0), (5.0, 50.0)])
    assert nearest_datasets(database, {"a": 9.0, "b": 95.0}) == [1, 2, 0]
    assert nearest_datasets(database, {"a": 9.0, "b": float("nan")}) == [1, 2, 0]  # missing: left out
    assert [d.name for d in database.without(["near"]).datasets] == ["far", "mid"]
    assert [d.name for d in database.without(["hash2", "0"]).datasets] == ["near"]


def test_greedy_portfolio_covers_data_sets_complementarily():
    losses = np.array([[0.0, 1.0, 1.0],   # best on data set 0 only
                       [0.3, 0.3, 0.3],   # decent everywhere: chosen first
                       [1.0, 0.0, 0.0]])  # best on 1 and 2: lowers the mean most next
    assert greedy_portfolio(losses, 3) == [1, 2, 0]
    assert greedy_portfolio(losses, 1) == [1]
    assert greedy_portfolio(losses, 3, weights=np.array([10.0, 1.0, 1.0]))[0] == 0  # a near data set weighs more
    scaled = normalised_losses(np.array([[1.0, np.nan], [3.0, 2.0]]))
    assert scaled[0, 0] == 0.0 and np.isnan(scaled[0, 1]) and scaled[1].tolist() == [1.0, 0.0]


def test_unmeasured_cells_are_not_failures_and_cost_counts():
    """Defect (f): a cell not measured was counted as the worst loss; now it is left out of the comparison."""
    losses = np.array([[0.0, 0.0, np.nan, 0.0, 0.0],   # best wherever measured, one cell missing
                       [0.5, 0.5, 0.5, 0.5, 0.5],
                       [1.0, 1.0, 1.0, 1.0, 1.0]])
    assert greedy_portfolio(losses, 1) == [0]
    assert greedy_portfolio(losses, 1, min_coverage=1.0) == [1]  # too sparse a candidate is left out
    equal = np.array([[0.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    seconds = np.array([[10.0, 10.0], [1.0, 1.0], [1.0, 1.0]])
    assert greedy_portfolio(equal, 1, seconds, cost_weight=0.0) == [0]
    assert greedy_portfolio(equal, 1, seconds, cost_weight=1.0) == [1]  # as good and ten times cheaper


def test_corrupt_or_other_schema_files_are_refused(tmp_path):
    corrupt = tmp_path / "corrupt.json.gz"
    corrupt.write_bytes(b"not gzip at all")
    with pytest.raises(MetaDatabaseError, match="cannot read"):
        load_database(corrupt)
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"schema_version": 1}))
    with pytest.raises(MetaDatabaseError, match="schema"):
        load_database(other)


def test_malformed_database_is_refused_with_a_clear_error(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"schema_version": 2, "space_hash": "x", "metafeature_names": [],
                               "datasets": [{"name": "a", "content_hash": "h", "metafeatures": {"m": "oops"},
                                             "best": []}]}))
    with pytest.raises(MetaDatabaseError, match="malformed"):
        load_database(bad)


def test_the_shipped_database_matches_the_current_space():
    """Fails when a component changed without a rebuild of its entries (`autoclf metadb rebuild` resumes and
    recomputes only the stale ones)."""
    shipped = load_database()
    valid = checked_for_this_space(shipped)
    assert len(valid.candidates) == len(shipped.candidates), "stale candidates: rebuild the meta-database"
    assert [len(d.best) for d in valid.datasets] == [len(d.best) for d in shipped.datasets], "stale best configs"
    assert len(shipped.datasets) >= 20


def test_the_shipped_database_warm_starts_quietly_with_a_portfolio():
    """The shipped database, half-measured while its matrix fills, gives a portfolio without numpy warnings (a
    candidate measured on none of the nearest data sets once warned "Mean of empty slice" in every fit)."""
    import warnings

    from autoclf.metalearning import compute_metafeatures
    from autoclf.metalearning.warmstart import warm_start_configurations
    from autoclf.optimization.initial_design import FAMILY_DEFAULTS

    X, y = load_mirror("54_vehicle.parquet")
    space = AutoClassifier().get_configuration_space(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warm = warm_start_configurations(load_database(), compute_metafeatures(X, y), space, "portfolio", 25,
                                         exclude=["vehicle"], metric_name="log_loss", families=FAMILY_DEFAULTS)
    assert warm.replaces_defaults and len(warm.configs) >= 10


@pytest.mark.slow
def test_cli_parses_metadb_rebuild_and_prints_info(tiny_db, capsys):
    from autoclf.cli import build_parser, main

    args = build_parser().parse_args(["metadb", "rebuild", "--source", "openml", "--suite", "99",
                                      "--time-per-dataset", "30", "--workers", "2", "--seed", "1",
                                      "--phase", "search", "--matrix-rows", "2000", "--output", "db.json.gz"])
    assert (args.suite, args.time_per_dataset, args.workers, args.seed, args.phase) == (99, 30.0, 2, 1, "search")
    assert args.run.__name__ == "command_metadb_rebuild"
    main(["metadb", "info", str(tiny_db[0]), "--datasets"])
    out = capsys.readouterr().out
    assert "4 (4 with an OpenML id)" in out and "100%" in out and "iris" in out and "log_loss" in out


def _database(names, features, candidates=None, losses=None):
    entries = [DatasetEntry(name, index, f"hash{index}", {"a": f[0], "b": f[1]},
                            [{"config": {"classifier:__choice__": "gaussian_nb"}, "loss": 0.1}])
               for index, (name, f) in enumerate(zip(names, features))]
    return MetaDatabase("h", ["a", "b"], entries, candidates=candidates or [],
                        losses={"log_loss": losses} if losses else {})


def test_rebuild_jobs_run_in_processes_and_a_failure_does_not_stop_the_others():
    from autoclf.tools.metadb.jobs import run_jobs

    assert run_jobs(str, [(1,), (2,), (3,)], workers=2) == 3  # each job in a fresh spawned process
    assert run_jobs(int, [("1",), ("not a number",), ("3",)], workers=2) == 2  # logged, left for a resume
    assert run_jobs(int, [("1",), ("x",)], workers=1) == 1  # one worker: in this process, in order


def test_a_killed_rebuild_leaves_no_job_process_behind(tmp_path):
    """A rebuild killed from outside (a session's end, kill) must not leave its job processes finishing their
    data sets unwatched: a restarted rebuild would write the same cells from two processes."""
    import signal
    import subprocess
    import sys
    import time

    import psutil

    pids = tmp_path / "pids"
    script = (
        "import os, time\n"
        "from autoclf.tools.metadb.jobs import run_jobs\n"
        "def job(path):\n"
        "    open(path, 'a').write(f'{os.getpid()}\\n'); time.sleep(120); return 'slept'\n"
        "if __name__ == '__main__':\n"
        f"    run_jobs(job, [({str(pids)!r},), ({str(pids)!r},)], workers=2)\n"
    )
    (tmp_path / "rebuild.py").write_text(script)
    parent = subprocess.Popen([sys.executable, str(tmp_path / "rebuild.py")], cwd=tmp_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not pids.exists() or len(pids.read_text().split()) < 2):
        time.sleep(0.2)
    children = [int(pid) for pid in pids.read_text().split()]
    assert len(children) == 2 and all(psutil.pid_exists(pid) for pid in children)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    _gone, alive = psutil.wait_procs([psutil.Process(pid) for pid in children if psutil.pid_exists(pid)], timeout=15)
    assert not alive, f"job processes outlived the rebuild: {[p.pid for p in alive]}"


def test_the_portfolio_then_each_missing_familys_start_from_the_nearest_data_sets():
    from autoclf.metalearning.warmstart import ORIGIN_FAMILY, warm_start_configurations

    X, y = load_mirror("61_iris.parquet")
    space = AutoClassifier(include=FAST).get_configuration_space(X, y)
    tree, forest, nb = ({"classifier:__choice__": name} for name in ("decision_tree", "random_forest", "gaussian_nb"))
    # the forest is best overall; naive Bayes is best on the data set nearest to the query
    candidates = [Candidate(tree, "f", ("a",)), Candidate(forest, "f", ("b",)), Candidate(nb, "f", ("c",))]
    losses = [[0.5, 0.6, 0.4], [0.1, 0.1, 0.9], [0.9, 0.9, 0.2]]
    database = _database(["a", "b", "c"], [(0.0, 0.0), (1.0, 1.0), (9.0, 9.0)], candidates, losses)
    warm = warm_start_configurations(database, {"a": 9.0, "b": 9.0}, space, "portfolio", 1,
                                     metric_name="log_loss", families=("gaussian_nb", "decision_tree"))
    names = [config["classifier:__choice__"] for config in warm.configs]
    assert warm.replaces_defaults and names[0] == "random_forest" and set(names[1:]) == {"gaussian_nb", "decision_tree"}
    assert all(config.origin == ORIGIN_FAMILY for config in warm.configs[1:])


def test_the_nearest_data_sets_order_the_portfolio():
    """Two clusters of data sets, each with its own best candidate: the first pick follows the query's cluster."""
    from autoclf.metalearning.warmstart import warm_start_configurations

    X, y = load_mirror("61_iris.parquet")
    space = AutoClassifier(include=FAST).get_configuration_space(X, y)
    forest, nb, tree = ({"classifier:__choice__": name} for name in ("random_forest", "gaussian_nb", "decision_tree"))
    names = [f"forest{i}" for i in range(6)] + [f"nb{i}" for i in range(6)]
    features = [(float(i), 0.0) for i in range(6)] + [(100.0 + i, 0.0) for i in range(6)]
    losses = [[0.0] * 6 + [0.5] * 6, [0.5] * 6 + [0.0] * 6, [1.0] * 12]  # forest, naive Bayes, tree
    database = _database(names, features, [Candidate(c, "f", ("x",)) for c in (forest, nb, tree)], losses)

    def first(query: float) -> str:
        warm = warm_start_configurations(database, {"a": query, "b": 0.0}, space, "portfolio", 2,
                                         metric_name="log_loss")
        return warm.configs[0]["classifier:__choice__"]

    assert first(105.0) == "gaussian_nb" and first(0.0) == "random_forest"


def test_a_rank_metric_portfolio_is_chosen_on_log_loss():
    """For ROC AUC the served ensemble weighs its members on log loss, so the portfolio is chosen on the log-loss
    matrix: here the forest is best on ROC AUC everywhere and naive Bayes best on log loss everywhere."""
    from autoclf.metalearning.warmstart import portfolio_configurations

    X, y = load_mirror("61_iris.parquet")
    space = AutoClassifier(include=FAST).get_configuration_space(X, y)
    candidates = [Candidate({"classifier:__choice__": name}, "f", ("x",)) for name in ("random_forest", "gaussian_nb")]
    names = [f"d{i}" for i in range(20)]
    database = _database(names, [(float(i), 0.0) for i in range(20)], candidates, [[0.3] * 20, [0.1] * 20])
    database.losses["roc_auc"] = [[0.05] * 20, [0.2] * 20]
    database.losses["accuracy"] = [[0.05] * 20, [0.2] * 20]

    def first(metric: str) -> str:
        return portfolio_configurations(database, space, 1, metric)[0]["classifier:__choice__"]

    assert first("roc_auc") == "gaussian_nb" and first("log_loss") == "gaussian_nb"
    assert first("accuracy") == "random_forest"  # a metric on the predicted class keeps its own matrix


def test_a_matrix_under_way_gives_no_portfolio_yet():
    """While the rebuild has measured few data sets, the warm start keeps to kNN picks after the family defaults."""
    from autoclf.metalearning.warmstart import portfolio_configurations

    X, y = load_mirror("61_iris.parquet")
    space = AutoClassifier(include=FAST).get_configuration_space(X, y)
    candidates = [Candidate({"classifier:__choice__": "random_forest"}, "f", ("x",))]
    names = [f"d{i}" for i in range(30)]
    measured_on_two = [[0.1, 0.2] + [None] * 28]
    database = _database(names, [(float(i), 0.0) for i in range(30)], candidates, measured_on_two)
    assert portfolio_configurations(database, space, 5, "log_loss") == []
    everywhere = _database(names, [(float(i), 0.0) for i in range(30)], candidates, [[0.1] * 30])
    assert len(portfolio_configurations(everywhere, space, 5, "log_loss")) == 1


def test_large_data_keeps_the_family_defaults_first_and_the_portfolio_after_them(credit_g):
    """The matrix sampled at most 5 000 rows per data set: on data more than 4x larger its portfolio runs after
    the family defaults instead of replacing them (cheap linear models look as good as boosting on samples);
    a database that does not say how many rows it sampled speaks for any size."""
    from autoclf.metalearning import compute_metafeatures
    from autoclf.metalearning.warmstart import LARGE_DATA_FACTOR, beyond_the_matrix, warm_start_configurations
    from autoclf.optimization.initial_design import FAMILY_DEFAULTS

    X, y = credit_g
    database = load_database()
    sampled = database.built["matrix"]["rows"]
    space = AutoClassifier().get_configuration_space(X, y)
    metafeatures = compute_metafeatures(X, y)

    def warm(rows: int | None):
        return warm_start_configurations(database, metafeatures, space, "portfolio", 25, exclude=["credit-g"],
                                         metric_name="roc_auc", families=FAMILY_DEFAULTS, n_rows=rows)

    small, large = warm(len(X)), warm(LARGE_DATA_FACTOR * sampled + 1)
    assert small.replaces_defaults and not large.replaces_defaults
    assert large.configs == small.configs  # the same picks, after the defaults
    assert warm(LARGE_DATA_FACTOR * sampled).replaces_defaults and warm(None).replaces_defaults
    unsized = MetaDatabase.from_dict({**database.to_dict(), "built": {}})
    assert not beyond_the_matrix(unsized, 10**7) and beyond_the_matrix(database, 10**7)
