/* The PostgreSQL backend's security groups and their rules
 * (typed-query.h maps a query's attributes); an insert that must be
 * unique uses ON CONFLICT DO NOTHING, as a unique violation would abort
 * the whole transaction. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store/store-pg.h"
#include "store/typed-query.h"

static const char *text_or_null(const PGresult *res, int row, int col)
{
        return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

static long long int_or_none(const PGresult *res, int row, int col)
{
        return PQgetisnull(res, row, col) ? -1 : pg_int(res, row, col);
}

static void arg_int_or_null(struct pg_args *a, long long v)
{
        if (v < 0)
                pg_arg(a, NULL);
        else
                pg_arg_int(a, v);
}

int pg_secgroup_put(struct store *st, const struct store_secgroup *g, bool create)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        pg_argv(&a, 7, g->id, g->project_id, g->name, g->description, g->tags ?: "[]",
                g->created_at, g->updated_at);
        pg_arg_int(&a, g->stateful);
        pg_arg_int(&a, g->revision_number);
        if (create)
                return pg_inserted(pg_query(st, "insert security group",
                                            "INSERT INTO security_groups (id, project_id, name, "
                                            "description, tags, created_at, updated_at, "
                                            "stateful, revision_number) VALUES ($1, $2, $3, $4, "
                                            "$5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
                                            &a, NULL));
        return pg_touched(pg_query(st, "update security group",
                                   "UPDATE security_groups SET project_id = $2, name = $3, "
                                   "description = $4, tags = $5, created_at = $6, "
                                   "updated_at = $7, stateful = $8, revision_number = $9 "
                                   "WHERE id = $1",
                                   &a, NULL));
}

int pg_secgroup_delete(struct store *st, const char *id)
{
        /* Its rules go with it (ON DELETE CASCADE). */
        return pg_touched(pg_exec_texts(st, "delete security group",
                                        "DELETE FROM security_groups WHERE id = $1", 1, id));
}

int pg_secgroup_list(struct store *st, const struct store_query *q, store_secgroup_cb cb,
                     void *userdata)
{
        _cleanup_pgresult_ PGresult *res = NULL;
        int r = pg_typed_query(st, &typed_secgroups, STORE_SECGROUP_COLUMNS, q, true, &res);
        for (int i = 0; r > 0 && i < PQntuples(res); i++) {
                struct store_secgroup g = {
                        .id = text_or_null(res, i, 0),
                        .project_id = text_or_null(res, i, 1),
                        .name = text_or_null(res, i, 2),
                        .description = text_or_null(res, i, 3),
                        .stateful = pg_int(res, i, 4) != 0,
                        .tags = text_or_null(res, i, 5),
                        .created_at = text_or_null(res, i, 6),
                        .updated_at = text_or_null(res, i, 7),
                        .revision_number = pg_int(res, i, 8),
                };
                int c = cb(&g, userdata);
                if (c < 0)
                        return c;
        }
        return r < 0 ? r : 0;
}

int pg_secgroup_count(struct store *st, const struct store_query *q, size_t *ret)
{
        return pg_typed_count(st, &typed_secgroups, q, ret);
}

int pg_sg_rule_put(struct store *st, const struct store_sg_rule *rule, bool create)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        pg_argv(&a, 14, rule->id, rule->security_group_id, rule->project_id, rule->direction,
                rule->ethertype, rule->protocol, rule->remote_ip_prefix, rule->remote_group_id,
                rule->remote_address_group_id, rule->normalized_cidr, rule->description,
                rule->tags ?: "[]", rule->created_at, rule->updated_at);
        arg_int_or_null(&a, rule->port_range_min);
        arg_int_or_null(&a, rule->port_range_max);
        pg_arg_int(&a, rule->revision_number);
        if (create)
                return pg_inserted(pg_query(
                        st, "insert security group rule",
                        "INSERT INTO security_group_rules (id, security_group_id, project_id, "
                        "direction, ethertype, protocol, remote_ip_prefix, remote_group_id, "
                        "remote_address_group_id, normalized_cidr, description, tags, "
                        "created_at, updated_at, port_range_min, port_range_max, "
                        "revision_number, position) SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, "
                        "$10, $11, $12, $13, $14, $15::bigint, $16::bigint, $17::bigint, "
                        "coalesce(max(position) + 1, 0) FROM security_group_rules WHERE "
                        "security_group_id = $2 ON CONFLICT DO NOTHING",
                        &a, NULL));
        return pg_touched(pg_query(st, "update security group rule",
                                   "UPDATE security_group_rules SET security_group_id = $2, "
                                   "project_id = $3, direction = $4, ethertype = $5, "
                                   "protocol = $6, remote_ip_prefix = $7, remote_group_id = $8, "
                                   "remote_address_group_id = $9, normalized_cidr = $10, "
                                   "description = $11, tags = $12, created_at = $13, "
                                   "updated_at = $14, port_range_min = $15, "
                                   "port_range_max = $16, revision_number = $17 WHERE id = $1",
                                   &a, NULL));
}

