# machine: iommu-ir
# timeout: 240
# `vfnet vf apply` on several PFs, one with 256 VFs: every distinct config
# (MAC, VLAN, QoS, 802.1ad on some, spoofchk, trust, link state, rates,
# RSS query) is read back exactly by `vfnet vf list`, where `ip link show`
# truncates the same PF's VF list; a second apply changes nothing.


tb_check eth0-256-vfs tb_netdevsim_vfs netdevsim1 256
tb_check eth2-8-vfs tb_netdevsim_vfs netdevsim2 8
tb_check eth0-starts-clean tb_vf_zero eth0 256
tb_check eth2-starts-clean tb_vf_zero eth2 8

# The desired state, generated: VF i of eth0 gets values derived from i.
gen_vf() { # PF-INDEX VF
        v=$2
        case $((v % 3)) in 0) st=auto ;; 1) st=enable ;; *) st=disable ;; esac
        if [ $((v % 5)) -eq 0 ]; then proto=802.1ad; else proto=802.1Q; fi
        if [ $((v % 2)) -eq 0 ]; then sc=true; rss=false; else sc=false; rss=true; fi
        if [ $((v % 3)) -eq 0 ]; then tr=true; else tr=false; fi
        printf '{"vf": %d, "mac": "fa:16:3e:%02x:%02x:%02x", "vlan": %d, "qos": %d, "vlan_proto": "%s", "spoofchk": %s, "trust": %s, "link_state": "%s", "min_tx_rate": %d, "max_tx_rate": %d, "rss_query": %s}' \
                "$v" "$1" $((v / 256)) $((v % 256)) $((v + 1 + 1000 * $1)) $((v % 8)) "$proto" "$sc" "$tr" "$st" \
                $((v % 4 * 10)) $((100 + v)) "$rss"
}
gen_list() { # PF-INDEX COUNT
        i=0
        while [ $i -lt "$2" ]; do
                [ $i -eq 0 ] || printf ', '
                gen_vf "$1" $i
                i=$((i + 1))
        done
}
{
        printf '{"eth0": ['
        gen_list 0 256
        printf '],\n "eth2": ['
        gen_list 1 8
        printf ']}\n'
} >vfs.json
tb_json_eq file-has-256-eth0-vfs '.eth0 | length' 256 <vfs.json
tb_json_eq file-has-8-eth2-vfs '.eth2 | length' 8 <vfs.json
tb_json_eq file-has-802.1ad '[.eth0[] | select(.vlan_proto == "802.1ad")] | length' 52 <vfs.json

if $VFNET vf apply vfs.json -f json >apply1.json 2>apply1.err; then
        tb_ok first-apply-succeeds
else
        tb_fail first-apply-succeeds "$(cat apply1.err)"
fi
# Every VF changed (fresh VFs have no MAC, VLAN 0, no rates).
tb_json_eq first-apply-changed-every-eth0-vf '[.[] | select(.pf == "eth0") | .vf] | unique | length' 256 <apply1.json
tb_json_eq first-apply-changed-every-eth2-vf '[.[] | select(.pf == "eth2") | .vf] | unique | length' 8 <apply1.json
tb_json_eq first-apply-no-failure '[.[] | select(.result != "changed")] | length' 0 <apply1.json

# Read back: exactly as applied, all 256.
$VFNET vf list eth0 -f json >list0.json
tb_json_eq vf-list-returns-256 'length' 256 <list0.json
got=$($JQ -c --slurpfile want vfs.json '. == $want[0].eth0' list0.json)
if [ "$got" = true ]; then
        tb_ok eth0-all-256-exactly-as-applied
else
        tb_fail eth0-all-256-exactly-as-applied "differences: $($JQ -c --slurpfile want vfs.json '[., $want[0].eth0] | transpose | map(select(.[0] != .[1])) | .[0:3]' list0.json)"
fi
$VFNET vf list eth2 -f json >list2.json
tb_eq eth2-exactly-as-applied true "$($JQ -c --slurpfile want vfs.json '. == $want[0].eth2' list2.json)"
# The last VF, spelled out, so a failure is readable.
tb_json_eq eth0-vf-255 '.[255] | [.mac, .vlan, .qos, .vlan_proto, .link_state, .max_tx_rate]' \
        '["fa:16:3e:00:00:ff",256,7,"802.1ad","auto",355]' <list0.json

# The same PF through iproute2: its VF list does not fit, and it says so.
ipout=$($IP link show eth0 2>&1)
nip=$(printf '%s\n' "$ipout" | grep -c '^ *vf [0-9]')
if printf '%s\n' "$ipout" | grep -q 'Truncated VF list' && [ "$nip" -lt 256 ]; then
        tb_ok ip-link-show-truncates
        echo "ip link show eth0 printed $nip of 256 VFs: $(printf '%s\n' "$ipout" | grep Truncated)"
else
        tb_fail ip-link-show-truncates "ip link show eth0 printed $nip VF lines without truncating"
fi

# Second apply: nothing to do, nothing done.
if $VFNET vf apply vfs.json -f json >apply2.json 2>apply2.err; then
        tb_ok second-apply-succeeds
else
        tb_fail second-apply-succeeds "$(cat apply2.err)"
fi
tb_json_eq second-apply-changes-nothing 'length' 0 <apply2.json
tb_eq second-apply-table-says-so "no changes" "$($VFNET vf apply vfs.json)"

# A small change in the file changes only that field.
$JQ -c '.eth0[17].vlan = 3000 | .eth2[2].trust = (.eth2[2].trust | not)' vfs.json >vfs2.json
$VFNET vf apply vfs2.json -f json >apply3.json
tb_json_eq third-apply-changes-two-fields '[.[] | [.pf, .vf, .field, .new]]' \
        '[["eth0",17,"vlan","3000"],["eth2",2,"trust","on"]]' <apply3.json

# The originals were saved before the first change; leave the machine clean.
tb_check originals-saved test -s /var/lib/vfnet/vf-orig/netdevsim1.json
tb_check eth0-left-clean tb_vf_zero eth0 256
tb_check eth2-left-clean tb_vf_zero eth2 8
tb_check eth0-back-to-0-vfs tb_netdevsim_vfs netdevsim1 0
tb_check eth2-back-to-0-vfs tb_netdevsim_vfs netdevsim2 0
