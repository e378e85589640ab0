#!/usr/bin/env bash
# Installs what is missing, builds everything with warnings as errors, runs every test.
# Ends with ctest's summary; exits non-zero when anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

scripts/install-deps.sh test
scripts/check-layers.sh

jobs=$(nproc)

# 1. Every test under AddressSanitizer + UndefinedBehaviorSanitizer.
cmake --preset asan >/dev/null
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs" --timeout 300

# 2. The unit and integration tests again under ThreadSanitizer: the live layer (hub, event
#    loops, mailboxes, WebSockets) above all, and everything else that runs threads.
cmake --preset tsan >/dev/null
cmake --build build-tsan -j "$jobs" --target convene_unit_tests convene_integration_tests
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
  ctest --test-dir build-tsan --output-on-failure -j "$jobs" --timeout 300 -L 'unit|integration' \
        -E '^sql_from_'

# 3. The libFuzzer targets (clang, ASan + UBSan): each fuzzes 60 s from its seed corpus.
cmake --preset fuzz >/dev/null
cmake --build build-fuzz -j "$jobs" --target convene_fuzz_targets
ctest --test-dir build-fuzz --output-on-failure -j "$jobs" -L fuzz

# 4. The warnings-as-errors build, whose summary closes the output.
cmake --preset ci >/dev/null
cmake --build build-ci -j "$jobs"
echo "builds and sanitizer run done in $(( $(date +%s) - started )) s"
ctest --test-dir build-ci --output-on-failure -j "$jobs" --timeout 300
