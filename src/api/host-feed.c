/* The per-host change feed vfnet-agent follows instead of polling
 * (docs/agent.md):
 *   GET /v2.0/vfnet/hosts/{host}/state    everything bound to the host now,
 *                                         and the revision it was read at;
 *   GET /v2.0/vfnet/hosts/{host}/changes?since=R[&timeout=S]
 *                                         what changed for the host after R,
 *                                         waiting up to S seconds for it.
 * Both need a token with the admin or service role.  The feed itself is
 * the compute service's (computesvc/feed.c); this file parses, parks and
 * renders. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "api/compute.h"
#include "api/neutron.h"
#include "api/watch.h"
#include "base/json-util.h"
#include "base/parse.h"
#include "netsvc/netsvc.h"

#define NET(m, pat, h, s) {m, pat, h, API_AUTH_TOKEN, API_NETWORK, s}

/* At most this many entries per answer; the agent asks again from the last
 * one's revision. */
#define FEED_BATCH 500
#define FEED_TIMEOUT_DEFAULT 30
#define FEED_TIMEOUT_MAX 300

static int forbidden(struct api_response *resp)
{
        return api_neutron_error(resp, 403, "PolicyNotAuthorized",
                                 "the host change feed needs the admin or service role");
}

static int state(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (!policy_agent_report(&req->auth))
                return forbidden(resp);
        const char *host = req->params[0];
        struct computesvc svc = api_computesvc(ctx);
        struct computesvc_host_state hs;
        /* One read transaction: the revision is the one these lists were
         * read at, so watching from it misses nothing. */
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = computesvc_host_state(&svc, host, &hs);
        store_end(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        api_reply_json(resp, 200, json_pack("{s:s,s:I,s:O,s:O}", "host", host, "revision",
                                            (json_int_t)hs.revision, "ports", hs.ports, "tasks",
                                            hs.tasks));
        computesvc_host_state_done(&hs);
        return 0;
}

static int query_number(const struct api_request *req, const char *key, int64_t def, int64_t min,
                        int64_t max, int64_t *ret)
{
        const char *v = api_query_get(req, key);
        if (!v) {
                if (def < 0)
                        return -EINVAL;
                *ret = def;
                return 0;
        }
        int64_t n;
        if (parse_i64(v, &n) < 0 || n < min || n > max)
                return -EINVAL;
        *ret = n;
        return 0;
}

static int changes(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (!policy_agent_report(&req->auth))
                return forbidden(resp);
        const char *host = req->params[0];
        int64_t since, timeout;
        if (query_number(req, "since", -1, 0, INT64_MAX, &since) < 0)
                return api_neutron_error(resp, 400, "HTTPBadRequest",
                                         "since must be a revision (a whole number, 0 or more) "
                                         "from the host's state or an earlier answer.");
        if (query_number(req, "timeout", FEED_TIMEOUT_DEFAULT, 0, FEED_TIMEOUT_MAX, &timeout) < 0)
                return api_neutron_error(resp, 400, "HTTPBadRequest",
                                         "timeout must be a whole number of seconds from 0 to %d.",
                                         FEED_TIMEOUT_MAX);
        double deadline = req->wait_deadline > 0 ? req->wait_deadline
                                                 : watch_now() + (double)timeout;
        bool may_park = ctx->watch && watch_now() < deadline;
        /* Taken before reading: a change committed after the read wakes
         * the park below at once (watch.h). */
        uint64_t seq = 0;
        if (may_park &&
            watch_memo_quiet(ctx->watch, host, since, STORE_CHANGES_KEEP / 2, &seq)) {
                /* This server read nothing after since for the host, and
                 * nothing woke it since: the same answer, without reading
                 * it again.  The token's stamp is read at the deadline. */
                api_reply_json(resp, 200, json_pack("{s:s,s:I,s:[]}", "host", host, "revision",
                                                    (json_int_t)since, "changes"));
                api_park_unread(ctx, resp);
                resp->park_host = host;
                resp->park_deadline = deadline;
                resp->park_seq = seq;
                return 0;
        }

        _cleanup_json_ json_t *list = NULL;
        struct computesvc svc = api_computesvc(ctx);
        int64_t next = since;
        /* Read committed: each entry's object is read as it is now, as
         * it would be at a snapshot a moment later; an object changed
         * after the list has an entry of its own after it. */
        int r = store_begin_read_committed(ctx->store);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = computesvc_host_changes(&svc, host, since, FEED_BATCH, &list, &next);
        store_end(ctx->store, true);
        if (r == -ESTALE)
                return api_neutron_error(resp, 410, "ChangesCompacted",
                                         "Changes after revision %lld were compacted; read the "
                                         "host's state and watch from its revision.",
                                         (long long)since);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);

        api_reply_json(resp, 200, json_pack("{s:s,s:I,s:O}", "host", host, "revision",
                                            (json_int_t)next, "changes", list));
        /* Parked with this answer for its deadline: a change for the host
         * after this read wakes it (and it reads again), so if none does,
         * nothing new is there.  The next watch from here needs no read
         * either, until a wake. */
        if (json_array_size(list) == 0 && may_park && watch_now() < deadline) {
                watch_memo_note(ctx->watch, host, next, seq);
                resp->park_host = host;
                resp->park_deadline = deadline;
                resp->park_seq = seq;
        }
        return 0;
}

const struct api_route api_host_feed_routes[] = {
        NET("GET", "/v2.0/vfnet/hosts/{}/state", state,
            "internal: the ports bound to a host and its tasks, with the feed revision "
            "(admin or service role)"),
        NET("GET", "/v2.0/vfnet/hosts/{}/changes", changes,
            "internal: a host's changes after ?since=REVISION, waiting up to ?timeout=S "
            "(admin or service role)"),
        {0},
};
