# What scripts/up.sh shows: vfnet on a real kernel with an emulated IOMMU
# (interrupt remapping on), an NVMe SR-IOV PF and netdevsim SR-IOV NICs.
# Each step prints the command, then its output.  Add a step per command.

tb_demo() {
        echo
        echo "\$ $*"
        "$@" 2>&1 || echo "(exit status $?)"
}

# Kernel messages (the NVMe VFs fail to probe: "Device not ready") would
# interleave with the output.
dmesg -n 1

tb_demo vfnet vf create "$TB_NVME_PF" 2 --persist
tb_demo vfnet pci list
tb_demo vfnet host check

# VF programming over rtnetlink on netdevsim (the kernel's SR-IOV simulator).
tb_netdevsim_vfs netdevsim1 4
tb_demo vfnet vf set eth0 0 mac fa:16:3e:b1:53:b3 vlan 15 spoofchk off trust on
tb_demo vfnet vf set eth0 1 mac fa:16:3e:00:00:01 state disable
tb_demo vfnet vf list eth0
