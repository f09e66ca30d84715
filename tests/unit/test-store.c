/* The store's typed rows (compute usage, PCI claims, host reports, host
 * records, tasks; instances have test-store-instance.c) on a temporary database, and the
 * migrations that move them out of the packed text an older schema kept
 * in allocations and out of the documents. */
#include "test-util.h"
#include "test-store-util.h"

#include <pthread.h>
#include <sqlite3.h>
#include <time.h>
#include <unistd.h>

#include "base/strbuf.h"
#include "store/store.h"

/* A stamp relied on as last read, checked by the next transaction: when
 * it held, everything runs; when it moved, the transaction's first
 * statement (a read) or its begin (a write) fails with -ESTALE and so does
 * every one after it until settled, which tells it; with no transaction
 * the settle reads it.  Where reading costs nothing the moved stamp is
 * told at once.  On both backends. */
static void test_stamp_expect(void **state)
{
        struct store *st = test_store_open();
        int64_t v1 = 0, v2 = 0, got = 0;
        assert_int_equal(store_begin(st, true), 0);
        assert_int_equal(store_stamp_bump(st, "identity"), 0);
        assert_int_equal(store_end(st, true), 0);
        assert_int_equal(store_stamp_read(st, "identity", &v1), 0);
        assert_int_equal(store_stamp_expect(st, "Identity", v1), -EINVAL);

        /* Held: read by the transaction, or by the settle. */
        assert_int_equal(store_stamp_expect(st, "identity", v1), 0);
        assert_int_equal(store_begin(st, false), 0);
        assert_int_equal(store_stamp_get(st, "claims", &got), 0);
        assert_int_equal(store_end(st, true), 0);
        assert_int_equal(store_stamp_settle(st), 0);
        assert_int_equal(store_stamp_expect(st, "identity", v1), 0);
        assert_int_equal(store_begin(st, true), 0);
        assert_int_equal(store_stamp_bump(st, "claims"), 0);
        assert_int_equal(store_end(st, true), 0);
        assert_int_equal(store_stamp_settle(st), 0);
        assert_int_equal(store_stamp_expect(st, "identity", v1), 0);
        assert_int_equal(store_stamp_settle(st), 0);
        assert_int_equal(store_stamp_settle(st), 0);
        assert_int_equal(store_stamp_expect(st, "identity", v1), 0);
        assert_int_equal(store_begin_read_committed(st), 0);
        assert_int_equal(store_stamp_get(st, "claims", &got), 0);
        assert_int_equal(store_stamp_get(st, "claims", &got), 0);
        assert_int_equal(store_end(st, true), 0);
        assert_int_equal(store_stamp_settle(st), 0);

        /* Moved. */
        assert_int_equal(store_begin(st, true), 0);
        assert_int_equal(store_stamp_bump(st, "identity"), 0);
        assert_int_equal(store_end(st, true), 0);
        assert_int_equal(store_stamp_read(st, "identity", &v2), 0);
        assert_true(v2 > v1);
        if (!test_store_pg()) {
                assert_int_equal(store_stamp_expect(st, "identity", v1), -ESTALE);
                int64_t taken = -1;
                assert_false(store_stamp_take(st, &taken)); /* read at once: nothing open */
                assert_int_equal(store_stamp_settle(st), 0);
        } else {
                /* A read: its first statement fails, and every one after. */
                assert_int_equal(store_stamp_expect(st, "identity", v1), 0);
                assert_int_equal(store_begin(st, false), 0);
                assert_int_equal(store_stamp_get(st, "claims", &got), -ESTALE);
                assert_int_equal(store_stamp_get(st, "claims", &got), -ESTALE);
                store_end(st, true);
                /* A write: it does not begin, so nothing is written. */
                assert_int_equal(store_begin(st, true), -ESTALE);
                assert_int_equal(store_stamp_settle(st), -ESTALE);
                assert_int_equal(store_stamp_expect(st, "identity", v1), 0);
                assert_int_equal(store_begin(st, true), -ESTALE);
                assert_int_equal(store_stamp_settle(st), -ESTALE);
                /* Nothing read it: the settle does. */
                assert_int_equal(store_stamp_expect(st, "identity", v1), 0);
                assert_int_equal(store_stamp_settle(st), -ESTALE);
                /* Taken out unread: the settle has nothing left, and the
                 * caller holds the value to check later. */
                int64_t taken = -1;
                assert_int_equal(store_stamp_expect(st, "identity", v1), 0);
                assert_true(store_stamp_take(st, &taken));
                assert_int_equal(taken, v1);
                assert_false(store_stamp_take(st, &taken));
                assert_int_equal(store_stamp_settle(st), 0);
                /* Read by a statement: not taken, the settle tells. */
                assert_int_equal(store_stamp_expect(st, "identity", v1), 0);
                assert_int_equal(store_begin(st, false), 0);
                assert_int_equal(store_stamp_get(st, "claims", &got), -ESTALE);
                assert_int_equal(store_end(st, false), 0);
                assert_false(store_stamp_take(st, &taken));
                assert_int_equal(store_stamp_settle(st), -ESTALE);
                /* A read-committed read, as a read. */
                assert_int_equal(store_stamp_expect(st, "identity", v1), 0);
                assert_int_equal(store_begin_read_committed(st), 0);
                assert_int_equal(store_stamp_get(st, "claims", &got), -ESTALE);
                assert_int_equal(store_stamp_get(st, "claims", &got), -ESTALE);
                assert_true(store_end(st, true) < 0);
                assert_int_equal(store_stamp_settle(st), -ESTALE);
        }
        /* Settled: transactions run again, and nothing was written. */
        assert_int_equal(store_begin(st, true), 0);
        assert_int_equal(store_stamp_get(st, "identity", &got), 0);
        assert_int_equal(got, v2);
        assert_int_equal(store_end(st, true), 0);
        /* The value now held. */
        assert_int_equal(store_stamp_expect(st, "identity", v2), 0);
        assert_int_equal(store_begin(st, false), 0);
        assert_int_equal(store_stamp_get(st, "identity", &got), 0);
        assert_int_equal(store_end(st, true), 0);
        assert_int_equal(store_stamp_settle(st), 0);
        test_store_drop(st);
}

