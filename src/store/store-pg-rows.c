/* The PostgreSQL backend's typed rows: compute usage and PCI claims,
 * host reports, failed logins, compute hosts' records and
 * tasks.  Inserts that must be unique use ON CONFLICT DO NOTHING and
 * report -EEXIST when nothing was inserted: a unique violation would abort
 * the whole transaction on PostgreSQL. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "base/strbuf.h"
#include "store/store-pg.h"

/* The next claims revision for the hosts `where` selects ($1 is key).
 * Writers hold the database's write lock to their commit, so revisions
 * commit in order: a reader that saw revision R sees every one below. */
static int claims_moved(struct store *st, const char *where, const char *key)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        char sql[512];
        if (snprintf(sql, sizeof(sql), "WITH next AS (INSERT INTO stamps (name, value) VALUES ('"
                 STORE_STAMP_CLAIMS "', 1) ON CONFLICT (name) DO UPDATE SET value = "
                 "stamps.value + 1 RETURNING value) UPDATE compute_hosts SET claims_tag = "
                 "(SELECT value FROM next) WHERE %s", where) >= (int)sizeof(sql))
                return -ENAMETOOLONG;
        pg_arg(&a, key);
        int r = pg_query(st, "claims tag", sql, &a, NULL);
        return r < 0 ? r : 0;
}

int pg_usage_add(struct store *st, const char *instance_id, const char *host,
                 const struct store_usage *u)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        pg_argv(&a, 2, instance_id, host);
        pg_arg_int(&a, u->vcpus);
        pg_arg_int(&a, u->memory_mb);
        pg_arg_int(&a, u->disk_gb);
        int r = pg_inserted(pg_query(st, "usage", "INSERT INTO compute_usage (instance_id, host, "
                                  "vcpus, memory_mb, disk_gb) VALUES ($1, $2, $3, $4, $5) "
                                  "ON CONFLICT DO NOTHING", &a, NULL));
        return r < 0 ? r : claims_moved(st, "hostname = $1", host);
}

int pg_usage_sum(struct store *st, const char *host, struct store_usage *ret)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        _cleanup_pgresult_ PGresult *res = NULL;
        pg_arg(&a, host);
        int r = pg_query(st, "usage", "SELECT coalesce(sum(vcpus), 0), coalesce(sum(memory_mb), 0), "
                         "coalesce(sum(disk_gb), 0), count(*) FROM compute_usage WHERE host = $1",
                         &a, &res);
        if (r <= 0)
                return r < 0 ? r : -EIO;
        *ret = (struct store_usage){
                .vcpus = pg_int(res, 0, 0),
                .memory_mb = pg_int(res, 0, 1),
                .disk_gb = pg_int(res, 0, 2),
                .instances = pg_int(res, 0, 3),
        };
        return 0;
}

int pg_pci_claim(struct store *st, const char *host, const struct store_pci_addr *p,
                 const char *instance_id)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        pg_argv(&a, 2, host, instance_id);
        pg_arg_int(&a, p->domain);
        pg_arg_int(&a, p->bus);
        pg_arg_int(&a, p->slot);
        pg_arg_int(&a, p->function);
        int r = pg_inserted(pg_query(st, "PCI claim", "INSERT INTO pci_claims (host, instance_id, "
                                  "domain, bus, slot, function) VALUES ($1, $2, $3, $4, $5, $6) "
                                  "ON CONFLICT DO NOTHING", &a, NULL));
        return r < 0 ? r : claims_moved(st, "hostname = $1", host);
}

int pg_pci_claims(struct store *st, const char *host, struct store_pci_addr **ret)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        _cleanup_pgresult_ PGresult *res = NULL;
        pg_arg(&a, host);
        int r = pg_query(st, "PCI claims", "SELECT domain, bus, slot, function FROM pci_claims "
                         "WHERE host = $1 ORDER BY domain, bus, slot, function", &a, &res);
        if (r <= 0)
                return r;
        struct store_pci_addr *v = calloc((size_t)r, sizeof(*v));
        if (!v)
                return -ENOMEM;
        for (int i = 0; i < r; i++)
                v[i] = (struct store_pci_addr){(unsigned)pg_int(res, i, 0),
                                               (unsigned)pg_int(res, i, 1),
                                               (unsigned)pg_int(res, i, 2),
                                               (unsigned)pg_int(res, i, 3)};
        *ret = v;
        return r;
}

