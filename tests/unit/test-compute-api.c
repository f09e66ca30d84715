/* The compute API's frame without HTTP: microversion negotiation, Nova's
 * error bodies, and one boot through dispatch on a temporary store (host
 * report, flavor, image, port, claim, NoValidHost, delete). */
#include "test-util.h"
#include "test-store-util.h"

#include <unistd.h>

#include "api/api.h"
#include "api/compute.h"
#include "api/identity.h"
#include "base/ini.h"
#include "compute/scheduler.h"
#include "identity/password.h"
#include "network/ml2-config.h"
#include "store/store.h"

static void test_microversion(void **state)
{
        static const struct {
                const char *api_version, *nova_version;
                unsigned status; /* 0: accepted */
                unsigned minor;
        } cases[] = {
                {NULL, NULL, 0, 1},
                {NULL, "2.1", 0, 1},
                {NULL, "2.92", 0, 92},
                {"compute 2.69", NULL, 0, 69},
                {"compute 2.60", "2.5", 0, 60},        /* the new header wins */
                {"volume 3.1, compute 2.53", NULL, 0, 53},
                {"volume 3.1", "2.7", 0, 7},           /* not for compute: the old header */
                {NULL, "latest", 0, NOVA_MAX_MINOR},
                {"compute latest", NULL, 0, NOVA_MAX_MINOR},
                {NULL, "2.93", 0, 93},
                {NULL, "2.94", 406, 0},
                {NULL, "3.0", 406, 0},
                {NULL, "2.0", 406, 0},
                {NULL, "1.1", 406, 0},
                {NULL, "2", 400, 0},
                {NULL, "2.x", 400, 0},
                {NULL, "", 400, 0},
                {NULL, "2.1.1", 400, 0},
                {"compute 2.99999999999", NULL, 406, 0},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                struct api_request req = {.api_version = cases[i].api_version,
                                          .nova_api_version = cases[i].nova_version};
                struct api_response resp = {0};
                int r = nova_negotiate(&req, &resp);
                if (cases[i].status) {
                        assert_true(r < 0);
                        assert_int_equal(resp.status, cases[i].status);
                        assert_non_null(strstr(resp.body, cases[i].status == 400 ? "badRequest"
                                                                                 : "computeFault"));
                } else {
                        assert_int_equal(r, 0);
                        assert_int_equal(req.microversion, cases[i].minor);
                        char want[16];
                        snprintf(want, sizeof(want), "2.%u", cases[i].minor);
                        assert_string_equal(resp.microversion, want);
                }
                api_response_done(&resp);
        }
}

static void test_error_bodies(void **state)
{
        static const struct {
                unsigned status;
                const char *key;
        } cases[] = {
                {400, "badRequest"}, {401, "unauthorized"}, {403, "forbidden"},
                {404, "itemNotFound"}, {405, "badMethod"}, {409, "conflictingRequest"},
                {413, "overLimit"}, {500, "computeFault"}, {503, "serviceUnavailable"},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                struct api_response resp = {0};
                assert_int_equal(nova_error(&resp, cases[i].status, "why %d", 7), -EINVAL);
                json_t *j = json_loads(resp.body, 0, NULL);
                json_t *inner = json_object_get(j, cases[i].key);
                assert_non_null(inner);
                assert_int_equal(json_integer_value(json_object_get(inner, "code")), cases[i].status);
                assert_string_equal(json_string_value(json_object_get(inner, "message")), "why 7");
                json_decref(j);
                api_response_done(&resp);
        }
}

static double clock_now = 1.8e9;

static double fixed_now(void)
{
        return clock_now;
}

struct env {
        char dir[64];
        struct api_ctx ctx;
        char token[128];
};

