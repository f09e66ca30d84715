#!/usr/bin/env bash
# Benchmark: time to program 256 VFs of one PF (netdevsim in the kernel
# testbed) with `vfnet vf apply` against (a) 256 `ip link set` processes
# and (b) the floor, bench/vf-setlink-floor.c: raw RTM_SETLINK messages
# with the same attributes over one socket.  From fresh VFs each time;
# vf apply and the floor best of 9 alternating runs, the ip loop once.
# Prints the three times and the ratios, twice: as the guest boots
# (address space randomisation on) and with a fixed layout for the timed
# command (see bench/vf-apply-guest.sh for why both).  Then the same on a
# real driver: the 7 VFs of the emulated Intel 82576 (igb machine), vf
# apply against the floor with the fields igb accepts
# (bench/vf-apply-guest-igb.sh).
# Usage: bench/vf-apply.sh [BUILD_DIR]   (default build/)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}

scripts/deps.sh
[ -f "$build/build.ninja" ] || scripts/build.sh normal
ninja -C "$build" >/dev/null
tests/vm/testbed.sh build >/dev/null

# The testbed copies the executables of BUILD_DIR/src/cmd into the guest:
# stage vfnet, the floor program and the timer there.
stage=$(mktemp -d "${TMPDIR:-/tmp}/vfnet-bench.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/src/cmd"
cp "$build/src/cmd/vfnet" "$build/bench/vf-setlink-floor" "$build/bench/timeit" "$stage/src/cmd/"

out=$(tests/vm/testbed.sh run --machine iommu-ir --build-dir "$stage" bench/vf-apply-guest.sh 2>&1) || {
        printf '%s\n' "$out" | tail -40
        echo "bench/vf-apply: the testbed run failed" >&2
        exit 1
}
line=$(printf '%s\n' "$out" | grep -o 'BENCH .*' | head -n 1)
printf '%s\n' "$out" | grep -o '[a-z ]* runs, [a-z ]* (ms):.*' || true
[ -n "$line" ] || { printf '%s\n' "$out" | tail -40; echo "bench/vf-apply: no figures" >&2; exit 1; }
eval "$(printf '%s\n' "${line#BENCH }" | tr ' ' '\n' | grep -E '^[a-z_]+=[0-9]+$')"

igb_out=$(tests/vm/testbed.sh run --machine igb --build-dir "$stage" bench/vf-apply-guest-igb.sh 2>&1) || {
        printf '%s\n' "$igb_out" | tail -40
        echo "bench/vf-apply: the igb testbed run failed" >&2
        exit 1
}
igb_line=$(printf '%s\n' "$igb_out" | grep -o 'BENCH .*' | head -n 1)
printf '%s\n' "$igb_out" | grep -o 'igb [a-z ]* runs (ms):.*' || true
[ -n "$igb_line" ] || { printf '%s\n' "$igb_out" | tail -40; echo "bench/vf-apply: no igb figures" >&2; exit 1; }
eval "$(printf '%s\n' "${igb_line#BENCH }" | tr ' ' '\n' | grep -E '^[a-z_]+=[0-9]+$')"

awk -v a="$vf_apply_us" -v f="$floor_us" -v sa="$vf_apply_fixed_us" -v sf="$floor_fixed_us" \
        -v i="$ip_processes_us" -v n="$vfs" 'BEGIN {
        printf "program %d VFs (netdevsim, TCG guest; best of 9 each, ip loop once)\n", n
        printf "  as booted (address space randomisation on):\n"
        printf "    vfnet vf apply           %8.1f ms   %5.2fx floor\n", a / 1000, a / f
        printf "    floor (raw RTM_SETLINK)  %8.1f ms   1.00x\n", f / 1000
        printf "    %d ip link set processes %8.1f ms   %5.2fx floor, %5.1fx vf apply (no rates)\n", n, i / 1000, i / f, i / a
        printf "  fixed layout (randomisation off for the timed command: the emulator reuses its code translations):\n"
        printf "    vfnet vf apply           %8.1f ms   %5.2fx floor\n", sa / 1000, sa / sf
        printf "    floor (raw RTM_SETLINK)  %8.1f ms   1.00x\n", sf / 1000
        printf "goal: vf apply within 1.5x of the floor: %s as booted, %s with a fixed layout\n", \
                (a <= 1.5 * f) ? "met" : "NOT met", (sa <= 1.5 * sf) ? "met" : "NOT met"
}'
awk -v a="$igb_vf_apply_us" -v f="$igb_floor_us" -v n="$igb_vfs" 'BEGIN {
        printf "program %d VFs of the 82576 (igb driver, TCG guest; best of 9 each; MAC, VLAN+QoS, max rate, spoofchk, trust)\n", n
        printf "    vfnet vf apply           %8.1f ms   %5.2fx floor\n", a / 1000, a / f
        printf "    floor (raw RTM_SETLINK)  %8.1f ms   1.00x\n", f / 1000
}'
