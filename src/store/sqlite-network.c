/* Networks, segments, subnets, ports, fixed IPs and agents as typed rows
 * (SQLite): a store_query's attributes map to columns, to the rows of a
 * child table (a network's segment, a port's addresses) or, for the
 * rest, to the document. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite-private.h"
#include "store/typed-query.h"

static int param(struct strbuf *sql, void *ctx, const char *value, bool num)
{
        /* Bound by bind_query(), which walks the query in the same order. */
        return strbuf_append(sql, "?");
}

static int doc_attr(struct strbuf *sql, const char *attr, bool num)
{
        return strbuf_printf(sql, "json_extract(doc, '$.\"%s\"')", attr);
}

static int doc_member(struct strbuf *sql, const char *attr, const char *member, bool num)
{
        return strbuf_printf(sql, " AND EXISTS (SELECT 1 FROM json_each(doc, '$.\"%s\"') AS m "
                             "WHERE json_extract(m.value, '$.\"%s\"')", attr, member);
}

static int list_element(struct strbuf *sql, const char *column)
{
        return strbuf_printf(sql, " AND EXISTS (SELECT 1 FROM json_each(%s) AS e "
                             "WHERE e.value", column);
}

/* The indexes end in id, so one value per filter comes out in id order;
 * several values would make the planner walk the primary key to skip a
 * sort, which "+id" prevents. */
static const struct typed_sql sqlite_sql = {param, doc_attr, doc_member, list_element,
                                            " ORDER BY +id", NULL};

static void bind_query(sqlite3_stmt *s, const struct store_query *q)
{
        int n = 1;
        for (size_t i = 0; q && i < q->n_filters; i++) {
                const struct store_filter *f = &q->filters[i];
                for (size_t j = 0; j < f->n_values; j++) {
                        if (f->type == STORE_VALUE_INT)
                                sqlite3_bind_int64(s, n++, strtoll(f->values[j], NULL, 10));
                        else
                                sqlite3_bind_text(s, n++, f->values[j], -1, SQLITE_STATIC);
                }
        }
        if (q && q->project_id)
                sqlite3_bind_text(s, n++, q->project_id, -1, SQLITE_STATIC);
        if (q && q->marker)
                sqlite3_bind_text(s, n++, q->marker, -1, SQLITE_STATIC);
}

/* SELECT what FROM the table, the query's WHERE (and, for a list, its
 * order and limit), prepared and bound. */
int sqlite_typed_prepare(struct sqlite_store *st, const struct typed_table *t, const char *what,
                         const struct store_query *q, bool list, struct stmt_handle *h)
{
        _cleanup_strbuf_ struct strbuf sql = STRBUF_INIT;
        int r = strbuf_printf(&sql, "SELECT %s FROM %s", what, typed_table_from(t));
        if (r >= 0)
                r = list ? typed_query_list(&sql, t, q, &sqlite_sql)
                         : typed_query_where(&sql, t, q, &sqlite_sql);
        if (r >= 0)
                r = sqlite_prepare(st, strbuf_str(&sql), h);
        if (r >= 0)
                bind_query(h->s, q);
        return r;
}

int sqlite_typed_prepare_ids(struct sqlite_store *st, const struct typed_table *t,
                             const char *head, const struct store_query *q, const char *tail,
                             struct stmt_handle *h)
{
        _cleanup_strbuf_ struct strbuf sql = STRBUF_INIT;
        int r = strbuf_printf(&sql, "%sSELECT id FROM %s", head, typed_table_from(t));
        if (r >= 0)
                r = typed_query_list(&sql, t, q, &sqlite_sql);
        if (r >= 0)
                r = strbuf_append(&sql, tail);
        if (r >= 0)
                r = sqlite_prepare(st, strbuf_str(&sql), h);
        if (r >= 0)
                bind_query(h->s, q);
        return r;
}

int sqlite_typed_count(struct sqlite_store *st, const struct typed_table *t,
                       const struct store_query *q, size_t *ret)
{
        _cleanup_stmt_ struct stmt_handle h = {0};
        int r = sqlite_typed_prepare(st, t, "count(*)", q, false, &h);
        if (r < 0)
                return r;
        r = sqlite_step_row(st, h.s, "count");
        if (r <= 0)
                return r < 0 ? r : -EIO;
        *ret = (size_t)sqlite3_column_int64(h.s, 0);
        return 0;
}

