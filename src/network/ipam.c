#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/parse.h"
#include "network/ipam.h"

unsigned ip_bits(int family)
{
        return family == IP_V4 ? 32 : 128;
}

int ip_parse(const char *s, int *ret_family, ip_value *ret)
{
        uint8_t b[16];
        if (!s)
                return -EINVAL;
        /* inet_pton's AF_INET takes only the dotted quad; AF_INET6 would
         * also take "::ffff:a.b.c.d", which stays an IPv6 address. */
        if (inet_pton(AF_INET, s, b) == 1) {
                *ret_family = IP_V4;
                *ret = ((ip_value)b[0] << 24) | ((ip_value)b[1] << 16) | ((ip_value)b[2] << 8) | b[3];
                return 0;
        }
        if (inet_pton(AF_INET6, s, b) != 1)
                return -EINVAL;
        ip_value a = 0;
        for (int i = 0; i < 16; i++)
                a = (a << 8) | b[i];
        *ret_family = IP_V6;
        *ret = a;
        return 0;
}

int ip_parse_family(const char *s, int family, ip_value *ret)
{
        int f;
        ip_value a;
        if (ip_parse(s, &f, &a) < 0 || f != family)
                return -EINVAL;
        *ret = a;
        return 0;
}

void ip_format(int family, ip_value a, char ret[IP_STR_LEN])
{
        if (family == IP_V4) {
                uint32_t v = (uint32_t)a;
                snprintf(ret, IP_STR_LEN, "%u.%u.%u.%u", v >> 24, (v >> 16) & 255, (v >> 8) & 255,
                         v & 255);
                return;
        }
        uint8_t b[16];
        for (int i = 15; i >= 0; i--, a >>= 8)
                b[i] = (uint8_t)a;
        inet_ntop(AF_INET6, b, ret, IP_STR_LEN);
}

/* The host part's bits of a prefix. */
static ip_value host_mask(int family, unsigned prefix)
{
        unsigned bits = ip_bits(family);
        if (prefix >= bits)
                return 0;
        return (~(ip_value)0) >> (128 - bits + prefix);
}

int ip_net_parse(const char *s, struct ip_net *ret)
{
        char buf[IP_STR_LEN];
        const char *slash = s ? strchr(s, '/') : NULL;
        uint32_t prefix;
        ip_value a;
        int family;
        if (!slash || (size_t)(slash - s) >= sizeof(buf))
                return err_set(-EINVAL, "'%s' is not a valid IP subnet", s ? s : "");
        memcpy(buf, s, (size_t)(slash - s));
        buf[slash - s] = '\0';
        if (ip_parse(buf, &family, &a) < 0 || slash[1] == '\0' ||
            parse_u32(slash + 1, &prefix) < 0 || prefix > ip_bits(family))
                return err_set(-EINVAL, "'%s' is not a valid IP subnet", s);
        ip_value net = a & ~host_mask(family, prefix);
        if (net != a) {
                char nb[IP_STR_LEN];
                ip_format(family, net, nb);
                return err_set(-EINVAL, "'%s' isn't a recognized IP subnet cidr, '%s/%u' is "
                               "recommended", s, nb, prefix);
        }
        *ret = (struct ip_net){family, net, prefix};
        return 0;
}

void ip_net_format(const struct ip_net *n, char ret[IP_NET_STR_LEN])
{
        char a[IP_STR_LEN];
        ip_format(n->family, n->addr, a);
        snprintf(ret, IP_NET_STR_LEN, "%s/%u", a, n->prefix);
}

bool ip_net_contains(const struct ip_net *n, ip_value a)
{
        return a <= ip_net_last(n) && (a & ~host_mask(n->family, n->prefix)) == n->addr;
}

ip_value ip_net_last(const struct ip_net *n)
{
        return n->addr | host_mask(n->family, n->prefix);
}

bool ip_nets_overlap(const struct ip_net *a, const struct ip_net *b)
{
        return a->family == b->family &&
               (ip_net_contains(a, b->addr) || ip_net_contains(b, a->addr));
}

bool ip_net_host_valid(const struct ip_net *n, ip_value a)
{
        if (!ip_net_contains(n, a) || a == n->addr)
                return false;
        return n->family != IP_V4 || a != ip_net_last(n);
}

ip_value ip_default_gateway(const struct ip_net *n)
{
        return n->prefix >= ip_bits(n->family) ? n->addr : n->addr + 1;
}

/* The range Neutron hands out: network + 1 to the last address, IPv4's
 * broadcast excluded.  False when that is empty (IPv4 /31). */
static bool host_range(const struct ip_net *n, ip_value *first, ip_value *last)
{
        *first = n->addr + 1;
        *last = ip_net_last(n) - (n->family == IP_V4);
        return *first <= *last && ip_net_last(n) != n->addr;
}

size_t ip_default_pools(const struct ip_net *n, bool has_gateway, ip_value gateway,
                        struct ip_pool ret_pools[2])
{
        ip_value first, last;
        if (ip_net_last(n) == n->addr) {
                ret_pools[0] = (struct ip_pool){n->addr, n->addr};
                return 1;
        }
        if (!host_range(n, &first, &last))
                return 0;
        if (!has_gateway || gateway < first || gateway > last) {
                ret_pools[0] = (struct ip_pool){first, last};
                return 1;
        }
        size_t k = 0;
        if (gateway > first)
                ret_pools[k++] = (struct ip_pool){first, gateway - 1};
        if (gateway < last)
                ret_pools[k++] = (struct ip_pool){gateway + 1, last};
        return k;
}

