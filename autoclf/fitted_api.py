"""What a fitted AutoClassifier offers beyond predict: reports, plots, importances, distillation and persistence.

A mixin, so that ``classifier.py`` holds the estimator's parameters and its fit; each method here is a thin
wrapper over the module that does the work (``reporting``, ``inspection``, ``distillation``).
"""

from __future__ import annotations

import os
import warnings
from typing import TYPE_CHECKING, Any

import joblib
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from autoclf import reporting

if TYPE_CHECKING:
    import numpy as np
    from typing_extensions import Self

    from autoclf.dataset.validator import InputValidator
    from autoclf.ensembles.builder import Snapshot
    from autoclf.evaluation.result import TrialResult
    from autoclf.metrics import Metric

#: the layout of a file written by ``save``; bumped when it changes, so an old autoclf refuses a newer file
MODEL_FORMAT = 1


class FittedModelMixin:
    """Inspection, distillation and persistence of a fitted AutoClassifier (attributes set by ``fit``)."""

    # declared for the type checker only (no values): AutoClassifier's parameter and what its fit sets
    seed: int
    validator_: InputValidator
    classes_: np.ndarray
    metric_: Metric
    results_: list[TrialResult]
    best_trial_: TrialResult
    model_: Any
    ensemble_weights_: dict[int, float]
    ensemble_loss_: float
    ensemble_kind_: str
    ensemble_history_: list[Snapshot]
    refitted_trials_: list[int]
    fit_seconds_: float
    student_: Any
    permutation_importances_: pd.DataFrame
    feature_importances_: np.ndarray

    def distill(self, X, y, student: Any = "auto", augment: str | None = "munge", augment_factor: float = 5.0,
                time_left: float = 60.0, seed: int | None = None, min_speedup: float = 10.0):
        """One small, fast student (a scikit-learn classifier with its own preprocessing that pickles alone)
        trained on this model's probabilities for the training data (X, y) and MUNGE rows near it.

        X, y are the training data, passed again: fit does not keep them, so that a saved model never
        carries the training set (size, privacy) and the run store can go. ``student``: "auto" (the best
        of mlp, hist_gb, tree and logistic on held-out rows), one of those, or a scikit-learn classifier.
        The best held-out score wins, except that one at least ``min_speedup`` times faster than this
        model wins if it scores within 1 % of it. Kept as ``student_``. See
        ``autoclf.distillation``.
        """
        from autoclf.distillation.distill import distill

        check_is_fitted(self, "model_")
        if not isinstance(time_left, (int, float)) or not 0 < time_left < float("inf"):
            raise ValueError(f"time_left must be a positive, finite number of seconds, got {time_left!r}")
        self.student_ = distill(self, X, y, student=student, augment=augment, augment_factor=augment_factor,
                                time_left=time_left, seed=self.seed if seed is None else seed,
                                min_speedup=min_speedup)
        return self.student_

    def distillation_report(self, X_test, y_test, student: Any = None) -> pd.DataFrame:
        """Teacher (this model) vs student (``student_`` by default) on (X_test, y_test): score, predict
        latency per row for batches of 1 and 1000, size on disk; ratios in the frame's ``attrs``."""
        from autoclf.distillation.report import distillation_report

        student = self.student_ if student is None else student
        return distillation_report(self, student, X_test, y_test)

    # ------------------------------------------------------------ inspection
    def leaderboard(self) -> pd.DataFrame:
        check_is_fitted(self, "results_")
        return reporting.leaderboard(self.results_, self.metric_.name, getattr(self, "ensemble_weights_", None))

    def show_models(self) -> str:
        """The served ensemble's members, heaviest first: weight, trial, held-out score, whether refit, model."""
        check_is_fitted(self, "model_")
        return reporting.show_models(self.results_, self.ensemble_weights_, self.refitted_trials_,
                                     self.metric_.name, self.ensemble_kind_, self.ensemble_loss_)

    def plot_ensemble(self, path: str | os.PathLike) -> None:
        """Write a PNG of the ensemble's held-out loss and the best single model's loss over the fit."""
        check_is_fitted(self, "ensemble_history_")
        reporting.plot_ensemble_history(self.ensemble_history_, self.metric_.name, path)

    def permutation_importances(self, X, y, n_repeats: int = 5, max_rows: int | None = 2000) -> pd.DataFrame:
        """Permutation importance of each column on HELD-OUT (X, y), most important first
        (``autoclf.inspection``); also sets ``feature_importances_`` (one value per column, fit-time order)."""
        from autoclf.inspection import permutation_importances

        check_is_fitted(self, "model_")
        frame = permutation_importances(self, X, y, n_repeats=n_repeats, max_rows=max_rows, seed=self.seed)
        self.permutation_importances_ = frame
        names = [str(name) for name in self.validator_.feature_names_in_]
        self.feature_importances_ = frame.set_index("feature")["importance_mean"].reindex(names).to_numpy()
        return frame

    def plot_feature_importances(self, path: str | os.PathLike, top: int = 20) -> None:
        """Write a PNG bar chart of the importances computed by ``permutation_importances``."""
        from autoclf.inspection import plot_feature_importances

        check_is_fitted(self, "permutation_importances_")
        plot_feature_importances(self.permutation_importances_, path, top, self.metric_.name)

    def plot_performance_over_time(self, path: str | os.PathLike) -> None:
        """Write a PNG of each trial's held-out loss and the best loss so far against time since fit started."""
        from autoclf.inspection import plot_performance_over_time

        check_is_fitted(self, "results_")
        plot_performance_over_time(self.results_, self.trajectory_, self.metric_.name, path)

    def sprint_statistics(self) -> str:
        check_is_fitted(self, "results_")
        return reporting.sprint_statistics(self.results_, self.metric_.name, self.best_trial_, self.fit_seconds_)

    @property
    def cv_results_(self) -> dict[str, Any]:
        check_is_fitted(self, "results_")
        return reporting.cv_results(self.results_)

    @property
    def trajectory_(self) -> list[tuple[float, float]]:
        check_is_fitted(self, "results_")
        return reporting.trajectory(self.results_)

    # ----------------------------------------------------------- persistence
    def save(self, path: str | os.PathLike) -> None:
        """Pickle the fitted estimator with the file format's and autoclf's versions (everything predict needs;
        not the run store, no training rows, but the values of categorical columns the encoders learned)."""
        from autoclf.version import __version__

        joblib.dump({"autoclf_model_format": MODEL_FORMAT, "autoclf_version": __version__, "model": self}, path)

    @classmethod
    def load(cls, path: str | os.PathLike) -> Self:
        """Read a model written by ``save``. Loading unpickles, which runs code: load only files you trust."""
        from autoclf.version import __version__

        try:
            saved = joblib.load(path)
        except FileNotFoundError:
            raise
        except Exception as error:  # noqa: BLE001 - truncated, empty or foreign files fail deep inside pickle
            raise ValueError(f"{path} is not a readable autoclf model ({type(error).__name__}: {error}); it may be "
                             "truncated, empty, or written by an incompatible version") from error
        if isinstance(saved, dict) and "autoclf_model_format" in saved:
            if saved["autoclf_model_format"] != MODEL_FORMAT:
                raise ValueError(f"{path} is an autoclf model in format {saved['autoclf_model_format']} (autoclf "
                                 f"{saved.get('autoclf_version')}); this autoclf {__version__} reads format "
                                 f"{MODEL_FORMAT}: load it with that version, or fit again")
            if saved.get("autoclf_version") != __version__:
                warnings.warn(f"{path} was saved by autoclf {saved.get('autoclf_version')}, this is {__version__}: "
                              "predictions may differ", UserWarning, stacklevel=2)
            model = saved["model"]
        else:
            model = saved  # a bare pickle (a model saved with joblib.dump directly)
        if not isinstance(model, cls):
            raise TypeError(f"{path} holds a {type(model).__name__}, not an AutoClassifier")
        return model
