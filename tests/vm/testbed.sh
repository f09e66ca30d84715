#!/usr/bin/env bash
# The kernel testbed: a Debian bookworm kernel booted in QEMU (TCG) with
# netdevsim SR-IOV NICs, an NVMe SR-IOV PF (real PCI VFs) and, depending on
# the machine mode, an emulated Intel IOMMU with or without interrupt
# remapping, or QEMU's emulated Intel 82576 (igb) with real PCI VFs driven by
# the kernel's igb and igbvf.  Everything comes from Debian packages.  See
# tests/vm/README.md.
#
# Usage:
#   testbed.sh build
#   testbed.sh run  --machine MODE [--build-dir DIR] CASE...
#   testbed.sh tap  --machine MODE [--build-dir DIR]
#   testbed.sh demo [--build-dir DIR]
# MODE: iommu-ir | iommu-noir | noiommu | igb
set -euo pipefail

TB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$TB_DIR/../.." && pwd)
MODES=(iommu-ir iommu-noir noiommu igb)
# The NVMe SR-IOV PF sits at this fixed guest address (q35 root bus, slot 4).
NVME_SLOT=0x4
NVME_PF=0000:00:04.0
# The 82576 PF of the igb machine (its VFs follow at QEMU's VF offset).
IGB_SLOT=0x5
IGB_PF=0000:00:05.0
# Seconds a case may run unless its header says `# timeout: N`.
CASE_TIMEOUT_DEFAULT=120
# What a complete cache holds; a different value in its stamp means rebuild.
CACHE_LAYOUT=4
# Seconds for boot, module loading and power-off, on top of the cases.
VM_OVERHEAD=90
# The whole-VM limit never exceeds this (meson's limit for the vm tests is 1800).
VM_TIMEOUT_MAX=1700

# Modules the guest loads (their dependencies are added from modinfo).
# The NVMe chain has soft dependencies (crypto algorithms found at run time)
# that modinfo's depends= does not name, hence the explicit order.
GUEST_MODULES=(
        crct10dif_common crct10dif_generic crc64 crc64_rocksoft_generic
        crc64_rocksoft crc_t10dif t10_pi nvme_core nvme
        psample netdevsim
        8021q
        vfio vfio_iommu_type1 vfio_pci
        dca i2c_algo_bit igb igbvf
        bridge veth
)

die() { echo "testbed: $*" >&2; exit 1; }
log() { echo "testbed: $*" >&2; }

kernel_abi() {
        local abi
        abi=$(apt-cache depends linux-image-amd64 2>/dev/null |
                sed -n 's/^ *Depends: linux-image-\(.*\)-amd64$/\1/p' | head -n1)
        [ -n "$abi" ] || die "cannot find the kernel ABI from 'apt-cache depends linux-image-amd64' (run apt-get update)"
        echo "$abi"
}

cache_dir() {
        echo "${VFNET_TESTBED_CACHE:-/var/cache/vfnet-testbed}/$(kernel_abi)"
}

