"""The input layer on real data: feature types, canonical frames, labels, and every input error it reports."""

import logging

import numpy as np
import pandas as pd
import pytest
from conftest import load_mirror
from scipy import sparse
from sklearn.base import clone

from autoclf.dataset import infer_feature_types
from autoclf.dataset.validator import InputValidator


@pytest.fixture(scope="module")
def titanic():
    return load_mirror("40945_Titanic.parquet")


@pytest.fixture(scope="module")
def anneal():
    return load_mirror("2_anneal.parquet")


def _assert_canonical(frame: pd.DataFrame, types: dict) -> None:
    assert isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0
    assert all(isinstance(name, str) for name in frame.columns)
    for name, kind in types.items():
        column = frame[name]
        if kind in ("numeric", "boolean"):
            assert column.dtype == np.float64, name
            assert not np.isinf(column.to_numpy()).any(), name
        else:
            assert column.dtype == object, name
            present = column[column.notna()]
            assert all(type(value) is str for value in present), name
            assert all(value is np.nan or (isinstance(value, float) and np.isnan(value))
                       for value in column[column.isna()]), name


# ----------------------------------------------------------------- feature types
def test_titanic_types_and_info(titanic):
    X, y = titanic
    types = infer_feature_types(X)
    assert types["name"] == "text"
    assert types["sex"] == "categorical" and types["embarked"] == "categorical"
    assert types["age"] == "numeric" and types["fare"] == "numeric"
    assert types["ticket"] == "categorical"  # mostly numbers, but "PC 17599" and friends do not parse
    validator = InputValidator().fit(X, y)
    info = validator.info_
    assert validator.feature_types_ == types
    assert info.text_columns == ("name",)
    assert "age" in info.numeric_columns and "sex" in info.categorical_columns
    assert info.n_features == X.shape[1] and info.n_rows == len(X)
    assert info.has_missing  # age, cabin, boat, ...
    assert info.class_counts == tuple(y.value_counts().sort_index())
    assert validator.input_was_dataframe_ and validator.feature_names_in_ == list(X.columns)


def test_value_rules_for_object_columns():
    X = pd.DataFrame({
        "flag_text": pd.Series(["True", "false", " TRUE ", None], dtype=object),
        "flag_bool": pd.Series([True, False, np.nan, True], dtype=object),
        "nullable_bool": pd.Series([True, None, False, True], dtype="boolean"),
        "numbers_as_text": pd.Series(["1.5", "2e3", "-4", np.nan], dtype="str"),
        "ints_and_strings": pd.Series([1, "a", 2, "b"], dtype=object),
        "bool_and_number": pd.Series([True, 3, 0, 1], dtype=object),
        "all_missing": pd.Series([None, None, np.nan, None], dtype=object),
        "short_strings": pd.Series(["a b", "c", "a b", "d"], dtype="str"),
        "nullable_int": pd.Series([1, None, 3, 4], dtype="Int64"),
        "category_of_ints": pd.Series([1, 2, 1, 2], dtype="category"),
    })
    assert infer_feature_types(X) == {
        "flag_text": "boolean", "flag_bool": "boolean", "nullable_bool": "boolean",
        "numbers_as_text": "numeric", "ints_and_strings": "categorical", "bool_and_number": "categorical",
        "all_missing": "numeric", "short_strings": "categorical", "nullable_int": "numeric",
        "category_of_ints": "categorical",
    }
    validator = InputValidator()
    Xc, _ = validator.fit_transform(X, [0, 1, 0, 1])
    _assert_canonical(Xc, validator.feature_types_)
    np.testing.assert_array_equal(Xc["flag_text"], [1.0, 0.0, 1.0, np.nan])
    np.testing.assert_array_equal(Xc["nullable_bool"], [1.0, np.nan, 0.0, 1.0])
    np.testing.assert_array_equal(Xc["numbers_as_text"], [1.5, 2000.0, -4.0, np.nan])
    np.testing.assert_array_equal(Xc["nullable_int"], [1.0, np.nan, 3.0, 4.0])
    assert Xc["ints_and_strings"].tolist() == ["1", "a", "2", "b"]
    assert Xc["bool_and_number"].tolist() == ["True", "3", "0", "1"]
    assert Xc["category_of_ints"].tolist() == ["1", "2", "1", "2"]
    assert Xc["all_missing"].isna().all()


def test_text_needs_many_distinct_long_values():
    sentence = ["the quick brown fox", "a lazy dog sleeps", "the cat sat down", "birds fly very high"]
    assert infer_feature_types(pd.DataFrame({"s": sentence}))["s"] == "text"
    assert infer_feature_types(pd.DataFrame({"s": [sentence[0]] * 4}))["s"] == "categorical"


