/* The compute service without HTTP, on a temporary store: placement claims
 * a VF and the host's usage as typed rows, binds the port, queues the
 * spawn; no VF left is a fault naming the filter; a failed spawn releases
 * everything and, with no host left, ends in MaxRetriesExceeded; a good
 * one goes ACTIVE; unplace frees what a placement took. */
#include "test-util.h"
#include "test-store-util.h"

#include <unistd.h>

#include "base/ini.h"
#include "compute/scheduler.h"
#include "computesvc/computesvc.h"

static double clock_now = 1.8e9;
static double now(void)
{
        return clock_now;
}

static struct auth_context member = {.is_member = true, .is_reader = true,
                                     .project_id = (char *)"p1"};

struct fixture {
        struct store *st;
        struct ml2_config *ml2;
        struct sched_config *sched;
        struct compute_cache *cache;
        struct computesvc svc;
};

static void insert(struct store *st, const char *kind, json_t *doc /* stolen */)
{
        assert_non_null(doc);
        assert_int_equal(svc_doc_insert(st, kind, doc), 0);
        json_decref(doc);
}

static int setup(void **state)
{
        struct fixture *f = calloc(1, sizeof(*f));
        f->st = test_store_open();
        struct ini *ini = NULL;
        assert_int_equal(ini_new(&ini), 0);
        assert_int_equal(ini_load_string(ini, "conf",
                                         "[ml2]\nmechanism_drivers = sriovnicswitch\n"
                                         "[ml2_type_vlan]\nnetwork_vlan_ranges = physnet1:15:20\n"
                                         "[scheduler]\nmax_attempts = 3\n"), 0);
        assert_int_equal(ml2_config_load(ini, &f->ml2), 0);
        assert_int_equal(sched_config_from_ini(ini, &f->sched), 0);
        ini_free(ini);
        f->svc = (struct computesvc){
                .store = f->st, .sched = f->sched, .service_down_time = 60, .cache = &f->cache,
                .now = now, .net = {.store = f->st, .ml2 = f->ml2, .now = now},
        };
        /* Host c1: one PF with two VFs on physnet1, its SR-IOV agent; a
         * vlan network with a subnet; a flavor and an image. */
        assert_int_equal(store_begin(f->st, true), 0);
        insert(f->st, "compute_host",
               json_pack("{s:s,s:s,s:s,s:s,s:b,s:s,s:f}", "id", "c1", "service_id", "s1",
                         "hypervisor_id", "h1", "status", "enabled", "forced_down", 0,
                         "report_hash", "r1", "_heartbeat", clock_now));
        assert_int_equal(store_obj_insert(f->st, "compute_report", "c1", NULL,
                "{\"hostname\": \"c1\", \"vcpus\": 8, \"memory_mb\": 8192, \"disk_gb\": 100, "
                "\"pci_devices\": ["
                "{\"address\": \"0000:0b:00.0\", \"vendor_id\": \"8086\", \"product_id\": \"10c9\", "
                "\"dev_type\": \"type-PF\", \"sriov_totalvfs\": 2, \"netdevs\": [\"em1\"]},"
                "{\"address\": \"0000:0b:10.0\", \"vendor_id\": \"8086\", \"product_id\": \"10ca\", "
                "\"dev_type\": \"type-VF\", \"parent_addr\": \"0000:0b:00.0\"},"
                "{\"address\": \"0000:0b:10.2\", \"vendor_id\": \"8086\", \"product_id\": \"10ca\", "
                "\"dev_type\": \"type-VF\", \"parent_addr\": \"0000:0b:00.0\"}], "
                "\"device_spec\": [\"{\\\"devname\\\": \\\"em1\\\", \\\"physical_network\\\": "
                "\\\"physnet1\\\"}\"]}"), 0);
        insert(f->st, "agent",
               json_pack("{s:s,s:s,s:s,s:b,s:f,s:{s:{s:[s]}}}", "id", "ag1", "agent_type",
                         "NIC Switch agent", "host", "c1", "admin_state_up", 1, "_heartbeat",
                         clock_now, "configurations", "device_mappings", "physnet1", "em1"));
        insert(f->st, "network",
               json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:b,s:b,s:[s]}", "id", "net1", "name", "web",
                         "project_id", "p1", "provider:network_type", "vlan",
                         "provider:physical_network", "physnet1", "provider:segmentation_id", 17,
                         "shared", 0, "port_security_enabled", 1, "subnets", "sub1"));
        insert(f->st, "subnet",
               json_pack("{s:s,s:s,s:s,s:s,s:[{s:s,s:s}]}", "id", "sub1", "project_id", "p1",
                         "network_id", "net1", "cidr", "192.0.2.0/24", "allocation_pools",
                         "start", "192.0.2.2", "end", "192.0.2.254"));
        insert(f->st, "flavor",
               json_pack("{s:s,s:s,s:i,s:i,s:i,s:{}}", "id", "f1", "name", "m1.tiny", "vcpus", 2,
                         "ram", 512, "disk", 1, "extra_specs"));
        insert(f->st, "image", json_pack("{s:s,s:s}", "id", "img1", "status", "active"));
        assert_int_equal(store_end(f->st, true), 0);
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        struct fixture *f = *state;
        compute_cache_free(f->cache);
        store_free(f->st);
        ml2_config_free(f->ml2);
        sched_config_free(f->sched);
        test_store_remove();
        free(f);
        return 0;
}

