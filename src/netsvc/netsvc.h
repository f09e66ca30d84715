/* The network service: what Neutron's plugin does below its API — stored
 * networks, subnets, ports (a port edited field by field as
 * netsvc/port-row.h's row) and security groups and their rules (typed
 * rows), documents of agents, a port's MAC, addresses (IPAM), default security group
 * and ML2 binding.  It takes typed input and a store inside a transaction the
 * caller opened, and returns typed rows or documents or an error with its
 * kind (base/error-kind.h); it knows nothing of HTTP.  The decisions themselves are network/'s pure
 * logic; this floor reads and writes the store around them. */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "base/error-kind.h"
#include "base/json-util.h"
#include "identity/policy.h"
#include "netsvc/agent-memo.h"
#include "network/ml2-config.h"
#include "store/store.h"

struct heartbeat_batch;
struct port_row;

struct netsvc {
        struct store *store; /* every call: inside the caller's transaction */
        const struct ml2_config *ml2;
        double (*now)(void);
        /* Where heartbeats that change nothing else wait to be written
         * (heartbeats.h); NULL: each report writes its own. */
        struct heartbeat_batch *heartbeats;
        /* Agent reports seen repeating their agent (agent-memo.h); NULL:
         * none noted, each repeat parsed. */
        struct agent_memo *agent_memo;
};

/* Documents (one helper per pattern).  Get or none: the parsed document
 * of (kind, id), -ENOENT when absent. */
int svc_doc_get(struct store *st, const char *kind, const char *id, json_t **ret);
/* The same, only when the caller may read it (its project's, or shared
 * through shared_attr); -ENOENT otherwise, as Neutron hides others'. */
int svc_doc_get_visible(struct store *st, const struct auth_context *auth, const char *kind,
                        const char *shared_attr, const char *id, json_t **ret);
/* Insert (owned by obj's project_id) or update a document by its "id". */
int svc_doc_insert(struct store *st, const char *kind, const json_t *obj);
int svc_doc_update(struct store *st, const char *kind, const json_t *obj);
/* Inserting, updating or deleting a port also appends it to the change
 * feed of the hosts it was and is bound to (store_change_append). */
int svc_port_delete(struct store *st, const char *id);
/* A port's row inserted or updated, the hosts it was (old_host: its
 * binding:host_id as read in this transaction, NULL for a new port) and
 * is bound to told. */
int svc_port_put(struct store *st, const struct store_port *p, const char *old_host,
                 bool create);
/* Claim or conflict: -EEXIST when the value is taken (checked first, so
 * the transaction meets no constraint error). */
int svc_claim(struct store *st, const char *pool, const char *value, const char *owner);
/* How many documents (or typed rows) of kind a query selects. */
int svc_doc_count(struct store *st, const char *kind, const struct store_query *q, size_t *ret);
/* cb for the stored text of every document a query selects, in id order
 * (lists sent as stored, without parsing).  Networks, subnets, ports,
 * security groups and their rules have none (-EINVAL here, as in
 * svc_doc_get, _insert and _update: netsvc_network_*, netsvc_subnet_*,
 * netsvc_port_* and netsvc_sg_* read and write their typed rows). */
int svc_doc_walk(struct store *st, const char *kind, const struct store_query *q, store_obj_cb cb,
                 void *userdata);
/* Every document a query selects, as a JSON array. */
int svc_doc_list(struct store *st, const char *kind, const struct store_query *q, json_t **ret);
/* store_obj_list() callback appending each parsed document to the JSON
 * array userdata. */
int svc_doc_collect_cb(const char *id, const char *doc, void *userdata);

/* project_id/tenant_id of a new object: the body's (they must agree) or
 * the token's project. */
int netsvc_owner(const struct auth_context *auth, json_t *obj, const char **ret,
                 struct service_error *err);
/* The same choice from the project_id and tenant_id given (NULL: not
 * given); *ret is one of them or the token's project. */
int netsvc_owner_of(const struct auth_context *auth, const char *project_id,
                    const char *tenant_id, const char **ret, struct service_error *err);

/* The id of project's "default" group, created with Neutron's four rules
 * when missing. */
int netsvc_default_sg(const struct netsvc *svc, const char *project_id, char ret[37]);
/* Whether a group named key (its id, or a name in the caller's project;
 * "default" always is) exists for auth: 0, or -ENOENT. */
