/* What a database backend of store.h provides: one function per store.h
 * call, in a table store.c dispatches through, and the state every
 * backend shares (the change hook, the change log's length).  Private to
 * src/store/. */
#pragma once

#include <pthread.h>

#include "base/strbuf.h"
#include "store/store.h"

/* doc with its "heartbeat_timestamp" and "_heartbeat" members' values
 * replaced by heartbeat_text and heartbeat (appended when absent), into
 * out (reset first). */
int store_agent_doc(const char *doc, double heartbeat, const char *heartbeat_text,
                    struct strbuf *out);

/* A compute host's columns, in the order both backends read them. */
#define HOST_COLUMNS                                                                               \
        "hostname, service_id, hypervisor_id, disabled, disabled_reason, forced_down, "           \
        "availability_zone, report_hash, heartbeat, created_at, updated_at, claims_tag, num_id"
#define HOST_N_COLUMNS 13
/* An agent's row beside them (store_compute_host_get_with_agent()): the
 * select, its id's parameter to follow, joined as "a". */
#define HOST_AGENT_COLUMNS "a.agent_doc, a.agent_heartbeat"
#define HOST_AGENT_SELECT                                                                          \
        "SELECT doc AS agent_doc, heartbeat AS agent_heartbeat FROM agents WHERE id ="

/* The columns of instances (instance-row.c), in the one order both
 * backends read and write them: the SQL name and where the value lives in
 * struct store_instance. */
enum store_column_type { STORE_COLUMN_TEXT, STORE_COLUMN_INT, STORE_COLUMN_BOOL };
struct store_column {
        const char *name;
        enum store_column_type type;
        size_t offset;
};
extern const struct store_column store_instance_columns[];
extern const size_t store_instance_n_columns;
/* "id, project_id, ..." (placeholder 0) or "?1, ?2, ..." / "$1, $2, ..."
 * appended to sb. */
int store_instance_columns_sql(struct strbuf *sb, char placeholder);
/* Column i's value as text (NULL: SQL NULL; numbers printed into buf),
 * and set from text as a backend gives it back. */
const char *store_instance_column_text(const struct store_instance *in, size_t i, char buf[24]);
int store_instance_column_set(struct store_instance *in, size_t i, const char *text);
/* An instance's lists, each a table of (instance_id, position, columns),
 * its rows in position order. */
enum { STORE_INSTANCE_PORTS, STORE_INSTANCE_ADDRESSES, STORE_INSTANCE_TRIED,
       STORE_INSTANCE_N_LISTS };
struct store_instance_list_table {
        const char *table;
        const char *columns; /* "a, b" */
        int n_columns;       /* at most 4 */
        const char *names[4];
};
extern const struct store_instance_list_table store_instance_lists[STORE_INSTANCE_N_LISTS];
size_t store_instance_list_len(const struct store_instance *in, int list);
/* Row i of a list as text into v (numbers printed into buf). */
void store_instance_list_row(const struct store_instance *in, int list, size_t i,
                             const char *v[4], char buf[24]);
/* A row read back appended. */
int store_instance_list_append(struct store_instance *in, int list, const char *const *v);
/* The statement that writes row $2 of a list ($1 the instance, $3... the
 * columns): inserted, or changed only where it differs (an unchanged row
 * is not written again); distinct is the backend's "IS DISTINCT FROM".
 * And the one that drops the rows from position $2 on. */
int store_instance_list_upsert_sql(struct strbuf *sb, int list, char placeholder,
                                   const char *distinct);
int store_instance_list_trim_sql(struct strbuf *sb, int list, char placeholder);

struct store_backend {
        const char *name;
        void (*free)(struct store *st);
        int (*schema_version)(struct store *st);
        int (*begin)(struct store *st, bool write);
        /* NULL: begin(st, false), a snapshot being more than asked. */
        int (*begin_read_committed)(struct store *st);
        int (*end)(struct store *st, bool commit);

        int (*obj_insert)(struct store *st, const char *kind, const char *id,
                          const char *project_id, const char *doc);
        int (*obj_update)(struct store *st, const char *kind, const char *id, const char *doc);
        int (*obj_delete)(struct store *st, const char *kind, const char *id);
        int (*obj_delete_below)(struct store *st, const char *kind, const char *attr,
                                double limit);
        int (*obj_get)(struct store *st, const char *kind, const char *id, char **ret_doc,
                       char **ret_project);
        int (*obj_list)(struct store *st, const char *kind, const struct store_query *q,
                        store_obj_cb cb, void *userdata);
        int (*obj_count)(struct store *st, const char *kind, const struct store_query *q,
                         size_t *ret);

        int (*claim)(struct store *st, const char *pool, const char *value, const char *owner);
        int (*release)(struct store *st, const char *pool, const char *value);
        int (*is_claimed)(struct store *st, const char *pool, const char *value);
        int (*release_owner)(struct store *st, const char *owner);
        int (*pool_values)(struct store *st, const char *pool, char ***ret);

