/* Identity (Keystone v3 subset): version discovery, tokens with a catalog,
 * domains, projects, users, roles and project role assignments.  Each
 * handler parses the request, calls the identity service
 * (src/identitysvc), renders Keystone's view and maps the error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "api/identity.h"

static const char *jstr(const json_t *o, const char *k)
{
        return json_string_value(json_object_get(o, k));
}

/* The base URL clients reached us at, from the Host header. */
static void base_url(const struct api_request *req, char *buf, size_t len)
{
        snprintf(buf, len, "http://%s", req->host ? req->host : "localhost");
}

static int not_found(struct api_response *resp, const struct identity_error *e)
{
        return api_keystone_error(resp, 404, "Could not find %s: %s.", e->what ? e->what : "object",
                                  e->which);
}

static int unauthorized(struct api_response *resp)
{
        return api_keystone_error(resp, 401, "The request you have made requires authentication.");
}

/* ---- views ---- */

static json_t *named_view(const struct identity_named *n)
{
        return json_pack("{s:s,s:s}", "id", n->id, "name", n->name ? n->name : n->id);
}

static json_t *token_view(const struct identity_token *t)
{
        json_t *roles = json_array();
        for (size_t i = 0; roles && i < t->n_roles; i++)
                json_array_append_new(roles, named_view(&t->roles[i]));
        json_t *v = json_pack("{s:[s],s:{s:{s:s,s:s},s:s,s:s,s:n},s:[s],s:s,s:s,s:o}", "methods",
                              "password", "user", "domain", "id", t->user.domain_id ?: "", "name",
                              t->user.domain_name ?: "", "id", t->user.id, "name",
                              t->user.name ?: "", "password_expires_at", "audit_ids", t->audit_id,
                              "expires_at", t->expires_at, "issued_at", t->issued_at, "roles",
                              roles);
        if (v && t->project.id) {
                json_object_set_new(v, "project",
                                    json_pack("{s:{s:s,s:s},s:s,s:s}", "domain", "id",
                                              t->project.domain_id ?: "", "name",
                                              t->project.domain_name ?: "", "id", t->project.id,
                                              "name", t->project.name ?: ""));
                json_object_set_new(v, "is_domain", json_false());
        } else if (v && t->domain.id)
                json_object_set_new(v, "domain", named_view(&t->domain));
        if (v && t->catalog)
                json_object_set(v, "catalog", t->catalog);
        return v;
}

struct id_kind {
        enum identity_kind kind;
        const char *singular, *plural;
};
static const struct id_kind K_PROJECT = {IDENTITY_PROJECT, "project", "projects"};
static const struct id_kind K_USER = {IDENTITY_USER, "user", "users"};
static const struct id_kind K_ROLE = {IDENTITY_ROLE, "role", "roles"};
static const struct id_kind K_DOMAIN = {IDENTITY_DOMAIN, "domain", "domains"};

/* Keystone's view of a domain, project, user or role. */
static json_t *object_view(const struct api_request *req, const struct id_kind *k,
                           const struct identity_object *o)
{
        char base[300], self[512];
        json_t *v;
        base_url(req, base, sizeof(base));
        snprintf(self, sizeof(self), "%s/v3/%s/%s", base, k->plural, o->id);
        switch (o->kind) {
        case IDENTITY_DOMAIN:
                v = json_pack("{s:s,s:s,s:s,s:b,s:O,s:[]}", "id", o->id, "name", o->name,
                              "description", o->description ?: "", "enabled", o->enabled,
                              "options", o->options, "tags");
                break;
        case IDENTITY_PROJECT:
                v = json_pack("{s:s,s:s,s:s,s:s,s:b,s:b,s:s,s:[],s:O}", "id", o->id, "name",
                              o->name, "domain_id", o->domain_id ?: "", "description",
                              o->description ?: "", "enabled", o->enabled, "is_domain", 0,
                              "parent_id", o->domain_id ?: "", "tags", "options", o->options);
                break;
        case IDENTITY_USER:
                v = json_pack("{s:s,s:s,s:s,s:b,s:n,s:O}", "id", o->id, "name", o->name,
                              "domain_id", o->domain_id ?: "", "enabled", o->enabled,
                              "password_expires_at", "options", o->options);
                if (v && o->default_project_id)
                        json_object_set_new(v, "default_project_id",
                                            json_string(o->default_project_id));
                if (v && o->description)
                        json_object_set_new(v, "description", json_string(o->description));
                break;
        default:
                v = json_pack("{s:s,s:s,s:n,s:n,s:O}", "id", o->id, "name", o->name,
                              "domain_id", "description", "options", o->options);
                break;
        }
        if (v)
                json_object_set_new(v, "links", json_pack("{s:s}", "self", self));
        return v;
}

