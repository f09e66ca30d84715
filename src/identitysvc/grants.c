/* Role grants to users and groups on projects and domains, group
 * membership, implied roles, role assignments (as granted and effective),
 * a user's own password change. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/macro.h"
#include "identitysvc/auth.h"
#include "identitysvc/records.h"
#include "identity/password.h"

/* Inside a transaction: each named object exists, or -ENOENT naming the
 * first one missing. */
static int all_exist(struct store *st, const char *const *kinds, const char *const *ids, size_t n,
                     struct identity_error *err)
{
        for (size_t i = 0; i < n; i++) {
                _cleanup_jdoc_ json_t *doc = NULL;
                int r = rec_get(st, kinds[i], ids[i], &doc);
                if (r == -ENOENT)
                        rec_not_found(err, kinds[i], ids[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}

int identity_grant_ex(struct store *st, enum identity_grant_op op,
                      const struct identity_grant_ref *g, struct identity_error *err)
{
        /* The system is no stored object: its grants are kept under the
         * scope id "all", which no project or domain id can be. */
        const char *scope_type = g->system ? "system" : g->domain ? "domain" : "project";
        const char *scope_id = g->system ? "all" : g->scope_id;
        const char *kinds[] = {g->group ? "group" : "user", "role", scope_type};
        const char *ids[] = {g->actor_id, g->role_id, scope_id};
        int r = store_begin(st, op != IDENTITY_GRANT_CHECK);
        if (r < 0)
                return r;
        r = all_exist(st, kinds, ids, g->system ? 2 : 3, err);
        char id[200];
        rec_assignment_id(scope_type, scope_id, g->group, g->actor_id, g->role_id, id);
        if (r >= 0 && op == IDENTITY_GRANT_ADD)
                r = rec_assign_ex(st, scope_type, scope_id, g->group, g->actor_id, g->role_id);
        else if (r >= 0 && op == IDENTITY_GRANT_REMOVE)
                r = store_obj_delete(st, "assignment", id);
        else if (r >= 0) {
                _cleanup_free_ char *d = NULL;
                r = store_obj_get(st, "assignment", id, &d, NULL);
        }
        if (r == -ENOENT && err && !err->what) {
                err->what = "role assignment";
                snprintf(err->which, sizeof(err->which),
                         "role: %s, user or group: %s, project, domain, or system: %s",
                         g->role_id, g->actor_id, scope_id);
        }
        /* As Keystone: a role removed from a user ends the user's tokens
         * on that project.  Any other change moves the identity stamp, and
         * every token is authorized from the roles held now. */
        if (r >= 0 && op == IDENTITY_GRANT_REMOVE && !g->group && !g->domain && !g->system)
                r = rec_revoke_project_tokens(st, g->scope_id, g->actor_id);
        else if (r >= 0 && op != IDENTITY_GRANT_CHECK)
                r = identity_changed(st);
        return rec_finish(st, r);
}

int identity_grant(struct store *st, enum identity_grant_op op, const char *project_id,
                   const char *user_id, const char *role_id, struct identity_error *err)
{
        struct identity_grant_ref g = {false, project_id, false, user_id, role_id};
        return identity_grant_ex(st, op, &g, err);
}

/* Appends the object of kind and id (skipped when gone) to l. */
static int append_object(struct store *st, enum identity_kind k, const char *id,
                         struct identity_objects *l, size_t cap)
{
        _cleanup_jdoc_ json_t *doc = NULL;
        if (!id || l->n == cap || rec_get(st, identity_kind_name(k), id, &doc) < 0)
                return 0;
        for (size_t i = 0; i < l->n; i++)
                if (streq(l->v[i].id, id))
                        return 0;
        int r = rec_object(k, doc, &l->v[l->n]);
        if (r >= 0)
                l->n++;
        return r;
}

/* The objects of kind k named by attr in each document of docs. */
static int objects_of(struct store *st, enum identity_kind k, json_t *docs, const char *attr,
                      struct identity_objects *ret)
{
        size_t cap = json_array_size(docs), i;
        struct identity_objects l = {calloc(cap + 1, sizeof(struct identity_object)), 0};
        json_t *d;
        int r = l.v ? 0 : -ENOMEM;
        json_array_foreach(docs, i, d) {
                if (r >= 0)
                        r = append_object(st, k, rec_str(d, attr), &l, cap);
        }
        if (r < 0) {
                identity_objects_done(&l);
                return r;
        }
        *ret = l;
        return 0;
}

int identity_grant_roles(struct store *st, const struct identity_grant_ref *g,
                         struct identity_objects *ret, struct identity_error *err)
{
        const char *scope_id = g->system ? "all" : g->scope_id;
        const char *kinds[] = {g->group ? "group" : "user", g->domain ? "domain" : "project"};
        const char *ids[] = {g->actor_id, scope_id};
        _cleanup_jdoc_ json_t *as = NULL;
        int r = store_begin(st, false);
        if (r < 0)
                return r;
        r = all_exist(st, kinds, ids, g->system ? 1 : 2, err);
        if (r >= 0)
                r = rec_find(st, "assignment", g->group ? "group_id" : "user_id", g->actor_id,
                             "scope_id", scope_id, &as);
        if (r >= 0)
                r = objects_of(st, IDENTITY_ROLE, as, "role_id", ret);
        store_end(st, true);
        return r;
}

int identity_membership(struct store *st, enum identity_grant_op op, const char *group_id,
                        const char *user_id, struct identity_error *err)
{
        const char *kinds[] = {"group", "user"}, *ids[] = {group_id, user_id};
        char id[160];
        snprintf(id, sizeof(id), "%s:%s", group_id, user_id);
        int r = store_begin(st, op != IDENTITY_GRANT_CHECK);
        if (r < 0)
                return r;
        r = all_exist(st, kinds, ids, 2, err);
        if (r >= 0 && op == IDENTITY_GRANT_ADD) {
                _cleanup_jdoc_ json_t *doc = json_pack("{s:s,s:s}", "group_id", group_id,
                                                       "user_id", user_id);
                r = doc ? rec_insert(st, "membership", id, NULL, doc) : -ENOMEM;
                r = r == -EEXIST ? 0 : r;
        } else if (r >= 0 && op == IDENTITY_GRANT_REMOVE)
                r = store_obj_delete(st, "membership", id);
        else if (r >= 0) {
                _cleanup_free_ char *d = NULL;
                r = store_obj_get(st, "membership", id, &d, NULL);
        }
        if (r == -ENOENT && err && !err->what) {
                /* Keystone's message for a user not in the group. */
                err->what = "membership";
                snprintf(err->which, sizeof(err->which), "%s", id);
        }
        if (r >= 0 && op != IDENTITY_GRANT_CHECK)
                r = identity_changed(st);
        return rec_finish(st, r);
}

static int members(struct store *st, const char *kind, const char *id, const char *attr,
                   enum identity_kind out, const char *out_attr, struct identity_objects *ret,
                   struct identity_error *err)
{
        _cleanup_jdoc_ json_t *docs = NULL;
        int r = store_begin(st, false);
        if (r < 0)
                return r;
        r = all_exist(st, &kind, &id, 1, err);
        if (r >= 0)
                r = rec_find(st, "membership", attr, id, NULL, NULL, &docs);
        if (r >= 0)
                r = objects_of(st, out, docs, out_attr, ret);
        store_end(st, true);
        return r;
}

int identity_group_users(struct store *st, const char *group_id, struct identity_objects *ret,
                         struct identity_error *err)
{
        return members(st, "group", group_id, "group_id", IDENTITY_USER, "user_id", ret, err);
}

int identity_user_groups(struct store *st, const char *user_id, struct identity_objects *ret,
                         struct identity_error *err)
{
        return members(st, "user", user_id, "user_id", IDENTITY_GROUP, "group_id", ret, err);
}

/* Inside a transaction: appends to scopes the assignments of actor. */
static int scopes_of(struct store *st, const char *attr, const char *actor, json_t *scopes)
{
        _cleanup_jdoc_ json_t *as = NULL;
        int r = rec_find(st, "assignment", attr, actor, NULL, NULL, &as);
        size_t i;
        json_t *a;
        json_array_foreach(as, i, a) {
                if (r >= 0 && json_array_append(scopes, a) < 0)
                        r = -ENOMEM;
        }
        return r;
}

int identity_user_scopes(struct store *st, const char *user_id, bool domains, bool enabled_only,
                         struct identity_objects *ret, struct identity_error *err)
{
        _cleanup_jdoc_ json_t *scopes = json_array(), *groups = NULL;
        struct identity_objects l = {0};
        if (!scopes)
                return -ENOMEM;
        const char *kind = "user";
        int r = store_begin(st, false);
        if (r < 0)
                return r;
        r = all_exist(st, &kind, &user_id, 1, err);
        if (r >= 0)
                r = scopes_of(st, "user_id", user_id, scopes);
        if (r >= 0)
                r = rec_find(st, "membership", "user_id", user_id, NULL, NULL, &groups);
        size_t i;
        json_t *m;
        json_array_foreach(groups, i, m) {
                if (r >= 0)
                        r = scopes_of(st, "group_id", rec_str(m, "group_id") ?: "", scopes);
        }
        if (r >= 0 && !(l.v = calloc(json_array_size(scopes) + 1, sizeof(*l.v))))
                r = -ENOMEM;
        json_array_foreach(scopes, i, m) {
                const char *type = rec_str(m, "scope_type") ?: "project";
                if (r < 0 || !streq(type, domains ? "domain" : "project"))
                        continue;
                struct identity_named *roles = NULL;
                size_t n = 0;
                /* A grant of a role that is gone gives nothing. */
                r = rec_user_roles(st, user_id, rec_str(m, "scope_id") ?: "", &roles, &n);
                for (size_t j = 0; j < n; j++)
                        identity_named_done(&roles[j]);
                free(roles);
                if (r >= 0 && n)
                        r = append_object(st, domains ? IDENTITY_DOMAIN : IDENTITY_PROJECT,
                                          rec_str(m, "scope_id"), &l, json_array_size(scopes));
                if (r >= 0 && l.n && enabled_only && !l.v[l.n - 1].enabled)
                        identity_object_done(&l.v[--l.n]);
        }
        store_end(st, true);
        if (r < 0) {
                identity_objects_done(&l);
                return r;
        }
        *ret = l;
        return 0;
}

int identity_implied(struct store *st, enum identity_grant_op op, const char *prior_id,
                     const char *implied_id, struct identity_error *err)
{
        const char *kinds[] = {"role", "role"}, *ids[] = {prior_id, implied_id};
        _cleanup_jdoc_ json_t *implied = NULL;
        char id[160];
        snprintf(id, sizeof(id), "%s:%s", prior_id, implied_id);
        int r = store_begin(st, op != IDENTITY_GRANT_CHECK);
        if (r < 0)
                return r;
        r = all_exist(st, kinds, ids, 2, err);
        /* As Keystone's default prohibited_implied_role: admin is never
         * implied. */
        if (r >= 0 && op == IDENTITY_GRANT_ADD && rec_get(st, "role", implied_id, &implied) >= 0 &&
            streq(rec_str(implied, "name") ?: "", "admin"))
                r = -EPERM;
        /* Nor may a global role imply a domain-specific one. */
        _cleanup_jdoc_ json_t *prior = NULL;
        if (r >= 0 && op == IDENTITY_GRANT_ADD && implied &&
            rec_get(st, "role", prior_id, &prior) >= 0 && !*(rec_str(prior, "domain_id") ?: "") &&
            *(rec_str(implied, "domain_id") ?: "")) {
                if (err)
                        err->what = "domain-specific role";
                r = -EPERM;
        }
        if (r >= 0 && op == IDENTITY_GRANT_ADD) {
                _cleanup_jdoc_ json_t *doc = json_pack("{s:s,s:s}", "prior_role_id", prior_id,
                                                       "implied_role_id", implied_id);
                r = doc ? rec_insert(st, "implied", id, NULL, doc) : -ENOMEM;
                r = r == -EEXIST ? 0 : r;
        } else if (r >= 0 && op == IDENTITY_GRANT_REMOVE)
                r = store_obj_delete(st, "implied", id);
        else if (r >= 0) {
                _cleanup_free_ char *d = NULL;
                r = store_obj_get(st, "implied", id, &d, NULL);
        }
        if (r == -ENOENT && err && !err->what) {
                err->what = "implied role";
                snprintf(err->which, sizeof(err->which), "%s does not imply %s", prior_id,
                         implied_id);
        }
        if (r >= 0 && op != IDENTITY_GRANT_CHECK)
                r = identity_changed(st);
        return rec_finish(st, r);
}

void identity_inferences_done(struct identity_inferences *l)
{
        for (size_t i = 0; i < l->n; i++) {
                identity_named_done(&l->v[i].prior);
                for (size_t j = 0; j < l->v[i].n_implies; j++)
                        identity_named_done(&l->v[i].implies[j]);
                free(l->v[i].implies);
        }
        free(l->v);
        *l = (struct identity_inferences){0};
}

static int role_named(struct store *st, const char *id, struct identity_named *ret)
{
        _cleanup_jdoc_ json_t *role = NULL;
        rec_get(st, "role", id, &role);
        ret->id = strdup(id);
        ret->name = strdup(rec_str(role, "name") ?: id);
        return ret->id && ret->name ? 0 : -ENOMEM;
}

int identity_inferences_list(struct store *st, const char *prior_id,
                             struct identity_inferences *ret, struct identity_error *err)
{
        _cleanup_jdoc_ json_t *rules = NULL;
        struct identity_inferences l = {0};
        const char *kind = "role";
        int r = store_begin(st, false);
        if (r < 0)
                return r;
        if (prior_id)
                r = all_exist(st, &kind, &prior_id, 1, err);
        if (r >= 0)
                r = rec_find(st, "implied", prior_id ? "prior_role_id" : NULL, prior_id, NULL,
                             NULL, &rules);
        size_t n = json_array_size(rules), i;
        if (r >= 0 && !(l.v = calloc(n + 1, sizeof(*l.v))))
                r = -ENOMEM;
        json_t *rule;
        json_array_foreach(rules, i, rule) {
                const char *p = rec_str(rule, "prior_role_id") ?: "";
                const char *im = rec_str(rule, "implied_role_id") ?: "";
                struct identity_inference *x = NULL;
                for (size_t j = 0; r >= 0 && j < l.n && !x; j++)
                        x = streq(l.v[j].prior.id, p) ? &l.v[j] : NULL;
                if (r >= 0 && !x) {
                        x = &l.v[l.n++];
                        r = role_named(st, p, &x->prior);
                        if (r >= 0 && !(x->implies = calloc(n + 1, sizeof(*x->implies))))
                                r = -ENOMEM;
                }
                if (r >= 0)
                        r = role_named(st, im, &x->implies[x->n_implies++]);
        }
        store_end(st, true);
        if (r < 0) {
                identity_inferences_done(&l);
                return r;
        }
        *ret = l;
        return 0;
}

int identity_password_change(struct store *st, struct login_gate *gate, const char *user_id,
                             const char *original, const char *password, double now,
                             struct identity_error *err)
{
        _cleanup_jdoc_ json_t *user = NULL;
        _cleanup_free_ char *hash = NULL;
        char key[64];
        snprintf(key, sizeof(key), "password:%s", user_id);
        int r = store_begin(st, false);
        if (r < 0)
                return r;
        r = rec_get(st, "user", user_id, &user);
        if (r == -ENOENT)
                rec_not_found(err, "user", user_id);
        if (r >= 0 && store_secret_get(st, key, &hash) < 0)
                hash = NULL;
        store_end(st, true);
        if (r < 0)
                return r;
        /* Never under the store's lock: verifying is the slow part.  As
         * Keystone's change_password, it authenticates first, so the check
         * counts toward the lockout. */
        r = rec_password_check(st, gate, user, hash, original, now);
        if (r < 0)
                return r;
        struct identity_update u = {.password = password, .enabled = -1};
        struct identity_object o = {0};
        r = identity_update(st, IDENTITY_USER, user_id, &u, &o, err);
        identity_object_done(&o);
        return r;
}

/* ---- role assignments ---- */

void identity_assignments_done(struct identity_assignments *l)
{
        for (size_t i = 0; i < l->n; i++) {
                identity_named_done(&l->v[i].scope);
                identity_named_done(&l->v[i].user);
                identity_named_done(&l->v[i].role);
                identity_named_done(&l->v[i].group_ref);
                free(l->v[i].prior_role_id);
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
        if (dom && !streq(kind, "role")) {
                struct identity_named d = {0};
                int r = rec_domain_named(st, dom, &d);
                ret->domain_id = d.id;
                ret->domain_name = d.name;
                if (r < 0)
                        return r;
        }
        return 0;
}

/* One row of the answer: (scope, user or group, role), with what it came
 * from when effective. */
struct row {
        json_t *a;            /* the stored assignment */
        const char *user_id;  /* the user it is for (effective group rows: the member) */
        const char *role_id;  /* the role it gives (effective: maybe an implied one) */
        const char *prior_id; /* the role assigned, when role_id is implied */
};

struct rows {
        struct row *v;
        size_t n, cap;
};

static int rows_add(struct rows *l, struct row x)
{
        if (l->n == l->cap) {
                size_t cap = l->cap ? l->cap * 2 : 16;
                struct row *v = realloc(l->v, cap * sizeof(*v));
                if (!v)
                        return -ENOMEM;
                l->v = v, l->cap = cap;
        }
        l->v[l->n++] = x;
        return 0;
}

/* The role of x, then (effective) every role it implies, once each. */
static int add_with_implied(struct store *st, struct rows *l, struct row x, json_t *keep,
                            json_t *seen)
{
        if (json_object_get(seen, x.role_id))
                return 0;
        if (json_object_set_new(seen, x.role_id, json_true()) < 0)
                return -ENOMEM;
        if (!keep)
                return rows_add(l, x);
        /* As Keystone: effective rows leave out domain-specific roles (they
         * are in no token), keeping the roles they imply. */
        _cleanup_jdoc_ json_t *role = NULL, *rules = NULL;
        int r = rec_get(st, "role", x.role_id, &role);
        const char *domain = r >= 0 ? rec_str(role, "domain_id") : NULL;
        r = r == -ENOENT ? 0 : r;
        if (r >= 0 && (!domain || !*domain))
                r = rows_add(l, x);
        if (r < 0)
                return r;
        r = rec_find(st, "implied", "prior_role_id", x.role_id, NULL, NULL, &rules);
        if (r < 0)
                return r;
        if (json_array_append(keep, rules) < 0)
                return -ENOMEM; /* keeps the rules' strings alive for the rows */
        size_t i;
        json_t *rule;
        json_array_foreach(rules, i, rule) {
                struct row y = x;
                y.role_id = rec_str(rule, "implied_role_id");
                y.prior_id = x.prior_id ? x.prior_id : x.role_id;
                if (y.role_id && (r = add_with_implied(st, l, y, keep, seen)) < 0)
                        return r;
        }
        return 0;
}

/* Inside the read transaction: the rows the filter asks for. */
static int collect_rows(struct store *st, const struct identity_assignment_filter *f,
                        json_t *docs, json_t *keep, struct rows *l)
{
        size_t i;
        json_t *a;
        json_array_foreach(docs, i, a) {
                const char *gid = rec_str(a, "group_id");
                const char *rid = rec_str(a, "role_id");
                if (!rid)
                        continue;
                _cleanup_jdoc_ json_t *seen = json_object(), *members = NULL;
                if (!seen)
                        return -ENOMEM;
                if (!f->effective) {
                        struct row x = {a, rec_str(a, "user_id"), rid, NULL};
                        if (rows_add(l, x) < 0)
                                return -ENOMEM;
                        continue;
                }
                if (!gid) {
                        struct row x = {a, rec_str(a, "user_id"), rid, NULL};
                        int r = add_with_implied(st, l, x, keep, seen);
                        if (r < 0)
                                return r;
                        continue;
                }
                /* A group's grant, as each member holds it. */
                int r = rec_find(st, "membership", "group_id", gid, NULL, NULL, &members);
                if (r < 0)
                        return r;
                if (json_array_append(keep, members) < 0)
                        return -ENOMEM;
                size_t j;
                json_t *m;
                json_array_foreach(members, j, m) {
                        const char *uid = rec_str(m, "user_id");
                        if (!uid || (f->user_id && !streq(uid, f->user_id)))
                                continue;
                        json_object_clear(seen);
                        struct row x = {a, uid, rid, NULL};
                        if ((r = add_with_implied(st, l, x, keep, seen)) < 0)
                                return r;
                }
        }
        return 0;
}

static int assignment_cb(const char *id, const char *doc, void *userdata)
{
        json_t *a = json_loads(doc, 0, NULL);
        if (!a)
                return -EIO;
        return json_array_append_new(userdata, a) < 0 ? -ENOMEM : 0;
}

int identity_assignments_list(struct store *st, const struct identity_assignment_filter *f,
                              struct identity_assignments *ret)
{
        const char *u[] = {f->user_id}, *g[] = {f->group_id},
                   *p[] = {f->project_id ? f->project_id : f->domain_id}, *ro[] = {f->role_id};
        struct store_filter sf[4];
        size_t n = 0;
        /* Effective: group grants count for their members, and implied
         * roles for those assigned, so only the scope narrows the read. */
        if (f->user_id && !f->effective)
                sf[n++] = (struct store_filter){"user_id", STORE_VALUE_TEXT, u, 1};
        if (f->group_id)
                sf[n++] = (struct store_filter){"group_id", STORE_VALUE_TEXT, g, 1};
        if (p[0])
                sf[n++] = (struct store_filter){"scope_id", STORE_VALUE_TEXT, p, 1};
        if (f->role_id && !f->effective)
                sf[n++] = (struct store_filter){"role_id", STORE_VALUE_TEXT, ro, 1};
        struct store_query q = {.filters = sf, .n_filters = n};
        _cleanup_jdoc_ json_t *docs = NULL, *keep = json_array();
        struct identity_assignments l = {0};
        struct rows rows = {0};
        if (!keep)
                return -ENOMEM;
        int r = store_begin(st, false);
        if (r < 0)
                return r;
        docs = json_array();
        r = docs ? store_obj_list(st, "assignment", &q, assignment_cb, docs) : -ENOMEM;
        if (r >= 0)
                r = collect_rows(st, f, docs, keep, &rows);
        if (r >= 0 && !(l.v = calloc(rows.n + 1, sizeof(*l.v))))
                r = -ENOMEM;
        for (size_t i = 0; r >= 0 && i < rows.n; i++) {
                const struct row *x = &rows.v[i];
                const char *gid = rec_str(x->a, "group_id");
                if (f->user_id && (!x->user_id || !streq(x->user_id, f->user_id)))
                        continue;
                if (f->role_id && !streq(x->role_id, f->role_id))
                        continue;
                struct identity_assignment *y = &l.v[l.n++];
                y->domain_scope = streq(rec_str(x->a, "scope_type") ?: "", "domain");
                y->system_scope = streq(rec_str(x->a, "scope_type") ?: "", "system");
                if ((f->project_id && (y->domain_scope || y->system_scope)) ||
                    (f->domain_id && !y->domain_scope)) {
                        l.n--;
                        continue;
                }
                y->group = gid != NULL;
                if (y->system_scope)
                        r = (y->scope.id = strdup("all")) ? 0 : -ENOMEM;
                else
                        r = named(st, y->domain_scope ? "domain" : "project",
                                  rec_str(x->a, "scope_id"), f->names, &y->scope);
                if (r >= 0 && x->user_id)
                        r = named(st, "user", x->user_id, f->names, &y->user);
                if (r >= 0 && gid)
                        r = named(st, "group", gid, f->names, &y->group_ref);
                if (r >= 0)
                        r = named(st, "role", x->role_id, f->names, &y->role);
                if (r >= 0 && x->prior_id && !(y->prior_role_id = strdup(x->prior_id)))
                        r = -ENOMEM;
        }
        store_end(st, true);
        free(rows.v);
        if (r < 0) {
                identity_assignments_done(&l);
                return r;
        }
        *ret = l;
        return 0;
}
