/* Heartbeats that change nothing else (netsvc/heartbeats.h): a report
 * that repeats the stored agent or host is answered from a read and its
 * time queued; the queue writes every time in one transaction, never
 * over a later one, skips what was deleted meanwhile, refuses when full,
 * and its thread writes what is left when stopped.  A report that revives
 * (or nearly) a dead agent or host is written at once.  A changed report
 * (configurations, process, start or stop, another report hash) takes
 * the write path.  The report memo (computesvc/report-memo.h) knows a
 * report by its exact bytes only; so does the agent memo
 * (netsvc/agent-memo.h), and only while the agent's row is unchanged. */
#include "test-util.h"
#include "test-store-util.h"

#include "base/ini.h"
#include "compute/scheduler.h"
#include "computesvc/computesvc.h"
#include "computesvc/report-memo.h"
#include "netsvc/agent-memo.h"
#include "netsvc/heartbeats.h"

static double clock_now = 1.8e9;
static double now(void)
{
        return clock_now;
}

struct fixture {
        struct store *st;
        struct ml2_config *ml2;
        struct sched_config *sched;
        struct compute_cache *cache;
        struct heartbeat_batch *batch;
        struct computesvc svc;
};

static int setup(void **state)
{
        struct fixture *f = calloc(1, sizeof(*f));
        f->st = test_store_open();
        struct ini *ini = NULL;
        assert_int_equal(ini_new(&ini), 0);
        assert_int_equal(ini_load_string(ini, "conf", "[ml2]\nmechanism_drivers = sriovnicswitch\n"),
                         0);
        assert_int_equal(ml2_config_load(ini, &f->ml2), 0);
        assert_int_equal(sched_config_from_ini(ini, &f->sched), 0);
        ini_free(ini);
        assert_int_equal(heartbeat_batch_new(4, &f->batch), 0);
        f->svc = (struct computesvc){
                .store = f->st, .sched = f->sched, .service_down_time = 60, .cache = &f->cache,
                .now = now,
                .net = {.store = f->st, .ml2 = f->ml2, .now = now, .heartbeats = f->batch},
        };
        assert_int_equal(store_begin(f->st, true), 0);
        struct store_compute_host c1 = {.hostname = "c1", .service_id = "s1",
                                        .hypervisor_id = "h1", .report_hash = "r1",
                                        .updated_at = "2027-01-15T08:00:00.000000",
                                        .heartbeat = clock_now};
        assert_int_equal(store_compute_host_put(f->st, &c1, true), 0);
        assert_int_equal(store_end(f->st, true), 0);
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        struct fixture *f = *state;
        heartbeat_batch_free(f->batch);
        compute_cache_free(f->cache);
        store_free(f->st);
        ml2_config_free(f->ml2);
        sched_config_free(f->sched);
        test_store_remove();
        free(f);
        return 0;
}

static struct store_compute_host *host_row(struct fixture *f, const char *name)
{
        struct store_compute_host *h = NULL;
        assert_int_equal(store_begin(f->st, false), 0);
        assert_int_equal(store_compute_host_get(f->st, name, &h), 0);
        assert_int_equal(store_end(f->st, true), 0);
        return h;
}

static json_t *agent_doc(struct fixture *f, const char *id)
{
        json_t *a = NULL;
        assert_int_equal(store_begin(f->st, false), 0);
        assert_int_equal(svc_doc_get(f->st, "agent", id, &a), 0);
        assert_int_equal(store_end(f->st, true), 0);
        return a;
}

