# Runs after leftover.sh in the same boot.
tb_eq no-leftover-process 0 "$(ps | grep -c '[s]leep 1000')"
tb_eq own-scratch-dir /tmp/case-clean "$(pwd)"
tb_check helpers-exported test -x "$IP" -a -x "$JQ" -a -x "$DATE" -a -x "$BRIDGE"
tb_check vfnet-on-path test "$(command -v vfnet)" = /vfnet/bin/vfnet
tb_check gnu-date "$DATE" +%s%N
