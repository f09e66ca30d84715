# machine: igb
# timeout: 240
# VF programming on a real driver: `vfnet vf set/apply/list/reset/watch` on
# the 82576 PF, whose ndo_set_vf_* are igb's own.  Where igb answers
# differently from netdevsim (which takes every field), the check says so:
# igb has no link-state control (EOPNOTSUPP, the seed's R22), takes a max
# rate only while its link is up at 1000 Mb/s (EINVAL otherwise) and no
# min rate (EINVAL), refuses 802.1ad (EPROTONOSUPPORT), and reports no RSS
# query setting (null).

pfa=/sys/bus/pci/devices/$TB_IGB_PF
pf=$(tb_netdev_of "$TB_IGB_PF")
# Programming goes to the PF: the VFs need no driver here, and without
# igbvf probing each one (seconds per VF in TCG) the VFs come at once.
echo 0 >"$pfa/sriov_drivers_autoprobe"
tb_check create-7-vfs $VFNET vf create "$pf" 7
$VFNET vf list "$pf" -f json >before.json
tb_json_eq list-has-7-vfs 'length' 7 <before.json
# igb's defaults: no MAC, no VLAN, spoof check on (netdevsim: off), no trust.
tb_json_eq igb-defaults '[.[] | [.mac, .vlan, .qos, .vlan_proto, .spoofchk, .trust, .link_state, .min_tx_rate, .max_tx_rate]] | unique' \
        '[["00:00:00:00:00:00",0,0,"802.1Q",true,false,"auto",0,0]]' <before.json
# igb does not report IFLA_VF_RSS_QUERY_EN (netdevsim does): null.
tb_json_eq igb-reports-no-rss-query '[.[] | .rss_query] | unique' '[null]' <before.json

# set_field VF NAME JQ-OF-THE-VF EXPECTED SETTINGS...
set_field() {
        vf=$1 name=$2 filter=$3 want=$4
        shift 4
        if out=$($VFNET vf set "$pf" "$vf" "$@" 2>&1); then
                $VFNET vf list "$pf" -f json | tb_json_eq "set-$name-read-back" ".[$vf] | $filter" "$want"
        else
                tb_fail "set-$name-read-back" "vfnet vf set $pf $vf $*: $out"
        fi
}
set_field 0 mac .mac fa:16:3e:82:57:00 mac fa:16:3e:82:57:00
set_field 0 vlan '[.vlan, .qos, .vlan_proto]' '[15,0,"802.1Q"]' vlan 15
set_field 0 vlan-qos '[.vlan, .qos, .vlan_proto]' '[16,3,"802.1Q"]' vlan 16 qos 3
set_field 0 spoofchk-off .spoofchk false spoofchk off
set_field 0 trust-on .trust true trust on
set_field 1 all-at-once '[.mac, .vlan, .qos, .spoofchk, .trust]' '["fa:16:3e:82:57:01",17,0,true,true]' \
        mac fa:16:3e:82:57:01 vlan 17 spoofchk on trust on
# iproute2 reads the same from igb.
vf0=$($IP -d link show "$pf" | grep '^ *vf 0 ')
case $vf0 in
*"link/ether fa:16:3e:82:57:00 "*", vlan 16, qos 3, spoof checking off, link-state auto, trust on"*) tb_ok iproute2-agrees-vf0 ;;
*) tb_fail iproute2-agrees-vf0 "ip shows: $vf0" ;;
esac
vf1=$($IP -d link show "$pf" | grep '^ *vf 1 ')
case $vf1 in
*"link/ether fa:16:3e:82:57:01 "*", vlan 17, spoof checking on, link-state auto, trust on"*) tb_ok iproute2-agrees-vf1 ;;
*) tb_fail iproute2-agrees-vf1 "ip shows: $vf1" ;;
esac

# Link state: igb has no ndo_set_vf_link_state.  The field is refused with
# EOPNOTSUPP and reported; the fields given with it are set (R22).
out=$($VFNET vf set "$pf" 2 vlan 20 state disable trust on 2>err.txt)
tb_eq state-set-exits-1 1 "$?"
tb_eq state-refused-eopnotsupp "vfnet: 1 field(s) could not be set: $pf VF 2 link_state (Operation not supported)" "$(cat err.txt)"
case $out in
*"| $pf | 2  | vlan 0 -> 20, trust off -> on | link_state auto -> disable (Operation not supported) |"*) tb_ok state-table-shows-both ;;
*) tb_fail state-table-shows-both "$out" ;;
esac
$VFNET vf list "$pf" -f json | tb_json_eq state-others-were-set '.[2] | [.vlan, .trust, .link_state]' '[20,true,"auto"]'