/* ---- tokens ---- */

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
        json_t *udom = json_object_get(pw_user, "domain");
        struct identity_password_auth in = {
                .user_id = jstr(pw_user, "id"),
                .user_name = jstr(pw_user, "name"),
                .user_domain_id = jstr(udom, "id"),
                .user_domain_name = jstr(udom, "name"),
                .password = password,
        };
        if (!json_is_object(udom))
                in.user_domain_id = in.user_domain_name = NULL;
        json_t *sp = json_object_get(scope, "project"), *sd = json_object_get(scope, "domain");
        if (sp) {
                json_t *pdom = json_object_get(sp, "domain");
                in.scope = IDENTITY_SCOPE_PROJECT;
                in.scope_id = jstr(sp, "id");
                in.scope_name = jstr(sp, "name");
                if (json_is_object(pdom)) {
                        in.scope_domain_id = jstr(pdom, "id");
                        in.scope_domain_name = jstr(pdom, "name");
                }
        } else if (sd) {
                in.scope = IDENTITY_SCOPE_DOMAIN;
                in.scope_id = jstr(sd, "id");
                in.scope_name = jstr(sd, "name");
        }
        struct identity_token t = {0};
        double now = ctx->now(), retry = 0;
        /* Failed logins from one address are bounded before any password
         * is checked, so a flood costs no argon2 work. */
        if (ctx->logins && login_gate_address_enter(ctx->logins, req->client, now, &retry) < 0) {
                resp->retry_after = retry < 1 ? 1 : (unsigned)(retry + 0.999);
                return api_keystone_error(resp, 429, "Too many failed or concurrent logins from "
                                          "%s; retry after %u seconds.",
                                          req->client ? req->client : "this address",
                                          resp->retry_after);
        }
        int r = identity_token_issue(ctx->store, ctx->logins, &in, now, ctx->token_expiration, &t);
        if (ctx->logins)
                login_gate_address_leave(ctx->logins, req->client, r == -EACCES || r == -ENOLCK,
                                         now);
        if (r == -ENOLCK) {
                api_keystone_error(resp, 401, "The account is locked for user: %s.",
                                   t.user.id ? t.user.id : "");
                identity_token_done(&t);
                return 0;
        }
        if (r == -EACCES)
                return unauthorized(resp);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        resp->subject_token = strdup(t.token);
        api_reply_json(resp, 201, json_pack("{s:o}", "token", token_view(&t)));
        identity_token_done(&t);
        return 0;
}

/* Keystone's policy for validating and revoking a token: an admin, the
 * service role, or the token's own user. */
static int may_handle_token(const struct api_request *req, const struct identity_token *t,
                            struct api_response *resp)
{
        if (policy_identity_admin(&req->auth) || req->auth.is_service ||
            (req->auth.user_id && t->user.id && streq(req->auth.user_id, t->user.id)))
                return 0;
        return api_keystone_error(resp, 403, "You are not authorized to perform the requested "
                                  "action: a token of another user.");
}