int netsvc_sg_find(const struct netsvc *svc, const struct auth_context *auth, const char *key);

/* What POST /v2.0/networks gives, validated against the resource's
 * attributes (types, admin-only ones) and its owner's create policy
 * checked by the caller: has_X says X was given (a provider attribute
 * sent as null is not given).  Strings and lists are borrowed from the
 * caller.  A create without what is required fails with -EINVAL and no
 * user error (the caller's fault), here and in the creates below. */
struct netsvc_network_create {
        const char *owner;       /* project_id and tenant_id; required */
        const char *name;        /* NULL: "" */
        const char *description; /* NULL: "" */
        bool has_admin_state_up;
        bool admin_state_up; /* default true */
        bool shared;
        bool external; /* router:external */
        bool has_port_security_enabled;
        bool port_security_enabled; /* the default of its new ports; default true */
        const json_t *availability_zone_hints; /* [name], recorded; NULL: [] */
        bool has_network_type;
        const char *network_type; /* provider:network_type, flat or vlan */
        bool has_physical_network;
        const char *physical_network; /* provider:physical_network */
        bool has_segmentation_id;
        long long segmentation_id; /* provider:segmentation_id */
};
/* A new network: its ML2 segment chosen and claimed as the flat and vlan
 * type drivers do (none given: a project network from
 * tenant_network_types), within the owner's quota, the owner's default
 * group made, stored.  *ret the new row (store_network_free), its
 * segment's columns those of the segment. */
int netsvc_network_create(const struct netsvc *svc, const struct netsvc_network_create *in,
                          struct store_network **ret, struct service_error *err);
/* A network the caller may see (its project's, shared, or, with external,
 * an external one: Neutron shows those to every project, for reading) and
 * may delete (delete_network), without ports, deleted with its subnets,
 * its segment and its subnets' addresses freed; a conflict while ports
 * remain.  auth NULL: no visibility or policy check. */
int netsvc_network_delete(const struct netsvc *svc, const struct auth_context *auth,
                          const char *id, struct service_error *err);
/* What PUT /v2.0/networks/{id} may change: has_X says X was given.
 * Strings are borrowed from the caller. */
struct netsvc_network_update {
        bool has_name;
        const char *name;
        bool has_description;
        const char *description;
        bool has_admin_state_up;
        bool admin_state_up;
        bool has_shared;
        bool shared;
        bool has_port_security_enabled;
        bool port_security_enabled; /* the default of its new ports */
        bool has_external;
        bool external; /* router:external */
};
/* A network the caller may see (its project's, shared or external) and
 * may update (update_network) changed, stamped and stored; when shared
 * was given its subnets' mark follows.  A shared network stays shared
 * while another project has a port on it (a conflict,
 * InvalidSharedSetting).  *ret the row as stored (store_network_free). */
int netsvc_network_update(const struct netsvc *svc, const struct auth_context *auth,
                          const char *id, const struct netsvc_network_update *in,
                          struct store_network **ret, struct service_error *err);
/* Whether the caller may read n: its project's, shared, or (external)
 * external. */
bool netsvc_network_readable(const struct auth_context *auth, const struct store_network *n,
                             bool external);
/* Get or none: the network id when the caller may read it
 * (netsvc_network_readable(); auth NULL: any), -ENOENT otherwise, as
 * Neutron hides others'.  *ret a copy (store_network_free). */
int netsvc_network_find(const struct netsvc *svc, const struct auth_context *auth,
                        const char *id, bool external, struct store_network **ret);
/* The same, absent or hidden a NotFound error (NetworkNotFound), as GET
 * /v2.0/networks/{id} answers it. */
int netsvc_network_get(const struct netsvc *svc, const struct auth_context *auth,
                       const char *id, struct store_network **ret, struct service_error *err);
/* cb for every network q selects that the caller may read (its
 * project's, shared or external; an admin every one), in id order. */
int netsvc_network_list(const struct netsvc *svc, const struct auth_context *auth,
                        const struct store_query *q, store_network_cb cb, void *userdata);
/* A new subnet listed on its network n (last), or one taken off it. */
int netsvc_network_subnet_add(const struct netsvc *svc, const struct store_network *n,
                              const char *subnet_id);
int netsvc_network_subnet_remove(const struct netsvc *svc, const char *net_id,
                                 const char *subnet_id);