/* A new direct port and an instance on it, as a boot records them. */
static json_t *new_instance(struct fixture *f, const char *id, char port_id[64])
{
        struct service_error e = {0};
        json_t *in = json_pack("{s:s,s:b,s:s,s:s,s:s,s:s,s:{}}", "network_id", "net1",
                               "admin_state_up", 1, "name", "", "device_id", "", "device_owner", "",
                               "binding:vnic_type", "direct", "binding:profile");
        json_t *port = NULL, *flavor = NULL;
        assert_int_equal(netsvc_port_create(&f->svc.net, &member, in, "p1", &port, &e), 0);
        snprintf(port_id, 64, "%s", json_str(port, "id"));
        assert_int_equal(computesvc_flavor_get(&f->svc, "f1", &flavor), 0);
        json_t *inst = json_pack("{s:s,s:s,s:s,s:s,s:s,s:n,s:O,s:s,s:[s],s:[],s:[],s:[],s:i,s:n,s:n,"
                                 "s:{}}",
                                 "id", id, "name", id, "tenant_id", "p1", "status", "BUILD",
                                 "OS-EXT-STS:vm_state", "building", "OS-EXT-STS:task_state",
                                 "_flavor", flavor, "_image_id", "img1", "_ports", port_id,
                                 "_created_ports", "_pci", "_tried", "_attempts", 0, "_host",
                                 "_az_req", "addresses");
        assert_non_null(inst);
        json_decref(in);
        json_decref(port);
        json_decref(flavor);
        return inst;
}

static void assert_usage(struct fixture *f, long long vcpus, long long instances, int claims)
{
        struct store_usage u;
        struct store_pci_addr *v = NULL;
        assert_int_equal(store_usage_sum(f->st, "c1", &u), 0);
        assert_int_equal(u.vcpus, vcpus);
        assert_int_equal(u.instances, instances);
        assert_int_equal(store_pci_claims(f->st, "c1", &v), claims);
        free(v);
}

