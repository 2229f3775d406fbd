#!/usr/bin/env bash
# Set up (if needed) and run the demo: a fit on the shipped credit-g data, its leaderboard and a test score.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] && .venv/bin/python -c "import autoclf, smac, torch, lightgbm" 2>/dev/null || bash scripts/setup.sh
. .venv/bin/activate
autoclf demo "$@"
