#!/usr/bin/env bash
# The race: autoclf against FLAML, AutoGluon and a default HistGradientBoosting on the 23 mirror data sets
# of data/race_suite.csv (left out of the meta-database by name and OpenML id; MagicTelescope removed: its
# mirror file keeps OpenML's row-id column ID, sorted by class, which gives the class away), at 60 s on all
# and at 300 s on the 11 marked at_300s (the five large ones among them). One core per run (taskset), the
# same split for every framework, test ROC AUC (binary) or log loss (multiclass), peak memory of the whole process tree.
#
#   bash scripts/race.sh [OUT] [PARALLEL]     # default OUT experiments/results/race, PARALLEL = cores
#
# Resumable: run it again after an interruption and only the missing runs are done. About 24 x 4 x 70 s
# at 60 s and 12 x 4 x 330 s at 300 s of single-core time (7 h on one core). Needs the mirror
# ($AUTOCLF_MIRROR or ../shared/datasets) and the peers' environments (scripts/peer_envs.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-experiments/results/race}"
PARALLEL="${2:-$(nproc)}"
bash scripts/peer_envs.sh .venv-peers > /dev/null
export AUTOCLF_PYTHON_FLAML="$PWD/.venv-peers/flaml/bin/python"
export AUTOCLF_PYTHON_AUTOGLUON="$PWD/.venv-peers/autogluon/bin/python"
. .venv/bin/activate
FRAMEWORKS="autoclf,flaml,autogluon,hgb"
LONG=$(python -c "import csv; print(','.join(r['name'] for r in csv.DictReader(open('data/race_suite.csv'))
                                        if r['at_300s'] == 'True'))")
autoclf benchmark --suite race --frameworks "$FRAMEWORKS" --time-left 60 --parallel "$PARALLEL" --out "$OUT"
autoclf benchmark --suite race --tasks "$LONG" --frameworks "$FRAMEWORKS" --time-left 300 \
    --parallel "$PARALLEL" --out "$OUT"
