/* systemd's readiness protocol without libsystemd: one datagram to
 * $NOTIFY_SOCKET (a path, or an abstract socket when it starts with '@').
 * Does nothing when the variable is unset, so programs call it freely; never
 * blocks (a listener that stops reading must not stall a heartbeat). */
#pragma once

/* Sends MSG ("READY=1", "WATCHDOG=1", "STOPPING=1", lines joined by '\n').
 * A failed send is logged as a warning and otherwise ignored. */
void sd_notify_send(const char *msg);
