#!/usr/bin/env bash
# The project's one GPU command (tools/gpu_check.py says what it does): ≤ 8 minutes on one
# GPU, no network. Wheels the GPU machine lacks (evosax, gymnax and their needs) travel in
# .whl/ (made here by tools/gpu_wheels.sh) and are installed into /tmp/site first.
#
#   tools/gpu_check.sh                      on the device: OUT=$OUT (the device tool's)
#   tools/gpu_check.sh --scale smoke --out _build/gpu-check-smoke   the suite's CPU check
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
if [ -d .whl ] && ! "$PY" -c "import evosax, gymnax" 2>/dev/null; then
    "$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target /tmp/site .whl/*.whl
    export PYTHONPATH="/tmp/site:${PYTHONPATH:-}"
fi
export PYTHONPATH="$PWD:${PYTHONPATH:-}"
args=("$@")
if [ -n "${OUT:-}" ] && [[ " $* " != *" --out "* ]]; then args+=(--out "$OUT/gpu-check"); fi
exec "$PY" tools/gpu_check.py "${args[@]}"
