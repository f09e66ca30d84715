# What scripts/up.sh shows second: the seed's own NIC, QEMU's Intel 82576
# with the kernel's igb and igbvf.  VFs the seed's way (modprobe igb
# max_vfs=7), then listed, checked and programmed by vfnet.

tb_demo() {
        echo
        echo "\$ $*"
        "$@" 2>&1 || echo "(exit status $?)"
}
dmesg -n 1

$MODPROBE -r igb
tb_demo $MODPROBE igb max_vfs=7
pf=$(tb_netdev_of "$TB_IGB_PF")
tb_demo vfnet pci list
tb_demo vfnet host check
# igb has no VF link-state control (R22): that field is refused, the others are set.
tb_demo vfnet vf set "$pf" 0 mac fa:16:3e:b1:53:b3 vlan 15 trust on state disable
tb_demo vfnet vf list "$pf"

# The seed's workflow end to end on that NIC: vfnet-server and vfnet-agent
# both in this machine (libvirt's test driver stands in for the
# hypervisor), driven through the OpenStack APIs with curl as the
# `openstack` client would drive them.
api() { # METHOD PATH [BODY] [JQ]: one call, printed with a short view of its answer
        echo
        echo "\$ $1 $2${3:+ $3}" | tr -s ' \n' ' '
        echo
        tb_call "$1" "$2" ${3:+"$3"} >/tmp/demo-answer.json
        $JQ -c "${4:-.}" </tmp/demo-answer.json 2>/dev/null || cat /tmp/demo-answer.json
}
$VFNET vf set "$pf" 0 mac 00:00:00:00:00:00 vlan 0 trust off >/dev/null
# The kernel announces VF changes only on a PF that is up.
$IP link set "$pf" up
tb_agent_setup "physnet1:$pf" "{\"devname\": \"$pf\", \"physical_network\": \"physnet1\"}"
printf '[libvirt]\nvirt_type = kvm\nconnection_uri = test:///default\n' >>/tmp/agent/nova.conf
echo
echo "--- vfnet-server and vfnet-agent on this host (sriov_agent.ini: physical_device_mappings = physnet1:$pf)"
tb_server_setup physnet1:100:200 physnet1 >/dev/null
tb_server_start
tb_token
tb_agent_start
for _ in $(seq 300); do
        [ "$(tb_call GET /v2.1/os-hypervisors/detail | $JQ -r '.hypervisors | length')" = 1 ] && break
        sleep 0.2
done
api GET /v2.0/agents '' '.agents[] | {agent_type, binary, host, alive, configurations}'
api GET /v2.1/os-hypervisors/detail '' '.hypervisors[] | {hypervisor_hostname, state}'
api GET /v2.1/vfnet/compute-hosts '' '.hosts[] | {hostname, up, pci_stats}'
api POST /image/v2/images '{"name": "cirros", "disk_format": "qcow2", "container_format": "bare"}' '{id, name, status}'
img=$($JQ -r .id </tmp/demo-answer.json)
$CURL -s -X PUT -H "X-Auth-Token: $TOKEN" -H 'Content-Type: application/octet-stream' \
        --data-binary 'demo' "$TB_API/image/v2/images/$img/file"
api POST /v2.1/flavors '{"flavor": {"name": "m1.small", "ram": 2048, "vcpus": 2, "disk": 1}}' '.flavor | {id, name}'
flavor=$($JQ -r .flavor.id </tmp/demo-answer.json)
api POST /v2.0/networks '{"network": {"name": "sriov-net", "provider:network_type": "vlan", "provider:physical_network": "physnet1", "provider:segmentation_id": 100}}' \
        '.network | {id, name, "provider:network_type", "provider:physical_network", "provider:segmentation_id"}'
net=$($JQ -r .network.id </tmp/demo-answer.json)
api POST /v2.0/subnets "{\"subnet\": {\"network_id\": \"$net\", \"cidr\": \"192.0.2.0/24\", \"ip_version\": 4}}" '.subnet | {id, cidr}'
api POST /v2.0/ports "{\"port\": {\"network_id\": \"$net\", \"name\": \"sriov-port\", \"binding:vnic_type\": \"direct\"}}" \
        '.port | {id, mac_address, "binding:vnic_type"}'
port=$($JQ -r .port.id </tmp/demo-answer.json)
api POST /v2.1/servers "{\"server\": {\"name\": \"webserver01\", \"imageRef\": \"$img\", \"flavorRef\": \"$flavor\", \"networks\": [{\"port\": \"$port\"}]}}" '.server | {id}'
vm=$($JQ -r .server.id </tmp/demo-answer.json)
for _ in $(seq 600); do
        [ "$(tb_call GET "/v2.1/servers/$vm" | $JQ -r .server.status)" = ACTIVE ] &&
                [ "$(tb_call GET "/v2.0/ports/$port" | $JQ -r .port.status)" = ACTIVE ] && break
        sleep 0.2
done
api GET "/v2.1/servers/$vm" '' '.server | {name, status, "OS-EXT-SRV-ATTR:host"}'
api GET "/v2.0/ports/$port" '' '.port | {status, mac_address, "binding:host_id", "binding:vif_type", "binding:profile"}'
slot=$(tb_call GET "/v2.0/ports/$port" | $JQ -r '.port["binding:profile"].pci_slot')
vf=0
for l in /sys/bus/pci/devices/$TB_IGB_PF/virtfn*; do
        [ "$(basename "$(readlink "$l")")" = "$slot" ] && vf=${l##*virtfn}
done
tb_demo vfnet vf list "$pf"
tb_demo vfnet agent status --status-file /tmp/agent/status.json
echo
echo "\$ vfnet agent status -f json: the domain libvirt was given"
$VFNET agent status --status-file /tmp/agent/status.json -f json |
        $JQ -r ".instances.domains[] | select(.uuid == \"$vm\") | .xml" | sed -n '/<interface/,/<\/interface>/p'
api PUT "/v2.0/ports/$port" '{"port": {"port_security_enabled": false, "security_groups": []}}' '.port | {port_security_enabled}'
sleep 1
tb_demo vfnet vf list "$pf"
echo
echo "--- drift behind the agent's back is repaired"
tb_demo $IP link set "$pf" vf "$vf" vlan 99
tb_demo vfnet vf list "$pf"
sleep 1
tb_demo vfnet vf list "$pf"
api DELETE "/v2.1/servers/$vm"
api GET "/v2.1/servers/$vm" '' 'if .server then .server | {status, "OS-EXT-STS:task_state"} else . end'
for _ in $(seq 300); do
        [ "$(tb_call GET "/v2.1/servers/$vm" | $JQ -r 'keys[0]')" = itemNotFound ] && break
        sleep 0.2
done
sleep 1
tb_demo vfnet vf list "$pf"
echo
echo "--- vfnet-agent's log"
tb_stop_pid /tmp/agent/pid >/dev/null
tb_stop_pid /tmp/srv/pid >/dev/null
cat /tmp/agent/log
