/* Domains, projects, users, groups and roles; the catalog. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/macro.h"
#include "identitysvc/auth.h"
#include "identitysvc/records.h"
#include "identity/password.h"

static const char *const kind_names[] = {
        [IDENTITY_DOMAIN] = "domain",
        [IDENTITY_PROJECT] = "project",
        [IDENTITY_USER] = "user",
        [IDENTITY_ROLE] = "role",
        [IDENTITY_GROUP] = "group",
};

const char *identity_kind_name(enum identity_kind k)
{
        return kind_names[k];
}

void identity_object_done(struct identity_object *o)
{
        free(o->id);
        free(o->name);
        free(o->domain_id);
        free(o->description);
        free(o->default_project_id);
        free(o->parent_id);
        json_decref(o->options);
        json_decref(o->tags);
        json_decref(o->extra);
        *o = (struct identity_object){0};
}

void identity_objects_done(struct identity_objects *l)
{
        for (size_t i = 0; i < l->n; i++)
                identity_object_done(&l->v[i]);
        free(l->v);
        *l = (struct identity_objects){0};
}

void identity_named_done(struct identity_named *n)
{
        free(n->id);
        free(n->name);
        free(n->domain_id);
        free(n->domain_name);
        *n = (struct identity_named){0};
}

int identity_get(struct store *st, enum identity_kind k, const char *id,
                 struct identity_object *ret, struct identity_error *err)
{
        _cleanup_jdoc_ json_t *doc = NULL;
        int r = store_begin(st, false);
        if (r < 0)
                return r;
        r = rec_get(st, kind_names[k], id, &doc);
        store_end(st, true);
        if (r == -ENOENT)
                rec_not_found(err, kind_names[k], id);
        if (r < 0)
                return r;
        return rec_object(k, doc, ret);
}

int identity_list(struct store *st, enum identity_kind k, const char *name,
                  struct identity_objects *ret)
{
        _cleanup_jdoc_ json_t *arr = NULL;
        int r = store_begin(st, false);
        if (r < 0)
                return r;
        r = rec_find(st, kind_names[k], name ? "name" : NULL, name, NULL, NULL, &arr);
        store_end(st, true);
        if (r < 0)
                return r;
        struct identity_objects l = {calloc(json_array_size(arr) + 1, sizeof(struct identity_object)), 0};
        if (!l.v)
                return -ENOMEM;
        size_t i;
        json_t *doc;
        json_array_foreach(arr, i, doc) {
                r = rec_object(k, doc, &l.v[l.n]);
                if (r < 0) {
                        identity_objects_done(&l);
                        return r;
                }
                l.n++;
        }
        *ret = l;
        return 0;
}

static void password_key(const char *user_id, char key[64])
{
        snprintf(key, 64, "password:%s", user_id);
}

int rec_create_project(struct store *st, const char *name, const char *domain_id,
                               const char *description, bool enabled, json_t **ret)
{
        _cleanup_jdoc_ json_t *existing = NULL;
        if (rec_find_one(st, "project", "name", name, "domain_id", domain_id, &existing) == 0)
                return -EEXIST;
        char id[33];
        random_hex_id(id);
        _cleanup_jdoc_ json_t *doc = json_pack(
                "{s:s,s:s,s:s,s:s,s:b,s:b,s:s,s:[],s:{}}", "id", id, "name", name, "domain_id",
                domain_id, "description", description ? description : "", "enabled", enabled,
                "is_domain", 0, "parent_id", domain_id, "tags", "options");
        if (!doc)
                return -ENOMEM;
        int r = rec_insert(st, "project", id, id, doc);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(doc);
        return 0;
}

int rec_create_user(struct store *st, const char *name, const char *domain_id,
                            const char *hash, const char *project_id, bool enabled, json_t **ret)
{
        _cleanup_jdoc_ json_t *existing = NULL;
        if (rec_find_one(st, "user", "name", name, "domain_id", domain_id, &existing) == 0)
                return -EEXIST;
        char id[33], key[64];
        random_hex_id(id);
        _cleanup_jdoc_ json_t *doc = json_pack("{s:s,s:s,s:s,s:b,s:n,s:{}}", "id", id, "name",
                                               name, "domain_id", domain_id, "enabled", enabled,
                                               "password_expires_at", "options");
        if (!doc)
                return -ENOMEM;
        if (project_id)
                json_object_set_new(doc, "default_project_id", json_string(project_id));
        int r = rec_insert(st, "user", id, NULL, doc);
        if (r >= 0 && hash) {
                password_key(id, key);
                r = store_secret_set(st, key, hash);
        }
        if (r < 0)
                return r;
        *ret = TAKE_PTR(doc);
        return 0;
}

/* A user's new password is hashed here, before the transaction: hashing is
 * the slow part and never runs under the store's lock. */
