"""Datetime and timedelta columns: calendar features decided at fit, derived the same way at predict, and a
model that uses them end to end (fit, predict on strings, save/load) on real data."""

import datetime

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from conftest import FAST, load_mirror

from autoclf.dataset import infer_feature_types
from autoclf.dataset.validator import InputValidator

Y4 = [0, 1, 0, 1]


def _fit(X: pd.DataFrame, y=None) -> tuple[InputValidator, pd.DataFrame]:
    validator = InputValidator()
    canonical, _ = validator.fit_transform(X, Y4[: len(X)] if y is None else y)
    return validator, canonical


# ------------------------------------------------------------------ derived columns
def test_calendar_features_are_derived_named_and_placed_where_the_column_was():
    when = pd.to_datetime(["2021-03-04 05:06", "2022-07-08 09:10", "2023-11-12 13:14", "2024-02-29 23:59"])
    X = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "when": when, "z": ["u", "v", "u", "v"]})
    validator, canonical = _fit(X)
    parts = ["year", "month", "day", "day_of_week", "day_of_year", "hour", "minute", "ordinal"]
    assert list(canonical.columns) == ["a"] + [f"when__{part}" for part in parts] + ["z"]
    assert validator.feature_names_in_ == ["a", "when", "z"] and validator.n_features_in_ == 3
    assert list(validator.get_feature_names_out()) == list(canonical.columns)
    assert validator.input_types() == {"a": "numeric", "when": "datetime", "z": "categorical"}
    assert all(validator.feature_types_[f"when__{part}"] == "numeric" for part in parts)
    assert validator.info_.numeric_columns == ("a",) + tuple(f"when__{part}" for part in parts)
    last = canonical.iloc[3]
    assert (last["when__year"], last["when__month"], last["when__day"]) == (2024.0, 2.0, 29.0)
    assert last["when__day_of_week"] == 3.0  # 2024-02-29 was a Thursday (Monday is 0)
    assert (last["when__day_of_year"], last["when__hour"], last["when__minute"]) == (60.0, 23.0, 59.0)
    expected = (when - pd.Timestamp("1970-01-01")).total_seconds()
    np.testing.assert_array_equal(canonical["when__ordinal"], expected)
    assert canonical["when__ordinal"].dtype == np.float64


def test_only_parts_that_vary_in_training_are_kept_and_predict_uses_the_same():
    days = pd.DataFrame({"d": pd.to_datetime(["2023-01-02", "2023-01-03", "2023-03-09", "2023-03-10"])})
    validator, canonical = _fit(days)
    # one year, no time of day: year, hour and minute say nothing
    assert list(canonical.columns) == ["d__month", "d__day", "d__day_of_week", "d__day_of_year", "d__ordinal"]
    later = pd.DataFrame({"d": pd.to_datetime(["2025-06-01 10:30", "2026-01-01 00:00"])})
    assert list(validator.transform(later).columns) == list(canonical.columns)
    constant = pd.DataFrame({"d": [pd.Timestamp("2024-01-01")] * 4})
    assert list(_fit(constant)[1].columns) == ["d__ordinal"]  # always one column: the trend


def test_timezone_aware_columns_are_read_in_utc():
    instants = pd.to_datetime(["2021-03-04 23:30", "2021-07-08 01:10", "2022-12-31 22:00", "2023-01-01 03:00"],
                              utc=True)
    frames = {zone: pd.DataFrame({"t": instants.tz_convert(zone)}) for zone in ("Asia/Tokyo", "America/Denver")}
    tokyo, denver = (_fit(frame)[1] for frame in frames.values())
    pd.testing.assert_frame_equal(tokyo, denver)
    naive_utc = _fit(pd.DataFrame({"t": instants.tz_localize(None)}))[1]
    pd.testing.assert_frame_equal(tokyo, naive_utc)
    assert tokyo["t__hour"].tolist() == [23.0, 1.0, 22.0, 3.0]  # UTC hours, not Tokyo's
    validator = _fit(frames["Asia/Tokyo"])[0]
    pd.testing.assert_frame_equal(validator.transform(frames["America/Denver"]), tokyo)


def test_missing_datetimes_are_missing_in_every_derived_column():
    X = pd.DataFrame({"t": pd.to_datetime(["2021-01-01 10:00", None, "2022-05-06 11:00", "2023-08-09 12:00"])})
    validator, canonical = _fit(X)
    assert canonical.iloc[1].isna().all() and canonical.drop(index=1).notna().all().all()
    assert validator.info_.has_missing
    all_missing = validator.transform(pd.DataFrame({"t": [None, None]}))
    assert all_missing.isna().all().all() and list(all_missing.columns) == list(canonical.columns)


