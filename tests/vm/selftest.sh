#!/usr/bin/env bash
# Tests the testbed itself: that failures, crashes, time-outs and mangled
# console lines turn into failing TAP results and never into passes or hangs.
# First the result parser alone on made-up marker streams, then one real
# boot of the cases in tests/vm/selftest/.  Prints TAP.
# Usage: selftest.sh [--build-dir DIR]
set -uo pipefail

TB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TESTBED=$TB_DIR/testbed.sh
work=$(mktemp -d "${TMPDIR:-/tmp}/vfnet-tb-selftest.XXXXXX")
trap 'rm -rf "$work"' EXIT
n=0
failed=0

# expect NAME EXPECTED-STATUS EXPECTED-FILE ACTUAL-STATUS ACTUAL-FILE:
# compares the result lines (ok / not ok / plan) and the exit status.
expect() {
        local name=$1 want_rc=$2 want=$3 got_rc=$4 got=$5
        n=$((n + 1))
        if [ "$want_rc" = "$got_rc" ] &&
                diff -u "$want" <(grep -E '^(ok|not ok|1\.\.)' "$got") >"$work/diff"; then
                echo "ok $n - $name"
        else
                failed=$((failed + 1))
                echo "not ok $n - $name"
                echo "# exit status: expected $want_rc, got $got_rc"
                sed 's/^/# /' "$work/diff"
                echo "# full output:"
                sed 's/^/#   /' "$got"
        fi
}

# parse NAME WANT_RC VMSTATUS CASES: the parser on stdin's stream;
# the expected result lines follow in $want.
parse() {
        local name=$1 want_rc=$2 vmstatus=$3 cases=$4 rc=0
        cat >"$work/results"
        # shellcheck disable=SC2086
        "$TESTBED" report "$work/results" "$vmstatus" 42 $cases >"$work/out" 2>&1 || rc=$?
        printf '%s\n' "$want" >"$work/want"
        expect "parser: $name" "$want_rc" "$work/want" "$rc" "$work/out"
}

want='ok 1 - a: one
ok 2 - a: two
ok 3 - b: three
1..3'
crlf() { sed 's/$/\r/'; }
parse "markers among kernel messages and carriage returns" 0 0 "a b" < <(crlf <<'EOF'
[    1.000000] random: crng init done
@@VFNET-TB begin a
@@VFNET-TB ok a one
[    2.5] nvme nvme1: Device not ready@@VFNET-TB ok a two
@@VFNET-TB end a 0 120
@@VFNET-TB begin b
@@VFNET-TB ok b three
@@VFNET-TB end b 0 120
@@VFNET-TB done
EOF
)

want='ok 1 - a: one
not ok 2 - a: finished (crashed or hung: the VM was killed after 42 s)
not ok 3 - b: finished (never started: the VM was killed after 42 s)
1..3'
parse "VM killed in the middle of a case" 1 124 "a b" <<'EOF'
@@VFNET-TB begin a
@@VFNET-TB ok a one
EOF

want='not ok 1 - a: finished (never started: the VM stopped (status 1) before the case finished)
1..1'
parse "VM that never ran a case" 1 1 "a" </dev/null

want='not ok 1 - a: x
not ok 2 - b: finished (ran no checks)
1..2'
parse "a failure and a case without checks" 1 0 "a b" <<'EOF'
@@VFNET-TB begin a
@@VFNET-TB fail a x why
@@VFNET-TB msg a more
@@VFNET-TB end a 0 120
@@VFNET-TB begin b
@@VFNET-TB end b 0 120
EOF

want='not ok 1 - testbed: machine setup: insmod netdevsim
ok 2 - a: one
1..2'
parse "machine setup failure" 1 0 "a" <<'EOF'
@@VFNET-TB setup-fail insmod netdevsim
@@VFNET-TB begin a
@@VFNET-TB ok a one
@@VFNET-TB end a 0 120
@@VFNET-TB done
EOF

# A case whose header names no known machine would never run, one with a
# malformed time limit would break the guest's runner: catch both.
for f in "$TB_DIR"/cases/*.sh; do
        n=$((n + 1))
        modes=$(sed -n 's/^# *machine: *//p' "$f" | head -n1)
        bad=
        for m in $modes; do
                case $m in iommu-ir | iommu-noir | noiommu | igb) ;; *) bad="$bad $m" ;; esac
        done
        limit=$(sed -n 's/^# *timeout: *//p' "$f" | head -n1)
        case $limit in '' | *[!0-9]*) [ -z "$limit" ] || bad="$bad timeout:$limit" ;; esac
        if [ -n "$modes" ] && [ -z "$bad" ]; then
                echo "ok $n - cases/${f##*/} names its machines ($modes)"
        else
                failed=$((failed + 1))
                echo "not ok $n - cases/${f##*/} names its machines"
                echo "# its '# machine: MODE...' header is missing or wrong, or its '# timeout: S' is not a number:${bad:- (no machine header)}"
        fi
done

# One real boot: the selftest cases run in file order.
build_args=()
[ $# -ge 2 ] && [ "$1" = --build-dir ] && build_args=(--build-dir "$2")
cases=("$TB_DIR"/selftest/{timeout,failures,no-checks,leftover,clean}.sh)
rc=0
"$TESTBED" run --machine noiommu "${build_args[@]}" "${cases[@]}" >"$work/vm-out" 2>&1 || rc=$?
cat >"$work/want" <<'EOF'
ok 1 - timeout: before-the-limit
not ok 2 - timeout: finished (killed at its time limit of 3 s)
ok 3 - failures: passes
not ok 4 - failures: fails
not ok 5 - failures: check-fails
not ok 6 - failures: eq-fails
ok 7 - failures: json-string-passes
not ok 8 - failures: json-number-fails
not ok 9 - failures: json-invalid-fails
not ok 10 - failures: finished (exit status 3)
not ok 11 - no-checks: finished (ran no checks)
ok 12 - leftover: started-background-sleep
ok 13 - clean: no-leftover-process
ok 14 - clean: own-scratch-dir
ok 15 - clean: helpers-exported
ok 16 - clean: vfnet-on-path
ok 17 - clean: gnu-date
1..17
EOF
expect "a real boot: time limit, failed checks, exit status, no checks, leftovers" \
        1 "$work/want" "$rc" "$work/vm-out"

# Failure messages reach the TAP output, line by line.
n=$((n + 1))
if grep -qx '# first line' "$work/vm-out" && grep -qx '# second line' "$work/vm-out" &&
        grep -q "^# expected 'expected', got 'actual'" "$work/vm-out" &&
        grep -qx '# the output' "$work/vm-out"; then
        echo "ok $n - failure messages and command output are shown"
else
        failed=$((failed + 1))
        echo "not ok $n - failure messages and command output are shown"
        sed 's/^/#   /' "$work/vm-out"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
