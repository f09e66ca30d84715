/* Networks, segments, ports and fixed IPs as typed rows on a temporary
 * database: put, get, delete, lists by every column a filter names (and
 * by the document for the rest), and the migration that moves a
 * version-10 database's documents into the rows. */
#include "test-util.h"
#include "test-store-util.h"

#include <sqlite3.h>

#include "base/strbuf.h"
#include "store/store.h"

static int ids_cb(const char *id, const char *doc, void *userdata)
{
        struct strbuf *b = userdata;
        return strbuf_printf(b, "%s%s", b->len ? " " : "", id);
}

typedef int (*list_fn)(struct store *, const struct store_query *, store_obj_cb, void *);
typedef int (*count_fn)(struct store *, const struct store_query *, size_t *);

/* The ids a list gives, space-separated, and the count agreeing. */
static void assert_list(struct store *st, list_fn list, count_fn count, const struct store_query *q,
                        const char *want)
{
        _cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
        assert_int_equal(strbuf_append(&b, ""), 0);
        assert_int_equal(list(st, q, ids_cb, &b), 0);
        assert_string_equal(strbuf_str(&b), want);
        size_t n = 0, words = *want ? 1 : 0;
        for (const char *c = want; *c; c++)
                words += *c == ' ';
        assert_int_equal(count(st, q, &n), 0);
        if (!q || !q->limit)
                assert_int_equal(n, words);
}

static void assert_ports(struct store *st, const struct store_query *q, const char *want)
{
        assert_list(st, store_port_list, store_port_count, q, want);
}

static void assert_networks(struct store *st, const struct store_query *q, const char *want)
{
        assert_list(st, store_network_list, store_network_count, q, want);
}

/* A query of one filter with one value. */
#define ONE(attr_, member_, type_, value_)                                                          \
        (&(struct store_query){                                                                    \
                .filters = &(struct store_filter){attr_, type_, (const char *[]){value_}, 1,       \
                                                  member_},                                        \
                .n_filters = 1})

static void put_networks(struct store *st)
{
        struct store_network n1 = {"n1", "p1", "private", "ACTIVE", true, false, false, 1500,
                                   "vlan", "physnet1", 100, "{\"id\": \"n1\", \"description\": \"a\"}"};
        struct store_network n2 = {"n2", "p2", "public", "ACTIVE", true, true, false, 1500,
                                   "flat", "physnet2", -1, "{\"id\": \"n2\"}"};
        struct store_network n3 = {"n3", "p2", "ext", "ACTIVE", false, false, true, -1,
                                   NULL, NULL, -1, "{\"id\": \"n3\"}"};
        assert_int_equal(store_network_put(st, &n1, true), 0);
        assert_int_equal(store_network_put(st, &n2, true), 0);
        assert_int_equal(store_network_put(st, &n3, true), 0);
        assert_int_equal(store_network_put(st, &n1, true), -EEXIST);
}

static void put_ports(struct store *st)
{
        struct store_fixed_ip a[] = {{"s1", "10.0.0.5"}, {"s2", "2001:db8::5"}};
        struct store_fixed_ip b[] = {{"s1", "10.0.0.6"}};
        struct store_port p1 = {"pa", "p1", "n1", "web", "vm-1", "compute:nova", "fa:16:3e:00:00:01",
                                "cn1", "direct", "ACTIVE", true, a, 2, "{\"id\": \"pa\"}"};
        struct store_port p2 = {"pb", "p1", "n1", "db", "", "", "fa:16:3e:00:00:02",
                                "", "normal", "DOWN", false, b, 1, "{\"id\": \"pb\"}"};
        struct store_port p3 = {"pc", "p2", "n2", "web", "vm-2", "compute:nova", "fa:16:3e:00:00:03",
                                "cn2", "direct", "DOWN", true, NULL, 0, "{\"id\": \"pc\"}"};
        assert_int_equal(store_port_put(st, &p1, true), 0);
        assert_int_equal(store_port_put(st, &p2, true), 0);
        assert_int_equal(store_port_put(st, &p3, true), 0);
        assert_int_equal(store_port_put(st, &p1, true), -EEXIST);
}

