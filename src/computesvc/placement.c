/* A boot's placement, in the transaction that records it: one scheduling
 * pass over the hosts as stored, the chosen host's VFs claimed (unique per
 * host and address in the store) and its usage recorded, the ports bound
 * as Nova binds them, then the spawn queued for the host.  A host's
 * failure releases everything and tries the next host, up to [scheduler]
 * max_attempts.  Nothing is kept in memory, so a restart finds the claims
 * exactly as the instances hold them. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/time-format.h"
#include "base/log.h"
#include "compute/scheduler.h"
#include "computesvc/computesvc.h"
#include "computesvc/server-fields.h"

static const char *const nova_profile_keys[] = {"pci_vendor_info", "pci_slot", "physical_network"};

int computesvc_instance_get(const struct computesvc *svc, const char *id,
                            struct store_instance **ret)
{
        return store_instance_get(svc->store, id, ret);
}

int computesvc_instance_put(const struct computesvc *svc, struct store_instance *inst, bool create)
{
        char t[40];
        time_format_iso8601(svc->now(), false, t);
        int r = server_set_text(&inst->updated_at, t);
        return r < 0 ? r : store_instance_put(svc->store, inst, create);
}

int computesvc_instance_list(const struct computesvc *svc, const struct store_instance_query *q,
                             store_instance_cb cb, void *userdata)
{
        return store_instance_list(svc->store, q, cb, userdata);
}

int computesvc_project_usage(const struct computesvc *svc, const char *project_id,
                             struct store_usage *ret)
{
        struct store_instance_query q = {.project_id = project_id};
        return store_instance_totals(svc->store, &q, ret);
}

/* A port back to unbound, nova's profile keys stripped (§3.4). */
static int port_release(const struct computesvc *svc, const char *port_id, const char *instance_id)
{
        _cleanup_json_ json_t *port = NULL;
        _cleanup_network_ struct store_network *net = NULL;
        int r = svc_doc_get(svc->store, "port", port_id, &port);
        if (r == -ENOENT)
                return 0; /* deleted by its owner meanwhile */
        if (r < 0)
                return r;
        if (!streq(json_str(port, "device_id") ?: "", instance_id))
                return 0;
        json_t *prof = json_object_get(port, "binding:profile");
        for (size_t i = 0; i < ARRAY_SIZE(nova_profile_keys); i++)
                json_object_del(prof, nova_profile_keys[i]);
        json_object_set_new(port, "binding:host_id", json_string(""));
        json_object_set_new(port, "device_id", json_string(""));
        json_object_set_new(port, "device_owner", json_string(""));
        if ((r = store_network_get(svc->store, json_str(port, "network_id") ?: "", &net)) < 0)
                return r;
        if ((r = netsvc_port_bind(&svc->net, port, net)) < 0)
                return r;
        netsvc_stamp(&svc->net, port, false);
        return svc_doc_update(svc->store, "port", port);
}

/* Undo a placement: the VFs and the host's resources freed (every
 * allocation the instance owns), the ports unbound. */
int computesvc_unplace(const struct computesvc *svc, struct store_instance *inst)
{
        int r = store_instance_release(svc->store, inst->id);
        if (r < 0 && r != -ENOENT)
                return r;
        for (size_t i = 0; i < inst->n_ports; i++)
                if ((r = port_release(svc, inst->ports[i].port_id, inst->id)) < 0)
                        return r;
        for (size_t i = 0; i < inst->n_addresses; i++) {
                free(inst->addresses[i].network);
                free(inst->addresses[i].addr);
                free(inst->addresses[i].mac);
        }
        free(inst->addresses);
        inst->addresses = NULL;
        inst->n_addresses = 0;
        return server_set_text(&inst->host, NULL);
}

static json_t *sched_flavor(const struct store_instance *inst)
{
        json_t *specs = json_loads(inst->flavor_extra_specs ?: "{}", 0, NULL);
        return json_pack("{s:I,s:I,s:I,s:o}", "vcpus", (json_int_t)inst->vcpus, "ram",
                         (json_int_t)inst->memory_mb, "disk", (json_int_t)inst->disk_gb,
                         "extra_specs", specs ? specs : json_object());
}

/* The networks of an instance's ports, in the ports' order. */
struct port_nets {
        struct store_network **v;
        size_t n;
};

