# Leaves a background process behind; the next case must not see it.
sleep 1000 &
tb_ok started-background-sleep
