# machine: iommu-ir
# timeout: 600
# vfnet-agent at scale on netdevsim, whose VF drivers take every field:
# two physnets (physnet1 on eth0 with 64 VFs, physnet2 on eth2 with 8),
# 64 ports bound at once all programmed and ACTIVE; `port set --disable`
# → link state disable (and the port DOWN), enable again; trusted via
# binding:profile; a flat network's port gets VLAN 0; an excluded VF is
# never touched; link-state drift repaired within 1 s; the agent killed
# with SIGKILL and restarted changes nothing; every port deleted → every
# VF free.  netdevsim's VFs are no PCI functions: the agent reads a sysfs
# tree (tb_pci_fixture) that gives them addresses, and programs the real
# netdevsim devices.

tb_check eth0-64-vfs tb_netdevsim_vfs netdevsim1 64
tb_check eth2-8-vfs tb_netdevsim_vfs netdevsim2 8
tb_vf_zero eth0 64
tb_vf_zero eth2 8
rm -rf /tmp/srv /tmp/agent /tmp/fx
fx=/tmp/fx
tb_pci_fixture $fx eth0 0000:00:10.0 0000:01 64
tb_pci_fixture $fx eth2 0000:00:11.0 0000:02 8
excluded=0000:02:00.7
tb_agent_setup "physnet1:eth0,physnet2:eth2" '{"devname": "eth0", "physical_network": "physnet1"}' \
        "eth2:$excluded"
tb_check server-bootstrap tb_server_setup physnet1:100:200,physnet2:300:310 physnet2
tb_check server-starts tb_server_start
tb_token
tb_check got-token test -n "$TOKEN"
tb_agent_start --root $fx
tb_wait_for agent-registered-alive 60 true \
        sh -c "$CURL -s -H 'X-Auth-Token: $TOKEN' '$TB_API/v2.0/agents?host=compute1' | $JQ -c '.agents[0].alive'"
# The free state everywhere (netdevsim starts with spoof check off).
tb_wait_for free-state-at-start 10 '[["00:00:00:00:00:00",0,true,false,"auto"]]' \
        sh -c "$VFNET vf list eth0 -f json | $JQ -c '[.[] | [.mac, .vlan, .spoofchk, .trust, .link_state]] | unique'"

net=$(tb_call POST /v2.0/networks '{"network": {"name": "n1", "provider:network_type": "vlan",
  "provider:physical_network": "physnet1", "provider:segmentation_id": 101}}' | $JQ -r .network.id)
tb_call POST /v2.0/subnets "{\"subnet\": {\"network_id\": \"$net\", \"cidr\": \"10.1.0.0/16\", \"ip_version\": 4}}" >/dev/null

# 64 ports created at once (64 clients), each bound to its own VF of eth0.
t0=$($DATE +%s%N)
i=0
pids=
while [ $i -lt 64 ]; do
        tb_call POST /v2.0/ports "{\"port\": {\"network_id\": \"$net\", \"name\": \"p$i\",
          \"binding:vnic_type\": \"direct\", \"binding:host_id\": \"compute1\",
          \"binding:profile\": {\"pci_slot\": \"$(printf '0000:01:%02x.%d' $((i / 8)) $((i % 8)))\",
          \"physical_network\": \"physnet1\"}}}" >port$i.json &
        pids="$pids $!"
        i=$((i + 1))