static void test_batch_writes(void **state)
{
        struct fixture *f = *state;
        struct store_heartbeat later = {STORE_HEARTBEAT_COMPUTE_HOST, "c1", clock_now + 30,
                                        "2027-01-15T08:00:30.000000"};
        struct store_heartbeat earlier = {STORE_HEARTBEAT_COMPUTE_HOST, "c1", clock_now + 10,
                                          "2027-01-15T08:00:10.000000"};
        struct store_heartbeat gone = {STORE_HEARTBEAT_COMPUTE_HOST, "c9", clock_now + 30, "x"};
        assert_int_equal(heartbeat_batch_add(f->batch, &later), 0);
        assert_int_equal(heartbeat_batch_add(f->batch, &earlier), 0);
        assert_int_equal(heartbeat_batch_add(f->batch, &gone), 0);
        assert_int_equal(heartbeat_batch_pending(f->batch), 3);
        /* Nothing is written before the flush. */
        _cleanup_compute_host_ struct store_compute_host *h = host_row(f, "c1");
        assert_true(h->heartbeat == clock_now);
        /* The flush: the later time stays, the gone host is skipped. */
        assert_int_equal(heartbeat_batch_flush(f->batch, f->st), 3);
        assert_int_equal(heartbeat_batch_pending(f->batch), 0);
        _cleanup_compute_host_ struct store_compute_host *h2 = host_row(f, "c1");
        assert_true(h2->heartbeat == clock_now + 30);
        assert_string_equal(h2->updated_at, "2027-01-15T08:00:30.000000");
        assert_string_equal(h2->report_hash, "r1");
        assert_string_equal(h2->service_id, "s1");
        assert_int_equal(heartbeat_batch_flush(f->batch, f->st), 0);
        /* Full: the fifth waits for nobody, the caller writes itself. */
        for (int i = 0; i < 4; i++)
                assert_int_equal(heartbeat_batch_add(f->batch, &later), 0);
        assert_int_equal(heartbeat_batch_add(f->batch, &later), -ENOBUFS);
}

static struct netsvc_agent_report report_of(const json_t *conf)
{
        return (struct netsvc_agent_report){
                .host = "c1", .agent_type = "NIC Switch agent",
                .binary = "neutron-sriov-nic-agent", .configurations = conf,
                .instance_id = "i1", .report_interval = 30, .has_interval = true,
        };
}

/* netsvc_agent_heartbeat() on the agent as a read transaction finds it. */
static int agent_heartbeat(struct store *st, const struct netsvc *net,
                           const struct netsvc_agent_report *rep, json_t **ret)
{
        _cleanup_(netsvc_agent_row_done) struct netsvc_agent_row stored = {0};
        assert_int_equal(store_begin(st, false), 0);
        assert_int_equal(netsvc_agent_stored(net, rep->host, rep->agent_type, &stored), 0);
        assert_int_equal(store_end(st, true), 0);
        return netsvc_agent_heartbeat(net, rep, &stored, ret);
}

/* The text of the agent reports the memo tests note. */
#define NOTED_TEXT "{\"agent\": {\"host\": \"c1\"}}"

/* The agent of report_of(conf) registered through net, *rep its report
 * with NOTED_TEXT as its text; the agent's id, to free. */
static char *agent_register(struct fixture *f, const struct netsvc *net, const json_t *conf,
                            struct netsvc_agent_report *rep)
{
        struct service_error e = {0};
        json_t *a = NULL;
        bool is_new = false;
        *rep = report_of(conf);
        rep->text = NOTED_TEXT;
        rep->text_len = strlen(NOTED_TEXT);
        assert_int_equal(store_begin(f->st, true), 0);
        assert_int_equal(netsvc_agent_report(net, rep, &a, &is_new, &e), 0);
        assert_int_equal(store_end(f->st, true), 0);
        assert_true(is_new);
        char *id = strdup(json_str(a, "id"));
        json_decref(a);
        return id;
}

/* netsvc_agent_repeat() in a read transaction. */
static int agent_repeat(struct store *st, const struct netsvc *net, const char *text)
{
        assert_int_equal(store_begin(st, false), 0);
        int r = netsvc_agent_repeat(net, text, strlen(text));
        assert_int_equal(store_end(st, true), 0);
        return r;
}

