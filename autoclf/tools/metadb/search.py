"""The rebuild's first phase: a real autoclf search per data set, whose best configurations become candidates.

Each search is what ``AutoClassifier.fit`` does on the whole data set, cold (no warm start, so the database
does not feed on itself): the resampling fit would choose, until ``n_trials`` trials or ``time_left``
seconds, whichever comes first (the issue's "at least 5 minutes or 100 trials"). The record keeps every
trial compactly (classifier, loss, seconds, status), the best distinct configurations in full with their
component fingerprints, and the provenance (commit, space hash, machine load), written once complete.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autoclf.evaluation.atomic import write_json_atomic
from autoclf.tools.provenance import git_commit

#: configurations kept in full per search: the best distinct ones, then each classifier family's best
KEEP_BEST = 10


@dataclass(frozen=True)
class SearchSettings:
    time_left: float = 300.0
    n_trials: int | None = 100
    seed: int = 0
    memory_limit_mb: float = 4096
    include: list[str] | None = None  # restrict the classifiers (tests); the fingerprints are unchanged


def search_record_path(work: str | Path, name: str) -> Path:
    return Path(work) / "search" / f"{slug(name)}.json"


def search_one(source_spec: str, name: str, work: str, settings: SearchSettings) -> str:
    """Run one data set's search and write its record; returns a one-line summary."""
    from autoclf.classifier import AutoClassifier
    from autoclf.metalearning.database import reference_space_hash
    from autoclf.metalearning.fingerprints import configuration_fingerprint, configuration_key
    from autoclf.tools.sources import open_source

    quiet_threads()
    task = open_source(source_spec).tasks([name])[0]
    X, y, kinds = task.load()
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    model = AutoClassifier(time_left=settings.time_left, n_trials=settings.n_trials, seed=settings.seed,
                           feature_types=kinds, include=settings.include, warm_start=None, ensemble="best",
                           refit=False, verbose=0, memory_limit=settings.memory_limit_mb)
    model.fit(X, y)
    if model.interrupted_:  # a Ctrl-C that fit absorbed to serve its best: not a finished search, keep nothing
        raise KeyboardInterrupt(f"the search on {task.name} was interrupted")
    seconds = time.perf_counter() - started
    results = sorted(model.results_, key=lambda r: r.trial_id)
    successes = sorted((r for r in results if r.ok), key=lambda r: (r.loss, r.trial_id))
    best: list[dict[str, Any]] = []
    keys: set[str] = set()
    families: set[Any] = set()
    for result in successes:
        family = result.config.get("classifier:__choice__")
        config = plain(result.config)
        key = configuration_key(config)
        if key in keys or (len(best) >= KEEP_BEST and family in families):
            continue
        keys.add(key)
        families.add(family)
        best.append({"config": config, "loss": float(result.loss), "seconds": round(result.duration, 2),
                     "key": key, "fingerprint": configuration_fingerprint(config)})
    record = {
        "name": task.name, "openml_id": task.openml_id, "n_rows": int(len(X)), "n_features": int(X.shape[1]),
        "n_classes": int(y.nunique()), "metric": model.metric_.name, "resampling": model.resampling_,
        "n_trials": len(results), "n_failed": sum(not r.ok for r in results), "seconds": round(seconds, 1),
        "trials": [[r.config.get("classifier:__choice__"), None if not r.ok else round(float(r.loss), 5),
                    round(r.duration, 2), r.status] for r in results],
        "best": best,
        "settings": settings.__dict__,
        "provenance": provenance(load_before) | {"space_hash": reference_space_hash()},
    }
    write_json(search_record_path(work, task.name), record)
    top = best[0] if best else None
    return (f"{task.name}: {len(results)} trials in {seconds:.0f} s ({model.resampling_}), best "
            f"{top['config'].get('classifier:__choice__') if top else '-'} {top['loss'] if top else float('nan'):.4f}")


def provenance(load_before: float | None = None) -> dict[str, Any]:
    """Where a result came from: the commit, the machine and its load."""
    return {"commit": git_commit(short=True) or None, "cores": os.cpu_count(),
            "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "load_average": [round(load_before, 2) if load_before is not None else None,
                             round(os.getloadavg()[0], 2)]}


def quiet_threads() -> None:
    """One thread per process: the rebuild runs one search per core."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


def plain(config: dict) -> dict:
    """JSON-safe values (numpy scalars to Python), sorted by name."""
    return {k: (v.item() if hasattr(v, "item") else v) for k, v in sorted(config.items())}


def slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


def write_json(path: Path, record: dict) -> None:
    """Write-then-rename, so a killed rebuild never leaves a half-written result that looks complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomic(path, record, end="\n", sort_keys=True, indent=1, default=float)
