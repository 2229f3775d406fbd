"""LightGBM: leaf-wise histogram boosting, the fastest of the three boosting libraries per round.

Search space: FLAML's ``LGBMEstimator`` space (FLAML 2.x ``flaml/automl/model.py``: num_leaves and
min_child_samples log-uniform, learning rate 1/1024-1, colsample_bytree 0.01-1, reg_alpha/reg_lambda
1/1024-1024 log, log2 of max_bin 3-10), with LightGBM's and AutoGluon's defaults where FLAML starts from
its tiny low-cost point (31 leaves, min_data_in_leaf 20; bagging 0.5-1 as AutoGluon's search space).
Learning rate 0.1 (FLAML's start, LightGBM's default) rather than AutoGluon's 0.05: as good and faster
(experiments/results/boosting_defaults.md). The number of rounds is a cap: early stopping on an internal
split ends most fits far sooner (``_boosting``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from ConfigSpace import Categorical, ConfigurationSpace, Float, Integer

from autoclf.components.classifiers._boosting import BoostingComponent, DeadlineGuard, best_round
from autoclf.dataset.info import DatasetInfo


class LightGBM(BoostingComponent):
    name = "lightgbm"
    library = "lightgbm"
    preload_modules = ("lightgbm",)

    def __init__(
        self,
        n_estimators: int = 1000,
        learning_rate: float = 0.1,
        num_leaves: int = 31,
        min_child_samples: int = 20,
        colsample_bytree: float = 1.0,
        subsample: float = 1.0,
        reg_alpha: float = 1e-3,
        reg_lambda: float = 1.0,
        max_bin: int = 255,
        native_categorical: bool = True,
        early_stopping_rounds: int = 50,
        categorical_features: Sequence[int] | None = None,
        random_state: int | None = None,
        n_jobs: int = 1,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.colsample_bytree = colsample_bytree
        self.subsample = subsample
        self.reg_alpha = reg_alpha
        self.reg_lambda = reg_lambda
        self.max_bin = max_bin
        self.native_categorical = native_categorical
        self.early_stopping_rounds = early_stopping_rounds
        self.categorical_features = categorical_features
        self.random_state = random_state
        self.n_jobs = n_jobs

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        return ConfigurationSpace(
            space=[
                Integer("n_estimators", (16, 4096), default=1000, log=True),
                Float("learning_rate", (1 / 1024, 1.0), default=0.1, log=True),
                Integer("num_leaves", (4, 1024), default=31, log=True),
                Integer("min_child_samples", (2, 128), default=20, log=True),
                Float("colsample_bytree", (0.1, 1.0), default=1.0),
                Float("subsample", (0.5, 1.0), default=1.0),
                Float("reg_alpha", (1 / 1024, 1024.0), default=1 / 1024, log=True),
                Float("reg_lambda", (1 / 1024, 1024.0), default=1.0, log=True),
                Integer("max_bin", (7, 1023), default=255, log=True),
                # native categorical splits, as LightGBM's and AutoGluon's default
                Categorical("native_categorical", [True, False], default=True),
            ]
        )

    def _params(self, n_classes: int) -> dict[str, Any]:
        objective = {"objective": "binary"} if n_classes == 2 else {"objective": "multiclass", "num_class": n_classes}
        bagging = {"bagging_fraction": self.subsample, "bagging_freq": 1} if self.subsample < 1 else {}
        return {
            **objective, **bagging,
            "learning_rate": self.learning_rate, "num_leaves": self.num_leaves,
            "min_child_samples": self.min_child_samples, "feature_fraction": self.colsample_bytree,
            "lambda_l1": self.reg_alpha, "lambda_l2": self.reg_lambda, "max_bin": self.max_bin,
            "num_threads": self.n_jobs, "seed": 0 if self.random_state is None else self.random_state,
            "verbosity": -1, "force_col_wise": True, "deterministic": True,
            "min_data_per_group": 10, "cat_smooth": 10.0,  # categories of small data sets still split
        }

    def _train(self, X: np.ndarray, y: np.ndarray, weight: np.ndarray | None, valid: tuple | None,
               categorical: list[int], guard: DeadlineGuard) -> tuple[Any, int]:
        import lightgbm

        params = self._params(len(self.classes_))
        dataset_params = {"max_bin": self.max_bin, "verbosity": -1}
        train = lightgbm.Dataset(X, y, weight=weight, categorical_feature=categorical or "auto",
                                 params=dataset_params, free_raw_data=True)
        history: dict[str, Any] = {}

        def deadline(env: Any) -> None:
            if guard.should_stop():
                raise lightgbm.callback.EarlyStopException(env.iteration, env.evaluation_result_list or [])

        callbacks = [deadline]
        valid_sets = []
        if valid is not None:
            X_valid, y_valid, w_valid = valid
            valid_sets = [lightgbm.Dataset(X_valid, y_valid, weight=w_valid, reference=train,
                                           categorical_feature=categorical or "auto", params=dataset_params)]
            callbacks += [lightgbm.record_evaluation(history),
                          lightgbm.early_stopping(self.early_stopping_rounds, verbose=False)]
        booster = lightgbm.train(params, train, num_boost_round=self.n_estimators, valid_sets=valid_sets,
                                 valid_names=["valid"] * len(valid_sets), callbacks=callbacks)
        losses = next(iter(history.get("valid", {}).values()), None)
        return booster, best_round(losses, booster.current_iteration())

    def _proba(self, X: np.ndarray) -> np.ndarray:
        return self.booster_.predict(X, num_iteration=self.best_iteration_)
