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
#include "netsvc/port-row.h"

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
        _cleanup_(port_row_done) struct port_row row = {0};
        _cleanup_network_ struct store_network *net = NULL;
        int r = port_row_load(svc->store, port_id, &row);
        if (r == -ENOENT)
                return 0; /* deleted by its owner meanwhile */
        if (r < 0)
                return r;
        if (!streq(row.p.device_id ?: "", instance_id))
                return 0;
        _cleanup_json_ json_t *prof = port_column_json(row.p.profile, true);
        for (size_t i = 0; i < ARRAY_SIZE(nova_profile_keys); i++)
                json_object_del(prof, nova_profile_keys[i]);
        const char **cleared[] = {&row.p.host, &row.p.device_id, &row.p.device_owner};
        r = port_row_set_json(&row, &row.p.profile, prof);
        for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(cleared); i++)
                r = port_row_set(&row, cleared[i], "");
        if (r < 0 || (r = store_network_get(svc->store, row.p.network_id ?: "", &net)) < 0)
                return r;
        if ((r = netsvc_port_bind(&svc->net, &row, net)) < 0 ||
            (r = port_row_stamp(&svc->net, &row, false)) < 0)
                return r;
        return port_row_put(&svc->net, &row, false);
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

/* An instance's ports as rows, with their networks, in the ports'
 * order. */
struct inst_ports {
        struct port_row *v;
        struct store_network **nets;
        size_t n;
};

static void inst_ports_done(struct inst_ports *l)
{
        for (size_t i = 0; i < l->n; i++) {
                port_row_done(&l->v[i]);
                store_network_free(l->nets[i]);
        }
        free(l->v);
        free(l->nets);
        *l = (struct inst_ports){0};
}

static int inst_ports_alloc(size_t n, struct inst_ports *ret)
{
        *ret = (struct inst_ports){
                .v = calloc(n + 1, sizeof(struct port_row)),
                .nets = calloc(n + 1, sizeof(struct store_network *)),
        };
        if (ret->v && ret->nets)
                return 0;
        inst_ports_done(ret);
        return -ENOMEM;
}

/* The user's ports and their networks. */
static int load_ports(const struct computesvc *svc, const struct store_instance *inst,
                      struct inst_ports *ret)
{
        _cleanup_(inst_ports_done) struct inst_ports l = {0};
        int r = inst_ports_alloc(inst->n_ports, &l);
        for (size_t i = 0; r >= 0 && i < inst->n_ports; i++) {
                r = port_row_load(svc->store, inst->ports[i].port_id, &l.v[i]);
                if (r < 0)
                        break;
                r = store_network_get(svc->store, l.v[i].p.network_id ?: "", &l.nets[i]);
                l.n++;
        }
        if (r < 0)
                return r;
        *ret = TAKE_STRUCT(l);
        return 0;
}

/* Copies of the rows to bind for one host, the networks with them. */
static int copy_ports(const struct inst_ports *from, struct inst_ports *ret)
{
        _cleanup_(inst_ports_done) struct inst_ports l = {0};
        int r = inst_ports_alloc(from->n, &l);
        for (size_t i = 0; r >= 0 && i < from->n; i++) {
                r = port_row_from(&from->v[i].p, &l.v[i]);
                if (r < 0)
                        break;
                l.nets[i] = store_network_dup(from->nets[i]);
                l.n++;
                if (!l.nets[i])
                        r = -ENOMEM;
        }
        if (r < 0)
                return r;
        *ret = TAKE_STRUCT(l);
        return 0;
}

/* The ports as the scheduler reads them: id, vnic type, profile and
 * their network's physnet. */
