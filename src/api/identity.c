/* Identity (Keystone v3 subset): version discovery, tokens with a catalog,
 * domains, projects, users, roles and project role assignments, and the
 * bootstrap that creates the first admin and the catalog. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/identity.h"
#include "base/error.h"
#include "identity-service/auth.h"
#include "identity/password.h"
#include "identity/token.h"

#define DEFAULT_DOMAIN_ID "default"

/* ---- store helpers ---- */

static int get_json(struct store *st, const char *kind, const char *id, json_t **ret)
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

struct collect {
        json_t *arr;
};

static int collect_cb(const char *id, const char *doc, void *userdata)
{
        struct collect *c = userdata;
        json_t *j = json_loads(doc, 0, NULL);
        if (!j)
                return -EIO;
        json_array_append_new(c->arr, j);
        return 0;
}

/* Objects of kind whose attr equals value (and, if given, attr2 = value2). */
static int find_by(struct store *st, const char *kind, const char *attr, const char *value,
                   const char *attr2, const char *value2, json_t **ret)
{
        const char *v1[] = {value}, *v2[] = {value2};
        struct store_filter f[2] = {
                {attr, STORE_VALUE_TEXT, v1, 1},
                {attr2, STORE_VALUE_TEXT, v2, 1},
        };
        struct store_query q = {.filters = f, .n_filters = attr2 ? 2 : 1};
        struct collect c = {json_array()};
        if (!c.arr)
                return -ENOMEM;
        int r = store_obj_list(st, kind, &q, collect_cb, &c);
        if (r < 0) {
                json_decref(c.arr);
                return r;
        }
        *ret = c.arr;
        return 0;
}

static int find_one(struct store *st, const char *kind, const char *attr, const char *value,
                    const char *attr2, const char *value2, json_t **ret)
{
        _cleanup_json_ json_t *arr = NULL;
        int r = find_by(st, kind, attr, value, attr2, value2, &arr);
        if (r < 0)
                return r;
        if (json_array_size(arr) != 1)
                return -ENOENT;
        *ret = json_incref(json_array_get(arr, 0));
        return 0;
}

static int put_json(struct store *st, const char *kind, const char *id, const char *project,
                    json_t *doc)
{
        _cleanup_free_ char *s = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (!s)
                return -ENOMEM;
        return store_obj_insert(st, kind, id, project, s);
}

static json_t *links_self(const char *base, const char *coll, const char *id)
{
        char buf[512];
        snprintf(buf, sizeof(buf), "%s/v3/%s/%s", base, coll, id);
        return json_pack("{s:s}", "self", buf);
}

/* The base URL clients reached us at, from the Host header. */
static void base_url(const struct api_request *req, char *buf, size_t len)
{
        snprintf(buf, len, "http://%s", req->host ? req->host : "localhost");
}

/* ---- creation, shared by the API and bootstrap ---- */

static int ensure_default_domain(struct store *st)
{
        _cleanup_json_ json_t *d = NULL;
        if (get_json(st, "domain", DEFAULT_DOMAIN_ID, &d) == 0)
                return 0;
        _cleanup_json_ json_t *doc = json_pack(
                "{s:s,s:s,s:s,s:b,s:{},s:[]}", "id", DEFAULT_DOMAIN_ID, "name", "Default",
                "description", "The default domain", "enabled", 1, "options", "tags");
        return doc ? put_json(st, "domain", DEFAULT_DOMAIN_ID, NULL, doc) : -ENOMEM;
}

static int create_project(struct store *st, const char *name, const char *domain_id,
                          const char *description, bool enabled, json_t **ret)
{
        _cleanup_json_ json_t *existing = NULL;
        if (find_one(st, "project", "name", name, "domain_id", domain_id, &existing) == 0)
                return -EEXIST;
        char id[33];
        random_hex_id(id);
        _cleanup_json_ json_t *doc = json_pack(
                "{s:s,s:s,s:s,s:s,s:b,s:b,s:s,s:[],s:{}}", "id", id, "name", name, "domain_id",
                domain_id, "description", description ? description : "", "enabled", enabled,
                "is_domain", 0, "parent_id", domain_id, "tags", "options");
        if (!doc)
                return -ENOMEM;
        int r = put_json(st, "project", id, id, doc);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(doc);
        return 0;
}

static int create_user(struct store *st, const char *name, const char *domain_id,
                       const char *password_hash_text, const char *project_id, bool enabled,
                       json_t **ret)
{
        _cleanup_json_ json_t *existing = NULL;
        if (find_one(st, "user", "name", name, "domain_id", domain_id, &existing) == 0)
                return -EEXIST;
        char id[33];
        random_hex_id(id);
        _cleanup_json_ json_t *doc = json_pack("{s:s,s:s,s:s,s:b,s:n,s:{}}", "id", id, "name",
                                               name, "domain_id", domain_id, "enabled", enabled,
                                               "password_expires_at", "options");
        if (!doc)
                return -ENOMEM;
        if (project_id)
                json_object_set_new(doc, "default_project_id", json_string(project_id));
        int r = put_json(st, "user", id, NULL, doc);
        if (r >= 0 && password_hash_text) {
                char key[64];
                snprintf(key, sizeof(key), "password:%s", id);
                r = store_secret_set(st, key, password_hash_text);
        }
        if (r < 0)
                return r;
        *ret = TAKE_PTR(doc);
        return 0;
}

static int ensure_role(struct store *st, const char *name, json_t **ret)
{
        if (find_one(st, "role", "name", name, NULL, NULL, ret) == 0)
                return 0;
        char id[33];
        random_hex_id(id);
        _cleanup_json_ json_t *doc = json_pack("{s:s,s:s,s:n,s:n,s:{}}", "id", id, "name", name,
                                               "domain_id", "description", "options");
        if (!doc)
                return -ENOMEM;
        int r = put_json(st, "role", id, NULL, doc);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(doc);
        return 0;
}

