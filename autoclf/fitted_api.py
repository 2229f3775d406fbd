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
                time_left: float = 60.0, seed: int | None = None, min_score_ratio: float = 0.99, onnx: bool = False):
        """One small, fast student (a scikit-learn classifier with its own preprocessing that pickles alone)
        trained on this model's probabilities for the training data (X, y) and MUNGE rows near it.

        The fastest student whose held-out score keeps ``min_score_ratio`` of this model's wins (the most
        accurate when none does). See ``autoclf.distillation.selection`` and docs/api.md.

        Parameters
        ----------
        X, y : DataFrame or array_like
            The training data, passed again: fit does not keep it, so that a saved model never carries the
            training set (size, privacy) and the run store can go.
        student : str or classifier
            "auto" (candidates of logistic, tree, hist_gb and mlp, smallest first), one of those names (its
            candidates), or a scikit-learn classifier.
        augment : {"munge"} or None
            How extra rows near the training rows are made for the teacher to label (None: none).
        augment_factor : float
            At most this many augmented rows per training row (fewer when labelling them would not fit the budget).
        time_left : float
            Wall-clock seconds for the whole distillation.
        seed : int or None
            Seeds the held-out split, the augmentation and the students (None: the fit's ``seed``).
        min_score_ratio : float
            The share of this model's held-out score (``ensemble_loss_``) the student must keep on held-out
            rows, in (0, 1]; for a loss such as log loss, this model's loss over the student's.
        onnx : bool
            Only students that export to ONNX, checked by one export (``student_.to_onnx(path)``; docs/onnx.md).

        Returns
        -------
        StudentClassifier
            The student, also kept as ``student_``.
        """
        from autoclf.distillation.distill import distill

        check_is_fitted(self, "model_")
        if not isinstance(time_left, (int, float)) or not 0 < time_left < float("inf"):
            raise ValueError(f"time_left must be a positive, finite number of seconds, got {time_left!r}")
        self.student_ = distill(self, X, y, student=student, augment=augment, augment_factor=augment_factor,
                                time_left=time_left, seed=self.seed if seed is None else seed,
                                min_score_ratio=min_score_ratio, onnx=onnx)
        return self.student_

    def distillation_report(self, X_test, y_test, student: Any = None) -> pd.DataFrame:
        """Teacher (this model) vs student on (X_test, y_test): score, predict latency, size on disk.

        Parameters
        ----------
        X_test, y_test : DataFrame or array_like
            Held-out rows and their labels.
        student : classifier or None
            The student to compare (None: ``student_``, set by ``distill``).

        Returns
        -------
        DataFrame
            One row each for "teacher" and "student": ``score`` (the fit's metric), ``accuracy``, predict
            latency per row for batches of 1 and 1000, ``size_mb``; the ratios in the frame's ``attrs``.
        """
        from autoclf.distillation.report import distillation_report

        student = self.student_ if student is None else student
        return distillation_report(self, student, X_test, y_test)

    # ------------------------------------------------------------ inspection
    def leaderboard(self, X_test: Any = None, y_test: Any = None, columns: str = "compact") -> pd.DataFrame:
        """One row per trial, best held-out loss first, failed trials last.

        Parameters
        ----------
        X_test, y_test : DataFrame or array_like or None
            Test rows and labels (checked as ``predict`` checks X): each served member (refit on all rows where
            it was refit) gets ``test_score`` (the fit's metric) and ``predict_seconds`` on them, and a first
            row, without rank or trial id, scores the whole served model (AutoGluon's ``leaderboard(test_data)``).
        columns : {"compact", "all"}
            "compact": rank, trial_id, classifier, ensemble_weight, the held-out score under the fit's metric
            (the column is named after it), fit_seconds, status. "all" adds the other pipeline choices, the
            held-out loss, start time and origin.

        Returns
        -------
        DataFrame
            The leaderboard.
        """
        from autoclf.members import with_test_scores

        check_is_fitted(self, "results_")
        reporting.check_columns(columns)
        board = reporting.leaderboard(self.results_, self.metric_.name, getattr(self, "ensemble_weights_", None))
        if X_test is not None or y_test is not None:
            board = with_test_scores(board, self, X_test, y_test)
        return reporting.select_columns(board, columns, self.metric_.name)

    def show_models(self) -> dict[int, dict[str, Any]]:
        """The served model's members by trial id, heaviest first (as auto-sklearn's ``show_models``).

        Returns
        -------
        dict
            Per trial id: ``trial_id``, ``weight`` (the weights sum to 1), ``components`` (the choice per slot),
            ``config`` (the whole configuration: choices and hyperparameters), ``loss`` and ``score`` (held out,
            the fit's metric), ``refit`` (refit on all rows), ``origin`` and ``pipeline``: the fitted model the
            member serves (a scikit-learn Pipeline, or the average of its fold pipelines when not refit), which
            predicts from ``validator_.transform(X)``. ``describe()`` gives the same as text.
        """
        from autoclf.members import served_members, show_models

        check_is_fitted(self, "model_")
        members = served_members(self.model_, self.ensemble_weights_)
        return show_models(self.results_, self.ensemble_weights_, members, self.refitted_trials_)

    def describe(self) -> str:
        """The served ensemble's members as text, heaviest first: weight, trial, held-out score, refit, model.

        Returns
        -------
        str
            A line naming the ensemble's kind and held-out score, a header, then one line per member.
        """
        check_is_fitted(self, "model_")
        return reporting.describe_models(self.results_, self.ensemble_weights_, self.refitted_trials_,
                                         self.metric_, self.ensemble_kind_, self.ensemble_loss_)

    def plot_ensemble(self, path: str | os.PathLike | None = None) -> Any:
        """The ensemble's held-out score and the best single model's over the fit, in the fit's metric.

        Parameters
        ----------
        path : str or PathLike or None
            Where to write the plot as a PNG (None: nowhere).

        Returns
        -------
        matplotlib.figure.Figure
            The figure (drawn on matplotlib's Agg canvas; pyplot's state is left alone).
        """
        from autoclf.inspection import plot_ensemble_history

        check_is_fitted(self, "ensemble_history_")
        return plot_ensemble_history(self.ensemble_history_, self.metric_, path)

    def permutation_importances(self, X, y, n_repeats: int = 5, max_rows: int | None = 2000) -> pd.DataFrame:
        """Permutation importance of each input column on HELD-OUT (X, y), most important first.

        A column's importance is the mean increase of the held-out loss (the fit's metric) when it is shuffled
        (``autoclf.inspection.permutation_importances``). Sets ``permutation_importances_`` (the frame) and
        ``feature_importances_`` (one value per input column, in fit-time order).

        Parameters
        ----------
        X, y : DataFrame or array_like
            Held-out rows (checked as ``predict`` checks X) and their labels.
        n_repeats : int
            Shuffles per column.
        max_rows : int or None
            Use at most this many rows (a random subset; None: all), which bounds the cost.

        Returns
        -------
        DataFrame
            ``feature``, ``importance_mean``, ``importance_std``, one row per input column.
        """
        from autoclf.inspection import permutation_importances

        check_is_fitted(self, "model_")
        frame = permutation_importances(self, X, y, n_repeats=n_repeats, max_rows=max_rows, seed=self.seed)
        self.permutation_importances_ = frame
        names = [str(name) for name in self.validator_.feature_names_in_]
        self.feature_importances_ = frame.set_index("feature")["importance_mean"].reindex(names).to_numpy()
        return frame

    def plot_feature_importances(self, path: str | os.PathLike | None = None, top: int = 20) -> Any:
        """A bar chart of the importances computed by ``permutation_importances`` (call it first).

        Parameters
        ----------
        path : str or PathLike or None
            Where to write the plot as a PNG (None: nowhere).
        top : int
            Show this many of the most important columns.

        Returns
        -------
        matplotlib.figure.Figure
            The figure.
        """
        from autoclf.inspection import plot_feature_importances

        check_is_fitted(self, "permutation_importances_")
        return plot_feature_importances(self.permutation_importances_, path, top, self.metric_)

    def plot_performance_over_time(self, path: str | os.PathLike | None = None) -> Any:
        """Each trial's held-out score (the fit's metric) when it finished and the best so far; failed trials
        are marks on the axis's worst edge, one legend entry per status.

        Parameters
        ----------
        path : str or PathLike or None
            Where to write the plot as a PNG (None: nowhere).

        Returns
        -------
        matplotlib.figure.Figure
            The figure.
        """
        from autoclf.inspection import plot_performance_over_time

        check_is_fitted(self, "results_")
        return plot_performance_over_time(self.results_, self.trajectory_, self.metric_, path)

    def sprint_statistics(self) -> str:
        """A few lines of text: the metric, the best held-out score, the trials by status, the fit's seconds
        (as auto-sklearn's ``sprint_statistics``)."""
        check_is_fitted(self, "results_")
        return reporting.sprint_statistics(self.results_, self.metric_.name, self.best_trial_, self.fit_seconds_)

    @property
    def cv_results_(self) -> dict[str, Any]:
        """Every trial in scikit-learn's search-result layout (as auto-sklearn's): ``params``,
        ``mean_test_score``, ``mean_test_loss``, ``mean_fit_time``, ``rank_test_scores``, ``status``, ..."""
        check_is_fitted(self, "results_")
        return reporting.cv_results(self.results_)

    @property
    def trajectory_(self) -> list[tuple[float, float]]:
        """(seconds since the start of fit, best held-out loss so far) at every improvement."""
        check_is_fitted(self, "results_")
        return reporting.trajectory(self.results_)

    # ----------------------------------------------------------- persistence
    def save(self, path: str | os.PathLike) -> None:
        """Pickle the fitted estimator with the file format's and autoclf's versions (everything predict needs;
        not the run store, no training rows, but the values of categorical columns the encoders learned); the
        scikit-learn and Python versions too, for ``autoclf info``.

        Parameters
        ----------
        path : str or PathLike
            The file to write (joblib).
        """
        import platform

        import sklearn

        from autoclf.version import __version__

        joblib.dump({"autoclf_model_format": MODEL_FORMAT, "autoclf_version": __version__,
                     "sklearn_version": sklearn.__version__, "python_version": platform.python_version(),
                     "model": self}, path)

    @classmethod
    def load(cls, path: str | os.PathLike) -> Self:
        """Read a model written by ``save``. Loading unpickles, which runs code: load only files you trust.

        Parameters
        ----------
        path : str or PathLike
            A file written by ``save`` (or a bare ``joblib.dump`` of a fitted AutoClassifier).

        Returns
        -------
        AutoClassifier
            The fitted model; a warning when another autoclf version saved it.

        Raises
        ------
        ValueError
            The file is not a readable autoclf model, or is in another file format.
        TypeError
            The file holds something other than an AutoClassifier.
        """
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
