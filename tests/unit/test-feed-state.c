/* The change-feed client's state machine (agent/feed-state): state first,
 * then watches from its revision; a 410 reads the state again at once;
 * any failure (no answer, 5xx, 4xx, an answer of the wrong shape, entries
 * out of order) backs off 1, 2, 4 ... 30 s and reads the whole state again
 * on reconnect; nothing of a bad answer is taken.  And the agent's status
 * document (agent/agent-status). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "agent/agent-status.h"
#include "agent/feed-state.h"
#include "base/json-util.h"

static json_t *doc(const char *text)
{
        json_error_t e;
        json_t *d = json_loads(text, 0, &e);
        if (!d)
                fail_msg("bad test JSON: %s", e.text);
        return d;
}

static void assert_path(const struct feed_state *s, const char *host, const char *want)
{
        char buf[256];
        assert_int_equal(feed_request_path(s, host, 30, buf, sizeof(buf)), 0);
        assert_string_equal(buf, want);
}

static void test_state_then_watch(void **state)
{
        (void)state;
        struct feed_state s;
        feed_state_init(&s);
        assert_path(&s, "compute1", "/v2.0/vfnet/hosts/compute1/state");
        _cleanup_json_ json_t *st = doc("{\"host\": \"compute1\", \"revision\": 41, \"ports\": [], \"tasks\": []}");
        assert_int_equal(feed_on_answer(&s, 0, 200, st), FEED_GOT_STATE);
        assert_path(&s, "compute1", "/v2.0/vfnet/hosts/compute1/changes?since=41&timeout=30");

        _cleanup_json_ json_t *ch = doc("{\"revision\": 44, \"changes\": ["
                                        "{\"revision\": 43, \"kind\": \"port\", \"id\": \"p\", \"object\": {\"id\": \"p\"}},"
                                        "{\"revision\": 44, \"kind\": \"port\", \"id\": \"p\", \"object\": null}]}");
        assert_int_equal(feed_on_answer(&s, 0, 200, ch), FEED_GOT_CHANGES);
        assert_int_equal(json_array_size(feed_changes(ch)), 2);
        assert_path(&s, "compute1", "/v2.0/vfnet/hosts/compute1/changes?since=44&timeout=30");

        /* An empty answer may move the revision past other hosts' entries. */
        _cleanup_json_ json_t *empty = doc("{\"revision\": 90, \"changes\": []}");
        assert_int_equal(feed_on_answer(&s, 0, 200, empty), FEED_GOT_CHANGES);
        assert_int_equal(s.revision, 90);
        assert_int_equal(s.backoff, 0);
        assert_false(s.outage);
}

static void test_host_encoded(void **state)
{
        (void)state;
        struct feed_state s;
        feed_state_init(&s);
        assert_path(&s, "rack 1/n\xc3\xa9", "/v2.0/vfnet/hosts/rack%201%2Fn%C3%A9/state");
        char small[16];
        assert_int_equal(feed_request_path(&s, "compute1", 30, small, sizeof(small)), -ENOBUFS);
}

static void test_compacted_reads_state(void **state)
{
        (void)state;
        struct feed_state s;
        feed_state_init(&s);
        _cleanup_json_ json_t *st = doc("{\"revision\": 5, \"ports\": [], \"tasks\": []}");
        assert_int_equal(feed_on_answer(&s, 0, 200, st), FEED_GOT_STATE);
        _cleanup_json_ json_t *gone = doc("{\"NeutronError\": {\"type\": \"ChangesCompacted\"}}");
        assert_int_equal(feed_on_answer(&s, 0, 410, gone), FEED_RESYNC);
        assert_int_equal(s.backoff, 0);
        assert_path(&s, "h", "/v2.0/vfnet/hosts/h/state");
        /* 410 to a state request is a failure, not a resync loop. */
        assert_int_equal(feed_on_answer(&s, 0, 410, gone), FEED_RETRY);
}

