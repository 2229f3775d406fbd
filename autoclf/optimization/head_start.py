"""Run the default configuration while SMAC and the meta-learning warm start are being prepared.

Why: building SMAC's facade (its imports included) and the warm start (loading the meta-database, meta-features
for kNN) take one to a few seconds, and a fit's first trial needs none of it: SMAC's initial design runs the
default configuration first anyway. So the first ``ask`` returns the default at once (the head start) while a
background thread builds the real proposer; when SMAC later proposes that same configuration, the head
start's result is told to it instead of running it twice. Measured in benchmarks/warm_start.py: without this,
every warm-started variant was behind a cold start at 10 % of a 60 s budget partly because its first trial
started later.

Not wired into ``AutoClassifier.fit`` yet: with it, a Ctrl-C during fit was lost in one full-suite run (see the
comment in ``AutoClassifier._search_and_refit``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from autoclf.optimization.smac_proposer import ORIGIN_DEFAULT, Proposal

logger = logging.getLogger(__name__)


class HeadStartProposer:
    """The ask/tell interface of ``SmacProposer``; ``build`` makes the real one in a background thread.

    ``head_start`` is the configuration proposed before the real proposer exists (the space's default).
    """

    def __init__(self, build: Callable[[], Any], head_start: Any):
        self._head = head_start
        self._head_asked = False
        self._head_result: tuple[float, str, float] | None = None  # (loss, status, seconds) once it finished
        self._head_info: Any = None  # SMAC's TrialInfo for the head start, once SMAC proposed it
        self._head_told = False
        self._proposer: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._build, args=(build,), name="autoclf-proposer", daemon=True)
        self._thread.start()

    def _build(self, build: Callable[[], Any]) -> None:
        try:
            self._proposer = build()
        except BaseException as error:  # noqa: BLE001 - re-raised in the caller's thread by _ready
            self._error = error

    def _ready(self) -> Any:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._proposer

    def ask(self) -> Proposal:
        if not self._head_asked and self._thread.is_alive():
            self._head_asked = True
            logger.debug("head start: the default configuration runs while the proposer is being built")
            return Proposal(self._head, ORIGIN_DEFAULT, info=None)
        proposer = self._ready()
        while True:
            proposal = proposer.ask()
            if self._head_asked and self._head_info is None and proposal.config == self._head:
                self._head_info = proposal.info  # already run (or running): its result goes to SMAC
                self._tell_head(proposer)
                continue
            return proposal

    def tell(self, proposal: Proposal, loss: float, status: str, duration: float) -> None:
        if proposal.info is None:  # the head start's result
            self._head_result = (loss, status, duration)
            if self._proposer is not None:
                self._tell_head(self._proposer)
            return
        self._ready().tell(proposal, loss, status, duration)

    def _tell_head(self, proposer: Any) -> None:
        if self._head_told or self._head_info is None or self._head_result is None:
            return
        proposer.tell(Proposal(self._head, ORIGIN_DEFAULT, self._head_info), *self._head_result)
        self._head_told = True

    def wait(self) -> None:
        """Block until the background build is done (its errors are raised here)."""
        self._ready()
