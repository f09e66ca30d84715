# machine: iommu-ir
# timeout: 1500
# The guest half of bench/agent.sh: vfnet-server and vfnet-agent in the
# testbed guest (TCG, 1 CPU) on netdevsim's eth0 with 256 VFs.  Prints
# BENCH lines; the host half prints them as figures.
N=256
tb_netdevsim_vfs netdevsim1 $N
tb_vf_zero eth0 $N
B=/vfnet/bin

# The operator default heartbeat: what idles is what an operator runs.
TB_REPORT_INTERVAL=30

# 1. One resync of 256 VFs by the agent's sync, against one bare RTM_GETLINK.
$B/agent-resync eth0 $N 50
tb_vf_zero eth0 $N

fx=/tmp/fx
tb_pci_fixture $fx eth0 0000:00:10.0 0000:01 $N
tb_agent_setup "physnet1:eth0" '{"devname": "eth0", "physical_network": "physnet1"}'
tb_server_setup physnet1:100:200 physnet1 >/dev/null
tb_server_start
tb_token
tb_agent_start --root $fx
for _ in $(seq 300); do
        grep -q 'following vfnet-server' /tmp/agent/log && break
        sleep 0.1
done
net=$(tb_call POST /v2.0/networks '{"network": {"name": "n1", "provider:network_type": "vlan",
  "provider:physical_network": "physnet1", "provider:segmentation_id": 101}}' | $JQ -r .network.id)
tb_call POST /v2.0/subnets "{\"subnet\": {\"network_id\": \"$net\", \"cidr\": \"10.1.0.0/16\", \"ip_version\": 4}}" >/dev/null
slot() { printf '0000:01:%02x.%d' $(($1 / 8)) $(($1 % 8)); }
now_ms() { echo $(( $($DATE +%s%N) / 1000000 )); }

# 2. 64 ports (made beforehand, unbound) bound at once: every PUT answered,
# every VF programmed, every port ACTIVE.
i=0
while [ $i -lt 64 ]; do
        tb_call POST /v2.0/ports "{\"port\": {\"network_id\": \"$net\", \"name\": \"p$i\",
          \"binding:vnic_type\": \"direct\"}}" | $JQ -r '"\(.port.id) \(.port.mac_address)"' >>ports.txt
        i=$((i + 1))
done
t0=$(now_ms)
i=0
pids=
while read -r id mac; do
        tb_call PUT "/v2.0/ports/$id" "{\"port\": {\"binding:host_id\": \"compute1\",
          \"binding:profile\": {\"pci_slot\": \"$(slot $i)\", \"physical_network\": \"physnet1\"}}}" >/dev/null &
        pids="$pids $!"
        i=$((i + 1))
done <ports.txt
wait $pids
t_bound=$(( $(now_ms) - t0 ))
want=$($JQ -R -s -c 'split("\n") | map(select(length > 0) | split(" ")[1])' ports.txt)
while [ "$($VFNET vf list eth0 -f json | $JQ -c '[.[0:64][] | .mac]')" != "$want" ]; do :; done
t_programmed=$(( $(now_ms) - t0 ))
while [ "$(tb_call GET "/v2.0/ports?network_id=$net" | $JQ -c '[.ports[] | .status] | unique')" != '["ACTIVE"]' ]; do :; done
t_active=$(( $(now_ms) - t0 ))
echo "BENCH bind64 bound_ms=$t_bound programmed_ms=$t_programmed active_ms=$t_active"

# 3. port set --disable → VF link disable: the PUT sent over an open
# connection until the VF reads disabled, against one RTM_SETLINK by the
# same process (bench/disable-latency.c); VF 5 is port p5's, VF 70 free.
p5=$(sed -n 6p ports.txt | cut -d' ' -f1)
$B/disable-latency "$TB_API" "$TOKEN" "$p5" eth0 5 70 9
# The same through the command-line tools, each started anew (curl, ip):
# what a shell user sees, process start included.
lat() { # CMD...: ms from just before CMD until the watch saw a VF change
        $VFNET vf watch eth0 --count 1 --timeout 20 -f json >/dev/null 2>&1 &
        w=$!
        sleep 1
        a=$(now_ms)
        "$@" >/dev/null
        wait $w
        echo $(( $(now_ms) - a ))
}
best_api= best_ip=
for k in 1 2 3; do
        d=$(lat tb_call PUT "/v2.0/ports/$p5" '{"port": {"admin_state_up": false}}')
        [ -z "$best_api" ] || [ "$d" -lt "$best_api" ] && best_api=$d
        tb_call PUT "/v2.0/ports/$p5" '{"port": {"admin_state_up": true}}' >/dev/null
        sleep 1
        d=$(lat $IP link set eth0 vf 70 state disable)
        [ -z "$best_ip" ] || [ "$d" -lt "$best_ip" ] && best_ip=$d
        sleep 1 # the agent puts VF 70 back
done
echo "BENCH disable_cli curl_ms=$best_api ip_ms=$best_ip"

# 4. Idle with all 256 VFs assigned: the agent's CPU time over 60 s.
i=64
pids=
while [ $i -lt $N ]; do
        tb_call POST /v2.0/ports "{\"port\": {\"network_id\": \"$net\", \"binding:vnic_type\": \"direct\",
          \"binding:host_id\": \"compute1\", \"binding:profile\": {\"pci_slot\": \"$(slot $i)\",
          \"physical_network\": \"physnet1\"}}}" >/dev/null &
        pids="$pids $!"
        [ $((i % 16)) -eq 15 ] && { wait $pids; pids=; }
        i=$((i + 1))
done
[ -z "$pids" ] || wait $pids
while [ "$(tb_call GET "/v2.0/ports?network_id=$net" | $JQ -c '[.ports[] | .status] | [length, unique]')" != "[$N,[\"ACTIVE\"]]" ]; do
        sleep 1
done
sleep 5
pid=$(cat /tmp/agent/pid)
# CPU time of each of the agent's threads in ns (schedstat: exact, where
# /proc/PID/stat counts whole ticks of 10 ms), as "name:ns ...".
threads() { for t in /proc/$pid/task/*; do printf '%s:%s ' "$(cat $t/comm)" "$(cut -d' ' -f1 $t/schedstat)"; done; }
t0=$(threads)
a=$(now_ms)
sleep 60
t1=$(threads)
b=$(now_ms)
echo "BENCH idle_threads before=\"$t0\" after=\"$t1\""
echo "BENCH idle ms=$((b - a)) vfs=$N rss_kb=$(awk '/VmRSS/ { print $2 }' /proc/$pid/status)"
tb_stop_pid /tmp/agent/pid >/dev/null
tb_stop_pid /tmp/srv/pid >/dev/null
tb_ok agent-bench-ran
