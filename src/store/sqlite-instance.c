/* Instances as typed rows (SQLite): the row's columns and its lists'
 * tables, read together in id order (each list by one statement over the
 * same instances, merged as the rows come). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite-private.h"

/* The instances a query (and, given, one id) selects, as a condition;
 * bind_where() binds its values from first on, in the same order. */
static int append_where(struct strbuf *sql, const struct store_instance_query *q, const char *id)
{
        const char *cols[] = {"project_id", "host", "status", "task_state"};
        const char *vals[] = {q->project_id, q->host, q->status, q->task_state};
        int r = strbuf_append(sql, " WHERE 1");
        for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(cols); i++)
                if (vals[i])
                        r = strbuf_printf(sql, " AND %s = ?", cols[i]);
        if (r >= 0 && q->marker)
                r = strbuf_append(sql, " AND id > ?");
        if (r >= 0 && id)
                r = strbuf_append(sql, " AND id = ?");
        return r;
}

static void bind_where(sqlite3_stmt *s, const struct store_instance_query *q, const char *id)
{
        const char *vals[] = {q->project_id, q->host, q->status, q->task_state, q->marker, id};
        int n = 0;
        for (size_t i = 0; i < ARRAY_SIZE(vals); i++)
                if (vals[i])
                        sqlite3_bind_text(s, ++n, vals[i], -1, SQLITE_STATIC);
}

static int prepare_selected(struct sqlite_store *st, const char *what, const char *from,
                            const struct store_instance_query *q, const char *id, bool list,
                            struct stmt_handle *h)
{
        _cleanup_strbuf_ struct strbuf sql = STRBUF_INIT;
        int r = strbuf_printf(&sql, "SELECT %s FROM %s", what, from);
        if (r >= 0)
                r = append_where(&sql, q, id);
        if (r >= 0 && list)
                r = strbuf_append(&sql, " ORDER BY id");
        if (r >= 0 && list && q->limit)
                r = strbuf_printf(&sql, " LIMIT %zu", q->limit);
        if (r >= 0)
                r = sqlite_prepare(st, strbuf_str(&sql), h);
        if (r >= 0)
                bind_where(h->s, q, id);
        return r;
}

/* A list's rows for the instances selected, in instance and position
 * order. */
static int prepare_list(struct sqlite_store *st, int list, const struct store_instance_query *q,
                        const char *id, struct stmt_handle *h)
{
        const struct store_instance_list_table *t = &store_instance_lists[list];
        _cleanup_strbuf_ struct strbuf sql = STRBUF_INIT;
        int r = strbuf_printf(&sql, "SELECT instance_id, %s FROM %s WHERE instance_id IN "
                              "(SELECT id FROM instances", t->columns, t->table);
        if (r >= 0)
                r = append_where(&sql, q, id);
        if (r >= 0)
                r = strbuf_append(&sql, " ORDER BY id");
        if (r >= 0 && q->limit)
                r = strbuf_printf(&sql, " LIMIT %zu", q->limit);
        if (r >= 0)
                r = strbuf_append(&sql, ") ORDER BY instance_id, position");
        if (r >= 0)
                r = sqlite_prepare(st, strbuf_str(&sql), h);
        if (r >= 0)
                bind_where(h->s, q, id);
        return r;
}

struct list_cursor {
        struct stmt_handle h;
        int have; /* 1: a row is current; 0: none left */
};

/* The current rows of cursor l that belong to in appended to it. */
static int take_list_rows(struct sqlite_store *st, struct list_cursor *c, int list,
                          struct store_instance *in)
{
        int n = store_instance_lists[list].n_columns;
        int r = 0;
        while (r >= 0 && c->have > 0) {
                int cmp = strcmp((const char *)sqlite3_column_text(c->h.s, 0) ?: "", in->id);
                if (cmp > 0)
                        break;
                if (cmp == 0) {
                        const char *v[4] = {0};
                        for (int i = 0; i < n; i++)
                                v[i] = (const char *)sqlite3_column_text(c->h.s, i + 1);
                        r = store_instance_list_append(in, list, v);
                }
                if (r >= 0)
                        r = c->have = sqlite_step_row(st, c->h.s, "list instances");
        }
        return r < 0 ? r : 0;
}

