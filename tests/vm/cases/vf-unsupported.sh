# machine: iommu-ir
# A field the driver refuses is reported on its own and the other fields
# are still set (R22: EOPNOTSUPP for one setting is not fatal).  netdevsim
# in switchdev mode refuses VF rates ("Please use devlink API") and takes
# everything else.


tb_check eth2-2-vfs tb_netdevsim_vfs netdevsim2 2
tb_check eth2-starts-clean tb_vf_zero eth2 2
tb_check switchdev-mode /usr/sbin/devlink dev eswitch set netdevsim/netdevsim2 mode switchdev

out=$($VFNET vf set eth2 1 vlan 10 max-rate 100 trust on 2>err.txt)
tb_eq set-exits-1 1 "$?"
tb_eq set-names-the-failed-field "vfnet: 1 field(s) could not be set: eth2 VF 1 max_tx_rate (Operation not supported)" "$(cat err.txt)"
case $out in
*"| eth2 | 1  | vlan 0 -> 10, trust off -> on | max_tx_rate 0 -> 100 (Operation not supported) |"*)
        tb_ok set-table-shows-both ;;
*) tb_fail set-table-shows-both "$out" ;;
esac
$VFNET vf list eth2 -f json | tb_json_eq other-fields-were-set '.[1] | [.vlan, .trust, .max_tx_rate]' '[10,true,0]'

printf '%s\n' '{"eth2": [{"vf": 0, "mac": "fa:16:3e:00:00:0a", "min_tx_rate": 10, "max_tx_rate": 50, "link_state": "disable"}]}' >rates.json
$VFNET vf apply rates.json -f json >apply.json 2>apply.err
tb_eq apply-exits-1 1 "$?"
tb_json_eq apply-reports-per-field '[.[] | [.field, .result]]' \
        '[["mac","changed"],["link_state","changed"],["min_tx_rate","failed: Operation not supported"],["max_tx_rate","failed: Operation not supported"]]' <apply.json
tb_eq apply-lists-what-failed "vfnet: 2 field(s) could not be applied: eth2 VF 0 min_tx_rate (Operation not supported), eth2 VF 0 max_tx_rate (Operation not supported)" "$(cat apply.err)"
$VFNET vf list eth2 -f json | tb_json_eq apply-set-the-rest '.[0] | [.mac, .link_state, .max_tx_rate]' '["fa:16:3e:00:00:0a","disable",0]'

tb_check legacy-mode /usr/sbin/devlink dev eswitch set netdevsim/netdevsim2 mode legacy
tb_check eth2-left-clean tb_vf_zero eth2 2
tb_check eth2-back-to-0-vfs tb_netdevsim_vfs netdevsim2 0
