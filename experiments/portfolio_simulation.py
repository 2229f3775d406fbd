"""Issue 16, offline: how good are the warm start's first configurations, read off the matrix alone?

For every data set d whose matrix row is dense, the meta-database without d (``MetaDatabase.without``: its
own search's candidates go too) chooses the warm start's order exactly as fit does (kNN weights, cost-aware
greedy portfolio, warmstart's constants), and the cold start's order is the space's default then the family
defaults (optimization/initial_design.py). Both orders are then read on d's own matrix cells: the best
normalised loss among the first k configurations (0 = the best candidate measured on d, 1 = the worst) and
the seconds those k took there (3-fold CV on at most 5 000 rows). No fit runs: this ranks warm-start settings
in seconds, before experiments/warm_start.py measures them in real fits.

Run: python experiments/portfolio_simulation.py [--metadb /tmp/db.json.gz] [--nearest 10 --weight 4 --cost 0.5]
(default: the shipped database; or one assembled from the rebuild's work: autoclf metadb rebuild --phase
assemble --output ...). Variants: ``--own-matrix`` chooses the portfolio on the metric's own matrix (for ROC
AUC: the rule before ea468c8; fit chooses on log loss for a metric that only ranks rows); ``--overhead S``
adds S seconds to every trial (a real trial's process, split and scoring);
``--family-first`` runs one configuration per family before any family's second (tried 2026-12-01: behind
the plain portfolio on log loss at every k, 22 / 45 better / worse than cold at k = 3 against 34 / 36).
"""

from __future__ import annotations

import argparse
import warnings
from collections.abc import Sequence

import numpy as np

from autoclf.metalearning import warmstart
from autoclf.metalearning.database import DEFAULT_SOURCE, MetaDatabase, load_database
from autoclf.metalearning.portfolio import greedy_portfolio, normalised_losses
from autoclf.optimization.initial_design import FAMILY_DEFAULTS

KS = (1, 2, 3, 5, 8)
#: seconds of matrix time (3-fold CV on <= 5 000 rows) at which the best-so-far is read
TIMES = (1.0, 2.0, 5.0, 10.0, 20.0)


def cold_order(database: MetaDatabase) -> list[int]:
    """Rows of the space's default (LightGBM) and the family defaults, in the order a cold fit runs them."""
    defaults = {c.family: i for i, c in enumerate(database.candidates) if DEFAULT_SOURCE in c.sources}
    return [defaults[name] for name in ("lightgbm", *FAMILY_DEFAULTS) if name in defaults]


def warm_order(database: MetaDatabase, held_out: str, metric: str, nearest: int, weight: float, cost: float,
               size: int, by_family: bool = False, own_matrix: bool = False) -> list[int]:
    """Rows (of ``database``) that a fit on ``held_out`` runs first with the warm start: LightGBM's default
    (the space's default, which SMAC runs first anyway), then the portfolio chosen without ``held_out`` on the
    matrix fit chooses on for ``metric`` (log loss for ROC AUC: ``warmstart.metric_matrix_name``), or on
    ``metric``'s own matrix with ``own_matrix`` (the rule before ea468c8)."""
    without = database.without([held_out])
    chosen_on = metric if own_matrix else warmstart.metric_matrix_name(without, metric) or metric
    query = next(d for d in database.datasets if d.name == held_out).metafeatures
    weights = np.ones(len(without.datasets))
    weights[warmstart.nearest_datasets(without, query, nearest)] = weight
    order = greedy_portfolio(without.loss_matrix(chosen_on), size, without.seconds_matrix(), cost, weights=weights)
    row_of = {c.fingerprint + repr(sorted(c.config.items())): i for i, c in enumerate(database.candidates)}
    picked = [row_of[without.candidates[i].fingerprint + repr(sorted(without.candidates[i].config.items()))]
              for i in order]
    first = cold_order(database)[:1]
    order = first + [row for row in picked if row not in first]
    return family_first(database, order, without, query, nearest, metric) if by_family else order


def family_first(database: MetaDatabase, order: list[int], without: MetaDatabase, query, nearest: int,
                 metric: str) -> list[int]:
    """One configuration per family first (the family's first in ``order``, else its best candidate on the
    nearest data sets for the cold start's families), then the rest of ``order``."""
    families = [database.candidates[i].family for i in order]
    first: list[int] = []
    seen: set[str] = set()
    for row, family in zip(order, families):
        if family not in seen:
            seen.add(family)
            first.append(row)
    near = warmstart.nearest_datasets(without, query, nearest)
    names = {without.datasets[j].name for j in near}
    columns = [j for j, d in enumerate(database.datasets) if d.name in names]
    scaled = normalised_losses(database.loss_matrix(metric))
    for family in FAMILY_DEFAULTS:
        if family in seen:
            continue
        rows = [i for i, c in enumerate(database.candidates) if c.family == family]
        with warnings.catch_warnings():  # a candidate measured on none of the neighbours: NaN, skipped
            warnings.simplefilter("ignore", RuntimeWarning)
            scores = [np.nanmean(scaled[i, columns]) for i in rows]
        scores = [x if np.isfinite(x) else np.inf for x in scores]
        if rows:
            first.append(rows[int(np.argmin(scores))])
            seen.add(family)
    return first + [row for row in order if row not in first]


