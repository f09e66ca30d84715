# machine: iommu-ir
# `vfnet vf watch` reports changes made behind vfnet's back (here by
# iproute2) from link events: a line per changed field.


tb_check eth2-4-vfs tb_netdevsim_vfs netdevsim2 4
tb_check eth2-starts-clean tb_vf_zero eth2 4

# wait_watching FILE: until watch has subscribed and read the VFs.
wait_watching() {
        n=0
        while ! grep -q '^watching' "$1" 2>/dev/null && [ $n -lt 100 ]; do
                sleep 0.1
                n=$((n + 1))
        done
}

$VFNET vf watch eth2 --count 4 --timeout 30 -f json >watch.json 2>watch.err &
pid=$!
wait_watching watch.err
tb_eq watch-announces "watching eth2 (4 VFs)" "$(head -n 1 watch.err)"
$IP link set eth2 vf 2 vlan 77 qos 2 proto 802.1ad
$IP link set eth2 vf 3 trust on
wait $pid
tb_eq watch-exits-0-after-count 0 "$?"
$JQ -s -c '[.[] | [.pf, .vf, .field, .old, .new]]' watch.json |
        tb_json_eq watch-reports-each-field '.' '[["eth2",2,"vlan","0","77"],["eth2",2,"qos","0","2"],["eth2",2,"vlan_proto","802.1Q","802.1ad"],["eth2",3,"trust","off","on"]]'

# Table form: one line per change.
$VFNET vf watch eth2 --count 1 --timeout 30 >watch.txt 2>watch2.err &
pid=$!
wait_watching watch2.err
$IP link set eth2 vf 0 spoofchk on
wait $pid
tb_eq watch-table-line "eth2 vf 0 spoofchk: off -> on" "$(cat watch.txt)"

# A MAC and a link state change.
$VFNET vf watch eth2 --count 2 --timeout 30 >watch3.txt 2>watch3.err &
pid=$!
wait_watching watch3.err
$IP link set eth2 vf 1 mac fa:16:3e:00:11:22 state disable
wait $pid
tb_eq watch-mac-and-state "eth2 vf 1 mac: 00:00:00:00:00:00 -> fa:16:3e:00:11:22
eth2 vf 1 link_state: auto -> disable" "$(cat watch3.txt)"

# Bounded: no change within the timeout is an error when a count was asked.
out=$($VFNET vf watch eth2 --count 1 --timeout 2 2>&1)
tb_eq watch-timeout-status 1 "$?"
tb_eq watch-timeout-message "watching eth2 (4 VFs)
vfnet: eth2: saw 0 of 1 VF changes in 2 s" "$out"

tb_check eth2-left-clean tb_vf_zero eth2 4
tb_check eth2-back-to-0-vfs tb_netdevsim_vfs netdevsim2 0
