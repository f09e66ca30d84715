/* The policy table: every upstream default policy rule vfnet enforces,
 * named as Neutron's, Nova's, Keystone's and Glance's policy files name it,
 * with upstream's default check string and who vfnet lets through.  The
 * enforcement asks policy_rule_allows() by the rule's id, the API document
 * (`vfnet-server --api-doc`, docs/api.md) prints the same table, and the
 * e2e test test-policy-table reads it from there and tries every row with
 * four tokens.  Pure. */
#pragma once

#include <stdbool.h>

#include "identity/policy.h"

/* Who a rule lets through (besides admin, who passes every rule). */
enum policy_who {
        POLICY_ADMIN,         /* admin only */
        POLICY_OWNER_MEMBER,  /* a member of the object's project */
        POLICY_OWNER_READER,  /* a reader of the object's project (or it is shared) */
        POLICY_NET_OWNER,     /* a member of the network's project */
        POLICY_OWNER_OR_NET_OWNER, /* a member of the object's or its network's project */
        POLICY_TOKEN_SUBJECT, /* the user itself */
        POLICY_SUBJECT_OR_SERVICE, /* the token's own user, or the service role */
        POLICY_ANY_READER,    /* any reader: public, community or the owner's */
        _POLICY_WHO_MAX,
};

enum policy_rule_id {
        /* Neutron: networks */
        PR_CREATE_NETWORK,
        PR_CREATE_NETWORK_SHARED,
        PR_CREATE_NETWORK_EXTERNAL,
        PR_CREATE_NETWORK_PROVIDER_NETWORK_TYPE,
        PR_CREATE_NETWORK_PROVIDER_PHYSICAL_NETWORK,
        PR_CREATE_NETWORK_PROVIDER_SEGMENTATION_ID,
        PR_GET_NETWORK,
        PR_GET_NETWORK_PROVIDER_NETWORK_TYPE,
        PR_GET_NETWORK_PROVIDER_PHYSICAL_NETWORK,
        PR_GET_NETWORK_PROVIDER_SEGMENTATION_ID,
        PR_UPDATE_NETWORK,
        PR_UPDATE_NETWORK_SHARED,
        PR_DELETE_NETWORK,
        /* Neutron: subnets */
        PR_CREATE_SUBNET,
        PR_GET_SUBNET,
        PR_UPDATE_SUBNET,
        PR_DELETE_SUBNET,
        /* Neutron: ports */
        PR_CREATE_PORT,
        PR_CREATE_PORT_DEVICE_OWNER,
        PR_CREATE_PORT_MAC_ADDRESS,
        PR_CREATE_PORT_FIXED_IPS_IP_ADDRESS,
        PR_CREATE_PORT_PORT_SECURITY_ENABLED,
        PR_CREATE_PORT_BINDING_HOST_ID,
        PR_CREATE_PORT_BINDING_PROFILE,
        PR_CREATE_PORT_ALLOWED_ADDRESS_PAIRS,
        PR_GET_PORT,
        PR_GET_PORT_BINDING_VIF_TYPE,
        PR_GET_PORT_BINDING_PROFILE,
        PR_UPDATE_PORT,
        PR_UPDATE_PORT_DEVICE_OWNER,
        PR_UPDATE_PORT_MAC_ADDRESS,
        PR_UPDATE_PORT_FIXED_IPS_IP_ADDRESS,
        PR_UPDATE_PORT_PORT_SECURITY_ENABLED,
        PR_UPDATE_PORT_ALLOWED_ADDRESS_PAIRS,
        PR_DELETE_PORT,
        /* Neutron: security groups, agents, quotas */
        PR_CREATE_SECURITY_GROUP,
        PR_GET_SECURITY_GROUP,
        PR_UPDATE_SECURITY_GROUP,
        PR_DELETE_SECURITY_GROUP,
        PR_CREATE_SECURITY_GROUP_RULE,
        PR_GET_AGENT,
        PR_GET_QUOTA,
        PR_UPDATE_QUOTA,
        /* Nova */
        PR_SERVERS_CREATE,
        PR_SERVERS_CREATE_FORCED_HOST,
        PR_SERVERS_SHOW,
        PR_SERVERS_DELETE,
        PR_QUOTA_SETS_SHOW,
        PR_QUOTA_SETS_UPDATE,
        PR_FLAVOR_MANAGE_CREATE,
        PR_AGGREGATES_INDEX,
        PR_HYPERVISORS_LIST,
        PR_SERVICES_LIST,
        /* Keystone */
        PR_IDENTITY_CREATE_USER,
        PR_IDENTITY_LIST_USERS,
        PR_IDENTITY_GET_USER,
        PR_IDENTITY_CREATE_PROJECT,
        PR_IDENTITY_GET_PROJECT,
        PR_IDENTITY_CREATE_GRANT,
        PR_IDENTITY_VALIDATE_TOKEN,
        PR_IDENTITY_REVOKE_TOKEN,
        /* Glance */
        PR_ADD_IMAGE,
        PR_GET_IMAGE,
        PR_UPLOAD_IMAGE,
        PR_DELETE_IMAGE,
        PR_PUBLICIZE_IMAGE,
        _PR_MAX,
};

struct policy_rule {
        const char *service;  /* network, compute, identity, image */
        const char *name;     /* as the upstream policy file names it */
        const char *upstream; /* upstream's default check string */
        enum policy_who who;
};

extern const struct policy_rule policy_rules[_PR_MAX];

/* The keyword of who (what docs/api.md and the e2e test read). */
const char *policy_who_to_string(enum policy_who who);
/* Who in words, for the document. */
const char *policy_who_text(enum policy_who who);

/* What a rule is checked against: the project owning the object (or the
 * one it would be created in), the owner of its network, the user a token
 * stands for, an image's visibility. NULL: not known/none. */
struct policy_target {
        const char *project_id;
        const char *network_owner;
        const char *user_id;
        const char *visibility;
};

bool policy_rule_allows(enum policy_rule_id id, const struct auth_context *c,
                        const struct policy_target *t);