static void test_agent_heartbeat(void **state)
{
        struct fixture *f = *state;
        struct netsvc *net = &f->svc.net;
        _cleanup_json_ json_t *conf = json_pack("{s:{s:[s]}}", "device_mappings", "physnet1", "em1");
        struct netsvc_agent_report rep = report_of(conf);
        struct service_error e = {0};
        json_t *a = NULL;
        bool is_new = false;
        /* Unknown: the write path registers it. */
        assert_int_equal(agent_heartbeat(f->st, net, &rep, &a), 0);
        assert_int_equal(store_begin(f->st, true), 0);
        rep.start_flag = true;
        assert_int_equal(netsvc_agent_report(net, &rep, &a, &is_new, &e), 0);
        assert_int_equal(store_end(f->st, true), 0);
        assert_true(is_new);
        char *id = strdup(json_str(a, "id"));
        json_decref(a);
        /* The same again 30 s later: answered from a read, time queued. */
        rep.start_flag = false;
        clock_now += 30;
        assert_int_equal(agent_heartbeat(f->st, net, &rep, &a), 1);
        assert_true(json_number_value(json_object_get(a, "_heartbeat")) == clock_now);
        assert_true(netsvc_agent_alive(net, a));
        json_decref(a);
        assert_int_equal(heartbeat_batch_pending(f->batch), 1);
        a = agent_doc(f, id);
        assert_true(json_number_value(json_object_get(a, "_heartbeat")) == clock_now - 30);
        json_decref(a);
        assert_int_equal(heartbeat_batch_flush(f->batch, f->st), 1);
        a = agent_doc(f, id);
        assert_true(json_number_value(json_object_get(a, "_heartbeat")) == clock_now);
        assert_non_null(json_str(a, "heartbeat_timestamp"));
        assert_true(json_equal(json_object_get(a, "configurations"), conf));
        assert_string_equal(json_str(a, "_instance"), "i1");
        json_decref(a);
        /* Anything else changed: the write path. */
        _cleanup_json_ json_t *other = json_pack("{s:{s:[s]}}", "device_mappings", "physnet2", "em2");
        struct netsvc_agent_report changed[] = {report_of(other), rep, rep, rep, rep};
        changed[1].start_flag = true;
        changed[2].stopping = true;
        changed[3].instance_id = "i2";
        changed[4].report_interval = 10;
        for (size_t i = 0; i < ARRAY_SIZE(changed); i++)
                assert_int_equal(agent_heartbeat(f->st, net, &changed[i], &a), 0);
        /* No queue: every report writes. */
        struct netsvc plain = *net;
        plain.heartbeats = NULL;
        assert_int_equal(agent_heartbeat(f->st, &plain, &rep, &a), 0);
        /* Nearly dead (agent_down_time 75 s): written at once, so the next
         * binding sees it alive. */
        clock_now += 71;
        assert_int_equal(agent_heartbeat(f->st, net, &rep, &a), 0);
        assert_int_equal(heartbeat_batch_pending(f->batch), 0);
        free(id);
}

/* A report noted by its text repeats without being parsed while the
 * agent's row holds the document it repeated; a rewritten or removed row,
 * an old time, a full queue or other bytes take the whole way again. */
