#!/usr/bin/env bash
# Fuzzes every parser of outside input with libFuzzer (clang, ASan+UBSan),
# each target for a bounded time.  The seed corpora in tests/fuzz/corpus/
# are read, never written: new inputs go to build-fuzz/corpus/NAME/.
# A crash leaves its input in build-fuzz/crashes/ and fails the run.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   (default 60, all)
# Each target's verdict is also written, one JSON line each in the form of
# meson's test log, to build-fuzz/testlog-fuzz.json (scripts/test.sh counts it).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
scripts/deps.sh
CC=clang scripts/meson-setup.sh build-fuzz -Dfuzz=true \
        -Db_sanitize=address,undefined -Db_lundef=false --buildtype=debugoptimized
mkdir -p build-fuzz
if ! ninja -C build-fuzz >build-fuzz/build.log 2>&1; then
        grep -E 'error|FAILED' build-fuzz/build.log | head -20 >&2
        echo "fuzz: the clang build failed, see build-fuzz/build.log" >&2
        echo '{"name": "fuzz build (clang)", "result": "FAIL", "stdout": ""}' >build-fuzz/testlog-fuzz.json
        exit 1
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
        for d in tests/fuzz/corpus/*/; do targets+=("$(basename "$d")"); done
fi
mkdir -p build-fuzz/crashes
# Targets run side by side, one a CPU (VFNET_FUZZ_JOBS to change it): each
# still gets its seconds of a core.
jobs=${VFNET_FUZZ_JOBS:-$(nproc)}
fuzz_one() { # target: its verdict in build-fuzz/TARGET.verdict
        local t=$1 exe=build-fuzz/tests/fuzz/$1
        if [ ! -x "$exe" ]; then
                echo "fuzz: no target $t" >&2
                echo FAIL > "build-fuzz/$t.verdict"
                return
        fi
        mkdir -p "build-fuzz/corpus/$t"
        echo "fuzz: $t for ${seconds}s" >&2
        if ! "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
                -artifact_prefix="build-fuzz/crashes/$t-" \
                "build-fuzz/corpus/$t" "tests/fuzz/corpus/$t" 2>"build-fuzz/$t.log"; then
                echo "fuzz: $t FAILED, see build-fuzz/$t.log and build-fuzz/crashes/" >&2
                tail -30 "build-fuzz/$t.log" >&2
                echo FAIL > "build-fuzz/$t.verdict"
        else
                echo "fuzz: $t: $(tail -1 "build-fuzz/$t.log")" >&2
                echo OK > "build-fuzz/$t.verdict"
        fi
}
running=0
for t in "${targets[@]}"; do
        rm -f "build-fuzz/$t.verdict"
        if [ "$running" -ge "$jobs" ]; then
                wait -n || true
                running=$((running - 1))
        fi
        fuzz_one "$t" &
        running=$((running + 1))
done
wait || true
: > build-fuzz/testlog-fuzz.json
failed=0
for t in "${targets[@]}"; do
        verdict=$(cat "build-fuzz/$t.verdict" 2>/dev/null || echo FAIL)
        printf '{"name": "fuzz %s", "result": "%s", "stdout": ""}\n' "$t" "$verdict" \
                >> build-fuzz/testlog-fuzz.json
        [ "$verdict" = OK ] || failed=1
done
exit $failed