int pg_instance_release(struct store *st, const char *instance_id)
{
        int r = claims_moved(st, "hostname IN (SELECT host FROM compute_usage WHERE instance_id = "
                             "$1 UNION SELECT host FROM pci_claims WHERE instance_id = $1)",
                             instance_id);
        if (r >= 0)
                r = pg_exec_texts(st, "release", "DELETE FROM compute_usage WHERE instance_id = $1",
                                  1, instance_id);
        if (r >= 0)
                r = pg_exec_texts(st, "release", "DELETE FROM pci_claims WHERE instance_id = $1", 1,
                                  instance_id);
        return r < 0 ? r : 0;
}

int pg_host_report_put(struct store *st, const struct store_host_report *in)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        pg_argv(&a, 3, in->host, in->hash, in->report);
        pg_arg_double(&a, in->received);
        int r = pg_query(st, "host report", "INSERT INTO host_reports (host, hash, report, received) "
                         "VALUES ($1, $2, $3, $4) ON CONFLICT (host) DO UPDATE SET "
                         "hash = excluded.hash, report = excluded.report, "
                         "received = excluded.received", &a, NULL);
        return r < 0 ? r : 0;
}

int pg_host_report_get(struct store *st, const char *host, char **ret_report, char **ret_hash)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        _cleanup_pgresult_ PGresult *res = NULL;
        pg_arg(&a, host);
        int r = pg_query(st, "host report", "SELECT report, hash FROM host_reports WHERE host = $1",
                         &a, &res);
        if (r <= 0)
                return r < 0 ? r : -ENOENT;
        _cleanup_free_ char *report = ret_report ? pg_text_dup(res, 0, 0) : NULL;
        _cleanup_free_ char *hash = ret_hash ? pg_text_dup(res, 0, 1) : NULL;
        if ((ret_report && !report) || (ret_hash && !hash))
                return -ENOMEM;
        if (ret_report)
                *ret_report = TAKE_PTR(report);
        if (ret_hash)
                *ret_hash = TAKE_PTR(hash);
        return 0;
}

int pg_auth_failures_get(struct store *st, const char *user_id, struct store_auth_failures *ret)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        _cleanup_pgresult_ PGresult *res = NULL;
        pg_arg(&a, user_id);
        int r = pg_query(st, "failed logins", "SELECT failed_auth_count, failed_auth_at FROM "
                         "user_auth_failures WHERE user_id = $1", &a, &res);
        if (r < 0)
                return r;
        *ret = r == 0 ? (struct store_auth_failures){0}
                      : (struct store_auth_failures){pg_int(res, 0, 0), pg_double(res, 0, 1)};
        return 0;
}

int pg_auth_failure_add(struct store *st, const char *user_id, double at, bool restart)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        pg_arg(&a, user_id);
        pg_arg_double(&a, at);
        pg_arg(&a, restart ? "true" : "false");
        /* One statement, so concurrent failures on several servers all count. */
        int r = pg_query(st, "failed logins", "INSERT INTO user_auth_failures (user_id, "
                         "failed_auth_count, failed_auth_at) VALUES ($1, 1, $2) "
                         "ON CONFLICT (user_id) DO UPDATE SET failed_auth_count = CASE WHEN "
                         "$3::boolean THEN 1 ELSE user_auth_failures.failed_auth_count + 1 END, "
                         "failed_auth_at = $2", &a, NULL);
        return r < 0 ? r : 0;
}

int pg_auth_failures_clear(struct store *st, const char *user_id)
{
        int r = pg_exec_texts(st, "failed logins", "DELETE FROM user_auth_failures WHERE "
                              "user_id = $1", 1, user_id);
        return r < 0 ? r : 0;
}

