# machine: igb
# timeout: 300
# The guest half of bench/vf-apply.sh on the real igb driver: program the
# 7 VFs of the 82576 PF with `vfnet vf apply` and with the floor
# (vf-setlink-floor ... igb), each from fresh VFs, and print the times.
# Only what igb accepts is asked for: MAC, 802.1Q VLAN with QoS, a max
# rate (the PF link is up at 1000 Mb/s), spoof check, trust.
REPS=9
N=7
pfa=/sys/bus/pci/devices/$TB_IGB_PF
pf=$(tb_netdev_of "$TB_IGB_PF")

# Programming needs no VF driver; without igbvf the VFs come at once.
echo 0 >"$pfa/sriov_drivers_autoprobe"
$IP link set "$pf" up
# link_up: igb resets the PF when the VF count changes; it takes a rate
# only once the link is back at 1000 Mb/s.
link_up() {
        n=0
        while [ "$(cat "/sys/class/net/$pf/carrier" 2>/dev/null)" != 1 ] && [ $n -lt 150 ]; do
                sleep 0.1
                n=$((n + 1))
        done
}
link_up
tb_eq pf-link-up-at-1000 "1 1000" "$(cat "/sys/class/net/$pf/carrier") $(cat "/sys/class/net/$pf/speed")"

{
        printf '{"%s": [' "$pf"
        v=0
        while [ $v -lt $N ]; do
                [ $v -eq 0 ] || printf ', '
                if [ $((v % 2)) -eq 0 ]; then sc=true; else sc=false; fi
                if [ $((v % 3)) -eq 0 ]; then tr=true; else tr=false; fi
                printf '{"vf": %d, "mac": "fa:16:3e:00:%02x:%02x", "vlan": %d, "qos": %d, "spoofchk": %s, "trust": %s, "max_tx_rate": %d}' \
                        "$v" $((v / 256)) $((v % 256)) $((v + 1)) $((v % 8)) "$sc" "$tr" $((100 + v))
                v=$((v + 1))
        done
        printf ']}\n'
} >vfs.json

timed() { /vfnet/bin/timeit t.us "$@"; }
# Fresh VFs: igb gives re-created VFs its defaults.
fresh() {
        $VFNET vf create "$pf" 0 >/dev/null && $VFNET vf create "$pf" $N >/dev/null && rm -rf /var/lib/vfnet
        link_up
}
all_apply= all_floor= best_apply= best_floor=
r=0
while [ $r -lt $REPS ]; do
        fresh
        timed $VFNET vf apply vfs.json >/dev/null || tb_fail vf-apply "failed"
        t=$(cat t.us); all_apply="$all_apply $((t / 1000))"
        [ -z "$best_apply" ] || [ $t -lt $best_apply ] && best_apply=$t
        fresh
        timed /vfnet/bin/vf-setlink-floor "$pf" $N igb || tb_fail floor "failed"
        t=$(cat t.us); all_floor="$all_floor $((t / 1000))"
        [ -z "$best_floor" ] || [ $t -lt $best_floor ] && best_floor=$t
        r=$((r + 1))
done
echo "igb vf apply runs (ms):$all_apply"
echo "igb floor runs (ms):$all_floor"
# Both end in the same VF state.
fresh
$VFNET vf apply vfs.json >/dev/null
$VFNET vf list "$pf" -f json >a.json
fresh
/vfnet/bin/vf-setlink-floor "$pf" $N igb
$VFNET vf list "$pf" -f json >f.json
tb_eq floor-sets-the-same-state "$($JQ -c . a.json)" "$($JQ -c . f.json)"
tb_json_eq state-is-the-file '[.[] | [.vf, .mac, .vlan, .qos, .spoofchk, .trust, .max_tx_rate]]' \
        "$($JQ -c ".\"$pf\" | [.[] | [.vf, .mac, .vlan, .qos, .spoofchk, .trust, .max_tx_rate]]" vfs.json)" <a.json
$VFNET vf create "$pf" 0 >/dev/null
echo 1 >"$pfa/sriov_drivers_autoprobe"
rm -rf /var/lib/vfnet
tb_ok bench-ran

echo "BENCH igb_vf_apply_us=$best_apply igb_floor_us=$best_floor igb_vfs=$N reps=$REPS"