def test_datetime_columns_become_calendar_features_and_other_time_types_are_refused():
    X = pd.DataFrame({"when": pd.date_range("2020-01-01", periods=4)})
    validator = InputValidator().fit(X, [0, 1, 0, 1])  # tests/test_datetimes.py has the details
    assert validator.feature_names_in_ == ["when"]
    assert list(validator.feature_types_) == ["when__day", "when__day_of_week", "when__day_of_year", "when__ordinal"]
    with pytest.raises(ValueError, match="'p' has dtype period"):
        InputValidator().fit(pd.DataFrame({"p": pd.period_range("2020-01", periods=4, freq="M")}), [0, 1, 0, 1])


# --------------------------------------------------------------- canonical frames
def test_canonical_frame_on_anneal(anneal):
    X, y = anneal
    validator = InputValidator()
    Xc, codes = validator.fit_transform(X, y)
    _assert_canonical(Xc, validator.feature_types_)
    assert set(validator.info_.categorical_columns) == set(X.select_dtypes("category").columns)
    # missing categories stay missing, at the same rows, and values keep their category names
    for name in ("family", "formability", "bf"):
        np.testing.assert_array_equal(Xc[name].isna().to_numpy(), X[name].isna().to_numpy())
        present = X[name].notna().to_numpy()
        assert Xc[name][present].tolist() == X[name][present].astype(str).tolist()
    # an unused category of y ("4" has no rows) is not a class
    assert validator.classes_.tolist() == ["1", "2", "3", "5", "U"]
    assert validator.info_.class_counts == (8, 99, 684, 67, 40)
    assert codes.dtype == np.int64 and codes.max() == 4
    pd.testing.assert_frame_equal(validator.transform(X), Xc)


def test_frame_index_is_reset_and_row_order_kept(titanic):
    X, y = titanic
    shuffled = X.sample(frac=1.0, random_state=3)
    validator = InputValidator()
    Xc, _ = validator.fit_transform(shuffled, y.loc[shuffled.index])
    assert Xc.index.equals(pd.RangeIndex(len(X)))
    np.testing.assert_array_equal(Xc["age"].to_numpy(), shuffled["age"].to_numpy())


def test_infinities_become_missing_with_one_warning(caplog):
    X = pd.DataFrame({"a": [1.0, np.inf, 3.0, 4.0], "b": [-np.inf, 2.0, 3.0, 4.0], "c": [1.0, 2.0, 3.0, 4.0]})
    with caplog.at_level(logging.WARNING, logger="autoclf.dataset"):
        validator = InputValidator()
        Xc, _ = validator.fit_transform(X, [0, 1, 0, 1])
    warnings = [r for r in caplog.records if "inf" in r.getMessage()]
    assert len(warnings) == 1 and "'a'" in warnings[0].getMessage() and "'b'" in warnings[0].getMessage()
    assert "'c'" not in warnings[0].getMessage()
    assert np.isnan(Xc.loc[1, "a"]) and np.isnan(Xc.loc[0, "b"]) and validator.info_.has_missing
    assert not np.isinf(validator.transform(X).to_numpy()).any()


def test_predict_time_values_that_do_not_fit_become_missing(caplog):
    X = pd.DataFrame({"n": ["1", "2", "3", "4"], "c": ["a", "b", "a", "b"]})
    validator = InputValidator().fit(X, [0, 1, 0, 1])
    with caplog.at_level(logging.WARNING, logger="autoclf.dataset"):
        out = validator.transform(pd.DataFrame({"n": ["5", "oops"], "c": ["new", None]}))
    assert out["n"].tolist()[0] == 5.0 and np.isnan(out["n"].tolist()[1])
    assert any("'n'" in r.getMessage() for r in caplog.records)
    assert out["c"].tolist()[0] == "new" and out["c"].isna().tolist() == [False, True]


# ---------------------------------------------------------------------- labels
def _labels(kind: str, credit_y: pd.Series):
    y = credit_y.iloc[:200].reset_index(drop=True)
    good = (y == "good").to_numpy()
    return {
        "str": y.astype(str),
        "category": y,
        "int": pd.Series(np.where(good, 7, -2)),
        "float_integral": np.where(good, 1.0, 0.0),
        "bool": list(good),
        "numpy_str": np.where(good, "yes", "no"),
        "int_category": pd.Series(np.where(good, 10, 2)).astype("category"),
    }[kind]


