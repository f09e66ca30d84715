/* IPv4 address management for subnets: CIDR and address parsing, default
 * gateway and allocation pools, pool validation with Neutron's messages, and
 * the choice of a free address.  Pure: the used set and randomness come in. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IP_STR_LEN 16

struct ipv4_net {
        uint32_t addr; /* host order, the network address */
        unsigned prefix;
};

struct ipv4_pool {
        uint32_t start, end; /* inclusive, host order */
};

int ipv4_parse(const char *s, uint32_t *ret);
void ipv4_format(uint32_t a, char ret[IP_STR_LEN]);
/* "192.0.2.0/24".  A CIDR with host bits set fails: "'192.0.2.1/24' isn't a
 * recognized IP subnet cidr, '192.0.2.0/24' is recommended". */
int ipv4_net_parse(const char *s, struct ipv4_net *ret);
bool ipv4_net_contains(const struct ipv4_net *n, uint32_t a);
uint32_t ipv4_net_broadcast(const struct ipv4_net *n);

/* Neutron's defaults: gateway = first host; pool = every host address but
 * the gateway (/31 and /32 use every address).  Returns the pool count
 * (0..2) written to ret_pools. */
uint32_t ipv4_default_gateway(const struct ipv4_net *n);
size_t ipv4_default_pools(const struct ipv4_net *n, bool has_gateway, uint32_t gateway,
                          struct ipv4_pool ret_pools[2]);

/* Checks user pools: inside the subnet, start ≤ end, no overlap, gateway
 * outside.  -EINVAL with Neutron's message. */
int ipv4_pools_validate(const struct ipv4_net *n, const struct ipv4_pool *pools, size_t n_pools,
                        bool has_gateway, uint32_t gateway);

bool ipv4_pools_contain(const struct ipv4_pool *pools, size_t n_pools, uint32_t a);

/* A random free address of the pools; used is sorted ascending.  -ENOSPC
 * when none is free. */
int ipv4_pools_pick(const struct ipv4_pool *pools, size_t n_pools, const uint32_t *used,
                    size_t n_used, uint32_t (*rnd)(uint32_t n), uint32_t *ret);