        int (*usage_add)(struct store *st, const char *instance_id, const char *host,
                         const struct store_usage *u);
        int (*usage_sum)(struct store *st, const char *host, struct store_usage *ret);
        int (*pci_claim)(struct store *st, const char *host, const struct store_pci_addr *a,
                         const char *instance_id);
        int (*pci_claims)(struct store *st, const char *host, struct store_pci_addr **ret);
        int (*instance_release)(struct store *st, const char *instance_id);

        int (*host_report_put)(struct store *st, const struct store_host_report *in);
        int (*host_report_get)(struct store *st, const char *host, char **ret_report,
                               char **ret_hash);

        int (*auth_failures_get)(struct store *st, const char *user_id,
                                 struct store_auth_failures *ret);
        int (*auth_failure_add)(struct store *st, const char *user_id, double at, bool restart);
        int (*auth_failures_clear)(struct store *st, const char *user_id);

        int (*instance_put)(struct store *st, const struct store_instance *in, bool create);
        int (*instance_get)(struct store *st, const char *id, struct store_instance **ret);
        int (*instance_delete)(struct store *st, const char *id);
        int (*instance_list)(struct store *st, const struct store_instance_query *q,
                             store_instance_cb cb, void *userdata);
        int (*instance_totals)(struct store *st, const struct store_instance_query *q,
                               struct store_usage *ret);

        int (*compute_host_put)(struct store *st, const struct store_compute_host *h,
                                bool create);
        int (*compute_host_get)(struct store *st, const char *hostname,
                                struct store_compute_host **ret);
        int (*compute_host_get_by_service)(struct store *st, const char *service_id,
                                           struct store_compute_host **ret);
        int (*compute_host_get_with_agent)(struct store *st, const char *hostname,
                                           const char *agent_id, struct store_compute_host **ret,
                                           char **ret_agent_doc, double *ret_agent_heartbeat);
        int (*compute_host_list)(struct store *st, struct store_compute_host ***ret);
        int (*compute_host_claims_tags)(struct store *st, int64_t after, store_claims_tag_cb cb,
                                        void *userdata);
        int (*compute_host_heartbeats)(struct store *st, store_heartbeat_cb cb, void *userdata);
        int (*heartbeats_put)(struct store *st, const struct store_heartbeat *v, size_t n);

        int (*compute_task_add)(struct store *st, const struct store_compute_task *t);
        int (*compute_task_get)(struct store *st, const char *id,
                                struct store_compute_task **ret);
        int (*compute_task_delete)(struct store *st, const char *id);
        int (*compute_task_list)(struct store *st, const char *host, size_t limit,
                                 struct store_compute_task ***ret);

        int (*secret_set)(struct store *st, const char *key, const char *value);
        int (*secret_get)(struct store *st, const char *key, char **ret);
        int (*secret_delete)(struct store *st, const char *key);

        int (*stamp_get)(struct store *st, const char *name, int64_t *ret);
        int (*stamp_read)(struct store *st, const char *name, int64_t *ret);
        int (*stamp_bump)(struct store *st, const char *name);
        /* Optional: a check deferred to the next transaction
         * (store_stamp_expect()); without it the stamp is read at once. */
        int (*stamp_expect)(struct store *st, const char *name, int64_t value);
        int (*stamp_settle)(struct store *st);
        bool (*stamp_take)(struct store *st, int64_t *ret_value); /* may be NULL: never open */

        int (*network_put)(struct store *st, const struct store_network *n, bool create);
        int (*network_delete)(struct store *st, const char *id);
        /* store_network_get() is a list by id. */
        int (*network_list)(struct store *st, const struct store_query *q, store_network_cb cb,
                            void *userdata);
        int (*network_count)(struct store *st, const struct store_query *q, size_t *ret);
        int (*port_put)(struct store *st, const struct store_port *p, bool create);
        /* store_port_get() is a list by id. */
        int (*port_host)(struct store *st, const char *id, char **ret);
        int (*port_delete)(struct store *st, const char *id);
        int (*port_list)(struct store *st, const struct store_query *q, store_port_cb cb,
                         void *userdata);
        int (*port_count)(struct store *st, const struct store_query *q, size_t *ret);

        int (*subnet_put)(struct store *st, const struct store_subnet *s, bool create);
        int (*subnet_delete)(struct store *st, const char *id);
        /* store_subnet_get() is a list by id. */
        int (*subnet_list)(struct store *st, const struct store_query *q, store_subnet_cb cb,
                           void *userdata);
        int (*subnet_count)(struct store *st, const struct store_query *q, size_t *ret);

