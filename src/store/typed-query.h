/* Networks, subnets, ports and agents as every backend queries their typed rows: a
 * store_query attribute's column, the child rows that hold it (a
 * network's segment, a port's fixed IPs) or, for the rest, the document
 * (networks and ports have none: every attribute is a column).
 * A backend gives only what its SQL writes differently.  Private to
 * src/store/. */
#pragma once

#include <stdbool.h>

#include "base/strbuf.h"
#include "store/store.h"

struct typed_table;
extern const struct typed_table typed_networks, typed_subnets, typed_ports, typed_agents;
extern const struct typed_table typed_secgroups, typed_sg_rules;
/* The networks alone, without their segments' columns (the same filters:
 * those on a segment's attributes are a subquery either way). */
extern const struct typed_table typed_networks_alone;
/* A network's own columns in struct store_network's order. */
#define STORE_NETWORK_OWN_COLUMNS                                                                  \
        "id, project_id, name, description, status, admin_state_up, shared, external, "          \
        "port_security_enabled, mtu, availability_zone_hints, tags, subnets, created_at, "         \
        "updated_at, revision_number"
/* A network's row with its segment's columns (typed_networks' join). */
#define STORE_NETWORK_COLUMNS                                                                      \
        STORE_NETWORK_OWN_COLUMNS ", network_type, physical_network, segmentation_id"

/* A subnet's row as both backends read it, in struct store_subnet's
 * order (its pools are rows of their own). */
#define STORE_SUBNET_COLUMNS                                                                       \
        "id, project_id, network_id, name, description, ip_version, cidr, gateway_ip, "            \
        "enable_dhcp, shared, ipv6_ra_mode, ipv6_address_mode, subnetpool_id, dns_nameservers, "   \
        "host_routes, service_types, tags, created_at, updated_at, revision_number"
/* A port's row as both backends read it, in struct store_port's order,
 * then its fixed IPs' text (port_ips_read()). */
#define STORE_PORT_COLUMNS                                                                         \
        "id, project_id, network_id, name, description, device_id, device_owner, mac_address, "   \
        "host, vnic_type, vif_type, vif_details, profile, status, admin_state_up, "                \
        "port_security_enabled, security_groups, allowed_address_pairs, extra_dhcp_opts, tags, "   \
        "created_at, updated_at, revision_number, fixed_ips"
/* The column of STORE_PORT_COLUMNS that holds the fixed IPs. */
#define STORE_PORT_FIXED_IPS_COLUMN 23

/* A security group's and a rule's rows as both backends read them, in
 * struct store_secgroup's and struct store_sg_rule's order. */
#define STORE_SECGROUP_COLUMNS                                                                     \
        "id, project_id, name, description, stateful, tags, created_at, updated_at, "              \
        "revision_number"
#define STORE_SG_RULE_COLUMNS                                                                      \
        "id, security_group_id, project_id, direction, ethertype, protocol, port_range_min, "      \
        "port_range_max, remote_ip_prefix, remote_group_id, remote_address_group_id, "             \
        "normalized_cidr, description, tags, created_at, updated_at, revision_number"

/* A port's fixed IPs as its row keeps them for its view, in the view's
 * order: "subnet_id ip_address" entries joined by "," (neither has a
 * space or a comma), beside the rows of port_fixed_ips that filters and
 * lookups use.  port_ips_text() writes it (NULL: none kept), port_ips_read() reads it into
 * p->fixed_ips, its buffers reused from row to row (p points into them
 * until the next call). */
struct port_ips_buf {
        char *text;
        size_t text_cap;
        struct store_fixed_ip *v;
        size_t cap;
};
int port_ips_text(const struct store_port *p, struct strbuf *out);
int port_ips_read(struct port_ips_buf *b, const char *text, struct store_port *p);
void port_ips_buf_done(struct port_ips_buf *b);

/* What to SELECT FROM: the table, or the table joined with what its rows
 * are read with (a network's segment). */
const char *typed_table_from(const struct typed_table *t);

struct typed_sql {
        /* Appends one parameter's placeholder (num: compared as a number
         * with a document's attribute), its value kept in ctx. */
        int (*param)(struct strbuf *sql, void *ctx, const char *value, bool num);
        /* Appends the expression of attr in a row's document (num: as a
         * number). */
        int (*doc_attr)(struct strbuf *sql, const char *attr, bool num);
        /* Appends " AND EXISTS (SELECT 1 FROM <the elements of list attr>
         * WHERE <an element's member>" (num: as a number). */
        int (*doc_member)(struct strbuf *sql, const char *attr, const char *member, bool num);
        /* Appends " AND EXISTS (SELECT 1 FROM <the strings of the JSON
         * array in column> WHERE <one of them>". */
        int (*list_element)(struct strbuf *sql, const char *column);
        /* The order of a list with a filter of several values. */
        const char *order_by_many;
        void *ctx;
};

/* " WHERE ..." for q on t (NULL q: every row); values in the order
 * filters, project, marker. */
int typed_query_where(struct strbuf *sql, const struct typed_table *t, const struct store_query *q,
                      const struct typed_sql *w);
/* typed_query_where(), " ORDER BY id" (order_by_many when a filter has
 * several values) and q's limit. */
int typed_query_list(struct strbuf *sql, const struct typed_table *t, const struct store_query *q,
                     const struct typed_sql *w);
