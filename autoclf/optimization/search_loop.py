"""The search loop: ask for a configuration, run it under limits, record it, tell the optimiser; until the
clock (minus what the final refit needs) or the trial count runs out."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from autoclf.evaluation.result import SUCCESS, TrialResult
from autoclf.evaluation.run_store import RunStore
from autoclf.evaluation.trial import run_trial
from autoclf.evaluation.worker import Worker
from autoclf.optimization.smac_proposer import SmacProposer

logger = logging.getLogger(__name__)

#: a trial is not started with less than this many seconds left: it could not finish anything useful
MIN_TRIAL_SECONDS = 1.0


@dataclass
class Limits:
    """When to stop and how far each trial may go. ``deadline`` is a time.perf_counter() value."""

    start: float
    deadline: float
    per_run_time_limit: float
    memory_limit_mb: float | None
    n_trials: int | None = None
    refit_share: float = 1.5  # refit time ~ trial time x this (all rows vs the split's training rows)


def refit_reserve(best: TrialResult | None, limits: Limits) -> float:
    """Seconds to keep for refitting the incumbent on all data; capped so the search always gets time."""
    if best is None:
        return 0.0
    total = limits.deadline - limits.start
    return min(best.duration * limits.refit_share + 1.0, 0.25 * total)


def run_search(
    proposer: SmacProposer,
    worker: Worker,
    store: RunStore,
    limits: Limits,
    seed: int,
    worst_loss: float,
    on_result: Callable[[TrialResult], None] = lambda result: None,
) -> list[TrialResult]:
    """Run trials until a stopping rule fires; a KeyboardInterrupt ends the search and keeps what is done."""
    results: list[TrialResult] = []
    best: TrialResult | None = None
    try:
        while limits.n_trials is None or len(results) < limits.n_trials:
            now = time.perf_counter()
            available = limits.deadline - now - refit_reserve(best, limits)
            if available < MIN_TRIAL_SECONDS:
                break
            proposal = proposer.ask()
            trial_id = len(results)
            config = dict(proposal.config)
            time_limit = min(limits.per_run_time_limit, available)
            outcome = worker.call(
                run_trial,
                (str(store.root), trial_id, config, seed, time_limit, True, proposal.budget),
                time_limit=time_limit,
                memory_limit_mb=limits.memory_limit_mb,
            )
            ok = outcome.status == SUCCESS
            result = TrialResult(
                trial_id=trial_id,
                config=config,
                status=outcome.status,
                loss=outcome.value["loss"] if ok else worst_loss,
                score=outcome.value["score"] if ok else None,
                duration=outcome.seconds,
                started=now - limits.start,
                origin=proposal.origin,
                budget=proposal.budget,
                error=outcome.error,
                extra={"peak_memory_mb": round(outcome.peak_memory_mb, 1)},
            )
            if not ok:
                store.discard_artifacts(trial_id)
                logger.info("trial %d %s: %s", trial_id, outcome.status, outcome.error.strip().splitlines()[-1:])
            store.write_record(result)
            proposer.tell(proposal, result.loss, result.status, result.duration)
            results.append(result)
            if ok and (best is None or result.loss < best.loss):
                best = result
            on_result(result)
    except KeyboardInterrupt:
        worker.kill()  # a trial may still be running in it
        logger.warning("search interrupted after %d trials; keeping the best model found so far", len(results))
    return results