static void test_agent_repeat(void **state)
{
        struct fixture *f = *state;
        _cleanup_agent_memo_ struct agent_memo *memo = NULL;
        assert_int_equal(agent_memo_new(16, &memo), 0);
        struct netsvc net = f->svc.net;
        net.agent_memo = memo;
        _cleanup_json_ json_t *conf = json_pack("{s:{s:[s]}}", "device_mappings", "physnet1", "em1");
        const char *text = NOTED_TEXT;
        struct netsvc_agent_report rep;
        struct service_error e = {0};
        json_t *a = NULL;
        char *id = agent_register(f, &net, conf, &rep);
        /* Written, not yet seen repeating: not noted. */
        assert_int_equal(agent_repeat(f->st, &net, text), 0);
        assert_int_equal(agent_memo_size(memo), 0);
        clock_now += 30;
        assert_int_equal(agent_heartbeat(f->st, &net, &rep, &a), 1);
        json_decref(a);
        assert_int_equal(agent_memo_size(memo), 1);
        assert_int_equal(heartbeat_batch_pending(f->batch), 1);
        /* Now known: its time queued from the row alone, and written. */
        clock_now += 30;
        assert_int_equal(agent_repeat(f->st, &net, text), 1);
        assert_int_equal(heartbeat_batch_pending(f->batch), 2);
        assert_int_equal(heartbeat_batch_flush(f->batch, f->st), 2);
        a = agent_doc(f, id);
        assert_true(json_number_value(json_object_get(a, "_heartbeat")) == clock_now);
        json_decref(a);
        /* Its document unchanged by the time written: still known. */
        clock_now += 30;
        assert_int_equal(agent_repeat(f->st, &net, text), 1);
        assert_int_equal(agent_repeat(f->st, &net, "{\"agent\":{\"host\":\"c1\"}}"), 0);
        /* An administrator's change rewrites the document: parsed again
         * (it still repeats, and is noted again). */
        struct netsvc_agent_update up = {.has_description = true, .description = "rack 4"};
        assert_int_equal(store_begin(f->st, true), 0);
        assert_int_equal(netsvc_agent_update(&net, id, &up, &a, &e), 0);
        assert_int_equal(store_end(f->st, true), 0);
        json_decref(a);
        assert_int_equal(agent_repeat(f->st, &net, text), 0);
        assert_int_equal(agent_heartbeat(f->st, &net, &rep, &a), 1);
        json_decref(a);
        assert_int_equal(agent_repeat(f->st, &net, text), 1);
        /* A full queue, or a time too old to wait for it: not queued. */
        assert_int_equal(agent_repeat(f->st, &net, text), 1);
        assert_int_equal(heartbeat_batch_pending(f->batch), 4);
        assert_int_equal(agent_repeat(f->st, &net, text), 0);
        assert_int_equal(heartbeat_batch_flush(f->batch, f->st), 4);
        clock_now += 71;
        assert_int_equal(agent_repeat(f->st, &net, text), 0);
        clock_now -= 71;
        assert_int_equal(agent_repeat(f->st, &net, text), 1);
        /* Removed: the whole way, which registers it anew. */
        assert_int_equal(store_begin(f->st, true), 0);
        assert_int_equal(netsvc_agent_delete(&net, id, &e), 0);
        assert_int_equal(store_end(f->st, true), 0);
        assert_int_equal(agent_repeat(f->st, &net, text), 0);
        /* Without a memo nothing is known. */
        net.agent_memo = NULL;
        assert_int_equal(agent_repeat(f->st, &net, text), 0);
        free(id);
}

/* computesvc_host_heartbeat_with_agent() in a read transaction. */
static int host_with_agent(struct fixture *f, const struct computesvc *svc, const char *host,
                           const char *hash, const char *text)
{
        _cleanup_compute_host_ struct store_compute_host *row = NULL;
        assert_int_equal(store_begin(f->st, false), 0);
        int r = computesvc_host_heartbeat_with_agent(svc, host, hash, text, &row);
        assert_int_equal(store_end(f->st, true), 0);
        assert_true(r <= 0 || (row && streq(row->hostname, host) && row->heartbeat == clock_now));
        return r;
}

/* A host report whose two parts repeat: both rows in one read, both
 * times queued; when either part must take its own way, neither is
 * queued by it. */
