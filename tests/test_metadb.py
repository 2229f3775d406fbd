"""The meta-database: a tiny rebuild that loads and warm-starts a fit, refusal of a mismatched file, the
kNN and portfolio rules, and self-exclusion."""

import gzip
import json

import numpy as np
import pytest
from conftest import FAST, MIRROR, load_mirror

from autoclf import AutoClassifier
from autoclf.metalearning import rebuild as rebuild_module
from autoclf.metalearning.database import (
    DatasetEntry,
    MetaDatabase,
    MetaDatabaseError,
    load_database,
    reference_space_hash,
)
from autoclf.metalearning.portfolio import greedy_portfolio, normalised_losses
from autoclf.metalearning.warmstart import nearest_datasets

TINY = ["iris", "glass", "penguins", "haberman"]


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory):
    """A rebuild on 4 small mirror data sets, 2 trials each, fast classifiers only."""
    folder = tmp_path_factory.mktemp("metadb")
    settings = rebuild_module.RebuildSettings(time_per_dataset=30, n_trials=2, seed=0, workers=1,
                                              eval_time_limit=5, eval_dataset_limit=10, include=FAST)
    path = folder / "metadb.json.gz"
    database = rebuild_module.rebuild(str(MIRROR), path, folder / "work", settings, names=TINY)
    return path, folder / "work", settings, database


def test_rebuild_writes_a_database_that_loads(tiny_db):
    path, _, _, built = tiny_db
    database = load_database(path, reference_space_hash())
    assert sorted(d.name for d in database.datasets) == sorted(TINY)
    assert all(d.best and np.isfinite(d.best[0]["loss"]) for d in database.datasets)
    assert database.metafeature_names and all(len(d.metafeatures) == len(database.metafeature_names)
                                              for d in database.datasets)
    matrix = database.loss_matrix()
    assert matrix.shape == (len(database.configurations), 4) and np.isfinite(matrix).any()
    assert database.datasets[0].openml_id is not None and database.built["n_datasets"] == 4


def test_rebuild_resumes_without_redoing_finished_data_sets(tiny_db, monkeypatch):
    path, work, settings, built = tiny_db

    def must_not_run(*args, **kwargs):
        raise AssertionError("a finished data set was searched again")

    monkeypatch.setattr(rebuild_module, "_search_one", must_not_run)
    monkeypatch.setattr(rebuild_module, "_cross_one", must_not_run)
    again = rebuild_module.rebuild(str(MIRROR), path.with_name("again.json.gz"), work, settings, names=TINY)
    assert again.configurations == built.configurations and again.losses == built.losses


@pytest.mark.slow
def test_database_warm_starts_a_fit(tiny_db):
    path, *_ = tiny_db
    X, y = load_mirror("37_diabetes.parquet")
    model = AutoClassifier(time_left=60, n_trials=6, include=FAST, warm_start="knn", metadb=path, seed=0,
                           resampling="holdout", ensemble="best", refit=False, verbose=0).fit(X, y)
    # the space's default, the other families' defaults, then warm-start picks (configspace.builder)
    origins = [result.origin for result in sorted(model.results_, key=lambda result: result.trial_id)]
    assert origins[0] == "default" and "meta-learning kNN" in origins


@pytest.mark.slow
def test_wrong_space_hash_is_refused_and_the_fit_starts_cold(tiny_db, tmp_path):
    path, *_ = tiny_db
    with gzip.open(path, "rt") as handle:
        raw = json.load(handle)
    raw["space_hash"] = "0123456789abcdef"
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(raw))
    with pytest.raises(MetaDatabaseError, match="search space"):
        load_database(wrong, reference_space_hash())
    X, y = load_mirror("61_iris.parquet")
    with pytest.warns(UserWarning, match="starting cold"):
        model = AutoClassifier(time_left=60, n_trials=3, include=FAST, warm_start="both", metadb=wrong, seed=0,
                               resampling="holdout", ensemble="best", refit=False, verbose=0).fit(X, y)
    assert not {"meta-learning kNN", "portfolio"} & set(model.leaderboard()["origin"])


