"""Build the served ensemble from the run store: pick candidates, weight them, assemble the members.

Why a builder object that lives through the search: the search loop calls :meth:`EnsembleBuilder.on_result`
after every trial, and the builder refreshes the greedy-selection ensemble every few trials (cheap: the
predictions are cached, one selection is a few vectorised passes). So the fit always has a current
ensemble: when the search is interrupted or leaves no time to rebuild, the latest snapshot is served.
Each snapshot is also written to ``root/ensemble.json`` and kept in ``history`` for the loss-over-time plot.

Candidates: the ``nbest`` best trials plus the best trial of each classifier family, for diversity
(a family whose best trial is far down the ranking still gets a chance to be picked). A weighted fit
selects and scores with the held-out rows' weights (``RunStore.weights``), as the trials were scored.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from autoclf.ensembles.selection import ensemble_selection
from autoclf.ensembles.stacking import StackingEnsemble
from autoclf.ensembles.weighted import WeightedEnsemble
from autoclf.evaluation.atomic import write_json_atomic
from autoclf.evaluation.result import TrialResult
from autoclf.evaluation.run_store import RunStore
from autoclf.metrics import RANK_METRICS, Metric

logger = logging.getLogger(__name__)

KINDS = ("selection", "stacking", "best")
#: refresh the ensemble after this many new successful trials, or after REFRESH_SECONDS, whichever first
REFRESH_TRIALS = 5
REFRESH_SECONDS = 10.0
#: the builder spends at most this share of the elapsed search time on refreshes
REFRESH_SHARE = 0.05
#: stacking uses at most this many members (its level-2 model has one input block per member)
MAX_STACKING_MEMBERS = 20
#: loading a member from disk: a fixed cost plus its file size at this rate (measured with scikit-learn 1.9 on
#: the busy 2-core machine: fold forests of 11-151 MB load at 85-320 MB/s; kept well below that)
LOAD_SECONDS_PER_MEMBER = 0.02
LOAD_BYTES_PER_SECOND = 50e6
#: a member's trial model is kept in memory during the search only up to this size on disk: phoneme's
#: default extra-trees (five fold forests, 151 MB on disk) took the main process from 181 to 472 MB for the
#: whole search, while loading it at the deadline takes half a second (issue 17)
MAX_CACHED_MODEL_BYTES = 20e6


@dataclass
class Snapshot:
    """One built ensemble: trial ids with weights (summing to 1) and its held-out loss."""

    kind: str
    trial_ids: list[int]
    weights: list[float]
    loss: float
    best_single_loss: float
    seconds: float  # since the start of fit
    n_trials: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def weight_map(self) -> dict[int, float]:
        return {t: w for t, w in zip(self.trial_ids, self.weights) if w > 0}


def selection_metric(metric: Metric, n_classes: int) -> Metric:
    """The metric weights are chosen on: the fit's metric, or log loss when that metric only ranks rows.

    Measured on diabetes (metric="auto", i.e. ROC AUC): AUC-selected weights put 0.96 on a near-prior model
    and served majority-class predictions (accuracy = the majority rate); log-loss selection keeps the
    probabilities calibrated and, in experiments/ensembles.py, gave equal or higher test AUC.
    """
    if metric.name in RANK_METRICS:
        from autoclf.metrics import get_metric

        return get_metric("log_loss", n_classes)
    return metric


class EnsembleBuilder:
    """Candidates, greedy selection and refreshes over one fit's run store (runs in the parent process)."""

    def __init__(self, store: RunStore, metric: Metric, kind: str = "selection", ensemble_size: int = 50,
                 nbest: int = 50, seed: int = 0, start: float | None = None, refit_share: float | None = None,
                 cross_validated: bool = True):
        if kind not in KINDS:
            raise ValueError(f"ensemble must be one of {KINDS}, got {kind!r}")
        self.store = store
        self.metric = metric
        self.kind = kind
        self.ensemble_size = ensemble_size
        self.nbest = nbest
        self.seed = seed
        self.start = time.perf_counter() if start is None else start
        self.refit_share = refit_share  # refit time ~ trial time x this; None: members will not be refit
        self.cross_validated = cross_validated
        self.history: list[Snapshot] = []
        self.results: list[TrialResult] = []
        self.build_seconds = 0.0
        self._predictions: dict[int, np.ndarray] = {}
        #: trial models of the latest refresh's members, loaded during the search: the parent waits on the
        #: worker anyway, and a large model (a forest of fold models) can take seconds to load at the end
        self.models: dict[int, Any] = {}
        #: members refit on all rows by a serve of this fit: a later serve uses the refit models, loads nothing
        self.refitted: set[int] = set()
        self._targets: np.ndarray | None = None
        self._weights: tuple[np.ndarray | None] | None = None  # read once; (None,) for an unweighted fit
        self._new_since_refresh = 0
        self._last_refresh = self.start

    # ---------------------------------------------------------------- candidates and selection
    @property
    def targets(self) -> np.ndarray:
        if self._targets is None:
            self._targets = self.store.targets()
        return self._targets

    @property
    def weights(self) -> np.ndarray | None:
        """The row weights aligned with ``targets`` (None: unweighted)."""
        if self._weights is None:
            self._weights = (self.store.weights(),)
        return self._weights[0]

    def predictions(self, trial_id: int) -> np.ndarray:
        if trial_id not in self._predictions:
            self._predictions[trial_id] = self.store.predictions(trial_id)
        return self._predictions[trial_id]

    def candidates(self, results: list[TrialResult]) -> list[TrialResult]:
        """The ``nbest`` best successful full-fidelity trials with artifacts, plus each family's best."""
        usable = [r for r in results if r.ok and r.fidelity in (None, 1.0)
                  and (self.store.trial_dir(r.trial_id) / "predictions.npy").exists()]
        usable.sort(key=lambda r: (r.loss, r.trial_id))
        chosen = usable[: max(1, self.nbest)]
        families = {_family(r) for r in chosen}
        for result in usable[len(chosen):]:
            if _family(result) not in families:
                families.add(_family(result))
                chosen.append(result)
        return chosen

    def select(self, results: list[TrialResult], kind: str = "selection") -> Snapshot | None:
        """Greedy selection (or the single best, for kind "best") over the current candidates."""
        started = time.perf_counter()
        candidates = self.candidates(results)
        if not candidates:
            return None
        best_single = candidates[0].loss
        if kind == "best" or len(candidates) == 1:
            snapshot = Snapshot(kind, [candidates[0].trial_id], [1.0], best_single, best_single, 0.0)
        else:
            stack = np.stack([self.predictions(r.trial_id) for r in candidates])
            weights = ensemble_selection(stack, self.targets, selection_metric(self.metric, stack.shape[-1]),
                                         self.ensemble_size, rng=self.seed, sample_weight=self.weights)
            average = np.tensordot(weights, stack, axes=1)
            loss = float(self.metric.loss(self.targets, average, self.weights))
            keep = np.flatnonzero(weights > 0)
            snapshot = Snapshot(kind, [candidates[i].trial_id for i in keep], [float(weights[i]) for i in keep],
                                loss, best_single, 0.0)
        snapshot.seconds = round(time.perf_counter() - self.start, 3)
        snapshot.n_trials = len(results)
        self.build_seconds += time.perf_counter() - started
        return snapshot

    # ---------------------------------------------------------------- refresh during the search
    def on_result(self, result: TrialResult) -> None:
        """The search loop's callback: record the trial; refresh the ensemble when due and cheap."""
        self.results.append(result)
        if not result.ok:
            return
        self._new_since_refresh += 1
        now = time.perf_counter()
        due = self._new_since_refresh >= REFRESH_TRIALS or now - self._last_refresh >= REFRESH_SECONDS \
            or not self.history
        cheap = self.build_seconds <= REFRESH_SHARE * (now - self.start)
        if due and cheap:
            try:
                self.refresh()
            except Exception as error:  # a refresh is a convenience: it must never end the search
                logger.warning("ensemble refresh failed (%s: %s); retrying after the next trials",
                               type(error).__name__, error)

    def refresh(self) -> Snapshot | None:
        snapshot = self.select(self.results, "best" if self.kind == "best" else "selection")
        if snapshot is not None:
            self._record(snapshot)
            self._cache_models(snapshot.trial_ids)
        self._new_since_refresh = 0
        self._last_refresh = time.perf_counter()
        return snapshot

    def _record(self, snapshot: Snapshot) -> None:
        self.history.append(snapshot)
        write_json_atomic(self.store.root / "ensemble.json", asdict(snapshot), indent=1)

    def _cache_models(self, trial_ids: list[int]) -> None:
        """Keep the trial models of ``trial_ids`` in memory (dropping others), all but the big ones (load time
        is reserved for those: ``final_seconds_estimate``); the time counts as build time."""
        started = time.perf_counter()
        n_classes = self.predictions(trial_ids[0]).shape[1]  # predictions have one column per class
        self.models = {t: m for t, m in self.models.items() if t in trial_ids}
        for trial_id in trial_ids:
            if trial_id not in self.models and 0 < self.store.model_bytes(trial_id) <= MAX_CACHED_MODEL_BYTES:
                self.models[trial_id] = trial_model(self.store, trial_id, n_classes)
        self.build_seconds += time.perf_counter() - started

    @property
    def latest(self) -> Snapshot | None:
        return self.history[-1] if self.history else None

    def final_seconds_estimate(self, with_refits: bool = True) -> float:
        """Seconds the final build needs (selection, loading members and, ``with_refits``, refitting the members
        other than the best trial, whose refit the search loop reserves itself): for the search's reserve."""
        latest = self.latest
        if latest is None:
            return 0.0
        per_build = self.build_seconds / max(len(self.history), 1)
        stacking = 2.0 * per_build + 0.5 if self.kind == "stacking" else 0.0
        refits = 0.0
        if self.refit_share is not None and with_refits:  # the search loop keeps time to refit its best trial
            durations = {r.trial_id: r.duration for r in self.results}
            best = min((r for r in self.results if r.ok), key=lambda r: (r.loss, r.trial_id)).trial_id
            refits = sum(durations[t] * self.refit_share for t in latest.trial_ids if t != best)
        uncached = [t for t in latest.trial_ids if t not in self.models and t not in self.refitted]
        return 1.5 * per_build + stacking + load_seconds(self.store, uncached) + refits

    # ---------------------------------------------------------------- the final ensemble
    def final(self, results: list[TrialResult], deadline: float) -> Snapshot:
        """The ensemble to serve: rebuilt on all results if there is time, else the latest refresh."""
        self.results = list(results)
        latest = self.latest
        per_build = self.build_seconds / max(len(self.history), 1)
        stale = latest is None or latest.n_trials < len(results)
        if stale and (latest is None or deadline - time.perf_counter() > 3 * per_build + 0.2):
            snapshot = self.select(results, "best" if self.kind == "best" else "selection")
            if snapshot is None:
                raise RuntimeError("no successful trial with stored predictions to build an ensemble from")
            self._record(snapshot)
            return snapshot
        assert latest is not None  # a missing one is stale and built above
        if stale:
            logger.info("serving the ensemble refreshed after %d trials (no time to rebuild)", latest.n_trials)
        return latest

    def stacking_members(self, results: list[TrialResult], selection: Snapshot) -> list[int]:
        """Members for the level-2 model: the selected ones, then each family's best, then the next best."""
        order = [t for t, _ in sorted(selection.weight_map().items(), key=lambda item: -item[1])]
        for result in self.candidates(results):
            if result.trial_id not in order:
                order.append(result.trial_id)
        return order[:MAX_STACKING_MEMBERS]


