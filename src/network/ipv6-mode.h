/* A subnet's ipv6_ra_mode and ipv6_address_mode, as Neutron checks and
 * reads them: which values exist, which combinations are valid, and
 * whether a subnet's ports get their addresses from their MAC (SLAAC and
 * DHCPv6-stateless: "auto-address" subnets).  Pure. */
#pragma once

#include <stdbool.h>

/* slaac, dhcpv6-stateful or dhcpv6-stateless. */
bool ipv6_mode_known(const char *mode);
/* Neutron's is_auto_address_subnet: either mode slaac or
 * dhcpv6-stateless (NULL = not set). */
bool ipv6_mode_is_auto(const char *ra_mode, const char *address_mode);
/* The rules for a new subnet (modes NULL when not set), in Neutron's
 * order: none on IPv4; not with DHCP disabled; the same value when both
 * are set; a /64 for auto addresses (EUI-64).  -EINVAL with the message,
 * without Neutron's "Invalid input for operation: " prefix. */
int ipv6_modes_validate(int ip_version, const char *ra_mode, const char *address_mode,
                        bool enable_dhcp, unsigned prefix, const char *cidr);