static json_t *sched_ports(const struct inst_ports *l)
{
        json_t *a = json_array();
        for (size_t i = 0; a && i < l->n; i++) {
                const struct store_port *p = &l->v[i].p;
                json_t *e = json_pack("{s:o,s:o,s:o,s:o}", "id", json_string_or_null(p->id),
                                      "binding:vnic_type", json_string_or_null(p->vnic_type),
                                      "binding:profile", port_column_json(p->profile, true),
                                      "provider:physical_network",
                                      json_string_or_null(l->nets[i]->physical_network));
                if (json_array_append_new(a, e) < 0) {
                        json_decref(a);
                        return NULL;
                }
        }
        return a;
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

/* The PCI device claimed for a port recorded in its profile, as Nova
 * does: the VF's address and vendor, its network's physnet. */
static int set_pci_profile(struct port_row *row, const struct store_network *net,
                           const char *addr, const char *vendor_info)
{
        _cleanup_json_ json_t *prof = port_column_json(row->p.profile, true);
        if (!json_is_object(prof)) {
                json_decref(prof);
                prof = json_object();
        }
        if (!prof ||
            json_object_set_new(prof, "pci_vendor_info", json_string(vendor_info)) < 0 ||
            json_object_set_new(prof, "pci_slot", json_string(addr)) < 0 ||
            json_object_set_new(prof, "physical_network",
                                json_string_or_null(net ? net->physical_network : NULL)) < 0)
                return -ENOMEM;
        return port_row_set_json(row, &row->p.profile, prof);
}

/* One host tried: bind every port for it in memory; false when a port
 * does not bind (then nothing was written). */
static int bind_for_host(const struct computesvc *svc, const struct store_instance *inst,
                         const struct host_state *h,
                         const struct sched_request *sreq, const struct sched_result *res,
                         struct inst_ports *ports, const char *az, json_t **ret_pci)
{
        _cleanup_json_ json_t *pci = json_array();
        size_t k = 0;
        char owner[300];
        int r;
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
                        for (size_t j = 0; j < ports->n; j++) {
                                if (!streq(ports->v[j].p.id, pr->port_id))
                                        continue;
                                const struct pci_inventory_dev *d =
                                        pci_inventory_find(h->inventory, &res->claim[k]);
                                char vi[16];
                                snprintf(vi, sizeof(vi), "%s:%s", d ? d->view.vendor_id : "",
                                         d ? d->view.product_id : "");
                                r = set_pci_profile(&ports->v[j], ports->nets[j], addr, vi);
                                if (r < 0)
                                        return r;
                        }
                }
        }
        for (size_t j = 0; j < ports->n; j++) {
                struct port_row *row = &ports->v[j];
                if ((r = port_row_set(row, &row->p.host, h->hostname)) < 0 ||
                    (r = port_row_set(row, &row->p.device_id, inst->id)) < 0 ||
                    (r = port_row_set(row, &row->p.device_owner, owner)) < 0 ||
                    (r = netsvc_port_bind(&svc->net, row, ports->nets[j])) < 0)
                        return r;
                if (streq(row->p.vif_type ?: "", "binding_failed")) {
                        log_info("instance %s: port %s does not bind on host %s", inst->id,
                                 row->p.id, h->hostname);
                        return 0;
                }
        }
        *ret_pci = TAKE_PTR(pci);
        return 1;
}

/* The fixed addresses of the ports, by network (its name, or its id when
 * it has none), as Nova's view lists them. */
static int set_addresses(struct store_instance *inst, const struct inst_ports *ports)
{
        for (size_t i = 0; i < ports->n; i++) {
                const struct port_row *row = &ports->v[i];
                const struct store_network *net = ports->nets[i];
                const char *name = net ? net->name : NULL;
                if (!name || !*name)
                        name = net ? net->id : NULL;
                for (size_t j = 0; j < row->ips.n; j++) {
                        const char *a = row->ips.v[j].ip_address;
                        int r = store_instance_add_address(inst, name, strchr(a, ':') ? 6 : 4, a,
                                                           row->p.mac_address);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

static json_t *spawn_detail(const struct store_instance *inst, const json_t *pci,
                            const struct inst_ports *ports)
{
        json_t *ps = json_array();
        for (size_t i = 0; i < ports->n; i++) {
                const struct store_port *p = &ports->v[i].p;
                _cleanup_json_ json_t *prof = port_column_json(p->profile, true);
                _cleanup_json_ json_t *det = port_column_json(p->vif_details, true);
                json_array_append_new(ps, json_pack("{s:o,s:o,s:o,s:o,s:O,s:O,s:O}", "id",
                                                    json_string_or_null(p->id), "mac_address",
                                                    json_string_or_null(p->mac_address),
                                                    "vif_type", json_string_or_null(p->vif_type),
                                                    "vnic_type", json_string_or_null(p->vnic_type),
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
                         const char *az, struct inst_ports *ports, json_t *pci)
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
        for (size_t i = 0; r >= 0 && i < ports->n; i++) {
                r = port_row_stamp(&svc->net, &ports->v[i], false);
                if (r >= 0)
                        r = port_row_put(&svc->net, &ports->v[i], false);
        }
        if (r >= 0)
                r = server_set_text(&inst->host, h->hostname);
        if (r >= 0)
                r = server_set_text(&inst->availability_zone, az);
        if (r >= 0)
                r = set_addresses(inst, ports);
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
        _cleanup_json_ json_t *flavor = NULL, *image = NULL, *sports = NULL;
        _cleanup_(inst_ports_done) struct inst_ports ports = {0};
        struct host_list hl = {0};
        struct sched_request sreq = {0};
        const struct sched_config *cfg = svc->sched;
        int r = load_ports(svc, inst, &ports);
        if (r < 0)
                return r;
        if (!(sports = sched_ports(&ports)))
                return -ENOMEM;
        if ((r = computesvc_image_get(svc, inst->image_id ?: "", &image)) == -ENOENT)
                image = json_object();
        else if (r < 0)
                return r;
        flavor = sched_flavor(inst);
        r = sched_request_build(cfg, flavor, image, sports, inst->requested_zone, &sreq);
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
                _cleanup_json_ json_t *pci = NULL;
                _cleanup_(inst_ports_done) struct inst_ports try_ports = {0};
                r = store_instance_add_tried(inst, h->hostname);
                if (r >= 0)
                        r = copy_ports(&ports, &try_ports);
                if (r >= 0)
                        r = bind_for_host(svc, inst, h, &sreq, &res, &try_ports, az, &pci);
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
                        r = claim_on_host(svc, inst, h, &res, az, &try_ports, pci);
                        placed = r >= 0;
                }
                sched_result_done(&res);
        }
        computesvc_hosts_done(svc, &hl);
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
