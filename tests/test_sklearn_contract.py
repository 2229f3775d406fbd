"""scikit-learn's estimator checks on AutoClassifier, with a one-trial budget.

Every check runs and passes but one, listed as an expected failure with its reason. Notes on the ones
scikit-learn adapts through our tags: AutoClassifier declares that it accepts NaN, strings and categories
(pandas input is first-class), so the numeric-only NaN/inf and object-dtype checks take their "allowed"
branch. fit takes sample_weight: the sample-weight checks run, and weights equal to repeated rows fails by
design, as the preprocessing steps fit unweighted (docs/api.md, "fit's inputs").
"""

from sklearn.utils.estimator_checks import parametrize_with_checks

from autoclf import AutoClassifier


def _estimator():
    # logistic regression: fast, and accurate enough on scikit-learn's toy data for the training-score checks
    return AutoClassifier(time_left=60, n_trials=1, include={"classifier": ["logistic_regression"]}, verbose=0)


#: checks AutoClassifier fails on purpose, with the reason
EXPECTED_FAILURES = {
    "check_sample_weight_equivalence_on_dense_data": "weights reach the classifier, not the preprocessing (a "
    "ColumnTransformer routes no weights without metadata routing): a row of weight 0 still sets the scalers' "
    "statistics, a row of weight 2 counts once in them",
}


@parametrize_with_checks([_estimator()], expected_failed_checks=lambda estimator: EXPECTED_FAILURES)
def test_scikit_learn_contract(estimator, check):
    check(estimator)
