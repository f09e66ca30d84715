/* Neutron's quotas: per project limits on networks, subnets, ports,
 * security groups and their rules (Neutron's defaults; -1 = unlimited),
 * kept as one "quota" document per project holding only what was set;
 * a create is checked against its project's count in the caller's write
 * transaction, so two creates cannot both take the last place. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/macro.h"
#include "netsvc/netsvc.h"

struct netsvc_quota_resource netsvc_quota_resources[NETSVC_QUOTA_RESOURCES + 1] = {
        {"network", "network", 100},
        {"subnet", "subnet", 100},
        {"port", "port", 500},
        {"security_group", "security_group", 10},
        {"security_group_rule", "security_group_rule", 100},
        {0},
};

int netsvc_quota_default_set(const char *name, long long limit)
{
        for (struct netsvc_quota_resource *q = netsvc_quota_resources; q->name; q++)
                if (streq(q->name, name)) {
                        q->default_limit = limit < 0 ? -1 : limit;
                        return 0;
                }
        return -ENOENT;
}

const struct netsvc_quota_resource *netsvc_quota_resource(const char *name)
{
        for (const struct netsvc_quota_resource *q = netsvc_quota_resources; q->name; q++)
                if (streq(q->name, name))
                        return q;
        return NULL;
}

int netsvc_quota_get(const struct netsvc *svc, const char *project_id, json_t **ret)
{
        _cleanup_json_ json_t *set = NULL;
        int r = svc_doc_get(svc->store, "quota", project_id, &set);
        if (r < 0 && r != -ENOENT)
                return r;
        json_t *o = json_object();
        if (!o)
                return -ENOMEM;
        for (const struct netsvc_quota_resource *q = netsvc_quota_resources; q->name; q++) {
                json_t *v = json_object_get(set, q->name);
                json_object_set_new(o, q->name,
                                    json_integer(json_is_integer(v) ? json_integer_value(v)
                                                                    : q->default_limit));
        }
        *ret = o;
        return 0;
}

json_t *netsvc_quota_defaults(void)
{
        json_t *o = json_object();
        for (const struct netsvc_quota_resource *q = netsvc_quota_resources; o && q->name; q++)
                json_object_set_new(o, q->name, json_integer(q->default_limit));
        return o;
}

int netsvc_quota_used(const struct netsvc *svc, const char *kind, const char *project_id,
                      size_t *ret)
{
        struct store_query q = {.project_id = project_id};
        return svc_doc_count(svc->store, kind, &q, ret);
}

int netsvc_quota_set(const struct netsvc *svc, const char *project_id,
                     const struct netsvc_quota_update *in, json_t **ret,
                     struct service_error *err)
{
        for (size_t i = 0; i < NETSVC_QUOTA_RESOURCES; i++)
                if (in->has[i] && in->limit[i] < -1)
                        return service_fail(err, ERROR_KIND_INVALID, "HTTPBadRequest",
                                            "Invalid input for %s. Reason: '%lld' should be an "
                                            "integer greater than or equal to -1.",
                                            netsvc_quota_resources[i].name, in->limit[i]);
        _cleanup_json_ json_t *set = NULL;
        int r = svc_doc_get(svc->store, "quota", project_id, &set);
        bool exists = r >= 0;
        if (r == -ENOENT)
                set = json_pack("{s:s,s:s}", "id", project_id, "project_id", project_id);
        else if (r < 0)
                return r;
        if (!set)
                return -ENOMEM;
        for (size_t i = 0; i < NETSVC_QUOTA_RESOURCES; i++)
                if (in->has[i] && json_object_set_new(set, netsvc_quota_resources[i].name,
                                                      json_integer(in->limit[i])) < 0)
                        return -ENOMEM;
        r = exists ? svc_doc_update(svc->store, "quota", set)
                   : svc_doc_insert(svc->store, "quota", set);
        if (r < 0)
                return r;
        return netsvc_quota_get(svc, project_id, ret);
}

int netsvc_quota_delete(const struct netsvc *svc, const char *project_id)
{
        int r = store_obj_delete(svc->store, "quota", project_id);
        return r == -ENOENT ? 0 : r;
}

int netsvc_quota_list(const struct netsvc *svc, json_t **ret)
{
        _cleanup_json_ json_t *sets = NULL;
        int r = svc_doc_list(svc->store, "quota", &(struct store_query){0}, &sets);
        if (r < 0)
                return r;
        json_t *out = json_array();
        if (!out)
                return -ENOMEM;
        size_t i;
        json_t *set;
        json_array_foreach(sets, i, set) {
                const char *pid = json_str(set, "project_id");
                json_t *q = NULL;
                if (!pid || netsvc_quota_get(svc, pid, &q) < 0)
                        continue;
                json_object_set_new(q, "project_id", json_string(pid));
                json_object_set_new(q, "tenant_id", json_string(pid));
                json_array_append_new(out, q);
        }
        *ret = out;
        return 0;
}

int netsvc_quota_check(const struct netsvc *svc, const char *kind, const char *project_id,
                       struct service_error *err)
{
        const struct netsvc_quota_resource *q = netsvc_quota_resource(kind);
        if (!q || !project_id)
                return 0;
        _cleanup_json_ json_t *limits = NULL;
        int r = netsvc_quota_get(svc, project_id, &limits);
        if (r < 0)
                return r;
        json_int_t limit = json_integer_value(json_object_get(limits, kind));
        if (limit < 0)
                return 0;
        size_t used = 0;
        r = netsvc_quota_used(svc, q->kind, project_id, &used);
        if (r < 0)
                return r;
        if ((json_int_t)used + 1 > limit)
                return service_fail(err, ERROR_KIND_CONFLICT, "OverQuota",
                                    "Quota exceeded for resources: ['%s'].", kind);
        return 0;
}
