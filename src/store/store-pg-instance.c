/* Instances as typed rows (PostgreSQL): the row's columns and its lists'
 * tables, each list read by one statement over the same instances and
 * merged into the rows in id order. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "store/store-pg.h"

/* The instances a query (and, given, one id) selects, as a condition
 * whose values are a's, in order. */
static int append_where(struct strbuf *sql, struct pg_args *a,
                        const struct store_instance_query *q, const char *id)
{
        const char *cols[] = {"project_id =", "host =", "status =", "task_state =", "id >",
                              "id ="};
        const char *vals[] = {q->project_id, q->host, q->status, q->task_state, q->marker, id};
        int r = strbuf_append(sql, " WHERE true");
        for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(cols); i++)
                if (vals[i]) {
                        pg_arg(a, vals[i]);
                        r = strbuf_printf(sql, " AND %s $%d", cols[i], a->n);
                }
        return r;
}

static int append_order(struct strbuf *sql, const struct store_instance_query *q)
{
        int r = strbuf_append(sql, " ORDER BY id");
        if (r >= 0 && q->limit)
                r = strbuf_printf(sql, " LIMIT %zu", q->limit);
        return r;
}

/* Each instance selected, whole, handed to take (which owns it). */
static int walk(struct store *st, const struct store_instance_query *q, const char *id,
                int (*take)(struct store_instance *in, void *userdata), void *userdata)
{
        static const struct store_instance_query any = {0};
        if (!q)
                q = &any;
        _cleanup_pg_args_ struct pg_args a = {0};
        _cleanup_strbuf_ struct strbuf sql = STRBUF_INIT, where = STRBUF_INIT;
        _cleanup_pgresult_ PGresult *rows = NULL;
        PGresult *lists[STORE_INSTANCE_N_LISTS] = {0};
        int r = append_where(&where, &a, q, id);
        if (r >= 0)
                r = append_order(&where, q);
        if (r >= 0)
                r = strbuf_append(&sql, "SELECT ");
        if (r >= 0)
                r = store_instance_columns_sql(&sql, 0);
        if (r >= 0)
                r = strbuf_printf(&sql, " FROM instances%s", strbuf_str(&where));
        if (r >= 0)
                r = pg_query(st, "list instances", strbuf_str(&sql), &a, &rows);
        for (int l = 0; r > 0 && l < STORE_INSTANCE_N_LISTS; l++) {
                const struct store_instance_list_table *t = &store_instance_lists[l];
                strbuf_reset(&sql);
                r = strbuf_printf(&sql, "SELECT instance_id, %s FROM %s WHERE instance_id IN "
                                  "(SELECT id FROM instances%s) ORDER BY instance_id, position",
                                  t->columns, t->table, strbuf_str(&where));
                if (r >= 0)
                        r = pg_query(st, "list instances", strbuf_str(&sql), &a, &lists[l]);
                if (r == 0)
                        r = 1; /* no rows in this list: the instances still are */
        }
        int next[STORE_INSTANCE_N_LISTS] = {0};
        for (int i = 0; r > 0 && i < PQntuples(rows); i++) {
                struct store_instance *in = calloc(1, sizeof(*in));
                int k = in ? 0 : -ENOMEM;
                for (size_t c = 0; k >= 0 && c < store_instance_n_columns; c++)
                        k = store_instance_column_set(in, c,
                                                      PQgetisnull(rows, i, (int)c)
                                                              ? NULL
                                                              : PQgetvalue(rows, i, (int)c));
                for (int l = 0; k >= 0 && l < STORE_INSTANCE_N_LISTS; l++) {
                        const PGresult *res = lists[l];
                        int n = store_instance_lists[l].n_columns;
                        for (; k >= 0 && next[l] < PQntuples(res); next[l]++) {
                                int cmp = strcmp(PQgetvalue(res, next[l], 0), in->id);
                                if (cmp > 0)
                                        break;
                                if (cmp < 0)
                                        continue;
                                const char *v[4] = {0};
                                for (int c = 0; c < n; c++)
                                        if (!PQgetisnull(res, next[l], c + 1))
                                                v[c] = PQgetvalue(res, next[l], c + 1);
                                k = store_instance_list_append(in, l, v);
                        }
                }
                if (k < 0)
                        store_instance_free(in);
                else
                        k = take(in, userdata);
                if (k < 0)
                        r = k;
        }
        for (int l = 0; l < STORE_INSTANCE_N_LISTS; l++)
                PQclear(lists[l]);
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

int pg_instance_list(struct store *st, const struct store_instance_query *q, store_instance_cb cb,
                     void *userdata)
{
        struct list_walk w = {cb, userdata};
        return walk(st, q, NULL, take_lent, &w);
}

static int take_one(struct store_instance *in, void *userdata)
{
        struct store_instance **ret = userdata;
        store_instance_free(*ret);
        *ret = in;
        return 0;
}

int pg_instance_get(struct store *st, const char *id, struct store_instance **ret)
{
        struct store_instance *in = NULL;
        int r = walk(st, NULL, id, take_one, &in);
        if (r >= 0 && !in)
                r = -ENOENT;
        if (r < 0) {
                store_instance_free(in);
                return r;
        }
        *ret = in;
        return 0;
}

/* The lists written row by row: a row as it was is not written again
 * (no new row version), and (an update) the rows past the new end
 * dropped. */
static int put_lists(struct store *st, const struct store_instance *in, bool create)
{
        int r = 0;
        for (int l = 0; r >= 0 && l < STORE_INSTANCE_N_LISTS; l++) {
                const struct store_instance_list_table *t = &store_instance_lists[l];
                _cleanup_strbuf_ struct strbuf sql = STRBUF_INIT;
                size_t n = store_instance_list_len(in, l);
                if (n > 0)
                        r = store_instance_list_upsert_sql(&sql, l, '$', "IS DISTINCT FROM");
                for (size_t i = 0; r >= 0 && i < n; i++) {
                        _cleanup_pg_args_ struct pg_args a = {0};
                        const char *v[4] = {0};
                        char buf[24];
                        store_instance_list_row(in, l, i, v, buf);
                        pg_arg(&a, in->id);
                        pg_arg_int(&a, (long long)i);
                        for (int c = 0; c < t->n_columns; c++)
                                pg_arg(&a, v[c]);
                        r = pg_query(st, "put instance", strbuf_str(&sql), &a, NULL);
                }
                if (r < 0 || create)
                        continue;
                _cleanup_pg_args_ struct pg_args a = {0};
                strbuf_reset(&sql);
                r = store_instance_list_trim_sql(&sql, l, '$');
                pg_arg(&a, in->id);
                pg_arg_int(&a, (long long)n);
                if (r >= 0)
                        r = pg_query(st, "put instance", strbuf_str(&sql), &a, NULL);
        }
        return r < 0 ? r : 0;
}

int pg_instance_put(struct store *st, const struct store_instance *in, bool create)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        _cleanup_strbuf_ struct strbuf sql = STRBUF_INIT;
        char buf[64][24]; /* room for the numbers among the columns */
        if (store_instance_n_columns > ARRAY_SIZE(buf))
                return -E2BIG;
        int r;
        if (create) {
                r = strbuf_append(&sql, "INSERT INTO instances (");
                if (r >= 0)
                        r = store_instance_columns_sql(&sql, 0);
                if (r >= 0)
                        r = strbuf_append(&sql, ") VALUES (");
                if (r >= 0)
                        r = store_instance_columns_sql(&sql, '$');
                if (r >= 0)
                        r = strbuf_append(&sql, ") ON CONFLICT DO NOTHING");
        } else {
                r = strbuf_append(&sql, "UPDATE instances SET ");
                /* Column 0 is the id: the key, never changed. */
                for (size_t i = 1; r >= 0 && i < store_instance_n_columns; i++)
                        r = strbuf_printf(&sql, "%s%s = $%zu", i > 1 ? ", " : "",
                                          store_instance_columns[i].name, i + 1);
                if (r >= 0)
                        r = strbuf_append(&sql, " WHERE id = $1");
        }
        if (r < 0)
                return r;
        for (size_t i = 0; i < store_instance_n_columns; i++)
                pg_arg(&a, store_instance_column_text(in, i, buf[i]));
        r = pg_query(st, create ? "insert instance" : "update instance", strbuf_str(&sql), &a,
                     NULL);
        r = create ? pg_inserted(r) : pg_touched(r);
        return r < 0 ? r : put_lists(st, in, create);
}