def _family(result: TrialResult) -> str:
    return str(result.config.get("classifier:__choice__", ""))


def load_seconds(store: RunStore, trial_ids: list[int]) -> float:
    """Expected seconds to load these trials' models from disk (by file size)."""
    return sum(LOAD_SECONDS_PER_MEMBER + store.model_bytes(trial_id) / LOAD_BYTES_PER_SECOND for trial_id in trial_ids)


def trial_model(store: RunStore, trial_id: int, n_classes: int) -> Any:
    """The trial's own model: its pipeline (holdout) or the average of its fold models (cross-validation)."""
    models = store.model(trial_id)
    if isinstance(models, list):
        return WeightedEnsemble(models, n_classes=n_classes, names=[f"fold {i}" for i in range(len(models))]).fit()
    return models


def stacking_model(builder: EnsembleBuilder, trial_ids: list[int], n_classes: int, passthrough: bool = False,
                   deadline: float | None = None) -> StackingEnsemble:
    """A level-2 model over ``trial_ids`` trained on their stored out-of-fold (or holdout) probabilities.

    Its members are the trial ids until :meth:`StackingEnsemble.replace_members` puts the models in.
    """
    from autoclf.evaluation.splitting import validation_rows

    task = builder.store.load_task() if passthrough else None
    X = task.X.iloc[validation_rows(task.splits)] if task is not None else None
    oof = [builder.predictions(t) for t in trial_ids]
    return StackingEnsemble(list(trial_ids), n_classes=n_classes, passthrough=passthrough,
                            names=[f"trial {t}" for t in trial_ids], metric=builder.metric,
                            seed=builder.seed).fit(X, builder.targets, oof_predictions=oof, deadline=deadline,
                                                   sample_weight=builder.weights)