static int host_from_row(const PGresult *res, int row, struct store_compute_host **ret)
{
        struct store_compute_host *h = calloc(1, sizeof(*h));
        if (!h)
                return -ENOMEM;
        char **text[] = {&h->hostname,        &h->service_id,  &h->hypervisor_id, NULL,
                         &h->disabled_reason, NULL,            &h->availability_zone,
                         &h->report_hash,     NULL,            &h->created_at,
                         &h->updated_at};
        if (pg_columns_dup(res, row, text, ARRAY_SIZE(text)) < 0) {
                free(h);
                return -ENOMEM;
        }
        h->disabled = pg_int(res, row, 3);
        h->forced_down = pg_int(res, row, 5);
        h->heartbeat = pg_double(res, row, 8);
        h->claims_tag = pg_int(res, row, 11);
        h->num_id = pg_int(res, row, 12);
        *ret = h;
        return 0;
}

int pg_compute_host_put(struct store *st, const struct store_compute_host *h, bool create)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        pg_argv(&a, 8, h->hostname, h->service_id ?: "", h->hypervisor_id ?: "",
                h->disabled_reason, h->availability_zone, h->report_hash ?: "", h->created_at,
                h->updated_at);
        pg_arg_int(&a, h->disabled);
        pg_arg_int(&a, h->forced_down);
        pg_arg_double(&a, h->heartbeat);
        if (create)
                return pg_inserted(pg_query(st, "insert compute host", "INSERT INTO compute_hosts "
                                         "(hostname, service_id, hypervisor_id, disabled_reason, "
                                         "availability_zone, report_hash, created_at, updated_at, "
                                         "disabled, forced_down, heartbeat, num_id) VALUES ($1, "
                                         "$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
                                         "(SELECT coalesce(max(num_id), 0) + 1 FROM compute_hosts)) "
                                         "ON CONFLICT DO NOTHING", &a, NULL));
        return pg_touched(pg_query(st, "update compute host", "UPDATE compute_hosts SET "
                                "service_id = $2, hypervisor_id = $3, disabled_reason = $4, "
                                "availability_zone = $5, report_hash = $6, created_at = $7, "
                                "updated_at = $8, disabled = $9, forced_down = $10, "
                                "heartbeat = $11 WHERE hostname = $1", &a, NULL));
}

/* An element of an array literal ({"a","b"}): quoted, \ and " escaped. */
static int array_put(struct strbuf *sb, const char *s)
{
        int r = strbuf_append(sb, sb->len ? ",\"" : "{\"");
        while (r >= 0 && *s) {
                size_t n = strcspn(s, "\"\\");
                r = strbuf_append_len(sb, s, n);
                s += n;
                if (r >= 0 && *s) {
                        char esc[2] = {'\\', *s++};
                        r = strbuf_append_len(sb, esc, 2);
                }
        }
        return r < 0 ? r : strbuf_append(sb, "\"");
}

/* The heartbeats of one kind: one statement over arrays of keys, times and
 * their texts.  UPDATE ... FROM takes an unpredictable one of two rows
 * for a key, so each key's latest comes first and alone. */
static int heartbeats_put_kind(struct store *st, enum store_heartbeat_kind kind,
                               const struct store_heartbeat *v, size_t n)
{
        _cleanup_strbuf_ struct strbuf keys = STRBUF_INIT, ats = STRBUF_INIT,
                                       texts = STRBUF_INIT;
        size_t found = 0;
        int r = 0;
        for (size_t i = 0; r >= 0 && i < n; i++) {
                if (v[i].kind != kind)
                        continue;
                char at[32];
                snprintf(at, sizeof(at), "%.17g", v[i].at);
                r = array_put(&keys, v[i].key);
                if (r >= 0)
                        r = array_put(&ats, at);
                if (r >= 0)
                        r = array_put(&texts, v[i].at_text);
                found++;
        }
        if (r >= 0 && found)
                r = strbuf_append(&keys, "}");
        if (r >= 0 && found)
                r = strbuf_append(&ats, "}");
        if (r >= 0 && found)
                r = strbuf_append(&texts, "}");
        if (r < 0 || !found)
                return r;
        _cleanup_pg_args_ struct pg_args a = {0};
        pg_argv(&a, 3, strbuf_str(&keys), strbuf_str(&ats), strbuf_str(&texts));
        const char *sql =
                kind == STORE_HEARTBEAT_COMPUTE_HOST
                        ? "UPDATE compute_hosts SET heartbeat = v.at, updated_at = v.at_text "
                          "FROM (SELECT DISTINCT ON (key) key, at, at_text FROM "
                          "unnest($1::text[], $2::float8[], $3::text[]) AS u(key, at, at_text) "
                          "ORDER BY key, at DESC) v "
                          "WHERE compute_hosts.hostname = v.key AND compute_hosts.heartbeat < v.at"
                        : "UPDATE agents SET heartbeat = v.at, heartbeat_timestamp = v.at_text "
                          "FROM (SELECT DISTINCT ON (key) key, at, at_text FROM "
                          "unnest($1::text[], $2::float8[], $3::text[]) AS u(key, at, at_text) "
                          "ORDER BY key, at DESC) v "
                          "WHERE agents.id = v.key AND agents.heartbeat < v.at";
        r = pg_query(st, "heartbeat", sql, &a, NULL);
        return r < 0 ? r : 0;
}