/* The hidden attribute that makes a subnet visible to every project: its
 * network is shared (Neutron's get_subnet "rule:shared"). */
#define NETSVC_SUBNET_SHARED "_shared"
/* After a network's shared changed: its subnets' mark follows. */
int netsvc_network_shared(const struct netsvc *svc, const char *net_id, bool shared);

/* What POST /v2.0/subnets gives, validated against the resource's
 * attributes (types, the lists' entries' forms) with its owner resolved.
 * Strings and lists are borrowed from the caller. */
struct netsvc_subnet_create {
        const char *owner;       /* project_id and tenant_id; required */
        const char *network_id;  /* required */
        const char *name;        /* NULL: "" */
        const char *description; /* NULL: "" */
        int ip_version;          /* 4 or 6 */
        const char *cidr;        /* required */
        bool has_gateway_ip;
        const char *gateway_ip;  /* NULL: no gateway; not given: the first host */
        const json_t *allocation_pools; /* [{start, end}]; NULL: the subnet but the gateway */
        const json_t *dns_nameservers;  /* [address]; NULL: [] */
        const json_t *host_routes;      /* [{destination, nexthop}]; NULL: [] */
        bool has_enable_dhcp;
        bool enable_dhcp;              /* default true */
        const char *ipv6_ra_mode;      /* NULL: none */
        const char *ipv6_address_mode; /* NULL: none */
};
/* A new IPv4 or IPv6 subnet on a network the caller may see and write
 * (create_subnet: the admin or the network's owner): CIDR, gateway, pools
 * and IPv6 modes checked or defaulted, within the owner's quota, no
 * overlap with a subnet of its family on the network, stored and listed
 * on the network.  An auto-address subnet (SLAAC, DHCPv6-stateless) gives
 * each port of the network its EUI-64 address.  *ret the new row
 * (store_subnet_free). */
int netsvc_subnet_create(const struct netsvc *svc, const struct auth_context *auth,
                         const struct netsvc_subnet_create *in, struct store_subnet **ret,
                         struct service_error *err);
/* What PUT /v2.0/subnets/{id} may change: has_X says X was given.
 * Strings and lists are borrowed from the caller. */
struct netsvc_subnet_update {
        bool has_name;
        const char *name;
        bool has_description;
        const char *description;
        bool has_gateway_ip;
        const char *gateway_ip; /* NULL: no gateway */
        bool has_allocation_pools;
        const json_t *allocation_pools; /* [{start, end}] */
        bool has_enable_dhcp;
        bool enable_dhcp;
        bool has_dns_nameservers;
        const json_t *dns_nameservers; /* [address] */
        bool has_host_routes;
        const json_t *host_routes; /* [{destination, nexthop}] */
};
/* A subnet the caller may see (its project's, or on a shared network)
 * and may update (update_subnet: the admin or the network's owner)
 * changed, stamped and stored, when what IN asks for holds as Neutron
 * checks it: the gateway a host address of the subnet (or none), the
 * pools inside it, apart, and clear of the gateway (a conflict,
 * GatewayConflictWithAllocationPools, when only the gateway moves), dns
 * and routes of its family, DHCP kept on while IPv6 modes are set.
 * *ret the row as stored (store_subnet_free). */
int netsvc_subnet_update(const struct netsvc *svc, const struct auth_context *auth,
                         const char *id, const struct netsvc_subnet_update *in,
                         struct store_subnet **ret, struct service_error *err);
/* A subnet the caller may see and may delete (delete_subnet: the admin
 * or the network's owner) deleted unless a port holds one of its
 * addresses (a conflict); an auto-address subnet's addresses leave their
 * ports, as in Neutron.  auth NULL: no visibility or policy check. */
int netsvc_subnet_delete(const struct netsvc *svc, const struct auth_context *auth,
                         const char *id, struct service_error *err);
/* Whether the caller may read s: its project's, or on a shared network. */
bool netsvc_subnet_readable(const struct auth_context *auth, const struct store_subnet *s);
/* Get or none: the subnet id when the caller may read it (auth NULL:
 * any), -ENOENT otherwise, as Neutron hides others'.  *ret a copy
 * (store_subnet_free). */
int netsvc_subnet_find(const struct netsvc *svc, const struct auth_context *auth,
                       const char *id, struct store_subnet **ret);
