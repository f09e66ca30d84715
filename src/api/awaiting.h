/* Connections waiting for their client's next request, oldest first: what
 * the request deadline (http_limits.request_timeout) looks at.  A
 * connection is in the queue from when a request is awaited until it has
 * fully arrived (or the connection ends), so cutting the late ones reads
 * only those and the first one still in time -- never the thousands of
 * connections whose request the server holds (a parked change-feed watch).
 * No locking: the caller holds its own lock around every call. */
#pragma once

#include <stdbool.h>

struct awaiting {
        struct awaiting *prev, *next;
        double since; /* waiting since (watch_now() seconds) */
        bool queued;
};

struct awaiting_queue {
        struct awaiting *head, *tail; /* head: the longest waiting */
};

/* a waits from now on: it goes to the tail (leaving its place if queued).
 * Times come from a monotonic clock; one older than the tail's counts as
 * the tail's, so the queue stays in order. */
void awaiting_push(struct awaiting_queue *q, struct awaiting *a, double now);

/* a waits no more (its request arrived, or it ends); nothing if not queued. */
void awaiting_remove(struct awaiting_queue *q, struct awaiting *a);

/* The longest waiting, taken out of the queue, when it has waited more than
 * timeout seconds at now; else NULL. */
struct awaiting *awaiting_take_late(struct awaiting_queue *q, double now, double timeout);