def test_corrupt_or_other_schema_files_are_refused(tmp_path):
    corrupt = tmp_path / "corrupt.json.gz"
    corrupt.write_bytes(b"not gzip at all")
    with pytest.raises(MetaDatabaseError, match="cannot read"):
        load_database(corrupt)
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"schema_version": 999}))
    with pytest.raises(MetaDatabaseError, match="schema"):
        load_database(other)


def _database(names, features, losses=None, best=None):
    entries = [DatasetEntry(name, index, f"hash{index}", {"a": f[0], "b": f[1]},
                            best[index] if best else [{"config": {"classifier:__choice__": "gaussian_nb"},
                                                       "loss": 0.1}])
               for index, (name, f) in enumerate(zip(names, features))]
    return MetaDatabase("h", ["a", "b"], entries, configurations=[{}] * len(losses or []), losses=losses or [])


def test_nearest_datasets_by_scaled_l1_and_exclusion():
    database = _database(["far", "near", "mid"], [(0.0, 0.0), (10.0, 100.0), (5.0, 50.0)])
    assert nearest_datasets(database, {"a": 9.0, "b": 95.0}) == [1, 2, 0]
    assert nearest_datasets(database, {"a": 9.0, "b": float("nan")}) == [1, 2, 0]  # missing: left out
    smaller = database.without(["near"])
    assert [d.name for d in smaller.datasets] == ["far", "mid"]
    assert [d.name for d in database.without(["hash2", "0"]).datasets] == ["near"]


def test_greedy_portfolio_covers_data_sets_complementarily():
    losses = np.array([[0.0, 1.0, 1.0],   # best on data set 0 only
                       [0.3, 0.3, 0.3],   # decent everywhere: chosen first
                       [1.0, 0.0, 0.0]])  # best on 1 and 2: lowers the mean most next
    assert greedy_portfolio(losses, 3) == [1, 2, 0]
    assert greedy_portfolio(losses, 1) == [1]
    scaled = normalised_losses(np.array([[1.0, np.nan], [3.0, 2.0]]))
    assert scaled.tolist() == [[0.0, 1.0], [1.0, 0.0]]


def test_the_fitted_data_set_is_excluded_by_content_hash():
    from autoclf.dataset.validator import InputValidator
    from autoclf.metalearning.database import content_hash
    from autoclf.metalearning.warmstart import warm_start_for_fit

    X, y = load_mirror("61_iris.parquet")
    validator = InputValidator()
    frame, codes = validator.fit_transform(X, y)
    model = AutoClassifier(include=FAST)
    space = model.get_configuration_space(X, y)
    best = [[{"config": {"classifier:__choice__": "random_forest"}, "loss": 0.1}],
            [{"config": {"classifier:__choice__": "decision_tree"}, "loss": 0.1}]]
    database = _database(["iris", "other"], [(1.0, 1.0), (2.0, 2.0)], best=best)
    database = MetaDatabase(reference_space_hash(), ["a", "b"],
                            [DatasetEntry(database.datasets[0].name, 61, content_hash(frame, codes), {"a": 1.0},
                                          best[0]), database.datasets[1]])
    configs = warm_start_for_fit(database, "knn", space, frame, codes, validator.info_, 5, 1.0)
    assert [c["classifier:__choice__"] for c in configs] == ["decision_tree"]
    assert all(c.origin == "meta-learning kNN" for c in configs)


def test_malformed_database_is_refused_with_a_clear_error(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"schema_version": 1, "space_hash": "x", "metafeature_names": [],
                               "datasets": [{"name": "a", "content_hash": "h", "metafeatures": {"m": "oops"},
                                             "best": []}]}))
    with pytest.raises(MetaDatabaseError, match="malformed"):
        load_database(bad)


def test_cli_parses_metadb_rebuild():
    from autoclf.cli import build_parser

    args = build_parser().parse_args(["metadb", "rebuild", "--source", "openml", "--suite", "99",
                                      "--time-per-dataset", "30", "--workers", "2", "--seed", "1",
                                      "--output", "db.json.gz"])
    assert (args.suite, args.time_per_dataset, args.workers, args.seed) == (99, 30.0, 2, 1)
    assert args.run.__name__ == "command_metadb_rebuild"
