"""How fast is a student's ONNX graph under ONNX Runtime against the student's own predict_proba?

Each student family is fitted on a vendored data set (tests/data/mirror), exported with ``to_onnx``, and
both predict the same raw DataFrame: 2000 rows (Titanic's rows drawn with replacement: numeric,
categorical with missing values, one boolean column; letter: 16 numeric columns, 26 classes) and one row.
Each figure is the median of 5 calls after one warm-up call, one thread for both. ``onnx_ms`` includes
building the inputs from the DataFrame (``onnx_feed``), as a user's serving code pays it;
``onnx_run_only_ms`` is the session alone, on inputs built beforehand.

    python experiments/onnx_latency.py   # writes results/onnx_latency.csv and results/onnx_latency.md
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
FAMILIES = {"logistic": {}, "tree": {}, "hist_gb": {"max_iter": 100}, "mlp": {"max_epochs": 20}}


def titanic() -> tuple[pd.DataFrame, pd.Series]:
    frame = pd.read_parquet(REPO / "tests" / "data" / "mirror" / "40945_Titanic.parquet")
    X = frame.drop(columns=["survived", "name"])  # "name" is free text, which has no ONNX export
    X["alone"] = (X["sibsp"] + X["parch"]) == 0
    return X, frame["survived"]


def letter() -> tuple[pd.DataFrame, pd.Series]:
    frame = pd.read_parquet(REPO / "tests" / "data" / "mirror" / "6_letter.parquet")
    return frame.iloc[:4000, :-1], frame.iloc[:4000, -1]


def median_seconds(call, repeats: int = 5) -> float:
    call()  # warm-up: lazy imports, allocations
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(student, session, rows: pd.DataFrame) -> dict[str, float]:
    """Milliseconds of predict_proba, of the session with and without building its inputs; the gap."""
    from autoclf.distillation.onnx import onnx_feed

    python = median_seconds(lambda: student.predict_proba(rows))
    onnx = median_seconds(lambda: session.run(["probabilities"], onnx_feed(session, rows)))
    feed = onnx_feed(session, rows)
    run_only = median_seconds(lambda: session.run(["probabilities"], feed))
    gap = float(np.abs(session.run(["probabilities"], feed)[0] - student.predict_proba(rows)).max())
    return {"predict_proba_ms": 1000 * python, "onnx_ms": 1000 * onnx, "onnx_run_only_ms": 1000 * run_only,
            "speedup": python / onnx, "max_abs_difference": gap}


def main() -> None:
    import onnxruntime
    from threadpoolctl import threadpool_limits

    from autoclf.distillation import StudentClassifier

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    rows = []
    for name, load in (("titanic", titanic), ("letter", letter)):
        X, y = load()
        batch = X.sample(n=2000, replace=True, random_state=0).reset_index(drop=True)
        for family, params in FAMILIES.items():
            with threadpool_limits(limits=1):
                student = StudentClassifier(family, params).fit(X, y)
                session = onnxruntime.InferenceSession(student.to_onnx(), options,
                                                       providers=["CPUExecutionProvider"])
                for size in (2000, 1):
                    rows.append({"data": name, "family": family, "rows": size,
                                 **measure(student, session, batch.iloc[:size])})
                    print(rows[-1], flush=True)
    table = pd.DataFrame(rows)
    RESULTS.mkdir(exist_ok=True)
    table.to_csv(RESULTS / "onnx_latency.csv", index=False)
    (RESULTS / "onnx_latency.md").write_text(
        "# Student predict latency: ONNX Runtime vs predict_proba (median of 5, one thread)\n\n"
        + table.to_markdown(index=False, floatfmt=".3g") + "\n")


if __name__ == "__main__":
    main()
