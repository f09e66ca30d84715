# machine: igb
# timeout: 480
# The seed's workflow through Nova, in one guest on the seed's 82576 with
# the kernel's igb: vfnet-server and vfnet-agent (libvirt's test driver as
# the hypervisor) on the same machine.  A vlan network on physnet1, a
# direct port, POST /v2.1/servers with the port: the scheduler claims a
# real VF of the PF, the agent programs it (the port's MAC, the network's
# VLAN, spoof check on), the port becomes ACTIVE and the server ACTIVE,
# and libvirt holds a domain whose XML passes that VF through with the
# MAC and the VLAN (R17-R21, R25).  Server delete: the domain is gone and
# the VF is back in its free state and free for the next boot, only
# after the domain is destroyed.  The server
# killed right after accepting a boot: after its restart the boot ends
# ACTIVE once, with one domain.  Driven with curl inside the guest.

pfa=/sys/bus/pci/devices/$TB_IGB_PF
pf=$(tb_netdev_of "$TB_IGB_PF")
echo 0 >"$pfa/sriov_drivers_autoprobe"
$IP link set "$pf" up
tb_check create-7-vfs $VFNET vf create "$pf" 7
vf_field() { tb_vf_field "$pf" "$@"; }
call() { tb_call "$@"; }
wait_for() { tb_wait_for "$@"; }
status() { $VFNET agent status --status-file /tmp/agent/status.json -f json; }
# The VF index of PCI address $1 on the PF.
vf_index() {
        for l in "$pfa"/virtfn*; do
                [ "$(basename "$(readlink "$l")")" = "$1" ] && { echo "${l##*virtfn}"; return 0; }
        done
        return 1
}

tb_agent_setup "physnet1:$pf" "{\"devname\": \"$pf\", \"physical_network\": \"physnet1\"}"
printf '[libvirt]\nvirt_type = kvm\nconnection_uri = test:///default\n' >>/tmp/agent/nova.conf
tb_check server-bootstrap tb_server_setup physnet1:100:200 physnet1
tb_check server-starts tb_server_start
tb_token
tb_agent_start
wait_for compute1-pools-7-vfs-on-physnet1 60 7 \
        sh -c "$CURL -s -H 'X-Auth-Token: $TOKEN' '$TB_API/v2.1/vfnet/compute-hosts' |
               $JQ -r '[.hosts[] | select(.hostname == \"compute1\") | .pci_stats[] |
                        select(.dev_type == \"type-VF\" and .physical_network == \"physnet1\") | .count] | add'"

img=$(call POST /image/v2/images '{"name": "cirros", "disk_format": "qcow2", "container_format": "bare"}' | $JQ -r .id)
$CURL -s -X PUT -H "X-Auth-Token: $TOKEN" -H 'Content-Type: application/octet-stream' \
        --data-binary 'not really a disk' "$TB_API/image/v2/images/$img/file" >/dev/null
call GET "/image/v2/images/$img" | tb_json_eq image-active .status active
flavor=$(call POST /v2.1/flavors '{"flavor": {"name": "m1.small", "ram": 2048, "vcpus": 2, "disk": 1}}' |
        $JQ -r .flavor.id)
net=$(call POST /v2.0/networks '{"network": {"name": "web", "provider:network_type": "vlan",
  "provider:physical_network": "physnet1", "provider:segmentation_id": 100}}' | $JQ -r .network.id)
call POST /v2.0/subnets "{\"subnet\": {\"network_id\": \"$net\", \"cidr\": \"192.0.2.0/24\", \"ip_version\": 4}}" >/dev/null
new_port() {
        call POST /v2.0/ports "{\"port\": {\"network_id\": \"$net\", \"name\": \"$1\",
          \"binding:vnic_type\": \"direct\"}}" | $JQ -r .port.id
}
boot() { # NAME PORT: the server's id
        call POST /v2.1/servers "{\"server\": {\"name\": \"$1\", \"imageRef\": \"$img\",
          \"flavorRef\": \"$flavor\", \"networks\": [{\"port\": \"$2\"}]}}" | $JQ -r .server.id
}
server_status() { call GET "/v2.1/servers/$1" | $JQ -r '.server.status // .itemNotFound.code'; }

# ---- boot with the port ----
port=$(new_port sr-iov)
mac=$(call GET "/v2.0/ports/$port" | $JQ -r .port.mac_address)
vm=$(boot webserver01 "$port")
tb_check server-accepted test -n "$vm" -a "$vm" != null
wait_for server-active 120 ACTIVE server_status "$vm"
call GET "/v2.0/ports/$port" >/tmp/agent/port.json
tb_json_eq port-bound-to-compute1 </tmp/agent/port.json \
        '[.port["binding:host_id"], .port["binding:vif_type"], .port.device_id]' \
        "[\"compute1\",\"hw_veb\",\"$vm\"]"