/* Each instance selected, whole, handed to take (which owns it). */
static int walk(struct sqlite_store *st, const struct store_instance_query *q, const char *id,
                int (*take)(struct store_instance *in, void *userdata), void *userdata)
{
        static const struct store_instance_query any = {0};
        if (!q)
                q = &any;
        _cleanup_stmt_ struct stmt_handle h = {0};
        struct list_cursor cur[STORE_INSTANCE_N_LISTS] = {0};
        _cleanup_strbuf_ struct strbuf cols = STRBUF_INIT;
        int r = store_instance_columns_sql(&cols, 0);
        if (r >= 0)
                r = prepare_selected(st, strbuf_str(&cols), "instances", q, id, true, &h);
        for (int l = 0; r >= 0 && l < STORE_INSTANCE_N_LISTS; l++)
                if ((r = prepare_list(st, l, q, id, &cur[l].h)) >= 0)
                        r = cur[l].have = sqlite_step_row(st, cur[l].h.s, "list instances");
        while (r >= 0 && (r = sqlite_step_row(st, h.s, "list instances")) > 0) {
                struct store_instance *in = calloc(1, sizeof(*in));
                r = in ? 0 : -ENOMEM;
                for (size_t i = 0; r >= 0 && i < store_instance_n_columns; i++)
                        r = store_instance_column_set(
                                in, i, (const char *)sqlite3_column_text(h.s, (int)i));
                for (int l = 0; r >= 0 && l < STORE_INSTANCE_N_LISTS; l++)
                        r = take_list_rows(st, &cur[l], l, in);
                if (r < 0)
                        store_instance_free(in);
                else
                        r = take(in, userdata);
        }
        for (int l = 0; l < STORE_INSTANCE_N_LISTS; l++)
                sqlite_stmt_freep(&cur[l].h);
        return r < 0 ? r : 0;
}

struct list_walk {
        store_instance_cb cb;
        void *userdata;
};

static int take_lent(struct store_instance *in, void *userdata)
{
        struct list_walk *w = userdata;
        int r = w->cb(in, w->userdata);
        store_instance_free(in);
        return r;
}

int sqlite_instance_list(struct store *base, const struct store_instance_query *q,
                         store_instance_cb cb, void *userdata)
{
        struct list_walk w = {cb, userdata};
        return walk(to_sqlite(base), q, NULL, take_lent, &w);
}

static int take_one(struct store_instance *in, void *userdata)
{
        struct store_instance **ret = userdata;
        store_instance_free(*ret);
        *ret = in;
        return 0;
}

int sqlite_instance_get(struct store *base, const char *id, struct store_instance **ret)
{
        struct store_instance *in = NULL;
        int r = walk(to_sqlite(base), NULL, id, take_one, &in);
        if (r >= 0 && !in)
                r = -ENOENT;
        if (r < 0) {
                store_instance_free(in);
                return r;
        }
        *ret = in;
        return 0;
}

/* The lists written row by row: a row as it was is not written again,
 * and (an update) the rows past the new end dropped. */
