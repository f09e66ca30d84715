# machine: igb
# timeout: 240
# vfnet-agent's compute report on a real kernel: vfnet-server and
# vfnet-agent in the guest, the agent mapping the 82576's PF with a
# device_spec that offers its VFs.  report_interval is an hour (the
# periodic report is then 30 s apart), so a report within seconds of a
# change can only come from the kernel's device events: a new sriov_numvfs
# (the VFs' PCI devices added or removed) and a VF's driver unbound and
# bound again are each sent, with what the server pooled.

port=9696
wait_log() { # REGEX SECONDS: the agent's log has a line matching REGEX within SECONDS
        _n=0
        while [ $_n -lt $(($2 * 10)) ]; do
                grep -qE "$1" agent.log && return 0
                sleep 0.1
                _n=$((_n + 1))
        done
        return 1
}
log_has() { # NAME TEXT SECONDS
        if wait_log "$2" "$3"; then
                tb_ok "$1"
        else
                tb_fail "$1" "'$2' not in the agent's log within $3 s:
$(cat agent.log)"
        fi
}

pfdev=$(tb_netdev_of "$TB_IGB_PF")
cat >server.conf <<CONF
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $port
[database]
connection = sqlite:///$PWD/vfnet.sqlite
CONF
cat >sriov_agent.ini <<CONF
[DEFAULT]
host = tb-compute
[sriov_nic]
physical_device_mappings = physnet1:$pfdev
[agent]
report_interval = 3600
CONF
cat >nova.conf <<CONF
[pci]
device_spec = {"vendor_id": "8086", "product_id": "10ca", "physical_network": "physnet1"}
[neutron]
auth_type = password
auth_url = http://127.0.0.1:$port/v3
username = admin
password = secret
project_name = admin
user_domain_name = Default
project_domain_name = Default
CONF
tb_check server-bootstrap /vfnet/bin/vfnet-server --config-file server.conf bootstrap \
        --bootstrap-password secret --bootstrap-public-url "http://127.0.0.1:$port"
/vfnet/bin/vfnet-server --config-file server.conf >server.log 2>&1 &
/vfnet/bin/vfnet-agent --config-file sriov_agent.ini --config-file nova.conf >agent.log 2>&1 &
agent=$!

# At start: the PF, no VF, nothing the device spec selects.
log_has report-at-start "host tb-compute: compute report sent: [0-9]+ PCI devices, 0 pooled" 60
if grep -q "device events" agent.log; then
        tb_fail monitor-open "the agent has no device events: $(grep "device events" agent.log)"
else
        tb_ok monitor-open
fi

# sriov_numvfs 7: seven VFs appear, bound to igbvf; the server pools them.
tb_check numvfs-7 tb_pci_vfs "$TB_IGB_PF" 7
log_has numvfs-7-sent "inventory changed: compute report sent: [0-9]+ PCI devices, 7 pooled" 10

# A VF's driver unbound, then bound again: each is sent at once.
changes() { grep -c "inventory changed" agent.log; }
more_changes() { # NAME COUNT: more than COUNT inventory lines within 10 s
        _i=0
        while [ "$(changes)" -le "$2" ] && [ $_i -lt 100 ]; do
                sleep 0.1
                _i=$((_i + 1))
        done
        if [ "$(changes)" -gt "$2" ]; then
                tb_ok "$1"
        else
                tb_fail "$1" "no inventory change sent within 10 s:
$(cat agent.log)"
        fi
}
sleep 2 # the VFs' netdevs may still be arriving, each an event of its own
vf0=$(basename "$(readlink "/sys/bus/pci/devices/$TB_IGB_PF/virtfn0")")
n=$(changes)
echo "$vf0" >/sys/bus/pci/drivers/igbvf/unbind
more_changes unbind-sent "$n"
n=$(changes)
echo "$vf0" >/sys/bus/pci/drivers/igbvf/bind
more_changes rebind-sent "$n"

# sriov_numvfs 0: the VFs go; the server pools nothing again.
tb_check numvfs-0 tb_pci_vfs "$TB_IGB_PF" 0
log_has numvfs-0-sent "inventory changed: compute report sent: [0-9]+ PCI devices, 0 pooled" 10

kill "$agent"
wait "$agent"
tb_eq agent-exit 0 $?
sed 's/^/agent.log: /' agent.log