static void test_place_claim_unplace(void **state)
{
        struct fixture *f = *state;
        char p1[64], p2[64], p3[64];
        assert_int_equal(store_begin(f->st, true), 0);

        json_t *a = new_instance(f, "inst-a", p1);
        assert_int_equal(computesvc_place(&f->svc, a, NULL), 0);
        assert_string_equal(json_str(a, "_host"), "c1");
        assert_string_equal(json_str(a, "OS-EXT-STS:task_state"), "spawning");
        assert_int_equal(computesvc_instance_put(&f->svc, a, true), 0);
        assert_usage(f, 2, 1, 1);
        /* The port is bound as Nova binds it: the claimed VF in its profile. */
        const char *slot = json_str(json_array_get(json_object_get(a, "_pci"), 0), "address");
        json_t *port = NULL;
        assert_int_equal(svc_doc_get(f->st, "port", p1, &port), 0);
        assert_string_equal(json_str(json_object_get(port, "binding:profile"), "pci_slot"), slot);
        assert_string_equal(json_str(port, "binding:vif_type"), "hw_veb");
        assert_string_equal(json_str(port, "device_id"), "inst-a");
        json_decref(port);

        json_t *b = new_instance(f, "inst-b", p2);
        assert_int_equal(computesvc_place(&f->svc, b, NULL), 0);
        assert_int_equal(computesvc_instance_put(&f->svc, b, true), 0);
        assert_usage(f, 4, 2, 2);
        /* The two boots hold different VFs. */
        assert_string_not_equal(slot, json_str(json_array_get(json_object_get(b, "_pci"), 0),
                                               "address"));

        /* No VF left: ERROR with the filter's reason, nothing claimed. */
        json_t *c = new_instance(f, "inst-c", p3);
        assert_int_equal(computesvc_place(&f->svc, c, NULL), 0);
        assert_string_equal(json_str(c, "status"), "ERROR");
        assert_non_null(strstr(json_str(json_object_get(c, "fault"), "message"),
                               "PciPassthroughFilter"));
        assert_usage(f, 4, 2, 2);

        /* Two spawn tasks queued for c1, in order. */
        json_t *tasks = NULL;
        assert_int_equal(computesvc_tasks(&f->svc, "c1", 10, &tasks), 0);
        assert_int_equal(json_array_size(tasks), 2);
        assert_string_equal(json_str(json_array_get(tasks, 0), "instance_id"), "inst-a");
        assert_string_equal(json_str(json_array_get(tasks, 1), "action"), "spawn");
        char task_b[64];
        snprintf(task_b, sizeof(task_b), "%s", json_str(json_array_get(tasks, 1), "id"));
        json_decref(tasks);
        const char *hv[] = {"c1"};
        struct store_filter flt = {"host", STORE_VALUE_TEXT, hv, 1};
        struct store_query q = {.filters = &flt, .n_filters = 1};
        size_t n = 0;
        assert_int_equal(store_obj_count(f->st, "compute_task", &q, &n), 0);
        assert_int_equal(n, 2);
        /* Both spawns are c1's workload until it answers. */
        assert_int_equal(computesvc_host_workload(&f->svc, "c1", &n), 0);
        assert_int_equal(n, 2);

        /* c1 fails to spawn inst-a and no host is left: released, ERROR. */
        assert_int_equal(computesvc_spawn_result(&f->svc, "inst-a", "c1", false, "disk full"), 0);
        json_t *got = NULL;
        assert_int_equal(computesvc_instance_get(&f->svc, "inst-a", &got), 0);
        assert_string_equal(json_str(got, "status"), "ERROR");
        assert_non_null(strstr(json_str(json_object_get(got, "fault"), "message"),
                               "Exceeded maximum number of retries"));
        assert_non_null(strstr(json_str(json_object_get(got, "fault"), "message"), "disk full"));
        json_decref(got);
        assert_usage(f, 2, 1, 1);
        assert_int_equal(svc_doc_get(f->st, "port", p1, &port), 0);
        assert_string_equal(json_str(port, "binding:vif_type"), "unbound");
        assert_string_equal(json_str(port, "device_id"), "");
        json_decref(port);

        /* A stale answer (another host) changes nothing; c1's OK: ACTIVE. */
        assert_int_equal(computesvc_spawn_result(&f->svc, "inst-b", "c9", true, NULL), 0);
        assert_int_equal(computesvc_instance_get(&f->svc, "inst-b", &got), 0);
        assert_string_equal(json_str(got, "status"), "BUILD");
        json_decref(got);
        struct service_error e = {0};
        assert_int_equal(computesvc_task_done(&f->svc, task_b, true, NULL, &e), 0);
        assert_int_equal(computesvc_instance_get(&f->svc, "inst-b", &got), 0);
        assert_string_equal(json_str(got, "status"), "ACTIVE");
        assert_int_equal(json_integer_value(json_object_get(got, "OS-EXT-STS:power_state")), 1);
        assert_int_equal(computesvc_host_workload(&f->svc, "c1", &n), 0);
        assert_int_equal(n, 0);
        /* Unplace frees the VF and the usage. */
        assert_int_equal(computesvc_unplace(&f->svc, got), 0);
        assert_usage(f, 0, 0, 0);
        json_decref(got);
        /* The freed VFs place the next boot again. */
        assert_int_equal(computesvc_place(&f->svc, c, NULL), 0);
        assert_string_equal(json_str(c, "_host"), "c1");
        assert_usage(f, 2, 1, 1);
        /* Deleting it frees everything and tells c1 to destroy it. */
        assert_int_equal(computesvc_instance_put(&f->svc, c, true), 0);
        assert_int_equal(computesvc_instance_delete(&f->svc, c), 0);
        assert_usage(f, 0, 0, 0);
        assert_int_equal(computesvc_instance_get(&f->svc, "inst-c", &got), -ENOENT);
        assert_int_equal(computesvc_tasks(&f->svc, "c1", 10, &tasks), 0);
        json_t *last = json_array_get(tasks, json_array_size(tasks) - 1);
        assert_string_equal(json_str(last, "action"), "destroy");
        assert_string_equal(json_str(last, "instance_id"), "inst-c");
        json_decref(tasks);
        assert_int_equal(store_end(f->st, false), 0);
        json_decref(a);
        json_decref(b);
        json_decref(c);
}

