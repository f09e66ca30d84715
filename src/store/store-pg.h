/* The PostgreSQL backend's private parts shared by its files: running one
 * statement on the calling thread's transaction (or a pooled connection
 * of its own outside one), its parameters as text, its rows. */
#pragma once

#include <errno.h>
#include <libpq-fe.h>

#include "store/backend.h"

/* The advisory lock every writer holds ("vfnet"). */
#define PG_WRITE_LOCK "508436006260"

/* libpq's connection string from a database URL (postgresql://,
 * postgresql+psycopg2://, postgres://) and the pool size its
 * max_pool_size parameter asks for (taken out of the string). */
int pg_parse_url(const char *url, char **ret_conninfo, size_t *ret_pool);

/* Brings the schema on pq, inside a transaction the caller holds, to the
 * latest version; *ret_found (if given) gets the version it was at.
 * Returns the latest version. */
int pg_schema_upgrade(PGconn *pq, int *ret_found);

/* A statement's parameters ($1, $2, ...) in order; NULL passes SQL NULL. */
struct pg_args {
        const char **v;
        char **owned; /* the formatted numbers among v */
        int n, cap;
        bool oom;
};
void pg_args_done(struct pg_args *a);
#define _cleanup_pg_args_ _cleanup_(pg_args_done)
void pg_arg(struct pg_args *a, const char *s);
void pg_arg_int(struct pg_args *a, long long x);
void pg_arg_double(struct pg_args *a, double x);
/* pg_arg() of each of n strings. */
void pg_argv(struct pg_args *a, int n, ...);

DEFINE_POINTER_CLEANUP(PGresult, PQclear)
#define _cleanup_pgresult_ _cleanup_(PQclearp)

/* Runs sql (what names it in errors); *ret gets the result when wanted.
 * Returns the rows it gave, or for INSERT/UPDATE/DELETE the rows it
 * touched; -EEXIST on a unique violation, -EBUSY when the database is
 * unavailable (connection lost, shut down, read-only, full, a
 * serialization failure), -EIO otherwise. */
int pg_query(struct store *st, const char *what, const char *sql, struct pg_args *a,
             PGresult **ret);
/* What pg_query() gave an insert ... ON CONFLICT DO NOTHING: -EEXIST
 * when it inserted nothing; an update or delete: -ENOENT when it touched
 * nothing. */
static inline int pg_inserted(int r)
{
        return r < 0 ? r : r == 0 ? -EEXIST : 0;
}

static inline int pg_touched(int r)
{
        return r < 0 ? r : r == 0 ? -ENOENT : 0;
}

/* pg_query() with n text parameters and no result. */
int pg_exec_texts(struct store *st, const char *what, const char *sql, int n, ...);

/* A column of a row: text malloc'd (NULL for SQL NULL, or on ENOMEM when
 * *oom is set), numbers parsed (0 for NULL). */
char *pg_text_dup(const PGresult *res, int row, int col);
long long pg_int(const PGresult *res, int row, int col);
double pg_double(const PGresult *res, int row, int col);
/* Copies the text columns of a row into fields[i] (NULL: skip column
 * i; an SQL NULL stays NULL); on failure frees what it copied. */
int pg_columns_dup(const PGresult *res, int row, char **fields[], size_t n);

/* The thread that wakes this server's watches for changes other servers
 * committed (store-pg-listen.c); origin (PG_ORIGIN_LEN hex digits) names
 * this server in the notifications it sends. */
#define PG_ORIGIN_LEN 16
struct pg_listener;
int pg_listener_start(struct store *st, const char *conninfo, const char *origin,
                      struct pg_listener **ret);
void pg_listener_stop(struct pg_listener *l);

/* The rows' calls, in store-pg-rows.c. */
int pg_usage_add(struct store *st, const char *instance_id, const char *host,
                 const struct store_usage *u);
int pg_usage_sum(struct store *st, const char *host, struct store_usage *ret);
int pg_pci_claim(struct store *st, const char *host, const struct store_pci_addr *a,
                 const char *instance_id);
int pg_pci_claims(struct store *st, const char *host, struct store_pci_addr **ret);
int pg_instance_release(struct store *st, const char *instance_id);
int pg_host_report_put(struct store *st, const struct store_host_report *in);
int pg_host_report_get(struct store *st, const char *host, char **ret_report, char **ret_hash);
int pg_auth_failures_get(struct store *st, const char *user_id, struct store_auth_failures *ret);
int pg_auth_failure_add(struct store *st, const char *user_id, double at, bool restart);
int pg_auth_failures_clear(struct store *st, const char *user_id);
int pg_compute_host_put(struct store *st, const struct store_compute_host *h, bool create);
int pg_compute_host_get(struct store *st, const char *hostname, struct store_compute_host **ret);
int pg_heartbeats_put(struct store *st, const struct store_heartbeat *v, size_t n);
int pg_compute_host_heartbeats(struct store *st, store_heartbeat_cb cb, void *userdata);
int pg_compute_host_claims_tags(struct store *st, int64_t after, store_claims_tag_cb cb,
                                void *userdata);