def test_object_dates_pyarrow_timestamps_and_datetime64_give_the_same_features():
    dates = [datetime.date(2021, 1, 4), datetime.date(2021, 6, 5), None, datetime.date(2022, 2, 6)]
    as_datetime64 = pd.DataFrame({"d": pd.to_datetime(dates)})
    expected = _fit(as_datetime64)[1]
    variants = {
        "datetime.date objects": pd.Series(dates, dtype=object),
        "Timestamp objects": pd.Series([pd.Timestamp(d) if d else None for d in dates], dtype=object),
        "pyarrow date32": pd.Series(dates, dtype=pd.ArrowDtype(pa.date32())),
        "pyarrow timestamp": pd.Series(pd.to_datetime(dates), dtype=pd.ArrowDtype(pa.timestamp("ms"))),
        "pyarrow timestamp with a zone": pd.Series(pd.to_datetime(dates).tz_localize("UTC").tz_convert("Europe/Rome"),
                                                   dtype=pd.ArrowDtype(pa.timestamp("us", tz="Europe/Rome"))),
    }
    for what, column in variants.items():
        pd.testing.assert_frame_equal(_fit(pd.DataFrame({"d": column}))[1], expected, obj=what)


def test_strings_are_not_parsed_at_fit_time():
    X = pd.DataFrame({"s": ["2021-01-01", "2021-02-01", "2021-01-01", "2021-03-01"]})
    validator, canonical = _fit(X)
    assert validator.feature_types_ == {"s": "categorical"} and not validator.datetime_columns_


# ------------------------------------------------------------------ predict-time input
def test_predict_parses_strings_and_refuses_what_is_not_a_date():
    when = pd.to_datetime(["2021-03-04 05:06", "2022-07-08 09:10", "2023-11-12 13:14", "2024-02-29 23:59"])
    validator, canonical = _fit(pd.DataFrame({"when": when.tz_localize("Europe/Paris")}))
    as_strings = pd.DataFrame({"when": when.tz_localize("Europe/Paris").astype(str)})  # "2021-03-04 05:06:00+01:00"
    pd.testing.assert_frame_equal(validator.transform(as_strings), canonical)
    mixed_formats = pd.DataFrame({"when": ["2021-03-04T04:06:00Z", "8 July 2022 07:10 UTC", None]})
    parsed = validator.transform(mixed_formats)
    np.testing.assert_array_equal(parsed["when__ordinal"].iloc[:1], canonical["when__ordinal"].iloc[:1])
    assert parsed["when__hour"].iloc[1] == 7.0 and parsed.iloc[2].isna().all()
    with pytest.raises(ValueError, match=r"column 'when' held datetimes.*1 value\(s\) cannot be read as dates.*"
                                         r"'next tuesday'"):
        validator.transform(pd.DataFrame({"when": ["2021-03-04", "next tuesday"]}))
    with pytest.raises(ValueError, match=r"column 'when' held datetimes at fit time but now holds int64"):
        validator.transform(pd.DataFrame({"when": [1_600_000_000, 1_700_000_000]}))


def test_transform_accepts_its_own_output():
    """Distillation labels canonical rows with the teacher: the canonical frame is a valid input too."""
    X = pd.DataFrame({"when": pd.date_range("2021-01-01", periods=4, freq="30h"), "a": [1.0, 2.0, 3.0, 4.0]})
    validator, canonical = _fit(X)
    pd.testing.assert_frame_equal(validator.transform(canonical), canonical)
    with pytest.raises(ValueError, match=r"missing \['when'\].*unexpected \['when__day', "):
        validator.transform(canonical.drop(columns="when__hour"))


# ------------------------------------------------------------------ types, targets, timedeltas
def test_a_datetime_target_is_refused():
    X = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0]})
    stamps = pd.Series(pd.to_datetime(["2021-01-01", "2021-01-02"] * 2))
    for y in (stamps, stamps.dt.tz_localize("UTC"), stamps.dt.date, stamps.to_numpy()):
        with pytest.raises(ValueError, match="y holds datetimes; classification needs class labels"):
            InputValidator().fit(X, y)
    with pytest.raises(ValueError, match="y holds timedeltas"):
        InputValidator().fit(X, stamps - stamps.min())


def test_timedelta_columns_are_their_total_seconds():
    spans = pd.to_timedelta(["1h", "90s", None, "2 days"])
    X = pd.DataFrame({"span": spans, "objects": pd.Series(list(spans), dtype=object)})
    assert infer_feature_types(X) == {"span": "numeric", "objects": "numeric"}
    validator, canonical = _fit(X)
    assert list(canonical.columns) == ["span", "objects"]
    np.testing.assert_array_equal(canonical["span"], [3600.0, 90.0, np.nan, 172800.0])
    np.testing.assert_array_equal(canonical["objects"], canonical["span"])
    pd.testing.assert_frame_equal(validator.transform(X.iloc[:2]), canonical.iloc[:2])


