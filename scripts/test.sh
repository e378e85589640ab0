#!/usr/bin/env bash
# Installs what is missing, builds everything with warnings as errors, runs every test.
# Ends with ctest's summary; exits non-zero when anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

scripts/install-deps.sh test
scripts/check-layers.sh

jobs=$(nproc)
cmake --preset ci >/dev/null
cmake --build build-ci -j "$jobs"

echo "build done in $(( $(date +%s) - started )) s"
cd build-ci
ctest --output-on-failure -j "$jobs" --timeout 300