done
# Only the clients: the agent is a child of this shell too.
wait $pids
cat port*.json | $JQ -s '{ports: [.[] | .port]}' >ports.json
tb_json_eq 64-ports-bound '[.ports[] | .["binding:vif_type"]] | [length, unique]' '[64,["hw_veb"]]' <ports.json
$JQ -r '.ports[] | "\(.name) \(.id) \(.mac_address)"' ports.json >ports.txt
all_active() {
        tb_call GET "/v2.0/ports?network_id=$net" | $JQ -c '[.ports[] | .status] | unique'
}
tb_wait_for all-64-active 60 '["ACTIVE"]' all_active
t1=$($DATE +%s%N)
echo "64 ports: created, programmed and ACTIVE in $(( (t1 - t0) / 1000000 )) ms"
# Every VF has its port's MAC, VLAN 101, spoof check on, link enable.
$VFNET vf list eth0 -f json >vfs.json
bad=0
while read -r name id mac; do
        n=${name#p}
        got=$($JQ -c ".[$n] | [.mac, .vlan, .spoofchk, .link_state]" vfs.json)
        [ "$got" = "[\"$mac\",101,true,\"enable\"]" ] || { bad=$((bad + 1)); echo "VF $n: $got (port $id $mac)"; }
done <ports.txt
tb_eq every-vf-has-its-port 0 "$bad"

p5=$(sed -n 's/^p5 \([^ ]*\) .*/\1/p' ports.txt)
# port set --disable → link disable, port DOWN; --enable → enable, ACTIVE.
t0=$($DATE +%s%N)
tb_call PUT "/v2.0/ports/$p5" '{"port": {"admin_state_up": false}}' >/dev/null
for _ in $(seq 200); do
        [ "$(tb_vf_field eth0 5 .link_state)" = '"disable"' ] && break
done
t1=$($DATE +%s%N)
tb_eq disable-link-disable '"disable"' "$(tb_vf_field eth0 5 .link_state)"
echo "port set --disable -> VF link disable seen after $(( (t1 - t0) / 1000000 )) ms (TCG, incl. vfnet vf list)"
tb_wait_for disabled-port-down 10 '"DOWN"' sh -c "$CURL -s -H 'X-Auth-Token: $TOKEN' $TB_API/v2.0/ports/$p5 | $JQ -c .port.status"
tb_call PUT "/v2.0/ports/$p5" '{"port": {"admin_state_up": true}}' >/dev/null
tb_wait_for enable-link-enable 5 '"enable"' tb_vf_field eth0 5 .link_state
tb_wait_for enabled-port-active 10 '"ACTIVE"' sh -c "$CURL -s -H 'X-Auth-Token: $TOKEN' $TB_API/v2.0/ports/$p5 | $JQ -c .port.status"
# trusted (oslo's bool_from_string: "yes") → trust on.
tb_call PUT "/v2.0/ports/$p5" '{"port": {"binding:profile": {"pci_slot": "0000:01:00.5", "physical_network": "physnet1", "trusted": "yes"}}}' >/dev/null
tb_wait_for trusted-trust-on 5 true tb_vf_field eth0 5 .trust
# Only VF 5 changed: the others keep their state.
tb_eq only-vf5-changed "$($JQ -c 'del(.[5])' vfs.json)" "$($VFNET vf list eth0 -f json | $JQ -c 'del(.[5])')"

# Link-state drift on a PF that is up: repaired within 1 s.
t0=$($DATE +%s%N)
$IP link set eth0 vf 9 state disable
for _ in $(seq 50); do
        [ "$(tb_vf_field eth0 9 .link_state)" = '"enable"' ] && break
        sleep 0.02
done
t1=$($DATE +%s%N)
tb_eq drift-link-repaired '"enable"' "$(tb_vf_field eth0 9 .link_state)"
ms=$(( (t1 - t0) / 1000000 ))
echo "link-state drift repaired in $ms ms"
tb_check drift-repaired-within-1s test "$ms" -lt 1000

# physnet2: a flat network (VLAN 0) on eth2, and a port on the excluded VF.
flat=$(tb_call POST /v2.0/networks '{"network": {"name": "f2", "provider:network_type": "flat",
  "provider:physical_network": "physnet2"}}' | $JQ -r .network.id)
