"""The run store: one folder per fit holding the data, the splits, and every trial's held-out
predictions, model and record. Ensembles, stacking and distillation read it after (or during) the search.

Layout::

    root/task.joblib                 data, splits, metric, registry: what a worker needs to run a trial
    root/targets.npy                 y at the validation rows (the rows predictions are aligned with)
    root/weights.npy                 the row weights at those rows (only when fit was given weights)
    root/trials/00007/predictions.npy  held-out probabilities, shape (len(targets), n_classes)
    root/trials/00007/model.joblib     the fitted pipeline (holdout) or its list of fold pipelines (cv)
    root/trials/00007/trial.json       the TrialResult; written last, so its presence marks a complete trial
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd

from autoclf.components.registry import Registry
from autoclf.dataset.info import DatasetInfo
from autoclf.evaluation.atomic import dump_atomic, write_json_atomic
from autoclf.evaluation.result import TrialResult
from autoclf.evaluation.splitting import Split, validation_rows


@dataclass
class TrialTask:
    """Everything a worker needs about the fit, written once and cached by each worker process."""

    X: pd.DataFrame
    y: np.ndarray
    info: DatasetInfo
    splits: list[Split]
    metric: Any  # autoclf.metrics.Metric
    registry: Registry
    #: one weight per row of X (fit's sample_weight, and sample_weight_val for a user's validation rows): the
    #: trials train with them where the classifier takes weights and score with them; None: unweighted
    sample_weight: np.ndarray | None = None
    #: the rows a refit on "all training rows" uses: None is every row; with a user's validation set (X_val),
    #: the rows of X only, so the validation rows are never trained on
    refit_rows: np.ndarray | None = None
    #: False when only the validation rows were given weights (sample_weight_val): training stays unweighted
    train_weighted: bool = True

    def weights_at(self, rows: np.ndarray) -> np.ndarray | None:
        """The weights of ``rows`` for scoring (None for an unweighted fit)."""
        return None if self.sample_weight is None else self.sample_weight[rows]

    def training_weights_at(self, rows: np.ndarray) -> np.ndarray | None:
        """The weights of ``rows`` for training (None: train unweighted)."""
        return self.weights_at(rows) if self.train_weighted else None


class RunStore:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    @property
    def trials_dir(self) -> Path:
        return self.root / "trials"

    def trial_dir(self, trial_id: int) -> Path:
        return self.trials_dir / f"{trial_id:05d}"

    def initialise(self, task: TrialTask) -> None:
        """Create the folder (checking it is writable) and write the task for the workers."""
        self.trials_dir.mkdir(parents=True, exist_ok=True)
        # a failed dump leaves no task that looks complete
        dump_atomic(self.root / "task.joblib", lambda temporary: joblib.dump(task, temporary))
        rows = validation_rows(task.splits)
        _save_atomic(self.root / "targets.npy", task.y[rows])
        weights = task.weights_at(rows)
        if weights is not None:
            _save_atomic(self.root / "weights.npy", weights)

    def load_task(self) -> TrialTask:
        return joblib.load(self.root / "task.joblib")

    def targets(self) -> np.ndarray:
        return np.load(self.root / "targets.npy")

    def weights(self) -> np.ndarray | None:
        """The row weights aligned with ``targets()``; None when the fit is unweighted."""
        path = self.root / "weights.npy"
        return np.load(path) if path.exists() else None

    def write_artifacts(self, trial_id: int, predictions: np.ndarray, model: Any | None) -> None:
        directory = self.trial_dir(trial_id)
        directory.mkdir(parents=True, exist_ok=True)
        np.save(directory / "predictions.npy", predictions.astype(np.float64))
        if model is not None:
            joblib.dump(model, directory / "model.joblib")

    def write_record(self, result: TrialResult) -> None:
        directory = self.trial_dir(result.trial_id)
        directory.mkdir(parents=True, exist_ok=True)
        write_json_atomic(directory / "trial.json", result.to_dict(), default=_json_default, indent=1)

    def discard_artifacts(self, trial_id: int) -> None:
        """Drop what a failed or killed trial may have half written, keeping its record."""
        directory = self.trial_dir(trial_id)
        for name in ("predictions.npy", "model.joblib"):
            (directory / name).unlink(missing_ok=True)

    def records(self) -> list[TrialResult]:
        if not self.trials_dir.exists():
            return []
        records = []
        for path in sorted(self.trials_dir.glob("*/trial.json")):
            records.append(TrialResult.from_dict(json.loads(path.read_text())))
        return records

    def predictions(self, trial_id: int) -> np.ndarray:
        return np.load(self.trial_dir(trial_id) / "predictions.npy")

    def model(self, trial_id: int) -> Any:
        return joblib.load(self.trial_dir(trial_id) / "model.joblib")

    def has_model(self, trial_id: int) -> bool:
        return (self.trial_dir(trial_id) / "model.joblib").exists()

    def model_bytes(self, trial_id: int) -> int:
        """The size of the trial's stored model on disk (0 when it has none): what loading it costs."""
        try:
            return (self.trial_dir(trial_id) / "model.joblib").stat().st_size
        except FileNotFoundError:
            return 0

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _save_atomic(path: Path, array: np.ndarray) -> None:
    """``np.save`` through a file object (np.save would add ".npy" to the temporary path's name)."""

    def write(temporary: Path) -> None:
        with open(temporary, "wb") as handle:
            np.save(handle, array)

    dump_atomic(path, write)


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} to a trial record")
