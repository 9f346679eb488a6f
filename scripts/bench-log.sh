#!/usr/bin/env bash
# `emqxctl log analyze` against `grep -c ERROR` on the same generated emqxd log (issue 8):
# generates SIZE_MB of realistic text log (the events emqxd writes, fixed seed), then runs each
# command RUNS times on one core (taskset -c 1), page cache warm, and prints the medians in MB/s
# and their ratio, and the same for tests/bench/log_floor (the least work any analysis of the log
# must do per line: a floor under analyze), alone and with the checks a parser must make
# (--checked). The figures go into BENCHMARKS.md.
#
# Usage: scripts/bench-log.sh [SIZE_MB] [RUNS]     (defaults 1024 and 3)
#        BIN=build/other scripts/bench-log.sh      (default build/release)
set -euo pipefail
cd "$(dirname "$0")/.."

size_mb=${1:-1024}
runs=${2:-3}
bin=${BIN:-build/release}
ctl="$bin/emqxctl/emqxctl"
[ -x "$ctl" ] || {
    echo "bench-log: build the release preset first (cmake --preset release && cmake --build --preset release --target emqxctl)" >&2
    exit 64
}
command -v taskset >/dev/null || { echo "bench-log: taskset (util-linux) is needed" >&2; exit 64; }

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-log.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The generator is C++ so that a gigabyte takes seconds: one line per event, in time order.
cat >"$work/gen.cpp" <<'EOF'
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

namespace {
std::uint64_t state = 0x9e3779b97f4a7c15ULL;
std::uint64_t next() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}
unsigned pick(unsigned n) { return static_cast<unsigned>(next() % n); }
}

int main(int argc, char** argv) {
    const std::uint64_t limit = std::strtoull(argv[1], nullptr, 10) * 1024 * 1024;
    static char out[1 << 20];
    std::size_t used = 0;
    std::uint64_t written = 0;
    std::int64_t ms = 1795305600000; // 2026-11-22T00:00:00Z
    const char* reasons[] = {"peer_closed", "peer_closed", "peer_closed", "normal", "keep_alive_timeout",
                             "session_taken_over", "protocol_error", "server_shutting_down"};
    const char* users[] = {"bob", "alice", "sensor", "admin", "gateway"};
    char line[512];
    while (written < limit) {
        ms += 1 + pick(3);
        const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
        std::tm utc{};
        gmtime_r(&seconds, &utc);
        char ts[40];
        const std::size_t tn = std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &utc);
        std::snprintf(ts + tn, sizeof ts - tn, ".%03dZ", static_cast<int>(ms % 1000));
        const unsigned client = pick(50000);
        const unsigned a = pick(256), b = pick(256), port = 1024 + pick(60000);
        const unsigned roll = pick(1000);
        int n = 0;
        if (roll == 0) {
            n = std::snprintf(line, sizeof line, "%s INFO  config configuration loaded file=/etc/emqxd/emqxd.toml node=node1\n", ts);
        } else if (roll < 260) {
            n = std::snprintf(line, sizeof line, "%s INFO  mqtt client connected client_id=c%05u peer=10.1.%u.%u:%u version=5 keepalive=60 session_present=%s\n",
                              ts, client, a, b, port, pick(4) == 0 ? "true" : "false");
        } else if (roll < 500) {
            n = std::snprintf(line, sizeof line, "%s INFO  mqtt client disconnected client_id=c%05u peer=10.1.%u.%u:%u reason=%s\n",
                              ts, client, a, b, port, reasons[pick(8)]);
        } else if (roll < 520) {
            n = std::snprintf(line, sizeof line, "%s INFO  mqtt keep alive timeout, closing client_id=c%05u peer=10.1.%u.%u:%u\n",
                              ts, client, a, b, port);
        } else if (roll < 530) {
            n = std::snprintf(line, sizeof line, "%s INFO  mqtt protocol error, closing connection client_id=c%05u peer=10.1.%u.%u:%u reason=malformed_packet detail=\"bad remaining length %u\"\n",
                              ts, client, a, b, port, pick(100000));
        } else if (roll < 540) {
            n = std::snprintf(line, sizeof line, "%s INFO  mqtt session taken over client_id=c%05u old_peer=10.1.%u.%u:%u\n",
                              ts, client, a, b, port);
        } else if (roll < 550) {
            n = std::snprintf(line, sizeof line, "%s INFO  mqtt connection refused peer=10.1.%u.%u:%u reason=not_authorized\n",
                              ts, a, b, port);
        } else if (roll < 555) {
            n = std::snprintf(line, sizeof line, "%s INFO  mqtt no CONNECT in time, closing peer=10.1.%u.%u:%u\n", ts, a, b, port);
        } else if (roll < 590) {
            n = std::snprintf(line, sizeof line, "%s WARN  auth authentication failed client_id=c%05u username=%s peer=10.2.0.%u:%u reason=bad_password\n",
                              ts, client, users[pick(5)], pick(16), port);
        } else if (roll < 595) {
            n = std::snprintf(line, sizeof line, "%s WARN  auth authentication refused client_id=c%05u username=%s peer=10.2.0.%u:%u reason=banned\n",
                              ts, client, users[pick(5)], pick(16), port);
        } else if (roll < 597) {
            n = std::snprintf(line, sizeof line, "%s WARN  auth address banned after repeated failures peer=10.2.0.%u:%u\n", ts, pick(16), port);
        } else if (roll < 680) {
            n = std::snprintf(line, sizeof line, "%s DEBUG session session expired client_id=c%05u\n", ts, client);
        } else if (roll < 686) {
            n = std::snprintf(line, sizeof line, "%s INFO  cluster peer connected node=node%u addr=127.0.0.1:%u direction=%s\n",
                              ts, 2 + pick(2), 18083 + pick(2), pick(2) == 0 ? "out" : "in");
        } else if (roll < 692) {
            n = std::snprintf(line, sizeof line, "%s WARN  cluster peer disconnected node=node%u addr=127.0.0.1:%u reason=\"connection reset by peer\"\n",
                              ts, 2 + pick(2), 18083 + pick(2));
        } else if (roll < 694) {
            n = std::snprintf(line, sizeof line, "%s WARN  cluster handshake failed addr=127.0.0.1:%u reason=timeout\n", ts, 18083 + pick(2));
        } else if (roll < 900) {
            n = std::snprintf(line, sizeof line, "%s DEBUG http connection closed reason=\"End of file\"\n", ts);
        } else if (roll < 960) {
            n = std::snprintf(line, sizeof line, "%s DEBUG http bad request error=\"bad method\"\n", ts);
        } else if (roll < 985) {
            n = std::snprintf(line, sizeof line, "%s ERROR http request failed path=/api/v1/clients/c%05u error=\"handler threw: lookup failed\"\n", ts, client);
        } else if (roll < 990) {
            n = std::snprintf(line, sizeof line, "%s ERROR http could not take a connection error=\"Too many open files\"\n", ts);
        } else if (roll < 995) {
            n = std::snprintf(line, sizeof line, "%s WARN  http connection limit reached, refusing more limit=1024\n", ts);
        } else {
            n = std::snprintf(line, sizeof line, "%s WARN  config reload warning problem=\"log.level: unknown value verbose\"\n", ts);
        }
        if (used + static_cast<std::size_t>(n) > sizeof out) {
            std::fwrite(out, 1, used, stdout);
            used = 0;
        }
        for (int i = 0; i < n; ++i) {
            out[used++] = line[i];
        }
        written += static_cast<std::uint64_t>(n);
    }
    std::fwrite(out, 1, used, stdout);
    return 0;
}
EOF
c++ -O2 -std=c++20 -o "$work/gen" "$work/gen.cpp"
log="$work/emqxd.log"
"$work/gen" "$size_mb" >"$log"
bytes=$(stat -c %s "$log")
cat "$log" >/dev/null # warm the page cache

