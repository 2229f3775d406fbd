"""The head start: the default configuration runs while SMAC and the warm start are built in a thread."""

from __future__ import annotations

import time

import pytest
from ConfigSpace import Categorical, ConfigurationSpace, Float

from autoclf.optimization.head_start import HeadStartProposer
from autoclf.optimization.smac_proposer import SmacProposer


def _space() -> ConfigurationSpace:
    space = ConfigurationSpace(seed=0)
    space.add([Categorical("kind", ["a", "b", "c"], default="a"), Float("x", (0.0, 1.0), default=0.5)])
    return space


def _slow_build(space, tmp_path, delay=0.5):
    def build():
        time.sleep(delay)  # stands in for SMAC's imports and the meta-features
        return SmacProposer(space, tmp_path / "smac3", seed=0, crash_cost=1.0)

    return build


def test_default_runs_first_once_and_its_result_reaches_smac(tmp_path):
    space = _space()
    proposer = HeadStartProposer(_slow_build(space, tmp_path), space.get_default_configuration())
    head = proposer.ask()
    assert head.config == space.get_default_configuration() and head.origin == "default" and head.info is None
    proposer.tell(head, 0.25, "success", 0.1)
    later = [proposer.ask() for _ in range(4)]
    assert all(p.config != head.config for p in later)  # SMAC's own proposal of the default was skipped
    for proposal in later:
        proposer.tell(proposal, 0.5, "success", 0.1)
    history = proposer._ready()._smac.runhistory
    costs = {tuple(sorted(history.get_config(key.config_id).items())): value.cost for key, value in history.items()}
    assert costs[tuple(sorted(head.config.items()))] == 0.25
    assert len(history) == 5


def test_head_start_result_arriving_after_smac_asked_it(tmp_path):
    """Two trials in flight: SMAC proposes the default while its head-start trial is still running."""
    space = _space()
    proposer = HeadStartProposer(_slow_build(space, tmp_path, delay=0.2), space.get_default_configuration())
    head = proposer.ask()
    other = proposer.ask()  # waits for the build; SMAC's default is matched to the running head start
    assert other.config != head.config
    proposer.tell(head, 0.1, "success", 0.1)
    proposer.tell(other, 0.9, "success", 0.1)
    assert len(proposer._ready()._smac.runhistory) == 2


def test_a_failed_build_is_raised_to_the_caller(tmp_path):
    space = _space()

    def broken():
        raise RuntimeError("no SMAC today")

    proposer = HeadStartProposer(broken, space.get_default_configuration())
    time.sleep(0.05)
    with pytest.raises(RuntimeError, match="no SMAC today"):
        proposer.ask()
        proposer.ask()
