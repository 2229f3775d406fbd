"""pyarrow-backed and nullable-dtype input: the same canonical frame, and the same model, as numpy-backed input."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from conftest import FAST, MIRROR, REPO

from autoclf.dataset.validator import InputValidator

FILES = sorted(MIRROR.glob("*.parquet")) + [REPO / "data" / "credit-g.parquet"]


def _split(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    return frame.iloc[:, :-1], frame.iloc[:, -1]


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_a_pyarrow_backed_file_gives_the_numpy_backed_canonical_frame(path):
    X_arrow, y_arrow = _split(pd.read_parquet(path, dtype_backend="pyarrow"))
    X_numpy, y_numpy = _split(pd.read_parquet(path))
    assert any(isinstance(dtype, pd.ArrowDtype) for dtype in X_arrow.dtypes)
    arrow, numpy = InputValidator(), InputValidator()
    canonical_arrow, codes_arrow = arrow.fit_transform(X_arrow, y_arrow)
    canonical_numpy, codes_numpy = numpy.fit_transform(X_numpy, y_numpy)
    pd.testing.assert_frame_equal(canonical_arrow, canonical_numpy)
    np.testing.assert_array_equal(codes_arrow, codes_numpy)
    assert arrow.feature_types_ == numpy.feature_types_ and arrow.info_ == numpy.info_
    assert arrow.classes_.tolist() == numpy.classes_.tolist()
    # predict-time input may come in either backend, whichever the model was fitted on
    pd.testing.assert_frame_equal(numpy.transform(X_arrow.iloc[:50]), canonical_numpy.iloc[:50])
    pd.testing.assert_frame_equal(arrow.transform(X_numpy.iloc[:50]), canonical_numpy.iloc[:50])


@pytest.mark.parametrize("file", ["40945_Titanic.parquet", "2_anneal.parquet", "42585_penguins.parquet"])
def test_nullable_dtypes_give_the_numpy_canonical_frame(file):
    """``convert_dtypes`` turns floats into Int64 / Float64, strings into ``string``, with ``pd.NA``."""
    X, y = _split(pd.read_parquet(MIRROR / file))
    nullable = X.convert_dtypes()
    assert any(isinstance(dtype, (pd.Int64Dtype, pd.StringDtype, pd.Float64Dtype)) for dtype in nullable.dtypes)
    expected, _ = InputValidator().fit_transform(X, y)
    validator = InputValidator()
    pd.testing.assert_frame_equal(validator.fit_transform(nullable, y.convert_dtypes())[0], expected)
    pd.testing.assert_frame_equal(validator.transform(X), expected)


def test_every_pyarrow_scalar_type_with_nulls():
    n = 8
    numbers = [1, None, 3, 4, 5, 6, None, 8]
    data = {
        "ints": (numbers, pa.int64()),
        "uints": (numbers, pa.uint8()),
        "floats": ([0.5, None, 1.5, 2.0, None, 3.0, 4.0, 5.5], pa.float32()),
        "strings": (["a", None, "b", "a", "b", None, "a", "c"], pa.string()),
        "large_strings": (["u", "v", None, "u", "v", "u", "v", "u"], pa.large_string()),
        "bools": ([True, None, False, True, False, True, None, False], pa.bool_()),
        "dictionary": (["x", "y", None, "x", "y", "x", "y", "x"], pa.dictionary(pa.int8(), pa.string())),
        "durations": ([60, None, 120, 180, 240, 300, 360, 420], pa.duration("s")),
    }
    arrow = pd.DataFrame({name: pd.Series(pa.array(values, type=kind), dtype=pd.ArrowDtype(kind))
                          for name, (values, kind) in data.items()})
    numpy = pd.DataFrame({name: pa.array(values, type=kind).to_pandas() for name, (values, kind) in data.items()})
    y = [0, 1] * (n // 2)
    validator = InputValidator()
    canonical, _ = validator.fit_transform(arrow, y)
    assert validator.feature_types_ == {"ints": "numeric", "uints": "numeric", "floats": "numeric",
                                        "strings": "categorical", "large_strings": "categorical",
                                        "bools": "boolean", "dictionary": "categorical", "durations": "numeric"}
    pd.testing.assert_frame_equal(canonical, InputValidator().fit_transform(numpy, y)[0])
    np.testing.assert_array_equal(canonical["bools"], [1.0, np.nan, 0.0, 1.0, 0.0, 1.0, np.nan, 0.0])
    np.testing.assert_array_equal(canonical["durations"], [60.0, np.nan, 120.0, 180.0, 240.0, 300.0, 360.0, 420.0])
    assert canonical["dictionary"].iloc[:2].tolist() == ["x", "y"] and canonical["dictionary"].isna().sum() == 1


def test_pyarrow_labels_and_nested_columns():
    X = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0]})
    for kind in (pa.string(), pa.dictionary(pa.int32(), pa.string())):
        y = pd.Series(pa.array(["no", "yes", "no", "yes"], type=kind), dtype=pd.ArrowDtype(kind))
        validator = InputValidator().fit(X, y)
        assert validator.classes_.tolist() == ["no", "yes"] and validator.classes_.dtype == object
    y_int = pd.Series([3, 7, 3, 7], dtype="int64[pyarrow]")
    assert InputValidator().fit(X, y_int).classes_.dtype == np.int64
    with pytest.raises(ValueError, match="1 missing label"):
        InputValidator().fit(X, pd.Series([3, None, 3, 7], dtype="int64[pyarrow]"))
    nested = X.assign(tags=pd.Series([[1], [2, 3], [], None], dtype=pd.ArrowDtype(pa.list_(pa.int64()))))
    with pytest.raises(ValueError, match="column 'tags' holds nested pyarrow values"):
        InputValidator().fit(nested, [0, 1, 0, 1])


def test_fits_on_the_pyarrow_and_numpy_frames_of_one_file_predict_the_same(tmp_path):
    from autoclf import AutoClassifier

    path = MIRROR / "40945_Titanic.parquet"
    predictions = []
    for backend in ("pyarrow", "numpy_nullable", None):
        frame = pd.read_parquet(path, dtype_backend=backend) if backend else pd.read_parquet(path)
        X, y = _split(frame)
        model = AutoClassifier(time_left=120, n_trials=3, include={"classifier": FAST}, resampling="holdout",
                               warm_start=None, seed=0, verbose=0).fit(X, y)
        predictions.append(model.predict_proba(X))
    np.testing.assert_array_equal(predictions[0], predictions[2])
    np.testing.assert_array_equal(predictions[1], predictions[2])
