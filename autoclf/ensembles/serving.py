"""Serving the ensemble at the end of a search: refit its members on all rows while the clock allows, load
the others' trial models, and assemble the served model (a weighted average or the stacking model).

Why apart from the builder: the builder keeps a current ensemble during the search (weights from stored
predictions); serving is the one step that spends the remaining clock on refits and loading models.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autoclf.ensembles.builder import (
    EnsembleBuilder,
    Snapshot,
    load_seconds,
    stacking_model,
    trial_model,
)
from autoclf.ensembles.stacking import StackingEnsemble
from autoclf.ensembles.weighted import WeightedEnsemble
from autoclf.evaluation.request import TrialRequest
from autoclf.evaluation.result import Status, TrialResult
from autoclf.evaluation.run_store import RunStore
from autoclf.fit_budget import STACKING_MIN_SECONDS

logger = logging.getLogger(__name__)


def load_members(store: RunStore, trial_ids: list[int], n_classes: int, deadline: float,
                 refitted: dict[int, Any] | None = None, cached: dict[int, Any] | None = None) -> dict[int, Any]:
    """Member models by trial id: refit ones, else already loaded ones, else from disk until the deadline.
    Only loading from disk is cut short by the clock: a member in hand is always served."""
    members: dict[int, Any] = {}
    skipped = 0
    for trial_id in trial_ids:
        in_hand = (refitted or {}).get(trial_id)
        if in_hand is None:
            in_hand = (cached or {}).get(trial_id)
        if in_hand is not None:
            members[trial_id] = in_hand
        elif members and time.perf_counter() > deadline:
            skipped += 1
        else:
            members[trial_id] = trial_model(store, trial_id, n_classes)
    if skipped:
        logger.warning("out of time while loading ensemble members: serving %d of %d", len(members), len(trial_ids))
    return members


def refit_members(runner: Any, store: RunStore, trial_ids: list[int], results: dict[int, TrialResult],
                  deadline: float, refit_share: float, seed: int, memory_limit_mb: float | None,
                  cached: dict[int, Any] | None = None) -> dict[int, Any]:
    """Refit members on all training rows, heaviest first, while each one's expected time fits the clock.

    A refit that fails or is killed ends refitting (restarting the worker would cost seconds of imports);
    members not refit keep their trial model, which is still a valid (if less trained) model.
    """
    refitted: dict[int, Any] = {}
    skipped: list[int] = []
    for index, trial_id in enumerate(trial_ids):
        # kept free to load the trial models of the members skipped so far, this one and the later ones
        loading = load_seconds(store, [t for t in skipped + trial_ids[index:] if t not in (cached or {})])
        available = deadline - time.perf_counter() - loading
        needed = results[trial_id].duration * refit_share
        if available <= needed:
            logger.info("no time to refit trial %d (%.1f s needed, %.1f s left)", trial_id, needed, available)
            skipped.append(trial_id)
            continue
        try:
            outcome = runner.refit(TrialRequest(dict(results[trial_id].config), seed, available, memory_limit_mb,
                                                 deadline=deadline - loading))
        except KeyboardInterrupt:
            runner.kill()
            break
        if outcome.status != Status.SUCCESS:
            logger.warning("refit of trial %d failed (%s); serving trial models from here on", trial_id,
                           outcome.status)
            break
        refitted[trial_id] = outcome.value
    return refitted


def weighted_model(members: dict[int, Any], weights: dict[int, float], n_classes: int) -> WeightedEnsemble:
    ids = [t for t in members if weights.get(t, 0) > 0]
    return WeightedEnsemble([members[t] for t in ids], [weights[t] for t in ids], n_classes=n_classes,
                            names=[f"trial {t}" for t in ids]).fit()


@dataclass
class ServedEnsemble:
    """What fit serves: the model, its members' weights by trial id, and which members were refit."""

    model: Any
    snapshot: Snapshot
    refitted: list[int]
    history: list[Snapshot] = field(default_factory=list)
    refit_models: dict[int, Any] = field(default_factory=dict)  # the refit members by trial id, for a later serve


