/* store-copy.h: a SQLite database copied into PostgreSQL.  Nothing here
 * names a table's columns: the tables and columns are read from SQLite's
 * catalogue (both schemas come from the same numbered migrations, so the
 * same names exist on both sides) and each table goes over with COPY, a
 * table its foreign keys name before it.  One transaction on the target
 * holds the schema's creation, the check that it is empty and every row:
 * a failure or a dry run leaves it as it was. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/strbuf.h"
#include "store/sqlite-private.h"
#include "store/store-copy.h"
#include "store/store-pg.h"

/* Rows are sent to PostgreSQL in chunks of about this many bytes. */
#define COPY_CHUNK (256 * 1024)

struct copy_table {
        char *name;
        char **cols; /* NULL-ended */
        char **refs; /* the tables its foreign keys name, NULL-ended */
        int64_t rows;
        bool done;
};

struct copy {
        const char *path; /* the source's file */
        sqlite3 *src;
        PGconn *dst;
        struct copy_table *t;
        size_t n;
};

static void copy_done(struct copy *c)
{
        for (size_t i = 0; i < c->n; i++) {
                free(c->t[i].name);
                strv_free(c->t[i].cols);
                strv_free(c->t[i].refs);
        }
        free(c->t);
        /* Closing ends both transactions; PostgreSQL rolls back what was
         * not committed. */
        sqlite3_close(c->src);
        PQfinish(c->dst);
}

static int src_error(struct copy *c, const char *what)
{
        return err_set(-EIO, "source database %s: %s: %s", c->path, what, sqlite3_errmsg(c->src));
}

/* The first line of what PostgreSQL said. */
static int dst_error(struct copy *c, const PGresult *res, const char *what)
{
        const char *msg = res ? PQresultErrorMessage(res) : NULL;
        if (!msg || !*msg)
                msg = PQerrorMessage(c->dst);
        return err_set(PQstatus(c->dst) == CONNECTION_OK ? -EIO : -EBUSY,
                       "target database: %s: %.*s", what, (int)strcspn(msg, "\n"), msg);
}

static int dst_exec(struct copy *c, const char *what, const char *sql, ExecStatusType want,
                    PGresult **ret)
{
        _cleanup_pgresult_ PGresult *res = PQexec(c->dst, sql);
        if (PQresultStatus(res) != want)
                return dst_error(c, res, what);
        if (ret)
                *ret = TAKE_PTR(res);
        return 0;
}

static int append_ident(struct strbuf *sb, const char *name)
{
        int r = strbuf_append(sb, "\"");
        for (const char *p = name; r >= 0 && *p; p++)
                r = *p == '"' ? strbuf_append(sb, "\"\"") : strbuf_append_len(sb, p, 1);
        return r < 0 ? r : strbuf_append(sb, "\"");
}

static void notice_ignore(void *arg, const char *message)
{
}

/* Column col of every row of sql (arg, if given, bound to its one
 * parameter), as a NULL-ended list. */
static int src_strv(struct copy *c, const char *sql, const char *arg, int col, char ***ret)
{
        sqlite3_stmt *s = NULL;
        if (sqlite3_prepare_v2(c->src, sql, -1, &s, NULL) != SQLITE_OK)
                return src_error(c, "reading its tables");
        if (arg)
                sqlite3_bind_text(s, 1, arg, -1, SQLITE_STATIC);
        _cleanup_strv_free_ char **v = calloc(1, sizeof(char *));
        size_t n = 0;
        int rc = SQLITE_DONE, r = v ? 0 : -ENOMEM;
        while (r >= 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
                if ((r = store_ptrv_reserve(&v, n)) < 0)
                        break;
                if (!(v[n++] = strdup((const char *)sqlite3_column_text(s, col) ?: "")))
                        r = -ENOMEM;
        }
        if (r >= 0 && rc != SQLITE_DONE)
                r = src_error(c, "reading its tables");
        sqlite3_finalize(s);
        if (r >= 0)
                *ret = TAKE_PTR(v);
        return r;
}

static int src_int(struct copy *c, const char *sql, int64_t *ret)
{
        sqlite3_stmt *s = NULL;
        int r = 0;
        if (sqlite3_prepare_v2(c->src, sql, -1, &s, NULL) != SQLITE_OK)
                return src_error(c, "reading it");
        int rc = sqlite3_step(s);
        if (rc == SQLITE_ROW)
                *ret = sqlite3_column_int64(s, 0);
        else if (rc == SQLITE_DONE)
                *ret = 0;
        else
                r = src_error(c, "reading it");
        sqlite3_finalize(s);
        return r;
}

