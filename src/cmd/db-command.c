/* vfnet-server db migrate: a SQLite database copied into PostgreSQL, and
 * db upgrade: a database's schema brought to this version, so an older
 * SQLite file can then be migrated. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/error.h"
#include "base/log.h"
#include "cmd/db-command.h"
#include "store/store-copy.h"
#include "store/store.h"

struct tally {
        const char *verb;
        int64_t rows;
        size_t tables;
};

static void table_copied(const char *table, int64_t rows, void *userdata)
{
        struct tally *t = userdata;
        printf("%s %-20s %" PRId64 " rows\n", t->verb, table, rows);
        t->rows += rows;
        t->tables++;
}

/* A URL as it may be shown: its password hidden. */
static void url_shown(const char *url, char *buf, size_t size)
{
        const char *auth = strstr(url, "://");
        const char *at = auth ? strchr(auth + 3, '@') : NULL;
        const char *colon = auth ? strchr(auth + 3, ':') : NULL;
        if (at && colon && colon < at && !memchr(auth + 3, '/', (size_t)(at - auth - 3)))
                snprintf(buf, size, "%.*s:***%s", (int)(colon - url), url, at);
        else
                snprintf(buf, size, "%s", url);
}

static double now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int db_migrate(const struct db_options *o)
{
        if (!o->to) {
                log_error("db migrate needs --to postgresql://USER:PASSWORD@HOST/DB");
                return 2;
        }
        struct tally t = {.verb = o->dry_run ? "would copy" : "copied"};
        char shown[512];
        url_shown(o->to, shown, sizeof(shown));
        double start = now();
        int r = store_copy(o->from, o->to, o->dry_run, table_copied, &t);
        if (r < 0) {
                log_error("db migrate: %s", err_msg(r));
                return 1;
        }
        if (o->dry_run)
                printf("dry run: would copy %" PRId64 " rows in %zu tables from %s to %s; "
                       "nothing changed\n", t.rows, t.tables, o->from, shown);
        else
                printf("copied %" PRId64 " rows in %zu tables from %s to %s in %.2f s; point "
                       "[database] connection at it and start the servers\n",
                       t.rows, t.tables, o->from, shown, now() - start);
        return 0;
}

static int db_upgrade(const struct db_options *o)
{
        _cleanup_store_ struct store *st = NULL;
        int r = store_open(o->from, &st);
        if (r < 0) {
                log_error("db upgrade: %s", err_msg(r));
                return 1;
        }
        char shown[512];
        url_shown(o->from, shown, sizeof(shown));
        printf("%s is at schema version %d\n", shown, store_schema_version(st));
        return 0;
}

int db_command(int argc, char **argv, const struct db_options *o)
{
        if (argc == 1 && streq(argv[0], "migrate"))
                return db_migrate(o);
        if (argc == 1 && streq(argv[0], "upgrade"))
                return db_upgrade(o);
        log_error("usage: vfnet-server db migrate --to URL [--from URL] [--dry-run] | "
                  "db upgrade [--from URL]");
        return 2;
}
