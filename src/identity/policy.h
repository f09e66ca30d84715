/* Who may do what, as Neutron's and Keystone's default policies say it:
 * admin (a role on the token's project) may read and write everything;
 * member reads and writes its own project's resources (plus shared networks
 * to read); reader only reads its own; admin-only attributes are neither
 * shown to nor settable by non-admins.  Pure. */
#pragma once

#include <stdbool.h>

struct auth_context {
        char *user_id;
        char *user_name;
        char *project_id;  /* NULL for a domain-scoped token */
        char *domain_id;   /* of the scope when domain-scoped */
        bool is_admin;
        bool is_member;
        bool is_reader;
        bool is_service;
};

void auth_context_done(struct auth_context *c);

/* Sets the role flags from role names (admin implies member implies reader,
 * as Keystone's implied roles do). */
void auth_context_add_role(struct auth_context *c, const char *role);

/* May the caller see an object of project_id (shared: visible to all)? */
bool policy_may_read(const struct auth_context *c, const char *project_id, bool shared);
/* May the caller change or delete an object of project_id? */
bool policy_may_write(const struct auth_context *c, const char *project_id);
/* May the caller create objects in project_id? */
bool policy_may_create(const struct auth_context *c, const char *project_id);
/* Images, as Glance's default policy has them: an image is seen by its
 * owner project, by everyone when public or community, and by admins; only
 * the owner project's members (and admins) create, upload, change or delete
 * it, so a reader or an unscoped token creates nothing. */
bool policy_image_visible(const struct auth_context *c, const char *owner,
                          const char *visibility);
bool policy_image_write(const struct auth_context *c, const char *owner);
/* Identity administration (projects, users, role assignments). */
bool policy_identity_admin(const struct auth_context *c);
/* The internal agent-report endpoint: admin or the service role. */
bool policy_agent_report(const struct auth_context *c);
