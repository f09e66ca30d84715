/* The state store: the only door to the database.
 *
 * An API resource is kept as a JSON document (the exact text the API
 * returns) in a generic object table keyed by (kind, id), with the owning
 * project beside it, filters selecting on document attributes; or, for
 * what the services use most (networks, ports, instances, compute hosts,
 * ...), as typed rows whose filtered, joined or summed attributes are
 * indexed columns, for some the document beside them only as the view a
 * list sends, for others (networks, subnets, ports, security groups and
 * their rules, compute hosts) no document at all.  Resources that
 * must never be handed out twice (a MAC, an IP on a subnet, a VLAN on a
 * physnet) are claimed in an allocation table whose primary key is the
 * uniqueness rule, so the database itself refuses a duplicate even if the
 * domain logic raced.  Secrets (password hashes) live apart from documents,
 * so no document can leak them.
 *
 * No SQL crosses this header: a PostgreSQL backend implements the same
 * functions.  All calls made between store_begin() and store_end() form one
 * transaction, and the store is locked for the caller meanwhile, so domain
 * code sees a consistent state and every create is all-or-nothing. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* url: "sqlite:///abs/path.db", "sqlite://" + relative path, or a bare path.
 * Creates the file and brings the schema up to date (versioned migrations). */
int store_open(const char *url, struct store **ret);
void store_free(struct store *st);

/* The schema version the open database is at. */
int store_schema_version(struct store *st);

/* Start a transaction (write=true takes the write lock at once, so two
 * writers never deadlock on upgrade); commit=false rolls everything back.
 * A writer holds the write lock until store_end(): one writer at a time,
 * across every server sharing the database.  Readers may run beside it
 * and beside each other (PostgreSQL), so state kept in memory beside the
 * store takes a lock of its own. */
int store_begin(struct store *st, bool write);
/* A read transaction whose statements need no snapshot in common: each
 * sees what was committed when it began (READ COMMITTED).  For the
 * requests that come by the thousand (a heartbeat's read, a watch's): on
 * PostgreSQL no BEGIN or COMMIT goes to the database, so a one-statement
 * read is one round trip and nothing after it.  SQLite gives its one
 * snapshot as for store_begin(st, false).  Ended by store_end(). */
int store_begin_read_committed(struct store *st);
int store_end(struct store *st, bool commit);

/* Objects.  -EEXIST when (kind, id) exists; -ENOENT when absent. */
int store_obj_insert(struct store *st, const char *kind, const char *id, const char *project_id,
                     const char *doc);
int store_obj_update(struct store *st, const char *kind, const char *id, const char *doc);
int store_obj_delete(struct store *st, const char *kind, const char *id);
/* Deletes the objects of kind whose numeric top-level attr is below limit
 * (expired tokens); returns how many. */
int store_obj_delete_below(struct store *st, const char *kind, const char *attr, double limit);
/* *ret_doc (malloc'd) and, if wanted, *ret_project (malloc'd, may be NULL). */
int store_obj_get(struct store *st, const char *kind, const char *id, char **ret_doc,
                  char **ret_project);

enum store_value_type {
        STORE_VALUE_TEXT,
        STORE_VALUE_INT, /* booleans are 0/1 */
};

/* attr = any of values (an OR within one filter; filters are ANDed). */
struct store_filter {
        const char *attr; /* a top-level document attribute */
        enum store_value_type type;
        const char **values;
        size_t n_values;
        /* Set: attr is a list of objects, and the filter matches when one
         * of them has this member among the values (?fixed_ips=subnet_id=X). */
        const char *member;
};

struct store_query {
        const struct store_filter *filters;
        size_t n_filters;
        /* Only objects of these projects (NULL = any), plus, if shared_attr is
         * set, objects whose shared_attr is true. */
        const char *project_id;
        const char *shared_attr;
        const char *also_shared_attr; /* a second such attribute (NULL = none) */
        const char *marker; /* ids strictly after this one */
        size_t limit;       /* 0 = no limit */
};

/* Calls cb for each matching object in id order; a negative return from cb
 * stops the walk and is returned. */
typedef int (*store_obj_cb)(const char *id, const char *doc, void *userdata);
int store_obj_list(struct store *st, const char *kind, const struct store_query *q, store_obj_cb cb,
                   void *userdata);
int store_obj_count(struct store *st, const char *kind, const struct store_query *q,
                    size_t *ret);

/* A store_obj_cb that gathers the ids of a walk into userdata, a struct
 * store_ids: read the ids first when the rows are to be deleted, so no row
 * goes while its list is open.  ids is NULL-ended (a strv) once any was
 * gathered; store_ids_done() frees it. */
struct store_ids {
        char **ids;
        size_t n;
};
int store_ids_collect_cb(const char *id, const char *doc, void *userdata);
void store_ids_done(struct store_ids *l);

