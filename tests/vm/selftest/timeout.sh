# timeout: 3
# Passes its time limit: must be reported as killed, after its first check.
tb_ok before-the-limit
sleep 60
tb_ok after-the-limit
