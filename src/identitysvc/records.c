#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/macro.h"
#include "identitysvc/auth.h"
#include "identitysvc/records.h"

void rec_not_found(struct identity_error *err, const char *what, const char *which)
{
        if (!err)
                return;
        err->what = what;
        snprintf(err->which, sizeof(err->which), "%s", which ? which : "");
}

int rec_finish(struct store *st, int r)
{
        int k = store_end(st, r >= 0);
        return r < 0 ? r : k;
}

const char *rec_str(const json_t *o, const char *k)
{
        return json_string_value(json_object_get(o, k));
}

int rec_get(struct store *st, const char *kind, const char *id, json_t **ret)
{
        _cleanup_free_ char *doc = NULL;
        int r = store_obj_get(st, kind, id, &doc, NULL);
        if (r < 0)
                return r;
        json_t *j = json_loads(doc, 0, NULL);
        if (!j)
                return err_set(-EIO, "stored %s %s is not valid JSON", kind, id);
        *ret = j;
        return 0;
}

static int collect_cb(const char *id, const char *doc, void *userdata)
{
        json_t *j = json_loads(doc, 0, NULL);
        if (!j)
                return -EIO;
        return json_array_append_new(userdata, j) < 0 ? -ENOMEM : 0;
}

int rec_find(struct store *st, const char *kind, const char *attr, const char *value,
             const char *attr2, const char *value2, json_t **ret)
{
        const char *v1[] = {value}, *v2[] = {value2};
        struct store_filter f[2] = {
                {attr, STORE_VALUE_TEXT, v1, 1},
                {attr2, STORE_VALUE_TEXT, v2, 1},
        };
        struct store_query q = {.filters = f, .n_filters = attr ? attr2 ? 2 : 1 : 0};
        json_t *arr = json_array();
        if (!arr)
                return -ENOMEM;
        int r = store_obj_list(st, kind, &q, collect_cb, arr);
        if (r < 0) {
                json_decref(arr);
                return r;
        }
        *ret = arr;
        return 0;
}

int rec_find_one(struct store *st, const char *kind, const char *attr, const char *value,
                 const char *attr2, const char *value2, json_t **ret)
{
        _cleanup_jdoc_ json_t *arr = NULL;
        int r = rec_find(st, kind, attr, value, attr2, value2, &arr);
        if (r < 0)
                return r;
        if (json_array_size(arr) != 1)
                return -ENOENT;
        *ret = json_incref(json_array_get(arr, 0));
        return 0;
}