static void test_host_heartbeat_with_agent(void **state)
{
        struct fixture *f = *state;
        _cleanup_agent_memo_ struct agent_memo *memo = NULL;
        assert_int_equal(agent_memo_new(16, &memo), 0);
        struct computesvc svc = f->svc;
        svc.net.agent_memo = memo;
        _cleanup_json_ json_t *conf = json_pack("{s:{s:[s]}}", "device_mappings", "physnet1", "em1");
        const char *text = NOTED_TEXT;
        struct netsvc_agent_report rep;
        struct service_error e = {0};
        json_t *a = NULL;
        char *id = agent_register(f, &svc.net, conf, &rep);
        /* Not noted yet: nothing read, nothing queued. */
        clock_now += 20;
        assert_int_equal(host_with_agent(f, &svc, "c1", "r1", text), 0);
        assert_int_equal(agent_heartbeat(f->st, &svc.net, &rep, &a), 1);
        json_decref(a);
        assert_int_equal(heartbeat_batch_flush(f->batch, f->st), 1);
        clock_now += 20;
        assert_int_equal(host_with_agent(f, &svc, "c1", "r1", text), 1);
        assert_int_equal(heartbeat_batch_pending(f->batch), 2);
        assert_int_equal(heartbeat_batch_flush(f->batch, f->st), 2);
        _cleanup_compute_host_ struct store_compute_host *h = host_row(f, "c1");
        assert_true(h->heartbeat == clock_now);
        a = agent_doc(f, id);
        assert_true(json_number_value(json_object_get(a, "_heartbeat")) == clock_now);
        json_decref(a);
        /* Another report hash, another host, other bytes: nothing queued. */
        assert_int_equal(host_with_agent(f, &svc, "c1", "r2", text), 0);
        assert_int_equal(host_with_agent(f, &svc, "c9", "r1", text), 0);
        assert_int_equal(host_with_agent(f, &svc, "c1", "r1", "{}"), 0);
        assert_int_equal(heartbeat_batch_pending(f->batch), 0);
        /* The agent's row rewritten, or gone: nothing queued. */
        struct netsvc_agent_update up = {.has_description = true, .description = "rack 4"};
        assert_int_equal(store_begin(f->st, true), 0);
        assert_int_equal(netsvc_agent_update(&svc.net, id, &up, &a, &e), 0);
        assert_int_equal(store_end(f->st, true), 0);
        json_decref(a);
        assert_int_equal(host_with_agent(f, &svc, "c1", "r1", text), 0);
        assert_int_equal(agent_heartbeat(f->st, &svc.net, &rep, &a), 1);
        json_decref(a);
        assert_int_equal(heartbeat_batch_flush(f->batch, f->st), 1);
        assert_int_equal(host_with_agent(f, &svc, "c1", "r1", text), 1);
        assert_int_equal(heartbeat_batch_flush(f->batch, f->st), 2);
        assert_int_equal(store_begin(f->st, true), 0);
        assert_int_equal(netsvc_agent_delete(&svc.net, id, &e), 0);
        assert_int_equal(store_end(f->st, true), 0);
        assert_int_equal(host_with_agent(f, &svc, "c1", "r1", text), 0);
        assert_int_equal(heartbeat_batch_pending(f->batch), 0);
        free(id);
}

static void test_agent_memo(void **state)
{
        (void)state;
        _cleanup_agent_memo_ struct agent_memo *m = NULL;
        char id[AGENT_MEMO_ID_MAX];
        struct agent_memo_digest d;
        char long_id[AGENT_MEMO_ID_MAX + 1];
        assert_int_equal(agent_memo_new(2, &m), 0);
        assert_false(agent_memo_get(m, "a", 1, id, &d));
        assert_int_equal(agent_memo_put(m, "a", 1, "id-a", "{\"x\": 1}"), 0);
        assert_true(agent_memo_get(m, "a", 1, id, &d));
        assert_string_equal(id, "id-a");
        assert_true(agent_memo_doc_is(m, "{\"x\": 1}", &d));
        assert_false(agent_memo_doc_is(m, "{\"x\":1}", &d));
        assert_false(agent_memo_get(m, "ab", 2, id, &d));
        /* The same text again replaces. */
        assert_int_equal(agent_memo_put(m, "a", 1, "id-b", "{}"), 0);
        assert_int_equal(agent_memo_size(m), 1);
        assert_true(agent_memo_get(m, "a", 1, id, &d));
        assert_string_equal(id, "id-b");
        assert_true(agent_memo_doc_is(m, "{}", &d));
        memset(long_id, 'x', sizeof(long_id) - 1);
        long_id[sizeof(long_id) - 1] = 0;
        assert_int_equal(agent_memo_put(m, "b", 1, long_id, "{}"), -EINVAL);
        /* Full: it starts again empty. */
        assert_int_equal(agent_memo_put(m, "b", 1, "id-c", "{}"), 0);
        assert_int_equal(agent_memo_size(m), 2);
        assert_int_equal(agent_memo_put(m, "c", 1, "id-d", "{}"), 0);
        assert_int_equal(agent_memo_size(m), 1);
        assert_false(agent_memo_get(m, "a", 1, id, &d));
        assert_true(agent_memo_get(m, "c", 1, id, &d));
        assert_string_equal(id, "id-d");
}

