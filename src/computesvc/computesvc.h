/* The compute service: what nova-conductor, the scheduler and the
 * placement service do below Nova's API — compute hosts as the scheduler
 * sees them (reports parsed once and cached, brought to the store's claims
 * and usage on every load), aggregates' zones, the task queue hosts poll,
 * a boot below Nova's API (what the caller may use, the quotas, the ports
 * asked or made through the network service) and its placement: one
 * scheduling pass (compute/'s pure logic), the chosen host's VFs claimed
 * and its usage recorded as typed store rows, the ports bound through the
 * network service, the spawn queued; a failed spawn released and retried
 * on the next host.  It takes typed input and a store inside the caller's
 * transaction, returns documents or typed results (instances are store
 * rows) or an error with its kind, and knows nothing of HTTP. */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "base/error-kind.h"
#include "base/json-util.h"
#include "compute/host-state.h"
#include "netsvc/netsvc.h"
#include "store/store.h"

struct sched_config;
struct compute_cache;

struct computesvc {
        struct store *store; /* every call: inside the caller's transaction */
        const struct sched_config *sched;
        long service_down_time;              /* seconds, [DEFAULT] service_down_time */
        struct compute_cache **cache;        /* parsed host reports, kept between calls */
        double (*now)(void);
        struct netsvc net;                   /* to bind and release ports */
};

void compute_cache_free(struct compute_cache *c);

/* Every registered compute host as the scheduler sees it (report + service
 * state + the instances' claims and usage), in hostname order.  The states
 * are cached and borrowed, the cache locked for the caller: use them inside
 * the transaction that loaded them, then computesvc_hosts_done() before it
 * ends (or begins another), and never load twice at once. */
int computesvc_hosts_load(const struct computesvc *svc, struct host_list *ret);
void computesvc_hosts_done(const struct computesvc *svc, struct host_list *l);
/* The stored host record (service state) as a document (see
 * computesvc_host_list()), or -ENOENT; whether a host is up (heartbeat
 * within service_down_time, not forced down), from its row or from its
 * document. */
int computesvc_host_get(const struct computesvc *svc, const char *hostname, json_t **ret);
bool computesvc_host_up(const struct computesvc *svc, const struct store_compute_host *h);
bool computesvc_host_is_up(const struct computesvc *svc, const json_t *host);
/* {host: availability zone} from the aggregates. */
int computesvc_host_zones(const struct computesvc *svc, json_t **ret);
/* The instances placed on host whose task is not done (nova's
 * current_workload): spawns queued and not yet answered. */
int computesvc_host_workload(const struct computesvc *svc, const char *host, size_t *ret);
/* A host's report (already checked into hs): its service record made on
 * first report (*ret_new) or refreshed (heartbeat, zone), the report
 * stored apart when it changed.  *ret the service record. */
int computesvc_host_report(const struct computesvc *svc, const json_t *body,
                           const struct host_state *hs, bool *ret_new, json_t **ret);
/* A report that repeats the stored one (its canonical hash report_hash
 * is the host's): only its time, queued on svc->net.heartbeats; *ret the
 * host's row with that time; returns 1.  Needs only a read transaction
 * (the row is the caller's after it).  0 when it must go through
 * computesvc_host_report() (an unknown host, another report, no queue or
 * a full one). */
int computesvc_host_heartbeat(const struct computesvc *svc, const char *hostname,
                              const char *report_hash, struct store_compute_host **ret);
/* The same for a host report whose agent part (agent_text) netsvc noted
 * as repeating its agent (netsvc_agent_heartbeat()): the host's row and
 * the agent's read in one statement and, when both still repeat, both
 * times queued (1).  0 when either must take its own way: nothing is
 * queued then, or at most the agent's time. */
int computesvc_host_heartbeat_with_agent(const struct computesvc *svc, const char *hostname,
                                         const char *report_hash, const char *agent_text,
                                         struct store_compute_host **ret);
/* Every host's report as the scheduler reads it (docs/compute-report.md),
 * the server's claims, usage and service state folded in. */
int computesvc_host_reports(const struct computesvc *svc, json_t **ret);
/* The SHA-256-sized hash a host report is cached under. */
void computesvc_report_hash(const char *text, char ret[65]);

/* Every host's service record as a document ({id: hostname, service_id,
 * hypervisor_id, status, disabled_reason, forced_down, created_at,
 * report_hash, availability_zone, updated_at, _heartbeat}), in hostname
 * order. */
int computesvc_host_list(const struct computesvc *svc, json_t **ret);
/* The instances placed on host (nova's running_vms). */
int computesvc_host_running(const struct computesvc *svc, const char *host, size_t *ret);
/* The host's stored report (docs/compute-report.md), or -ENOENT. */
int computesvc_host_report_get(const struct computesvc *svc, const char *host, json_t **ret);