int pg_heartbeats_put(struct store *st, const struct store_heartbeat *v, size_t n)
{
        int r = heartbeats_put_kind(st, STORE_HEARTBEAT_COMPUTE_HOST, v, n);
        return r < 0 ? r : heartbeats_put_kind(st, STORE_HEARTBEAT_AGENT, v, n);
}

/* Every host the statement (one text parameter, or none) selects, as a
 * NULL-ended array; the count is returned. */
static int hosts_select(struct store *st, const char *sql, const char *key,
                        struct store_compute_host ***ret)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        _cleanup_pgresult_ PGresult *res = NULL;
        _cleanup_compute_hosts_ struct store_compute_host **v = NULL;
        if (key)
                pg_arg(&a, key);
        int r = pg_query(st, "compute hosts", sql, &a, &res);
        if (r < 0)
                return r;
        v = calloc((size_t)r + 1, sizeof(*v));
        if (!v)
                return -ENOMEM;
        for (int i = 0; i < r; i++) {
                int k = host_from_row(res, i, &v[i]);
                if (k < 0)
                        return k;
        }
        *ret = TAKE_PTR(v);
        return r;
}

/* The first host the statement selects. */
static int host_select(struct store *st, const char *sql, const char *key,
                       struct store_compute_host **ret)
{
        _cleanup_compute_hosts_ struct store_compute_host **v = NULL;
        int r = hosts_select(st, sql, key, &v);
        if (r <= 0)
                return r < 0 ? r : -ENOENT;
        *ret = TAKE_PTR(v[0]);
        return 0;
}

int pg_compute_host_get(struct store *st, const char *hostname, struct store_compute_host **ret)
{
        return host_select(st, "SELECT " HOST_COLUMNS " FROM compute_hosts WHERE hostname = $1",
                           hostname, ret);
}

int pg_compute_host_get_with_agent(struct store *st, const char *hostname, const char *agent_id,
                                   struct store_compute_host **ret, char **ret_agent_doc,
                                   double *ret_agent_heartbeat)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        _cleanup_pgresult_ PGresult *res = NULL;
        pg_argv(&a, 2, hostname, agent_id);
        int r = pg_query(st, "compute hosts",
                         "SELECT " HOST_COLUMNS ", " HOST_AGENT_COLUMNS " FROM compute_hosts "
                         "LEFT JOIN (" HOST_AGENT_SELECT " $2) a ON true WHERE hostname = $1",
                         &a, &res);
        if (r <= 0)
                return r < 0 ? r : -ENOENT;
        _cleanup_free_ char *doc = NULL;
        char **fields[HOST_N_COLUMNS + 1] = {[HOST_N_COLUMNS] = &doc};
        r = pg_columns_dup(res, 0, fields, HOST_N_COLUMNS + 1);
        if (r >= 0)
                r = host_from_row(res, 0, ret);
        if (r < 0)
                return r;
        *ret_agent_doc = TAKE_PTR(doc);
        *ret_agent_heartbeat = pg_double(res, 0, HOST_N_COLUMNS + 1);
        return 0;
}

int pg_compute_host_get_by_service(struct store *st, const char *service_id,
                                   struct store_compute_host **ret)
{
        return host_select(st, "SELECT " HOST_COLUMNS " FROM compute_hosts WHERE service_id = $1 "
                           "ORDER BY hostname LIMIT 1", service_id, ret);
}

