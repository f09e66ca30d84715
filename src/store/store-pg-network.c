/* The PostgreSQL backend's networks, segments, ports and fixed IPs
 * (typed-query.h maps a query's attributes).  Inserts that must be
 * unique use ON CONFLICT DO NOTHING: a unique violation would abort the
 * whole transaction. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>

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

/* Runs SELECT what FROM the table with the query's WHERE (and, for a
 * list, its order and limit). */
static int run_query(struct store *st, const struct typed_table *t, const char *what,
                     const struct store_query *q, bool list, PGresult **res)
{
        _cleanup_strbuf_ struct strbuf sql = STRBUF_INIT;
        _cleanup_pg_args_ struct pg_args a = {0};
        const struct typed_sql w = {param, doc_attr, doc_member, " ORDER BY id", &a};
        int r = strbuf_printf(&sql, "SELECT %s FROM %s", what, typed_table_name(t));
        if (r >= 0)
                r = list ? typed_query_list(&sql, t, q, &w) : typed_query_where(&sql, t, q, &w);
        return r < 0 ? r : pg_query(st, "list", strbuf_str(&sql), &a, res);
}

static int typed_list(struct store *st, const struct typed_table *t, const struct store_query *q,
                      store_obj_cb cb, void *userdata)
{
        _cleanup_pgresult_ PGresult *res = NULL;
        int r = run_query(st, t, "id, doc", q, true, &res);
        for (int i = 0; r > 0 && i < PQntuples(res); i++) {
                int c = cb(PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), userdata);
                if (c < 0)
                        return c;
        }
        return r < 0 ? r : 0;
}

static int typed_count(struct store *st, const struct typed_table *t, const struct store_query *q,
                       size_t *ret)
{
        _cleanup_pgresult_ PGresult *res = NULL;
        int r = run_query(st, t, "count(*)", q, false, &res);
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
        pg_argv(&a, 5, n->id, n->project_id, n->name, n->status, n->doc);
        pg_arg_int(&a, n->admin_state_up);
        pg_arg_int(&a, n->shared);
        pg_arg_int(&a, n->external);
        arg_int_or_null(&a, n->mtu);
        int r = create ? pg_inserted(pg_query(st, "insert network",
                                           "INSERT INTO networks (id, project_id, name, status, "
                                           "doc, admin_state_up, shared, external, mtu) VALUES "
                                           "($1, $2, $3, $4, $5, $6, $7, $8, $9) "
                                           "ON CONFLICT DO NOTHING", &a, NULL))
                       : pg_touched(pg_query(st, "update network",
                                          "UPDATE networks SET project_id = $2, name = $3, "
                                          "status = $4, doc = $5, admin_state_up = $6, "
                                          "shared = $7, external = $8, mtu = $9 WHERE id = $1",
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

int pg_network_get(struct store *st, const char *id, char **ret_doc, char **ret_project)
{
        return get_texts(st, "get network", "SELECT doc, project_id FROM networks WHERE id = $1",
                         id, 2, ret_doc, ret_project);
}

int pg_network_delete(struct store *st, const char *id)
{
        /* Its segment goes with it (ON DELETE CASCADE). */
        return pg_touched(pg_exec_texts(st, "delete network", "DELETE FROM networks WHERE id = $1",
                                     1, id));
}

int pg_network_list(struct store *st, const struct store_query *q, store_obj_cb cb, void *userdata)
{
        return typed_list(st, &typed_networks, q, cb, userdata);
}

int pg_network_count(struct store *st, const struct store_query *q, size_t *ret)
{
        return typed_count(st, &typed_networks, q, ret);
}

int pg_port_put(struct store *st, const struct store_port *p, bool create)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        pg_argv(&a, 11, p->id, p->project_id, p->network_id, p->name, p->device_id,
                p->device_owner, p->mac_address, p->host, p->vnic_type, p->status, p->doc);
        pg_arg_int(&a, p->admin_state_up);
        int r = create ? pg_inserted(pg_query(st, "insert port",
                                           "INSERT INTO ports (id, project_id, network_id, name, "
                                           "device_id, device_owner, mac_address, host, "
                                           "vnic_type, status, doc, admin_state_up) VALUES ($1, "
                                           "$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
                                           "ON CONFLICT DO NOTHING", &a, NULL))
                       : pg_touched(pg_query(st, "update port",
                                          "UPDATE ports SET project_id = $2, network_id = $3, "
                                          "name = $4, device_id = $5, device_owner = $6, "
                                          "mac_address = $7, host = $8, vnic_type = $9, "
                                          "status = $10, doc = $11, admin_state_up = $12 "
                                          "WHERE id = $1", &a, NULL));
        if (r >= 0 && !create)
                r = pg_exec_texts(st, "fixed IPs", "DELETE FROM port_fixed_ips WHERE port_id = $1",
                                  1, p->id);
        for (size_t i = 0; r >= 0 && i < p->n_fixed_ips; i++) {
                const struct store_fixed_ip *f = &p->fixed_ips[i];
                if (f->subnet_id && f->ip_address)
                        r = pg_exec_texts(st, "fixed IP", "INSERT INTO port_fixed_ips (port_id, "
                                          "subnet_id, ip_address) VALUES ($1, $2, $3) "
                                          "ON CONFLICT DO NOTHING", 3, p->id, f->subnet_id,
                                          f->ip_address);
        }
        return r < 0 ? r : 0;
}

int pg_port_get(struct store *st, const char *id, char **ret_doc, char **ret_project)
{
        return get_texts(st, "get port", "SELECT doc, project_id FROM ports WHERE id = $1", id, 2,
                         ret_doc, ret_project);
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

int pg_port_list(struct store *st, const struct store_query *q, store_obj_cb cb, void *userdata)
{
        return typed_list(st, &typed_ports, q, cb, userdata);
}

int pg_port_count(struct store *st, const struct store_query *q, size_t *ret)
{
        return typed_count(st, &typed_ports, q, ret);
}
