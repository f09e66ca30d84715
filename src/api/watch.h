/* Requests parked until something changes for a compute host: the long
 * polls of the per-host change feed (docs/agent.md).  A parked request
 * holds no thread: the HTTP front suspends its connection and this registry
 * resumes it when a committed transaction names the host (the store's
 * change hook calls watch_wake()) or when its deadline passes.  A woken
 * request is dispatched again and answers with what it finds; one whose
 * deadline passed answers what its handler left for that (api.h).
 *
 * No lost wake-up: a handler takes watch_seq() before it reads the store,
 * and watch_park() resumes at once when any wake came after that.
 *
 * Most watches come back to a feed with nothing new: the memo lets such a
 * renewal park without reading the store.  A handler that read nothing
 * after revision R notes it (watch_memo_note()); until a wake names the
 * host (or one came during the read), the next watch from R is known
 * quiet (watch_memo_quiet()).  Changes committed by another server wake
 * through the store's change hook like local ones; when such wakes may
 * have been missed (the hook is called with no host) every memo is
 * dropped. */
#pragma once

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

struct watch_registry;

/* resume(conn, woken, userdata) makes the front answer a parked request;
 * it is called from the registry's timer thread or a waking thread.
 * woken: a wake named its host, or came after its seq, and the request
 * must look again; otherwise its deadline came (or the registry stops)
 * and nothing woke it. */
typedef void (*watch_resume_fn)(void *conn, bool woken, void *userdata);
/* check(&value, userdata) reads the identity stamp now (for requests
 * parked with a watch_stamp); a negative errno when it cannot. */
typedef int (*watch_check_fn)(int64_t *ret_value, void *userdata);

/* check may be NULL: then a request parked with a watch_stamp is
 * dispatched again at its deadline. */
int watch_registry_new(watch_resume_fn resume, watch_check_fn check, void *userdata,
                       struct watch_registry **ret);
/* Resumes every parked request and parks no more (watch_park() answers
 * -ESHUTDOWN); call before the front stops, watch_registry_free() after. */
void watch_registry_stop(struct watch_registry *w);
void watch_registry_free(struct watch_registry *w);

/* Seconds on the monotonic clock, the registry's time for deadlines. */
double watch_now(void);

/* The count of wakes so far. */
uint64_t watch_seq(struct watch_registry *w);

/* A request parked on a token whose identity stamp was not read yet: its
 * answer holds only if the stamp still has this value at its deadline. */
struct watch_stamp {
        int64_t value;
};

/* Parks conn until host is woken or deadline (watch_now() seconds) passes.
 * Resumes at once when a wake came after seq.  verify (may be NULL): at
 * the deadline the stamp is read (once for all requests due together)
 * and, if it moved or cannot be read, conn is resumed as woken, so its
 * token is checked again before anything is answered.  -ESHUTDOWN after
 * watch_registry_stop(), -ENOMEM: conn was not parked, answer it now. */
int watch_park(struct watch_registry *w, const char *host, double deadline, uint64_t seq,
               const struct watch_stamp *verify, void *conn);

/* Resumes every request parked on host and drops its memo.  host NULL:
 * wakes may have been missed, drop every memo (parked requests stay).  A
 * store_change_hook. */
void watch_wake(const char *host, void *registry);

/* Notes that host's feed had nothing after revision, as read after
 * watch_seq() gave seq; kept only if no wake came since seq. */
void watch_memo_note(struct watch_registry *w, const char *host, int64_t revision,
                     uint64_t seq);
/* True when a watch of host from since may park without reading: the
 * memo says nothing came after since, and no wake named host since it
 * was noted, at most 300 s ago.  An answer from the memo keeps the
 * revision the watch had, while reads move others on to the newest; the
 * memo is not used for a watch more than max_lag revisions behind the
 * newest noted, so its next read is not refused as compacted.  *ret_seq:
 * the seq to park with (always set). */
bool watch_memo_quiet(struct watch_registry *w, const char *host, int64_t since,
                      int64_t max_lag, uint64_t *ret_seq);
/* How many hosts the memo holds (for tests). */
size_t watch_memo_size(struct watch_registry *w);

/* How many requests are parked now (for status and tests). */
unsigned watch_parked(struct watch_registry *w);