int pg_compute_host_get_with_agent(struct store *st, const char *hostname, const char *agent_id,
                                   struct store_compute_host **ret, char **ret_agent_doc,
                                   double *ret_agent_heartbeat);
int pg_compute_host_get_by_service(struct store *st, const char *service_id,
                                   struct store_compute_host **ret);
int pg_compute_host_list(struct store *st, struct store_compute_host ***ret);
int pg_compute_task_add(struct store *st, const struct store_compute_task *t);
int pg_compute_task_get(struct store *st, const char *id, struct store_compute_task **ret);
int pg_compute_task_delete(struct store *st, const char *id);
int pg_compute_task_list(struct store *st, const char *host, size_t limit,
                         struct store_compute_task ***ret);

/* Instances, in store-pg-instance.c. */
int pg_instance_put(struct store *st, const struct store_instance *in, bool create);
int pg_instance_get(struct store *st, const char *id, struct store_instance **ret);
int pg_instance_delete(struct store *st, const char *id);
int pg_instance_list(struct store *st, const struct store_instance_query *q, store_instance_cb cb,
                     void *userdata);
int pg_instance_totals(struct store *st, const struct store_instance_query *q,
                       struct store_usage *ret);

/* Networks, subnets, ports and agents, in store-pg-network.c. */
/* For every typed table (typed-query.h): SELECT what FROM it with a
 * query's WHERE (and, for a list, its order and limit), and the count of
 * the rows a query selects. */
struct typed_table;
int pg_typed_query(struct store *st, const struct typed_table *t, const char *what,
                   const struct store_query *q, bool list, PGresult **res);
int pg_typed_count(struct store *st, const struct typed_table *t, const struct store_query *q,
                   size_t *ret);
/* head, "SELECT id FROM" the table with the query's WHERE, order and
 * limit (the ids a list gives), then tail, run. */
int pg_typed_query_ids(struct store *st, const struct typed_table *t, const char *head,
                       const struct store_query *q, const char *tail, PGresult **res);
int pg_network_put(struct store *st, const struct store_network *n, bool create);
int pg_network_delete(struct store *st, const char *id);
int pg_network_list(struct store *st, const struct store_query *q, store_network_cb cb,
                    void *userdata);
int pg_network_count(struct store *st, const struct store_query *q, size_t *ret);
int pg_port_put(struct store *st, const struct store_port *p, bool create);
int pg_port_host(struct store *st, const char *id, char **ret);
int pg_port_delete(struct store *st, const char *id);
int pg_port_list(struct store *st, const struct store_query *q, store_port_cb cb, void *userdata);
int pg_port_count(struct store *st, const struct store_query *q, size_t *ret);
int pg_subnet_put(struct store *st, const struct store_subnet *s, bool create);
int pg_subnet_delete(struct store *st, const char *id);
int pg_subnet_list(struct store *st, const struct store_query *q, store_subnet_cb cb,
                   void *userdata);
int pg_subnet_count(struct store *st, const struct store_query *q, size_t *ret);
int pg_agent_put(struct store *st, const struct store_agent *a, bool create);
int pg_agent_get(struct store *st, const char *id, char **ret_doc, double *ret_heartbeat,
                 char **ret_heartbeat_text);
int pg_agent_delete(struct store *st, const char *id);
int pg_agent_list(struct store *st, const struct store_query *q, store_agent_row_cb cb,
                  void *userdata);

/* Security groups and their rules, in store-pg-secgroup.c. */
int pg_secgroup_put(struct store *st, const struct store_secgroup *g, bool create);
int pg_secgroup_delete(struct store *st, const char *id);
int pg_secgroup_list(struct store *st, const struct store_query *q, store_secgroup_cb cb,
                     void *userdata);
int pg_secgroup_count(struct store *st, const struct store_query *q, size_t *ret);
int pg_sg_rule_put(struct store *st, const struct store_sg_rule *r, bool create);
int pg_sg_rule_delete(struct store *st, const char *id);
int pg_sg_rule_list(struct store *st, const struct store_query *q, store_sg_rule_cb cb,
                    void *userdata);
int pg_sg_rule_count(struct store *st, const struct store_query *q, size_t *ret);
int pg_sg_rules_of(struct store *st, const char *security_group_id, store_sg_rule_cb cb,
                   void *userdata);
int pg_sg_rule_cursor_open(struct store *st, const struct store_query *q,
                           struct store_sg_rule_cursor **ret);
