"""The search loop: ask for a configuration, run it under limits, record it, tell the optimiser; until the
clock (minus what the final refit needs) or the trial count runs out."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from autoclf.evaluation.result import SUCCESS, TIMEOUT, TrialResult
from autoclf.evaluation.run_store import RunStore
from autoclf.evaluation.request import TrialRequest
from autoclf.execution.worker import CallOutcome
from autoclf.optimization.smac_proposer import Proposal, SmacProposer
from autoclf.execution.runner import TrialRunner

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
    ensemble_reserve: float = 0.0  # seconds the final ensemble build needs; on_result may update it
    interrupted: bool = False  # set when a Ctrl-C ended the search: nothing may search on after it
    adaptive_per_run: bool = False  # the per-trial limit is a default, not the user's: it may follow the machine


#: while no trial has succeeded, each timed-out trial doubles the next one's limit, at most this many times
MAX_LIMIT_DOUBLINGS = 4


def trial_time_limit(limits: Limits, results: list[TrialResult], available: float) -> float:
    """The next trial's time limit: the per-trial limit, never past what is left of the clock.

    A default limit (a tenth of the budget) follows the machine's measured speed: while no trial has
    succeeded, every timeout doubles it (up to MAX_LIMIT_DOUBLINGS times), so a slow or busy machine still
    gets a real model rather than the fallback. A limit the user set is kept as given."""
    limit = limits.per_run_time_limit
    if limits.adaptive_per_run and not any(result.ok for result in results):
        limit *= 2 ** min(sum(result.status == TIMEOUT for result in results), MAX_LIMIT_DOUBLINGS)
    return min(limit, available)


def refit_reserve(best: TrialResult | None, limits: Limits) -> float:
    """Seconds to keep for refitting the incumbent on all data (none when nothing is refit) and building the
    final ensemble; capped so the search always gets time."""
    if best is None:
        return 0.0
    total = limits.deadline - limits.start
    refit = best.duration * limits.refit_share + 1.0 if limits.refit_share > 0 else 0.0
    return min(refit + limits.ensemble_reserve, 0.25 * total)


def run_search(
    proposer: SmacProposer,
    runner: TrialRunner,
    store: RunStore,
    limits: Limits,
    seed: int,
    worst_loss: float,
    on_result: Callable[[TrialResult], None] = lambda result: None,
    first_trial_id: int = 0,
    keep_on_interrupt: bool = True,
) -> list[TrialResult]:
    """Keep ``runner.capacity`` trials in flight until a stopping rule fires, then let them finish.

    Each trial's time limit is what is left of the clock when it starts, so waiting for the last ones
    never runs past the deadline. A KeyboardInterrupt ends the search and keeps what is done; before any
    successful trial it propagates (there is nothing to keep), and always with ``keep_on_interrupt=False``
    (a search continued after serving a model, whose trial ids start at ``first_trial_id``).
    """
    results: list[TrialResult] = []
    in_flight: dict[int, tuple[Proposal, float]] = {}
    best: TrialResult | None = None
    n_started = first_trial_id
    queued: Proposal | None = None  # asked while every slot was busy, started when one frees
    try:
        while True:
            while len(in_flight) < runner.capacity and (limits.n_trials is None or n_started < limits.n_trials):
                # a (re)start imports modules: not on a trial's clock, but never past the deadline
                if not runner.ensure_started(limits.deadline - time.perf_counter() - MIN_TRIAL_SECONDS):
                    break
                now = time.perf_counter()
                available = limits.deadline - now - refit_reserve(best, limits)
                if available < MIN_TRIAL_SECONDS:
                    break
                proposal, queued = (queued, None) if queued is not None else (proposer.ask(), None)
                time_limit = trial_time_limit(limits, results, available)
                runner.submit(TrialRequest(dict(proposal.config), seed, time_limit, limits.memory_limit_mb,
                                           trial_id=n_started, fidelity=proposal.budget, deadline=limits.deadline))
                in_flight[n_started] = (proposal, now)
                n_started += 1
            if not in_flight:
                break
            more = limits.n_trials is None or n_started < limits.n_trials
            time_for_more = limits.deadline - time.perf_counter() - refit_reserve(best, limits) > 2 * MIN_TRIAL_SECONDS
            if runner.capacity > 1 and queued is None and more and time_for_more:
                # SMAC's ask refits its model every few calls (seconds): done while the workers are busy, the
                # next free slot starts its trial at once instead of idling through the refit
                queued = proposer.ask()
            trial_id, outcome = runner.wait_any()
            proposal, started = in_flight.pop(trial_id)
            result = _record(trial_id, proposal, outcome, started - limits.start, worst_loss, store)
            proposer.tell(proposal, result.loss, result.status, result.duration)
            results.append(result)
            if result.ok and (best is None or result.loss < best.loss):
                best = result
            on_result(result)
    except KeyboardInterrupt:
        limits.interrupted = True
        runner.kill()  # trials may still be running
        if best is None or not keep_on_interrupt:
            raise  # nothing to serve: fit says so (or the caller keeps what it served)
        logger.warning("search interrupted after %d trials; keeping the best model found so far", len(results))
    return sorted(results, key=lambda result: result.trial_id)


def _record(trial_id: int, proposal: Proposal, outcome: CallOutcome, started: float, worst_loss: float,
            store: RunStore) -> TrialResult:
    """The trial's record, written to the store; a failed trial's half-written artifacts are dropped."""
    ok = outcome.status == SUCCESS
    result = TrialResult(
        trial_id=trial_id,
        config=dict(proposal.config),
        status=outcome.status,
        loss=outcome.value["loss"] if ok else worst_loss,
        score=outcome.value["score"] if ok else None,
        duration=outcome.seconds,
        started=started,
        origin=proposal.origin,
        budget=proposal.budget,
        error=outcome.error,
        extra={"peak_memory_mb": round(outcome.peak_memory_mb, 1)},
    )
    if not ok:
        store.discard_artifacts(trial_id)
        logger.info("trial %d %s: %s", trial_id, outcome.status, outcome.error.strip().splitlines()[-1:])
    store.write_record(result)
    return result