def test_feature_types_and_names_around_datetime_columns():
    X = pd.DataFrame({"when": pd.date_range("2021-01-01", periods=4, freq="D"), "a": [1.0, 2.0, 3.0, 4.0]})
    as_text = InputValidator(feature_types={"when": "categorical"})
    assert as_text.fit_transform(X, Y4)[0]["when"].tolist()[0] == "2021-01-01 00:00:00"
    as_numbers = InputValidator(feature_types=["numeric", "numeric"]).fit(X, Y4)  # a list names every column
    assert "when__ordinal" in as_numbers.feature_types_
    with pytest.raises(ValueError, match="datetime column 'when' as 'boolean'"):
        InputValidator(feature_types={"when": "boolean"}).fit(X, Y4)
    with pytest.raises(ValueError, match=r"already has column\(s\) \['when__day'\]"):
        InputValidator().fit(X.assign(when__day=1.0), Y4)
    with pytest.raises(ValueError, match="'when' holds datetimes.*InputValidator turns them"):
        infer_feature_types(X)


# ------------------------------------------------------------------ end to end on real data
def _haberman_with_a_timestamp() -> tuple[pd.DataFrame, pd.Series]:
    """haberman (306 rows, 3 weak features; 74 % of one class) with an admission time in Tokyo: weekend
    admissions mostly for the minority class (5 % of rows against the rule), a few times missing. The
    weekend is a UTC weekend, which only reading the zone-aware values in UTC recovers."""
    X, y = load_mirror("43_haberman.parquet")
    rng = np.random.default_rng(0)
    minority = (y == y.value_counts().index[-1]).to_numpy()
    weekend = minority ^ (rng.random(len(y)) < 0.05)
    monday = pd.Timestamp("2022-01-03", tz="UTC") + pd.to_timedelta(7 * rng.integers(0, 104, len(y)), unit="D")
    day = np.where(weekend, rng.integers(5, 7, len(y)), rng.integers(0, 5, len(y)))
    instants = monday + pd.to_timedelta(day, unit="D") + pd.to_timedelta(rng.integers(0, 24 * 60, len(y)), unit="min")
    when = pd.Series(instants.tz_convert("Asia/Tokyo"))
    when[rng.random(len(y)) < 0.03] = pd.NaT
    return X.assign(admitted=when), y


@pytest.mark.filterwarnings("ignore:X and y have different indexes")
def test_a_model_fitted_with_a_datetime_column_uses_it_predicts_on_strings_and_round_trips(tmp_path):
    from sklearn.model_selection import train_test_split

    from autoclf import AutoClassifier
    from autoclf.metalearning import compute_metafeatures

    X, y = _haberman_with_a_timestamp()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
    model = AutoClassifier(time_left=120, n_trials=3, include={"classifier": FAST}, resampling="holdout", seed=0,
                           verbose=0).fit(X_train, y_train)
    assert list(model.feature_names_in_) == list(X.columns) and model.n_features_in_ == 4
    assert "admitted__day_of_week" in model.validator_.info_.numeric_columns
    predicted = model.predict(X_test)
    prior = y_test.value_counts(normalize=True).max()
    accuracy = float(np.mean(predicted == y_test.to_numpy()))
    assert accuracy > prior + 0.15, (accuracy, prior)  # without it, the same fit scores the prior (0.74)
    importances = model.permutation_importances(X_test, y_test, n_repeats=3)
    assert importances["feature"].iloc[0] == "admitted"

    strings = X_test.assign(admitted=X_test["admitted"].astype(str).replace("NaT", None))
    np.testing.assert_array_equal(model.predict_proba(strings), model.predict_proba(X_test))
    path = tmp_path / "model.joblib"
    model.save(path)
    loaded = AutoClassifier.load(path)
    np.testing.assert_array_equal(loaded.predict_proba(X_test), model.predict_proba(X_test))
    with pytest.raises(ValueError, match=r"'Survival_status' is the name of the target y"):
        loaded.predict(X_test.assign(Survival_status=y_test))

    # a student distilled from it predicts on the raw columns too (the teacher's validator derives the features)
    student = model.distill(X_train, y_train, student="hist_gb", augment=None, time_left=20)
    assert float(np.mean(student.predict(X_test) == y_test.to_numpy())) > prior + 0.1
    with pytest.raises(NotImplementedError, match="calendar features"):
        student.to_onnx()

    # meta-features read the canonical frame: each derived column is a numeric feature, NaT a missing value
    n_parts = len(model.validator_.datetime_columns_["admitted"].parts)
    features = compute_metafeatures(X_train, y_train)
    assert features["NumberOfFeatures"] == 3 + n_parts and features["NumberOfNumericFeatures"] >= n_parts
    assert features["NumberOfMissingValues"] == X_train["admitted"].isna().sum() * n_parts > 0
    assert np.isfinite(features["Landmark1NN"]) and np.isfinite(features["SkewnessMean"])
