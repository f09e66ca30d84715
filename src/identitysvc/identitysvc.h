/* Keystone's domain logic: domains, projects, users, roles, project role
 * assignments, the catalog, password authentication and tokens, over the
 * store.  The API layer only parses a request into these types, calls one
 * function, renders the result and maps the error.
 *
 * Each call runs one store transaction of its own (call it outside one).
 * Errors are negative errnos of these kinds:
 *   -ENOENT  not found: err->what and err->which name the missing object
 *   -EEXIST  conflict: a name already taken in its domain
 *   -EACCES  refused: wrong password, disabled or unknown user, no role on
 *            the scope, a disabled project
 *   -EBUSY   unavailable: the store is busy, retry
 *   other    internal: the store failed (err_msg() has the detail for the
 *            log; it is not for the caller)
 *
 * Stored documents keep Keystone's shapes, so databases written before
 * stay readable.  The catalog and options stay JSON: operators and users
 * put arbitrary keys there. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "identity/login-gate.h"
#include "identity/token-cache.h"
#include "identity/token.h"
#include "store/store.h"

#define IDENTITY_DEFAULT_DOMAIN "default"

struct identity_error {
        const char *what;  /* "project", "user", "role", "domain", "role assignment", "token" */
        char which[160];   /* its id */
};

enum identity_kind {
        IDENTITY_DOMAIN,
        IDENTITY_PROJECT,
        IDENTITY_USER,
        IDENTITY_ROLE,
        IDENTITY_GROUP,
};

/* The stored kind name ("project", ...). */
const char *identity_kind_name(enum identity_kind k);

/* A domain, project, user or role: the fields the four share. */
struct identity_object {
        enum identity_kind kind;
        char *id;
        char *name;
        char *domain_id;          /* projects, users, groups, domain-specific roles */
        char *description;        /* NULL: none */
        char *default_project_id; /* users; NULL: none */
        char *parent_id;          /* projects: the parent project, or the domain */
        bool enabled;             /* domains, projects, users */
        json_t *options;          /* an object; never NULL once loaded */
        json_t *tags;             /* projects and domains: an array of strings, or NULL */
        json_t *extra;            /* users: attributes Keystone keeps as given (email...), or NULL */
};

struct identity_objects {
        struct identity_object *v;
        size_t n;
};

void identity_object_done(struct identity_object *o);
void identity_objects_done(struct identity_objects *l);

int identity_get(struct store *st, enum identity_kind k, const char *id,
                 struct identity_object *ret, struct identity_error *err);
/* All of kind k, or those named name (when not NULL), in id order. */
int identity_list(struct store *st, enum identity_kind k, const char *name,
                  struct identity_objects *ret);

/* A new domain, project, user, group or role. */
struct identity_create {
        const char *name;
        const char *domain_id;          /* NULL: the default domain (roles: a global role) */
        const char *description;
        const char *password;           /* users; NULL: none */
        const char *default_project_id; /* users */
        const char *parent_id;          /* projects; NULL: the domain */
        json_t *tags;                   /* projects, domains; NULL: none */
        json_t *extra;                  /* users: other attributes, kept as given */
        bool enabled;
};
/* -ENOENT (what "domain" or "project") when the domain or parent does not
 * exist; -EEXIST when the name is taken in the domain (roles: among the
 * global roles or those of the domain; domains: among domains); -EINVAL
 * when the parent is in another domain. */
int identity_create(struct store *st, enum identity_kind k, const struct identity_create *in,
                    struct identity_object *ret, struct identity_error *err);

/* An object changed; NULL / -1 keeps a field. */
struct identity_update {
        const char *name;
        const char *description;
        const char *default_project_id; /* users */
        const char *password;           /* users */
        int enabled;                    /* -1, 0 or 1 */
        json_t *options;
        json_t *tags;                   /* projects, domains */
        json_t *extra;                  /* users: merged into the kept attributes */
};
/* As Keystone: a new password or a disabled user ends the user's tokens,
 * a disabled project the tokens scoped to it. */
int identity_update(struct store *st, enum identity_kind k, const char *id,
                    const struct identity_update *in, struct identity_object *ret,
                    struct identity_error *err);
/* One tag of a project added (-EEXIST when it has it already, -E2BIG
 * past 80 tags) or removed (-ENOENT, err naming "project tag", when it
 * has not), in one write transaction; ret: the project after. */
int identity_project_tag(struct store *st, const char *project_id, const char *tag, bool add,
                         struct identity_object *ret, struct identity_error *err);
