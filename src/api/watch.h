/* Requests parked until something changes for a compute host: the long
 * polls of the per-host change feed (docs/agent.md).  A parked request
 * holds no thread: the HTTP front suspends its connection and this registry
 * resumes it when a committed transaction names the host (the store's
 * change hook calls watch_wake()) or when its deadline passes.  A woken
 * request is dispatched again and answers with what it finds; one whose
 * deadline passed answers what its handler left for that (api.h).
 *
 * No lost wake-up: a handler takes watch_seq() before it reads the store,
 * and watch_park() resumes at once when any wake came after that. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct watch_registry;

/* resume(conn, woken, userdata) makes the front answer a parked request;
 * it is called from the registry's timer thread or a waking thread.
 * woken: a wake named its host, or came after its seq, and the request
 * must look again; otherwise its deadline came (or the registry stops)
 * and nothing woke it. */
typedef void (*watch_resume_fn)(void *conn, bool woken, void *userdata);

int watch_registry_new(watch_resume_fn resume, void *userdata, struct watch_registry **ret);
/* Resumes every parked request and parks no more (watch_park() answers
 * -ESHUTDOWN); call before the front stops, watch_registry_free() after. */
void watch_registry_stop(struct watch_registry *w);
void watch_registry_free(struct watch_registry *w);

/* Seconds on the monotonic clock, the registry's time for deadlines. */
double watch_now(void);

/* The count of wakes so far. */
uint64_t watch_seq(struct watch_registry *w);

/* Parks conn until host is woken or deadline (watch_now() seconds) passes.
 * Resumes at once when a wake came after seq.  -ESHUTDOWN after
 * watch_registry_stop(), -ENOMEM: conn was not parked, answer it now. */
int watch_park(struct watch_registry *w, const char *host, double deadline, uint64_t seq,
               void *conn);

/* Resumes every request parked on host.  A store_change_hook. */
void watch_wake(const char *host, void *registry);

/* How many requests are parked now (for status and tests). */
unsigned watch_parked(struct watch_registry *w);