/* Allocations: pool is e.g. "mac", "ip:<subnet>", "vlan:<physnet>".
 * -EEXIST when the value is taken. */
int store_claim(struct store *st, const char *pool, const char *value, const char *owner);
int store_release(struct store *st, const char *pool, const char *value);
/* 1 when the value is claimed, 0 when free.  Checking before claiming keeps
 * a transaction free of constraint errors (which abort it on PostgreSQL). */
int store_is_claimed(struct store *st, const char *pool, const char *value);
/* Release everything one owner holds (a port, a network). */
int store_release_owner(struct store *st, const char *owner);
/* Every value claimed in a pool, malloc'd strv via *ret, count returned. */
int store_pool_values(struct store *st, const char *pool, char ***ret);

/* What a compute host gives its instances, as rows with real columns so a
 * host's usage is summed by the database: one usage row per placed
 * instance, one claim row per PCI device (unique per host and address, so
 * the database refuses a VF given twice).  Both are owned by the instance
 * and go with store_instance_release(). */
struct store_usage {
        long long vcpus, memory_mb, disk_gb;
        long long instances; /* in a sum: how many instances the host runs */
};
/* -EEXIST when the instance already holds usage. */
int store_usage_add(struct store *st, const char *instance_id, const char *host,
                    const struct store_usage *u);
/* The sum over host's instances (all zero for none). */
int store_usage_sum(struct store *st, const char *host, struct store_usage *ret);

struct store_pci_addr {
        unsigned domain, bus, slot, function;
};
/* Claim or conflict: -EEXIST when the device is already claimed. */
int store_pci_claim(struct store *st, const char *host, const struct store_pci_addr *a,
                    const char *instance_id);
/* Every device claimed on host in address order, malloc'd via *ret (NULL
 * for none); the count is returned. */
int store_pci_claims(struct store *st, const char *host, struct store_pci_addr **ret);
/* Frees the usage and every device the instance holds. */
int store_instance_release(struct store *st, const char *instance_id);

/* Compute hosts' reports (docs/compute-report.md) as rows: the host, the
 * hash of the report's text (what the scheduler's cache is keyed by), when
 * it came, and the report itself, a document (its capabilities hold
 * arbitrary keys).  Put inserts or replaces the host's row. */
struct store_host_report {
        const char *host;
        const char *hash;
        double received;
        const char *report;
};
int store_host_report_put(struct store *st, const struct store_host_report *in);
/* *ret_report and *ret_hash malloc'd (either pointer may be NULL);
 * -ENOENT when the host never reported. */
int store_host_report_get(struct store *st, const char *host, char **ret_report, char **ret_hash);

/* Keystone's failed_auth_count / failed_auth_at of a user, as rows
 * (both 0 when the user has no failure counted). */
struct store_auth_failures {
        long long count;
        double at;
};
int store_auth_failures_get(struct store *st, const char *user_id, struct store_auth_failures *ret);
/* One more failed login at `at`; restart: the count begins again at 1. */
int store_auth_failure_add(struct store *st, const char *user_id, double at, bool restart);
int store_auth_failures_clear(struct store *st, const char *user_id);

/* Instances (servers) as typed rows: every attribute of Nova's server the
 * service keeps is a column (what lists filter on and limits sum indexed);
 * only what users store arbitrary keys or names in is JSON text (the
 * metadata, the flavor's extra specs, the security group names and tags).
 * The ports a boot asked for or made, the addresses they gave and the
 * hosts tried are rows of their own, in order.  Strings are owned by the
 * struct; NULL where Nova shows null. */
struct store_instance_port {
        char *port_id;
        bool created; /* made by the boot: deleted with the instance */
};
struct store_instance_address {
        char *network; /* the network's name, or its id when it has none */
        long long version; /* 4 or 6 */
        char *addr;
        char *mac;
};
struct store_instance {
        char *id;
        char *project_id;
        char *user_id;
        char *name;
        char *description;       /* NULL: none */
        char *status;            /* BUILD, ACTIVE, ERROR */
        char *vm_state;          /* building, active, error */
        char *task_state;        /* NULL when none */
        long long power_state;   /* 0 no state, 1 running */
        char *host;              /* NULL until placed */
        char *availability_zone; /* the host's zone, NULL until placed */
        char *requested_zone;    /* as the boot asked ("zone", "zone:host"), NULL: any */
        char *instance_name;     /* the hypervisor's name of it */
        /* The flavor as it was at boot. */
        char *flavor_id;
        char *flavor_name;
        long long vcpus, memory_mb, disk_gb, ephemeral_gb, swap_mb;
        char *flavor_extra_specs; /* JSON object text */
        char *image_id;
        char *key_name;                  /* NULL: none */
        char *access_ipv4, *access_ipv6; /* "" when none */
        char *config_drive;
        char *disk_config;              /* MANUAL or AUTO */
        long long progress;
        bool locked;
        char *created_at, *updated_at;     /* ISO 8601 */
        char *launched_at, *terminated_at; /* NULL: not yet */
        char *metadata;        /* JSON object text of strings */
        char *security_groups; /* JSON array text of names */
        char *tags;            /* JSON array text of strings */
        long long fault_code;  /* 0: no fault */
        char *fault_message, *fault_created;
        struct store_instance_port *ports;
        size_t n_ports;
        struct store_instance_address *addresses;
        size_t n_addresses;
        char **tried_hosts; /* NULL-ended (or NULL), the hosts a boot tried in order */
};
/* Frees the members (not the struct). */
void store_instance_done(struct store_instance *in);
void store_instance_free(struct store_instance *in);
/* The lists of an instance grown by one (copies of the strings). */
int store_instance_add_port(struct store_instance *in, const char *port_id, bool created);
int store_instance_add_address(struct store_instance *in, const char *network, long long version,
                               const char *addr, const char *mac);