tb_call POST /v2.0/subnets "{\"subnet\": {\"network_id\": \"$flat\", \"cidr\": \"10.2.0.0/24\", \"ip_version\": 4}}" >/dev/null
tb_call POST /v2.0/ports "{\"port\": {\"network_id\": \"$flat\", \"binding:vnic_type\": \"direct\",
  \"binding:host_id\": \"compute1\", \"binding:profile\": {\"pci_slot\": \"0000:02:00.2\",
  \"physical_network\": \"physnet2\"}}}" >flat.json
fmac=$($JQ -r .port.mac_address flat.json)
tb_wait_for flat-port-vlan-0 10 "[\"$fmac\",0]" tb_vf_field eth2 2 '[.mac, .vlan]'
ex_before=$(tb_vf_field eth2 7 .)
tb_call POST /v2.0/ports "{\"port\": {\"network_id\": \"$flat\", \"binding:vnic_type\": \"direct\",
  \"binding:host_id\": \"compute1\", \"binding:profile\": {\"pci_slot\": \"$excluded\",
  \"physical_network\": \"physnet2\"}}}" >ex.json
ex=$($JQ -r .port.id ex.json)
tb_wait_for excluded-said 10 1 sh -c "grep -c 'port $ex: eth2 VF 7 is in exclude_devices' /tmp/agent/log"
tb_eq excluded-vf-untouched "$ex_before" "$(tb_vf_field eth2 7 .)"

# SIGKILL and restart: nothing changes, no port flaps.
before0=$($VFNET vf list eth0 -f json)
before2=$($VFNET vf list eth2 -f json)
revs=$(tb_call GET /v2.0/ports | $JQ -c '[.ports[] | [.id, .status, .revision_number]] | sort')
tb_check agent-killed tb_stop_pid /tmp/agent/pid KILL
: >/tmp/agent/log
tb_agent_start --root $fx
tb_wait_for agent-restarted 30 1 sh -c "grep -c 'following vfnet-server' /tmp/agent/log"
sleep 3
tb_eq restart-eth0-unchanged "$before0" "$($VFNET vf list eth0 -f json)"
tb_eq restart-eth2-unchanged "$before2" "$($VFNET vf list eth2 -f json)"
tb_eq restart-no-port-flap "$revs" "$(tb_call GET /v2.0/ports | $JQ -c '[.ports[] | [.id, .status, .revision_number]] | sort')"
tb_eq restart-nothing-set 0 "$(grep -c ': set ' /tmp/agent/log)"
$VFNET agent status --status-file /tmp/agent/status.json >status.txt
# eth0: 64 VFs with their ports; eth2: 7 (one port, six free), VF 7 excluded.
tb_eq status-in-sync 71 "$(grep -c 'in sync' status.txt)"
tb_eq status-excluded 1 "$(grep -c 'excluded' status.txt)"

# Every port deleted: every VF back to the free state.
while read -r name id mac; do
        tb_call DELETE "/v2.0/ports/$id" >/dev/null
done <ports.txt
tb_call DELETE "/v2.0/ports/$($JQ -r .port.id flat.json)" >/dev/null
tb_wait_for all-free-after-delete 30 '[["00:00:00:00:00:00",0,true,false,"auto"]]' \
        sh -c "$VFNET vf list eth0 -f json | $JQ -c '[.[] | [.mac, .vlan, .spoofchk, .trust, .link_state]] | unique'"
tb_eq eth2-vf2-free '["00:00:00:00:00:00",0,true]' "$(tb_vf_field eth2 2 '[.mac, .vlan, .spoofchk]')"

tb_check agent-stops tb_stop_pid /tmp/agent/pid
tb_stop_pid /tmp/srv/pid
if grep -q "ERROR\|AddressSanitizer\|runtime error" /tmp/agent/log; then
        tb_fail agent-log-clean "$(cat /tmp/agent/log)"
else
        tb_ok agent-log-clean
fi
tb_vf_zero eth0 64
tb_vf_zero eth2 8
rm -rf /tmp/srv /tmp/agent /tmp/fx