ensure_packages() {
        local missing=() p
        for p in "$@"; do
                dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
                        missing+=("$p")
        done
        [ ${#missing[@]} -eq 0 ] && return 0
        [ "$(id -u)" -eq 0 ] || die "missing packages ${missing[*]}: run scripts/deps.sh as root"
        log "installing ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
                "${missing[@]}" >/dev/null
}

# ---------------------------------------------------------------- build

# module_index TREE: "name path" for every module file under TREE, with
# names normalised the way the kernel does (dashes become underscores).
module_index() {
        find "$1" -name '*.ko' -o -name '*.ko.xz' | while read -r f; do
                local n=${f##*/}
                n=${n%.xz}
                n=${n%.ko}
                echo "${n//-/_} $f"
        done
}

# Resolves GUEST_MODULES with their modinfo dependencies into a load order
# (dependencies first) and copies the module files into $2/modules/.
collect_modules() {
        local index=$1 out=$2 builtin=$3
        local -A path=() seen=()
        local order=() name file
        while read -r name file; do path[$name]=$file; done <"$index"

        visit() {
                local m=${1//-/_} dep deps
                [ -n "${seen[$m]:-}" ] && return 0
                seen[$m]=1
                if [ -z "${path[$m]:-}" ]; then
                        grep -q "/${m}.ko\$\|/${1}.ko\$" "$builtin" 2>/dev/null && return 0
                        # built-in modules list uses the file name, which may use dashes
                        grep -q "/${m//_/-}.ko\$" "$builtin" 2>/dev/null && return 0
                        die "module $1 is neither a module file nor built in"
                fi
                deps=$(modinfo -F depends "${path[$m]}" 2>/dev/null || true)
                for dep in ${deps//,/ }; do visit "$dep"; done
                order+=("$m")
        }
        for name in "${GUEST_MODULES[@]}"; do visit "$name"; done

        mkdir -p "$out/modules"
        : >"$out/modules/order"
        for name in "${order[@]}"; do
                file=${path[$name]}
                case $file in
                *.xz) xz -dc "$file" >"$out/modules/$name.ko" ;;
                *) cp "$file" "$out/modules/$name.ko" ;;
                esac
                # Debug info only makes the initramfs bigger and slower to load.
                strip --strip-debug "$out/modules/$name.ko"
                echo "$name" >>"$out/modules/order"
        done
}

cache_complete() {
        [ "$(head -n1 "$1/stamp" 2>/dev/null)" = "layout $CACHE_LAYOUT" ]
}

# extract_vmlinux BZIMAGE OUT: the uncompressed kernel (an ELF with a PVH
# entry point), which QEMU boots directly: decompressing the bzImage in
# TCG takes seconds at every boot.  The payload's place is in the boot
# protocol's setup header (setup_sects at 0x1f1, payload_offset/length at
# 0x248, counted from the protected-mode code after the setup sectors).
extract_vmlinux() {
        local bz=$1 out=$2 sects off len magic
        sects=$(od -An -tu1 -j $((0x1f1)) -N1 "$bz" | tr -d ' ')
        [ "$sects" -eq 0 ] && sects=4
        read -r off len < <(od -An -tu4 -j $((0x248)) -N8 "$bz")
        magic=$(tail -c +$(((sects + 1) * 512 + off + 1)) "$bz" | head -c 6 | od -An -tx1 | tr -d ' \n')
        case $magic in
        fd377a585a00) tail -c +$(((sects + 1) * 512 + off + 1)) "$bz" | head -c "$len" | xz -dc -q >"$out" 2>/dev/null ;;
        1f8b*) tail -c +$(((sects + 1) * 512 + off + 1)) "$bz" | head -c "$len" | gzip -dc -q >"$out" 2>/dev/null ;;
        *) return 1 ;;
        esac
        # XEN_ELFNOTE_PHYS32_ENTRY (type 18) is the PVH entry QEMU needs.
        [ "$(head -c 4 "$out" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ] &&
                readelf -n "$out" 2>/dev/null | grep -q 'Xen.*0x00000012\|Unknown note type: (0x00000012)'
}

cmd_build() {
        local abi cache kver work start
        abi=$(kernel_abi)
        kver=$abi-amd64
        cache=$(cache_dir)
        cache_complete "$cache" && return 0
        mkdir -p "$cache"
        # Held only while building: a concurrent build waits, then finds the stamp.
        exec 9>"$cache/.lock"
        flock 9
        if cache_complete "$cache"; then
                exec 9>&-
                return 0
        fi
        rm -f "$cache/stamp"
        start=$(date +%s)
        log "building the testbed for kernel $kver in $cache"
        ensure_packages "linux-headers-$kver" linux-source-6.1 busybox-static cpio \
                qemu-system-x86 kmod make gcc binutils xz-utils jq iproute2 pci.ids
        rm -rf "$cache/work" "$cache/modules"
        work=$cache/work
        mkdir -p "$work"

        # The kernel image and its modules, straight from the package.
        (cd "$work" && apt-get download -q "linux-image-$kver" >/dev/null 2>&1) ||
                (cd "$work" && apt-get download "linux-image-$kver") ||
                die "cannot download linux-image-$kver"
        dpkg-deb -x "$work"/linux-image-"$kver"_*.deb "$work/root"
        cp "$work/root/boot/vmlinuz-$kver" "$cache/vmlinuz.new"

        # netdevsim is not built in Debian's kernel: build it out of tree from
        # the Debian kernel source against the matching headers.
        tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$work" \
                --wildcards 'linux-source-6.1/drivers/net/netdevsim/*'
        make -s -C "/usr/src/linux-headers-$kver" M="$work/linux-source-6.1/drivers/net/netdevsim" \
                CONFIG_NETDEVSIM=m -j2 modules >"$work/netdevsim-build.log" 2>&1 ||
                { cat "$work/netdevsim-build.log" >&2; die "building netdevsim failed"; }

        module_index "$work/root/lib/modules/$kver" >"$work/modules.index"
        echo "netdevsim $work/linux-source-6.1/drivers/net/netdevsim/netdevsim.ko" >>"$work/modules.index"
        collect_modules "$work/modules.index" "$cache" "$work/root/lib/modules/$kver/modules.builtin"
        # modprobe in the guest needs to know what is built in.
        cp "$work/root/lib/modules/$kver"/modules.builtin{,.modinfo} "$cache/modules/"

        mv "$cache/vmlinuz.new" "$cache/vmlinuz"
        rm -f "$cache/vmlinux"
        if extract_vmlinux "$cache/vmlinuz" "$work/vmlinux"; then
                mv "$work/vmlinux" "$cache/vmlinux"
        else
                log "no PVH kernel could be extracted: booting the bzImage (slower)"
        fi
        echo "$kver" >"$cache/kernel-release"
        make_base_cpio "$cache/base.cpio.new" "$cache"
        mv "$cache/base.cpio.new" "$cache/base.cpio"
        rm -rf "$work"
        printf 'layout %s\nbuilt %s in %s s\n' "$CACHE_LAYOUT" "$(date -u +%FT%TZ)" \
                "$(($(date +%s) - start))" >"$cache/stamp"
        exec 9>&-
        log "built in $(($(date +%s) - start)) s"
}

# ---------------------------------------------------------------- initramfs

# copy_with_libs ROOT FILE [DEST]: copies an executable into ROOT (at DEST,
# default the same path) and the shared libraries it needs at their paths.
copy_with_libs() {
        local root=$1 file=$2 dest=${3:-$2} lib
        mkdir -p "$root$(dirname "$dest")"
        cp -L "$file" "$root$dest"
        for lib in $(ldd "$file" 2>/dev/null | grep -o '/[^ ]*' || true); do
                [ -e "$root$lib" ] && continue
                mkdir -p "$root$(dirname "$lib")"
                cp -L "$lib" "$root$lib"
        done
}

# case_header CASEFILE KEY: the value of a "# KEY: value" header line.
case_header() {
        sed -n "s/^# *$2: *//p" "$1" | head -n1
}

# make_base_cpio OUT CACHE: the part of the guest's initramfs that does not
# change between runs (built once, with the cache): busybox, the modules,
# iproute2, GNU date, jq, kmod's modprobe and their libraries, pci.ids.
# The modules sit in /lib/modules/RELEASE/testbed with a modules.dep from
# depmod, so that `modprobe igb max_vfs=7` works in the guest as on a host.
make_base_cpio() {
        local out=$1 cache=$2 root kver
        kver=$(cat "$cache/kernel-release")
        root=$(mktemp -d "$TB_TMP/base.XXXXXX")
        mkdir -p "$root"/{bin,dev,proc,sys,tmp,run,etc,var,vfnet/bin,tb/cases,"lib/modules/$kver/testbed"}
        ln -s ../run "$root/var/run" # ip netns keeps its names in /var/run/netns
        cp /bin/busybox "$root/bin/busybox"
        (cd "$root/bin" && /bin/busybox --list | grep -vx busybox |
                while read -r applet; do ln -s busybox "$applet"; done)
        cp "$cache"/modules/*.ko "$cache/modules/order" "$root/lib/modules/$kver/testbed/"
        cp "$cache"/modules/modules.builtin{,.modinfo} "$root/lib/modules/$kver/"
        sed 's|^|testbed/|; s|$|.ko|' "$cache/modules/order" >"$root/lib/modules/$kver/modules.order"
        depmod -b "$root" "$kver"
        # kmod takes its part from the name it is run as.
        copy_with_libs "$root" /usr/bin/kmod /usr/sbin/modprobe
        copy_with_libs "$root" /usr/sbin/ip
        copy_with_libs "$root" /usr/sbin/bridge
        copy_with_libs "$root" /usr/bin/date
        copy_with_libs "$root" /usr/bin/jq
        # libpci names vendors and products from pci.ids.
        mkdir -p "$root/usr/share/misc"
        cp -L /usr/share/misc/pci.ids "$root/usr/share/misc/pci.ids"
        (cd "$root" && find . | cpio -o -H newc --quiet) >"$out"
        rm -rf "$root"
}

# make_initramfs OUT CACHE BUILD_DIR MODE CASE...: writes OUT, the base
# archive followed by this run's (the kernel unpacks concatenated archives
# in order): the programs of BUILD_DIR/src/cmd, /init, the cases.
make_initramfs() {
        local out=$1 cache=$2 build_dir=$3 mode=$4
        shift 4
        local root f name t
        root=$(mktemp -d "$TB_TMP/root.XXXXXX")
        mkdir -p "$root"/{vfnet/bin,tb/cases}
        if [ -d "$build_dir/src/cmd" ]; then
                for f in "$build_dir"/src/cmd/*; do
                        [ -f "$f" ] && [ -x "$f" ] || continue
                        copy_with_libs "$root" "$f" "/vfnet/bin/${f##*/}"
                done
        fi
        # libpci, which vfnet opens at run time to name PCI devices.
        f=$(ldconfig -p | awk '/libpci\.so\.3 .*x86-64/ { print $NF; exit }')
        [ -n "$f" ] || die "libpci.so.3 not found (scripts/deps.sh installs libpci3)"
        copy_with_libs "$root" "$f"
        # devlink (netdevsim's eswitch mode, for vf-unsupported.sh)
        copy_with_libs "$root" /usr/sbin/devlink
        # curl drives vfnet-server's API from inside the guest (agent cases).
        copy_with_libs "$root" /usr/bin/curl
        cp "$TB_DIR/guest-init.sh" "$root/init"
        cp "$TB_DIR/guest-lib.sh" "$root/tb/guest-lib.sh"
        chmod 755 "$root/init"
        : >"$root/tb/cases.list"
        for f in "$@"; do
                name=${f##*/}
                name=${name%.sh}
                cp "$f" "$root/tb/cases/$name.sh"
                t=$(case_header "$f" timeout)
                echo "$name ${t:-$CASE_TIMEOUT_DEFAULT}" >>"$root/tb/cases.list"
        done
        cat >"$root/tb/machine.conf" <<EOF
TB_MACHINE=$mode
TB_NVME_PF=$NVME_PF
TB_IGB_PF=$IGB_PF
TB_KERNEL_RELEASE=$(cat "$cache/kernel-release")
EOF
        { cat "$cache/base.cpio"; (cd "$root" && find . | cpio -o -H newc --quiet); } >"$out"
        rm -rf "$root"
}

# ---------------------------------------------------------------- QEMU

# qemu_args MODE: prints one argument per line.
qemu_args() {
        local mode=$1 machine=q35,accel=tcg append="console=ttyS0 quiet panic=-1"
        case $mode in
        iommu-ir | iommu-noir | igb) machine+=",kernel-irqchip=split" ;;
        noiommu) ;;
        *) die "unknown machine mode '$mode' (one of: ${MODES[*]})" ;;
        esac
        printf '%s\n' -machine "$machine" -m 1024 -smp 1 -nodefaults -nic none \
                -display none -no-reboot
        case $mode in
        iommu-ir | igb) printf '%s\n' -device intel-iommu,intremap=on ;;
        iommu-noir) printf '%s\n' -device intel-iommu,intremap=off ;;
        esac
        # The 82576 (QEMU >= 8.0), on user networking that reaches nothing
        # outside the VM (restrict=on): its link is up, no frame leaves.
        # No 64-bit PCI window: QEMU 10.0 maps a VF's 64-bit BAR without its
        # upper half, so VF BARs the kernel puts above 4 GiB are unreachable
        # and igbvf never talks to the PF (see tests/vm/README.md).
        [ "$mode" != igb ] ||
                printf '%s\n' -global q35-pcihost.pci-hole64-size=0 \
                        -netdev user,id=igbnet0,restrict=on \
                        -device "igb,netdev=igbnet0,mac=52:54:00:82:57:60,addr=$IGB_SLOT"
        [ "$mode" = noiommu ] || append+=" intel_iommu=on"
        append+=${VFNET_TESTBED_APPEND:+ $VFNET_TESTBED_APPEND}
        printf '%s\n' -device nvme-subsys,id=nvmesubsys0,nqn=vfnet-testbed \
                -device "nvme,serial=vfnettb0,subsys=nvmesubsys0,sriov_max_vfs=4,sriov_vq_flexible=8,sriov_vi_flexible=4,addr=$NVME_SLOT" \
                -append "$append"
}