static void test_hosts(void **state)
{
        struct fixture *f = *state;
        struct host_list hl = {0};
        assert_int_equal(store_begin(f->st, false), 0);
        assert_int_equal(computesvc_hosts_load(&f->svc, &hl), 0);
        assert_int_equal(hl.n, 1);
        assert_string_equal(hl.v[0]->hostname, "c1");
        assert_true(hl.v[0]->up);
        assert_int_equal(hl.v[0]->vcpus, 8);
        computesvc_hosts_done(&hl);
        json_t *h = NULL;
        assert_int_equal(computesvc_host_get(&f->svc, "c1", &h), 0);
        assert_true(computesvc_host_is_up(&f->svc, h));
        clock_now += 61;
        assert_false(computesvc_host_is_up(&f->svc, h));
        assert_int_equal(computesvc_hosts_load(&f->svc, &hl), 0);
        assert_false(hl.v[0]->up);
        computesvc_hosts_done(&hl);
        clock_now -= 61;
        json_decref(h);
        assert_int_equal(computesvc_host_get(&f->svc, "nope", &h), -ENOENT);
        /* The reports as `sched explain` reads them: c1's, its state folded in. */
        json_t *reps = NULL;
        assert_int_equal(computesvc_host_reports(&f->svc, &reps), 0);
        assert_int_equal(json_array_size(reps), 1);
        json_t *rep = json_array_get(reps, 0);
        assert_string_equal(json_str(rep, "hostname"), "c1");
        assert_true(json_is_true(json_object_get(rep, "enabled")));
        assert_int_equal(json_array_size(json_object_get(rep, "pci_claimed")), 0);
        json_decref(reps);
        struct service_error e = {0};
        assert_true(computesvc_task_done(&f->svc, "nope", true, NULL, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_NOT_FOUND);
        assert_int_equal(computesvc_flavor_get(&f->svc, "nope", &h), -ENOENT);
        assert_int_equal(store_end(f->st, true), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_place_claim_unplace, setup, teardown),
                cmocka_unit_test_setup_teardown(test_hosts, setup, teardown),
        };
        return cmocka_run_group_tests_name("tests", tests, NULL, NULL);
}