static void test_failures_back_off_and_resync(void **state)
{
        (void)state;
        struct feed_state s;
        feed_state_init(&s);
        _cleanup_json_ json_t *st = doc("{\"revision\": 7, \"ports\": [], \"tasks\": []}");
        assert_int_equal(feed_on_answer(&s, 0, 200, st), FEED_GOT_STATE);
        long waits[8];
        for (int i = 0; i < 8; i++) {
                assert_int_equal(feed_on_answer(&s, -ECONNREFUSED, 0, NULL), FEED_RETRY);
                waits[i] = s.backoff;
                assert_true(s.outage);
                assert_int_equal(s.phase, FEED_READ_STATE);
        }
        assert_int_equal(waits[0], 1);
        assert_int_equal(waits[1], 2);
        assert_int_equal(waits[2], 4);
        assert_int_equal(waits[7], 30);
        /* Back: the whole state again, backoff reset. */
        assert_path(&s, "h", "/v2.0/vfnet/hosts/h/state");
        assert_int_equal(feed_on_answer(&s, 0, 200, st), FEED_GOT_STATE);
        assert_false(s.outage);
        assert_int_equal(s.backoff, 0);
}

static void test_bad_answers_taken_as_failures(void **state)
{
        (void)state;
        static const char *const bad_state[] = {
                "{\"ports\": [], \"tasks\": []}",                       /* no revision */
                "{\"revision\": -1, \"ports\": [], \"tasks\": []}",     /* negative */
                "{\"revision\": \"7\", \"ports\": [], \"tasks\": []}",  /* a string */
                "{\"revision\": 7, \"tasks\": []}",                     /* no ports */
                "{\"revision\": 7, \"ports\": {}, \"tasks\": []}",      /* not a list */
                "{\"revision\": 7, \"ports\": []}",                     /* no tasks */
                "[]",
        };
        for (size_t i = 0; i < sizeof(bad_state) / sizeof(bad_state[0]); i++) {
                struct feed_state s;
                feed_state_init(&s);
                _cleanup_json_ json_t *d = doc(bad_state[i]);
                assert_int_equal(feed_on_answer(&s, 0, 200, d), FEED_RETRY);
                assert_int_equal(s.phase, FEED_READ_STATE);
        }
        static const char *const bad_changes[] = {
                "{\"revision\": 12, \"changes\": {}}",
                "{\"revision\": 9, \"changes\": []}", /* behind where we are */
                /* out of order, repeated, beyond the answer's revision, before since */
                "{\"revision\": 12, \"changes\": [{\"revision\": 12, \"kind\": \"port\", \"id\": \"a\", \"object\": null},"
                "{\"revision\": 11, \"kind\": \"port\", \"id\": \"a\", \"object\": null}]}",
                "{\"revision\": 12, \"changes\": [{\"revision\": 11, \"kind\": \"port\", \"id\": \"a\", \"object\": null},"
                "{\"revision\": 11, \"kind\": \"port\", \"id\": \"a\", \"object\": null}]}",
                "{\"revision\": 12, \"changes\": [{\"revision\": 13, \"kind\": \"port\", \"id\": \"a\", \"object\": null}]}",
                "{\"revision\": 12, \"changes\": [{\"revision\": 10, \"kind\": \"port\", \"id\": \"a\", \"object\": null}]}",
                /* entries of the wrong shape */
                "{\"revision\": 12, \"changes\": [{\"revision\": 11, \"id\": \"a\", \"object\": null}]}",
                "{\"revision\": 12, \"changes\": [{\"revision\": 11, \"kind\": \"port\", \"object\": null}]}",
                "{\"revision\": 12, \"changes\": [{\"revision\": 11, \"kind\": \"port\", \"id\": \"a\"}]}",
                "{\"revision\": 12, \"changes\": [{\"revision\": 11, \"kind\": \"port\", \"id\": \"a\", \"object\": 3}]}",
                "{\"revision\": 12, \"changes\": [7]}",
        };
        for (size_t i = 0; i < sizeof(bad_changes) / sizeof(bad_changes[0]); i++) {
                struct feed_state s;
                feed_state_init(&s);
                _cleanup_json_ json_t *st = doc("{\"revision\": 10, \"ports\": [], \"tasks\": []}");
                assert_int_equal(feed_on_answer(&s, 0, 200, st), FEED_GOT_STATE);
                _cleanup_json_ json_t *d = doc(bad_changes[i]);
                if (feed_on_answer(&s, 0, 200, d) != FEED_RETRY)
                        fail_msg("taken: %s", bad_changes[i]);
                assert_int_equal(s.phase, FEED_READ_STATE);
        }
        /* Statuses other than 200 and 410. */
        const long statuses[] = {400, 401, 403, 404, 500, 503};
        for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
                struct feed_state s;
                feed_state_init(&s);
                _cleanup_json_ json_t *d = doc("{\"revision\": 1, \"ports\": [], \"tasks\": []}");
                assert_int_equal(feed_on_answer(&s, 0, statuses[i], d), FEED_RETRY);
        }
}

