#include "agent/feed-state.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "agent/agent-report.h"
#include "base/error.h"
#include "base/macro.h"

void feed_state_init(struct feed_state *s)
{
        *s = (struct feed_state){.phase = FEED_READ_STATE};
}

static size_t encode_host(const char *host, char *buf, size_t size)
{
        static const char hex[] = "0123456789ABCDEF";
        size_t n = 0;
        for (const unsigned char *p = (const unsigned char *)host; *p; p++) {
                bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                             (*p >= '0' && *p <= '9') || strchr("-._~", *p);
                if (n + 4 >= size)
                        return SIZE_MAX;
                if (plain)
                        buf[n++] = (char)*p;
                else {
                        buf[n++] = '%';
                        buf[n++] = hex[*p >> 4];
                        buf[n++] = hex[*p & 15];
                }
        }
        buf[n] = '\0';
        return n;
}

int feed_request_path(const struct feed_state *s, const char *host, long timeout_s, char *buf,
                      size_t size)
{
        char h[3 * 256 + 1];
        if (strlen(host) > 255 || encode_host(host, h, sizeof(h)) == SIZE_MAX)
                return -ENOBUFS;
        int n;
        if (s->phase == FEED_READ_STATE)
                n = snprintf(buf, size, "/v2.0/vfnet/hosts/%s/state", h);
        else
                n = snprintf(buf, size, "/v2.0/vfnet/hosts/%s/changes?since=%" PRId64 "&timeout=%ld",
                             h, s->revision, timeout_s);
        return n < 0 || (size_t)n >= size ? -ENOBUFS : 0;
}

static bool revision_of(const json_t *doc, int64_t *ret)
{
        const json_t *r = json_object_get(doc, "revision");
        if (!json_is_integer(r) || json_integer_value(r) < 0)
                return false;
        *ret = json_integer_value(r);
        return true;
}

static bool changes_valid(const json_t *list, int64_t since, int64_t upto)
{
        size_t i;
        const json_t *c;
        int64_t last = since;
        if (!json_is_array(list))
                return false;
        json_array_foreach(list, i, c) {
                int64_t rev;
                const json_t *obj = json_object_get(c, "object");
                if (!revision_of(c, &rev) || rev <= last || rev > upto ||
                    !json_is_string(json_object_get(c, "kind")) ||
                    !json_is_string(json_object_get(c, "id")) || !obj ||
                    (!json_is_null(obj) && !json_is_object(obj)))
                        return false;
                last = rev;
        }
        return true;
}

static enum feed_outcome fail(struct feed_state *s)
{
        s->phase = FEED_READ_STATE;
        s->outage = true;
        s->failures++;
        s->backoff = agent_backoff_next(s->backoff);
        return FEED_RETRY;
}

static enum feed_outcome good(struct feed_state *s, enum feed_outcome o)
{
        s->outage = false;
        s->failures = 0;
        s->backoff = 0;
        return o;
}

enum feed_outcome feed_on_answer(struct feed_state *s, int call_result, long status,
                                 const json_t *doc)
{
        const char *what = s->phase == FEED_READ_STATE ? "host state" : "change feed";
        int64_t rev;

        if (call_result < 0)
                return fail(s); /* the client's message stays recorded */
        if (s->phase == FEED_WATCH && status == 410) {
                s->phase = FEED_READ_STATE;
                return good(s, FEED_RESYNC);
        }
        if (status != 200) {
                err_set(-EPROTO, "vfnet-server answered the %s request with %ld", what, status);
                return fail(s);
        }
        if (!revision_of(doc, &rev)) {
                err_set(-EBADMSG, "vfnet-server's %s answer has no revision", what);
                return fail(s);
        }
        if (s->phase == FEED_READ_STATE) {
                if (!json_is_array(feed_state_ports(doc)) || !json_is_array(feed_state_tasks(doc))) {
                        err_set(-EBADMSG, "vfnet-server's host state lacks its ports or tasks list");
                        return fail(s);
                }
                s->revision = rev;
                s->phase = FEED_WATCH;
                return good(s, FEED_GOT_STATE);
        }
        if (rev < s->revision || !changes_valid(feed_changes(doc), s->revision, rev)) {
                err_set(-EBADMSG, "vfnet-server's change feed answer is out of order or malformed "
                        "(since %" PRId64 ", revision %" PRId64 ")", s->revision, rev);
                return fail(s);
        }
        s->revision = rev;
        return good(s, FEED_GOT_CHANGES);
}

const json_t *feed_state_ports(const json_t *doc)
{
        return json_object_get(doc, "ports");
}

const json_t *feed_state_tasks(const json_t *doc)
{
        return json_object_get(doc, "tasks");
}

const json_t *feed_changes(const json_t *doc)
{
        return json_object_get(doc, "changes");
}
