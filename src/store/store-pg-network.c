/* The PostgreSQL backend's networks, segments, subnets, ports, fixed IPs
 * and agents (typed-query.h maps a query's attributes).  Inserts that must be
 * unique use ON CONFLICT DO NOTHING: a unique violation would abort the
 * whole transaction. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "store/store-pg.h"
#include "store/typed-query.h"

static int param(struct strbuf *sql, void *ctx, const char *value, bool num)
{
        pg_arg(ctx, value);
        return strbuf_printf(sql, num ? "$%d::numeric" : "$%d", ((struct pg_args *)ctx)->n);
}

static int doc_attr(struct strbuf *sql, const char *attr, bool num)
{
        return strbuf_printf(sql, num ? "json_num(doc::jsonb -> '%s')" : "(doc::jsonb ->> '%s')",
                             attr);
}

static int doc_member(struct strbuf *sql, const char *attr, const char *member, bool num)
{
        return strbuf_printf(sql, " AND EXISTS (SELECT 1 FROM jsonb_array_elements(CASE "
                             "jsonb_typeof(doc::jsonb -> '%s') WHEN 'array' THEN doc::jsonb -> "
                             "'%s' ELSE '[]' END) AS m WHERE %s(m %s '%s')", attr, attr,
                             num ? "json_num" : "", num ? "->" : "->>", member);
}

static int list_element(struct strbuf *sql, const char *column)
{
        return strbuf_printf(sql, " AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(CASE "
                             "jsonb_typeof(%s::jsonb) WHEN 'array' THEN %s::jsonb ELSE '[]' END) "
                             "AS e(value) WHERE e.value", column, column);
}

/* PostgreSQL's SQL for typed-query.c, its parameters going to a. */
static struct typed_sql pg_typed_sql(struct pg_args *a)
{
        return (struct typed_sql){param, doc_attr, doc_member, list_element, " ORDER BY id", a};
}

/* Runs SELECT what FROM the table with the query's WHERE (and, for a
 * list, its order and limit). */
int pg_typed_query(struct store *st, const struct typed_table *t, const char *what,
                   const struct store_query *q, bool list, PGresult **res)
{
        _cleanup_strbuf_ struct strbuf sql = STRBUF_INIT;
        _cleanup_pg_args_ struct pg_args a = {0};
        const struct typed_sql w = pg_typed_sql(&a);
        int r = strbuf_printf(&sql, "SELECT %s FROM %s", what, typed_table_from(t));
        if (r >= 0)
                r = list ? typed_query_list(&sql, t, q, &w) : typed_query_where(&sql, t, q, &w);
        return r < 0 ? r : pg_query(st, "list", strbuf_str(&sql), &a, res);
}

int pg_typed_query_ids(struct store *st, const struct typed_table *t, const char *head,
                       const struct store_query *q, const char *tail, PGresult **res)
{
        _cleanup_strbuf_ struct strbuf sql = STRBUF_INIT;
        _cleanup_pg_args_ struct pg_args a = {0};
        const struct typed_sql w = pg_typed_sql(&a);
        int r = strbuf_printf(&sql, "%sSELECT id FROM %s", head, typed_table_from(t));
        if (r >= 0)
                r = typed_query_list(&sql, t, q, &w);
        if (r >= 0)
                r = strbuf_append(&sql, tail);
        return r < 0 ? r : pg_query(st, "list", strbuf_str(&sql), &a, res);
}

int pg_typed_count(struct store *st, const struct typed_table *t, const struct store_query *q,
                   size_t *ret)
{
        _cleanup_pgresult_ PGresult *res = NULL;
        int r = pg_typed_query(st, t, "count(*)", q, false, &res);
        if (r <= 0)
                return r < 0 ? r : -EIO;
        *ret = (size_t)pg_int(res, 0, 0);
        return 0;
}

/* Get or none: the first row's columns 0..n-1 (n <= 4) of a statement
 * keyed by $1, each malloc'd into the char ** that follow (NULL skips a
 * column); -ENOENT without a row. */