slot=$($JQ -r '.port["binding:profile"].pci_slot' /tmp/agent/port.json)
vf=$(vf_index "$slot")
tb_check claimed-vf-is-a-vf-of-the-pf test -n "$vf"
wait_for vf-programmed-from-port 10 "[\"$mac\",100,true]" vf_field "$vf" '[.mac, .vlan, .spoofchk]'
wait_for port-active 10 ACTIVE sh -c "$CURL -s -H 'X-Auth-Token: $TOKEN' '$TB_API/v2.0/ports/$port' | $JQ -r .port.status"
status >/tmp/agent/status-boot.json
tb_json_eq libvirt-domain-running </tmp/agent/status-boot.json \
        "[.instances.domains[] | select(.uuid == \"$vm\") | [.name, .state]]" \
        "[[\"instance-$vm\",\"running\"]]"
xml=$($JQ -r ".instances.domains[] | select(.uuid == \"$vm\") | .xml" /tmp/agent/status-boot.json)
bus=$(echo "$slot" | cut -d: -f2)
dev=$(echo "$slot" | cut -d: -f3 | cut -d. -f1)
fn=$(echo "$slot" | cut -d. -f2)
want="<interface type='hostdev' managed='yes'>
      <mac address='$mac'/>
      <source>
        <address type='pci' domain='0x0000' bus='0x$bus' slot='0x$dev' function='0x$fn'/>
      </source>
      <vlan>
        <tag id='100'/>
      </vlan>"
case "$xml" in
*"$want"*) tb_ok domain-xml-passes-the-vf-with-mac-and-vlan ;;
*) tb_fail domain-xml-passes-the-vf-with-mac-and-vlan "no '$want' in: $xml" ;;
esac
case "$xml" in
*"<vcpu placement='static'>2</vcpu>"*"<memory unit='KiB'>2097152</memory>"* | \
*"<memory unit='KiB'>2097152</memory>"*"<vcpu placement='static'>2</vcpu>"*)
        tb_ok domain-xml-has-the-flavor ;;
*) tb_fail domain-xml-has-the-flavor "$xml" ;;
esac
tb_check log-names-instance-port-and-vf \
        grep -q "instance $vm: port $port: VF $slot attached as direct, VLAN 100" /tmp/agent/log

# ---- server delete: domain gone, VF free and reset ----
call DELETE "/v2.1/servers/$vm" >/dev/null
wait_for server-deleted 60 itemNotFound sh -c "$CURL -s -H 'X-Auth-Token: $TOKEN' \
        '$TB_API/v2.1/servers/$vm' | $JQ -r 'keys[0]'"
wait_for deleted-server-vf-reset 10 '["00:00:00:00:00:00",0]' vf_field "$vf" '[.mac, .vlan]'
status | tb_json_eq deleted-server-no-domain \
        "[.instances.domains[] | select(.uuid == \"$vm\")] | length" 0
call GET "/v2.0/ports/$port" | tb_json_eq deleted-server-port-unbound \
        '[.port["binding:host_id"], .port.device_id]' '["",""]'
# As Nova: the VF is freed only once the host has destroyed the domain
# that holds it, so no other boot can be handed a VF still in use.
destroyed=$(grep -n "instance $vm: task .*: domain destroyed" /tmp/agent/log | head -n1 | cut -d: -f1)
reset=$(grep -n "VF $vf ($slot): back to the free state" /tmp/agent/log | head -n1 | cut -d: -f1)
tb_check vf-reset-after-domain-destroyed test -n "$destroyed" -a -n "$reset" -a "${destroyed:-0}" -lt "${reset:-0}"

# ---- the server killed right after it accepted a boot ----
port2=$(new_port sr-iov-2)
vm2=$(boot webserver02 "$port2")
tb_stop_pid /tmp/srv/pid KILL >/dev/null
tb_check server-restarts-after-kill tb_server_start
wait_for boot-survives-server-kill 120 ACTIVE server_status "$vm2"
status | tb_json_eq one-domain-after-server-kill \
        "[.instances.domains[] | select(.uuid == \"$vm2\")] | length" 1
slot2=$(call GET "/v2.0/ports/$port2" | $JQ -r '.port["binding:profile"].pci_slot')
mac2=$(call GET "/v2.0/ports/$port2" | $JQ -r .port.mac_address)
vf2=$(vf_index "$slot2")
wait_for vf-programmed-after-server-kill 10 "[\"$mac2\",100,true]" vf_field "$vf2" '[.mac, .vlan, .spoofchk]'
call GET "/v2.0/ports/$port2" | tb_json_eq port-active-after-server-kill .port.status ACTIVE
call DELETE "/v2.1/servers/$vm2" >/dev/null
wait_for second-server-vf-reset 60 '["00:00:00:00:00:00",0]' vf_field "$vf2" '[.mac, .vlan]'

tb_check agent-stops-cleanly tb_stop_pid /tmp/agent/pid
tb_stop_pid /tmp/srv/pid
if grep -q "ERROR\|AddressSanitizer\|runtime error" /tmp/agent/log; then
        tb_fail agent-log-clean "$(cat /tmp/agent/log)"
else
        tb_ok agent-log-clean
fi
echo "--- agent log"
cat /tmp/agent/log
echo "--- server log (tail)"
tail -n 40 /tmp/srv/log
# Leave the machine as the next case expects it: no VFs, drivers probed.
$VFNET vf create "$pf" 0 >/dev/null
echo 1 >"$pfa/sriov_drivers_autoprobe"
rm -rf /tmp/srv /tmp/agent
