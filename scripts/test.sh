#!/usr/bin/env bash
# Runs every test of vfnet: installs what is missing, builds, then
#   1. unit tests + fuzz corpora (normal build)
#   2. the same under ASan+UBSan (LeakSanitizer on)
#   3. kernel testbed tests: a real Linux kernel in QEMU (tests/vm)
#   4. end-to-end tests with the real openstack client (tests/e2e)
#   5. tempest's network, identity and compute API tests (tests/tempest)
#   6. a short libFuzzer run of every fuzz target (clang build, build-fuzz/)
# and ends with one line "N passed, N failed".
# Usage: scripts/test.sh [SUITE...]   (suites: unit fuzz-corpus vm e2e tempest fuzz; default all)
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh || exit 1
scripts/build.sh all || { echo "0 passed, 1 failed"; exit 1; }

suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(unit fuzz-corpus vm e2e tempest fuzz)
has_suite() { local s; for s in "${suites[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }

# The kernel testbed's cache (kernel, modules) is built here, not under a
# test timeout.
if has_suite vm; then
        tests/vm/testbed.sh build || { echo "0 passed, 1 failed"; exit 1; }
fi

logs=()
run_meson() { # builddir suite...
        local dir=$1; shift
        local args=()
        local s
        for s in "$@"; do
                has_suite "$s" && meson introspect "$dir" --tests | grep -q "\"vfnet:$s\"" \
                        && args+=(--suite "$s")
        done
        [ ${#args[@]} -gt 0 ] || return 0
        meson test -C "$dir" --print-errorlogs --num-processes 2 "${args[@]}" \
                --logbase "testlog-$(basename "$dir")"
        logs+=("$dir/meson-logs/testlog-$(basename "$dir").json")
}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_meson build unit fuzz-corpus vm e2e tempest
run_meson build-asan unit fuzz-corpus e2e tempest

# Keeps the clang build and every target's fuzzing entry point working;
# long runs are scripts/fuzz.sh's job.
if has_suite fuzz; then
        scripts/fuzz.sh "${VFNET_FUZZ_SECONDS:-5}"
        logs+=(build-fuzz/testlog-fuzz.json)
fi

python3 tests/summarize.py "${logs[@]}"
