/* Instances as typed rows on a temporary database: every column and the
 * lists (ports, addresses, hosts tried) as written, filtered and paged;
 * and the migrations that move instance documents of an older schema into
 * the columns. */
#include "test-util.h"
#include "test-store-util.h"
#include "test-store-raw.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include "base/strbuf.h"
#include "store/store.h"

/* The schema version that made instances typed rows without a document. */
#define INSTANCE_ROWS_VERSION 16

static int collect_ids(const struct store_instance *in, void *userdata)
{
        struct strbuf *b = userdata;
        return strbuf_printf(b, "%s%s", b->len ? " " : "", in->id);
}

static void assert_ids(struct store *st, const struct store_instance_query *q, const char *want)
{
        struct strbuf b = STRBUF_INIT;
        assert_int_equal(store_instance_list(st, q, collect_ids, &b), 0);
        assert_string_equal(strbuf_str(&b), want);
        strbuf_done(&b);
}

/* Each instance's lists as one line: "id: ports | addresses | tried". */
static int collect_lists(const struct store_instance *in, void *userdata)
{
        struct strbuf *b = userdata;
        int r = strbuf_printf(b, "%s%s:", b->len ? "; " : "", in->id);
        for (size_t i = 0; r >= 0 && i < in->n_ports; i++)
                r = strbuf_printf(b, " %s%s", in->ports[i].port_id, in->ports[i].created ? "*" : "");
        if (r >= 0)
                r = strbuf_append(b, " |");
        for (size_t i = 0; r >= 0 && i < in->n_addresses; i++)
                r = strbuf_printf(b, " %s/%lld/%s/%s", in->addresses[i].network,
                                  in->addresses[i].version, in->addresses[i].addr,
                                  in->addresses[i].mac ?: "-");
        if (r >= 0)
                r = strbuf_append(b, " |");
        for (size_t i = 0; r >= 0 && in->tried_hosts && in->tried_hosts[i]; i++)
                r = strbuf_printf(b, " %s", in->tried_hosts[i]);
        return r < 0 ? r : 0;
}

static void assert_lists(struct store *st, const struct store_instance_query *q,
                         const char *want)
{
        struct strbuf b = STRBUF_INIT;
        assert_int_equal(store_instance_list(st, q, collect_lists, &b), 0);
        assert_string_equal(strbuf_str(&b), want);
        strbuf_done(&b);
}

/* The lists a test grew on a row of borrowed strings. */
static void free_lists(struct store_instance *in)
{
        for (size_t k = 0; k < in->n_ports; k++)
                free(in->ports[k].port_id);
        free(in->ports);
        for (size_t k = 0; k < in->n_addresses; k++) {
                free(in->addresses[k].network);
                free(in->addresses[k].addr);
                free(in->addresses[k].mac);
        }
        free(in->addresses);
        strv_free(in->tried_hosts);
        in->ports = NULL;
        in->addresses = NULL;
        in->tried_hosts = NULL;
        in->n_ports = in->n_addresses = 0;
}

/* A row as a boot writes one (strings borrowed: only for put). */
static struct store_instance row(const char *id, const char *project, const char *host,
                                 const char *status, const char *task_state, long long vcpus,
                                 long long ram)
{
        return (struct store_instance){
                .id = (char *)id, .project_id = (char *)project, .host = (char *)host,
                .status = (char *)status, .task_state = (char *)task_state, .vcpus = vcpus,
                .memory_mb = ram,
        };
}

/* Filtered by project, host, status and task state, paged by marker and
 * limit, sized by their flavors; an update moves the columns, a put of a
 * taken id or an update of a missing one is refused. */