def serve(builder: EnsembleBuilder, runner: Any, results: list[TrialResult], deadline: float, refit: bool,
          refit_share: float, seed: int, memory_limit_mb: float | None, n_classes: int,
          refitted_before: dict[int, Any] | None = None) -> ServedEnsemble:
    """Build the final ensemble of ``builder.kind``, refit its members if asked and the clock allows, assemble.
    ``refitted_before``: members refit by an earlier serve of the same fit, used again as they are.

    Order matters for the clock: the weights (and the level-2 model, for stacking) come first, as they only
    need stored predictions; refits use what time is left; loading trial models for the rest is last.
    """
    logger.info("building the %s ensemble with %.1f s left", builder.kind, deadline - time.perf_counter())
    snapshot = builder.final(results, deadline)
    by_id = {r.trial_id: r for r in results}
    stack: StackingEnsemble | None = None
    if builder.kind == "stacking" and deadline - time.perf_counter() < STACKING_MIN_SECONDS:
        logger.warning("no time left for stacking: serving the selection ensemble")
    elif builder.kind == "stacking":
        ids = builder.stacking_members(results, snapshot)
        try:
            stack = stacking_model(builder, ids, n_classes, deadline=deadline)
        except Exception as error:  # a level-2 failure must not lose the search: fall back to selection
            logger.warning("stacking failed (%s: %s); serving the selection ensemble", type(error).__name__, error)
    if stack is None:
        ids = sorted(snapshot.weight_map(), key=lambda t: -snapshot.weight_map()[t])
    # a level-2 model learned from holdout models' outputs: refit members shift them (measured: test loss
    # +5-11 % under holdout, see experiments/ensembles.py); out-of-fold outputs carry over to refits better
    refit = refit and (stack is None or builder.cross_validated)
    before = {t: model for t, model in (refitted_before or {}).items() if t in ids}
    refitted = before | (refit_members(runner, builder.store, [t for t in ids if t not in before], by_id, deadline,
                                       refit_share, seed, memory_limit_mb, builder.models) if refit else {})
    members = load_members(builder.store, ids, n_classes, deadline, refitted, builder.models)
    # the trial models now held by the served ensemble: a later serve (top_up) need not load them again, nor
    # reserve time for it (fars: forests of hundreds of MB made the search after serving look unaffordable)
    builder.models.update({t: model for t, model in members.items() if t not in refitted})
    builder.refitted.update(refitted)
    if stack is not None and len(members) == len(ids):
        model = stack.replace_members([members[t] for t in ids])
        shares = model.member_weights()
        served = Snapshot("stacking", ids, [float(w) for w in shares], model.validation_loss_,
                          snapshot.best_single_loss, round(time.perf_counter() - builder.start, 3), len(results),
                          extra={"selection_loss": snapshot.loss})
        builder.history.append(served)
        return ServedEnsemble(model, served, sorted(refitted), builder.history, refitted)
    weights = snapshot.weight_map()
    if not any(t in members for t in weights):  # only after a stacking that could not load all its members
        best = max(weights, key=lambda t: weights[t])
        members = load_members(builder.store, [best], n_classes, deadline, refitted, builder.models)
    model = weighted_model(members, weights, n_classes)
    logger.info("served %d member(s), %d refit; %.1f s left", len(model.estimators_), len(refitted),
                deadline - time.perf_counter())
    if len(members) < len(weights):  # ran out of time loading members: report the weights actually served
        snapshot = Snapshot(snapshot.kind, [int(name.split()[-1]) for name in model.names_],
                            [float(w) for w in model.weights_], np.nan, snapshot.best_single_loss,
                            snapshot.seconds, snapshot.n_trials)
    return ServedEnsemble(model, snapshot, sorted(refitted), builder.history, refitted)
