#!/usr/bin/env bash
# Create .venv with autoclf installed, with the optional boosting libraries so that their tests run.
# torch first, from its CPU wheel: a bare torch requirement pulls CUDA.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
. .venv/bin/activate
pip install -q --upgrade pip
pip install -q torch==2.13.0
pip install -q -e ".[test,boosting]"