static int get_texts(struct store *st, const char *what, const char *sql, const char *key, int n,
                     ...)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        _cleanup_pgresult_ PGresult *res = NULL;
        pg_arg(&a, key);
        int r = pg_query(st, what, sql, &a, &res);
        if (r <= 0)
                return r < 0 ? r : -ENOENT;
        char **fields[4] = {0};
        va_list ap;
        va_start(ap, n);
        for (int i = 0; i < n && i < 4; i++)
                fields[i] = va_arg(ap, char **);
        va_end(ap);
        return pg_columns_dup(res, 0, fields, (size_t)(n < 4 ? n : 4));
}

static void arg_int_or_null(struct pg_args *a, long long v)
{
        if (v < 0)
                pg_arg(a, NULL);
        else
                pg_arg_int(a, v);
}

int pg_network_put(struct store *st, const struct store_network *n, bool create)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        pg_argv(&a, 10, n->id, n->project_id, n->name, n->description, n->status,
                n->availability_zone_hints ?: "[]", n->tags ?: "[]", n->subnets ?: "[]",
                n->created_at, n->updated_at);
        pg_arg_int(&a, n->admin_state_up);
        pg_arg_int(&a, n->shared);
        pg_arg_int(&a, n->external);
        pg_arg_int(&a, n->port_security_enabled);
        arg_int_or_null(&a, n->mtu);
        pg_arg_int(&a, n->revision_number);
        int r = create ? pg_inserted(pg_query(st, "insert network",
                                           "INSERT INTO networks (id, project_id, name, "
                                           "description, status, availability_zone_hints, tags, "
                                           "subnets, created_at, updated_at, admin_state_up, "
                                           "shared, external, port_security_enabled, mtu, "
                                           "revision_number) VALUES ($1, $2, $3, $4, $5, $6, "
                                           "$7, $8, $9, $10, $11, $12, $13, $14, $15, $16) "
                                           "ON CONFLICT DO NOTHING", &a, NULL))
                       : pg_touched(pg_query(st, "update network",
                                          "UPDATE networks SET project_id = $2, name = $3, "
                                          "description = $4, status = $5, "
                                          "availability_zone_hints = $6, tags = $7, "
                                          "subnets = $8, created_at = $9, updated_at = $10, "
                                          "admin_state_up = $11, shared = $12, external = $13, "
                                          "port_security_enabled = $14, mtu = $15, "
                                          "revision_number = $16 WHERE id = $1",
                                          &a, NULL));
        if (r < 0)
                return r;
        if (!n->network_type)
                return create ? 0 : pg_exec_texts(st, "segment", "DELETE FROM network_segments "
                                                  "WHERE network_id = $1", 1, n->id);
        _cleanup_pg_args_ struct pg_args s = {0};
        pg_argv(&s, 3, n->id, n->network_type, n->physical_network);
        arg_int_or_null(&s, n->segmentation_id);
        r = pg_query(st, "segment",
                     "INSERT INTO network_segments (network_id, network_type, physical_network, "
                     "segmentation_id) VALUES ($1, $2, $3, $4) ON CONFLICT (network_id) DO UPDATE "
                     "SET network_type = $2, physical_network = $3, segmentation_id = $4 WHERE "
                     "network_segments.network_type IS DISTINCT FROM $2 OR "
                     "network_segments.physical_network IS DISTINCT FROM $3 OR "
                     "network_segments.segmentation_id IS DISTINCT FROM $4::bigint",
                     &s, NULL);
        return r < 0 ? r : 0;
}

int pg_network_delete(struct store *st, const char *id)
{
        /* Its segment goes with it (ON DELETE CASCADE). */
        return pg_touched(pg_exec_texts(st, "delete network", "DELETE FROM networks WHERE id = $1",
                                     1, id));
}

