#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/parse.h"
#include "network/ipam.h"

int ipv4_parse(const char *s, uint32_t *ret)
{
        struct in_addr a;
        if (!s || inet_pton(AF_INET, s, &a) != 1)
                return -EINVAL;
        *ret = ntohl(a.s_addr);
        return 0;
}

void ipv4_format(uint32_t a, char ret[IP_STR_LEN])
{
        snprintf(ret, IP_STR_LEN, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255,
                 a & 255);
}

static uint32_t mask_of(unsigned prefix)
{
        return prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
}

int ipv4_net_parse(const char *s, struct ipv4_net *ret)
{
        char buf[32];
        const char *slash = s ? strchr(s, '/') : NULL;
        uint32_t a, prefix;
        if (!slash || (size_t)(slash - s) >= sizeof(buf))
                return err_set(-EINVAL, "'%s' is not a valid IP subnet", s ? s : "");
        memcpy(buf, s, slash - s);
        buf[slash - s] = '\0';
        if (ipv4_parse(buf, &a) < 0 || parse_u32(slash + 1, &prefix) < 0 || prefix > 32 ||
            slash[1] == '\0')
                return err_set(-EINVAL, "'%s' is not a valid IP subnet", s);
        uint32_t net = a & mask_of(prefix);
        if (net != a) {
                char nb[IP_STR_LEN];
                ipv4_format(net, nb);
                return err_set(-EINVAL, "'%s' isn't a recognized IP subnet cidr, '%s/%u' is "
                               "recommended", s, nb, prefix);
        }
        ret->addr = net;
        ret->prefix = prefix;
        return 0;
}

bool ipv4_net_contains(const struct ipv4_net *n, uint32_t a)
{
        return (a & mask_of(n->prefix)) == n->addr;
}

uint32_t ipv4_net_broadcast(const struct ipv4_net *n)
{
        return n->addr | ~mask_of(n->prefix);
}

uint32_t ipv4_default_gateway(const struct ipv4_net *n)
{
        return n->prefix >= 31 ? n->addr : n->addr + 1;
}

size_t ipv4_default_pools(const struct ipv4_net *n, bool has_gateway, uint32_t gateway,
                          struct ipv4_pool ret_pools[2])
{
        uint32_t first = n->addr, last = ipv4_net_broadcast(n);
        if (n->prefix < 31) {
                first++;
                last--;
        }
        if (!has_gateway || gateway < first || gateway > last) {
                ret_pools[0] = (struct ipv4_pool){first, last};
                return 1;
        }
        size_t k = 0;
        if (gateway > first)
                ret_pools[k++] = (struct ipv4_pool){first, gateway - 1};
        if (gateway < last)
                ret_pools[k++] = (struct ipv4_pool){gateway + 1, last};
        return k;
}

int ipv4_pools_validate(const struct ipv4_net *n, const struct ipv4_pool *pools, size_t n_pools,
                        bool has_gateway, uint32_t gateway)
{
        char a[IP_STR_LEN], b[IP_STR_LEN], g[IP_STR_LEN];
        for (size_t i = 0; i < n_pools; i++) {
                ipv4_format(pools[i].start, a);
                ipv4_format(pools[i].end, b);
                if (pools[i].start > pools[i].end)
                        return err_set(-EINVAL, "Invalid input for operation: Start IP (%s) is "
                                       "greater than end IP (%s).", a, b);
                if (!ipv4_net_contains(n, pools[i].start) || !ipv4_net_contains(n, pools[i].end))
                        return err_set(-EINVAL, "The allocation pool %s-%s spans beyond the "
                                       "subnet cidr.", a, b);
                if (has_gateway && gateway >= pools[i].start && gateway <= pools[i].end) {
                        ipv4_format(gateway, g);
                        return err_set(-EINVAL, "Gateway ip %s conflicts with allocation pool "
                                       "%s-%s.", g, a, b);
                }
                for (size_t j = 0; j < i; j++)
                        if (pools[i].start <= pools[j].end && pools[j].start <= pools[i].end) {
                                char c[IP_STR_LEN], d[IP_STR_LEN];
                                ipv4_format(pools[j].start, c);
                                ipv4_format(pools[j].end, d);
                                return err_set(-EINVAL, "Found overlapping allocation pools: "
                                               "%s-%s and %s-%s.", c, d, a, b);
                        }
        }
        return 0;
}

bool ipv4_pools_contain(const struct ipv4_pool *pools, size_t n_pools, uint32_t a)
{
        for (size_t i = 0; i < n_pools; i++)
                if (a >= pools[i].start && a <= pools[i].end)
                        return true;
        return false;
}

/* Number of entries of sorted used[] within [lo, hi]. */
static size_t used_in(const uint32_t *used, size_t n_used, uint32_t lo, uint32_t hi)
{
        size_t c = 0;
        for (size_t i = 0; i < n_used; i++)
                if (used[i] >= lo && used[i] <= hi)
                        c++;
        return c;
}

int ipv4_pools_pick(const struct ipv4_pool *pools, size_t n_pools, const uint32_t *used,
                    size_t n_used, uint32_t (*rnd)(uint32_t n), uint32_t *ret)
{
        uint64_t free_total = 0;
        for (size_t i = 0; i < n_pools; i++)
                free_total += (uint64_t)pools[i].end - pools[i].start + 1 -
                              used_in(used, n_used, pools[i].start, pools[i].end);
        if (free_total == 0)
                return -ENOSPC;
        uint64_t k = rnd(free_total > UINT32_MAX ? UINT32_MAX : (uint32_t)free_total);
        for (size_t i = 0; i < n_pools; i++) {
                uint64_t size = (uint64_t)pools[i].end - pools[i].start + 1;
                uint64_t fr = size - used_in(used, n_used, pools[i].start, pools[i].end);
                if (k >= fr) {
                        k -= fr;
                        continue;
                }
                /* The k-th free address of this pool: step over used ones,
                 * which are sorted, in one pass. */
                uint64_t a = pools[i].start + k;
                size_t u = 0;
                while (u < n_used && used[u] < pools[i].start)
                        u++;
                for (; u < n_used && used[u] <= a; u++)
                        if (used[u] <= pools[i].end)
                                a++;
                *ret = (uint32_t)a;
                return 0;
        }
        return -ENOSPC;
}