int store_instance_add_tried(struct store_instance *in, const char *host);
/* A deep copy, or NULL when out of memory. */
struct store_instance *store_instance_dup(const struct store_instance *in);
/* Insert (-EEXIST when the id exists) or update (-ENOENT when absent),
 * the lists replaced. */
int store_instance_put(struct store *st, const struct store_instance *in, bool create);
/* *ret malloc'd; -ENOENT when absent. */
int store_instance_get(struct store *st, const char *id, struct store_instance **ret);
int store_instance_delete(struct store *st, const char *id);
/* The instances matching every given column (NULL: any), in id order,
 * after marker, at most limit (0: all). */
struct store_instance_query {
        const char *project_id, *host, *status, *task_state;
        const char *marker;
        size_t limit;
};
/* Each row is borrowed by cb (a negative return stops the walk and is
 * returned). */
typedef int (*store_instance_cb)(const struct store_instance *in, void *userdata);
int store_instance_list(struct store *st, const struct store_instance_query *q,
                        store_instance_cb cb, void *userdata);
/* How many match, and their flavors' vcpus and memory_mb summed (disk_gb
 * 0). */
int store_instance_totals(struct store *st, const struct store_instance_query *q,
                          struct store_usage *ret);

/* Compute hosts' service records as typed rows: every attribute the
 * scheduler and the API filter or compare on is a column (heartbeat time,
 * disabled, forced down, the report's hash), so the records need no
 * document.  Strings are owned by the struct; NULL where the API shows
 * null (no reason, no reported zone, no time yet). */
struct store_compute_host {
        char *hostname;
        char *service_id;
        char *hypervisor_id;
        bool disabled;
        char *disabled_reason;
        bool forced_down;
        char *availability_zone; /* as reported; an aggregate's zone wins */
        char *report_hash;       /* of the last report (store_host_report) */
        double heartbeat;        /* when it last reported, seconds since the epoch */
        char *created_at, *updated_at; /* ISO 8601, as the API shows them */
        /* Read only: the host's small integer (Nova's id of its service
         * and of its hypervisor before microversion 2.53), given by the
         * store on insert, one more than any before, and never changed. */
        int64_t num_id;
        /* Read only: set by the store whenever usage or a PCI claim on the
         * host is added or released, to the next value of the stamp
         * STORE_STAMP_CLAIMS: committed values only grow, so a cache of
         * the hosts' claims asks for the hosts changed since the newest
         * tag it saw.  A rolled-back transaction's values come again:
         * store_write_rollbacks() tells a cache that read inside one. */
        int64_t claims_tag;
};
void store_compute_host_free(struct store_compute_host *h);
/* Frees a NULL-ended array as store_compute_host_list() gives it. */
void store_compute_hosts_free(struct store_compute_host **v);
/* Insert (-EEXIST when the hostname exists) or update (-ENOENT when absent). */
int store_compute_host_put(struct store *st, const struct store_compute_host *h, bool create);
/* -ENOENT when absent. */
int store_compute_host_get(struct store *st, const char *hostname, struct store_compute_host **ret);
int store_compute_host_get_by_service(struct store *st, const char *service_id,
                                      struct store_compute_host **ret);
/* The host, and in the same statement agent agent_id's row as stored
 * (store_agent_get_row()): a host's heartbeat with its agent's costs one
 * round trip.  *ret_agent_doc malloc'd, NULL when no agent has that id;
 * -ENOENT when the host is absent. */
int store_compute_host_get_with_agent(struct store *st, const char *hostname, const char *agent_id,
                                      struct store_compute_host **ret, char **ret_agent_doc,
                                      double *ret_agent_heartbeat);
/* Every host in hostname order, a NULL-ended array via *ret; the count is
 * returned. */
int store_compute_host_list(struct store *st, struct store_compute_host ***ret);
/* The hosts whose claims tag is above after, with the tag, to cb
 * (hostname order): what a cache of the hosts needs on every use, not the
 * rest of the rows nor the hosts that did not change. */
