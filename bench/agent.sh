#!/usr/bin/env bash
# Benchmark of vfnet-agent in the kernel testbed (TCG, 1 CPU: figures are
# an emulated machine's, compare ratios), on netdevsim's eth0 with 256 VFs:
#   1. one full resync of 256 VFs by the agent's sync (read, reconcile,
#      diff; nothing to send) against the floor, one bare RTM_GETLINK of
#      the PF with its VFs (bench/agent-resync.c);
#   2. 64 ports bound at once through the API: all PUTs answered, every VF
#      programmed, every port ACTIVE;
#   3. `port set --disable` (PUT admin_state_up false over an open
#      connection) → the VF's link reads disabled, against the same change
#      made with one RTM_SETLINK (the floor; bench/disable-latency.c),
#      best and median of 9; and the same with curl and `ip link set`
#      started anew each time, as a shell user sees it, best of 3;
#   4. the agent's CPU time over 60 s idle with all 256 VFs assigned, per
#      thread (schedstat, ns).
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
        "$build/bench/agent-resync" "$build/bench/disable-latency" "$stage/src/cmd/"
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
echo "port set --disable -> VF link disabled: best ${api_best_ms} ms, median ${api_median_ms} ms; floor (one RTM_SETLINK): best ${floor_best_ms} ms, median ${floor_median_ms} ms; ratio of medians $(awk -v a="$api_median_ms" -v b="$floor_median_ms" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }') ($rounds rounds)"
eval "$(fig disable_cli)"
echo "the same from a shell, each tool started anew: curl ${curl_ms} ms, ip link set ${ip_ms} ms"
eval "$(fig idle_threads)"
eval "$(fig idle)"
# Per thread: the CPU time it spent during the idle minute.
per=$(awk -v b="$before" -v a="$after" 'BEGIN {
        n = split(b, x, " "); for (i = 1; i <= n; i++) { split(x[i], kv, ":"); t0[kv[1]] = kv[2] }
        n = split(a, x, " "); for (i = 1; i <= n; i++) { split(x[i], kv, ":"); d = kv[2] - t0[kv[1]]; tot += d; printf "%s %.1f ms, ", kv[1], d / 1e6 }
        printf "total %.1f\n", tot / 1e6 }')
total_ms=${per##*total }
echo "idle ${ms} ms with ${vfs} VFs assigned: agent CPU ${total_ms} ms = $(awk -v t="$total_ms" -v m="$ms" 'BEGIN { printf "%.3f", 100 * t / m }')% of a core (goal < 0.1%); RSS ${rss_kb} KiB"
echo "  by thread: ${per%, total *}"
