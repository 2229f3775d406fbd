#!/usr/bin/env bash
# Rebuild the shipped meta-database from the mirror: a real cold search per data set (100 trials or 300 s),
# meta-features, then the dense matrix (each search's best 2 configurations and the family defaults on every
# data set: 3-fold CV on at most 5000 rows). Hours on 2 cores: run it in the background, it resumes.
#
#   nohup bash scripts/metadb_rebuild.sh [WORKERS] > metadb_rebuild.log 2>&1 &
#   COMMIT_EVERY=20 nohup bash scripts/metadb_rebuild.sh 2 > metadb_rebuild.log 2>&1 &   # commit progress
#
# Progress is kept per data set in experiments/metadb/ (search/, metafeatures/, matrix/): committed (by hand,
# or every COMMIT_EVERY minutes: only that folder, nothing else staged goes with it), a clone on another
# machine resumes where this one stopped. The database of whatever is complete is written to
# data/metadb.json.gz at the end (or at once, with no new work: PHASE=assemble).
# Its jobs import autoclf afresh from this checkout: do not edit or move autoclf's modules while it runs (run
# it from a `git worktree` of its own if you work on the code meanwhile).
set -euo pipefail
cd "$(dirname "$0")/.."
WORKERS="${1:-$(nproc)}"
MIRROR="${AUTOCLF_MIRROR:-../shared/datasets}"
. .venv/bin/activate
if [ -n "${COMMIT_EVERY:-}" ]; then
    (
        while sleep "$((COMMIT_EVERY * 60))"; do
            git add experiments/metadb
            searches=$(ls experiments/metadb/search 2>/dev/null | wc -l)
            matrix=$(ls experiments/metadb/matrix 2>/dev/null | wc -l)
            git commit -q -m "Meta-database rebuild progress: $searches searches, $matrix data sets in the matrix" \
                -- experiments/metadb || true
        done
    ) &
    committer=$!
    trap 'kill $committer 2>/dev/null || true' EXIT
fi
autoclf -v metadb rebuild --source "$MIRROR" --work-dir experiments/metadb --output data/metadb.json.gz \
    --workers "$WORKERS" --phase "${PHASE:-all}"
autoclf metadb info data/metadb.json.gz
