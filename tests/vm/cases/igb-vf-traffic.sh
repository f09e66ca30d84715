# machine: igb
# timeout: 180
# Frames through the 82576's VFs (R25): VF netdevs (igbvf) in network
# namespaces, switched inside the emulated NIC.  Two VFs on one VLAN reach
# each other, a VF on another VLAN does not; a frame sent through a VF from
# a MAC other than its own passes with spoof check off -- and, in QEMU's
# model, with it on too (see below).  netdevsim has no data path at all.

pfa=/sys/bus/pci/devices/$TB_IGB_PF
pf=$(tb_netdev_of "$TB_IGB_PF")
$IP link set "$pf" up
# The VFs' MACs are set before igbvf binds, so that it takes them at probe
# (igbvf reads its MAC from the PF only when it resets).
echo 0 >"$pfa/sriov_drivers_autoprobe"
tb_check create-3-vfs $VFNET vf create "$pf" 3
tb_check vf0-vlan-10 $VFNET vf set "$pf" 0 mac fa:16:3e:25:00:00 vlan 10 spoofchk on
tb_check vf1-vlan-10 $VFNET vf set "$pf" 1 mac fa:16:3e:25:00:01 vlan 10 spoofchk on
tb_check vf2-vlan-20 $VFNET vf set "$pf" 2 mac fa:16:3e:25:00:02 vlan 20 spoofchk on
echo 1 >"$pfa/sriov_drivers_autoprobe"
i=0
for ns in a b c; do
        vf=$(basename "$(readlink "$pfa/virtfn$i")")
        echo "$vf" >/sys/bus/pci/drivers_probe
        dev=$(tb_netdev_of "$vf")
        tb_eq "vf$i-igbvf-netdev-has-pf-mac" "fa:16:3e:25:00:0$i" "$(cat "/sys/class/net/$dev/address" 2>/dev/null)"
        $IP netns add $ns
        $IP link set "$dev" netns $ns name vf$i
        $IP -n $ns link set vf$i up
        $IP -n $ns addr add 192.0.2.$((1 + i))/24 dev vf$i
        i=$((i + 1))
done
# carrier NS DEV: waits up to 10 s for the VF's link (igbvf asks the PF).
carrier() {
        n=0
        while [ "$($IP netns exec "$1" cat "/sys/class/net/$2/carrier" 2>/dev/null)" != 1 ] && [ $n -lt 100 ]; do
                sleep 0.1
                n=$((n + 1))
        done
        $IP netns exec "$1" cat "/sys/class/net/$2/carrier" 2>/dev/null
}
tb_eq vf0-carrier 1 "$(carrier a vf0)"
tb_eq vf1-carrier 1 "$(carrier b vf1)"
tb_eq vf2-carrier 1 "$(carrier c vf2)"

# VLAN 10 to VLAN 10: switched between the two VFs inside the NIC.
tb_check same-vlan-ping $IP netns exec a ping -c 2 -W 3 192.0.2.2
# VLAN 10 to VLAN 20: the NIC tags each VF's frames with its own VLAN.
out=$($IP netns exec a ping -c 2 -W 2 192.0.2.3 2>&1)
tb_eq other-vlan-no-reply 1 "$?"
out=$($IP netns exec c ping -c 2 -W 2 192.0.2.1 2>&1)
tb_eq other-vlan-no-reply-back 1 "$?"

# Spoofing (R25): namespace a2 sends through VF 0 from its own MAC, over a
# bridge in namespace a; VF 1 (namespace b) learns a2's address from its
# ARP request only if the frame got through.  On a real 82576, igb's
# spoof check (DTXSWC's per-VF MAC anti-spoof bits) drops such frames.
# QEMU's igb model stores DTXSWC but consults only its loopback-enable bit
# (hw/net/igb_core.c, igb_tx_pkt_switch): the frame passes with spoof
# check on as well as off, so what is proven here is that vfnet's setting
# reaches igb and reads back, not the drop itself.
$IP netns add a2
$IP -n a link add br0 type bridge
$IP -n a link set vf0 master br0
$IP -n a link add veth0 type veth peer name veth1 netns a2
$IP -n a link set veth0 master br0
$IP -n a link set veth0 up
$IP -n a link set br0 up
$IP -n a2 link set veth1 address fa:16:3e:25:00:99 up
$IP -n a2 addr add 192.0.2.11/24 dev veth1
learned() { # what b knows of a2's address
        $IP -n b neigh show 192.0.2.11 | grep -o 'lladdr [0-9a-f:]*'
}
# spoof_probe STATE: sends from a2 with VF 0's spoof check at STATE.
spoof_probe() {
        $VFNET vf set "$pf" 0 spoofchk "$1" >/dev/null
        tb_eq "spoofchk-$1-read-back" "$([ "$1" = on ] && echo true || echo false)" \
                "$($VFNET vf list "$pf" -f json | $JQ '.[0].spoofchk')"
        $IP -n b neigh flush to 192.0.2.11 dev vf1
        $IP netns exec a2 ping -c 2 -W 2 192.0.2.2 >/dev/null 2>&1
}
spoof_probe off
tb_eq spoofchk-off-foreign-source-passes "lladdr fa:16:3e:25:00:99" "$(learned)"
spoof_probe on
tb_eq spoofchk-on-not-enforced-by-qemu-igb "lladdr fa:16:3e:25:00:99" "$(learned)"

for ns in a a2 b c; do $IP netns del $ns; done
tb_check remove-vfs $VFNET vf create "$pf" 0
rm -rf /var/lib/vfnet
