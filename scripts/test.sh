#!/usr/bin/env bash
# Set up (if needed) and run the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] && .venv/bin/python -c "import autoclf, smac, torch, lightgbm, mypy, importlinter, ruff, onnxruntime, skl2onnx, mkdocs, mkdocstrings" 2>/dev/null || bash scripts/setup.sh
. .venv/bin/activate
python -m pytest -q "$@"