def simulate(database: MetaDatabase, metric: str, nearest: int, weight: float, cost: float,
             datasets: Sequence[str] | None = None, overhead: float = 0.0,
             by_family: bool = False, own_matrix: bool = False) -> dict[str, np.ndarray]:
    """``overhead``: seconds a real trial costs beyond its matrix seconds (process, split, scoring);
    ``by_family``: the warm order runs one configuration per family first (``family_first``); ``own_matrix``:
    the portfolio is chosen on ``metric``'s own matrix (``warm_order``)."""
    losses = database.loss_matrix(metric)
    seconds = database.seconds_matrix()
    scaled = normalised_losses(losses)
    cold = cold_order(database)
    dense = [j for j, d in enumerate(database.datasets)
             if np.isfinite(losses[cold, j]).all() and np.isfinite(losses[:, j]).mean() > 0.5
             and (datasets is None or d.name in datasets)]
    result: dict[str, list] = {"cold": [], "warm": [], "cold_s": [], "warm_s": [], "cold_t": [], "warm_t": [],
                               "names": []}
    for j in dense:
        name = database.datasets[j].name
        warm = warm_order(database, name, metric, nearest, weight, cost, 25, by_family, own_matrix)
        for label, order in (("cold", cold), ("warm", warm)):
            measured = [i for i in order if np.isfinite(scaled[i, j])]  # not measured here: skipped, not failed
            best = np.minimum.accumulate([scaled[i, j] for i in measured] or [1.0])
            spent = np.cumsum([overhead + (seconds[i, j] if np.isfinite(seconds[i, j]) else 0.0)
                               for i in measured] or [0.0])
            result[label].append([best[min(k, len(best)) - 1] for k in KS])
            result[label + "_s"].append([spent[min(k, len(spent)) - 1] for k in KS])
            # the best reached within t seconds (1 when not even the first configuration finished by then)
            result[label + "_t"].append([min([b for b, used in zip(best, spent) if used <= t], default=1.0)
                                         for t in TIMES])
        result["names"].append(name)
    return {key: np.asarray(value) for key, value in result.items()}


def report(result: dict[str, np.ndarray], title: str) -> str:
    lines = [f"### {title}: {len(result['names'])} data sets", "",
             "| first k | cold: mean normalised loss | warm | warm better / worse / tied | cold seconds (median) "
             "| warm seconds |", "|---|---|---|---|---|---|"]
    for position, k in enumerate(KS):
        cold, warm = result["cold"][:, position], result["warm"][:, position]
        seconds = f"{np.median(result['cold_s'][:, position]):.1f} | {np.median(result['warm_s'][:, position]):.1f}"
        lines.append(f"| {k} | {cold.mean():.3f} | {warm.mean():.3f} | {_tally(warm, cold)} | {seconds} |")
    lines += ["", "| matrix seconds | cold: mean normalised loss | warm | warm better / worse / tied |",
              "|---|---|---|---|"]
    for position, t in enumerate(TIMES):
        cold, warm = result["cold_t"][:, position], result["warm_t"][:, position]
        lines.append(f"| {t:g} | {cold.mean():.3f} | {warm.mean():.3f} | {_tally(warm, cold)} |")
    return "\n".join(lines)


def _tally(warm: np.ndarray, cold: np.ndarray) -> str:
    better, worse = int((warm < cold - 1e-9).sum()), int((warm > cold + 1e-9).sum())
    return f"{better} / {worse} / {len(cold) - better - worse}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--metadb", default="", help="the database (default: the shipped one)")
    parser.add_argument("--nearest", type=int, default=warmstart.NEAREST)
    parser.add_argument("--weight", type=float, default=warmstart.NEAREST_WEIGHT)
    parser.add_argument("--cost", type=float, default=warmstart.COST_WEIGHT)
    parser.add_argument("--metrics", default="log_loss,roc_auc")
    parser.add_argument("--overhead", type=float, default=0.0, help="seconds added to every trial")
    parser.add_argument("--family-first", action="store_true", help="one configuration per family first")
    parser.add_argument("--own-matrix", action="store_true",
                        help="choose the portfolio on the metric's own matrix, not on the one fit chooses on")
    args = parser.parse_args()
    database = load_database(args.metadb or None)
    for metric in args.metrics.split(","):
        binary = [d.name for d in database.datasets if d.n_classes == 2] if metric == "roc_auc" else None
        result = simulate(database, metric, args.nearest, args.weight, args.cost, binary, args.overhead,
                          args.family_first, args.own_matrix)
        print(report(result, f"{metric} (nearest {args.nearest}, weight {args.weight:g}, cost weight {args.cost:g})"))
        print()


if __name__ == "__main__":
    main()
