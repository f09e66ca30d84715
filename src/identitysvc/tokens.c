/* Password authentication and tokens: issue, validate, revoke. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/macro.h"
#include "base/time-format.h"
#include "identitysvc/auth.h"
#include "identitysvc/records.h"
#include "identity/login-gate.h"
#include "identity/password.h"

void identity_token_done(struct identity_token *t)
{
        identity_named_done(&t->user);
        identity_named_done(&t->project);
        identity_named_done(&t->domain);
        for (size_t i = 0; i < t->n_roles; i++)
                identity_named_done(&t->roles[i]);
        free(t->roles);
        json_decref(t->catalog);
        *t = (struct identity_token){0};
}

static json_t *named_json(const struct identity_named *n)
{
        return json_pack("{s:s,s:s}", "id", n->id, "name", n->name ? n->name : n->id);
}

/* The stored token: Keystone's token body (what validation answered in
 * earlier versions), its user beside it (so a user's tokens can be found)
 * and its expiry as a number. */
static json_t *stored_doc(const struct identity_token *t, double expires)
{
        json_t *roles = json_array();
        for (size_t i = 0; roles && i < t->n_roles; i++)
                json_array_append_new(roles, named_json(&t->roles[i]));
        json_t *body = json_pack(
                "{s:o,s:{s:{s:s,s:s},s:s,s:s,s:n},s:[s],s:s,s:s,s:o}", "methods",
                t->rescoped ? json_pack("[s,s]", "token", "password") : json_pack("[s]", "password"),
                "user", "domain", "id", t->user.domain_id, "name", t->user.domain_name, "id",
                t->user.id, "name", t->user.name, "password_expires_at", "audit_ids", t->audit_id,
                "expires_at", t->expires_at, "issued_at", t->issued_at, "roles", roles);
        if (body && t->project.id) {
                json_object_set_new(body, "project",
                                    json_pack("{s:{s:s,s:s},s:s,s:s}", "domain", "id",
                                              t->project.domain_id, "name",
                                              t->project.domain_name, "id", t->project.id,
                                              "name", t->project.name));
                json_object_set_new(body, "is_domain", json_false());
        } else if (body && t->domain.id)
                json_object_set_new(body, "domain", named_json(&t->domain));
        return body ? json_pack("{s:f,s:s,s:o}", "expires", expires, "user_id", t->user.id,
                                "token", body)
                    : NULL;
}

/* Inside a transaction: the catalog a scoped token carries. */
static int token_catalog(struct store *st, json_t **ret)
{
        _cleanup_jdoc_ json_t *all = NULL;
        int r = rec_find(st, "service", NULL, NULL, NULL, NULL, &all);
        if (r >= 0 && !(*ret = identity_catalog_view(all)))
                r = -ENOMEM;
        return r;
}

static int named_set(struct identity_named *n, const char *id, const char *name)
{
        n->id = strdup(id ? id : "");
        n->name = strdup(name ? name : "");
        return n->id && n->name ? 0 : -ENOMEM;
}

static int with_domain(struct store *st, struct identity_named *n, const char *domain_id)
{
        struct identity_named d = {0};
        int r = rec_domain_named(st, domain_id ? domain_id : "", &d);
        n->domain_id = d.id;
        n->domain_name = d.name;
        return r;
}

/* Inside a read transaction: the user and the hash of its password. */
static int find_user(struct store *st, const struct identity_password_auth *in, json_t **user,
                     char **hash)
{
        int r = rec_resolve(st, "user", in->user_id, in->user_name, in->user_domain_id,
                            in->user_domain_name, user);
        if (r < 0)
                return r;
        char key[64];
        snprintf(key, sizeof(key), "password:%s", rec_str(*user, "id"));
        return store_secret_get(st, key, hash);
}

