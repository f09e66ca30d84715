# What scripts/up.sh shows second: the seed's own NIC, QEMU's Intel 82576
# with the kernel's igb and igbvf.  VFs the seed's way (modprobe igb
# max_vfs=7), then listed, checked and programmed by vfnet.

tb_demo() {
        echo
        echo "\$ $*"
        "$@" 2>&1 || echo "(exit status $?)"
}
dmesg -n 1

$MODPROBE -r igb
tb_demo $MODPROBE igb max_vfs=7
pf=$(tb_netdev_of "$TB_IGB_PF")
tb_demo vfnet pci list
tb_demo vfnet host check
# igb has no VF link-state control (R22): that field is refused, the others are set.
tb_demo vfnet vf set "$pf" 0 mac fa:16:3e:b1:53:b3 vlan 15 trust on state disable
tb_demo vfnet vf list "$pf"