/* os-services' change of a compute service, found by its host name or
 * (host NULL) its service id; -ENOENT when there is none.  status:
 * "enabled"/"disabled" or NULL (unchanged), with disabled_reason kept
 * only when disabled; forced_down: -1 unchanged, 0 or 1.  *ret the
 * record after it. */
struct computesvc_service_change {
        const char *status;
        const json_t *disabled_reason; /* a string or NULL */
        int forced_down;
};
int computesvc_service_update(const struct computesvc *svc, const char *service_id,
                              const char *host, const struct computesvc_service_change *c,
                              json_t **ret);

/* The change feed of a host (feed.c; docs/agent.md).  Its state: the
 * revision it was read at and the ports bound to it and its pending tasks
 * (read in the caller's transaction, so watching from the revision misses
 * nothing). */
struct computesvc_host_state {
        int64_t revision;
        json_t *ports, *tasks;
};
int computesvc_host_state(const struct computesvc *svc, const char *host,
                          struct computesvc_host_state *ret);
void computesvc_host_state_done(struct computesvc_host_state *s);
/* What changed for host after since (at most limit entries; -ESTALE when
 * compacted away): [{revision, kind, id, object (the current document
 * while it concerns the host)}], and the revision to ask from next. */
int computesvc_host_changes(const struct computesvc *svc, const char *host, int64_t since,
                            size_t limit, json_t **ret, int64_t *ret_next);

/* Queue a task for a host ("spawn" or "destroy"; docs/compute-report.md). */
int computesvc_task_add(const struct computesvc *svc, const char *host, const char *action,
                        const char *instance_id, json_t *detail /* stolen, may be NULL */);

/* A host's pending tasks, oldest first (at most limit; 0: all), each
 * {id, host, action, instance_id, created_at, instance}; one by id, or
 * -ENOENT. */
int computesvc_tasks(const struct computesvc *svc, const char *host, size_t limit, json_t **ret);
int computesvc_task_get(const struct computesvc *svc, const char *task_id, json_t **ret);
/* The host's answer to a task: the task done; a spawn's result applied
 * (computesvc_spawn_result).  Not found when no such task is queued. */
int computesvc_task_done(const struct computesvc *svc, const char *task_id, bool ok,
                         const char *message, struct service_error *err);

/* Instances (servers) as stored: typed rows (store.h's struct
 * store_instance); put stamps updated_at. */
int computesvc_instance_get(const struct computesvc *svc, const char *id,
                            struct store_instance **ret);
int computesvc_instance_put(const struct computesvc *svc, struct store_instance *inst, bool create);
/* cb for each instance q selects, in id order (borrowed; a negative return
 * stops the walk and is returned). */
int computesvc_instance_list(const struct computesvc *svc, const struct store_instance_query *q,
                             store_instance_cb cb, void *userdata);
/* A project's instances counted, their flavors' vcpus and RAM summed. */
int computesvc_project_usage(const struct computesvc *svc, const char *project_id,
                             struct store_usage *ret);

/* Servers (boot.c, server.c).  A boot as POST /v2.1/servers asks it,
 * its syntax checked by the caller; strings and JSON borrowed. */
struct computesvc_boot_nic {
        const char *port_id;    /* a port of the caller's ... */
        const char *network_id; /* ... or (port_id NULL) a network to make one on */
};
struct computesvc_boot {
        const struct auth_context *auth;
        const char *name;      /* count > 1: NAME-1, NAME-2, ... (Nova's template) */
        long count;            /* servers to make, >= 1 */
        const char *flavor_id; /* ids, not links */
        const char *image_id;
        const struct computesvc_boot_nic *nics;
        size_t n_nics;
        const json_t *metadata;             /* an object of strings; NULL: {} */
        const char *const *security_groups; /* names or ids; none: "default" */
        size_t n_security_groups;
        const char *availability_zone; /* NULL: any; "zone:host" picks the host */
        const char *key_name;          /* NULL: none */
        const char *access_ipv4;       /* valid addresses, or NULL */
        const char *access_ipv6;
        const char *admin_pass; /* NULL: one is made */
};
struct computesvc_server_made {
        char id[37];
        char *admin_pass; /* the one asked for, else the one made */
};
struct computesvc_boot_result {
        struct computesvc_server_made *servers; /* in the order made */
        size_t n_servers;
};
void computesvc_boot_result_done(struct computesvc_boot_result *r);
/* A boot, inside the caller's write transaction: the create policy, the
 * flavor the caller may use and the image it may see (active, the
 * flavor big enough for it), the security groups, the metadata_items
 * quota; then for each server the instance quota, its ports (checked:
 * the caller's, not in use, not given twice, an SR-IOV vnic only on a
 * network with a physical network; made on each network asked), the
 * instance recorded and placed (computesvc_place()).  A server no host
 * took is recorded ERROR with its fault and the ports it made deleted.
 * Errors are Nova's messages: invalid (400; what the body names but
 * cannot be found too), forbidden (403: policy, quota), conflict (409: a
 * port in use, a port the network service refused as one). */
