/* The task runner with libvirt's test driver and a server that cannot be
 * reached: what submit accepts and ignores, the spawn done while its answer
 * waits, later tasks kept in order behind it, and a stop that abandons the
 * waiting answer.  (tests/e2e/test-task-runner.py runs it against a real
 * vfnet-server.) */
#include "test-util.h"

#include <jansson.h>
#include <time.h>
#include <unistd.h>

#include "agent/agent-config.h"
#include "agent/server-client.h"
#include "agent/task-runner.h"
#include "base/error.h"
#include "base/ini.h"
#include "base/json-util.h"

#define INSTANCE "33333333-0000-4000-8000-000000000001"

/* libvirt at URI; the server on port 1 of the loopback, which refuses
 * every connection. */
static struct agent_config *config_uri(const char *uri)
{
        _cleanup_ini_ struct ini *ini = NULL;
        struct agent_config *c = NULL;
        assert_int_equal(ini_new(&ini), 0);
        assert_int_equal(ini_load_string(ini, "sriov_agent.ini",
                                         "[sriov_nic]\nphysical_device_mappings = physnet1:em1\n"),
                         0);
        assert_int_equal(ini_load_string(ini, "nova.conf",
                                         "[neutron]\nauth_url = http://127.0.0.1:1/v3\n"
                                         "username = nova\npassword = p\nproject_name = service\n"),
                         0);
        char libvirt[200];
        snprintf(libvirt, sizeof(libvirt), "[libvirt]\nconnection_uri = %s\n", uri);
        assert_int_equal(ini_load_string(ini, "nova-libvirt.conf", libvirt), 0);
        assert_int_equal(agent_config_load(ini, &c), 0);
        return c;
}

static struct agent_config *config(void)
{
        return config_uri("test:///default");
}

static json_t *task_state(struct task_runner *tr, const char *id)
{
        _cleanup_json_ json_t *st = NULL;
        assert_int_equal(task_runner_status_json(tr, &st), 0);
        size_t i;
        json_t *t;
        json_array_foreach(json_object_get(st, "tasks"), i, t)
                if (streq(json_str(t, "id"), id))
                        return json_incref(t);
        return NULL;
}

/* Waits (up to 30 s) for task ID to reach STATE; returns its record. */
static json_t *wait_state(struct task_runner *tr, const char *id, const char *state)
{
        for (int i = 0; i < 3000; i++) {
                json_t *t = task_state(tr, id);
                if (t && streq(json_str(t, "state"), state))
                        return t;
                json_decref(t);
                nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
        }
        fail_msg("task %s never reached %s", id, state);
        return NULL;
}

