#!/usr/bin/env bash
# Configures and builds the two build trees the tests use:
#   build/       the normal build (-O2 -g), what is installed and run
#   build-asan/  the same with AddressSanitizer + UndefinedBehaviorSanitizer
# Usage: scripts/build.sh [normal|asan|all]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-all}
if [ "$what" = normal ] || [ "$what" = all ]; then
        scripts/meson-setup.sh build --buildtype=debugoptimized
        ninja -C build
fi
if [ "$what" = asan ] || [ "$what" = all ]; then
        scripts/meson-setup.sh build-asan --buildtype=debug -Db_sanitize=address,undefined \
                -Db_lundef=false
        ninja -C build-asan
fi
