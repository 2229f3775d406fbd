#!/usr/bin/env bash
# The command line: fit on a csv file, then predict another one. Run: bash examples/command_line.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python - "$work" <<'PY'
import sys
import pandas as pd
frame = pd.read_parquet("data/credit-g.parquet")
frame.iloc[:700].to_csv(f"{sys.argv[1]}/train.csv", index=False)
frame.iloc[700:].drop(columns=["class"]).to_csv(f"{sys.argv[1]}/test.csv", index=False)
PY
python -m autoclf.cli fit "$work/train.csv" --target class --time-left 60 --n-trials 3 --quiet \
    --output "$work/model.joblib"
python -m autoclf.cli predict "$work/model.joblib" "$work/test.csv" --output "$work/predictions.csv"
head -3 "$work/predictions.csv"
