"""AutoClassifier: validate the data, search the space under the budget, serve the best model.

Orchestration only: every step lives in its own layer (dataset, configspace, optimization, evaluation).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from autoclf.evaluation.result import TrialResult
from autoclf.fit_budget import FitBudget
from autoclf.fit_rules import check_parameters, usable_cores
from autoclf.fitted_api import FittedModelMixin

logger = logging.getLogger(__name__)


class AutoClassifier(FittedModelMixin, ClassifierMixin, BaseEstimator):
    """Finds a strong classification pipeline for tabular data within ``time_left`` seconds (more: docs/api.md).

    Parameters
    ----------
    time_left : float
        Wall-clock seconds for the whole ``fit``, from the call to the return (at least 5).
    per_run_time_limit : float or None
        Seconds one trial may take (None: a tenth of ``time_left``, at least 5 s or a third of ``time_left``).
    memory_limit : float or None
        MB of resident memory one trial may use (None: no limit).
    n_trials : int or None
        Also stop after this many trials (None: the clock alone stops the search).
    metric : str or Metric or callable
        A name ("roc_auc", "log_loss", ...), a Metric or a scikit-learn scorer; "auto": roc_auc (two classes), log_loss.
    resampling : {"auto", "holdout", "cv"}
        How trials are scored; "auto" cross-validates where the budget pays for it, holds out otherwise.
    folds : int
        Folds of ``resampling="cv"``.
    holdout_size : float
        Share of the rows held out by ``resampling="holdout"`` (stratified).
    multi_fidelity : bool
        Hyperband over training budgets (epochs, trees, boosting rounds, a row subsample).
    include, exclude : list or dict or None
        Component names (a list, or a dict slot -> names) that restrict the search space.
    extra_components : list of Component classes or None
        Components added to the registry for this fit (your own models).
    initial_configurations : list of dict or None
        Configurations (partial ones completed with defaults) evaluated right after the default one.
    feature_types : dict or list or None
        Overrides the inferred feature types (dict column -> type, or one type per column).
    seed : int
        Seeds splits, the optimiser and the models; with ``n_trials`` a run is reproducible.
    n_jobs : int
        Trials at once: 1, one worker process; k > 1 (or -1, one per core), a local Dask cluster of k workers.
    dask_client, shared_tmp_folder : distributed.Client or None, bool or None
        The Dask cluster that runs the trials (``n_jobs`` ignored); True: its workers share ``tmp_folder``.
    tmp_folder : str or PathLike or None
        Where the run store lives (None: a fresh temporary folder).
    keep_tmp : bool
        Keep the run store after fit (it is removed otherwise).
    verbose : int
        0 silent, 1 a progress bar.
    ensemble : {"selection", "stacking", "best"}
        What fit serves: greedy ensemble selection, a stacked logistic regression, or the single best trial.
    ensemble_size, ensemble_nbest : int
        Selection steps (at most this many distinct members); candidates: this many best trials + each family's best.
    refit : bool
        Refit the members on all training rows after the search while the clock allows (never with ``X_val``).
    warm_start : {"portfolio", "knn", "both"} or None
        How the meta-database seeds the search (None or False: a cold start; True: "portfolio").
    initial_configurations_via_metalearning : int
        How many warm-start configurations seed the search.
    metadb : str or PathLike or MetaDatabase or None
        The meta-database (None: the one shipped with autoclf).

    Attributes
    ----------
    classes_, n_features_in_, feature_names_in_ : ndarray, int, ndarray
        The class labels (``predict``'s values), the number of input columns and their names (DataFrame input).
    validator_ : InputValidator
        Checks and converts the input of ``predict`` as at fit (``validator_.transform(X)``).
    metric_, resampling_, configuration_space_ : Metric, str, ConfigurationSpace
        The fit's metric (``metric`` resolved), the resampling used ("holdout" or "cv") and the space searched.
    results_, best_trial_ : list of TrialResult, TrialResult
        Every trial in the order it started; the best successful one.
    model_, ensemble_ : WeightedEnsemble or StackingEnsemble
        The served model (the same object under both names).
    ensemble_weights_, ensemble_loss_, ensemble_kind_ : dict, float, str
        Weight per trial id (summing to 1), held-out loss and kind ("selection", "stacking", "best") of ``model_``.
    ensemble_history_, refitted_trials_ : list of Snapshot, list of int
        The ensembles built during the fit (``plot_ensemble``); the trial ids of members refit on all rows.
    tmp_folder_, fit_seconds_, interrupted_ : str, float, bool
        The run store's folder, the fit's wall-clock seconds, and whether a Ctrl-C ended the search early.
    cv_results_, trajectory_, permutation_importances_, feature_importances_, student_
        Properties (``cv_results_``, ``trajectory_``), and what ``permutation_importances`` and ``distill`` set.
    """

    def __init__(
        self,
        time_left: float = 3600,
        per_run_time_limit: float | None = None,
        memory_limit: float | None = 3072,
        n_trials: int | None = None,
        metric: Any = "auto",
        resampling: str = "auto",
        folds: int = 5,
        holdout_size: float = 0.33,
        multi_fidelity: bool = False,
        include: Any = None,
        exclude: Any = None,
        extra_components: Sequence[type] | None = None,
        initial_configurations: Sequence[dict] | None = None,
        feature_types: Any = None,
        seed: int = 0,
        n_jobs: int = 1,
        dask_client: Any = None,
        shared_tmp_folder: bool | None = None,
        tmp_folder: str | os.PathLike | None = None,
        keep_tmp: bool = False,
        verbose: int = 1,
        ensemble: str = "selection",
        ensemble_size: int = 50,
        ensemble_nbest: int = 50,
        refit: bool = True,
        warm_start: str | None = "portfolio",
        initial_configurations_via_metalearning: int = 25,
        metadb: Any = None,
    ):
        self.time_left = time_left
        self.per_run_time_limit = per_run_time_limit
        self.memory_limit = memory_limit
        self.n_trials = n_trials
        self.metric = metric
        self.resampling = resampling
        self.folds = folds
        self.holdout_size = holdout_size
        self.multi_fidelity = multi_fidelity
        self.include = include
        self.exclude = exclude
        self.extra_components = extra_components
        self.initial_configurations = initial_configurations
        self.feature_types = feature_types
        self.seed = seed
        self.n_jobs = n_jobs
        self.dask_client = dask_client
        self.shared_tmp_folder = shared_tmp_folder
        self.tmp_folder = tmp_folder
        self.keep_tmp = keep_tmp
        self.verbose = verbose
        self.ensemble = ensemble
        self.ensemble_size = ensemble_size
        self.ensemble_nbest = ensemble_nbest
        self.refit = refit
        self.warm_start = warm_start
        self.initial_configurations_via_metalearning = initial_configurations_via_metalearning
        self.metadb = metadb

    # ------------------------------------------------------------------ fit
    def fit(self, X, y, sample_weight=None, X_val=None, y_val=None, sample_weight_val=None) -> "AutoClassifier":
        """Search under ``time_left`` and serve the best model; returns self (docs/api.md, "fit's inputs").

        Parameters
        ----------
        X, y : DataFrame or array_like
            X: the training rows (pandas first-class: mixed types, missing values); y: one class label per row.
        sample_weight : array_like or None
            One finite weight >= 0 per row of X: every score is weighted; classifiers that take weights train with them.
        X_val, y_val : DataFrame or array_like or None
            Your own validation set: each trial is scored on exactly these rows (not with ``resampling="cv"``), no refit
        sample_weight_val : array_like or None
            Weights of the X_val rows in the scores (None: each counts once).
        """
        start = time.perf_counter()
        check_parameters(self)
        budget = FitBudget.from_time_left(float(self.time_left), self.per_run_time_limit, start=start)
        from autoclf.evaluation.run_folder import RunFolder
        from autoclf.evaluation.run_store import RunStore
        from autoclf.fallback import fit_fallback
        from autoclf.fit_setup import prepare
        from autoclf.metalearning.database import schema_hash

        setup = prepare(X, y, metric=self.metric, feature_types=self.feature_types, registry=self._registry(),
                        include=self.include, exclude=self.exclude, seed=self.seed, resampling=self.resampling,
                        folds=self.folds, holdout_size=self.holdout_size, time_left=float(self.time_left),
                        sample_weight=sample_weight, X_val=X_val, y_val=y_val, sample_weight_val=sample_weight_val)
        validator, info, metric, space, splits = setup.validator, setup.info, setup.metric, setup.space, setup.splits
        # computed once the trial workers are starting (they import scikit-learn meanwhile)
        identity = [schema_hash(validator.feature_names_in_, validator.classes_)]
        warm = partial(self._metalearning_configurations, space, setup.X, setup.y, info, metric, identity)
        fallback = partial(fit_fallback, setup.X, setup.y, self.seed)

        # the folder only now that the input is valid; removed however fit ends, SIGTERM included
        with RunFolder(self.tmp_folder, self.keep_tmp) as root:
            store = RunStore(root)
            store.initialise(setup.task())
            try:
                # with X_val a refit on X would only repeat the trial models: they are served as they are
                results, served, best = self._search_and_refit(store, space, metric, budget,
                                                               info.n_classes, len(splits), warm_configs=warm,
                                                               fallback=fallback,
                                                               refit=self.refit and setup.validation is None)
            except KeyboardInterrupt:
                # a Ctrl-C with no successful trial yet (set-up, or the search loop's re-raise), or while serving
                finished = sum(record.ok for record in store.records())
                raise KeyboardInterrupt("fit was interrupted before any trial finished: there is no model to serve"
                                        if not finished else f"fit was interrupted after {finished} trials, before "
                                        "a model was served") from None

        self.validator_ = validator
        self.classes_ = validator.classes_
        self.n_features_in_ = validator.n_features_in_
        if validator.input_was_dataframe_:
            self.feature_names_in_ = np.asarray(validator.feature_names_in_, dtype=object)
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_  # a second fit on an array must not keep the first fit's column names
        self.metric_ = metric
        self.resampling_ = setup.resampling
        self.configuration_space_ = space
        self.results_ = results
        self.best_trial_ = best
        self.model_ = served.model
        self.ensemble_ = served.model
        self.ensemble_weights_ = served.snapshot.weight_map()
        self.ensemble_loss_ = served.snapshot.loss
        self.ensemble_kind_ = served.snapshot.kind  # "selection" where stacking failed and fell back
        self.ensemble_history_ = served.history
        self.refitted_trials_ = served.refitted
        self.tmp_folder_ = str(store.root)
        self.fit_seconds_ = time.perf_counter() - start
        self.interrupted_ = self._interrupted  # a Ctrl-C ended the search early: the model is the best found by then
        logger.info("fit done in %.1f s: %d trials, best %s %s", self.fit_seconds_, len(results), metric.name,
                    "-" if best.score is None else f"{best.score:.4f}")
        return self

    def _search_and_refit(
        self, store, space, metric, budget: FitBudget, n_classes: int, n_splits: int,
        warm_configs: Callable[[], Any] | None = None, fallback: Callable[[], Any] | None = None,
        refit: bool = True,
    ):
        from autoclf.configspace.builder import modules_to_preload
        from autoclf.ensembles.builder import EnsembleBuilder
        from autoclf.fallback import serve_fallback
        from autoclf.optimization.initial_design import initial_configurations
        from autoclf.optimization.search_loop import Limits, refit_reserve, run_search
        from autoclf.optimization.smac_proposer import SmacProposer
        from autoclf.progress import SearchProgress
        from autoclf.top_up import use_time_left

        # a refit on all rows costs about one split's fit scaled up to all rows, with a safety margin
        train_share = (1 - self.holdout_size) if n_splits == 1 else (n_splits - 1) / n_splits
        refit_share = 1.3 / (n_splits * train_share)
        # without refits the search keeps no time for them
        limits = Limits(budget, self.memory_limit, self.n_trials, refit_share if refit else 0.0)
        def build_proposer() -> SmacProposer:
            warm_start = warm_configs() if warm_configs is not None else None  # origins set by the warm start
            initial = initial_configurations(space, self._registry(), self.initial_configurations or (), warm_start)
            return SmacProposer(space, store.root / "smac3", self.seed, metric.worst_loss, initial_configs=initial,
                                multi_fidelity=self.multi_fidelity)

        builder = EnsembleBuilder(store, metric, self.ensemble, self.ensemble_size, self.ensemble_nbest, self.seed,
                                  budget.start, refit_share=limits.refit_share if refit else None,
                                  cross_validated=n_splits > 1)
        # one worker imports the rest on demand, outside trial clocks; Dask workers preload all they may need
        serial = self.dask_client is None and self._n_jobs() == 1
        warm = modules_to_preload(space, self._registry(), default_only=serial)
        progress = SearchProgress(budget.total, metric.name, self.verbose > 0, metric.greater_is_better)
        with self._runner(store, warm) as runner, progress as bar:
            runner.launch()  # trial workers import scikit-learn (and torch) while SMAC and the warm start are built
            fallback_fit = fallback() if fallback is not None else None  # served if no trial succeeds
            proposer = build_proposer()

            callbacks = (bar, builder)  # the progress bar; the builder refreshes the current ensemble

            # the end of the fit needs the incumbent's refit and the final ensemble (its members' refits, loading)
            def end_reserve(best: TrialResult) -> float:
                return refit_reserve(best, limits.refit_share) + builder.final_seconds_estimate()

            results = run_search(proposer, runner, store, limits, self.seed, metric.worst_loss, callbacks,
                                 reserve=end_reserve)
            if not any(r.ok for r in results):
                served, results, best = serve_fallback(fallback_fit, results, budget.start, float(self.time_left))
                self._interrupted = limits.interrupted
                return results, served, best
            served = self._final_model(runner, builder, results, limits, n_classes, refit)
            served, results = use_time_left(served, results, proposer=proposer, runner=runner, store=store,
                                            builder=builder, limits=limits, seed=self.seed,
                                            worst_loss=metric.worst_loss, callbacks=callbacks, n_classes=n_classes)
            best = min((r for r in results if r.ok), key=lambda r: (r.loss, r.trial_id))
        self._interrupted = limits.interrupted
        return results, served, best

    def _final_model(self, worker, builder, results: list[TrialResult], limits, n_classes: int,
                     refit: bool = True) -> Any:
        """The served ensemble (``autoclf.ensembles.serving.serve``): its weights from the stored predictions,
        members refit on all rows while the clock allows, the others served as trial models. After a Ctrl-C
        nothing is refit: the user wants the model now, and a terminal's Ctrl-C also stops Dask's workers."""
        from autoclf.ensembles.serving import serve

        refit = refit and not limits.interrupted
        return serve(builder, worker, results, limits.deadline, refit, limits.refit_share, self.seed,
                     limits.memory_limit_mb, n_classes)

    def _metalearning_configurations(self, space, X_canonical, y_codes, info, metric, identity: list[str]) -> Any:
        """The warm start from the meta-database (``autoclf.metalearning.warmstart.WarmStart``); any problem
        with the database is a warning and a cold start, never a failed fit. Meta-features get a few % of the
        budget. ``identity``: hashes that exclude this data set from its own neighbours."""
        from autoclf.metalearning.warmstart import WarmStart, warm_start_for_fit
        from autoclf.optimization.initial_design import FAMILY_DEFAULTS

        aliases: dict[Any, str | None] = {False: None, True: "portfolio"}
        rule = aliases.get(self.warm_start, self.warm_start)
        if rule is None or self.initial_configurations_via_metalearning <= 0:
            return WarmStart()
        seconds = min(0.03 * float(self.time_left), 30.0)
        return warm_start_for_fit(self.metadb, rule, space, X_canonical, y_codes, info,
                                  int(self.initial_configurations_via_metalearning), seconds, self.seed,
                                  metric_name=metric.name, identity=identity, families=FAMILY_DEFAULTS)

    def _runner(self, store, warm: list[str]):
        """Where trials run: one worker process, or Dask (``n_jobs`` > 1 or a ``dask_client``)."""
        from autoclf.execution.choice import trial_runner

        return trial_runner(store, warm, self._n_jobs(), self.dask_client, self.memory_limit, self.shared_tmp_folder)

    def _n_jobs(self) -> int:
        return usable_cores() if self.n_jobs == -1 else int(self.n_jobs)

    def _registry(self):
        from autoclf.components.registry import default_registry

        registry = default_registry()
        return registry.with_components(self.extra_components) if self.extra_components else registry

    def __sklearn_clone__(self) -> "AutoClassifier":
        """clone() as usual, except that a Dask client is shared, not deep-copied (it holds live sockets)."""
        from sklearn.base import clone

        params = self.get_params(deep=False)
        return type(self)(**{name: value if name == "dask_client" else clone(value, safe=False)
                             for name, value in params.items()})

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # pandas input with strings, categories and missing values is first-class
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        tags.non_deterministic = False
        return tags

    # -------------------------------------------------------------- predict
    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities of each row of X (checked as at fit): one column per class in ``classes_`` order."""
        from autoclf.evaluation.trial import full_probabilities

        check_is_fitted(self, "model_")
        X_canonical = self.validator_.transform(X)
        return full_probabilities(self.model_, X_canonical, len(self.classes_))

    def predict(self, X) -> np.ndarray:
        """The most probable class of each row of X (checked as at fit), in the labels' own type."""
        codes = np.argmax(self.predict_proba(X), axis=1)
        return self.validator_.decode_target(codes)

    # ------------------------------------------------------------ inspection
    def get_configuration_space(self, X, y):
        """The ConfigurationSpace this estimator would search for (X, y), without fitting anything."""
        from autoclf.configspace.builder import build_configuration_space
        from autoclf.dataset.validator import InputValidator

        validator = InputValidator(feature_types=self.feature_types).fit(X, y)
        return build_configuration_space(validator.info_, self._registry(), self.include, self.exclude,
                                         seed=self.seed)
