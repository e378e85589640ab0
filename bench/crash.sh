#!/usr/bin/env bash
# The long crash run (issue 9): the test command's crash test (tests/integration/crash_test.cpp,
# 50 rounds there) with more rounds, on the AddressSanitizer + UndefinedBehaviorSanitizer build.
# Each round starts the real binary, writes through it from three clients and kills it with
# SIGKILL; the end checks that nothing acknowledged was lost and each email went out once (or
# twice with one Message-ID).
#
#   bench/crash.sh            200 rounds
#   bench/crash.sh ROUNDS     another number
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-200}"
scripts/install-deps.sh test
cmake --preset asan >/dev/null
cmake --build build-asan -j "$(nproc)" --target convene convene_integration_tests
CONVENE_CRASH_ROUNDS="$rounds" ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  build-asan/tests/convene_integration_tests --gtest_filter='Crash.*'