/* Inside the write transaction of an issue: the scope and the roles on it. */
static int scope_of(struct store *st, const struct identity_password_auth *in,
                    struct identity_token *t)
{
        _cleanup_jdoc_ json_t *scope = NULL;
        int r;
        if (in->scope == IDENTITY_SCOPE_NONE)
                return 0;
        if (in->scope == IDENTITY_SCOPE_PROJECT)
                r = rec_resolve(st, "project", in->scope_id, in->scope_name, in->scope_domain_id,
                                in->scope_domain_name, &scope);
        else if (in->scope_id)
                r = rec_get(st, "domain", in->scope_id, &scope);
        else
                r = rec_find_one(st, "domain", "name", in->scope_name ? in->scope_name : "", NULL,
                                 NULL, &scope);
        if (r == -ENOENT)
                return -EACCES;
        if (r < 0)
                return r;
        if (!json_is_true(json_object_get(scope, "enabled")))
                return -EACCES;
        struct identity_named *n = in->scope == IDENTITY_SCOPE_PROJECT ? &t->project : &t->domain;
        r = named_set(n, rec_str(scope, "id"), rec_str(scope, "name"));
        if (r >= 0 && in->scope == IDENTITY_SCOPE_PROJECT)
                r = with_domain(st, n, rec_str(scope, "domain_id"));
        if (r >= 0)
                r = rec_user_roles(st, t->user.id, n->id, &t->roles, &t->n_roles);
        if (r >= 0 && t->n_roles == 0)
                r = -EACCES; /* no role there, no token */
        return r;
}

/* Keystone scopes a token asked for without scope to the user's
 * default_project_id when the user holds a role there (and the project is
 * enabled); otherwise it stays unscoped. */
static int default_scope(struct store *st, const json_t *user, struct identity_token *t)
{
        _cleanup_jdoc_ json_t *project = NULL;
        const char *id = rec_str(user, "default_project_id");
        if (!id || !*id)
                return 0;
        int r = rec_get(st, "project", id, &project);
        if (r == -ENOENT || (r >= 0 && !json_is_true(json_object_get(project, "enabled"))))
                return 0;
        if (r >= 0)
                r = rec_user_roles(st, t->user.id, id, &t->roles, &t->n_roles);
        if (r < 0 || t->n_roles == 0)
                return r;
        r = named_set(&t->project, id, rec_str(project, "name"));
        return r < 0 ? r : with_domain(st, &t->project, rec_str(project, "domain_id"));
}

/* The token method: the user of a valid token and when that token
 * expires (a rescoped token lives no longer than the one it came from).
 * A token that does not validate is -ENOENT, as Keystone's TokenNotFound. */
static int user_of_token(struct store *st, const char *token, double now, json_t **user,
                         double *expires)
{
        struct auth_context a = {0};
        char hash[TOKEN_HASH_STR_LEN];
        _cleanup_jdoc_ json_t *doc = NULL;
        if (token_hash(token, hash) < 0)
                return -ENOENT;
        int r = identity_authenticate(st, NULL, token, now, &a);
        if (r == -EACCES)
                r = -ENOENT;
        if (r >= 0)
                r = store_begin(st, false);
        if (r >= 0) {
                r = rec_get(st, "token", hash, &doc);
                if (r >= 0)
                        r = rec_get(st, "user", a.user_id, user);
                store_end(st, true);
        }
        auth_context_done(&a);
        if (r >= 0) {
                double e = json_real_value(json_object_get(doc, "expires"));
                *expires = e < *expires ? e : *expires;
        }
        return r;
}

/* How long a login waits for a password check slot before 503. */
#define PASSWORD_SLOT_WAIT 2.0

/* Keystone's lockout applies unless the user's options say otherwise. */
static bool lockout_applies(const json_t *user)
{
        const json_t *opts = json_object_get(user, "options");
        return !json_is_true(json_object_get(opts, "ignore_lockout_failure_attempts"));
}

/* Keystone's failed_auth_count kept on the user's row: a failure counts
 * (from 1 again once a lockout has passed), a success clears it. */
