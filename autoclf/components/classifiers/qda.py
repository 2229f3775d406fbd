"""Quadratic discriminant analysis: one Gaussian per class, for curved boundaries on small data."""

from __future__ import annotations

from typing import Any

import numpy as np
from ConfigSpace import ConfigurationSpace
from sklearn.discriminant_analysis import QuadraticDiscriminantAnalysis

from autoclf.components.base import Component
from autoclf.components.classifiers.lda import shrinkage_params, shrinkage_space
from autoclf.dataset.info import DatasetInfo

#: a per-class covariance needs a few rows of that class even with shrinkage (and CV folds take some)
MIN_CLASS_ROWS = 5


class QDA(Component, QuadraticDiscriminantAnalysis):
    """QDA with the eigen solver and shrunk per-class covariances.

    The svd solver's ``reg_param`` cannot help a class with no more rows than features (it raises), so
    the covariances are regularised by shrinkage, which keeps them full rank on collinear data too.
    """

    name = "qda"
    slot = "classifier"
    # scikit-learn's parameters that fit swaps, declared for the type checker (no class attributes)
    shrinkage: float | str | None
    tol: float

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        # a factor near 0 leaves a collinear class covariance singular, which QDA refuses
        return shrinkage_space(lowest_factor=0.01)

    @classmethod
    def not_applicable_reason(cls, info: DatasetInfo) -> str | None:
        if info.min_class_count < MIN_CLASS_ROWS:
            return f"a class has {info.min_class_count} rows; per-class covariances need {MIN_CLASS_ROWS}"
        return None

    @classmethod
    def from_config(cls, params: dict[str, Any], info: DatasetInfo, random_state: int | None = None) -> QDA:
        return super().from_config({"solver": "eigen", **shrinkage_params(params)}, info, random_state)

    def fit(self, X: Any, y: Any) -> QDA:
        # shrinkage keeps a covariance full rank in exact arithmetic, but scikit-learn's rank test counts
        # eigenvalues above an absolute ``tol`` (1e-4) and refuses features of tiny variance (a Nystroem map
        # of a few scaled columns): then fit once more with full shrinkage (a scaled identity) and no
        # absolute threshold, which any class with some variance passes
        try:
            return super().fit(X, y)
        except np.linalg.LinAlgError:
            shrinkage, tol = self.shrinkage, self.tol
            self.shrinkage, self.tol = 1.0, 0.0
            try:
                return super().fit(X, y)
            finally:
                self.shrinkage, self.tol = shrinkage, tol
