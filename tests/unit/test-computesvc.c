/* The compute service without HTTP, on a temporary store: placement claims
 * a VF and the host's usage as typed rows, binds the port, queues the
 * spawn; no VF left is a fault naming the filter; a failed spawn releases
 * everything and, with no host left, ends in MaxRetriesExceeded; a good
 * one goes ACTIVE; unplace frees what a placement took; flavors and their
 * extra specs, images under Glance's policy, aggregates and their zones;
 * os-services' changes, a host's change feed. */
#include "test-util.h"
#include "test-store-util.h"

#include <pthread.h>
#include <unistd.h>

#include "base/ini.h"
#include "compute/scheduler.h"
#include "computesvc/computesvc.h"
#include "computesvc/server-fields.h"

static double clock_now = 1.8e9;
static double now(void)
{
        return clock_now;
}

static struct auth_context member = {.is_member = true, .is_reader = true,
                                     .project_id = (char *)"p1"};
static struct auth_context other = {.is_member = true, .is_reader = true,
                                    .project_id = (char *)"p2"};
static struct auth_context reader = {.is_reader = true, .project_id = (char *)"p1"};

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

/* A stored port's row as its view's JSON (what the checks read). */
static int stored_port(struct store *st, const char *id, json_t **ret)
{
        _cleanup_port_ struct store_port *p = NULL;
        int r = store_port_get(st, id, &p);
        if (r >= 0)
                assert_non_null(*ret = netsvc_port_json(p));
        return r;
}

