/* Addresses, CIDRs and allocation pools come from API bodies: any bytes
 * give a value or -EINVAL, a parsed value prints as text that parses back
 * to the same value, and pool checks and picks on what parsed stay inside
 * the subnet. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "network/ipam.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ip_value rnd_half(ip_value n)
{
        return n / 2;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *text = malloc(size + 1);
        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';

        int family, f2;
        ip_value a, b;
        char out[IP_STR_LEN], net_out[IP_NET_STR_LEN];
        if (ip_parse(text, &family, &a) == 0) {
                ip_format(family, a, out);
                if (ip_parse(out, &f2, &b) != 0 || f2 != family || a != b)
                        abort();
        }

        struct ip_net n, n2;
        if (ip_net_parse(text, &n) == 0) {
                ip_net_format(&n, net_out);
                if (ip_net_parse(net_out, &n2) != 0 || n2.family != n.family ||
                    n2.addr != n.addr || n2.prefix != n.prefix)
                        abort();
                if (n.prefix == 0) {
                        free(text);
                        return 0; /* refused for subnets: pools never span a family */
                }
                struct ip_pool pools[2];
                ip_value gw = ip_default_gateway(&n);
                size_t k = ip_default_pools(&n, true, gw, pools);
                if (k > 0 && ip_pools_validate(&n, pools, k, false, 0) != 0 &&
                    ip_net_last(&n) != n.addr)
                        abort();
                ip_value used[1] = {gw}, got;
                if (ip_pools_pick(pools, k, used, 1, rnd_half, &got) == 0 &&
                    (!ip_net_contains(&n, got) || !ip_pools_contain(pools, k, got)))
                        abort();
        }
        free(text);
        return 0;
}
