#!/usr/bin/env bash
# Runs every libFuzzer target of the `fuzz` preset (tests/fuzz/fuzz_*.cpp) for a bounded time,
# starting from its checked-in seed corpus, and fails on the first target that crashes.
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]    (default: $FUZZ_SECONDS, else 60)
#
# Each target works on a temporary copy of tests/fuzz/corpus/<name>/, so the inputs it finds
# do not flood the checked-in corpus. A crash input is printed in hex; it belongs under
# tests/data/crashes/<name>/ (which ctest replays) and in a unit test.
set -euo pipefail

seconds="${1:-${FUZZ_SECONDS:-60}}"
if [[ ! "${seconds}" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [SECONDS_PER_TARGET]  (a positive whole number, got '${seconds}')" >&2
    exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${root}"

# Undefined behaviour must fail the run like a crash does, whatever the build's recover flags.
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"

cmake --preset fuzz
cmake --build --preset fuzz

work="$(mktemp -d "${TMPDIR:-/tmp}/emqx-fuzz.XXXXXX")"
keep_work=0
cleanup() {
    if [[ "${keep_work}" -eq 0 ]]; then
        rm -rf "${work}"
    fi
}
trap cleanup EXIT

# report_crash NAME LOG: prints what the target found and how to keep it as a regression case.
report_crash() {
    local name="$1" log="$2" artifact
    keep_work=1
    echo "== ${name}: FAILED; last lines of its log (${log}):"
    tail -n 40 "${log}"
    for artifact in "${work}/${name}/artifacts/"*; do
        [[ -f "${artifact}" ]] || continue
        echo "== input ${artifact} ($(wc -c <"${artifact}") bytes), hex:"
        od -An -tx1 -v "${artifact}"
    done
    echo "== Add the input under tests/data/crashes/${name}/ (ctest replays that folder)"
    echo "   and turn it into a unit test that shows the bug, then fix the code."
}

for source in tests/fuzz/fuzz_*.cpp; do
    name="$(basename "${source}" .cpp)"
    binary="build/fuzz/tests/fuzz/${name}"
    if [[ ! -x "${binary}" ]]; then
        echo "${binary} was not built" >&2
        exit 1
    fi
    corpus="${work}/${name}/corpus"
    mkdir -p "${corpus}" "${work}/${name}/artifacts"
    if [[ -d "tests/fuzz/corpus/${name}" ]]; then
        cp -R "tests/fuzz/corpus/${name}/." "${corpus}/"
    fi
    log="${work}/${name}/log"
    # A target's own dictionary when it has one (tests/fuzz/<name>.dict), else the MQTT one.
    dict="tests/fuzz/${name}.dict"
    [[ -f "${dict}" ]] || dict=tests/fuzz/mqtt.dict
    echo "== ${name}: fuzzing for ${seconds}s"
    if ! "${binary}" \
        -max_total_time="${seconds}" \
        -dict="${dict}" \
        -timeout=10 \
        -rss_limit_mb=2048 \
        -artifact_prefix="${work}/${name}/artifacts/" \
        "${corpus}" >"${log}" 2>&1; then
        report_crash "${name}" "${log}"
        exit 1
    fi
    # libFuzzer ends with "Done N runs in S second(s)" after its last "cov: ..." status line.
    grep -E '^Done [0-9]+ runs' "${log}" | tail -n 1 || true
    grep -E 'cov: [0-9]+' "${log}" | tail -n 1 || true
done
echo "== all fuzz targets ran ${seconds}s each without a crash"
