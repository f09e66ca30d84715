#!/usr/bin/env bash
# Benchmark of vfnet-agent in the kernel testbed (TCG, 1 CPU: figures are
# an emulated machine's, compare ratios), on netdevsim's eth0 with 256 VFs:
#   1. one full resync of 256 VFs by the agent's sync (read, reconcile,
#      diff; nothing to send) against the floor, one bare RTM_GETLINK of
#      the PF with its VFs (bench/agent-resync.c);
#   2. 64 ports bound at once through the API: all PUTs answered, every VF
#      programmed, every port ACTIVE;
#   3. `port set --disable` (PUT admin_state_up false) → the VF's link
#      disabled, seen by `vfnet vf watch`, against the same change made
#      with `ip link set` (the floor), best of 5;
#   4. the agent's CPU time over 60 s idle with all 256 VFs assigned.
# Usage: bench/agent.sh [BUILD_DIR]   (default build/)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}

scripts/deps.sh
[ -f "$build/build.ninja" ] || scripts/build.sh normal
ninja -C "$build" >/dev/null
tests/vm/testbed.sh build >/dev/null

stage=$(mktemp -d "${TMPDIR:-/tmp}/vfnet-bench.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/src/cmd"
cp "$build/src/cmd/vfnet" "$build/src/cmd/vfnet-server" "$build/src/cmd/vfnet-agent" \
        "$build/bench/agent-resync" "$stage/src/cmd/"
out=$(tests/vm/testbed.sh run --machine iommu-ir --build-dir "$stage" bench/agent-guest.sh 2>&1) || {
        printf '%s\n' "$out" | tail -40
        echo "bench/agent: the testbed run failed" >&2
        exit 1
}
fig() { printf '%s\n' "$out" | grep -o "BENCH $1 .*" | head -n 1 | cut -d' ' -f3-; }
printf '%s\n' "$out" | grep -o 'agent resync of .*' | head -n 1
printf '%s\n' "$out" | grep -o 'first sync, .*' | head -n 1
eval "$(fig bind64)"
echo "64 ports bound at once: PUTs answered ${bound_ms} ms, every VF programmed ${programmed_ms} ms, every port ACTIVE ${active_ms} ms"
eval "$(fig disable)"
echo "port set --disable -> VF link disabled: ${api_ms} ms; floor (ip link set): ${ip_ms} ms; ratio $(awk -v a="$api_ms" -v b="$ip_ms" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
eval "$(fig idle)"
echo "idle ${ms} ms with ${vfs} VFs assigned: agent CPU ${ticks} ticks of 1/${hz} s = $(awk -v t="$ticks" -v h="$hz" -v m="$ms" 'BEGIN { printf "%.3f", 100 * t / h / (m / 1000) }')% of a core; RSS ${rss_kb} KiB"
