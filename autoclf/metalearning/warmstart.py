"""Warm start: the search's initial design from the meta-database.

Three rules, as the best systems use them:

- ``"portfolio"`` (the default): a zero-shot, cost-aware greedy portfolio over the dense matrix for the
  fit's metric (auto-sklearn 2.0, AutoGluon's TabRepo portfolios), built with the data sets nearest to this
  one weighted up (kNN on meta-features orders and chooses among the candidates, auto-sklearn 1.0), then
  per-family starting points: each family's best candidate on the nearest data sets (FLAML's zero-shot).
  It replaces the fixed family defaults (on data far larger than the matrix's samples it runs after them);
  the space's default (a fast LightGBM) still runs first.
- ``"knn"``: the nearest data sets' best configurations (auto-sklearn 1.0), after the family defaults.
- ``"both"``: the portfolio design, then the kNN picks.

Nearest data sets by L1 distance between meta-features scaled to [0, 1] over the database; meta-features
missing on either side are left out of a distance. The data set being fitted is never its own neighbour:
it is excluded by content hash and by schema (column names and class labels, so a train split of a
database data set is excluded too), and a caller (the benchmark) can exclude more by name or OpenML id.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autoclf.configspace.origins import Origin
from autoclf.metalearning.database import MetaDatabase
from autoclf.metalearning.portfolio import greedy_portfolio, normalised_losses
from autoclf.metrics import RANK_METRICS

logger = logging.getLogger(__name__)

ORIGIN_KNN, ORIGIN_PORTFOLIO, ORIGIN_FAMILY = Origin.KNN, Origin.PORTFOLIO, Origin.FAMILY_START
WARM_STARTS = ("knn", "portfolio", "both")
#: the nearest data sets that weigh more in the portfolio and choose the family starting points
NEAREST = 10
#: weight of each nearest data set in the portfolio's greedy steps (the others weigh 1)
NEAREST_WEIGHT = 4.0
#: the greedy portfolio trades loss for cost: gain / relative_cost ** COST_WEIGHT
COST_WEIGHT = 0.5
#: on data with more rows than this many times the matrix's sampled rows (5 000: 20 000), the portfolio runs
#: after the family defaults instead of replacing them: its costs and losses were measured on samples, where
#: cheap linear models look as good as boosting; on the full rows of large data they are not (the race at 60 s,
#: kropt and connect_4: cold 0.516 / 0.348 against portfolio 0.623 / 0.364 test log loss; leave-one-out at
#: 30 s, data sets above 20 000 rows: portfolio behind cold on validation loss on 4, ahead on 1, tied on 2)
LARGE_DATA_FACTOR = 4
#: the portfolio applies once the matrix has measured cells on this many data sets, or on half of them in a
#: smaller database (before that: kNN picks after the family defaults)
MIN_MATRIX_DATASETS = 20


@dataclass
class WarmStart:
    """The warm start's configurations, in order; ``replaces_defaults``: run them instead of the family
    defaults (a portfolio), else after them (kNN picks)."""

    configs: list[Any] = field(default_factory=list)
    replaces_defaults: bool = False


def adapt_configuration(space: Any, config: Mapping[str, Any]) -> Any | None:
    """``config`` as a Configuration of ``space``: names the space lacks dropped (slots without work on this
    data), the rest completed with defaults; None (debug log) when it does not validate."""
    from ConfigSpace import Configuration

    from autoclf.configspace.builder import complete_configuration

    names = set(space.keys())
    kept = {name: value for name, value in config.items() if name in names}
    try:  # the fast path: the stored values are exactly a configuration of this space
        exact = Configuration(space, values=kept)
        exact.check_valid_configuration()
        return exact
    except Exception:  # noqa: BLE001 - any mismatch: complete with defaults below
        pass
    try:
        return complete_configuration(space, kept)
    except ValueError as error:
        logger.debug("stored configuration skipped, it does not fit this space: %s", error)
        return None


def distances(database: MetaDatabase, metafeatures: Mapping[str, float]) -> np.ndarray:
    """Per database data set, the mean L1 gap of [0, 1]-scaled meta-features (inf: nothing comparable)."""
    names = list(database.metafeature_names)
    if not database.datasets:
        return np.zeros(0)
    table = np.array([[d.metafeatures.get(n, np.nan) for n in names] for d in database.datasets], dtype=float)
    query = np.array([metafeatures.get(n, np.nan) for n in names], dtype=float)
    with np.errstate(all="ignore"):
        low, high = np.nanmin(table, axis=0), np.nanmax(table, axis=0)
        span = np.where(high > low, high - low, 1.0)
        scaled_table = (table - low) / span
        scaled_query = np.clip((query - low) / span, -1.0, 2.0)  # far outside the database: capped, not dominant
        gaps = np.abs(scaled_table - scaled_query)
    usable = np.isfinite(gaps)
    counts = usable.sum(axis=1)
    return np.where(counts > 0, np.where(usable, gaps, 0).sum(axis=1) / np.maximum(counts, 1), np.inf)


def nearest_datasets(database: MetaDatabase, metafeatures: Mapping[str, float], k: int | None = None) -> list[int]:
    """Indices of the database's data sets, nearest first."""
    order = np.argsort(distances(database, metafeatures), kind="stable")
    return [int(i) for i in order[:k]]