static json_t *call(struct env *e, const char *method, const char *path, const char *body,
                    unsigned want)
{
        char pathbuf[256];
        snprintf(pathbuf, sizeof(pathbuf), "%s", path);
        struct api_request req = {.method = method, .path = pathbuf, .token = e->token, .host = "h",
                                  .body = body, .body_len = body ? strlen(body) : 0};
        /* Image data goes as the client sends it. */
        if (strstr(path, "/file"))
                req.content_type = "application/octet-stream";
        char *q = strchr(pathbuf, '?'); /* one key=value, as the HTTP layer splits it */
        if (q) {
                *q++ = '\0';
                char *eq = strchr(q, '=');
                if (eq)
                        *eq++ = '\0';
                req.query[0] = (struct api_query_arg){q, eq};
                req.n_query = 1;
        }
        struct api_response resp = {0};
        api_dispatch(&e->ctx, &req, &resp);
        if (resp.status != want)
                fail_msg("%s %s: %u (want %u): %s", method, path, resp.status, want,
                         resp.body ? resp.body : "");
        json_t *j = resp.body ? json_loads(resp.body, 0, NULL) : NULL;
        auth_context_done(&req.auth);
        api_response_done(&resp);
        return j;
}

static unsigned free_vfs(struct env *e)
{
        json_t *hv = call(e, "GET", "/v2.1/vfnet/compute-hosts", NULL, 200);
        unsigned n = 0;
        size_t i, j;
        json_t *h, *p;
        json_array_foreach(json_object_get(hv, "hosts"), i, h)
                json_array_foreach(json_object_get(h, "pci_stats"), j, p)
                        if (streq(json_string_value(json_object_get(p, "dev_type")), "type-VF"))
                                n += (unsigned)json_integer_value(json_object_get(p, "count"));
        json_decref(hv);
        return n;
}

