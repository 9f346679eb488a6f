#!/usr/bin/env bash
# Installs the Debian 12 packages that building and testing emqxd/emqxctl need, and only the
# ones that are missing, so that running it again costs a second. Used by quickstart.sh and
# test.sh; safe to run by hand.
set -euo pipefail

packages=(
    # toolchain
    g++ cmake ninja-build pkg-config python3 groff-base
    # libraries (DESIGN.md section 2)
    doctest-dev libbenchmark-dev libcli11-dev libboost-dev libyaml-cpp-dev nlohmann-json3-dev
    libssl-dev libcrypt-dev libargon2-dev libcurl4-openssl-dev libarchive-dev zlib1g-dev
    # real MQTT peers for the tests (DEVELOPERS: never test our codec only against itself)
    mosquitto mosquitto-clients python3-paho-mqtt libpaho-mqttpp-dev libpaho-mqtt-dev
    prometheus
    # systemd-analyze verifies share/etc/emqxd.service (tests/arch/etc_check.sh)
    systemd
    # fuzzing: clang + libFuzzer
    clang-14 libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "deps: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