int computesvc_server_create(const struct computesvc *svc, const struct computesvc_boot *in,
                             struct computesvc_boot_result *ret, struct service_error *err);
/* PUT /servers/{id}: has_X says X was given. */
struct computesvc_server_update {
        bool has_name;
        const char *name;
        bool has_description;
        const char *description; /* NULL: none */
        const char *access_ipv4; /* valid addresses, or NULL: unchanged */
        const char *access_ipv6;
};
/* A server the caller may see changed and stamped; not found (Nova's
 * "Instance %s could not be found.") otherwise.  *ret the instance. */
int computesvc_server_update(const struct computesvc *svc, const struct auth_context *auth,
                             const char *id, const struct computesvc_server_update *in,
                             struct store_instance **ret, struct service_error *err);
/* A server the caller may see (os_compute_api:servers:show), or not
 * found. */
int computesvc_server_get(const struct computesvc *svc, const struct auth_context *auth,
                          const char *id, struct store_instance **ret, struct service_error *err);
/* A server the caller may see (not found otherwise) and may delete
 * (forbidden otherwise) deleted as computesvc_instance_delete() does. */
int computesvc_server_delete(const struct computesvc *svc, const struct auth_context *auth,
                             const char *id, struct service_error *err);
/* os-resetState (the caller checked it is the admin's): the server's
 * state set to active or error, its task state cleared; not found when
 * there is no such server. */
int computesvc_server_reset_state(const struct computesvc *svc, const char *id, bool active,
                                  struct service_error *err);
/* Whether auth may see the instance (os_compute_api:servers:show). */
bool computesvc_server_visible(const struct auth_context *auth, const struct store_instance *inst);

/* A boot's placement: schedule, claim, bind, queue the spawn.  On no host
 * the instance goes ERROR with the explaining fault and nothing is
 * claimed or bound (a request the scheduler cannot read: fault code 400).
 * Returns <0 only on store errors. */
int computesvc_place(const struct computesvc *svc, struct store_instance *inst,
                     const char *last_error);
/* Undo a placement: the VFs and the host's resources freed, the ports
 * unbound. */
int computesvc_unplace(const struct computesvc *svc, struct store_instance *inst);
/* The host's answer to a spawn task: ACTIVE, or released and placed on
 * the next host (stale answers are ignored). */
int computesvc_spawn_result(const struct computesvc *svc, const char *instance_id,
                            const char *host, bool ok, const char *message);

/* An instance deleted.  On a host that is up it goes task_state
 * "deleting" and the host is told to destroy it; its VFs stay claimed and
 * its ports bound until the host answers (computesvc_destroy_result).
 * Without a host, or on a host that is down, it is removed at once (Nova's
 * local delete): placement undone, the ports its boot made deleted. */
int computesvc_instance_delete(const struct computesvc *svc, struct store_instance *inst);
/* The host's answer to a destroy task: the instance removed, or ERROR
 * with its claims kept when the host could not destroy it. */
int computesvc_destroy_result(const struct computesvc *svc, const char *instance_id,
                              const char *host, bool ok, const char *message);

/* Flavors and images by id, or -ENOENT. */
int computesvc_flavor_get(const struct computesvc *svc, const char *id, json_t **ret);
int computesvc_image_get(const struct computesvc *svc, const char *id, json_t **ret);

/* Flavors (flavor.c).  A new flavor from checked input: a conflict when
 * its name or id is taken.  Errors of kind not found name the flavor (and
 * the extra spec). */
struct computesvc_flavor_spec {
        const char *id; /* NULL: a new UUID */
        const char *name;
        long ram, vcpus, disk, swap, ephemeral;
        bool is_public;
        const json_t *rxtx_factor; /* a number, or NULL (1.0) */
        const char *description;   /* NULL: none */
};
int computesvc_flavor_create(const struct computesvc *svc, const struct computesvc_flavor_spec *in,
                             json_t **ret, struct service_error *err);
/* Every flavor, as stored. */
int computesvc_flavor_list(const struct computesvc *svc, json_t **ret);
int computesvc_flavor_delete(const struct computesvc *svc, const char *id,
                             struct service_error *err);
/* Extra specs (checked: keys 1-255 characters, scalar values) merged into
 * the flavor's, each value kept as a string; *ret what was added. */
int computesvc_flavor_specs_update(const struct computesvc *svc, const char *id,
                                   const json_t *add, json_t **ret, struct service_error *err);
int computesvc_flavor_spec_delete(const struct computesvc *svc, const char *id, const char *key,
                                  struct service_error *err);
