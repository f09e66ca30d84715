/* Stored documents: get or none, visible to the caller, insert, update,
 * list; timestamps and owners of new objects. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "netsvc/netsvc.h"
#include "base/time-format.h"

int svc_doc_get(struct store *st, const char *kind, const char *id, json_t **ret)
{
        _cleanup_free_ char *doc = NULL;
        int r = store_obj_get(st, kind, id, &doc, NULL);
        if (r < 0)
                return r;
        json_t *o = json_loads(doc, 0, NULL);
        if (!o)
                return -EIO;
        *ret = o;
        return 0;
}

int svc_doc_get_visible(struct store *st, const struct auth_context *auth, const char *kind,
                        const char *shared_attr, const char *id, json_t **ret)
{
        _cleanup_free_ char *doc = NULL, *project = NULL;
        int r = store_obj_get(st, kind, id, &doc, &project);
        if (r < 0)
                return r;
        json_t *o = json_loads(doc, 0, NULL);
        if (!o)
                return -EIO;
        bool shared = shared_attr && json_is_true(json_object_get(o, shared_attr));
        if (!policy_may_read(auth, project, shared)) {
                json_decref(o);
                return -ENOENT;
        }
        *ret = o;
        return 0;
}

/* The host a stored port is bound to (malloc'd, NULL when unbound or
 * absent). */
static int stored_port_host(struct store *st, const char *id, char **ret)
{
        _cleanup_free_ char *doc = NULL;
        *ret = NULL;
        int r = store_obj_get(st, "port", id, &doc, NULL);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        _cleanup_json_ json_t *o = json_loads(doc, 0, NULL);
        if (!o)
                return -EIO;
        const char *h = json_str(o, "binding:host_id");
        if (h && *h && !(*ret = strdup(h)))
                return -ENOMEM;
        return 0;
}

/* Every change of a port is told to the hosts it was and is bound to, in
 * the same transaction (the agents' change feed, docs/agent.md). */
static int port_feed(struct store *st, const char *id, const char *old_host,
                     const char *new_host)
{
        int r = 0;
        if (old_host && *old_host)
                r = store_change_append(st, old_host, "port", id, NULL);
        if (r >= 0 && new_host && *new_host && !(old_host && streq(old_host, new_host)))
                r = store_change_append(st, new_host, "port", id, NULL);
        return r;
}

int svc_doc_insert(struct store *st, const char *kind, const json_t *obj)
{
        _cleanup_free_ char *s = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (!s)
                return -ENOMEM;
        int r = store_obj_insert(st, kind, json_str(obj, "id"), json_str(obj, "project_id"), s);
        if (r >= 0 && streq(kind, "port"))
                r = port_feed(st, json_str(obj, "id"), NULL, json_str(obj, "binding:host_id"));
        return r;
}

int svc_doc_update(struct store *st, const char *kind, const json_t *obj)
{
        _cleanup_free_ char *s = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (!s)
                return -ENOMEM;
        _cleanup_free_ char *old_host = NULL;
        bool port = streq(kind, "port");
        int r = port ? stored_port_host(st, json_str(obj, "id"), &old_host) : 0;
        if (r >= 0)
                r = store_obj_update(st, kind, json_str(obj, "id"), s);
        if (r >= 0 && port)
                r = port_feed(st, json_str(obj, "id"), old_host, json_str(obj, "binding:host_id"));
        return r;
}

int svc_port_delete(struct store *st, const char *id)
{
        _cleanup_free_ char *old_host = NULL;
        int r = stored_port_host(st, id, &old_host);
        if (r >= 0)
                r = store_obj_delete(st, "port", id);
        if (r >= 0)
                r = store_release_owner(st, id);
        if (r >= 0)
                r = port_feed(st, id, old_host, NULL);
        return r;
}

int svc_doc_collect_cb(const char *id, const char *doc, void *userdata)
{
        json_t *o = json_loads(doc, 0, NULL);
        if (!o)
                return -EIO;
        return json_array_append_new(userdata, o) < 0 ? -ENOMEM : 0;
}

int svc_doc_walk(struct store *st, const char *kind, const struct store_query *q, store_obj_cb cb,
                 void *userdata)
{
        return store_obj_list(st, kind, q, cb, userdata);
}

int svc_doc_list(struct store *st, const char *kind, const struct store_query *q, json_t **ret)
{
        json_t *arr = json_array();
        if (!arr)
                return -ENOMEM;
        int r = store_obj_list(st, kind, q, svc_doc_collect_cb, arr);
        if (r < 0) {
                json_decref(arr);
                return r;
        }
        *ret = arr;
        return 0;
}

void netsvc_stamp(const struct netsvc *svc, json_t *obj, bool create)
{
        char t[40];
        time_format_iso8601(svc->now(), false, t);
        if (create) {
                json_object_set_new(obj, "created_at", json_string(t));
                json_object_set_new(obj, "revision_number", json_integer(0));
        } else
                json_object_set_new(obj, "revision_number",
                                    json_integer(json_integer_value(
                                                         json_object_get(obj, "revision_number")) +
                                                 1));
        json_object_set_new(obj, "updated_at", json_string(t));
}

int netsvc_owner(const struct auth_context *auth, json_t *obj, const char **ret,
                 struct service_error *err)
{
        const char *p = json_str(obj, "project_id"), *t = json_str(obj, "tenant_id");
        if (p && t && !streq(p, t))
                return service_fail(err, ERROR_KIND_INVALID, "HTTPBadRequest",
                                    "'project_id' and 'tenant_id' do not match");
        const char *owner = p ? p : t ? t : auth->project_id;
        if (!owner)
                return service_fail(err, ERROR_KIND_INVALID, "HTTPBadRequest",
                                    "Running without keystone AuthN requires that tenant_id is "
                                    "specified");
        /* owner may be one of obj's own strings: copied before either is
         * replaced. */
        json_t *v = json_string(owner);
        if (!v)
                return -ENOMEM;
        json_object_set(obj, "tenant_id", v);
        json_object_set_new(obj, "project_id", v);
        *ret = json_str(obj, "project_id");
        return 0;
}
