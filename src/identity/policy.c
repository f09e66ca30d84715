#include <stdlib.h>
#include <string.h>

#include "base/macro.h"
#include "identity/policy.h"

void auth_context_done(struct auth_context *c)
{
        free(c->user_id);
        free(c->user_name);
        free(c->project_id);
        free(c->domain_id);
        *c = (struct auth_context){0};
}

void auth_context_add_role(struct auth_context *c, const char *role)
{
        if (streq(role, "admin"))
                c->is_admin = c->is_member = c->is_reader = true;
        else if (streq(role, "member") || streq(role, "_member_"))
                c->is_member = c->is_reader = true;
        else if (streq(role, "reader"))
                c->is_reader = true;
        else if (streq(role, "service"))
                c->is_service = true;
}

static bool own_project(const struct auth_context *c, const char *project_id)
{
        return c->project_id && project_id && streq(c->project_id, project_id);
}

bool policy_may_read(const struct auth_context *c, const char *project_id, bool shared)
{
        if (c->is_admin)
                return true;
        if (!c->is_reader)
                return false;
        return shared || own_project(c, project_id);
}

bool policy_may_write(const struct auth_context *c, const char *project_id)
{
        if (c->is_admin)
                return true;
        return c->is_member && own_project(c, project_id);
}

bool policy_may_create(const struct auth_context *c, const char *project_id)
{
        return policy_may_write(c, project_id);
}

bool policy_identity_admin(const struct auth_context *c)
{
        return c->is_admin;
}

bool policy_agent_report(const struct auth_context *c)
{
        return c->is_admin || c->is_service;
}

bool policy_image_visible(const struct auth_context *c, const char *owner,
                          const char *visibility)
{
        if (c->is_admin)
                return true;
        if (visibility && (streq(visibility, "public") || streq(visibility, "community")))
                return true;
        return own_project(c, owner);
}

bool policy_image_write(const struct auth_context *c, const char *owner)
{
        return policy_may_write(c, owner);
}