static int count_result(struct store *st, const char *uid, bool ok, bool restart, double now)
{
        int r = store_begin(st, true);
        if (r < 0)
                return r;
        r = ok ? store_auth_failures_clear(st, uid) : store_auth_failure_add(st, uid, now, restart);
        int k = store_end(st, r >= 0);
        return r < 0 ? r : k;
}

int rec_password_check(struct store *st, struct login_gate *gate, const json_t *user,
                       const char *hash, const char *password, double now)
{
        const char *uid = user ? rec_str(user, "id") : NULL;
        bool counted = gate && uid && login_gate_counts_users(gate) && lockout_applies(user);
        struct store_auth_failures f = {0};
        if (counted) {
                int r = store_begin(st, false);
                if (r < 0)
                        return r;
                r = store_auth_failures_get(st, uid, &f);
                store_end(st, true);
                if (r < 0)
                        return r;
        }
        enum login_lockout lock = counted ? login_gate_lockout(gate, f.count, f.at, now)
                                          : LOGIN_OPEN;
        /* A locked user's password is not even checked, as in Keystone. */
        if (lock == LOGIN_LOCKED)
                return -ENOLCK;
        if (gate && login_gate_slot_take(gate, PASSWORD_SLOT_WAIT) < 0)
                return -EBUSY;
        /* Verify even for an unknown user so both cases take the same
         * time; never under the store's lock. */
        bool ok = password_verify(hash ? hash
                                       : "$argon2id$v=19$m=16384,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$"
                                         "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                                  password ? password : "");
        if (gate)
                login_gate_slot_give(gate);
        if (counted && (!ok || f.count > 0)) {
                int r = count_result(st, uid, ok, lock == LOGIN_LOCK_PASSED, now);
                if (r < 0)
                        return r;
        }
        return user && hash && ok ? 0 : -EACCES;
}

int identity_token_issue(struct store *st, struct login_gate *gate,
                         const struct identity_password_auth *in, double now, long lifetime,
                         struct identity_token *ret)
{
        _cleanup_jdoc_ json_t *user = NULL, *doc = NULL;
        _cleanup_free_ char *hash = NULL;
        struct identity_token t = {0};
        double expires = now + (double)lifetime;
        int r;
        if (in->token) {
                r = user_of_token(st, in->token, now, &user, &expires);
                if (r < 0)
                        return r;
        } else {
                r = store_begin(st, false);
                if (r < 0)
                        return r;
                r = find_user(st, in, &user, &hash);
                store_end(st, true);
                if (r == -EBUSY)
                        return r;
                int k = rec_password_check(st, gate, r >= 0 ? user : NULL, hash,
                                           in->password, now);
                if (k == -ENOLCK) {
                        int n = named_set(&ret->user, rec_str(user, "id"), rec_str(user, "name"));
                        return n < 0 ? n : -ENOLCK;
                }
                if (k < 0)
                        return k;
        }
        if (!json_is_true(json_object_get(user, "enabled")))
                return -EACCES;

        r = named_set(&t.user, rec_str(user, "id"), rec_str(user, "name"));
        t.rescoped = in->token != NULL;
        /* Keystone prints token times with microseconds. */
        time_format_iso8601(now, true, t.issued_at);
        time_format_iso8601(expires, true, t.expires_at);
        random_hex_id(t.audit_id);
        token_generate(t.token);
        char th[TOKEN_HASH_STR_LEN];
        token_hash(t.token, th);
        if (r >= 0)
                r = store_begin(st, true);
        if (r < 0) {
                identity_token_done(&t);
                return r;
        }
        r = with_domain(st, &t.user, rec_str(user, "domain_id"));
        if (r >= 0)
                r = scope_of(st, in, &t);
        if (r >= 0 && in->scope == IDENTITY_SCOPE_NONE && !in->token)
                r = default_scope(st, user, &t);
        if (r >= 0 && !(doc = stored_doc(&t, expires)))
                r = -ENOMEM;
        if (r >= 0)
                r = rec_insert(st, "token", th, t.project.id, doc);
        /* Now and then, forget expired tokens (each is a row). */
        if (r >= 0 && random_below(64) == 0) {
                int k = store_obj_delete_below(st, "token", "expires", now);
                r = k < 0 ? k : r;
        }
        if (r >= 0 && (t.project.id || t.domain.id))
                r = token_catalog(st, &t.catalog);
        int k = store_end(st, r >= 0);
        r = r < 0 ? r : k;
        if (r < 0) {
                identity_token_done(&t);
                return r;
        }
        *ret = t;
        return 0;
}

static int named_from(const json_t *o, struct identity_named *n)
{
        if (!o)
                return 0;
        const json_t *d = json_object_get(o, "domain");
        int r = named_set(n, rec_str(o, "id"), rec_str(o, "name"));
        if (r >= 0 && d) {
                n->domain_id = strdup(rec_str(d, "id") ?: "");
                n->domain_name = strdup(rec_str(d, "name") ?: "");
                if (!n->domain_id || !n->domain_name)
                        r = -ENOMEM;
        }
        return r;
}

int identity_token_validate(struct store *st, struct token_cache *cache, const char *token,
                            double now, struct identity_token *ret)
{
        char hash[TOKEN_HASH_STR_LEN];
        struct auth_context a = {0};
        struct identity_token t = {0};
        _cleanup_jdoc_ json_t *doc = NULL;
        if (token_hash(token, hash) < 0)
                return -ENOENT;
        /* The same decision as for its use: a token whose user, project or
         * roles no longer allow it is not found. */
        int r = identity_authenticate(st, cache, token, now, &a);
        auth_context_done(&a);
        if (r == -EACCES)
                return -ENOENT;
        if (r < 0)
                return r;
        r = store_begin(st, false);
        if (r < 0)
                return r;
        r = rec_get(st, "token", hash, &doc);
        json_t *body = json_object_get(doc, "token");
        if (r >= 0 && (!body || json_real_value(json_object_get(doc, "expires")) < now))
                r = -ENOENT;
        if (r >= 0) {
                const json_t *audit = json_array_get(json_object_get(body, "audit_ids"), 0);
                snprintf(t.audit_id, sizeof(t.audit_id), "%s", json_string_value(audit) ?: "");
                snprintf(t.issued_at, sizeof(t.issued_at), "%s", rec_str(body, "issued_at") ?: "");
                snprintf(t.expires_at, sizeof(t.expires_at), "%s", rec_str(body, "expires_at") ?: "");
                t.rescoped = json_array_size(json_object_get(body, "methods")) > 1;
                r = named_from(json_object_get(body, "user"), &t.user);
        }
        if (r >= 0)
                r = named_from(json_object_get(body, "project"), &t.project);
        if (r >= 0)
                r = named_from(json_object_get(body, "domain"), &t.domain);
        /* The roles held now, not those at issue. */
        const char *scope = t.project.id ? t.project.id : t.domain.id;
        if (r >= 0 && scope)
                r = rec_user_roles(st, t.user.id, scope, &t.roles, &t.n_roles);
        if (r >= 0 && t.n_roles)
                r = token_catalog(st, &t.catalog);
        store_end(st, true);
        if (r < 0) {
                identity_token_done(&t);
                return r;
        }
        *ret = t;
        return 0;
}

int identity_token_revoke(struct store *st, struct token_cache *cache, const char *token)
{
        char hash[TOKEN_HASH_STR_LEN];
        if (token_hash(token, hash) < 0)
                return -ENOENT;
        int r = store_begin(st, true);
        if (r < 0)
                return r;
        r = store_obj_delete(st, "token", hash);
        if (r >= 0)
                r = identity_changed(st);
        int k = store_end(st, r >= 0);
        if (cache)
                token_cache_drop(cache, hash);
        return r < 0 ? r : k;
}