int ip_pools_validate(const struct ip_net *n, const struct ip_pool *pools, size_t n_pools,
                      bool has_gateway, ip_value gateway)
{
        char a[IP_STR_LEN], b[IP_STR_LEN], g[IP_STR_LEN], c[IP_NET_STR_LEN];
        ip_value first, last;
        bool any = host_range(n, &first, &last);
        for (size_t i = 0; i < n_pools; i++) {
                ip_format(n->family, pools[i].start, a);
                ip_format(n->family, pools[i].end, b);
                if (pools[i].start > pools[i].end)
                        return err_set(-EINVAL, "Invalid input for operation: Start IP (%s) is "
                                       "greater than end IP (%s).", a, b);
                if (!any || pools[i].start < first || pools[i].end > last) {
                        ip_net_format(n, c);
                        return err_set(-EINVAL, "The allocation pool %s-%s spans beyond the "
                                       "subnet cidr %s.", a, b, c);
                }
                if (has_gateway && gateway >= pools[i].start && gateway <= pools[i].end) {
                        ip_format(n->family, gateway, g);
                        return err_set(-EINVAL, "Gateway ip %s conflicts with allocation pool "
                                       "%s-%s.", g, a, b);
                }
                for (size_t j = 0; j < i; j++)
                        if (pools[i].start <= pools[j].end && pools[j].start <= pools[i].end) {
                                char d[IP_STR_LEN], e[IP_STR_LEN];
                                ip_format(n->family, pools[j].start, d);
                                ip_format(n->family, pools[j].end, e);
                                return err_set(-EINVAL, "Found overlapping allocation pools: "
                                               "%s-%s and %s-%s.", d, e, a, b);
                        }
        }
        return 0;
}

bool ip_pools_contain(const struct ip_pool *pools, size_t n_pools, ip_value a)
{
        for (size_t i = 0; i < n_pools; i++)
                if (a >= pools[i].start && a <= pools[i].end)
                        return true;
        return false;
}

ip_value ip_pools_size(const struct ip_pool *pools, size_t n_pools)
{
        ip_value total = 0;
        for (size_t i = 0; i < n_pools; i++) {
                ip_value size = pools[i].end - pools[i].start + 1;
                if (size == 0 || total + size < total)
                        return ~(ip_value)0;
                total += size;
        }
        return total;
}

ip_value ip_pools_nth(const struct ip_pool *pools, size_t n_pools, ip_value k)
{
        for (size_t i = 0; i < n_pools; i++) {
                ip_value size = pools[i].end - pools[i].start + 1;
                if (k < size)
                        return pools[i].start + k;
                k -= size;
        }
        return 0;
}

/* Entries of sorted used[] within [lo, hi]. */
static ip_value used_in(const ip_value *used, size_t n_used, ip_value lo, ip_value hi)
{
        ip_value c = 0;
        for (size_t i = 0; i < n_used; i++)
                if (used[i] >= lo && used[i] <= hi && (i == 0 || used[i] != used[i - 1]))
                        c++;
        return c;
}

int ip_pools_pick(const struct ip_pool *pools, size_t n_pools, const ip_value *used,
                  size_t n_used, ip_value (*rnd)(ip_value n), ip_value *ret)
{
        ip_value free_total = 0;
        for (size_t i = 0; i < n_pools; i++)
                free_total += pools[i].end - pools[i].start + 1 -
                              used_in(used, n_used, pools[i].start, pools[i].end);
        if (free_total == 0)
                return -ENOSPC;
        ip_value k = rnd(free_total);
        for (size_t i = 0; i < n_pools; i++) {
                ip_value fr = pools[i].end - pools[i].start + 1 -
                              used_in(used, n_used, pools[i].start, pools[i].end);
                if (k >= fr) {
                        k -= fr;
                        continue;
                }
                /* The k-th free address of this pool: step over the used
                 * ones below it, which are sorted, in one pass. */
                ip_value a = pools[i].start + k;
                size_t u = 0;
                while (u < n_used && used[u] < pools[i].start)
                        u++;
                for (; u < n_used && used[u] <= a; u++)
                        if (used[u] <= pools[i].end && (u == 0 || used[u] != used[u - 1]))
                                a++;
                *ret = a;
                return 0;
        }
        return -ENOSPC;
}

ip_value ip_eui64(const struct ip_net *n, const uint8_t mac[6])
{
        const uint8_t e[8] = {(uint8_t)(mac[0] ^ 0x02), mac[1], mac[2], 0xff, 0xfe,
                              mac[3], mac[4], mac[5]};
        ip_value id = 0;
        for (int i = 0; i < 8; i++)
                id = (id << 8) | e[i];
        return n->addr + id;
}

bool ip_is_eui64(int family, ip_value a)
{
        return family == IP_V6 && ((a >> 24) & 0xffff) == 0xfffe;
}

int ip_value_cmp(const void *a, const void *b)
{
        ip_value x = *(const ip_value *)a, y = *(const ip_value *)b;
        return x < y ? -1 : x > y;
}