static int hash_before_lock(enum identity_kind k, const char *password, char **ret)
{
        return k == IDENTITY_USER && password ? password_hash(password, ret) : 0;
}

static bool same_str(const char *a, const char *b)
{
        return (!a && !b) || (a && b && streq(a, b));
}

/* Is name taken by another object of kind k in domain_id?  Domains are
 * unique among domains; roles among the global roles or a domain's. */
static int name_taken(struct store *st, enum identity_kind k, const char *name,
                      const char *domain_id, const char *self_id)
{
        _cleanup_jdoc_ json_t *arr = NULL;
        int r = rec_find(st, kind_names[k], "name", name, NULL, NULL, &arr);
        if (r < 0)
                return r;
        size_t i;
        json_t *o;
        json_array_foreach(arr, i, o) {
                if (self_id && same_str(rec_str(o, "id"), self_id))
                        continue;
                if (k == IDENTITY_DOMAIN || same_str(rec_str(o, "domain_id"), domain_id))
                        return -EEXIST;
        }
        return 0;
}

/* Inside the write transaction: a new domain, group or role. */
static int create_other(struct store *st, enum identity_kind k, const struct identity_create *in,
                        const char *domain_id, json_t **ret)
{
        int r = name_taken(st, k, in->name, domain_id, NULL);
        if (r < 0)
                return r;
        char id[33];
        random_hex_id(id);
        json_t *doc;
        if (k == IDENTITY_DOMAIN)
                doc = json_pack("{s:s,s:s,s:s,s:b,s:{},s:o}", "id", id, "name", in->name,
                                "description", in->description ?: "", "enabled", in->enabled,
                                "options", "tags",
                                in->tags ? json_incref(in->tags) : json_array());
        else if (k == IDENTITY_GROUP)
                doc = json_pack("{s:s,s:s,s:s,s:s}", "id", id, "name", in->name, "domain_id",
                                domain_id, "description", in->description ?: "");
        else
                doc = json_pack("{s:s,s:s,s:o,s:o,s:{}}", "id", id, "name", in->name, "domain_id",
                                domain_id ? json_string(domain_id) : json_null(), "description",
                                in->description ? json_string(in->description) : json_null(),
                                "options");
        if (!doc)
                return -ENOMEM;
        r = rec_insert(st, kind_names[k], id, NULL, doc);
        if (r < 0) {
                json_decref(doc);
                return r;
        }
        *ret = doc;
        return 0;
}

/* Inside the write transaction: a project's parent, checked; its domain
 * when the request named none. */
static int parent_of(struct store *st, const struct identity_create *in, const char **domain_id,
                     json_t **parent, struct identity_error *err)
{
        if (!in->parent_id)
                return 0;
        int r = rec_get(st, "project", in->parent_id, parent);
        if (r == -ENOENT) {
                /* A project directly under its domain may name the domain. */
                if (in->domain_id && streq(in->parent_id, in->domain_id))
                        return 0;
                rec_not_found(err, "project", in->parent_id);
        }
        if (r < 0)
                return r;
        const char *pd = rec_str(*parent, "domain_id");
        if (!in->domain_id && pd)
                *domain_id = pd;
        return pd && !streq(pd, *domain_id) ? -EINVAL : 0;
}

static int set_string(json_t *doc, const char *key, const char *value)
{
        return value ? json_object_set_new(doc, key, json_string(value)) < 0 ? -ENOMEM : 0 : 0;
}

/* Keeps a user's other attributes (email, ...) as given; null removes one. */
static int merge_extra(json_t *doc, json_t *extra)
{
        if (!extra)
                return 0;
        json_t *have = json_object_get(doc, "extra");
        if (!json_is_object(have)) {
                have = json_object();
                if (!have || json_object_set_new(doc, "extra", have) < 0)
                        return -ENOMEM;
        }
        const char *key;
        json_t *v;
        json_object_foreach(extra, key, v) {
                if (json_is_null(v))
                        json_object_del(have, key);
                else if (json_object_set(have, key, v) < 0)
                        return -ENOMEM;
        }
        return 0;
}

