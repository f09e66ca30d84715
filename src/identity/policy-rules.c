#include <string.h>

#include "base/macro.h"
#include "identity/policy-rules.h"

/* Upstream's named check strings, spelled out once. */
#define N_ADMIN "rule:admin_only"
#define N_ADMIN_OR_MEMBER "(rule:admin_only) or (role:member and project_id:%(project_id)s)"
#define N_ADMIN_OR_READER "(rule:admin_only) or (role:reader and project_id:%(project_id)s)"
#define N_ADMIN_OR_NET_OWNER "(rule:admin_only) or (role:member and rule:network_owner)"
#define C_ADMIN "role:admin"
#define C_MEMBER_OR_ADMIN "(role:member and project_id:%(project_id)s) or role:admin"
#define C_READER_OR_ADMIN "(role:reader and project_id:%(project_id)s) or role:admin"
#define K_ADMIN "role:admin"

const struct policy_rule policy_rules[_PR_MAX] = {
        [PR_CREATE_NETWORK] = {"network", "create_network", N_ADMIN_OR_MEMBER, POLICY_OWNER_MEMBER},
        [PR_CREATE_NETWORK_SHARED] = {"network", "create_network:shared", N_ADMIN, POLICY_ADMIN},
        [PR_CREATE_NETWORK_EXTERNAL] = {"network", "create_network:router:external", N_ADMIN,
                                        POLICY_ADMIN},
        [PR_CREATE_NETWORK_PROVIDER_NETWORK_TYPE] = {"network",
                                                     "create_network:provider:network_type",
                                                     N_ADMIN, POLICY_ADMIN},
        [PR_CREATE_NETWORK_PROVIDER_PHYSICAL_NETWORK] = {"network",
                                                         "create_network:provider:physical_network",
                                                         N_ADMIN, POLICY_ADMIN},
        [PR_CREATE_NETWORK_PROVIDER_SEGMENTATION_ID] = {"network",
                                                        "create_network:provider:segmentation_id",
                                                        N_ADMIN, POLICY_ADMIN},
        [PR_GET_NETWORK] = {"network", "get_network",
                            N_ADMIN_OR_READER " or rule:shared or rule:external",
                            POLICY_OWNER_READER},
        [PR_GET_NETWORK_PROVIDER_NETWORK_TYPE] = {"network", "get_network:provider:network_type",
                                                  N_ADMIN, POLICY_ADMIN},
        [PR_GET_NETWORK_PROVIDER_PHYSICAL_NETWORK] = {"network",
                                                      "get_network:provider:physical_network",
                                                      N_ADMIN, POLICY_ADMIN},
        [PR_GET_NETWORK_PROVIDER_SEGMENTATION_ID] = {"network",
                                                     "get_network:provider:segmentation_id",
                                                     N_ADMIN, POLICY_ADMIN},
        [PR_UPDATE_NETWORK] = {"network", "update_network", N_ADMIN_OR_MEMBER, POLICY_OWNER_MEMBER},
        [PR_UPDATE_NETWORK_SHARED] = {"network", "update_network:shared", N_ADMIN, POLICY_ADMIN},
        [PR_DELETE_NETWORK] = {"network", "delete_network", N_ADMIN_OR_MEMBER, POLICY_OWNER_MEMBER},
        [PR_CREATE_SUBNET] = {"network", "create_subnet", N_ADMIN_OR_NET_OWNER, POLICY_NET_OWNER},
        [PR_GET_SUBNET] = {"network", "get_subnet", N_ADMIN_OR_READER " or rule:shared",
                           POLICY_OWNER_READER},
        [PR_UPDATE_SUBNET] = {"network", "update_subnet", N_ADMIN_OR_NET_OWNER, POLICY_NET_OWNER},
        [PR_DELETE_SUBNET] = {"network", "delete_subnet", N_ADMIN_OR_NET_OWNER, POLICY_NET_OWNER},
        [PR_CREATE_PORT] = {"network", "create_port", N_ADMIN_OR_MEMBER, POLICY_OWNER_MEMBER},
        [PR_CREATE_PORT_DEVICE_OWNER] = {"network", "create_port:device_owner",
                                         "not rule:network_device or rule:service_api or "
                                         N_ADMIN_OR_NET_OWNER,
                                         POLICY_NET_OWNER},
        [PR_CREATE_PORT_MAC_ADDRESS] = {"network", "create_port:mac_address",
                                        "rule:service_api or " N_ADMIN_OR_NET_OWNER,
                                        POLICY_NET_OWNER},
        [PR_CREATE_PORT_FIXED_IPS_IP_ADDRESS] = {"network", "create_port:fixed_ips:ip_address",
                                                 "rule:service_api or " N_ADMIN_OR_NET_OWNER,
                                                 POLICY_NET_OWNER},
        [PR_CREATE_PORT_PORT_SECURITY_ENABLED] = {"network", "create_port:port_security_enabled",
                                                  "rule:service_api or " N_ADMIN_OR_NET_OWNER,
                                                  POLICY_NET_OWNER},
        [PR_CREATE_PORT_BINDING_HOST_ID] = {"network", "create_port:binding:host_id",
                                            "(rule:admin_only) or (rule:service_api)",
                                            POLICY_ADMIN},
        [PR_CREATE_PORT_BINDING_PROFILE] = {"network", "create_port:binding:profile",
                                            "(rule:admin_only) or (rule:service_api)",
                                            POLICY_ADMIN},
        [PR_CREATE_PORT_ALLOWED_ADDRESS_PAIRS] = {"network", "create_port:allowed_address_pairs",
                                                  N_ADMIN_OR_NET_OWNER, POLICY_NET_OWNER},
        [PR_GET_PORT] = {"network", "get_port",
                         "rule:service_api or " N_ADMIN_OR_READER, POLICY_OWNER_READER},
        [PR_GET_PORT_BINDING_VIF_TYPE] = {"network", "get_port:binding:vif_type",
                                          "(rule:admin_only) or (rule:service_api)",
                                          POLICY_ADMIN},
        [PR_GET_PORT_BINDING_PROFILE] = {"network", "get_port:binding:profile",
                                         "(rule:admin_only) or (rule:service_api)",
                                         POLICY_ADMIN},
        [PR_UPDATE_PORT] = {"network", "update_port", "rule:service_api or " N_ADMIN_OR_MEMBER,
                            POLICY_OWNER_MEMBER},
        [PR_UPDATE_PORT_DEVICE_OWNER] = {"network", "update_port:device_owner",
                                         "not rule:network_device or rule:service_api or "
                                         N_ADMIN_OR_NET_OWNER,
                                         POLICY_NET_OWNER},
        [PR_UPDATE_PORT_MAC_ADDRESS] = {"network", "update_port:mac_address",
                                        "(rule:admin_only) or (rule:service_api)", POLICY_ADMIN},
        [PR_UPDATE_PORT_FIXED_IPS_IP_ADDRESS] = {"network", "update_port:fixed_ips:ip_address",
                                                 "rule:service_api or " N_ADMIN_OR_NET_OWNER,
                                                 POLICY_NET_OWNER},
        [PR_UPDATE_PORT_PORT_SECURITY_ENABLED] = {"network", "update_port:port_security_enabled",
                                                  "rule:service_api or " N_ADMIN_OR_NET_OWNER,
                                                  POLICY_NET_OWNER},
        [PR_UPDATE_PORT_ALLOWED_ADDRESS_PAIRS] = {"network", "update_port:allowed_address_pairs",
                                                  N_ADMIN_OR_NET_OWNER, POLICY_NET_OWNER},
        [PR_DELETE_PORT] = {"network", "delete_port",
                            "rule:service_api or (role:member and rule:network_owner) or "
                            N_ADMIN_OR_MEMBER,
                            POLICY_OWNER_OR_NET_OWNER},
        [PR_CREATE_SECURITY_GROUP] = {"network", "create_security_group", N_ADMIN_OR_MEMBER,
                                      POLICY_OWNER_MEMBER},
        [PR_GET_SECURITY_GROUP] = {"network", "get_security_group", N_ADMIN_OR_READER,
                                   POLICY_OWNER_READER},
        [PR_UPDATE_SECURITY_GROUP] = {"network", "update_security_group", N_ADMIN_OR_MEMBER,
                                      POLICY_OWNER_MEMBER},
        [PR_DELETE_SECURITY_GROUP] = {"network", "delete_security_group", N_ADMIN_OR_MEMBER,
                                      POLICY_OWNER_MEMBER},
        [PR_CREATE_SECURITY_GROUP_RULE] = {"network", "create_security_group_rule",
                                           "(rule:admin_only) or (role:member and "
                                           "project_id:%(project_id)s and rule:sg_owner)",
                                           POLICY_OWNER_MEMBER},
        [PR_GET_AGENT] = {"network", "get_agent", N_ADMIN, POLICY_ADMIN},
        [PR_GET_QUOTA] = {"network", "get_quota", N_ADMIN_OR_READER, POLICY_OWNER_READER},
        [PR_UPDATE_QUOTA] = {"network", "update_quota", N_ADMIN, POLICY_ADMIN},
        [PR_SERVERS_CREATE] = {"compute", "os_compute_api:servers:create", C_MEMBER_OR_ADMIN,
                               POLICY_OWNER_MEMBER},
        [PR_SERVERS_CREATE_FORCED_HOST] = {"compute", "os_compute_api:servers:create:forced_host",
                                           C_ADMIN, POLICY_ADMIN},
        [PR_SERVERS_SHOW] = {"compute", "os_compute_api:servers:show", C_READER_OR_ADMIN,
                             POLICY_OWNER_READER},
        [PR_SERVERS_DELETE] = {"compute", "os_compute_api:servers:delete", C_MEMBER_OR_ADMIN,
                               POLICY_OWNER_MEMBER},
        [PR_QUOTA_SETS_SHOW] = {"compute", "os_compute_api:os-quota-sets:show", C_READER_OR_ADMIN,
                                POLICY_OWNER_READER},
        [PR_QUOTA_SETS_UPDATE] = {"compute", "os_compute_api:os-quota-sets:update", C_ADMIN,
                                  POLICY_ADMIN},
        [PR_FLAVOR_MANAGE_CREATE] = {"compute", "os_compute_api:os-flavor-manage:create", C_ADMIN,
                                     POLICY_ADMIN},
        [PR_AGGREGATES_INDEX] = {"compute", "os_compute_api:os-aggregates:index", C_ADMIN,
                                 POLICY_ADMIN},
        [PR_HYPERVISORS_LIST] = {"compute", "os_compute_api:os-hypervisors:list", C_ADMIN,
                                 POLICY_ADMIN},
        [PR_SERVICES_LIST] = {"compute", "os_compute_api:os-services:list", C_ADMIN, POLICY_ADMIN},
        [PR_IDENTITY_CREATE_USER] = {"identity", "identity:create_user",
                                     "(" K_ADMIN ") or (role:manager and "
                                     "token.domain.id:%(target.user.domain_id)s)",
                                     POLICY_ADMIN},
        [PR_IDENTITY_LIST_USERS] = {"identity", "identity:list_users",
                                    "(" K_ADMIN ") or (role:reader and system_scope:all) or "
                                    "(role:reader and domain_id:%(target.domain_id)s)",
                                    POLICY_ADMIN},
        [PR_IDENTITY_GET_USER] = {"identity", "identity:get_user",
                                  "(" K_ADMIN ") or (role:reader and system_scope:all) or "
                                  "(role:reader and token.domain.id:%(target.user.domain_id)s) "
                                  "or user_id:%(target.user.id)s",
                                  POLICY_TOKEN_SUBJECT},
        [PR_IDENTITY_CREATE_PROJECT] = {"identity", "identity:create_project",
                                        "(" K_ADMIN ") or (role:manager and "
                                        "domain_id:%(target.project.domain_id)s)",
                                        POLICY_ADMIN},
        [PR_IDENTITY_GET_PROJECT] = {"identity", "identity:get_project",
                                     "(" K_ADMIN ") or (role:reader and system_scope:all) or "
                                     "(role:reader and domain_id:%(target.project.domain_id)s) "
                                     "or project_id:%(target.project.id)s",
                                     POLICY_OWNER_READER},
        [PR_IDENTITY_CREATE_GRANT] = {"identity", "identity:create_grant",
                                      "(" K_ADMIN ") or (role:manager in the domain of the grant's "
                                      "actor and target)",
                                      POLICY_ADMIN},
        [PR_IDENTITY_VALIDATE_TOKEN] = {"identity", "identity:validate_token",
                                        "(role:reader and system_scope:all) or rule:service_role "
                                        "or rule:token_subject",
                                        POLICY_SUBJECT_OR_SERVICE},
        [PR_IDENTITY_REVOKE_TOKEN] = {"identity", "identity:revoke_token",
                                      "(role:admin and system_scope:all) or rule:token_subject",
                                      POLICY_TOKEN_SUBJECT},
        [PR_ADD_IMAGE] = {"image", "add_image",
                          "role:admin or (role:member and project_id:%(project_id)s and "
                          "project_id:%(owner)s)",
                          POLICY_OWNER_MEMBER},
        [PR_GET_IMAGE] = {"image", "get_image",
                          "role:admin or (role:reader and (project_id:%(project_id)s or "
                          "project_id:%(member_id)s or 'community':%(visibility)s or "
                          "'public':%(visibility)s or 'shared':%(visibility)s))",
                          POLICY_ANY_READER},
        [PR_UPLOAD_IMAGE] = {"image", "upload_image",
                             "role:admin or (role:member and project_id:%(project_id)s)",
                             POLICY_OWNER_MEMBER},
        [PR_DELETE_IMAGE] = {"image", "delete_image",
                             "role:admin or (role:member and project_id:%(project_id)s)",
                             POLICY_OWNER_MEMBER},
        [PR_PUBLICIZE_IMAGE] = {"image", "publicize_image", "role:admin", POLICY_ADMIN},
};

