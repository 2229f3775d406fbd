#!/usr/bin/env bash
# Create the virtual environments of the AutoML systems that `autoclf benchmark` races against, with the
# versions the published figures used. Each peer gets its own environment (its pins clash with autoclf's:
# FLAML wants xgboost 2.1, AutoGluon its own scikit-learn), and needs only numpy, pandas and pyarrow
# besides itself: the benchmark's worker script imports nothing of autoclf for a peer.
#
#   bash scripts/peer_envs.sh [DIR]        # default DIR: .venv-peers (ignored by git)
#
# Then point the benchmark at them:
#   export AUTOCLF_PYTHON_FLAML=DIR/flaml/bin/python AUTOCLF_PYTHON_AUTOGLUON=DIR/autogluon/bin/python
# AutoGluon pulls torch: the CPU wheel is installed first (a bare torch requirement pulls a CUDA build).
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="${1:-.venv-peers}"
PYTHON="${PYTHON:-python3}"
FLAML_VERSION="2.8.0"
AUTOGLUON_VERSION="1.6.3"
TORCH_VERSION="2.13.0"

make_env() {  # make_env NAME PACKAGES...: a venv with the packages, unless it already imports
  local name="$1"; shift
  local probe="$1"; shift
  if [ -x "$DIR/$name/bin/python" ] && "$DIR/$name/bin/python" -c "import $probe, pyarrow" 2>/dev/null; then
    echo "$DIR/$name: ready"; return
  fi
  "$PYTHON" -m venv "$DIR/$name"
  "$DIR/$name/bin/pip" install -q --upgrade pip
  for step in "$@"; do
    # shellcheck disable=SC2086  # each step is a list of requirements
    "$DIR/$name/bin/pip" install -q $step
  done
  "$DIR/$name/bin/python" -c "import $probe, pyarrow" && echo "$DIR/$name: installed"
}

mkdir -p "$DIR"
make_env flaml flaml "flaml[automl]==$FLAML_VERSION pyarrow"
make_env autogluon autogluon.tabular "torch==$TORCH_VERSION" "autogluon.tabular[all]==$AUTOGLUON_VERSION pyarrow"
echo "export AUTOCLF_PYTHON_FLAML=$PWD/$DIR/flaml/bin/python AUTOCLF_PYTHON_AUTOGLUON=$PWD/$DIR/autogluon/bin/python"
