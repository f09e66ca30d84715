#!/bin/sh
# /init of the testbed guest (busybox sh, PID 1): sets the machine up, runs
# every case listed in /tb/cases.list, reports on ttyS1, powers off.
export PATH=/vfnet/bin:/bin:/usr/sbin:/usr/bin
export HOME=/tmp TMPDIR=/tmp

TB_RESULTS=/dev/ttyS1
export TB_RESULTS

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
ln -s /proc/self/fd /dev/fd 2>/dev/null

# The results channel: raw, so nothing is added to or taken from the markers.
stty -F "$TB_RESULTS" raw -echo 2>/dev/null

tb_setup_fail() {
        echo "@@VFNET-TB setup-fail $*" >"$TB_RESULTS"
        echo "testbed setup failed: $*"
}

. /tb/machine.conf
export TB_MACHINE TB_NVME_PF TB_IGB_PF TB_KERNEL_RELEASE
export IP=/usr/sbin/ip BRIDGE=/usr/sbin/bridge DATE=/usr/bin/date JQ=/usr/bin/jq
export VFNET=/vfnet/bin/vfnet MODPROBE=/usr/sbin/modprobe

mods=/lib/modules/$(uname -r)/testbed
while read -r m; do
        insmod "$mods/$m.ko" || tb_setup_fail "insmod $m"
done <"$mods/order"
/usr/sbin/ip link set lo up

if [ "$TB_MACHINE" = igb ]; then
        # The 82576 PF is the only NIC: its netdev is eth0 (no udev).
        n=$(ls "/sys/bus/pci/devices/$TB_IGB_PF/net" 2>/dev/null)
        [ "$n" = eth0 ] || tb_setup_fail "igb PF $TB_IGB_PF has netdev '$n', not eth0"
else
        # The standard netdevsim devices: netdevsim1 with two ports, netdevsim2
        # with one; max_vfs raised from its default of 4 so large VF counts can
        # be tested.
        echo "1 2" >/sys/bus/netdevsim/new_device || tb_setup_fail "netdevsim1"
        echo "2 1" >/sys/bus/netdevsim/new_device || tb_setup_fail "netdevsim2"
        for d in netdevsim1 netdevsim2; do
                echo 256 >"/sys/kernel/debug/netdevsim/$d/max_vfs" || tb_setup_fail "$d max_vfs"
        done
        for n in eth0 eth1 eth2; do
                /usr/sbin/ip link set "$n" up || tb_setup_fail "link up $n"
        done
fi

# Runs one case in its own scratch directory under a time limit; its output
# is kept in a file and sent as "out" markers once it ends.
tb_run_case() {
        name=$1 limit=$2
        dir=/tmp/case-$name
        mkdir -p "$dir"
        start=$(cut -d' ' -f1 /proc/uptime)
        echo "@@VFNET-TB begin $name" >"$TB_RESULTS"
        echo "=== $name (uptime $start s)"
        (
                cd "$dir" || exit 1
                export TB_CASE="$name"
                exec timeout -s KILL "$limit" sh -c '. /tb/guest-lib.sh; . "$1"' \
                        "$name" "/tb/cases/$name.sh"
        ) >"$dir.out" 2>&1
        status=$?
        cat "$dir.out"
        while IFS= read -r line || [ -n "$line" ]; do
                echo "@@VFNET-TB out $name $line"
        done <"$dir.out" >"$TB_RESULTS"
        took=$(awk -v s="$start" '{ printf "%.1f", $1 - s }' /proc/uptime)
        echo "@@VFNET-TB end $name $status $limit $took" >"$TB_RESULTS"
        # Whatever the case left running (daemons it started, children of a
        # killed case) must not outlive it: signal -1 spares only PID 1.
        kill -KILL -1 2>/dev/null
}

while read -r name limit; do
        [ -n "$name" ] && tb_run_case "$name" "$limit"
done </tb/cases.list

echo "=== all cases done (uptime $(cut -d' ' -f1 /proc/uptime) s)"
echo "@@VFNET-TB done" >"$TB_RESULTS"
sync
poweroff -f
