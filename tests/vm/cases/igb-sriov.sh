# machine: igb
# timeout: 300
# The seed's section 20.2 on its own NIC: QEMU's Intel 82576 (PF 8086:10c9)
# with the kernel's igb and igbvf.  `modprobe igb max_vfs=7` and `vfnet vf
# create` / `--persist` each give 7 VFs 8086:10ca with igbvf netdevs;
# `vfnet pci list` and `vfnet host check` show them; a persisted count comes
# back after the driver is reloaded, through `vfnet vf restore` as
# vfnet-sriov.service runs it at boot (R5-R8).

pf=/sys/bus/pci/devices/$TB_IGB_PF
verdict() { # ID: the verdict of one check in host-check.json
        $JQ -r --arg id "$1" '.[] | select(.id == $id) | .verdict' host-check.json
}
evidence() {
        $JQ -r --arg id "$1" '.[] | select(.id == $id) | .evidence' host-check.json
}
has() { # NAME TEXT WORD
        case $2 in
        *"$3"*) tb_ok "$1" ;;
        *) tb_fail "$1" "'$3' not in: $2" ;;
        esac
}
# seven_vfs PREFIX: the 7 VFs the kernel made are 82576 VFs bound to igbvf,
# each with a netdev, as sysfs says and as `vfnet pci list` shows them.
seven_vfs() {
        tb_eq "$1-numvfs" 7 "$(cat "$pf/sriov_numvfs")"
        ids= drivers= netdevs=0
        for i in 0 1 2 3 4 5 6; do
                vf=$(basename "$(readlink "$pf/virtfn$i")")
                ids="$ids $(cat "/sys/bus/pci/devices/$vf/vendor"):$(cat "/sys/bus/pci/devices/$vf/device")"
                drivers="$drivers $(basename "$(readlink "/sys/bus/pci/devices/$vf/driver")")"
                [ -n "$(tb_netdev_of "$vf")" ] && netdevs=$((netdevs + 1))
        done
        tb_eq "$1-vf-ids" "$(printf ' 0x8086:0x10ca%.0s' 1 2 3 4 5 6 7)" "$ids"
        tb_eq "$1-vf-drivers" "$(printf ' igbvf%.0s' 1 2 3 4 5 6 7)" "$drivers"
        tb_eq "$1-vf-netdevs" 7 "$netdevs"
        $VFNET pci list -f json >list.json
        # Every VF row as sysfs has it: address, parent, index, ids, driver,
        # netdev, its own IOMMU group.
        want=$(for i in 0 1 2 3 4 5 6; do
                vf=$(basename "$(readlink "$pf/virtfn$i")")
                printf '["%s","%s",%d,"8086","10ca","82576 Virtual Function","igbvf",["%s"],%s]\n' \
                        "$vf" "$TB_IGB_PF" "$i" "$(tb_netdev_of "$vf")" \
                        "$(basename "$(readlink "/sys/bus/pci/devices/$vf/iommu_group")")"
        done | $JQ -s -c .)
        tb_json_eq "$1-pci-list-vfs" '[.[] | select(.dev_type == "type-VF") |
                [.address, .parent_addr, .vf_index, .vendor_id, .product_id, .product_name, .driver, .netdevs, .iommu_group]]' \
                "$want" <list.json
        tb_json_eq "$1-vfs-own-groups" '[.[] | select(.dev_type == "type-VF") | .iommu_group] | unique | length' 7 <list.json
}

# The machine starts with igb loaded without VFs.
tb_eq pf-is-82576 "0x8086:0x10c9 igb 7" \
        "$(cat "$pf/vendor"):$(cat "$pf/device") $(basename "$(readlink "$pf/driver")") $(cat "$pf/sriov_totalvfs")"
tb_eq starts-without-vfs 0 "$(cat "$pf/sriov_numvfs")"

# 1. The module option, as the seed has it: modprobe igb max_vfs=7.
tb_check modprobe-max-vfs-7 tb_igb_reload max_vfs=7
seven_vfs modprobe
q=".[] | select(.address == \"$TB_IGB_PF\")"
tb_json_eq pf-listed "$q | [.vendor_id, .product_id, .product_name, .driver, .dev_type, .sriov_totalvfs, .sriov_numvfs, .netdevs]" \
        "[\"8086\",\"10c9\",\"82576 Gigabit Network Connection\",\"igb\",\"type-PF\",7,7,[\"$(tb_netdev_of "$TB_IGB_PF")\"]]" <list.json
