#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine (this is what .ci/run runs):
#  1. a clean warning-free (-Werror) build of the dev preset, and every ctest test;
#  2. a clean build of the asan preset (address + undefined), and its unit tests;
#  3. every fuzz target for FUZZ_SECONDS (default 60) each.
# Build trees go to build/test-*; they are removed first so that nothing stale is reused.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzz_seconds=${FUZZ_SECONDS:-60}
jobs=$(nproc)

scripts/deps.sh

step() { printf '\n==> %s\n' "$*"; }

step "dev build (-Werror) and all tests"
rm -rf build/test-dev
cmake -S . -B build/test-dev -G Ninja -DCMAKE_BUILD_TYPE=Debug -DEMQX_WERROR=ON >/dev/null
cmake --build build/test-dev -j "$jobs"
ctest --test-dir build/test-dev --output-on-failure -j "$jobs"

step "asan build (address,undefined) and unit tests"
rm -rf build/test-asan
cmake -S . -B build/test-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DEMQX_WERROR=ON \
    -DEMQX_SANITIZE=address,undefined -DEMQX_BENCH=OFF >/dev/null
# Only what the unit tests need: the programs and benchmarks were built (and warned on) above.
cmake --build build/test-asan -j "$jobs" --target \
    unit_base unit_mqtt unit_broker unit_perf unit_client unit_health unit_diag \
    fuzz_codec_replay fuzz_log_parse_replay fuzz_topic_match_replay
ctest --test-dir build/test-asan --output-on-failure -j "$jobs" -L unit

step "fuzz targets, ${fuzz_seconds}s each"
scripts/fuzz.sh "$fuzz_seconds"

step "all tests passed"
