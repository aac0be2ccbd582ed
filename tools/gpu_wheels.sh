#!/usr/bin/env bash
# Download (here, where the package registries answer) the wheels the GPU machine lacks:
# evosax and gymnax at this project's pins and the needs that image does not hold
# (dotmap, gymnasium, farama-notifications). They go to .whl/ (git-ignored through
# .git/info/exclude) and travel with `run`'s carry=[".whl"]; tools/gpu_check.sh installs them.
set -euo pipefail
cd "$(dirname "$0")/.."
grep -qx "/.whl/" .git/info/exclude 2>/dev/null || echo /.whl/ >> "$(git rev-parse --git-common-dir)/info/exclude"
pin() { grep -i "^$1==" constraints.txt | head -1; }
python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform any \
    -d .whl "$(pin evosax)" "$(pin gymnax)" dotmap gymnasium farama-notifications
ls -la .whl
