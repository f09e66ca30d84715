# machine: iommu-ir
# `vfnet vf set` of every field singly, each read back by `vfnet vf list`
# and by iproute2; `vfnet vf reset` restores the original, field by field.


tb_check eth2-4-vfs tb_netdevsim_vfs netdevsim2 4
tb_check eth2-starts-clean tb_vf_zero eth2 4
$VFNET vf list eth2 -f json >before.json
tb_json_eq list-has-4-vfs 'length' 4 <before.json
# netdevsim reports every field (no nulls).
tb_json_eq netdevsim-reports-every-field '[.[] | to_entries[] | select(.value == null)] | length' 0 <before.json

# set_field NAME JQ-OF-VF-1 EXPECTED SETTINGS...
set_field() {
        name=$1 filter=$2 want=$3
        shift 3
        if out=$($VFNET vf set eth2 1 "$@" 2>&1); then
                $VFNET vf list eth2 -f json | tb_json_eq "set-$name-read-back" ".[1] | $filter" "$want"
        else
                tb_fail "set-$name-read-back" "vfnet vf set eth2 1 $*: $out"
        fi
}
set_field mac .mac fa:16:3e:aa:bb:01 mac fa:16:3e:aa:bb:01
set_field vlan '[.vlan, .qos, .vlan_proto]' '[100,0,"802.1Q"]' vlan 100
set_field vlan-qos '[.vlan, .qos, .vlan_proto]' '[101,6,"802.1Q"]' vlan 101 qos 6
set_field vlan-8021ad '[.vlan, .qos, .vlan_proto]' '[200,5,"802.1ad"]' vlan 200 qos 5 proto 802.1ad
set_field spoofchk-off .spoofchk false spoofchk off
set_field spoofchk-on .spoofchk true spoofchk on
set_field trust-on .trust true trust on
set_field state-disable .link_state disable state disable
set_field state-enable .link_state enable state enable
set_field state-auto .link_state auto state auto
set_field max-rate '[.min_tx_rate, .max_tx_rate]' '[0,1000]' max-rate 1000
set_field min-rate '[.min_tx_rate, .max_tx_rate]' '[100,1000]' min-rate 100
set_field rss-query .rss_query true rss-query on
set_field mac-clear .mac 00:00:00:00:00:00 mac 00:00:00:00:00:00
set_field mac-again .mac fa:16:3e:aa:bb:02 mac fa:16:3e:aa:bb:02

# iproute2 sees the same VF 1.
vf1=$($IP -d link show eth2 | grep '^ *vf 1 ')
case $vf1 in
*"fa:16:3e:aa:bb:02"*"vlan 200, qos 5, vlan protocol 802.1ad"*"spoof checking on"*"link-state auto"*"trust on"*)
        tb_ok iproute2-agrees ;;
*) tb_fail iproute2-agrees "ip shows: $vf1" ;;
esac
# Only VF 1 changed.
$VFNET vf list eth2 -f json >after.json
tb_eq other-vfs-untouched true "$($JQ -c --slurpfile b before.json 'del(.[1]) == ($b[0] | del(.[1]))' after.json)"

# The same value again: nothing is sent, the table says so.
tb_eq set-same-value-no-change "no changes" "$($VFNET vf set eth2 1 trust on)"
# The change report names old and new values.
$VFNET vf set eth2 1 vlan 300 -f json | tb_json_eq set-reports-old-and-new \
        '[.[] | [.field, .old, .new, .result]]' '[["vlan","200","300","changed"],["qos","5","0","changed"],["vlan_proto","802.1ad","802.1Q","changed"]]'

# The table has a line per VF listing what changed.
out=$($VFNET vf set eth2 2 vlan 5 trust on)
case $out in
*"| eth2 | 2  | vlan 0 -> 5, trust off -> on |        |"*) tb_ok set-table-line-per-vf ;;
*) tb_fail set-table-line-per-vf "$out" ;;
esac
$VFNET vf reset eth2 2 >/dev/null

# The original (before the first set) was saved, keyed by the device.
tb_check original-saved test -s /var/lib/vfnet/vf-orig/netdevsim2.json
saved=$($JQ -S -c '.vfs["1"]' /var/lib/vfnet/vf-orig/netdevsim2.json)
tb_eq saved-original-is-state-before "$($JQ -S -c '.[1]' before.json)" "$saved"

if out=$($VFNET vf reset eth2 1 2>&1); then tb_ok reset-succeeds; else tb_fail reset-succeeds "$out"; fi
$VFNET vf list eth2 -f json >reset.json
tb_eq reset-restores-original "$($JQ -c . before.json)" "$($JQ -c . reset.json)"
tb_check saved-state-removed-after-reset test ! -e /var/lib/vfnet/vf-orig/netdevsim2.json
out=$($VFNET vf reset eth2 1 2>&1)
st=$?
tb_eq reset-again-fails 1 "$st"
tb_eq reset-again-says-why "vfnet: nothing saved for VF 1 of eth2: vfnet has not changed it" "$out"

# Two sets: the original stays the state before the first one.
$VFNET vf set eth2 3 vlan 10 >/dev/null
$VFNET vf set eth2 3 vlan 20 trust on >/dev/null
$VFNET vf reset eth2 3 >/dev/null
tb_eq reset-after-two-sets "$($JQ -c '.[3]' before.json)" "$($VFNET vf list eth2 -f json | $JQ -c '.[3]')"

# A PF named by PCI address goes through sysfs: the NVMe PF has no netdev.
out=$($VFNET vf list "$TB_NVME_PF" 2>&1)
tb_eq pci-address-without-netdev "vfnet: PCI device $TB_NVME_PF has no network interface (is its driver bound?)" "$out"

tb_check eth2-left-clean tb_vf_zero eth2 4
tb_check eth2-back-to-0-vfs tb_netdevsim_vfs netdevsim2 0