static int put_lists(struct sqlite_store *st, const struct store_instance *in, bool create)
{
        int r = 0;
        for (int l = 0; r >= 0 && l < STORE_INSTANCE_N_LISTS; l++) {
                const struct store_instance_list_table *t = &store_instance_lists[l];
                _cleanup_strbuf_ struct strbuf sql = STRBUF_INIT;
                size_t n = store_instance_list_len(in, l);
                if (n > 0)
                        r = store_instance_list_upsert_sql(&sql, l, '?', "IS NOT");
                for (size_t i = 0; r >= 0 && i < n; i++) {
                        _cleanup_stmt_ struct stmt_handle h = {0};
                        const char *v[4] = {0};
                        char buf[24];
                        store_instance_list_row(in, l, i, v, buf);
                        if ((r = sqlite_prepare(st, strbuf_str(&sql), &h)) < 0)
                                break;
                        sqlite3_bind_text(h.s, 1, in->id, -1, SQLITE_STATIC);
                        sqlite3_bind_int64(h.s, 2, (sqlite3_int64)i);
                        for (int c = 0; c < t->n_columns; c++)
                                sqlite3_bind_text(h.s, c + 3, v[c], -1, SQLITE_TRANSIENT);
                        r = sqlite_step_done(st, h.s, "put instance");
                }
                if (r < 0 || create)
                        continue;
                _cleanup_stmt_ struct stmt_handle h = {0};
                strbuf_reset(&sql);
                r = store_instance_list_trim_sql(&sql, l, '?');
                if (r >= 0)
                        r = sqlite_prepare(st, strbuf_str(&sql), &h);
                if (r < 0)
                        break;
                sqlite3_bind_text(h.s, 1, in->id, -1, SQLITE_STATIC);
                sqlite3_bind_int64(h.s, 2, (sqlite3_int64)n);
                r = sqlite_step_done(st, h.s, "put instance");
        }
        return r;
}

int sqlite_instance_put(struct store *base, const struct store_instance *in, bool create)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        _cleanup_strbuf_ struct strbuf sql = STRBUF_INIT;
        int r;
        if (create) {
                r = strbuf_append(&sql, "INSERT INTO instances (");
                if (r >= 0)
                        r = store_instance_columns_sql(&sql, 0);
                if (r >= 0)
                        r = strbuf_append(&sql, ") VALUES (");
                if (r >= 0)
                        r = store_instance_columns_sql(&sql, '?');
                if (r >= 0)
                        r = strbuf_append(&sql, ")");
        } else {
                r = strbuf_append(&sql, "UPDATE instances SET ");
                /* Column 0 is the id: the key, never changed. */
                for (size_t i = 1; r >= 0 && i < store_instance_n_columns; i++)
                        r = strbuf_printf(&sql, "%s%s = ?%zu", i > 1 ? ", " : "",
                                          store_instance_columns[i].name, i + 1);
                if (r >= 0)
                        r = strbuf_append(&sql, " WHERE id = ?1");
        }
        if (r >= 0)
                r = sqlite_prepare(st, strbuf_str(&sql), &h);
        if (r < 0)
                return r;
        for (size_t i = 0; i < store_instance_n_columns; i++) {
                char buf[24];
                sqlite3_bind_text(h.s, (int)i + 1, store_instance_column_text(in, i, buf), -1,
                                  SQLITE_TRANSIENT);
        }
        r = sqlite_step_done(st, h.s, create ? "insert instance" : "update instance");
        if (r < 0)
                return r;
        if (!create && sqlite3_changes(st->db) == 0)
                return -ENOENT;
        return put_lists(st, in, create);
}

int sqlite_instance_delete(struct store *base, const char *id)
{
        struct sqlite_store *st = to_sqlite(base);
        /* The lists go with the row (ON DELETE CASCADE). */
        int r = sqlite_exec_texts(st, "delete instance", "DELETE FROM instances WHERE id = ?", 1,
                                  id);
        if (r < 0)
                return r;
        return sqlite3_changes(st->db) > 0 ? 0 : -ENOENT;
}

int sqlite_instance_totals(struct store *base, const struct store_instance_query *q,
                           struct store_usage *ret)
{
        static const struct store_instance_query any = {0};
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        int r = prepare_selected(st, "count(*), total(vcpus), total(memory_mb)", "instances",
                                 q ?: &any, NULL, false, &h);
        if (r < 0)
                return r;
        r = sqlite_step_row(st, h.s, "instance totals");
        if (r <= 0)
                return r < 0 ? r : -EIO;
        *ret = (struct store_usage){
                .instances = sqlite3_column_int64(h.s, 0),
                .vcpus = sqlite3_column_int64(h.s, 1),
                .memory_mb = sqlite3_column_int64(h.s, 2),
        };
        return 0;
}