        int (*secgroup_put)(struct store *st, const struct store_secgroup *g, bool create);
        int (*secgroup_delete)(struct store *st, const char *id);
        /* store_secgroup_get() and store_sg_rule_get() are lists by id. */
        int (*secgroup_list)(struct store *st, const struct store_query *q,
                             store_secgroup_cb cb, void *userdata);
        int (*secgroup_count)(struct store *st, const struct store_query *q, size_t *ret);
        int (*sg_rule_put)(struct store *st, const struct store_sg_rule *r, bool create);
        int (*sg_rule_delete)(struct store *st, const char *id);
        int (*sg_rule_list)(struct store *st, const struct store_query *q, store_sg_rule_cb cb,
                            void *userdata);
        int (*sg_rule_count)(struct store *st, const struct store_query *q, size_t *ret);
        int (*sg_rules_of)(struct store *st, const char *security_group_id, store_sg_rule_cb cb,
                           void *userdata);
        int (*sg_rule_cursor_open)(struct store *st, const struct store_query *q,
                                   struct store_sg_rule_cursor **ret);

        int (*agent_put)(struct store *st, const struct store_agent *a, bool create);
        /* The stored document and the heartbeat columns, as they are:
         * store.c sets the one from the other. */
        int (*agent_get)(struct store *st, const char *id, char **ret_doc, double *ret_heartbeat,
                         char **ret_heartbeat_text);
        int (*agent_delete)(struct store *st, const char *id);
        int (*agent_list)(struct store *st, const struct store_query *q, store_agent_row_cb cb,
                          void *userdata);

        int (*change_append)(struct store *st, const char *host, const char *kind,
                             const char *id, int64_t *ret_revision);
        int (*changes_since)(struct store *st, const char *host, int64_t since, size_t limit,
                             store_change_cb cb, void *userdata,
                             int64_t *ret_revision);
        int (*change_revision)(struct store *st, int64_t *ret);
        int (*changes_compact)(struct store *st, int64_t upto);
};

/* The rules read beside a group list, as a backend's cursor begins (its
 * own state after this head); store-secgroup.c walks it. */
struct store_sg_rule_cursor {
        /* Reads the next row into *row (its strings valid until the next
         * call): 1, or 0 at the end, or an error. */
        int (*next)(struct store_sg_rule_cursor *c, struct store_sg_rule *row);
        void (*free)(struct store_sg_rule_cursor *c);
        struct store_sg_rule row; /* the row read ahead (from the open on) */
        int has_row;              /* 1: row holds one; 0: at the end; < 0: an error */
};

/* The head of every backend's store (its first member). */
struct store {
        const struct store_backend *ops;
        pthread_mutex_t hook_lock; /* guards change_hook and its data */
        store_change_hook change_hook;
        void *change_hook_data;
        int64_t changes_keep; /* store_set_changes_keep() */
        uint64_t write_rollbacks; /* store_write_rollbacks(), atomic */
};

/* Whether a connection URL names PostgreSQL (postgresql://, postgres://,
 * postgresql+psycopg2://). */
bool store_url_is_postgresql(const char *url);

/* Each backend's open: path or URL as store_open() got it. */
int store_sqlite_open(const char *path, struct store **ret);
int store_pg_open(const char *url, struct store **ret);

/* A write transaction ended without committing (store_write_rollbacks()):
 * counted by the backend before it lets the next writer in, so no writer
 * reads a cache filled inside the undone one as still good. */
void store_count_rollback(struct store *st);

/* Fills the shared head; store_head_done() undoes it. */
void store_head_init(struct store *st, const struct store_backend *ops);
void store_head_done(struct store *st);

/* The hosts one transaction appended change-feed entries for. */
struct store_changed_hosts {
        char **v;
        size_t n;
};
/* Adds host unless it is there already. */
int store_changed_hosts_add(struct store_changed_hosts *c, const char *host);
/* After the transaction ended: calls the change hook for each host if it
 * committed, and empties the set either way.  Call it holding no lock. */
void store_changed_hosts_done(struct store *st, struct store_changed_hosts *c, bool committed);
/* Calls the change hook (if one is set) for host. */
void store_change_hook_call(struct store *st, const char *host);
/* Whether appending revision rev should compact the log, and up to where. */
bool store_changes_compact_due(struct store *st, int64_t rev, int64_t *ret_upto);

/* -EPROTO with a message when a database's schema version is newer than
 * the known migrations: a newer vfnet-server wrote it. */
int store_schema_check(int version, size_t known);

/* Filter attributes are written into the SQL (so expression indexes
 * apply), hence only letters, digits and _:- in their names. */
bool store_attr_name_safe(const char *a);

/* Room for one more entry and the ending NULL in the NULL-ended array
 * *pv of any pointer type holding n entries; the capacity doubles.  New
 * slots are NULL, so the array stays NULL-ended (and freeable) when
 * filling the next entry fails. */
int store_ptrv_reserve(void *pv, size_t n);