int pg_compute_host_list(struct store *st, struct store_compute_host ***ret)
{
        return hosts_select(st, "SELECT " HOST_COLUMNS " FROM compute_hosts ORDER BY hostname",
                            NULL, ret);
}

int pg_compute_host_claims_tags(struct store *st, int64_t after, store_claims_tag_cb cb,
                                void *userdata)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        _cleanup_pgresult_ PGresult *res = NULL;
        pg_arg_int(&a, after);
        int r = pg_query(st, "list claims tags", "SELECT hostname, claims_tag FROM compute_hosts "
                         "WHERE claims_tag > $1 ORDER BY hostname", &a, &res);
        for (int i = 0; r > 0 && i < PQntuples(res); i++) {
                int k = cb(PQgetvalue(res, i, 0), pg_int(res, i, 1), userdata);
                if (k < 0)
                        return k;
        }
        return r < 0 ? r : 0;
}

int pg_compute_host_heartbeats(struct store *st, store_heartbeat_cb cb, void *userdata)
{
        _cleanup_pgresult_ PGresult *res = NULL;
        int r = pg_query(st, "list heartbeats", "SELECT hostname, heartbeat FROM compute_hosts "
                         "ORDER BY hostname", NULL, &res);
        for (int i = 0; r > 0 && i < PQntuples(res); i++) {
                int k = cb(PQgetvalue(res, i, 0), pg_double(res, i, 1), userdata);
                if (k < 0)
                        return k;
        }
        return r < 0 ? r : 0;
}

#define TASK_COLUMNS "id, host, action, instance_id, created_at, detail"

/* Every task the statement selects, as a NULL-ended array; the count is
 * returned. */
static int tasks_select(struct store *st, const char *sql, struct pg_args *a,
                        struct store_compute_task ***ret)
{
        _cleanup_pgresult_ PGresult *res = NULL;
        _cleanup_compute_tasks_ struct store_compute_task **v = NULL;
        int r = pg_query(st, "compute tasks", sql, a, &res);
        if (r < 0)
                return r;
        v = calloc((size_t)r + 1, sizeof(*v));
        if (!v)
                return -ENOMEM;
        for (int i = 0; i < r; i++) {
                struct store_compute_task *t = calloc(1, sizeof(*t));
                if (!t)
                        return -ENOMEM;
                char **text[] = {&t->id,          &t->host,       &t->action,
                                 &t->instance_id, &t->created_at, &t->detail};
                if (pg_columns_dup(res, i, text, ARRAY_SIZE(text)) < 0) {
                        free(t);
                        return -ENOMEM;
                }
                v[i] = t;
        }
        *ret = TAKE_PTR(v);
        return r;
}

int pg_compute_task_add(struct store *st, const struct store_compute_task *t)
{
        return pg_inserted(pg_exec_texts(st, "add compute task", "INSERT INTO compute_tasks ("
                                      TASK_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6) "
                                      "ON CONFLICT DO NOTHING", 6, t->id, t->host, t->action,
                                      t->instance_id, t->created_at, t->detail ?: "{}"));
}

int pg_compute_task_get(struct store *st, const char *id, struct store_compute_task **ret)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        _cleanup_compute_tasks_ struct store_compute_task **v = NULL;
        pg_arg(&a, id);
        int r = tasks_select(st, "SELECT " TASK_COLUMNS " FROM compute_tasks WHERE id = $1", &a,
                             &v);
        if (r <= 0)
                return r < 0 ? r : -ENOENT;
        *ret = TAKE_PTR(v[0]);
        return 0;
}

int pg_compute_task_delete(struct store *st, const char *id)
{
        return pg_touched(pg_exec_texts(st, "delete compute task", "DELETE FROM compute_tasks "
                                     "WHERE id = $1", 1, id));
}

int pg_compute_task_list(struct store *st, const char *host, size_t limit,
                         struct store_compute_task ***ret)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        pg_arg(&a, host);
        /* LIMIT NULL: no limit. */
        if (limit && limit <= INT64_MAX)
                pg_arg_int(&a, (long long)limit);
        else
                pg_arg(&a, NULL);
        return tasks_select(st, "SELECT " TASK_COLUMNS " FROM compute_tasks WHERE host = $1 "
                            "ORDER BY id LIMIT $2::bigint", &a, ret);
}