static const char *const who_names[_POLICY_WHO_MAX] = {
        [POLICY_ADMIN] = "admin",
        [POLICY_OWNER_MEMBER] = "owner-member",
        [POLICY_OWNER_READER] = "owner-reader",
        [POLICY_NET_OWNER] = "network-owner",
        [POLICY_OWNER_OR_NET_OWNER] = "owner-or-network-owner",
        [POLICY_TOKEN_SUBJECT] = "subject",
        [POLICY_SUBJECT_OR_SERVICE] = "subject-or-service",
        [POLICY_ANY_READER] = "reader",
};

static const char *const who_texts[_POLICY_WHO_MAX] = {
        [POLICY_ADMIN] = "admin only",
        [POLICY_OWNER_MEMBER] = "admin, or a member of the owning project",
        [POLICY_OWNER_READER] = "admin, or a reader (member) of the owning project; "
                                "a shared or external network and a shared "
                                "network's subnets, any reader",
        [POLICY_NET_OWNER] = "admin, or a member of the network's project",
        [POLICY_OWNER_OR_NET_OWNER] = "admin, or a member of the owning project or of the "
                                      "network's project",
        [POLICY_TOKEN_SUBJECT] = "admin, or the user itself",
        [POLICY_SUBJECT_OR_SERVICE] = "admin, the service role, or the token's own user",
        [POLICY_ANY_READER] = "admin; a reader of the owning project, or any reader when "
                              "public or community",
};