/* A deleted user or project takes its role assignments and tokens with it;
 * a group its memberships and assignments; a role its assignments and
 * inference rules (so the tokens that relied on it stop working at once);
 * a domain everything in it, and only once disabled (-EPERM otherwise). */
int identity_delete(struct store *st, enum identity_kind k, const char *id,
                    struct identity_error *err);

/* Role assignments on projects. */
enum identity_grant_op {
        IDENTITY_GRANT_CHECK,
        IDENTITY_GRANT_ADD,
        IDENTITY_GRANT_REMOVE, /* also ends the user's tokens on the project */
};
int identity_grant(struct store *st, enum identity_grant_op op, const char *project_id,
                   const char *user_id, const char *role_id, struct identity_error *err);

/* An object named by id, with its name and domain when asked for. */
struct identity_named {
        char *id;
        char *name;        /* NULL when not asked or not found */
        char *domain_id;   /* users and projects, with names */
        char *domain_name;
};
void identity_named_done(struct identity_named *n);

/* A grant of a role to a user or a group on a project or a domain. */
struct identity_grant_ref {
        bool domain;          /* the scope is a domain, not a project */
        const char *scope_id;
        bool group;           /* the actor is a group, not a user */
        const char *actor_id;
        const char *role_id;  /* NULL for identity_grant_roles */
        bool system;          /* the scope is the system (Keystone's "all"; scope_id unread) */
};
int identity_grant_ex(struct store *st, enum identity_grant_op op,
                      const struct identity_grant_ref *g, struct identity_error *err);
/* The roles granted directly to the actor on the scope. */
int identity_grant_roles(struct store *st, const struct identity_grant_ref *g,
                         struct identity_objects *ret, struct identity_error *err);

/* Group membership: check, add, remove (ends nothing by itself: a token
 * is authorized from the current state, so the roles the group gave go at
 * once). */
int identity_membership(struct store *st, enum identity_grant_op op, const char *group_id,
                        const char *user_id, struct identity_error *err);
/* The users of a group / the groups of a user. */
int identity_group_users(struct store *st, const char *group_id, struct identity_objects *ret,
                         struct identity_error *err);
int identity_user_groups(struct store *st, const char *user_id, struct identity_objects *ret,
                         struct identity_error *err);
/* The projects (or domains) where the user holds a role, directly or
 * through a group; only enabled ones when enabled_only. */
int identity_user_scopes(struct store *st, const char *user_id, bool domains, bool enabled_only,
                         struct identity_objects *ret, struct identity_error *err);

/* Implied roles: prior implies implied. */
int identity_implied(struct store *st, enum identity_grant_op op, const char *prior_id,
                     const char *implied_id, struct identity_error *err);
struct identity_inference {
        struct identity_named prior;
        struct identity_named *implies;
        size_t n_implies;
};
struct identity_inferences {
        struct identity_inference *v;
        size_t n;
};
void identity_inferences_done(struct identity_inferences *l);
/* Every rule (prior_id NULL), or those of one prior role (-ENOENT when
 * that role does not exist). */
int identity_inferences_list(struct store *st, const char *prior_id,
                             struct identity_inferences *ret, struct identity_error *err);

/* A user's password change, proven by the original password (whoever
 * asks), checked as a login's (gate: as identity_token_issue): -EACCES
 * when original is wrong, -ENOLCK when the user is locked out, -EBUSY
 * when no check slot came free; ends the user's tokens. */
int identity_password_change(struct store *st, struct login_gate *gate, const char *user_id,
                             const char *original, const char *password, double now,
                             struct identity_error *err);

struct identity_assignment {
        bool domain_scope; /* the scope is a domain, not a project */
        bool system_scope; /* the scope is the system */
        bool group;        /* granted to the group (not effective), or through it (effective) */
        struct identity_named scope, user, role;
        struct identity_named group_ref;  /* the group, when group */
        char *prior_role_id;              /* effective: the role assigned, when role is implied */
};
struct identity_assignment_filter {
        const char *user_id, *group_id, *project_id, *domain_id, *role_id; /* NULL: any */
        bool names;
        /* Group grants as the grants each member holds, and implied roles
         * as their own assignments. */
        bool effective;
};
struct identity_assignments {
        struct identity_assignment *v;
        size_t n;
};
void identity_assignments_done(struct identity_assignments *l);
int identity_assignments_list(struct store *st, const struct identity_assignment_filter *f,
                              struct identity_assignments *ret);

