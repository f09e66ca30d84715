/* Stored documents: get or none, visible to the caller, insert, update,
 * list; owners of new objects. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netsvc/netsvc.h"

/* Kinds kept as typed rows alone, read and written by their own calls
 * (netsvc_network_*, netsvc_subnet_*, netsvc_port_*, netsvc_sg_*), never
 * here: -EINVAL. */
static bool typed_alone(const char *kind)
{
        return streq(kind, "network") || streq(kind, "subnet") || streq(kind, "port") ||
               streq(kind, "security_group") || streq(kind, "security_group_rule");
}

/* Agents are typed rows beside their documents; every other kind not
 * typed_alone() a document. */
static int doc_text(struct store *st, const char *kind, const char *id, char **ret_doc,
                    char **ret_project)
{
        if (typed_alone(kind))
                return -EINVAL;
        if (streq(kind, "agent")) {
                if (ret_project)
                        *ret_project = NULL; /* agents belong to no project */
                return store_agent_get(st, id, ret_doc);
        }
        return store_obj_get(st, kind, id, ret_doc, ret_project);
}

int svc_doc_get(struct store *st, const char *kind, const char *id, json_t **ret)
{
        _cleanup_free_ char *doc = NULL;
        int r = doc_text(st, kind, id, &doc, NULL);
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
        int r = doc_text(st, kind, id, &doc, &project);
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
        int r = store_port_host(st, id, ret);
        return r == -ENOENT ? 0 : r;
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

int svc_port_put(struct store *st, const struct store_port *p, const char *old_host,
                 bool create)
{
        int r = store_port_put(st, p, create);
        return r < 0 ? r : port_feed(st, p->id, old_host, p->host);
}

/* An agent's row from its document. */
static int put_agent(struct store *st, const json_t *o, const char *doc, bool create)
{
        struct store_agent a = {
                .id = json_str(o, "id"),
                .host = json_str(o, "host"),
                .agent_type = json_str(o, "agent_type"),
                .binary = json_str(o, "binary"),
                .topic = json_str(o, "topic"),
                .admin_state_up = json_is_true(json_object_get(o, "admin_state_up")),
                .heartbeat = json_number_value(json_object_get(o, "_heartbeat")),
                .heartbeat_text = json_str(o, "heartbeat_timestamp"),
                .instance_id = json_str(o, "_instance"),
                .doc = doc,
        };
        if (!a.id || !a.host || !a.agent_type)
                return -EINVAL;
        return store_agent_put(st, &a, create);
}

static int doc_put(struct store *st, const char *kind, const json_t *obj, bool create)
{
        _cleanup_free_ char *s = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (!s)
                return -ENOMEM;
        if (typed_alone(kind))
                return -EINVAL;
        if (streq(kind, "agent"))
                return put_agent(st, obj, s, create);
        return create ? store_obj_insert(st, kind, json_str(obj, "id"), json_str(obj, "project_id"), s)
                      : store_obj_update(st, kind, json_str(obj, "id"), s);
}

int svc_doc_insert(struct store *st, const char *kind, const json_t *obj)
{
        return doc_put(st, kind, obj, true);
}

int svc_doc_update(struct store *st, const char *kind, const json_t *obj)
{
        return doc_put(st, kind, obj, false);
}

int svc_port_delete(struct store *st, const char *id)
{
        _cleanup_free_ char *old_host = NULL;
        int r = stored_port_host(st, id, &old_host);
        if (r >= 0)
                r = store_port_delete(st, id);
        if (r >= 0)
                r = store_release_owner(st, id);
        if (r >= 0)
                r = port_feed(st, id, old_host, NULL);
        return r;
}

int svc_claim(struct store *st, const char *pool, const char *value, const char *owner)
{
        int r = store_is_claimed(st, pool, value);
        if (r > 0)
                return -EEXIST;
        return r < 0 ? r : store_claim(st, pool, value, owner);
}

int svc_doc_collect_cb(const char *id, const char *doc, void *userdata)
{
        json_t *o = json_loads(doc, 0, NULL);
        if (!o)
                return -EIO;
        return json_array_append_new(userdata, o) < 0 ? -ENOMEM : 0;
}

int netsvc_port_list(const struct netsvc *svc, const struct store_query *q, store_port_cb cb,
                     void *userdata)
{
        return store_port_list(svc->store, q, cb, userdata);
}

int svc_doc_walk(struct store *st, const char *kind, const struct store_query *q, store_obj_cb cb,
                 void *userdata)
{
        if (typed_alone(kind))
                return -EINVAL;
        if (streq(kind, "agent"))
                return store_agent_list(st, q, cb, userdata);
        return store_obj_list(st, kind, q, cb, userdata);
}

int svc_doc_count(struct store *st, const char *kind, const struct store_query *q, size_t *ret)
{
        if (streq(kind, "port"))
                return store_port_count(st, q, ret);
        if (streq(kind, "network"))
                return store_network_count(st, q, ret);
        if (streq(kind, "subnet"))
                return store_subnet_count(st, q, ret);
        if (streq(kind, "security_group"))
                return store_secgroup_count(st, q, ret);
        if (streq(kind, "security_group_rule"))
                return store_sg_rule_count(st, q, ret);
        return store_obj_count(st, kind, q, ret);
}

int svc_doc_list(struct store *st, const char *kind, const struct store_query *q, json_t **ret)
{
        json_t *arr = json_array();
        if (!arr)
                return -ENOMEM;
        int r = svc_doc_walk(st, kind, q, svc_doc_collect_cb, arr);
        if (r < 0) {
                json_decref(arr);
                return r;
        }
        *ret = arr;
        return 0;
}

int netsvc_owner_of(const struct auth_context *auth, const char *project_id,
                    const char *tenant_id, const char **ret, struct service_error *err)
{
        if (project_id && tenant_id && !streq(project_id, tenant_id))
                return service_fail(err, ERROR_KIND_INVALID, "HTTPBadRequest",
                                    "'project_id' and 'tenant_id' do not match");
        const char *owner = project_id ? project_id : tenant_id ? tenant_id : auth->project_id;
        if (!owner)
                return service_fail(err, ERROR_KIND_INVALID, "HTTPBadRequest",
                                    "Running without keystone AuthN requires that tenant_id is "
                                    "specified");
        *ret = owner;
        return 0;
}

int netsvc_owner(const struct auth_context *auth, json_t *obj, const char **ret,
                 struct service_error *err)
{
        const char *owner;
        int r = netsvc_owner_of(auth, json_str(obj, "project_id"), json_str(obj, "tenant_id"),
                                &owner, err);
        if (r < 0)
                return r;
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