int identity_create(struct store *st, enum identity_kind k, const struct identity_create *in,
                    struct identity_object *ret, struct identity_error *err)
{
        const char *domain_id = in->domain_id ? in->domain_id
                                : k == IDENTITY_ROLE ? NULL
                                                     : IDENTITY_DEFAULT_DOMAIN;
        _cleanup_free_ char *hash = NULL;
        int r = hash_before_lock(k, in->password, &hash);
        if (r < 0)
                return r;
        _cleanup_jdoc_ json_t *dom = NULL, *doc = NULL, *parent = NULL;
        r = store_begin(st, true);
        if (r < 0)
                return r;
        if (k == IDENTITY_PROJECT)
                r = parent_of(st, in, &domain_id, &parent, err);
        if (r >= 0 && k != IDENTITY_DOMAIN && domain_id) {
                r = rec_get(st, "domain", domain_id, &dom);
                if (r == -ENOENT)
                        rec_not_found(err, "domain", domain_id);
        }
        if (r >= 0 && k == IDENTITY_PROJECT)
                r = rec_create_project(st, in->name, domain_id, in->description,
                                               in->enabled, &doc);
        else if (r >= 0 && k == IDENTITY_USER)
                r = rec_create_user(st, in->name, domain_id, hash, in->default_project_id,
                                            in->enabled, &doc);
        else if (r >= 0)
                r = create_other(st, k, in, domain_id, &doc);
        bool more = (k == IDENTITY_PROJECT && (parent || in->tags)) ||
                    (k == IDENTITY_USER && (in->description || in->extra));
        if (r >= 0 && more) {
                if (parent)
                        r = set_string(doc, "parent_id", rec_str(parent, "id"));
                if (r >= 0 && in->tags && json_object_set(doc, "tags", in->tags) < 0)
                        r = -ENOMEM;
                if (r >= 0 && k == IDENTITY_USER)
                        r = set_string(doc, "description", in->description);
                if (r >= 0)
                        r = merge_extra(doc, in->extra);
                if (r >= 0)
                        r = rec_update(st, kind_names[k], rec_str(doc, "id"), doc);
        }
        r = rec_finish(st, r);
        if (r < 0)
                return r;
        return rec_object(k, doc, ret);
}

int identity_update(struct store *st, enum identity_kind k, const char *id,
                    const struct identity_update *in, struct identity_object *ret,
                    struct identity_error *err)
{
        _cleanup_free_ char *hash = NULL;
        int r = hash_before_lock(k, in->password, &hash);
        if (r < 0)
                return r;
        _cleanup_jdoc_ json_t *doc = NULL;
        r = store_begin(st, true);
        if (r < 0)
                return r;
        r = rec_get(st, kind_names[k], id, &doc);
        if (r == -ENOENT)
                rec_not_found(err, kind_names[k], id);
        if (r >= 0 && in->name && !streq(in->name, rec_str(doc, "name") ?: ""))
                r = name_taken(st, k, in->name, rec_str(doc, "domain_id"), id);
        if (r >= 0)
                r = set_string(doc, "name", in->name);
        if (r >= 0)
                r = set_string(doc, "description", in->description);
        if (r >= 0 && k == IDENTITY_USER)
                r = set_string(doc, "default_project_id", in->default_project_id);
        if (r >= 0 && in->enabled >= 0 && k != IDENTITY_ROLE && k != IDENTITY_GROUP)
                r = json_object_set_new(doc, "enabled", json_boolean(in->enabled)) < 0 ? -ENOMEM : 0;
        if (r >= 0 && in->options)
                r = json_object_set(doc, "options", in->options) < 0 ? -ENOMEM : 0;
        if (r >= 0 && in->tags)
                r = json_object_set(doc, "tags", in->tags) < 0 ? -ENOMEM : 0;
        if (r >= 0 && k == IDENTITY_USER)
                r = merge_extra(doc, in->extra);
        if (r >= 0)
                r = rec_update(st, kind_names[k], id, doc);
        if (r >= 0 && hash) {
                char key[64];
                password_key(id, key);
                r = store_secret_set(st, key, hash);
        }
        /* As Keystone: setting enabled unlocks a locked-out user. */
        if (r >= 0 && k == IDENTITY_USER && in->enabled == 1)
                r = store_auth_failures_clear(st, id);
        /* As Keystone: a new password or a disabled user ends its tokens,
         * a disabled project those scoped to it; any change moves the
         * stamp, so no cached decision outlives it. */
        if (r >= 0 && k == IDENTITY_USER && (hash || in->enabled == 0))
                r = rec_revoke_user_tokens(st, id);
        else if (r >= 0 && k == IDENTITY_PROJECT && in->enabled == 0)
                r = rec_revoke_project_tokens(st, id, NULL);
        else if (r >= 0)
                r = identity_changed(st);
        r = rec_finish(st, r);
        if (r < 0)
                return r;
        return rec_object(k, doc, ret);
}

