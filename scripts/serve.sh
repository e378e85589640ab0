#!/usr/bin/env bash
# Installs what is missing, builds build/convene (optimised), and serves on 127.0.0.1:8080
# with ./convene.db. Extra arguments go to `convene serve` (see build/convene --help).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build
cmake --preset release >/dev/null
cmake --build build --target convene
exec build/convene serve "$@"