/* A column's text, NULL for SQL NULL. */
static const char *text_or_null(const PGresult *res, int row, int col)
{
        return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

static long long int_or_none(const PGresult *res, int row, int col)
{
        return PQgetisnull(res, row, col) ? -1 : pg_int(res, row, col);
}

int pg_network_list(struct store *st, const struct store_query *q, store_network_cb cb,
                    void *userdata)
{
        _cleanup_pgresult_ PGresult *res = NULL;
        int r = pg_typed_query(st, &typed_networks, STORE_NETWORK_COLUMNS, q, true, &res);
        for (int i = 0; r > 0 && i < PQntuples(res); i++) {
                struct store_network n = {
                        .id = text_or_null(res, i, 0),
                        .project_id = text_or_null(res, i, 1),
                        .name = text_or_null(res, i, 2),
                        .description = text_or_null(res, i, 3),
                        .status = text_or_null(res, i, 4),
                        .admin_state_up = pg_int(res, i, 5) != 0,
                        .shared = pg_int(res, i, 6) != 0,
                        .external = pg_int(res, i, 7) != 0,
                        .port_security_enabled = pg_int(res, i, 8) != 0,
                        .mtu = int_or_none(res, i, 9),
                        .availability_zone_hints = text_or_null(res, i, 10),
                        .tags = text_or_null(res, i, 11),
                        .subnets = text_or_null(res, i, 12),
                        .created_at = text_or_null(res, i, 13),
                        .updated_at = text_or_null(res, i, 14),
                        .revision_number = pg_int(res, i, 15),
                        .network_type = text_or_null(res, i, 16),
                        .physical_network = text_or_null(res, i, 17),
                        .segmentation_id = int_or_none(res, i, 18),
                };
                int c = cb(&n, userdata);
                if (c < 0)
                        return c;
        }
        return r < 0 ? r : 0;
}

int pg_network_count(struct store *st, const struct store_query *q, size_t *ret)
{
        return pg_typed_count(st, &typed_networks, q, ret);
}

int pg_subnet_put(struct store *st, const struct store_subnet *s, bool create)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        pg_argv(&a, 16, s->id, s->project_id, s->network_id, s->name, s->cidr, s->gateway_ip,
                s->ipv6_ra_mode, s->ipv6_address_mode, s->subnetpool_id, s->description,
                s->dns_nameservers ?: "[]", s->host_routes ?: "[]", s->service_types ?: "[]",
                s->tags ?: "[]", s->created_at, s->updated_at);
        arg_int_or_null(&a, s->ip_version);
        pg_arg_int(&a, s->enable_dhcp);
        pg_arg_int(&a, s->shared);
        pg_arg_int(&a, s->revision_number);
        int r = create ? pg_inserted(pg_query(st, "insert subnet",
                                           "INSERT INTO subnets (id, project_id, network_id, "
                                           "name, cidr, gateway_ip, ipv6_ra_mode, "
                                           "ipv6_address_mode, subnetpool_id, description, "
                                           "dns_nameservers, host_routes, service_types, tags, "
                                           "created_at, updated_at, ip_version, enable_dhcp, "
                                           "shared, revision_number) VALUES ($1, $2, $3, $4, "
                                           "$5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
                                           "$16, $17, $18, $19, $20) ON CONFLICT DO NOTHING",
                                           &a, NULL))
                       : pg_touched(pg_query(st, "update subnet",
                                          "UPDATE subnets SET project_id = $2, network_id = $3, "
                                          "name = $4, cidr = $5, gateway_ip = $6, "
                                          "ipv6_ra_mode = $7, ipv6_address_mode = $8, "
                                          "subnetpool_id = $9, description = $10, "
                                          "dns_nameservers = $11, host_routes = $12, "
                                          "service_types = $13, tags = $14, created_at = $15, "
                                          "updated_at = $16, ip_version = $17, "
                                          "enable_dhcp = $18, shared = $19, "
                                          "revision_number = $20 WHERE id = $1",
                                          &a, NULL));
        if (r >= 0 && !create)
                r = pg_exec_texts(st, "allocation pools", "DELETE FROM subnet_allocation_pools "
                                  "WHERE subnet_id = $1", 1, s->id);
        for (size_t i = 0; r >= 0 && i < s->n_pools; i++) {
                const struct store_ip_range *p = &s->pools[i];
                if (!p->start || !p->end)
                        continue;
                _cleanup_pg_args_ struct pg_args pa = {0};
                pg_argv(&pa, 3, s->id, p->start, p->end);
                pg_arg_int(&pa, (long long)i);
                r = pg_query(st, "allocation pool", "INSERT INTO subnet_allocation_pools "
                             "(subnet_id, first_ip, last_ip, position) VALUES ($1, $2, $3, $4)",
                             &pa, NULL);
        }
        return r < 0 ? r : 0;
}