static void test_submit_and_stop(void **state)
{
        _cleanup_(agent_config_freep) struct agent_config *c = config();
        struct task_runner *tr = NULL;
        assert_int_equal(task_runner_start(c, "compute1", NULL, &tr), 0);

        /* Nothing to answer without an id. */
        _cleanup_json_ json_t *no_id = json_pack("{s:s}", "action", "spawn");
        err_clear();
        assert_int_equal(task_runner_submit(tr, no_id), -EINVAL);
        assert_non_null(strstr(err_msg(-EINVAL), "without a usable id"));

        _cleanup_json_ json_t *spawn = json_pack(
                "{s:s,s:s,s:s,s:{s:s,s:{s:i,s:i},s:[{s:s,s:s,s:s,s:s,s:s,s:s}]}}", "id", "t-1",
                "action", "spawn", "instance_id", INSTANCE, "instance", "name", "vm", "flavor",
                "vcpus", 1, "ram", 256, "ports", "id", "port-1", "mac_address",
                "fa:16:3e:00:00:01", "vif_type", "hw_veb", "vnic_type", "direct", "pci_slot",
                "0000:0b:10.1", "vlan", "0");
        assert_int_equal(task_runner_submit(tr, spawn), 1);
        assert_int_equal(task_runner_submit(tr, spawn), 0); /* queued or running: once */

        /* libvirt did its part; the answer waits for the server. */
        _cleanup_json_ json_t *t1 = wait_state(tr, "t-1", "answering");
        assert_string_equal(json_str(t1, "result"), "ok");
        assert_string_equal(json_str(t1, "instance_id"), INSTANCE);
        assert_string_equal(json_str(t1, "action"), "spawn");
        assert_int_equal(task_runner_submit(tr, spawn), 0); /* answering: still once */

        _cleanup_json_ json_t *st = NULL;
        assert_int_equal(task_runner_status_json(tr, &st), 0);
        assert_string_equal(json_str(json_object_get(st, "libvirt"), "uri"), "test:///default");
        assert_true(json_is_null(json_object_get(json_object_get(st, "libvirt"), "error")));
        /* The test driver's host (virNodeGetInfo). */
        json_t *node = json_object_get(json_object_get(st, "libvirt"), "node");
        assert_int_equal(json_integer_value(json_object_get(node, "cpus")), 16);
        assert_int_equal(json_integer_value(json_object_get(node, "memory_kib")), 3145728);
        bool found = false;
        size_t i;
        json_t *d;
        json_array_foreach(json_object_get(st, "domains"), i, d)
                if (streq(json_str(d, "uuid"), INSTANCE)) {
                        found = true;
                        assert_string_equal(json_str(d, "state"), "running");
                        assert_string_equal(json_str(d, "name"), "instance-" INSTANCE);
                        assert_non_null(strstr(json_str(d, "xml"), "<interface type='hostdev'"));
                }
        assert_true(found);

        /* The libvirt work of the next task goes on while the answers wait. */
        _cleanup_json_ json_t *destroy = json_pack("{s:s,s:s,s:s,s:{}}", "id", "t-2", "action",
                                                   "destroy", "instance_id", INSTANCE, "instance");
        assert_int_equal(task_runner_submit(tr, destroy), 1);
        _cleanup_json_ json_t *t2 = wait_state(tr, "t-2", "answering");
        assert_string_equal(json_str(t2, "result"), "ok");
        _cleanup_json_ json_t *st2 = NULL;
        assert_int_equal(task_runner_status_json(tr, &st2), 0);
        json_array_foreach(json_object_get(st2, "domains"), i, d)
                assert_string_not_equal(json_str(d, "uuid"), INSTANCE);
        _cleanup_json_ json_t *t1_again = task_state(tr, "t-1");
        assert_string_equal(json_str(t1_again, "state"), "answering");

        /* Stop abandons both waiting answers. */
        task_runner_stop(tr);
}

static void test_bad_task_answered_error(void **state)
{
        _cleanup_(agent_config_freep) struct agent_config *c = config();
        struct task_runner *tr = NULL;
        assert_int_equal(task_runner_start(c, "compute1", "/", &tr), 0);
        _cleanup_json_ json_t *bad = json_pack("{s:s,s:s,s:s}", "id", "t-bad", "action",
                                               "reboot", "instance_id", INSTANCE);
        assert_int_equal(task_runner_submit(tr, bad), 1);
        _cleanup_json_ json_t *t = wait_state(tr, "t-bad", "answering");
        assert_string_equal(json_str(t, "result"), "error");
        assert_non_null(strstr(json_str(t, "message"),
                               "compute task t-bad: action: 'reboot' is not spawn or destroy"));
        task_runner_stop(tr);
}

