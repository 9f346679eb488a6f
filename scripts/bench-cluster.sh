#!/usr/bin/env bash
# The cluster's figures for BENCHMARKS.md (issue 6), release build, on free loopback ports:
#  - cross-node throughput (publisher on node1, subscriber on node2) as a fraction of
#    single-node throughput (both on node1), QoS 0 and 1, medians of RUNS runs, same run;
#  - cross-node round-trip latency p50/p99 (QoS 0), against single-node;
#  - how long `emqxctl cluster start` takes to a linked, ready 3-node cluster;
#  - after SIGKILL of node3: how long until node1 reports it down; once restarted, how long
#    until `emqxctl cluster test` passes.
#
# Usage: scripts/bench-cluster.sh [RUNS] [COUNT]     (defaults 3 and 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-3}
count=${2:-1000000}
bin=build/release
ctl="$bin/emqxctl/emqxctl"
[ -x "$bin/broker/emqxd" ] && [ -x "$ctl" ] || {
    echo "bench-cluster: build the release preset first (cmake --preset release && cmake --build --preset release)" >&2
    exit 64
}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-cluster.XXXXXX")
export EMQXCTL_CLUSTER_DIR="$work/cluster"
cleanup() {
    "$ctl" cluster stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
base=$((21000 + RANDOM % 8000))
now() { date +%s.%N; }
seconds_since() { python3 -c "print(f'{$(now) - $1:.2f}')"; }

start=$(now)
"$ctl" cluster start --nodes 3 --emqxd "$bin/broker/emqxd" --base-port "$base" >/dev/null
echo "cluster start to 3 linked, ready nodes: $(seconds_since "$start") s"

n1="127.0.0.1:$base"; n2="127.0.0.1:$((base + 4))"; http1="127.0.0.1:$((base + 2))"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { python3 -c "import json,sys
try:
    d = json.loads(sys.stdin.read()); v = d
    for k in sys.argv[1].split('.'): v = v[k]
    print(v if d['status'] == 'completed' else 0)
except Exception:
    print(0)" "$1"; }
rate() { # ARGS...: median delivered/s
    for _ in $(seq 1 "$runs"); do
        "$ctl" -o json perf throughput --size 64 --warmup 0.5 --max-time 120 "$@" 2>/dev/null |
            field rates.delivered_per_second
    done | median
}
printf '%-28s %12s %12s %8s\n' "throughput, 64 bytes" "node1->node1" "node1->node2" "fraction"
for qos in 0 1; do
    n=$count; [ "$qos" = 1 ] && n=$((count / 4))
    single=$(rate --mqtt "$n1" --qos "$qos" --count "$n")
    cross=$(rate --pub-node "$n1" --sub-node "$n2" --qos "$qos" --count "$n")
    printf '%-28s %12.0f %12.0f %8s\n' "QoS $qos, msg/s" "$single" "$cross" \
        "$(python3 -c "print(f'{$cross/$single:.2f}' if $single else 'n/a')")"
done
latency() {
    "$ctl" -o json perf latency --qos 0 --count 20000 --warmup 0.5 "$@" 2>/dev/null |
        python3 -c "import json,sys; d=json.load(sys.stdin); l=d['latency_us']; print(f\"{l['p50']:.0f} / {l['p99']:.0f} us\")"
}
echo "round trip QoS 0 p50 / p99: node1->node1 $(latency --mqtt "$n1"), node1->node2 $(latency --pub-node "$n1" --sub-node "$n2")"

pid3=$(python3 -c "import json; print(json.load(open('$EMQXCTL_CLUSTER_DIR/cluster.json'))['nodes'][2]['pid'])")
# node3's command line and environment, to start it again exactly as emqxctl did
mapfile -d '' args3 </proc/"$pid3"/cmdline
mapfile -d '' env3 </proc/"$pid3"/environ
nodes_up() {
    python3 - "$http1" <<'PY'
import json, sys, urllib.request
try:
    print(json.load(urllib.request.urlopen(f"http://{sys.argv[1]}/api/v1/cluster", timeout=2))["nodes"])
except Exception:
    print(0)
PY
}
killed=$(now)
kill -KILL "$pid3"
for _ in $(seq 1 400); do
    [ "$(nodes_up)" = 2 ] && break
    sleep 0.025
done
echo "SIGKILL of node3 -> node1 reports it down: $(seconds_since "$killed") s"
restarted=$(now)
env -i "${env3[@]}" setsid "${args3[@]}" >/dev/null 2>&1 </dev/null &
new3=$!
trap 'kill -TERM "$new3" 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 1 400); do
    [ "$(nodes_up)" = 3 ] && break
    sleep 0.025
done
echo "node3 started again -> node1 sees 3 nodes: $(seconds_since "$restarted") s"
passed=no
for _ in $(seq 1 20); do
    if "$ctl" cluster test --count 10 --timeout 5 >/dev/null 2>&1; then passed=yes; break; fi
    sleep 0.1
done
echo "node3 started again -> cluster test has passed ($passed): $(seconds_since "$restarted") s"
