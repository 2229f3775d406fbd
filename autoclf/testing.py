"""The contract every search-space component keeps, as one call: ``check_component(cls)``.

Why: the rules were repeated in each test folder, and an author of a component outside autoclf had none of
them. A component must have a space whose default is valid and builds the estimator, choices that are real
Python values (a choice ``"False"`` reaches the estimator as a truthy string), estimators that clone, and
on data: probabilities that are probabilities, or transforms that stay finite 2-D floats; and it must pass
scikit-learn's estimator checks, less the failures its author documents. A broken rule raises
``AssertionError`` naming the component and the rule. ``import autoclf`` does not import this module, and
pytest is not needed::

    from ConfigSpace import Categorical, ConfigurationSpace, Integer
    from sklearn.neighbors import KNeighborsClassifier
    from autoclf.components.base import Component
    from autoclf.testing import check_component

    class Knn(Component, KNeighborsClassifier):
        name, slot = "my_knn", "classifier"

        @classmethod
        def search_space(cls, info):
            return ConfigurationSpace([Integer("n_neighbors", (1, 30), default=5),
                                       Categorical("weights", ["uniform", "distance"])])

    check_component(Knn)  # then AutoClassifier(extra_components=[Knn])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from ConfigSpace import ConfigurationSpace

from autoclf.components.base import SLOTS, Component
from autoclf.dataset.info import DatasetInfo

#: the data scikit-learn's checks stand for (they fit on 10-300 rows): the space's default is built for it
CHECK_INFO = DatasetInfo(n_rows=100, n_classes=2, class_counts=(50, 50), numeric_columns=("a", "b", "c"))
#: strings that stand in for Python values: an estimator gets the string, and "False" is truthy
_FAKE_VALUES = frozenset({"True", "False", "None"})
#: the slots whose components promise non-negative output for non-negative input (``preserves_nonnegative``)
_NONNEGATIVE_SLOTS = ("scaling", "feature_preprocessor")


def _label(cls: type) -> str:
    name = getattr(cls, "name", None)
    return f"{cls.__name__} ({name!r})" if isinstance(name, str) else cls.__name__


def _fail(cls: type, rule: str, error: BaseException | None = None) -> AssertionError:
    detail = f": {type(error).__name__}: {error}" if error is not None else ""
    return AssertionError(f"{_label(cls)}: {rule}{detail}")


def info_for(X: Any, y: Any) -> DatasetInfo:
    """The ``DatasetInfo`` of a training set: a frame's non-numeric columns count as categorical."""
    counts = np.unique(np.asarray(y), return_counts=True)[1]
    if hasattr(X, "columns"):
        numeric = tuple(str(c) for c in X.columns if X[c].dtype.kind in "biuf")
        categorical = tuple(str(c) for c in X.columns if X[c].dtype.kind not in "biuf")
    else:
        numeric, categorical = tuple(f"x{i}" for i in range(np.shape(X)[1])), ()
    return DatasetInfo(n_rows=len(y), n_classes=len(counts), class_counts=tuple(int(c) for c in counts),
                       numeric_columns=numeric, categorical_columns=categorical)


def default_estimator(cls: type[Component], info: DatasetInfo = CHECK_INFO, *, random_state: int | None = 0,
                      **params: Any) -> Component:
    """The estimator of the space's default configuration, as the pipeline builds it, then ``params`` set
    (e.g. fewer trees for scikit-learn's checks, which fit it dozens of times)."""
    config = dict(cls.search_space(info).get_default_configuration())
    estimator: Any = cls.from_config(config, info, random_state=random_state)  # a Component and an estimator
    return estimator.set_params(**params) if params else estimator


def configurations(cls: type[Component], info: DatasetInfo, n: int = 3, seed: int = 0) -> list[dict[str, Any]]:
    """The default configuration and ``n`` sampled ones (seeded: the same ones every run)."""
    space = cls.search_space(info)
    if len(space) == 0:
        return [{}]
    space.seed(seed)
    sampled = space.sample_configuration(n) if n > 1 else [space.sample_configuration()] * n
    return [dict(space.get_default_configuration())] + [dict(c) for c in sampled]


