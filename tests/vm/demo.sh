# What scripts/up.sh shows: vfnet on a real kernel with an emulated IOMMU
# (interrupt remapping on), an NVMe SR-IOV PF and netdevsim SR-IOV NICs.
# Each step prints the command, then its output.

tb_demo() {
        echo
        echo "\$ $*"
        "$@" 2>&1 || echo "(exit status $?)"
}

# Kernel messages (the NVMe VFs fail to probe: "Device not ready")
# would interleave with the output.
dmesg -n 1
tb_pci_vfs "$TB_NVME_PF" 2
tb_netdevsim_vfs netdevsim1 4

tb_demo vfnet pci list
tb_demo vfnet pci list -f json
tb_demo vfnet host check