@pytest.mark.parametrize("kind, element_type", [
    ("str", str), ("category", str), ("int", np.integer), ("float_integral", np.floating), ("bool", np.bool_),
    ("numpy_str", str), ("int_category", np.integer),
])
def test_label_round_trip_keeps_type(credit_g, kind, element_type):
    X, y_all = credit_g
    y = _labels(kind, y_all)
    validator = InputValidator()
    _, codes = validator.fit_transform(X.iloc[:200], y)
    expected = np.asarray(y)
    assert validator.classes_.tolist() == sorted(set(expected.tolist()))
    assert codes.dtype == np.int64 and set(codes.tolist()) == {0, 1}
    np.testing.assert_array_equal(validator.encode_target(y), codes)
    decoded = validator.decode_target(codes)
    assert decoded.tolist() == expected.tolist()
    assert all(isinstance(value, element_type) for value in decoded)
    assert validator.classes_[np.argmax(np.bincount(codes))] == expected[np.asarray(y_all.iloc[:200]) == "good"][0]


def test_encode_unknown_label_and_bad_codes(credit_g):
    X, y = credit_g
    validator = InputValidator().fit(X, y)
    with pytest.raises(ValueError, match="not seen at fit time.*'excellent'"):
        validator.encode_target(["good", "excellent"])
    with pytest.raises(ValueError, match="0..1"):
        validator.decode_target([0, 2])


def test_single_sample_class_is_allowed(credit_g):
    X, y = credit_g
    y = y.astype(str).copy()
    y.iloc[0] = "rare"
    validator = InputValidator().fit(X, y)
    assert validator.info_.n_classes == 3 and validator.info_.min_class_count == 1


def test_y_as_column_vector(credit_g):
    X, y = credit_g
    validator = InputValidator().fit(X, y.to_numpy().reshape(-1, 1))
    assert validator.classes_.tolist() == ["bad", "good"]


# ---------------------------------------------------------------- other inputs
def test_numpy_and_list_input(vehicle):
    X, y = vehicle
    array = X.to_numpy()
    validator = InputValidator()
    Xc, codes = validator.fit_transform(array, y.to_numpy())
    assert validator.feature_names_in_ == [f"x{i}" for i in range(X.shape[1])]
    assert not validator.input_was_dataframe_ and validator.n_features_in_ == X.shape[1]
    assert set(validator.feature_types_.values()) == {"numeric"}
    np.testing.assert_array_equal(Xc.to_numpy(), array.astype(float))
    from_lists = InputValidator().fit_transform(array[:50].tolist(), y.iloc[:50].tolist())[0]
    pd.testing.assert_frame_equal(from_lists, Xc.iloc[:50])
    with pytest.raises(ValueError, match="17 features.*18"):
        validator.transform(array[:, :17])
    pd.testing.assert_frame_equal(validator.transform(array[:10]), Xc.iloc[:10])


def test_object_array_with_mixed_columns():
    X = np.array([[1, "red", "true"], [2, "blue", "false"], [3, "red", "true"], [4.5, "blue", None]], dtype=object)
    validator = InputValidator()
    Xc, _ = validator.fit_transform(X, ["a", "b", "a", "b"])
    assert validator.feature_types_ == {"x0": "numeric", "x1": "categorical", "x2": "boolean"}
    _assert_canonical(Xc, validator.feature_types_)
    np.testing.assert_array_equal(Xc["x2"], [1.0, 0.0, 1.0, np.nan])


def test_integer_column_names(vehicle):
    X, y = vehicle
    X = X.iloc[:100].set_axis(range(X.shape[1]), axis=1)
    validator = InputValidator(feature_types={3: "categorical"}).fit(X, y.iloc[:100])
    assert validator.feature_names_in_ == [str(i) for i in range(X.shape[1])]
    assert validator.column_mapping_["3"] == 3 and validator.feature_types_["3"] == "categorical"
    out = validator.transform(X)
    assert list(out.columns) == validator.feature_names_in_
    with pytest.raises(ValueError, match=r"missing \['5'\]"):
        validator.transform(X.drop(columns=[5]))


def test_feature_types_override(credit_g):
    X, y = credit_g
    validator = InputValidator(feature_types={"age": "categorical", "own_telephone": "categorical"}).fit(X, y)
    assert validator.feature_types_["age"] == "categorical"
    assert validator.feature_types_["duration"] == "numeric"
    assert validator.transform(X.iloc[:3])["age"].tolist() == [str(int(a)) for a in X["age"].iloc[:3]]
    as_list = InputValidator(feature_types=["categorical"] * X.shape[1]).fit(X, y)
    assert set(as_list.info_.categorical_columns) == set(X.columns)
    assert clone(validator).get_params()["feature_types"] == {"age": "categorical", "own_telephone": "categorical"}
    with pytest.raises(ValueError, match="'purpose'.*cannot be read as numeric"):
        InputValidator(feature_types={"purpose": "numeric"}).fit(X, y)


@pytest.mark.parametrize("feature_types, match", [
    ({"age": "numerical"}, "unknown type.*'numerical'"),
    ({"no_such_column": "numeric"}, r"unknown column.*'no_such_column'"),
    (["numeric", "categorical"], "2 entries.*20 columns"),
    ("numeric", "must be None, a dict"),
])
def test_bad_feature_types(credit_g, feature_types, match):
    X, y = credit_g
    with pytest.raises(ValueError, match=match):
        InputValidator(feature_types=feature_types).fit(X, y)


