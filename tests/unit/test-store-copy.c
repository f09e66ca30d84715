/* store_copy(): a SQLite database copied into PostgreSQL keeps every value
 * byte for byte (tabs, newlines, backslashes, quotes and UTF-8 in text,
 * SQL NULL, every bit of a double), rows whose foreign keys name another
 * table, the change feed's counter past compacted revisions; a second copy
 * and wrong URLs are refused.  Runs under tests/pg/pg-throwaway.sh. */
#include "test-util.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include "base/error.h"
#include "base/strbuf.h"
#include "store/store-copy.h"
#include "store/store.h"

/* JSON's own escapes are backslashes too. */
#define ODD_DOC "{\"name\": \"a\\tb\\nc \\\\ \\\"q\\\" caf\xc3\xa9\"}"
#define ODD "tab\there, line\nbreak\r\n, back\\slash \\N, \"quoted\", caf\xc3\xa9 \xe2\x82\xac"

static char sqlite_path[64];
static char pg_url[160];
static int n_tables;

/* A fresh database on the throwaway server (PGHOST, PGUSER). */
static const char *fresh_pg(const char *name)
{
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "createdb %s_%d", name, (int)getpid());
        assert_int_equal(system(cmd), 0);
        snprintf(pg_url, sizeof(pg_url), "postgresql:///%s_%d", name, (int)getpid());
        return pg_url;
}

static void counted(const char *table, int64_t rows, void *userdata)
{
        n_tables++;
}