/* The same, absent or hidden a NotFound error (SubnetNotFound), as GET
 * /v2.0/subnets/{id} answers it. */
int netsvc_subnet_get(const struct netsvc *svc, const struct auth_context *auth,
                      const char *id, struct store_subnet **ret, struct service_error *err);
/* cb for every subnet q selects that the caller may read (its project's
 * or on a shared network; an admin every one), in id order. */
int netsvc_subnet_list(const struct netsvc *svc, const struct auth_context *auth,
                       const struct store_query *q, store_subnet_cb cb, void *userdata);

/* Security groups (typed rows out, store_secgroup_dup copies; a create's input checked by the caller
 * against the resource's attributes).  Create: a group other than
 * "default" for owner, with Neutron's two egress rules (the owner's default
 * group made first).  Update: a group the caller may see and write, a
 * default group keeping its name, no other named "default".  Delete: not
 * a default group (unless admin), not one a port uses; its rules go with
 * it.  Strings are borrowed from the caller. */
struct netsvc_sg_create {
        const char *owner;       /* project_id and tenant_id; required */
        const char *name;        /* NULL: "" */
        const char *description; /* NULL: "" */
        bool has_stateful;
        bool stateful;           /* recorded; default true */
};
int netsvc_sg_create(const struct netsvc *svc, const struct netsvc_sg_create *in,
                     struct store_secgroup **ret, struct service_error *err);
struct netsvc_sg_update {
        bool has_name;
        const char *name;
        bool has_description;
        const char *description;
};
int netsvc_sg_update(const struct netsvc *svc, const struct auth_context *auth, const char *id,
                     const struct netsvc_sg_update *in, struct store_secgroup **ret,
                     struct service_error *err);
int netsvc_sg_delete(const struct netsvc *svc, const struct auth_context *auth, const char *id,
                     struct service_error *err);
/* What POST /v2.0/security-group-rules gives, checked against the
 * resource's attributes (types, direction, ethertype); the values are
 * converted and the rule checked by the service as Neutron does.  Strings
 * are borrowed from the caller. */
struct netsvc_sg_rule_create {
        /* As given (NULL: not given): the owner is chosen from them as
         * netsvc_owner() does, after the rule's own checks. */
        const char *project_id;
        const char *tenant_id;
        const char *security_group_id; /* required */
        const char *direction;        /* ingress or egress; required */
        const char *ethertype;        /* IPv4 or IPv6, any case; NULL: IPv4 */
        const char *protocol;         /* a name (any case) or a number's text; NULL: any */
        bool has_port_range_min;
        long port_range_min;          /* or the ICMP type */
        bool has_port_range_max;
        long port_range_max;          /* or the ICMP code */
        const char *remote_ip_prefix; /* an address or CIDR; NULL or "": none */
        const char *remote_group_id;  /* NULL: none */
        const char *description;      /* NULL: "" */
};
/* A rule on a group the caller may see and write, its remote group one it
 * may see, no duplicate of another of the group's rules; last on its
 * group's list, the group's revision moved.  *ret the stored row (a
 * copy).  Delete: a rule the caller may write, its group's revision
 * moved. */
int netsvc_sg_rule_create(const struct netsvc *svc, const struct auth_context *auth,
                          const struct netsvc_sg_rule_create *in, struct store_sg_rule **ret,
                          struct service_error *err);
int netsvc_sg_rule_delete(const struct netsvc *svc, const struct auth_context *auth,
                          const char *id, struct service_error *err);
/* A group the caller may see (a copy), else SecurityGroupNotFound as
 * Neutron words it. */
int netsvc_sg_get(const struct netsvc *svc, const struct auth_context *auth, const char *id,
                  struct store_secgroup **ret, struct service_error *err);
/* The groups q selects that the caller may see (store_secgroup_list). */
int netsvc_sg_list(const struct netsvc *svc, const struct auth_context *auth,
                   const struct store_query *q, store_secgroup_cb cb, void *userdata);
/* A group's rules in the order its view lists them (any owner's: the
 * group's view shows them all). */
int netsvc_sg_rules_of(const struct netsvc *svc, const char *security_group_id,
                       store_sg_rule_cb cb, void *userdata);
