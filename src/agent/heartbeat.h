/* vfnet-agent's heartbeat: its own thread registers the agent
 * (start_flag) and reports every report_interval, so it never waits behind
 * VF work.  While vfnet-server cannot be reached (or answers 5xx or
 * garbage) it retries with backoff up to 30 s and logs one line per
 * outage.  A refusal (4xx: another agent holds the host, a credential
 * without the service role) ends it: the program exits with that message.
 * systemd: READY=1 after the first report, WATCHDOG=1 on every attempt.
 *
 * The same thread sends the host's compute report (docs/compute-report.md)
 * once registered, then every report_interval (at most 30 s apart: it is
 * the host's heartbeat on the server), and within about 0.2 s of the
 * kernel's device events (a PCI or network device added, removed, bound,
 * unbound) when the inventory read under the root then differs from the
 * last one sent.  Every periodic report reads the inventory again.  A
 * refused compute report is retried with the same backoff, one log line
 * per outage, and holds up nothing else.  Once both are accepted, each
 * heartbeat is one request: the agent report inside the compute report
 * (POST /v2.1/vfnet/host-report); when that is not accepted the two go
 * apart again, and for good when the server does not know host reports. */
#pragma once

#include "agent/agent-config.h"

struct heartbeat;

/* Starts the thread.  DONE_FD (an eventfd) is written when the thread ends
 * by itself, i.e. on a refusal; READY_FD (an eventfd, or -1) once, when
 * the server first accepted the host (nothing else may act for the host
 * before: another agent may hold it).  ROOT is where sysfs and procfs are
 * read ("/" on a host, a generated tree in tests).  INSTANCE: this agent's
 * instance id (docs/server.md), kept across restarts on one machine
 * (agent_instance_claim()).  C, ROOT and HOST must outlive the heartbeat.
 * Without the kernel's device events (a warning says so) the inventory is
 * read with each compute report only. */
int heartbeat_start(const struct agent_config *c, const char *root, const char *host,
                    const char *instance, int done_fd, int ready_fd, struct heartbeat **ret);

/* Stops the thread (a call in flight is abandoned), releases the host on
 * the server when registered (one bounded attempt), frees everything.
 * Returns 0, or the refusal that ended the thread, its message recorded
 * (err_msg()) in the calling thread. */
int heartbeat_stop(struct heartbeat *hb);