static void test_host_heartbeat(void **state)
{
        struct fixture *f = *state;
        struct store_compute_host *row = NULL;
        clock_now += 30;
        assert_int_equal(store_begin(f->st, false), 0);
        assert_int_equal(computesvc_host_heartbeat(&f->svc, "c1", "r2", &row), 0);
        assert_int_equal(computesvc_host_heartbeat(&f->svc, "c9", "r1", &row), 0);
        assert_int_equal(computesvc_host_heartbeat(&f->svc, "c1", "r1", &row), 1);
        assert_int_equal(store_end(f->st, true), 0);
        assert_string_equal(row->service_id, "s1");
        assert_true(row->heartbeat == clock_now);
        assert_true(computesvc_host_up(&f->svc, row));
        store_compute_host_free(row);
        row = NULL;
        /* The time reaches the row with the flush: the host stays up when
         * its last written heartbeat is old. */
        clock_now += 50;
        assert_int_equal(heartbeat_batch_flush(f->batch, f->st), 1);
        _cleanup_compute_host_ struct store_compute_host *h = host_row(f, "c1");
        assert_true(h->heartbeat == clock_now - 50);
        assert_true(computesvc_host_up(&f->svc, h));
        /* 56 s after its stored time (service_down_time 60): written at
         * once instead. */
        clock_now += 6;
        assert_int_equal(store_begin(f->st, false), 0);
        assert_int_equal(computesvc_host_heartbeat(&f->svc, "c1", "r1", &row), 0);
        assert_int_equal(store_end(f->st, true), 0);
}

static int64_t hosts_stamp(struct fixture *f)
{
        int64_t v = 0;
        assert_int_equal(store_stamp_get(f->st, STORE_STAMP_COMPUTE_HOSTS, &v), 0);
        return v;
}

static void host_report(struct fixture *f, const json_t *body, bool want_new)
{
        _cleanup_host_state_ struct host_state *hs = NULL;
        json_t *doc = NULL;
        bool is_new = !want_new;
        assert_int_equal(host_state_from_json(body, NULL, &hs), 0);
        assert_int_equal(computesvc_host_report(&f->svc, body, hs, &is_new, &doc), 0);
        assert_true(is_new == want_new);
        json_decref(doc);
}

/* A report as stored that takes the whole way (a server that had not
 * seen its bytes, after a restart or behind a balancer): only its time is
 * written, and the host table's stamp stays, so no scheduler reads every
 * host again.  A changed report moves both. */
static void test_host_report_unchanged(void **state)
{
        struct fixture *f = *state;
        _cleanup_json_ json_t *body = json_pack("{s:s, s:i, s:i, s:i}", "hostname", "c2",
                                                "vcpus", 8, "memory_mb", 4096, "disk_gb", 10);
        assert_int_equal(store_begin(f->st, true), 0);
        host_report(f, body, true);
        int64_t s0 = hosts_stamp(f);
        assert_int_equal(store_end(f->st, true), 0);
        clock_now += 30;
        assert_int_equal(store_begin(f->st, true), 0);
        host_report(f, body, false);
        assert_int_equal(hosts_stamp(f), s0);
        assert_int_equal(store_end(f->st, true), 0);
        _cleanup_compute_host_ struct store_compute_host *h = host_row(f, "c2");
        assert_true(h->heartbeat == clock_now);

        json_object_set_new(body, "vcpus", json_integer(16));
        assert_int_equal(store_begin(f->st, true), 0);
        host_report(f, body, false);
        assert_true(hosts_stamp(f) > s0);
        assert_int_equal(store_end(f->st, true), 0);
}