typedef int (*store_claims_tag_cb)(const char *hostname, int64_t claims_tag, void *userdata);
int store_compute_host_claims_tags(struct store *st, int64_t after, store_claims_tag_cb cb,
                                   void *userdata);
#define STORE_STAMP_CLAIMS "claims"
/* Every host's heartbeat (hostname order): what a cache of the hosts
 * needs to tell up from down as time passes, heartbeats moving no stamp
 * (every other change to a host's row moves STORE_STAMP_COMPUTE_HOSTS). */
typedef int (*store_heartbeat_cb)(const char *hostname, double heartbeat, void *userdata);
int store_compute_host_heartbeats(struct store *st, store_heartbeat_cb cb, void *userdata);
/* How many write transactions of this store ended without committing
 * (rolled back, or their commit failed) since it was opened: what was
 * read inside them may have been undone. */
uint64_t store_write_rollbacks(struct store *st);
/* The stamp (store_stamp_get) that store_compute_host_put() moves: a
 * host's row changed other than by its heartbeat or claims tag. */
#define STORE_STAMP_COMPUTE_HOSTS "compute_hosts"

/* Heartbeats written apart from their report (netsvc/heartbeats.h): the
 * time a compute host (key: its hostname; the row's heartbeat and
 * updated_at) or an agent (key: the agent's id; its row's heartbeat and
 * heartbeat_timestamp, never its document) last reported, when nothing
 * else of it changed.  A row that is gone, or already holds a later time, is left as
 * it is (returns 0 either way). */
enum store_heartbeat_kind {
        STORE_HEARTBEAT_COMPUTE_HOST,
        STORE_HEARTBEAT_AGENT,
};
struct store_heartbeat {
        enum store_heartbeat_kind kind;
        const char *key;
        double at;           /* seconds since the epoch */
        const char *at_text; /* the same time as the row shows it */
};
int store_heartbeat_put(struct store *st, const struct store_heartbeat *hb);
/* Each of v, in the open transaction, as store_heartbeat_put() does; a
 * key given twice takes its latest time.  PostgreSQL writes them in one
 * statement per kind, whatever n: a batch is two round trips. */
int store_heartbeats_put(struct store *st, const struct store_heartbeat *v, size_t n);

/* Tasks queued for compute hosts (spawn, destroy) as rows, listed per host
 * in id order (ids sort by creation time); what the host needs of the
 * instance stays a document. */
struct store_compute_task {
        char *id;
        char *host;
        char *action; /* "spawn", "destroy" */
        char *instance_id;
        char *created_at; /* ISO 8601 */
        char *detail;     /* JSON object text */
};
void store_compute_task_free(struct store_compute_task *t);
void store_compute_tasks_free(struct store_compute_task **v);
/* -EEXIST when the id exists. */
int store_compute_task_add(struct store *st, const struct store_compute_task *t);
/* -ENOENT when absent. */
int store_compute_task_get(struct store *st, const char *id, struct store_compute_task **ret);
int store_compute_task_delete(struct store *st, const char *id);
/* The host's tasks oldest first, at most limit (0: all), a NULL-ended
 * array via *ret; the count is returned. */
int store_compute_task_list(struct store *st, const char *host, size_t limit,
                            struct store_compute_task ***ret);

/* Networks and their segments as typed rows without a document: every
 * attribute of Neutron's network view is a column (the two lists users
 * give or read, availability_zone_hints and tags, and the ids of its
 * subnets in the order they were made, as JSON array text), what lists
 * filter on indexed.  NULL strings are SQL NULL, as an absent or null
 * attribute. */
struct store_network {
        const char *id;
        const char *project_id;
        const char *name;
        const char *description;
        const char *status;
        bool admin_state_up, shared, external; /* external: router:external */
        bool port_security_enabled;
        long long mtu; /* < 0: none */
        /* JSON array text; NULL reads as []. */
        const char *availability_zone_hints, *tags, *subnets;
        const char *created_at, *updated_at; /* as the API shows them */
        long long revision_number;
        /* Its ML2 segment (network_type NULL: none). */
        const char *network_type, *physical_network;
        long long segmentation_id; /* < 0: none (flat) */
};
/* A copy of n in one allocation (its strings in the same block), NULL
 * when out of memory; store_network_free() frees it. */
struct store_network *store_network_dup(const struct store_network *n);
void store_network_free(struct store_network *n);
/* Insert (-EEXIST when the id exists) or update (-ENOENT when absent). */
int store_network_put(struct store *st, const struct store_network *n, bool create);
/* Get or none: *ret a copy (store_network_dup), -ENOENT when absent. */
int store_network_get(struct store *st, const char *id, struct store_network **ret);
int store_network_delete(struct store *st, const char *id);
/* cb for each matching network's row, in id order, after q->marker, at
 * most q->limit; the shared attributes of q are "shared" and
 * "router:external", and every filter attribute of the network view
 * names a column (-EINVAL for one that names none).  The row is valid
 * during the call only. */
