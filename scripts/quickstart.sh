#!/usr/bin/env bash
# The main job, from a fresh Debian 12 machine: install what is missing, build, and run.
# Today that is one emqxd node (the cluster arrives with issue 6, and this same command will
# then start a local three-node cluster and check it with `emqxctl health` and
# `emqxctl cluster test`): it is started on free ports, checked with a real MQTT client's
# publish/subscribe round trip and `emqxctl perf latency`, and stopped.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
cmake --preset release >/dev/null
cmake --build --preset release

bin=build/release
work=$(mktemp -d "${TMPDIR:-/tmp}/emqxd-quickstart.XXXXXX")
"$bin/broker/emqxd" --mqtt 127.0.0.1:0 --http 127.0.0.1:0 2>"$work/emqxd.log" &
pid=$!
cleanup() {
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# Wait (bounded) for both listeners, then read the ports the kernel chose.
for _ in $(seq 1 50); do
    grep -q 'name=http addr=' "$work/emqxd.log" && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/emqxd.log" >&2; exit 1; }
    sleep 0.1
done
mqtt_port=$(grep -o 'name=mqtt addr=127.0.0.1:[0-9]*' "$work/emqxd.log" | cut -d: -f2)
http_port=$(grep -o 'name=http addr=127.0.0.1:[0-9]*' "$work/emqxd.log" | cut -d: -f2)
echo "quickstart: emqxd $("$bin/broker/emqxd" --version | cut -d' ' -f2) running, pid $pid"
echo "quickstart:   MQTT  127.0.0.1:$mqtt_port"
echo "quickstart:   HTTP  http://127.0.0.1:$http_port/metrics  /health  /ready  /api/v1/status"

# A round trip through a client that is not ours (mosquitto-clients).
mosquitto_sub -p "$mqtt_port" -t quickstart/check -C 1 -W 5 >"$work/received" &
sub=$!
sleep 0.3
mosquitto_pub -p "$mqtt_port" -t quickstart/check -q 1 -m "hello from quickstart"
wait "$sub"
echo "quickstart: round trip OK: $(cat "$work/received")"

"$bin/emqxctl/emqxctl" perf latency --mqtt "127.0.0.1:$mqtt_port" --count 2000 --warmup 0.2
echo "quickstart: done; emqxd stopped."
