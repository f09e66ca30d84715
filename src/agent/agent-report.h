/* What vfnet-agent tells vfnet-server about itself (pure): the body of
 * POST /v2.0/vfnet/agent-report, as Neutron's SR-IOV agent reports its
 * state, and the backoff between attempts while the server is away. */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "agent/agent-config.h"

#define AGENT_BINARY "neutron-sriov-nic-agent"
#define AGENT_TYPE "NIC Switch agent"

/* {"agent": {"binary", "host", "agent_type", "topic": "N/A", "start_flag",
 *  "configurations": {"device_mappings": {physnet: [pf, ...]},
 *  "extensions": [], "devices": DEVICES}, "instance_id": INSTANCE,
 *  "report_interval": ..., "stopping": STOPPING}}.  instance_id tells this
 * process from another agent claiming the same host (docs/server.md);
 * stopping releases the host at a clean exit. */
int agent_report_json(const struct agent_config *c, const char *host, const char *instance,
                      bool start, bool stopping, long devices, json_t **ret);

/* The next wait in seconds after a failed attempt that waited PREV (0: the
 * first failure): 1, 2, 4, ... up to AGENT_BACKOFF_MAX. */
#define AGENT_BACKOFF_MAX 30
long agent_backoff_next(long prev);
