/* A port's fixed IPs over network/ipam: defaults per family, asked
 * entries checked as Neutron checks them, EUI-64 addresses on
 * auto-address subnets, each claimed in the subnet's pool. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "identity/token.h"
#include "netsvc/ips.h"
#include "network/ipv6-mode.h"
#include "network/mac.h"

int ips_subnet_info(const struct store_subnet *row, struct subnet_info *ret)
{
        if (!row->cidr || ip_net_parse(row->cidr, &ret->net) < 0)
                return -EIO;
        snprintf(ret->id, sizeof(ret->id), "%s", row->id);
        ret->is_auto = ret->net.family == IP_V6 &&
                       ipv6_mode_is_auto(row->ipv6_ra_mode, row->ipv6_address_mode);
        ret->n_pools = 0;
        for (size_t i = 0; i < row->n_pools && ret->n_pools < ARRAY_SIZE(ret->pools); i++) {
                struct ip_pool *pool = &ret->pools[ret->n_pools];
                if (ip_parse_family(row->pools[i].start, ret->net.family, &pool->start) == 0 &&
                    ip_parse_family(row->pools[i].end, ret->net.family, &pool->end) == 0)
                        ret->n_pools++;
        }
        return 0;
}

/* Subnets read into a growing array. */
struct subnet_set {
        struct subnet_info *v;
        size_t n;
};

static void subnet_set_done(struct subnet_set *set)
{
        free(set->v);
        *set = (struct subnet_set){0};
}

static int subnet_set_add_cb(const struct store_subnet *row, void *userdata)
{
        struct subnet_set *set = userdata;
        struct subnet_info *v = reallocarray(set->v, set->n + 1, sizeof(*v));
        if (!v)
                return -ENOMEM;
        set->v = v;
        int r = ips_subnet_info(row, &v[set->n]);
        if (r >= 0)
                set->n++;
        return r;
}

static int subnets_where(const struct netsvc *svc, const char *attr, const char *value,
                         struct subnet_set *ret)
{
        const char *v[] = {value};
        struct store_filter f = {attr, STORE_VALUE_TEXT, v, 1};
        struct store_query q = {.filters = &f, .n_filters = 1};
        return store_subnet_list(svc->store, &q, subnet_set_add_cb, ret);
}

int ips_load_subnet(const struct netsvc *svc, const char *id, struct subnet_info *ret)
{
        _cleanup_(subnet_set_done) struct subnet_set set = {0};
        int r = subnets_where(svc, "id", id, &set);
        if (r < 0)
                return r;
        if (set.n == 0)
                return -ENOENT;
        *ret = set.v[0];
        return 0;
}

/* The subnets of net, read at once, in the order its subnets' list
 * holds them (Neutron's: the first with room gives the default address). */
static int load_net_subnets(const struct netsvc *svc, const struct store_network *net,
                            struct subnet_set *ret)
{
        _cleanup_(subnet_set_done) struct subnet_set rows = {0};
        _cleanup_json_ json_t *ids = json_loads(net->subnets ?: "[]", 0, NULL);
        if (!json_is_array(ids))
                return -EIO;
        int r = subnets_where(svc, "network_id", net->id, &rows);
        if (r < 0)
                return r;
        struct subnet_info *v = calloc(json_array_size(ids) + 1, sizeof(*v));
        if (!v)
                return -ENOMEM;
        size_t i, n = 0;
        json_t *sid;
        json_array_foreach(ids, i, sid) {
                size_t j = 0;
                while (j < rows.n && !streq(rows.v[j].id, json_string_value(sid) ?: ""))
                        j++;
                if (j == rows.n) {
                        free(v);
                        return -ENOENT;
                }
                v[n++] = rows.v[j];
        }
        *ret = (struct subnet_set){v, n};
        return 0;
}

static void pool_name(const char *subnet_id, char ret[64])
{
        snprintf(ret, 64, "ip:%s", subnet_id);
}

/* Uniform below n (n > 0), by rejection over the bits n needs. */
static ip_value random_below128(ip_value n)
{
        unsigned bits = 0;
        while (bits < 128 && ((n - 1) >> bits) != 0)
                bits++;
        ip_value mask = bits >= 128 ? ~(ip_value)0 : (((ip_value)1 << bits) - 1);
        for (;;) {
                ip_value v;
                random_fill(&v, sizeof(v));
                v &= mask;
                if (v < n)
                        return v;
        }
}

/* A random free address of one subnet, claimed for port_id.  A few random
 * probes find one at once while the subnet has room (always, on a /64);
 * only a nearly full subnet pays for reading every used address. */