/* Run a put statement; an update that changed no row: -ENOENT. */
static int put_done(struct sqlite_store *st, sqlite3_stmt *s, bool create)
{
        int r = sqlite_step_done(st, s, "put");
        if (r >= 0 && !create && sqlite3_changes(st->db) == 0)
                return -ENOENT;
        return r;
}

static void bind_int_or_null(sqlite3_stmt *s, int i, long long v)
{
        if (v < 0)
                sqlite3_bind_null(s, i);
        else
                sqlite3_bind_int64(s, i, v);
}

static const char *column_text(sqlite3_stmt *s, int i)
{
        return (const char *)sqlite3_column_text(s, i);
}

int sqlite_network_put(struct store *base, const struct store_network *n, bool create)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        int r = sqlite_prepare_texts(
                st,
                create ? "INSERT INTO networks (id, project_id, name, description, status, "
                         "availability_zone_hints, tags, subnets, created_at, updated_at, "
                         "admin_state_up, shared, external, port_security_enabled, mtu, "
                         "revision_number) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,"
                         "?14,?15,?16)"
                       : "UPDATE networks SET project_id = ?2, name = ?3, description = ?4, "
                         "status = ?5, availability_zone_hints = ?6, tags = ?7, subnets = ?8, "
                         "created_at = ?9, updated_at = ?10, admin_state_up = ?11, shared = ?12, "
                         "external = ?13, port_security_enabled = ?14, mtu = ?15, "
                         "revision_number = ?16 WHERE id = ?1",
                &h, 10, n->id, n->project_id, n->name, n->description, n->status,
                n->availability_zone_hints ?: "[]", n->tags ?: "[]", n->subnets ?: "[]",
                n->created_at, n->updated_at);
        if (r < 0)
                return r;
        sqlite3_bind_int(h.s, 11, n->admin_state_up);
        sqlite3_bind_int(h.s, 12, n->shared);
        sqlite3_bind_int(h.s, 13, n->external);
        sqlite3_bind_int(h.s, 14, n->port_security_enabled);
        bind_int_or_null(h.s, 15, n->mtu);
        sqlite3_bind_int64(h.s, 16, n->revision_number);
        if ((r = put_done(st, h.s, create)) < 0)
                return r;
        /* The segment is set when the network is made; an update that
         * keeps it (every one today) writes nothing. */
        if (!n->network_type)
                return create ? 0 : sqlite_exec_texts(st, "segment",
                                                      "DELETE FROM network_segments WHERE "
                                                      "network_id = ?", 1, n->id);
        _cleanup_stmt_ struct stmt_handle s = {0};
        r = sqlite_prepare_texts(st,
                                 "INSERT INTO network_segments (network_id, network_type, "
                                 "physical_network, segmentation_id) VALUES (?1,?2,?3,?4) "
                                 "ON CONFLICT (network_id) DO UPDATE SET network_type = ?2, "
                                 "physical_network = ?3, segmentation_id = ?4 WHERE "
                                 "network_type IS NOT ?2 OR physical_network IS NOT ?3 OR "
                                 "segmentation_id IS NOT ?4",
                                 &s, 3, n->id, n->network_type, n->physical_network);
        if (r < 0)
                return r;
        bind_int_or_null(s.s, 4, n->segmentation_id);
        return sqlite_step_done(st, s.s, "segment");
}

int sqlite_network_delete(struct store *base, const char *id)
{
        struct sqlite_store *st = to_sqlite(base);
        /* Its segment goes with it (ON DELETE CASCADE). */
        return sqlite_delete_by_id(st, "DELETE FROM networks WHERE id = ?", id);
}

static long long column_int_or_none(sqlite3_stmt *s, int i)
{
        return sqlite3_column_type(s, i) == SQLITE_NULL ? -1 : sqlite3_column_int64(s, i);
}

/* The segments read beside a list of networks, in the same (id) order:
 * a full list finds each network's segment one step on, with no lookup
 * per row; past a gap of more than a few (a filtered list) the cursor
 * seeks again. */
