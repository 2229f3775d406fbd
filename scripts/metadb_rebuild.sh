#!/usr/bin/env bash
# Rebuild the shipped meta-database from the mirror: a real cold search per data set (100 trials or 300 s),
# meta-features, then the dense matrix (each search's best 2 configurations and the family defaults on every
# data set: 3-fold CV on at most 5000 rows). Hours on 2 cores: run it in the background, it resumes.
#
#   nohup bash scripts/metadb_rebuild.sh [WORKERS] > metadb_rebuild.log 2>&1 &
#
# Progress is kept per data set in benchmarks/metadb/ (search/, metafeatures/, matrix/): commit it, and a
# clone on another machine resumes where this one stopped. The database of whatever is complete is written
# to data/metadb.json.gz at the end (or now, without new work: add PHASE=assemble).
set -euo pipefail
cd "$(dirname "$0")/.."
WORKERS="${1:-$(nproc)}"
MIRROR="${AUTOCLF_MIRROR:-../shared/datasets}"
. .venv/bin/activate
autoclf -v metadb rebuild --source "$MIRROR" --work-dir benchmarks/metadb --output data/metadb.json.gz \
    --workers "$WORKERS" --phase "${PHASE:-all}"
autoclf metadb info data/metadb.json.gz