# Median wall time in seconds of RUNS runs of a command (its output discarded).
median_seconds() {
    local times=()
    for _ in $(seq "$runs"); do
        local start end
        start=$(date +%s.%N)
        # Not >/dev/null: GNU grep then stops at the first match. analyze exits 1 or 2 on
        # findings: that is not a failure here.
        "$@" >"$work/out" || true
        end=$(date +%s.%N)
        times+=("$(echo "$end - $start" | bc -l)")
    done
    printf '%s\n' "${times[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

grep_s=$(median_seconds taskset -c 1 grep -c ERROR "$log")
analyze_s=$(median_seconds taskset -c 1 "$ctl" --no-color log analyze "$log")
# The floor: what any analysis of this log must do per line, checking nothing, then the same
# with the checks before a parser may trust a line (tests/bench/log_floor.cpp; release preset).
floor="$bin/tests/bench/log_floor"
floor_s=
checked_s=
if [ -x "$floor" ]; then
    floor_s=$(median_seconds taskset -c 1 "$floor" "$log")
    checked_s=$(median_seconds taskset -c 1 "$floor" --checked "$log")
fi
mbps() { echo "$bytes / 1048576 / $1" | bc -l; }
grep_mbps=$(mbps "$grep_s")
analyze_mbps=$(mbps "$analyze_s")
lines=$(wc -l <"$log")
printf 'log: %d MB, %d lines (seed fixed), %d run(s) each, median, one core (taskset -c 1)\n' \
    "$((bytes / 1048576))" "$lines" "$runs"
printf '  grep -c ERROR          %8.2f s  %8.0f MB/s\n' "$grep_s" "$grep_mbps"
printf '  emqxctl log analyze    %8.2f s  %8.0f MB/s\n' "$analyze_s" "$analyze_mbps"
if [ -n "$floor_s" ]; then
    printf '  floor (log_floor)      %8.2f s  %8.0f MB/s\n' "$floor_s" "$(mbps "$floor_s")"
    printf '  floor with checks      %8.2f s  %8.0f MB/s   (log_floor --checked)\n' "$checked_s" "$(mbps "$checked_s")"
fi
printf '  analyze / grep         %8.2f   (goal: at least 0.50)\n' "$(echo "$analyze_mbps / $grep_mbps" | bc -l)"
if [ -n "$floor_s" ]; then
    printf '  floor / grep           %8.2f\n' "$(echo "$grep_s / $floor_s" | bc -l)"
    printf '  checked floor / grep   %8.2f\n' "$(echo "$grep_s / $checked_s" | bc -l)"
fi