struct segment_cursor {
        struct stmt_handle h;
        bool sought;
        bool row; /* h holds a row */
};

#define SEGMENT_STEPS_BEFORE_SEEK 4

static int segment_seek(struct sqlite_store *st, struct segment_cursor *c, const char *id)
{
        sqlite3_reset(c->h.s);
        sqlite3_bind_text(c->h.s, 1, id, -1, SQLITE_TRANSIENT);
        int r = sqlite_step_row(st, c->h.s, "network segments");
        c->sought = true;
        c->row = r > 0;
        return r < 0 ? r : 0;
}

/* n's segment columns from the cursor (none: NULL, -1); they point into
 * the cursor's row until it moves. */
static int segment_of(struct sqlite_store *st, struct segment_cursor *c, struct store_network *n)
{
        int r;
        n->network_type = n->physical_network = NULL;
        n->segmentation_id = -1;
        if (!c->sought && (r = segment_seek(st, c, n->id)) < 0)
                return r;
        for (int steps = 0; c->row; steps++) {
                int cmp = strcmp(column_text(c->h.s, 0), n->id);
                if (cmp == 0) {
                        n->network_type = column_text(c->h.s, 1);
                        n->physical_network = column_text(c->h.s, 2);
                        n->segmentation_id = column_int_or_none(c->h.s, 3);
                }
                if (cmp >= 0)
                        return 0;
                if (steps == SEGMENT_STEPS_BEFORE_SEEK) {
                        if ((r = segment_seek(st, c, n->id)) < 0)
                                return r;
                        continue;
                }
                r = sqlite_step_row(st, c->h.s, "network segments");
                if (r < 0)
                        return r;
                c->row = r > 0;
        }
        return 0;
}

int sqlite_network_list(struct store *base, const struct store_query *q, store_network_cb cb,
                        void *userdata)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        _cleanup_stmt_ struct stmt_handle seg = {0};
        int r = sqlite_typed_prepare(st, &typed_networks_alone, STORE_NETWORK_OWN_COLUMNS, q, true, &h);
        if (r < 0)
                return r;
        r = sqlite_prepare(st, "SELECT network_id, network_type, physical_network, segmentation_id "
                           "FROM network_segments WHERE network_id >= ? ORDER BY network_id", &seg);
        if (r < 0)
                return r;
        struct segment_cursor c = {.h = seg};
        while ((r = sqlite_step_row(st, h.s, "networks")) > 0) {
                struct store_network n = {
                        .id = column_text(h.s, 0),
                        .project_id = column_text(h.s, 1),
                        .name = column_text(h.s, 2),
                        .description = column_text(h.s, 3),
                        .status = column_text(h.s, 4),
                        .admin_state_up = sqlite3_column_int(h.s, 5) != 0,
                        .shared = sqlite3_column_int(h.s, 6) != 0,
                        .external = sqlite3_column_int(h.s, 7) != 0,
                        .port_security_enabled = sqlite3_column_int(h.s, 8) != 0,
                        .mtu = column_int_or_none(h.s, 9),
                        .availability_zone_hints = column_text(h.s, 10),
                        .tags = column_text(h.s, 11),
                        .subnets = column_text(h.s, 12),
                        .created_at = column_text(h.s, 13),
                        .updated_at = column_text(h.s, 14),
                        .revision_number = sqlite3_column_int64(h.s, 15),
                };
                if ((r = segment_of(st, &c, &n)) < 0 || (r = cb(&n, userdata)) < 0)
                        return r;
        }
        return r;
}

int sqlite_network_count(struct store *base, const struct store_query *q, size_t *ret)
{
        struct sqlite_store *st = to_sqlite(base);
        return sqlite_typed_count(st, &typed_networks, q, ret);
}

static int put_pools(struct sqlite_store *st, const struct store_subnet *s)
{
        for (size_t i = 0; i < s->n_pools; i++) {
                const struct store_ip_range *p = &s->pools[i];
                if (!p->start || !p->end)
                        continue;
                _cleanup_stmt_ struct stmt_handle h = {0};
                int r = sqlite_prepare_texts(st,
                                             "INSERT INTO subnet_allocation_pools (subnet_id, "
                                             "first_ip, last_ip, position) VALUES (?,?,?,?)",
                                             &h, 3, s->id, p->start, p->end);
                if (r < 0)
                        return r;
                sqlite3_bind_int64(h.s, 4, (sqlite3_int64)i);
                if ((r = sqlite_step_done(st, h.s, "allocation pool")) < 0)
                        return r;
        }
        return 0;
}