static int allocate_ip(const struct netsvc *svc, const struct subnet_info *s, const char *port_id,
                       char ret[IP_STR_LEN])
{
        char pool[64];
        pool_name(s->id, pool);
        ip_value total = ip_pools_size(s->pools, s->n_pools);
        for (int attempt = 0; attempt < 8 && total > 0; attempt++) {
                ip_format(s->net.family,
                          ip_pools_nth(s->pools, s->n_pools, random_below128(total)), ret);
                int r = store_is_claimed(svc->store, pool, ret);
                if (r < 0)
                        return r;
                if (r == 0)
                        return store_claim(svc->store, pool, ret, port_id);
        }

        _cleanup_strv_free_ char **used_s = NULL;
        int n = store_pool_values(svc->store, pool, &used_s);
        if (n < 0)
                return n;
        _cleanup_free_ ip_value *used = calloc((size_t)n + 1, sizeof(ip_value));
        if (!used)
                return -ENOMEM;
        size_t k = 0;
        for (int i = 0; i < n; i++)
                if (ip_parse_family(used_s[i], s->net.family, &used[k]) == 0)
                        k++;
        qsort(used, k, sizeof(ip_value), ip_value_cmp);
        ip_value a;
        int r = ip_pools_pick(s->pools, s->n_pools, used, k, random_below128, &a);
        if (r < 0)
                return r;
        ip_format(s->net.family, a, ret);
        return store_claim(svc->store, pool, ret, port_id);
}

static int claim(const struct netsvc *svc, const char *subnet_id, const char *ip,
                 const char *port_id, struct service_error *err)
{
        char pool[64];
        pool_name(subnet_id, pool);
        int r = svc_claim(svc->store, pool, ip, port_id);
        if (r == -EEXIST)
                return service_fail(err, ERROR_KIND_CONFLICT, "IpAddressAlreadyAllocated",
                                    "IP address %s already allocated in subnet %s", ip,
                                    subnet_id);
        return r;
}

int ips_claim_eui64(const struct netsvc *svc, const struct subnet_info *s, const char *mac,
                    const char *port_id, char ret[IP_STR_LEN], struct service_error *err)
{
        uint8_t m[6];
        if (mac_parse(mac, m) < 0)
                return -EIO;
        ip_format(IP_V6, ip_eui64(&s->net, m), ret);
        return claim(svc, s->id, ret, port_id, err);
}

int ips_release(const struct netsvc *svc, const char *subnet_id, const char *ip)
{
        char pool[64];
        pool_name(subnet_id, pool);
        int r = store_release(svc->store, pool, ip);
        return r == -ENOENT ? 0 : r;
}

int port_ips_add(struct port_ips *l, const char *subnet_id, const char *ip_address)
{
        struct port_ip e;
        if (strlen(subnet_id) >= sizeof(e.subnet_id) || strlen(ip_address) >= sizeof(e.ip_address))
                return -EINVAL;
        strcpy(e.subnet_id, subnet_id);
        strcpy(e.ip_address, ip_address);
        struct port_ip *v = realloc(l->v, (l->n + 1) * sizeof(*v));
        if (!v)
                return -ENOMEM;
        v[l->n++] = e;
        l->v = v;
        return 0;
}

void port_ips_remove(struct port_ips *l, size_t i)
{
        memmove(l->v + i, l->v + i + 1, (l->n - i - 1) * sizeof(*l->v));
        l->n--;
}

void port_ips_done(struct port_ips *l)
{
        free(l->v);
        *l = (struct port_ips){0};
}

static bool has_subnet(const struct port_ips *l, const char *id)
{
        for (size_t i = 0; i < l->n; i++)
                if (streq(l->v[i].subnet_id, id))
                        return true;
        return false;
}

/* Neutron's defaults: one address of the first IPv4 subnet with room, and
 * one of the first stateful IPv6 subnet with room. */
static int assign_defaults(const struct netsvc *svc, const struct store_network *net,
                           const struct subnet_set *subnets, const char *port_id, struct port_ips *out,
                           struct service_error *err)
{
        static const int families[] = {IP_V4, IP_V6};
        for (size_t f = 0; f < ARRAY_SIZE(families); f++) {
                bool any = false, done = false;
                for (size_t i = 0; i < subnets->n; i++) {
                        const struct subnet_info *s = &subnets->v[i];
                        char ip[IP_STR_LEN];
                        if (s->net.family != families[f] || s->is_auto)
                                continue;
                        any = true;
                        int r = allocate_ip(svc, s, port_id, ip);
                        if (r == -ENOSPC)
                                continue;
                        if (r < 0 || (r = port_ips_add(out, s->id, ip)) < 0)
                                return r;
                        done = true;
                        break;
                }
                if (any && !done)
                        return service_fail(err, ERROR_KIND_CONFLICT, "IpAddressGenerationFailure",
                                            "No more IP addresses available on network %s.",
                                            net->id);
        }
        return 0;
}

