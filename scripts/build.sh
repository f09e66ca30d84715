#!/usr/bin/env bash
# Configures and builds the two build trees the tests use:
#   build/       the normal build (-O2 -g), what is installed and run
#   build-asan/  the same with AddressSanitizer + UndefinedBehaviorSanitizer
# Usage: scripts/build.sh [normal|asan|all]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-all}
if [ "$what" = normal ] || [ "$what" = all ]; then
        [ -f build/build.ninja ] || meson setup build --buildtype=debugoptimized >/dev/null
        ninja -C build
fi
if [ "$what" = asan ] || [ "$what" = all ]; then
        [ -f build-asan/build.ninja ] || \
                meson setup build-asan --buildtype=debug -Db_sanitize=address,undefined \
                        -Db_lundef=false >/dev/null
        ninja -C build-asan
fi