int sqlite_subnet_put(struct store *base, const struct store_subnet *s, bool create)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        int r = sqlite_prepare_texts(
                st,
                create ? "INSERT INTO subnets (id, project_id, network_id, name, cidr, gateway_ip, "
                         "ipv6_ra_mode, ipv6_address_mode, subnetpool_id, description, "
                         "dns_nameservers, host_routes, service_types, tags, created_at, "
                         "updated_at, ip_version, enable_dhcp, shared, revision_number) VALUES "
                         "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20)"
                       : "UPDATE subnets SET project_id = ?2, network_id = ?3, name = ?4, "
                         "cidr = ?5, gateway_ip = ?6, ipv6_ra_mode = ?7, ipv6_address_mode = ?8, "
                         "subnetpool_id = ?9, description = ?10, dns_nameservers = ?11, "
                         "host_routes = ?12, service_types = ?13, tags = ?14, created_at = ?15, "
                         "updated_at = ?16, ip_version = ?17, enable_dhcp = ?18, shared = ?19, "
                         "revision_number = ?20 WHERE id = ?1",
                &h, 16, s->id, s->project_id, s->network_id, s->name, s->cidr, s->gateway_ip,
                s->ipv6_ra_mode, s->ipv6_address_mode, s->subnetpool_id, s->description,
                s->dns_nameservers ?: "[]", s->host_routes ?: "[]", s->service_types ?: "[]",
                s->tags ?: "[]", s->created_at, s->updated_at);
        if (r < 0)
                return r;
        bind_int_or_null(h.s, 17, s->ip_version);
        sqlite3_bind_int(h.s, 18, s->enable_dhcp);
        sqlite3_bind_int(h.s, 19, s->shared);
        sqlite3_bind_int64(h.s, 20, s->revision_number);
        if ((r = put_done(st, h.s, create)) < 0)
                return r;
        if (!create && (r = sqlite_exec_texts(st, "allocation pools",
                                              "DELETE FROM subnet_allocation_pools WHERE "
                                              "subnet_id = ?", 1, s->id)) < 0)
                return r;
        return put_pools(st, s);
}

int sqlite_subnet_delete(struct store *base, const char *id)
{
        struct sqlite_store *st = to_sqlite(base);
        /* Its pools go with it (ON DELETE CASCADE). */
        return sqlite_delete_by_id(st, "DELETE FROM subnets WHERE id = ?", id);
}

int sqlite_subnet_count(struct store *base, const struct store_query *q, size_t *ret)
{
        struct sqlite_store *st = to_sqlite(base);
        return sqlite_typed_count(st, &typed_subnets, q, ret);
}

/* The pools of the subnets a list selects, read beside it in one
 * statement in the same order (subnet id, then position), so a list of
 * many subnets costs two statements, not one per subnet. */
static int prepare_pools(struct sqlite_store *st, const struct store_query *q,
                         struct stmt_handle *h)
{
        return sqlite_typed_prepare_ids(st, &typed_subnets,
                                        "SELECT subnet_id, first_ip, last_ip FROM "
                                        "subnet_allocation_pools WHERE subnet_id IN (", q,
                                        ") ORDER BY subnet_id, position", h);
}

/* One subnet's pools being gathered from the pools' statement: their text
 * copied (a row's text is gone once the next is read), the ranges. */
struct pool_gather {
        struct strbuf text;
        size_t *ends; /* for each range: where its start and its end end in text */
        struct store_ip_range *v;
        size_t n, cap;
};

static void pool_gather_done(struct pool_gather *g)
{
        strbuf_done(&g->text);
        free(g->ends);
        free(g->v);
}