static void test_libvirt_unreachable(void **state)
{
        _cleanup_(agent_config_freep) struct agent_config *c = config_uri("bogus:///nowhere");
        struct task_runner *tr = NULL;
        assert_int_equal(task_runner_start(c, "compute1", NULL, &tr), 0);
        _cleanup_json_ json_t *spawn = json_pack(
                "{s:s,s:s,s:s,s:{s:s,s:{s:i,s:i},s:[]}}", "id", "t-1", "action", "spawn",
                "instance_id", INSTANCE, "instance", "name", "vm", "flavor", "vcpus", 1, "ram",
                256, "ports");
        assert_int_equal(task_runner_submit(tr, spawn), 1);
        /* The spawn is answered with the reason; the server places it elsewhere. */
        _cleanup_json_ json_t *t = wait_state(tr, "t-1", "answering");
        assert_string_equal(json_str(t, "result"), "error");
        assert_non_null(strstr(json_str(t, "message"), "libvirt at bogus:///nowhere cannot be "
                                                       "reached"));
        _cleanup_json_ json_t *st = NULL;
        assert_int_equal(task_runner_status_json(tr, &st), 0);
        json_t *lv = json_object_get(st, "libvirt");
        assert_non_null(strstr(json_str(lv, "error"), "libvirt at bogus:///nowhere"));
        assert_true(json_is_null(json_object_get(lv, "node")));
        assert_int_equal(json_array_size(json_object_get(st, "domains")), 0);
        task_runner_stop(tr);
}

/* A destroy is never answered before libvirt did it: while libvirt cannot
 * be reached it waits (queued, saying why) and the tasks behind it go on;
 * once libvirt is there it runs. */
static void test_destroy_waits_for_libvirt(void **state)
{
        char dir[] = "/tmp/vfnet-runner-XXXXXX", node[64], uri[80];
        assert_non_null(mkdtemp(dir));
        snprintf(node, sizeof(node), "%s/node.xml", dir);
        snprintf(uri, sizeof(uri), "test://%s", node); /* the test driver on a file not there yet */
        _cleanup_(agent_config_freep) struct agent_config *c = config_uri(uri);
        struct task_runner *tr = NULL;
        assert_int_equal(task_runner_start(c, "compute1", NULL, &tr), 0);
        _cleanup_json_ json_t *destroy = json_pack("{s:s,s:s,s:s,s:{}}", "id", "t-d", "action",
                                                   "destroy", "instance_id", INSTANCE, "instance");
        _cleanup_json_ json_t *spawn = json_pack(
                "{s:s,s:s,s:s,s:{s:s,s:{s:i,s:i},s:[]}}", "id", "t-s", "action", "spawn",
                "instance_id", "33333333-0000-4000-8000-000000000002", "instance", "name", "vm",
                "flavor", "vcpus", 1, "ram", 256, "ports");
        assert_int_equal(task_runner_submit(tr, destroy), 1);
        assert_int_equal(task_runner_submit(tr, spawn), 1);

        /* The spawn behind it is answered (with libvirt's absence). */
        _cleanup_json_ json_t *s1 = wait_state(tr, "t-s", "answering");
        assert_string_equal(json_str(s1, "result"), "error");
        _cleanup_json_ json_t *d1 = task_state(tr, "t-d");
        assert_string_equal(json_str(d1, "state"), "queued");
        assert_true(json_is_null(json_object_get(d1, "result")));
        assert_non_null(strstr(json_str(d1, "message"), "cannot be reached"));
        assert_int_equal(task_runner_submit(tr, destroy), 0); /* waiting: still once */

        /* libvirt comes: the destroy runs (nothing to destroy there) and
         * its answer goes out. */
        FILE *f = fopen(node, "w");
        assert_non_null(f);
        fputs("<node/>\n", f);
        fclose(f);
        _cleanup_json_ json_t *d2 = wait_state(tr, "t-d", "answering");
        assert_string_equal(json_str(d2, "result"), "ok");
        assert_true(json_is_null(json_object_get(d2, "message")));
        task_runner_stop(tr);
        unlink(node);
        rmdir(dir);
}

int main(void)
{
        assert_int_equal(server_client_global_init(), 0);
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_submit_and_stop),
                cmocka_unit_test(test_bad_task_answered_error),
                cmocka_unit_test(test_libvirt_unreachable),
                cmocka_unit_test(test_destroy_waits_for_libvirt),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
