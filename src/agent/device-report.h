/* Telling vfnet-server that ports' devices are up or down (POST
 * /v2.0/vfnet/devices, as Neutron's update_device_list): a port whose VF
 * is programmed becomes ACTIVE, one whose admin_state_up is false DOWN.
 * Its own thread, so a slow server never holds up VF work: the main loop
 * queues and returns at once; the newest wish per port wins, and what is
 * queued is sent in one request, retried with backoff while the server
 * cannot be reached. */
#pragma once

#include <stdbool.h>

#include "agent/agent-config.h"

struct device_report;

int device_report_start(const struct agent_config *c, const char *host, struct device_report **ret);

/* Queue port ID as up (true) or down. */
int device_report_queue(struct device_report *d, const char *port_id, bool up);

/* Stops the thread (a call in flight is abandoned; what is queued is
 * dropped: the next start reports again what the server does not show). */
void device_report_stop(struct device_report *d);