static int assign(struct store *st, const char *scope_type, const char *scope_id,
                  const char *user_id, const char *role_id)
{
        char id[160];
        snprintf(id, sizeof(id), "%s:%s:%s:%s", scope_type, scope_id, user_id, role_id);
        _cleanup_json_ json_t *doc = json_pack("{s:s,s:s,s:s,s:s}", "scope_type", scope_type,
                                               "scope_id", scope_id, "user_id", user_id, "role_id",
                                               role_id);
        if (!doc)
                return -ENOMEM;
        int r = put_json(st, "assignment", id, scope_id, doc);
        return r == -EEXIST ? 0 : r;
}

/* [{id, name}] of the roles user holds on scope_id. */
static int user_roles(struct store *st, const char *user_id, const char *scope_id, json_t **ret)
{
        _cleanup_json_ json_t *as = NULL, *roles = json_array();
        int r = find_by(st, "assignment", "user_id", user_id, "scope_id", scope_id, &as);
        if (r < 0)
                return r;
        size_t i;
        json_t *a;
        json_array_foreach(as, i, a) {
                _cleanup_json_ json_t *role = NULL;
                if (get_json(st, "role", json_string_value(json_object_get(a, "role_id")), &role) < 0)
                        continue;
                json_array_append_new(roles, json_pack("{s:O,s:O}", "id", json_object_get(role, "id"),
                                                       "name", json_object_get(role, "name")));
        }
        *ret = TAKE_PTR(roles);
        return 0;
}

static int set_service(struct store *st, const char *type, const char *name, const char *url,
                       const char *region)
{
        _cleanup_json_ json_t *old = NULL;
        char id[33];
        if (find_one(st, "service", "type", type, NULL, NULL, &old) == 0)
                snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(old, "id")));
        else
                random_hex_id(id);
        _cleanup_json_ json_t *eps = json_array();
        static const char *const ifaces[] = {"public", "internal", "admin"};
        for (size_t i = 0; i < ARRAY_SIZE(ifaces); i++) {
                char eid[33];
                random_hex_id(eid);
                json_array_append_new(eps, json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", eid,
                                                     "interface", ifaces[i], "region_id", region,
                                                     "region", region, "url", url));
        }
        _cleanup_json_ json_t *doc = json_pack("{s:s,s:s,s:s,s:O}", "id", id, "type", type, "name",
                                               name, "endpoints", eps);
        _cleanup_free_ char *s = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (!s)
                return -ENOMEM;
        if (old)
                return store_obj_update(st, "service", id, s);
        return store_obj_insert(st, "service", id, NULL, s);
}

static int bootstrap_tx(struct store *st, const struct identity_bootstrap *b, const char *hash)
{
        int r = ensure_default_domain(st);
        if (r < 0)
                return r;
        _cleanup_json_ json_t *admin = NULL, *member = NULL, *reader = NULL, *service = NULL;
        if ((r = ensure_role(st, "admin", &admin)) < 0 || (r = ensure_role(st, "member", &member)) < 0 ||
            (r = ensure_role(st, "reader", &reader)) < 0 ||
            (r = ensure_role(st, "service", &service)) < 0)
                return r;

        _cleanup_json_ json_t *project = NULL, *user = NULL;
        if (find_one(st, "project", "name", b->project_name, "domain_id", DEFAULT_DOMAIN_ID,
                     &project) < 0) {
                r = create_project(st, b->project_name, DEFAULT_DOMAIN_ID,
                                   "Bootstrap project for initializing the cloud.", true, &project);
                if (r < 0)
                        return r;
        }
        const char *pid = json_string_value(json_object_get(project, "id"));
        if (find_one(st, "user", "name", b->username, "domain_id", DEFAULT_DOMAIN_ID, &user) < 0) {
                r = create_user(st, b->username, DEFAULT_DOMAIN_ID, hash, pid, true, &user);
                if (r < 0)
                        return r;
        } else {
                /* As keystone-manage does: bootstrap again resets the password. */
                char key[64];
                snprintf(key, sizeof(key), "password:%s",
                         json_string_value(json_object_get(user, "id")));
                if ((r = store_secret_set(st, key, hash)) < 0)
                        return r;
        }
        const char *uid = json_string_value(json_object_get(user, "id"));
        r = assign(st, "project", pid, uid, json_string_value(json_object_get(admin, "id")));
        if (r >= 0)
                r = assign(st, "domain", DEFAULT_DOMAIN_ID, uid,
                           json_string_value(json_object_get(admin, "id")));
        if (r < 0)
                return r;

        char url[512];
        snprintf(url, sizeof(url), "%s/v3/", b->public_url);
        if ((r = set_service(st, "identity", "keystone", url, b->region)) < 0)
                return r;
        if ((r = set_service(st, "network", "neutron", b->public_url, b->region)) < 0)
                return r;
        snprintf(url, sizeof(url), "%s/v2.1", b->public_url);
        if ((r = set_service(st, "compute", "nova", url, b->region)) < 0)
                return r;
        snprintf(url, sizeof(url), "%s/image", b->public_url);
        if ((r = set_service(st, "image", "glance", url, b->region)) < 0)
                return r;
        return identity_changed(st);
}

int identity_bootstrap(struct store *st, const struct identity_bootstrap *b)
{
        _cleanup_free_ char *hash = NULL;
        int r = password_hash(b->password, &hash);
        if (r < 0)
                return r;
        r = store_begin(st, true);
        if (r < 0)
                return r;
        r = bootstrap_tx(st, b, hash);
        int k = store_end(st, r >= 0);
        return r < 0 ? r : k;
}