static void port_nets_done(struct port_nets *l)
{
        for (size_t i = 0; i < l->n; i++)
                store_network_free(l->v[i]);
        free(l->v);
        *l = (struct port_nets){0};
}

/* The user's ports with their networks' physnet, as the scheduler reads
 * them, and the networks. */
static int load_ports(const struct computesvc *svc, const struct store_instance *inst,
                      json_t **ret_ports, struct port_nets *ret_nets)
{
        _cleanup_json_ json_t *ports = json_array();
        _cleanup_(port_nets_done) struct port_nets nets = {
                .v = calloc(inst->n_ports + 1, sizeof(struct store_network *)),
        };
        if (!ports || !nets.v)
                return -ENOMEM;
        for (size_t i = 0; i < inst->n_ports; i++) {
                json_t *p = NULL;
                int r = svc_doc_get(svc->store, "port", inst->ports[i].port_id, &p);
                if (r >= 0)
                        r = store_network_get(svc->store, json_str(p, "network_id") ?: "",
                                              &nets.v[nets.n]);
                if (r < 0) {
                        json_decref(p);
                        return r;
                }
                const char *physnet = nets.v[nets.n++]->physical_network;
                json_object_set_new(p, "provider:physical_network", json_string_or_null(physnet));
                json_array_append_new(ports, p);
        }
        *ret_ports = TAKE_PTR(ports);
        *ret_nets = nets;
        nets = (struct port_nets){0};
        return 0;
}

static int set_fault(const struct computesvc *svc, struct store_instance *inst, unsigned code,
                     const char *message)
{
        char t[40];
        time_format_iso8601(svc->now(), false, t);
        inst->fault_code = code;
        int r = server_set_text(&inst->status, "ERROR");
        if (r >= 0)
                r = server_set_text(&inst->vm_state, "error");
        if (r >= 0)
                r = server_set_text(&inst->task_state, NULL);
        if (r >= 0)
                r = server_set_text(&inst->fault_created, t);
        if (r >= 0)
                r = server_set_text(&inst->fault_message, message);
        return r;
}

/* One host tried: bind every port for it in memory; false when a port
 * does not bind (then nothing was written). */
static int bind_for_host(const struct computesvc *svc, const struct store_instance *inst,
                         const struct host_state *h,
                         const struct sched_request *sreq, const struct sched_result *res,
                         json_t *ports, const struct port_nets *nets, const char *az,
                         json_t **ret_pci)
{
        _cleanup_json_ json_t *pci = json_array();
        size_t k = 0;
        char owner[300];
        snprintf(owner, sizeof(owner), "compute:%s", az);
        for (size_t i = 0; i < sreq->pci.n; i++) {
                const struct pci_request *pr = &sreq->pci.v[i];
                for (unsigned c = 0; c < pr->count; c++, k++) {
                        char addr[32];
                        pci_address_format(&res->claim[k], addr);
                        json_array_append_new(pci, json_pack("{s:s,s:o}", "address", addr, "port_id",
                                                             pr->port_id ? json_string(pr->port_id)
                                                                         : json_null()));
                        if (!pr->port_id)
                                continue;
                        size_t j;
                        json_t *p;
                        json_array_foreach(ports, j, p) {
                                if (!streq(json_str(p, "id"), pr->port_id))
                                        continue;
                                const struct pci_inventory_dev *d =
                                        pci_inventory_find(h->inventory, &res->claim[k]);
                                char vi[16];
                                snprintf(vi, sizeof(vi), "%s:%s", d ? d->view.vendor_id : "",
                                         d ? d->view.product_id : "");
                                json_t *prof = json_object_get(p, "binding:profile");
                                if (!json_is_object(prof)) {
                                        prof = json_object();
                                        json_object_set_new(p, "binding:profile", prof);
                                }
                                json_object_set_new(prof, "pci_vendor_info", json_string(vi));
                                json_object_set_new(prof, "pci_slot", json_string(addr));
                                json_object_set(prof, "physical_network",
                                                json_object_get(p, "provider:physical_network"));
                        }
                }
        }
        size_t j;
        json_t *p;
        json_array_foreach(ports, j, p) {
                json_object_set_new(p, "binding:host_id", json_string(h->hostname));
                json_object_set_new(p, "device_id", json_string(inst->id));
                json_object_set_new(p, "device_owner", json_string(owner));
                int r = netsvc_port_bind(&svc->net, p, j < nets->n ? nets->v[j] : NULL);
                if (r < 0)
                        return r;
                if (streq(json_str(p, "binding:vif_type") ?: "", "binding_failed")) {
                        log_info("instance %s: port %s does not bind on host %s", inst->id,
                                 json_str(p, "id"), h->hostname);
                        return 0;
                }
        }
        *ret_pci = TAKE_PTR(pci);
        return 1;
}