# boot_vm MODE CONSOLE RESULTS TIMEOUT CASE...: boots one VM running CASEs.
# The console (ttyS0: kernel and case output) goes to CONSOLE ("-" for the
# terminal), the result markers (ttyS1, nothing else writes there) to
# RESULTS.  Returns QEMU's status, 124 when it was killed on TIMEOUT.
boot_vm() {
        local mode=$1 console=$2 results=$3 timeout=$4
        shift 4
        local cache initrd kernel args=() rc=0
        cache=$(cache_dir)
        if [ "$mode" = igb ] && ! qemu-system-x86_64 -device help 2>/dev/null | grep -q '^name "igb"'; then
                die "this QEMU ($(qemu-system-x86_64 --version | head -n1)) has no igb device (QEMU 8.0 or later): run scripts/deps.sh as root"
        fi
        initrd=$(mktemp "$TB_TMP/initrd.XXXXXX")
        make_initramfs "$initrd" "$cache" "$BUILD_DIR" "$mode" "$@"
        mapfile -t args < <(qemu_args "$mode")
        if [ "$console" = - ]; then
                args+=(-serial stdio)
        else
                args+=(-chardev "file,id=console,path=$console" -serial chardev:console)
        fi
        args+=(-chardev "file,id=results,path=$results" -serial chardev:results)
        kernel=$cache/vmlinux
        [ -f "$kernel" ] || kernel=$cache/vmlinuz
        # Extra QEMU arguments for a look inside (e.g. "-trace igb_* -D FILE").
        # shellcheck disable=SC2206
        [ -z "${VFNET_TESTBED_QEMU_ARGS:-}" ] || args+=($VFNET_TESTBED_QEMU_ARGS)
        # In the background so that a signal to this script (which bash only
        # handles between commands) stops the VM at once: timeout(1) runs in
        # its own process group, out of reach of a kill of ours.
        timeout --kill-after=10 "$timeout" qemu-system-x86_64 -kernel "$kernel" \
                -initrd "$initrd" "${args[@]}" </dev/null &
        TB_VM_PID=$!
        wait "$TB_VM_PID" || rc=$?
        TB_VM_PID=
        rm -f "$initrd"
        # timeout(1): 124 after SIGTERM (QEMU exits on it), 137 after SIGKILL.
        [ "$rc" -eq 137 ] && rc=124
        return "$rc"
}

