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
