/* The per-host change feed as vfnet-agent reads it (docs/agent.md): what
 * is bound to a host now, at a revision, and what changed for it after a
 * revision, each entry with the object's current document while it still
 * concerns the host. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "computesvc/computesvc.h"

/* The feed's names for the store's kinds. */
static const char *feed_kind(const char *store_kind)
{
        return streq(store_kind, "compute_task") ? "task" : store_kind;
}

/* The object's current document if it still concerns host, else NULL:
 * a port bound elsewhere or deleted (read from its row), a task
 * answered. */
static int current_object(const struct computesvc *svc, const char *kind, const char *id,
                          const char *host, json_t **ret)
{
        *ret = NULL;
        if (streq(kind, "port")) {
                _cleanup_port_ struct store_port *p = NULL;
                int r = store_port_get(svc->store, id, &p);
                if (r == -ENOENT || (r >= 0 && !streq(p->host ?: "", host)))
                        return 0;
                if (r < 0)
                        return r;
                return (*ret = netsvc_port_json(p)) ? 0 : -ENOMEM;
        }
        json_t *o = NULL;
        int r = streq(kind, "compute_task") ? computesvc_task_get(svc, id, &o)
                                            : svc_doc_get(svc->store, kind, id, &o);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        const char *owner = json_str(o, "host");
        if (!owner || !streq(owner, host)) {
                json_decref(o);
                return 0;
        }
        *ret = o;
        return 0;
}

/* A port's row appended to the JSON array userdata as its document. */
static int append_port(const struct store_port *p, void *userdata)
{
        json_t *o = netsvc_port_json(p);
        return o && json_array_append_new(userdata, o) >= 0 ? 0 : -ENOMEM;
}

static int list_ports(const struct computesvc *svc, const char *host, json_t **ret)
{
        const char *hv[] = {host};
        struct store_filter f = {"binding:host_id", STORE_VALUE_TEXT, hv, 1};
        struct store_query q = {.filters = &f, .n_filters = 1};
        _cleanup_json_ json_t *list = json_array();
        if (!list)
                return -ENOMEM;
        int r = store_port_list(svc->store, &q, append_port, list);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(list);
        return 0;
}

int computesvc_host_state(const struct computesvc *svc, const char *host,
                          struct computesvc_host_state *ret)
{
        *ret = (struct computesvc_host_state){0};
        int r = store_change_revision(svc->store, &ret->revision);
        if (r >= 0)
                r = list_ports(svc, host, &ret->ports);
        if (r >= 0)
                r = computesvc_tasks(svc, host, 0, &ret->tasks);
        if (r < 0)
                computesvc_host_state_done(ret);
        return r;
}

void computesvc_host_state_done(struct computesvc_host_state *s)
{
        json_decref(s->ports);
        json_decref(s->tasks);
        *s = (struct computesvc_host_state){0};
}

struct collect {
        const struct computesvc *svc;
        const char *host;
        json_t *changes;
        int64_t last;
};

static int collect_change(const struct store_change *c, void *userdata)
{
        struct collect *col = userdata;
        json_t *obj = NULL;
        int r = current_object(col->svc, c->kind, c->id, col->host, &obj);
        if (r < 0)
                return r;
        json_t *e = json_pack("{s:I,s:s,s:s,s:o?}", "revision", (json_int_t)c->revision, "kind",
                              feed_kind(c->kind), "id", c->id, "object", obj);
        if (!e || json_array_append_new(col->changes, e) < 0)
                return -ENOMEM;
        col->last = c->revision;
        return 0;
}

int computesvc_host_changes(const struct computesvc *svc, const char *host, int64_t since,
                            size_t limit, json_t **ret, int64_t *ret_next)
{
        _cleanup_json_ json_t *list = json_array();
        if (!list)
                return -ENOMEM;
        struct collect col = {.svc = svc, .host = host, .changes = list, .last = since};
        int64_t rev = 0;
        int r = store_changes_since(svc->store, host, since, limit, collect_change, &col, &rev);
        if (r < 0)
                return r;
        /* With nothing new the host may skip to the newest revision of any
         * host: none of the entries up to it are its own. */
        *ret_next = json_array_size(list) ? col.last : (rev > since ? rev : since);
        *ret = TAKE_PTR(list);
        return 0;
}
