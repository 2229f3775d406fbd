"""Issue 3 benchmark line: networks compete in the joint search. A 120 s AutoClassifier run on optdigits
(OpenML 28, 10 classes, 64 numeric features), 25 % stratified test split, seed 0: the leaderboard's network
trials, where the best of them ranks, and the test log loss and accuracy of the final model.

Run: python experiments/networks_in_search.py [--time-left 120] [--id 28]
Writes experiments/results/networks_in_search.csv (the leaderboard) and prints a summary.
"""

from __future__ import annotations

import argparse
import time

from common import RESULTS, load_mirror, standard_split
from sklearn.metrics import accuracy_score, log_loss

from autoclf import AutoClassifier


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-left", type=float, default=120)
    parser.add_argument("--id", type=int, default=28)
    args = parser.parse_args()
    X, y, name = load_mirror(args.id)
    X_train, X_test, y_train, y_test = standard_split(X, y)
    started = time.perf_counter()
    model = AutoClassifier(time_left=args.time_left, seed=0, verbose=0).fit(X_train, y_train)
    seconds = time.perf_counter() - started
    board = model.leaderboard(columns="all")
    RESULTS.mkdir(exist_ok=True)
    board.to_csv(RESULTS / "networks_in_search.csv", index=False)
    networks = board[board.classifier == "mlp"]
    proba = model.predict_proba(X_test)
    print(f"{name} ({args.id}), time_left={args.time_left:.0f} s: fit {seconds:.1f} s, {len(board)} trials, "
          f"{len(networks)} network trials ({(networks.status == 'success').sum()} successful)")
    if len(networks):
        print(f"best network: rank {networks['rank'].iloc[0]} of {len(board)}, held-out "
              f"{model.metric_.name} {networks[model.metric_.name].iloc[0]:.4f}")
    print(f"best trial: {board.classifier.iloc[0]} ({model.metric_.name} {board[model.metric_.name].iloc[0]:.4f});"
          f" test log loss {log_loss(y_test, proba, labels=model.classes_):.4f}, "
          f"accuracy {accuracy_score(y_test, model.predict(X_test)):.4f}")
    print(board.head(15).to_markdown(index=False, floatfmt=".4f"))


if __name__ == "__main__":
    main()
