/* Networks: the ML2 segment of a new network (flat, vlan type drivers
 * over network/vlan-ranges), released with the network and its subnets. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "identity/policy-rules.h"
#include "identity/token.h"
#include "netsvc/netsvc.h"
#include "network/vlan-ranges.h"

struct vlan_used {
        const struct netsvc *svc;
        const char *physnet;
        char **values; /* sorted claimed VLANs of physnet */
        int n;
};

static int vlan_cmp(const void *a, const void *b)
{
        return (int)strtoul(*(char *const *)a, NULL, 10) - (int)strtoul(*(char *const *)b, NULL, 10);
}

static bool vlan_is_used(const char *physnet, unsigned vlan, void *userdata)
{
        struct vlan_used *u = userdata;
        if (!u->physnet || !streq(u->physnet, physnet)) {
                char pool[300];
                strv_free(u->values);
                u->values = NULL;
                u->physnet = physnet;
                snprintf(pool, sizeof(pool), "vlan:%s", physnet);
                u->n = store_pool_values(u->svc->store, pool, &u->values);
                if (u->n < 0)
                        u->n = 0;
                qsort(u->values, (size_t)u->n, sizeof(char *), vlan_cmp);
        }
        char key[8], *kp = key;
        snprintf(key, sizeof(key), "%u", vlan);
        return bsearch(&kp, u->values, (size_t)u->n, sizeof(char *), vlan_cmp) != NULL;
}

/* A network's ML2 segment: type, physnet (NULL for none) and, for a
 * VLAN, its id.  Strings are the input's or the ML2 configuration's. */
struct segment {
        const char *type;
        const char *physnet;
        bool has_id;
        long long id;
};

/* The segment of a new network: provider attributes checked as the ML2 type
 * drivers do, or a project network from tenant_network_types.  Claims it
 * for the network net_id.  User errors fill err. */