static int pool_add(struct pool_gather *g, const char *start, const char *end)
{
        if (g->n == g->cap) {
                size_t cap = g->cap ? 2 * g->cap : 4;
                size_t *ends = reallocarray(g->ends, 2 * cap, sizeof(*ends));
                if (!ends)
                        return -ENOMEM;
                g->ends = ends;
                struct store_ip_range *v = reallocarray(g->v, cap, sizeof(*v));
                if (!v)
                        return -ENOMEM;
                g->v = v;
                g->cap = cap;
        }
        int r = strbuf_append_len(&g->text, start, strlen(start) + 1);
        g->ends[2 * g->n] = g->text.len;
        if (r >= 0)
                r = strbuf_append_len(&g->text, end, strlen(end) + 1);
        g->ends[2 * g->n + 1] = g->text.len;
        if (r >= 0)
                g->n++;
        return r;
}

/* The ranges pointing into the gathered text (final once gathered). */
static void pool_ranges(struct pool_gather *g)
{
        for (size_t i = 0; i < g->n; i++) {
                size_t start = i ? g->ends[2 * i - 1] : 0;
                g->v[i] = (struct store_ip_range){g->text.buf + start,
                                                  g->text.buf + g->ends[2 * i]};
        }
}

/* Reads, from the pools' statement at row *pr, the pools of subnet id;
 * *pr is the statement's step past them. */
static int gather_pools(struct sqlite_store *st, sqlite3_stmt *p, int *pr, const char *id,
                        struct pool_gather *g)
{
        g->n = 0;
        strbuf_reset(&g->text);
        while (*pr > 0 && strcmp(column_text(p, 0), id) < 0)
                *pr = sqlite_step_row(st, p, "allocation pools");
        while (*pr > 0 && streq(column_text(p, 0), id)) {
                int r = pool_add(g, column_text(p, 1), column_text(p, 2));
                if (r < 0)
                        return r;
                *pr = sqlite_step_row(st, p, "allocation pools");
        }
        if (*pr < 0)
                return *pr;
        pool_ranges(g);
        return 0;
}

int sqlite_subnet_list(struct store *base, const struct store_query *q, store_subnet_cb cb,
                       void *userdata)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0}, p = {0};
        _cleanup_(pool_gather_done) struct pool_gather g = {STRBUF_INIT, NULL, NULL, 0, 0};
        int r = sqlite_typed_prepare(st, &typed_subnets, STORE_SUBNET_COLUMNS, q, true, &h);
        if (r >= 0)
                r = prepare_pools(st, q, &p);
        if (r < 0)
                return r;
        int pr = sqlite_step_row(st, p.s, "allocation pools");
        while ((r = sqlite_step_row(st, h.s, "subnets")) > 0) {
                struct store_subnet s = {
                        .id = column_text(h.s, 0),
                        .project_id = column_text(h.s, 1),
                        .network_id = column_text(h.s, 2),
                        .name = column_text(h.s, 3),
                        .description = column_text(h.s, 4),
                        .ip_version = column_int_or_none(h.s, 5),
                        .cidr = column_text(h.s, 6),
                        .gateway_ip = column_text(h.s, 7),
                        .enable_dhcp = sqlite3_column_int(h.s, 8) != 0,
                        .shared = sqlite3_column_int(h.s, 9) != 0,
                        .ipv6_ra_mode = column_text(h.s, 10),
                        .ipv6_address_mode = column_text(h.s, 11),
                        .subnetpool_id = column_text(h.s, 12),
                        .dns_nameservers = column_text(h.s, 13),
                        .host_routes = column_text(h.s, 14),
                        .service_types = column_text(h.s, 15),
                        .tags = column_text(h.s, 16),
                        .created_at = column_text(h.s, 17),
                        .updated_at = column_text(h.s, 18),
                        .revision_number = sqlite3_column_int64(h.s, 19),
                };
                if ((r = gather_pools(st, p.s, &pr, s.id, &g)) < 0)
                        return r;
                s.pools = g.v;
                s.n_pools = g.n;
                if ((r = cb(&s, userdata)) < 0)
                        return r;
        }
        return r;
}

static int put_fixed_ips(struct sqlite_store *st, const struct store_port *p)
{
        for (size_t i = 0; i < p->n_fixed_ips; i++) {
                const struct store_fixed_ip *f = &p->fixed_ips[i];
                if (!f->subnet_id || !f->ip_address)
                        continue;
                _cleanup_stmt_ struct stmt_handle h = {0};
                int r = sqlite_prepare_texts(st,
                                             "INSERT OR IGNORE INTO port_fixed_ips (port_id, "
                                             "subnet_id, ip_address) VALUES (?,?,?)",
                                             &h, 3, p->id, f->subnet_id, f->ip_address);
                if (r < 0 || (r = sqlite_step_done(st, h.s, "fixed IP")) < 0)
                        return r;
        }
        return 0;
}