typedef int (*store_network_cb)(const struct store_network *n, void *userdata);
int store_network_list(struct store *st, const struct store_query *q, store_network_cb cb,
                       void *userdata);
int store_network_count(struct store *st, const struct store_query *q, size_t *ret);

/* Ports and their fixed IPs as typed rows without a document: every
 * attribute of Neutron's port view is a column (binding:vif_details, an
 * object the service builds, and the lists users give or read,
 * security_groups, allowed_address_pairs, extra_dhcp_opts and tags, as
 * JSON text), binding:profile alone the user's own JSON object; the fixed
 * IPs are rows of their own (what filters and lookups by subnet and
 * address use) and, in the order the API shows them, text in the port's
 * row, read with it.  The
 * filtered attributes (struct store_query's, named as the API names
 * them: "name", "network_id", "binding:host_id", "fixed_ips" with member
 * "subnet_id" or "ip_address", ...) are columns, what lists filter on
 * most indexed; an attribute without a column is refused. */
struct store_fixed_ip {
        const char *subnet_id, *ip_address;
};
struct store_port {
        const char *id;
        const char *project_id;
        const char *network_id;
        const char *name;
        const char *description;
        const char *device_id, *device_owner;
        const char *mac_address;
        const char *host;        /* binding:host_id */
        const char *vnic_type;   /* binding:vnic_type */
        const char *vif_type;    /* binding:vif_type */
        const char *vif_details; /* binding:vif_details, JSON object text; NULL reads as {} */
        const char *profile;     /* binding:profile, JSON object text; NULL reads as {} */
        const char *status;
        bool admin_state_up;
        bool port_security_enabled;
        /* JSON array text; NULL reads as []. */
        const char *security_groups, *allowed_address_pairs, *extra_dhcp_opts, *tags;
        const char *created_at, *updated_at; /* as the API shows them */
        long long revision_number;
        /* In the order the API shows them; one without subnet or address
         * is not kept. */
        const struct store_fixed_ip *fixed_ips;
        size_t n_fixed_ips;
};
/* A copy of p in one allocation (its strings and fixed IPs in the same
 * block), NULL when out of memory; store_port_free() frees it. */
struct store_port *store_port_dup(const struct store_port *p);
void store_port_free(struct store_port *p);
/* Insert (-EEXIST when the id exists) or update (-ENOENT when absent);
 * an update replaces the fixed IPs. */
int store_port_put(struct store *st, const struct store_port *p, bool create);
/* Get or none: *ret a copy (store_port_dup), -ENOENT when absent. */
int store_port_get(struct store *st, const char *id, struct store_port **ret);
/* The host a port is bound to: *ret malloc'd, NULL when unbound; -ENOENT
 * when the port is absent. */
int store_port_host(struct store *st, const char *id, char **ret);
/* The port and its fixed IPs. */
int store_port_delete(struct store *st, const char *id);
/* cb for each matching port's row and fixed IPs, in id order, after
 * q->marker, at most q->limit; every filter attribute names a column or
 * (fixed_ips) the fixed IPs' rows, -EINVAL for one that names none.  The
 * row is valid during the call only. */
typedef int (*store_port_cb)(const struct store_port *p, void *userdata);
int store_port_list(struct store *st, const struct store_query *q, store_port_cb cb,
                    void *userdata);
int store_port_count(struct store *st, const struct store_query *q, size_t *ret);

/* Subnets as typed rows without a document: every attribute of
 * Neutron's subnet view is a column (the lists users give, dns_nameservers
 * and host_routes, and service_types and tags, as JSON array text; the
 * allocation pools rows of their own, in order), what lists filter on
 * (name, network_id, cidr, ..., and "_shared", the hidden mark of a
 * subnet whose network is shared) indexed where lists look it up. */
struct store_ip_range {
        const char *start, *end;
};
struct store_subnet {
        const char *id;
        const char *project_id;
        const char *network_id;
        const char *name;
        const char *description;
        long long ip_version; /* < 0: none */
        const char *cidr;
        const char *gateway_ip; /* NULL: none */
        bool enable_dhcp;
        bool shared; /* "_shared": visible to every project */
        const char *ipv6_ra_mode, *ipv6_address_mode; /* NULL: none */
        const char *subnetpool_id;
        /* JSON array text; NULL reads as []. */
        const char *dns_nameservers, *host_routes, *service_types, *tags;
        const char *created_at, *updated_at; /* as the API shows them */
        long long revision_number;
        const struct store_ip_range *pools; /* a range without start or end is not kept */
        size_t n_pools;
};
/* A copy of s in one allocation (its strings and pools in the same
 * block), NULL when out of memory; store_subnet_free() frees it. */
