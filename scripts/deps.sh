#!/usr/bin/env bash
# Installs every Debian package that building, running and testing vfnet
# needs (Debian bookworm, as root), then builds libmicrohttpd (below) into
# .deps/ in this checkout.  Idempotent and quick when all is there.
#
# The kernel testbed's 82576 machine needs QEMU 8.0 or later (its `igb`
# device); bookworm has 7.2, bookworm-backports has 10.  The backports suite
# is added from the same Debian mirror and keyring this machine already
# uses for bookworm, and only the QEMU packages are taken from it (apt
# preferences), with the versions of their dependencies they require.
set -euo pipefail

PACKAGES=(
        # build
        gcc clang meson ninja-build pkg-config
        # libmicrohttpd from source (below)
        make patch curl
        # libraries
        libmnl-dev libjansson-dev libsqlite3-dev libsodium-dev libpq-dev
        libpci-dev pci.ids uuid-dev libcurl4-openssl-dev libinih-dev
        # vfnet-agent spawns instances through libvirt; virsh for checking by hand
        libvirt-dev libvirt-clients
        # tests: unit, sanitizers, fuzzing, leaks
        libcmocka-dev libclang-rt-14-dev valgrind python3
        # kernel testbed (tests/vm); qemu-system-x86 comes from backports, below
        busybox-static cpio iproute2 xz-utils kmod make bc jq curl
        binutils gcc linux-headers-amd64 linux-source-6.1
        # the PostgreSQL backend's tests start a throwaway server (tests/pg)
        postgresql
        # end-to-end: the real OpenStack clients
        python3-openstackclient python3-novaclient
        # conformance: tempest and its runner (run with /usr/bin/python3)
        tempest python3-stestr python3-subunit
)
# The oldest QEMU whose `-device igb` the testbed uses (see tests/vm/README.md).
QEMU_MIN=1:8.0
BACKPORTS_SOURCE=/etc/apt/sources.list.d/vfnet-bookworm-backports.sources
BACKPORTS_PIN=/etc/apt/preferences.d/vfnet-qemu-backports

missing=()
for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
qemu_version=$(dpkg-query -W -f='${Status} ${Version}' qemu-system-x86 2>/dev/null |
        sed -n 's/^install ok installed //p' || true)
