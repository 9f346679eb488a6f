#!/usr/bin/env bash
# emqxd against mosquitto, side by side in one run, with the same load generator
# (`emqxctl perf throughput`, release build), 64-byte payloads: prints the median of RUNS runs
# of each scenario for both brokers and their ratio. The figures go into BENCHMARKS.md.
#
# Usage: scripts/bench-broker.sh [RUNS] [COUNT]     (defaults 3 and 2000000)
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-3}
count=${2:-2000000}
bin=build/release
[ -x "$bin/broker/emqxd" ] && [ -x "$bin/emqxctl/emqxctl" ] || {
    echo "bench-broker: build the release preset first (cmake --preset release && cmake --build --preset release)" >&2
    exit 64
}
command -v mosquitto >/dev/null || [ -x /usr/sbin/mosquitto ] || { echo "bench-broker: apt-get install mosquitto" >&2; exit 64; }

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-broker.XXXXXX")
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

emqxd_port=$(free_port)
"$bin/broker/emqxd" --mqtt "127.0.0.1:$emqxd_port" --http 127.0.0.1:0 --log-level warn 2>"$work/emqxd.log" &
emqxd_pid=$!; pids+=("$emqxd_pid")
mosq_port=$(free_port)
printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 100000\n' "$mosq_port" >"$work/mosquitto.conf"
/usr/sbin/mosquitto -c "$work/mosquitto.conf" 2>"$work/mosquitto.log" &
mosq_pid=$!; pids+=("$mosq_pid")
sleep 1

# median of the delivered/s figure of RUNS runs of one scenario against one broker
measure() {
    local port=$1 pid=$2; shift 2
    local values=()
    for _ in $(seq 1 "$runs"); do
        local out
        out=$("$bin/emqxctl/emqxctl" -o json perf throughput --mqtt "127.0.0.1:$port" --broker-pid "$pid" \
              --size 64 --warmup 0.5 --max-time 120 "$@" 2>/dev/null || true)
        values+=("$(python3 -c 'import json,sys
try:
    d = json.loads(sys.stdin.read())
    print(int(d["rates"]["delivered_per_second"]) if d["status"] == "completed" else 0)
except Exception:
    print(0)' <<<"$out")")
    done
    printf '%s\n' "${values[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

printf '%-34s %14s %14s %8s\n' "scenario (64-byte payload)" "emqxd" "mosquitto" "ratio"
scenario() {
    local name=$1; shift
    local e m
    e=$(measure "$emqxd_port" "$emqxd_pid" "$@")
    m=$(measure "$mosq_port" "$mosq_pid" "$@")
    printf '%-34s %14s %14s %8s\n' "$name" "$e" "$m" "$(python3 -c "print(f'{$e/$m:.1f}x' if $m else 'n/a')")"
}
scenario "1 -> 1, QoS 0, msg/s"        --qos 0 --count "$count"
scenario "1 -> 1, QoS 1, msg/s"        --qos 1 --count "$((count / 4))"
scenario "8 -> 1, QoS 0, msg/s"        --qos 0 --publishers 8 --count "$count"
scenario "1 -> 50, QoS 0, deliveries/s" --qos 0 --subscribers 50 --count "$((count / 50))"
