"""Where a fit's memory goes: each process of the tree sampled over time (PSS), the peak and its make-up.

Why: the benchmark records only the peak of the summed tree (issue 17's goal is at most 2x FLAML's); this
says which process holds it (main, forkserver, trial worker) and when, so a change can be aimed and checked.

    python experiments/memory_profile.py credit-g --time-left 30 [--mirror ../shared/datasets] [--cores 0]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil

FIT = textwrap.dedent("""
    import json, sys, time
    import pandas as pd
    from sklearn.model_selection import train_test_split
    from sklearn.metrics import roc_auc_score, log_loss
    from autoclf import AutoClassifier
    frame = pd.read_parquet(sys.argv[1])
    X, y = frame.iloc[:, :-1], frame.iloc[:, -1]
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
    model = AutoClassifier(time_left=float(sys.argv[2]), seed=0, verbose=0, **json.loads(sys.argv[3]))
    model.fit(X_train, y_train)
    print("trials", len(model.results_), "log_loss", log_loss(y_test, model.predict_proba(X_test),
          labels=model.classes_), flush=True)
""")


def _role(process: psutil.Process, root_pid: int) -> str:
    if process.pid == root_pid:
        return "main"
    try:
        line = " ".join(process.cmdline())
    except psutil.Error:
        return "?"
    if "forkserver" in line:  # the forkserver's children have its command line too
        parent = process.parent()
        return "worker" if parent is not None and parent.pid != root_pid else "forkserver"
    if "resource_tracker" in line:
        return "resource_tracker"
    return "worker"


def sample(pid: int) -> dict[str, float]:
    """PSS in MB of each role in the tree of ``pid`` (roles with several processes are summed)."""
    by_role: dict[str, float] = {}
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return by_role
    for process in processes:
        try:
            pss = process.memory_full_info().pss / 2**20
        except psutil.Error:
            continue
        role = _role(process, pid)
        by_role[role] = by_role.get(role, 0.0) + pss
    return by_role


def find_data(name: str, mirror: Path) -> Path:
    matches = sorted(mirror.glob(f"*_{name}.parquet"))
    if not matches:
        raise SystemExit(f"no data set {name!r} in {mirror}")
    return matches[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset")
    parser.add_argument("--time-left", type=float, default=30.0)
    parser.add_argument("--mirror", default=os.environ.get("AUTOCLF_MIRROR", "../shared/datasets"))
    parser.add_argument("--cores", default="0", help="taskset core list for the fit's tree (one core, as the race)")
    parser.add_argument("--interval", type=float, default=0.2)
    parser.add_argument("--params", default="{}",
                        help='AutoClassifier parameters as JSON, e.g. \'{"exclude": {"classifier": ["mlp"]}}\'')
    parser.add_argument("--out", default=None, help="write the samples as JSON here")
    args = parser.parse_args(argv)
    path = find_data(args.dataset, Path(args.mirror))
    command = ["taskset", "-c", args.cores, sys.executable, "-c", FIT, str(path), str(args.time_left), args.params]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    samples = []
    while process.poll() is None:
        by_role = sample(process.pid)
        if by_role:
            rounded = {role: round(mb, 1) for role, mb in by_role.items()}
            samples.append({"t": round(time.perf_counter() - started, 2), **rounded})
        time.sleep(args.interval)
    output = process.stdout.read().strip()
    totals = [sum(v for k, v in s.items() if k != "t") for s in samples]
    peak = max(range(len(samples)), key=totals.__getitem__)
    roles = sorted({k for s in samples for k in s if k != "t"})
    print(f"{args.dataset}: {output}")
    print(f"peak tree PSS {totals[peak]:.0f} MB at {samples[peak]['t']:.1f} s: "
          + ", ".join(f"{role} {samples[peak].get(role, 0):.0f}" for role in roles))
    print("each role's own peak: " + ", ".join(f"{role} {max(s.get(role, 0) for s in samples):.0f}" for role in roles))
    if args.out:
        Path(args.out).write_text(json.dumps(samples))
    return process.returncode


if __name__ == "__main__":
    raise SystemExit(main())
