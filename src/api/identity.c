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
#include "identity/policy-rules.h"

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
        const char *what = e->what ? e->what : "object";
        /* Keystone's own wording for the relations. */
        if (streq(what, "role assignment"))
                return api_keystone_error(resp, 404, "Could not find role assignment with %s.",
                                          e->which);
        if (streq(what, "implied role"))
                return api_keystone_error(resp, 404, "%s.", e->which);
        if (streq(what, "membership")) {
                char group[80] = "", *user = strchr(e->which, ':');
                snprintf(group, sizeof(group), "%.*s", user ? (int)(user - e->which) : 0, e->which);
                return api_keystone_error(resp, 404, "User '%s' not found in group '%s'",
                                          user ? user + 1 : "", group);
        }
        return api_keystone_error(resp, 404, "Could not find %s: %s.", what, e->which);
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
        json_t *v = json_pack("{s:o,s:{s:{s:s,s:s},s:s,s:s,s:n},s:[s],s:s,s:s}", "methods",
                              t->rescoped ? json_pack("[s,s]", "token", "password")
                                          : json_pack("[s]", "password"),
                              "user", "domain", "id", t->user.domain_id ?: "", "name",
                              t->user.domain_name ?: "", "id", t->user.id, "name",
                              t->user.name ?: "", "password_expires_at", "audit_ids", t->audit_id,
                              "expires_at", t->expires_at, "issued_at", t->issued_at);
        /* As Keystone: an unscoped token has no roles key at all. */
        if (v && (t->project.id || t->domain.id))
                json_object_set(v, "roles", roles);
        json_decref(roles);
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
static const struct id_kind K_GROUP = {IDENTITY_GROUP, "group", "groups"};
/* Keystone keeps a domain as a project with is_domain true: the project
 * routes reach domains too, shown as such projects. */
static const struct id_kind K_DOMAIN_AS_PROJECT = {IDENTITY_DOMAIN, "project", "projects"};

/* The kind whose validation rules apply (a domain's, for a domain shown
 * as a project). */
static const struct id_kind *rules_of(const struct id_kind *k)
{
        return k == &K_DOMAIN_AS_PROJECT ? &K_DOMAIN : k;
}