int pg_sg_rule_delete(struct store *st, const char *id)
{
        return pg_touched(pg_exec_texts(st, "delete security group rule",
                                        "DELETE FROM security_group_rules WHERE id = $1", 1, id));
}

/* The rule in row i of a result of STORE_SG_RULE_COLUMNS. */
static void rule_of(const PGresult *res, int i, struct store_sg_rule *rule)
{
        *rule = (struct store_sg_rule){
                .id = text_or_null(res, i, 0),
                .security_group_id = text_or_null(res, i, 1),
                .project_id = text_or_null(res, i, 2),
                .direction = text_or_null(res, i, 3),
                .ethertype = text_or_null(res, i, 4),
                .protocol = text_or_null(res, i, 5),
                .port_range_min = int_or_none(res, i, 6),
                .port_range_max = int_or_none(res, i, 7),
                .remote_ip_prefix = text_or_null(res, i, 8),
                .remote_group_id = text_or_null(res, i, 9),
                .remote_address_group_id = text_or_null(res, i, 10),
                .normalized_cidr = text_or_null(res, i, 11),
                .description = text_or_null(res, i, 12),
                .tags = text_or_null(res, i, 13),
                .created_at = text_or_null(res, i, 14),
                .updated_at = text_or_null(res, i, 15),
                .revision_number = pg_int(res, i, 16),
        };
}

/* Each row of a result of STORE_SG_RULE_COLUMNS to cb. */
static int rule_rows(const PGresult *res, store_sg_rule_cb cb, void *userdata)
{
        for (int i = 0; i < PQntuples(res); i++) {
                struct store_sg_rule rule;
                rule_of(res, i, &rule);
                int c = cb(&rule, userdata);
                if (c < 0)
                        return c;
        }
        return 0;
}

int pg_sg_rule_list(struct store *st, const struct store_query *q, store_sg_rule_cb cb,
                    void *userdata)
{
        _cleanup_pgresult_ PGresult *res = NULL;
        int r = pg_typed_query(st, &typed_sg_rules, STORE_SG_RULE_COLUMNS, q, true, &res);
        return r < 0 ? r : rule_rows(res, cb, userdata);
}

int pg_sg_rule_count(struct store *st, const struct store_query *q, size_t *ret)
{
        return pg_typed_count(st, &typed_sg_rules, q, ret);
}

int pg_sg_rules_of(struct store *st, const char *security_group_id, store_sg_rule_cb cb,
                   void *userdata)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        _cleanup_pgresult_ PGresult *res = NULL;
        pg_arg(&a, security_group_id);
        int r = pg_query(st, "security group rules",
                         "SELECT " STORE_SG_RULE_COLUMNS " FROM security_group_rules WHERE "
                         "security_group_id = $1 ORDER BY position",
                         &a, &res);
        return r < 0 ? r : rule_rows(res, cb, userdata);
}

struct rule_cursor {
        struct store_sg_rule_cursor base;
        PGresult *res;
        int i;
};

static int cursor_next(struct store_sg_rule_cursor *base, struct store_sg_rule *row)
{
        struct rule_cursor *c = (struct rule_cursor *)base;
        if (c->i >= PQntuples(c->res))
                return 0;
        rule_of(c->res, c->i++, row);
        return 1;
}

static void cursor_free(struct store_sg_rule_cursor *base)
{
        struct rule_cursor *c = (struct rule_cursor *)base;
        PQclear(c->res);
        free(c);
}

int pg_sg_rule_cursor_open(struct store *st, const struct store_query *q,
                           struct store_sg_rule_cursor **ret)
{
        _cleanup_pgresult_ PGresult *res = NULL;
        int r = pg_typed_query_ids(st, &typed_secgroups,
                                   "SELECT " STORE_SG_RULE_COLUMNS " FROM security_group_rules "
                                   "WHERE security_group_id IN (",
                                   q, ") ORDER BY security_group_id, position", &res);
        if (r < 0)
                return r;
        struct rule_cursor *c = malloc(sizeof(*c));
        if (!c)
                return -ENOMEM;
        *c = (struct rule_cursor){{cursor_next, cursor_free, {0}, -1}, TAKE_PTR(res), 0};
        *ret = &c->base;
        return 0;
}