static void test_networks(void **state)
{
        struct store *st = test_store_open();
        assert_int_equal(store_begin(st, true), 0);
        put_networks(st);
        char *doc = NULL, *project = NULL;
        assert_int_equal(store_network_get(st, "n1", &doc, &project), 0);
        assert_string_equal(doc, "{\"id\": \"n1\", \"description\": \"a\"}");
        assert_string_equal(project, "p1");
        free(doc);
        free(project);
        assert_int_equal(store_network_get(st, "nx", &doc, NULL), -ENOENT);

        assert_networks(st, NULL, "n1 n2 n3");
        assert_networks(st, ONE("name", NULL, STORE_VALUE_TEXT, "public"), "n2");
        assert_networks(st, ONE("shared", NULL, STORE_VALUE_INT, "1"), "n2");
        assert_networks(st, ONE("router:external", NULL, STORE_VALUE_INT, "1"), "n3");
        assert_networks(st, ONE("admin_state_up", NULL, STORE_VALUE_INT, "0"), "n3");
        assert_networks(st, ONE("mtu", NULL, STORE_VALUE_INT, "1500"), "n1 n2");
        assert_networks(st, ONE("tenant_id", NULL, STORE_VALUE_TEXT, "p2"), "n2 n3");
        /* The segment's attributes, from its row. */
        assert_networks(st, ONE("provider:network_type", NULL, STORE_VALUE_TEXT, "vlan"), "n1");
        assert_networks(st, ONE("provider:physical_network", NULL, STORE_VALUE_TEXT, "physnet2"),
                        "n2");
        assert_networks(st, ONE("provider:segmentation_id", NULL, STORE_VALUE_INT, "100"), "n1");
        /* No column: from the document. */
        assert_networks(st, ONE("description", NULL, STORE_VALUE_TEXT, "a"), "n1");
        /* A project sees its own and the shared ones, then the external. */
        assert_networks(st, &(struct store_query){.project_id = "p1", .shared_attr = "shared"},
                        "n1 n2");
        assert_networks(st, &(struct store_query){.project_id = "p1", .shared_attr = "shared",
                                                  .also_shared_attr = "router:external"},
                        "n1 n2 n3");
        assert_networks(st, &(struct store_query){.marker = "n1", .limit = 1}, "n2");

        /* An update keeps or replaces the segment; absent: not found. */
        struct store_network n1 = {"n1", "p1", "renamed", "ACTIVE", true, true, false, 1500,
                                   "vlan", "physnet1", 101, "{}"};
        assert_int_equal(store_network_put(st, &n1, false), 0);
        assert_networks(st, ONE("provider:segmentation_id", NULL, STORE_VALUE_INT, "101"), "n1");
        assert_networks(st, ONE("shared", NULL, STORE_VALUE_INT, "1"), "n1 n2");
        n1.id = "nx";
        assert_int_equal(store_network_put(st, &n1, false), -ENOENT);

        /* Deleted with its segment. */
        assert_int_equal(store_network_delete(st, "n1"), 0);
        assert_int_equal(store_network_delete(st, "n1"), -ENOENT);
        assert_networks(st, ONE("provider:physical_network", NULL, STORE_VALUE_TEXT, "physnet1"),
                        "");
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

static void test_ports(void **state)
{
        struct store *st = test_store_open();
        assert_int_equal(store_begin(st, true), 0);
        put_ports(st);
        char *doc = NULL, *host = NULL;
        assert_int_equal(store_port_get(st, "pa", &doc, NULL), 0);
        assert_string_equal(doc, "{\"id\": \"pa\"}");
        free(doc);
        assert_int_equal(store_port_host(st, "pa", &host), 0);
        assert_string_equal(host, "cn1");
        free(host);
        /* Unbound: no host; absent: not found. */
        assert_int_equal(store_port_host(st, "pb", &host), 0);
        assert_null(host);
        assert_int_equal(store_port_host(st, "px", &host), -ENOENT);

        assert_ports(st, ONE("network_id", NULL, STORE_VALUE_TEXT, "n1"), "pa pb");
        assert_ports(st, ONE("name", NULL, STORE_VALUE_TEXT, "web"), "pa pc");
        assert_ports(st, ONE("device_id", NULL, STORE_VALUE_TEXT, "vm-2"), "pc");
        assert_ports(st, ONE("device_owner", NULL, STORE_VALUE_TEXT, ""), "pb");
        assert_ports(st, ONE("mac_address", NULL, STORE_VALUE_TEXT, "fa:16:3e:00:00:02"), "pb");
        assert_ports(st, ONE("binding:host_id", NULL, STORE_VALUE_TEXT, "cn1"), "pa");
        assert_ports(st, ONE("binding:vnic_type", NULL, STORE_VALUE_TEXT, "direct"), "pa pc");
        assert_ports(st, ONE("status", NULL, STORE_VALUE_TEXT, "DOWN"), "pb pc");
        assert_ports(st, ONE("admin_state_up", NULL, STORE_VALUE_INT, "0"), "pb");
        assert_ports(st, ONE("fixed_ips", "subnet_id", STORE_VALUE_TEXT, "s1"), "pa pb");
        assert_ports(st, ONE("fixed_ips", "ip_address", STORE_VALUE_TEXT, "2001:db8::5"), "pa");
        assert_ports(st, &(struct store_query){.project_id = "p2"}, "pc");
        /* Several values of one filter, ANDed with another. */
        const char *nets[] = {"n1", "n2"}, *names[] = {"web"};
        struct store_filter two[] = {{"network_id", STORE_VALUE_TEXT, nets, 2, NULL},
                                     {"name", STORE_VALUE_TEXT, names, 1, NULL}};
        assert_ports(st, &(struct store_query){.filters = two, .n_filters = 2}, "pa pc");
        assert_ports(st, &(struct store_query){.filters = two, .n_filters = 1, .marker = "pa",
                                               .limit = 1}, "pb");

        /* An update replaces the fixed IPs; absent: not found. */
        struct store_fixed_ip c[] = {{"s3", "10.1.0.9"}};
        struct store_port pa = {"pa", "p1", "n1", "web", "", "", "fa:16:3e:00:00:01",
                                "cn9", "direct", "DOWN", true, c, 1, "{}"};
        assert_int_equal(store_port_put(st, &pa, false), 0);
        assert_ports(st, ONE("fixed_ips", "subnet_id", STORE_VALUE_TEXT, "s1"), "pb");
        assert_ports(st, ONE("fixed_ips", "subnet_id", STORE_VALUE_TEXT, "s3"), "pa");
        assert_ports(st, ONE("binding:host_id", NULL, STORE_VALUE_TEXT, "cn9"), "pa");
        pa.id = "px";
        assert_int_equal(store_port_put(st, &pa, false), -ENOENT);

        /* Deleted with its fixed IPs. */
        assert_int_equal(store_port_delete(st, "pb"), 0);
        assert_int_equal(store_port_delete(st, "pb"), -ENOENT);
        assert_ports(st, ONE("fixed_ips", "subnet_id", STORE_VALUE_TEXT, "s1"), "");
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

/* A version-10 database (the schema before these rows, made by rolling a
 * fresh one back) holding network and port documents: they move to the
 * rows with their segment and addresses, and leave the documents; other
 * documents stay. */
static void test_migration(void **state)
{
        struct store *st = test_store_open();
        store_free(st);
        sqlite3 *db = NULL;
        assert_int_equal(sqlite3_open(test_dbpath, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db,
                "DROP TABLE port_fixed_ips; DROP TABLE ports; DROP TABLE network_segments;"
                "DROP TABLE networks; DROP INDEX compute_hosts_num_id;"
                "ALTER TABLE compute_hosts DROP COLUMN num_id;"
                "DELETE FROM schema_version WHERE version >= 11;"
                "INSERT INTO objects VALUES ('network', 'n1', 'p1', '{\"id\": \"n1\", "
                "  \"name\": \"net\", \"admin_state_up\": true, \"shared\": true, "
                "  \"router:external\": false, \"status\": \"ACTIVE\", \"mtu\": 1500, "
                "  \"provider:network_type\": \"vlan\", \"provider:physical_network\": "
                "  \"physnet1\", \"provider:segmentation_id\": 7, \"project_id\": \"p1\"}');"
                "INSERT INTO objects VALUES ('port', 'pa', 'p1', '{\"id\": \"pa\", "
                "  \"name\": \"web\", \"network_id\": \"n1\", \"admin_state_up\": false, "
                "  \"mac_address\": \"fa:16:3e:00:00:01\", \"device_id\": \"vm\", "
                "  \"device_owner\": \"compute:nova\", \"binding:host_id\": \"cn1\", "
                "  \"binding:vnic_type\": \"direct\", \"status\": \"DOWN\", \"fixed_ips\": "
                "  [{\"subnet_id\": \"s1\", \"ip_address\": \"10.0.0.5\"}]}');"
                "INSERT INTO objects VALUES ('port', 'pb', 'p2', '{\"id\": \"pb\"}');"
                "INSERT INTO objects VALUES ('subnet', 's1', 'p1', '{\"id\": \"s1\"}');",
                NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(db);

        assert_int_equal(store_open(test_dbpath, &st), 0);
        assert_int_equal(store_begin(st, false), 0);
        assert_networks(st, ONE("provider:segmentation_id", NULL, STORE_VALUE_INT, "7"), "n1");
        assert_networks(st, ONE("shared", NULL, STORE_VALUE_INT, "1"), "n1");
        assert_networks(st, ONE("mtu", NULL, STORE_VALUE_INT, "1500"), "n1");
        assert_ports(st, NULL, "pa pb");
        assert_ports(st, ONE("fixed_ips", "ip_address", STORE_VALUE_TEXT, "10.0.0.5"), "pa");
        assert_ports(st, ONE("binding:host_id", NULL, STORE_VALUE_TEXT, "cn1"), "pa");
        assert_ports(st, ONE("admin_state_up", NULL, STORE_VALUE_INT, "0"), "pa");
        assert_ports(st, ONE("device_owner", NULL, STORE_VALUE_TEXT, "compute:nova"), "pa");
        assert_ports(st, &(struct store_query){.project_id = "p2"}, "pb");
        char *doc = NULL;
        assert_int_equal(store_port_get(st, "pa", &doc, NULL), 0);
        assert_non_null(strstr(doc, "\"binding:vnic_type\": \"direct\""));
        free(doc);
        /* Gone from the documents; the other documents stay. */
        assert_int_equal(store_obj_get(st, "network", "n1", &doc, NULL), -ENOENT);
        assert_int_equal(store_obj_get(st, "port", "pa", &doc, NULL), -ENOENT);
        assert_int_equal(store_obj_get(st, "subnet", "s1", &doc, NULL), 0);
        free(doc);
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_networks),
                cmocka_unit_test(test_ports),
                cmocka_unit_test(test_migration),
        };
        /* On PostgreSQL the rows alone: the migration test writes SQLite's
         * file. */
        const struct CMUnitTest pg_tests[] = {
                cmocka_unit_test(test_networks),
                cmocka_unit_test(test_ports),
        };
        if (test_store_pg())
                return cmocka_run_group_tests_name("tests", pg_tests, NULL, NULL);
        return cmocka_run_group_tests_name("tests", tests, NULL, NULL);
}