/* ---- tokens ---- */

int api_authenticate(struct api_ctx *ctx, const char *token, struct auth_context *ret)
{
        return identity_authenticate(ctx->store, ctx->tokens, token, ctx->now(), ret);
}

static json_t *catalog(struct store *st)
{
        struct collect c = {json_array()};
        if (c.arr)
                store_obj_list(st, "service", NULL, collect_cb, &c);
        return c.arr;
}

static const char *jstr(const json_t *o, const char *k)
{
        return json_string_value(json_object_get(o, k));
}

/* Resolves {"id"} or {"name", "domain": {"id"|"name"}}. */
static int resolve_named(struct store *st, const char *kind, const json_t *spec, json_t **ret)
{
        const char *id = jstr(spec, "id");
        if (id)
                return get_json(st, kind, id, ret);
        const char *name = jstr(spec, "name");
        json_t *dom = json_object_get(spec, "domain");
        if (!name || !json_is_object(dom))
                return -EINVAL;
        const char *did = jstr(dom, "id");
        _cleanup_json_ json_t *d = NULL;
        if (!did) {
                if (!jstr(dom, "name") ||
                    find_one(st, "domain", "name", jstr(dom, "name"), NULL, NULL, &d) < 0)
                        return -ENOENT;
                did = jstr(d, "id");
        }
        return find_one(st, kind, "name", name, "domain_id", did, ret);
}

static json_t *domain_ref(struct store *st, const char *domain_id)
{
        _cleanup_json_ json_t *d = NULL;
        if (get_json(st, "domain", domain_id, &d) < 0)
                return json_pack("{s:s,s:s}", "id", domain_id, "name", domain_id);
        return json_pack("{s:s,s:O}", "id", domain_id, "name", json_object_get(d, "name"));
}

