# machine: iommu-ir iommu-noir noiommu
# `vfnet pci list` and `vfnet vf create` on real PCI SR-IOV functions: the
# NVMe PF at $TB_NVME_PF (sriov_totalvfs 4) and the VFs the kernel makes
# (R5, R6, R7, R8).

pf=/sys/bus/pci/devices/$TB_NVME_PF
conf=/etc/vfnet/sriov-numvfs.d/$TB_NVME_PF.conf

# The PF is listed with --sriov although it is not a network device.
$VFNET pci list --sriov -f json >/tmp/l.json
q=".[] | select(.address == \"$TB_NVME_PF\")"
tb_json_eq pf-listed "$q | [.vendor_id, .product_id, .class, .driver, .dev_type, .sriov_totalvfs, .sriov_numvfs]" \
        '["1b36","0010","0x010802","nvme","type-PF",4,0]' </tmp/l.json
tb_json_eq pf-no-parent "$q | .parent_addr" null </tmp/l.json

# 2 VFs: real functions with physfn links.  (nvme probes them and gives up
# asynchronously, so whether a driver is bound at this instant varies.)
$VFNET vf create "$TB_NVME_PF" 2 -f json >/tmp/c.json
tb_json_eq create-2 '[.previous_numvfs, .numvfs, [.vfs[].address]]' \
        "[0,2,[\"0000:00:04.1\",\"0000:00:04.2\"]]" </tmp/c.json
tb_eq numvfs-2 2 "$(cat "$pf/sriov_numvfs")"
$VFNET pci list --sriov -f json >/tmp/l.json
tb_json_eq vfs-listed '[.[] | select(.dev_type == "type-VF") | [.address, .parent_addr, .vf_index, .product_id, .sriov_totalvfs]]' \
        "[[\"0000:00:04.1\",\"$TB_NVME_PF\",0,\"0010\",null],[\"0000:00:04.2\",\"$TB_NVME_PF\",1,\"0010\",null]]" </tmp/l.json
case $TB_MACHINE in
noiommu) tb_json_eq vf-groups '[.[] | select(.dev_type == "type-VF") | .iommu_group]' '[null,null]' </tmp/l.json ;;
*)
        g1=$(basename "$(readlink /sys/bus/pci/devices/0000:00:04.1/iommu_group)")
        g2=$(basename "$(readlink /sys/bus/pci/devices/0000:00:04.2/iommu_group)")
        tb_json_eq vf-groups '[.[] | select(.dev_type == "type-VF") | .iommu_group]' "[$g1,$g2]" </tmp/l.json
        ;;
esac
# The table nests the VFs under their PF.
$VFNET pci list >/tmp/t.txt
if grep -q "^|   \`- 0000:00:04.1 " /tmp/t.txt; then tb_ok table-nests-vfs; else tb_fail table-nests-vfs "$(cat /tmp/t.txt)"; fi

# The kernel refuses to change a non-zero count directly ...
if echo 3 >"$pf/sriov_numvfs" 2>/dev/null; then
        tb_fail kernel-refuses-direct-change "2 -> 3 accepted"
else
        tb_ok kernel-refuses-direct-change
fi
# ... so vf create writes 0 first.
$VFNET vf create "$TB_NVME_PF" 3 -f json >/tmp/c.json
tb_json_eq create-3-after-2 '[.previous_numvfs, .numvfs, (.vfs | length)]' '[2,3,3]' </tmp/c.json
tb_eq numvfs-3 3 "$(cat "$pf/sriov_numvfs")"

# Above the total: refused, one line, nothing changed.
err=$($VFNET vf create "$TB_NVME_PF" 5 2>&1 >/dev/null)
tb_eq create-5-exit 1 "$?"
tb_eq create-5-message "vfnet: $TB_NVME_PF supports at most 4 VFs (sriov_totalvfs); 5 asked" "$err"
tb_eq numvfs-still-3 3 "$(cat "$pf/sriov_numvfs")"
err=$($VFNET vf create 0000:00:04.1 1 2>&1 >/dev/null)
tb_eq vf-as-pf-exit 1 "$?"
tb_eq vf-as-pf-message "vfnet: 0000:00:04.1 is a VF of $TB_NVME_PF: give the PF (vfnet vf create $TB_NVME_PF 1)" "$err"
err=$($VFNET vf create "$TB_NVME_PF" -1 2>&1 >/dev/null)
tb_eq negative-exit 2 "$?"
# A netdev that is not a PCI function (netdevsim's port) is named as such.
err=$($VFNET vf create eth0 2 2>&1 >/dev/null)
tb_eq non-pci-netdev-exit 1 "$?"
tb_eq non-pci-netdev-message "vfnet: network interface eth0 is not a PCI device (netdevsim); give the PF's PCI address" "$err"

# 0 removes them.
tb_check create-0 $VFNET vf create "$TB_NVME_PF" 0
tb_eq numvfs-0 0 "$(cat "$pf/sriov_numvfs")"
tb_check vfs-gone test ! -e /sys/bus/pci/devices/0000:00:04.1

# --persist: the record under the guest's /etc, and host check agrees.
tb_check create-2-persist $VFNET vf create "$TB_NVME_PF" 2 --persist
tb_eq persisted-count 2 "$(grep -v '^#' "$conf")"
$VFNET host check -f json >/tmp/h.json
tb_json_eq vf-count-agrees '.[] | select(.id == "vf-count") | [.verdict, .evidence]' \
        "[\"ok\",\"$TB_NVME_PF: 2 VFs live, 2 persisted\"]" </tmp/h.json
# Lost behind vfnet's back (as after a reboot): host check says so, restore fixes it.
echo 0 >"$pf/sriov_numvfs"
$VFNET host check -f json >/tmp/h.json
tb_json_eq vf-count-mismatch '.[] | select(.id == "vf-count") | .verdict' fail </tmp/h.json
tb_check restore $VFNET vf restore
tb_eq numvfs-restored 2 "$(cat "$pf/sriov_numvfs")"
$VFNET vf restore -f json >/tmp/r.json
tb_json_eq restore-idempotent '.[0].result' "already 2" </tmp/r.json

tb_check cleanup $VFNET vf create "$TB_NVME_PF" 0 --persist
tb_eq persisted-0 0 "$(grep -v '^#' "$conf")"
rm -f "$conf"