int identity_project_tag(struct store *st, const char *project_id, const char *tag, bool add,
                         struct identity_object *ret, struct identity_error *err)
{
        _cleanup_jdoc_ json_t *doc = NULL;
        int r = store_begin(st, true);
        if (r < 0)
                return r;
        r = rec_get(st, "project", project_id, &doc);
        if (r == -ENOENT)
                rec_not_found(err, "project", project_id);
        json_t *tags = r >= 0 ? json_object_get(doc, "tags") : NULL;
        if (r >= 0 && !json_is_array(tags)) {
                tags = json_array();
                r = json_object_set_new(doc, "tags", tags) < 0 ? -ENOMEM : 0;
        }
        size_t i, at = SIZE_MAX;
        json_t *t;
        json_array_foreach(r >= 0 ? tags : NULL, i, t) {
                if (json_is_string(t) && streq(json_string_value(t), tag))
                        at = i;
        }
        if (r >= 0 && add && at != SIZE_MAX)
                r = -EEXIST;
        else if (r >= 0 && add && json_array_size(tags) >= 80)
                r = -E2BIG;
        else if (r >= 0 && add)
                r = json_array_append_new(tags, json_string(tag)) < 0 ? -ENOMEM : 0;
        else if (r >= 0 && at == SIZE_MAX) {
                rec_not_found(err, "project tag", tag);
                r = -ENOENT;
        } else if (r >= 0)
                r = json_array_remove(tags, at) < 0 ? -ENOMEM : 0;
        if (r >= 0)
                r = rec_update(st, "project", project_id, doc);
        if (r >= 0)
                r = identity_changed(st);
        r = rec_finish(st, r);
        if (r < 0)
                return r;
        return rec_object(IDENTITY_PROJECT, doc, ret);
}

/* Inside the write transaction: the object's rows and those that hang on it. */
static int delete_rows(struct store *st, enum identity_kind k, const char *id);

/* Every object of kind k in the domain. */
static int delete_in_domain(struct store *st, enum identity_kind k, const char *domain_id)
{
        _cleanup_jdoc_ json_t *arr = NULL;
        int r = rec_find(st, kind_names[k], "domain_id", domain_id, NULL, NULL, &arr);
        size_t i;
        json_t *o;
        json_array_foreach(arr, i, o) {
                if (r >= 0)
                        r = delete_rows(st, k, rec_str(o, "id") ?: "");
        }
        return r;
}

static int delete_rows(struct store *st, enum identity_kind k, const char *id)
{
        int r = store_obj_delete(st, kind_names[k], id);
        if (r < 0)
                return r;
        switch (k) {
        case IDENTITY_USER: {
                char key[64];
                password_key(id, key);
                r = store_secret_delete(st, key);
                if (r >= 0)
                        r = rec_delete_where(st, "assignment", "user_id", id, NULL);
                if (r >= 0)
                        r = rec_delete_where(st, "membership", "user_id", id, NULL);
                if (r >= 0)
                        r = store_auth_failures_clear(st, id);
                return r < 0 ? r : rec_revoke_user_tokens(st, id);
        }
        case IDENTITY_PROJECT:
                r = rec_delete_where(st, "assignment", "scope_id", id, NULL);
                return r < 0 ? r : rec_revoke_project_tokens(st, id, NULL);
        case IDENTITY_GROUP:
                r = rec_delete_where(st, "membership", "group_id", id, NULL);
                if (r >= 0)
                        r = rec_delete_where(st, "assignment", "group_id", id, NULL);
                break;
        case IDENTITY_ROLE:
                /* The tokens that relied on it are refused at once: a
                 * token is authorized from the roles held now. */
                r = rec_delete_where(st, "assignment", "role_id", id, NULL);
                if (r >= 0)
                        r = rec_delete_where(st, "implied", "prior_role_id", id, NULL);
                if (r >= 0)
                        r = rec_delete_where(st, "implied", "implied_role_id", id, NULL);
                break;
        case IDENTITY_DOMAIN:
                /* As Keystone: everything in the domain goes with it. */
                for (enum identity_kind in = IDENTITY_PROJECT; r >= 0 && in <= IDENTITY_GROUP; in++)
                        r = delete_in_domain(st, in, id);
                if (r >= 0)
                        r = rec_delete_where(st, "assignment", "scope_id", id, NULL);
                break;
        }
        return r < 0 ? r : identity_changed(st);
}

int identity_delete(struct store *st, enum identity_kind k, const char *id,
                    struct identity_error *err)
{
        _cleanup_jdoc_ json_t *doc = NULL;
        int r = store_begin(st, true);
        if (r < 0)
                return r;
        r = rec_get(st, kind_names[k], id, &doc);
        if (r == -ENOENT)
                rec_not_found(err, kind_names[k], id);
        /* As Keystone: a domain is disabled before it is deleted. */
        if (r >= 0 && k == IDENTITY_DOMAIN && json_is_true(json_object_get(doc, "enabled")))
                r = -EPERM;
        if (r >= 0)
                r = delete_rows(st, k, id);
        return rec_finish(st, r);
}

int identity_catalog(struct store *st, json_t **ret)
{
        int r = store_begin(st, false);
        if (r < 0)
                return r;
        _cleanup_jdoc_ json_t *all = NULL;
        r = rec_find(st, "service", NULL, NULL, NULL, NULL, &all);
        store_end(st, true);
        if (r >= 0 && !(*ret = identity_catalog_view(all)))
                r = -ENOMEM;
        return r;
}
