#!/usr/bin/env bash
# Installs every Debian package that building, running and testing vfnet
# needs (Debian bookworm, as root).  Idempotent and quick when all is there.
set -euo pipefail

PACKAGES=(
        # build
        gcc clang meson ninja-build pkg-config
        # libraries
        libmnl-dev libjansson-dev libmicrohttpd-dev libsqlite3-dev libsodium-dev
        libpci-dev pci.ids uuid-dev libcurl4-openssl-dev libinih-dev
        # tests: unit, sanitizers, fuzzing, leaks
        libcmocka-dev libclang-rt-14-dev valgrind python3
        # kernel testbed (tests/vm)
        qemu-system-x86 busybox-static cpio iproute2 xz-utils kmod make bc jq
        binutils gcc linux-headers-amd64 linux-source-6.1
        # end-to-end: the real OpenStack clients
        python3-openstackclient python3-novaclient
)

missing=()
for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
        exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
        echo "deps.sh: missing packages (${missing[*]}); run as root to install them" >&2
        exit 1
fi
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
