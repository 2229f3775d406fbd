"""After the model is served: more trials with what is left of the budget, then the ensemble again.

Why: the search stops early enough to refit the ensemble's members on all rows, and that reserve is an
estimate (up to a quarter of ``time_left``). Refits that are faster than planned, or that do not fit and are
skipped, left up to 25 % of the budget unused (electricity at 60 s: fit returned after 45 s). The remainder
now runs more trials; the selection ensemble is then rebuilt over all of them, members refit before kept as
they are and new members served as their trial models (no time is planned to refit them). Stacking and
"best" are served once, as before: their served model depends on refits made for it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from autoclf.ensembles.builder import EnsembleBuilder
from autoclf.ensembles.serving import ServedEnsemble, serve
from autoclf.evaluation.result import TrialResult
from autoclf.fit_budget import TOP_UP_MIN_SECONDS, TOP_UP_MIN_SHARE
from autoclf.optimization.search_loop import Limits, SearchCallback, run_search

logger = logging.getLogger(__name__)



def use_time_left(served: ServedEnsemble, results: list[TrialResult], *, proposer: Any, runner: Any, store: Any,
                  builder: EnsembleBuilder, limits: Limits, seed: int, worst_loss: float,
                  callbacks: Sequence[SearchCallback], n_classes: int) -> tuple[ServedEnsemble, list[TrialResult]]:
    """Search on while the remainder after serving is worth it; returns the served model and all results.

    A Ctrl-C here keeps the model served last."""
    if builder.kind != "selection" or limits.interrupted:  # after a Ctrl-C the user wants the model now
        return served, results
    budget = limits.budget
    while limits.n_trials is None or len(results) < limits.n_trials:
        rebuild = builder.final_seconds_estimate(with_refits=False) + 0.5
        left = budget.remaining()
        if left - rebuild < max(TOP_UP_MIN_SHARE * budget.total, TOP_UP_MIN_SECONDS):
            break
        logger.info("%.1f s left after serving: searching on", left)
        extra = replace(limits, budget=budget.until(budget.deadline - rebuild), refit_share=0.0)
        try:
            more = run_search(proposer, runner, store, extra, seed, worst_loss, callbacks,
                              first_trial_id=len(results), keep_on_interrupt=False, reserve=lambda best: 0.0)
            if not more:
                break
            results = results + more
            if any(result.ok for result in more):
                served = serve(builder, runner, results, limits.deadline, False, 0.0, seed, limits.memory_limit_mb,
                               n_classes, refitted_before=served.refit_models)
        except KeyboardInterrupt:
            logger.warning("interrupted while searching on after serving; keeping the model served last")
            break
    return served, results
