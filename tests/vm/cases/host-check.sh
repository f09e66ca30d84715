# machine: iommu-ir iommu-noir noiommu
# `vfnet host check -f json` on a real kernel: the IOMMU and interrupt
# remapping verdicts follow the machine mode (R4, R27-R29).

verdict() { # ID: the verdict of one check in $out
        printf '%s' "$out" | $JQ -r --arg id "$1" '.[] | select(.id == $id) | .verdict'
}
evidence() {
        printf '%s' "$out" | $JQ -r --arg id "$1" '.[] | select(.id == $id) | .evidence'
}
has() { # NAME TEXT WORD
        case $2 in
        *"$3"*) tb_ok "$1" ;;
        *) tb_fail "$1" "'$3' not in: $2" ;;
        esac
}

out=$($VFNET host check -f json)
status=$?
tb_eq nine-checks 9 "$(printf '%s' "$out" | $JQ length)"
nfail=$(printf '%s' "$out" | $JQ '[.[] | select(.verdict == "fail")] | length')
if [ "$nfail" -gt 0 ]; then tb_eq exit-status-with-fails 1 "$status"; else tb_eq exit-status-no-fail 0 "$status"; fi

# cpu-virt agrees with /proc/cpuinfo
if grep -qw -e vmx -e svm /proc/cpuinfo; then want=ok; else want=fail; fi
tb_eq cpu-virt "$want" "$(verdict cpu-virt)"

tb_eq sriov-driver ok "$(verdict sriov-driver)"
has sriov-driver-evidence "$(evidence sriov-driver)" "$TB_NVME_PF: nvme (module nvme loaded)"
tb_eq vf-count-nothing-persisted ok "$(verdict vf-count)"
tb_eq iommu-isolation-no-vfs skip "$(verdict iommu-isolation)"

unsafe=/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts
case $TB_MACHINE in
iommu-ir)
        tb_eq iommu-firmware ok "$(verdict iommu-firmware)"
        tb_eq iommu-active ok "$(verdict iommu-active)"
        tb_eq kernel-cmdline ok "$(verdict kernel-cmdline)"
        has kernel-cmdline-evidence "$(evidence kernel-cmdline)" "intel_iommu=on"
        tb_eq irq-remapping ok "$(verdict irq-remapping)"
        has irq-remapping-ecap "$(evidence irq-remapping)" "(bit 3 set)"
        has irq-remapping-enabled "$(evidence irq-remapping)" "Enabled IRQ remapping"
        tb_eq unsafe-interrupts ok "$(verdict unsafe-interrupts)"
        # On although remapping works: a needless exposure (R27).
        echo Y >"$unsafe"
        out=$($VFNET host check -f json)
        tb_eq unsafe-interrupts-needless warn "$(verdict unsafe-interrupts)"
        echo N >"$unsafe"
        ;;
iommu-noir)
        tb_eq iommu-firmware ok "$(verdict iommu-firmware)"
        tb_eq iommu-active ok "$(verdict iommu-active)"
        tb_eq irq-remapping fail "$(verdict irq-remapping)"
        has irq-remapping-ecap "$(evidence irq-remapping)" "(bit 3 clear)"
        tb_eq unsafe-interrupts fail "$(verdict unsafe-interrupts)"
        tb_eq exit-status 1 "$status"
        # Turned on where remapping is missing: allowed, with the risk said (R29).
        echo Y >"$unsafe"
        out=$($VFNET host check -f json)
        tb_eq unsafe-interrupts-accepted-risk warn "$(verdict unsafe-interrupts)"
        echo N >"$unsafe"
        ;;
noiommu)
        tb_eq iommu-firmware fail "$(verdict iommu-firmware)"
        tb_eq iommu-active fail "$(verdict iommu-active)"
        tb_eq irq-remapping fail "$(verdict irq-remapping)"
        has irq-remapping-no-iommu "$(evidence irq-remapping)" "no IOMMU"
        tb_eq unsafe-interrupts fail "$(verdict unsafe-interrupts)"
        tb_eq exit-status 1 "$status"
        ;;
esac

# A saved log replaces /dev/kmsg.
dmesg >/tmp/kernel.log
out=$($VFNET host check -f json --kernel-log /tmp/kernel.log)
case $TB_MACHINE in
iommu-ir) tb_eq kernel-log-file ok "$(verdict irq-remapping)" ;;
*) tb_eq kernel-log-file fail "$(verdict irq-remapping)" ;;
esac

# With VFs: each in its own group when there is an IOMMU.
tb_check two-vfs $VFNET vf create "$TB_NVME_PF" 2
out=$($VFNET host check -f json)
case $TB_MACHINE in
noiommu) tb_eq iommu-isolation-with-vfs skip "$(verdict iommu-isolation)" ;;
*)
        tb_eq iommu-isolation-with-vfs ok "$(verdict iommu-isolation)"
        has iommu-isolation-evidence "$(evidence iommu-isolation)" "2 VFs, each alone"
        ;;
esac
tb_eq vf-count-not-persisted warn "$(verdict vf-count)"
tb_check back-to-0 $VFNET vf create "$TB_NVME_PF" 0