# ---------------------------------------------------------------- results

# report_tap RESULTS VMSTATUS TIMEOUT CASE...: turns result markers into TAP.
# Markers (one per line, found anywhere on a line, \r ignored):
#   @@VFNET-TB begin CASE
#   @@VFNET-TB ok CASE CHECK
#   @@VFNET-TB fail CASE CHECK MESSAGE-FIRST-LINE
#   @@VFNET-TB msg CASE TEXT           (more lines of the last failure)
#   @@VFNET-TB out CASE TEXT           (the case's own output)
#   @@VFNET-TB end CASE STATUS LIMIT SECONDS-TAKEN
#   @@VFNET-TB done
report_tap() {
        local results=$1 vmstatus=$2 vmtimeout=$3
        shift 3
        awk -v vmstatus="$vmstatus" -v vmtimeout="$vmtimeout" -v cases="$*" '
        function flush_fail() {
                if (pending == "") return
                n++; print "not ok " n " - " pending
                for (i = 1; i <= nmsg; i++) print "# " msg[i]
                pending = ""; nmsg = 0; failed++
        }
        function tap_ok(text) { flush_fail(); n++; print "ok " n " - " text }
        function tap_fail(text) { flush_fail(); pending = text }
        function show_output(c,   i) {
                if (nout[c] == 0) return
                print "# output of " c " (last lines):"
                for (i = (nout[c] > 40 ? nout[c] - 39 : 1); i <= nout[c]; i++) print "#   " out[c, i]
        }
        {
                sub(/\r+$/, "")
                p = index($0, "@@VFNET-TB ")
                if (p == 0) next
                line = substr($0, p + 11)
                kind = line; sub(/ .*/, "", kind)
                rest = substr(line, length(kind) + 2)
                c = rest; sub(/ .*/, "", c)
                arg = substr(rest, length(c) + 2)
                if (kind == "begin") { began[c] = 1; checks[c] = 0 }
                else if (kind == "ok") { checks[c]++; tap_ok(c ": " arg) }
                else if (kind == "fail") {
                        checks[c]++
                        name = arg; sub(/ .*/, "", name)
                        m = substr(arg, length(name) + 2)
                        tap_fail(c ": " name); if (m != "") msg[++nmsg] = m
                }
                else if (kind == "msg") { if (pending != "") msg[++nmsg] = arg }
                else if (kind == "out") out[c, ++nout[c]] = arg
                else if (kind == "end") {
                        flush_fail()
                        ended[c] = 1
                        split(arg, e, " ")
                        arg = e[1]; limit = e[2]; took = e[3]
                        if (took != "") print "# " c " took " took " s"
                        if (arg == "124" || arg == "137" || arg == "143") {
                                tap_fail(c ": finished (killed at its time limit" (limit != "" ? " of " limit " s" : "") ")")
                                flush_fail(); show_output(c)
                        } else if (arg != "0") {
                                tap_fail(c ": finished (exit status " arg ")"); flush_fail(); show_output(c)
                        } else if (checks[c] == 0) {
                                tap_fail(c ": finished (ran no checks)"); flush_fail()
                        } else if (hadfail[c]) show_output(c)
                }
                else if (kind == "setup-fail") { tap_fail("testbed: machine setup: " rest); flush_fail() }
                else if (kind == "done") done = 1
                if (kind == "fail") hadfail[c] = 1
        }
        END {
                flush_fail()
                ncases = split(cases, list, " ")
                for (k = 1; k <= ncases; k++) {
                        c = list[k]
                        if (ended[c]) continue
                        why = (vmstatus == 124) ? "the VM was killed after " vmtimeout " s" : \
                              "the VM stopped (status " vmstatus ") before the case finished"
                        tap_fail(c ": finished (" (began[c] ? "crashed or hung: " : "never started: ") why ")")
                        flush_fail(); show_output(c)
                }
                if (!done && ncases == 0) { tap_fail("testbed: the VM did not finish (status " vmstatus ")"); flush_fail() }
                print "1.." n
                exit failed > 0 ? 1 : 0
        }' "$results"
}