/* Keystone's view of a domain, project, user or role. */
static json_t *object_view(const struct api_request *req, const struct id_kind *k,
                           const struct identity_object *o)
{
        char base[300], self[512];
        json_t *v;
        base_url(req, base, sizeof(base));
        snprintf(self, sizeof(self), "%s/v3/%s/%s", base, k->plural, o->id);
        if (k == &K_DOMAIN_AS_PROJECT)
                v = json_pack("{s:s,s:s,s:n,s:s,s:b,s:b,s:n,s:o,s:O}", "id", o->id, "name",
                              o->name, "domain_id", "description", o->description ?: "",
                              "enabled", o->enabled, "is_domain", 1, "parent_id", "tags",
                              o->tags ? json_incref(o->tags) : json_array(), "options",
                              o->options);
        else switch (o->kind) {
        case IDENTITY_DOMAIN:
                v = json_pack("{s:s,s:s,s:s,s:b,s:O,s:o}", "id", o->id, "name", o->name,
                              "description", o->description ?: "", "enabled", o->enabled,
                              "options", o->options,
                              "tags", o->tags ? json_incref(o->tags) : json_array());
                break;
        case IDENTITY_PROJECT:
                v = json_pack("{s:s,s:s,s:s,s:s,s:b,s:b,s:s,s:o,s:O}", "id", o->id, "name",
                              o->name, "domain_id", o->domain_id ?: "", "description",
                              o->description ?: "", "enabled", o->enabled, "is_domain", 0,
                              "parent_id", o->parent_id ?: o->domain_id ?: "",
                              "tags", o->tags ? json_incref(o->tags) : json_array(),
                              "options", o->options);
                break;
        case IDENTITY_GROUP:
                v = json_pack("{s:s,s:s,s:s,s:s}", "id", o->id, "name", o->name, "domain_id",
                              o->domain_id ?: "", "description", o->description ?: "");
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
                if (v && o->extra) {
                        const char *key;
                        json_t *x;
                        json_object_foreach(o->extra, key, x) {
                                if (!json_object_get(v, key))
                                        json_object_set(v, key, x);
                        }
                }
                break;
        default:
                v = json_pack("{s:s,s:s,s:o,s:o,s:O}", "id", o->id, "name", o->name,
                              "domain_id", o->domain_id ? json_string(o->domain_id) : json_null(),
                              "description",
                              o->description ? json_string(o->description) : json_null(),
                              "options", o->options);
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
        const char *token = jstr(json_object_get(ident, "token"), "id");
        bool by_token = false, by_password = false;
        size_t i;
        json_t *m;
        json_array_foreach(methods, i, m) {
                if (json_is_string(m) && streq(json_string_value(m), "token"))
                        by_token = true;
                else if (json_is_string(m) && streq(json_string_value(m), "password"))
                        by_password = true;
                else if (json_is_string(m))
                        return api_keystone_error(resp, 401, "Attempted to authenticate with "
                                                  "an unsupported method.");
        }
        if (by_token && !token)
                return api_keystone_error(resp, 400, "Invalid input for field 'identity': the "
                                          "token method needs auth.identity.token.id");
        if (!by_token && (!by_password || !json_is_object(pw_user) || !password))
                return api_keystone_error(resp, 400, "Invalid input for field 'identity': "
                                          "password authentication needs "
                                          "auth.identity.password.user.password");
        json_t *scope = json_object_get(auth, "scope");
        json_t *udom = json_object_get(pw_user, "domain");
        struct identity_password_auth in = {
                .user_id = jstr(pw_user, "id"),
                .user_name = jstr(pw_user, "name"),
                .user_domain_id = jstr(udom, "id"),
                .user_domain_name = jstr(udom, "name"),
                .password = password,
                .token = by_token ? token : NULL,
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
        if (r == -ENOENT && in.token)
                return api_keystone_error(resp, 404, "Could not find token: %s.", in.token);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        resp->subject_token = strdup(t.token);
        api_reply_json(resp, 201, json_pack("{s:o}", "token", token_view(&t)));
        identity_token_done(&t);
        return 0;
}

/* Keystone's identity:validate_token / revoke_token: an admin or the
 * token's own user (validating, the service role too). */
static int may_handle_token(const struct api_request *req, const struct identity_token *t,
                            enum policy_rule_id rule, struct api_response *resp)
{
        struct policy_target tg = {.user_id = t->user.id};
        if (policy_rule_allows(rule, &req->auth, &tg))
                return 0;
        return api_keystone_error(resp, 403, "You are not authorized to perform the requested "
                                  "action: %s.", policy_rules[rule].name);
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
        if (may_handle_token(req, &t, PR_IDENTITY_VALIDATE_TOKEN, resp) >= 0) {
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
                r = may_handle_token(req, &t, PR_IDENTITY_REVOKE_TOKEN, resp);
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

/* A row of the policy table; Keystone's 403 names the rule. */
static int need_rule(struct api_request *req, struct api_response *resp, enum policy_rule_id rule,
                     const struct policy_target *tg)
{
        if (policy_rule_allows(rule, &req->auth, tg))
                return 0;
        return api_keystone_error(resp, 403, "You are not authorized to perform the requested "
                                  "action: %s.", policy_rules[rule].name);
}

/* For a project route: a domain when the id names a domain and no
 * project. */
static const struct id_kind *as_stored(struct api_ctx *ctx, const struct id_kind *k,
                                       const char *id)
{
        if (k != &K_PROJECT)
                return k;
        struct identity_object o = {0};
        struct identity_error e = {0};
        const struct id_kind *ret = k;
        if (identity_get(ctx->store, IDENTITY_PROJECT, id, &o, &e) == -ENOENT &&
            identity_get(ctx->store, IDENTITY_DOMAIN, id, &o, &e) >= 0)
                ret = &K_DOMAIN_AS_PROJECT;
        identity_object_done(&o);
        return ret;
}

static int show_generic(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                        const struct id_kind *k)
{
        const char *id = req->params[0];
        k = as_stored(ctx, k, id);
        if (k == &K_USER) {
                struct policy_target tg = {.user_id = id};
                if (need_rule(req, resp, PR_IDENTITY_GET_USER, &tg) < 0)
                        return 0;
        } else if (k == &K_PROJECT) {
                struct policy_target tg = {.project_id = id};
                if (need_rule(req, resp, PR_IDENTITY_GET_PROJECT, &tg) < 0)
                        return 0;
        } else if (k->kind != IDENTITY_DOMAIN && need_admin(req, resp) < 0)
                return 0;
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

/* Keystone reads a boolean filter as oslo's bool_from_string with a
 * default of true: only its false spellings are false. */
static bool query_bool(const char *v)
{
        static const char *const no[] = {"0", "f", "false", "n", "no", "off"};
        for (size_t i = 0; i < ARRAY_SIZE(no); i++)
                if (strcasecmp(v, no[i]) == 0)
                        return false;
        return true;
}

static int list_generic(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                        const struct id_kind *k)
{
        if (k == &K_USER ? need_rule(req, resp, PR_IDENTITY_LIST_USERS, NULL) < 0
                         : need_admin(req, resp) < 0)
                return 0;
        /* ?is_domain=true lists the domains, as projects. */
        const char *is_domain = k == &K_PROJECT ? api_query_get(req, "is_domain") : NULL;
        if (is_domain && query_bool(is_domain))
                k = &K_DOMAIN_AS_PROJECT;
        struct identity_objects l = {0};
        int r = identity_list(ctx->store, k->kind, api_query_get(req, "name"), &l);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        /* ?domain_id= narrows users, groups, projects and roles to a domain,
         * ?enabled= domains, projects and users, ?parent_id= projects (a
         * top-level project's parent is its domain). */
        const char *domain_id = api_query_get(req, "domain_id");
        const char *parent_id = k == &K_PROJECT ? api_query_get(req, "parent_id") : NULL;
        const char *enabled = k == &K_GROUP || k == &K_ROLE ? NULL : api_query_get(req, "enabled");
        if (k == &K_DOMAIN_AS_PROJECT)
                domain_id = NULL; /* a domain is in none */
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < l.n; i++) {
                const struct identity_object *o = &l.v[i];
                const char *parent = o->parent_id ?: o->domain_id;
                if (domain_id && !(o->domain_id && streq(o->domain_id, domain_id)))
                        continue;
                if (parent_id && !(parent && streq(parent, parent_id)))
                        continue;
                if (enabled && o->enabled != query_bool(enabled))
                        continue;
                json_array_append_new(arr, object_view(req, k, o));
        }
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
GENERIC(K_GROUP, group)

/* Keystone's conflict body for a name taken. */
static int conflict(struct api_response *resp, const struct id_kind *k, const char *name,
                    const char *domain_id)
{
        if (k->kind == IDENTITY_DOMAIN || !domain_id)
                return api_keystone_error(resp, 409, "Conflict occurred attempting to store %s - "
                                          "Duplicate entry found with name %s.", k->singular,
                                          name);
        return api_keystone_error(resp, 409, "Conflict occurred attempting to store %s - "
                                  "Duplicate entry found with name %s at domain ID %s.",
                                  k->singular, name, domain_id);
}

/* Is key an attribute of kind k kept as given (a user's email, ...)? */
static bool user_extra(const char *key)
{
        static const char *const known[] = {"name", "domain_id", "description", "password",
                                            "default_project_id", "enabled", "options", "id",
                                            "links", "password_expires_at"};
        for (size_t i = 0; i < ARRAY_SIZE(known); i++)
                if (streq(key, known[i]))
                        return false;
        return true;
}

/* A user's other attributes, or NULL when none. */
static json_t *extra_of(const struct id_kind *k, json_t *in)
{
        if (k != &K_USER)
                return NULL;
        json_t *x = json_object();
        const char *key;
        json_t *v;
        json_object_foreach(in, key, v) {
                if (user_extra(key))
                        json_object_set(x, key, v);
        }
        if (json_object_size(x) == 0) {
                json_decref(x);
                return NULL;
        }
        return x;
}

/* Keystone's schema for tags: a list of strings of 1 to 255 characters
 * without "/" or ",", at most 80 of them. */
static int check_tags(struct api_response *resp, const json_t *tags)
{
        if (!tags)
                return 0;
        bool ok = json_is_array(tags) && json_array_size(tags) <= 80;
        size_t i;
        json_t *t;
        json_array_foreach(tags, i, t) {
                const char *v = json_string_value(t);
                if (!v || !*v || strlen(v) > 255 || strpbrk(v, "/,"))
                        ok = false;
        }
        if (ok)
                return 0;
        return api_keystone_error(resp, 400, "Invalid input for field 'tags': tags are a list "
                                  "of at most 80 strings of 1 to 255 characters without '/' "
                                  "or ','.");
}

/* Keystone's schemas: project and domain names are 1 to 64 characters,
 * the others 1 to 255. */
static size_t name_max(const struct id_kind *k)
{
        return k->kind == IDENTITY_PROJECT || k->kind == IDENTITY_DOMAIN ? 64 : 255;
}

/* jsonschema's message, as Keystone's SchemaValidationError carries it. */
static int name_too_long(struct api_response *resp, const char *name)
{
        return api_keystone_error(resp, 400, "Invalid input for field 'name': '%s' is too long",
                                  name);
}

static int create_common(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                         const struct id_kind *k)
{
        int refused = k == &K_USER      ? need_rule(req, resp, PR_IDENTITY_CREATE_USER, NULL)
                      : k == &K_PROJECT ? need_rule(req, resp, PR_IDENTITY_CREATE_PROJECT, NULL)
                                        : need_admin(req, resp);
        if (refused < 0)
                return 0;
        _cleanup_json_ json_t *body = api_parse_body(req, resp, API_IDENTITY);
        if (!body)
                return 0;
        json_t *in = json_object_get(body, k->singular);
        const char *name = jstr(in, "name");
        if (!json_is_object(in) || !name || !*name)
                return api_keystone_error(resp, 400, "Invalid input for field '%s': 'name' is a "
                                          "required property (a string of 1 to %zu characters).",
                                          k->singular, name_max(k));
        if (strlen(name) > name_max(k))
                return name_too_long(resp, name);
        json_t *en = json_object_get(in, "enabled");
        if (en && !json_is_boolean(en))
                return api_keystone_error(resp, 400, "Invalid input for field 'enabled': %s is "
                                          "not of type 'boolean'.", "value");
        json_t *is_domain = json_object_get(in, "is_domain");
        if (k == &K_PROJECT && is_domain && !json_is_boolean(is_domain))
                return api_keystone_error(resp, 400, "Invalid input for field 'is_domain': %s "
                                          "is not of type 'boolean'.", "value");
        /* A project acting as a domain is kept as the domain it is. */
        if (k == &K_PROJECT && json_is_true(is_domain)) {
                if (jstr(in, "parent_id") || jstr(in, "domain_id"))
                        return api_keystone_error(resp, 400, "Invalid input for field "
                                                  "'is_domain': a project acting as a domain "
                                                  "has no parent_id nor domain_id.");
                k = &K_DOMAIN_AS_PROJECT;
        }
        json_t *tags = json_object_get(in, "tags");
        if ((k == &K_PROJECT || k->kind == IDENTITY_DOMAIN) && check_tags(resp, tags) < 0)
                return 0;
        const char *domain_id = jstr(in, "domain_id");
        _cleanup_json_ json_t *extra = extra_of(k, in);
        struct identity_create c = {
                .name = name,
                .domain_id = k->kind == IDENTITY_DOMAIN ? NULL : domain_id,
                .description = jstr(in, "description"),
                .password = k == &K_USER ? jstr(in, "password") : NULL,
                .default_project_id = jstr(in, "default_project_id"),
                .parent_id = k == &K_PROJECT ? jstr(in, "parent_id") : NULL,
                .tags = k == &K_PROJECT || k->kind == IDENTITY_DOMAIN ? tags : NULL,
                .extra = extra,
                .enabled = !en || json_is_true(en),
        };
        struct identity_object o = {0};
        struct identity_error e = {0};
        int r = identity_create(ctx->store, k->kind, &c, &o, &e);
        if (r == -ENOENT)
                return not_found(resp, &e);
        if (r == -EINVAL)
                return api_keystone_error(resp, 400, "Cannot create project, since it specifies "
                                          "its domain_id %s, but specifies a parent in a "
                                          "different domain (%s).", domain_id ?: "",
                                          c.parent_id ?: "");
        if (r == -EEXIST)
                return conflict(resp, k, name,
                                k == &K_ROLE ? domain_id
                                             : domain_id ?: IDENTITY_DEFAULT_DOMAIN);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        api_reply_json(resp, 201, json_pack("{s:o}", k->singular, object_view(req, k, &o)));
        identity_object_done(&o);
        return 0;
}

#define CREATE(k, name)                                                                            \
        static int create_##name(struct api_ctx *c, struct api_request *q, struct api_response *p) \
        {                                                                                          \
                return create_common(c, q, p, &k);                                                 \
        }
CREATE(K_PROJECT, project_h)
CREATE(K_USER, user_h)
CREATE(K_ROLE, role_h)
CREATE(K_DOMAIN, domain_h)
CREATE(K_GROUP, group_h)

/* Which attributes a PATCH of kind k may carry, and their types. */
static bool update_ok(const struct id_kind *k, const char *key, const json_t *v)
{
        if (streq(key, "name"))
                return json_is_string(v) && json_string_length(v) > 0;
        if (streq(key, "description"))
                return json_is_string(v) || json_is_null(v);
        if (streq(key, "enabled"))
                return (k == &K_PROJECT || k == &K_USER || k == &K_DOMAIN) && json_is_boolean(v);
        if (streq(key, "options"))
                return k != &K_GROUP && json_is_object(v);
        if (streq(key, "tags"))
                return (k == &K_PROJECT || k == &K_DOMAIN) && json_is_array(v);
        if (streq(key, "password") || streq(key, "default_project_id"))
                return k == &K_USER && json_is_string(v) && json_string_length(v) <= 255;
        if (streq(key, "domain_id") || streq(key, "parent_id") || streq(key, "is_domain"))
                return false; /* as Keystone: not changed by an update */
        return k == &K_USER;
}

/* PATCH /v3/{domains,projects,users,groups,roles}/{id}. */
static int update_common(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                         const struct id_kind *k)
{
        if (need_admin(req, resp) < 0)
                return 0;
        k = as_stored(ctx, k, req->params[0]);
        _cleanup_json_ json_t *body = api_parse_body(req, resp, API_IDENTITY);
        if (!body)
                return 0;
        json_t *in = json_object_get(body, k->singular);
        if (!json_is_object(in))
                return api_keystone_error(resp, 400, "Invalid input for field '%s': it must be "
                                          "an object.", k->singular);
        /* Keystone's _require_matching_id: the body may repeat the id. */
        json_t *id = json_object_get(in, "id");
        if (id && !json_is_null(id) &&
            !(json_is_string(id) && streq(json_string_value(id), req->params[0])))
                return api_keystone_error(resp, 400, "Cannot change ID");
        const char *key;
        json_t *v;
        json_object_foreach(in, key, v) {
                if (streq(key, "id"))
                        continue;
                if (!update_ok(rules_of(k), key, v))
                        return api_keystone_error(resp, 400, "Invalid input for field '%s'.", key);
        }
        const char *new_name = jstr(in, "name");
        if (new_name && strlen(new_name) > name_max(k))
                return name_too_long(resp, new_name);
        json_t *tags = json_object_get(in, "tags");
        if (check_tags(resp, tags) < 0)
                return 0;
        json_t *en = json_object_get(in, "enabled");
        _cleanup_json_ json_t *extra = extra_of(k, in);
        struct identity_update u = {
                .name = jstr(in, "name"),
                .description = json_is_null(json_object_get(in, "description"))
                                       ? ""
                                       : jstr(in, "description"),
                .default_project_id = jstr(in, "default_project_id"),
                .password = jstr(in, "password"),
                .enabled = en ? json_is_true(en) : -1,
                .options = json_object_get(in, "options"),
                .tags = tags,
                .extra = extra,
        };
        struct identity_object o = {0};
        struct identity_error e = {0};
        int r = identity_update(ctx->store, k->kind, req->params[0], &u, &o, &e);
        if (r == -ENOENT)
                return not_found(resp, &e);
        if (r == -EEXIST)
                return api_keystone_error(resp, 409, "Conflict occurred attempting to store %s - "
                                          "Duplicate entry found with name %s.", k->singular,
                                          u.name ?: "");
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        api_reply_json(resp, 200, json_pack("{s:o}", k->singular, object_view(req, k, &o)));
        identity_object_done(&o);
        return 0;
}

#define UPDATE_DELETE(k, name)                                                                     \
        static int update_##name(struct api_ctx *c, struct api_request *q, struct api_response *p) \
        {                                                                                          \
                return update_common(c, q, p, &k);                                                 \
        }                                                                                          \
        static int delete_##name(struct api_ctx *c, struct api_request *q, struct api_response *p) \
        {                                                                                          \
                return delete_generic(c, q, p, &k);                                                \
        }

static int delete_generic(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                          const struct id_kind *k)
{
        if (need_admin(req, resp) < 0)
                return 0;
        struct identity_error e = {0};
        int r = identity_delete(ctx->store, as_stored(ctx, k, req->params[0])->kind,
                                req->params[0], &e);
        if (r == -ENOENT)
                return not_found(resp, &e);
        if (r == -EPERM)
                return api_keystone_error(resp, 403, "Cannot delete a domain that is enabled, "
                                          "please disable it first.");
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        api_reply_empty(resp, 204);
        return 0;
}

UPDATE_DELETE(K_PROJECT, project)
UPDATE_DELETE(K_USER, user)
UPDATE_DELETE(K_ROLE, role)
UPDATE_DELETE(K_DOMAIN, domain)
UPDATE_DELETE(K_GROUP, group)

/* PUT/GET/DELETE /v3/{projects,domains}/{s}/{users,groups}/{a}/roles/{r} */
static int grant_common(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                        enum identity_grant_op op, bool domain, bool group)
{
        if (op == IDENTITY_GRANT_ADD ? need_rule(req, resp, PR_IDENTITY_CREATE_GRANT, NULL) < 0
                                     : need_admin(req, resp) < 0)
                return 0;
        struct identity_error e = {0};
        struct identity_grant_ref g = {domain, req->params[0], group, req->params[1],
                                       req->params[2]};
        int r = identity_grant_ex(ctx->store, op, &g, &e);
        if (r == -ENOENT)
                return not_found(resp, &e);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        api_reply_empty(resp, 204);
        return 0;
}

/* A list of objects of kind k, with Keystone's links. */
static int reply_objects(struct api_request *req, struct api_response *resp,
                         const struct id_kind *k, struct identity_objects *l)
{
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < l->n; i++)
                json_array_append_new(arr, object_view(req, k, &l->v[i]));
        identity_objects_done(l);
        char base[300], self[1200];
        base_url(req, base, sizeof(base));
        snprintf(self, sizeof(self), "%s%s", base, req->path);
        api_reply_json(resp, 200, json_pack("{s:o,s:{s:s,s:n,s:n}}", k->plural, arr, "links",
                                            "self", self, "previous", "next"));
        return 0;
}

/* GET /v3/{projects,domains}/{s}/{users,groups}/{a}/roles */
static int grants_of(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                      bool domain, bool group)
{
        if (need_admin(req, resp) < 0)
                return 0;
        struct identity_error e = {0};
        struct identity_objects l = {0};
        struct identity_grant_ref g = {domain, req->params[0], group, req->params[1], NULL};
        int r = identity_grant_roles(ctx->store, &g, &l, &e);
        if (r == -ENOENT)
                return not_found(resp, &e);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        return reply_objects(req, resp, &K_ROLE, &l);
}

/* PUT, HEAD and DELETE of one relation (a grant, a membership, an
 * implied role) are one handler with the operation; these name the three. */
#define OP_HANDLERS(name, common, ...)                                                             \
        static int name##_put(struct api_ctx *c, struct api_request *q, struct api_response *p)    \
        {                                                                                          \
                return common(c, q, p, IDENTITY_GRANT_ADD, ##__VA_ARGS__);                         \
        }                                                                                          \
        static int name##_check(struct api_ctx *c, struct api_request *q, struct api_response *p)  \
        {                                                                                          \
                return common(c, q, p, IDENTITY_GRANT_CHECK, ##__VA_ARGS__);                       \
        }                                                                                          \
        static int name##_delete(struct api_ctx *c, struct api_request *q, struct api_response *p) \
        {                                                                                          \
                return common(c, q, p, IDENTITY_GRANT_REMOVE, ##__VA_ARGS__);                      \
        }

#define GRANTS(name, domain, group)                                                                \
        OP_HANDLERS(name, grant_common, domain, group)                                             \
        static int name##_list(struct api_ctx *c, struct api_request *q, struct api_response *p)   \
        {                                                                                          \
                return grants_of(c, q, p, domain, group);                                         \
        }
/* PUT/HEAD/DELETE /v3/system/{users,groups}/{a}/roles/{r} (list: the
 * roles): grants on the system (Keystone's "all"). */
static int system_grant_common(struct api_ctx *ctx, struct api_request *req,
                               struct api_response *resp, enum identity_grant_op op, bool group,
                               bool list)
{
        if (need_admin(req, resp) < 0)
                return 0;
        struct identity_error e = {0};
        struct identity_objects l = {0};
        struct identity_grant_ref g = {false, NULL, group, req->params[0],
                                       list ? NULL : req->params[1], true};
        int r = list ? identity_grant_roles(ctx->store, &g, &l, &e)
                     : identity_grant_ex(ctx->store, op, &g, &e);
        if (r == -ENOENT)
                return not_found(resp, &e);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        if (list)
                return reply_objects(req, resp, &K_ROLE, &l);
        api_reply_empty(resp, 204);
        return 0;
}

#define SYSTEM_GRANTS(name, group)                                                                 \
        OP_HANDLERS(name, system_grant_common, group, false)                                       \
        static int name##_list(struct api_ctx *c, struct api_request *q, struct api_response *p)   \
        {                                                                                          \
                return system_grant_common(c, q, p, IDENTITY_GRANT_CHECK, group, true);            \
        }
SYSTEM_GRANTS(suser_grant, false)
SYSTEM_GRANTS(sgroup_grant, true)

GRANTS(grant, false, false)
GRANTS(pgroup_grant, false, true)
GRANTS(duser_grant, true, false)
GRANTS(dgroup_grant, true, true)

/* PUT/HEAD/DELETE /v3/groups/{g}/users/{u} */
static int membership_common(struct api_ctx *ctx, struct api_request *req,
                             struct api_response *resp, enum identity_grant_op op)
{
        if (need_admin(req, resp) < 0)
                return 0;
        struct identity_error e = {0};
        int r = identity_membership(ctx->store, op, req->params[0], req->params[1], &e);
        if (r == -ENOENT)
                return not_found(resp, &e);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        api_reply_empty(resp, 204);
        return 0;
}

OP_HANDLERS(member, membership_common)

static int group_users(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (need_admin(req, resp) < 0)
                return 0;
        struct identity_error e = {0};
        struct identity_objects l = {0};
        int r = identity_group_users(ctx->store, req->params[0], &l, &e);
        if (r == -ENOENT)
                return not_found(resp, &e);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        return reply_objects(req, resp, &K_USER, &l);
}

/* A user may read its own groups and projects (Keystone's policy). */
static int need_self_or_admin(struct api_request *req, struct api_response *resp)
{
        if (req->auth.user_id && streq(req->auth.user_id, req->params[0]))
                return 0;
        return need_admin(req, resp);
}

static int user_groups(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (need_self_or_admin(req, resp) < 0)
                return 0;
        struct identity_error e = {0};
        struct identity_objects l = {0};
        int r = identity_user_groups(ctx->store, req->params[0], &l, &e);
        if (r == -ENOENT)
                return not_found(resp, &e);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        return reply_objects(req, resp, &K_GROUP, &l);
}

/* GET /v3/users/{u}/projects, /v3/auth/projects, /v3/auth/domains */
static int scopes_common(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                         const char *user_id, bool domains, bool enabled_only)
{
        struct identity_error e = {0};
        struct identity_objects l = {0};
        int r = identity_user_scopes(ctx->store, user_id, domains, enabled_only, &l, &e);
        if (r == -ENOENT)
                return not_found(resp, &e);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        return reply_objects(req, resp, domains ? &K_DOMAIN : &K_PROJECT, &l);
}

static int user_projects(struct api_ctx *c, struct api_request *q, struct api_response *p)
{
        if (need_self_or_admin(q, p) < 0)
                return 0;
        return scopes_common(c, q, p, q->params[0], false, false);
}

static int auth_projects(struct api_ctx *c, struct api_request *q, struct api_response *p)
{
        return scopes_common(c, q, p, q->auth.user_id ?: "", false, true);
}

static int auth_domains(struct api_ctx *c, struct api_request *q, struct api_response *p)
{
        return scopes_common(c, q, p, q->auth.user_id ?: "", true, true);
}

/* GET /v3/auth/catalog: the catalog of a scoped token. */
static int auth_catalog(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (!req->auth.project_id && !req->auth.domain_id)
                return api_keystone_error(resp, 403, "A project-scoped token is required to "
                                          "produce a service catalog.");
        json_t *cat = NULL;
        int r = identity_catalog(ctx->store, &cat);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        char base[300], self[400];
        base_url(req, base, sizeof(base));
        snprintf(self, sizeof(self), "%s/v3/auth/catalog", base);
        api_reply_json(resp, 200, json_pack("{s:o,s:{s:s,s:n,s:n}}", "catalog", cat, "links",
                                            "self", self, "previous", "next"));
        return 0;
}

/* POST /v3/users/{u}/password: the user's own change, with the original. */
static int user_password(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *body = api_parse_body(req, resp, API_IDENTITY);
        if (!body)
                return 0;
        json_t *in = json_object_get(body, "user");
        const char *pw = jstr(in, "password"), *orig = jstr(in, "original_password");
        if (!json_is_object(in) || !pw || !orig)
                return api_keystone_error(resp, 400, "Invalid input for field 'user': "
                                          "'password' and 'original_password' are required "
                                          "properties.");
        /* As Keystone (an unenforced API): the original password is the
         * proof, so no token is needed (an expired password can be changed)
         * and any caller who knows it may change it.  Being a password
         * check, it is bounded as a login is: failures per address, and
         * Keystone's lockout (its change_password authenticates first). */
        const char *uid = req->params[0];
        double now = ctx->now(), retry = 0;
        if (ctx->logins && login_gate_address_enter(ctx->logins, req->client, now, &retry) < 0) {
                resp->retry_after = retry < 1 ? 1 : (unsigned)(retry + 0.999);
                return api_keystone_error(resp, 429, "Too many failed or concurrent logins from "
                                          "%s; retry after %u seconds.",
                                          req->client ? req->client : "this address",
                                          resp->retry_after);
        }
        struct identity_error e = {0};
        int r = identity_password_change(ctx->store, ctx->logins, uid, orig, pw, now, &e);
        if (ctx->logins)
                login_gate_address_leave(ctx->logins, req->client, r == -EACCES || r == -ENOLCK,
                                         now);
        if (r == -ENOLCK)
                return api_keystone_error(resp, 401, "The account is locked for user: %s.", uid);
        if (r == -ENOENT)
                return not_found(resp, &e);
        if (r == -EACCES)
                return unauthorized(resp);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        api_reply_empty(resp, 204);
        return 0;
}

/* ---- project tags (Keystone's /v3/projects/{id}/tags) ---- */

/* The project, for a tag read: by an admin or from a token scoped to
 * it, as the project itself. */
static int tags_project(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                        struct identity_object *o)
{
        const char *id = req->params[0];
        bool own = req->auth.project_id && streq(req->auth.project_id, id);
        if (!policy_identity_admin(&req->auth) && !own) {
                need_admin(req, resp);
                return -EPERM;
        }
        struct identity_error e = {0};
        int r = identity_get(ctx->store, IDENTITY_PROJECT, id, o, &e);
        if (r == -ENOENT)
                not_found(resp, &e);
        else if (r < 0)
                api_store_error(resp, API_IDENTITY, r);
        return r;
}

static json_t *tags_of(const struct identity_object *o)
{
        return o->tags ? json_incref(o->tags) : json_array();
}

static int tags_list(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        struct identity_object o = {0};
        if (tags_project(ctx, req, resp, &o) < 0)
                return 0;
        api_reply_json(resp, 200, json_pack("{s:o}", "tags", tags_of(&o)));
        identity_object_done(&o);
        return 0;
}

static int tag_check(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        struct identity_object o = {0};
        if (tags_project(ctx, req, resp, &o) < 0)
                return 0;
        bool has = false;
        size_t i;
        json_t *t;
        json_array_foreach(o.tags, i, t) {
                has = has || streq(json_string_value(t) ?: "", req->params[1]);
        }
        identity_object_done(&o);
        if (!has)
                return api_keystone_error(resp, 404, "Could not find project tag: %s.",
                                          req->params[1]);
        api_reply_empty(resp, 204);
        return 0;
}

/* PUT (one tag added: 201, empty) and DELETE (one removed: 204). */
static int tag_edit(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                    bool add)
{
        if (need_admin(req, resp) < 0)
                return 0;
        const char *tag = req->params[1];
        _cleanup_json_ json_t *one = json_pack("[s]", tag);
        if (add && check_tags(resp, one) < 0)
                return 0;
        struct identity_object o = {0};
        struct identity_error e = {0};
        int r = identity_project_tag(ctx->store, req->params[0], tag, add, &o, &e);
        if (r == -EEXIST || r == -E2BIG)
                return api_keystone_error(resp, 400, "Invalid input for field 'tags': %s",
                                          r == -EEXIST ? "the project has this tag already."
                                                       : "a project has at most 80 tags.");
        if (r == -ENOENT)
                return not_found(resp, &e);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        identity_object_done(&o);
        api_reply_empty(resp, add ? 201 : 204);
        return 0;
}

static int tag_put(struct api_ctx *c, struct api_request *q, struct api_response *p)
{
        return tag_edit(c, q, p, true);
}

static int tag_delete(struct api_ctx *c, struct api_request *q, struct api_response *p)
{
        return tag_edit(c, q, p, false);
}

/* PUT (the whole list replaced: 200 with it) and DELETE (all: 204). */
static int tags_replace(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                        json_t *tags, bool reply_list)
{
        if (check_tags(resp, tags) < 0)
                return 0;
        struct identity_update u = {.enabled = -1, .tags = tags};
        struct identity_object o = {0};
        struct identity_error e = {0};
        int r = identity_update(ctx->store, IDENTITY_PROJECT, req->params[0], &u, &o, &e);
        if (r == -ENOENT)
                return not_found(resp, &e);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        if (reply_list)
                api_reply_json(resp, 200, json_pack("{s:o}", "tags", tags_of(&o)));
        else
                api_reply_empty(resp, 204);
        identity_object_done(&o);
        return 0;
}

static int tags_put(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (need_admin(req, resp) < 0)
                return 0;
        _cleanup_json_ json_t *body = api_parse_body(req, resp, API_IDENTITY);
        if (!body)
                return 0;
        json_t *tags = json_object_get(body, "tags");
        if (!tags)
                return api_keystone_error(resp, 400, "Invalid input for field 'tags': 'tags' "
                                          "is a required property.");
        return tags_replace(ctx, req, resp, tags, true);
}

static int tags_delete(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (need_admin(req, resp) < 0)
                return 0;
        _cleanup_json_ json_t *none = json_array();
        return tags_replace(ctx, req, resp, none, false);
}

/* ---- implied roles ---- */

static json_t *role_ref_view(const struct api_request *req, const struct identity_named *n)
{
        char base[300], self[512];
        base_url(req, base, sizeof(base));
        snprintf(self, sizeof(self), "%s/v3/roles/%s", base, n->id);
        return json_pack("{s:s,s:s,s:{s:s}}", "id", n->id, "name", n->name ?: n->id, "links",
                         "self", self);
}

/* {"prior_role": ..., "implies": one or a list} */
static json_t *inference_view(const struct api_request *req, const struct identity_inference *x,
                              bool list)
{
        json_t *implies = list ? json_array() : role_ref_view(req, &x->implies[0]);
        for (size_t i = 0; list && implies && i < x->n_implies; i++)
                json_array_append_new(implies, role_ref_view(req, &x->implies[i]));
        return json_pack("{s:o,s:o}", "prior_role", role_ref_view(req, &x->prior), "implies",
                         implies);
}

static int implied_common(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                          enum identity_grant_op op)
{
        if (need_admin(req, resp) < 0)
                return 0;
        struct identity_error e = {0};
        int r = identity_implied(ctx->store, op, req->params[0], req->params[1], &e);
        if (r == -ENOENT)
                return not_found(resp, &e);
        if (r == -EPERM && e.what)
                return api_keystone_error(resp, 403, "Global role cannot imply a "
                                          "domain-specific role");
        if (r == -EPERM)
                return api_keystone_error(resp, 403, "%s cannot be an implied roles.",
                                          req->params[1]);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        bool head = streq(req->method, "HEAD");
        if (op == IDENTITY_GRANT_REMOVE || head) {
                api_reply_empty(resp, 204);
                return 0;
        }
        struct identity_inferences l = {0};
        r = identity_inferences_list(ctx->store, req->params[0], &l, &e);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        struct identity_inference one = {0};
        for (size_t i = 0; i < l.n; i++)
                for (size_t j = 0; j < l.v[i].n_implies; j++)
                        if (streq(l.v[i].implies[j].id, req->params[1]))
                                one = (struct identity_inference){l.v[i].prior,
                                                                  &l.v[i].implies[j], 1};
        char base[300], self[600];
        base_url(req, base, sizeof(base));
        snprintf(self, sizeof(self), "%s/v3/roles/%s/implies/%s", base, req->params[0],
                 req->params[1]);
        json_t *v = one.prior.id ? inference_view(req, &one, false) : json_object();
        api_reply_json(resp, op == IDENTITY_GRANT_ADD ? 201 : 200,
                       json_pack("{s:o,s:{s:s}}", "role_inference", v, "links", "self", self));
        identity_inferences_done(&l);
        return 0;
}

OP_HANDLERS(implied, implied_common)

/* GET /v3/roles/{prior}/implies and /v3/role_inferences */
static int inferences(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                      const char *prior)
{
        if (need_admin(req, resp) < 0)
                return 0;
        struct identity_error e = {0};
        struct identity_inferences l = {0};
        int r = identity_inferences_list(ctx->store, prior, &l, &e);
        if (r == -ENOENT)
                return not_found(resp, &e);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        char base[300], self[1200];
        base_url(req, base, sizeof(base));
        snprintf(self, sizeof(self), "%s%s", base, req->path);
        json_t *v;
        if (prior) {
                struct identity_named p = {.id = (char *)prior};
                struct identity_inference none = {p, NULL, 0};
                v = inference_view(req, l.n ? &l.v[0] : &none, true);
                if (!l.n) {
                        /* The prior role's name, read back for a role implying nothing. */
                        struct identity_object o = {0};
                        if (identity_get(ctx->store, IDENTITY_ROLE, prior, &o, &e) >= 0)
                                json_object_set_new(json_object_get(v, "prior_role"), "name",
                                                    json_string(o.name));
                        identity_object_done(&o);
                }
        } else {
                v = json_array();
                for (size_t i = 0; v && i < l.n; i++)
                        json_array_append_new(v, inference_view(req, &l.v[i], true));
        }
        identity_inferences_done(&l);
        api_reply_json(resp, 200, json_pack("{s:o,s:{s:s}}",
                                            prior ? "role_inference" : "role_inferences", v,
                                            "links", "self", self));
        return 0;
}

static int role_implies(struct api_ctx *c, struct api_request *q, struct api_response *p)
{
        return inferences(c, q, p, q->params[0]);
}

static int role_inferences(struct api_ctx *c, struct api_request *q, struct api_response *p)
{
        return inferences(c, q, p, NULL);
}

/* ---- the catalog: services, endpoints, regions ---- */

static json_t *with_self(const struct api_request *req, json_t *v, const char *plural)
{
        char base[300], self[512];
        base_url(req, base, sizeof(base));
        snprintf(self, sizeof(self), "%s/v3/%s/%s", base, plural, jstr(v, "id") ?: "");
        json_object_set_new(v, "links", json_pack("{s:s}", "self", self));
        return v;
}

static json_t *service_view(const struct api_request *req, const json_t *s)
{
        json_t *v = json_pack("{s:O,s:O,s:o,s:o,s:b}", "id", json_object_get(s, "id"), "type",
                              json_object_get(s, "type"), "name",
                              json_string(jstr(s, "name") ?: ""), "description",
                              json_string(jstr(s, "description") ?: ""), "enabled",
                              !json_is_false(json_object_get(s, "enabled")));
        return v ? with_self(req, v, "services") : NULL;
}

static json_t *endpoint_view(const struct api_request *req, const json_t *e, json_t *service_id)
{
        json_t *v = json_deep_copy(e);
        if (!v)
                return NULL;
        if (service_id)
                json_object_set(v, "service_id", service_id);
        json_object_set_new(v, "enabled", json_boolean(!json_is_false(json_object_get(e, "enabled"))));
        return with_self(req, v, "endpoints");
}

static json_t *region_view(const struct api_request *req, const json_t *g)
{
        json_t *v = json_pack("{s:O,s:o,s:O}", "id", json_object_get(g, "id"), "description",
                              json_string(jstr(g, "description") ?: ""), "parent_region_id",
                              json_object_get(g, "parent_region_id") ?: json_null());
        return v ? with_self(req, v, "regions") : NULL;
}

static bool query_is(const struct api_request *req, const char *key, const char *have)
{
        const char *want = api_query_get(req, key);
        return !want || streq(want, have ?: "");
}

/* GET /v3/services (?type=, ?name=), GET /v3/endpoints (?interface=,
 * ?service_id=, ?region_id=), or with an id the one (404 if absent). */
static int catalog_read(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                        bool endpoints, const char *id)
{
        if (need_admin(req, resp) < 0)
                return 0;
        _cleanup_json_ json_t *cat = NULL;
        int r = identity_catalog_list(ctx->store, "service", &cat);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        json_t *out = json_array();
        size_t i, j;
        json_t *svc, *ep;
        json_array_foreach(cat, i, svc) {
                if (!endpoints) {
                        if (id ? streq(id, jstr(svc, "id") ?: "")
                               : query_is(req, "type", jstr(svc, "type")) &&
                                         query_is(req, "name", jstr(svc, "name")))
                                json_array_append_new(out, service_view(req, svc));
                        continue;
                }
                json_array_foreach(json_object_get(svc, "endpoints"), j, ep) {
                        if (id ? streq(id, jstr(ep, "id") ?: "")
                               : query_is(req, "interface", jstr(ep, "interface")) &&
                                         query_is(req, "service_id", jstr(svc, "id")) &&
                                         query_is(req, "region_id", jstr(ep, "region_id")))
                                json_array_append_new(out, endpoint_view(req, ep,
                                                                         json_object_get(svc, "id")));
                }
        }
        const char *one = endpoints ? "endpoint" : "service";
        if (id && json_array_size(out) == 0) {
                json_decref(out);
                return api_keystone_error(resp, 404, "Could not find %s: %s.", one, id);
        }
        if (id)
                api_reply_json(resp, 200, json_pack("{s:O}", one, json_array_get(out, 0)));
        else
                api_reply_json(resp, 200, json_pack("{s:O}", endpoints ? "endpoints" : "services", out));
        json_decref(out);
        return 0;
}

static int list_services(struct api_ctx *c, struct api_request *q, struct api_response *p)
{
        return catalog_read(c, q, p, false, NULL);
}

static int list_endpoints(struct api_ctx *c, struct api_request *q, struct api_response *p)
{
        return catalog_read(c, q, p, true, NULL);
}

static int show_service(struct api_ctx *c, struct api_request *q, struct api_response *p)
{
        return catalog_read(c, q, p, false, q->params[0]);
}

static int show_endpoint(struct api_ctx *c, struct api_request *q, struct api_response *p)
{
        return catalog_read(c, q, p, true, q->params[0]);
}

/* Keystone's schemas for the catalog's attributes: the first offending
 * one's message, or NULL. */
static const char *catalog_invalid(const json_t *in, char *why, size_t len)
{
        static const char *const strings[] = {"type", "name", "description", "service_id", "url",
                                              "interface", "id"};
        static const char *const nullable[] = {"region_id", "region", "parent_region_id"};
        for (size_t i = 0; i < ARRAY_SIZE(strings); i++) {
                json_t *v = json_object_get(in, strings[i]);
                if (v && (!json_is_string(v) || json_string_length(v) > 255)) {
                        snprintf(why, len, "Invalid input for field '%s': it is not a string of "
                                 "at most 255 characters.", strings[i]);
                        return why;
                }
        }
        for (size_t i = 0; i < ARRAY_SIZE(nullable); i++) {
                json_t *v = json_object_get(in, nullable[i]);
                if (v && !json_is_null(v) && (!json_is_string(v) || json_string_length(v) > 255)) {
                        snprintf(why, len, "Invalid input for field '%s': it is not a string "
                                 "of at most 255 characters or null.", nullable[i]);
                        return why;
                }
        }
        json_t *en = json_object_get(in, "enabled");
        if (en && !json_is_boolean(en)) {
                _cleanup_free_ char *txt = json_dumps(en, JSON_ENCODE_ANY);
                snprintf(why, len, "Invalid input for field 'enabled': %s is not of type "
                         "'boolean'.", txt ? txt : "the value");
                return why;
        }
        const char *iface = jstr(in, "interface");
        if (iface && !streq(iface, "public") && !streq(iface, "internal") && !streq(iface, "admin")) {
                snprintf(why, len, "Invalid input for field 'interface': '%s' is not one of "
                         "['admin', 'internal', 'public'].", iface);
                return why;
        }
        return NULL;
}

/* POST, PATCH and DELETE of a service, an endpoint or a region. */
static int catalog_write(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                         enum identity_catalog_op op, const char *member, const char *id)
{
        if (need_admin(req, resp) < 0)
                return 0;
        _cleanup_json_ json_t *body = NULL;
        json_t *in = NULL;
        bool del = op == IDENTITY_SERVICE_DELETE || op == IDENTITY_ENDPOINT_DELETE ||
                   op == IDENTITY_REGION_DELETE;
        bool create = op == IDENTITY_SERVICE_CREATE || op == IDENTITY_ENDPOINT_CREATE ||
                      op == IDENTITY_REGION_CREATE;
        if (!del) {
                if (!(body = api_parse_body(req, resp, API_IDENTITY)))
                        return 0;
                in = json_object_get(body, member);
                if (!json_is_object(in))
                        return api_keystone_error(resp, 400, "Invalid input for field '%s': it "
                                                  "must be an object.", member);
                char why[200];
                if (catalog_invalid(in, why, sizeof(why)))
                        return api_keystone_error(resp, 400, "%s", why);
                static const char *const required[][3] = {
                        [IDENTITY_SERVICE_CREATE] = {"type"},
                        [IDENTITY_ENDPOINT_CREATE] = {"service_id", "interface", "url"},
                };
                for (size_t i = 0; create && op < ARRAY_SIZE(required) && i < 3; i++) {
                        const char *k = required[op][i];
                        if (k && !json_object_get(in, k))
                                return api_keystone_error(resp, 400, "Invalid input for field "
                                                          "'%s': '%s' is a required property.",
                                                          member, k);
                }
                /* An update keeps the id; a new region may name its own. */
                const char *body_id = jstr(in, "id");
                if (body_id && (create ? op != IDENTITY_REGION_CREATE : !streq(body_id, id ?: "")))
                        return api_keystone_error(resp, 400, create ? "Invalid input for field "
                                                  "'id': it is not accepted here."
                                                                    : "Cannot change ID");
                if (op == IDENTITY_REGION_CREATE && !id)
                        id = body_id;
        }
        _cleanup_json_ json_t *out = NULL;
        struct identity_error e = {0};
        int r = identity_catalog_edit(ctx->store, op, id, in, &out, &e);
        if (r == -ENOENT)
                return not_found(resp, &e);
        if (r == -EEXIST)
                return api_keystone_error(resp, 409, "Conflict occurred attempting to store "
                                          "region - Duplicate ID, %s.", id ?: "");
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        if (del) {
                api_reply_empty(resp, 204);
                return 0;
        }
        json_t *v = op <= IDENTITY_SERVICE_DELETE    ? service_view(req, out)
                    : op <= IDENTITY_ENDPOINT_DELETE ? endpoint_view(req, out, NULL)
                                                     : region_view(req, out);
        api_reply_json(resp, create ? 201 : 200, json_pack("{s:o}", member, v));
        return 0;
}

#define CATALOG_WRITE(name, op, member, with_id)                                                   \
        static int name(struct api_ctx *c, struct api_request *q, struct api_response *p)          \
        {                                                                                          \
                return catalog_write(c, q, p, op, member, with_id ? q->params[0] : NULL);          \
        }
CATALOG_WRITE(create_service, IDENTITY_SERVICE_CREATE, "service", false)
CATALOG_WRITE(update_service, IDENTITY_SERVICE_UPDATE, "service", true)
CATALOG_WRITE(delete_service, IDENTITY_SERVICE_DELETE, "service", true)
CATALOG_WRITE(create_endpoint, IDENTITY_ENDPOINT_CREATE, "endpoint", false)
CATALOG_WRITE(update_endpoint, IDENTITY_ENDPOINT_UPDATE, "endpoint", true)
CATALOG_WRITE(delete_endpoint, IDENTITY_ENDPOINT_DELETE, "endpoint", true)
CATALOG_WRITE(create_region, IDENTITY_REGION_CREATE, "region", false)
CATALOG_WRITE(put_region, IDENTITY_REGION_CREATE, "region", true)
CATALOG_WRITE(update_region, IDENTITY_REGION_UPDATE, "region", true)
CATALOG_WRITE(delete_region, IDENTITY_REGION_DELETE, "region", true)

/* GET /v3/regions (?parent_region_id=) or one region: any token. */
static int region_read(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                       const char *id)
{
        _cleanup_json_ json_t *all = NULL;
        int r = identity_catalog_list(ctx->store, "region", &all);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        json_t *out = json_array();
        size_t i;
        json_t *g;
        json_array_foreach(all, i, g) {
                if (id ? streq(id, jstr(g, "id") ?: "")
                       : query_is(req, "parent_region_id", jstr(g, "parent_region_id")))
                        json_array_append_new(out, region_view(req, g));
        }
        if (id && json_array_size(out) == 0) {
                json_decref(out);
                return api_keystone_error(resp, 404, "Could not find region: %s.", id);
        }
        if (id)
                api_reply_json(resp, 200, json_pack("{s:O}", "region", json_array_get(out, 0)));
        else
                api_reply_json(resp, 200, json_pack("{s:O}", "regions", out));
        json_decref(out);
        return 0;
}

static int list_regions(struct api_ctx *c, struct api_request *q, struct api_response *p)
{
        return region_read(c, q, p, NULL);
}

static int show_region(struct api_ctx *c, struct api_request *q, struct api_response *p)
{
        return region_read(c, q, p, q->params[0]);
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

static bool query_true(const struct api_request *req, const char *key)
{
        const char *v = api_query_get(req, key);
        return v && (!*v || strcasecmp(v, "true") == 0 || streq(v, "1"));
}

/* One assignment's links: the grant it is, and (effective, through a
 * group) the membership that gives it. */
static json_t *assignment_links(const struct api_request *req, const struct identity_assignment *a)
{
        char base[300], url[1200];
        base_url(req, base, sizeof(base));
        const char *actor_id = a->group ? a->group_ref.id : a->user.id;
        char scope[300];
        if (a->system_scope)
                snprintf(scope, sizeof(scope), "system");
        else
                snprintf(scope, sizeof(scope), "%s/%s", a->domain_scope ? "domains" : "projects",
                         a->scope.id);
        snprintf(url, sizeof(url), "%s/v3/%s/%s/%s/roles/%s", base, scope,
                 a->group ? "groups" : "users", actor_id ?: "",
                 a->prior_role_id ? a->prior_role_id : a->role.id);
        json_t *links = json_pack("{s:s}", "assignment", url);
        if (links && a->group && a->user.id) {
                snprintf(url, sizeof(url), "%s/v3/groups/%s/users/%s", base, a->group_ref.id,
                         a->user.id);
                json_object_set_new(links, "membership", json_string(url));
        }
        if (links && a->prior_role_id) {
                snprintf(url, sizeof(url), "%s/v3/roles/%s/implies/%s", base, a->prior_role_id,
                         a->role.id);
                json_object_set_new(links, "prior_role", json_string(url));
        }
        return links;
}

/* GET /v3/role_assignments[?user.id=&group.id=&scope.project.id=&scope.domain.id=
 * &role.id=&effective&include_names] */
static int list_assignments(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (need_admin(req, resp) < 0)
                return 0;
        struct identity_assignment_filter f = {
                .user_id = api_query_get(req, "user.id"),
                .group_id = api_query_get(req, "group.id"),
                .project_id = api_query_get(req, "scope.project.id"),
                .domain_id = api_query_get(req, "scope.domain.id"),
                .role_id = api_query_get(req, "role.id"),
                .names = query_true(req, "include_names"),
                .effective = query_true(req, "effective"),
        };
        /* As Keystone: effective lists users' roles, so no group filter. */
        if (f.effective && f.group_id)
                return api_keystone_error(resp, 400, "Specifying group.id with effective is "
                                          "not allowed: effective assignments are those of "
                                          "users.");
        if (f.project_id && f.domain_id)
                return api_keystone_error(resp, 400, "Specify a domain or project, not both");
        struct identity_assignments l = {0};
        int r = identity_assignments_list(ctx->store, &f, &l);
        if (r < 0)
                return api_store_error(resp, API_IDENTITY, r);
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < l.n; i++) {
                const struct identity_assignment *a = &l.v[i];
                json_t *scope = a->system_scope
                                        ? json_pack("{s:{s:b}}", "system", "all", 1)
                                        : json_pack("{s:o}", a->domain_scope ? "domain" : "project",
                                                    ref_view(&a->scope));
                json_t *o = json_pack("{s:o,s:o,s:o}", "scope", scope, "role", ref_view(&a->role),
                                      "links", assignment_links(req, a));
                if (o && a->user.id)
                        json_object_set_new(o, "user", ref_view(&a->user));
                else if (o && a->group)
                        json_object_set_new(o, "group", ref_view(&a->group_ref));
                json_array_append_new(arr, o);
        }
        identity_assignments_done(&l);
        char base[300], self[1200];
        base_url(req, base, sizeof(base));
        snprintf(self, sizeof(self), "%s/v3/role_assignments", base);
        api_reply_json(resp, 200, json_pack("{s:o,s:{s:s,s:n,s:n}}", "role_assignments", arr,
                                            "links", "self", self, "previous", "next"));
        return 0;
}

#define ID(m, pat, h, auth, s) {m, pat, h, auth, API_IDENTITY, s}
const struct api_route api_identity_routes[] = {
        ID("GET", "/", versions_root, API_AUTH_NONE, "identity versions"),
        ID("GET", "/v3", version_v3, API_AUTH_NONE, "identity v3 version document"),
        ID("POST", "/v3/auth/tokens", token_issue, API_AUTH_NONE,
           "issue a token (password, or token to rescope)"),
        ID("GET", "/v3/auth/tokens", token_validate, API_AUTH_TOKEN, "validate a token (and HEAD)"),
        ID("DELETE", "/v3/auth/tokens", token_revoke, API_AUTH_TOKEN, "revoke a token"),
        ID("GET", "/v3/auth/projects", auth_projects, API_AUTH_TOKEN,
           "projects the token's user may scope to"),
        ID("GET", "/v3/auth/domains", auth_domains, API_AUTH_TOKEN,
           "domains the token's user may scope to"),
        ID("GET", "/v3/auth/catalog", auth_catalog, API_AUTH_TOKEN, "the scoped token's catalog"),
        ID("GET", "/v3/domains", list_domain, API_AUTH_TOKEN, "list domains (?name=)"),
        ID("POST", "/v3/domains", create_domain_h, API_AUTH_TOKEN, "create a domain"),
        ID("GET", "/v3/domains/{}", show_domain, API_AUTH_TOKEN, "show a domain"),
        ID("PATCH", "/v3/domains/{}", update_domain, API_AUTH_TOKEN,
           "update a domain (name, description, enabled, tags)"),
        ID("DELETE", "/v3/domains/{}", delete_domain, API_AUTH_TOKEN,
           "delete a disabled domain and everything in it"),
        ID("GET", "/v3/domains/{}/users/{}/roles", duser_grant_list, API_AUTH_TOKEN,
           "list a user's roles on a domain"),
        ID("PUT", "/v3/domains/{}/users/{}/roles/{}", duser_grant_put, API_AUTH_TOKEN,
           "grant a user a role on a domain"),
        ID("GET", "/v3/domains/{}/users/{}/roles/{}", duser_grant_check, API_AUTH_TOKEN,
           "check a user's role on a domain (and HEAD)"),
        ID("DELETE", "/v3/domains/{}/users/{}/roles/{}", duser_grant_delete, API_AUTH_TOKEN,
           "revoke a user's role on a domain"),
        ID("GET", "/v3/domains/{}/groups/{}/roles", dgroup_grant_list, API_AUTH_TOKEN,
           "list a group's roles on a domain"),
        ID("PUT", "/v3/domains/{}/groups/{}/roles/{}", dgroup_grant_put, API_AUTH_TOKEN,
           "grant a group a role on a domain"),
        ID("GET", "/v3/domains/{}/groups/{}/roles/{}", dgroup_grant_check, API_AUTH_TOKEN,
           "check a group's role on a domain (and HEAD)"),
        ID("DELETE", "/v3/domains/{}/groups/{}/roles/{}", dgroup_grant_delete, API_AUTH_TOKEN,
           "revoke a group's role on a domain"),
        ID("GET", "/v3/system/users/{}/roles", suser_grant_list, API_AUTH_TOKEN,
           "list a user's roles on the system"),
        ID("PUT", "/v3/system/users/{}/roles/{}", suser_grant_put, API_AUTH_TOKEN,
           "grant a user a role on the system (kept; no system-scoped tokens)"),
        ID("GET", "/v3/system/users/{}/roles/{}", suser_grant_check, API_AUTH_TOKEN,
           "check a user's role on the system (and HEAD)"),
        ID("DELETE", "/v3/system/users/{}/roles/{}", suser_grant_delete, API_AUTH_TOKEN,
           "revoke a user's role on the system"),
        ID("GET", "/v3/system/groups/{}/roles", sgroup_grant_list, API_AUTH_TOKEN,
           "list a group's roles on the system"),
        ID("PUT", "/v3/system/groups/{}/roles/{}", sgroup_grant_put, API_AUTH_TOKEN,
           "grant a group a role on the system (kept; no system-scoped tokens)"),
        ID("GET", "/v3/system/groups/{}/roles/{}", sgroup_grant_check, API_AUTH_TOKEN,
           "check a group's role on the system (and HEAD)"),
        ID("DELETE", "/v3/system/groups/{}/roles/{}", sgroup_grant_delete, API_AUTH_TOKEN,
           "revoke a group's role on the system"),
        ID("GET", "/v3/projects", list_project, API_AUTH_TOKEN, "list projects (?name=, domain_id=)"),
        ID("POST", "/v3/projects", create_project_h, API_AUTH_TOKEN,
           "create a project (tags, parent_id; is_domain true makes a domain)"),
        ID("GET", "/v3/projects/{}", show_project, API_AUTH_TOKEN, "show a project"),
        ID("PATCH", "/v3/projects/{}", update_project, API_AUTH_TOKEN,
           "update a project (name, description, enabled, tags)"),
        ID("DELETE", "/v3/projects/{}", delete_project, API_AUTH_TOKEN, "delete a project"),
        ID("GET", "/v3/projects/{}/tags", tags_list, API_AUTH_TOKEN, "list a project's tags"),
        ID("PUT", "/v3/projects/{}/tags", tags_put, API_AUTH_TOKEN,
           "replace a project's tags"),
        ID("DELETE", "/v3/projects/{}/tags", tags_delete, API_AUTH_TOKEN,
           "remove all of a project's tags"),
        ID("GET", "/v3/projects/{}/tags/{}", tag_check, API_AUTH_TOKEN,
           "check a project has a tag (and HEAD)"),
        ID("PUT", "/v3/projects/{}/tags/{}", tag_put, API_AUTH_TOKEN, "add a tag to a project"),
        ID("DELETE", "/v3/projects/{}/tags/{}", tag_delete, API_AUTH_TOKEN,
           "remove a tag from a project"),
        ID("GET", "/v3/projects/{}/users/{}/roles", grant_list, API_AUTH_TOKEN,
           "list a user's roles on a project"),
        ID("PUT", "/v3/projects/{}/users/{}/roles/{}", grant_put, API_AUTH_TOKEN,
           "grant a role on a project"),
        ID("GET", "/v3/projects/{}/users/{}/roles/{}", grant_check, API_AUTH_TOKEN,
           "check a role grant (and HEAD)"),
        ID("DELETE", "/v3/projects/{}/users/{}/roles/{}", grant_delete, API_AUTH_TOKEN,
           "revoke a role grant"),
        ID("GET", "/v3/projects/{}/groups/{}/roles", pgroup_grant_list, API_AUTH_TOKEN,
           "list a group's roles on a project"),
        ID("PUT", "/v3/projects/{}/groups/{}/roles/{}", pgroup_grant_put, API_AUTH_TOKEN,
           "grant a group a role on a project"),
        ID("GET", "/v3/projects/{}/groups/{}/roles/{}", pgroup_grant_check, API_AUTH_TOKEN,
           "check a group's role on a project (and HEAD)"),
        ID("DELETE", "/v3/projects/{}/groups/{}/roles/{}", pgroup_grant_delete, API_AUTH_TOKEN,
           "revoke a group's role on a project"),
        ID("GET", "/v3/users", list_user, API_AUTH_TOKEN, "list users (?name=, domain_id=)"),
        ID("POST", "/v3/users", create_user_h, API_AUTH_TOKEN,
           "create a user (other attributes kept)"),
        ID("GET", "/v3/users/{}", show_user, API_AUTH_TOKEN, "show a user"),
        ID("PATCH", "/v3/users/{}", update_user, API_AUTH_TOKEN,
           "update a user (password, enabled, ...; ends its tokens)"),
        ID("DELETE", "/v3/users/{}", delete_user, API_AUTH_TOKEN, "delete a user (ends its tokens)"),
        ID("POST", "/v3/users/{}/password", user_password, API_AUTH_NONE,
           "change a password, proven by the original (ends the user's tokens)"),
        ID("GET", "/v3/users/{}/groups", user_groups, API_AUTH_TOKEN, "list a user's groups"),
        ID("GET", "/v3/users/{}/projects", user_projects, API_AUTH_TOKEN,
           "list the projects where a user holds a role"),
        ID("GET", "/v3/groups", list_group, API_AUTH_TOKEN, "list groups (?name=, domain_id=)"),
        ID("POST", "/v3/groups", create_group_h, API_AUTH_TOKEN, "create a group"),
        ID("GET", "/v3/groups/{}", show_group, API_AUTH_TOKEN, "show a group"),
        ID("PATCH", "/v3/groups/{}", update_group, API_AUTH_TOKEN,
           "update a group (name, description)"),
        ID("DELETE", "/v3/groups/{}", delete_group, API_AUTH_TOKEN,
           "delete a group (its grants and memberships)"),
        ID("GET", "/v3/groups/{}/users", group_users, API_AUTH_TOKEN, "list a group's users"),
        ID("PUT", "/v3/groups/{}/users/{}", member_put, API_AUTH_TOKEN, "add a user to a group"),
        ID("GET", "/v3/groups/{}/users/{}", member_check, API_AUTH_TOKEN,
           "check a user is in a group (and HEAD)"),
        ID("DELETE", "/v3/groups/{}/users/{}", member_delete, API_AUTH_TOKEN,
           "remove a user from a group"),
        ID("GET", "/v3/services", list_services, API_AUTH_TOKEN,
           "list catalog services (?type=, ?name=)"),
        ID("POST", "/v3/services", create_service, API_AUTH_TOKEN, "create a service"),
        ID("GET", "/v3/services/{}", show_service, API_AUTH_TOKEN, "show a service"),
        ID("PATCH", "/v3/services/{}", update_service, API_AUTH_TOKEN,
           "update a service (type, name, description, enabled)"),
        ID("DELETE", "/v3/services/{}", delete_service, API_AUTH_TOKEN,
           "delete a service and its endpoints"),
        ID("GET", "/v3/endpoints", list_endpoints, API_AUTH_TOKEN,
           "list endpoints (?interface=, ?service_id=, ?region_id=)"),
        ID("POST", "/v3/endpoints", create_endpoint, API_AUTH_TOKEN,
           "create an endpoint (a legacy region is made when missing)"),
        ID("GET", "/v3/endpoints/{}", show_endpoint, API_AUTH_TOKEN, "show an endpoint"),
        ID("PATCH", "/v3/endpoints/{}", update_endpoint, API_AUTH_TOKEN,
           "update an endpoint (service_id, interface, url, region, enabled)"),
        ID("DELETE", "/v3/endpoints/{}", delete_endpoint, API_AUTH_TOKEN, "delete an endpoint"),
        ID("GET", "/v3/regions", list_regions, API_AUTH_TOKEN, "list regions (?parent_region_id=)"),
        ID("POST", "/v3/regions", create_region, API_AUTH_TOKEN, "create a region"),
        ID("GET", "/v3/regions/{}", show_region, API_AUTH_TOKEN, "show a region"),
        ID("PUT", "/v3/regions/{}", put_region, API_AUTH_TOKEN, "create a region with this id"),
        ID("PATCH", "/v3/regions/{}", update_region, API_AUTH_TOKEN,
           "update a region (description, parent_region_id)"),
        ID("DELETE", "/v3/regions/{}", delete_region, API_AUTH_TOKEN, "delete a region"),
        ID("GET", "/v3/role_assignments", list_assignments, API_AUTH_TOKEN,
           "list role assignments (?user.id=, group.id=, scope.project.id=, scope.domain.id=, "
           "role.id=, effective, include_names)"),
        ID("GET", "/v3/role_inferences", role_inferences, API_AUTH_TOKEN,
           "list every implied-role rule"),
        ID("GET", "/v3/roles", list_role, API_AUTH_TOKEN, "list roles (?name=)"),
        ID("POST", "/v3/roles", create_role_h, API_AUTH_TOKEN, "create a role"),
        ID("GET", "/v3/roles/{}", show_role, API_AUTH_TOKEN, "show a role"),
        ID("PATCH", "/v3/roles/{}", update_role, API_AUTH_TOKEN, "update a role (name, description)"),
        ID("DELETE", "/v3/roles/{}", delete_role, API_AUTH_TOKEN,
           "delete a role (its grants and rules; tokens relying on it stop working)"),
        ID("GET", "/v3/roles/{}/implies", role_implies, API_AUTH_TOKEN,
           "list the roles a role implies"),
        ID("PUT", "/v3/roles/{}/implies/{}", implied_put, API_AUTH_TOKEN,
           "make a role imply another"),
        ID("GET", "/v3/roles/{}/implies/{}", implied_check, API_AUTH_TOKEN,
           "check an implied-role rule (and HEAD)"),
        ID("DELETE", "/v3/roles/{}/implies/{}", implied_delete, API_AUTH_TOKEN,
           "remove an implied-role rule"),
        {0},
};
