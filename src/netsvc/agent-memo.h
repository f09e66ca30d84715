/* Agent reports this server found repeating their stored agent: the
 * report's exact text (a host report's agent part, docs/compute-report.md)
 * noted with the agent's id and a digest of its stored document as it was
 * then.  When the same text comes again and the row still holds that
 * document, the report repeats it again: its time is all there is to
 * write, and neither the report nor the document is parsed.  A row
 * rewritten since (a new report from another server, an administrator's
 * change) no longer matches, and the report takes the whole way.
 *
 * Digests are keyed with a secret of this process, so a client cannot
 * make two texts or two documents meet.  Bounded: when full it starts
 * again empty.  Safe to use from several threads. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "base/macro.h"

#define AGENT_MEMO_ID_MAX 64 /* an agent id's bytes, its NUL included */

struct agent_memo;

struct agent_memo_digest {
        unsigned char bytes[16];
};

int agent_memo_new(size_t max, struct agent_memo **ret);
void agent_memo_free(struct agent_memo *m);
DEFINE_POINTER_CLEANUP(struct agent_memo, agent_memo_free)
#define _cleanup_agent_memo_ _cleanup_(agent_memo_freep)

/* Notes that the report text repeated agent id, stored as doc; -EINVAL
 * for an id longer than AGENT_MEMO_ID_MAX, -ENOMEM. */
int agent_memo_put(struct agent_memo *m, const char *text, size_t len, const char *id,
                   const char *doc);
/* What was noted for text: its agent's id (into ret_id) and document's
 * digest; false when nothing was. */
bool agent_memo_get(struct agent_memo *m, const char *text, size_t len,
                    char ret_id[AGENT_MEMO_ID_MAX], struct agent_memo_digest *ret_doc);
/* Whether doc is the document a digest was taken of. */
bool agent_memo_doc_is(struct agent_memo *m, const char *doc, const struct agent_memo_digest *d);
size_t agent_memo_size(struct agent_memo *m);
