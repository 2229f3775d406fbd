"""Messy real-world input: missing values, infinities, mixed types, a constant column, new categories at
predict time, and what a clear refusal looks like.

Run: python examples/messy_data.py
"""

import logging

import numpy as np
import pandas as pd

from autoclf import AutoClassifier


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    rng = np.random.default_rng(0)
    n = 300
    X = pd.DataFrame({
        "income": rng.normal(50, 10, n),
        "city": rng.choice(["Paris", "Lyon", "Nice", None], n),       # categorical with missing values
        "code": pd.Series([1, "A", 2.5, None] * (n // 4), dtype=object),  # mixed types: treated as categorical
        "constant": 1.0,
        "flag": rng.choice([True, False], n),
    })
    X.loc[::17, "income"] = np.inf                                     # treated as missing, with a warning
    y = np.where(X["income"].clip(upper=80) + 5 * X["flag"] > 52, "approve", "reject")

    model = AutoClassifier(time_left=60, per_run_time_limit=20, n_trials=3, seed=0, verbose=0,
                           include={"classifier": ["random_forest", "decision_tree"]}).fit(X, y)
    print("inferred types:", model.validator_.feature_types_)

    new = X.head(3).assign(city=["Berlin", None, "Paris"], code=["Z", None, 1])  # unseen values are fine
    print("predictions on new categories:", model.predict(new).tolist())

    try:
        model.predict(X.drop(columns=["city"]))
    except ValueError as error:                                        # errors name the problem
        print("refused:", error)


if __name__ == "__main__":
    main()
