# machine: iommu-ir iommu-noir noiommu
# The facts every other testbed case relies on: the Debian kernel runs,
# netdevsim ports have the documented names and take VFs, the NVMe PF at
# $TB_NVME_PF makes real PCI VFs, and the IOMMU / interrupt remapping state
# matches the machine mode.

tb_eq kernel-release "$TB_KERNEL_RELEASE" "$(uname -r)"
tb_check machine-mode-known test -n "$TB_MACHINE"

# netdevsim ports: netdevsim1 has eth0 and eth1, netdevsim2 has eth2.
for pair in eth0:netdevsim1 eth1:netdevsim1 eth2:netdevsim2; do
        port=${pair%%:*} dev=${pair#*:}
        tb_eq "$port-is-$dev" "$dev" "$(basename "$(readlink "/sys/class/net/$port/device")")"
        tb_eq "$port-up" "UP" "$($IP -o link show "$port" | grep -o 'state [A-Z]*' | cut -d' ' -f2 | sed 's/UNKNOWN/UP/')"
done
tb_eq netdevsim1-max-vfs 256 "$(cat /sys/kernel/debug/netdevsim/netdevsim1/max_vfs)"
tb_eq netdevsim2-max-vfs 256 "$(cat /sys/kernel/debug/netdevsim/netdevsim2/max_vfs)"

tb_check netdevsim1-256-vfs tb_netdevsim_vfs netdevsim1 256
tb_eq netdevsim1-numvfs 256 "$(cat /sys/bus/netdevsim/devices/netdevsim1/sriov_numvfs)"
# ip prints only the VFs that fit its netlink message ("Truncated VF
# list"), so this asks for VF lines, not for all 256 of them.
link=$($IP -d link show eth0 2>&1)
nlines=$(printf '%s\n' "$link" | grep -c '^ *vf [0-9]')
if [ "$nlines" -gt 0 ] && printf '%s\n' "$link" | grep -q '^ *vf 0 '; then
        tb_ok eth0-shows-vf-lines
else
        tb_fail eth0-shows-vf-lines "no VF lines in ip -d link show eth0:
$link"
fi
tb_check netdevsim1-back-to-0-vfs tb_netdevsim_vfs netdevsim1 0

# The NVMe SR-IOV PF and its real PCI VFs.
pf=/sys/bus/pci/devices/$TB_NVME_PF
tb_eq nvme-pf-present 1b36:0010 "$(sed 's/^0x//' "$pf/vendor"):$(sed 's/^0x//' "$pf/device")"
tb_eq nvme-pf-driver nvme "$(basename "$(readlink "$pf/driver")")"
tb_eq nvme-pf-totalvfs 4 "$(cat "$pf/sriov_totalvfs")"
tb_check nvme-pf-2-vfs tb_pci_vfs "$TB_NVME_PF" 2
for vf in 0000:00:04.1 0000:00:04.2; do
        tb_eq "$vf-physfn" "$TB_NVME_PF" "$(basename "$(readlink "/sys/bus/pci/devices/$vf/physfn")")"
done
tb_eq nvme-pf-virtfn1 0000:00:04.2 "$(basename "$(readlink "$pf/virtfn1")")"

groups=$(ls /sys/kernel/iommu_groups 2>/dev/null | wc -l)
case $TB_MACHINE in
iommu-*)
        seen=
        for vf in 0000:00:04.1 0000:00:04.2; do
                g=$(basename "$(readlink "/sys/bus/pci/devices/$vf/iommu_group")")
                members=$(ls "/sys/kernel/iommu_groups/$g/devices" 2>/dev/null | tr '\n' ' ')
                tb_eq "$vf-alone-in-its-iommu-group" "$vf " "$members"
                case " $seen " in
                *" $g "*) tb_fail "$vf-own-group" "group $g is shared with another VF" ;;
                *) tb_ok "$vf-own-group" ;;
                esac
                seen="$seen $g"
        done
        ;;
noiommu)
        tb_eq no-iommu-groups 0 "$groups"
        tb_eq no-iommu-units 0 "$(ls /sys/class/iommu 2>/dev/null | wc -l)"
        ;;
esac
tb_check nvme-pf-back-to-0-vfs tb_pci_vfs "$TB_NVME_PF" 0
tb_eq nvme-vfs-gone no "$([ -e /sys/bus/pci/devices/0000:00:04.1 ] && echo yes || echo no)"

remap=$(dmesg | grep -c 'Enabled IRQ remapping')
case $TB_MACHINE in
iommu-ir) tb_eq irq-remapping-enabled 1 "$remap" ;;
*) tb_eq irq-remapping-not-enabled 0 "$remap" ;;
esac