static int allocate_segment(const struct netsvc *svc, const struct netsvc_network_create *in,
                            const char *net_id, struct segment *ret, struct service_error *err)
{
        const struct ml2_config *ml2 = svc->ml2;
        const char *type = in->has_network_type ? in->network_type : NULL;
        const char *physnet = in->has_physical_network ? in->physical_network : NULL;
        bool has_seg = in->has_segmentation_id;
        long long seg = in->segmentation_id;
        char pool[300], value[16];
        int r;

        *ret = (struct segment){0};
        if (!type && (physnet || has_seg))
                return service_fail(err, ERROR_KIND_INVALID, "InvalidInput",
                                         "Invalid input for operation: network_type required.");
        if (!type) {
                /* A project network: the first tenant network type that has room. */
                for (char **t = ml2->tenant_network_types; *t; t++) {
                        if (!streq(*t, "vlan"))
                                continue;
                        struct vlan_used u = {.svc = svc};
                        const char *pn;
                        unsigned v;
                        r = vlan_ranges_pick(ml2->vlan_ranges, vlan_is_used, &u, random_below, &pn, &v);
                        strv_free(u.values);
                        if (r == 0) {
                                *ret = (struct segment){"vlan", pn, true, v};
                                snprintf(pool, sizeof(pool), "vlan:%s", pn);
                                snprintf(value, sizeof(value), "%u", v);
                                return store_claim(svc->store, pool, value, net_id);
                        }
                }
                return service_fail(err, ERROR_KIND_UNAVAILABLE, "NoNetworkAvailable",
                                         "Unable to create the network. No project network is "
                                         "available for allocation.");
        }
        if (!ml2_type_enabled(ml2, type))
                return service_fail(err, ERROR_KIND_INVALID, "InvalidInput",
                                         "Invalid input for operation: network_type value '%s' "
                                         "not supported.", type);
        if (streq(type, "flat")) {
                if (has_seg)
                        return service_fail(err, ERROR_KIND_INVALID, "InvalidInput",
                                                 "Invalid input for operation: segmentation_id "
                                                 "specified for flat provider network.");
                if (!physnet)
                        return service_fail(err, ERROR_KIND_INVALID, "InvalidInput",
                                                 "Invalid input for operation: physical_network "
                                                 "required for flat provider network.");
                if (!ml2_flat_allowed(ml2, physnet))
                        return service_fail(err, ERROR_KIND_INVALID, "InvalidInput",
                                                 "Invalid input for operation: physical_network "
                                                 "'%s' unknown for flat provider network.", physnet);
                *ret = (struct segment){type, physnet, false, 0};
                r = svc_claim(svc->store, "flat", physnet, net_id);
                if (r == -EEXIST)
                        return service_fail(err, ERROR_KIND_CONFLICT, "FlatNetworkInUse",
                                                 "Unable to create the flat network. Physical "
                                                 "network %s is in use.", physnet);
                return r;
        }
        /* vlan */
        if (has_seg && !physnet)
                return service_fail(err, ERROR_KIND_INVALID, "InvalidInput",
                                         "Invalid input for operation: segmentation_id requires "
                                         "physical_network for VLAN provider network.");
        if (has_seg && (seg < VLAN_MIN || seg > VLAN_MAX))
                return service_fail(err, ERROR_KIND_INVALID, "InvalidInput",
                                         "Invalid input for operation: segmentation_id out of "
                                         "range (%d through %d).", VLAN_MIN, VLAN_MAX);
        if (physnet && !vlan_ranges_has_physnet(ml2->vlan_ranges, physnet))
                return service_fail(err, ERROR_KIND_INVALID, "InvalidInput",
                                         "Invalid input for operation: physical_network '%s' "
                                         "unknown for VLAN provider network.", physnet);
        if (!has_seg) {
                /* A physnet (or none) without an id: pick one from its ranges. */
                struct vlan_ranges only = {0}, *ranges = ml2->vlan_ranges;
                struct vlan_range items[64];
                if (physnet) {
                        for (size_t i = 0; i < ranges->n && only.n < ARRAY_SIZE(items); i++)
                                if (streq(ranges->items[i].physnet, physnet))
                                        items[only.n++] = ranges->items[i];
                        only.items = items;
                        ranges = &only;
                }
                struct vlan_used u = {.svc = svc};
                const char *pn;
                unsigned v;
                r = vlan_ranges_pick(ranges, vlan_is_used, &u, random_below, &pn, &v);
                strv_free(u.values);
                if (r < 0)
                        return service_fail(err, ERROR_KIND_UNAVAILABLE, "NoNetworkAvailable",
                                                 "Unable to create the network. No project "
                                                 "network is available for allocation.");
                physnet = pn;
                seg = v;
        }
        *ret = (struct segment){type, physnet, true, seg};
        snprintf(pool, sizeof(pool), "vlan:%s", physnet);
        snprintf(value, sizeof(value), "%lld", seg);
        r = svc_claim(svc->store, pool, value, net_id);
        if (r == -EEXIST)
                return service_fail(err, ERROR_KIND_CONFLICT, "VlanIdInUse",
                                         "Unable to create the network. The VLAN %lld on physical "
                                         "network %s is in use.", seg, physnet);
        return r;
}

int netsvc_network_shared(const struct netsvc *svc, const char *net_id, bool shared)
{
        _cleanup_json_ json_t *subs = NULL;
        const char *v[] = {net_id};
        struct store_filter f = {"network_id", STORE_VALUE_TEXT, v, 1};
        struct store_query q = {.filters = &f, .n_filters = 1};
        int r = svc_doc_list(svc->store, "subnet", &q, &subs);
        size_t i;
        json_t *sub;
        json_array_foreach(subs, i, sub) {
                if (r < 0 || json_is_true(json_object_get(sub, NETSVC_SUBNET_SHARED)) == shared)
                        continue;
                if (shared)
                        json_object_set_new(sub, NETSVC_SUBNET_SHARED, json_true());
                else
                        json_object_del(sub, NETSVC_SUBNET_SHARED);
                r = svc_doc_update(svc->store, "subnet", sub);
        }
        return r;
}

struct foreign {
        const char *owner;
        bool skip_network_owned; /* ports of device_owner "network:..." */
};

/* -EBUSY at the first port or subnet of another project than the
 * network's. */
