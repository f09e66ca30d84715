# machine: iommu-ir
# `vfnet fdb add|del|list` puts static MAC entries on a PF itself, as
# `bridge fdb add MAC dev PF` does.  netdevsim has no ndo_fdb_add of its
# own, so the kernel's default handler (the device's unicast address list)
# answers; a bridge port checks the same messages against a real FDB.

mac=fa:16:3e:00:aa:01
tb_check fdb-add $VFNET fdb add eth0 $mac
tb_check bridge-tool-sees-it sh -c "$BRIDGE fdb show dev eth0 | grep -q '^$mac .*self permanent'"
$VFNET fdb list eth0 -f json | tb_json_eq fdb-list-has-it "[.[] | select(.mac == \"$mac\") | [.state, .self]]" '[["permanent",true]]'
$VFNET fdb list eth1 -f json | tb_json_eq other-pf-not-affected "[.[] | select(.mac == \"$mac\")] | length" 0
out=$($VFNET fdb add eth0 $mac 2>&1)
tb_eq fdb-add-twice-fails 1 "$?"
tb_eq fdb-add-twice-message "vfnet: adding FDB entry $mac on eth0: File exists" "$out"
tb_check fdb-del $VFNET fdb del eth0 $mac
$VFNET fdb list eth0 -f json | tb_json_eq fdb-entry-gone "[.[] | select(.mac == \"$mac\")] | length" 0
out=$($VFNET fdb del eth0 $mac 2>&1)
tb_eq fdb-del-missing-fails 1 "$?"
out=$($VFNET fdb add eth0 01:00:5e:00:00:01 2>&1)
tb_eq fdb-multicast-refused "vfnet: MAC 01:00:5e:00:00:01 is not a unicast address" "$out"

# Entries the bridge tool adds are listed by vfnet, and the other way round.
$BRIDGE fdb add fa:16:3e:00:aa:02 dev eth0 self permanent
$VFNET fdb list eth0 -f json | tb_json_eq lists-bridge-tool-entry '[.[] | select(.mac == "fa:16:3e:00:aa:02")] | length' 1
tb_check del-bridge-tool-entry $VFNET fdb del eth0 fa:16:3e:00:aa:02
