"""The only module that imports SMAC: Bayesian optimisation proposes configurations, we run them.

SMAC is used through ask/tell so that autoclf, not SMAC, owns the clock, the trial runner and the run
store. The initial design is ours too: the default configuration first, then warm-start configurations
(meta-learning), then a few random ones, before SMAC's random-forest model takes over.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ConfigSpace import Configuration, ConfigurationSpace

from autoclf.configspace.origins import Origin
from autoclf.evaluation.result import Status

logger = logging.getLogger(__name__)

ORIGIN_DEFAULT, ORIGIN_RANDOM, ORIGIN_MODEL = Origin.DEFAULT, Origin.RANDOM, Origin.SMAC_MODEL


@dataclass
class Proposal:
    config: Configuration
    origin: str
    info: Any  # smac.runhistory.TrialInfo
    fidelity: float | None = None  # multi-fidelity: the share of full training (epochs, trees, rows), else None


def describe_origin(config: Configuration) -> str:
    """A short, stable name for where SMAC's configuration came from."""
    origin = config.origin or ""
    if not origin.startswith(("Initial", "Acquisition", "Random", "Local")) and origin:
        return origin  # set by autoclf: default, meta-learning, portfolio, random
    if "Local Search" in origin or "(sorted)" in origin:
        return ORIGIN_MODEL
    return ORIGIN_RANDOM


#: multi-fidelity: the fidelities (SMAC's "budgets") run from this share of full training to 1 (eta=3: 1/9, 1/3, 1)
MIN_BUDGET = 1 / 9


class SmacProposer:
    """Ask/tell over SMAC's hyperparameter-optimisation facade (random forest surrogate, EI, local search).

    ``multi_fidelity=True`` uses SMAC's multi-fidelity facade instead: Hyperband brackets of successive
    halving over budgets from ``MIN_BUDGET`` to 1, a share of full training (see ``run_trial``).
    """

    def __init__(
        self,
        space: ConfigurationSpace,
        output_directory: Path,
        seed: int,
        crash_cost: float,
        initial_configs: list[Configuration] | None = None,
        n_random_initial: int = 3,
        multi_fidelity: bool = False,
    ):
        from smac import HyperparameterOptimizationFacade, MultiFidelityFacade, Scenario

        facade = MultiFidelityFacade if multi_fidelity else HyperparameterOptimizationFacade
        budgets: dict[str, Any] = {"min_budget": MIN_BUDGET, "max_budget": 1.0} if multi_fidelity else {}
        scenario = Scenario(
            space,
            deterministic=True,  # one evaluation per configuration; the split is fixed, the seed too
            n_trials=10**9,  # autoclf stops the search: by its clock or by its own n_trials
            seed=seed,
            output_directory=Path(output_directory),
            crash_cost=crash_cost,
            **budgets,
        )
        default = space.get_default_configuration()
        default.origin = ORIGIN_DEFAULT
        initial = [default, *(initial_configs or [])]
        random_configs = _as_list(space.sample_configuration(n_random_initial)) if n_random_initial else []
        for config in random_configs:
            config.origin = ORIGIN_RANDOM
        with _smac_noise_silenced():
            initial_design = facade.get_initial_design(
                scenario, n_configs=0, additional_configs=_unique(initial + random_configs)
            )
        with _smac_noise_silenced():
            extra: dict[str, Any] = (
                {"intensifier": MultiFidelityFacade.get_intensifier(scenario, eta=3)} if multi_fidelity else {}
            )
            self._smac = facade(
                scenario,
                **extra,
                target_function=_never_called_with_budget if multi_fidelity else _never_called,  # ask/tell only
                initial_design=initial_design,
                overwrite=True,
                logging_level=False,
            )

    def ask(self) -> Proposal:
        with _smac_noise_silenced():
            info = self._smac.ask()
        return Proposal(info.config, describe_origin(info.config), info, info.budget)

    def tell(self, proposal: Proposal, loss: float, status: str, duration: float) -> None:
        from smac.runhistory import StatusType, TrialValue

        smac_status: StatusType = {
            Status.SUCCESS: StatusType.SUCCESS,
            Status.CRASHED: StatusType.CRASHED,
            Status.TIMEOUT: StatusType.TIMEOUT,
            Status.MEMOUT: StatusType.MEMORYOUT,
        }[Status(status)]
        with _smac_noise_silenced():
            self._smac.tell(proposal.info, TrialValue(cost=loss, time=duration, status=smac_status), save=False)


@contextmanager
def _smac_noise_silenced() -> Iterator[None]:
    """Warnings SMAC 2.4 raises on its own internals (an empty timing mean, ConfigSpace deprecations)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Mean of empty slice", RuntimeWarning)
        warnings.filterwarnings("ignore", "invalid value encountered", RuntimeWarning)
        warnings.filterwarnings("ignore", "Please use `dict", DeprecationWarning)
        yield


def _never_called(config: Configuration, seed: int = 0) -> float:
    raise RuntimeError("autoclf runs trials itself, through ask/tell")


def _never_called_with_budget(config: Configuration, seed: int = 0, budget: float = 1.0) -> float:
    raise RuntimeError("autoclf runs trials itself, through ask/tell")


def _as_list(configs: Configuration | list[Configuration]) -> list[Configuration]:
    return configs if isinstance(configs, list) else [configs]


def _unique(configs: list[Configuration]) -> list[Configuration]:
    seen, unique = set(), []
    for config in configs:
        if config not in seen:
            seen.add(config)
            unique.append(config)
    return unique