int sqlite_port_put(struct store *base, const struct store_port *p, bool create)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        _cleanup_strbuf_ struct strbuf ips = STRBUF_INIT;
        int r = port_ips_text(p, &ips);
        if (r < 0)
                return r;
        r = sqlite_prepare_texts(
                st,
                create ? "INSERT INTO ports (id, project_id, network_id, name, description, "
                         "device_id, device_owner, mac_address, host, vnic_type, vif_type, "
                         "vif_details, profile, status, security_groups, allowed_address_pairs, "
                         "extra_dhcp_opts, tags, created_at, updated_at, fixed_ips, "
                         "admin_state_up, port_security_enabled, revision_number) VALUES (?1,?2,"
                         "?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,"
                         "?22,?23,?24)"
                       : "UPDATE ports SET project_id = ?2, network_id = ?3, name = ?4, "
                         "description = ?5, device_id = ?6, device_owner = ?7, "
                         "mac_address = ?8, host = ?9, vnic_type = ?10, vif_type = ?11, "
                         "vif_details = ?12, profile = ?13, status = ?14, "
                         "security_groups = ?15, allowed_address_pairs = ?16, "
                         "extra_dhcp_opts = ?17, tags = ?18, created_at = ?19, "
                         "updated_at = ?20, fixed_ips = ?21, admin_state_up = ?22, "
                         "port_security_enabled = ?23, revision_number = ?24 WHERE id = ?1",
                &h, 21, p->id, p->project_id, p->network_id, p->name, p->description,
                p->device_id, p->device_owner, p->mac_address, p->host, p->vnic_type,
                p->vif_type, p->vif_details ?: "{}", p->profile ?: "{}", p->status,
                p->security_groups ?: "[]", p->allowed_address_pairs ?: "[]",
                p->extra_dhcp_opts ?: "[]", p->tags ?: "[]", p->created_at, p->updated_at,
                strbuf_str(&ips));
        if (r < 0)
                return r;
        sqlite3_bind_int(h.s, 22, p->admin_state_up);
        sqlite3_bind_int(h.s, 23, p->port_security_enabled);
        sqlite3_bind_int64(h.s, 24, p->revision_number);
        if ((r = put_done(st, h.s, create)) < 0)
                return r;
        if (!create && (r = sqlite_exec_texts(st, "fixed IPs",
                                              "DELETE FROM port_fixed_ips WHERE port_id = ?", 1,
                                              p->id)) < 0)
                return r;
        return put_fixed_ips(st, p);
}

int sqlite_port_host(struct store *base, const char *id, char **ret)
{
        struct sqlite_store *st = to_sqlite(base);
        *ret = NULL;
        return sqlite_get_texts(st, "port", "SELECT nullif(host, '') FROM ports WHERE id = ?", id,
                                1, ret);
}

int sqlite_port_delete(struct store *base, const char *id)
{
        struct sqlite_store *st = to_sqlite(base);
        /* Its fixed IPs go with it (ON DELETE CASCADE). */
        return sqlite_delete_by_id(st, "DELETE FROM ports WHERE id = ?", id);
}