struct store_subnet *store_subnet_dup(const struct store_subnet *s);
void store_subnet_free(struct store_subnet *s);
/* Insert (-EEXIST when the id exists) or update (-ENOENT when absent);
 * an update replaces the pools. */
int store_subnet_put(struct store *st, const struct store_subnet *s, bool create);
/* Get or none: *ret a copy (store_subnet_dup), -ENOENT when absent. */
int store_subnet_get(struct store *st, const char *id, struct store_subnet **ret);
/* The subnet and its pools. */
int store_subnet_delete(struct store *st, const char *id);
/* cb for each matching subnet's row and pools, in id order, after
 * q->marker, at most q->limit; the shared attribute is "_shared", and
 * every filter attribute of the subnet view names a column (-EINVAL for
 * one that names none).  The strings and pools are valid during the call
 * only. */
typedef int (*store_subnet_cb)(const struct store_subnet *s, void *userdata);
int store_subnet_list(struct store *st, const struct store_query *q, store_subnet_cb cb,
                      void *userdata);
int store_subnet_count(struct store *st, const struct store_query *q, size_t *ret);

/* Security groups and their rules as typed rows without a document:
 * every attribute of Neutron's views is a column (tags as JSON array
 * text), what lists filter on indexed.  A group's rules are rows of their
 * own, deleted with it, each with its place in the group's list (the
 * order the group's view shows them in: the order they were made).  NULL
 * strings are SQL NULL, as a null attribute. */
struct store_secgroup {
        const char *id;
        const char *project_id;
        const char *name;
        const char *description;
        bool stateful;
        const char *tags; /* JSON array text; NULL reads as [] */
        const char *created_at, *updated_at; /* as the API shows them */
        long long revision_number;
};
struct store_sg_rule {
        const char *id;
        const char *security_group_id;
        const char *project_id;
        const char *direction; /* ingress or egress */
        const char *ethertype; /* IPv4 or IPv6 */
        const char *protocol;  /* NULL: any */
        long long port_range_min, port_range_max; /* < 0: none */
        const char *remote_ip_prefix, *remote_group_id, *remote_address_group_id;
        const char *normalized_cidr;
        const char *description;
        const char *tags; /* JSON array text; NULL reads as [] */
        const char *created_at, *updated_at;
        long long revision_number;
};
/* Copies in one allocation each (their strings in the same block), NULL
 * when out of memory; freed by store_secgroup_free() and
 * store_sg_rule_free(). */
struct store_secgroup *store_secgroup_dup(const struct store_secgroup *g);
void store_secgroup_free(struct store_secgroup *g);
struct store_sg_rule *store_sg_rule_dup(const struct store_sg_rule *r);
void store_sg_rule_free(struct store_sg_rule *r);
/* Insert (-EEXIST when the id exists) or update (-ENOENT when absent). */
int store_secgroup_put(struct store *st, const struct store_secgroup *g, bool create);
/* Get or none: *ret a copy, -ENOENT when absent. */
int store_secgroup_get(struct store *st, const char *id, struct store_secgroup **ret);
/* The group and its rules. */
int store_secgroup_delete(struct store *st, const char *id);
/* cb for each matching group's row, in id order, after q->marker, at
 * most q->limit; every filter attribute of the group's view names a
 * column (-EINVAL for one that names none).  The row is valid during the
 * call only. */
typedef int (*store_secgroup_cb)(const struct store_secgroup *g, void *userdata);
int store_secgroup_list(struct store *st, const struct store_query *q, store_secgroup_cb cb,
                        void *userdata);
int store_secgroup_count(struct store *st, const struct store_query *q, size_t *ret);
/* Insert (-EEXIST when the id exists; the rule goes last on its group's
 * list, and its group must exist) or update (-ENOENT when absent; its
 * place kept). */
int store_sg_rule_put(struct store *st, const struct store_sg_rule *r, bool create);
int store_sg_rule_get(struct store *st, const char *id, struct store_sg_rule **ret);
int store_sg_rule_delete(struct store *st, const char *id);
/* The same walk as store_secgroup_list() over rules (filters on every
 * attribute of the rule's view). */
typedef int (*store_sg_rule_cb)(const struct store_sg_rule *r, void *userdata);
int store_sg_rule_list(struct store *st, const struct store_query *q, store_sg_rule_cb cb,
                       void *userdata);
int store_sg_rule_count(struct store *st, const struct store_query *q, size_t *ret);
/* The rules of one group in the order of its list. */
int store_sg_rules_of(struct store *st, const char *security_group_id, store_sg_rule_cb cb,
                      void *userdata);
/* The rules of the groups a store_secgroup_list() with the same query
 * gives, read beside it in one statement: for each group of the list in
 * its order, store_sg_rule_cursor_walk() calls cb for that group's rules
 * in its list's order (a group asked out of order gets none).  The
 * query is read at the open (a list's marker may move after it).  Free
 * it before the transaction ends. */
