/* Security group rules as Neutron's API takes them
 * (neutron/extensions/securitygroup.py and db/securitygroups_db.py): the
 * protocol, ethertype and remote prefix converted, a rule checked (ports
 * only for port protocols, ICMP type/code, prefix and protocol against
 * the ethertype, one remote), and two rules compared as its duplicate
 * check does.  Pure: no I/O. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define SG_TEXT_LEN 64

struct sg_rule {
        char security_group_id[40];
        char direction[16];
        char ethertype[8];               /* "IPv4" or "IPv6" */
        char protocol[SG_TEXT_LEN];      /* "" = any */
        bool has_min, has_max;
        long min, max;                   /* port range, or ICMP type and code */
        char remote_ip_prefix[SG_TEXT_LEN]; /* "" = none */
        char remote_group_id[40];        /* "" = none */
};

/* A refusal: Neutron's exception name, status and message. */
struct sg_error {
        const char *type;
        unsigned status;
        char message[512];
};

/* convert_protocol: NULL or "" → "" (any); an integer 0-255 as given; a
 * protocol name (any case) lowercased. */
int sg_protocol_convert(const char *given, char ret[SG_TEXT_LEN], struct sg_error *err);
/* The protocol's number (names and numbers alike), -1 for "" or unknown. */
int sg_protocol_number(const char *protocol);
/* convert_ethertype_to_case_insensitive: "ipv4" → "IPv4"; -EINVAL else. */
int sg_ethertype_convert(const char *given, char ret[8]);
/* convert_ip_prefix_to_cidr: "10.0.0.1" → "10.0.0.1/32" (host bits kept),
 * its network to normalized ("10.0.0.1/24" → "10.0.0.0/24"), its family
 * (4 or 6) to *version.  InvalidCIDR otherwise. */
int sg_prefix_convert(const char *given, char ret[SG_TEXT_LEN], char normalized[SG_TEXT_LEN],
                      int *version, struct sg_error *err);

/* _validate_security_group_rule on converted fields: IPv6 ICMP names made
 * canonical ("icmp" on IPv6 → "ipv6-icmp"), then the port range, the
 * prefix's family, the protocol's ethertype, and not both remotes. */
int sg_rule_validate(struct sg_rule *r, struct sg_error *err);

/* _rule_to_key equality: same direction, ethertype, ports, protocol (a
 * name equals its number), remote group, remote prefix (none, 0.0.0.0/0
 * and ::/0 alike) and group. */
bool sg_rule_same(const struct sg_rule *a, const struct sg_rule *b);
