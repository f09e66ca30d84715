# Helpers for testbed cases (POSIX sh, busybox).  Sourced before each case.
#
# Each check reports one marker line on the results channel ($TB_RESULTS,
# the guest's ttyS1, which nothing else writes to):
#   @@VFNET-TB ok CASE CHECK
#   @@VFNET-TB fail CASE CHECK FIRST-LINE-OF-MESSAGE
#   @@VFNET-TB msg CASE MORE-MESSAGE        (following lines, at most 40)
# Check names are single words: spaces are turned into dashes.
#
# Busybox runs its own applets before anything on PATH: call real tools by
# their full path, through $IP, $BRIDGE, $DATE, $JQ and $VFNET.

: "${TB_RESULTS:=/dev/stdout}"
: "${TB_CASE:=case}"

tb__name() {
        printf '%s' "$1" | tr ' \t' '--'
}

tb__emit() {
        printf '@@VFNET-TB %s\n' "$*" >>"$TB_RESULTS"
}

# tb_ok NAME
tb_ok() {
        tb__emit "ok $TB_CASE $(tb__name "$1")"
        echo "ok - $1"
}

# tb_fail NAME MESSAGE
tb_fail() {
        _tb_name=$(tb__name "$1")
        shift
        _tb_first=1
        _tb_count=0
        printf '%s\n' "$*" | while IFS= read -r _tb_line || [ -n "$_tb_line" ]; do
                if [ "$_tb_first" = 1 ]; then
                        tb__emit "fail $TB_CASE $_tb_name $_tb_line"
                        _tb_first=0
                elif [ "$_tb_count" -lt 40 ]; then
                        tb__emit "msg $TB_CASE $_tb_line"
                        _tb_count=$((_tb_count + 1))
                fi
        done
        echo "FAIL - $_tb_name: $*"
        return 1
}

# tb_check NAME CMD...: ok if CMD exits 0, else a failure with its output.
tb_check() {
        _tb_check_name=$1
        shift
        if _tb_out=$("$@" 2>&1); then
                tb_ok "$_tb_check_name"
        else
                tb_fail "$_tb_check_name" "command failed (status $?): $*
$_tb_out"
        fi
}

# tb_eq NAME EXPECTED ACTUAL
tb_eq() {
        if [ "$2" = "$3" ]; then
                tb_ok "$1"
        else
                tb_fail "$1" "expected '$2', got '$3'"
        fi
}

# tb_json_eq NAME JQ_FILTER EXPECTED < JSON: compares jq -c output of the
# filter (strings without quotes when the result is one string) with EXPECTED.
tb_json_eq() {
        _tb_json=$(cat)
        if ! _tb_got=$(printf '%s' "$_tb_json" | /usr/bin/jq -c "$2" 2>&1); then
                tb_fail "$1" "jq '$2' failed: $_tb_got
input: $_tb_json"
                return 1
        fi
        case $_tb_got in
        \"*\") _tb_got=$(printf '%s' "$_tb_json" | /usr/bin/jq -r "$2") ;;
        esac
        if [ "$_tb_got" = "$3" ]; then
                tb_ok "$1"
        else
                tb_fail "$1" "jq '$2': expected '$3', got '$_tb_got'
input: $_tb_json"
        fi
}

# tb_netdevsim_vfs DEV COUNT: sets netdevsim DEV's VF count (0 first, as
# the kernel refuses to change a non-zero count directly).
tb_netdevsim_vfs() {
        _tb_f=/sys/bus/netdevsim/devices/$1/sriov_numvfs
        echo 0 >"$_tb_f" || return 1
        [ "$2" -eq 0 ] || echo "$2" >"$_tb_f"
}

# tb_pci_vfs ADDR COUNT: the same for a PCI SR-IOV PF (e.g. $TB_NVME_PF).
tb_pci_vfs() {
        _tb_f=/sys/bus/pci/devices/$1/sriov_numvfs
        echo 0 >"$_tb_f" || return 1
        [ "$2" -eq 0 ] || echo "$2" >"$_tb_f"
}

