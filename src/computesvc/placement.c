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

static const char *const nova_profile_keys[] = {"pci_vendor_info", "pci_slot", "physical_network"};

int computesvc_instance_get(const struct computesvc *svc, const char *id, json_t **ret)
{
        _cleanup_free_ char *doc = NULL;
        int r = store_instance_get(svc->store, id, &doc);
        if (r < 0)
                return r;
        return (*ret = json_loads(doc, 0, NULL)) ? 0 : -EIO;
}

int computesvc_instance_put(const struct computesvc *svc, json_t *inst, bool create)
{
        char t[40];
        time_format_iso8601(svc->now(), false, t);
        json_object_set_new(inst, "updated", json_string(t));
        _cleanup_free_ char *s = json_dumps(inst, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (!s)
                return -ENOMEM;
        json_t *flavor = json_object_get(inst, "_flavor");
        const char *host = json_str(inst, "_host");
        struct store_instance row = {
                .id = json_str(inst, "id"),
                .project_id = json_str(inst, "tenant_id"),
                .host = host && *host ? host : NULL,
                .status = json_str(inst, "status"),
                .task_state = json_str(inst, "OS-EXT-STS:task_state"),
                .vcpus = json_integer_value(json_object_get(flavor, "vcpus")),
                .memory_mb = json_integer_value(json_object_get(flavor, "ram")),
                .doc = s,
        };
        return store_instance_put(svc->store, &row, create);
}

struct walk {
        int (*cb)(json_t *inst, void *userdata);
        void *userdata;
};

static int walk_cb(const char *id, const char *doc, void *userdata)
{
        struct walk *w = userdata;
        _cleanup_json_ json_t *inst = json_loads(doc, 0, NULL);
        if (!inst)
                return -EIO;
        return w->cb(inst, w->userdata);
}

int computesvc_instance_list(const struct computesvc *svc, const struct store_instance_query *q,
                             int (*cb)(json_t *inst, void *userdata), void *userdata)
{
        struct walk w = {cb, userdata};
        return store_instance_list(svc->store, q, walk_cb, &w);
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
        _cleanup_json_ json_t *port = NULL, *net = NULL;
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
        if ((r = svc_doc_get(svc->store, "network", json_str(port, "network_id"), &net)) < 0)
                return r;
        if ((r = netsvc_port_bind(&svc->net, port, net)) < 0)
                return r;
        netsvc_stamp(&svc->net, port, false);
        return svc_doc_update(svc->store, "port", port);
}

/* Undo a placement: the VFs and the host's resources freed (every
 * allocation the instance owns), the ports unbound. */
int computesvc_unplace(const struct computesvc *svc, json_t *inst)
{
        const char *id = json_str(inst, "id");
        size_t i;
        json_t *v;
        int r = store_instance_release(svc->store, id);
        if (r < 0 && r != -ENOENT)
                return r;
        json_array_foreach(json_object_get(inst, "_ports"), i, v)
                if ((r = port_release(svc, json_string_value(v), id)) < 0)
                        return r;
        json_object_set_new(inst, "_host", json_null());
        json_object_set_new(inst, "_pci", json_array());
        json_object_set_new(inst, "addresses", json_object());
        return 0;
}

static json_t *sched_flavor(const json_t *f)
{
        return json_pack("{s:O,s:O,s:O,s:O}", "vcpus", json_object_get(f, "vcpus"), "ram",
                         json_object_get(f, "ram"), "disk", json_object_get(f, "disk"),
                         "extra_specs", json_object_get(f, "extra_specs"));
}

/* The user's ports with their networks' physnet, as the scheduler reads them. */
static int load_ports(const struct computesvc *svc, const json_t *inst, json_t **ret_ports, json_t **ret_nets)
{
        _cleanup_json_ json_t *ports = json_array(), *nets = json_array();
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(inst, "_ports"), i, v) {
                json_t *p = NULL, *n = NULL;
                int r = svc_doc_get(svc->store, "port", json_string_value(v), &p);
                if (r >= 0)
                        r = svc_doc_get(svc->store, "network", json_str(p, "network_id"), &n);
                if (r < 0) {
                        json_decref(p);
                        return r;
                }
                json_object_set(p, "provider:physical_network",
                                json_object_get(n, "provider:physical_network") ?: json_null());
                json_array_append_new(ports, p);
                json_array_append_new(nets, n);
        }
        *ret_ports = TAKE_PTR(ports);
        *ret_nets = TAKE_PTR(nets);
        return 0;
}

