#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/macro.h"
#include "network/ipam6.h"

static ipv6_t from_bytes(const uint8_t b[16])
{
        ipv6_t a = 0;
        for (int i = 0; i < 16; i++)
                a = (a << 8) | b[i];
        return a;
}

int ipv6_parse(const char *s, ipv6_t *ret)
{
        uint8_t b[16];
        if (!s || !strchr(s, ':') || inet_pton(AF_INET6, s, b) != 1)
                return -EINVAL;
        *ret = from_bytes(b);
        return 0;
}

void ipv6_format(ipv6_t a, char ret[IP6_STR_LEN])
{
        uint8_t b[16];
        for (int i = 15; i >= 0; i--, a >>= 8)
                b[i] = (uint8_t)a;
        inet_ntop(AF_INET6, b, ret, IP6_STR_LEN);
}

static ipv6_t host_mask(unsigned prefix)
{
        return prefix >= 128 ? 0 : ((ipv6_t)~(ipv6_t)0) >> prefix;
}

int ipv6_net_parse(const char *s, struct ipv6_net *ret)
{
        char buf[64];
        const char *slash = s ? strchr(s, '/') : NULL;
        if (!slash || (size_t)(slash - s) >= sizeof(buf) || !slash[1] ||
            strspn(slash + 1, "0123456789") != strlen(slash + 1) || strlen(slash + 1) > 3)
                return err_set(-EINVAL, "'%s' is not a valid IP subnet", s ? s : "");
        memcpy(buf, s, (size_t)(slash - s));
        buf[slash - s] = '\0';
        ipv6_t a;
        unsigned prefix = (unsigned)atoi(slash + 1);
        if (ipv6_parse(buf, &a) < 0 || prefix > 128)
                return err_set(-EINVAL, "'%s' is not a valid IP subnet", s);
        ipv6_t net = a & ~host_mask(prefix);
        if (net != a) {
                char n[IP6_STR_LEN];
                ipv6_format(net, n);
                return err_set(-EINVAL, "'%s' isn't a recognized IP subnet cidr, '%s/%u' is "
                               "recommended", s, n, prefix);
        }
        *ret = (struct ipv6_net){net, prefix};
        return 0;
}

bool ipv6_net_contains(const struct ipv6_net *n, ipv6_t a)
{
        return (a & ~host_mask(n->prefix)) == n->addr;
}

ipv6_t ipv6_net_last(const struct ipv6_net *n)
{
        return n->addr | host_mask(n->prefix);
}

bool ipv6_nets_overlap(const struct ipv6_net *a, const struct ipv6_net *b)
{
        return ipv6_net_contains(a, b->addr) || ipv6_net_contains(b, a->addr);
}

ipv6_t ipv6_default_gateway(const struct ipv6_net *n)
{
        return n->prefix >= 128 ? n->addr : n->addr + 1;
}

size_t ipv6_default_pools(const struct ipv6_net *n, bool has_gateway, ipv6_t gateway,
                          struct ipv6_pool ret_pools[2])
{
        ipv6_t first = n->addr, last = ipv6_net_last(n);
        if (first == last) {
                ret_pools[0] = (struct ipv6_pool){first, last};
                return 1;
        }
        /* The subnet-router anycast address is never handed out; IPv6 has
         * no broadcast, so the last address is. */
        first++;
        if (first >= last)
                return 0;
        if (!has_gateway || gateway < first || gateway > last) {
                ret_pools[0] = (struct ipv6_pool){first, last};
                return 1;
        }
        size_t k = 0;
        if (gateway > first)
                ret_pools[k++] = (struct ipv6_pool){first, gateway - 1};
        if (gateway < last)
                ret_pools[k++] = (struct ipv6_pool){gateway + 1, last};
        return k;
}

int ipv6_pools_validate(const struct ipv6_net *n, const struct ipv6_pool *pools, size_t n_pools,
                        bool has_gateway, ipv6_t gateway)
{
        char a[IP6_STR_LEN], b[IP6_STR_LEN], g[IP6_STR_LEN];
        for (size_t i = 0; i < n_pools; i++) {
                ipv6_format(pools[i].start, a);
                ipv6_format(pools[i].end, b);
                if (pools[i].start > pools[i].end)
                        return err_set(-EINVAL, "Invalid input for operation: Start IP (%s) is "
                                       "greater than end IP (%s).", a, b);
                if (!ipv6_net_contains(n, pools[i].start) || !ipv6_net_contains(n, pools[i].end))
                        return err_set(-EINVAL, "The allocation pool %s-%s spans beyond the "
                                       "subnet cidr.", a, b);
                if (has_gateway && gateway >= pools[i].start && gateway <= pools[i].end) {
                        ipv6_format(gateway, g);
                        return err_set(-EINVAL, "Gateway ip %s conflicts with allocation pool "
                                       "%s-%s.", g, a, b);
                }
                for (size_t j = 0; j < i; j++)
                        if (pools[i].start <= pools[j].end && pools[j].start <= pools[i].end) {
                                char c[IP6_STR_LEN], d[IP6_STR_LEN];
                                ipv6_format(pools[j].start, c);
                                ipv6_format(pools[j].end, d);
                                return err_set(-EINVAL, "Found overlapping allocation pools: "
                                               "%s-%s and %s-%s.", c, d, a, b);
                        }
        }
        return 0;
}