/* netsvc_sg_list() with the rules of the listed groups read beside the
 * list (store_sg_rule_cursor): cb gets each group and the cursor, which
 * netsvc_sg_rules_next() walks for that group's rules. */
typedef int (*netsvc_sg_rows_cb)(const struct store_secgroup *g,
                                 struct store_sg_rule_cursor *rules, void *userdata);
int netsvc_sg_list_with_rules(const struct netsvc *svc, const struct auth_context *auth,
                              const struct store_query *q, netsvc_sg_rows_cb cb, void *userdata);
int netsvc_sg_rules_next(struct store_sg_rule_cursor *rules, const char *security_group_id,
                         store_sg_rule_cb cb, void *userdata);
/* The same for rules: one the caller may see, else
 * SecurityGroupRuleNotFound; those q selects that the caller may see. */
int netsvc_sg_rule_get(const struct netsvc *svc, const struct auth_context *auth, const char *id,
                       struct store_sg_rule **ret, struct service_error *err);
int netsvc_sg_rule_list(const struct netsvc *svc, const struct auth_context *auth,
                        const struct store_query *q, store_sg_rule_cb cb, void *userdata);

/* Agents: alive while their heartbeat is within agent_down_time; every
 * agent on host. */
bool netsvc_agent_alive(const struct netsvc *svc, const json_t *agent);
int netsvc_agents_for_host(const struct netsvc *svc, const char *host, json_t **ret);
/* An agent's attributes changed, or it is removed; not found when
 * unknown. */
struct netsvc_agent_update {
        bool has_admin_state_up;
        bool admin_state_up;
        bool has_description;
        const char *description; /* NULL: null */
};
int netsvc_agent_update(const struct netsvc *svc, const char *id,
                        const struct netsvc_agent_update *in, json_t **ret,
                        struct service_error *err);
int netsvc_agent_delete(const struct netsvc *svc, const char *id, struct service_error *err);

/* What an agent reports on each heartbeat (neutron's report_state). */
struct netsvc_agent_report {
        const char *host, *agent_type, *binary;
        const char *topic;             /* NULL: "N/A" */
        const json_t *configurations;  /* an object or NULL (empty) */
        const char *instance_id;       /* the process; NULL for agents that send none */
        long long report_interval;     /* seconds, when has_interval */
        bool has_interval;
        bool start_flag, stopping;
        /* The report's JSON text as the caller will send it again to
         * netsvc_agent_repeat(); NULL: not noted. */
        const char *text;
        size_t text_len;
};
/* A report: the agent of (host, agent_type) registered (*ret_new) or its
 * heartbeat and configurations recorded.  A conflict while another live
 * process (another instance_id) holds the pair; "stopping" from the holder
 * frees the pair for the next process.  *ret the stored agent. */
int netsvc_agent_report(const struct netsvc *svc, const struct netsvc_agent_report *rep,
                        json_t **ret, bool *ret_new, struct service_error *err);
/* The stored agent of (host, agent_type) as its row holds it (store.h's
 * store_agent_list_rows()): what netsvc_agent_heartbeat() decides from;
 * id NULL when there is none.  Needs only a read transaction, which can
 * end before the document is parsed. */
struct netsvc_agent_row {
        char *id, *doc, *heartbeat_text;
        double heartbeat;
};
void netsvc_agent_row_done(struct netsvc_agent_row *row);
int netsvc_agent_stored(const struct netsvc *svc, const char *host, const char *agent_type,
                        struct netsvc_agent_row *ret);
/* The same report when it only repeats the stored agent (same
 * configurations and process, no start or stop): its time queued on
 * svc->heartbeats, *ret the agent with that time; returns 1, and notes
 * rep->text in svc->agent_memo.  Reads nothing from the store.  Returns 0
 * when the report must go through netsvc_agent_report() in a write
 * transaction (a new agent, a change, another process holding the host,
 * no queue or a full one). */
int netsvc_agent_heartbeat(const struct netsvc *svc, const struct netsvc_agent_report *rep,
                           const struct netsvc_agent_row *stored, json_t **ret);
/* A report known only by its text (rep->text of an earlier
 * netsvc_agent_heartbeat() that returned 1): when its agent's row still
 * holds the document it repeated then, and its time keeps it alive, the
 * new time is queued and 1 returned, nothing parsed.  0 otherwise (never
 * noted, the row rewritten or gone, no queue, a failed read): the caller
 * parses the report and takes the way above.  Inside the caller's read
 * transaction. */
