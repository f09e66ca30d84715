/* Security groups and their rules as typed rows (SQLite): every
 * attribute a column (typed-query.c maps a query's attributes), a rule's
 * place in its group's list kept beside it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite-private.h"
#include "store/typed-query.h"

static const char *column_text(sqlite3_stmt *s, int i)
{
        return (const char *)sqlite3_column_text(s, i);
}

static long long column_int_or_none(sqlite3_stmt *s, int i)
{
        return sqlite3_column_type(s, i) == SQLITE_NULL ? -1 : sqlite3_column_int64(s, i);
}

static void bind_int_or_null(sqlite3_stmt *s, int i, long long v)
{
        if (v < 0)
                sqlite3_bind_null(s, i);
        else
                sqlite3_bind_int64(s, i, v);
}

/* Run a put statement; an update that changed no row: -ENOENT. */
static int put_done(struct sqlite_store *st, sqlite3_stmt *s, bool create)
{
        int r = sqlite_step_done(st, s, "put");
        if (r >= 0 && !create && sqlite3_changes(st->db) == 0)
                return -ENOENT;
        return r;
}

int sqlite_secgroup_put(struct store *base, const struct store_secgroup *g, bool create)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        int r = sqlite_prepare_texts(
                st,
                create ? "INSERT INTO security_groups (id, project_id, name, description, tags, "
                         "created_at, updated_at, stateful, revision_number) VALUES "
                         "(?1,?2,?3,?4,?5,?6,?7,?8,?9)"
                       : "UPDATE security_groups SET project_id = ?2, name = ?3, "
                         "description = ?4, tags = ?5, created_at = ?6, updated_at = ?7, "
                         "stateful = ?8, revision_number = ?9 WHERE id = ?1",
                &h, 7, g->id, g->project_id, g->name, g->description, g->tags ?: "[]",
                g->created_at, g->updated_at);
        if (r < 0)
                return r;
        sqlite3_bind_int(h.s, 8, g->stateful);
        sqlite3_bind_int64(h.s, 9, g->revision_number);
        return put_done(st, h.s, create);
}

int sqlite_secgroup_delete(struct store *base, const char *id)
{
        /* Its rules go with it (ON DELETE CASCADE). */
        return sqlite_delete_by_id(to_sqlite(base), "DELETE FROM security_groups WHERE id = ?", id);
}

int sqlite_secgroup_list(struct store *base, const struct store_query *q, store_secgroup_cb cb,
                         void *userdata)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        int r = sqlite_typed_prepare(st, &typed_secgroups, STORE_SECGROUP_COLUMNS, q, true, &h);
        if (r < 0)
                return r;
        while ((r = sqlite_step_row(st, h.s, "security groups")) > 0) {
                struct store_secgroup g = {
                        .id = column_text(h.s, 0),
                        .project_id = column_text(h.s, 1),
                        .name = column_text(h.s, 2),
                        .description = column_text(h.s, 3),
                        .stateful = sqlite3_column_int(h.s, 4) != 0,
                        .tags = column_text(h.s, 5),
                        .created_at = column_text(h.s, 6),
                        .updated_at = column_text(h.s, 7),
                        .revision_number = sqlite3_column_int64(h.s, 8),
                };
                if ((r = cb(&g, userdata)) < 0)
                        return r;
        }
        return r;
}

int sqlite_secgroup_count(struct store *base, const struct store_query *q, size_t *ret)
{
        return sqlite_typed_count(to_sqlite(base), &typed_secgroups, q, ret);
}

int sqlite_sg_rule_put(struct store *base, const struct store_sg_rule *rule, bool create)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        int r = sqlite_prepare_texts(
                st,
                create ? "INSERT INTO security_group_rules (id, security_group_id, project_id, "
                         "direction, ethertype, protocol, remote_ip_prefix, remote_group_id, "
                         "remote_address_group_id, normalized_cidr, description, tags, "
                         "created_at, updated_at, port_range_min, port_range_max, "
                         "revision_number, position) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,"
                         "?12,?13,?14,?15,?16,?17,(SELECT coalesce(max(position) + 1, 0) FROM "
                         "security_group_rules WHERE security_group_id = ?2))"
                       : "UPDATE security_group_rules SET security_group_id = ?2, "
                         "project_id = ?3, direction = ?4, ethertype = ?5, protocol = ?6, "
                         "remote_ip_prefix = ?7, remote_group_id = ?8, "
                         "remote_address_group_id = ?9, normalized_cidr = ?10, "
                         "description = ?11, tags = ?12, created_at = ?13, updated_at = ?14, "
                         "port_range_min = ?15, port_range_max = ?16, revision_number = ?17 "
                         "WHERE id = ?1",
                &h, 14, rule->id, rule->security_group_id, rule->project_id, rule->direction,
                rule->ethertype, rule->protocol, rule->remote_ip_prefix, rule->remote_group_id,
                rule->remote_address_group_id, rule->normalized_cidr, rule->description,
                rule->tags ?: "[]", rule->created_at, rule->updated_at);
        if (r < 0)
                return r;
        bind_int_or_null(h.s, 15, rule->port_range_min);
        bind_int_or_null(h.s, 16, rule->port_range_max);
        sqlite3_bind_int64(h.s, 17, rule->revision_number);
        return put_done(st, h.s, create);
}

