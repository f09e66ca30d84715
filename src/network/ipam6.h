/* IPv6 address management for subnets, as Neutron's IPAM does it: CIDRs,
 * the default gateway (the first host) and pool (every address after the
 * subnet-router anycast but the gateway), pool checks, the choice of a
 * free address, EUI-64 addresses from a MAC for SLAAC and
 * DHCPv6-stateless subnets, and the ipv6_ra_mode/ipv6_address_mode
 * rules.  Pure: the used set and randomness come in. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IP6_STR_LEN 46

__extension__ typedef unsigned __int128 ipv6_t;

struct ipv6_net {
        ipv6_t addr; /* the network address */
        unsigned prefix;
};

struct ipv6_pool {
        ipv6_t start, end; /* inclusive */
};

int ipv6_parse(const char *s, ipv6_t *ret);
void ipv6_format(ipv6_t a, char ret[IP6_STR_LEN]);
/* "2001:db8::/64"; host bits set fail as Neutron's message says. */
int ipv6_net_parse(const char *s, struct ipv6_net *ret);
bool ipv6_net_contains(const struct ipv6_net *n, ipv6_t a);
ipv6_t ipv6_net_last(const struct ipv6_net *n);
bool ipv6_nets_overlap(const struct ipv6_net *a, const struct ipv6_net *b);

ipv6_t ipv6_default_gateway(const struct ipv6_net *n);
/* Pools count (0..2) written to ret_pools. */
size_t ipv6_default_pools(const struct ipv6_net *n, bool has_gateway, ipv6_t gateway,
                          struct ipv6_pool ret_pools[2]);
/* Start ≤ end, inside, apart, gateway outside: -EINVAL with Neutron's
 * message otherwise. */
int ipv6_pools_validate(const struct ipv6_net *n, const struct ipv6_pool *pools, size_t n_pools,
                        bool has_gateway, ipv6_t gateway);
/* A random free address; used sorted ascending; -ENOSPC when none. */
int ipv6_pools_pick(const struct ipv6_pool *pools, size_t n_pools, const ipv6_t *used,
                    size_t n_used, uint32_t (*rnd)(uint32_t n), ipv6_t *ret);

/* The subnet's EUI-64 address for MAC (prefix + modified EUI-64). */
ipv6_t ipv6_eui64(const struct ipv6_net *n, const uint8_t mac[6]);

/* Whether ports get their addresses from the MAC (slaac,
 * dhcpv6-stateless) instead of the pools. */
bool ipv6_mode_is_auto(const char *address_mode);
/* Neutron's rules for the modes of a new subnet (NULL = not set): only
 * on IPv6, equal when both set, not with DHCP disabled, /64 for
 * automatic addresses.  -EINVAL with the message. */
int ipv6_modes_validate(int ip_version, const char *ra_mode, const char *address_mode,
                        bool enable_dhcp, unsigned prefix, const char *cidr);
