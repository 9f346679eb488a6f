#!/usr/bin/env bash
# Checks the shipped files in share/etc against the built emqxd: the example configuration
# passes --check-config, and the systemd unit passes `systemd-analyze verify` (with ExecStart
# pointed at the built binary, since nothing is installed here).
# Usage: etc_check.sh EMQXD SOURCE_DIR
set -euo pipefail
emqxd=$1
etc=$2/share/etc
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$emqxd" --check-config --config "$etc/emqxd.yaml" >"$work/check.out" 2>&1 || {
    echo "share/etc/emqxd.yaml fails --check-config:" >&2
    cat "$work/check.out" >&2
    exit 1
}

if ! command -v systemd-analyze >/dev/null; then
    echo "systemd-analyze is missing: scripts/deps.sh installs it (package systemd)" >&2
    exit 1
fi
sed "s#^ExecStart=/usr/sbin/emqxd#ExecStart=$emqxd#" "$etc/emqxd.service" >"$work/emqxd.service"
grep -q "^ExecStart=$emqxd " "$work/emqxd.service" || {
    echo "emqxd.service: no ExecStart=/usr/sbin/emqxd line to check" >&2
    exit 1
}
systemd-analyze verify --man=no "$work/emqxd.service"
echo "share/etc: emqxd.yaml and emqxd.service OK"
