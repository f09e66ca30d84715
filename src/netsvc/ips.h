/* A port's fixed IPs (netsvc-internal): which subnets give it addresses
 * and which addresses, as Neutron's IPAM backend decides — one address of
 * an IPv4 subnet and one of a stateful IPv6 subnet by default, and on
 * every auto-address (SLAAC, DHCPv6-stateless) subnet the EUI-64 address
 * of the port's MAC.  Each address is claimed in the subnet's pool
 * ("ip:<subnet id>") for the port, so none is handed out twice. */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "netsvc/netsvc.h"
#include "network/ipam.h"

struct subnet_info {
        char id[40];
        struct ip_net net;
        struct ip_pool pools[16];
        size_t n_pools;
        bool is_auto; /* addresses from the MAC */
};

/* From a subnet's typed row (store_subnet_list); -EIO when its CIDR
 * cannot be read. */
int ips_subnet_info(const struct store_subnet *row, struct subnet_info *ret);
/* The subnet's row read; -ENOENT when absent. */
int ips_load_subnet(const struct netsvc *svc, const char *id, struct subnet_info *ret);

/* The EUI-64 address of mac on an auto-address subnet, claimed for
 * port_id; a conflict (IpAddressAlreadyAllocated) when taken. */
int ips_claim_eui64(const struct netsvc *svc, const struct subnet_info *s, const char *mac,
                    const char *port_id, char ret[IP_STR_LEN], struct service_error *err);

/* A port's fixed IPs as the service edits them: an owned array, in the
 * order the API shows them. */
struct port_ip {
        char subnet_id[40];
        char ip_address[IP_STR_LEN];
};
struct port_ips {
        struct port_ip *v;
        size_t n;
};
/* One entry appended; -EINVAL when a value does not fit (no subnet id or
 * address is that long). */
int port_ips_add(struct port_ips *l, const char *subnet_id, const char *ip_address);
void port_ips_remove(struct port_ips *l, size_t i);
void port_ips_done(struct port_ips *l);

/* Addresses for a port of net with MAC mac, appended to ips: asked NULL
 * gives the defaults; otherwise each entry ({subnet_id and/or
 * ip_address}) as Neutron's _test_fixed_ips_for_port allows it.  Every
 * auto-address subnet the port has no entry on in ips adds its EUI-64
 * address. */
int ips_assign(const struct netsvc *svc, const struct store_network *net, const json_t *asked,
               struct port_ips *ips, const char *port_id, const char *mac,
               struct service_error *err);

/* One address of a subnet given back. */
int ips_release(const struct netsvc *svc, const char *subnet_id, const char *ip);