static char *dump(json_t *doc)
{
        return json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

int rec_insert(struct store *st, const char *kind, const char *id, const char *project,
               json_t *doc)
{
        _cleanup_free_ char *s = dump(doc);
        return s ? store_obj_insert(st, kind, id, project, s) : -ENOMEM;
}

int rec_update(struct store *st, const char *kind, const char *id, json_t *doc)
{
        _cleanup_free_ char *s = dump(doc);
        return s ? store_obj_update(st, kind, id, s) : -ENOMEM;
}

int rec_delete_where(struct store *st, const char *kind, const char *attr, const char *value,
                     const char *project_id)
{
        const char *v[] = {value};
        struct store_filter f = {attr, STORE_VALUE_TEXT, v, 1};
        struct store_query q = {.filters = &f, .n_filters = attr ? 1 : 0, .project_id = project_id};
        _cleanup_(store_ids_done) struct store_ids l = {0};
        int r = store_obj_list(st, kind, &q, store_ids_collect_cb, &l);
        for (size_t i = 0; r >= 0 && i < l.n; i++)
                r = store_obj_delete(st, kind, l.ids[i]);
        return r;
}

static int dup_opt(const json_t *o, const char *k, char **ret)
{
        const char *s = rec_str(o, k);
        *ret = s ? strdup(s) : NULL;
        return s && !*ret ? -ENOMEM : 0;
}

int rec_object(enum identity_kind k, const json_t *doc, struct identity_object *ret)
{
        struct identity_object o = {.kind = k};
        int r = 0;
        if (dup_opt(doc, "id", &o.id) < 0 || dup_opt(doc, "name", &o.name) < 0 ||
            dup_opt(doc, "domain_id", &o.domain_id) < 0 ||
            dup_opt(doc, "description", &o.description) < 0 ||
            dup_opt(doc, "default_project_id", &o.default_project_id) < 0 ||
            dup_opt(doc, "parent_id", &o.parent_id) < 0)
                r = -ENOMEM;
        o.enabled = json_is_true(json_object_get(doc, "enabled"));
        json_t *opts = json_object_get(doc, "options");
        o.options = json_is_object(opts) ? json_deep_copy(opts) : json_object();
        json_t *tags = json_object_get(doc, "tags"), *extra = json_object_get(doc, "extra");
        o.tags = json_is_array(tags) ? json_deep_copy(tags) : NULL;
        o.extra = json_is_object(extra) ? json_deep_copy(extra) : NULL;
        if (r < 0 || !o.options || !o.id || !o.name) {
                identity_object_done(&o);
                return r < 0 || !o.options ? -ENOMEM : -EIO;
        }
        *ret = o;
        return 0;
}

/* Adds role rid and, once each, the roles it implies (a loop among the
 * rules ends where a role is seen again).  As Keystone, a domain-specific
 * role is never in a token itself, only the roles it implies. */
static int add_role(struct store *st, const char *rid, json_t *ids, json_t *names)
{
        _cleanup_jdoc_ json_t *role = NULL, *rules = NULL;
        if (json_object_get(names, rid) || rec_get(st, "role", rid, &role) < 0)
                return 0; /* seen, or a role that is gone grants nothing */
        if (json_object_set_new(names, rid, json_string(rec_str(role, "name") ?: "")) < 0)
                return -ENOMEM;
        const char *domain = rec_str(role, "domain_id");
        if ((!domain || !*domain) && json_array_append_new(ids, json_string(rid)) < 0)
                return -ENOMEM;
        int r = rec_find(st, "implied", "prior_role_id", rid, NULL, NULL, &rules);
        size_t i;
        json_t *rule;
        json_array_foreach(rules, i, rule) {
                const char *implied = rec_str(rule, "implied_role_id");
                if (r >= 0 && implied)
                        r = add_role(st, implied, ids, names);
        }
        return r;
}

/* The roles assigned to actor (attr user_id or group_id) on scope_id. */
static int add_assigned(struct store *st, const char *attr, const char *actor,
                        const char *scope_id, json_t *ids, json_t *names)
{
        _cleanup_jdoc_ json_t *as = NULL;
        int r = rec_find(st, "assignment", attr, actor, "scope_id", scope_id, &as);
        size_t i;
        json_t *a;
        json_array_foreach(as, i, a) {
                const char *rid = rec_str(a, "role_id");
                if (r >= 0 && rid)
                        r = add_role(st, rid, ids, names);
        }
        return r;
}

int rec_user_roles(struct store *st, const char *user_id, const char *scope_id,
                   struct identity_named **ret, size_t *n)
{
        _cleanup_jdoc_ json_t *ids = json_array(), *names = json_object(), *groups = NULL;
        if (!ids || !names)
                return -ENOMEM;
        int r = add_assigned(st, "user_id", user_id, scope_id, ids, names);
        if (r >= 0)
                r = rec_find(st, "membership", "user_id", user_id, NULL, NULL, &groups);
        size_t i;
        json_t *m;
        json_array_foreach(groups, i, m) {
                const char *gid = rec_str(m, "group_id");
                if (r >= 0 && gid)
                        r = add_assigned(st, "group_id", gid, scope_id, ids, names);
        }
        if (r < 0)
                return r;
        struct identity_named *v = calloc(json_array_size(ids) + 1, sizeof(*v));
        if (!v)
                return -ENOMEM;
        json_t *id;
        json_array_foreach(ids, i, id) {
                const char *rid = json_string_value(id);
                v[i].id = strdup(rid);
                v[i].name = strdup(rec_str(names, rid) ?: "");
                if (!v[i].id || !v[i].name) {
                        for (size_t j = 0; j <= i; j++)
                                identity_named_done(&v[j]);
                        free(v);
                        return -ENOMEM;
                }
        }
        *ret = v;
        *n = json_array_size(ids);
        return 0;
}

int rec_domain_named(struct store *st, const char *domain_id, struct identity_named *ret)
{
        _cleanup_jdoc_ json_t *d = NULL;
        const char *name = rec_get(st, "domain", domain_id, &d) >= 0 ? rec_str(d, "name") : NULL;
        ret->id = strdup(domain_id);
        ret->name = strdup(name ?: domain_id);
        return ret->id && ret->name ? 0 : -ENOMEM;
}

int rec_resolve(struct store *st, const char *kind, const char *id, const char *name,
                const char *domain_id, const char *domain_name, json_t **ret)
{
        if (id)
                return rec_get(st, kind, id, ret);
        if (!name || (!domain_id && !domain_name))
                return -ENOENT;
        _cleanup_jdoc_ json_t *d = NULL;
        if (!domain_id) {
                if (rec_find_one(st, "domain", "name", domain_name, NULL, NULL, &d) < 0)
                        return -ENOENT;
                domain_id = rec_str(d, "id");
        }
        return rec_find_one(st, kind, "name", name, "domain_id", domain_id, ret);
}

int rec_revoke_user_tokens(struct store *st, const char *user_id)
{
        int r = rec_delete_where(st, "token", "user_id", user_id, NULL);
        return r < 0 ? r : identity_changed(st);
}

int rec_revoke_project_tokens(struct store *st, const char *project_id, const char *user_id)
{
        int r = rec_delete_where(st, "token", user_id ? "user_id" : NULL, user_id, project_id);
        return r < 0 ? r : identity_changed(st);
}

void rec_assignment_id(const char *scope_type, const char *scope_id, bool group,
                       const char *actor_id, const char *role_id, char ret[200])
{
        /* Users' keep the id they always had; a group's is marked. */
        if (group)
                snprintf(ret, 200, "%s:%s:group:%s:%s", scope_type, scope_id, actor_id, role_id);
        else
                snprintf(ret, 200, "%s:%s:%s:%s", scope_type, scope_id, actor_id, role_id);
}

int rec_assign(struct store *st, const char *scope_type, const char *scope_id,
               const char *user_id, const char *role_id)
{
        return rec_assign_ex(st, scope_type, scope_id, false, user_id, role_id);
}

int rec_assign_ex(struct store *st, const char *scope_type, const char *scope_id, bool group,
                  const char *actor_id, const char *role_id)
{
        char id[200];
        rec_assignment_id(scope_type, scope_id, group, actor_id, role_id, id);
        _cleanup_jdoc_ json_t *doc = json_pack("{s:s,s:s,s:s,s:s}", "scope_type", scope_type,
                                               "scope_id", scope_id,
                                               group ? "group_id" : "user_id", actor_id,
                                               "role_id", role_id);
        if (!doc)
                return -ENOMEM;
        int r = rec_insert(st, "assignment", id, scope_id, doc);
        return r == -EEXIST ? 0 : r;
}