/* The fixed addresses of the ports, by network (its name, or its id when
 * it has none), as Nova's view lists them. */
static int set_addresses(struct store_instance *inst, const json_t *ports,
                         const struct port_nets *nets)
{
        size_t i, j;
        json_t *p, *ip;
        json_array_foreach(ports, i, p) {
                const struct store_network *net = i < nets->n ? nets->v[i] : NULL;
                const char *name = net ? net->name : NULL;
                if (!name || !*name)
                        name = net ? net->id : NULL;
                json_array_foreach(json_object_get(p, "fixed_ips"), j, ip) {
                        const char *a = json_str(ip, "ip_address") ?: "";
                        int r = store_instance_add_address(inst, name, strchr(a, ':') ? 6 : 4, a,
                                                           json_str(p, "mac_address"));
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

static json_t *spawn_detail(const struct store_instance *inst, const json_t *pci,
                            const json_t *ports)
{
        json_t *ps = json_array();
        size_t i;
        json_t *p;
        json_array_foreach(ports, i, p) {
                json_t *prof = json_object_get(p, "binding:profile");
                json_t *det = json_object_get(p, "binding:vif_details");
                json_array_append_new(ps, json_pack("{s:O,s:O,s:O,s:O,s:O,s:O,s:O}", "id",
                                                    json_object_get(p, "id"), "mac_address",
                                                    json_object_get(p, "mac_address"),
                                                    "vif_type", json_object_get(p, "binding:vif_type"),
                                                    "vnic_type", json_object_get(p, "binding:vnic_type"),
                                                    "pci_slot",
                                                    json_object_get(prof, "pci_slot") ?: json_null(),
                                                    "physical_network",
                                                    json_object_get(prof, "physical_network") ?: json_null(),
                                                    "vlan", json_object_get(det, "vlan") ?: json_null()));
        }
        return json_pack("{s:s?,s:o,s:{s:s?},s:O,s:o}", "name", inst->name, "flavor",
                         server_flavor_json(inst), "image", "id", inst->image_id, "pci", pci,
                         "ports", ps);
}

/* The hosts a boot tried: its attempts. */
static size_t tried_count(const struct store_instance *inst)
{
        size_t n = 0;
        while (inst->tried_hosts && inst->tried_hosts[n])
                n++;
        return n;
}

static bool was_tried(const struct store_instance *inst, const char *host)
{
        for (size_t i = 0; inst->tried_hosts && inst->tried_hosts[i]; i++)
                if (streq(inst->tried_hosts[i], host))
                        return true;
        return false;
}

/* The chosen host's claims, usage and port bindings written; the
 * instance placed there with its addresses, the spawn queued. */
static int claim_on_host(const struct computesvc *svc, struct store_instance *inst,
                         const struct host_state *h, const struct sched_result *res,
                         const char *az, const json_t *ports, const struct port_nets *nets,
                         json_t *pci)
{
        int r = 0;
        for (size_t k = 0; r >= 0 && k < res->n_claim; k++) {
                const struct pci_address *a = &res->claim[k];
                struct store_pci_addr sa = {a->domain, a->bus, a->slot, a->function};
                r = store_pci_claim(svc->store, h->hostname, &sa, inst->id);
        }
        /* The host's vCPUs, RAM and disk for the next passes. */
        struct store_usage use = {
                .vcpus = inst->vcpus,
                .memory_mb = inst->memory_mb,
                .disk_gb = inst->disk_gb,
        };
        if (r >= 0)
                r = store_usage_add(svc->store, inst->id, h->hostname, &use);
        size_t i;
        json_t *v;
        json_array_foreach(ports, i, v) {
                if (r < 0)
                        break;
                json_t *copy = json_deep_copy(v);
                json_object_del(copy, "provider:physical_network");
                netsvc_stamp(&svc->net, copy, false);
                r = svc_doc_update(svc->store, "port", copy);
                json_decref(copy);
        }
        if (r >= 0)
                r = server_set_text(&inst->host, h->hostname);
        if (r >= 0)
                r = server_set_text(&inst->availability_zone, az);
        if (r >= 0)
                r = set_addresses(inst, ports, nets);
        if (r >= 0)
                r = server_set_text(&inst->task_state, "spawning");
        if (r >= 0)
                r = computesvc_task_add(svc, h->hostname, "spawn", inst->id,
                                        spawn_detail(inst, pci, ports));
        return r;
}

/* Inside a write transaction: schedule, claim, bind, queue the spawn.  On
 * no host, the instance goes ERROR with the explaining fault and nothing
 * is claimed or bound.  Returns <0 only on store errors. */
int computesvc_place(const struct computesvc *svc, struct store_instance *inst,
                     const char *last_error)
{
        _cleanup_json_ json_t *ports = NULL, *flavor = NULL, *image = NULL;
        _cleanup_(port_nets_done) struct port_nets nets = {0};
        struct host_list hl = {0};
        struct sched_request sreq = {0};
        const struct sched_config *cfg = svc->sched;
        int r = load_ports(svc, inst, &ports, &nets);
        if (r < 0)
                return r;
        if ((r = computesvc_image_get(svc, inst->image_id ?: "", &image)) == -ENOENT)
                image = json_object();
        else if (r < 0)
                return r;
        flavor = sched_flavor(inst);
        r = sched_request_build(cfg, flavor, image, ports, inst->requested_zone, &sreq);
        if (r < 0)
                return set_fault(svc, inst, 400, err_msg(r));
        if ((r = computesvc_hosts_load(svc, &hl)) < 0) {
                sched_request_done(&sreq);
                return r;
        }
        _cleanup_free_ struct host_state **cand = calloc(hl.n + 1, sizeof(*cand));
        size_t n = 0;
        for (size_t i = 0; cand && i < hl.n; i++)
                if (!was_tried(inst, hl.v[i]->hostname))
                        cand[n++] = hl.v[i];
        r = cand ? 0 : -ENOMEM;
        bool placed = false;
        _cleanup_free_ char *last_msg = NULL;
        while (r >= 0 && !placed &&
               tried_count(inst) < cfg->max_attempts) {
                struct sched_result res = {0};
                sreq.seed = randombytes_random();
                r = sched_pass(cfg, cand, n, &sreq, &res);
                if (r < 0)
                        break;
                if (res.host < 0) {
                        free(last_msg);
                        last_msg = res.message ? strdup(res.message) : NULL;
                        sched_result_done(&res);
                        break;
                }
                struct host_state *h = cand[res.host];
                const char *az = h->availability_zone ? h->availability_zone
                                                      : cfg->default_availability_zone;
                _cleanup_json_ json_t *pci = NULL, *try_ports = json_deep_copy(ports);
                r = store_instance_add_tried(inst, h->hostname);
                if (r >= 0)
                        r = bind_for_host(svc, inst, h, &sreq, &res, try_ports, &nets, az, &pci);
                if (r == 0) {
                        /* This host cannot bind the ports: the next one. */
                        free(last_msg);
                        if (asprintf(&last_msg, "Binding failed for port on host %s, please check "
                                     "neutron logs for more information.", h->hostname) < 0)
                                last_msg = NULL;
                        cand[res.host] = cand[--n];
                        sched_result_done(&res);
                        continue;
                }
                if (r > 0) {
                        r = claim_on_host(svc, inst, h, &res, az, try_ports, &nets, pci);
                        placed = r >= 0;
                }
                sched_result_done(&res);
        }
        computesvc_hosts_done(&hl);
        sched_request_done(&sreq);
        if (r < 0 || placed)
                return r;
        char msg[2048];
        /* After a failed spawn, no host left is nova's MaxRetriesExceeded. */
        const char *why = last_error ? last_error : last_msg;
        if (tried_count(inst) > 0)
                snprintf(msg, sizeof(msg), "Exceeded maximum number of retries. Exhausted all hosts "
                         "available for retrying build failures for instance %s.%s%s",
                         inst->id, why ? " Last error: " : "", why ? why : "");
        else
                snprintf(msg, sizeof(msg), "%s", last_msg ? last_msg
                                                          : "No valid host was found. There are "
                                                            "not enough hosts available.");
        return set_fault(svc, inst, 500, msg);
}

int computesvc_spawn_result(const struct computesvc *svc, const char *instance_id,
                            const char *host, bool ok, const char *message)
{
        _cleanup_instance_ struct store_instance *inst = NULL;
        int r = computesvc_instance_get(svc, instance_id, &inst);
        if (r == -ENOENT)
                return 0; /* deleted while spawning */
        if (r < 0)
                return r;
        if (!streq(inst->host ?: "", host ?: "") || !streq(inst->status, "BUILD") ||
            streq(inst->task_state ?: "", "deleting"))
                return 0; /* a stale answer, or one the destroy queued behind it settles */
        if (ok) {
                char t[40];
                time_format_iso8601(svc->now(), true, t);
                inst->power_state = 1;
                r = server_set_text(&inst->status, "ACTIVE");
                if (r >= 0)
                        r = server_set_text(&inst->vm_state, "active");
                if (r >= 0)
                        r = server_set_text(&inst->task_state, NULL);
                if (r >= 0)
                        r = server_set_text(&inst->launched_at, t);
                return r < 0 ? r : computesvc_instance_put(svc, inst, false);
        }
        log_info("instance %s: host %s failed to spawn it: %s", instance_id, host, message);
        if ((r = computesvc_unplace(svc, inst)) < 0)
                return r;
        if ((r = computesvc_place(svc, inst, message)) < 0)
                return r;
        return computesvc_instance_put(svc, inst, false);
}

/* The instance gone for good: its placement undone, the ports its boot
 * made deleted, its record removed. */
static int instance_remove(const struct computesvc *svc, struct store_instance *inst)
{
        int r = computesvc_unplace(svc, inst);
        for (size_t i = 0; r >= 0 && i < inst->n_ports; i++) {
                if (!inst->ports[i].created)
                        continue;
                r = svc_port_delete(svc->store, inst->ports[i].port_id);
                if (r == -ENOENT)
                        r = 0;
        }
        if (r >= 0)
                r = store_instance_delete(svc->store, inst->id);
        return r;
}

static bool instance_host_is_up(const struct computesvc *svc, const char *host)
{
        _cleanup_compute_host_ struct store_compute_host *rec = NULL;
        return host && *host && store_compute_host_get(svc->store, host, &rec) >= 0 &&
               computesvc_host_up(svc, rec);
}

int computesvc_instance_delete(const struct computesvc *svc, struct store_instance *inst)
{
        _cleanup_free_ char *host = inst->host ? strdup(inst->host) : NULL;
        if (inst->host && !host)
                return -ENOMEM;
        bool deleting = streq(inst->task_state ?: "", "deleting");
        if (instance_host_is_up(svc, host)) {
                /* As Nova: the VFs stay claimed and the ports bound until
                 * the host has destroyed the domain, so no other boot can
                 * be handed a VF the dying guest still holds. */
                if (deleting)
                        return 0;
                int r = server_set_text(&inst->task_state, "deleting");
                if (r >= 0)
                        r = computesvc_instance_put(svc, inst, false);
                if (r >= 0)
                        r = computesvc_task_add(svc, host, "destroy", inst->id, NULL);
                return r;
        }
        /* No host, or a host that is down: deleted here at once (Nova's
         * local delete); a host that comes back still gets the destroy. */
        int r = instance_remove(svc, inst);
        if (r >= 0 && host && *host && !deleting)
                r = computesvc_task_add(svc, host, "destroy", inst->id, NULL);
        return r;
}

int computesvc_destroy_result(const struct computesvc *svc, const char *instance_id,
                              const char *host, bool ok, const char *message)
{
        _cleanup_instance_ struct store_instance *inst = NULL;
        int r = computesvc_instance_get(svc, instance_id, &inst);
        if (r == -ENOENT)
                return 0; /* deleted here already (the host was down) */
        if (r < 0)
                return r;
        if (!streq(inst->host ?: "", host ?: "") || !streq(inst->task_state ?: "", "deleting"))
                return 0; /* a stale answer */
        if (ok)
                return instance_remove(svc, inst);
        /* As Nova: a failed destroy leaves the instance in ERROR with its
         * VFs still claimed; deleting it again retries. */
        log_info("instance %s: host %s failed to destroy it: %s", instance_id, host, message);
        r = set_fault(svc, inst, 500, message && *message ? message : "destroy failed");
        return r < 0 ? r : computesvc_instance_put(svc, inst, false);
}
