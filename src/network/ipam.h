/* Address management for subnets of both families, as Neutron's IPAM does
 * it: address and CIDR parsing, default gateway and allocation pools, pool
 * validation with Neutron's messages, the choice of a free address, and
 * EUI-64 addresses from a MAC for SLAAC and DHCPv6-stateless subnets.
 * Addresses are 128-bit values; an IPv4 address is family 4 with its 32
 * bits (never an IPv4-mapped IPv6 address).  Pure: the used set and
 * randomness come in. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IP_STR_LEN 46     /* INET6_ADDRSTRLEN */
#define IP_NET_STR_LEN 50 /* address "/128" */

__extension__ typedef unsigned __int128 ip_value;

enum { IP_V4 = 4, IP_V6 = 6 };

struct ip_net {
        int family; /* IP_V4 or IP_V6 */
        ip_value addr; /* the network address */
        unsigned prefix;
};

struct ip_pool {
        ip_value start, end; /* inclusive */
};

/* 32 or 128. */
unsigned ip_bits(int family);
/* An address of either family ("192.0.2.1", "2001:db8::1"); *ret_family
 * says which.  -EINVAL for anything else. */
int ip_parse(const char *s, int *ret_family, ip_value *ret);
/* Only an address of family. */
int ip_parse_family(const char *s, int family, ip_value *ret);
/* The canonical text (RFC 5952 for IPv6), as Neutron stores it. */
void ip_format(int family, ip_value a, char ret[IP_STR_LEN]);
/* "192.0.2.0/24" or "2001:db8::/64".  Host bits set fail:
 * "'192.0.2.1/24' isn't a recognized IP subnet cidr, '192.0.2.0/24' is
 * recommended". */
int ip_net_parse(const char *s, struct ip_net *ret);
void ip_net_format(const struct ip_net *n, char ret[IP_NET_STR_LEN]);
bool ip_net_contains(const struct ip_net *n, ip_value a);
/* The last address (IPv4's broadcast). */
ip_value ip_net_last(const struct ip_net *n);
/* Same family and a common address. */
bool ip_nets_overlap(const struct ip_net *a, const struct ip_net *b);
/* Neutron's check_subnet_ip: in the subnet, not its network address (the
 * IPv6 subnet-router anycast) nor IPv4's broadcast. */
bool ip_net_host_valid(const struct ip_net *n, ip_value a);

/* Neutron's defaults: gateway = network address + 1; pool = from network
 * + 1 to the last address (IPv4: the one before broadcast), without the
 * gateway; a single-address subnet uses that address.  Returns the pool
 * count (0..2) written to ret_pools. */
ip_value ip_default_gateway(const struct ip_net *n);
size_t ip_default_pools(const struct ip_net *n, bool has_gateway, ip_value gateway,
                        struct ip_pool ret_pools[2]);

/* Checks user pools: start ≤ end, inside the subnet, no overlap, gateway
 * outside.  -EINVAL with Neutron's message. */
int ip_pools_validate(const struct ip_net *n, const struct ip_pool *pools, size_t n_pools,
                      bool has_gateway, ip_value gateway);
bool ip_pools_contain(const struct ip_pool *pools, size_t n_pools, ip_value a);
/* Addresses in the pools, saturating at the largest value (pools of a
 * subnet never cover a whole address space: /0 is refused). */
ip_value ip_pools_size(const struct ip_pool *pools, size_t n_pools);
/* The k-th address of the pools (k < ip_pools_size). */
ip_value ip_pools_nth(const struct ip_pool *pools, size_t n_pools, ip_value k);

/* A random free address of the pools; used is sorted ascending (addresses
 * outside the pools are ignored).  rnd(n) returns a value below n.  Costs
 * O(n_pools × n_used), whatever the pools' size: a /64 is never walked.
 * -ENOSPC when none is free. */
int ip_pools_pick(const struct ip_pool *pools, size_t n_pools, const ip_value *used,
                  size_t n_used, ip_value (*rnd)(ip_value n), ip_value *ret);

/* Neutron's get_ipv6_addr_by_EUI64: the subnet's prefix plus the modified
 * EUI-64 interface id of mac (ff:fe in the middle, universal/local bit
 * flipped). */
ip_value ip_eui64(const struct ip_net *n, const uint8_t mac[6]);
/* Neutron's is_eui64_address: an IPv6 address with ff:fe in the middle of
 * its interface id. */
bool ip_is_eui64(int family, ip_value a);

int ip_value_cmp(const void *a, const void *b); /* qsort of ip_value */