static void set_fault(const struct computesvc *svc, json_t *inst, unsigned code, const char *message)
{
        char t[40];
        time_format_iso8601(svc->now(), false, t);
        json_object_set_new(inst, "status", json_string("ERROR"));
        json_object_set_new(inst, "OS-EXT-STS:vm_state", json_string("error"));
        json_object_set_new(inst, "OS-EXT-STS:task_state", json_null());
        json_object_set_new(inst, "fault", json_pack("{s:i,s:s,s:s}", "code", (int)code, "created",
                                                      t, "message", message));
}

/* One host tried: bind every port for it in memory; false when a port
 * does not bind (then nothing was written). */
static int bind_for_host(const struct computesvc *svc, json_t *inst, const struct host_state *h,
                         const struct sched_request *sreq, const struct sched_result *res,
                         json_t *ports, json_t *nets, const char *az, json_t **ret_pci)
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
                json_object_set(p, "device_id", json_object_get(inst, "id"));
                json_object_set_new(p, "device_owner", json_string(owner));
                int r = netsvc_port_bind(&svc->net, p, json_array_get(nets, j));
                if (r < 0)
                        return r;
                if (streq(json_str(p, "binding:vif_type") ?: "", "binding_failed")) {
                        log_info("instance %s: port %s does not bind on host %s",
                                 json_str(inst, "id"), json_str(p, "id"), h->hostname);
                        return 0;
                }
        }
        *ret_pci = TAKE_PTR(pci);
        return 1;
}

static json_t *addresses_of(const json_t *ports, const json_t *nets)
{
        json_t *out = json_object();
        size_t i, j;
        json_t *p, *ip;
        json_array_foreach(ports, i, p) {
                const json_t *net = json_array_get(nets, i);
                const char *name = json_str(net, "name");
                if (!name || !*name)
                        name = json_str(net, "id");
                json_t *list = json_object_get(out, name);
                if (!list) {
                        list = json_array();
                        json_object_set_new(out, name, list);
                }
                json_array_foreach(json_object_get(p, "fixed_ips"), j, ip) {
                        const char *a = json_str(ip, "ip_address");
                        json_array_append_new(list, json_pack("{s:i,s:s,s:s,s:O}", "version",
                                                              a && strchr(a, ':') ? 6 : 4, "addr",
                                                              a ? a : "", "OS-EXT-IPS:type",
                                                              "fixed", "OS-EXT-IPS-MAC:mac_addr",
                                                              json_object_get(p, "mac_address")));
                }
        }
        return out;
}

static json_t *spawn_detail(const json_t *inst, const json_t *ports)
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
        json_t *f = json_object_get(inst, "_flavor");
        return json_pack("{s:O,s:O,s:o,s:O,s:o}", "name", json_object_get(inst, "name"), "flavor",
                         f, "image", json_pack("{s:O}", "id", json_object_get(inst, "_image_id")),
                         "pci", json_object_get(inst, "_pci"), "ports", ps);
}

/* Inside a write transaction: schedule, claim, bind, queue the spawn.  On
 * no host, the instance goes ERROR with the explaining fault and nothing
 * is claimed or bound.  Returns <0 only on store errors. */
