"""The search loop: ask for a configuration, run it under limits, record it, tell the optimiser; until the
clock (minus what the final refit needs) or the trial count runs out."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from autoclf.evaluation.request import TrialRequest
from autoclf.evaluation.result import SUCCESS, TIMEOUT, TrialResult
from autoclf.evaluation.run_store import RunStore
from autoclf.execution.runner import TrialRunner
from autoclf.execution.worker import CallOutcome
from autoclf.fit_budget import MIN_TRIAL_SECONDS, FitBudget
from autoclf.optimization.smac_proposer import Proposal, SmacProposer

logger = logging.getLogger(__name__)


@dataclass
class Limits:
    """How far the search may go: the fit's clock (``budget``), each trial's memory, the number of trials, and
    how long refits take (``refit_share``: refit time ~ trial time x this, all rows against a split's).
    ``interrupted`` is set when a Ctrl-C ended the search: nothing may search on after it."""

    budget: FitBudget
    memory_limit_mb: float | None
    n_trials: int | None = None
    refit_share: float = 1.5
    interrupted: bool = False

    @property
    def deadline(self) -> float:
        return self.budget.deadline

    @property
    def start(self) -> float:
        return self.budget.start


class SearchCallback(Protocol):
    """Told of every finished trial, in the manner of SMAC3's callbacks: the progress bar, the ensemble builder
    (which refreshes the current ensemble every few trials)."""

    def on_result(self, result: TrialResult) -> None: ...


def refit_reserve(best: TrialResult | None, refit_share: float) -> float:
    """Seconds to refit the incumbent on all rows (none when nothing is refit, or nothing succeeded yet)."""
    if best is None or refit_share <= 0:
        return 0.0
    return best.duration * refit_share + 1.0


def timeouts_without_success(results: list[TrialResult]) -> int:
    """Timed-out trials while none has succeeded: how much the default per-trial limit should grow."""
    return 0 if any(result.ok for result in results) else sum(result.status == TIMEOUT for result in results)


def run_search(
    proposer: SmacProposer,
    runner: TrialRunner,
    store: RunStore,
    limits: Limits,
    seed: int,
    worst_loss: float,
    callbacks: Sequence[SearchCallback] = (),
    first_trial_id: int = 0,
    keep_on_interrupt: bool = True,
    reserve: Callable[[TrialResult], float] | None = None,
) -> list[TrialResult]:
    """Keep ``runner.capacity`` trials in flight until a stopping rule fires, then let them finish.

    Each trial's time limit is what is left of the clock when it starts, so waiting for the last ones
    never runs past the deadline. A KeyboardInterrupt ends the search and keeps what is done; before any
    successful trial it propagates (there is nothing to keep), and always with ``keep_on_interrupt=False``
    (a search continued after serving a model, whose trial ids start at ``first_trial_id``).

    ``reserve(best)``: the seconds the end of the fit needs once a trial has succeeded (the refits, the final
    ensemble), asked before every trial; by default the incumbent's refit. The budget caps it.
    """
    budget = limits.budget

    def kept_back(best: TrialResult | None) -> float:
        if best is None:
            return 0.0
        return reserve(best) if reserve is not None else refit_reserve(best, limits.refit_share)

    results: list[TrialResult] = []
    in_flight: dict[int, tuple[Proposal, float]] = {}
    best: TrialResult | None = None
    n_started = first_trial_id
    queued: Proposal | None = None  # asked while every slot was busy, started when one frees
    try:
        while True:
            while len(in_flight) < runner.capacity and (limits.n_trials is None or n_started < limits.n_trials):
                # a (re)start imports modules: not on a trial's clock, but never past the deadline
                if not runner.ensure_started(budget.remaining() - MIN_TRIAL_SECONDS):
                    break
                now = budget.now()
                time_limit = budget.trial_limit(kept_back(best), timeouts_without_success(results))
                if time_limit is None:
                    break
                proposal, queued = (queued, None) if queued is not None else (proposer.ask(), None)
                runner.submit(TrialRequest(dict(proposal.config), seed, time_limit, limits.memory_limit_mb,
                                           trial_id=n_started, fidelity=proposal.fidelity, deadline=budget.deadline))
                in_flight[n_started] = (proposal, now)
                n_started += 1
            if not in_flight:
                break
            more = limits.n_trials is None or n_started < limits.n_trials
            time_for_more = budget.remaining() - budget.capped_reserve(kept_back(best)) > 2 * MIN_TRIAL_SECONDS
            if runner.capacity > 1 and queued is None and more and time_for_more:
                # SMAC's ask refits its model every few calls (seconds): done while the workers are busy, the
                # next free slot starts its trial at once instead of idling through the refit
                queued = proposer.ask()
            trial_id, outcome = runner.wait_any()
            proposal, started = in_flight.pop(trial_id)
            result = _record(trial_id, proposal, outcome, started - budget.start, worst_loss, store)
            proposer.tell(proposal, result.loss, result.status, result.duration)
            results.append(result)
            if result.ok and (best is None or result.loss < best.loss):
                best = result
            for callback in callbacks:
                callback.on_result(result)
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
        fidelity=proposal.fidelity,
        error=outcome.error,
        extra={"peak_memory_mb": round(outcome.peak_memory_mb, 1)},
    )
    if not ok:
        store.discard_artifacts(trial_id)
        logger.info("trial %d %s: %s", trial_id, outcome.status, outcome.error.strip().splitlines()[-1:])
    store.write_record(result)
    return result