# tb_vf_zero PF COUNT: put the PF's first COUNT VFs back in netdevsim's
# initial state with `vfnet vf apply` and forget saved originals.  netdevsim
# keeps VF settings across sriov_numvfs changes, so VF cases start from,
# and leave behind, this state.
tb_vf_zero() {
        _z=0
        {
                printf '{"%s": [' "$1"
                while [ $_z -lt "$2" ]; do
                        [ $_z -eq 0 ] || printf ', '
                        printf '{"vf": %d, "mac": "00:00:00:00:00:00", "vlan": 0, "spoofchk": false, "trust": false, "link_state": "auto", "min_tx_rate": 0, "max_tx_rate": 0, "rss_query": false}' $_z
                        _z=$((_z + 1))
                done
                printf ']}\n'
        } >zero-$1.json
        $VFNET vf apply zero-$1.json >/dev/null && rm -rf /var/lib/vfnet
}

# tb_netdev_of ADDR: the network interface name of PCI function ADDR (no
# udev in the guest, so the kernel's ethN, in probe order).
tb_netdev_of() {
        ls "/sys/bus/pci/devices/$1/net" 2>/dev/null
}

# tb_igb_reload [OPTION...]: `modprobe -r igb` then `modprobe igb OPTION...`
# (kmod's modprobe, which also reads /etc/modprobe.d/).
tb_igb_reload() {
        $MODPROBE -r igb && $MODPROBE igb "$@"
}

# tb_pci_fixture ROOT NETDEV PF_ADDR VF_BUS COUNT: a sysfs tree under ROOT
# in which netdev NETDEV is an SR-IOV PF at PCI address PF_ADDR with COUNT
# VFs at VF_BUS:SS.F (dddd:bb), for programs run with --root ROOT.
# netdevsim's VFs are no PCI functions; with this tree the agent matches
# ports' pci_slot to them, while every VF it programs is the real
# netdevsim device's (netlink ignores the root).
tb_pci_fixture() {
        _r=$1 _n=$2 _a=$3 _b=$4 _c=$5
        _d=$_r/sys/devices/pci0000:00
        mkdir -p "$_r/sys/bus/pci/devices" "$_r/sys/class/net" "$_d/$_a/net/$_n"
        printf '0x1af4\n' >"$_d/$_a/vendor"
        printf '0x1041\n' >"$_d/$_a/device"
        printf '0x020000\n' >"$_d/$_a/class"
        echo "$_c" >"$_d/$_a/sriov_totalvfs"
        echo "$_c" >"$_d/$_a/sriov_numvfs"
        echo up >"$_d/$_a/net/$_n/operstate"
        ln -s ../../../bus/pci "$_d/$_a/subsystem"
        ln -s ../../../devices/pci0000:00/$_a "$_r/sys/bus/pci/devices/$_a"
        ln -s ../../devices/pci0000:00/$_a/net/$_n "$_r/sys/class/net/$_n"
        ln -s ../../../$_a "$_d/$_a/net/$_n/device"
        _i=0
        while [ $_i -lt "$_c" ]; do
                _v=$(printf '%s:%02x.%d' "$_b" $((_i / 8)) $((_i % 8)))
                mkdir -p "$_d/$_v"
                printf '0x1af4\n' >"$_d/$_v/vendor"
                printf '0x1041\n' >"$_d/$_v/device"
                printf '0x020000\n' >"$_d/$_v/class"
                ln -s ../../../bus/pci "$_d/$_v/subsystem"
                ln -s "../$_a" "$_d/$_v/physfn"
                ln -s "../$_v" "$_d/$_a/virtfn$_i"
                ln -s ../../../devices/pci0000:00/$_v "$_r/sys/bus/pci/devices/$_v"
                _i=$((_i + 1))
        done
}

# vfnet-server and vfnet-agent inside the guest (the agent cases), driven
# with curl.  The server listens on 127.0.0.1:9696 with its database and
# log in /tmp/srv; the agent (host compute1) logs to /tmp/agent/log and
# writes /tmp/agent/status.json.
TB_API=http://127.0.0.1:9696
CURL=/usr/bin/curl

# tb_server_setup VLAN_RANGES FLAT_NETWORKS: config files, then bootstrap.
tb_server_setup() {
        mkdir -p /tmp/srv
        cat >/tmp/srv/server.conf <<CONF
[DEFAULT]
bind_host = 127.0.0.1
bind_port = 9696
[database]
connection = sqlite:////tmp/srv/vfnet.sqlite
CONF
        cat >/tmp/srv/ml2_conf.ini <<CONF
[ml2]
tenant_network_types = vlan
type_drivers = vlan,flat
mechanism_drivers = sriovnicswitch
[ml2_type_vlan]
network_vlan_ranges = $1
[ml2_type_flat]
flat_networks = $2
[ml2_sriov]
agent_required = True
CONF
        /vfnet/bin/vfnet-server --config-file /tmp/srv/server.conf \
                --config-file /tmp/srv/ml2_conf.ini bootstrap --bootstrap-password admin
}