int pg_subnet_delete(struct store *st, const char *id)
{
        /* Its pools go with it (ON DELETE CASCADE). */
        return pg_touched(pg_exec_texts(st, "delete subnet", "DELETE FROM subnets WHERE id = $1",
                                     1, id));
}

int pg_subnet_count(struct store *st, const struct store_query *q, size_t *ret)
{
        return pg_typed_count(st, &typed_subnets, q, ret);
}

static const char *value_or_null(const PGresult *res, int row, int col)
{
        return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

/* The subnets the query selects, each joined with its pools (one row per
 * pool, or one without a pool), in one round trip. */
int pg_subnet_list(struct store *st, const struct store_query *q, store_subnet_cb cb,
                   void *userdata)
{
        _cleanup_strbuf_ struct strbuf sql = STRBUF_INIT;
        _cleanup_pg_args_ struct pg_args a = {0};
        _cleanup_pgresult_ PGresult *res = NULL;
        const struct typed_sql w = pg_typed_sql(&a);
        int r = strbuf_append(&sql, "SELECT s.*, p.first_ip, p.last_ip FROM (SELECT "
                              STORE_SUBNET_COLUMNS " FROM subnets");
        if (r >= 0)
                r = typed_query_list(&sql, &typed_subnets, q, &w);
        if (r >= 0)
                r = strbuf_append(&sql, ") AS s LEFT JOIN subnet_allocation_pools p ON "
                                  "p.subnet_id = s.id ORDER BY s.id, p.position");
        if (r >= 0)
                r = pg_query(st, "subnets", strbuf_str(&sql), &a, &res);
        if (r <= 0)
                return r;
        int rows = PQntuples(res);
        _cleanup_free_ struct store_ip_range *pools = calloc((size_t)rows, sizeof(*pools));
        if (!pools)
                return -ENOMEM;
        for (int i = 0; i < rows;) {
                struct store_subnet s = {
                        .id = PQgetvalue(res, i, 0),
                        .project_id = value_or_null(res, i, 1),
                        .network_id = value_or_null(res, i, 2),
                        .name = value_or_null(res, i, 3),
                        .description = value_or_null(res, i, 4),
                        .ip_version = int_or_none(res, i, 5),
                        .cidr = value_or_null(res, i, 6),
                        .gateway_ip = value_or_null(res, i, 7),
                        .enable_dhcp = pg_int(res, i, 8) != 0,
                        .shared = pg_int(res, i, 9) != 0,
                        .ipv6_ra_mode = value_or_null(res, i, 10),
                        .ipv6_address_mode = value_or_null(res, i, 11),
                        .subnetpool_id = value_or_null(res, i, 12),
                        .dns_nameservers = value_or_null(res, i, 13),
                        .host_routes = value_or_null(res, i, 14),
                        .service_types = value_or_null(res, i, 15),
                        .tags = value_or_null(res, i, 16),
                        .created_at = value_or_null(res, i, 17),
                        .updated_at = value_or_null(res, i, 18),
                        .revision_number = pg_int(res, i, 19),
                        .pools = pools,
                };
                for (; i < rows && streq(PQgetvalue(res, i, 0), s.id); i++)
                        if (!PQgetisnull(res, i, 20))
                                pools[s.n_pools++] = (struct store_ip_range){
                                        PQgetvalue(res, i, 20), PQgetvalue(res, i, 21)};
                if ((r = cb(&s, userdata)) < 0)
                        return r;
        }
        return 0;
}

int pg_port_put(struct store *st, const struct store_port *p, bool create)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        _cleanup_strbuf_ struct strbuf ips = STRBUF_INIT;
        if (port_ips_text(p, &ips) < 0)
                return -ENOMEM;
        pg_argv(&a, 21, p->id, p->project_id, p->network_id, p->name, p->description,
                p->device_id, p->device_owner, p->mac_address, p->host, p->vnic_type,
                p->vif_type, p->vif_details ?: "{}", p->profile ?: "{}", p->status,
                p->security_groups ?: "[]", p->allowed_address_pairs ?: "[]",
                p->extra_dhcp_opts ?: "[]", p->tags ?: "[]", p->created_at, p->updated_at,
                strbuf_str(&ips));
        pg_arg_int(&a, p->admin_state_up);
        pg_arg_int(&a, p->port_security_enabled);
        pg_arg_int(&a, p->revision_number);
        int r = create ? pg_inserted(pg_query(st, "insert port",
                                           "INSERT INTO ports (id, project_id, network_id, name, "
                                           "description, device_id, device_owner, mac_address, "
                                           "host, vnic_type, vif_type, vif_details, profile, "
                                           "status, security_groups, allowed_address_pairs, "
                                           "extra_dhcp_opts, tags, created_at, updated_at, "
                                           "fixed_ips, admin_state_up, port_security_enabled, "
                                           "revision_number) VALUES ($1, $2, $3, $4, $5, $6, "
                                           "$7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, "
                                           "$18, $19, $20, $21, $22, $23, $24) "
                                           "ON CONFLICT DO NOTHING", &a, NULL))
                       : pg_touched(pg_query(st, "update port",
                                          "UPDATE ports SET project_id = $2, network_id = $3, "
                                          "name = $4, description = $5, device_id = $6, "
                                          "device_owner = $7, mac_address = $8, host = $9, "
                                          "vnic_type = $10, vif_type = $11, vif_details = $12, "
                                          "profile = $13, status = $14, security_groups = $15, "
                                          "allowed_address_pairs = $16, extra_dhcp_opts = $17, "
                                          "tags = $18, created_at = $19, updated_at = $20, "
                                          "fixed_ips = $21, admin_state_up = $22, "
                                          "port_security_enabled = $23, revision_number = $24 "
                                          "WHERE id = $1", &a, NULL));
        if (r >= 0 && !create)
                r = pg_exec_texts(st, "fixed IPs", "DELETE FROM port_fixed_ips WHERE port_id = $1",
                                  1, p->id);
        for (size_t i = 0; r >= 0 && i < p->n_fixed_ips; i++) {
                const struct store_fixed_ip *f = &p->fixed_ips[i];
                if (!f->subnet_id || !f->ip_address)
                        continue;
                r = pg_exec_texts(st, "fixed IP", "INSERT INTO port_fixed_ips (port_id, "
                                  "subnet_id, ip_address) VALUES ($1, $2, $3) "
                                  "ON CONFLICT DO NOTHING", 3, p->id, f->subnet_id,
                                  f->ip_address);
        }
        return r < 0 ? r : 0;
}