static int foreign_cb(const char *id, const char *doc, void *userdata)
{
        const struct foreign *x = userdata;
        _cleanup_json_ json_t *o = json_loads(doc, 0, NULL);
        if (!o)
                return -EIO;
        if (x->skip_network_owned &&
            strncmp(json_str(o, "device_owner") ?: "", "network:", 8) == 0)
                return 0;
        return streq(json_str(o, "project_id") ?: "", x->owner) ? 0 : -EBUSY;
}

/* Neutron's two checks when a network stops being shared, in its order:
 * no port (the network's own, DHCP or router, aside) or subnet of
 * another project on it, told by the network's name; then, as the
 * sharing rule goes, no port of another project at all, told by its id.
 * The other project could not even see the network after. */
static int check_unshare(const struct netsvc *svc, const json_t *net,
                         struct service_error *err)
{
        const char *id = json_str(net, "id");
        const char *v[] = {id};
        struct store_filter f = {"network_id", STORE_VALUE_TEXT, v, 1};
        struct store_query q = {.filters = &f, .n_filters = 1};
        struct foreign x = {json_str(net, "project_id") ?: "", true};
        int r = svc_doc_walk(svc->store, "port", &q, foreign_cb, &x);
        if (r >= 0)
                r = svc_doc_walk(svc->store, "subnet", &q, foreign_cb, &x);
        const char *named = json_str(net, "name") ?: "";
        if (r >= 0) {
                x.skip_network_owned = false;
                r = svc_doc_walk(svc->store, "port", &q, foreign_cb, &x);
                named = id;
        }
        if (r == -EBUSY)
                return service_fail(err, ERROR_KIND_CONFLICT, "InvalidSharedSetting",
                                    "Unable to reconfigure sharing settings for network %s. "
                                    "Multiple tenants are using it.", named);
        return r;
}

int netsvc_network_update(const struct netsvc *svc, const struct auth_context *auth,
                          const char *id, const struct netsvc_network_update *in, json_t **ret,
                          struct service_error *err)
{
        _cleanup_json_ json_t *net = NULL;
        /* Neutron shows an external network to every project, for reading. */
        int r = svc_doc_get_visible(svc->store, auth, "network", "shared", id, &net);
        if (r == -ENOENT)
                r = svc_doc_get_visible(svc->store, auth, "network", "router:external", id, &net);
        if (r == -ENOENT)
                return service_fail(err, ERROR_KIND_NOT_FOUND, "NetworkNotFound",
                                    "Network %s could not be found.", id);
        if (r < 0)
                return r;
        struct policy_target tg = {.project_id = json_str(net, "project_id")};
        if (!policy_rule_allows(PR_UPDATE_NETWORK, auth, &tg))
                return service_fail(err, ERROR_KIND_FORBIDDEN, "PolicyNotAuthorized",
                                    "(rule:%s) is disallowed by policy",
                                    policy_rules[PR_UPDATE_NETWORK].name);
        if (in->has_shared && !in->shared && json_is_true(json_object_get(net, "shared")) &&
            (r = check_unshare(svc, net, err)) < 0)
                return r;
        if (in->has_name)
                json_object_set_new(net, "name", json_string(in->name));
        if (in->has_description)
                json_object_set_new(net, "description", json_string(in->description));
        if (in->has_admin_state_up)
                json_object_set_new(net, "admin_state_up", json_boolean(in->admin_state_up));
        if (in->has_shared)
                json_object_set_new(net, "shared", json_boolean(in->shared));
        if (in->has_port_security_enabled)
                json_object_set_new(net, "port_security_enabled",
                                    json_boolean(in->port_security_enabled));
        if (in->has_external)
                json_object_set_new(net, "router:external", json_boolean(in->external));
        netsvc_stamp(svc, net, false);
        r = svc_doc_update(svc->store, "network", net);
        if (r >= 0 && in->has_shared)
                r = netsvc_network_shared(svc, id, in->shared);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(net);
        return 0;
}

/* The document of a new network on its segment, in Neutron's attribute
 * order (its core attributes, then the extensions'). */