tb_server_start() {
        /vfnet/bin/vfnet-server --config-file /tmp/srv/server.conf \
                --config-file /tmp/srv/ml2_conf.ini >>/tmp/srv/log 2>&1 &
        echo $! >/tmp/srv/pid
        for _ in $(seq 200); do
                $CURL -sf "$TB_API/v3" >/dev/null && return 0
                sleep 0.1
        done
        return 1
}

# tb_agent_setup MAPPINGS DEVICE_SPEC [EXCLUDE]: sriov_agent.ini and nova.conf.
tb_agent_setup() {
        mkdir -p /tmp/agent
        cat >/tmp/agent/sriov_agent.ini <<CONF
[DEFAULT]
host = compute1
[sriov_nic]
physical_device_mappings = $1
exclude_devices = ${3:-}
[agent]
report_interval = ${TB_REPORT_INTERVAL:-5}
CONF
        cat >/tmp/agent/nova.conf <<CONF
[pci]
device_spec = $2
[neutron]
auth_type = password
auth_url = $TB_API/v3
username = admin
password = admin
project_name = admin
user_domain_name = Default
project_domain_name = Default
CONF
}

# tb_agent_start [ARG...]: starts vfnet-agent in the background.
tb_agent_start() {
        /vfnet/bin/vfnet-agent --config-file /tmp/agent/sriov_agent.ini \
                --config-file /tmp/agent/nova.conf --status-file /tmp/agent/status.json "$@" \
                >>/tmp/agent/log 2>&1 &
        echo $! >/tmp/agent/pid
}

# tb_stop_pid PIDFILE [SIGNAL]: stops the process, waits up to 30 s.
tb_stop_pid() {
        _t0=$($DATE +%s%N)
        kill "-${2:-TERM}" "$(cat "$1")" 2>/dev/null
        for _ in $(seq 300); do
                # A child of this shell stays a zombie until reaped: stopped too.
                if ! kill -0 "$(cat "$1")" 2>/dev/null ||
                        grep -q '^State:.*Z' "/proc/$(cat "$1")/status" 2>/dev/null; then
                        echo "$1: stopped in $(( ($($DATE +%s%N) - _t0) / 1000000 )) ms"
                        return 0
                fi
                sleep 0.1
        done
        return 1
}

# tb_token: a token of the bootstrapped admin (into TOKEN).
tb_token() {
        TOKEN=$($CURL -si -H 'Content-Type: application/json' -d '{"auth": {"identity":
          {"methods": ["password"], "password": {"user": {"name": "admin", "domain": {"name":
          "Default"}, "password": "admin"}}}, "scope": {"project": {"name": "admin", "domain":
          {"name": "Default"}}}}}' "$TB_API/v3/auth/tokens" | tr -d '\r' |
                sed -n 's/^[Xx]-[Ss]ubject-[Tt]oken: //p')
        [ -n "$TOKEN" ]
}

# tb_call METHOD PATH [BODY]: one API call with $TOKEN; prints the answer.
tb_call() {
        if [ $# -ge 3 ]; then
                $CURL -s -X "$1" -H "X-Auth-Token: $TOKEN" -H 'Content-Type: application/json' \
                        -d "$3" "$TB_API$2"
        else
                $CURL -s -X "$1" -H "X-Auth-Token: $TOKEN" "$TB_API$2"
        fi
}

# tb_vf_field PF VF JQ: one VF's fields as vfnet reads them (jq -c).
tb_vf_field() {
        $VFNET vf list "$1" -f json | $JQ -c ".[$2] | $3"
}

# tb_wait_for NAME SECONDS EXPECTED CMD...: ok as soon as CMD prints EXPECTED.
tb_wait_for() {
        _wn=$1 _ws=$2 _ww=$3
        shift 3
        _we=$(( $($DATE +%s) + _ws ))
        while :; do
                _wg=$("$@" 2>&1)
                [ "$_wg" = "$_ww" ] && { tb_ok "$_wn"; return 0; }
                [ "$($DATE +%s)" -ge "$_we" ] && break
                sleep 0.1
        done
        tb_fail "$_wn" "after $_ws s: expected '$_ww', got '$_wg'"
        return 1
}
