#!/usr/bin/env bash
# Sets up a meson build tree, or points an existing one, at the
# libmicrohttpd scripts/deps.sh builds (.deps/libmicrohttpd): meson finds it
# through pkg-config, and the system's libmicrohttpd (older, without the
# strictness the server relies on) must not be the one found.
# Usage: scripts/meson-setup.sh BUILDDIR [MESON SETUP OPTIONS...]
set -euo pipefail
cd "$(dirname "$0")/.."

dir=$1
shift
pc=$PWD/.deps/libmicrohttpd/lib/pkgconfig
if [ ! -f "$dir/build.ninja" ]; then
        meson setup "$dir" --pkg-config-path="$pc" "$@" >/dev/null
elif ! meson introspect "$dir" --buildoptions |
        python3 -c 'import json, sys
o = [x["value"] for x in json.load(sys.stdin) if x["name"] == "pkg_config_path"]
sys.exit(0 if o == [[sys.argv[1]]] else 1)' "$pc"; then
        # A tree set up before the libmicrohttpd of .deps/ was required.
        meson configure "$dir" -Dpkg_config_path="$pc" >/dev/null
fi