int netsvc_agent_repeat(const struct netsvc *svc, const char *text, size_t len);
/* netsvc_agent_repeat() in two steps, for a caller that reads the row
 * with another (computesvc_host_heartbeat_with_agent()): what was noted
 * for text, false when nothing was; then, with the noted agent's row as
 * read now (doc NULL: gone), 1 with the new time queued, or 0. */
struct netsvc_agent_noted {
        char id[AGENT_MEMO_ID_MAX];
        struct agent_memo_digest doc;
};
bool netsvc_agent_noted(const struct netsvc *svc, const char *text, size_t len,
                        struct netsvc_agent_noted *ret);
int netsvc_agent_noted_repeats(const struct netsvc *svc, const struct netsvc_agent_noted *noted,
                               const char *doc, double heartbeat);
/* An agent's device report: each port of up (ACTIVE) and down (DOWN) that
 * is bound to host; *ret {"up": [...], "down": [...], "failed": [ids
 * unknown or not bound there]}. */
int netsvc_device_report(const struct netsvc *svc, const char *host, const json_t *up,
                         const json_t *down, json_t **ret);

/* A port's row as the JSON object Neutron's view is (its members in that
 * view's order), for what sends it as an object (a create's reply, the
 * agents' change feed); NULL when out of memory. */
json_t *netsvc_port_json(const struct store_port *p);
/* Get or none: the port's row when the caller may read it (its
 * project's), -ENOENT otherwise, as Neutron hides others'. */
int netsvc_port_get(const struct netsvc *svc, const struct auth_context *auth, const char *id,
                    struct store_port **ret);
/* cb for each port's row q selects (store_port_list(): the caller's
 * project in q), in id order. */
int netsvc_port_list(const struct netsvc *svc, const struct store_query *q, store_port_cb cb,
                     void *userdata);

/* A port's ML2 binding on its network net (the segment) for its
 * binding:host_id, vnic type and profile (no host: unbound): its vif
 * type, vif details and status set in the row being edited
 * (netsvc/port-row.h), nothing written. */
int netsvc_port_bind(const struct netsvc *svc, struct port_row *row,
                     const struct store_network *net);

/* What POST /v2.0/ports may ask.  NULL (or has_X false) is Neutron's
 * default, so a caller other than the API makes a port with only
 * network_id set.  Strings and JSON are borrowed from the caller. */
struct netsvc_port_create {
        const char *network_id;
        const char *project_id;  /* the owner; NULL: the caller's project */
        const char *name;        /* NULL: "" */
        const char *description; /* NULL: "" */
        bool has_admin_state_up;
        bool admin_state_up; /* default true */
        const char *mac_address; /* a valid MAC in any spelling; NULL: allocated */
        /* [{"subnet_id"?, "ip_address"?}] as asked; NULL: one address
         * on each subnet as Neutron picks them. */
        const json_t *fixed_ips;
        const char *device_id;    /* NULL: "" */
        const char *device_owner; /* NULL: "" */
        bool has_security_groups;
        const char *const *security_groups; /* ids; absent: the owner's default group */
        size_t n_security_groups;
        bool has_port_security_enabled;
        bool port_security_enabled; /* default: the network's */
        const json_t *allowed_address_pairs; /* [{"ip_address", "mac_address"?}]; NULL: [] */
        const char *vnic_type;               /* binding:vnic_type; NULL: "normal" */
        const char *host_id;                 /* binding:host_id; NULL: "" (unbound) */
        const json_t *profile;               /* binding:profile, an object; NULL: {} */
};
/* A new port as POST /v2.0/ports makes it: the network the caller may
 * see, what only an admin or the network's owner may ask, the project's
 * port quota, security groups, MAC, fixed IPs, binding, stored.  *ret the
 * row stored (store_port_free()). */
int netsvc_port_create(const struct netsvc *svc, const struct auth_context *auth,
                       const struct netsvc_port_create *in, struct store_port **ret,
                       struct service_error *err);
/* What PUT /v2.0/ports/{id} may change: has_X says X was given.  Strings
 * and lists are borrowed from the caller. */
