/* What the server made of a compute host report it has already seen,
 * keyed by the report's exact bytes: a host that sends the same report
 * every 30 s is answered without parsing it again (4 KiB of JSON, its PCI
 * pools, the canonical text and its hash are most of a report's cost).
 * The key is a hash keyed with a secret of this process, so a client
 * cannot make two reports meet.  Bounded: when full it starts again
 * empty.  Safe to use from several threads. */
#pragma once

#include <stddef.h>

#include "base/macro.h"

struct report_memo;

struct report_memo_entry {
        char *hostname;
        char report_hash[65]; /* computesvc_report_hash() of the canonical text */
        unsigned pools, free_total;
        char *agent; /* a host report's agent report, its JSON text; NULL: none */
};

int report_memo_new(size_t max, struct report_memo **ret);
void report_memo_free(struct report_memo *m);
DEFINE_POINTER_CLEANUP(struct report_memo, report_memo_free)
#define _cleanup_report_memo_ _cleanup_(report_memo_freep)

/* The entry of these bytes, copied into *ret (free ret->hostname and
 * ret->agent); 0 or -ENOENT, -ENOMEM. */
int report_memo_get(struct report_memo *m, const void *body, size_t len,
                    struct report_memo_entry *ret);
/* Remembers e for these bytes; -ENOMEM. */
int report_memo_put(struct report_memo *m, const void *body, size_t len,
                    const struct report_memo_entry *e);
size_t report_memo_size(struct report_memo *m);
