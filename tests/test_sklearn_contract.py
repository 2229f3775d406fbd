"""scikit-learn's estimator checks on AutoClassifier, with a one-trial budget.

Every check runs and passes; none is listed as an expected failure. Notes on the ones scikit-learn
adapts through our tags: AutoClassifier declares that it accepts NaN, strings and categories (pandas
input is first-class), so the numeric-only NaN/inf and object-dtype checks take their "allowed" branch;
fit takes no sample_weight (class balancing is a hyperparameter of the search), so the sample-weight
checks do not apply.
"""

from sklearn.utils.estimator_checks import parametrize_with_checks

from autoclf import AutoClassifier


def _estimator():
    # logistic regression: fast, and accurate enough on scikit-learn's toy data for the training-score checks
    return AutoClassifier(time_left=60, n_trials=1, include={"classifier": ["logistic_regression"]}, verbose=0)


@parametrize_with_checks([_estimator()])
def test_scikit_learn_contract(estimator, check):
    check(estimator)