int sqlite_port_list(struct store *base, const struct store_query *q, store_port_cb cb,
                     void *userdata)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        _cleanup_(port_ips_buf_done) struct port_ips_buf ips = {0};
        int r = sqlite_typed_prepare(st, &typed_ports, STORE_PORT_COLUMNS, q, true, &h);
        if (r < 0)
                return r;
        while ((r = sqlite_step_row(st, h.s, "ports")) > 0) {
                struct store_port p = {
                        .id = column_text(h.s, 0),
                        .project_id = column_text(h.s, 1),
                        .network_id = column_text(h.s, 2),
                        .name = column_text(h.s, 3),
                        .description = column_text(h.s, 4),
                        .device_id = column_text(h.s, 5),
                        .device_owner = column_text(h.s, 6),
                        .mac_address = column_text(h.s, 7),
                        .host = column_text(h.s, 8),
                        .vnic_type = column_text(h.s, 9),
                        .vif_type = column_text(h.s, 10),
                        .vif_details = column_text(h.s, 11),
                        .profile = column_text(h.s, 12),
                        .status = column_text(h.s, 13),
                        .admin_state_up = sqlite3_column_int(h.s, 14) != 0,
                        .port_security_enabled = sqlite3_column_int(h.s, 15) != 0,
                        .security_groups = column_text(h.s, 16),
                        .allowed_address_pairs = column_text(h.s, 17),
                        .extra_dhcp_opts = column_text(h.s, 18),
                        .tags = column_text(h.s, 19),
                        .created_at = column_text(h.s, 20),
                        .updated_at = column_text(h.s, 21),
                        .revision_number = sqlite3_column_int64(h.s, 22),
                };
                if ((r = port_ips_read(&ips, column_text(h.s, STORE_PORT_FIXED_IPS_COLUMN), &p)) < 0 ||
                    (r = cb(&p, userdata)) < 0)
                        return r;
        }
        return r;
}

int sqlite_port_count(struct store *base, const struct store_query *q, size_t *ret)
{
        struct sqlite_store *st = to_sqlite(base);
        return sqlite_typed_count(st, &typed_ports, q, ret);
}

int sqlite_agent_put(struct store *base, const struct store_agent *a, bool create)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        int r = sqlite_prepare_texts(
                st,
                create ? "INSERT INTO agents (id, host, agent_type, agent_binary, topic, "
                         "heartbeat_timestamp, instance_id, doc, admin_state_up, heartbeat) "
                         "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)"
                       : "UPDATE agents SET host = ?2, agent_type = ?3, agent_binary = ?4, "
                         "topic = ?5, heartbeat_timestamp = ?6, instance_id = ?7, doc = ?8, "
                         "admin_state_up = ?9, heartbeat = ?10 WHERE id = ?1",
                &h, 8, a->id, a->host, a->agent_type, a->binary, a->topic, a->heartbeat_text,
                a->instance_id, a->doc);
        if (r < 0)
                return r;
        sqlite3_bind_int(h.s, 9, a->admin_state_up);
        sqlite3_bind_double(h.s, 10, a->heartbeat);
        return put_done(st, h.s, create);
}

int sqlite_agent_get(struct store *base, const char *id, char **ret_doc, double *ret_heartbeat,
                     char **ret_heartbeat_text)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        int r = sqlite_prepare_texts(st, "SELECT doc, heartbeat, heartbeat_timestamp FROM agents "
                                     "WHERE id = ?", &h, 1, id);
        if (r < 0)
                return r;
        r = sqlite_step_row(st, h.s, "agent");
        if (r <= 0)
                return r < 0 ? r : -ENOENT;
        const char *text = (const char *)sqlite3_column_text(h.s, 2);
        char *doc = strdup((const char *)sqlite3_column_text(h.s, 0));
        char *t = text ? strdup(text) : NULL;
        if (!doc || (text && !t)) {
                free(doc);
                free(t);
                return -ENOMEM;
        }
        *ret_doc = doc;
        *ret_heartbeat = sqlite3_column_double(h.s, 1);
        *ret_heartbeat_text = t;
        return 0;
}

int sqlite_agent_delete(struct store *base, const char *id)
{
        struct sqlite_store *st = to_sqlite(base);
        return sqlite_delete_by_id(st, "DELETE FROM agents WHERE id = ?", id);
}

int sqlite_agent_list(struct store *base, const struct store_query *q, store_agent_row_cb cb,
                      void *userdata)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        int r = sqlite_typed_prepare(st, &typed_agents, "id, doc, heartbeat, heartbeat_timestamp", q,
                              true, &h);
        if (r < 0)
                return r;
        while ((r = sqlite_step_row(st, h.s, "list")) > 0) {
                r = cb((const char *)sqlite3_column_text(h.s, 0),
                       (const char *)sqlite3_column_text(h.s, 1), sqlite3_column_double(h.s, 2),
                       (const char *)sqlite3_column_text(h.s, 3), userdata);
                if (r < 0)
                        return r;
        }
        return r;
}
