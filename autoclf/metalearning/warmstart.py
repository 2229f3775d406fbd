"""Warm start: configurations that won on similar data sets (kNN) or across all of them (portfolio).

Nearest data sets by L1 distance between meta-features scaled to [0, 1] over the database (auto-sklearn
1.0's rule); meta-features missing on either side are left out of a distance. Each neighbour's best
configuration is taken in order until enough distinct ones validate against this fit's space; then the
neighbours' second-best ones, and so on. Configurations that do not fit the space are skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from autoclf.metalearning.database import MetaDatabase
from autoclf.metalearning.portfolio import greedy_portfolio

logger = logging.getLogger(__name__)

ORIGIN_KNN = "meta-learning kNN"
ORIGIN_PORTFOLIO = "portfolio"
WARM_STARTS = ("knn", "portfolio", "both")


def adapt_configuration(space: Any, config: Mapping[str, Any]) -> Any | None:
    """``config`` as a Configuration of ``space``: names the space lacks dropped (slots without work on this
    data), the rest completed with defaults; None (debug log) when it does not validate."""
    from autoclf.configspace.builder import complete_configuration

    from ConfigSpace import Configuration

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


def nearest_datasets(database: MetaDatabase, metafeatures: Mapping[str, float], k: int | None = None) -> list[int]:
    """Indices of the database's data sets, nearest first (L1 on [0, 1]-scaled meta-features)."""
    names = list(database.metafeature_names)
    if not database.datasets:
        return []
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
    distances = np.where(counts > 0, np.where(usable, gaps, 0).sum(axis=1) / np.maximum(counts, 1), np.inf)
    order = np.argsort(distances, kind="stable")
    return [int(i) for i in order[:k]]


def knn_configurations(database: MetaDatabase, metafeatures: Mapping[str, float], space: Any,
                       n: int) -> list[Any]:
    """Up to ``n`` distinct configurations from the nearest data sets' best ones, valid in ``space``."""
    order = nearest_datasets(database, metafeatures)
    rank_lists = [[entry["config"] for entry in database.datasets[i].best] for i in order]
    depth = max((len(ranked) for ranked in rank_lists), default=0)
    candidates = [ranked[rank] for rank in range(depth) for ranked in rank_lists if rank < len(ranked)]
    return _valid_distinct(candidates, space, n, ORIGIN_KNN)


def portfolio_configurations(database: MetaDatabase, space: Any, n: int) -> list[Any]:
    """Up to ``n`` configurations of the greedy portfolio over the database's loss matrix, valid in ``space``."""
    matrix = database.loss_matrix()
    if matrix.size == 0:
        return []
    order = greedy_portfolio(matrix, len(matrix))
    return _valid_distinct([database.configurations[i] for i in order], space, n, ORIGIN_PORTFOLIO)


def warm_start_configurations(database: MetaDatabase, metafeatures: Mapping[str, float], space: Any, mode: str,
                              n: int, exclude: Sequence[str] = ()) -> list[Any]:
    """The initial configurations for ``mode``: "knn", "portfolio" or "both" (alternating, kNN first).

    ``exclude`` names data sets (name, OpenML id or content hash) left out, e.g. the data being fitted.
    """
    if mode not in WARM_STARTS:
        raise ValueError(f"warm_start must be one of {WARM_STARTS} or None, got {mode!r}")
    database = database.without(exclude) if exclude else database
    if n <= 0:
        return []
    knn = knn_configurations(database, metafeatures, space, n) if mode in ("knn", "both") else []
    portfolio = portfolio_configurations(database, space, n) if mode in ("portfolio", "both") else []
    if mode != "both":
        return knn or portfolio
    merged, seen = [], set()
    for pair in zip(knn + [None] * len(portfolio), portfolio + [None] * len(knn)):
        for config in pair:
            if config is not None and config not in seen:
                seen.add(config)
                merged.append(config)
    return merged[:n]


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
                       seconds: float, seed: int = 0) -> list[Any]:
    """What ``AutoClassifier.fit`` calls: load and check the database, compute meta-features within
    ``seconds`` (only for kNN), exclude this very data set (content hash), and pick the configurations.

    A missing, corrupt or mismatched database is a warning and a cold start (an empty list), never an error.
    """
    import time
    import warnings

    from autoclf.metalearning.database import (
        MetaDatabaseError,
        content_hash,
        load_database,
        reference_space_hash,
    )

    started = time.perf_counter()
    try:  # read and check the file first: a broken one costs nothing more; then the space hash (cached)
        database = metadb if isinstance(metadb, MetaDatabase) else load_database(metadb)
        database = MetaDatabase.from_dict(database.to_dict(), reference_space_hash())
    except (MetaDatabaseError, FileNotFoundError) as error:
        message = f"meta-learning warm start disabled, starting cold: {error}"
        logger.warning(message)
        warnings.warn(message, UserWarning, stacklevel=3)
        return []
    try:
        exclude = [content_hash(X_canonical, y_codes)]
        metafeatures: dict[str, float] = {}
        if mode in ("knn", "both"):
            from autoclf.metalearning.metafeatures import metafeatures_of_canonical

            metafeatures = metafeatures_of_canonical(X_canonical, y_codes, info, time_limit=seconds, seed=seed)
        configs = warm_start_configurations(database, metafeatures, space, mode, n, exclude=exclude)
    except Exception as error:  # noqa: BLE001 - a warm start is an optimisation: never the reason a fit fails
        message = f"meta-learning warm start failed, starting cold: {type(error).__name__}: {error}"
        logger.warning(message)
        warnings.warn(message, UserWarning, stacklevel=3)
        return []
    logger.info("warm start (%s): %d configurations from %d data sets in %.2f s", mode, len(configs),
                len(database.datasets), time.perf_counter() - started)
    return configs
