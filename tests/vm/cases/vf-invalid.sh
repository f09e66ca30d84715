# machine: iommu-ir
# Invalid input gets one clear line on stderr, a non-zero exit, and
# changes nothing (the VF list is compared before and after).


tb_check eth2-4-vfs tb_netdevsim_vfs netdevsim2 4
tb_check eth2-starts-clean tb_vf_zero eth2 4
$VFNET vf set eth2 0 vlan 7 >/dev/null
rm -rf /var/lib/vfnet
$VFNET vf list eth2 -f json >before.json

# refused NAME EXPECTED-EXIT EXPECTED-MESSAGE CMD...
refused() {
        name=$1 code=$2 msg=$3
        shift 3
        out=$("$@" 2>&1)
        st=$?
        tb_eq "$name-exit-status" "$code" "$st"
        tb_eq "$name-message" "$msg" "$out"
        tb_eq "$name-touches-nothing" "$($JQ -c . before.json)" "$($VFNET vf list eth2 -f json | $JQ -c .)"
}
refused bad-mac 2 "vfnet: bad MAC address 'fa:16:3e:zz:00:01': use the form fa:16:3e:00:00:01" \
        $VFNET vf set eth2 0 mac fa:16:3e:zz:00:01
refused multicast-mac 2 "vfnet: MAC 01:00:5e:00:00:01 is a multicast address: give a unicast MAC (or 00:00:00:00:00:00 to clear)" \
        $VFNET vf set eth2 0 mac 01:00:5e:00:00:01
refused vlan-5000 2 "vfnet: vlan 5000 is not valid: a VLAN id must be 0-4095" \
        $VFNET vf set eth2 0 vlan 5000
refused qos-without-vlan 2 "vfnet: qos needs a VLAN: vlan N qos Q" \
        $VFNET vf set eth2 0 qos 3
refused vf-out-of-range 2 "vfnet: VF 4 is out of range: eth2 has 4 VFs (0-3)" \
        $VFNET vf set eth2 4 vlan 10
refused unknown-pf 1 "vfnet: no network interface 'nosuch0'; give a PF netdev name or PCI address" \
        $VFNET vf set nosuch0 0 vlan 10
refused min-above-max 2 "vfnet: min-rate 500 is above max-rate 100" \
        $VFNET vf set eth2 0 min-rate 500 max-rate 100
refused bad-state 2 "vfnet: state must be auto, enable or disable, not 'up'" \
        $VFNET vf set eth2 0 state up

# apply files: one bad entry stops the whole file before any change, even
# the valid entries listed before it.
printf '%s\n' '{"eth2": [{"vf": 0, "vlan": 11}, {"vf": 1, "vlan": 5000}]}' >bad-vlan.json
refused apply-vlan-5000 2 'vfnet: bad-vlan.json: eth2[1]: "vlan" must be an integer 0-4095' \
        $VFNET vf apply bad-vlan.json
printf '%s\n' '{"eth2": [{"vf": 0, "vlan": 11}, {"vf": 9, "trust": true}]}' >bad-index.json
refused apply-vf-out-of-range 2 "vfnet: bad-index.json: eth2: VF 9 is out of range: the PF has 4 VFs (0-3)" \
        $VFNET vf apply bad-index.json
printf '%s\n' '{"eth2": [{"vf": 0, "vlan": 11}], "nosuch0": [{"vf": 0, "vlan": 11}]}' >bad-pf.json
refused apply-unknown-pf 1 "vfnet: bad-pf.json: no network interface 'nosuch0'; give a PF netdev name or PCI address" \
        $VFNET vf apply bad-pf.json
printf '%s\n' '{"eth2": [{"vf": 0, "vlan": 11, "qos": 9}]}' >bad-qos.json
refused apply-qos-9 2 'vfnet: bad-qos.json: eth2[0]: "qos" must be an integer 0-7' \
        $VFNET vf apply bad-qos.json
printf '%s\n' '{"eth2": [{"vf": 0, "qos": 2}]}' >qos-no-vlan.json
refused apply-qos-without-vlan 2 'vfnet: qos-no-vlan.json: eth2[0]: "qos" and "vlan_proto" need "vlan"' \
        $VFNET vf apply qos-no-vlan.json
printf '%s\n' '{"eth2": [{"vf": 0, "mac": "fa:16:3e:00:00"}]}' >bad-mac.json
refused apply-bad-mac 2 'vfnet: bad-mac.json: eth2[0]: "mac" must be a MAC address like fa:16:3e:00:00:01' \
        $VFNET vf apply bad-mac.json
printf '%s\n' '{"eth2": [{"vf": 0, "vlan": 11}], "eth0": [{"vf": 0, "vlan": 11}]}' >no-vfs.json
refused apply-pf-without-vfs 1 "vfnet: no-vfs.json: eth0 has no VFs (create them first: vfnet vf create eth0 COUNT)" \
        $VFNET vf apply no-vfs.json
printf '%s\n' '{"eth2": [{"vf": 0, "vlan": 11}' >truncated.json
refused apply-broken-json 2 "vfnet: truncated.json: line 2 column 0: ']' expected near end of file" \
        $VFNET vf apply truncated.json

# Nothing was saved either: no VF was changed.
tb_check nothing-saved test ! -e /var/lib/vfnet/vf-orig/netdevsim2.json
tb_check eth2-left-clean tb_vf_zero eth2 4
tb_check eth2-back-to-0-vfs tb_netdevsim_vfs netdevsim2 0