static int setup(void **state)
{
        struct fixture *f = calloc(1, sizeof(*f));
        f->st = test_store_open();
        struct ini *ini = NULL;
        assert_int_equal(ini_new(&ini), 0);
        assert_int_equal(ini_load_string(ini, "conf",
                                         "[ml2]\nmechanism_drivers = sriovnicswitch,openvswitch\n"
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
        struct store_compute_host c1 = {.hostname = "c1", .service_id = "s1",
                                        .hypervisor_id = "h1", .report_hash = "r1",
                                        .heartbeat = clock_now};
        assert_int_equal(store_compute_host_put(f->st, &c1, true), 0);
        struct store_host_report report = {"c1", "r1", clock_now,
                "{\"hostname\": \"c1\", \"vcpus\": 8, \"memory_mb\": 8192, \"disk_gb\": 100, "
                "\"pci_devices\": ["
                "{\"address\": \"0000:0b:00.0\", \"vendor_id\": \"8086\", \"product_id\": \"10c9\", "
                "\"dev_type\": \"type-PF\", \"sriov_totalvfs\": 2, \"netdevs\": [\"em1\"]},"
                "{\"address\": \"0000:0b:10.0\", \"vendor_id\": \"8086\", \"product_id\": \"10ca\", "
                "\"dev_type\": \"type-VF\", \"parent_addr\": \"0000:0b:00.0\"},"
                "{\"address\": \"0000:0b:10.2\", \"vendor_id\": \"8086\", \"product_id\": \"10ca\", "
                "\"dev_type\": \"type-VF\", \"parent_addr\": \"0000:0b:00.0\"}], "
                "\"device_spec\": [\"{\\\"devname\\\": \\\"em1\\\", \\\"physical_network\\\": "
                "\\\"physnet1\\\"}\"]}"};
        assert_int_equal(store_host_report_put(f->st, &report), 0);
        insert(f->st, "agent",
               json_pack("{s:s,s:s,s:s,s:b,s:f,s:{s:{s:[s]}}}", "id", "ag1", "agent_type",
                         "NIC Switch agent", "host", "c1", "admin_state_up", 1, "_heartbeat",
                         clock_now, "configurations", "device_mappings", "physnet1", "em1"));
        struct store_network net = {
                .id = "net1", .project_id = "p1", .name = "web", .description = "",
                .status = "ACTIVE", .admin_state_up = true, .port_security_enabled = true,
                .mtu = 1500, .subnets = "[\"sub1\"]", .network_type = "vlan",
                .physical_network = "physnet1", .segmentation_id = 17,
        };
        assert_int_equal(store_network_put(f->st, &net, true), 0);
        struct store_ip_range pool = {"192.0.2.2", "192.0.2.254"};
        struct store_subnet sub = {.id = "sub1", .project_id = "p1", .network_id = "net1",
                                   .ip_version = 4, .cidr = "192.0.2.0/24", .pools = &pool,
                                   .n_pools = 1};
        assert_int_equal(store_subnet_put(f->st, &sub, true), 0);
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
static struct store_instance *new_instance(struct fixture *f, const char *id, char port_id[64])
{
        struct service_error e = {0};
        struct netsvc_port_create in = {.network_id = "net1", .project_id = "p1",
                                        .vnic_type = "direct"};
        json_t *flavor = NULL;
        struct store_port *port = NULL;
        assert_int_equal(netsvc_port_create(&f->svc.net, &member, &in, &port, &e), 0);
        snprintf(port_id, 64, "%s", port->id);
        assert_int_equal(computesvc_flavor_get(&f->svc, "f1", &flavor), 0);
        struct store_instance *inst = calloc(1, sizeof(*inst));
        assert_non_null(inst);
        assert_int_equal(server_set_text(&inst->id, id), 0);
        assert_int_equal(server_set_text(&inst->name, id), 0);
        assert_int_equal(server_set_text(&inst->project_id, "p1"), 0);
        assert_int_equal(server_set_text(&inst->status, "BUILD"), 0);
        assert_int_equal(server_set_text(&inst->vm_state, "building"), 0);
        assert_int_equal(server_set_text(&inst->flavor_id, json_str(flavor, "id")), 0);
        assert_int_equal(server_set_json(&inst->flavor_extra_specs,
                                         json_object_get(flavor, "extra_specs")), 0);
        assert_int_equal(server_set_text(&inst->image_id, "img1"), 0);
        inst->vcpus = json_integer_value(json_object_get(flavor, "vcpus"));
        inst->memory_mb = json_integer_value(json_object_get(flavor, "ram"));
        inst->disk_gb = json_integer_value(json_object_get(flavor, "disk"));
        assert_int_equal(store_instance_add_port(inst, port_id, false), 0);
        store_port_free(port);
        json_decref(flavor);
        return inst;
}

/* The PCI address the spawn task of an instance names (the host's view
 * of the VF claimed for it), into ret. */
static void spawn_slot(struct fixture *f, const char *instance_id, char ret[32])
{
        json_t *tasks = NULL, *t;
        size_t i;
        ret[0] = 0;
        assert_int_equal(computesvc_tasks(&f->svc, "c1", 0, &tasks), 0);
        json_array_foreach(tasks, i, t)
                if (streq(json_str(t, "instance_id"), instance_id) &&
                    streq(json_str(t, "action"), "spawn"))
                        snprintf(ret, 32, "%s",
                                 json_str(json_array_get(json_object_get(json_object_get(t,
                                                                                 "instance"),
                                                                 "pci"),
                                                         0),
                                          "address") ?: "");
        json_decref(tasks);
        assert_true(ret[0]);
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

        struct store_instance *a = new_instance(f, "inst-a", p1);
        assert_int_equal(computesvc_place(&f->svc, a, NULL), 0);
        assert_string_equal(a->host, "c1");
        assert_string_equal(a->task_state, "spawning");
        assert_int_equal(computesvc_instance_put(&f->svc, a, true), 0);
        assert_usage(f, 2, 1, 1);
        /* The port is bound as Nova binds it: the claimed VF in its profile. */
        char slot[32], slot_b[32];
        spawn_slot(f, "inst-a", slot);
        json_t *port = NULL;
        assert_int_equal(stored_port(f->st, p1, &port), 0);
        assert_string_equal(json_str(json_object_get(port, "binding:profile"), "pci_slot"), slot);
        assert_string_equal(json_str(port, "binding:vif_type"), "hw_veb");
        assert_string_equal(json_str(port, "device_id"), "inst-a");
        json_decref(port);

        struct store_instance *b = new_instance(f, "inst-b", p2);
        assert_int_equal(computesvc_place(&f->svc, b, NULL), 0);
        assert_int_equal(computesvc_instance_put(&f->svc, b, true), 0);
        assert_usage(f, 4, 2, 2);
        /* The two boots hold different VFs. */
        spawn_slot(f, "inst-b", slot_b);
        assert_string_not_equal(slot, slot_b);

        /* No VF left: ERROR with the filter's reason, nothing claimed. */
        struct store_instance *c = new_instance(f, "inst-c", p3);
        assert_int_equal(computesvc_place(&f->svc, c, NULL), 0);
        assert_string_equal(c->status, "ERROR");
        assert_non_null(strstr(c->fault_message,
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
        struct store_compute_task **rows = NULL;
        assert_int_equal(store_compute_task_list(f->st, "c1", 0, &rows), 2);
        assert_string_equal(rows[1]->id, task_b);
        store_compute_tasks_free(rows);
        size_t n = 0;
        /* Both spawns are c1's workload until it answers. */
        assert_int_equal(computesvc_host_workload(&f->svc, "c1", &n), 0);
        assert_int_equal(n, 2);

        /* c1 fails to spawn inst-a and no host is left: released, ERROR. */
        assert_int_equal(computesvc_spawn_result(&f->svc, "inst-a", "c1", false, "disk full"), 0);
        struct store_instance *got = NULL;
        assert_int_equal(computesvc_instance_get(&f->svc, "inst-a", &got), 0);
        assert_string_equal(got->status, "ERROR");
        assert_non_null(strstr(got->fault_message,
                               "Exceeded maximum number of retries"));
        assert_non_null(strstr(got->fault_message, "disk full"));
        store_instance_free(got);
        assert_usage(f, 2, 1, 1);
        assert_int_equal(stored_port(f->st, p1, &port), 0);
        assert_string_equal(json_str(port, "binding:vif_type"), "unbound");
        assert_string_equal(json_str(port, "device_id"), "");
        json_decref(port);

        /* A stale answer (another host) changes nothing; c1's OK: ACTIVE. */
        assert_int_equal(computesvc_spawn_result(&f->svc, "inst-b", "c9", true, NULL), 0);
        assert_int_equal(computesvc_instance_get(&f->svc, "inst-b", &got), 0);
        assert_string_equal(got->status, "BUILD");
        store_instance_free(got);
        struct service_error e = {0};
        assert_int_equal(computesvc_task_done(&f->svc, task_b, true, NULL, &e), 0);
        assert_int_equal(computesvc_instance_get(&f->svc, "inst-b", &got), 0);
        assert_string_equal(got->status, "ACTIVE");
        assert_int_equal(got->power_state, 1);
        assert_int_equal(computesvc_host_workload(&f->svc, "c1", &n), 0);
        assert_int_equal(n, 0);
        /* Unplace frees the VF and the usage. */
        assert_int_equal(computesvc_unplace(&f->svc, got), 0);
        assert_usage(f, 0, 0, 0);
        store_instance_free(got);
        /* The freed VFs place the next boot again. */
        assert_int_equal(computesvc_place(&f->svc, c, NULL), 0);
        assert_string_equal(c->host, "c1");
        assert_usage(f, 2, 1, 1);
        /* Deleting it on a host that is up: c1 is told to destroy it, and
         * its VF stays claimed until c1 has (no other boot may get a VF the
         * dying guest still holds). */
        assert_int_equal(computesvc_instance_put(&f->svc, c, true), 0);
        assert_int_equal(computesvc_instance_delete(&f->svc, c), 0);
        assert_usage(f, 2, 1, 1);
        assert_int_equal(computesvc_instance_get(&f->svc, "inst-c", &got), 0);
        assert_string_equal(got->task_state, "deleting");
        /* Deleting it again queues nothing more. */
        assert_int_equal(computesvc_instance_delete(&f->svc, got), 0);
        store_instance_free(got);
        assert_int_equal(computesvc_tasks(&f->svc, "c1", 10, &tasks), 0);
        size_t n_tasks = json_array_size(tasks);
        json_t *last = json_array_get(tasks, n_tasks - 1);
        assert_string_equal(json_str(last, "action"), "destroy");
        assert_string_equal(json_str(last, "instance_id"), "inst-c");
        assert_string_not_equal(json_str(json_array_get(tasks, n_tasks - 2), "action"), "destroy");
        char task_c[64];
        snprintf(task_c, sizeof(task_c), "%s", json_str(last, "id"));
        json_decref(tasks);
        /* Another host's answer changes nothing; a failed destroy: ERROR,
         * the VF still claimed. */
        assert_int_equal(computesvc_destroy_result(&f->svc, "inst-c", "c9", true, NULL), 0);
        assert_usage(f, 2, 1, 1);
        assert_int_equal(computesvc_task_done(&f->svc, task_c, false, "domain busy", &e), 0);
        assert_int_equal(computesvc_instance_get(&f->svc, "inst-c", &got), 0);
        assert_string_equal(got->status, "ERROR");
        assert_non_null(strstr(got->fault_message, "domain busy"));
        assert_usage(f, 2, 1, 1);
        /* Deleted again, and this time destroyed: everything freed. */
        assert_int_equal(computesvc_instance_delete(&f->svc, got), 0);
        store_instance_free(got);
        assert_int_equal(computesvc_tasks(&f->svc, "c1", 10, &tasks), 0);
        snprintf(task_c, sizeof(task_c), "%s",
                 json_str(json_array_get(tasks, json_array_size(tasks) - 1), "id"));
        json_decref(tasks);
        assert_int_equal(computesvc_task_done(&f->svc, task_c, true, NULL, &e), 0);
        assert_usage(f, 0, 0, 0);
        assert_int_equal(computesvc_instance_get(&f->svc, "inst-c", &got), -ENOENT);

        /* On a host that is down it is deleted here at once (Nova's local
         * delete); the host still gets the destroy for when it is back. */
        char p4[64];
        struct store_instance *d = new_instance(f, "inst-d", p4);
        assert_int_equal(computesvc_place(&f->svc, d, NULL), 0);
        assert_string_equal(d->host, "c1");
        assert_int_equal(computesvc_instance_put(&f->svc, d, true), 0);
        assert_usage(f, 2, 1, 1);
        clock_now += 61;
        assert_int_equal(computesvc_instance_delete(&f->svc, d), 0);
        clock_now -= 61;
        store_instance_free(d);
        assert_usage(f, 0, 0, 0);
        assert_int_equal(computesvc_instance_get(&f->svc, "inst-d", &got), -ENOENT);
        assert_int_equal(stored_port(f->st, p4, &port), 0);
        assert_string_equal(json_str(port, "device_id"), "");
        json_decref(port);
        assert_int_equal(computesvc_tasks(&f->svc, "c1", 10, &tasks), 0);
        last = json_array_get(tasks, json_array_size(tasks) - 1);
        assert_string_equal(json_str(last, "action"), "destroy");
        assert_string_equal(json_str(last, "instance_id"), "inst-d");
        json_decref(tasks);
        assert_int_equal(store_end(f->st, false), 0);
        store_instance_free(a);
        store_instance_free(b);
        store_instance_free(c);
}

/* A boot as POST /v2.1/servers asks it, for member (project p1) on the
 * public active image "pub" and flavor. */
static int boot(struct fixture *f, const struct auth_context *auth, const char *flavor,
                const struct computesvc_boot_nic *nic, struct computesvc_boot_result *ret,
                struct service_error *e)
{
        struct computesvc_boot in = {.auth = auth, .name = "vm", .count = 1, .flavor_id = flavor,
                                     .image_id = "pub", .nics = nic, .n_nics = nic ? 1 : 0};
        *e = (struct service_error){0};
        return computesvc_server_create(&f->svc, &in, ret, e);
}

static size_t count_ports(struct fixture *f)
{
        size_t n = 0;
        assert_int_equal(svc_doc_count(f->st, "port", NULL, &n), 0);
        return n;
}

static void boot_fixture(struct fixture *f)
{
        insert(f->st, "image", json_pack("{s:s,s:s,s:s}", "id", "pub", "status", "active",
                                         "visibility", "public"));
        /* c1's Open vSwitch agent binds the normal ports a boot makes. */
        insert(f->st, "agent",
               json_pack("{s:s,s:s,s:s,s:b,s:f,s:{s:{s:s}}}", "id", "ag2", "agent_type",
                         "Open vSwitch agent", "host", "c1", "admin_state_up", 1, "_heartbeat",
                         clock_now, "configurations", "bridge_mappings", "physnet1", "br-eth1"));
        static const struct {
                const char *id;
                int vcpus, ram;
        } flavors[] = {
                {"small", 2, 512},
                {"huge", 1, 60000}, /* more RAM than the project's quota */
        };
        for (size_t i = 0; i < ARRAY_SIZE(flavors); i++)
                insert(f->st, "flavor",
                       json_pack("{s:s,s:s,s:i,s:i,s:i,s:{},s:b}", "id", flavors[i].id, "name",
                                 flavors[i].id, "vcpus", flavors[i].vcpus, "ram", flavors[i].ram,
                                 "disk", 1, "extra_specs", "os-flavor-access:is_public", 1));
}

/* A port bound by placement and released by unplace, on its row: Nova's
 * keys join the user's in binding:profile and leave again, the user's
 * stay as given; each write is a revision, told on c1's feed. */
static void test_place_port_row(void **state)
{
        struct fixture *f = *state;
        struct service_error e = {0};
        assert_int_equal(store_begin(f->st, true), 0);
        json_t *profile = json_pack("{s:s}", "z", "mine");
        struct netsvc_port_create in = {.network_id = "net1", .project_id = "p1",
                                        .vnic_type = "direct", .profile = profile};
        struct store_port *made = NULL;
        char p1[64];
        assert_int_equal(netsvc_port_create(&f->svc.net, &member, &in, &made, &e), 0);
        struct store_instance *a = new_instance(f, "inst-a", p1);
        /* new_instance made a port of its own: the instance takes this one. */
        assert_int_equal(server_set_text(&a->ports[0].port_id, made->id), 0);
        int64_t rev0 = 0;
        assert_int_equal(store_change_revision(f->st, &rev0), 0);

        assert_int_equal(computesvc_place(&f->svc, a, NULL), 0);
        assert_string_equal(a->host, "c1");
        char slot[32], want[256];
        spawn_slot(f, "inst-a", slot);
        struct store_port *bound = NULL;
        assert_int_equal(store_port_get(f->st, made->id, &bound), 0);
        snprintf(want, sizeof(want),
                 "{\"z\":\"mine\",\"pci_vendor_info\":\"8086:10ca\",\"pci_slot\":\"%s\","
                 "\"physical_network\":\"physnet1\"}", slot);
        assert_string_equal(bound->profile, want);
        assert_string_equal(bound->host, "c1");
        assert_string_equal(bound->device_id, "inst-a");
        assert_true(strneq(bound->device_owner, "compute:", 8));
        assert_string_equal(bound->vif_type, "hw_veb");
        assert_non_null(strstr(bound->vif_details, "\"vlan\":\"17\""));
        assert_int_equal(bound->revision_number, made->revision_number + 1);
        assert_int_equal(bound->n_fixed_ips, 1);
        assert_string_equal(bound->fixed_ips[0].ip_address, made->fixed_ips[0].ip_address);
        /* The server's address is the port's. */
        assert_int_equal(a->n_addresses, 1);
        assert_string_equal(a->addresses[0].addr, made->fixed_ips[0].ip_address);
        assert_string_equal(a->addresses[0].mac, made->mac_address);
        /* c1's feed has the port, as its row shows it. */
        json_t *changes = NULL;
        int64_t next = 0;
        assert_int_equal(computesvc_host_changes(&f->svc, "c1", rev0, 100, &changes, &next), 0);
        json_t *seen = NULL, *c;
        size_t i;
        json_array_foreach(changes, i, c)
                if (streq(json_str(c, "kind"), "port") && streq(json_str(c, "id"), made->id))
                        seen = json_object_get(c, "object");
        json_t *view = netsvc_port_json(bound);
        assert_true(json_equal(seen, view));
        json_decref(view);
        json_decref(changes);

        assert_int_equal(computesvc_unplace(&f->svc, a), 0);
        struct store_port *released = NULL;
        assert_int_equal(store_port_get(f->st, made->id, &released), 0);
        assert_string_equal(released->profile, "{\"z\":\"mine\"}");
        assert_string_equal(released->host, "");
        assert_string_equal(released->device_id, "");
        assert_string_equal(released->device_owner, "");
        assert_string_equal(released->vif_type, "unbound");
        assert_string_equal(released->vif_details, "{}");
        assert_int_equal(released->revision_number, bound->revision_number + 1);
        assert_string_equal(released->mac_address, made->mac_address);
        /* Released from c1: its feed says so without the object. */
        assert_int_equal(computesvc_host_changes(&f->svc, "c1", next, 100, &changes, &next), 0);
        assert_int_equal(json_array_size(changes), 1);
        json_t *gone = json_object_get(json_array_get(changes, 0), "object");
        assert_true(!gone || json_is_null(gone));
        json_decref(changes);
        store_port_free(released);
        store_port_free(bound);
        store_port_free(made);
        store_instance_free(a);
        json_decref(profile);
        assert_int_equal(store_end(f->st, false), 0);
}

static void test_boot_on_network(void **state)
{
        struct fixture *f = *state;
        struct service_error e;
        struct computesvc_boot_result made = {0};
        assert_int_equal(store_begin(f->st, true), 0);
        boot_fixture(f);
        struct computesvc_boot_nic nic = {.network_id = "net1"};
        assert_int_equal(boot(f, &member, "small", &nic, &made, &e), 0);
        assert_int_equal(made.n_servers, 1);
        assert_int_equal(strlen(made.servers[0].admin_pass), 12);
        /* A port made on the network for the server, the server placed
         * on c1 with its spawn queued. */
        struct store_instance *inst = NULL;
        json_t *port = NULL;
        assert_int_equal(computesvc_instance_get(&f->svc, made.servers[0].id, &inst), 0);
        assert_string_equal(inst->status, "BUILD");
        assert_string_equal(inst->host, "c1");
        assert_string_equal(inst->project_id, "p1");
        assert_string_equal(inst->name, "vm");
        assert_int_equal(inst->n_ports, 1);
        assert_true(inst->ports[0].created);
        const char *port_id = inst->ports[0].port_id;
        assert_int_equal(stored_port(f->st, port_id, &port), 0);
        assert_string_equal(json_str(port, "network_id"), "net1");
        assert_string_equal(json_str(port, "project_id"), "p1");
        assert_string_equal(json_str(port, "binding:vnic_type"), "normal");
        assert_string_equal(json_str(port, "device_id"), made.servers[0].id);
        assert_string_equal(json_str(port, "binding:host_id"), "c1");
        assert_usage(f, 2, 1, 0);
        json_decref(port);
        store_instance_free(inst);
        computesvc_boot_result_done(&made);

        /* Two at once: NAME-1 and NAME-2, each with its own port. */
        struct computesvc_boot two = {.auth = &member, .name = "web", .count = 2,
                                      .flavor_id = "small", .image_id = "pub", .nics = &nic,
                                      .n_nics = 1, .admin_pass = "secret"};
        assert_int_equal(computesvc_server_create(&f->svc, &two, &made, &e), 0);
        assert_int_equal(made.n_servers, 2);
        assert_string_equal(made.servers[1].admin_pass, "secret");
        assert_int_equal(computesvc_instance_get(&f->svc, made.servers[1].id, &inst), 0);
        assert_string_equal(inst->name, "web-2");
        store_instance_free(inst);
        assert_int_equal(count_ports(f), 3);
        computesvc_boot_result_done(&made);

        /* A network the caller cannot see is the request's error. */
        struct computesvc_boot_nic theirs = {.network_id = "net1"};
        assert_true(boot(f, &other, "small", &theirs, &made, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_INVALID);
        assert_string_equal(e.message, "Network net1 could not be found.");
        assert_int_equal(store_end(f->st, false), 0);
}

/* What a boot records is a typed row: the caller, the flavor as booted,
 * the image, the metadata and groups asked, the access addresses in
 * canonical form, the zone asked and the one it got, the address the
 * port gave on its network; the host's spawn task carries the flavor as
 * booted.  The host's answer makes it ACTIVE, running and launched;
 * another flavor's later change does not touch it. */
static void test_boot_row(void **state)
{
        struct fixture *f = *state;
        struct service_error e = {0};
        struct computesvc_boot_result made = {0};
        assert_int_equal(store_begin(f->st, true), 0);
        boot_fixture(f);
        json_t *specs = json_pack("{s:s}", "hw:cpu_policy", "shared"), *added = NULL;
        assert_int_equal(computesvc_flavor_specs_update(&f->svc, "small", specs, &added, &e), 0);
        json_decref(specs);
        json_decref(added);
        json_t *md = json_pack("{s:s,s:s}", "role", "web", "tier", "1");
        const char *groups[] = {"default"};
        struct computesvc_boot_nic nic = {.network_id = "net1"};
        struct computesvc_boot in = {.auth = &member, .name = "vm", .count = 1,
                                     .flavor_id = "small", .image_id = "pub", .nics = &nic,
                                     .n_nics = 1, .metadata = md, .security_groups = groups,
                                     .n_security_groups = 1, .availability_zone = "nova",
                                     .access_ipv4 = "192.0.2.77",
                                     .access_ipv6 = "2001:db8:0:0:0:0:0:7"};
        assert_int_equal(computesvc_server_create(&f->svc, &in, &made, &e), 0);
        json_decref(md);
        const char *id = made.servers[0].id;
        struct store_instance *inst = NULL;
        assert_int_equal(computesvc_instance_get(&f->svc, id, &inst), 0);
        assert_string_equal(inst->project_id, "p1");
        assert_string_equal(inst->name, "vm");
        assert_string_equal(inst->status, "BUILD");
        assert_string_equal(inst->vm_state, "building");
        assert_string_equal(inst->task_state, "spawning");
        assert_int_equal(inst->power_state, 0);
        assert_string_equal(inst->host, "c1");
        assert_string_equal(inst->availability_zone, "nova");
        assert_string_equal(inst->requested_zone, "nova");
        char iname[32];
        snprintf(iname, sizeof(iname), "instance-%.8s", id);
        assert_string_equal(inst->instance_name, iname);
        assert_string_equal(inst->flavor_id, "small");
        assert_string_equal(inst->flavor_name, "small");
        assert_int_equal(inst->vcpus, 2);
        assert_int_equal(inst->memory_mb, 512);
        assert_int_equal(inst->disk_gb, 1);
        assert_string_equal(inst->flavor_extra_specs, "{\"hw:cpu_policy\":\"shared\"}");
        assert_string_equal(inst->image_id, "pub");
        assert_null(inst->key_name);
        assert_string_equal(inst->access_ipv4, "192.0.2.77");
        assert_string_equal(inst->access_ipv6, "2001:db8::7");
        assert_string_equal(inst->metadata, "{\"role\":\"web\",\"tier\":\"1\"}");
        assert_string_equal(inst->security_groups, "[\"default\"]");
        assert_string_equal(inst->tags, "[]");
        assert_int_equal(inst->fault_code, 0);
        assert_null(inst->launched_at);
        assert_non_null(inst->created_at);
        /* The port made on net1 ("web") gave its address. */
        assert_int_equal(inst->n_addresses, 1);
        assert_string_equal(inst->addresses[0].network, "web");
        assert_int_equal(inst->addresses[0].version, 4);
        assert_non_null(strstr(inst->addresses[0].addr, "192.0.2."));
        assert_non_null(inst->addresses[0].mac);
        assert_string_equal(inst->tried_hosts[0], "c1");
        assert_null(inst->tried_hosts[1]);
        store_instance_free(inst);

        /* The spawn task: the name, the flavor as booted, the image. */
        json_t *tasks = NULL;
        assert_int_equal(computesvc_tasks(&f->svc, "c1", 0, &tasks), 0);
        json_t *detail = json_object_get(json_array_get(tasks, 0), "instance");
        assert_string_equal(json_str(detail, "name"), "vm");
        json_t *fl = json_object_get(detail, "flavor");
        assert_string_equal(json_str(fl, "id"), "small");
        assert_int_equal(json_integer_value(json_object_get(fl, "vcpus")), 2);
        assert_int_equal(json_integer_value(json_object_get(fl, "ram")), 512);
        assert_string_equal(json_str(json_object_get(fl, "extra_specs"), "hw:cpu_policy"),
                            "shared");
        assert_string_equal(json_str(json_object_get(detail, "image"), "id"), "pub");
        char task_id[64];
        snprintf(task_id, sizeof(task_id), "%s", json_str(json_array_get(tasks, 0), "id"));
        json_decref(tasks);

        /* The flavor changes later: the server keeps the one it booted. */
        specs = json_pack("{s:s}", "hw:cpu_policy", "dedicated");
        assert_int_equal(computesvc_flavor_specs_update(&f->svc, "small", specs, &added, &e), 0);
        json_decref(specs);
        json_decref(added);
        clock_now += 5;
        assert_int_equal(computesvc_task_done(&f->svc, task_id, true, NULL, &e), 0);
        clock_now -= 5;
        assert_int_equal(computesvc_instance_get(&f->svc, id, &inst), 0);
        assert_string_equal(inst->status, "ACTIVE");
        assert_string_equal(inst->vm_state, "active");
        assert_null(inst->task_state);
        assert_int_equal(inst->power_state, 1);
        assert_non_null(inst->launched_at);
        assert_string_not_equal(inst->updated_at, inst->created_at);
        assert_string_equal(inst->flavor_extra_specs, "{\"hw:cpu_policy\":\"shared\"}");
        store_instance_free(inst);

        /* An update answers the row after it: the description gone, an
         * address that does not parse leaving the old one. */
        struct computesvc_server_update u = {.has_description = true, .description = NULL,
                                             .access_ipv4 = "not an address"};
        assert_int_equal(computesvc_server_update(&f->svc, &member, id, &u, &inst, &e), 0);
        assert_null(inst->description);
        assert_string_equal(inst->access_ipv4, "192.0.2.77");
        store_instance_free(inst);
        computesvc_boot_result_done(&made);
        assert_int_equal(store_end(f->st, false), 0);
}

static void test_boot_on_sriov_port(void **state)
{
        struct fixture *f = *state;
        struct service_error e;
        struct computesvc_boot_result made = {0};
        char port_id[64];
        assert_int_equal(store_begin(f->st, true), 0);
        boot_fixture(f);
        struct store_instance *unused = new_instance(f, "unused", port_id);
        store_instance_free(unused);
        struct computesvc_boot_nic nic = {.port_id = port_id};
        assert_int_equal(boot(f, &member, "small", &nic, &made, &e), 0);
        /* A VF of c1 claimed, the port bound to it as Nova binds it. */
        assert_usage(f, 2, 1, 1);
        struct store_instance *inst = NULL;
        json_t *port = NULL;
        assert_int_equal(computesvc_instance_get(&f->svc, made.servers[0].id, &inst), 0);
        char slot[32];
        spawn_slot(f, made.servers[0].id, slot);
        assert_int_equal(inst->n_ports, 1);
        assert_false(inst->ports[0].created);
        assert_int_equal(stored_port(f->st, port_id, &port), 0);
        assert_string_equal(json_str(json_object_get(port, "binding:profile"), "pci_slot"), slot);
        assert_string_equal(json_str(port, "binding:vif_type"), "hw_veb");
        assert_string_equal(json_str(port, "device_id"), made.servers[0].id);
        json_decref(port);
        store_instance_free(inst);
        computesvc_boot_result_done(&made);

        /* The same port again: in use, a conflict; nothing more claimed. */
        assert_true(boot(f, &member, "small", &nic, &made, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_CONFLICT);
        char want[128];
        snprintf(want, sizeof(want), "Port %s is still in use.", port_id);
        assert_string_equal(e.message, want);
        assert_usage(f, 2, 1, 1);

        /* A port nobody has: the request's error. */
        struct computesvc_boot_nic gone = {.port_id = "no-such-port"};
        assert_true(boot(f, &member, "small", &gone, &made, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_INVALID);
        assert_string_equal(e.message, "Port id no-such-port could not be found.");

        /* One port given twice. */
        unused = new_instance(f, "unused2", port_id);
        store_instance_free(unused);
        struct computesvc_boot_nic twice[] = {{.port_id = port_id}, {.port_id = port_id}};
        struct computesvc_boot in = {.auth = &member, .name = "vm", .count = 1,
                                     .flavor_id = "small", .image_id = "pub", .nics = twice,
                                     .n_nics = 2};
        e = (struct service_error){0};
        assert_true(computesvc_server_create(&f->svc, &in, &made, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_INVALID);
        snprintf(want, sizeof(want), "Port %s is given more than once.", port_id);
        assert_string_equal(e.message, want);
        assert_int_equal(store_end(f->st, false), 0);
}

static void test_boot_no_host(void **state)
{
        struct fixture *f = *state;
        struct service_error e = {0};
        struct computesvc_boot_result made = {0};
        char port_id[64];
        assert_int_equal(store_begin(f->st, true), 0);
        boot_fixture(f);
        struct store_instance *unused = new_instance(f, "unused", port_id);
        store_instance_free(unused);
        /* A zone no host is in, on the user's port and a network. */
        struct computesvc_boot_nic nics[] = {{.port_id = port_id}, {.network_id = "net1"}};
        struct computesvc_boot in = {.auth = &member, .name = "vm", .count = 1,
                                     .flavor_id = "small", .image_id = "pub", .nics = nics,
                                     .n_nics = 2, .availability_zone = "nowhere"};
        assert_int_equal(count_ports(f), 1);
        assert_int_equal(computesvc_server_create(&f->svc, &in, &made, &e), 0);
        assert_int_equal(made.n_servers, 1);
        /* Recorded ERROR with the reason; the port made for it is gone,
         * the user's port stays listed and unbound, nothing claimed. */
        struct store_instance *inst = NULL;
        json_t *port = NULL;
        assert_int_equal(computesvc_instance_get(&f->svc, made.servers[0].id, &inst), 0);
        assert_string_equal(inst->status, "ERROR");
        assert_non_null(strstr(inst->fault_message,
                               "AvailabilityZoneFilter"));
        assert_int_equal(inst->n_ports, 1);
        assert_false(inst->ports[0].created);
        assert_string_equal(inst->ports[0].port_id, port_id);
        assert_int_equal(count_ports(f), 1);
        assert_int_equal(stored_port(f->st, port_id, &port), 0);
        assert_string_equal(json_str(port, "device_id"), "");
        assert_string_equal(json_str(port, "binding:vif_type"), "unbound");
        assert_usage(f, 0, 0, 0);
        json_decref(port);
        store_instance_free(inst);
        computesvc_boot_result_done(&made);
        assert_int_equal(store_end(f->st, false), 0);
}

static void test_boot_refused(void **state)
{
        struct fixture *f = *state;
        struct service_error e;
        struct computesvc_boot_result made = {0};
        assert_int_equal(store_begin(f->st, true), 0);
        boot_fixture(f);
        struct computesvc_boot_nic nic = {.network_id = "net1"};
        /* Over the project's RAM quota: forbidden, Nova's message, no
         * port made. */
        assert_true(boot(f, &member, "huge", &nic, &made, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_FORBIDDEN);
        assert_string_equal(e.message, "Quota exceeded for ram: Requested 60000, but already "
                                       "used 0 of 51200 ram");
        assert_int_equal(count_ports(f), 0);
        /* Unknown flavor and image; a private flavor not shared with the
         * project is not found either; an image not active. */
        assert_true(boot(f, &member, "nope", &nic, &made, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_INVALID);
        assert_string_equal(e.message, "Flavor nope could not be found.");
        assert_true(boot(f, &member, "f1", &nic, &made, &e) < 0);
        assert_string_equal(e.message, "Flavor f1 could not be found.");
        struct computesvc_boot in = {.auth = &member, .name = "vm", .count = 1,
                                     .flavor_id = "small", .image_id = "nope"};
        e = (struct service_error){0};
        assert_true(computesvc_server_create(&f->svc, &in, &made, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_INVALID);
        assert_string_equal(e.message, "Image nope could not be found.");
        /* img1 has no owner and is not public: hidden, as Nova says. */
        in.image_id = "img1";
        assert_true(computesvc_server_create(&f->svc, &in, &made, &e) < 0);
        assert_string_equal(e.message, "Image img1 could not be found.");
        insert(f->st, "image", json_pack("{s:s,s:s,s:s}", "id", "queued", "status", "queued",
                                         "visibility", "public"));
        in.image_id = "queued";
        assert_true(computesvc_server_create(&f->svc, &in, &made, &e) < 0);
        assert_string_equal(e.message, "Image queued is not active.");
        /* A security group nobody has. */
        const char *groups[] = {"nope"};
        in = (struct computesvc_boot){.auth = &member, .name = "vm", .count = 1,
                                      .flavor_id = "small", .image_id = "pub",
                                      .security_groups = groups, .n_security_groups = 1};
        assert_true(computesvc_server_create(&f->svc, &in, &made, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_INVALID);
        assert_string_equal(e.message, "Security group nope not found.");
        /* More metadata items than the quota allows. */
        json_t *md = json_object();
        for (int i = 0; i < 129; i++) {
                char k[16];
                snprintf(k, sizeof(k), "k%d", i);
                json_object_set_new(md, k, json_string("v"));
        }
        in = (struct computesvc_boot){.auth = &member, .name = "vm", .count = 1,
                                      .flavor_id = "small", .image_id = "pub", .metadata = md};
        assert_true(computesvc_server_create(&f->svc, &in, &made, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_FORBIDDEN);
        assert_string_equal(e.message, "Quota exceeded for metadata_items: Maximum number of "
                                       "metadata items exceeds 128.");
        json_decref(md);
        /* A reader may not boot. */
        assert_true(boot(f, &reader, "small", NULL, &made, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_FORBIDDEN);
        assert_string_equal(e.message,
                            "Policy doesn't allow os_compute_api:servers:create to be performed.");
        assert_usage(f, 0, 0, 0);
        assert_int_equal(store_end(f->st, false), 0);
}

static void test_server_update_reset_delete(void **state)
{
        struct fixture *f = *state;
        struct service_error e = {0};
        struct computesvc_boot_result made = {0};
        assert_int_equal(store_begin(f->st, true), 0);
        boot_fixture(f);
        struct computesvc_boot in = {.auth = &member, .name = "vm", .count = 1,
                                     .flavor_id = "small", .image_id = "pub",
                                     .access_ipv6 = "0:0:0:0:0:0:0:1"};
        assert_int_equal(computesvc_server_create(&f->svc, &in, &made, &e), 0);
        const char *id = made.servers[0].id;
        struct store_instance *inst = NULL;
        /* Renamed, described, an access address kept in canonical form. */
        struct computesvc_server_update u = {.has_name = true, .name = "db",
                                             .has_description = true, .description = "main",
                                             .access_ipv4 = "192.0.2.9"};
        assert_int_equal(computesvc_server_update(&f->svc, &member, id, &u, &inst, &e), 0);
        assert_string_equal(inst->name, "db");
        assert_string_equal(inst->description, "main");
        assert_string_equal(inst->access_ipv4, "192.0.2.9");
        assert_string_equal(inst->access_ipv6, "::1");
        store_instance_free(inst);
        inst = NULL;
        /* Another project does not see it. */
        char want[128];
        snprintf(want, sizeof(want), "Instance %s could not be found.", id);
        assert_true(computesvc_server_update(&f->svc, &other, id, &u, &inst, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_NOT_FOUND);
        assert_string_equal(e.message, want);
        e = (struct service_error){0};
        assert_true(computesvc_server_delete(&f->svc, &other, id, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_NOT_FOUND);
        /* A reader sees it but may not delete it. */
        e = (struct service_error){0};
        assert_true(computesvc_server_delete(&f->svc, &reader, id, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_FORBIDDEN);
        assert_string_equal(e.message,
                            "Policy doesn't allow os_compute_api:servers:delete to be performed.");
        /* An admin's reset: ERROR, no task; an id nobody has: not found. */
        assert_int_equal(computesvc_server_reset_state(&f->svc, id, false, &e), 0);
        assert_int_equal(computesvc_instance_get(&f->svc, id, &inst), 0);
        assert_string_equal(inst->status, "ERROR");
        assert_string_equal(inst->vm_state, "error");
        assert_null(inst->task_state);
        store_instance_free(inst);
        assert_int_equal(computesvc_server_reset_state(&f->svc, id, true, &e), 0);
        assert_true(computesvc_server_reset_state(&f->svc, "nobody", true, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_NOT_FOUND);
        assert_string_equal(e.message, "Instance nobody could not be found.");
        e = (struct service_error){0};
        /* Its owner deletes it: the host is told to destroy it. */
        assert_int_equal(computesvc_server_delete(&f->svc, &member, id, &e), 0);
        assert_int_equal(computesvc_instance_get(&f->svc, id, &inst), 0);
        assert_string_equal(inst->task_state, "deleting");
        store_instance_free(inst);
        computesvc_boot_result_done(&made);
        assert_int_equal(store_end(f->st, false), 0);
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
        computesvc_hosts_done(&f->svc, &hl);
        json_t *h = NULL;
        assert_int_equal(computesvc_host_get(&f->svc, "c1", &h), 0);
        assert_true(computesvc_host_is_up(&f->svc, h));
        clock_now += 61;
        assert_false(computesvc_host_is_up(&f->svc, h));
        assert_int_equal(computesvc_hosts_load(&f->svc, &hl), 0);
        assert_false(hl.v[0]->up);
        computesvc_hosts_done(&f->svc, &hl);
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

/* The scheduler's cache follows claims and row changes at once, and
 * heartbeats (which move no stamp) when it reads them again, at most a
 * second later, without reading every row again. */
static void test_hosts_cache(void **state)
{
        struct fixture *f = *state;
        struct host_list hl = {0};
        assert_int_equal(store_begin(f->st, true), 0);
        assert_int_equal(computesvc_hosts_load(&f->svc, &hl), 0);
        unsigned free0 = hl.v[0]->pools.free_total;
        assert_true(free0 > 0);
        computesvc_hosts_done(&f->svc, &hl);
        /* A VF claimed by another request, or another server. */
        struct store_pci_addr vf = {0, 0x0b, 0x10, 0};
        struct store_usage use = {.vcpus = 1, .memory_mb = 512, .disk_gb = 1};
        assert_int_equal(store_pci_claim(f->st, "c1", &vf, "i-other"), 0);
        assert_int_equal(store_usage_add(f->st, "i-other", "c1", &use), 0);
        assert_int_equal(computesvc_hosts_load(&f->svc, &hl), 0);
        /* The VF, and its PF with it. */
        assert_true(hl.v[0]->pools.free_total < free0);
        assert_int_equal(hl.v[0]->vcpus_used, 1);
        assert_true(hl.v[0]->enabled);
        computesvc_hosts_done(&f->svc, &hl);
        /* The host disabled. */
        _cleanup_compute_host_ struct store_compute_host *h = NULL;
        assert_int_equal(store_compute_host_get(f->st, "c1", &h), 0);
        h->disabled = true;
        assert_int_equal(store_compute_host_put(f->st, h, false), 0);
        assert_int_equal(computesvc_hosts_load(&f->svc, &hl), 0);
        assert_false(hl.v[0]->enabled);
        computesvc_hosts_done(&f->svc, &hl);
        /* Silent for longer than service_down_time: down. */
        clock_now += 61;
        assert_int_equal(computesvc_hosts_load(&f->svc, &hl), 0);
        assert_false(hl.v[0]->up);
        computesvc_hosts_done(&f->svc, &hl);
        /* A heartbeat written: up when heartbeats are read, a second on. */
        struct store_heartbeat hb = {STORE_HEARTBEAT_COMPUTE_HOST, "c1", clock_now, "t"};
        assert_int_equal(store_heartbeat_put(f->st, &hb), 0);
        assert_int_equal(computesvc_hosts_load(&f->svc, &hl), 0);
        assert_false(hl.v[0]->up);
        computesvc_hosts_done(&f->svc, &hl);
        clock_now += 1.5;
        assert_int_equal(computesvc_hosts_load(&f->svc, &hl), 0);
        assert_true(hl.v[0]->up);
        assert_false(hl.v[0]->enabled);
        computesvc_hosts_done(&f->svc, &hl);
        /* Forced down (a row change): down at once, whatever its
         * heartbeat; and then no heartbeat brings it up. */
        h->disabled = false;
        h->forced_down = true;
        assert_int_equal(store_compute_host_put(f->st, h, false), 0);
        assert_int_equal(computesvc_hosts_load(&f->svc, &hl), 0);
        assert_false(hl.v[0]->up);
        assert_true(hl.v[0]->enabled);
        computesvc_hosts_done(&f->svc, &hl);
        hb.at = clock_now += 1.5;
        assert_int_equal(store_heartbeat_put(f->st, &hb), 0);
        clock_now += 1.5;
        assert_int_equal(computesvc_hosts_load(&f->svc, &hl), 0);
        assert_false(hl.v[0]->up);
        computesvc_hosts_done(&f->svc, &hl);
        /* Back, and silent again: down when heartbeats are read next. */
        store_compute_host_free(h);
        assert_int_equal(store_compute_host_get(f->st, "c1", &h), 0);
        h->forced_down = false;
        assert_int_equal(store_compute_host_put(f->st, h, false), 0);
        assert_int_equal(computesvc_hosts_load(&f->svc, &hl), 0);
        assert_true(hl.v[0]->up);
        computesvc_hosts_done(&f->svc, &hl);
        clock_now += 61;
        assert_int_equal(computesvc_hosts_load(&f->svc, &hl), 0);
        assert_false(hl.v[0]->up);
        computesvc_hosts_done(&f->svc, &hl);
        clock_now -= 126.5;
        assert_int_equal(store_end(f->st, false), 0);
}

/* A write that rolled back after the cache read its claims: the tags it
 * showed are given again, so the cache reads the hosts anew and shows
 * what committed, not what was undone. */
static void test_hosts_cache_rollback(void **state)
{
        struct fixture *f = *state;
        struct host_list hl = {0};
        struct store_usage one = {.vcpus = 1, .memory_mb = 512, .disk_gb = 1},
                           two = {.vcpus = 2, .memory_mb = 512, .disk_gb = 1};
        assert_int_equal(store_begin(f->st, true), 0);
        assert_int_equal(computesvc_hosts_load(&f->svc, &hl), 0);
        computesvc_hosts_done(&f->svc, &hl);
        assert_int_equal(store_usage_add(f->st, "i-undone", "c1", &one), 0);
        assert_int_equal(computesvc_hosts_load(&f->svc, &hl), 0);
        assert_int_equal(hl.v[0]->vcpus_used, 1);
        computesvc_hosts_done(&f->svc, &hl);
        assert_int_equal(store_end(f->st, false), 0);

        assert_int_equal(store_begin(f->st, true), 0);
        assert_int_equal(store_usage_add(f->st, "i-kept", "c1", &two), 0);
        assert_int_equal(computesvc_hosts_load(&f->svc, &hl), 0);
        assert_int_equal(hl.v[0]->vcpus_used, 2);
        computesvc_hosts_done(&f->svc, &hl);
        assert_int_equal(store_end(f->st, true), 0);
        /* And a claim committed since is seen without a full read. */
        assert_int_equal(store_begin(f->st, true), 0);
        assert_int_equal(store_usage_add(f->st, "i-more", "c1", &one), 0);
        assert_int_equal(computesvc_hosts_load(&f->svc, &hl), 0);
        assert_int_equal(hl.v[0]->vcpus_used, 3);
        computesvc_hosts_done(&f->svc, &hl);
        assert_int_equal(store_end(f->st, false), 0);
}

/* The cache is the loader's until done; threads loading the hosts in read
 * transactions of their own while writes come and go each see the one
 * host with usage that is a committed state's or the writer's open one's
 * (the scheduler's view is at most one transaction ahead), and nothing
 * they load leaves the cache behind the store. */
struct hosts_reader {
        struct fixture *f;
        _Atomic bool *stop;
        unsigned loads;
        bool bad;
};

static void *hosts_reader_run(void *userdata)
{
        struct hosts_reader *r = userdata;
        while (!*r->stop || r->loads == 0) {
                struct host_list hl = {0};
                if (store_begin(r->f->st, false) < 0) {
                        r->bad = true;
                        break;
                }
                if (computesvc_hosts_load(&r->f->svc, &hl) < 0)
                        r->bad = true;
                else if (hl.n != 1 || !streq(hl.v[0]->hostname, "c1") ||
                         hl.v[0]->vcpus_used < 0 || hl.v[0]->vcpus_used > 2)
                        r->bad = true;
                computesvc_hosts_done(&r->f->svc, &hl);
                store_end(r->f->st, true);
                r->loads++;
                if (r->bad)
                        break;
        }
        return NULL;
}

static long loaded_vcpus_used(struct fixture *f)
{
        struct host_list hl = {0};
        assert_int_equal(computesvc_hosts_load(&f->svc, &hl), 0);
        assert_int_equal(hl.n, 1);
        long used = hl.v[0]->vcpus_used;
        computesvc_hosts_done(&f->svc, &hl);
        return used;
}

static void test_hosts_side_by_side(void **state)
{
        struct fixture *f = *state;
        struct store_usage one = {.vcpus = 1, .memory_mb = 512, .disk_gb = 1},
                           two = {.vcpus = 2, .memory_mb = 512, .disk_gb = 1};
        _Atomic bool stop = false;
        struct hosts_reader readers[3];
        pthread_t threads[3];

        /* A list loaded is the caller's until done: another load waits. */
        struct host_list hl = {0};
        assert_int_equal(store_begin(f->st, false), 0);
        assert_int_equal(computesvc_hosts_load(&f->svc, &hl), 0);
        stop = true;
        readers[0] = (struct hosts_reader){.f = f, .stop = &stop};
        assert_int_equal(pthread_create(&threads[0], NULL, hosts_reader_run, &readers[0]), 0);
        usleep(300000);
        assert_int_equal(__atomic_load_n(&readers[0].loads, __ATOMIC_SEQ_CST), 0);
        computesvc_hosts_done(&f->svc, &hl);
        assert_int_equal(store_end(f->st, true), 0);
        assert_int_equal(pthread_join(threads[0], NULL), 0);
        assert_int_equal(readers[0].loads, 1);
        assert_false(readers[0].bad);
        stop = false;
        for (size_t i = 0; i < ARRAY_SIZE(readers); i++) {
                readers[i] = (struct hosts_reader){.f = f, .stop = &stop};
                assert_int_equal(pthread_create(&threads[i], NULL, hosts_reader_run, &readers[i]), 0);
        }
        for (int round = 0; round < 40; round++) {
                /* Undone after the writer loaded its own claim. */
                assert_int_equal(store_begin(f->st, true), 0);
                assert_int_equal(store_usage_add(f->st, "i-undone", "c1", &one), 0);
                assert_int_equal(loaded_vcpus_used(f), 1);
                assert_int_equal(store_end(f->st, false), 0);
                assert_int_equal(store_begin(f->st, false), 0);
                assert_int_equal(loaded_vcpus_used(f), 0);
                assert_int_equal(store_end(f->st, true), 0);
                /* Kept, then released. */
                assert_int_equal(store_begin(f->st, true), 0);
                assert_int_equal(store_usage_add(f->st, "i-kept", "c1", &two), 0);
                assert_int_equal(store_end(f->st, true), 0);
                assert_int_equal(store_begin(f->st, false), 0);
                assert_int_equal(loaded_vcpus_used(f), 2);
                assert_int_equal(store_end(f->st, true), 0);
                assert_int_equal(store_begin(f->st, true), 0);
                assert_int_equal(store_instance_release(f->st, "i-kept"), 0);
                assert_int_equal(store_end(f->st, true), 0);
                assert_int_equal(store_begin(f->st, false), 0);
                assert_int_equal(loaded_vcpus_used(f), 0);
                assert_int_equal(store_end(f->st, true), 0);
        }
        stop = true;
        for (size_t i = 0; i < ARRAY_SIZE(readers); i++) {
                assert_int_equal(pthread_join(threads[i], NULL), 0);
                assert_false(readers[i].bad);
                assert_true(readers[i].loads > 0);
        }
}

static void test_flavors(void **state)
{
        struct fixture *f = *state;
        struct service_error e = {0};
        json_t *fl = NULL, *added = NULL, *all = NULL;
        struct computesvc_flavor_spec spec = {.name = "m1.small", .ram = 2048, .vcpus = 1,
                                              .disk = 20, .is_public = true};
        assert_int_equal(store_begin(f->st, true), 0);
        assert_int_equal(computesvc_flavor_create(&f->svc, &spec, &fl, &e), 0);
        assert_int_equal(strlen(json_str(fl, "id")), 36);
        assert_true(json_real_value(json_object_get(fl, "rxtx_factor")) == 1.0);
        assert_true(json_is_null(json_object_get(fl, "description")));
        assert_int_equal(json_object_size(json_object_get(fl, "extra_specs")), 0);
        char id[37];
        snprintf(id, sizeof(id), "%s", json_str(fl, "id"));
        json_decref(fl);
        /* Names and ids are unique. */
        assert_int_equal(computesvc_flavor_create(&f->svc, &spec, &fl, &e), -EEXIST);
        assert_string_equal(e.message, "Flavor with name m1.small already exists.");
        spec.name = "m1.other";
        spec.id = "f1";
        e = (struct service_error){0};
        assert_int_equal(computesvc_flavor_create(&f->svc, &spec, &fl, &e), -EEXIST);
        assert_string_equal(e.message, "Flavor with ID f1 already exists.");
        assert_int_equal(computesvc_flavor_list(&f->svc, &all), 0);
        assert_int_equal(json_array_size(all), 2);
        json_decref(all);

        /* Extra specs are kept as strings; one key at a time removed. */
        json_t *add = json_pack("{s:s,s:i,s:b}", "hw:cpu_policy", "dedicated", "n", 2, "t", 1);
        assert_int_equal(computesvc_flavor_specs_update(&f->svc, id, add, &added, &e), 0);
        assert_string_equal(json_str(added, "n"), "2");
        assert_string_equal(json_str(added, "t"), "true");
        json_decref(added);
        assert_int_equal(computesvc_flavor_get(&f->svc, id, &fl), 0);
        json_t *specs = json_object_get(fl, "extra_specs");
        assert_int_equal(json_object_size(specs), 3);
        assert_string_equal(json_str(specs, "hw:cpu_policy"), "dedicated");
        json_decref(fl);
        assert_int_equal(computesvc_flavor_spec_delete(&f->svc, id, "n", &e), 0);
        e = (struct service_error){0};
        assert_int_equal(computesvc_flavor_spec_delete(&f->svc, id, "n", &e), -ENOENT);
        char msg[160];
        snprintf(msg, sizeof(msg), "Flavor %s has no extra specs with key n.", id);
        assert_string_equal(e.message, msg);
        e = (struct service_error){0};
        assert_int_equal(computesvc_flavor_specs_update(&f->svc, "nope", add, &added, &e), -ENOENT);
        assert_string_equal(e.message, "Flavor nope could not be found.");
        json_decref(add);

        assert_int_equal(computesvc_flavor_delete(&f->svc, id, &e), 0);
        e = (struct service_error){0};
        assert_int_equal(computesvc_flavor_delete(&f->svc, id, &e), -ENOENT);
        assert_int_equal(e.kind, ERROR_KIND_NOT_FOUND);
        assert_int_equal(store_end(f->st, false), 0);
}

static void test_images(void **state)
{
        struct fixture *f = *state;
        struct service_error e = {0};
        json_t *img = NULL, *list = NULL;
        assert_int_equal(store_begin(f->st, true), 0);
        /* Glance's checks: read-only attributes, formats, who may add. */
        json_t *in = json_pack("{s:s,s:s}", "name", "x", "status", "active");
        assert_int_equal(computesvc_image_create(&f->svc, &member, in, &img, &e), -EPERM);
        assert_string_equal(e.message, "Attribute 'status' is read-only.");
        json_decref(in);
        e = (struct service_error){0};
        in = json_pack("{s:s,s:s}", "name", "x", "disk_format", "floppy");
        assert_int_equal(computesvc_image_create(&f->svc, &member, in, &img, &e), -EINVAL);
        assert_string_equal(e.message, "Invalid disk format 'floppy' for image.");
        json_decref(in);
        e = (struct service_error){0};
        in = json_pack("{s:s,s:s,s:s,s:s,s:b}", "name", "cirros", "disk_format", "qcow2",
                       "container_format", "bare", "hw_vif_model", "e1000", "protected", 1);
        assert_int_equal(computesvc_image_create(&f->svc, &reader, in, &img, &e), -EPERM);
        assert_string_equal(e.message, "You are not authorized to complete add_image action.");
        /* A new record: queued, owned by the caller's project, the other
         * attributes kept as properties. */
        assert_int_equal(computesvc_image_create(&f->svc, &member, in, &img, &e), 0);
        json_decref(in);
        assert_string_equal(json_str(img, "status"), "queued");
        assert_string_equal(json_str(img, "owner"), "p1");
        assert_string_equal(json_str(img, "visibility"), "shared");
        assert_string_equal(json_str(img, "hw_vif_model"), "e1000");
        char id[37];
        snprintf(id, sizeof(id), "%s", json_str(img, "id"));
        json_decref(img);

        /* Another project neither sees nor changes it. */
        e = (struct service_error){0};
        assert_int_equal(computesvc_image_get_visible(&f->svc, &other, id, &img, &e), -ENOENT);
        char msg[128];
        snprintf(msg, sizeof(msg), "No image found with ID %s", id);
        assert_string_equal(e.message, msg);
        assert_int_equal(computesvc_image_list(&f->svc, &other, "cirros", NULL, &list), 0);
        assert_int_equal(json_array_size(list), 0);
        json_decref(list);
        assert_int_equal(computesvc_image_list(&f->svc, &member, "cirros", "queued", &list), 0);
        assert_int_equal(json_array_size(list), 1);
        json_decref(list);
        e = (struct service_error){0};
        assert_int_equal(computesvc_image_upload(&f->svc, &other, id, "hello", 5, &e), -ENOENT);

        /* The upload records size and SHA-512; only a queued image takes one. */
        assert_int_equal(computesvc_image_upload(&f->svc, &member, id, "hello", 5, &e), 0);
        assert_int_equal(computesvc_image_get_visible(&f->svc, &member, id, &img, &e), 0);
        assert_string_equal(json_str(img, "status"), "active");
        assert_int_equal(json_integer_value(json_object_get(img, "size")), 5);
        assert_string_equal(json_str(img, "os_hash_value"),
                            "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca7"
                            "2323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043");
        json_decref(img);
        e = (struct service_error){0};
        assert_int_equal(computesvc_image_upload(&f->svc, &member, id, "hello", 5, &e), -EEXIST);
        assert_string_equal(e.message,
                            "Image status transition from active to saving is not allowed");

        /* Protected: not deleted; a reader of the project may not delete. */
        e = (struct service_error){0};
        assert_int_equal(computesvc_image_delete(&f->svc, &member, id, &e), -EPERM);
        snprintf(msg, sizeof(msg), "Image %s is protected and cannot be deleted.", id);
        assert_string_equal(e.message, msg);
        in = json_pack("{s:s}", "name", "plain");
        assert_int_equal(computesvc_image_create(&f->svc, &member, in, &img, &e), 0);
        json_decref(in);
        e = (struct service_error){0};
        assert_int_equal(computesvc_image_delete(&f->svc, &reader, json_str(img, "id"), &e),
                         -EPERM);
        assert_int_equal(computesvc_image_delete(&f->svc, &member, json_str(img, "id"), &e), 0);
        json_decref(img);
        assert_int_equal(store_end(f->st, false), 0);
}

static json_t *action(const char *text)
{
        json_t *a = json_loads(text, 0, NULL);
        assert_non_null(a);
        return a;
}

static void test_aggregates(void **state)
{
        struct fixture *f = *state;
        struct service_error e = {0};
        json_t *a = NULL, *b = NULL, *zones = NULL, *act;
        json_t *az1 = json_string("az1"), *bad = json_string("a:b");
        assert_int_equal(store_begin(f->st, true), 0);
        assert_int_equal(computesvc_aggregate_create(&f->svc, "agg1", bad, &a, &e), -EINVAL);
        assert_int_equal(e.kind, ERROR_KIND_INVALID);
        assert_int_equal(computesvc_aggregate_create(&f->svc, "agg1", az1, &a, &e), 0);
        assert_int_equal(json_integer_value(json_object_get(a, "id")), 1);
        assert_string_equal(json_str(json_object_get(a, "metadata"), "availability_zone"), "az1");
        e = (struct service_error){0};
        assert_int_equal(computesvc_aggregate_create(&f->svc, "agg1", NULL, &b, &e), -EEXIST);
        assert_string_equal(e.message, "Aggregate agg1 already exists.");
        assert_int_equal(computesvc_aggregate_create(&f->svc, "agg2", NULL, &b, &e), 0);
        assert_int_equal(json_integer_value(json_object_get(b, "id")), 2);
        json_decref(b);

        /* Hosts: only known ones; once; the aggregate's zone becomes theirs. */
        e = (struct service_error){0};
        act = action("{\"add_host\": {\"host\": \"c9\"}}");
        assert_int_equal(computesvc_aggregate_action(&f->svc, "1", act, &b, &e), -ENOENT);
        assert_string_equal(e.message, "Compute host c9 could not be found.");
        json_decref(act);
        act = action("{\"add_host\": {\"host\": \"c1\"}}");
        assert_int_equal(computesvc_aggregate_action(&f->svc, "1", act, &b, &e), 0);
        assert_int_equal(json_array_size(json_object_get(b, "hosts")), 1);
        json_decref(b);
        e = (struct service_error){0};
        assert_int_equal(computesvc_aggregate_action(&f->svc, "1", act, &b, &e), -EEXIST);
        assert_string_equal(e.message, "Aggregate 1 already has host c1.");
        assert_int_equal(computesvc_host_zones(&f->svc, &zones), 0);
        assert_string_equal(json_str(zones, "c1"), "az1");
        json_decref(zones);
        /* Not in two zones. */
        json_t *rezone = action("{\"aggregate\": {\"availability_zone\": \"az2\"}}");
        assert_int_equal(computesvc_aggregate_action(&f->svc, "2", rezone, &b, &e), 0);
        assert_string_equal(json_str(b, "availability_zone"), "az2");
        json_decref(b);
        json_decref(rezone);
        e = (struct service_error){0};
        assert_int_equal(computesvc_aggregate_action(&f->svc, "2", act, &b, &e), -EEXIST);
        assert_non_null(strstr(e.message, "already in availability zone az1"));
        json_decref(act);
        /* Bodies that are not one known action. */
        e = (struct service_error){0};
        act = action("{\"add_host\": {\"host\": \"c1\"}, \"remove_host\": {\"host\": \"c1\"}}");
        assert_int_equal(computesvc_aggregate_action(&f->svc, "1", act, &b, &e), -EINVAL);
        json_decref(act);
        e = (struct service_error){0};
        act = action("{\"frobnicate\": {}}");
        assert_int_equal(computesvc_aggregate_action(&f->svc, "1", act, &b, &e), -EINVAL);
        assert_string_equal(e.message, "Invalid request body: unknown action frobnicate.");
        json_decref(act);
        /* Metadata: set, and null removes a key. */
        act = action("{\"set_metadata\": {\"metadata\": {\"ssd\": \"true\"}}}");
        assert_int_equal(computesvc_aggregate_action(&f->svc, "1", act, &b, &e), 0);
        assert_string_equal(json_str(json_object_get(b, "metadata"), "ssd"), "true");
        json_decref(b);
        json_decref(act);
        act = action("{\"set_metadata\": {\"metadata\": {\"ssd\": null}}}");
        assert_int_equal(computesvc_aggregate_action(&f->svc, "1", act, &b, &e), 0);
        assert_null(json_object_get(json_object_get(b, "metadata"), "ssd"));
        json_decref(b);
        json_decref(act);

        /* Delete: not with hosts; found by uuid too. */
        e = (struct service_error){0};
        assert_int_equal(computesvc_aggregate_delete(&f->svc, "1", &e), -EINVAL);
        assert_string_equal(e.message, "Cannot remove aggregate 1: it still has hosts.");
        act = action("{\"remove_host\": {\"host\": \"c1\"}}");
        assert_int_equal(computesvc_aggregate_action(&f->svc, json_str(a, "uuid"), act, &b, &e), 0);
        json_decref(b);
        json_decref(act);
        assert_int_equal(computesvc_aggregate_delete(&f->svc, json_str(a, "uuid"), &e), 0);
        e = (struct service_error){0};
        assert_int_equal(computesvc_aggregate_get(&f->svc, "1", &b, &e), -ENOENT);
        assert_string_equal(e.message, "Aggregate 1 could not be found.");
        assert_int_equal(store_end(f->st, false), 0);
        json_decref(a);
        json_decref(az1);
        json_decref(bad);
}

static void test_services_and_feed(void **state)
{
        struct fixture *f = *state;
        json_t *h = NULL, *l = NULL, *rep = NULL, *changes = NULL;
        char p1[64];
        size_t n = 9;
        assert_int_equal(store_begin(f->st, true), 0);
        assert_int_equal(computesvc_host_list(&f->svc, &l), 0);
        assert_int_equal(json_array_size(l), 1);
        assert_string_equal(json_str(json_array_get(l, 0), "id"), "c1");
        json_decref(l);
        assert_int_equal(computesvc_host_report_get(&f->svc, "c1", &rep), 0);
        assert_int_equal(json_integer_value(json_object_get(rep, "vcpus")), 8);
        json_decref(rep);
        assert_int_equal(computesvc_host_report_get(&f->svc, "c9", &rep), -ENOENT);

        /* os-services: by service id or host; disabled with its reason,
         * enabled without one; forced down. */
        json_t *reason = json_string("maintenance");
        struct computesvc_service_change c = {.status = "disabled", .disabled_reason = reason,
                                              .forced_down = -1};
        assert_int_equal(computesvc_service_update(&f->svc, "s1", NULL, &c, &h), 0);
        assert_string_equal(json_str(h, "status"), "disabled");
        assert_string_equal(json_str(h, "disabled_reason"), "maintenance");
        assert_false(json_is_true(json_object_get(h, "forced_down")));
        json_decref(h);
        c = (struct computesvc_service_change){.status = "enabled", .disabled_reason = reason,
                                               .forced_down = 1};
        assert_int_equal(computesvc_service_update(&f->svc, NULL, "c1", &c, &h), 0);
        json_decref(h);
        assert_int_equal(computesvc_host_get(&f->svc, "c1", &h), 0);
        assert_string_equal(json_str(h, "status"), "enabled");
        assert_true(json_is_null(json_object_get(h, "disabled_reason")));
        assert_true(json_is_true(json_object_get(h, "forced_down")));
        /* Forced down: not up, whatever the heartbeat. */
        assert_false(computesvc_host_is_up(&f->svc, h));
        json_decref(h);
        assert_int_equal(computesvc_service_update(&f->svc, "s9", NULL, &c, &h), -ENOENT);
        assert_int_equal(computesvc_service_update(&f->svc, NULL, "c9", &c, &h), -ENOENT);
        json_decref(reason);
        c = (struct computesvc_service_change){.forced_down = 0};
        assert_int_equal(computesvc_service_update(&f->svc, "s1", NULL, &c, &h), 0);
        json_decref(h);

        /* The feed: a boot binds a port to c1 and queues its spawn; the
         * host's state shows both at a revision, its changes after 0 name
         * them with their documents, and nothing follows the last one. */
        struct computesvc_host_state hs;
        assert_int_equal(computesvc_host_state(&f->svc, "c1", &hs), 0);
        int64_t rev0 = hs.revision;
        assert_int_equal(json_array_size(hs.ports), 0);
        computesvc_host_state_done(&hs);
        struct store_instance *a = new_instance(f, "inst-a", p1);
        assert_int_equal(computesvc_place(&f->svc, a, NULL), 0);
        assert_int_equal(computesvc_instance_put(&f->svc, a, true), 0);
        assert_int_equal(computesvc_host_running(&f->svc, "c1", &n), 0);
        assert_int_equal(n, 1);
        assert_int_equal(computesvc_host_state(&f->svc, "c1", &hs), 0);
        assert_true(hs.revision > rev0);
        assert_int_equal(json_array_size(hs.ports), 1);
        assert_string_equal(json_str(json_array_get(hs.ports, 0), "id"), p1);
        assert_int_equal(json_array_size(hs.tasks), 1);
        int64_t rev1 = hs.revision;
        computesvc_host_state_done(&hs);
        int64_t next = 0;
        assert_int_equal(computesvc_host_changes(&f->svc, "c1", rev0, 100, &changes, &next), 0);
        assert_true(json_array_size(changes) >= 2);
        bool port_seen = false, task_seen = false;
        size_t i;
        json_t *e;
        json_array_foreach(changes, i, e) {
                port_seen |= streq(json_str(e, "kind"), "port") && json_object_get(e, "object");
                task_seen |= streq(json_str(e, "kind"), "task") && json_object_get(e, "object");
        }
        assert_true(port_seen);
        assert_true(task_seen);
        assert_int_equal(next, rev1);
        json_decref(changes);
        assert_int_equal(computesvc_host_changes(&f->svc, "c1", rev1, 100, &changes, &next), 0);
        assert_int_equal(json_array_size(changes), 0);
        assert_int_equal(next, rev1);
        json_decref(changes);
        /* Another host's feed has none of it. */
        assert_int_equal(computesvc_host_changes(&f->svc, "c2", rev0, 100, &changes, &next), 0);
        assert_int_equal(json_array_size(changes), 0);
        json_decref(changes);
        assert_int_equal(store_end(f->st, false), 0);
        store_instance_free(a);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_place_claim_unplace, setup, teardown),
                cmocka_unit_test_setup_teardown(test_place_port_row, setup, teardown),
                cmocka_unit_test_setup_teardown(test_boot_on_network, setup, teardown),
                cmocka_unit_test_setup_teardown(test_boot_on_sriov_port, setup, teardown),
                cmocka_unit_test_setup_teardown(test_boot_row, setup, teardown),
                cmocka_unit_test_setup_teardown(test_boot_no_host, setup, teardown),
                cmocka_unit_test_setup_teardown(test_boot_refused, setup, teardown),
                cmocka_unit_test_setup_teardown(test_server_update_reset_delete, setup, teardown),
                cmocka_unit_test_setup_teardown(test_hosts, setup, teardown),
                cmocka_unit_test_setup_teardown(test_hosts_cache, setup, teardown),
                cmocka_unit_test_setup_teardown(test_hosts_cache_rollback, setup, teardown),
                cmocka_unit_test_setup_teardown(test_hosts_side_by_side, setup, teardown),
                cmocka_unit_test_setup_teardown(test_flavors, setup, teardown),
                cmocka_unit_test_setup_teardown(test_images, setup, teardown),
                cmocka_unit_test_setup_teardown(test_aggregates, setup, teardown),
                cmocka_unit_test_setup_teardown(test_services_and_feed, setup, teardown),
        };
        return cmocka_run_group_tests_name("tests", tests, NULL, NULL);
}
