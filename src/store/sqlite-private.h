/* What the SQLite backend's files share: its store, the cached prepared
 * statements and the helpers that run them, and the typed rows' calls
 * kept in files of their own.  Private to src/store/. */
#pragma once

#include <pthread.h>
#include <sqlite3.h>

#include "base/macro.h"
#include "base/strbuf.h"
#include "store/backend.h"

/* Prepared statements are kept and reused (parsing SQL was a visible part
 * of every request); a statement in use is never handed out twice.  Room
 * for every statement a busy server runs, so none is evicted and parsed
 * again. */
#define STMT_CACHE_SIZE 128

/* Room for the stamps read outside a transaction (there is one today,
 * the identity stamp); a longer name or a further stamp is read each
 * time. */
#define STAMP_MEMO_SIZE 4
#define STAMP_MEMO_NAME_MAX 32

struct stmt_cache_entry {
        char *sql;
        sqlite3_stmt *stmt;
        bool busy;
};

struct sqlite_store {
        struct store base;
        sqlite3 *db;
        /* The connection is opened without SQLite's own mutex (taking it
         * on every column read was a sixth of a long list's time): every
         * use is under lock, which sqlite_prepare() checks. */
        pthread_mutex_t lock;
        pthread_t owner; /* holds lock, while owned */
        bool owned;
        bool in_tx;
        bool tx_writes; /* the open transaction is a writer's */
        struct stmt_cache_entry cache[STMT_CACHE_SIZE];
        unsigned next_victim;
        /* BEGIN, BEGIN IMMEDIATE, COMMIT and ROLLBACK, prepared once: every
         * request runs them, and parsing them each time was a tenth of a
         * heartbeat's cost. */
        sqlite3_stmt *tx_stmt[4];
        /* Hosts the open transaction appended change-feed entries for,
         * told to the change hook once it commits. */
        struct store_changed_hosts changed;
        /* Stamps store_stamp_read() found, valid while SQLite's data
         * version of the database is memo_version (sqlite_stamp_read).
         * Under memo_lock, not lock: a hit needs no transaction, so it
         * need not wait for one. */
        pthread_mutex_t memo_lock;
        unsigned memo_version;
        /* SQLite's data version as the last transaction left it, read
         * under lock at its end (atomic): what a hit is checked against,
         * without the lock. */
        unsigned seen_version;
        struct stamp_memo {
                char name[STAMP_MEMO_NAME_MAX];
                int64_t value;
        } memo[STAMP_MEMO_SIZE];
        size_t n_memo;
};

static inline struct sqlite_store *to_sqlite(struct store *base)
{
        return (struct sqlite_store *)base;
}

struct stmt_handle {
        struct sqlite_store *st;
        sqlite3_stmt *s;
        int slot; /* -1: not cached, finalized after use */
};

int sqlite_prepare(struct sqlite_store *st, const char *sql, struct stmt_handle *h);
/* sqlite_prepare() and bind n strings (NULL binds SQL NULL) to 1..n. */
int sqlite_prepare_texts(struct sqlite_store *st, const char *sql, struct stmt_handle *h, int n,
                         ...);
void sqlite_stmt_freep(struct stmt_handle *h);
#define _cleanup_stmt_ _cleanup_(sqlite_stmt_freep)
/* One step: 1 when it gave a row, 0 when done, or the error (what names
 * the statement). */
int sqlite_step_row(struct sqlite_store *st, sqlite3_stmt *s, const char *what);
int sqlite_step_done(struct sqlite_store *st, sqlite3_stmt *s, const char *what);
/* A statement with n text parameters and no rows, run to its end. */
int sqlite_exec_texts(struct sqlite_store *st, const char *what, const char *sql, int n, ...);
/* A DELETE keyed by one id: -ENOENT when it deleted nothing. */
int sqlite_delete_by_id(struct sqlite_store *st, const char *sql, const char *id);
/* Get or none: the first row's columns 0..n-1 (n <= 8) of a statement
 * keyed by one text parameter, each malloc'd into the char ** that follow
 * (a NULL pointer skips a column; SQL NULL gives NULL); -ENOENT without a
 * row. */
