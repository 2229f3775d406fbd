"""``autoclf metadb info``: what a meta-database holds, in a few lines a person can check."""

from __future__ import annotations

from collections import Counter

import numpy as np

from autoclf.metalearning.database import DEFAULT_SOURCE, MetaDatabase


def describe(database: MetaDatabase, datasets: bool = False) -> str:
    """Data sets, candidates, metrics, how dense the matrix is, fingerprints and provenance."""
    from autoclf.metalearning.database import reference_space_hash
    from autoclf.metalearning.fingerprints import component_fingerprints

    built = database.built
    current = reference_space_hash()
    lines = [f"meta-database (schema {database.schema_version})",
             f"  space fingerprint  {database.space_hash}"
             + ("  (this autoclf's)" if database.space_hash == current else f"  (this autoclf: {current})")]
    valid = database.valid_for(component_fingerprints()) if database.space_hash != current else database
    stale = len(database.candidates) - len(valid.candidates)
    if stale:
        lines.append(f"  stale candidates   {stale} (their components changed since the rebuild)")
    ids = [d for d in database.datasets if d.openml_id is not None]
    lines.append(f"  data sets          {len(database.datasets)} ({len(ids)} with an OpenML id)")
    families = Counter(c.family for c in database.candidates)
    from_defaults = sum(DEFAULT_SOURCE in c.sources for c in database.candidates)
    lines.append(f"  candidates         {len(database.candidates)} ({from_defaults} family defaults); by family: "
                 + ", ".join(f"{name} {count}" for name, count in families.most_common()))
    lines.append(f"  metrics            {', '.join(database.metrics) or 'none'}")
    if database.candidates and database.datasets:
        cells = len(database.candidates) * len(database.datasets)
        matrix = database.seconds_matrix()
        measured = int(np.isfinite(matrix).sum())
        failed = _failed(database)
        lines.append(f"  matrix             {len(database.candidates)} x {len(database.datasets)}: {measured} of "
                     f"{cells} cells measured ({measured / cells:.0%}), {failed} failed")
        if measured:
            lines.append(f"  seconds per cell   median {np.nanmedian(matrix):.2f}, max {np.nanmax(matrix):.1f}")
    protocol = built.get("matrix")
    if protocol:
        lines.append(f"  matrix protocol    {protocol.get('folds')}-fold CV on at most {protocol.get('rows')} rows, "
                     f"{protocol.get('cell_time_limit')} s per cell, seed {protocol.get('seed')}")
    search = built.get("search")
    if search:
        lines.append(f"  searches           {search.get('n_trials')} trials or {search.get('time_left')} s each, "
                     f"cold; {built.get('search_seconds', '?')} s in all")
    lines.append(f"  provenance         commit {built.get('commit', '?')}, built {built.get('finished_at', '?')}, "
                 f"source {built.get('source', '?')}")
    if datasets:
        lines.append("")
        lines.append(f"  {'data set':32s} {'OpenML id':>9s} {'rows':>8s} {'classes':>7s} {'best':>3s}  best classifier")
        for entry in database.datasets:
            best = entry.best[0]["config"].get("classifier:__choice__", "?") if entry.best else "-"
            lines.append(f"  {entry.name[:32]:32s} {str(entry.openml_id):>9s} {str(entry.n_rows):>8s} "
                         f"{str(entry.n_classes):>7s} {len(entry.best):3d}  {best}")
    return "\n".join(lines)


def _failed(database: MetaDatabase) -> int:
    """Cells with a loss but no timing: evaluations that crashed, timed out or ran out of memory."""
    if not database.losses:
        return 0
    losses = database.loss_matrix(database.metrics[0])
    return int((np.isfinite(losses) & ~np.isfinite(database.seconds_matrix())).sum())
