/* Domains, projects, users and roles; project role assignments; the
 * catalog. */
#include <errno.h>
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
        json_decref(o->options);
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

static void not_found(struct identity_error *err, const char *what, const char *which)
{
        if (!err)
                return;
        err->what = what;
        snprintf(err->which, sizeof(err->which), "%s", which ? which : "");
}

/* Ends a transaction: commits when r >= 0, and returns r (or the commit's
 * failure). */
static int finish(struct store *st, int r)
{
        int k = store_end(st, r >= 0);
        return r < 0 ? r : k;
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
                not_found(err, kind_names[k], id);
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

/* Projects and users only; a user's new password is hashed here, before
 * the transaction: hashing is the slow part and never runs under the
 * store's lock. */
static int hash_before_lock(enum identity_kind k, const char *password, char **ret)
{
        if (k != IDENTITY_PROJECT && k != IDENTITY_USER)
                return -EINVAL;
        return k == IDENTITY_USER && password ? password_hash(password, ret) : 0;
}

int identity_create(struct store *st, enum identity_kind k, const struct identity_create *in,
                    struct identity_object *ret, struct identity_error *err)
{
        const char *domain_id = in->domain_id ? in->domain_id : IDENTITY_DEFAULT_DOMAIN;
        _cleanup_free_ char *hash = NULL;
        int r = hash_before_lock(k, in->password, &hash);
        if (r < 0)
                return r;
        _cleanup_jdoc_ json_t *dom = NULL, *doc = NULL;
        r = store_begin(st, true);
        if (r < 0)
                return r;
        r = rec_get(st, "domain", domain_id, &dom);
        if (r == -ENOENT)
                not_found(err, "domain", domain_id);
        if (r >= 0 && k == IDENTITY_PROJECT)
                r = rec_create_project(st, in->name, domain_id, in->description,
                                               in->enabled, &doc);
        else if (r >= 0)
                r = rec_create_user(st, in->name, domain_id, hash, in->default_project_id,
                                            in->enabled, &doc);
        r = finish(st, r);
        if (r < 0)
                return r;
        return rec_object(k, doc, ret);
}

static int set_string(json_t *doc, const char *key, const char *value)
{
        return value ? json_object_set_new(doc, key, json_string(value)) < 0 ? -ENOMEM : 0 : 0;
}

int identity_update(struct store *st, enum identity_kind k, const char *id,
                    const struct identity_update *in, struct identity_object *ret,
                    struct identity_error *err)
{
        _cleanup_free_ char *hash = NULL;
        int r = hash_before_lock(k, in->password, &hash);
        if (r < 0)
                return r;
        _cleanup_jdoc_ json_t *doc = NULL, *same = NULL;
        r = store_begin(st, true);
        if (r < 0)
                return r;
        r = rec_get(st, kind_names[k], id, &doc);
        if (r == -ENOENT)
                not_found(err, kind_names[k], id);
        if (r >= 0 && in->name && !streq(in->name, rec_str(doc, "name") ?: "") &&
            rec_find_one(st, kind_names[k], "name", in->name, "domain_id", rec_str(doc, "domain_id"),
                         &same) == 0)
                r = -EEXIST;
        if (r >= 0)
                r = set_string(doc, "name", in->name);
        if (r >= 0)
                r = set_string(doc, "description", in->description);
        if (r >= 0 && k == IDENTITY_USER)
                r = set_string(doc, "default_project_id", in->default_project_id);
        if (r >= 0 && in->enabled >= 0)
                r = json_object_set_new(doc, "enabled", json_boolean(in->enabled)) < 0 ? -ENOMEM : 0;
        if (r >= 0 && in->options)
                r = json_object_set(doc, "options", in->options) < 0 ? -ENOMEM : 0;
        if (r >= 0)
                r = rec_update(st, kind_names[k], id, doc);
        if (r >= 0 && hash) {
                char key[64];
                password_key(id, key);
                r = store_secret_set(st, key, hash);
        }
        /* As Keystone: a new password or a disabled user ends its tokens,
         * a disabled project those scoped to it; any change moves the
         * stamp, so no cached decision outlives it. */
        if (r >= 0 && k == IDENTITY_USER && (hash || in->enabled == 0))
                r = rec_revoke_user_tokens(st, id);
        else if (r >= 0 && k == IDENTITY_PROJECT && in->enabled == 0)
                r = rec_revoke_project_tokens(st, id, NULL);
        else if (r >= 0)
                r = identity_changed(st);
        r = finish(st, r);
        if (r < 0)
                return r;
        return rec_object(k, doc, ret);
}

int identity_delete(struct store *st, enum identity_kind k, const char *id,
                    struct identity_error *err)
{
        if (k != IDENTITY_PROJECT && k != IDENTITY_USER)
                return -EINVAL;
        int r = store_begin(st, true);
        if (r < 0)
                return r;
        r = store_obj_delete(st, kind_names[k], id);
        if (r == -ENOENT)
                not_found(err, kind_names[k], id);
        if (r >= 0 && k == IDENTITY_USER) {
                char key[64];
                password_key(id, key);
                r = store_secret_delete(st, key);
                if (r >= 0)
                        r = rec_delete_where(st, "assignment", "user_id", id, NULL);
                if (r >= 0)
                        r = rec_revoke_user_tokens(st, id);
        }
        if (r >= 0 && k == IDENTITY_PROJECT)
                r = rec_delete_where(st, "assignment", "scope_id", id, NULL);
        if (r >= 0 && k == IDENTITY_PROJECT)
                r = rec_revoke_project_tokens(st, id, NULL);
        return finish(st, r);
}

int identity_grant(struct store *st, enum identity_grant_op op, const char *project_id,
                   const char *user_id, const char *role_id, struct identity_error *err)
{
        _cleanup_jdoc_ json_t *p = NULL, *u = NULL, *ro = NULL;
        int r = store_begin(st, op != IDENTITY_GRANT_CHECK);
        if (r < 0)
                return r;
        const char *what = "project", *which = project_id;
        r = rec_get(st, "project", project_id, &p);
        if (r >= 0) {
                what = "user", which = user_id;
                r = rec_get(st, "user", user_id, &u);
        }
        if (r >= 0) {
                what = "role", which = role_id;
                r = rec_get(st, "role", role_id, &ro);
        }
        char id[160];
        snprintf(id, sizeof(id), "project:%s:%s:%s", project_id, user_id, role_id);
        if (r >= 0) {
                what = "role assignment", which = id;
                if (op == IDENTITY_GRANT_ADD)
                        r = rec_assign(st, "project", project_id, user_id, role_id);
                else if (op == IDENTITY_GRANT_REMOVE)
                        r = store_obj_delete(st, "assignment", id);
                else {
                        _cleanup_free_ char *d = NULL;
                        r = store_obj_get(st, "assignment", id, &d, NULL);
                }
                /* As Keystone: a role removed ends the user's tokens on
                 * that project; a role added shows at the next request. */
                if (r >= 0 && op == IDENTITY_GRANT_REMOVE)
                        r = rec_revoke_project_tokens(st, project_id, user_id);
                else if (r >= 0 && op == IDENTITY_GRANT_ADD)
                        r = identity_changed(st);
        }
        if (r == -ENOENT)
                not_found(err, what, which);
        return finish(st, r);
}

void identity_assignments_done(struct identity_assignments *l)
{
        for (size_t i = 0; i < l->n; i++) {
                identity_named_done(&l->v[i].scope);
                identity_named_done(&l->v[i].user);
                identity_named_done(&l->v[i].role);
        }
        free(l->v);
        *l = (struct identity_assignments){0};
}

/* The id of an object, and with names its name and domain. */
static int named(struct store *st, const char *kind, const char *id, bool names,
                 struct identity_named *ret)
{
        _cleanup_jdoc_ json_t *full = NULL;
        ret->id = strdup(id ? id : "");
        if (!ret->id)
                return -ENOMEM;
        if (!names || !id || rec_get(st, kind, id, &full) < 0)
                return 0;
        const char *name = rec_str(full, "name"), *dom = rec_str(full, "domain_id");
        if (name && !(ret->name = strdup(name)))
                return -ENOMEM;
        if (dom) {
                struct identity_named d = {0};
                int r = rec_domain_named(st, dom, &d);
                ret->domain_id = d.id;
                ret->domain_name = d.name;
                if (r < 0)
                        return r;
        }
        return 0;
}

struct assignment_walk {
        struct store *st;
        bool names;
        json_t *docs;
};

static int assignment_cb(const char *id, const char *doc, void *userdata)
{
        struct assignment_walk *w = userdata;
        json_t *a = json_loads(doc, 0, NULL);
        if (!a)
                return -EIO;
        return json_array_append_new(w->docs, a) < 0 ? -ENOMEM : 0;
}

int identity_assignments_list(struct store *st, const struct identity_assignment_filter *f,
                              struct identity_assignments *ret)
{
        const char *u[] = {f->user_id}, *p[] = {f->project_id}, *ro[] = {f->role_id};
        struct store_filter sf[3];
        size_t n = 0;
        if (f->user_id)
                sf[n++] = (struct store_filter){"user_id", STORE_VALUE_TEXT, u, 1};
        if (f->project_id)
                sf[n++] = (struct store_filter){"scope_id", STORE_VALUE_TEXT, p, 1};
        if (f->role_id)
                sf[n++] = (struct store_filter){"role_id", STORE_VALUE_TEXT, ro, 1};
        struct store_query q = {.filters = sf, .n_filters = n};
        _cleanup_jdoc_ json_t *docs = json_array();
        struct assignment_walk w = {st, f->names, docs};
        struct identity_assignments l = {0};
        if (!docs)
                return -ENOMEM;
        int r = store_begin(st, false);
        if (r < 0)
                return r;
        r = store_obj_list(st, "assignment", &q, assignment_cb, &w);
        if (r >= 0 && !(l.v = calloc(json_array_size(docs) + 1, sizeof(*l.v))))
                r = -ENOMEM;
        size_t i;
        json_t *a;
        json_array_foreach(docs, i, a) {
                if (r < 0)
                        break;
                struct identity_assignment *x = &l.v[l.n++];
                x->domain_scope = streq(rec_str(a, "scope_type") ?: "", "domain");
                r = named(st, x->domain_scope ? "domain" : "project", rec_str(a, "scope_id"),
                          f->names, &x->scope);
                if (r >= 0)
                        r = named(st, "user", rec_str(a, "user_id"), f->names, &x->user);
                if (r >= 0)
                        r = named(st, "role", rec_str(a, "role_id"), f->names, &x->role);
        }
        store_end(st, true);
        if (r < 0) {
                identity_assignments_done(&l);
                return r;
        }
        *ret = l;
        return 0;
}

int identity_catalog(struct store *st, json_t **ret)
{
        int r = store_begin(st, false);
        if (r < 0)
                return r;
        r = rec_find(st, "service", NULL, NULL, NULL, NULL, ret);
        store_end(st, true);
        return r;
}