const char *policy_who_to_string(enum policy_who who)
{
        return who >= 0 && who < _POLICY_WHO_MAX ? who_names[who] : NULL;
}

const char *policy_who_text(enum policy_who who)
{
        return who >= 0 && who < _POLICY_WHO_MAX ? who_texts[who] : NULL;
}

static bool same(const char *a, const char *b)
{
        return a && b && streq(a, b);
}

bool policy_rule_allows(enum policy_rule_id id, const struct auth_context *c,
                        const struct policy_target *t)
{
        static const struct policy_target none = {0};
        if (id < 0 || id >= _PR_MAX)
                return false;
        if (c->is_admin)
                return true;
        if (!t)
                t = &none;
        switch (policy_rules[id].who) {
        case POLICY_ADMIN:
                return false;
        case POLICY_OWNER_MEMBER:
                return c->is_member && same(c->project_id, t->project_id);
        case POLICY_OWNER_READER:
                return c->is_reader && same(c->project_id, t->project_id);
        case POLICY_NET_OWNER:
                return c->is_member && same(c->project_id, t->network_owner);
        case POLICY_OWNER_OR_NET_OWNER:
                return c->is_member && (same(c->project_id, t->project_id) ||
                                        same(c->project_id, t->network_owner));
        case POLICY_TOKEN_SUBJECT:
                return same(c->user_id, t->user_id);
        case POLICY_SUBJECT_OR_SERVICE:
                return c->is_service || same(c->user_id, t->user_id);
        case POLICY_ANY_READER:
                if (t->visibility && (streq(t->visibility, "public") ||
                                      streq(t->visibility, "community")))
                        return c->is_reader;
                return c->is_reader && same(c->project_id, t->project_id);
        case _POLICY_WHO_MAX:
                break;
        }
        return false;
}
