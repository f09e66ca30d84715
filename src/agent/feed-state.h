/* The change-feed client's state machine (docs/agent.md, "The change
 * feed"): read the host's whole state, then watch from its revision; a
 * 410 or any failure goes back to reading the state (a reconnect is a full
 * resync), failures wait with backoff.  Pure: answers in, the next request
 * and what the answer means out; the thread that sends the requests is
 * agent/feed. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum feed_phase {
        FEED_READ_STATE, /* next: GET .../state */
        FEED_WATCH,      /* next: GET .../changes?since=revision */
};

struct feed_state {
        enum feed_phase phase;
        int64_t revision; /* where the next watch starts */
        long backoff;     /* seconds to wait before the next request; 0: none */
        bool outage;      /* failing since the last good answer */
        unsigned failures;
};

enum feed_outcome {
        FEED_GOT_STATE,   /* replace everything with the answer's ports and tasks */
        FEED_GOT_CHANGES, /* apply the answer's changes in order (may be none) */
        FEED_RESYNC,      /* 410: the log was compacted; read the state again now */
        FEED_RETRY,       /* failure (message recorded): wait backoff, then read the state */
};

void feed_state_init(struct feed_state *s);

/* The path of the next request ("/v2.0/vfnet/hosts/H/state" or
 * ".../changes?since=R&timeout=T"), host percent-encoded.  -ENOBUFS when
 * it does not fit. */
int feed_request_path(const struct feed_state *s, const char *host, long timeout_s, char *buf,
                      size_t size);

/* Take the answer to the request feed_request_path() gave: CALL_RESULT is
 * server_client_call()'s return (negative: no answer), STATUS and DOC the
 * answer.  A document that is not the shape docs/agent.md gives is a
 * failure like a transport error: nothing of it is applied. */
enum feed_outcome feed_on_answer(struct feed_state *s, int call_result, long status,
                                 const json_t *doc);

/* The answer's lists, valid after FEED_GOT_STATE / FEED_GOT_CHANGES. */
const json_t *feed_state_ports(const json_t *doc);
const json_t *feed_state_tasks(const json_t *doc);
const json_t *feed_changes(const json_t *doc);