tb_json_eq pf-has-own-group "$q | .iommu_group" "$(basename "$(readlink "$pf/iommu_group")")" <list.json
out=$($VFNET pci list)
if printf '%s\n' "$out" | grep -Eq "^\| $TB_IGB_PF +\| 8086:10c9 \| 82576 Gigabit Network Connection \| igb +\| eth[0-9] +\| PF +\| 7/7 "; then
        tb_ok pci-list-table-pf
else
        tb_fail pci-list-table-pf "$out"
fi
tb_eq pci-list-table-vf-rows 7 "$(printf '%s\n' "$out" | grep -Ec '^\|   `- 0000:00:1[56]\.[0246] \| 8086:10ca \| 82576 Virtual Function +\| igbvf +\| eth[0-9] +\| VF +\| vf [0-6] ')"
$VFNET host check -f json >host-check.json
tb_eq sriov-driver-ok ok "$(verdict sriov-driver)"
has sriov-driver-names-igb "$(evidence sriov-driver)" "$TB_IGB_PF: igb (module igb loaded)"
# A count given on the modprobe command line is not persisted: host check
# says it is lost at the next boot.
tb_eq vf-count-not-persisted warn "$(verdict vf-count)"
has vf-count-says-lost "$(evidence vf-count)" "$TB_IGB_PF: 7 of 7 VFs, none persisted (lost at reboot)"
tb_eq iommu-isolation-ok ok "$(verdict iommu-isolation)"
# The same option in /etc/modprobe.d/ is the persisted count.
mkdir -p /etc/modprobe.d
echo "options igb max_vfs=7" >/etc/modprobe.d/igb.conf
$VFNET host check -f json >host-check.json
tb_eq vf-count-modprobe-d-ok ok "$(verdict vf-count)"
has vf-count-names-modprobe-d "$(evidence vf-count)" "options igb max_vfs=7 in /etc/modprobe.d/igb.conf"
rm /etc/modprobe.d/igb.conf

# 2. vfnet vf create --persist, with the driver loaded without the option.
tb_check reload-without-option tb_igb_reload
tb_eq no-vfs-without-option 0 "$(cat "$pf/sriov_numvfs")"
pfdev=$(tb_netdev_of "$TB_IGB_PF")
$VFNET vf create "$pfdev" 7 --persist --timeout 120 -f json >create.json 2>create.err
tb_eq vf-create-exit-0 0 "$?"
tb_json_eq vf-create-report '[.pf, .previous_numvfs, .numvfs, (.vfs | length), ([.vfs[].driver] | unique)]' \
        "[\"$TB_IGB_PF\",0,7,7,[\"igbvf\"]]" <create.json
seven_vfs create
tb_eq persisted-record 7 "$(grep -v '^#' "/etc/vfnet/sriov-numvfs.d/$TB_IGB_PF.conf")"
$VFNET host check -f json >host-check.json
tb_eq vf-count-persisted-ok ok "$(verdict vf-count)"
has vf-count-names-persisted "$(evidence vf-count)" "$TB_IGB_PF: 7 VFs live, 7 persisted"

# 3. The driver reloaded (as at a reboot): the VFs are gone until the
# persisted count is applied again.
tb_check reload-drops-vfs tb_igb_reload
tb_eq reload-leaves-0 0 "$(cat "$pf/sriov_numvfs")"
$VFNET host check -f json >host-check.json
tb_eq vf-count-after-reload-fails fail "$(verdict vf-count)"
has vf-count-says-0-of-7 "$(evidence vf-count)" "$TB_IGB_PF: 0 VFs live, 7 persisted"
$VFNET vf restore --timeout 120 -f json >restore.json 2>restore.err
tb_eq vf-restore-exit-0 0 "$?"
seven_vfs restore
$VFNET host check -f json >host-check.json
tb_eq vf-count-restored-ok ok "$(verdict vf-count)"

# Leave the machine as found: no VFs, nothing persisted.
tb_check remove-vfs $VFNET vf create "$(tb_netdev_of "$TB_IGB_PF")" 0
tb_eq no-vfs-left 0 "$(cat "$pf/sriov_numvfs")"
rm -rf /etc/vfnet
