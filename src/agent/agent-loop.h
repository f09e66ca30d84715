/* vfnet-agent's main loop (docs/agent.md): once the heartbeat has
 * registered the host, follow the server's change feed (agent/feed), keep
 * the ports bound to this host, and bring every mapped PF's VFs to what
 * those ports ask (agent/pf-sync) — at the first state, after every
 * reconnect, on every change, and on every kernel link event of a mapped
 * PF (drift made behind the agent's back is repaired at once).  Devices
 * are reported up or down (agent/device-report); what the agent believes
 * is written to a status file for `vfnet agent status`.  Nothing is
 * programmed before the server's state is known: a restarted agent
 * changes no VF that is already right. */
#pragma once

#include <stddef.h>

#include "agent/agent-config.h"

struct agent_loop_options {
        const char *root;        /* sysfs root, "/" on a host */
        const char *host;
        const char *status_path; /* NULL: no status file */
        long watch_timeout_s;    /* each change-feed watch; 30 */
        int ready_fd;            /* eventfd the heartbeat writes once registered */
};

/* Runs until one of STOP_FDS is readable; returns its index, or a
 * negative errno (message recorded) when the loop cannot run. */
int agent_loop_run(const struct agent_config *c, const struct agent_loop_options *o,
                   const int *stop_fds, size_t n_stop);