# -------------------------------------------------------------------- errors
def test_fit_errors_name_the_problem(credit_g):
    X, y = credit_g
    with_nan = y.astype(object).copy()
    with_nan.iloc[[3, 10, 11]] = np.nan
    cases = [
        ((X, with_nan), r"3 missing label"),
        ((X, [None] + ["good"] * (len(X) - 1)), r"1 missing label"),
        ((X, np.array(["good"] * len(X))), r"single class \('good'\)"),
        ((X, y.iloc[:999]), r"X has 1000 rows, y has 999"),
        ((X.iloc[:0], y.iloc[:0]), r"empty \(0 rows\)"),
        ((X[[]], y), r"0 feature\(s\)"),
        ((X.iloc[:1], y.iloc[:1]), r"1 sample.*at least 2"),
        ((X, np.column_stack([y, y])), r"1-D.*2 columns"),
        ((X, pd.DataFrame({"a": y, "b": y})), r"1-D.*2 columns"),
        ((sparse.csr_matrix(np.eye(4)), [0, 1, 0, 1]), r"sparse input is not supported; pass X.toarray\(\)"),
        ((X, np.linspace(0, 1, len(X))), r"non-integral float labels"),
        ((X, ["a", 1] * (len(X) // 2)), r"mixes label types"),
        ((X["age"].to_numpy(), y), r"2-D"),
    ]
    for (X_bad, y_bad), match in cases:
        with pytest.raises(ValueError, match=match):
            InputValidator().fit(X_bad, y_bad)


def test_duplicated_column_names(credit_g):
    X, y = credit_g
    duplicated = X.set_axis(["age"] + list(X.columns[1:-1]) + ["duration"], axis=1)
    with pytest.raises(ValueError, match=r"duplicated column names: \['age', 'duration'\]"):
        InputValidator().fit(duplicated, y)
    clash = pd.DataFrame({1: [1.0, 2.0], "1": [3.0, 4.0]})
    with pytest.raises(ValueError, match=r"duplicated column names: \['1'\]"):
        InputValidator().fit(clash, [0, 1])


def test_predict_time_column_checks(credit_g):
    X, y = credit_g
    validator = InputValidator().fit(X, y)
    with pytest.raises(ValueError, match=r"missing \['age'\]"):
        validator.transform(X.drop(columns=["age"]))
    with pytest.raises(ValueError, match=r"unexpected \['extra_column'\]"):
        validator.transform(X.assign(extra_column=1.0))
    with pytest.raises(ValueError, match=r"missing \['age'\] \(1 fit-time column\(s\) absent from X\); "
                                         r"unexpected \['AGE'\] \(1 column\(s\) not seen"):
        validator.transform(X.rename(columns={"age": "AGE"}))
    with pytest.raises(ValueError, match="different order"):
        validator.transform(X[list(X.columns[::-1])])
    with pytest.raises(ValueError, match="duplicated"):
        validator.transform(pd.concat([X, X[["age"]]], axis=1))
    many = X.drop(columns=X.columns[:12]).assign(**{f"extra{i}": 1.0 for i in range(13)})
    with pytest.raises(ValueError, match=r"missing \['checking_status', .*\] and 2 more \(12 fit-time.*"
                                         r"unexpected \['extra0', .*'extra9'\] and 3 more \(13 column"):
        validator.transform(many)
    # a numpy array is matched by position
    positional = validator.transform(X.to_numpy(dtype=object)[:5])
    pd.testing.assert_frame_equal(positional, validator.transform(X.iloc[:5]))


def test_the_target_left_in_X_at_predict_is_named(credit_g):
    """Issue 19: a frame read from a file still holds the target; the message says to drop it."""
    X, y = credit_g  # y is the Series "class"
    validator = InputValidator().fit(X, y)
    with pytest.raises(ValueError, match=r"unexpected \['class'\].*'class' is the name of the target y at fit "
                                         r"time: drop the target column from X \(X.drop\(columns=\['class'\]\)\)$"):
        validator.transform(X.assign(**{"class": y}))
    with pytest.raises(ValueError, match=r"missing \['age'\].*unexpected \['class'\].*drop the target.*X needs every"):
        validator.transform(X.drop(columns="age").assign(**{"class": y}))
    with pytest.raises(ValueError, match=r"unexpected \['class'\].*Select the fit-time columns") as error:
        InputValidator().fit(X, y.to_numpy()).transform(X.assign(**{"class": y}))  # y had no name
    assert "target" not in str(error.value)
    assert InputValidator().fit(X, y.to_frame()).target_name_ == "class"
