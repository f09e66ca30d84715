/* Networks: the ML2 segment of a new network (flat, vlan type drivers
 * over network/vlan-ranges), released with the network and its subnets. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/time-format.h"
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

/* The rows of a network's subnets whose shared mark differs, gathered
 * (copies) before any is written. */
struct mark_state {
        bool shared;
        struct store_subnet **v;
        size_t n;
};

static int mark_cb(const struct store_subnet *sub, void *userdata)
{
        struct mark_state *m = userdata;
        if (sub->shared == m->shared)
                return 0;
        struct store_subnet **v = reallocarray(m->v, m->n + 1, sizeof(*v));
        if (!v)
                return -ENOMEM;
        m->v = v;
        if (!(v[m->n] = store_subnet_dup(sub)))
                return -ENOMEM;
        m->n++;
        return 0;
}

int netsvc_network_shared(const struct netsvc *svc, const char *net_id, bool shared)
{
        const char *v[] = {net_id};
        struct store_filter f = {"network_id", STORE_VALUE_TEXT, v, 1};
        struct store_query q = {.filters = &f, .n_filters = 1};
        struct mark_state m = {.shared = shared};
        int r = store_subnet_list(svc->store, &q, mark_cb, &m);
        for (size_t i = 0; i < m.n; i++) {
                m.v[i]->shared = shared;
                if (r >= 0)
                        r = store_subnet_put(svc->store, m.v[i], false);
                store_subnet_free(m.v[i]);
        }
        free(m.v);
        return r;
}

bool netsvc_network_readable(const struct auth_context *auth, const struct store_network *n,
                             bool external)
{
        return policy_may_read(auth, n->project_id, n->shared || (external && n->external));
}

int netsvc_network_find(const struct netsvc *svc, const struct auth_context *auth,
                        const char *id, bool external, struct store_network **ret)
{
        _cleanup_network_ struct store_network *n = NULL;
        int r = store_network_get(svc->store, id, &n);
        if (r < 0)
                return r;
        if (auth && !netsvc_network_readable(auth, n, external))
                return -ENOENT;
        *ret = TAKE_PTR(n);
        return 0;
}

/* Not found as Neutron says it. */
static int not_found(const char *id, struct service_error *err)
{
        return service_fail(err, ERROR_KIND_NOT_FOUND, "NetworkNotFound",
                            "Network %s could not be found.", id);
}

int netsvc_network_get(const struct netsvc *svc, const struct auth_context *auth,
                       const char *id, struct store_network **ret, struct service_error *err)
{
        int r = netsvc_network_find(svc, auth, id, true, ret);
        return r == -ENOENT ? not_found(id, err) : r;
}

int netsvc_network_list(const struct netsvc *svc, const struct auth_context *auth,
                        const struct store_query *q, store_network_cb cb, void *userdata)
{
        struct store_query mine = *q;
        if (!auth->is_admin) {
                mine.project_id = auth->project_id;
                mine.shared_attr = "shared";
                mine.also_shared_attr = "router:external";
        }
        return store_network_list(svc->store, &mine, cb, userdata);
}

/* The time a create or update stamps, as the API shows it. */
static void stamp_time(const struct netsvc *svc, char ret[40])
{
        time_format_iso8601(svc->now(), false, ret);
}

/* n with its subnets' list replaced by list (a JSON array), stored. */
static int put_subnets(const struct netsvc *svc, const struct store_network *n, const json_t *list)
{
        _cleanup_free_ char *text = json_dumps(list, JSON_COMPACT);
        if (!text)
                return -ENOMEM;
        struct store_network c = *n;
        c.subnets = text;
        return store_network_put(svc->store, &c, false);
}

int netsvc_network_subnet_add(const struct netsvc *svc, const struct store_network *n,
                              const char *subnet_id)
{
        _cleanup_json_ json_t *list = json_loads(n->subnets ?: "[]", 0, NULL);
        if (!json_is_array(list) || json_array_append_new(list, json_string(subnet_id)) < 0)
                return -EIO;
        return put_subnets(svc, n, list);
}

int netsvc_network_subnet_remove(const struct netsvc *svc, const char *net_id,
                                 const char *subnet_id)
{
        _cleanup_network_ struct store_network *n = NULL;
        int r = store_network_get(svc->store, net_id, &n);
        if (r < 0)
                return r == -ENOENT ? 0 : r;
        _cleanup_json_ json_t *list = json_loads(n->subnets ?: "[]", 0, NULL);
        if (!json_is_array(list))
                return -EIO;
        for (size_t i = 0; i < json_array_size(list); i++)
                if (streq(json_string_value(json_array_get(list, i)) ?: "", subnet_id))
                        json_array_remove(list, i--);
        return put_subnets(svc, n, list);
}

struct foreign {
        const char *owner;
        bool skip_network_owned; /* ports of device_owner "network:..." */
};

/* -EBUSY at the first subnet of another project than the network's. */
static int foreign_subnet_cb(const struct store_subnet *sub, void *userdata)
{
        const struct foreign *x = userdata;
        return streq(sub->project_id ?: "", x->owner) ? 0 : -EBUSY;
}

/* -EBUSY at the first port of another project than the network's (the
 * network's own aside when skip_network_owned). */
static int foreign_port_cb(const struct store_port *p, void *userdata)
{
        const struct foreign *x = userdata;
        if (x->skip_network_owned && strncmp(p->device_owner ?: "", "network:", 8) == 0)
                return 0;
        return streq(p->project_id ?: "", x->owner) ? 0 : -EBUSY;
}

/* Neutron's two checks when a network stops being shared, in its order:
 * no port (the network's own, DHCP or router, aside) or subnet of
 * another project on it, told by the network's name; then, as the
 * sharing rule goes, no port of another project at all, told by its id.
 * The other project could not even see the network after. */
