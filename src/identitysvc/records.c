#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/macro.h"
#include "identitysvc/auth.h"
#include "identitysvc/records.h"

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

struct id_list {
        char **ids;
        size_t n, cap;
};

static int collect_id_cb(const char *id, const char *doc, void *userdata)
{
        struct id_list *l = userdata;
        if (l->n == l->cap) {
                size_t cap = l->cap ? l->cap * 2 : 8;
                char **ids = realloc(l->ids, cap * sizeof(char *));
                if (!ids)
                        return -ENOMEM;
                l->ids = ids, l->cap = cap;
        }
        l->ids[l->n] = strdup(id);
        if (!l->ids[l->n])
                return -ENOMEM;
        l->n++;
        return 0;
}

int rec_delete_where(struct store *st, const char *kind, const char *attr, const char *value,
                     const char *project_id)
{
        const char *v[] = {value};
        struct store_filter f = {attr, STORE_VALUE_TEXT, v, 1};
        struct store_query q = {.filters = &f, .n_filters = attr ? 1 : 0, .project_id = project_id};
        struct id_list l = {0};
        /* Ids first, so no row is deleted under a running walk. */
        int r = store_obj_list(st, kind, &q, collect_id_cb, &l);
        for (size_t i = 0; i < l.n; i++) {
                if (r >= 0)
                        r = store_obj_delete(st, kind, l.ids[i]);
                free(l.ids[i]);
        }
        free(l.ids);
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
            dup_opt(doc, "default_project_id", &o.default_project_id) < 0)
                r = -ENOMEM;
        o.enabled = json_is_true(json_object_get(doc, "enabled"));
        json_t *opts = json_object_get(doc, "options");
        o.options = json_is_object(opts) ? json_deep_copy(opts) : json_object();
        if (r < 0 || !o.options || !o.id || !o.name) {
                identity_object_done(&o);
                return r < 0 || !o.options ? -ENOMEM : -EIO;
        }
        *ret = o;
        return 0;
}

int rec_user_roles(struct store *st, const char *user_id, const char *scope_id,
                   struct identity_named **ret, size_t *n)
{
        _cleanup_jdoc_ json_t *as = NULL;
        int r = rec_find(st, "assignment", "user_id", user_id, "scope_id", scope_id, &as);
        if (r < 0)
                return r;
        struct identity_named *v = calloc(json_array_size(as) + 1, sizeof(*v));
        size_t k = 0, i;
        json_t *a;
        if (!v)
                return -ENOMEM;
        json_array_foreach(as, i, a) {
                _cleanup_jdoc_ json_t *role = NULL;
                const char *rid = rec_str(a, "role_id");
                if (!rid || rec_get(st, "role", rid, &role) < 0)
                        continue; /* a role that is gone grants nothing */
                v[k].id = strdup(rid);
                v[k].name = strdup(rec_str(role, "name") ?: "");
                if (!v[k].id || !v[k].name) {
                        for (size_t j = 0; j <= k; j++)
                                identity_named_done(&v[j]);
                        free(v);
                        return -ENOMEM;
                }
                k++;
        }
        *ret = v;
        *n = k;
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

int rec_assign(struct store *st, const char *scope_type, const char *scope_id,
               const char *user_id, const char *role_id)
{
        char id[160];
        snprintf(id, sizeof(id), "%s:%s:%s:%s", scope_type, scope_id, user_id, role_id);
        _cleanup_jdoc_ json_t *doc = json_pack("{s:s,s:s,s:s,s:s}", "scope_type", scope_type,
                                               "scope_id", scope_id, "user_id", user_id,
                                               "role_id", role_id);
        if (!doc)
                return -ENOMEM;
        int r = rec_insert(st, "assignment", id, scope_id, doc);
        return r == -EEXIST ? 0 : r;
}