static int token_issue(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *body = api_parse_body(req, resp, API_IDENTITY);
        if (!body)
                return 0;
        json_t *auth = json_object_get(body, "auth");
        json_t *ident = json_object_get(auth, "identity");
        json_t *methods = json_object_get(ident, "methods");
        json_t *pw_user = json_object_get(json_object_get(ident, "password"), "user");
        const char *password = jstr(pw_user, "password");
        if (!json_is_array(methods) || !json_is_object(pw_user) || !password) {
                size_t i;
                json_t *m;
                json_array_foreach(methods, i, m) if (json_is_string(m) &&
                                                      !streq(json_string_value(m), "password"))
                        return api_keystone_error(resp, 401, "Unsupported authentication method: "
                                                  "%s", json_string_value(m));
                return api_keystone_error(resp, 400, "Invalid input for field 'identity': "
                                          "password authentication needs "
                                          "auth.identity.password.user.password");
        }
        json_t *scope = json_object_get(auth, "scope");

        _cleanup_json_ json_t *user = NULL, *project = NULL, *domain = NULL;
        _cleanup_free_ char *hash = NULL;
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        r = resolve_named(ctx->store, "user", pw_user, &user);
        if (r >= 0) {
                char key[64];
                snprintf(key, sizeof(key), "password:%s", jstr(user, "id"));
                r = store_secret_get(ctx->store, key, &hash);
        }
        store_end(ctx->store, true);
        /* Verify even for an unknown user so both cases take the same time. */
        bool ok = password_verify(hash ? hash
                                       : "$argon2id$v=19$m=16384,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$"
                                         "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                                  password);
        if (r < 0 || !ok || !json_is_true(json_object_get(user, "enabled")))
                return api_keystone_error(resp, 401, "The request you have made requires "
                                          "authentication.");

        const char *uid = jstr(user, "id");
        _cleanup_json_ json_t *roles = NULL, *cat = NULL;
        r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        const char *scope_id = NULL;
        if (json_object_get(scope, "project")) {
                r = resolve_named(ctx->store, "project", json_object_get(scope, "project"), &project);
                scope_id = project ? jstr(project, "id") : NULL;
        } else if (json_object_get(scope, "domain")) {
                json_t *ds = json_object_get(scope, "domain");
                if (jstr(ds, "id"))
                        r = get_json(ctx->store, "domain", jstr(ds, "id"), &domain);
                else
                        r = find_one(ctx->store, "domain", "name", jstr(ds, "name") ? jstr(ds, "name") : "",
                                     NULL, NULL, &domain);
                scope_id = domain ? jstr(domain, "id") : NULL;
        }
        if (r >= 0 && scope_id)
                r = user_roles(ctx->store, uid, scope_id, &roles);
        if (r < 0 || (scope_id && json_array_size(roles) == 0) ||
            (project && !json_is_true(json_object_get(project, "enabled")))) {
                store_end(ctx->store, false);
                return api_keystone_error(resp, 401, "The request you have made requires "
                                          "authentication.");
        }
        if (!roles)
                roles = json_array();

        double now = ctx->now(), exp = now + (double)ctx->token_expiration;
        char issued[40], expires[40], audit[33], token[TOKEN_STR_LEN], th[TOKEN_HASH_STR_LEN];
        api_format_time(now, true, issued);
        api_format_time(exp, true, expires);
        random_hex_id(audit);
        token_generate(token);
        token_hash(token, th);

        _cleanup_json_ json_t *t = json_pack(
                "{s:[s],s:{s:o,s:s,s:s,s:n},s:[s],s:s,s:s,s:O}", "methods", "password", "user",
                "domain", domain_ref(ctx->store, jstr(user, "domain_id")), "id", uid, "name",
                jstr(user, "name"), "password_expires_at", "audit_ids", audit, "expires_at",
                expires, "issued_at", issued, "roles", roles);
        if (project) {
                json_object_set_new(t, "project",
                                    json_pack("{s:o,s:O,s:O}", "domain",
                                              domain_ref(ctx->store, jstr(project, "domain_id")),
                                              "id", json_object_get(project, "id"), "name",
                                              json_object_get(project, "name")));
                json_object_set_new(t, "is_domain", json_false());
        } else if (domain)
                json_object_set_new(t, "domain", json_pack("{s:O,s:O}", "id",
                                                           json_object_get(domain, "id"), "name",
                                                           json_object_get(domain, "name")));
        /* user_id beside the token, so disabling a user or changing its
         * password can revoke its tokens by a filter. */
        _cleanup_json_ json_t *stored = json_pack("{s:f,s:s,s:O}", "expires", exp, "user_id", uid,
                                                  "token", t);
        _cleanup_free_ char *s = json_dumps(stored, JSON_COMPACT | JSON_PRESERVE_ORDER);
        r = s ? store_obj_insert(ctx->store, "token", th, project ? jstr(project, "id") : NULL, s)
              : -ENOMEM;
        /* Now and then, forget expired tokens (each is a row). */
        if (r >= 0 && random_below(64) == 0) {
                int k = store_obj_delete_below(ctx->store, "token", "expires", now);
                r = k < 0 ? k : r;
        }
        if (r >= 0 && scope_id)
                cat = catalog(ctx->store);
        r = store_end(ctx->store, r >= 0);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        if (cat)
                json_object_set(t, "catalog", cat);
        resp->subject_token = strdup(token);
        api_reply_json(resp, 201, json_pack("{s:O}", "token", t));
        return 0;
}

static int token_validate(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        char hash[TOKEN_HASH_STR_LEN];
        _cleanup_free_ char *doc = NULL;
        struct auth_context subject = {0};
        if (!req->subject_token || token_hash(req->subject_token, hash) < 0)
                return api_keystone_error(resp, 404, "Could not find token: %s.",
                                          req->subject_token ? req->subject_token : "");
        /* The same decision as for its use: a token whose user, project or
         * roles no longer allow it is not found. */
        int r = identity_authenticate(ctx->store, ctx->tokens, req->subject_token, ctx->now(),
                                      &subject);
        _cleanup_free_ char *scope_id = subject.project_id ? strdup(subject.project_id)
                                        : subject.domain_id ? strdup(subject.domain_id) : NULL;
        auth_context_done(&subject);
        if (r == -EACCES)
                return api_keystone_error(resp, 404, "Could not find token: %s.", req->subject_token);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        r = store_begin(ctx->store, false);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        r = store_obj_get(ctx->store, "token", hash, &doc, NULL);
        _cleanup_json_ json_t *j = r >= 0 ? json_loads(doc, 0, NULL) : NULL;
        json_t *t = json_object_get(j, "token");
        json_t *roles = NULL;
        /* The roles held now, not those at issue. */
        if (t && scope_id && user_roles(ctx->store, jstr(j, "user_id"), scope_id, &roles) >= 0)
                json_object_set_new(t, "roles", roles);
        if (t && json_object_get(t, "roles") && json_array_size(json_object_get(t, "roles")))
                json_object_set_new(t, "catalog", catalog(ctx->store));
        store_end(ctx->store, true);
        if (!t || json_real_value(json_object_get(j, "expires")) < ctx->now())
                return api_keystone_error(resp, 404, "Could not find token: %s.", req->subject_token);
        resp->subject_token = strdup(req->subject_token);
        api_reply_json(resp, 200, json_pack("{s:O}", "token", t));
        return 0;
}

static int token_revoke(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        char hash[TOKEN_HASH_STR_LEN];
        if (!req->subject_token || token_hash(req->subject_token, hash) < 0)
                return api_keystone_error(resp, 404, "Could not find token: %s.",
                                          req->subject_token ? req->subject_token : "");
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        r = store_obj_delete(ctx->store, "token", hash);
        if (r >= 0)
                r = identity_changed(ctx->store);
        store_end(ctx->store, r >= 0);
        if (ctx->tokens)
                token_cache_drop(ctx->tokens, hash);
        if (r == -ENOENT)
                return api_keystone_error(resp, 404, "Could not find token: %s.", req->subject_token);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        api_reply_empty(resp, 204);
        return 0;
}

/* ---- version discovery ---- */

static json_t *version_doc(const struct api_request *req)
{
        char base[300], self[340];
        base_url(req, base, sizeof(base));
        snprintf(self, sizeof(self), "%s/v3/", base);
        return json_pack("{s:s,s:s,s:s,s:[{s:s,s:s}],s:[{s:s,s:s}]}", "id", "v3.14", "status",
                         "stable", "updated", "2020-04-07T00:00:00Z", "links", "rel", "self", "href",
                         self, "media-types", "base", "application/json", "type",
                         "application/vnd.openstack.identity-v3+json");
}

static int version_v3(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        api_reply_json(resp, 200, json_pack("{s:o}", "version", version_doc(req)));
        return 0;
}

static int versions_root(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        api_reply_json(resp, 300, json_pack("{s:{s:[o]}}", "versions", "values", version_doc(req)));
        return 0;
}

/* ---- projects, users, roles, domains ---- */

static int need_admin(struct api_request *req, struct api_response *resp)
{
        if (policy_identity_admin(&req->auth))
                return 0;
        return api_keystone_error(resp, 403, "You are not authorized to perform the requested "
                                  "action: identity administration needs the admin role.");
}

struct id_kind {
        const char *kind, *singular, *plural, *display;
};
static const struct id_kind K_PROJECT = {"project", "project", "projects", "project"};
static const struct id_kind K_USER = {"user", "user", "users", "user"};
static const struct id_kind K_ROLE = {"role", "role", "roles", "role"};
static const struct id_kind K_DOMAIN = {"domain", "domain", "domains", "domain"};

static void add_links(const struct api_request *req, const struct id_kind *k, json_t *o)
{
        char base[300];
        base_url(req, base, sizeof(base));
        json_object_set_new(o, "links", links_self(base, k->plural, jstr(o, "id")));
}

static int show_generic(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                        const struct id_kind *k)
{
        _cleanup_json_ json_t *o = NULL;
        const char *id = req->params[0];
        bool self = k == &K_USER && req->auth.user_id && streq(req->auth.user_id, id);
        bool own = k == &K_PROJECT && req->auth.project_id && streq(req->auth.project_id, id);
        if (!self && !own && !policy_identity_admin(&req->auth) && k != &K_DOMAIN)
                return need_admin(req, resp);
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        r = get_json(ctx->store, k->kind, id, &o);
        store_end(ctx->store, true);
        if (r == -ENOENT)
                return api_keystone_error(resp, 404, "Could not find %s: %s.", k->display, id);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        add_links(req, k, o);
        api_reply_json(resp, 200, json_pack("{s:O}", k->singular, o));
        return 0;
}

static int list_generic(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                        const struct id_kind *k)
{
        if (need_admin(req, resp) < 0)
                return 0;
        const char *name = api_query_get(req, "name");
        const char *v[] = {name};
        struct store_filter f = {"name", STORE_VALUE_TEXT, v, 1};
        struct store_query q = {.filters = &f, .n_filters = name ? 1 : 0};
        struct collect c = {json_array()};
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        r = store_obj_list(ctx->store, k->kind, &q, collect_cb, &c);
        store_end(ctx->store, true);
        if (r < 0) {
                json_decref(c.arr);
                return api_store_error(resp, API_IDENTITY, r);
        }
        size_t i;
        json_t *o;
        json_array_foreach(c.arr, i, o) add_links(req, k, o);
        char base[300], self[400];
        base_url(req, base, sizeof(base));
        snprintf(self, sizeof(self), "%s/v3/%s", base, k->plural);
        api_reply_json(resp, 200, json_pack("{s:o,s:{s:s,s:n,s:n}}", k->plural, c.arr, "links",
                                            "self", self, "previous", "next"));
        return 0;
}

#define GENERIC(k, name)                                                                           \
        static int show_##name(struct api_ctx *c, struct api_request *q, struct api_response *p)   \
        {                                                                                          \
                return show_generic(c, q, p, &k);                                                  \
        }                                                                                          \
        static int list_##name(struct api_ctx *c, struct api_request *q, struct api_response *p)   \
        {                                                                                          \
                return list_generic(c, q, p, &k);                                                  \
        }
GENERIC(K_PROJECT, project)
GENERIC(K_USER, user)
GENERIC(K_ROLE, role)
GENERIC(K_DOMAIN, domain)

static int create_common(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                         const struct id_kind *k)
{
        if (need_admin(req, resp) < 0)
                return 0;
        _cleanup_json_ json_t *body = api_parse_body(req, resp, API_IDENTITY);
        if (!body)
                return 0;
        json_t *in = json_object_get(body, k->singular);
        const char *name = jstr(in, "name");
        if (!json_is_object(in) || !name || !*name || strlen(name) > 255)
                return api_keystone_error(resp, 400, "Invalid input for field '%s': 'name' is a "
                                          "required property (a string of 1 to 255 characters).",
                                          k->singular);
        json_t *en = json_object_get(in, "enabled");
        if (en && !json_is_boolean(en))
                return api_keystone_error(resp, 400, "Invalid input for field 'enabled': %s is "
                                          "not of type 'boolean'.", "value");
        const char *domain_id = jstr(in, "domain_id") ? jstr(in, "domain_id") : DEFAULT_DOMAIN_ID;
        const char *password = jstr(in, "password");
        _cleanup_free_ char *hash = NULL;
        if (k == &K_USER && password) {
                int r = password_hash(password, &hash);
                if (r < 0)
                        return api_store_error(resp, API_IDENTITY, r);
        }
        _cleanup_json_ json_t *out = NULL, *dom = NULL;
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        r = get_json(ctx->store, "domain", domain_id, &dom);
        if (r == -ENOENT) {
                store_end(ctx->store, false);
                return api_keystone_error(resp, 400, "Could not find domain: %s.", domain_id);
        }
        if (r >= 0) {
                if (k == &K_PROJECT)
                        r = create_project(ctx->store, name, domain_id,
                                           jstr(in, "description"), !en || json_is_true(en), &out);
                else
                        r = create_user(ctx->store, name, domain_id, hash,
                                        jstr(in, "default_project_id"), !en || json_is_true(en), &out);
        }
        store_end(ctx->store, r >= 0);
        if (r == -EEXIST)
                return api_keystone_error(resp, 409, "Conflict occurred attempting to store %s - "
                                          "Duplicate entry found with name %s at domain ID %s.",
                                          k->display, name, domain_id);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        add_links(req, k, out);
        api_reply_json(resp, 201, json_pack("{s:O}", k->singular, out));
        return 0;
}

static int create_project_h(struct api_ctx *c, struct api_request *q, struct api_response *p)
{
        return create_common(c, q, p, &K_PROJECT);
}

static int create_user_h(struct api_ctx *c, struct api_request *q, struct api_response *p)
{
        return create_common(c, q, p, &K_USER);
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

/* Inside a write transaction: every object of kind whose attr is value
 * (and, if given, whose project is project_id) goes; ids are collected
 * first so no row is deleted under a running walk. */
static int delete_where(struct store *st, const char *kind, const char *attr, const char *value,
                        const char *project_id)
{
        const char *v[] = {value};
        struct store_filter f = {attr, STORE_VALUE_TEXT, v, 1};
        struct store_query q = {.filters = &f, .n_filters = attr ? 1 : 0, .project_id = project_id};
        struct id_list l = {0};
        int r = store_obj_list(st, kind, &q, collect_id_cb, &l);
        for (size_t i = 0; i < l.n; i++) {
                if (r >= 0)
                        r = store_obj_delete(st, kind, l.ids[i]);
                free(l.ids[i]);
        }
        free(l.ids);
        return r;
}

/* Inside a write transaction: every token of the user goes (and the
 * stamp moves, so no server keeps one cached). */
static int revoke_user_tokens(struct api_ctx *ctx, const char *user_id)
{
        int r = delete_where(ctx->store, "token", "user_id", user_id, NULL);
        return r < 0 ? r : identity_changed(ctx->store);
}

/* Inside a write transaction: the tokens scoped to a project (of one
 * user, or of all when user_id is NULL) go, as Keystone revokes them when
 * the project is disabled or deleted or a role on it is removed. */
static int revoke_project_tokens(struct api_ctx *ctx, const char *project_id, const char *user_id)
{
        int r = delete_where(ctx->store, "token", user_id ? "user_id" : NULL, user_id, project_id);
        return r < 0 ? r : identity_changed(ctx->store);
}

/* PATCH /v3/users/{id}, /v3/projects/{id}: name, description, enabled,
 * and a user's password and default_project_id. */
static int update_common(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                         const struct id_kind *k)
{
        if (need_admin(req, resp) < 0)
                return 0;
        _cleanup_json_ json_t *body = api_parse_body(req, resp, API_IDENTITY), *o = NULL;
        if (!body)
                return 0;
        json_t *in = json_object_get(body, k->singular);
        if (!json_is_object(in))
                return api_keystone_error(resp, 400, "Invalid input for field '%s': it must be "
                                          "an object.", k->singular);
        const char *key;
        json_t *v;
        json_object_foreach(in, key, v) {
                bool str = streq(key, "name") || streq(key, "description") ||
                           (k == &K_USER && (streq(key, "password") || streq(key, "default_project_id")));
                bool ok = str ? json_is_string(v) && json_string_length(v) <= 255 &&
                                        (!streq(key, "name") || json_string_length(v) > 0)
                              : streq(key, "enabled") ? json_is_boolean(v)
                              : streq(key, "options") ? json_is_object(v) : false;
                if (!ok)
                        return api_keystone_error(resp, 400, "Invalid input for field '%s'.", key);
        }
        _cleanup_free_ char *hash = NULL;
        const char *password = jstr(in, "password");
        if (password) {
                int r = password_hash(password, &hash);
                if (r < 0)
                        return api_store_error(resp, API_IDENTITY, r);
        }
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        r = get_json(ctx->store, k->kind, req->params[0], &o);
        _cleanup_json_ json_t *same = NULL;
        if (r >= 0 && jstr(in, "name") && !streq(jstr(in, "name"), jstr(o, "name")) &&
            find_one(ctx->store, k->kind, "name", jstr(in, "name"), "domain_id",
                     jstr(o, "domain_id"), &same) == 0)
                r = -EEXIST;
        if (r >= 0) {
                json_object_foreach(in, key, v) if (!streq(key, "password")) json_object_set(o, key, v);
                _cleanup_free_ char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
                r = text ? store_obj_update(ctx->store, k->kind, req->params[0], text) : -ENOMEM;
        }
        if (r >= 0 && hash) {
                char skey[64];
                snprintf(skey, sizeof(skey), "password:%s", req->params[0]);
                r = store_secret_set(ctx->store, skey, hash);
        }
        /* As Keystone: a new password or a disabled user ends its tokens,
         * a disabled project those scoped to it. */
        if (r >= 0 && k == &K_USER && (hash || json_is_false(json_object_get(in, "enabled"))))
                r = revoke_user_tokens(ctx, req->params[0]);
        if (r >= 0 && k == &K_PROJECT && json_is_false(json_object_get(in, "enabled")))
                r = revoke_project_tokens(ctx, req->params[0], NULL);
        else if (r >= 0)
                r = identity_changed(ctx->store);
        store_end(ctx->store, r >= 0);
        if (r == -ENOENT)
                return api_keystone_error(resp, 404, "Could not find %s: %s.", k->display,
                                          req->params[0]);
        if (r == -EEXIST)
                return api_keystone_error(resp, 409, "Conflict occurred attempting to store %s - "
                                          "Duplicate entry.", k->display);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        add_links(req, k, o);
        api_reply_json(resp, 200, json_pack("{s:O}", k->singular, o));
        return 0;
}

static int update_project(struct api_ctx *c, struct api_request *q, struct api_response *p)
{
        return update_common(c, q, p, &K_PROJECT);
}

static int update_user(struct api_ctx *c, struct api_request *q, struct api_response *p)
{
        return update_common(c, q, p, &K_USER);
}

static int delete_generic(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                          const struct id_kind *k)
{
        if (need_admin(req, resp) < 0)
                return 0;
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        r = store_obj_delete(ctx->store, k->kind, req->params[0]);
        if (r >= 0 && k == &K_USER) {
                char key[64];
                snprintf(key, sizeof(key), "password:%s", req->params[0]);
                r = store_secret_delete(ctx->store, key);
                if (r >= 0)
                        r = delete_where(ctx->store, "assignment", "user_id", req->params[0], NULL);
                if (r >= 0)
                        r = revoke_user_tokens(ctx, req->params[0]);
        }
        /* A project's role assignments and tokens go with it. */
        if (r >= 0 && k == &K_PROJECT)
                r = delete_where(ctx->store, "assignment", "scope_id", req->params[0], NULL);
        if (r >= 0 && k == &K_PROJECT)
                r = revoke_project_tokens(ctx, req->params[0], NULL);
        store_end(ctx->store, r >= 0);
        if (r == -ENOENT)
                return api_keystone_error(resp, 404, "Could not find %s: %s.", k->display,
                                          req->params[0]);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        api_reply_empty(resp, 204);
        return 0;
}

static int delete_project(struct api_ctx *c, struct api_request *q, struct api_response *p)
{
        return delete_generic(c, q, p, &K_PROJECT);
}

static int delete_user(struct api_ctx *c, struct api_request *q, struct api_response *p)
{
        return delete_generic(c, q, p, &K_USER);
}

/* PUT/GET/DELETE /v3/projects/{p}/users/{u}/roles/{r} */
static int grant_common(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                        int op)
{
        if (need_admin(req, resp) < 0)
                return 0;
        const char *pid = req->params[0], *uid = req->params[1], *rid = req->params[2];
        _cleanup_json_ json_t *p = NULL, *u = NULL, *ro = NULL;
        int r = store_begin(ctx->store, op != 0);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        const char *what = "project", *which = pid;
        r = get_json(ctx->store, "project", pid, &p);
        if (r >= 0) {
                what = "user", which = uid;
                r = get_json(ctx->store, "user", uid, &u);
        }
        if (r >= 0) {
                what = "role", which = rid;
                r = get_json(ctx->store, "role", rid, &ro);
        }
        char id[160];
        snprintf(id, sizeof(id), "project:%s:%s:%s", pid, uid, rid);
        if (r >= 0) {
                what = "role assignment", which = id;
                if (op > 0)
                        r = assign(ctx->store, "project", pid, uid, rid);
                else if (op < 0)
                        r = store_obj_delete(ctx->store, "assignment", id);
                /* As Keystone: a role removed ends the user's tokens on
                 * that project; a role added shows at the next request. */
                if (r >= 0 && op < 0)
                        r = revoke_project_tokens(ctx, pid, uid);
                else if (r >= 0 && op > 0)
                        r = identity_changed(ctx->store);
                else {
                        _cleanup_free_ char *d = NULL;
                        r = store_obj_get(ctx->store, "assignment", id, &d, NULL);
                }
        }
        store_end(ctx->store, r >= 0);
        if (r == -ENOENT)
                return api_keystone_error(resp, 404, "Could not find %s: %s.", what, which);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        api_reply_empty(resp, 204);
        return 0;
}

static int grant_put(struct api_ctx *c, struct api_request *q, struct api_response *p)
{
        return grant_common(c, q, p, 1);
}

static int grant_check(struct api_ctx *c, struct api_request *q, struct api_response *p)
{
        return grant_common(c, q, p, 0);
}

static int grant_delete(struct api_ctx *c, struct api_request *q, struct api_response *p)
{
        return grant_common(c, q, p, -1);
}

/* Services and endpoints, from the catalog bootstrap wrote. */
static int list_catalog_parts(struct api_ctx *ctx, struct api_request *req,
                              struct api_response *resp, bool endpoints)
{
        if (need_admin(req, resp) < 0)
                return 0;
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        _cleanup_json_ json_t *cat = catalog(ctx->store);
        store_end(ctx->store, true);
        json_t *out = json_array();
        size_t i, j;
        json_t *svc, *ep;
        const char *want_type = api_query_get(req, "type"), *want_if = api_query_get(req, "interface");
        json_array_foreach(cat, i, svc) {
                if (!endpoints) {
                        if (want_type && !streq(want_type, jstr(svc, "type") ?: ""))
                                continue;
                        json_array_append_new(out, json_pack("{s:O,s:O,s:O,s:b,s:s}", "id",
                                                             json_object_get(svc, "id"), "type",
                                                             json_object_get(svc, "type"), "name",
                                                             json_object_get(svc, "name"), "enabled",
                                                             1, "description", ""));
                        continue;
                }
                json_array_foreach(json_object_get(svc, "endpoints"), j, ep) {
                        if (want_if && !streq(want_if, jstr(ep, "interface") ?: ""))
                                continue;
                        json_t *e = json_deep_copy(ep);
                        json_object_set(e, "service_id", json_object_get(svc, "id"));
                        json_object_set_new(e, "enabled", json_true());
                        json_array_append_new(out, e);
                }
        }
        api_reply_json(resp, 200, json_pack("{s:o}", endpoints ? "endpoints" : "services", out));
        return 0;
}

static int list_services(struct api_ctx *c, struct api_request *q, struct api_response *p)
{
        return list_catalog_parts(c, q, p, false);
}

static int list_endpoints(struct api_ctx *c, struct api_request *q, struct api_response *p)
{
        return list_catalog_parts(c, q, p, true);
}

struct assignment_walk {
        json_t *arr;
        struct store *st;
        bool names; /* ?include_names: add names as OSC --names wants */
};

/* {"id"} or, with names, {"id", "name"} (+ "domain" for users and projects). */
static json_t *ref(struct assignment_walk *w, const char *kind, const char *id)
{
        json_t *o = json_pack("{s:s}", "id", id ? id : "");
        _cleanup_json_ json_t *full = NULL;
        if (!w->names || !id || get_json(w->st, kind, id, &full) < 0)
                return o;
        json_object_set(o, "name", json_object_get(full, "name"));
        if (jstr(full, "domain_id"))
                json_object_set_new(o, "domain", domain_ref(w->st, jstr(full, "domain_id")));
        return o;
}

static int assignment_cb(const char *id, const char *doc, void *userdata)
{
        struct assignment_walk *w = userdata;
        _cleanup_json_ json_t *a = json_loads(doc, 0, NULL);
        if (!a)
                return -EIO;
        bool dom = streq(jstr(a, "scope_type") ?: "", "domain");
        json_t *scope = json_pack("{s:o}", dom ? "domain" : "project",
                                  ref(w, dom ? "domain" : "project", jstr(a, "scope_id")));
        return json_array_append_new(w->arr, json_pack("{s:o,s:o,s:o}", "scope", scope, "user",
                                                       ref(w, "user", jstr(a, "user_id")), "role",
                                                       ref(w, "role", jstr(a, "role_id")))) < 0
                       ? -ENOMEM : 0;
}

/* GET /v3/role_assignments[?user.id=&scope.project.id=&role.id=] */
static int list_assignments(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (need_admin(req, resp) < 0)
                return 0;
        const char *u[] = {api_query_get(req, "user.id")}, *p[] = {api_query_get(req, "scope.project.id")},
                   *ro[] = {api_query_get(req, "role.id")};
        struct store_filter f[3];
        size_t n = 0;
        if (u[0])
                f[n++] = (struct store_filter){"user_id", STORE_VALUE_TEXT, u, 1};
        if (p[0])
                f[n++] = (struct store_filter){"scope_id", STORE_VALUE_TEXT, p, 1};
        if (ro[0])
                f[n++] = (struct store_filter){"role_id", STORE_VALUE_TEXT, ro, 1};
        struct store_query q = {.filters = f, .n_filters = n};
        json_t *arr = json_array();
        const char *names = api_query_get(req, "include_names");
        struct assignment_walk w = {arr, ctx->store,
                                    names && (!*names || strcasecmp(names, "true") == 0 || streq(names, "1"))};
        int r = store_begin(ctx->store, false);
        if (r >= 0) {
                r = store_obj_list(ctx->store, "assignment", &q, assignment_cb, &w);
                store_end(ctx->store, true);
        }
        if (r < 0) {
                json_decref(arr);
                return api_store_error(resp, API_IDENTITY, r);
        }
        api_reply_json(resp, 200, json_pack("{s:o}", "role_assignments", arr));
        return 0;
}

#define ID(m, pat, h, auth, s) {m, pat, h, auth, API_IDENTITY, s}
const struct api_route api_identity_routes[] = {
        ID("GET", "/", versions_root, API_AUTH_NONE, "identity versions"),
        ID("GET", "/v3", version_v3, API_AUTH_NONE, "identity v3 version document"),
        ID("POST", "/v3/auth/tokens", token_issue, API_AUTH_NONE, "issue a token (password)"),
        ID("GET", "/v3/auth/tokens", token_validate, API_AUTH_TOKEN, "validate a token (and HEAD)"),
        ID("DELETE", "/v3/auth/tokens", token_revoke, API_AUTH_TOKEN, "revoke a token"),
        ID("GET", "/v3/domains", list_domain, API_AUTH_TOKEN, "list domains (?name=)"),
        ID("GET", "/v3/domains/{}", show_domain, API_AUTH_TOKEN, "show a domain"),
        ID("GET", "/v3/projects", list_project, API_AUTH_TOKEN, "list projects (?name=)"),
        ID("POST", "/v3/projects", create_project_h, API_AUTH_TOKEN, "create a project"),
        ID("GET", "/v3/projects/{}", show_project, API_AUTH_TOKEN, "show a project"),
        ID("PATCH", "/v3/projects/{}", update_project, API_AUTH_TOKEN,
           "update a project (name, description, enabled)"),
        ID("DELETE", "/v3/projects/{}", delete_project, API_AUTH_TOKEN, "delete a project"),
        ID("GET", "/v3/users", list_user, API_AUTH_TOKEN, "list users (?name=)"),
        ID("POST", "/v3/users", create_user_h, API_AUTH_TOKEN, "create a user"),
        ID("GET", "/v3/users/{}", show_user, API_AUTH_TOKEN, "show a user"),
        ID("PATCH", "/v3/users/{}", update_user, API_AUTH_TOKEN,
           "update a user (password, enabled, ...; ends its tokens)"),
        ID("DELETE", "/v3/users/{}", delete_user, API_AUTH_TOKEN, "delete a user (ends its tokens)"),
        ID("GET", "/v3/services", list_services, API_AUTH_TOKEN, "list catalog services (?type=)"),
        ID("GET", "/v3/endpoints", list_endpoints, API_AUTH_TOKEN, "list endpoints (?interface=)"),
        ID("GET", "/v3/role_assignments", list_assignments, API_AUTH_TOKEN,
           "list role assignments (?user.id=, scope.project.id=, role.id=)"),
        ID("GET", "/v3/roles", list_role, API_AUTH_TOKEN, "list roles (?name=)"),
        ID("GET", "/v3/roles/{}", show_role, API_AUTH_TOKEN, "show a role"),
        ID("PUT", "/v3/projects/{}/users/{}/roles/{}", grant_put, API_AUTH_TOKEN,
           "grant a role on a project"),
        ID("GET", "/v3/projects/{}/users/{}/roles/{}", grant_check, API_AUTH_TOKEN,
           "check a role grant (and HEAD)"),
        ID("DELETE", "/v3/projects/{}/users/{}/roles/{}", grant_delete, API_AUTH_TOKEN,
           "revoke a role grant"),
        {0},
};