int pg_port_host(struct store *st, const char *id, char **ret)
{
        *ret = NULL;
        return get_texts(st, "port host", "SELECT nullif(host, '') FROM ports WHERE id = $1", id,
                         1, ret);
}

int pg_port_delete(struct store *st, const char *id)
{
        /* Its fixed IPs go with it (ON DELETE CASCADE). */
        return pg_touched(pg_exec_texts(st, "delete port", "DELETE FROM ports WHERE id = $1", 1, id));
}

int pg_port_list(struct store *st, const struct store_query *q, store_port_cb cb, void *userdata)
{
        _cleanup_pgresult_ PGresult *res = NULL;
        _cleanup_(port_ips_buf_done) struct port_ips_buf ips = {0};
        int r = pg_typed_query(st, &typed_ports, STORE_PORT_COLUMNS, q, true, &res);
        for (int i = 0; r > 0 && i < PQntuples(res); i++) {
                struct store_port p = {
                        .id = text_or_null(res, i, 0),
                        .project_id = text_or_null(res, i, 1),
                        .network_id = text_or_null(res, i, 2),
                        .name = text_or_null(res, i, 3),
                        .description = text_or_null(res, i, 4),
                        .device_id = text_or_null(res, i, 5),
                        .device_owner = text_or_null(res, i, 6),
                        .mac_address = text_or_null(res, i, 7),
                        .host = text_or_null(res, i, 8),
                        .vnic_type = text_or_null(res, i, 9),
                        .vif_type = text_or_null(res, i, 10),
                        .vif_details = text_or_null(res, i, 11),
                        .profile = text_or_null(res, i, 12),
                        .status = text_or_null(res, i, 13),
                        .admin_state_up = pg_int(res, i, 14) != 0,
                        .port_security_enabled = pg_int(res, i, 15) != 0,
                        .security_groups = text_or_null(res, i, 16),
                        .allowed_address_pairs = text_or_null(res, i, 17),
                        .extra_dhcp_opts = text_or_null(res, i, 18),
                        .tags = text_or_null(res, i, 19),
                        .created_at = text_or_null(res, i, 20),
                        .updated_at = text_or_null(res, i, 21),
                        .revision_number = pg_int(res, i, 22),
                };
                int c = port_ips_read(&ips, text_or_null(res, i, STORE_PORT_FIXED_IPS_COLUMN), &p);
                if (c >= 0)
                        c = cb(&p, userdata);
                if (c < 0)
                        return c;
        }
        return r < 0 ? r : 0;
}