# 802.1ad: igb takes only 802.1Q VLANs (netdevsim takes both).
out=$($VFNET vf set "$pf" 3 vlan 30 proto 802.1ad 2>&1)
tb_eq 8021ad-exits-1 1 "$?"
tb_eq 8021ad-refused-eprotonosupport "vfnet: 2 field(s) could not be set: $pf VF 3 vlan (Protocol not supported), $pf VF 3 vlan_proto (Protocol not supported)" \
        "$(printf '%s\n' "$out" | tail -n 1)"
$VFNET vf list "$pf" -f json | tb_json_eq 8021ad-nothing-set '.[3] | [.vlan, .vlan_proto]' '[0,"802.1Q"]'

# Rates: igb takes a max rate only while the PF's link is up at 1000 Mb/s.
$IP link set "$pf" down
out=$($VFNET vf set "$pf" 4 max-rate 100 2>&1)
tb_eq rate-link-down-exits-1 1 "$?"
tb_eq rate-link-down-einval "vfnet: 1 field(s) could not be set: $pf VF 4 max_tx_rate (Invalid argument)" \
        "$(printf '%s\n' "$out" | tail -n 1)"
$IP link set "$pf" up
n=0
while [ "$(cat "/sys/class/net/$pf/carrier" 2>/dev/null)" != 1 ] && [ $n -lt 150 ]; do
        sleep 0.1
        n=$((n + 1))
done
tb_eq pf-link-up-at-1000 "1 1000" "$(cat "/sys/class/net/$pf/carrier" "/sys/class/net/$pf/speed" | tr '\n' ' ' | sed 's/ $//')"
set_field 4 max-rate-link-up '[.min_tx_rate, .max_tx_rate]' '[0,100]' max-rate 100
case $($IP -d link show "$pf" | grep '^ *vf 4 ') in
*"max_tx_rate 100Mbps"*) tb_ok iproute2-shows-rate ;;
*) tb_fail iproute2-shows-rate "$($IP -d link show "$pf" | grep '^ *vf 4 ')" ;;
esac
# A min rate is refused even with the link up (netdevsim takes it).
out=$($VFNET vf set "$pf" 4 min-rate 10 2>&1)
tb_eq min-rate-exits-1 1 "$?"
case $out in
*"$pf VF 4 min_tx_rate (Invalid argument)"*) tb_ok min-rate-refused-einval ;;
*) tb_fail min-rate-refused-einval "$out" ;;
esac

# vf watch sees changes made behind vfnet's back, from igb's link events.
$VFNET vf watch "$pf" --count 2 --timeout 60 -f json >watch.json 2>watch.err &
wpid=$!
n=0
while ! grep -q '^watching' watch.err 2>/dev/null && [ $n -lt 100 ]; do
        sleep 0.1
        n=$((n + 1))
done
tb_eq watch-announces "watching $pf (7 VFs)" "$(head -n 1 watch.err)"
$IP link set "$pf" vf 5 vlan 55 qos 2
wait $wpid
tb_eq watch-exits-0 0 "$?"
$JQ -s -c '[.[] | [.pf, .vf, .field, .old, .new]]' watch.json |
        tb_json_eq watch-reports-each-field '.' "[[\"$pf\",5,\"vlan\",\"0\",\"55\"],[\"$pf\",5,\"qos\",\"0\",\"2\"]]"
$IP link set "$pf" vf 5 vlan 0

# vf apply: all 7 VFs from a file, read back; a second apply changes nothing.
{
        printf '{"%s": [' "$pf"
        for i in 0 1 2 3 4 5 6; do
                [ $i -eq 0 ] || printf ', '
                if [ $((i % 2)) -eq 0 ]; then sc=true; else sc=false; fi
                printf '{"vf": %d, "mac": "fa:16:3e:82:57:1%d", "vlan": %d, "qos": %d, "spoofchk": %s, "trust": %s}' \
                        $i $i $((100 + i)) $((i % 8)) $sc "$([ $i -lt 3 ] && echo true || echo false)"
        done
        printf ']}\n'
} >desired.json
tb_check apply-7-vfs $VFNET vf apply desired.json
$VFNET vf list "$pf" -f json >applied.json
tb_eq apply-read-back "$($JQ -c ".\"$pf\" | [.[] | [.vf, .mac, .vlan, .qos, .spoofchk, .trust]]" desired.json)" \
        "$($JQ -c '[.[] | [.vf, .mac, .vlan, .qos, .spoofchk, .trust]]' applied.json)"
tb_eq apply-again-no-change "no changes" "$($VFNET vf apply desired.json)"

# vf reset: every VF back to how igb had it before vfnet's first change.
for i in 0 1 2 3 4 5 6; do
        $VFNET vf reset "$pf" $i >/dev/null 2>reset.err || tb_fail "reset-vf-$i" "$(cat reset.err)"
done
$VFNET vf list "$pf" -f json >reset.json
tb_eq reset-restores-originals "$($JQ -c . before.json)" "$($JQ -c . reset.json)"

tb_check remove-vfs $VFNET vf create "$pf" 0
echo 1 >"$pfa/sriov_drivers_autoprobe"
rm -rf /var/lib/vfnet