static json_t *network_doc(const struct netsvc *svc, const char *id,
                           const struct netsvc_network_create *in, const struct segment *seg)
{
        json_t *o = json_object();
        if (!o)
                return NULL;
        json_t *hints = in->availability_zone_hints ? json_deep_copy(in->availability_zone_hints)
                                                    : json_array();
        if (!hints ||
            json_object_set_new(o, "id", json_string(id)) < 0 ||
            json_object_set_new(o, "name", json_string(in->name ?: "")) < 0 ||
            json_object_set_new(o, "tenant_id", json_string(in->owner)) < 0 ||
            json_object_set_new(o, "admin_state_up",
                                json_boolean(!in->has_admin_state_up || in->admin_state_up)) < 0 ||
            json_object_set_new(o, "mtu", json_integer(svc->ml2->mtu)) < 0 ||
            json_object_set_new(o, "status", json_string("ACTIVE")) < 0 ||
            json_object_set_new(o, "subnets", json_array()) < 0 ||
            json_object_set_new(o, "shared", json_boolean(in->shared)) < 0 ||
            json_object_set_new(o, "availability_zone_hints", hints) < 0 ||
            json_object_set_new(o, "availability_zones", json_array()) < 0 ||
            json_object_set_new(o, "ipv4_address_scope", json_null()) < 0 ||
            json_object_set_new(o, "ipv6_address_scope", json_null()) < 0 ||
            json_object_set_new(o, "router:external", json_boolean(in->external)) < 0 ||
            json_object_set_new(o, "description", json_string(in->description ?: "")) < 0 ||
            json_object_set_new(o, "port_security_enabled",
                                json_boolean(!in->has_port_security_enabled ||
                                             in->port_security_enabled)) < 0 ||
            json_object_set_new(o, "provider:network_type", json_string_or_null(seg->type)) < 0 ||
            json_object_set_new(o, "provider:physical_network",
                                json_string_or_null(seg->physnet)) < 0 ||
            json_object_set_new(o, "provider:segmentation_id",
                                seg->has_id ? json_integer(seg->id) : json_null()) < 0 ||
            json_object_set_new(o, "tags", json_array()) < 0 ||
            json_object_set_new(o, "project_id", json_string(in->owner)) < 0) {
                json_decref(o);
                return NULL;
        }
        netsvc_stamp(svc, o, true);
        return o;
}

int netsvc_network_create(const struct netsvc *svc, const struct netsvc_network_create *in,
                          json_t **ret, struct service_error *err)
{
        char id[37], sg[37];
        struct segment seg;
        if (!in->owner)
                return -EINVAL;
        random_uuid(id);
        /* Within the caller's transaction: the count cannot change before
         * the insert. */
        int r = netsvc_quota_check(svc, "network", in->owner, err);
        if (r >= 0)
                r = allocate_segment(svc, in, id, &seg, err);
        if (r >= 0)
                r = netsvc_default_sg(svc, in->owner, sg);
        if (r < 0)
                return r;
        _cleanup_json_ json_t *net = network_doc(svc, id, in, &seg);
        if (!net)
                return -ENOMEM;
        r = svc_doc_insert(svc->store, "network", net);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(net);
        return 0;
}

/* A network's subnets and their addresses' claims (read first, so no
 * list is open while its rows go). */
static int delete_subnets(const struct netsvc *svc, const struct store_query *q)
{
        _cleanup_(store_ids_done) struct store_ids ids = {0};
        int r = store_subnet_list(svc->store, q, store_ids_collect_cb, &ids);
        for (size_t i = 0; r >= 0 && i < ids.n; i++) {
                r = store_subnet_delete(svc->store, ids.ids[i]);
                if (r >= 0)
                        r = store_release_owner(svc->store, ids.ids[i]);
        }
        return r;
}

int netsvc_network_delete(const struct netsvc *svc, const char *id, struct service_error *err)
{
        const char *v[] = {id};
        struct store_filter f = {"network_id", STORE_VALUE_TEXT, v, 1};
        struct store_query q = {.filters = &f, .n_filters = 1};
        size_t ports = 0;
        int r = store_port_count(svc->store, &q, &ports);
        if (r < 0)
                return r;
        if (ports > 0)
                return service_fail(err, ERROR_KIND_CONFLICT, "NetworkInUse",
                                    "Unable to complete operation on network %s. There are one "
                                    "or more ports still in use on the network.", id);
        r = delete_subnets(svc, &q);
        if (r >= 0)
                r = store_network_delete(svc->store, id);
        if (r >= 0)
                r = store_release_owner(svc->store, id);
        return r;
}