static void test_batch_thread(void **state)
{
        struct fixture *f = *state;
        struct store_heartbeat hb = {STORE_HEARTBEAT_COMPUTE_HOST, "c1", clock_now + 60,
                                     "2027-01-15T08:01:00.000000"};
        assert_int_equal(heartbeat_batch_start(f->batch, f->st, 3600), 0);
        assert_int_equal(heartbeat_batch_start(f->batch, f->st, 3600), -EINVAL);
        assert_int_equal(heartbeat_batch_add(f->batch, &hb), 0);
        /* Stopped long before its period: it writes what waits. */
        heartbeat_batch_free(f->batch);
        f->batch = NULL;
        _cleanup_compute_host_ struct store_compute_host *h = host_row(f, "c1");
        assert_true(h->heartbeat == clock_now + 60);
}

static void test_report_memo(void **state)
{
        (void)state;
        _cleanup_report_memo_ struct report_memo *m = NULL;
        assert_int_equal(report_memo_new(2, &m), 0);
        const char *a = "{\"hostname\": \"c1\"}", *b = "{\"hostname\":\"c1\"}";
        struct report_memo_entry e = {(char *)"c1", "aa", 3, 7}, got = {0};
        assert_int_equal(report_memo_get(m, a, strlen(a), &got), -ENOENT);
        assert_int_equal(report_memo_put(m, a, strlen(a), &e), 0);
        assert_int_equal(report_memo_get(m, a, strlen(a), &got), 0);
        assert_string_equal(got.hostname, "c1");
        assert_string_equal(got.report_hash, "aa");
        assert_int_equal(got.pools, 3);
        assert_int_equal(got.free_total, 7);
        free(got.hostname);
        /* Other bytes, even the same JSON: unknown. */
        assert_int_equal(report_memo_get(m, b, strlen(b), &got), -ENOENT);
        assert_int_equal(report_memo_get(m, a, strlen(a) - 1, &got), -ENOENT);
        /* The same bytes again replace. */
        e.free_total = 6;
        assert_int_equal(report_memo_put(m, a, strlen(a), &e), 0);
        assert_int_equal(report_memo_size(m), 1);
        assert_int_equal(report_memo_get(m, a, strlen(a), &got), 0);
        assert_int_equal(got.free_total, 6);
        free(got.hostname);
        /* Full: it starts again empty. */
        assert_int_equal(report_memo_put(m, b, strlen(b), &e), 0);
        assert_int_equal(report_memo_size(m), 2);
        assert_int_equal(report_memo_put(m, "x", 1, &e), 0);
        assert_int_equal(report_memo_size(m), 1);
        assert_int_equal(report_memo_get(m, a, strlen(a), &got), -ENOENT);
        assert_int_equal(report_memo_get(m, "x", 1, &got), 0);
        free(got.hostname);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_batch_writes, setup, teardown),
                cmocka_unit_test_setup_teardown(test_agent_heartbeat, setup, teardown),
                cmocka_unit_test_setup_teardown(test_agent_repeat, setup, teardown),
                cmocka_unit_test_setup_teardown(test_host_heartbeat_with_agent, setup, teardown),
                cmocka_unit_test(test_agent_memo),
                cmocka_unit_test_setup_teardown(test_host_heartbeat, setup, teardown),
                cmocka_unit_test_setup_teardown(test_host_report_unchanged, setup, teardown),
                cmocka_unit_test_setup_teardown(test_batch_thread, setup, teardown),
                cmocka_unit_test(test_report_memo),
        };
        return cmocka_run_group_tests_name("tests", tests, NULL, NULL);
}