/* Flavor access (os-flavor-access): whether auth may see and boot with a
 * flavor (an admin, a public flavor, or a project it is shared with); the
 * projects a private flavor is shared with (not found for a public one);
 * a project added (a conflict when it is there or the flavor is public)
 * or removed (not found when it is not there), *ret the projects after. */
bool computesvc_flavor_visible(const json_t *f, const struct auth_context *auth);
bool computesvc_flavor_shared_with(const json_t *f, const char *project_id);
int computesvc_flavor_access(const struct computesvc *svc, const char *id, json_t **ret,
                             struct service_error *err);
int computesvc_flavor_access_change(const struct computesvc *svc, const char *id,
                                    const char *project, bool add, json_t **ret,
                                    struct service_error *err);
/* PUT /flavors/{id} (2.55): the description set (NULL: none); *ret the
 * flavor after. */
int computesvc_flavor_describe(const struct computesvc *svc, const char *id,
                               const char *description, json_t **ret, struct service_error *err);

/* Images (image.c), under Glance's default policy: an image is seen by its
 * owner, or by all when public or community; changed by its owner or an
 * admin.  Not found hides another project's private image. */
int computesvc_image_get_visible(const struct computesvc *svc, const struct auth_context *auth,
                                 const char *id, json_t **ret, struct service_error *err);
/* The images auth may see, optionally only those of a name or status. */
int computesvc_image_list(const struct computesvc *svc, const struct auth_context *auth,
                          const char *name, const char *status, json_t **ret);
/* A new record ("queued") from the request's attributes, checked as
 * Glance checks them (formats, visibility, read-only attributes); every
 * other attribute kept as a property.  Owned by auth's project. */
int computesvc_image_create(const struct computesvc *svc, const struct auth_context *auth,
                            const json_t *in, json_t **ret, struct service_error *err);
/* The data of a queued image: size and SHA-512 recorded, "active". */
int computesvc_image_upload(const struct computesvc *svc, const struct auth_context *auth,
                            const char *id, const void *data, size_t len,
                            struct service_error *err);
/* An image deleted unless protected. */
int computesvc_image_delete(const struct computesvc *svc, const struct auth_context *auth,
                            const char *id, struct service_error *err);

/* Host aggregates (aggregate.c), found by id or uuid. */
int computesvc_aggregate_list(const struct computesvc *svc, json_t **ret);
int computesvc_aggregate_get(const struct computesvc *svc, const char *key, json_t **ret,
                             struct service_error *err);
/* A new aggregate (a unique name, optionally an availability zone; az is
 * the request's value, checked here). */
int computesvc_aggregate_create(const struct computesvc *svc, const char *name, const json_t *az,
                                json_t **ret, struct service_error *err);
/* One action of os-aggregates' action body ({"add_host": {"host"}},
 * remove_host, set_metadata) or of its update body ({"aggregate": {name,
 * availability_zone}}): a host joins only when it is known and not in
 * another zone.  *ret the aggregate after it. */
int computesvc_aggregate_action(const struct computesvc *svc, const char *key,
                                const json_t *action, json_t **ret, struct service_error *err);
/* An aggregate without hosts deleted. */
int computesvc_aggregate_delete(const struct computesvc *svc, const char *key,
                                struct service_error *err);

/* Quotas (Nova's os-quota-sets): each resource with Nova's default and the
 * microversion that removed it from the API (0: never). */
struct computesvc_quota_resource {
        const char *name;
        long long default_limit;
        unsigned gone_at;
};
extern const struct computesvc_quota_resource computesvc_quota_resources[]; /* {0}-ended */
/* A project's limits (defaults: Nova's defaults only) as the quota_set of
 * microversion 2.N's N. */
int computesvc_quota_get(const struct computesvc *svc, const char *project_id,
                         unsigned microversion, bool defaults, json_t **ret);
/* The project's limits each with what it uses ({limit, in_use,
 * reserved}; in_use counted for instances, cores and ram, 0 for the
 * others), from one sum over its instances. */
int computesvc_quota_detail(const struct computesvc *svc, const char *project_id,
                            unsigned microversion, json_t **ret);
/* Sets some limits (integers >= -1, not below what is used unless
 * "force"); *ret: all of them after. */
int computesvc_quota_set(const struct computesvc *svc, const char *project_id,
                         unsigned microversion, const json_t *in, json_t **ret,
                         struct service_error *err);
int computesvc_quota_delete(const struct computesvc *svc, const char *project_id);
/* One more instance of vcpus and ram MiB for the project: forbidden (403,
 * Nova's "Quota exceeded for ...") when over its limits. */
int computesvc_quota_check(const struct computesvc *svc, const char *project_id,
                           long long vcpus, long long ram, struct service_error *err);