struct store_sg_rule_cursor;
int store_sg_rule_cursor_open(struct store *st, const struct store_query *q,
                              struct store_sg_rule_cursor **ret);
int store_sg_rule_cursor_walk(struct store_sg_rule_cursor *c, const char *security_group_id,
                              store_sg_rule_cb cb, void *userdata);
void store_sg_rule_cursor_free(struct store_sg_rule_cursor *c);

/* Neutron agents as typed rows: what is filtered or looked up on every
 * report (host, agent_type, binary, topic, admin_state_up, the process
 * that holds the agent) and the heartbeat are columns, one agent per
 * (host, agent_type); the rest (configurations, ...) stays in the
 * document.  The heartbeat is kept in its columns alone, so a heartbeat
 * rewrites no document: every read gives the document with its
 * "heartbeat_timestamp" and "_heartbeat" members set from the columns. */
struct store_agent {
        const char *id;
        const char *host, *agent_type, *binary, *topic;
        bool admin_state_up;
        double heartbeat;          /* seconds since the epoch */
        const char *heartbeat_text; /* the same time as the API shows it */
        const char *instance_id;    /* the reporting process; NULL: none */
        const char *doc;
};
/* Insert (-EEXIST when the id, or an agent of the same host and type,
 * exists) or update (-ENOENT when absent). */
int store_agent_put(struct store *st, const struct store_agent *a, bool create);
/* *ret_doc malloc'd; -ENOENT when absent. */
int store_agent_get(struct store *st, const char *id, char **ret_doc);
int store_agent_delete(struct store *st, const char *id);
/* Every match in id order, after q->marker, at most q->limit (filters on
 * "host", "agent_type", "binary", "topic", "admin_state_up" and "id" are
 * columns; others go to the document). */
int store_agent_list(struct store *st, const struct store_query *q, store_obj_cb cb,
                     void *userdata);
/* The same rows as stored: each document as last written (its heartbeat
 * members as they were then, since a queued heartbeat writes only the
 * columns) and the heartbeat columns apart.  For a caller that tells a
 * rewritten document from a newer time without parsing it. */
typedef int (*store_agent_row_cb)(const char *id, const char *doc, double heartbeat,
                                  const char *heartbeat_text, void *userdata);
int store_agent_list_rows(struct store *st, const struct store_query *q, store_agent_row_cb cb,
                          void *userdata);
/* One agent's row as stored (above), by id: *ret_doc malloc'd; -ENOENT
 * when absent. */
int store_agent_get_row(struct store *st, const char *id, char **ret_doc, double *ret_heartbeat);

/* Secrets (password hashes), never part of a document. */
int store_secret_set(struct store *st, const char *key, const char *value);
int store_secret_get(struct store *st, const char *key, char **ret);
int store_secret_delete(struct store *st, const char *key);

/* Revision stamps: one counter per name ("identity"), bumped inside every
 * transaction that changes what the name stands for, and read by whoever
 * keeps state derived from it in memory, so a cache can tell whether what
 * it holds is still current — also when another server sharing the
 * database made the change.  A name never bumped reads 0. */
int store_stamp_get(struct store *st, const char *name, int64_t *ret);
/* The same outside a transaction (it must not be called inside one): the
 * cheap check a cache makes on every use.  What a commit of this store
 * moved it reads at once; a commit of another store on the same
 * database, at once on PostgreSQL, and on SQLite once this store has run
 * a transaction since (SQLite keeps what it read until the database's
 * data version moves, which it notices as a transaction begins). */
int store_stamp_read(struct store *st, const char *name, int64_t *ret);
int store_stamp_bump(struct store *st, const char *name);
/* A stamp a caller acts on as it last read it (a cache's entry), checked
 * without a round trip of its own where reading it costs one: on
 * PostgreSQL store_stamp_expect() only notes name and value, and the
 * calling thread's next transaction reads the stamp with its BEGIN (a
 * write) or its first statement (a read).  If it moved, that begin or
 * statement fails with -ESTALE, and so does every transaction and
 * statement after it until store_stamp_settle(): nothing is done on the
 * strength of a stale value.  Elsewhere store_stamp_expect() reads the
 * stamp at once.  Returns 0, or -ESTALE when read at once and moved.
 * Names are [a-z_]+.  Outside a transaction. */
int store_stamp_expect(struct store *st, const char *name, int64_t value);
/* Ends the calling thread's expectation: 0 when the value held (read now
 * if no transaction read it), -ESTALE when it had moved, or the error of
 * reading it.  0 when none was open.  Outside a transaction. */
int store_stamp_settle(struct store *st);
/* For a caller that will check the value itself before anything is done
 * on its strength (store_stamp_read() at a later moment, once for many):
 * when the calling thread's expectation is open and no statement has read
 * it yet, takes it out (store_stamp_settle() then has nothing to settle)
 * and gives its value.  False, and nothing changed, otherwise. */