/* The source, read-only and inside one read transaction (one snapshot),
 * at this code's schema version. */
static int src_open(struct copy *c)
{
        int rc = sqlite3_open_v2(c->path, &c->src, SQLITE_OPEN_READONLY, NULL);
        if (rc != SQLITE_OK)
                return err_set(-EIO, "cannot open the source database %s: %s; name it with "
                               "--from sqlite:///PATH", c->path,
                               c->src ? sqlite3_errmsg(c->src) : sqlite3_errstr(rc));
        sqlite3_busy_timeout(c->src, 10000);
        if (sqlite3_exec(c->src, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
                return src_error(c, "BEGIN");
        sqlite3_stmt *s = NULL;
        if (sqlite3_prepare_v2(c->src, "SELECT max(version) FROM schema_version", -1, &s,
                               NULL) != SQLITE_OK)
                return err_set(-EINVAL, "%s is not a vfnet database (%s)", c->path,
                               sqlite3_errmsg(c->src));
        int v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
        sqlite3_finalize(s);
        size_t latest = sqlite_schema_latest();
        if (v >= 0 && (size_t)v < latest)
                return err_set(-ESTALE, "the source database %s is at schema version %d, this "
                               "vfnet-server's is %zu: upgrade it first with `vfnet-server db "
                               "upgrade` (same --from or configuration), then migrate",
                               c->path, v, latest);
        return store_schema_check(v, latest);
}

/* The target inside one transaction, holding the writers' lock, its
 * schema at the latest version. */
static int dst_open(struct copy *c, const char *url)
{
        _cleanup_free_ char *conninfo = NULL;
        size_t pool;
        int r = pg_parse_url(url, &conninfo, &pool);
        if (r < 0)
                return r;
        c->dst = PQconnectdb(conninfo);
        if (!c->dst)
                return -ENOMEM;
        if (PQstatus(c->dst) != CONNECTION_OK) {
                const char *msg = PQerrorMessage(c->dst);
                return err_set(-EBUSY, "cannot connect to the target database: %.*s; check the "
                               "--to URL and that PostgreSQL runs", (int)strcspn(msg, "\n"), msg);
        }
        PQsetNoticeProcessor(c->dst, notice_ignore, NULL);
        if (PQsetClientEncoding(c->dst, "UTF8") != 0)
                return dst_error(c, NULL, "client encoding");
        if ((r = dst_exec(c, "BEGIN", "BEGIN", PGRES_COMMAND_OK, NULL)) < 0 ||
            (r = dst_exec(c, "lock", "SET LOCAL lock_timeout = '10s'", PGRES_COMMAND_OK, NULL)) < 0 ||
            (r = dst_exec(c, "lock", "SELECT pg_advisory_xact_lock(" PG_WRITE_LOCK ")",
                          PGRES_TUPLES_OK, NULL)) < 0)
                return r;
        r = pg_schema_upgrade(c->dst, NULL);
        return r < 0 ? err_prefix(r, "target database") : 0;
}

/* The source's tables (all but the schema's own bookkeeping), each with
 * its columns and the tables it references. */
static int tables_read(struct copy *c)
{
        _cleanup_strv_free_ char **names = NULL;
        int r = src_strv(c, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                         "'sqlite\\_%' ESCAPE '\\' AND name <> 'schema_version' ORDER BY name",
                         NULL, 0, &names);
        if (r < 0)
                return r;
        for (char **p = names; *p; p++)
                c->n++;
        if (!(c->t = calloc(c->n ?: 1, sizeof(*c->t)))) {
                c->n = 0;
                return -ENOMEM;
        }
        for (size_t i = 0; i < c->n; i++)
                c->t[i].name = TAKE_PTR(names[i]);
        for (size_t i = 0; i < c->n; i++) {
                struct copy_table *t = &c->t[i];
                if ((r = src_strv(c, "SELECT name FROM pragma_table_info(?) ORDER BY cid", t->name,
                                  0, &t->cols)) < 0 ||
                    (r = src_strv(c, "SELECT \"table\" FROM pragma_foreign_key_list(?)", t->name,
                                  0, &t->refs)) < 0)
                        return r;
        }
        return 0;
}

/* -EEXIST unless every table is empty on the target: a second copy would
 * duplicate every row (or fail on the first key). */
static int dst_check_empty(struct copy *c)
{
        for (size_t i = 0; i < c->n; i++) {
                _cleanup_strbuf_ struct strbuf sql = STRBUF_INIT;
                _cleanup_pgresult_ PGresult *res = NULL;
                int r = strbuf_append(&sql, "SELECT EXISTS (SELECT 1 FROM ");
                if (r >= 0)
                        r = append_ident(&sql, c->t[i].name);
                if (r >= 0)
                        r = strbuf_append(&sql, ")");
                if (r < 0 || (r = dst_exec(c, c->t[i].name, strbuf_str(&sql), PGRES_TUPLES_OK,
                                           &res)) < 0)
                        return r;
                if (streq(PQgetvalue(res, 0, 0), "t"))
                        return err_set(-EEXIST,
                                       "the target database %s already holds data (table %s "
                                       "is not empty): nothing copied; db migrate copies into "
                                       "an empty database only, once. To copy again, drop and "
                                       "create the database (dropdb %s; createdb %s) and run it "
                                       "again",
                                       PQdb(c->dst), c->t[i].name, PQdb(c->dst), PQdb(c->dst));
        }
        return 0;
}

/* One value in COPY's text format: \N for NULL, the rest escaped. */
static int append_value(struct strbuf *sb, sqlite3_stmt *s, int col)
{
        switch (sqlite3_column_type(s, col)) {
        case SQLITE_NULL:
                return strbuf_append(sb, "\\N");
        case SQLITE_INTEGER:
                return strbuf_printf(sb, "%lld", (long long)sqlite3_column_int64(s, col));
        case SQLITE_FLOAT:
                /* Every bit of the double, as SQLite's own text may round. */
                return strbuf_printf(sb, "%.17g", sqlite3_column_double(s, col));
        default:
                break;
        }
        const char *v = (const char *)sqlite3_column_text(s, col);
        int len = sqlite3_column_bytes(s, col);
        int r = strbuf_reserve(sb, 2 * (size_t)len);
        if (r < 0 || !v)
                return r;
        char *p = strbuf_cursor(sb);
        for (int i = 0; i < len; i++) {
                char e = v[i] == '\\' ? '\\' : v[i] == '\n' ? 'n' : v[i] == '\r' ? 'r'
                         : v[i] == '\t' ? 't' : 0;
                if (e) {
                        *p++ = '\\';
                        *p++ = e;
                } else
                        *p++ = v[i];
        }
        strbuf_commit(sb, p);
        return 0;
}

static int copy_rows(struct copy *c, struct copy_table *t, sqlite3_stmt *s)
{
        _cleanup_strbuf_ struct strbuf buf = STRBUF_INIT;
        int ncols = sqlite3_column_count(s), rc = SQLITE_DONE, r = 0;
        while (r >= 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
                for (int i = 0; r >= 0 && i < ncols; i++) {
                        if (i)
                                r = strbuf_append(&buf, "\t");
                        if (r >= 0)
                                r = append_value(&buf, s, i);
                }
                if (r >= 0)
                        r = strbuf_append(&buf, "\n");
                t->rows++;
                if (r >= 0 && buf.len >= COPY_CHUNK) {
                        if (PQputCopyData(c->dst, buf.buf, (int)buf.len) != 1)
                                return dst_error(c, NULL, t->name);
                        strbuf_reset(&buf);
                }
        }
        if (r >= 0 && rc != SQLITE_DONE)
                r = src_error(c, t->name);
        if (r >= 0 && buf.len && PQputCopyData(c->dst, buf.buf, (int)buf.len) != 1)
                r = dst_error(c, NULL, t->name);
        return r;
}

/* COPY t (its columns) FROM STDIN, fed from SELECT of those columns. */
static int copy_table(struct copy *c, struct copy_table *t)
{
        _cleanup_strbuf_ struct strbuf cols = STRBUF_INIT, dst_sql = STRBUF_INIT,
                                       src_sql = STRBUF_INIT;
        int r = 0;
        for (char **p = t->cols; r >= 0 && *p; p++) {
                if (p != t->cols)
                        r = strbuf_append(&cols, ", ");
                if (r >= 0)
                        r = append_ident(&cols, *p);
        }
        if (r >= 0)
                r = strbuf_append(&dst_sql, "COPY ");
        if (r >= 0)
                r = append_ident(&dst_sql, t->name);
        if (r >= 0)
                r = strbuf_printf(&dst_sql, " (%s) FROM STDIN", strbuf_str(&cols));
        if (r >= 0)
                r = strbuf_printf(&src_sql, "SELECT %s FROM ", strbuf_str(&cols));
        if (r >= 0)
                r = append_ident(&src_sql, t->name);
        if (r < 0 || (r = dst_exec(c, t->name, strbuf_str(&dst_sql), PGRES_COPY_IN, NULL)) < 0)
                return r;
        sqlite3_stmt *s = NULL;
        if (sqlite3_prepare_v2(c->src, strbuf_str(&src_sql), -1, &s, NULL) != SQLITE_OK)
                r = src_error(c, t->name);
        else
                r = copy_rows(c, t, s);
        sqlite3_finalize(s);
        /* Ending the COPY with an error message makes PostgreSQL drop it. */
        if (PQputCopyEnd(c->dst, r < 0 ? "the source could not be read" : NULL) != 1 && r >= 0)
                r = dst_error(c, NULL, t->name);
        PGresult *res;
        while ((res = PQgetResult(c->dst))) {
                if (r >= 0 && PQresultStatus(res) != PGRES_COMMAND_OK)
                        r = dst_error(c, res, t->name);
                PQclear(res);
        }
        return r;
}

static bool refs_done(const struct copy *c, const struct copy_table *t)
{
        for (char **p = t->refs; *p; p++)
                for (size_t i = 0; i < c->n; i++)
                        if (streq(c->t[i].name, *p) && &c->t[i] != t && !c->t[i].done)
                                return false;
        return true;
}

/* Every table, each after the tables it references. */
static int copy_tables(struct copy *c, store_copy_cb cb, void *userdata)
{
        for (size_t left = c->n; left > 0;) {
                size_t before = left;
                for (size_t i = 0; i < c->n; i++) {
                        struct copy_table *t = &c->t[i];
                        if (t->done || !refs_done(c, t))
                                continue;
                        int r = copy_table(c, t);
                        if (r < 0)
                                return r;
                        t->done = true;
                        left--;
                        if (cb)
                                cb(t->name, t->rows, userdata);
                }
                if (left == before)
                        return err_set(-EIO, "source database %s: its tables reference each "
                                       "other in a cycle", c->path);
        }
        return 0;
}

/* The change feed's revisions come from SQLite's AUTOINCREMENT counter on
 * the source and from the stamp changes_revision on PostgreSQL: the stamp
 * starts past every revision the source ever gave (also compacted ones),
 * so a watch's revision never goes back.  Every other id, MAC, VLAN and
 * address is free or taken by the rows copied (claims included). */
static int counters_continue(struct copy *c)
{
        int64_t seq = 0;
        int r = src_int(c, "SELECT coalesce(max(seq), 0) FROM sqlite_sequence "
                        "WHERE name = 'host_changes'", &seq);
        if (r < 0)
                return r;
        char arg[32];
        snprintf(arg, sizeof(arg), "%" PRId64, seq);
        const char *v[] = {arg};
        _cleanup_pgresult_ PGresult *res = PQexecParams(
                c->dst,
                "INSERT INTO stamps (name, value) SELECT 'changes_revision', "
                "greatest($1::bigint, coalesce(max(revision), 0)) FROM host_changes "
                "ON CONFLICT (name) DO UPDATE SET value = greatest(stamps.value, excluded.value)",
                1, NULL, v, NULL, NULL, 0);
        return PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : dst_error(c, res, "stamps");
}

int store_copy(const char *from, const char *to, bool dry_run, store_copy_cb cb, void *userdata)
{
        if (!store_url_is_postgresql(to))
                return err_set(-EINVAL, "the target must be a PostgreSQL URL "
                               "(postgresql://USER:PASSWORD@HOST/DB), not '%.*s'",
                               (int)strcspn(to, ":"), to);
        if (store_url_is_postgresql(from) || (strstr(from, "://") && !strneq(from, "sqlite://", 9)))
                return err_set(-EINVAL, "the source must be a SQLite database; name it with "
                               "--from sqlite:///PATH");
        _cleanup_(copy_done) struct copy c = {
                .path = strneq(from, "sqlite://", 9) ? from + 9 : from,
        };
        int r;
        if ((r = src_open(&c)) < 0 || (r = dst_open(&c, to)) < 0 || (r = tables_read(&c)) < 0 ||
            (r = dst_check_empty(&c)) < 0 || (r = copy_tables(&c, cb, userdata)) < 0 ||
            (r = counters_continue(&c)) < 0)
                return r;
        return dst_exec(&c, dry_run ? "ROLLBACK" : "COMMIT", dry_run ? "ROLLBACK" : "COMMIT",
                        PGRES_COMMAND_OK, NULL);
}