struct netsvc_port_update {
        bool has_name;
        const char *name;
        bool has_description;
        const char *description;
        bool has_admin_state_up;
        bool admin_state_up;
        bool has_device_id;
        const char *device_id;
        bool has_device_owner;
        const char *device_owner;
        bool has_mac_address;
        const char *mac_address; /* a valid MAC, in any spelling */
        /* [{"subnet_id"?, "ip_address"?}] as asked: checked and allocated
         * as on create (the port keeps what it is asked again). */
        bool has_fixed_ips;
        const json_t *fixed_ips;
        bool has_security_groups;
        const char *const *security_groups; /* ids */
        size_t n_security_groups;
        bool has_port_security_enabled;
        bool port_security_enabled;
        bool has_allowed_address_pairs;
        const json_t *allowed_address_pairs; /* [{"ip_address", "mac_address"?}], recorded */
        bool has_vnic_type;
        const char *vnic_type; /* binding:vnic_type */
        bool has_host_id;
        const char *host_id; /* binding:host_id ("": unbound) */
        bool has_profile;
        const json_t *profile; /* binding:profile, an object as Nova sends it */
};
/* A port the caller may see and write changed: what only an admin or the
 * network's owner may ask, port security against groups, groups the
 * caller may use, a bound port's vnic type kept, MAC and fixed IPs
 * reallocated, stamped, rebound when a binding attribute was given,
 * stored; *ret the row stored. */
int netsvc_port_update(const struct netsvc *svc, const struct auth_context *auth,
                       const char *port_id, const struct netsvc_port_update *in,
                       struct store_port **ret, struct service_error *err);
/* The port's MAC, IPs and other claims freed and its row deleted. */
int netsvc_port_delete(const struct netsvc *svc, const char *port_id);
/* Neutron's delete_port: the port's project's members, and the members of
 * its network's project (Neutron lets a network's owner find the ports on
 * it).  -ENOENT when the caller may not see it, -EACCES when it may see
 * but not delete it. */
int netsvc_port_may_delete(const struct netsvc *svc, const struct auth_context *auth,
                           const char *port_id);
/* A port bound to host goes ACTIVE (up) or DOWN.  -ENOENT unknown port;
 * -EINVAL not bound to that host. */
int netsvc_port_set_device_status(const struct netsvc *svc, const char *port_id,
                                  const char *host, bool up);

/* Quotas (Neutron's quota API): the resources counted, by the name the
 * API uses, the stored kind counted and Neutron's default limit. */
struct netsvc_quota_resource {
        const char *name;
        const char *kind;
        long long default_limit;
};
#define NETSVC_QUOTA_RESOURCES 5
extern struct netsvc_quota_resource netsvc_quota_resources[NETSVC_QUOTA_RESOURCES + 1]; /* {0}-ended */
/* neutron.conf [quotas] quota_NAME: a default other than Neutron's (-1 =
 * unlimited); set once at start, before any request. */
int netsvc_quota_default_set(const char *name, long long limit);
const struct netsvc_quota_resource *netsvc_quota_resource(const char *name);
/* A project's limits, every resource ({"network": 100, ...}). */
int netsvc_quota_get(const struct netsvc *svc, const char *project_id, json_t **ret);
json_t *netsvc_quota_defaults(void);
/* How many objects of kind the project holds. */
int netsvc_quota_used(const struct netsvc *svc, const char *kind, const char *project_id,
                      size_t *ret);
/* Limits to set, by the index of their resource in netsvc_quota_resources
 * (has[i]: given). */
struct netsvc_quota_update {
        bool has[NETSVC_QUOTA_RESOURCES];
        long long limit[NETSVC_QUOTA_RESOURCES]; /* >= -1; -1 unlimited */
};
/* Sets some limits (a limit below -1 is invalid); *ret: all of the
 * project's limits after. */
int netsvc_quota_set(const struct netsvc *svc, const char *project_id,
                     const struct netsvc_quota_update *in, json_t **ret,
                     struct service_error *err);
/* Back to the defaults. */
int netsvc_quota_delete(const struct netsvc *svc, const char *project_id);
/* The projects with limits set, each with project_id/tenant_id. */
int netsvc_quota_list(const struct netsvc *svc, json_t **ret);
/* One more object of kind for the project: a conflict (409 OverQuota,
 * Neutron's message) when that would exceed its limit. */
int netsvc_quota_check(const struct netsvc *svc, const char *kind, const char *project_id,
                       struct service_error *err);