int sqlite_sg_rule_delete(struct store *base, const char *id)
{
        return sqlite_delete_by_id(to_sqlite(base), "DELETE FROM security_group_rules WHERE id = ?", id);
}

/* The rule in a statement's row of STORE_SG_RULE_COLUMNS. */
static void rule_of(sqlite3_stmt *s, struct store_sg_rule *rule)
{
        *rule = (struct store_sg_rule){
                .id = column_text(s, 0),
                .security_group_id = column_text(s, 1),
                .project_id = column_text(s, 2),
                .direction = column_text(s, 3),
                .ethertype = column_text(s, 4),
                .protocol = column_text(s, 5),
                .port_range_min = column_int_or_none(s, 6),
                .port_range_max = column_int_or_none(s, 7),
                .remote_ip_prefix = column_text(s, 8),
                .remote_group_id = column_text(s, 9),
                .remote_address_group_id = column_text(s, 10),
                .normalized_cidr = column_text(s, 11),
                .description = column_text(s, 12),
                .tags = column_text(s, 13),
                .created_at = column_text(s, 14),
                .updated_at = column_text(s, 15),
                .revision_number = sqlite3_column_int64(s, 16),
        };
}

/* Each row of a statement of STORE_SG_RULE_COLUMNS to cb. */
static int rule_rows(struct sqlite_store *st, sqlite3_stmt *s, store_sg_rule_cb cb,
                     void *userdata)
{
        int r;
        while ((r = sqlite_step_row(st, s, "security group rules")) > 0) {
                struct store_sg_rule rule;
                rule_of(s, &rule);
                if ((r = cb(&rule, userdata)) < 0)
                        return r;
        }
        return r;
}

int sqlite_sg_rule_list(struct store *base, const struct store_query *q, store_sg_rule_cb cb,
                        void *userdata)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        int r = sqlite_typed_prepare(st, &typed_sg_rules, STORE_SG_RULE_COLUMNS, q, true, &h);
        return r < 0 ? r : rule_rows(st, h.s, cb, userdata);
}

int sqlite_sg_rule_count(struct store *base, const struct store_query *q, size_t *ret)
{
        return sqlite_typed_count(to_sqlite(base), &typed_sg_rules, q, ret);
}

int sqlite_sg_rules_of(struct store *base, const char *security_group_id, store_sg_rule_cb cb,
                       void *userdata)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        int r = sqlite_prepare_texts(st,
                                     "SELECT " STORE_SG_RULE_COLUMNS " FROM security_group_rules "
                                     "WHERE security_group_id = ? ORDER BY position",
                                     &h, 1, security_group_id);
        return r < 0 ? r : rule_rows(st, h.s, cb, userdata);
}

struct rule_cursor {
        struct store_sg_rule_cursor base;
        struct sqlite_store *st;
        struct stmt_handle h;
};

static int cursor_next(struct store_sg_rule_cursor *base, struct store_sg_rule *row)
{
        struct rule_cursor *c = (struct rule_cursor *)base;
        int r = sqlite_step_row(c->st, c->h.s, "security group rules");
        if (r > 0)
                rule_of(c->h.s, row);
        return r;
}

static void cursor_free(struct store_sg_rule_cursor *base)
{
        struct rule_cursor *c = (struct rule_cursor *)base;
        sqlite_stmt_freep(&c->h);
        free(c);
}

int sqlite_sg_rule_cursor_open(struct store *base, const struct store_query *q,
                               struct store_sg_rule_cursor **ret)
{
        struct rule_cursor *c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;
        *c = (struct rule_cursor){{cursor_next, cursor_free, {0}, -1}, to_sqlite(base), {0}};
        /* The index on (security_group_id, position) gives this order. */
        int r = sqlite_typed_prepare_ids(c->st, &typed_secgroups,
                                         "SELECT " STORE_SG_RULE_COLUMNS " FROM "
                                         "security_group_rules WHERE security_group_id IN (",
                                         q, ") ORDER BY security_group_id, position", &c->h);
        if (r < 0) {
                cursor_free(&c->base);
                return r;
        }
        *ret = &c->base;
        return 0;
}