/* One asked entry: its subnet found (by id, or the one holding the
 * address), the address checked and claimed or one allocated.  An entry
 * naming only an auto-address subnet adds nothing here: the EUI-64 pass
 * does. */
static int assign_asked(const struct netsvc *svc, const struct store_network *net,
                        const struct subnet_set *subnets, const json_t *e, const char *port_id,
                        struct port_ips *out, struct service_error *err)
{
        const char *net_id = net->id;
        const char *want_sub = json_str(e, "subnet_id"), *want_ip = json_str(e, "ip_address");
        struct subnet_info s;
        char ip[IP_STR_LEN];
        ip_value a = 0;
        int family = 0, r;
        if (!json_is_object(e) || (!want_sub && !want_ip))
                return service_fail(err, ERROR_KIND_INVALID, "HTTPBadRequest",
                                    "Invalid input for fixed_ips. Reason: each entry needs "
                                    "subnet_id and/or ip_address.");
        if (want_ip && ip_parse(want_ip, &family, &a) < 0)
                return service_fail(err, ERROR_KIND_INVALID, "HTTPBadRequest",
                                    "Invalid input for fixed_ips. Reason: '%s' is not a valid IP "
                                    "address.", want_ip);
        bool found = false;
        for (size_t j = 0; j < subnets->n; j++) {
                s = subnets->v[j];
                if (want_sub && !streq(want_sub, s.id))
                        continue;
                if (want_ip && (s.net.family != family || !ip_net_contains(&s.net, a))) {
                        if (want_sub)
                                return service_fail(err, ERROR_KIND_INVALID, "InvalidIpForSubnet",
                                                    "IP address %s is not a valid IP for the "
                                                    "specified subnet.", want_ip);
                        continue;
                }
                found = true;
                break;
        }
        if (!found && want_sub)
                return service_fail(err, ERROR_KIND_INVALID, "InvalidInput",
                                    "Invalid input for operation: Failed to create port on "
                                    "network %s, because fixed_ips included invalid subnet %s.",
                                    net_id, want_sub);
        if (!found)
                return service_fail(err, ERROR_KIND_INVALID, "InvalidIpForNetwork",
                                    "IP address %s is not a valid IP for any of the subnets on "
                                    "the specified network.", want_ip);
        if (want_ip) {
                if (s.is_auto)
                        return service_fail(err, ERROR_KIND_INVALID,
                                            "AllocationOnAutoAddressSubnet",
                                            "IPv6 address %s cannot be directly assigned to a "
                                            "port on subnet %s as the subnet is configured for "
                                            "automatic addresses", want_ip, s.id);
                if (!ip_net_host_valid(&s.net, a))
                        return service_fail(err, ERROR_KIND_INVALID, "InvalidIpForSubnet",
                                            "IP address %s is not a valid IP for the specified "
                                            "subnet.", want_ip);
                ip_format(family, a, ip);
                if ((r = claim(svc, s.id, ip, port_id, err)) < 0)
                        return r;
        } else if (s.is_auto) {
                return 0;
        } else {
                r = allocate_ip(svc, &s, port_id, ip);
                if (r == -ENOSPC)
                        return service_fail(err, ERROR_KIND_CONFLICT, "IpAddressGenerationFailure",
                                            "No more IP addresses available on network %s.",
                                            net_id);
                if (r < 0)
                        return r;
        }
        return port_ips_add(out, s.id, ip);
}

int ips_assign(const struct netsvc *svc, const struct store_network *net, const json_t *asked,
               struct port_ips *ips, const char *port_id, const char *mac,
               struct service_error *err)
{
        _cleanup_(subnet_set_done) struct subnet_set subnets = {0};
        int r = load_net_subnets(svc, net, &subnets);
        if (r >= 0 && !asked)
                r = assign_defaults(svc, net, &subnets, port_id, ips, err);
        size_t i;
        json_t *e;
        json_array_foreach(asked, i, e) {
                if (r < 0)
                        break;
                r = assign_asked(svc, net, &subnets, e, port_id, ips, err);
        }
        if (r < 0)
                return r;
        /* Every auto-address subnet of the network, asked or not
         * (Neutron's _get_auto_address_ips). */
        for (i = 0; i < subnets.n; i++) {
                const struct subnet_info *s = &subnets.v[i];
                char ip[IP_STR_LEN];
                if (!s->is_auto || has_subnet(ips, s->id))
                        continue;
                if ((r = ips_claim_eui64(svc, s, mac, port_id, ip, err)) < 0 ||
                    (r = port_ips_add(ips, s->id, ip)) < 0)
                        return r;
        }
        return 0;
}
