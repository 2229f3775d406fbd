"""autoclf.testing.check_component: an outside author's component passes, a broken one fails naming the rule."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from ConfigSpace import Categorical, ConfigurationSpace, Integer
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import PowerTransformer

from autoclf.components.base import Component
from autoclf.testing import check_component, check_probabilities
from tests.conftest import REPO


class Knn(Component, KNeighborsClassifier):
    """The module docstring's example: an estimator and its space, not registered anywhere."""

    name, slot = "my_knn", "classifier"

    @classmethod
    def search_space(cls, info):
        return ConfigurationSpace([Integer("n_neighbors", (1, 30), default=5),
                                   Categorical("weights", ["uniform", "distance"])])


class Power(Component, PowerTransformer):
    name, slot = "my_power", "scaling"
    preserves_nonnegative = False  # standardized output is centred on 0

    @classmethod
    def search_space(cls, info):
        return ConfigurationSpace([Categorical("standardize", [True, False], default=True)])


def test_an_outside_component_passes_with_scikit_learns_checks():
    fitted = check_component(Knn)
    assert len(fitted) == 4 and fitted[0].n_neighbors == 5 and fitted[0].n_jobs == 1
    assert hasattr(fitted[0], "classes_")  # fitted, for checks of the author's own


def test_an_outside_transformer_passes_and_its_promises_are_checked():
    check_component(Power, sklearn_checks=False)

    class Promising(Power):
        name = "promising"
        preserves_nonnegative = True  # wrong: standardizing gives values below 0

    with pytest.raises(AssertionError, match=r"Promising \('promising'\).*below 0.*preserves_nonnegative"):
        check_component(Promising, sklearn_checks=False)


def test_a_default_that_cannot_build_the_estimator():
    class Misnamed(Knn):
        name = "misnamed"

        @classmethod
        def search_space(cls, info):
            return ConfigurationSpace([Integer("k", (1, 30), default=5)])  # KNeighborsClassifier takes n_neighbors

    with pytest.raises(AssertionError, match=r"Misnamed \('misnamed'\): from_config cannot build the estimator "
                                             r"from the default configuration: TypeError: .*\['k'\]"):
        check_component(Misnamed)


def test_probabilities_that_do_not_sum_to_one():
    class Doubled(Knn):
        name = "doubled"

        def predict_proba(self, X):
            return 2 * super().predict_proba(X)

    with pytest.raises(AssertionError, match=r"Doubled \('doubled'\) with the default configuration: "
                                             r"predict_proba: rows must sum to 1; row \d+ sums to 2"):
        check_component(Doubled)
    with pytest.raises(AssertionError, match=r"shape \(3, 2\), expected \(3, 3\)"):
        check_probabilities(np.full((3, 2), 0.5), 3, 3)


def test_string_stand_ins_for_python_values():
    class Stringly(Knn):
        name = "stringly"

        @classmethod
        def search_space(cls, info):
            return ConfigurationSpace([Categorical("weights", ["uniform", "None"])])

    with pytest.raises(AssertionError, match=r"Stringly.*hyperparameter 'weights' has string choices \['None'\]"):
        check_component(Stringly)


class Leaky(Component, GaussianNB):
    """At module level: scikit-learn's checks pickle it."""

    name, slot = "leaky", "classifier"

    def fit(self, X, y, sample_weight=None):
        self.fitted = True  # a public attribute set in fit: scikit-learn's checks refuse it
        return super().fit(X, y, sample_weight=sample_weight)


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # GaussianNB under a check
def test_a_scikit_learn_check_fails_unless_documented():
    with pytest.raises(AssertionError, match=r"Leaky \('leaky'\): fails scikit-learn's estimator checks.*"
                                             r"check_dont_overwrite_parameters"):
        check_component(Leaky)
    check_component(Leaky, expected_failures={"check_dont_overwrite_parameters": "a public attribute, on purpose"})


def test_declarations():
    with pytest.raises(AssertionError, match="Component first in its bases"):
        check_component(KNeighborsClassifier)  # type: ignore[arg-type]

    class Nameless(Component, GaussianNB):
        slot = "classifier"

    with pytest.raises(AssertionError, match=r"Nameless: declares no `name`"):
        check_component(Nameless)


def test_the_helper_stays_out_of_import_autoclf_and_needs_no_pytest():
    script = ("import sys, autoclf; light = 'autoclf.testing' not in sys.modules; import autoclf.testing; "
              "print(light, 'pytest' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True False"
