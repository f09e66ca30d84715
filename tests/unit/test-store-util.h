/* A store on a temporary SQLite file, for the unit tests of the store and
 * of the services: test_store_path() names a fresh file, test_store_open()
 * opens a store on one, test_store_remove() deletes the file and its WAL
 * and SHM companions, test_store_drop() frees the store first.
 *
 * Under tests/pg/pg-throwaway.sh (VFNET_TEST_STORE_URL set) the same
 * helpers give a fresh database on that PostgreSQL server instead: the
 * "-pg" copies of the tests. */
#pragma once

#include <unistd.h>

#include "test-util.h"
#include "store/store.h"

/* The schema version this code's migrations reach. */
#define TEST_SCHEMA_LATEST 22

/* SQL that puts the instances back as migration 6 made them (one row
 * with its document), for a test that rolls a fresh database back to a
 * version before instances lost their document; on both backends. */
#define TEST_INSTANCES_WITH_DOCUMENT                                                               \
        "DROP TABLE instance_ports; DROP TABLE instance_addresses;"                                \
        "DROP TABLE instance_tried_hosts; DROP TABLE instances;"                                   \
        "CREATE TABLE instances (id TEXT PRIMARY KEY, project_id TEXT NOT NULL, host TEXT,"       \
        "  status TEXT NOT NULL, task_state TEXT, vcpus BIGINT NOT NULL,"                          \
        "  memory_mb BIGINT NOT NULL, doc TEXT NOT NULL);"                                         \
        "CREATE INDEX instances_project ON instances (project_id, id);"                            \
        "CREATE INDEX instances_host ON instances (host, task_state);"

/* SQL that puts the networks back as migration 11 made them (the row
 * with its document beside it), for a test that rolls a fresh database
 * back to a version before networks lost their document (17) but after
 * they became rows; on both backends. */
#define TEST_NETWORKS_WITH_DOCUMENT                                                                \
        "ALTER TABLE networks DROP COLUMN description;"                                            \
        "ALTER TABLE networks DROP COLUMN port_security_enabled;"                                  \
        "ALTER TABLE networks DROP COLUMN availability_zone_hints;"                                \
        "ALTER TABLE networks DROP COLUMN tags;"                                                   \
        "ALTER TABLE networks DROP COLUMN subnets;"                                                \
        "ALTER TABLE networks DROP COLUMN created_at;"                                             \
        "ALTER TABLE networks DROP COLUMN updated_at;"                                             \
        "ALTER TABLE networks DROP COLUMN revision_number;"                                        \
        "ALTER TABLE networks ADD COLUMN doc TEXT NOT NULL DEFAULT '{}';"

/* SQL that puts the subnets back as migration 13 made them (the row
 * with its document beside it), for a test that rolls a fresh database
 * back to a version before subnets lost their document (18) but after
 * they became rows; on both backends. */
#define TEST_SUBNETS_WITH_DOCUMENT                                                                 \
        "ALTER TABLE subnets DROP COLUMN description;"                                             \
        "ALTER TABLE subnets DROP COLUMN dns_nameservers;"                                         \
        "ALTER TABLE subnets DROP COLUMN host_routes;"                                             \
        "ALTER TABLE subnets DROP COLUMN service_types;"                                           \
        "ALTER TABLE subnets DROP COLUMN tags;"                                                    \
        "ALTER TABLE subnets DROP COLUMN created_at;"                                              \
        "ALTER TABLE subnets DROP COLUMN updated_at;"                                              \
        "ALTER TABLE subnets DROP COLUMN revision_number;"                                         \
        "ALTER TABLE subnets ADD COLUMN doc TEXT NOT NULL DEFAULT '{}';"
/* SQL that puts the ports back as migration 11 made them (the row with
 * its document beside it, the fixed IPs without their order), for a test
 * that rolls a fresh database back to a version before ports lost their
 * document (20); on both backends. */
#define TEST_PORTS_WITH_DOCUMENT                                                                   \
        "DROP TABLE port_fixed_ips; DROP TABLE ports;"                                             \
        "CREATE TABLE ports (id TEXT PRIMARY KEY, project_id TEXT, network_id TEXT, name TEXT,"   \
        "  device_id TEXT, device_owner TEXT, mac_address TEXT, host TEXT, vnic_type TEXT,"        \
        "  status TEXT, admin_state_up BIGINT, doc TEXT NOT NULL);"                                \
        "CREATE INDEX ports_project ON ports (project_id, id);"                                    \
        "CREATE INDEX ports_network ON ports (network_id, id);"                                    \
        "CREATE INDEX ports_device ON ports (device_id, id) WHERE device_id <> '';"                \
        "CREATE INDEX ports_host ON ports (host, id) WHERE host <> '';"                            \
        "CREATE INDEX ports_name ON ports (name, id) WHERE name <> '';"                            \
        "CREATE TABLE port_fixed_ips (port_id TEXT NOT NULL REFERENCES ports (id)"                 \
        "  ON DELETE CASCADE, subnet_id TEXT NOT NULL, ip_address TEXT NOT NULL,"                  \
        "  PRIMARY KEY (port_id, subnet_id, ip_address));"                                         \
        "CREATE INDEX port_fixed_ips_subnet ON port_fixed_ips (subnet_id, ip_address);"

static char test_dbpath[128];
static char test_pgdb[64];

static inline bool test_store_pg(void)
{
        return getenv("VFNET_TEST_STORE_URL") != NULL;
}

/* createdb or dropdb of test_pgdb (the server is in PGHOST, PGUSER). */
static inline int test_store_pg_run(const char *tool)
{
        char cmd[160];
        snprintf(cmd, sizeof(cmd), "%s %s%s >/dev/null", tool,
                 streq(tool, "dropdb") ? "--force --if-exists " : "", test_pgdb);
        return system(cmd);
}

static inline const char *test_store_path(void)
{
        if (test_store_pg()) {
                static unsigned n;
                snprintf(test_pgdb, sizeof(test_pgdb), "vfnet_unit_%d_%u", (int)getpid(), ++n);
                assert_int_equal(test_store_pg_run("createdb"), 0);
                snprintf(test_dbpath, sizeof(test_dbpath), "postgresql:///%s", test_pgdb);
                return test_dbpath;
        }
        snprintf(test_dbpath, sizeof(test_dbpath), "/tmp/vfnet-unit-XXXXXX");
        int fd = mkstemp(test_dbpath);
        assert_true(fd >= 0);
        close(fd);
        unlink(test_dbpath);
        return test_dbpath;
}

static inline struct store *test_store_open(void)
{
        struct store *st = NULL;
        assert_int_equal(store_open(test_store_path(), &st), 0);
        return st;
}

static inline void test_store_remove(void)
{
        char p[160];
        if (test_store_pg()) {
                test_store_pg_run("dropdb");
                return;
        }
        unlink(test_dbpath);
        snprintf(p, sizeof(p), "%s-wal", test_dbpath);
        unlink(p);
        snprintf(p, sizeof(p), "%s-shm", test_dbpath);
        unlink(p);
}

static inline void test_store_drop(struct store *st)
{
        store_free(st);
        test_store_remove();
}