int pg_instance_delete(struct store *st, const char *id)
{
        /* The lists go with the row (ON DELETE CASCADE). */
        return pg_touched(pg_exec_texts(st, "delete instance",
                                        "DELETE FROM instances WHERE id = $1", 1, id));
}

int pg_instance_totals(struct store *st, const struct store_instance_query *q,
                       struct store_usage *ret)
{
        static const struct store_instance_query any = {0};
        _cleanup_pg_args_ struct pg_args a = {0};
        _cleanup_strbuf_ struct strbuf sql = STRBUF_INIT;
        _cleanup_pgresult_ PGresult *res = NULL;
        int r = strbuf_append(&sql, "SELECT count(*), coalesce(sum(vcpus), 0), "
                              "coalesce(sum(memory_mb), 0) FROM instances");
        if (r >= 0)
                r = append_where(&sql, &a, q ?: &any, NULL);
        if (r >= 0)
                r = pg_query(st, "instance totals", strbuf_str(&sql), &a, &res);
        if (r <= 0)
                return r < 0 ? r : -EIO;
        *ret = (struct store_usage){
                .instances = pg_int(res, 0, 0),
                .vcpus = pg_int(res, 0, 1),
                .memory_mb = pg_int(res, 0, 2),
        };
        return 0;
}