static void fill_source(void)
{
        snprintf(sqlite_path, sizeof(sqlite_path), "/tmp/vfnet-copy-%d.sqlite", (int)getpid());
        unlink(sqlite_path);
        struct store *st = NULL;
        assert_int_equal(store_open(sqlite_path, &st), 0);
        assert_int_equal(store_begin(st, true), 0);
        assert_int_equal(store_obj_insert(st, "thing", "t1", NULL, ODD_DOC), 0);
        assert_int_equal(store_secret_set(st, "odd", ODD), 0);
        struct store_host_report rep = {"h1", "hash", 1765000000.123456789, "{}"};
        assert_int_equal(store_host_report_put(st, &rep), 0);
        struct store_network n = {
                .id = "n1", .project_id = "p1", .name = ODD, .description = "",
                .status = "ACTIVE", .admin_state_up = true, .port_security_enabled = true,
                .mtu = -1, .availability_zone_hints = "[\"az1\"]", .tags = "[]",
                .subnets = "[\"s1\"]", .created_at = "2026-01-01T00:00:00Z",
                .updated_at = "2026-01-02T00:00:00Z", .revision_number = 3,
                .network_type = "vlan", .physical_network = "physnet1", .segmentation_id = 100,
        };
        assert_int_equal(store_network_put(st, &n, true), 0);
        struct store_ip_range pools[] = {{"192.0.2.2", "192.0.2.9"}, {"192.0.2.20", "192.0.2.29"}};
        struct store_subnet sub = {
                .id = "s1", .project_id = "p1", .network_id = "n1", .name = ODD,
                .description = "d", .ip_version = 4, .cidr = "192.0.2.0/24",
                .gateway_ip = "192.0.2.1", .enable_dhcp = true, .shared = true,
                .dns_nameservers = "[\"192.0.2.53\"]",
                .host_routes = "[{\"destination\":\"0.0.0.0/0\",\"nexthop\":\"192.0.2.9\"}]",
                .created_at = "2026-01-01T00:00:00Z", .updated_at = "2026-01-02T00:00:00Z",
                .revision_number = 2, .pools = pools, .n_pools = 2,
        };
        assert_int_equal(store_subnet_put(st, &sub, true), 0);
        struct store_fixed_ip ip = {"s1", "192.0.2.5"};
        struct store_port p = {
                .id = "pt1", .project_id = "p1", .network_id = "n1", .description = ODD,
                .device_id = "", .device_owner = "", .mac_address = "fa:16:3e:00:00:01",
                .host = "h1", .vnic_type = "direct", .vif_type = "hw_veb",
                .vif_details = "{\"vlan\":\"100\"}", .profile = "{\"pci_slot\":\"0000:03:10.1\"}",
                .status = "DOWN", .admin_state_up = true, .security_groups = "[\"sg1\"]",
                .created_at = "2026-01-01T00:00:00Z", .revision_number = 2,
                .fixed_ips = &ip, .n_fixed_ips = 1,
        };
        assert_int_equal(store_port_put(st, &p, true), 0);
        assert_int_equal(store_claim(st, "mac", "fa:16:3e:00:00:01", "pt1"), 0);
        /* A group and its rules (which name it by a foreign key), their
         * order on its list not their ids'. */
        struct store_secgroup g = {"sg1", "p1", ODD, "d", false, "[]", "2026-01-01T00:00:00Z",
                                   "2026-01-02T00:00:00Z", 2};
        assert_int_equal(store_secgroup_put(st, &g, true), 0);
        struct store_sg_rule rules[] = {
                {"r2", "sg1", "p1", "ingress", "IPv4", "tcp", 22, 22, "192.0.2.0/24", NULL, NULL,
                 "192.0.2.0/24", ODD, "[]", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", 0},
                {"r1", "sg1", "p1", "egress", "IPv6", NULL, -1, -1, NULL, "sg1", NULL, NULL, "",
                 "[]", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", 0},
        };
        for (size_t i = 0; i < ARRAY_SIZE(rules); i++)
                assert_int_equal(store_sg_rule_put(st, &rules[i], true), 0);
        /* An instance: its columns (a boolean among them) and its lists,
         * which name it by a foreign key. */
        struct store_instance in = {.id = "i1", .project_id = "p1", .name = ODD,
                                    .status = "ACTIVE", .vcpus = 1, .memory_mb = 64,
                                    .locked = true, .metadata = "{\"k\": \"v\"}"};
        assert_int_equal(store_instance_add_port(&in, "pt1", true), 0);
        assert_int_equal(store_instance_add_address(&in, "web", 4, "192.0.2.5", NULL), 0);
        assert_int_equal(store_instance_put(st, &in, true), 0);
        free(in.ports[0].port_id);
        free(in.ports);
        free(in.addresses[0].network);
        free(in.addresses[0].addr);
        free(in.addresses);
        for (int i = 0; i < 3; i++)
                assert_int_equal(store_change_append(st, "h1", "port", "pt1", NULL), 0);
        assert_int_equal(store_end(st, true), 0);
        store_free(st);
        /* Revisions 1..3 given, then all compacted away: only SQLite's
         * counter remembers 3. */
        sqlite3 *db = NULL;
        assert_int_equal(sqlite3_open(sqlite_path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db, "DELETE FROM host_changes; INSERT INTO stamps "
                                      "VALUES ('changes_compacted', 3)", NULL, NULL, NULL),
                         SQLITE_OK);
        sqlite3_close(db);
}

static int rule_id_cb(const struct store_sg_rule *r, void *userdata)
{
        return strbuf_printf(userdata, " %s", r->id);
}

/* One value PostgreSQL gives for sql on the target. */
static void assert_pg_value(const char *url, const char *sql, const char *want)
{
        PGconn *pq = PQconnectdb(url);
        assert_int_equal(PQstatus(pq), CONNECTION_OK);
        PGresult *res = PQexec(pq, sql);
        assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
        assert_string_equal(PQgetvalue(res, 0, 0), want);
        PQclear(res);
        PQfinish(pq);
}

static void test_copy(void **state)
{
        fill_source();
        const char *url = fresh_pg("vfnet_copy");
        assert_int_equal(store_copy(sqlite_path, url, false, counted, NULL), 0);
        assert_true(n_tables >= 16);
        assert_pg_value(url, "SELECT received = 1765000000.123456789::float8 FROM host_reports",
                        "t");
        assert_pg_value(url, "SELECT name FROM networks", ODD);
        assert_pg_value(url, "SELECT count(*) FROM host_changes", "0");

        struct store *st = NULL;
        assert_int_equal(store_open(url, &st), 0);
        assert_int_equal(store_begin(st, false), 0);
        _cleanup_free_ char *doc = NULL, *secret = NULL, *host = NULL,
                            *hash = NULL;
        _cleanup_network_ struct store_network *net = NULL;
        assert_int_equal(store_obj_get(st, "thing", "t1", &doc, NULL), 0);
        assert_string_equal(doc, ODD_DOC);
        assert_int_equal(store_secret_get(st, "odd", &secret), 0);
        assert_string_equal(secret, ODD);
        assert_int_equal(store_host_report_get(st, "h1", NULL, &hash), 0);
        assert_string_equal(hash, "hash");
        /* Every column of the typed row went over. */
        assert_int_equal(store_network_get(st, "n1", &net), 0);
        assert_string_equal(net->name, ODD);
        assert_string_equal(net->availability_zone_hints, "[\"az1\"]");
        assert_string_equal(net->subnets, "[\"s1\"]");
        assert_string_equal(net->updated_at, "2026-01-02T00:00:00Z");
        assert_int_equal(net->revision_number, 3);
        assert_true(net->port_security_enabled);
        assert_int_equal(net->mtu, -1);
        assert_int_equal(net->segmentation_id, 100);
        _cleanup_subnet_ struct store_subnet *sub = NULL;
        assert_int_equal(store_subnet_get(st, "s1", &sub), 0);
        assert_string_equal(sub->name, ODD);
        assert_string_equal(sub->description, "d");
        assert_int_equal(sub->ip_version, 4);
        assert_string_equal(sub->gateway_ip, "192.0.2.1");
        assert_true(sub->enable_dhcp && sub->shared);
        assert_string_equal(sub->dns_nameservers, "[\"192.0.2.53\"]");
        assert_string_equal(sub->host_routes,
                            "[{\"destination\":\"0.0.0.0/0\",\"nexthop\":\"192.0.2.9\"}]");
        assert_string_equal(sub->service_types, "[]");
        assert_string_equal(sub->updated_at, "2026-01-02T00:00:00Z");
        assert_int_equal(sub->revision_number, 2);
        assert_int_equal(sub->n_pools, 2);
        assert_string_equal(sub->pools[1].start, "192.0.2.20");
        assert_string_equal(sub->pools[1].end, "192.0.2.29");
        _cleanup_port_ struct store_port *port = NULL;
        assert_int_equal(store_port_get(st, "pt1", &port), 0);
        assert_string_equal(port->description, ODD);
        assert_string_equal(port->vif_type, "hw_veb");
        assert_string_equal(port->vif_details, "{\"vlan\":\"100\"}");
        assert_string_equal(port->profile, "{\"pci_slot\":\"0000:03:10.1\"}");
        assert_string_equal(port->security_groups, "[\"sg1\"]");
        assert_int_equal(port->revision_number, 2);
        assert_int_equal(port->n_fixed_ips, 1);
        assert_string_equal(port->fixed_ips[0].ip_address, "192.0.2.5");
        assert_int_equal(store_port_host(st, "pt1", &host), 0);
        assert_string_equal(host, "h1");
        assert_int_equal(store_is_claimed(st, "mac", "fa:16:3e:00:00:01"), 1);
        _cleanup_instance_ struct store_instance *in = NULL;
        assert_int_equal(store_instance_get(st, "i1", &in), 0);
        assert_string_equal(in->name, ODD);
        assert_true(in->locked);
        assert_string_equal(in->metadata, "{\"k\": \"v\"}");
        assert_int_equal(in->n_ports, 1);
        assert_true(in->ports[0].created);
        assert_int_equal(in->n_addresses, 1);
        assert_string_equal(in->addresses[0].addr, "192.0.2.5");
        _cleanup_secgroup_ struct store_secgroup *g = NULL;
        assert_int_equal(store_secgroup_get(st, "sg1", &g), 0);
        assert_string_equal(g->name, ODD);
        assert_false(g->stateful);
        assert_int_equal(g->revision_number, 2);
        _cleanup_sg_rule_ struct store_sg_rule *rule = NULL;
        assert_int_equal(store_sg_rule_get(st, "r2", &rule), 0);
        assert_string_equal(rule->description, ODD);
        assert_int_equal(rule->port_range_max, 22);
        assert_null(rule->remote_group_id);
        _cleanup_strbuf_ struct strbuf order = STRBUF_INIT;
        assert_int_equal(store_sg_rules_of(st, "sg1", rule_id_cb, &order), 0);
        assert_string_equal(strbuf_str(&order), " r2 r1");
        int64_t rev = 0;
        assert_int_equal(store_change_revision(st, &rev), 0);
        assert_int_equal(rev, 3);
        assert_int_equal(store_end(st, true), 0);
        /* The next revision follows the copied ones. */
        assert_int_equal(store_begin(st, true), 0);
        assert_int_equal(store_change_append(st, "h1", "port", "pt1", &rev), 0);
        assert_int_equal(rev, 4);
        assert_int_equal(store_end(st, true), 0);
        store_free(st);

        /* A second copy: refused, nothing written. */
        n_tables = 0;
        assert_int_equal(store_copy(sqlite_path, url, false, counted, NULL), -EEXIST);
        assert_int_equal(n_tables, 0);
        assert_non_null(strstr(err_msg(-EEXIST), "already holds data"));
        assert_pg_value(url, "SELECT count(*) FROM ports", "1");
        assert_int_equal(store_copy(sqlite_path, url, true, counted, NULL), -EEXIST);
        unlink(sqlite_path);
}

static void test_refused(void **state)
{
        fill_source();
        assert_int_equal(store_copy(sqlite_path, "mysql://db/x", false, NULL, NULL), -EINVAL);
        assert_int_equal(store_copy(sqlite_path, sqlite_path, false, NULL, NULL), -EINVAL);
        assert_int_equal(store_copy("postgresql:///x", "postgresql:///y", false, NULL, NULL),
                         -EINVAL);
        int r = store_copy("/nonexistent/vfnet.sqlite", "postgresql:///y", false, NULL, NULL);
        assert_true(r < 0);
        assert_non_null(strstr(err_msg(r), "cannot open the source database"));
        /* A dry run writes nothing: the same target then takes the copy. */
        const char *url = fresh_pg("vfnet_dry");
        assert_int_equal(store_copy(sqlite_path, url, true, NULL, NULL), 0);
        assert_int_equal(store_copy(sqlite_path, url, false, NULL, NULL), 0);
        unlink(sqlite_path);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_copy),
                cmocka_unit_test(test_refused),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