def check_declarations(cls: type) -> None:
    """What the registry and the pipeline read from the class: a Component, a name, a slot, its methods."""
    if not (isinstance(cls, type) and issubclass(cls, Component)):
        raise AssertionError(f"{cls!r} must be a class with Component first in its bases")
    if not isinstance(getattr(cls, "name", None), str) or not cls.name:
        raise _fail(cls, "declares no `name` (a non-empty string)")
    if getattr(cls, "slot", None) not in SLOTS:
        raise _fail(cls, f"declares slot {getattr(cls, 'slot', None)!r}; slots are {SLOTS}")
    method = "predict_proba" if cls.slot == "classifier" else "transform"
    if not callable(getattr(cls, method, None)):
        raise _fail(cls, f"is a {cls.slot} component without {method}()")


def check_space(cls: type[Component], info: DatasetInfo = CHECK_INFO, *, n_configurations: int = 5) -> None:
    """The default configuration is valid, choices are real Python values, and the default and sampled
    configurations all build the estimator (every hyperparameter is one ``from_config`` takes)."""
    space = cls.search_space(info)
    if not isinstance(space, ConfigurationSpace):
        raise _fail(cls, f"search_space(info) returned {type(space).__name__}, not a ConfigurationSpace")
    try:
        space.get_default_configuration().check_valid_configuration()
    except Exception as error:
        raise _fail(cls, "the space's default configuration is not valid", error) from error
    for hp in space.values():
        fake = _FAKE_VALUES & {c for c in getattr(hp, "choices", ()) if isinstance(c, str)}
        if fake:
            raise _fail(cls, f"hyperparameter {hp.name!r} has string choices {sorted(fake)}: use True/False/None")
    for i, params in enumerate(configurations(cls, info, n_configurations)):
        which = "the default configuration" if i == 0 else f"sampled configuration {params}"
        try:
            cls.from_config(params, info, random_state=0)
        except Exception as error:
            raise _fail(cls, f"from_config cannot build the estimator from {which}", error) from error


def _same(a: Any, b: Any) -> bool:
    if hasattr(a, "get_params") and hasattr(b, "get_params"):
        return type(a) is type(b) and _same_params(a.get_params(deep=False), b.get_params(deep=False))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return bool(np.array_equal(a, b))
    try:
        return a is b or bool(a == b) or bool(a != a and b != b)  # NaN is NaN
    except (TypeError, ValueError):
        return False


def _same_params(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return a.keys() == b.keys() and all(_same(a[key], b[key]) for key in a)


def check_clone(estimator: Any) -> None:
    """``clone`` (how the pipeline, the ensemble and cross-validation copy models) keeps every parameter:
    ``__init__`` stores its arguments unchanged."""
    from sklearn.base import clone

    try:
        copy = clone(estimator)
    except Exception as error:
        raise _fail(type(estimator), "clone() fails", error) from error
    if not _same_params(copy.get_params(deep=False), estimator.get_params(deep=False)):
        raise _fail(type(estimator), f"clone() changes parameters: {estimator.get_params(deep=False)} -> "
                                     f"{copy.get_params(deep=False)}")


def check_probabilities(proba: Any, n_rows: int, n_classes: int, *, where: str = "predict_proba") -> None:
    """One row per input row, one column per class, finite, non-negative, rows summing to 1."""
    proba = np.asarray(proba)
    if proba.shape != (n_rows, n_classes):
        raise AssertionError(f"{where}: shape {proba.shape}, expected ({n_rows}, {n_classes})")
    if not np.isfinite(proba).all() or (proba < 0).any():
        raise AssertionError(f"{where}: probabilities must be finite and >= 0")
    sums = proba.sum(axis=1)
    if not np.allclose(sums, 1.0, rtol=1e-7, atol=1e-8):
        row = int(np.argmax(np.abs(sums - 1.0)))
        raise AssertionError(f"{where}: rows must sum to 1; row {row} sums to {float(sums[row])!r}")


def check_transform(out: Any, n_rows: int, *, nonnegative: bool = False, where: str = "transform") -> None:
    """A dense float64 2-D array, one row per input row, at least one column, finite (and >= 0 when the
    component promises it for non-negative input)."""
    if not isinstance(out, np.ndarray) or out.ndim != 2 or out.shape[0] != n_rows or out.shape[1] < 1:
        shape = getattr(out, "shape", None)
        raise AssertionError(f"{where}: gave {type(out).__name__} of shape {shape}; expected a 2-D numpy array "
                             f"of {n_rows} rows and at least one column")
    if out.dtype != np.float64 or not np.isfinite(out).all():
        raise AssertionError(f"{where}: output must be finite float64 (got {out.dtype})")
    if nonnegative and out.min() < 0:
        raise AssertionError(f"{where}: output below 0 for non-negative input (preserves_nonnegative is True)")


def check_sklearn_contract(estimator: Component, expected_failures: Mapping[str, str] | None = None) -> None:
    """scikit-learn's ``check_estimator``; ``expected_failures`` maps a check's name to why it fails by
    design (as in ``parametrize_with_checks``). In pytest, ``parametrize_with_checks`` shows each check."""
    from sklearn.utils.estimator_checks import check_estimator

    results = check_estimator(estimator, expected_failed_checks=dict(expected_failures or {}),
                              on_skip=None, on_fail=None)
    failed = [f"{r['check_name']} ({type(r['exception']).__name__}: {str(r['exception']).strip()[:300]})"
              for r in results if r["status"] == "failed"]
    if failed:
        raise _fail(type(estimator), "fails scikit-learn's estimator checks (document a deliberate one in "
                                     "expected_failures): " + "; ".join(failed))


def _check_data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """150 rows of 5 features in [0, 1] and 3 classes (non-negative, so every slot's rules apply)."""
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=150, n_features=5, n_informative=3, n_redundant=0, n_classes=3,
                               random_state=0)
    X = (X - X.min(axis=0)) / (X.max(axis=0) - X.min(axis=0))
    return X[:100], y[:100], X[100:]