static int check_unshare(const struct netsvc *svc, const struct store_network *net,
                         struct service_error *err)
{
        const char *v[] = {net->id};
        struct store_filter f = {"network_id", STORE_VALUE_TEXT, v, 1};
        struct store_query q = {.filters = &f, .n_filters = 1};
        struct foreign x = {net->project_id ?: "", true};
        int r = store_port_list(svc->store, &q, foreign_port_cb, &x);
        if (r >= 0)
                r = store_subnet_list(svc->store, &q, foreign_subnet_cb, &x);
        const char *named = net->name ?: "";
        if (r >= 0) {
                x.skip_network_owned = false;
                r = store_port_list(svc->store, &q, foreign_port_cb, &x);
                named = net->id;
        }
        if (r == -EBUSY)
                return service_fail(err, ERROR_KIND_CONFLICT, "InvalidSharedSetting",
                                    "Unable to reconfigure sharing settings for network %s. "
                                    "Multiple tenants are using it.", named);
        return r;
}

/* Refused by policy rule, as Neutron words it. */
static int disallowed(enum policy_rule_id rule, struct service_error *err)
{
        return service_fail(err, ERROR_KIND_FORBIDDEN, "PolicyNotAuthorized",
                            "(rule:%s) is disallowed by policy", policy_rules[rule].name);
}

int netsvc_network_update(const struct netsvc *svc, const struct auth_context *auth,
                          const char *id, const struct netsvc_network_update *in,
                          struct store_network **ret, struct service_error *err)
{
        _cleanup_network_ struct store_network *net = NULL;
        int r = netsvc_network_get(svc, auth, id, &net, err);
        if (r < 0)
                return r;
        struct policy_target tg = {.project_id = net->project_id};
        if (!policy_rule_allows(PR_UPDATE_NETWORK, auth, &tg))
                return disallowed(PR_UPDATE_NETWORK, err);
        if (in->has_shared && !in->shared && net->shared && (r = check_unshare(svc, net, err)) < 0)
                return r;
        /* The new row points into net and in until it is stored and
         * copied. */
        struct store_network n = *net;
        char t[40];
        if (in->has_name)
                n.name = in->name;
        if (in->has_description)
                n.description = in->description;
        if (in->has_admin_state_up)
                n.admin_state_up = in->admin_state_up;
        if (in->has_shared)
                n.shared = in->shared;
        if (in->has_port_security_enabled)
                n.port_security_enabled = in->port_security_enabled;
        if (in->has_external)
                n.external = in->external;
        stamp_time(svc, t);
        n.updated_at = t;
        n.revision_number++;
        r = store_network_put(svc->store, &n, false);
        if (r >= 0 && in->has_shared)
                r = netsvc_network_shared(svc, id, in->shared);
        if (r < 0)
                return r;
        if (!(*ret = store_network_dup(&n)))
                return -ENOMEM;
        return 0;
}

int netsvc_network_create(const struct netsvc *svc, const struct netsvc_network_create *in,
                          struct store_network **ret, struct service_error *err)
{
        char id[37], sg[37], t[40];
        struct segment seg;
        if (!in->owner)
                return -EINVAL;
        _cleanup_free_ char *hints = in->availability_zone_hints
                                             ? json_dumps(in->availability_zone_hints, JSON_COMPACT)
                                             : strdup("[]");
        if (!hints)
                return -ENOMEM;
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
        stamp_time(svc, t);
        struct store_network n = {
                .id = id,
                .project_id = in->owner,
                .name = in->name ?: "",
                .description = in->description ?: "",
                .status = "ACTIVE",
                .admin_state_up = !in->has_admin_state_up || in->admin_state_up,
                .shared = in->shared,
                .external = in->external,
                .port_security_enabled = !in->has_port_security_enabled ||
                                         in->port_security_enabled,
                .mtu = svc->ml2->mtu,
                .availability_zone_hints = hints,
                .tags = "[]",
                .subnets = "[]",
                .created_at = t,
                .updated_at = t,
                .revision_number = 0,
                .network_type = seg.type,
                .physical_network = seg.physnet,
                .segmentation_id = seg.has_id ? seg.id : -1,
        };
        r = store_network_put(svc->store, &n, true);
        if (r < 0)
                return r;
        if (!(*ret = store_network_dup(&n)))
                return -ENOMEM;
        return 0;
}

/* A network's subnets and their addresses' claims (read first, so no
 * list is open while its rows go). */
static int subnet_id_cb(const struct store_subnet *sub, void *userdata)
{
        return store_ids_collect_cb(sub->id, NULL, userdata);
}

static int delete_subnets(const struct netsvc *svc, const struct store_query *q)
{
        _cleanup_(store_ids_done) struct store_ids ids = {0};
        int r = store_subnet_list(svc->store, q, subnet_id_cb, &ids);
        for (size_t i = 0; r >= 0 && i < ids.n; i++) {
                r = store_subnet_delete(svc->store, ids.ids[i]);
                if (r >= 0)
                        r = store_release_owner(svc->store, ids.ids[i]);
        }
        return r;
}

int netsvc_network_delete(const struct netsvc *svc, const struct auth_context *auth,
                          const char *id, struct service_error *err)
{
        if (auth) {
                _cleanup_network_ struct store_network *net = NULL;
                int r = netsvc_network_get(svc, auth, id, &net, err);
                if (r < 0)
                        return r;
                struct policy_target tg = {.project_id = net->project_id};
                if (!policy_rule_allows(PR_DELETE_NETWORK, auth, &tg))
                        return disallowed(PR_DELETE_NETWORK, err);
        }
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
        if (r == -ENOENT)
                return not_found(id, err);
        if (r >= 0)
                r = store_release_owner(svc->store, id);
        return r;
}
