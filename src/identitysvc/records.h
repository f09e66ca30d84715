/* Inside identitysvc: the stored documents of identity objects, read
 * and written within a transaction the caller holds. */
#pragma once

#include <jansson.h>

#include "identitysvc/identitysvc.h"

#define _cleanup_jdoc_ _cleanup_(json_decrefp)

const char *rec_str(const json_t *o, const char *k);
/* Names what was not found in err (if any) for the caller's 404. */
void rec_not_found(struct identity_error *err, const char *what, const char *which);
/* Ends a transaction: commits when r >= 0, and returns r (or the commit's
 * failure). */
int rec_finish(struct store *st, int r);
/* The document of (kind, id); -ENOENT when absent. */
int rec_get(struct store *st, const char *kind, const char *id, json_t **ret);
/* The documents of kind whose attr is value (and attr2 value2, if given). */
int rec_find(struct store *st, const char *kind, const char *attr, const char *value,
             const char *attr2, const char *value2, json_t **ret);
/* The one such document; -ENOENT unless exactly one. */
int rec_find_one(struct store *st, const char *kind, const char *attr, const char *value,
                 const char *attr2, const char *value2, json_t **ret);
int rec_insert(struct store *st, const char *kind, const char *id, const char *project,
               json_t *doc);
int rec_update(struct store *st, const char *kind, const char *id, json_t *doc);
/* Deletes every object of kind whose attr is value (attr NULL: any) and,
 * when given, whose project is project_id. */
int rec_delete_where(struct store *st, const char *kind, const char *attr, const char *value,
                     const char *project_id);

/* An object from its document (fields absent read as none). */
int rec_object(enum identity_kind k, const json_t *doc, struct identity_object *ret);
/* {id, name} of the roles user holds on scope_id, as identity_named: those
 * assigned to it and to its groups, and the roles they imply. */
int rec_user_roles(struct store *st, const char *user_id, const char *scope_id,
                   struct identity_named **ret, size_t *n);
/* The id and name of a domain (its id as name when it is gone). */
int rec_domain_named(struct store *st, const char *domain_id, struct identity_named *ret);
/* Resolves a user or project by id, or by name in a domain by id or name. */
int rec_resolve(struct store *st, const char *kind, const char *id, const char *name,
                const char *domain_id, const char *domain_name, json_t **ret);

/* A password checked against a user's hash (user NULL or hash NULL: no
 * such user, checked anyway so both cases take the same time), under
 * Keystone's lockout kept in the store and the gate's bound on concurrent
 * checks (gate NULL: neither): 0 when right; -EACCES when wrong, counting
 * the failure; -ENOLCK when locked out (not checked); -EBUSY when no check
 * slot came free in time.  Takes its own transactions. */
int rec_password_check(struct store *st, struct login_gate *gate, const json_t *user,
                       const char *hash, const char *password, double now);

/* Ends tokens inside a write transaction (and moves the identity stamp). */
int rec_revoke_user_tokens(struct store *st, const char *user_id);
int rec_revoke_project_tokens(struct store *st, const char *project_id, const char *user_id);

/* A role assignment, kept as the document (scope_type, scope_id, user_id,
 * role_id) with id "TYPE:SCOPE:USER:ROLE". */
int rec_assign(struct store *st, const char *scope_type, const char *scope_id,
               const char *user_id, const char *role_id);
/* A group's is (scope_type, scope_id, group_id, role_id), with id
 * "TYPE:SCOPE:group:GROUP:ROLE". */
int rec_assign_ex(struct store *st, const char *scope_type, const char *scope_id, bool group,
                  const char *actor_id, const char *role_id);
void rec_assignment_id(const char *scope_type, const char *scope_id, bool group,
                       const char *actor_id, const char *role_id, char ret[200]);

/* A new project or user document (hash: the password's, or NULL);
 * -EEXIST when the name is taken in the domain. */
int rec_create_project(struct store *st, const char *name, const char *domain_id,
                       const char *description, bool enabled, json_t **ret);
int rec_create_user(struct store *st, const char *name, const char *domain_id,
                    const char *hash, const char *project_id, bool enabled, json_t **ret);