def knn_configurations(database: MetaDatabase, metafeatures: Mapping[str, float], space: Any,
                       n: int) -> list[Any]:
    """Up to ``n`` distinct configurations from the nearest data sets' best ones, valid in ``space``."""
    order = nearest_datasets(database, metafeatures)
    rank_lists = [[entry["config"] for entry in database.datasets[i].best] for i in order]
    depth = max((len(ranked) for ranked in rank_lists), default=0)
    candidates = [ranked[rank] for rank in range(depth) for ranked in rank_lists if rank < len(ranked)]
    return _valid_distinct(candidates, space, n, ORIGIN_KNN)


def metric_matrix_name(database: MetaDatabase, metric_name: str) -> str | None:
    """The matrix the portfolio for the fit's metric is chosen on: log loss for a metric that only ranks rows
    (``metrics.RANK_METRICS``: the ensemble weighs its members on log loss for them), else the metric's own,
    else log loss (a scorer metric), else none.

    Leave-one-out at 30 s on the 42 binary data sets (ROC AUC), against the portfolio chosen on the ROC AUC
    matrix: better / worse / tied 22 / 14 / 6 on the test split, 17 / 7 / 18 on validation ROC AUC, 27 trials
    against 23.5 (median; experiments/results/warm_start_roc_auc.md)."""
    for name in ("log_loss" if metric_name in RANK_METRICS else metric_name, "log_loss"):
        if name in database.losses:
            return name
    return None


