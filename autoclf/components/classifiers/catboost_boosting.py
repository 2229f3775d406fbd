"""CatBoost: oblivious trees with ordered boosting and target statistics for categorical columns; often the
best default on data with categoricals, and the slowest of the three per round.

Search space: AutoGluon's CatBoost space (``autogluon.tabular`` ``catboost``: learning rate 0.005-0.2
log, default 0.05; depth 5-8, default 6; l2_leaf_reg 1-5, default 3), widened a little: depth 4-10,
l2_leaf_reg 1-10, learning rate up to 0.5 (FLAML's ``CatBoostEstimator`` reaches 0.2), plus the size of
one-hot categories and of column combinations, whose defaults here are cheap (see the space). Learning
rate default 0.1, FLAML's start: as good as 0.05 on 15 data sets and about twice as fast
(experiments/results/boosting_defaults.md). The number of rounds is a cap: early stopping
(``use_best_model``) ends most fits sooner.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from ConfigSpace import ConfigurationSpace, Float, Integer

from autoclf.components.classifiers._boosting import BoostingComponent, DeadlineGuard
from autoclf.dataset.info import DatasetInfo


class CatBoost(BoostingComponent):
    name = "catboost"
    library = "catboost"
    preload_modules = ("catboost",)

    def __init__(
        self,
        n_estimators: int = 1000,
        learning_rate: float = 0.1,
        depth: int = 6,
        l2_leaf_reg: float = 3.0,
        one_hot_max_size: int = 10,
        max_ctr_complexity: int = 1,
        early_stopping_rounds: int = 50,
        categorical_features: Sequence[int] | None = None,
        random_state: int | None = None,
        n_jobs: int = 1,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.depth = depth
        self.l2_leaf_reg = l2_leaf_reg
        self.one_hot_max_size = one_hot_max_size
        self.max_ctr_complexity = max_ctr_complexity
        self.early_stopping_rounds = early_stopping_rounds
        self.categorical_features = categorical_features
        self.random_state = random_state
        self.n_jobs = n_jobs

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        return ConfigurationSpace(
            space=[
                Integer("n_estimators", (16, 4096), default=1000, log=True),
                Float("learning_rate", (0.005, 0.5), default=0.1, log=True),
                Integer("depth", (4, 10), default=6),
                Float("l2_leaf_reg", (1.0, 10.0), default=3.0, log=True),
                # CatBoost's own defaults (one-hot up to 2 categories, combinations of up to 4 columns) took
                # 9.8 s on anneal (898 rows, 32 categoricals, 300 rounds); these 0.2 s, and a lower log loss
                Integer("one_hot_max_size", (2, 64), default=10, log=True),
                Integer("max_ctr_complexity", (1, 4), default=1),
            ]
        )

    def _pool(self, X: np.ndarray, y: np.ndarray | None = None, weight: np.ndarray | None = None) -> Any:
        """CatBoost takes categorical columns as integers or strings only: codes as int64, missing as -1."""
        from catboost import Pool

        categorical = self._categorical_columns(X.shape[1])
        if not categorical:
            return Pool(X, label=y, weight=weight, thread_count=self.n_jobs)
        frame = pd.DataFrame(X)
        for column in categorical:
            frame[column] = np.nan_to_num(X[:, column], nan=-1.0).astype(np.int64)
        return Pool(frame, label=y, weight=weight, cat_features=categorical, thread_count=self.n_jobs)

    def _train(self, X: np.ndarray, y: np.ndarray, weight: np.ndarray | None, valid: tuple | None,
               categorical: list[int], guard: DeadlineGuard) -> tuple[Any, int]:
        from catboost import CatBoostClassifier

        class Deadline:
            def after_iteration(self, info: Any) -> bool:  # CatBoost's protocol: False stops training
                return not guard.should_stop()

        model = CatBoostClassifier(
            iterations=self.n_estimators, learning_rate=self.learning_rate, depth=self.depth,
            l2_leaf_reg=self.l2_leaf_reg, one_hot_max_size=self.one_hot_max_size,
            max_ctr_complexity=self.max_ctr_complexity,
            loss_function="Logloss" if len(self.classes_) == 2 else "MultiClass",
            thread_count=self.n_jobs, random_seed=0 if self.random_state is None else self.random_state,
            verbose=False, allow_writing_files=False,
        )
        eval_set = None if valid is None else self._pool(*valid)
        model.fit(self._pool(X, y, weight), eval_set=eval_set, use_best_model=eval_set is not None,
                  early_stopping_rounds=self.early_stopping_rounds if eval_set is not None else None,
                  callbacks=[Deadline()])
        return model, int(model.tree_count_)

    def _proba(self, X: np.ndarray) -> np.ndarray:
        return self.booster_.predict_proba(self._pool(X))