def check_component(
    cls: type[Component],
    *,
    X: Any = None,
    y: Any = None,
    X_test: Any = None,
    info: DatasetInfo | None = None,
    expected_failures: Mapping[str, str] | None = None,
    params: Mapping[str, Any] | None = None,
    sampled_limits: Mapping[str, float] | None = None,
    n_configurations: int = 3,
    sklearn_checks: bool = True,
) -> list[Component]:
    """Run the contract every component keeps; raise AssertionError naming the component and the rule.

    Declarations, the space (``check_space``), ``clone``; then the default and ``n_configurations`` sampled
    configurations fit on ``X, y`` (built-in data of 3 classes when omitted; a transformer may omit ``y`` when
    ``info`` is given) and give valid probabilities on ``X_test`` (else ``X``), or valid transforms of ``X``
    and ``X_test`` (>= 0 where the input is and the component promises it); then scikit-learn's checks on
    the default estimator built for ``CHECK_INFO``, less ``expected_failures`` (check name -> why).
    ``params`` are set on every estimator (e.g. fewer epochs); ``sampled_limits`` caps numeric parameters of
    the sampled configurations only (their sizes cost time, not coverage). Returns the fitted estimators, the
    default configuration's first.
    """
    check_declarations(cls)
    if X is None:
        X, y, X_test = _check_data()
    elif y is None and (cls.slot == "classifier" or info is None):
        raise ValueError("check_component needs y with X (or, for a transformer, info)")
    info = info_for(X, y) if info is None else info
    reason = cls.not_applicable_reason(info)
    if reason is not None:
        raise ValueError(f"{_label(cls)} does not apply to this data ({reason}): pass data it applies to")
    check_space(cls, info, n_configurations=n_configurations)
    nonnegative = (cls.slot in _NONNEGATIVE_SLOTS and cls.preserves_nonnegative
                   and all(np.min(part) >= 0 for part in (X, X_test) if part is not None))
    fitted: list[Component] = []
    for i, config in enumerate(configurations(cls, info, n_configurations)):
        estimator: Any = cls.from_config(config, info, random_state=0)
        if params:
            estimator.set_params(**params)
        current = estimator.get_params()
        if i > 0 and sampled_limits:
            estimator.set_params(**{k: min(current[k], v) for k, v in sampled_limits.items() if k in current})
        if i == 0:
            check_clone(estimator)
        where = f"{_label(cls)} with {'the default configuration' if i == 0 else config}"
        try:
            estimator.fit(X, y)
        except Exception as error:
            raise AssertionError(f"{where}: fit fails: {type(error).__name__}: {error}") from error
        if cls.slot == "classifier":
            part, n_classes = X if X_test is None else X_test, len(np.unique(np.asarray(y)))
            check_probabilities(estimator.predict_proba(part), len(part), n_classes, where=f"{where}: predict_proba")
        else:
            widths = set()
            for part in (X, X_test) if X_test is not None else (X,):
                out = estimator.transform(part)
                check_transform(out, len(part), nonnegative=nonnegative, where=f"{where}: transform")
                widths.add(out.shape[1])
            if len(widths) > 1:
                raise AssertionError(f"{where}: transform gives {sorted(widths)} columns for new data")
        fitted.append(estimator)
    if sklearn_checks:
        check_sklearn_contract(default_estimator(cls, **dict(params or {})), expected_failures)
    return fitted
