#!/usr/bin/env bash
# The main job, from a fresh Debian 12 machine: install what is missing, build, start a local
# three-node emqxd cluster (the ports of DESIGN.md section 4: MQTT 1883-1885, cluster
# 8081/8083/8085, HTTP 8082/8084/8086), check it with `emqxctl health` and
# `emqxctl cluster test`, and stop it. Exit status: that of the first check that fails.
# QUICKSTART_BASE_PORT=P runs the cluster on P, P+1, ... instead (when 1883/808x are taken).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
cmake --preset release >/dev/null
cmake --build --preset release

bin=build/release
ctl="$bin/emqxctl/emqxctl"
work=$(mktemp -d "${TMPDIR:-/tmp}/emqxd-quickstart.XXXXXX")
# Every emqxctl command below finds the nodes through this directory's cluster.json.
export EMQXCTL_CLUSTER_DIR="$work/cluster"
cleanup() {
    "$ctl" cluster stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

ports=()
if [ -n "${QUICKSTART_BASE_PORT:-}" ]; then
    ports=(--base-port "$QUICKSTART_BASE_PORT")
fi
"$ctl" cluster start --nodes 3 --emqxd "$bin/broker/emqxd" "${ports[@]}"
"$ctl" cluster status
"$ctl" health --expect-nodes 3
"$ctl" cluster test
"$ctl" cluster stop
echo "quickstart: done; the cluster passed health and cluster test, and is stopped."