bool store_stamp_take(struct store *st, int64_t *ret_value);

/* The per-host change feed (docs/agent.md): every change that matters to a
 * compute host (a port bound to it changed, a task for it queued) is
 * appended in the transaction that makes it, under one revision counter
 * that only grows, so a host that saw revision R asks for what came after
 * R and misses nothing.  Entries name what changed, not how: the reader
 * fetches the object's current state. */
struct store_change {
        int64_t revision;
        const char *kind; /* "port", "task" */
        const char *id;
};
/* Appends one entry for host; *ret_revision (may be NULL) is its revision. */
int store_change_append(struct store *st, const char *host, const char *kind, const char *id,
                        int64_t *ret_revision);
/* The entries of host after revision since, oldest first, at most limit of
 * them; returns how many were passed to cb.  -ESTALE when entries after
 * since were already compacted away: the reader must start over from a
 * full read.  *ret_revision (may be NULL): store_change_revision(), read
 * with the entries (one statement where the backend can: a watch is then
 * one round trip to the database). */
typedef int (*store_change_cb)(const struct store_change *c, void *userdata);
int store_changes_since(struct store *st, const char *host, int64_t since, size_t limit,
                        store_change_cb cb, void *userdata, int64_t *ret_revision);
/* The newest revision of any host (0 when nothing was ever appended). */
int store_change_revision(struct store *st, int64_t *ret);
/* Called after a transaction that appended entries commits (never after a
 * rollback), once for each host it named, on the committing thread and
 * outside the store's lock: how the server wakes the watches waiting on
 * those hosts.  Where another server's commits are told by the database
 * (PostgreSQL), the hook is also called for those hosts, from the store's
 * own thread; and with host NULL when such news may have been lost (the
 * connection that hears them broke, or was made again): whoever keeps
 * "nothing changed for this host" in memory must drop it then. */
typedef void (*store_change_hook)(const char *host, void *userdata);
void store_set_change_hook(struct store *st, store_change_hook hook, void *userdata);
/* Drops the entries at or below revision upto; later reads from below it
 * get -ESTALE. */
int store_changes_compact(struct store *st, int64_t upto);
/* The log keeps about KEEP entries: every STORE_CHANGES_COMPACT_EVERY-th
 * append drops what is older than its revision - KEEP (in the appending
 * transaction).  A host further behind reads its whole state again (410),
 * which costs it one request.  Default STORE_CHANGES_KEEP; 0: never. */
#define STORE_CHANGES_KEEP 10000
#define STORE_CHANGES_COMPACT_EVERY 1000
void store_set_changes_keep(struct store *st, int64_t keep);

#include "base/macro.h"
DEFINE_POINTER_CLEANUP(struct store, store_free)
#define _cleanup_store_ _cleanup_(store_freep)
DEFINE_POINTER_CLEANUP(struct store_instance, store_instance_free)
#define _cleanup_instance_ _cleanup_(store_instance_freep)
DEFINE_POINTER_CLEANUP(struct store_network, store_network_free)
#define _cleanup_network_ _cleanup_(store_network_freep)
DEFINE_POINTER_CLEANUP(struct store_subnet, store_subnet_free)
#define _cleanup_subnet_ _cleanup_(store_subnet_freep)
DEFINE_POINTER_CLEANUP(struct store_port, store_port_free)
#define _cleanup_port_ _cleanup_(store_port_freep)
DEFINE_POINTER_CLEANUP(struct store_secgroup, store_secgroup_free)
#define _cleanup_secgroup_ _cleanup_(store_secgroup_freep)
DEFINE_POINTER_CLEANUP(struct store_sg_rule, store_sg_rule_free)
#define _cleanup_sg_rule_ _cleanup_(store_sg_rule_freep)
DEFINE_POINTER_CLEANUP(struct store_sg_rule_cursor, store_sg_rule_cursor_free)
#define _cleanup_sg_rule_cursor_ _cleanup_(store_sg_rule_cursor_freep)
DEFINE_POINTER_CLEANUP(struct store_compute_host, store_compute_host_free)
#define _cleanup_compute_host_ _cleanup_(store_compute_host_freep)
DEFINE_POINTER_CLEANUP(struct store_compute_host *, store_compute_hosts_free)
#define _cleanup_compute_hosts_ _cleanup_(store_compute_hosts_freep)
DEFINE_POINTER_CLEANUP(struct store_compute_task, store_compute_task_free)
#define _cleanup_compute_task_ _cleanup_(store_compute_task_freep)
DEFINE_POINTER_CLEANUP(struct store_compute_task *, store_compute_tasks_free)
#define _cleanup_compute_tasks_ _cleanup_(store_compute_tasks_freep)