static void test_instance_filters(void **state)
{
        struct store *st = test_store_open();
        assert_int_equal(store_begin(st, true), 0);
        struct store_instance a = row("i-a", "p1", "cn1", "ACTIVE", NULL, 2, 512);
        struct store_instance b = row("i-b", "p1", "cn2", "BUILD", "spawning", 4, 1024);
        struct store_instance c = row("i-c", "p2", NULL, "ERROR", NULL, 1, 256);
        assert_int_equal(store_instance_put(st, &a, true), 0);
        assert_int_equal(store_instance_put(st, &b, true), 0);
        assert_int_equal(store_instance_put(st, &c, true), 0);
        assert_int_equal(store_instance_put(st, &a, true), -EEXIST);
        assert_ids(st, NULL, "i-a i-b i-c");
        assert_ids(st, &(struct store_instance_query){.project_id = "p1"}, "i-a i-b");
        assert_ids(st, &(struct store_instance_query){.host = "cn2"}, "i-b");
        assert_ids(st, &(struct store_instance_query){.status = "ERROR"}, "i-c");
        assert_ids(st, &(struct store_instance_query){.host = "cn2", .task_state = "spawning"}, "i-b");
        assert_ids(st, &(struct store_instance_query){.project_id = "p1", .status = "ERROR"}, "");
        assert_ids(st, &(struct store_instance_query){.marker = "i-a", .limit = 1}, "i-b");
        struct store_usage u;
        assert_int_equal(store_instance_totals(st, &(struct store_instance_query){.project_id = "p1"},
                                               &u), 0);
        assert_int_equal(u.instances, 2);
        assert_int_equal(u.vcpus, 6);
        assert_int_equal(u.memory_mb, 1536);
        b = row("i-b", "p1", "cn2", "ACTIVE", NULL, 4, 1024);
        assert_int_equal(store_instance_put(st, &b, false), 0);
        assert_ids(st, &(struct store_instance_query){.task_state = "spawning"}, "");
        assert_ids(st, &(struct store_instance_query){.status = "ACTIVE"}, "i-a i-b");
        assert_int_equal(store_instance_delete(st, "i-b"), 0);
        assert_int_equal(store_instance_delete(st, "i-b"), -ENOENT);
        struct store_instance *got = NULL;
        assert_int_equal(store_instance_get(st, "i-b", &got), -ENOENT);
        b.id = "i-z";
        assert_int_equal(store_instance_put(st, &b, false), -ENOENT);
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

/* Every column comes back as written, NULL as NULL; the lists in their
 * order; a copy is equal.  An update replaces the lists (shorter, a row
 * changed in place), a delete takes them along. */
static void test_instance_columns(void **state)
{
        struct store *st = test_store_open();
        assert_int_equal(store_begin(st, true), 0);
        struct store_instance in = {
                .id = "i-1", .project_id = "p1", .user_id = "u1", .name = "web-1",
                .description = "the web", .status = "ACTIVE", .vm_state = "active",
                .task_state = NULL, .power_state = 1, .host = "cn1",
                .availability_zone = "az1", .requested_zone = "az1:cn1",
                .instance_name = "instance-0000abcd", .flavor_id = "f1", .flavor_name = "m1.tiny",
                .vcpus = 2, .memory_mb = 512, .disk_gb = 10, .ephemeral_gb = 3, .swap_mb = 256,
                .flavor_extra_specs = "{\"hw:numa_nodes\":\"1\"}", .image_id = "img1",
                .key_name = "k1", .access_ipv4 = "192.0.2.1", .access_ipv6 = "2001:db8::1",
                .config_drive = "", .disk_config = "MANUAL", .progress = 7, .locked = true,
                .created_at = "2026-01-01T00:00:00Z", .updated_at = "2026-01-01T00:01:00Z",
                .launched_at = "2026-01-01T00:00:30.000000", .terminated_at = NULL,
                .metadata = "{\"b\":\"2\",\"a\":\"1\"}", .security_groups = "[\"default\",\"web\"]",
                .tags = "[\"t1\"]", .fault_code = 500, .fault_message = "boom",
                .fault_created = "2026-01-01T00:02:00Z",
        };
        assert_int_equal(store_instance_add_port(&in, "port-b", false), 0);
        assert_int_equal(store_instance_add_port(&in, "port-a", true), 0);
        assert_int_equal(store_instance_add_address(&in, "web", 4, "10.0.0.5", "fa:16:3e:00:00:01"), 0);
        assert_int_equal(store_instance_add_address(&in, "web", 6, "2001:db8::5", NULL), 0);
        assert_int_equal(store_instance_add_address(&in, "db", 4, "10.1.0.5", "fa:16:3e:00:00:02"), 0);
        assert_int_equal(store_instance_add_tried(&in, "cn9"), 0);
        assert_int_equal(store_instance_add_tried(&in, "cn1"), 0);
        assert_int_equal(store_instance_put(st, &in, true), 0);

        struct store_instance *got = NULL;
        assert_int_equal(store_instance_get(st, "i-1", &got), 0);
        _cleanup_instance_ struct store_instance *copy = store_instance_dup(got);
        assert_non_null(copy);
        struct store_instance *both[] = {got, copy};
        for (size_t k = 0; k < ARRAY_SIZE(both); k++) {
                struct store_instance *g = both[k];
                assert_string_equal(g->user_id, "u1");
                assert_string_equal(g->name, "web-1");
                assert_string_equal(g->description, "the web");
                assert_string_equal(g->vm_state, "active");
                assert_null(g->task_state);
                assert_int_equal(g->power_state, 1);
                assert_string_equal(g->host, "cn1");
                assert_string_equal(g->availability_zone, "az1");
                assert_string_equal(g->requested_zone, "az1:cn1");
                assert_string_equal(g->instance_name, "instance-0000abcd");
                assert_string_equal(g->flavor_id, "f1");
                assert_string_equal(g->flavor_name, "m1.tiny");
                assert_int_equal(g->disk_gb, 10);
                assert_int_equal(g->ephemeral_gb, 3);
                assert_int_equal(g->swap_mb, 256);
                assert_string_equal(g->flavor_extra_specs, "{\"hw:numa_nodes\":\"1\"}");
                assert_string_equal(g->image_id, "img1");
                assert_string_equal(g->key_name, "k1");
                assert_string_equal(g->access_ipv4, "192.0.2.1");
                assert_string_equal(g->access_ipv6, "2001:db8::1");
                assert_string_equal(g->config_drive, "");
                assert_string_equal(g->disk_config, "MANUAL");
                assert_int_equal(g->progress, 7);
                assert_true(g->locked);
                assert_string_equal(g->created_at, "2026-01-01T00:00:00Z");
                assert_string_equal(g->updated_at, "2026-01-01T00:01:00Z");
                assert_string_equal(g->launched_at, "2026-01-01T00:00:30.000000");
                assert_null(g->terminated_at);
                assert_string_equal(g->metadata, "{\"b\":\"2\",\"a\":\"1\"}");
                assert_string_equal(g->security_groups, "[\"default\",\"web\"]");
                assert_string_equal(g->tags, "[\"t1\"]");
                assert_int_equal(g->fault_code, 500);
                assert_string_equal(g->fault_message, "boom");
                assert_string_equal(g->fault_created, "2026-01-01T00:02:00Z");
        }
        store_instance_free(got);
        assert_lists(st, NULL, "i-1: port-b port-a* | web/4/10.0.0.5/fa:16:3e:00:00:01 "
                               "web/6/2001:db8::5/- db/4/10.1.0.5/fa:16:3e:00:00:02 | cn9 cn1");

        /* An update replaces the lists; a delete takes them along. */
        free_lists(&in);
        in = row("i-1", "p1", NULL, "ERROR", NULL, 2, 512);
        in.fault_code = 0;
        assert_int_equal(store_instance_add_port(&in, "port-b", false), 0);
        assert_int_equal(store_instance_put(st, &in, false), 0);
        assert_lists(st, NULL, "i-1: port-b | |");
        free_lists(&in);
        assert_int_equal(store_instance_add_port(&in, "port-c", true), 0);
        assert_int_equal(store_instance_add_tried(&in, "cn2"), 0);
        assert_int_equal(store_instance_put(st, &in, false), 0);
        assert_lists(st, NULL, "i-1: port-c* | | cn2");
        assert_int_equal(store_instance_delete(st, "i-1"), 0);
        struct store_instance bare = row("i-1", "p1", NULL, "BUILD", NULL, 1, 64);
        assert_int_equal(store_instance_put(st, &bare, true), 0);
        assert_lists(st, NULL, "i-1: | |");
        assert_int_equal(store_instance_get(st, "i-1", &got), 0);
        assert_null(got->name);
        assert_null(got->host);
        assert_false(got->locked);
        assert_int_equal(got->fault_code, 0);
        store_instance_free(got);
        free_lists(&in);
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

/* Each row of a list gets its own lists, also between rows without any
 * and on a page after a marker. */
static void test_instance_list_lists(void **state)
{
        struct store *st = test_store_open();
        assert_int_equal(store_begin(st, true), 0);
        const char *ids[] = {"i-1", "i-2", "i-3", "i-4"};
        for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
                struct store_instance in = row(ids[i], i == 3 ? "p2" : "p1", NULL, "BUILD", NULL,
                                               1, 64);
                char port[16], host[16];
                snprintf(port, sizeof(port), "port-%zu", i + 1);
                snprintf(host, sizeof(host), "cn%zu", i + 1);
                if (i != 1) {
                        assert_int_equal(store_instance_add_port(&in, port, i == 2), 0);
                        assert_int_equal(store_instance_add_address(&in, "net", 4, "10.0.0.1",
                                                                    NULL), 0);
                }
                if (i == 2)
                        assert_int_equal(store_instance_add_tried(&in, host), 0);
                assert_int_equal(store_instance_put(st, &in, true), 0);
                free_lists(&in);
        }
        assert_lists(st, NULL, "i-1: port-1 | net/4/10.0.0.1/- |; i-2: | |; "
                               "i-3: port-3* | net/4/10.0.0.1/- | cn3; "
                               "i-4: port-4 | net/4/10.0.0.1/- |");
        assert_lists(st, &(struct store_instance_query){.marker = "i-1", .limit = 2},
                     "i-2: | |; i-3: port-3* | net/4/10.0.0.1/- | cn3");
        assert_lists(st, &(struct store_instance_query){.project_id = "p2"},
                     "i-4: port-4 | net/4/10.0.0.1/- |");
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

/* Instance documents of a version-2 database (SQLite) move to the typed
 * rows through both migrations that moved them, their columns read from
 * the documents. */
static void test_instance_migration_from_objects(void **state)
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
                "INSERT INTO objects VALUES ('instance', 'i-a', 'p1', '{\"id\": \"i-a\", "
                "  \"tenant_id\": \"p1\", \"status\": \"BUILD\", \"OS-EXT-STS:task_state\": "
                "  \"spawning\", \"_host\": \"cn1\", \"_flavor\": {\"vcpus\": 2, \"ram\": 512}}');"
                "INSERT INTO objects VALUES ('instance', 'i-b', 'p1', '{\"id\": \"i-b\", "
                "  \"tenant_id\": \"p1\", \"status\": \"ERROR\", \"OS-EXT-STS:task_state\": null, "
                "  \"_host\": null, \"_flavor\": {\"vcpus\": 1, \"ram\": 128}}');"
                "INSERT INTO objects VALUES ('port', 'port-1', 'p1', '{\"id\": \"port-1\"}');",
                NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(db);

        struct store *st = NULL;
        assert_int_equal(store_open(test_dbpath, &st), 0);
        assert_int_equal(store_begin(st, false), 0);
        assert_ids(st, &(struct store_instance_query){.host = "cn1", .task_state = "spawning"}, "i-a");
        assert_ids(st, &(struct store_instance_query){.project_id = "p1", .status = "ERROR"}, "i-b");
        struct store_usage u;
        assert_int_equal(store_instance_totals(st, &(struct store_instance_query){.project_id = "p1"},
                                               &u), 0);
        assert_int_equal(u.instances, 2);
        assert_int_equal(u.vcpus, 3);
        assert_int_equal(u.memory_mb, 640);
        struct store_instance *in = NULL;
        assert_int_equal(store_instance_get(st, "i-a", &in), 0);
        assert_string_equal(in->host, "cn1");
        assert_string_equal(in->metadata, "{}");
        assert_string_equal(in->security_groups, "[]");
        store_instance_free(in);
        /* Gone from the documents; the other documents stay. */
        char *doc = NULL;
        assert_int_equal(store_obj_get(st, "instance", "i-a", &doc, NULL), -ENOENT);
        _cleanup_port_ struct store_port *port = NULL;
        assert_int_equal(store_port_get(st, "port-1", &port), 0);
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

#define STR(x) #x
#define XSTR(x) STR(x)

/* A database rolled back to the version before (the instances table with
 * its document, as migration 6 made it on both backends) holding the
 * documents the code wrote: a placed server with two networks' addresses,
 * a port it made and hosts tried, and one no host took.  Every member
 * moves to its column and list; the indexes stay. */
static void test_instance_migration(void **state)
{
        struct store *st = test_store_open();
        store_free(st);
        exec_raw(TEST_PORTS_WITH_DOCUMENT TEST_NETWORKS_WITH_DOCUMENT TEST_SUBNETS_WITH_DOCUMENT
                 TEST_INSTANCES_WITH_DOCUMENT
                 "DELETE FROM schema_version WHERE version >= " XSTR(INSTANCE_ROWS_VERSION) ";"
                 "INSERT INTO instances VALUES ('i-a', 'p1', 'cn2', 'BUILD', 'spawning', 2, 512, "
                 "  '{\"id\":\"i-a\",\"name\":\"web\",\"tenant_id\":\"p1\",\"user_id\":\"u1\","
                 "  \"status\":\"BUILD\",\"OS-EXT-STS:vm_state\":\"building\","
                 "  \"OS-EXT-STS:task_state\":\"spawning\",\"OS-EXT-STS:power_state\":0,"
                 "  \"created\":\"2026-01-01T00:00:00Z\",\"updated\":\"2026-01-01T00:00:01Z\","
                 "  \"metadata\":{\"role\":\"web\"},\"addresses\":{\"zeta\":[{\"version\":4,"
                 "  \"addr\":\"10.9.0.4\",\"OS-EXT-IPS:type\":\"fixed\","
                 "  \"OS-EXT-IPS-MAC:mac_addr\":\"fa:16:3e:00:00:09\"}],\"alpha\":[{\"version\":4,"
                 "  \"addr\":\"10.1.0.4\",\"OS-EXT-IPS:type\":\"fixed\","
                 "  \"OS-EXT-IPS-MAC:mac_addr\":\"fa:16:3e:00:00:01\"},{\"version\":6,"
                 "  \"addr\":\"2001:db8::4\",\"OS-EXT-IPS:type\":\"fixed\","
                 "  \"OS-EXT-IPS-MAC:mac_addr\":\"fa:16:3e:00:00:01\"}]},"
                 "  \"accessIPv4\":\"192.0.2.7\",\"accessIPv6\":\"\",\"OS-DCF:diskConfig\":\"MANUAL\","
                 "  \"progress\":0,\"config_drive\":\"\",\"key_name\":null,"
                 "  \"OS-SRV-USG:launched_at\":null,\"OS-SRV-USG:terminated_at\":null,"
                 "  \"OS-EXT-AZ:availability_zone\":\"nova\","
                 "  \"os-extended-volumes:volumes_attached\":[],"
                 "  \"security_groups\":[{\"name\":\"default\"},{\"name\":\"web\"}],"
                 "  \"description\":\"front\",\"_instance_name\":\"instance-i-a\","
                 "  \"_flavor\":{\"id\":\"f1\",\"name\":\"m1.small\",\"ram\":512,\"vcpus\":2,"
                 "  \"disk\":20,\"swap\":128,\"OS-FLV-EXT-DATA:ephemeral\":5,"
                 "  \"extra_specs\":{\"pci_passthrough:alias\":\"a1:1\"}},\"_image_id\":\"img1\","
                 "  \"_ports\":[\"port-given\",\"port-made\"],\"_created_ports\":[\"port-made\"],"
                 "  \"_pci\":[{\"address\":\"0000:03:10.1\",\"port_id\":null}],"
                 "  \"_tried\":[\"cn1\",\"cn2\"],\"_attempts\":2,\"_host\":\"cn2\","
                 "  \"_az_req\":\"nova\"}');"
                 "INSERT INTO instances VALUES ('i-b', 'p1', NULL, 'ERROR', NULL, 1, 64, "
                 "  '{\"id\":\"i-b\",\"name\":\"lonely\",\"tenant_id\":\"p1\",\"status\":\"ERROR\","
                 "  \"OS-EXT-STS:vm_state\":\"error\",\"OS-EXT-STS:task_state\":null,"
                 "  \"OS-EXT-STS:power_state\":0,\"metadata\":{},\"addresses\":{},"
                 "  \"key_name\":\"k1\",\"OS-EXT-AZ:availability_zone\":null,"
                 "  \"security_groups\":[{\"name\":\"default\"}],"
                 "  \"fault\":{\"code\":500,\"created\":\"2026-01-01T00:00:02Z\","
                 "  \"message\":\"No valid host was found.\"},"
                 "  \"_flavor\":{\"id\":\"f2\",\"name\":\"m1.tiny\",\"ram\":64,\"vcpus\":1,"
                 "  \"disk\":1,\"swap\":0,\"OS-FLV-EXT-DATA:ephemeral\":0,\"extra_specs\":{}},"
                 "  \"_image_id\":\"img1\",\"_ports\":[],\"_created_ports\":[],\"_pci\":[],"
                 "  \"_tried\":[],\"_attempts\":0,\"_host\":null,\"_az_req\":null}');");

        assert_int_equal(store_open(test_dbpath, &st), 0);
        assert_true(store_schema_version(st) >= INSTANCE_ROWS_VERSION);
        assert_int_equal(store_begin(st, true), 0);
        assert_ids(st, &(struct store_instance_query){.host = "cn2", .task_state = "spawning"}, "i-a");
        assert_ids(st, &(struct store_instance_query){.project_id = "p1", .status = "ERROR"}, "i-b");
        struct store_instance *a = NULL;
        assert_int_equal(store_instance_get(st, "i-a", &a), 0);
        assert_string_equal(a->name, "web");
        assert_string_equal(a->user_id, "u1");
        assert_string_equal(a->description, "front");
        assert_string_equal(a->vm_state, "building");
        assert_string_equal(a->task_state, "spawning");
        assert_int_equal(a->power_state, 0);
        assert_string_equal(a->host, "cn2");
        assert_string_equal(a->availability_zone, "nova");
        assert_string_equal(a->requested_zone, "nova");
        assert_string_equal(a->instance_name, "instance-i-a");
        assert_string_equal(a->flavor_id, "f1");
        assert_string_equal(a->flavor_name, "m1.small");
        assert_int_equal(a->vcpus, 2);
        assert_int_equal(a->memory_mb, 512);
        assert_int_equal(a->disk_gb, 20);
        assert_int_equal(a->swap_mb, 128);
        assert_int_equal(a->ephemeral_gb, 5);
        assert_non_null(strstr(a->flavor_extra_specs, "\"pci_passthrough:alias\""));
        assert_string_equal(a->image_id, "img1");
        assert_null(a->key_name);
        assert_string_equal(a->access_ipv4, "192.0.2.7");
        assert_string_equal(a->access_ipv6, "");
        assert_string_equal(a->disk_config, "MANUAL");
        assert_string_equal(a->created_at, "2026-01-01T00:00:00Z");
        assert_string_equal(a->updated_at, "2026-01-01T00:00:01Z");
        assert_null(a->launched_at);
        assert_non_null(strstr(a->metadata, "\"role\""));
        assert_non_null(strstr(a->security_groups, "\"web\""));
        assert_int_equal(a->fault_code, 0);
        store_instance_free(a);
        /* The addresses in the document's order: zeta before alpha. */
        assert_lists(st, &(struct store_instance_query){.host = "cn2"},
                     "i-a: port-given port-made* | zeta/4/10.9.0.4/fa:16:3e:00:00:09 "
                     "alpha/4/10.1.0.4/fa:16:3e:00:00:01 alpha/6/2001:db8::4/fa:16:3e:00:00:01 "
                     "| cn1 cn2");
        struct store_instance *b = NULL;
        assert_int_equal(store_instance_get(st, "i-b", &b), 0);
        assert_null(b->host);
        assert_null(b->availability_zone);
        assert_string_equal(b->key_name, "k1");
        assert_int_equal(b->fault_code, 500);
        assert_string_equal(b->fault_message, "No valid host was found.");
        assert_string_equal(b->fault_created, "2026-01-01T00:00:02Z");
        store_instance_free(b);
        assert_lists(st, &(struct store_instance_query){.status = "ERROR"}, "i-b: | |");
        /* The moved rows take updates. */
        struct store_instance c = row("i-b", "p1", NULL, "ACTIVE", NULL, 1, 64);
        assert_int_equal(store_instance_put(st, &c, false), 0);
        assert_ids(st, &(struct store_instance_query){.status = "ACTIVE"}, "i-b");
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_instance_filters),
                cmocka_unit_test(test_instance_columns),
                cmocka_unit_test(test_instance_list_lists),
                cmocka_unit_test(test_instance_migration_from_objects),
                cmocka_unit_test(test_instance_migration),
        };
        /* On PostgreSQL all but the migration from objects, which writes
         * SQLite's file. */
        const struct CMUnitTest pg_tests[] = {
                cmocka_unit_test(test_instance_filters),
                cmocka_unit_test(test_instance_columns),
                cmocka_unit_test(test_instance_list_lists),
                cmocka_unit_test(test_instance_migration),
        };
        if (test_store_pg())
                return cmocka_run_group_tests_name("tests", pg_tests, NULL, NULL);
        return cmocka_run_group_tests_name("tests", tests, NULL, NULL);
}