static int token_validate(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        struct identity_token t = {0};
        const char *subject = req->subject_token ? req->subject_token : "";
        int r = identity_token_validate(ctx->store, ctx->tokens, subject, ctx->now(), &t);
        if (r == -ENOENT)
                return api_keystone_error(resp, 404, "Could not find token: %s.", subject);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        if (may_handle_token(req, &t, resp) >= 0) {
                resp->subject_token = strdup(subject);
                api_reply_json(resp, 200, json_pack("{s:o}", "token", token_view(&t)));
        }
        identity_token_done(&t);
        return 0;
}

static int token_revoke(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        struct identity_token t = {0};
        const char *subject = req->subject_token ? req->subject_token : "";
        int r = identity_token_validate(ctx->store, ctx->tokens, subject, ctx->now(), &t);
        if (r >= 0) {
                r = may_handle_token(req, &t, resp);
                identity_token_done(&t);
                if (r < 0)
                        return 0;
                r = identity_token_revoke(ctx->store, ctx->tokens, subject);
        }
        if (r == -ENOENT)
                return api_keystone_error(resp, 404, "Could not find token: %s.", subject);
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

static int show_generic(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                        const struct id_kind *k)
{
        const char *id = req->params[0];
        bool self = k == &K_USER && req->auth.user_id && streq(req->auth.user_id, id);
        bool own = k == &K_PROJECT && req->auth.project_id && streq(req->auth.project_id, id);
        if (!self && !own && !policy_identity_admin(&req->auth) && k != &K_DOMAIN)
                return need_admin(req, resp);
        struct identity_object o = {0};
        struct identity_error e = {0};
        int r = identity_get(ctx->store, k->kind, id, &o, &e);
        if (r == -ENOENT)
                return not_found(resp, &e);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        api_reply_json(resp, 200, json_pack("{s:o}", k->singular, object_view(req, k, &o)));
        identity_object_done(&o);
        return 0;
}

static int list_generic(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                        const struct id_kind *k)
{
        if (need_admin(req, resp) < 0)
                return 0;
        struct identity_objects l = {0};
        int r = identity_list(ctx->store, k->kind, api_query_get(req, "name"), &l);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < l.n; i++)
                json_array_append_new(arr, object_view(req, k, &l.v[i]));
        identity_objects_done(&l);
        char base[300], self[400];
        base_url(req, base, sizeof(base));
        snprintf(self, sizeof(self), "%s/v3/%s", base, k->plural);
        api_reply_json(resp, 200, json_pack("{s:o,s:{s:s,s:n,s:n}}", k->plural, arr, "links",
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
        struct identity_create c = {
                .name = name,
                .domain_id = jstr(in, "domain_id") ? jstr(in, "domain_id") : IDENTITY_DEFAULT_DOMAIN,
                .description = jstr(in, "description"),
                .password = k == &K_USER ? jstr(in, "password") : NULL,
                .default_project_id = jstr(in, "default_project_id"),
                .enabled = !en || json_is_true(en),
        };
        struct identity_object o = {0};
        struct identity_error e = {0};
        int r = identity_create(ctx->store, k->kind, &c, &o, &e);
        if (r == -ENOENT)
                return api_keystone_error(resp, 400, "Could not find domain: %s.", c.domain_id);
        if (r == -EEXIST)
                return api_keystone_error(resp, 409, "Conflict occurred attempting to store %s - "
                                          "Duplicate entry found with name %s at domain ID %s.",
                                          k->singular, name, c.domain_id);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        api_reply_json(resp, 201, json_pack("{s:o}", k->singular, object_view(req, k, &o)));
        identity_object_done(&o);
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

/* PATCH /v3/users/{id}, /v3/projects/{id}: name, description, enabled,
 * options, and a user's password and default_project_id. */
static int update_common(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                         const struct id_kind *k)
{
        if (need_admin(req, resp) < 0)
                return 0;
        _cleanup_json_ json_t *body = api_parse_body(req, resp, API_IDENTITY);
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
        json_t *en = json_object_get(in, "enabled");
        struct identity_update u = {
                .name = jstr(in, "name"),
                .description = jstr(in, "description"),
                .default_project_id = jstr(in, "default_project_id"),
                .password = jstr(in, "password"),
                .enabled = en ? json_is_true(en) : -1,
                .options = json_object_get(in, "options"),
        };
        struct identity_object o = {0};
        struct identity_error e = {0};
        int r = identity_update(ctx->store, k->kind, req->params[0], &u, &o, &e);
        if (r == -ENOENT)
                return not_found(resp, &e);
        if (r == -EEXIST)
                return api_keystone_error(resp, 409, "Conflict occurred attempting to store %s - "
                                          "Duplicate entry.", k->singular);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        api_reply_json(resp, 200, json_pack("{s:o}", k->singular, object_view(req, k, &o)));
        identity_object_done(&o);
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
        struct identity_error e = {0};
        int r = identity_delete(ctx->store, k->kind, req->params[0], &e);
        if (r == -ENOENT)
                return not_found(resp, &e);
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
                        enum identity_grant_op op)
{
        if (need_admin(req, resp) < 0)
                return 0;
        struct identity_error e = {0};
        int r = identity_grant(ctx->store, op, req->params[0], req->params[1], req->params[2], &e);
        if (r == -ENOENT)
                return not_found(resp, &e);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        api_reply_empty(resp, 204);
        return 0;
}

static int grant_put(struct api_ctx *c, struct api_request *q, struct api_response *p)
{
        return grant_common(c, q, p, IDENTITY_GRANT_ADD);
}

static int grant_check(struct api_ctx *c, struct api_request *q, struct api_response *p)
{
        return grant_common(c, q, p, IDENTITY_GRANT_CHECK);
}

static int grant_delete(struct api_ctx *c, struct api_request *q, struct api_response *p)
{
        return grant_common(c, q, p, IDENTITY_GRANT_REMOVE);
}

/* Services and endpoints, from the catalog bootstrap wrote. */
static int list_catalog_parts(struct api_ctx *ctx, struct api_request *req,
                              struct api_response *resp, bool endpoints)
{
        if (need_admin(req, resp) < 0)
                return 0;
        _cleanup_json_ json_t *cat = NULL;
        int r = identity_catalog(ctx->store, &cat);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
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

/* {"id"} or, with names, {"id", "name"} (+ "domain" for users and projects). */
static json_t *ref_view(const struct identity_named *n)
{
        json_t *o = json_pack("{s:s}", "id", n->id ? n->id : "");
        if (o && n->name)
                json_object_set_new(o, "name", json_string(n->name));
        if (o && n->domain_id)
                json_object_set_new(o, "domain", json_pack("{s:s,s:s}", "id", n->domain_id, "name",
                                                           n->domain_name ?: n->domain_id));
        return o;
}

/* GET /v3/role_assignments[?user.id=&scope.project.id=&role.id=] */
static int list_assignments(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (need_admin(req, resp) < 0)
                return 0;
        const char *names = api_query_get(req, "include_names");
        struct identity_assignment_filter f = {
                .user_id = api_query_get(req, "user.id"),
                .project_id = api_query_get(req, "scope.project.id"),
                .role_id = api_query_get(req, "role.id"),
                .names = names && (!*names || strcasecmp(names, "true") == 0 || streq(names, "1")),
        };
        struct identity_assignments l = {0};
        int r = identity_assignments_list(ctx->store, &f, &l);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < l.n; i++) {
                const struct identity_assignment *a = &l.v[i];
                json_t *scope = json_pack("{s:o}", a->domain_scope ? "domain" : "project",
                                          ref_view(&a->scope));
                json_array_append_new(arr, json_pack("{s:o,s:o,s:o}", "scope", scope, "user",
                                                     ref_view(&a->user), "role",
                                                     ref_view(&a->role)));
        }
        identity_assignments_done(&l);
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