static void test_status_document(void **state)
{
        (void)state;
        struct agent_pf_map map = {.physnet = "physnet1", .device = "em1"};
        struct agent_vf vfs[2] = {{0, "0000:0b:10.0"}, {1, "0000:0b:10.2"}};
        struct vf_config wants[2] = {0}, is[2] = {0};
        char *ports[2] = {"port-a", NULL};
        uint32_t failed[2] = {VF_FIELD_BIT(VF_FIELD_TRUST), 0};
        wants[0] = (struct vf_config){.vf = 0, .fields = VF_FIELD_BIT(VF_FIELD_MAC) | VF_FIELD_BIT(VF_FIELD_TRUST),
                                      .mac = {0xfa, 0x16, 0x3e, 0, 0, 1}, .trust = true};
        wants[1] = (struct vf_config){.vf = 1, .fields = 0}; /* excluded */
        is[0] = (struct vf_config){.vf = 0, .fields = VF_FIELD_BIT(VF_FIELD_MAC), .mac = {0xfa, 0x16, 0x3e, 0, 0, 1}};
        is[1] = (struct vf_config){.vf = 1, .fields = VF_FIELD_BIT(VF_FIELD_MAC)};
        struct agent_pf pf = {.map = &map, .address = "0000:0b:00.0", .vfs = vfs, .n_vfs = 2,
                              .unsupported = VF_FIELD_BIT(VF_FIELD_LINK_STATE), .wants = wants,
                              .is = is, .vf_port = ports, .failed = failed, .n_state = 2};
        _cleanup_json_ json_t *tasks = doc("{\"t1\": {\"id\": \"t1\", \"action\": \"spawn\"}}");
        _cleanup_json_ json_t *o = NULL;
        assert_int_equal(agent_status_json("compute1", 44, true, &pf, 1, tasks, NULL, &o), 0);
        assert_string_equal(json_str(o, "host"), "compute1");
        assert_int_equal(json_integer_value(json_object_get(o, "revision")), 44);
        assert_true(json_is_true(json_object_get(o, "connected")));
        const json_t *p = json_array_get(json_object_get(o, "pfs"), 0);
        assert_string_equal(json_str(p, "device"), "em1");
        assert_string_equal(json_str(p, "physnet"), "physnet1");
        assert_true(json_is_null(json_object_get(p, "error")) || !json_object_get(p, "error"));
        assert_string_equal(json_string_value(json_array_get(json_object_get(p, "unsupported"), 0)),
                            "link_state");
        const json_t *v0 = json_array_get(json_object_get(p, "vfs"), 0);
        const json_t *v1 = json_array_get(json_object_get(p, "vfs"), 1);
        assert_string_equal(json_str(v0, "port"), "port-a");
        assert_string_equal(json_str(v0, "address"), "0000:0b:10.0");
        assert_string_equal(json_str(json_object_get(v0, "want"), "mac"), "fa:16:3e:00:00:01");
        assert_true(json_is_true(json_object_get(json_object_get(v0, "want"), "trust")));
        assert_string_equal(json_string_value(json_array_get(json_object_get(v0, "failed"), 0)), "trust");
        assert_true(json_is_false(json_object_get(v0, "excluded")));
        /* trust wanted on, the kernel holds it off (and has no trust at all
         * for VF 1): drifted names it; link_state is the driver's lack. */
        assert_string_equal(json_string_value(json_array_get(json_object_get(v0, "drifted"), 0)), "trust");
        assert_int_equal(json_array_size(json_object_get(v0, "drifted")), 1);
        assert_int_equal(json_array_size(json_object_get(v1, "drifted")), 0);
        assert_true(json_is_true(json_object_get(v1, "excluded")));
        assert_true(json_is_null(json_object_get(v1, "want")));
        assert_true(json_is_null(json_object_get(v1, "port")) || !json_object_get(v1, "port"));
        assert_string_equal(json_str(json_array_get(json_object_get(o, "tasks"), 0), "id"), "t1");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_state_then_watch),
                cmocka_unit_test(test_host_encoded),
                cmocka_unit_test(test_compacted_reads_state),
                cmocka_unit_test(test_failures_back_off_and_resync),
                cmocka_unit_test(test_bad_answers_taken_as_failures),
                cmocka_unit_test(test_status_document),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