qemu_ok=
[ -n "$qemu_version" ] && dpkg --compare-versions "$qemu_version" ge "$QEMU_MIN" && qemu_ok=1
install_packages() {
[ -n "$qemu_ok" ] || missing+=("qemu-system-x86 (>= ${QEMU_MIN#1:}, from bookworm-backports)")
if [ "$(id -u)" -ne 0 ]; then
        echo "deps.sh: missing packages (${missing[*]}); run as root to install them" >&2
        exit 1
fi
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive

# bookworm_source: "URI [KEYRING]" of the first enabled `deb` source of
# suite bookworm, component main, in deb822 files or the one-line format.
bookworm_source() {
        local f
        for f in /etc/apt/sources.list.d/*.sources; do
                [ -f "$f" ] || continue
                awk 'BEGIN { RS = ""; FS = "\n" }
                {
                        uris = suites = comps = types = sb = ""; enabled = "yes"
                        for (i = 1; i <= NF; i++) {
                                line = $i
                                if (line ~ /^[ \t]*#/ || line !~ /:/) continue
                                k = tolower(substr(line, 1, index(line, ":") - 1))
                                v = substr(line, index(line, ":") + 1)
                                gsub(/^[ \t]+|[ \t]+$/, "", v)
                                if (k == "uris") uris = v
                                else if (k == "suites") suites = v
                                else if (k == "components") comps = v
                                else if (k == "types") types = v
                                else if (k == "signed-by") sb = v
                                else if (k == "enabled") enabled = tolower(v)
                        }
                        if (enabled == "no" || (" " types " ") !~ / deb / || (" " comps " ") !~ / main /) next
                        if ((" " suites " ") !~ / bookworm /) next
                        split(uris, u, " ")
                        if (sb !~ /^\//) sb = ""   # an inline key: rely on the default keyrings
                        print u[1], sb
                        exit
                }' "$f"
        done
        for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
                [ -f "$f" ] || continue
                awk '$1 == "deb" {
                        sb = ""; i = 2
                        if ($2 ~ /^\[/) {
                                while (i <= NF) {
                                        if ($i ~ /^\[?signed-by=/) { sb = $i; sub(/^\[?signed-by=/, "", sb); sub(/\]$/, "", sb) }
                                        if ($i ~ /\]$/) { i++; break }
                                        i++
                                }
                        }
                        uri = $i; suite = $(i + 1)
                        main = 0
                        for (j = i + 2; j <= NF; j++) if ($j == "main") main = 1
                        if (suite == "bookworm" && main) { print uri, sb; exit }
                }' "$f"
        done
}

if [ -z "$qemu_ok" ]; then
        read -r uri keyring < <(bookworm_source | head -n1) || true
        if [ -z "${uri:-}" ]; then
                echo "deps.sh: no 'deb' source for bookworm main found in /etc/apt/sources.list{,.d}: cannot add bookworm-backports for QEMU" >&2
                exit 1
        fi
        {
                echo "# Added by vfnet's scripts/deps.sh: QEMU >= 8.0 for the kernel testbed."
                echo "Types: deb"
                echo "URIs: $uri"
                echo "Suites: bookworm-backports"
                echo "Components: main"
                [ -z "${keyring:-}" ] || echo "Signed-By: $keyring"
        } >"$BACKPORTS_SOURCE"
        # Backports are never chosen by default (NotAutomatic); the QEMU
        # packages are, from this suite only.
        cat >"$BACKPORTS_PIN" <<'PIN'
# Added by vfnet's scripts/deps.sh: QEMU from bookworm-backports, nothing else.
Package: qemu-* src:qemu
Pin: release n=bookworm-backports
Pin-Priority: 990
PIN
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
# -t lets this one install take from backports what QEMU's own packages
# require there (a newer seabios); everything else stays on bookworm.
[ -n "$qemu_ok" ] ||
        apt-get install -y -qq --no-install-recommends -t bookworm-backports qemu-system-x86 >/dev/null
}
[ ${#missing[@]} -eq 0 ] && [ -n "$qemu_ok" ] || install_packages

# libmicrohttpd 1.0.10, static, with vfnet's patches, in .deps/libmicrohttpd.
# Bookworm's 0.9.75 answers a bad Content-Length with its status line and
# headers twice, passes duplicate Content-Length and Host headers and
# Transfer-Encoding with Content-Length to the application, and has no
# strict mode; 1.0.10 (Debian sid, not in bookworm or its backports) refuses
# all of them with MHD_OPTION_CLIENT_DISCIPLINE_LVL 1 (docs/server.md).  It
# is linked statically so the binaries copied into the test machines
# (tests/vm) need no library they do not have.  The tarball is Debian's
# orig tarball, checked against the sha256 of Debian's Sources index for
# 1.0.10-1; Debian's own patches only disable TLS tests and are not needed.
MHD_VERSION=1.0.10
MHD_TARBALL=libmicrohttpd_$MHD_VERSION.orig.tar.gz
MHD_SHA256=04bfe8ef75db7d629a33de767599765cecadc56274a39822d5d081030d577685
# The pool keeps a version while a suite has it; snapshot.debian.org keeps
# it after (the sha256 is checked either way).
MHD_URLS=(https://deb.debian.org/debian/pool/main/libm/libmicrohttpd/$MHD_TARBALL
        https://snapshot.debian.org/archive/debian/20261201T000000Z/pool/main/libm/libmicrohttpd/$MHD_TARBALL)
MHD_PATCHES=(third_party/libmicrohttpd/json-errors.patch third_party/libmicrohttpd/resume-order.patch)
MHD_CONFIGURE=(--enable-static --disable-shared --with-pic --disable-doc --disable-examples
        --disable-tools --disable-https --without-gnutls --disable-curl)
cd "$(dirname "$0")/.."
deps=$PWD/.deps
prefix=$deps/libmicrohttpd
stamp="libmicrohttpd $MHD_VERSION tarball $MHD_SHA256 patches $(cat "${MHD_PATCHES[@]}" | sha256sum | cut -d' ' -f1) configure ${MHD_CONFIGURE[*]}"
[ "$(cat "$prefix/.stamp" 2>/dev/null)" = "$stamp" ] && exit 0

fail() { echo "deps.sh: libmicrohttpd $MHD_VERSION: $*" >&2; exit 1; }
mkdir -p "$deps" || fail "cannot create $deps"
tarball=$deps/$MHD_TARBALL
if ! echo "$MHD_SHA256  $tarball" | sha256sum -c --status 2>/dev/null; then
        for url in "${MHD_URLS[@]}"; do
                rm -f "$tarball.part"
                curl -fsSL --retry 3 -o "$tarball.part" "$url" 2>/dev/null || continue
                echo "$MHD_SHA256  $tarball.part" | sha256sum -c --status || continue
                mv "$tarball.part" "$tarball"
                break
        done
        [ -f "$tarball" ] || fail "no download of $MHD_TARBALL with sha256 $MHD_SHA256 from ${MHD_URLS[*]}"
fi
src=$deps/libmicrohttpd-src
log=$deps/libmicrohttpd-build.log
rm -rf "$src" "$prefix"
mkdir -p "$src"
(
        set -e
        tar -xzf "$tarball" -C "$src" --strip-components=1
        cd "$src"
        for p in "${MHD_PATCHES[@]}"; do
                patch -p1 <"$OLDPWD/$p"
        done
        CFLAGS="-O2 -g -fPIC" ./configure --prefix="$prefix" "${MHD_CONFIGURE[@]}"
        make -j"$(nproc)"
        make install
) >"$log" 2>&1 || fail "build failed, see $log"
rm -rf "$src"
echo "$stamp" >"$prefix/.stamp"
