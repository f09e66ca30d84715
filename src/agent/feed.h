/* The thread that follows vfnet-server's change feed for this host
 * (agent/feed-state): one GET of the host's state, then one long-poll
 * watch after another.  Each good answer is queued for the main loop,
 * which an eventfd wakes; failures are retried with backoff, one log line
 * per outage, and a reconnect reads the whole state again.  The thread
 * never touches a VF: the main loop does. */
#pragma once

#include <jansson.h>

#include "agent/agent-config.h"

struct feed;

/* An answer for the main loop. */
enum feed_event_kind {
        FEED_EVENT_STATE,   /* doc: {"revision", "ports", "tasks"}: replace everything */
        FEED_EVENT_CHANGES, /* doc: {"revision", "changes"}: apply in order */
};

struct feed_event {
        enum feed_event_kind kind;
        json_t *doc; /* owned */
};

/* Starts the thread; WAKE_FD (an eventfd) is written whenever events are
 * queued.  C and HOST must outlive the feed.  WATCH_TIMEOUT_S: how long
 * each watch waits on the server. */
int feed_start(const struct agent_config *c, const char *host, long watch_timeout_s, int wake_fd,
               struct feed **ret);

/* Moves every queued event to *ret (malloc'd, *n_ret entries; NULL when
 * none).  Call from the main loop after WAKE_FD fired. */
int feed_take(struct feed *f, struct feed_event **ret, size_t *n_ret);
void feed_events_free(struct feed_event *e, size_t n);

/* The revision of the last answer applied, and whether the server is
 * being waited for (for the agent's status). */
void feed_status(struct feed *f, long long *ret_revision, bool *ret_connected);

/* Stops the thread (a watch in flight is abandoned) and frees everything. */
void feed_stop(struct feed *f);