int computesvc_place(const struct computesvc *svc, json_t *inst, const char *last_error)
{
        _cleanup_json_ json_t *ports = NULL, *nets = NULL, *flavor = NULL, *image = NULL;
        struct host_list hl = {0};
        struct sched_request sreq = {0};
        const struct sched_config *cfg = svc->sched;
        const char *az_req = json_str(inst, "_az_req");
        int r = load_ports(svc, inst, &ports, &nets);
        if (r < 0)
                return r;
        if ((r = computesvc_image_get(svc, json_str(inst, "_image_id"), &image)) == -ENOENT)
                image = json_object();
        else if (r < 0)
                return r;
        flavor = sched_flavor(json_object_get(inst, "_flavor"));
        r = sched_request_build(cfg, flavor, image, ports, az_req, &sreq);
        if (r < 0) {
                set_fault(svc, inst, 400, err_msg(r));
                return 0;
        }
        if ((r = computesvc_hosts_load(svc, &hl)) < 0) {
                sched_request_done(&sreq);
                return r;
        }
        _cleanup_free_ struct host_state **cand = calloc(hl.n + 1, sizeof(*cand));
        size_t n = 0;
        json_t *tried = json_object_get(inst, "_tried");
        for (size_t i = 0; cand && i < hl.n; i++) {
                bool was_tried = false;
                size_t j;
                json_t *t;
                json_array_foreach(tried, j, t) was_tried |= streq(json_string_value(t), hl.v[i]->hostname);
                if (!was_tried)
                        cand[n++] = hl.v[i];
        }
        r = cand ? 0 : -ENOMEM;
        bool placed = false;
        _cleanup_free_ char *last_msg = NULL;
        while (r >= 0 && !placed &&
               json_integer_value(json_object_get(inst, "_attempts")) < (json_int_t)cfg->max_attempts) {
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
                json_object_set_new(inst, "_attempts",
                                    json_integer(json_integer_value(json_object_get(inst, "_attempts")) + 1));
                json_array_append_new(json_object_get(inst, "_tried"), json_string(h->hostname));
                r = bind_for_host(svc, inst, h, &sreq, &res, try_ports, nets, az, &pci);
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
                        size_t i;
                        json_t *v;
                        r = 0;
                        for (size_t k = 0; r >= 0 && k < res.n_claim; k++) {
                                const struct pci_address *a = &res.claim[k];
                                struct store_pci_addr sa = {a->domain, a->bus, a->slot, a->function};
                                r = store_pci_claim(svc->store, h->hostname, &sa, json_str(inst, "id"));
                        }
                        /* The host's vCPUs, RAM and disk for the next passes. */
                        json_t *f = json_object_get(inst, "_flavor");
                        struct store_usage use = {
                                .vcpus = json_integer_value(json_object_get(f, "vcpus")),
                                .memory_mb = json_integer_value(json_object_get(f, "ram")),
                                .disk_gb = json_integer_value(json_object_get(f, "disk")),
                        };
                        if (r >= 0)
                                r = store_usage_add(svc->store, json_str(inst, "id"), h->hostname, &use);
                        json_array_foreach(try_ports, i, v) {
                                if (r < 0)
                                        break;
                                json_t *copy = json_deep_copy(v);
                                json_object_del(copy, "provider:physical_network");
                                netsvc_stamp(&svc->net, copy, false);
                                r = svc_doc_update(svc->store, "port", copy);
                                json_decref(copy);
                        }
                        if (r >= 0) {
                                placed = true;
                                json_object_set_new(inst, "_host", json_string(h->hostname));
                                json_object_set(inst, "_pci", pci);
                                json_object_set_new(inst, "OS-EXT-AZ:availability_zone", json_string(az));
                                json_object_set_new(inst, "addresses", addresses_of(try_ports, nets));
                                json_object_set_new(inst, "OS-EXT-STS:task_state", json_string("spawning"));
                                r = computesvc_task_add(svc, h->hostname, "spawn", json_str(inst, "id"),
                                                     spawn_detail(inst, try_ports));
                        }
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
        if (json_integer_value(json_object_get(inst, "_attempts")) > 0)
                snprintf(msg, sizeof(msg), "Exceeded maximum number of retries. Exhausted all hosts "
                         "available for retrying build failures for instance %s.%s%s",
                         json_str(inst, "id"), why ? " Last error: " : "", why ? why : "");
        else
                snprintf(msg, sizeof(msg), "%s", last_msg ? last_msg
                                                          : "No valid host was found. There are "
                                                            "not enough hosts available.");
        set_fault(svc, inst, 500, msg);
        return 0;
}

int computesvc_spawn_result(const struct computesvc *svc, const char *instance_id, const char *host, bool ok,
                        const char *message)
{
        _cleanup_json_ json_t *inst = NULL;
        int r = computesvc_instance_get(svc, instance_id, &inst);
        if (r == -ENOENT)
                return 0; /* deleted while spawning */
        if (r < 0)
                return r;
        if (!streq(json_str(inst, "_host") ?: "", host ?: "") ||
            !streq(json_str(inst, "status") ?: "", "BUILD") ||
            streq(json_str(inst, "OS-EXT-STS:task_state") ?: "", "deleting"))
                return 0; /* a stale answer, or one the destroy queued behind it settles */
        if (ok) {
                char t[40];
                time_format_iso8601(svc->now(), true, t);
                json_object_set_new(inst, "status", json_string("ACTIVE"));
                json_object_set_new(inst, "OS-EXT-STS:vm_state", json_string("active"));
                json_object_set_new(inst, "OS-EXT-STS:task_state", json_null());
                json_object_set_new(inst, "OS-EXT-STS:power_state", json_integer(1));
                json_object_set_new(inst, "OS-SRV-USG:launched_at", json_string(t));
                return computesvc_instance_put(svc, inst, false);
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
static int instance_remove(const struct computesvc *svc, json_t *inst)
{
        int r = computesvc_unplace(svc, inst);
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(inst, "_created_ports"), i, v) {
                if (r < 0)
                        break;
                r = svc_port_delete(svc->store, json_string_value(v));
                if (r == -ENOENT)
                        r = 0;
        }
        if (r >= 0)
                r = store_instance_delete(svc->store, json_str(inst, "id"));
        return r;
}

static bool instance_host_is_up(const struct computesvc *svc, const char *host)
{
        _cleanup_compute_host_ struct store_compute_host *rec = NULL;
        return host && *host && store_compute_host_get(svc->store, host, &rec) >= 0 &&
               computesvc_host_up(svc, rec);
}

int computesvc_instance_delete(const struct computesvc *svc, json_t *inst)
{
        const char *id = json_str(inst, "id");
        _cleanup_free_ char *host = json_str(inst, "_host") ? strdup(json_str(inst, "_host")) : NULL;
        if (json_str(inst, "_host") && !host)
                return -ENOMEM;
        bool deleting = streq(json_str(inst, "OS-EXT-STS:task_state") ?: "", "deleting");
        if (instance_host_is_up(svc, host)) {
                /* As Nova: the VFs stay claimed and the ports bound until
                 * the host has destroyed the domain, so no other boot can
                 * be handed a VF the dying guest still holds. */
                if (deleting)
                        return 0;
                json_object_set_new(inst, "OS-EXT-STS:task_state", json_string("deleting"));
                int r = computesvc_instance_put(svc, inst, false);
                if (r >= 0)
                        r = computesvc_task_add(svc, host, "destroy", id, NULL);
                return r;
        }
        /* No host, or a host that is down: deleted here at once (Nova's
         * local delete); a host that comes back still gets the destroy. */
        int r = instance_remove(svc, inst);
        if (r >= 0 && host && *host && !deleting)
                r = computesvc_task_add(svc, host, "destroy", id, NULL);
        return r;
}

int computesvc_destroy_result(const struct computesvc *svc, const char *instance_id,
                              const char *host, bool ok, const char *message)
{
        _cleanup_json_ json_t *inst = NULL;
        int r = computesvc_instance_get(svc, instance_id, &inst);
        if (r == -ENOENT)
                return 0; /* deleted here already (the host was down) */
        if (r < 0)
                return r;
        if (!streq(json_str(inst, "_host") ?: "", host ?: "") ||
            !streq(json_str(inst, "OS-EXT-STS:task_state") ?: "", "deleting"))
                return 0; /* a stale answer */
        if (ok)
                return instance_remove(svc, inst);
        /* As Nova: a failed destroy leaves the instance in ERROR with its
         * VFs still claimed; deleting it again retries. */
        log_info("instance %s: host %s failed to destroy it: %s", instance_id, host, message);
        set_fault(svc, inst, 500, message && *message ? message : "destroy failed");
        return computesvc_instance_put(svc, inst, false);
}
