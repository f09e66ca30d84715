/* Heartbeats that change nothing but a time, written together: a report
 * that repeats what the host or agent said before is answered at once and
 * its time queued here; a thread writes the queue in one transaction each
 * period (a second by default), so thousands of hosts reporting every 30 s
 * cost one small write a second instead of a transaction each.  What
 * reads the times (is a host up, is an agent alive) allows for a period's
 * delay: service_down_time and agent_down_time are tens of seconds. */
#pragma once

#include <stddef.h>

#include "base/macro.h"
#include "store/store.h"

struct heartbeat_batch;

/* A queued time reaches the store within this many seconds (the thread's
 * period, with room to spare).  A report queues its time only while the
 * stored one keeps the host or agent alive that long: one that revives a
 * dead agent or host is written at once, so what the server decides next
 * (binding a port, placing an instance) already sees it alive. */
#define HEARTBEAT_BATCH_MARGIN 5.0

/* At most max heartbeats wait at once (0: a default); past that,
 * heartbeat_batch_add() refuses and the caller writes directly. */
int heartbeat_batch_new(size_t max, struct heartbeat_batch **ret);
/* Stops the thread if one runs (its last flush first), then frees. */
void heartbeat_batch_free(struct heartbeat_batch *b);
DEFINE_POINTER_CLEANUP(struct heartbeat_batch, heartbeat_batch_free)
#define _cleanup_heartbeat_batch_ _cleanup_(heartbeat_batch_freep)

/* Queues hb (its strings are copied); -ENOBUFS when full, -ENOMEM. */
int heartbeat_batch_add(struct heartbeat_batch *b, const struct store_heartbeat *hb);
/* How many wait. */
size_t heartbeat_batch_pending(struct heartbeat_batch *b);
/* Writes what waits in a write transaction of its own; the number
 * written, or the store's error (what waited is dropped then: the next
 * heartbeats bring later times, and the failure is logged). */
int heartbeat_batch_flush(struct heartbeat_batch *b, struct store *st);
/* A thread flushing every period seconds until heartbeat_batch_free(). */
int heartbeat_batch_start(struct heartbeat_batch *b, struct store *st, double period);