static void test_usage_and_claims(void **state)
{
        struct store *st = NULL;
        test_store_path();
        assert_int_equal(store_open(test_dbpath, &st), 0);
        assert_int_equal(store_begin(st, true), 0);
        struct store_usage u = {.vcpus = 2, .memory_mb = 2048, .disk_gb = 20};
        assert_int_equal(store_usage_add(st, "i1", "h1", &u), 0);
        u = (struct store_usage){.vcpus = 4, .memory_mb = 512, .disk_gb = 1};
        assert_int_equal(store_usage_add(st, "i2", "h1", &u), 0);
        assert_int_equal(store_usage_add(st, "i3", "h2", &u), 0);
        /* One usage per instance. */
        assert_int_equal(store_usage_add(st, "i1", "h2", &u), -EEXIST);
        struct store_usage sum;
        assert_int_equal(store_usage_sum(st, "h1", &sum), 0);
        assert_int_equal(sum.vcpus, 6);
        assert_int_equal(sum.memory_mb, 2560);
        assert_int_equal(sum.disk_gb, 21);
        assert_int_equal(sum.instances, 2);
        assert_int_equal(store_usage_sum(st, "nohost", &sum), 0);
        assert_int_equal(sum.vcpus + sum.memory_mb + sum.disk_gb + sum.instances, 0);

        struct store_pci_addr a = {0, 0x81, 0x10, 3}, b = {0, 0x05, 0x00, 1};
        assert_int_equal(store_pci_claim(st, "h1", &a, "i1"), 0);
        assert_int_equal(store_pci_claim(st, "h1", &b, "i2"), 0);
        /* Claim or conflict: the same device twice on one host is refused,
         * the same address on another host is another device. */
        assert_int_equal(store_pci_claim(st, "h1", &a, "i2"), -EEXIST);
        assert_int_equal(store_pci_claim(st, "h2", &a, "i3"), 0);
        struct store_pci_addr *v = NULL;
        assert_int_equal(store_pci_claims(st, "h1", &v), 2);
        /* Address order. */
        assert_int_equal(v[0].bus, 0x05);
        assert_int_equal(v[1].bus, 0x81);
        assert_int_equal(v[1].slot, 0x10);
        assert_int_equal(v[1].function, 3);
        free(v);
        v = NULL;
        assert_int_equal(store_pci_claims(st, "nohost", &v), 0);
        assert_null(v);

        /* Releasing an instance frees its usage and devices only. */
        assert_int_equal(store_instance_release(st, "i1"), 0);
        assert_int_equal(store_usage_sum(st, "h1", &sum), 0);
        assert_int_equal(sum.vcpus, 4);
        assert_int_equal(sum.instances, 1);
        assert_int_equal(store_pci_claims(st, "h1", &v), 1);
        assert_int_equal(v[0].bus, 0x05);
        free(v);
        assert_int_equal(store_pci_claim(st, "h1", &a, "i2"), 0);
        assert_int_equal(store_end(st, false), 0);

        /* Rolled back: nothing remains. */
        assert_int_equal(store_begin(st, false), 0);
        assert_int_equal(store_usage_sum(st, "h1", &sum), 0);
        assert_int_equal(sum.instances, 0);
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

static int64_t host_claims_tag(struct store *st, const char *host)
{
        struct store_compute_host *h = NULL;
        assert_int_equal(store_compute_host_get(st, host, &h), 0);
        int64_t tag = h->claims_tag;
        store_compute_host_free(h);
        return tag;
}

static int tag_collect(const char *hostname, int64_t tag, void *userdata)
{
        return strbuf_printf(userdata, "%s ", hostname);
}

static void assert_tags_after(struct store *st, int64_t after, const char *want)
{
        _cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
        assert_int_equal(strbuf_append(&b, ""), 0);
        assert_int_equal(store_compute_host_claims_tags(st, after, tag_collect, &b), 0);
        assert_string_equal(strbuf_str(&b), want);
}

/* A host's claims tag moves up with every usage or PCI claim added or
 * released on that host, and only then: the scheduler's cache asks for
 * the hosts whose tag passed the newest it saw.  A rolled-back write is
 * counted, since its tags are given again. */
static void test_claims_tag(void **state)
{
        struct store *st = test_store_open();
        assert_int_equal(store_begin(st, true), 0);
        struct store_compute_host h1 = {.hostname = "h1", .service_id = "s1"},
                                  h2 = {.hostname = "h2", .service_id = "s2"};
        assert_int_equal(store_compute_host_put(st, &h1, true), 0);
        assert_int_equal(store_compute_host_put(st, &h2, true), 0);
        int64_t t1 = host_claims_tag(st, "h1"), t2 = host_claims_tag(st, "h2");
        struct store_usage u = {.vcpus = 1};
        assert_int_equal(store_usage_add(st, "i1", "h1", &u), 0);
        int64_t t1b = host_claims_tag(st, "h1");
        assert_true(t1b > t1);
        assert_true(host_claims_tag(st, "h2") == t2);
        assert_tags_after(st, t2, "h1 ");
        assert_tags_after(st, t1b, "");
        struct store_pci_addr a = {0, 0x81, 0x10, 3};
        assert_int_equal(store_pci_claim(st, "h1", &a, "i1"), 0);
        int64_t t1c = host_claims_tag(st, "h1");
        assert_true(t1c > t1b);
        /* A heartbeat (the record put again) leaves it. */
        h1.heartbeat = 99;
        assert_int_equal(store_compute_host_put(st, &h1, false), 0);
        assert_true(host_claims_tag(st, "h1") == t1c);
        assert_int_equal(store_instance_release(st, "i1"), 0);
        int64_t t1d = host_claims_tag(st, "h1");
        assert_true(t1d > t1c);
        assert_true(host_claims_tag(st, "h2") == t2);
        assert_int_equal(store_end(st, true), 0);

        /* Rolled back: counted; what commits next is above what committed
         * before, on both hosts. */
        uint64_t rollbacks = store_write_rollbacks(st);
        assert_int_equal(store_begin(st, true), 0);
        assert_int_equal(store_usage_add(st, "i2", "h2", &u), 0);
        assert_int_equal(store_end(st, false), 0);
        assert_int_equal(store_write_rollbacks(st), rollbacks + 1);
        assert_int_equal(store_begin(st, false), 0);
        assert_int_equal(store_end(st, false), 0);
        assert_int_equal(store_write_rollbacks(st), rollbacks + 1);
        assert_int_equal(store_begin(st, true), 0);
        assert_int_equal(host_claims_tag(st, "h2"), t2);
        assert_int_equal(store_usage_add(st, "i3", "h2", &u), 0);
        assert_true(host_claims_tag(st, "h2") > t1d);
        assert_tags_after(st, t1d, "h2 ");
        assert_tags_after(st, t1c, "h1 h2 ");
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

/* A transaction run on another thread while the test's own is open: done
 * once it ended (ok: every step succeeded); the stamp it read. */
struct side_tx {
        struct store *st;
        bool write;
        pthread_mutex_t lock;
        pthread_cond_t cond;
        bool done, ok;
        int64_t seen;
};

static void *side_tx_run(void *userdata)
{
        struct side_tx *t = userdata;
        int64_t v = 0;
        bool ok = store_begin(t->st, t->write) >= 0;
        ok = ok && (t->write ? store_stamp_bump(t->st, "side") : 0) >= 0;
        ok = ok && store_stamp_get(t->st, "side", &v) >= 0;
        ok = store_end(t->st, true) >= 0 && ok;
        pthread_mutex_lock(&t->lock);
        t->done = true;
        t->ok = ok;
        t->seen = v;
        pthread_cond_broadcast(&t->cond);
        pthread_mutex_unlock(&t->lock);
        return NULL;
}

/* Whether the side transaction ends within ms milliseconds. */
static bool side_tx_ends_within(struct side_tx *t, long ms)
{
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += ms / 1000;
        until.tv_nsec += ms % 1000 * 1000000;
        if (until.tv_nsec >= 1000000000) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000;
        }
        pthread_mutex_lock(&t->lock);
        while (!t->done && pthread_cond_timedwait(&t->cond, &t->lock, &until) == 0)
                ;
        bool done = t->done;
        pthread_mutex_unlock(&t->lock);
        return done;
}

static void side_tx_start(struct side_tx *t, struct store *st, bool write, pthread_t *thread)
{
        *t = (struct side_tx){.st = st, .write = write};
        pthread_mutex_init(&t->lock, NULL);
        pthread_cond_init(&t->cond, NULL);
        assert_int_equal(pthread_create(thread, NULL, side_tx_run, t), 0);
}

static void side_tx_join(struct side_tx *t, pthread_t thread)
{
        assert_int_equal(pthread_join(thread, NULL), 0);
        pthread_mutex_destroy(&t->lock);
        pthread_cond_destroy(&t->cond);
}

/* PostgreSQL: one server's transactions do not queue behind an open
 * reader (each runs on a connection of its own), a reader keeps the
 * snapshot it began with, and writers still take turns. */
static void test_readers_side_by_side(void **state)
{
        struct store *st = test_store_open();
        struct side_tx t;
        pthread_t thread;
        int64_t v = 0;

        /* A reader beside an open reader. */
        assert_int_equal(store_begin(st, false), 0);
        assert_int_equal(store_stamp_get(st, "side", &v), 0);
        assert_int_equal(v, 0);
        side_tx_start(&t, st, false, &thread);
        assert_true(side_tx_ends_within(&t, 10000));
        assert_true(t.ok);
        side_tx_join(&t, thread);

        /* A writer beside it, committed; the open reader's snapshot does
         * not move, the next reader sees it. */
        side_tx_start(&t, st, true, &thread);
        assert_true(side_tx_ends_within(&t, 10000));
        assert_true(t.ok);
        assert_int_equal(t.seen, 1);
        side_tx_join(&t, thread);
        assert_int_equal(store_stamp_get(st, "side", &v), 0);
        assert_int_equal(v, 0);
        assert_int_equal(store_end(st, true), 0);
        assert_int_equal(store_stamp_read(st, "side", &v), 0);
        assert_int_equal(v, 1);

        /* Writers take turns: the second waits for the first to end. */
        assert_int_equal(store_begin(st, true), 0);
        assert_int_equal(store_stamp_bump(st, "side"), 0);
        side_tx_start(&t, st, true, &thread);
        assert_false(side_tx_ends_within(&t, 300));
        assert_int_equal(store_end(st, true), 0);
        assert_true(side_tx_ends_within(&t, 10000));
        assert_true(t.ok);
        assert_int_equal(t.seen, 3);
        side_tx_join(&t, thread);
        test_store_drop(st);
}

/* Sessions of this test's database inside a transaction they have not
 * ended (PostgreSQL's "idle in transaction"). */
static int pg_sessions_in_transaction(void)
{
        char cmd[256], out[32] = "";
        snprintf(cmd, sizeof(cmd), "psql -d %s -tAc \"SELECT count(*) FROM pg_stat_activity "
                 "WHERE datname = '%s' AND state = 'idle in transaction'\"", test_pgdb, test_pgdb);
        FILE *f = popen(cmd, "r");
        assert_non_null(f);
        bool got = fgets(out, sizeof(out), f) != NULL;
        assert_int_equal(pclose(f), 0);
        assert_true(got);
        return atoi(out);
}

/* A read-committed read: each statement sees what was committed when it
 * began; on PostgreSQL it leaves no transaction open in the database
 * between its statements (nothing to end), where a snapshot reader holds
 * one until its end. */
static void test_read_committed(void **state)
{
        struct store *st = test_store_open();
        struct side_tx t;
        pthread_t thread;
        int64_t v = -1;

        assert_int_equal(store_begin_read_committed(st), 0);
        assert_int_equal(store_stamp_get(st, "side", &v), 0);
        assert_int_equal(v, 0);
        if (test_store_pg())
                assert_int_equal(pg_sessions_in_transaction(), 0);
        /* A writer beside it (on SQLite it waits for the reader's end). */
        side_tx_start(&t, st, true, &thread);
        if (test_store_pg()) {
                assert_true(side_tx_ends_within(&t, 10000));
                assert_true(t.ok);
                assert_int_equal(store_stamp_get(st, "side", &v), 0);
                assert_int_equal(v, 1);
        }
        assert_int_equal(store_end(st, true), 0);
        assert_true(side_tx_ends_within(&t, 10000));
        assert_true(t.ok);
        side_tx_join(&t, thread);
        assert_int_equal(store_begin_read_committed(st), 0);
        assert_int_equal(store_stamp_get(st, "side", &v), 0);
        assert_int_equal(v, 1);
        assert_int_equal(store_end(st, true), 0);

        if (test_store_pg()) {
                assert_int_equal(store_begin(st, false), 0);
                assert_int_equal(store_stamp_get(st, "side", &v), 0);
                assert_int_equal(pg_sessions_in_transaction(), 1);
                assert_int_equal(store_end(st, true), 0);
        }
        test_store_drop(st);
}

/* A database at schema 2 with usage and claims as packed text moves to
 * typed rows on open. */
static void test_migration_from_text(void **state)
{
        sqlite3 *db = NULL;
        test_store_path();
        assert_int_equal(sqlite3_open(test_dbpath, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db,
                "CREATE TABLE schema_version (version INTEGER NOT NULL);"
                "INSERT INTO schema_version VALUES (1); INSERT INTO schema_version VALUES (2);"
                "CREATE TABLE objects (kind TEXT NOT NULL, id TEXT NOT NULL, project_id TEXT,"
                "  doc TEXT NOT NULL, PRIMARY KEY (kind, id));"
                "CREATE TABLE allocations (pool TEXT NOT NULL, value TEXT NOT NULL,"
                "  owner TEXT NOT NULL, PRIMARY KEY (pool, value)) WITHOUT ROWID;"
                "CREATE TABLE secrets (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
                "INSERT INTO allocations VALUES ('usage:cn1', 'inst-a 2 4096 40', 'inst-a');"
                "INSERT INTO allocations VALUES ('usage:cn1', 'inst-b 16 128 0', 'inst-b');"
                "INSERT INTO allocations VALUES ('pci:cn1', '0000:81:10.3', 'inst-a');"
                "INSERT INTO allocations VALUES ('pci:cn1', 'abcd:0f:1f.7', 'inst-b');"
                "INSERT INTO allocations VALUES ('mac', 'fa:16:3e:00:00:01', 'port-1');",
                NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(db);

        struct store *st = NULL;
        assert_int_equal(store_open(test_dbpath, &st), 0);
        assert_int_equal(store_schema_version(st), TEST_SCHEMA_LATEST);
        assert_int_equal(store_begin(st, false), 0);
        struct store_usage sum;
        assert_int_equal(store_usage_sum(st, "cn1", &sum), 0);
        assert_int_equal(sum.vcpus, 18);
        assert_int_equal(sum.memory_mb, 4224);
        assert_int_equal(sum.disk_gb, 40);
        assert_int_equal(sum.instances, 2);
        struct store_pci_addr *v = NULL;
        assert_int_equal(store_pci_claims(st, "cn1", &v), 2);
        assert_int_equal(v[0].domain, 0);
        assert_int_equal(v[0].bus, 0x81);
        assert_int_equal(v[0].slot, 0x10);
        assert_int_equal(v[0].function, 3);
        assert_int_equal(v[1].domain, 0xabcd);
        assert_int_equal(v[1].bus, 0x0f);
        assert_int_equal(v[1].slot, 0x1f);
        assert_int_equal(v[1].function, 7);
        free(v);
        /* Other allocations stay; the moved ones are gone from there. */
        assert_int_equal(store_is_claimed(st, "mac", "fa:16:3e:00:00:01"), 1);
        char **vals = NULL;
        assert_int_equal(store_pool_values(st, "usage:cn1", &vals), 0);
        strv_free(vals);
        assert_int_equal(store_pool_values(st, "pci:cn1", &vals), 0);
        strv_free(vals);
        assert_int_equal(store_end(st, true), 0);
        /* The rows belong to their instances as before. */
        assert_int_equal(store_begin(st, true), 0);
        assert_int_equal(store_instance_release(st, "inst-b"), 0);
        assert_int_equal(store_usage_sum(st, "cn1", &sum), 0);
        assert_int_equal(sum.vcpus, 2);
        assert_int_equal(store_pci_claims(st, "cn1", &v), 1);
        free(v);
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

/* A host's report row: put inserts, then replaces; get gives the text
 * and the hash. */
static void test_host_reports(void **state)
{
        struct store *st = test_store_open();
        char *report = NULL, *hash = NULL;
        assert_int_equal(store_begin(st, true), 0);
        assert_int_equal(store_host_report_get(st, "cn1", &report, &hash), -ENOENT);
        struct store_host_report in = {"cn1", "h1", 100.0, "{\"hostname\": \"cn1\"}"};
        assert_int_equal(store_host_report_put(st, &in), 0);
        in = (struct store_host_report){"cn1", "h2", 200.0, "{\"hostname\": \"cn1\", \"vcpus\": 4}"};
        assert_int_equal(store_host_report_put(st, &in), 0);
        assert_int_equal(store_host_report_get(st, "cn1", &report, &hash), 0);
        assert_string_equal(report, "{\"hostname\": \"cn1\", \"vcpus\": 4}");
        assert_string_equal(hash, "h2");
        free(report);
        free(hash);
        assert_int_equal(store_host_report_get(st, "cn2", &report, NULL), -ENOENT);
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

/* Keystone's failed_auth_count / failed_auth_at: counted one by one,
 * begun again on restart, cleared; kept across a reopen of the file. */
static void test_auth_failures(void **state)
{
        struct store *st = test_store_open();
        struct store_auth_failures f;
        assert_int_equal(store_begin(st, true), 0);
        assert_int_equal(store_auth_failures_get(st, "u1", &f), 0);
        assert_int_equal(f.count, 0);
        assert_int_equal(store_auth_failure_add(st, "u1", 10.0, false), 0);
        assert_int_equal(store_auth_failure_add(st, "u1", 11.5, false), 0);
        assert_int_equal(store_auth_failure_add(st, "u2", 12.0, false), 0);
        assert_int_equal(store_auth_failures_get(st, "u1", &f), 0);
        assert_int_equal(f.count, 2);
        assert_true(f.at == 11.5);
        assert_int_equal(store_end(st, true), 0);
        store_free(st);
        assert_int_equal(store_open(test_dbpath, &st), 0);
        assert_int_equal(store_begin(st, true), 0);
        assert_int_equal(store_auth_failures_get(st, "u1", &f), 0);
        assert_int_equal(f.count, 2);
        assert_int_equal(store_auth_failure_add(st, "u1", 30.0, true), 0);
        assert_int_equal(store_auth_failures_get(st, "u1", &f), 0);
        assert_int_equal(f.count, 1);
        assert_true(f.at == 30.0);
        assert_int_equal(store_auth_failures_clear(st, "u1"), 0);
        assert_int_equal(store_auth_failures_get(st, "u1", &f), 0);
        assert_int_equal(f.count, 0);
        assert_int_equal(store_auth_failures_get(st, "u2", &f), 0);
        assert_int_equal(f.count, 1);
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

/* Report documents of an older database move to the report rows, with the
 * hash their host's record holds. */
static void test_host_report_migration(void **state)
{
        sqlite3 *db = NULL;
        test_store_path();
        assert_int_equal(sqlite3_open(test_dbpath, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db,
                "CREATE TABLE schema_version (version INTEGER NOT NULL);"
                "INSERT INTO schema_version VALUES (1); INSERT INTO schema_version VALUES (2);"
                "CREATE TABLE objects (kind TEXT NOT NULL, id TEXT NOT NULL, project_id TEXT,"
                "  doc TEXT NOT NULL, PRIMARY KEY (kind, id));"
                "CREATE TABLE allocations (pool TEXT NOT NULL, value TEXT NOT NULL,"
                "  owner TEXT NOT NULL, PRIMARY KEY (pool, value)) WITHOUT ROWID;"
                "CREATE TABLE secrets (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
                "INSERT INTO objects VALUES ('compute_host', 'cn1', NULL, '{\"id\": \"cn1\", "
                "  \"report_hash\": \"abc\", \"_heartbeat\": 123.5}');"
                "INSERT INTO objects VALUES ('compute_report', 'cn1', NULL, "
                "  '{\"hostname\": \"cn1\", \"vcpus\": 8}');",
                NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(db);

        struct store *st = NULL;
        char *report = NULL, *hash = NULL;
        assert_int_equal(store_open(test_dbpath, &st), 0);
        assert_int_equal(store_begin(st, false), 0);
        assert_int_equal(store_host_report_get(st, "cn1", &report, &hash), 0);
        assert_string_equal(report, "{\"hostname\": \"cn1\", \"vcpus\": 8}");
        assert_string_equal(hash, "abc");
        free(report);
        free(hash);
        assert_int_equal(store_obj_get(st, "compute_report", "cn1", &report, NULL), -ENOENT);
        /* The host's record itself became a row (migration 9). */
        struct store_compute_host *h = NULL;
        assert_int_equal(store_compute_host_get(st, "cn1", &h), 0);
        assert_string_equal(h->report_hash, "abc");
        store_compute_host_free(h);
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

static void assert_hostnames(struct store *st, const char *want)
{
        struct store_compute_host **v = NULL;
        _cleanup_strbuf_ struct strbuf got = STRBUF_INIT;
        int n = store_compute_host_list(st, &v);
        assert_true(n >= 0);
        for (int i = 0; i < n; i++)
                assert_true(strbuf_printf(&got, "%s%s", i ? " " : "", v[i]->hostname) >= 0);
        assert_null(n ? v[n] : NULL);
        assert_string_equal(n ? strbuf_str(&got) : "", want);
        store_compute_hosts_free(v);
}

/* Host records as rows: insert or update, nothing twice; found by
 * hostname or service id; listed in hostname order; a NULL string stays
 * NULL. */
static void test_compute_hosts(void **state)
{
        struct store *st = test_store_open();
        struct store_compute_host *h = NULL;
        assert_int_equal(store_begin(st, true), 0);
        assert_hostnames(st, "");
        struct store_compute_host b = {.hostname = "cn-b", .service_id = "s-b",
                                       .hypervisor_id = "hv-b", .report_hash = "r1",
                                       .heartbeat = 100.25, .created_at = "2026-01-01T00:00:00Z"};
        assert_int_equal(store_compute_host_put(st, &b, true), 0);
        assert_int_equal(store_compute_host_put(st, &b, true), -EEXIST);
        struct store_compute_host a = {.hostname = "cn-a", .service_id = "s-a",
                                       .hypervisor_id = "hv-a", .disabled = true,
                                       .disabled_reason = "maintenance", .forced_down = true,
                                       .availability_zone = "az1", .report_hash = "r2",
                                       .heartbeat = 7.5, .updated_at = "2026-01-02T00:00:00Z"};
        assert_int_equal(store_compute_host_put(st, &a, true), 0);
        assert_hostnames(st, "cn-a cn-b");

        assert_int_equal(store_compute_host_get(st, "cn-a", &h), 0);
        assert_string_equal(h->service_id, "s-a");
        assert_string_equal(h->hypervisor_id, "hv-a");
        assert_true(h->disabled);
        assert_string_equal(h->disabled_reason, "maintenance");
        assert_true(h->forced_down);
        assert_string_equal(h->availability_zone, "az1");
        assert_string_equal(h->report_hash, "r2");
        assert_true(h->heartbeat == 7.5);
        assert_null(h->created_at);
        assert_string_equal(h->updated_at, "2026-01-02T00:00:00Z");
        int64_t num_a = h->num_id;
        store_compute_host_free(h);

        b.heartbeat = 200.5;
        b.report_hash = "r3";
        b.disabled = true;
        assert_int_equal(store_compute_host_put(st, &b, false), 0);
        assert_int_equal(store_compute_host_get_by_service(st, "s-b", &h), 0);
        assert_string_equal(h->hostname, "cn-b");
        assert_string_equal(h->report_hash, "r3");
        assert_true(h->heartbeat == 200.5);
        assert_true(h->disabled);
        assert_false(h->forced_down);
        assert_null(h->disabled_reason);
        assert_null(h->availability_zone);
        assert_string_equal(h->created_at, "2026-01-01T00:00:00Z");
        /* Each host's number is given at insert, the later insert a larger
         * one, and an update keeps it. */
        assert_true(h->num_id > 0 && num_a > h->num_id);
        store_compute_host_free(h);

        h = NULL;
        assert_int_equal(store_compute_host_get(st, "cn-z", &h), -ENOENT);
        assert_int_equal(store_compute_host_get_by_service(st, "s-z", &h), -ENOENT);
        assert_null(h);
        b.hostname = "cn-z";
        assert_int_equal(store_compute_host_put(st, &b, false), -ENOENT);
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

static void assert_task_ids(struct store *st, const char *host, size_t limit, const char *want)
{
        struct store_compute_task **v = NULL;
        _cleanup_strbuf_ struct strbuf got = STRBUF_INIT;
        int n = store_compute_task_list(st, host, limit, &v);
        assert_true(n >= 0);
        for (int i = 0; i < n; i++)
                assert_true(strbuf_printf(&got, "%s%s", i ? " " : "", v[i]->id) >= 0);
        assert_string_equal(n ? strbuf_str(&got) : "", want);
        store_compute_tasks_free(v);
}

/* Tasks as rows: listed per host in id order, limited; got and deleted
 * by id; an id only once; no detail is an empty object. */
static void test_compute_tasks(void **state)
{
        struct store *st = test_store_open();
        struct store_compute_task *t = NULL;
        assert_int_equal(store_begin(st, true), 0);
        struct store_compute_task in[] = {
                {"t3", "cn1", "destroy", "i-1", "2026-01-01T00:00:03Z", NULL},
                {"t1", "cn1", "spawn", "i-1", "2026-01-01T00:00:01Z", "{\"name\":\"vm1\"}"},
                {"t2", "cn2", "spawn", "i-2", "2026-01-01T00:00:02Z", "{}"},
                {"t4", "cn1", "spawn", "i-3", "2026-01-01T00:00:04Z", "{}"},
        };
        for (size_t i = 0; i < ARRAY_SIZE(in); i++)
                assert_int_equal(store_compute_task_add(st, &in[i]), 0);
        assert_int_equal(store_compute_task_add(st, &in[0]), -EEXIST);
        assert_task_ids(st, "cn1", 0, "t1 t3 t4");
        assert_task_ids(st, "cn1", 2, "t1 t3");
        assert_task_ids(st, "cn2", 0, "t2");
        assert_task_ids(st, "cn9", 0, "");

        assert_int_equal(store_compute_task_get(st, "t1", &t), 0);
        assert_string_equal(t->host, "cn1");
        assert_string_equal(t->action, "spawn");
        assert_string_equal(t->instance_id, "i-1");
        assert_string_equal(t->created_at, "2026-01-01T00:00:01Z");
        assert_string_equal(t->detail, "{\"name\":\"vm1\"}");
        store_compute_task_free(t);
        assert_int_equal(store_compute_task_get(st, "t3", &t), 0);
        assert_string_equal(t->detail, "{}");
        store_compute_task_free(t);

        assert_int_equal(store_compute_task_delete(st, "t3"), 0);
        assert_int_equal(store_compute_task_delete(st, "t3"), -ENOENT);
        t = NULL;
        assert_int_equal(store_compute_task_get(st, "t3", &t), -ENOENT);
        assert_null(t);
        assert_task_ids(st, "cn1", 0, "t1 t4");
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

/* A version-8 database (the schema before host records and tasks became
 * rows, made by rolling a fresh one back) holding such documents: they
 * move to the rows, read as the code read them, and leave the documents;
 * other documents stay. */
static void test_compute_host_task_migration(void **state)
{
        struct store *st = test_store_open();
        store_free(st);
        sqlite3 *db = NULL;
        assert_int_equal(sqlite3_open(test_dbpath, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db,
                "DROP INDEX objects_host; DROP TABLE compute_hosts; DROP TABLE compute_tasks;"
                "DROP TABLE port_fixed_ips; DROP TABLE ports; DROP TABLE network_segments;"
                "DROP TABLE networks; DROP TABLE subnet_allocation_pools; DROP TABLE subnets;"
                "DROP TABLE agents;"
                TEST_INSTANCES_WITH_DOCUMENT
                "DELETE FROM schema_version WHERE version >= 9;"
                "INSERT INTO objects VALUES ('compute_host', 'cn1', NULL, '{\"id\": \"cn1\", "
                "  \"service_id\": \"s1\", \"hypervisor_id\": \"h1\", \"status\": \"disabled\", "
                "  \"disabled_reason\": \"broken fan\", \"forced_down\": true, "
                "  \"created_at\": \"2026-01-01T00:00:00.000000Z\", \"report_hash\": \"abc\", "
                "  \"availability_zone\": \"az1\", \"updated_at\": \"2026-01-02T00:00:00.000000Z\", "
                "  \"_heartbeat\": 1767312000.25}');"
                "INSERT INTO objects VALUES ('compute_host', 'cn2', NULL, '{\"id\": \"cn2\", "
                "  \"service_id\": \"s2\", \"hypervisor_id\": \"h2\", \"status\": \"enabled\", "
                "  \"disabled_reason\": null, \"forced_down\": false, "
                "  \"report_hash\": \"def\", \"availability_zone\": null, \"_heartbeat\": 5}');"
                "INSERT INTO objects VALUES ('compute_task', 't2', NULL, '{\"id\": \"t2\", "
                "  \"host\": \"cn1\", \"action\": \"destroy\", \"instance_id\": \"i-1\", "
                "  \"created_at\": \"2026-01-02T00:00:00.000000Z\", \"instance\": {}}');"
                "INSERT INTO objects VALUES ('compute_task', 't1', NULL, '{\"id\": \"t1\", "
                "  \"host\": \"cn1\", \"action\": \"spawn\", \"instance_id\": \"i-1\", "
                "  \"created_at\": \"2026-01-01T00:00:00.000000Z\", "
                "  \"instance\": {\"name\": \"vm1\", \"ports\": [1.5]}}');"
                "INSERT INTO objects VALUES ('port', 'port-1', 'p1', '{\"id\": \"port-1\"}');",
                NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(db);

        struct store_compute_host *h = NULL;
        struct store_compute_task *t = NULL;
        char *doc = NULL;
        assert_int_equal(store_open(test_dbpath, &st), 0);
        assert_int_equal(store_schema_version(st), TEST_SCHEMA_LATEST);
        assert_int_equal(store_begin(st, false), 0);
        assert_hostnames(st, "cn1 cn2");
        assert_int_equal(store_compute_host_get_by_service(st, "s1", &h), 0);
        assert_string_equal(h->hostname, "cn1");
        assert_string_equal(h->hypervisor_id, "h1");
        assert_true(h->disabled);
        assert_string_equal(h->disabled_reason, "broken fan");
        assert_true(h->forced_down);
        assert_string_equal(h->availability_zone, "az1");
        assert_string_equal(h->report_hash, "abc");
        assert_true(h->heartbeat == 1767312000.25);
        assert_string_equal(h->created_at, "2026-01-01T00:00:00.000000Z");
        assert_string_equal(h->updated_at, "2026-01-02T00:00:00.000000Z");
        assert_int_equal(h->num_id, 1); /* the hosts numbered in hostname order */
        store_compute_host_free(h);
        assert_int_equal(store_compute_host_get(st, "cn2", &h), 0);
        assert_int_equal(h->num_id, 2);
        assert_false(h->disabled);
        assert_null(h->disabled_reason);
        assert_false(h->forced_down);
        assert_null(h->availability_zone);
        assert_true(h->heartbeat == 5.0);
        assert_null(h->created_at);
        store_compute_host_free(h);

        assert_task_ids(st, "cn1", 0, "t1 t2");
        assert_int_equal(store_compute_task_get(st, "t1", &t), 0);
        assert_string_equal(t->action, "spawn");
        assert_string_equal(t->instance_id, "i-1");
        assert_string_equal(t->created_at, "2026-01-01T00:00:00.000000Z");
        assert_string_equal(t->detail, "{\"name\":\"vm1\",\"ports\":[1.5]}");
        store_compute_task_free(t);

        assert_int_equal(store_obj_get(st, "compute_host", "cn1", &doc, NULL), -ENOENT);
        assert_int_equal(store_obj_get(st, "compute_task", "t1", &doc, NULL), -ENOENT);
        _cleanup_port_ struct store_port *port = NULL;
        assert_int_equal(store_port_get(st, "port-1", &port), 0);
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

/* Subnets of shared networks get the mark that shows them to every
 * project; the others do not. */
static void test_shared_subnet_migration(void **state)
{
        sqlite3 *db = NULL;
        test_store_path();
        assert_int_equal(sqlite3_open(test_dbpath, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db,
                "CREATE TABLE schema_version (version INTEGER NOT NULL);"
                "INSERT INTO schema_version VALUES (1); INSERT INTO schema_version VALUES (2);"
                "CREATE TABLE objects (kind TEXT NOT NULL, id TEXT NOT NULL, project_id TEXT,"
                "  doc TEXT NOT NULL, PRIMARY KEY (kind, id));"
                "CREATE TABLE allocations (pool TEXT NOT NULL, value TEXT NOT NULL,"
                "  owner TEXT NOT NULL, PRIMARY KEY (pool, value)) WITHOUT ROWID;"
                "CREATE TABLE secrets (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
                "INSERT INTO objects VALUES ('network', 'n1', 'p1', '{\"id\": \"n1\", "
                "  \"shared\": true}');"
                "INSERT INTO objects VALUES ('network', 'n2', 'p1', '{\"id\": \"n2\", "
                "  \"shared\": false}');"
                "INSERT INTO objects VALUES ('subnet', 's1', 'p1', '{\"id\": \"s1\", "
                "  \"network_id\": \"n1\"}');"
                "INSERT INTO objects VALUES ('subnet', 's2', 'p1', '{\"id\": \"s2\", "
                "  \"network_id\": \"n2\"}');",
                NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(db);

        struct store *st = NULL;
        struct store_subnet *sub = NULL;
        assert_int_equal(store_open(test_dbpath, &st), 0);
        assert_int_equal(store_begin(st, false), 0);
        /* The subnets are rows since migration 13. */
        assert_int_equal(store_subnet_get(st, "s1", &sub), 0);
        assert_true(sub->shared);
        store_subnet_free(sub);
        assert_int_equal(store_subnet_get(st, "s2", &sub), 0);
        assert_false(sub->shared);
        store_subnet_free(sub);
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_usage_and_claims),
                cmocka_unit_test(test_stamp_expect),
                cmocka_unit_test(test_claims_tag),
                cmocka_unit_test(test_migration_from_text),
                cmocka_unit_test(test_host_reports),
                cmocka_unit_test(test_host_report_migration),
                cmocka_unit_test(test_auth_failures),
                cmocka_unit_test(test_shared_subnet_migration),
                cmocka_unit_test(test_compute_hosts),
                cmocka_unit_test(test_compute_tasks),
                cmocka_unit_test(test_compute_host_task_migration),
                cmocka_unit_test(test_read_committed),
        };
        /* The migrations from SQLite's older layouts exist on SQLite only. */
        const struct CMUnitTest pg_tests[] = {
                cmocka_unit_test(test_usage_and_claims),
                cmocka_unit_test(test_stamp_expect),
                cmocka_unit_test(test_claims_tag),
                cmocka_unit_test(test_host_reports),
                cmocka_unit_test(test_auth_failures),
                cmocka_unit_test(test_compute_hosts),
                cmocka_unit_test(test_compute_tasks),
                cmocka_unit_test(test_readers_side_by_side),
                cmocka_unit_test(test_read_committed),
        };
        if (test_store_pg())
                return cmocka_run_group_tests_name("tests", pg_tests, NULL, NULL);
        return cmocka_run_group_tests_name("tests", tests, NULL, NULL);
}