/* A token's catalog: [{id, type, name, endpoints: [{id, interface,
 * region_id, region, url}]}] of the enabled services and endpoints. */
int identity_catalog(struct store *st, json_t **ret);

/* The catalog's admin API (Keystone's /v3/services, /v3/endpoints,
 * /v3/regions), one change per call in one write transaction.  in holds
 * the request's attributes, already checked by the caller: services type,
 * name, description, enabled; endpoints service_id, interface, url,
 * region_id or the legacy region (made when missing), enabled; regions
 * description, parent_region_id (id: the region's own, or NULL for a new
 * one).  -ENOENT (err names what) when an id is unknown, -EEXIST for a
 * region id taken.  *ret (may be NULL): the service, endpoint (with its
 * service_id) or region after the change. */
enum identity_catalog_op {
        IDENTITY_SERVICE_CREATE,
        IDENTITY_SERVICE_UPDATE,
        IDENTITY_SERVICE_DELETE,
        IDENTITY_ENDPOINT_CREATE,
        IDENTITY_ENDPOINT_UPDATE,
        IDENTITY_ENDPOINT_DELETE,
        IDENTITY_REGION_CREATE,
        IDENTITY_REGION_UPDATE,
        IDENTITY_REGION_DELETE,
};
int identity_catalog_edit(struct store *st, enum identity_catalog_op op, const char *id,
                          const json_t *in, json_t **ret, struct identity_error *err);
/* Every stored "service" (with its endpoints) or "region" document. */
int identity_catalog_list(struct store *st, const char *kind, json_t **ret);
/* A token's catalog from the service documents: enabled services and
 * endpoints only. */
json_t *identity_catalog_view(const json_t *services);

/* POST /v3/auth/tokens with the password or the token method. */
enum identity_scope {
        IDENTITY_SCOPE_NONE,
        IDENTITY_SCOPE_PROJECT,
        IDENTITY_SCOPE_DOMAIN,
};
struct identity_password_auth {
        /* The user: by id, or by name in a domain given by id or name. */
        const char *user_id, *user_name, *user_domain_id, *user_domain_name;
        const char *password;
        /* The token method: a valid token of the user, rescoped (the new
         * token expires with it); password fields are then not read. */
        const char *token;
        enum identity_scope scope;
        /* The scope: by id, or by name (a project's in a domain given by
         * id or name). */
        const char *scope_id, *scope_name, *scope_domain_id, *scope_domain_name;
};

struct identity_token {
        char token[TOKEN_STR_LEN]; /* issue only: the secret itself */
        char issued_at[40], expires_at[40];
        char audit_id[33];
        struct identity_named user;    /* with its domain */
        struct identity_named project; /* id NULL: not project-scoped; with its domain */
        struct identity_named domain;  /* id NULL: not domain-scoped */
        struct identity_named *roles;  /* held now on the scope */
        size_t n_roles;
        json_t *catalog;               /* scoped tokens; NULL otherwise */
        bool rescoped;                 /* got by the token method: methods token, password */
};
void identity_token_done(struct identity_token *t);

/* -EACCES when the password, user or scope does not allow a token;
 * -ENOENT when the token of the token method does not validate;
 * -ENOLCK when the user is locked out (Keystone's lockout; ret->user.id
 * names it, free with identity_token_done()); -EBUSY when no password
 * check slot came free in time.  gate (login-gate.h) may be NULL: no
 * lockout, no bound on concurrent checks. */
int identity_token_issue(struct store *st, struct login_gate *gate,
                         const struct identity_password_auth *in, double now, long lifetime,
                         struct identity_token *ret);
/* A token as it stands now (the roles held now): -ENOENT when it is
 * unknown, expired, revoked or no longer allowed (as its use would be). */
int identity_token_validate(struct store *st, struct token_cache *cache, const char *token,
                            double now, struct identity_token *ret);
int identity_token_revoke(struct store *st, struct token_cache *cache, const char *token);

/* `keystone-manage bootstrap`: the default domain, roles admin, member,
 * reader and service, an admin project and user holding admin, and the
 * catalog (identity at URL/v3/, network at URL, compute at URL/v2.1, image
 * at URL/image).  Idempotent; running it again resets the admin password. */
struct identity_bootstrap {
        const char *username;     /* admin */
        const char *password;
        const char *project_name; /* admin */
        const char *region;       /* RegionOne */
        const char *public_url;   /* http://HOST:PORT, no trailing slash */
};
int identity_bootstrap(struct store *st, const struct identity_bootstrap *b);
