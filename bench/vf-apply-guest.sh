# machine: iommu-ir
# timeout: 400
# The guest half of bench/vf-apply.sh: program 256 VFs of eth0 three ways,
# each from fresh VFs, and print the times.
REPS=9
N=256

gen_vf() { # VF: the same values as vf-setlink-floor.c
        v=$1
        case $((v % 3)) in 0) st=auto ;; 1) st=enable ;; *) st=disable ;; esac
        if [ $((v % 5)) -eq 0 ]; then proto=802.1ad; else proto=802.1Q; fi
        if [ $((v % 2)) -eq 0 ]; then sc=true; rss=false; else sc=false; rss=true; fi
        if [ $((v % 3)) -eq 0 ]; then tr=true; else tr=false; fi
        printf '{"vf": %d, "mac": "fa:16:3e:00:%02x:%02x", "vlan": %d, "qos": %d, "vlan_proto": "%s", "spoofchk": %s, "trust": %s, "link_state": "%s", "min_tx_rate": %d, "max_tx_rate": %d, "rss_query": %s}' \
                "$v" $((v / 256)) $((v % 256)) $((v + 1)) $((v % 8)) "$proto" "$sc" "$tr" "$st" \
                $((v % 4 * 10)) $((100 + v)) "$rss"
}
{
        printf '{"eth0": ['
        v=0
        while [ $v -lt $N ]; do
                [ $v -eq 0 ] || printf ', '
                gen_vf $v
                v=$((v + 1))
        done
        printf ']}\n'
} >vfs.json
# The same settings as `ip` commands (without rates: iproute2 cannot set
# them on VF 34 and above of this PF, it looks them up in its truncated list).
$JQ -r '.eth0[] | "link set eth0 vf \(.vf) mac \(.mac) vlan \(.vlan) qos \(.qos) proto \(.vlan_proto) spoofchk \(if .spoofchk then "on" else "off" end) trust \(if .trust then "on" else "off" end) state \(.link_state)"' vfs.json >ip.batch
tb_eq ip-batch-has-256-lines $N "$(wc -l <ip.batch)"

# bench/timeit.c times each run: no timestamp processes inside the figure.
timed() { /vfnet/bin/timeit t.us "$@"; }
# netdevsim keeps VF settings across sriov_numvfs changes, so each run
# starts from VFs put back in their initial state (untimed).
v=0
{
        printf '{"eth0": ['
        while [ $v -lt $N ]; do
                [ $v -eq 0 ] || printf ', '
                printf '{"vf": %d, "mac": "00:00:00:00:00:00", "vlan": 0, "spoofchk": false, "trust": false, "link_state": "auto", "min_tx_rate": 0, "max_tx_rate": 0, "rss_query": false}' $v
                v=$((v + 1))
        done
        printf ']}\n'
} >zero.json
fresh() {
        tb_netdevsim_vfs netdevsim1 $N && $VFNET vf apply zero.json >/dev/null && rm -rf /var/lib/vfnet
}

# apply and floor alternate, best of $REPS each (the host is shared, so
# single runs are noisy); the ip loop, 100x slower, runs once.
# Two series.  "as booted": address space layout randomisation on, as on
# any host; under TCG every new process then has its code translated
# afresh, which costs in proportion to how much distinct code it runs (a
# cost hardware does not have).  "fixed layout": randomisation off for the
# timed command only, so the emulator reuses its translations from the
# previous run and the figures are the programs' own work and the
# kernel's.
# series ASLR: sets best_apply, best_floor, all_apply, all_floor.
series() {
        best_apply= best_floor= all_apply= all_floor=
        r=0
        while [ $r -lt $REPS ]; do
                fresh
                echo "$1" >/proc/sys/kernel/randomize_va_space
                timed $VFNET vf apply vfs.json >/dev/null || tb_fail vf-apply "failed"
                echo 2 >/proc/sys/kernel/randomize_va_space
                t=$(cat t.us); all_apply="$all_apply $((t / 1000))"
                [ -z "$best_apply" ] || [ $t -lt $best_apply ] && best_apply=$t
                fresh
                echo "$1" >/proc/sys/kernel/randomize_va_space
                timed /vfnet/bin/vf-setlink-floor eth0 $N || tb_fail floor "failed"
                echo 2 >/proc/sys/kernel/randomize_va_space
                t=$(cat t.us); all_floor="$all_floor $((t / 1000))"
                [ -z "$best_floor" ] || [ $t -lt $best_floor ] && best_floor=$t
                r=$((r + 1))
        done
}
series 2
echo "vf apply runs, as booted (ms):$all_apply"
echo "floor runs, as booted (ms):$all_floor"
booted_apply=$best_apply booted_floor=$best_floor
series 0
echo "vf apply runs, fixed layout (ms):$all_apply"
echo "floor runs, fixed layout (ms):$all_floor"
fresh
timed sh -c 'while read -r line; do '"$IP"' $line || break; done' <ip.batch
best_ip=$(cat t.us)
# The three ways end in the same VF state (rates aside for ip).
fresh
$VFNET vf apply vfs.json >/dev/null
$VFNET vf list eth0 -f json >a.json
fresh
/vfnet/bin/vf-setlink-floor eth0 $N
$VFNET vf list eth0 -f json >f.json
tb_eq floor-sets-the-same-state "$($JQ -c . a.json)" "$($JQ -c . f.json)"
fresh
tb_netdevsim_vfs netdevsim1 0
tb_ok bench-ran

echo "BENCH vf_apply_us=$booted_apply floor_us=$booted_floor vf_apply_fixed_us=$best_apply floor_fixed_us=$best_floor ip_processes_us=$best_ip vfs=$N reps=$REPS"