static ipv6_t used_in(const ipv6_t *used, size_t n_used, ipv6_t lo, ipv6_t hi)
{
        ipv6_t c = 0;
        for (size_t i = 0; i < n_used; i++)
                if (used[i] >= lo && used[i] <= hi)
                        c++;
        return c;
}

int ipv6_pools_pick(const struct ipv6_pool *pools, size_t n_pools, const ipv6_t *used,
                    size_t n_used, uint32_t (*rnd)(uint32_t n), ipv6_t *ret)
{
        /* Sizes count from 0 (size - 1) so a whole /0 pool fits. */
        ipv6_t free_total = 0;
        bool any = false;
        for (size_t i = 0; i < n_pools; i++) {
                ipv6_t fr = pools[i].end - pools[i].start + 1 -
                            used_in(used, n_used, pools[i].start, pools[i].end);
                if (fr || pools[i].end - pools[i].start == ~(ipv6_t)0)
                        any = true;
                free_total += fr;
        }
        if (!any)
                return -ENOSPC;
        ipv6_t k = 0;
        for (int i = 0; i < 4; i++)
                k = (k << 32) | rnd(UINT32_MAX);
        if (free_total)
                k %= free_total;
        for (size_t i = 0; i < n_pools; i++) {
                ipv6_t fr = pools[i].end - pools[i].start + 1 -
                            used_in(used, n_used, pools[i].start, pools[i].end);
                if (k >= fr) {
                        k -= fr;
                        continue;
                }
                ipv6_t a = pools[i].start + k;
                size_t u = 0;
                while (u < n_used && used[u] < pools[i].start)
                        u++;
                for (; u < n_used && used[u] <= a; u++)
                        if (used[u] <= pools[i].end)
                                a++;
                *ret = a;
                return 0;
        }
        return -ENOSPC;
}

ipv6_t ipv6_eui64(const struct ipv6_net *n, const uint8_t mac[6])
{
        const uint8_t e[8] = {(uint8_t)(mac[0] ^ 0x02), mac[1], mac[2], 0xff, 0xfe,
                              mac[3], mac[4], mac[5]};
        ipv6_t id = 0;
        for (int i = 0; i < 8; i++)
                id = (id << 8) | e[i];
        return n->addr + id;
}

bool ipv6_mode_is_auto(const char *address_mode)
{
        return address_mode && (streq(address_mode, "slaac") ||
                                streq(address_mode, "dhcpv6-stateless"));
}

int ipv6_modes_validate(int ip_version, const char *ra_mode, const char *address_mode,
                        bool enable_dhcp, unsigned prefix, const char *cidr)
{
        if (ip_version == 4) {
                if (ra_mode)
                        return err_set(-EINVAL, "Invalid input for operation: ipv6_ra_mode is "
                                       "not valid when ip_version is 4.");
                if (address_mode)
                        return err_set(-EINVAL, "Invalid input for operation: ipv6_address_mode "
                                       "is not valid when ip_version is 4.");
                return 0;
        }
        if (!ra_mode && !address_mode)
                return 0;
        if (!enable_dhcp)
                return err_set(-EINVAL, "Invalid input for operation: Cannot disable enable_dhcp "
                               "with ipv6 attributes set.");
        if (ra_mode && address_mode && !streq(ra_mode, address_mode))
                return err_set(-EINVAL, "Invalid input for operation: ipv6_ra_mode set to '%s' "
                               "with ipv6_address_mode set to '%s' is not valid. If both "
                               "attributes are set, they must be the same value.", ra_mode,
                               address_mode);
        if (ipv6_mode_is_auto(address_mode) && prefix != 64)
                return err_set(-EINVAL, "Invalid input for operation: Invalid CIDR %s for IPv6 "
                               "address mode. OpenStack uses the EUI-64 address format, which "
                               "requires the prefix to be /64.", cidr);
        return 0;
}