static void test_boot_through_dispatch(void **state)
{
        struct env e = {.dir = "/tmp/vfnet-compute-XXXXXX"};
        char db[128], body[2048];
        assert_non_null(mkdtemp(e.dir));
        snprintf(db, sizeof(db), "%s/db", e.dir);
        assert_int_equal(identity_init(), 0);
        struct ini *ini = NULL;
        struct ml2_config *ml2 = NULL;
        struct sched_config *sched = NULL;
        assert_int_equal(ini_new(&ini), 0);
        assert_int_equal(ini_load_string(ini, "ml2",
                                         "[ml2]\nmechanism_drivers = openvswitch, sriovnicswitch\n"
                                         "type_drivers = flat, vlan\n[ml2_type_vlan]\n"
                                         "network_vlan_ranges = physnet1:15:20\n"), 0);
        assert_int_equal(ml2_config_load(ini, &ml2), 0);
        assert_int_equal(sched_config_from_ini(ini, &sched), 0);
        ini_free(ini);
        struct store *st = NULL;
        assert_int_equal(store_open(test_store_pg() ? test_store_path() : db, &st), 0);
        e.ctx = (struct api_ctx){.store = st, .ml2 = ml2, .token_expiration = 3600,
                                 .max_body = 1 << 20, .now = fixed_now, .sched = sched,
                                 .service_down_time = 60};
        struct identity_bootstrap b = {"admin", "pw", "admin", "RegionOne", "http://h"};
        assert_int_equal(identity_bootstrap(st, &b), 0);
        const char *auth = "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": "
                           "{\"user\": {\"name\": \"admin\", \"domain\": {\"id\": \"default\"}, "
                           "\"password\": \"pw\"}}}, \"scope\": {\"project\": {\"name\": "
                           "\"admin\", \"domain\": {\"id\": \"default\"}}}}}";
        struct api_request req = {.method = "POST", .path = "/v3/auth/tokens", .host = "h",
                                  .body = auth, .body_len = strlen(auth)};
        struct api_response resp = {0};
        api_dispatch(&e.ctx, &req, &resp);
        assert_int_equal(resp.status, 201);
        snprintf(e.token, sizeof(e.token), "%s", resp.subject_token);
        api_response_done(&resp);

        /* One host, one PF with two VFs on physnet1, and its agent. */
        json_decref(call(&e, "POST", "/v2.1/vfnet/compute-report",
                         "{\"hostname\": \"c1\", \"vcpus\": 8, \"memory_mb\": 8192, \"disk_gb\": 100, "
                         "\"pci_devices\": ["
                         "{\"address\": \"0000:0b:00.0\", \"vendor_id\": \"8086\", \"product_id\": \"10c9\", "
                         "\"dev_type\": \"type-PF\", \"sriov_totalvfs\": 2, \"netdevs\": [\"em1\"]},"
                         "{\"address\": \"0000:0b:10.0\", \"vendor_id\": \"8086\", \"product_id\": \"10ca\", "
                         "\"dev_type\": \"type-VF\", \"parent_addr\": \"0000:0b:00.0\"},"
                         "{\"address\": \"0000:0b:10.2\", \"vendor_id\": \"8086\", \"product_id\": \"10ca\", "
                         "\"dev_type\": \"type-VF\", \"parent_addr\": \"0000:0b:00.0\"}], "
                         "\"device_spec\": [\"{\\\"devname\\\": \\\"em1\\\", \\\"physical_network\\\": "
                         "\\\"physnet1\\\"}\"]}", 201));
        json_decref(call(&e, "POST", "/v2.0/vfnet/agent-report",
                         "{\"agent\": {\"host\": \"c1\", \"agent_type\": \"NIC Switch agent\", "
                         "\"binary\": \"neutron-sriov-nic-agent\", \"configurations\": "
                         "{\"device_mappings\": {\"physnet1\": [\"em1\"]}}}}", 201));
        assert_int_equal(free_vfs(&e), 2);
        json_decref(call(&e, "POST", "/v2.1/flavors",
                         "{\"flavor\": {\"name\": \"m1.tiny\", \"ram\": 512, \"vcpus\": 1, \"disk\": 1, "
                         "\"id\": \"f1\"}}", 200));
        json_t *img = call(&e, "POST", "/image/v2/images",
                           "{\"name\": \"cirros\", \"disk_format\": \"raw\", \"container_format\": \"bare\"}",
                           201);
        char path[200];
        snprintf(path, sizeof(path), "/image/v2/images/%s/file",
                 json_string_value(json_object_get(img, "id")));
        json_decref(call(&e, "PUT", path, "bits", 204));
        json_t *net = call(&e, "POST", "/v2.0/networks",
                           "{\"network\": {\"name\": \"web\", \"provider:network_type\": \"vlan\", "
                           "\"provider:physical_network\": \"physnet1\"}}", 201);
        const char *net_id = json_string_value(json_object_get(json_object_get(net, "network"), "id"));
        snprintf(body, sizeof(body), "{\"subnet\": {\"network_id\": \"%s\", \"cidr\": \"192.0.2.0/24\", "
                 "\"ip_version\": 4}}", net_id);
        json_decref(call(&e, "POST", "/v2.0/subnets", body, 201));

        char servers[3][40];
        for (int i = 0; i < 3; i++) {
                snprintf(body, sizeof(body), "{\"port\": {\"network_id\": \"%s\", "
                         "\"binding:vnic_type\": \"direct\"}}", net_id);
                json_t *port = call(&e, "POST", "/v2.0/ports", body, 201);
                snprintf(body, sizeof(body), "{\"server\": {\"name\": \"vm%d\", \"imageRef\": \"%s\", "
                         "\"flavorRef\": \"f1\", \"networks\": [{\"port\": \"%s\"}]}}", i,
                         json_string_value(json_object_get(img, "id")),
                         json_string_value(json_object_get(json_object_get(port, "port"), "id")));
                json_t *srv = call(&e, "POST", "/v2.1/servers", body, 202);
                snprintf(servers[i], sizeof(servers[i]), "%s",
                         json_string_value(json_object_get(json_object_get(srv, "server"), "id")));
                json_decref(srv);
                snprintf(path, sizeof(path), "/v2.1/servers/%s", servers[i]);
                json_t *show = call(&e, "GET", path, NULL, 200);
                json_t *s = json_object_get(show, "server");
                /* Two VFs: two boots placed (BUILD, waiting for the host), the third fails. */
                assert_string_equal(json_string_value(json_object_get(s, "status")),
                                    i < 2 ? "BUILD" : "ERROR");
                if (i == 2)
                        assert_non_null(strstr(json_string_value(json_object_get(
                                                       json_object_get(s, "fault"), "message")),
                                               "PciPassthroughFilter"));
                json_decref(show);
                json_decref(port);
                assert_int_equal(free_vfs(&e), i < 2 ? 1u - (unsigned)i : 0u);
        }
        for (int i = 0; i < 3; i++) {
                snprintf(path, sizeof(path), "/v2.1/servers/%s", servers[i]);
                json_decref(call(&e, "DELETE", path, NULL, 204));
        }
        /* The ERROR one is gone at once; the two on c1 are "deleting" and
         * keep their VFs until c1 has destroyed them. */
        for (int i = 0; i < 3; i++) {
                snprintf(path, sizeof(path), "/v2.1/servers/%s", servers[i]);
                json_t *show = call(&e, "GET", path, NULL, i < 2 ? 200 : 404);
                if (i < 2)
                        assert_string_equal(json_string_value(json_object_get(json_object_get(
                                                    show, "server"), "OS-EXT-STS:task_state")),
                                            "deleting");
                json_decref(show);
        }
        assert_int_equal(free_vfs(&e), 0);
        /* c1's queue: the two spawns it never answered, then their destroys. */
        json_t *tasks = call(&e, "GET", "/v2.1/vfnet/compute-tasks?host=c1", NULL, 200);
        json_t *tv = json_object_get(tasks, "tasks");
        assert_int_equal(json_array_size(tv), 4);
        static const char *const actions[] = {"spawn", "spawn", "destroy", "destroy"};
        for (size_t i = 0; i < 4; i++)
                assert_string_equal(json_string_value(json_object_get(json_array_get(tv, i), "action")),
                                    actions[i]);
        /* c1 answers all four: the spawns of instances being deleted change
         * nothing, the destroys remove them and free their VFs. */
        for (size_t i = 0; i < 4; i++) {
                snprintf(path, sizeof(path), "/v2.1/vfnet/compute-tasks/%s",
                         json_string_value(json_object_get(json_array_get(tv, i), "id")));
                json_decref(call(&e, "POST", path, "{\"result\": \"ok\"}", 204));
                assert_int_equal(free_vfs(&e), i < 2 ? 0u : (unsigned)i - 1u);
        }
        json_decref(tasks);
        for (int i = 0; i < 2; i++) {
                snprintf(path, sizeof(path), "/v2.1/servers/%s", servers[i]);
                json_decref(call(&e, "GET", path, NULL, 404));
        }

        /* A host silent for longer than service_down_time is down: ComputeFilter. */
        clock_now += 61;
        snprintf(body, sizeof(body), "{\"port\": {\"network_id\": \"%s\", "
                 "\"binding:vnic_type\": \"direct\"}}", net_id);
        json_t *port = call(&e, "POST", "/v2.0/ports", body, 201);
        snprintf(body, sizeof(body), "{\"server\": {\"name\": \"late\", \"imageRef\": \"%s\", "
                 "\"flavorRef\": \"f1\", \"networks\": [{\"port\": \"%s\"}]}}",
                 json_string_value(json_object_get(img, "id")),
                 json_string_value(json_object_get(json_object_get(port, "port"), "id")));
        json_t *srv = call(&e, "POST", "/v2.1/servers", body, 202);
        snprintf(path, sizeof(path), "/v2.1/servers/%s",
                 json_string_value(json_object_get(json_object_get(srv, "server"), "id")));
        json_t *show = call(&e, "GET", path, NULL, 200);
        json_t *sv = json_object_get(show, "server");
        assert_string_equal(json_string_value(json_object_get(sv, "status")), "ERROR");
        assert_non_null(strstr(json_string_value(json_object_get(json_object_get(sv, "fault"), "message")),
                               "ComputeFilter"));
        json_decref(show);
        json_decref(srv);
        json_decref(port);
        clock_now -= 61;

        json_decref(img);
        json_decref(net);
        compute_cache_free(e.ctx.compute_cache);
        store_free(st);
        ml2_config_free(ml2);
        sched_config_free(sched);
        char cmd[200];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", e.dir);
        assert_int_equal(system(cmd), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_microversion),
                cmocka_unit_test(test_error_bodies),
                cmocka_unit_test(test_boot_through_dispatch),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