int pg_port_count(struct store *st, const struct store_query *q, size_t *ret)
{
        return pg_typed_count(st, &typed_ports, q, ret);
}

int pg_agent_put(struct store *st, const struct store_agent *a, bool create)
{
        _cleanup_pg_args_ struct pg_args x = {0};
        pg_argv(&x, 8, a->id, a->host, a->agent_type, a->binary, a->topic, a->heartbeat_text,
                a->instance_id, a->doc);
        pg_arg_int(&x, a->admin_state_up);
        pg_arg_double(&x, a->heartbeat);
        return create ? pg_inserted(pg_query(st, "insert agent",
                                             "INSERT INTO agents (id, host, agent_type, "
                                             "agent_binary, topic, heartbeat_timestamp, "
                                             "instance_id, doc, admin_state_up, heartbeat) "
                                             "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
                                             "ON CONFLICT DO NOTHING", &x, NULL))
                      : pg_touched(pg_query(st, "update agent",
                                            "UPDATE agents SET host = $2, agent_type = $3, "
                                            "agent_binary = $4, topic = $5, "
                                            "heartbeat_timestamp = $6, instance_id = $7, "
                                            "doc = $8, admin_state_up = $9, heartbeat = $10 "
                                            "WHERE id = $1", &x, NULL));
}

int pg_agent_get(struct store *st, const char *id, char **ret_doc, double *ret_heartbeat,
                 char **ret_heartbeat_text)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        _cleanup_pgresult_ PGresult *res = NULL;
        pg_arg(&a, id);
        int r = pg_query(st, "get agent", "SELECT doc, heartbeat_timestamp, heartbeat FROM agents "
                         "WHERE id = $1", &a, &res);
        if (r <= 0)
                return r < 0 ? r : -ENOENT;
        char **fields[2] = {ret_doc, ret_heartbeat_text};
        r = pg_columns_dup(res, 0, fields, 2);
        if (r >= 0)
                *ret_heartbeat = pg_double(res, 0, 2);
        return r;
}

int pg_agent_delete(struct store *st, const char *id)
{
        return pg_touched(pg_exec_texts(st, "delete agent", "DELETE FROM agents WHERE id = $1", 1,
                                        id));
}

int pg_agent_list(struct store *st, const struct store_query *q, store_agent_row_cb cb,
                  void *userdata)
{
        _cleanup_pgresult_ PGresult *res = NULL;
        int r = pg_typed_query(st, &typed_agents, "id, doc, heartbeat, heartbeat_timestamp", q, true,
                          &res);
        for (int i = 0; r > 0 && i < PQntuples(res); i++) {
                int c = cb(PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), pg_double(res, i, 2),
                           PQgetisnull(res, i, 3) ? NULL : PQgetvalue(res, i, 3), userdata);
                if (c < 0)
                        return c;
        }
        return r < 0 ? r : 0;
}