# ---------------------------------------------------------------- commands

BUILD_DIR=$REPO_DIR/build
MODE=

parse_run_args() {
        CASES=()
        while [ $# -gt 0 ]; do
                case $1 in
                --machine) MODE=${2:?--machine needs a mode}; shift 2 ;;
                --machine=*) MODE=${1#*=}; shift ;;
                --build-dir) BUILD_DIR=${2:?--build-dir needs a directory}; shift 2 ;;
                --build-dir=*) BUILD_DIR=${1#*=}; shift ;;
                -*) die "unknown option $1" ;;
                *) CASES+=("$1"); shift ;;
                esac
        done
        [ -n "$MODE" ] || die "--machine MODE is required (one of: ${MODES[*]})"
        local m ok=
        for m in "${MODES[@]}"; do [ "$m" = "$MODE" ] && ok=1; done
        [ -n "$ok" ] || die "unknown machine mode '$MODE' (one of: ${MODES[*]})"
        BUILD_DIR=$(cd "$BUILD_DIR" 2>/dev/null && pwd) || die "build directory not found: $BUILD_DIR"
}

# run_cases FORMAT CASEFILE...: FORMAT is tap or text.
run_cases() {
        local format=$1
        shift
        local f names=() total=$VM_OVERHEAD t work rc=0 vmstatus=0
        for f in "$@"; do
                [ -f "$f" ] || die "no such case: $f"
                t=$(case_header "$f" timeout)
                total=$((total + ${t:-$CASE_TIMEOUT_DEFAULT}))
                f=${f##*/}
                names+=("${f%.sh}")
        done
        [ "$total" -le "$VM_TIMEOUT_MAX" ] || total=$VM_TIMEOUT_MAX
        total=${VFNET_TESTBED_TIMEOUT:-$total}
        cmd_build
        work=$(mktemp -d "$TB_TMP/run.XXXXXX")
        boot_vm "$MODE" "$work/console.log" "$work/results.log" "$total" "$@" || vmstatus=$?
        if [ "$format" = tap ]; then
                report_tap "$work/results.log" "$vmstatus" "$total" "${names[@]}" || rc=$?
        else
                # Plain run: the case output, then the verdicts.
                sed -n 's/\r$//; s/.*@@VFNET-TB out \([^ ]*\) /\1| /p' "$work/results.log"
                report_tap "$work/results.log" "$vmstatus" "$total" "${names[@]}" || rc=$?
        fi
        if [ "$rc" -ne 0 ] || [ -n "${VFNET_TESTBED_CONSOLE:-}" ]; then
                echo "# guest console (last 60 lines):"
                tail -n 60 "$work/console.log" | sed 's/\r$//; s/^/#   /'
        fi
        rm -rf "$work"
        return "$rc"
}

cmd_run() {
        parse_run_args "$@"
        [ ${#CASES[@]} -gt 0 ] || die "run: name at least one case file"
        run_cases text "${CASES[@]}"
}

cmd_tap() {
        parse_run_args "$@"
        [ ${#CASES[@]} -eq 0 ] || die "tap runs every case of tests/vm/cases/; use run for single cases"
        local f modes selected=()
        for f in "$TB_DIR"/cases/*.sh; do
                [ -f "$f" ] || continue
                modes=" $(case_header "$f" machine) "
                [[ $modes == *" $MODE "* ]] && selected+=("$f")
        done
        if [ ${#selected[@]} -eq 0 ]; then
                echo "1..0 # SKIP no case for machine $MODE"
                return 0
        fi
        run_cases tap "${selected[@]}"
}

cmd_demo() {
        local work vmstatus=0
        MODE=iommu-ir
        while [ $# -gt 0 ]; do
                case $1 in
                --build-dir) BUILD_DIR=${2:?}; shift 2 ;;
                *) die "demo: unknown argument $1" ;;
                esac
        done
        [ -x "$BUILD_DIR/src/cmd/vfnet" ] || die "no vfnet binary in $BUILD_DIR: run scripts/build.sh first"
        cmd_build
        work=$(mktemp -d "$TB_TMP/demo.XXXXXX")
        log "booting a Debian kernel in QEMU (machine iommu-ir) ..."
        boot_vm iommu-ir - "$work/results.log" 600 "$TB_DIR/demo.sh" || vmstatus=$?
        if [ "$vmstatus" -eq 0 ]; then
                log "booting the 82576 machine (igb) ..."
                boot_vm igb - "$work/results.log" 600 "$TB_DIR/demo-igb.sh" || vmstatus=$?
        fi
        rm -rf "$work"
        return "$vmstatus"
}

TB_VM_PID=

# tb_stop STATUS: on SIGTERM/SIGINT, stops a running VM, then exits.
tb_stop() {
        if [ -n "$TB_VM_PID" ]; then
                kill -TERM "$TB_VM_PID" 2>/dev/null
                wait "$TB_VM_PID" 2>/dev/null
        fi
        exit "$1"
}

main() {
        local cmd=${1:-}
        # Everything temporary lives here and goes when the script ends, also
        # when it is stopped (a meson time-out sends SIGTERM).
        TB_TMP=$(mktemp -d "${TMPDIR:-/tmp}/vfnet-tb.XXXXXX")
        trap 'rm -rf "$TB_TMP"' EXIT
        trap 'tb_stop 143' TERM
        trap 'tb_stop 130' INT
        [ $# -gt 0 ] && shift
        case $cmd in
        build) cmd_build "$@" ;;
        run) cmd_run "$@" ;;
        tap) cmd_tap "$@" ;;
        demo) cmd_demo "$@" ;;
        # report RESULTS VMSTATUS VMTIMEOUT CASE...: the parser alone (selftest.sh)
        report) report_tap "$@" ;;
        *)
                sed -n '7,12p' "$0" | sed 's/^# \{0,1\}//' >&2
                exit 2
                ;;
        esac
}

main "$@"