def portfolio_configurations(database: MetaDatabase, space: Any, n: int, metric_name: str = "log_loss",
                             metafeatures: Mapping[str, float] | None = None,
                             families: Sequence[str] = ()) -> list[Any]:
    """The portfolio (up to ``n``), then the family starting points for ``families`` it lacks."""
    matrix_name = metric_matrix_name(database, metric_name)
    if matrix_name is None or not database.candidates or n <= 0:
        return []
    losses = database.loss_matrix(matrix_name)
    needed = min(MIN_MATRIX_DATASETS, -(-len(database.datasets) // 2))
    if int(np.isfinite(losses).any(axis=0).sum()) < needed:
        return []  # a matrix under way: a portfolio from a handful of data sets would not generalise
    weights = np.ones(len(database.datasets))
    nearest = nearest_datasets(database, metafeatures, NEAREST) if metafeatures else []
    weights[nearest] = NEAREST_WEIGHT
    order = greedy_portfolio(losses, len(losses), database.seconds_matrix(), COST_WEIGHT, weights=weights)
    chosen = _valid_distinct([database.candidates[i].config for i in order], space, n, ORIGIN_PORTFOLIO)
    present = {str(config["classifier:__choice__"]) for config in chosen}
    scaled = normalised_losses(losses)
    columns = nearest or list(range(len(database.datasets)))
    with warnings.catch_warnings():  # a candidate measured on none of the neighbours: NaN, skipped below
        warnings.simplefilter("ignore", RuntimeWarning)
        near_loss = np.nanmean(scaled[:, columns], axis=1) if scaled.size else np.zeros(0)
    starts = []
    for family in families:
        if family in present:
            continue
        rows = [i for i, c in enumerate(database.candidates) if c.family == family and np.isfinite(near_loss[i])]
        rows.sort(key=lambda i: near_loss[i])
        starts += _valid_distinct([database.candidates[i].config for i in rows], space, 1, ORIGIN_FAMILY)
    return chosen + [config for config in starts if config not in chosen]


def warm_start_configurations(database: MetaDatabase, metafeatures: Mapping[str, float], space: Any, mode: str,
                              n: int, exclude: Sequence[str] = (), metric_name: str = "log_loss",
                              families: Sequence[str] = (), n_rows: int | None = None) -> WarmStart:
    """The warm start for ``mode`` ("knn", "portfolio" or "both"); ``exclude`` names data sets (name, OpenML
    id, content or schema hash) left out, e.g. the data being fitted; ``n_rows``: the data's rows (large data
    keeps the family defaults first, ``LARGE_DATA_FACTOR``)."""
    if mode not in WARM_STARTS:
        raise ValueError(f"warm_start must be one of {WARM_STARTS} or None, got {mode!r}")
    database = database.without(exclude) if exclude else database
    if n <= 0:
        return WarmStart()
    portfolio = (portfolio_configurations(database, space, n, metric_name, metafeatures, families)
                 if mode in ("portfolio", "both") else [])
    # without a matrix for this space (a rebuild under way) the portfolio rule falls back to the kNN picks
    knn = knn_configurations(database, metafeatures, space, n) if mode in ("knn", "both") or not portfolio else []
    if not portfolio:
        return WarmStart(knn)  # the kNN picks follow the family defaults
    picks = portfolio + [config for config in knn if config not in portfolio]
    return WarmStart(picks, replaces_defaults=not beyond_the_matrix(database, n_rows))


def beyond_the_matrix(database: MetaDatabase, n_rows: int | None) -> bool:
    """Whether the data is too large for the matrix to speak for (more than ``LARGE_DATA_FACTOR`` times the
    rows its cells sampled); a database that does not say how many rows it sampled speaks for any size."""
    sampled = (database.built.get("matrix") or {}).get("rows")
    if n_rows is None or not sampled:
        return False
    return n_rows > LARGE_DATA_FACTOR * int(sampled)


def _valid_distinct(candidates: list[Mapping[str, Any]], space: Any, n: int, origin: str) -> list[Any]:
    """Adapt candidates in order, each distinct stored dict once: adapting costs milliseconds to a second
    (ConfigSpace checks the whole space), and neighbours often share their best configuration."""
    import json

    chosen, seen, tried = [], set(), set()
    names = set(space.keys())
    for candidate in candidates:
        key = json.dumps({k: v for k, v in candidate.items() if k in names}, sort_keys=True, default=str)
        if key in tried:
            continue
        tried.add(key)
        config = adapt_configuration(space, candidate)
        if config is None or config in seen:
            continue
        seen.add(config)
        config.origin = origin
        chosen.append(config)
        if len(chosen) == n:
            break
    return chosen


def warm_start_for_fit(metadb: Any, mode: str, space: Any, X_canonical: Any, y_codes: Any, info: Any, n: int,
                       seconds: float, seed: int = 0, metric_name: str = "log_loss",
                       identity: Sequence[str] = (), families: Sequence[str] = ()) -> WarmStart:
    """What ``AutoClassifier.fit`` calls: load the database and keep what fits this code, compute
    meta-features within ``seconds``, exclude this very data set (its content hash, and ``identity``: its
    schema hash, and whatever else the caller names), and pick the configurations.

    A missing, corrupt or mismatched database is a warning and a cold start, never an error.
    """
    import time
    import warnings

    from autoclf.metalearning.database import (
        MetaDatabaseError,
        checked_for_this_space,
        content_hash,
        load_database,
    )

    started = time.perf_counter()
    try:  # read and check the file first: a broken one costs nothing more
        if isinstance(metadb, MetaDatabase):  # an object built in code: checked as a file would be
            database = MetaDatabase.from_dict(metadb.to_dict())
        else:
            database = load_database(metadb)
        database = checked_for_this_space(database)
    except (MetaDatabaseError, FileNotFoundError) as error:
        message = f"meta-learning warm start disabled, starting cold: {error}"
        logger.warning(message)
        warnings.warn(message, UserWarning, stacklevel=3)
        return WarmStart()
    try:
        from autoclf.metalearning.metafeatures import metafeatures_of_canonical

        metafeatures = metafeatures_of_canonical(X_canonical, y_codes, info, time_limit=seconds, seed=seed)
        exclude = [content_hash(X_canonical, y_codes), *identity]
        warm = warm_start_configurations(database, metafeatures, space, mode, n, exclude=exclude,
                                         metric_name=metric_name, families=families,
                                         n_rows=getattr(info, "n_rows", None))
    except Exception as error:  # noqa: BLE001 - a warm start is an optimisation: never the reason a fit fails
        message = f"meta-learning warm start failed, starting cold: {type(error).__name__}: {error}"
        logger.warning(message)
        warnings.warn(message, UserWarning, stacklevel=3)
        return WarmStart()
    logger.info("warm start (%s): %d configurations from %d data sets in %.2f s", mode, len(warm.configs),
                len(database.datasets), time.perf_counter() - started)
    return warm