int sqlite_get_texts(struct sqlite_store *st, const char *what, const char *sql, const char *key,
                     int n, ...);

/* The schema version this code's migrations reach. */
size_t sqlite_schema_latest(void);

/* sqlite-instance.c: store.h's instances. */
int sqlite_instance_put(struct store *st, const struct store_instance *in, bool create);
int sqlite_instance_get(struct store *st, const char *id, struct store_instance **ret);
int sqlite_instance_delete(struct store *st, const char *id);
int sqlite_instance_list(struct store *st, const struct store_instance_query *q,
                         store_instance_cb cb, void *userdata);
int sqlite_instance_totals(struct store *st, const struct store_instance_query *q,
                           struct store_usage *ret);

/* sqlite-network.c: store.h's networks, subnets, ports and agents; and
 * for every typed table (typed-query.h), SELECT what FROM it with a
 * query's WHERE (and, for a list, its order and limit) prepared and
 * bound, and the count of its rows a query selects. */
struct typed_table;
int sqlite_typed_prepare(struct sqlite_store *st, const struct typed_table *t, const char *what,
                         const struct store_query *q, bool list, struct stmt_handle *h);
int sqlite_typed_count(struct sqlite_store *st, const struct typed_table *t,
                       const struct store_query *q, size_t *ret);
/* head, then "SELECT id FROM" the table with the query's WHERE, order and
 * limit (the ids a list gives), then tail, prepared and bound: what is
 * read beside a list, for the same rows. */
int sqlite_typed_prepare_ids(struct sqlite_store *st, const struct typed_table *t,
                             const char *head, const struct store_query *q, const char *tail,
                             struct stmt_handle *h);
int sqlite_network_put(struct store *st, const struct store_network *n, bool create);
int sqlite_network_delete(struct store *st, const char *id);
int sqlite_network_list(struct store *st, const struct store_query *q, store_network_cb cb,
                        void *userdata);
int sqlite_network_count(struct store *st, const struct store_query *q, size_t *ret);
int sqlite_port_put(struct store *st, const struct store_port *p, bool create);
int sqlite_port_host(struct store *st, const char *id, char **ret);
int sqlite_port_delete(struct store *st, const char *id);
int sqlite_port_list(struct store *st, const struct store_query *q, store_port_cb cb,
                     void *userdata);
int sqlite_port_count(struct store *st, const struct store_query *q, size_t *ret);
int sqlite_subnet_put(struct store *st, const struct store_subnet *s, bool create);
int sqlite_subnet_delete(struct store *st, const char *id);
int sqlite_subnet_list(struct store *st, const struct store_query *q, store_subnet_cb cb,
                       void *userdata);
int sqlite_subnet_count(struct store *st, const struct store_query *q, size_t *ret);
int sqlite_agent_put(struct store *st, const struct store_agent *a, bool create);
int sqlite_agent_get(struct store *st, const char *id, char **ret_doc, double *ret_heartbeat,
                     char **ret_heartbeat_text);
int sqlite_agent_delete(struct store *st, const char *id);
int sqlite_agent_list(struct store *st, const struct store_query *q, store_agent_row_cb cb,
                      void *userdata);

/* sqlite-secgroup.c: store.h's security groups and their rules. */
int sqlite_secgroup_put(struct store *st, const struct store_secgroup *g, bool create);
int sqlite_secgroup_delete(struct store *st, const char *id);
int sqlite_secgroup_list(struct store *st, const struct store_query *q, store_secgroup_cb cb,
                         void *userdata);
int sqlite_secgroup_count(struct store *st, const struct store_query *q, size_t *ret);
int sqlite_sg_rule_put(struct store *st, const struct store_sg_rule *r, bool create);
int sqlite_sg_rule_delete(struct store *st, const char *id);
int sqlite_sg_rule_list(struct store *st, const struct store_query *q, store_sg_rule_cb cb,
                        void *userdata);
int sqlite_sg_rule_count(struct store *st, const struct store_query *q, size_t *ret);
int sqlite_sg_rules_of(struct store *st, const char *security_group_id, store_sg_rule_cb cb,
                       void *userdata);
int sqlite_sg_rule_cursor_open(struct store *st, const struct store_query *q,
                               struct store_sg_rule_cursor **ret);
