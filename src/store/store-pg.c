/* The PostgreSQL backend of store.h: a bounded pool of connections per
 * server, one transaction per store_begin()..store_end() on the calling
 * thread's connection, versioned migrations in PostgreSQL's dialect, and
 * the documents, claims, secrets, stamps and change feed (the typed rows
 * are in store-pg-rows.c).
 *
 * Writers run READ COMMITTED and take one advisory lock for the whole
 * database at begin: the domain code assumes a serial writer, as SQLite's
 * BEGIN IMMEDIATE gives, and several servers sharing the database then
 * never hand out one VLAN, IP, MAC or VF twice.  Readers run REPEATABLE
 * READ (one snapshot) and never wait for a writer; a read-committed
 * reader sends neither BEGIN nor COMMIT.  Within one server
 * writers queue on a lock before they take a connection; readers each take
 * one of the pool and run side by side. */
#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "base/error.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "store/store-pg.h"

#define PG_POOL_DEFAULT 8
#define PG_POOL_MAX 1024
/* How long a writer waits for the lock (or any row lock) before the
 * request gets a 503, as SQLite's busy timeout. */
#define PG_LOCK_TIMEOUT "10s"

/* Statements are prepared once per connection and reused by their text
 * (parsing and planning were a visible part of every request). */
#define PG_STMT_CACHE 96

struct pg_stmt {
        char *sql;
        char name[16];
};

struct pg_conn {
        PGconn *pq;
        bool busy;
        struct pg_stmt stmts[PG_STMT_CACHE]; /* on pq, forgotten when it is opened anew */
        unsigned n_stmts, next_victim, serial;
        /* A read transaction begun but not sent yet: its BEGIN goes out
         * with its first statement, one round trip for both. */
        bool begin_pending;
        /* A read transaction's end sent and its answer not yet read: read
         * when the connection is next taken (it has arrived by then), so
         * a reader never waits for it. */
        bool end_pending;
        bool writing; /* the open transaction is a writer's */
        /* The open read is store_begin_read_committed()'s: no BEGIN, each
         * statement on its own (the first with the stamp), no end. */
        bool autocommit;
        bool failed;  /* a statement failed and the transaction with it */
        /* Hosts the open transaction appended change-feed entries for. */
        struct store_changed_hosts changed;
};

struct pg_store {
        struct store base;
        char *conninfo;
        /* Held by a write transaction from store_begin() to store_end(): a
         * server's writers queue here, not each on a connection of the
         * pool waiting for the database's write lock.  Reads take no lock:
         * each runs on a connection of its own, side by side. */
        pthread_mutex_t write_lock;
        pthread_mutex_t lock;    /* guards the pool */
        pthread_cond_t freed;
        size_t n_conns;
        struct pg_conn *conns;
        char origin[PG_ORIGIN_LEN + 1]; /* this server, in its notifications */
        struct pg_listener *listener;
};

/* The transaction the calling thread holds (store_begin..store_end). */
static __thread struct pg_store *tx_store;
static __thread struct pg_conn *tx_conn;

/* The calling thread's deferred stamp check (store_stamp_expect()): open
 * until settled; read by the first transaction that begins, or by the
 * settle. */
static __thread struct stamp_expectation {
        bool open, unread, moved;
        char name[32];
        int64_t value;
} tx_expect;

static void expectation_read(int64_t value)
{
        tx_expect.unread = false;
        tx_expect.moved = value != tx_expect.value;
}

static int expectation_failed(void)
{
        return err_set(-ESTALE, "database: the %s stamp moved since it was relied on",
                       tx_expect.name);
}

static struct pg_store *to_pg(struct store *base)
{
        return (struct pg_store *)base;
}

/* Each entry moves the schema from version i to i+1, the same versions as
 * store-sqlite.c's list; never edit a released entry, append a new one.
 * A PostgreSQL database starts empty under this code, so the entries that
 * moved SQLite's older layouts' data into new tables only create them
 * here.  Text keys that lists order by or page through compare bytewise
 * (COLLATE "C"), as SQLite's do, whatever the database's locale. */
static const char *const pg_migrations[] = {
        /* 1: objects (the document as text, as the API returns it, and as
         * jsonb for the filters), allocations, secrets */
        "CREATE FUNCTION json_num(v jsonb) RETURNS numeric LANGUAGE sql IMMUTABLE AS "
        "$$ SELECT CASE jsonb_typeof(v) WHEN 'boolean' THEN CASE WHEN v = 'true' THEN 1 ELSE 0 END "
        "WHEN 'number' THEN (v #>> '{}')::numeric END $$;"
        "CREATE TABLE objects ("
        "  kind TEXT NOT NULL,"
        "  id TEXT COLLATE \"C\" NOT NULL,"
        "  project_id TEXT,"
        "  doc TEXT NOT NULL,"
        "  j JSONB GENERATED ALWAYS AS (doc::jsonb) STORED,"
        "  PRIMARY KEY (kind, id));"
        "CREATE TABLE allocations ("
        "  pool TEXT NOT NULL,"
        "  value TEXT COLLATE \"C\" NOT NULL,"
        "  owner TEXT NOT NULL,"
        "  PRIMARY KEY (pool, value));"
        "CREATE INDEX allocations_owner ON allocations (owner);"
        "CREATE TABLE secrets (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
        /* 2: the attributes clients filter on most answer from an index */
        "CREATE INDEX objects_project ON objects (kind, project_id, id);"
        "CREATE INDEX objects_name ON objects (kind, (j ->> 'name'), id);"
        "CREATE INDEX objects_network ON objects (kind, (j ->> 'network_id'), id);"
        "CREATE INDEX objects_device ON objects (kind, (j ->> 'device_id'), id);",
        /* 3: revision stamps; the change feed's counter is one of them */
        "CREATE TABLE stamps (name TEXT PRIMARY KEY, value BIGINT NOT NULL);",
        /* 4: compute usage and PCI claims as typed rows */
        "CREATE TABLE compute_usage ("
        "  instance_id TEXT PRIMARY KEY,"
        "  host TEXT NOT NULL,"
        "  vcpus BIGINT NOT NULL,"
        "  memory_mb BIGINT NOT NULL,"
        "  disk_gb BIGINT NOT NULL);"
        "CREATE INDEX compute_usage_host ON compute_usage (host);"
        "CREATE TABLE pci_claims ("
        "  host TEXT NOT NULL,"
        "  domain BIGINT NOT NULL,"
        "  bus BIGINT NOT NULL,"
        "  slot BIGINT NOT NULL,"
        "  function BIGINT NOT NULL,"
        "  instance_id TEXT NOT NULL,"
        "  PRIMARY KEY (host, domain, bus, slot, function));"
        "CREATE INDEX pci_claims_instance ON pci_claims (instance_id);",
        /* 5: the per-host change feed; revisions come from the stamp
         * "changes_revision", counted in the appending transaction, so
         * they follow the (serial) writers' commit order. */
        "CREATE TABLE host_changes ("
        "  revision BIGINT PRIMARY KEY,"
        "  host TEXT NOT NULL,"
        "  kind TEXT NOT NULL,"
        "  id TEXT NOT NULL);"
        "CREATE INDEX host_changes_host ON host_changes (host, revision);",
        /* 6: instances as typed rows */
        "CREATE TABLE instances ("
        "  id TEXT COLLATE \"C\" PRIMARY KEY,"
        "  project_id TEXT NOT NULL,"
        "  host TEXT,"
        "  status TEXT NOT NULL,"
        "  task_state TEXT,"
        "  vcpus BIGINT NOT NULL,"
        "  memory_mb BIGINT NOT NULL,"
        "  doc TEXT NOT NULL);"
        "CREATE INDEX instances_project ON instances (project_id, id);"
        "CREATE INDEX instances_host ON instances (host, task_state);",
        /* 7: compute hosts' reports as rows */
        "CREATE TABLE host_reports ("
        "  host TEXT PRIMARY KEY,"
        "  hash TEXT NOT NULL,"
        "  received DOUBLE PRECISION NOT NULL,"
        "  report TEXT NOT NULL);",
        /* 8: Keystone's failed logins per user */
        "CREATE TABLE user_auth_failures ("
        "  user_id TEXT PRIMARY KEY,"
        "  failed_auth_count BIGINT NOT NULL,"
        "  failed_auth_at DOUBLE PRECISION NOT NULL);",
        /* 9: compute hosts' service records and task queue as typed rows */
        "CREATE TABLE compute_hosts ("
        "  hostname TEXT COLLATE \"C\" PRIMARY KEY,"
        "  service_id TEXT NOT NULL,"
        "  hypervisor_id TEXT NOT NULL,"
        "  disabled BIGINT NOT NULL,"
        "  disabled_reason TEXT,"
        "  forced_down BIGINT NOT NULL,"
        "  availability_zone TEXT,"
        "  report_hash TEXT NOT NULL,"
        "  heartbeat DOUBLE PRECISION NOT NULL,"
        "  created_at TEXT,"
        "  updated_at TEXT);"
        "CREATE INDEX compute_hosts_service ON compute_hosts (service_id);"
        "CREATE TABLE compute_tasks ("
        "  id TEXT COLLATE \"C\" PRIMARY KEY,"
        "  host TEXT NOT NULL,"
        "  action TEXT NOT NULL,"
        "  instance_id TEXT NOT NULL,"
        "  created_at TEXT NOT NULL,"
        "  detail TEXT NOT NULL);"
        "CREATE INDEX compute_tasks_host ON compute_tasks (host, id);",
        /* 10: agents found by their host; each host's claims tag */
        "CREATE INDEX objects_host ON objects (kind, (j ->> 'host'), id);"
        "ALTER TABLE compute_hosts ADD COLUMN claims_tag BIGINT NOT NULL DEFAULT 0;",
        /* 11: networks, their segments, ports and their fixed IPs as typed
         * rows, the API's view beside them; existing documents move over. */
        "CREATE TABLE networks ("
        "  id TEXT COLLATE \"C\" PRIMARY KEY,"
        "  project_id TEXT,"
        "  name TEXT,"
        "  status TEXT,"
        "  admin_state_up BIGINT,"
        "  shared BIGINT,"
        "  external BIGINT,"
        "  mtu BIGINT,"
        "  doc TEXT NOT NULL);"
        "CREATE INDEX networks_project ON networks (project_id, id);"
        "CREATE INDEX networks_name ON networks (name, id);"
        "CREATE TABLE network_segments ("
        "  network_id TEXT PRIMARY KEY REFERENCES networks (id) ON DELETE CASCADE,"
        "  network_type TEXT NOT NULL,"
        "  physical_network TEXT,"
        "  segmentation_id BIGINT);"
        "CREATE INDEX network_segments_physnet ON network_segments (physical_network, segmentation_id);"
        "CREATE TABLE ports ("
        "  id TEXT COLLATE \"C\" PRIMARY KEY,"
        "  project_id TEXT,"
        "  network_id TEXT,"
        "  name TEXT,"
        "  device_id TEXT,"
        "  device_owner TEXT,"
        "  mac_address TEXT,"
        "  host TEXT,"
        "  vnic_type TEXT,"
        "  status TEXT,"
        "  admin_state_up BIGINT,"
        "  doc TEXT NOT NULL);"
        "CREATE INDEX ports_project ON ports (project_id, id);"
        "CREATE INDEX ports_network ON ports (network_id, id);"
        "CREATE INDEX ports_device ON ports (device_id, id) WHERE device_id <> '';"
        "CREATE INDEX ports_host ON ports (host, id) WHERE host <> '';"
        "CREATE INDEX ports_name ON ports (name, id) WHERE name <> '';"
        "CREATE TABLE port_fixed_ips ("
        "  port_id TEXT NOT NULL REFERENCES ports (id) ON DELETE CASCADE,"
        "  subnet_id TEXT NOT NULL,"
        "  ip_address TEXT NOT NULL,"
        "  PRIMARY KEY (port_id, subnet_id, ip_address));"
        "CREATE INDEX port_fixed_ips_subnet ON port_fixed_ips (subnet_id, ip_address);"
        "INSERT INTO networks (id, project_id, name, status, admin_state_up, shared, external, mtu, doc)"
        "  SELECT id, project_id, j ->> 'name', j ->> 'status', json_num(j -> 'admin_state_up'),"
        "    json_num(j -> 'shared'), json_num(j -> 'router:external'), json_num(j -> 'mtu'), doc"
        "  FROM objects WHERE kind = 'network';"
        "INSERT INTO network_segments (network_id, network_type, physical_network, segmentation_id)"
        "  SELECT id, j ->> 'provider:network_type', j ->> 'provider:physical_network',"
        "    json_num(j -> 'provider:segmentation_id')"
        "  FROM objects WHERE kind = 'network' AND j ->> 'provider:network_type' IS NOT NULL;"
        "INSERT INTO ports (id, project_id, network_id, name, device_id, device_owner, mac_address,"
        "    host, vnic_type, status, admin_state_up, doc)"
        "  SELECT id, project_id, j ->> 'network_id', j ->> 'name', j ->> 'device_id',"
        "    j ->> 'device_owner', j ->> 'mac_address', j ->> 'binding:host_id',"
        "    j ->> 'binding:vnic_type', j ->> 'status', json_num(j -> 'admin_state_up'), doc"
        "  FROM objects WHERE kind = 'port';"
        "INSERT INTO port_fixed_ips (port_id, subnet_id, ip_address)"
        "  SELECT o.id, f ->> 'subnet_id', f ->> 'ip_address'"
        "  FROM objects o, jsonb_array_elements(CASE jsonb_typeof(o.j -> 'fixed_ips') WHEN 'array'"
        "    THEN o.j -> 'fixed_ips' ELSE '[]' END) AS f"
        "  WHERE o.kind = 'port' AND f ->> 'subnet_id' IS NOT NULL AND f ->> 'ip_address' IS NOT NULL"
        "  ON CONFLICT DO NOTHING;"
        "DELETE FROM objects WHERE kind IN ('network', 'port');",
        /* 12: each compute host's small integer (Nova's id of its service
         * and hypervisor before 2.53), one more than the largest at insert
         * (writers hold the write lock); existing hosts numbered in
         * hostname order. */
        "ALTER TABLE compute_hosts ADD COLUMN num_id BIGINT NOT NULL DEFAULT 0;"
        "UPDATE compute_hosts h SET num_id = n.rn FROM (SELECT hostname,"
        "  row_number() OVER (ORDER BY hostname) AS rn FROM compute_hosts) n"
        "  WHERE n.hostname = h.hostname;"
        "CREATE UNIQUE INDEX compute_hosts_num_id ON compute_hosts (num_id);",
        /* 13: subnets as typed rows, their allocation pools rows of their
         * own; existing documents move over. */
        "CREATE TABLE subnets ("
        "  id TEXT COLLATE \"C\" PRIMARY KEY,"
        "  project_id TEXT,"
        "  network_id TEXT,"
        "  name TEXT,"
        "  ip_version BIGINT,"
        "  cidr TEXT,"
        "  gateway_ip TEXT,"
        "  enable_dhcp BIGINT,"
        "  shared BIGINT,"
        "  ipv6_ra_mode TEXT,"
        "  ipv6_address_mode TEXT,"
        "  subnetpool_id TEXT,"
        "  doc TEXT NOT NULL);"
        "CREATE INDEX subnets_project ON subnets (project_id, id);"
        "CREATE INDEX subnets_network ON subnets (network_id, id);"
        "CREATE INDEX subnets_name ON subnets (name, id);"
        "CREATE INDEX subnets_cidr ON subnets (cidr, id);"
        "CREATE TABLE subnet_allocation_pools ("
        "  subnet_id TEXT NOT NULL REFERENCES subnets (id) ON DELETE CASCADE,"
        "  position BIGINT NOT NULL,"
        "  first_ip TEXT NOT NULL,"
        "  last_ip TEXT NOT NULL,"
        "  PRIMARY KEY (subnet_id, position));"
        "INSERT INTO subnets (id, project_id, network_id, name, ip_version, cidr, gateway_ip,"
        "    enable_dhcp, shared, ipv6_ra_mode, ipv6_address_mode, subnetpool_id, doc)"
        "  SELECT id, project_id, j ->> 'network_id', j ->> 'name', json_num(j -> 'ip_version'),"
        "    j ->> 'cidr', j ->> 'gateway_ip', json_num(j -> 'enable_dhcp'),"
        "    coalesce(json_num(j -> '_shared'), 0), j ->> 'ipv6_ra_mode',"
        "    j ->> 'ipv6_address_mode', j ->> 'subnetpool_id', doc"
        "  FROM objects WHERE kind = 'subnet';"
        "INSERT INTO subnet_allocation_pools (subnet_id, position, first_ip, last_ip)"
        "  SELECT o.id, p.n - 1, p.v ->> 'start', p.v ->> 'end'"
        "  FROM objects o, jsonb_array_elements(CASE jsonb_typeof(o.j -> 'allocation_pools')"
        "    WHEN 'array' THEN o.j -> 'allocation_pools' ELSE '[]' END) WITH ORDINALITY AS p (v, n)"
        "  WHERE o.kind = 'subnet' AND p.v ->> 'start' IS NOT NULL AND p.v ->> 'end' IS NOT NULL;"
        "DELETE FROM objects WHERE kind = 'subnet';",
        /* 14: Neutron agents as typed rows, the heartbeat in columns of
         * its own; existing documents move over (of two with the same host
         * and type, the later heartbeat stays). */
        "CREATE TABLE agents ("
        "  id TEXT COLLATE \"C\" PRIMARY KEY,"
        "  host TEXT NOT NULL,"
        "  agent_type TEXT NOT NULL,"
        "  agent_binary TEXT,"
        "  topic TEXT,"
        "  admin_state_up BIGINT NOT NULL,"
        "  heartbeat DOUBLE PRECISION NOT NULL,"
        "  heartbeat_timestamp TEXT,"
        "  instance_id TEXT,"
        "  doc TEXT NOT NULL,"
        "  UNIQUE (host, agent_type));"
        "CREATE INDEX agents_type ON agents (agent_type, id);"
        "INSERT INTO agents (id, host, agent_type, agent_binary, topic, admin_state_up, heartbeat,"
        "    heartbeat_timestamp, instance_id, doc)"
        "  SELECT id, coalesce(j ->> 'host', ''), coalesce(j ->> 'agent_type', ''),"
        "    j ->> 'binary', j ->> 'topic', coalesce(json_num(j -> 'admin_state_up'), 1),"
        "    coalesce(json_num(j -> '_heartbeat'), 0)::float8, j ->> 'heartbeat_timestamp',"
        "    j ->> '_instance', doc"
        "  FROM objects WHERE kind = 'agent'"
        "  ORDER BY coalesce(json_num(j -> '_heartbeat'), 0) DESC"
        "  ON CONFLICT DO NOTHING;"
        "DELETE FROM objects WHERE kind = 'agent';",
        /* 15: an agent is looked up by host and type in id order (the
         * typed list's order): an index that gives both, so no plan
         * walks the rows in id order filtering them (PostgreSQL kept such
         * a plan, chosen while the table was empty, for the life of its
         * prepared statement: a scan of thousands of rows per report). */
        "CREATE INDEX agents_host ON agents (host, agent_type, id);",
        /* 16: instances without a document: every attribute a column,
         * JSON text only for metadata, the flavor's extra specs, security
         * group names and tags; the ports, addresses and hosts tried rows
         * of their own.  Existing documents move over (the addresses in
         * the order the document had them: read as json, not jsonb). */
        "ALTER TABLE instances"
        "  ADD COLUMN user_id TEXT, ADD COLUMN name TEXT, ADD COLUMN description TEXT,"
        "  ADD COLUMN vm_state TEXT, ADD COLUMN power_state BIGINT NOT NULL DEFAULT 0,"
        "  ADD COLUMN availability_zone TEXT, ADD COLUMN requested_zone TEXT,"
        "  ADD COLUMN instance_name TEXT, ADD COLUMN flavor_id TEXT, ADD COLUMN flavor_name TEXT,"
        "  ADD COLUMN disk_gb BIGINT NOT NULL DEFAULT 0,"
        "  ADD COLUMN ephemeral_gb BIGINT NOT NULL DEFAULT 0,"
        "  ADD COLUMN swap_mb BIGINT NOT NULL DEFAULT 0, ADD COLUMN flavor_extra_specs TEXT,"
        "  ADD COLUMN image_id TEXT, ADD COLUMN key_name TEXT, ADD COLUMN access_ipv4 TEXT,"
        "  ADD COLUMN access_ipv6 TEXT, ADD COLUMN config_drive TEXT, ADD COLUMN disk_config TEXT,"
        "  ADD COLUMN progress BIGINT NOT NULL DEFAULT 0,"
        "  ADD COLUMN locked BIGINT NOT NULL DEFAULT 0, ADD COLUMN created_at TEXT,"
        "  ADD COLUMN updated_at TEXT, ADD COLUMN launched_at TEXT,"
        "  ADD COLUMN terminated_at TEXT, ADD COLUMN metadata TEXT,"
        "  ADD COLUMN security_groups TEXT, ADD COLUMN tags TEXT,"
        "  ADD COLUMN fault_code BIGINT NOT NULL DEFAULT 0, ADD COLUMN fault_message TEXT,"
        "  ADD COLUMN fault_created TEXT;"
        "UPDATE instances i SET user_id = j ->> 'user_id', name = j ->> 'name',"
        "    description = j ->> 'description', vm_state = j ->> 'OS-EXT-STS:vm_state',"
        "    power_state = coalesce(json_num(j -> 'OS-EXT-STS:power_state'), 0),"
        "    availability_zone = j ->> 'OS-EXT-AZ:availability_zone',"
        "    requested_zone = j ->> '_az_req', instance_name = j ->> '_instance_name',"
        "    flavor_id = j -> '_flavor' ->> 'id', flavor_name = j -> '_flavor' ->> 'name',"
        "    disk_gb = coalesce(json_num(j -> '_flavor' -> 'disk'), 0),"
        "    ephemeral_gb = coalesce(json_num(j -> '_flavor' -> 'OS-FLV-EXT-DATA:ephemeral'), 0),"
        "    swap_mb = coalesce(json_num(j -> '_flavor' -> 'swap'), 0),"
        "    flavor_extra_specs = coalesce((j -> '_flavor' -> 'extra_specs')::text, '{}'),"
        "    image_id = j ->> '_image_id', key_name = j ->> 'key_name',"
        "    access_ipv4 = coalesce(j ->> 'accessIPv4', ''),"
        "    access_ipv6 = coalesce(j ->> 'accessIPv6', ''),"
        "    config_drive = coalesce(j ->> 'config_drive', ''),"
        "    disk_config = coalesce(j ->> 'OS-DCF:diskConfig', 'MANUAL'),"
        "    progress = coalesce(json_num(j -> 'progress'), 0),"
        "    locked = CASE WHEN j -> 'locked' = 'true' THEN 1 ELSE 0 END,"
        "    created_at = j ->> 'created', updated_at = j ->> 'updated',"
        "    launched_at = j ->> 'OS-SRV-USG:launched_at',"
        "    terminated_at = j ->> 'OS-SRV-USG:terminated_at',"
        "    metadata = coalesce((j -> 'metadata')::text, '{}'),"
        "    security_groups = (SELECT coalesce(jsonb_agg(g ->> 'name'), '[]')::text"
        "      FROM jsonb_array_elements(CASE jsonb_typeof(j -> 'security_groups')"
        "        WHEN 'array' THEN j -> 'security_groups' ELSE '[]' END) AS g),"
        "    tags = coalesce((j -> 'tags')::text, '[]'),"
        "    fault_code = coalesce(json_num(j -> 'fault' -> 'code'), 0),"
        "    fault_message = j -> 'fault' ->> 'message',"
        "    fault_created = j -> 'fault' ->> 'created'"
        "  FROM (SELECT id AS doc_id, doc::jsonb AS j FROM instances) o WHERE o.doc_id = i.id;"
        "CREATE TABLE instance_ports ("
        "  instance_id TEXT COLLATE \"C\" NOT NULL REFERENCES instances (id) ON DELETE CASCADE,"
        "  position BIGINT NOT NULL,"
        "  port_id TEXT NOT NULL,"
        "  created BIGINT NOT NULL,"
        "  PRIMARY KEY (instance_id, position));"
        "CREATE TABLE instance_addresses ("
        "  instance_id TEXT COLLATE \"C\" NOT NULL REFERENCES instances (id) ON DELETE CASCADE,"
        "  position BIGINT NOT NULL,"
        "  network TEXT NOT NULL,"
        "  version BIGINT NOT NULL,"
        "  addr TEXT NOT NULL,"
        "  mac TEXT,"
        "  PRIMARY KEY (instance_id, position));"
        "CREATE TABLE instance_tried_hosts ("
        "  instance_id TEXT COLLATE \"C\" NOT NULL REFERENCES instances (id) ON DELETE CASCADE,"
        "  position BIGINT NOT NULL,"
        "  host TEXT NOT NULL,"
        "  PRIMARY KEY (instance_id, position));"
        "INSERT INTO instance_ports (instance_id, position, port_id, created)"
        "  SELECT o.id, p.n - 1, p.v #>> '{}',"
        "    CASE WHEN o.j -> '_created_ports' @> jsonb_build_array(p.v) THEN 1 ELSE 0 END"
        "  FROM (SELECT id, doc::jsonb AS j FROM instances) o,"
        "    jsonb_array_elements(CASE jsonb_typeof(o.j -> '_ports') WHEN 'array'"
        "      THEN o.j -> '_ports' ELSE '[]' END) WITH ORDINALITY AS p (v, n)"
        "  WHERE jsonb_typeof(p.v) = 'string';"
        "INSERT INTO instance_addresses (instance_id, position, network, version, addr, mac)"
        "  SELECT o.id, row_number() OVER (PARTITION BY o.id ORDER BY n.k, a.k) - 1, n.name,"
        "    coalesce(json_num((a.v -> 'version')::jsonb), 4), coalesce(a.v ->> 'addr', ''),"
        "    a.v ->> 'OS-EXT-IPS-MAC:mac_addr'"
        "  FROM (SELECT id, doc::json AS j FROM instances) o,"
        "    json_each(CASE json_typeof(o.j -> 'addresses') WHEN 'object'"
        "      THEN o.j -> 'addresses' ELSE '{}' END) WITH ORDINALITY AS n (name, v, k),"
        "    json_array_elements(CASE json_typeof(n.v) WHEN 'array' THEN n.v ELSE '[]' END)"
        "      WITH ORDINALITY AS a (v, k);"
        "INSERT INTO instance_tried_hosts (instance_id, position, host)"
        "  SELECT o.id, t.n - 1, t.v #>> '{}'"
        "  FROM (SELECT id, doc::jsonb AS j FROM instances) o,"
        "    jsonb_array_elements(CASE jsonb_typeof(o.j -> '_tried') WHEN 'array'"
        "      THEN o.j -> '_tried' ELSE '[]' END) WITH ORDINALITY AS t (v, n)"
        "  WHERE jsonb_typeof(t.v) = 'string';"
        "ALTER TABLE instances DROP COLUMN doc;",
        /* 17: networks without a document: every attribute of the view a
         * column, read from each row's document, which then goes. */
        "ALTER TABLE networks ADD COLUMN description TEXT,"
        "  ADD COLUMN port_security_enabled BIGINT,"
        "  ADD COLUMN availability_zone_hints TEXT,"
        "  ADD COLUMN tags TEXT,"
        "  ADD COLUMN subnets TEXT,"
        "  ADD COLUMN created_at TEXT,"
        "  ADD COLUMN updated_at TEXT,"
        "  ADD COLUMN revision_number BIGINT;"
        "UPDATE networks SET description = coalesce(doc::jsonb ->> 'description', ''),"
        "  port_security_enabled = coalesce(json_num(doc::jsonb -> 'port_security_enabled'), 1),"
        "  availability_zone_hints = coalesce((doc::jsonb -> 'availability_zone_hints')::text, '[]'),"
        "  tags = coalesce((doc::jsonb -> 'tags')::text, '[]'),"
        "  subnets = coalesce((doc::jsonb -> 'subnets')::text, '[]'),"
        "  created_at = doc::jsonb ->> 'created_at',"
        "  updated_at = doc::jsonb ->> 'updated_at',"
        "  revision_number = coalesce(json_num(doc::jsonb -> 'revision_number'), 0);"
        "ALTER TABLE networks DROP COLUMN doc;",
        /* 18: subnets without a document: every attribute of the view a
         * column, read from each row's document (the lists as written,
         * members in their order), which then goes. */
        "ALTER TABLE subnets ADD COLUMN description TEXT,"
        "  ADD COLUMN dns_nameservers TEXT,"
        "  ADD COLUMN host_routes TEXT,"
        "  ADD COLUMN service_types TEXT,"
        "  ADD COLUMN tags TEXT,"
        "  ADD COLUMN created_at TEXT,"
        "  ADD COLUMN updated_at TEXT,"
        "  ADD COLUMN revision_number BIGINT;"
        "UPDATE subnets SET description = coalesce(doc::json ->> 'description', ''),"
        "  dns_nameservers = coalesce((doc::json -> 'dns_nameservers')::text, '[]'),"
        "  host_routes = coalesce((doc::json -> 'host_routes')::text, '[]'),"
        "  service_types = coalesce((doc::json -> 'service_types')::text, '[]'),"
        "  tags = coalesce((doc::json -> 'tags')::text, '[]'),"
        "  created_at = doc::json ->> 'created_at',"
        "  updated_at = doc::json ->> 'updated_at',"
        "  revision_number = coalesce(json_num(doc::jsonb -> 'revision_number'), 0);"
        "ALTER TABLE subnets DROP COLUMN doc;",
        /* 19: claims tags as revisions (see store-sqlite.c) */
        "UPDATE compute_hosts SET claims_tag = 0;"
        "DELETE FROM stamps WHERE name = 'claims';"
        "CREATE INDEX IF NOT EXISTS compute_hosts_claims ON compute_hosts (claims_tag);",
        /* 20: ports without a document: every attribute of the view a
         * column, the fixed IPs also as text in the view's order; read from each row's
         * document (as json, not jsonb, so the user's objects keep their
         * text), which then goes. */
        "ALTER TABLE ports ADD COLUMN description TEXT,"
        "  ADD COLUMN vif_type TEXT,"
        "  ADD COLUMN vif_details TEXT,"
        "  ADD COLUMN profile TEXT,"
        "  ADD COLUMN port_security_enabled BIGINT,"
        "  ADD COLUMN security_groups TEXT,"
        "  ADD COLUMN allowed_address_pairs TEXT,"
        "  ADD COLUMN extra_dhcp_opts TEXT,"
        "  ADD COLUMN tags TEXT,"
        "  ADD COLUMN created_at TEXT,"
        "  ADD COLUMN updated_at TEXT,"
        "  ADD COLUMN revision_number BIGINT;"
        "ALTER TABLE ports ADD COLUMN fixed_ips TEXT;"
        "UPDATE ports SET description = coalesce(doc::json ->> 'description', ''),"
        "  vif_type = doc::json ->> 'binding:vif_type',"
        "  vif_details = coalesce(nullif((doc::json -> 'binding:vif_details')::text, 'null'), '{}'),"
        "  profile = coalesce(nullif((doc::json -> 'binding:profile')::text, 'null'), '{}'),"
        "  port_security_enabled = coalesce(json_num(doc::jsonb -> 'port_security_enabled'), 1),"
        "  security_groups = coalesce(nullif((doc::json -> 'security_groups')::text, 'null'), '[]'),"
        "  allowed_address_pairs = coalesce(nullif((doc::json -> 'allowed_address_pairs')::text,"
        "    'null'), '[]'),"
        "  extra_dhcp_opts = coalesce(nullif((doc::json -> 'extra_dhcp_opts')::text, 'null'), '[]'),"
        "  tags = coalesce(nullif((doc::json -> 'tags')::text, 'null'), '[]'),"
        "  created_at = doc::json ->> 'created_at',"
        "  updated_at = doc::json ->> 'updated_at',"
        "  revision_number = coalesce(json_num(doc::jsonb -> 'revision_number'), 0);"
        "UPDATE ports SET fixed_ips = coalesce((SELECT string_agg((e.v ->> 'subnet_id') || ' ' ||"
        "    (e.v ->> 'ip_address'), ',' ORDER BY e.n)"
        "    FROM json_array_elements(CASE json_typeof(doc::json -> 'fixed_ips') WHEN 'array'"
        "      THEN doc::json -> 'fixed_ips' ELSE '[]' END) WITH ORDINALITY AS e (v, n)"
        "    WHERE e.v ->> 'subnet_id' IS NOT NULL AND e.v ->> 'ip_address' IS NOT NULL), '');"
        "ALTER TABLE ports DROP COLUMN doc;",
        /* 21: the columns that point at a network, subnet or port id
         * compare bytewise too, as the ids they point at do: with the
         * database's collation on one side only, the planner could not
         * merge a join on them in order (a subnet list hashed its pools). */
        "ALTER TABLE network_segments ALTER COLUMN network_id TYPE TEXT COLLATE \"C\";"
        "ALTER TABLE subnet_allocation_pools ALTER COLUMN subnet_id TYPE TEXT COLLATE \"C\";"
        "ALTER TABLE port_fixed_ips ALTER COLUMN port_id TYPE TEXT COLLATE \"C\","
        "  ALTER COLUMN subnet_id TYPE TEXT COLLATE \"C\";",
        /* 22: security groups and their rules as typed rows without a
         * document, a rule's position its place in its group's list (see
         * store-sqlite.c); the documents move over (as json, not jsonb,
         * so the lists keep their text) and leave the objects. */
        "CREATE TABLE IF NOT EXISTS security_groups ("
        "  id TEXT COLLATE \"C\" PRIMARY KEY,"
        "  project_id TEXT,"
        "  name TEXT,"
        "  description TEXT,"
        "  stateful BIGINT,"
        "  tags TEXT,"
        "  created_at TEXT,"
        "  updated_at TEXT,"
        "  revision_number BIGINT);"
        "CREATE INDEX IF NOT EXISTS security_groups_project ON security_groups (project_id, id);"
        "CREATE INDEX IF NOT EXISTS security_groups_name ON security_groups (name, id);"
        "CREATE TABLE IF NOT EXISTS security_group_rules ("
        "  id TEXT COLLATE \"C\" PRIMARY KEY,"
        "  security_group_id TEXT COLLATE \"C\" NOT NULL REFERENCES security_groups (id)"
        "    ON DELETE CASCADE,"
        "  position BIGINT NOT NULL,"
        "  project_id TEXT,"
        "  direction TEXT,"
        "  ethertype TEXT,"
        "  protocol TEXT,"
        "  port_range_min BIGINT,"
        "  port_range_max BIGINT,"
        "  remote_ip_prefix TEXT,"
        "  remote_group_id TEXT COLLATE \"C\","
        "  remote_address_group_id TEXT,"
        "  normalized_cidr TEXT,"
        "  description TEXT,"
        "  tags TEXT,"
        "  created_at TEXT,"
        "  updated_at TEXT,"
        "  revision_number BIGINT);"
        "CREATE UNIQUE INDEX IF NOT EXISTS security_group_rules_group ON security_group_rules"
        "  (security_group_id, position);"
        "CREATE INDEX IF NOT EXISTS security_group_rules_project ON security_group_rules"
        "  (project_id, id);"
        "CREATE INDEX IF NOT EXISTS security_group_rules_remote ON security_group_rules"
        "  (remote_group_id) WHERE remote_group_id IS NOT NULL;"
        "INSERT INTO security_groups (id, project_id, name, description, stateful, tags,"
        "    created_at, updated_at, revision_number)"
        "  SELECT id, project_id, coalesce(doc::json ->> 'name', ''),"
        "    coalesce(doc::json ->> 'description', ''),"
        "    coalesce(json_num(doc::jsonb -> 'stateful'), 1),"
        "    coalesce(nullif((doc::json -> 'tags')::text, 'null'), '[]'),"
        "    doc::json ->> 'created_at', doc::json ->> 'updated_at',"
        "    coalesce(json_num(doc::jsonb -> 'revision_number'), 0)"
        "  FROM objects WHERE kind = 'security_group';"
        "INSERT INTO security_group_rules (id, security_group_id, position, project_id, direction,"
        "    ethertype, protocol, port_range_min, port_range_max, remote_ip_prefix,"
        "    remote_group_id, remote_address_group_id, normalized_cidr, description, tags,"
        "    created_at, updated_at, revision_number)"
        "  SELECT id, g, row_number() OVER (PARTITION BY g ORDER BY listed NULLS LAST, id) - 1,"
        "    project_id, d ->> 'direction', d ->> 'ethertype', d ->> 'protocol',"
        "    json_num(d::jsonb -> 'port_range_min'), json_num(d::jsonb -> 'port_range_max'),"
        "    d ->> 'remote_ip_prefix', d ->> 'remote_group_id', d ->> 'remote_address_group_id',"
        "    d ->> 'normalized_cidr', coalesce(d ->> 'description', ''),"
        "    coalesce(nullif((d -> 'tags')::text, 'null'), '[]'), d ->> 'created_at',"
        "    d ->> 'updated_at', coalesce(json_num(d::jsonb -> 'revision_number'), 0)"
        "  FROM (SELECT r.id, r.project_id, r.doc::json AS d, r.j ->> 'security_group_id' AS g,"
        "      (SELECT min(e.n) FROM objects s, jsonb_array_elements(CASE"
        "        jsonb_typeof(s.j -> 'security_group_rules') WHEN 'array'"
        "        THEN s.j -> 'security_group_rules' ELSE '[]' END) WITH ORDINALITY AS e (v, n)"
        "        WHERE s.kind = 'security_group' AND s.id = r.j ->> 'security_group_id'"
        "        AND e.v ->> 'id' = r.id) AS listed"
        "    FROM objects r WHERE r.kind = 'security_group_rule') AS rules"
        "  WHERE g IN (SELECT id FROM security_groups);"
        "DELETE FROM objects WHERE kind IN ('security_group', 'security_group_rule');",
};

void pg_args_done(struct pg_args *a)
{
        for (int i = 0; i < a->n; i++)
                free(a->owned[i]);
        free(a->owned);
        free(a->v);
        *a = (struct pg_args){0};
}

static void pg_arg_push(struct pg_args *a, const char *s, char *owned)
{
        if (a->n == a->cap) {
                int cap = a->cap ? a->cap * 2 : 8;
                const char **v = reallocarray(a->v, (size_t)cap, sizeof(*v));
                if (v)
                        a->v = v;
                char **o = reallocarray(a->owned, (size_t)cap, sizeof(*o));
                if (o)
                        a->owned = o;
                if (!v || !o) {
                        a->oom = true;
                        free(owned);
                        return;
                }
                a->cap = cap;
        }
        a->v[a->n] = s;
        a->owned[a->n++] = owned;
}

void pg_arg(struct pg_args *a, const char *s)
{
        pg_arg_push(a, s, NULL);
}

void pg_argv(struct pg_args *a, int n, ...)
{
        va_list ap;
        va_start(ap, n);
        for (int i = 0; i < n; i++)
                pg_arg(a, va_arg(ap, const char *));
        va_end(ap);
}

void pg_arg_int(struct pg_args *a, long long x)
{
        char *s = NULL;
        if (asprintf(&s, "%lld", x) < 0) {
                a->oom = true;
                return;
        }
        pg_arg_push(a, s, s);
}

void pg_arg_double(struct pg_args *a, double x)
{
        char *s = NULL;
        if (asprintf(&s, "%.17g", x) < 0) {
                a->oom = true;
                return;
        }
        pg_arg_push(a, s, s);
}

char *pg_text_dup(const PGresult *res, int row, int col)
{
        if (PQgetisnull(res, row, col))
                return NULL;
        return strdup(PQgetvalue(res, row, col));
}

long long pg_int(const PGresult *res, int row, int col)
{
        return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

double pg_double(const PGresult *res, int row, int col)
{
        return strtod(PQgetvalue(res, row, col), NULL);
}

int pg_columns_dup(const PGresult *res, int row, char **fields[], size_t n)
{
        for (size_t i = 0; i < n; i++) {
                if (!fields[i] || PQgetisnull(res, row, (int)i))
                        continue;
                if (!(*fields[i] = pg_text_dup(res, row, (int)i))) {
                        for (size_t j = 0; j < i; j++)
                                if (fields[j]) {
                                        free(*fields[j]);
                                        *fields[j] = NULL;
                                }
                        return -ENOMEM;
                }
        }
        return 0;
}

/* SQLSTATE classes and codes that mean "not now" rather than "wrong":
 * the connection (08), a serialization failure or deadlock (40), the
 * server shutting down or restarting (57P), a lock wait timed out
 * (55P03), insufficient resources such as a full disk (53), a read-only
 * database (25006). */
static bool sqlstate_busy(const char *state)
{
        return !state || strneq(state, "08", 2) || strneq(state, "40", 2) ||
               strneq(state, "57P", 3) || streq(state, "55P03") || strneq(state, "53", 2) ||
               streq(state, "25006");
}

static int pg_error(PGconn *pq, const PGresult *res, const char *what)
{
        const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
        const char *msg = res ? PQresultErrorMessage(res) : "";
        if (!msg || !*msg)
                msg = PQerrorMessage(pq);
        if (state && streq(state, "23505"))
                return -EEXIST;
        if (PQstatus(pq) == CONNECTION_BAD || sqlstate_busy(state))
                return err_set(-EBUSY, "database unavailable (%s): %.*s; the request may be retried",
                               what, (int)strcspn(msg, "\n"), msg);
        return err_set(-EIO, "database: %s: %.*s", what, (int)strcspn(msg, "\n"), msg);
}

static void notice_ignore(void *arg, const char *message)
{
}

static void conn_forget_stmts(struct pg_conn *c)
{
        for (unsigned i = 0; i < c->n_stmts; i++)
                free(c->stmts[i].sql);
        c->n_stmts = c->next_victim = 0;
}

/* What every new (or reopened) connection needs: no prepared statements
 * remembered, notices (IF NOT EXISTS and such) not on stderr, the lock
 * timeout. */
static int conn_setup(struct pg_conn *c)
{
        PGconn *pq = c->pq;
        conn_forget_stmts(c);
        PQsetNoticeProcessor(pq, notice_ignore, NULL);
        _cleanup_pgresult_ PGresult *res = PQexec(pq, "SET lock_timeout = '" PG_LOCK_TIMEOUT "'");
        return PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : pg_error(pq, res, "connect");
}

/* The answers of n statements sent as one pipeline ended by a sync: the
 * first result of statement i in out[i] (NULL when none came), any other
 * cleared.  False when the sync never came (the connection broke). */
static bool pipeline_collect(PGconn *pq, PGresult **out, int n)
{
        int i = 0, nulls = 0;
        for (int k = 0; k < n; k++)
                out[k] = NULL;
        for (;;) {
                PGresult *res = PQgetResult(pq);
                if (!res) {
                        /* One NULL ends each statement's results; a second
                         * in a row: nothing more will come. */
                        if (++nulls > 1 || PQstatus(pq) == CONNECTION_BAD)
                                return false;
                        i++;
                        continue;
                }
                nulls = 0;
                if (PQresultStatus(res) == PGRES_PIPELINE_SYNC) {
                        PQclear(res);
                        return PQexitPipelineMode(pq) == 1;
                }
                if (i < n && !out[i])
                        out[i] = res;
                else
                        PQclear(res);
        }
}

static void conn_close(struct pg_conn *c)
{
        PQfinish(c->pq);
        c->pq = NULL;
        c->begin_pending = c->end_pending = false;
}

/* Reads the answer to a read transaction's end sent by conn_end_send().
 * A transaction that wrote nothing has nothing to lose there, so only a
 * connection that broke meanwhile is acted on: closed, to be opened anew
 * by whoever takes it. */
static void conn_settle(struct pg_conn *c)
{
        if (!c->pq || !c->end_pending)
                return;
        c->end_pending = false;
        /* It has come by now: read it at once, not after asking poll(). */
        PQconsumeInput(c->pq);
        PGresult *res;
        if (!pipeline_collect(c->pq, &res, 1) || PQtransactionStatus(c->pq) != PQTRANS_IDLE)
                conn_close(c);
        PQclear(res);
}

/* Ends a read transaction without waiting for the answer: sent now (the
 * database ends the transaction at once), read by conn_settle() when the
 * connection is next taken.  A request then waits for two round trips
 * instead of four (the identity stamp; BEGIN with the first read). */
static void conn_end_send(struct pg_conn *c, bool commit)
{
        if (PQenterPipelineMode(c->pq) == 1 &&
            PQsendQueryParams(c->pq, commit ? "COMMIT" : "ROLLBACK", 0, NULL, NULL, NULL, NULL,
                              0) == 1 &&
            PQpipelineSync(c->pq) == 1)
                c->end_pending = true;
        else
                conn_close(c);
}

/* A connection for the calling thread: an idle open one, else a slot to
 * open, else wait for one to be given back. */
static int conn_acquire(struct pg_store *st, struct pg_conn **ret)
{
        struct pg_conn *c = NULL;
        pthread_mutex_lock(&st->lock);
        while (!c) {
                for (size_t i = 0; i < st->n_conns && !c; i++)
                        if (!st->conns[i].busy && st->conns[i].pq)
                                c = &st->conns[i];
                for (size_t i = 0; i < st->n_conns && !c; i++)
                        if (!st->conns[i].busy)
                                c = &st->conns[i];
                if (!c)
                        pthread_cond_wait(&st->freed, &st->lock);
        }
        c->busy = true;
        pthread_mutex_unlock(&st->lock);

        conn_settle(c);
        /* Lost (the server restarted, a network cut): open anew. */
        if (c->pq && PQstatus(c->pq) == CONNECTION_BAD) {
                PQfinish(c->pq);
                c->pq = NULL;
        }
        if (!c->pq) {
                c->pq = PQconnectdb(st->conninfo);
                int r = 0;
                if (!c->pq)
                        r = -ENOMEM;
                else if (PQstatus(c->pq) != CONNECTION_OK)
                        r = err_set(-EBUSY, "database unavailable: %.*s; check that PostgreSQL "
                                    "runs and [database] connection",
                                    (int)strcspn(PQerrorMessage(c->pq), "\n"),
                                    PQerrorMessage(c->pq));
                if (r == 0)
                        r = conn_setup(c);
                if (r < 0) {
                        PQfinish(c->pq);
                        c->pq = NULL;
                        pthread_mutex_lock(&st->lock);
                        c->busy = false;
                        pthread_cond_signal(&st->freed);
                        pthread_mutex_unlock(&st->lock);
                        return r;
                }
        }
        *ret = c;
        return 0;
}

/* A pooled connection is found dead only when used (the database
 * restarted since): true when it was, and it is open again, so a statement
 * that began nothing yet may be tried once more. */
static bool conn_lost(struct pg_conn *c)
{
        if (PQstatus(c->pq) != CONNECTION_BAD)
                return false;
        PQreset(c->pq);
        c->end_pending = false;
        if (PQpipelineStatus(c->pq) != PQ_PIPELINE_OFF)
                PQexitPipelineMode(c->pq);
        return PQstatus(c->pq) == CONNECTION_OK && conn_setup(c) == 0;
}

static void conn_release(struct pg_store *st, struct pg_conn *c)
{
        /* A connection left inside a transaction or broken is not reused
         * (one whose transaction's end is on its way is not inside). */
        if (c->pq && (PQstatus(c->pq) != CONNECTION_OK ||
                      (!c->end_pending && PQtransactionStatus(c->pq) != PQTRANS_IDLE)))
                conn_close(c);
        pthread_mutex_lock(&st->lock);
        c->busy = false;
        pthread_cond_signal(&st->freed);
        pthread_mutex_unlock(&st->lock);
}

/* The name of sql prepared on c (prepared now if it was not), or NULL to
 * run it unprepared. */
static const char *conn_prepare(struct pg_conn *c, const char *sql, int n_params)
{
        for (unsigned i = 0; i < c->n_stmts; i++)
                if (streq(c->stmts[i].sql, sql))
                        return c->stmts[i].name;
        char *copy = strdup(sql);
        if (!copy)
                return NULL;
        struct pg_stmt *e;
        if (c->n_stmts < PG_STMT_CACHE)
                e = &c->stmts[c->n_stmts++];
        else {
                /* Full: replace one, round robin. */
                e = &c->stmts[c->next_victim++ % PG_STMT_CACHE];
                char drop[32];
                snprintf(drop, sizeof(drop), "DEALLOCATE %s", e->name);
                PQclear(PQexec(c->pq, drop));
                free(e->sql);
                e->sql = NULL;
        }
        snprintf(e->name, sizeof(e->name), "s%u", c->serial++);
        PGresult *res = PQprepare(c->pq, e->name, sql, n_params, NULL);
        bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
        PQclear(res);
        if (!ok) {
                /* Run unprepared, which reports the error. */
                free(copy);
                *e = c->stmts[--c->n_stmts];
                c->stmts[c->n_stmts] = (struct pg_stmt){0};
                return NULL;
        }
        e->sql = copy;
        return e->name;
}

#define PG_READ_BEGIN "BEGIN ISOLATION LEVEL REPEATABLE READ"

/* A read transaction's BEGIN (none for a read-committed one) and its
 * first statement, one round trip: the statement's result, or NULL with
 * the error set. */
static PGresult *conn_begin_with(struct pg_conn *c, const char *what, const char *name,
                                 const char *sql, int n_params, const char *const *values,
                                 int *ret_error)
{
        PGconn *pq = c->pq;
        /* An expected stamp is read in the same round trip, at the
         * transaction's snapshot. */
        bool stamp = tx_expect.unread;
        const char *stamp_name = tx_expect.name;
        PGresult *res[3] = {NULL, NULL, NULL};
        int n = 0, at_begin = -1, at_stamp = -1;
        bool sent = PQenterPipelineMode(pq) == 1;
        if (sent && !c->autocommit) {
                at_begin = n++;
                sent = PQsendQueryParams(pq, PG_READ_BEGIN, 0, NULL, NULL, NULL, NULL, 0) == 1;
        }
        if (sent && stamp) {
                at_stamp = n++;
                sent = PQsendQueryParams(pq, "SELECT value FROM stamps WHERE name = $1", 1, NULL,
                                         &stamp_name, NULL, NULL, 0) == 1;
        }
        int at_statement = n++;
        sent = sent &&
               (name ? PQsendQueryPrepared(pq, name, n_params, values, NULL, NULL, 0)
                     : PQsendQueryParams(pq, sql, n_params, NULL, values, NULL, NULL, 0)) == 1 &&
               PQpipelineSync(pq) == 1;
        bool synced = sent && pipeline_collect(pq, res, n);
        PGresult *failed = NULL;
        if (!synced)
                failed = res[0];
        else if (at_begin >= 0 && PQresultStatus(res[at_begin]) != PGRES_COMMAND_OK)
                failed = res[at_begin];
        else if (at_stamp >= 0 && PQresultStatus(res[at_stamp]) != PGRES_TUPLES_OK)
                failed = res[at_stamp];
        if (!synced || failed) {
                *ret_error = pg_error(pq, failed, what);
                if (!synced && PQstatus(pq) != CONNECTION_BAD)
                        conn_close(c); /* in a state nothing else expects */
                for (int k = 0; k < n; k++)
                        PQclear(res[k]);
                return NULL;
        }
        c->begin_pending = false;
        if (at_stamp >= 0)
                expectation_read(PQntuples(res[at_stamp]) ? pg_int(res[at_stamp], 0, 0) : 0);
        PGresult *out = res[at_statement];
        for (int k = 0; k < n; k++)
                if (k != at_statement)
                        PQclear(res[k]);
        if (tx_expect.moved) {
                PQclear(out);
                c->failed = true;
                *ret_error = expectation_failed();
                return NULL;
        }
        return out;
}

static int conn_query(struct pg_conn *c, const char *what, const char *sql, struct pg_args *a,
                      PGresult **ret)
{
        if (!c->pq)
                return err_set(-EBUSY, "database unavailable (%s): the connection was lost; "
                               "the request may be retried", what);
        PGconn *pq = c->pq;
        if (a && a->oom)
                return -ENOMEM;
        int n_params = a ? a->n : 0;
        const char *const *values = a ? a->v : NULL;
        const char *name = conn_prepare(c, sql, n_params);
        _cleanup_pgresult_ PGresult *res = NULL;
        if (c->begin_pending) {
                int r = 0;
                res = conn_begin_with(c, what, name, sql, n_params, values, &r);
                if (!res)
                        return r;
        } else
                res = name ? PQexecPrepared(pq, name, n_params, values, NULL, NULL, 0)
                           : PQexecParams(pq, sql, n_params, NULL, values, NULL, NULL, 0);
        ExecStatusType s = PQresultStatus(res);
        if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
                return pg_error(pq, res, what);
        int n = s == PGRES_TUPLES_OK ? PQntuples(res) : atoi(PQcmdTuples(res));
        if (ret)
                *ret = TAKE_PTR(res);
        return n;
}

int pg_query(struct store *base, const char *what, const char *sql, struct pg_args *a,
             PGresult **ret)
{
        struct pg_store *st = to_pg(base);
        if (tx_store == st && tx_expect.moved)
                return expectation_failed();
        if (tx_store == st) {
                int r = conn_query(tx_conn, what, sql, a, ret);
                /* Lost before the transaction began: nothing was done yet. */
                if (r == -EBUSY && tx_conn->begin_pending && tx_conn->pq && conn_lost(tx_conn))
                        r = conn_query(tx_conn, what, sql, a, ret);
                /* A read-committed statement that failed fails the end, as
                 * it would inside a transaction. */
                if (r < 0 && tx_conn->pq &&
                    (tx_conn->autocommit || PQtransactionStatus(tx_conn->pq) == PQTRANS_INERROR))
                        tx_conn->failed = true;
                return r;
        }
        /* Outside a transaction: one statement on a connection of its own. */
        struct pg_conn *c;
        int r = conn_acquire(st, &c);
        if (r < 0)
                return r;
        r = conn_query(c, what, sql, a, ret);
        if (r == -EBUSY && conn_lost(c))
                r = conn_query(c, what, sql, a, ret);
        conn_release(st, c);
        return r;
}

int pg_exec_texts(struct store *st, const char *what, const char *sql, int n, ...)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        va_list ap;
        va_start(ap, n);
        for (int i = 0; i < n; i++)
                pg_arg(&a, va_arg(ap, const char *));
        va_end(ap);
        return pg_query(st, what, sql, &a, NULL);
}

/* Runs statements without parameters (several may be given). */
static int conn_exec(PGconn *pq, const char *what, const char *sql)
{
        _cleanup_pgresult_ PGresult *res = PQexec(pq, sql);
        ExecStatusType s = PQresultStatus(res);
        if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
                return pg_error(pq, res, what);
        return 0;
}

/* conn_exec(), and the number the last statement gave (ret: NULL, none). */
static int conn_exec_value(PGconn *pq, const char *what, const char *sql, int64_t *ret)
{
        _cleanup_pgresult_ PGresult *res = PQexec(pq, sql);
        ExecStatusType s = PQresultStatus(res);
        if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
                return pg_error(pq, res, what);
        if (ret)
                *ret = s == PGRES_TUPLES_OK && PQntuples(res) ? pg_int(res, 0, 0) : 0;
        return 0;
}

static int pg_schema_version(struct store *st)
{
        _cleanup_pgresult_ PGresult *res = NULL;
        int r = pg_query(st, "schema version", "SELECT coalesce(max(version), 0) FROM schema_version",
                         NULL, &res);
        return r < 0 ? r : (int)pg_int(res, 0, 0);
}

int pg_schema_upgrade(PGconn *pq, int *ret_found)
{
        int r = conn_exec(pq, "migrate", "CREATE TABLE IF NOT EXISTS schema_version "
                                         "(version INTEGER NOT NULL)");
        if (r < 0)
                return r;
        _cleanup_pgresult_ PGresult *res =
                PQexec(pq, "SELECT coalesce(max(version), 0) FROM schema_version");
        if (PQresultStatus(res) != PGRES_TUPLES_OK)
                return pg_error(pq, res, "schema version");
        int v = (int)pg_int(res, 0, 0);
        if ((r = store_schema_check(v, ARRAY_SIZE(pg_migrations))) < 0)
                return r;
        for (size_t i = (size_t)v; i < ARRAY_SIZE(pg_migrations); i++) {
                char buf[80];
                snprintf(buf, sizeof(buf), "INSERT INTO schema_version VALUES (%zu)", i + 1);
                if ((r = conn_exec(pq, "migrate", pg_migrations[i])) < 0 ||
                    (r = conn_exec(pq, "migrate", buf)) < 0)
                        return r;
        }
        if (ret_found)
                *ret_found = v;
        return (int)ARRAY_SIZE(pg_migrations);
}

static int pg_begin(struct store *base, bool write);
static int pg_end(struct store *base, bool commit);

static int migrate(struct pg_store *st)
{
        int r = pg_begin(&st->base, true);
        if (r < 0)
                return r;
        r = pg_schema_upgrade(tx_conn->pq, NULL);
        if (r < 0) {
                pg_end(&st->base, false);
                return r;
        }
        return pg_end(&st->base, true);
}

/* libpq's connection string from the URL: neutron.conf's
 * postgresql+psycopg2:// spelling becomes postgresql://, and our own
 * query parameter max_pool_size is taken out (libpq refuses unknown
 * ones). */
int pg_parse_url(const char *url, char **ret_conninfo, size_t *ret_pool)
{
        _cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
        const char *rest = strstr(url, "://");
        size_t pool = PG_POOL_DEFAULT;
        int r = strbuf_append(&sb, "postgresql");
        if (r >= 0)
                r = strbuf_append_len(&sb, rest, strcspn(rest, "?"));
        const char *q = strchr(rest, '?');
        bool first = true;
        while (r >= 0 && q && *q) {
                q++;
                size_t len = strcspn(q, "&");
                if (strneq(q, "max_pool_size=", 14) && len > 14) {
                        char *end;
                        unsigned long n = strtoul(q + 14, &end, 10);
                        if (end != q + len || n == 0 || n > PG_POOL_MAX)
                                return err_set(-EINVAL, "database connection: max_pool_size "
                                               "must be 1..%d", PG_POOL_MAX);
                        pool = n;
                } else if (len) {
                        r = strbuf_append(&sb, first ? "?" : "&");
                        if (r >= 0)
                                r = strbuf_append_len(&sb, q, len);
                        first = false;
                }
                q += len;
        }
        if (r < 0)
                return r;
        *ret_conninfo = strbuf_steal(&sb);
        if (!*ret_conninfo)
                return -ENOMEM;
        *ret_pool = pool;
        return 0;
}

static const struct store_backend pg_backend;
static void pg_free(struct store *base);

int store_pg_open(const char *url, struct store **ret)
{
        struct pg_store *st = calloc(1, sizeof(*st));
        if (!st)
                return -ENOMEM;
        store_head_init(&st->base, &pg_backend);
        pthread_mutex_init(&st->write_lock, NULL);
        pthread_mutex_init(&st->lock, NULL);
        pthread_cond_init(&st->freed, NULL);
        size_t n = 0;
        int r = pg_parse_url(url, &st->conninfo, &n);
        if (r >= 0 && !(st->conns = calloc(n, sizeof(*st->conns))))
                r = -ENOMEM;
        st->n_conns = n;
        uint64_t origin = 0;
        if (r >= 0 && getrandom(&origin, sizeof(origin), 0) != sizeof(origin))
                r = -errno;
        snprintf(st->origin, sizeof(st->origin), "%016llx", (unsigned long long)origin);
        if (r >= 0)
                r = migrate(st);
        if (r >= 0)
                r = pg_listener_start(&st->base, st->conninfo, st->origin, &st->listener);
        if (r < 0) {
                pg_free(&st->base);
                return r;
        }
        *ret = &st->base;
        return 0;
}

static void pg_free(struct store *base)
{
        struct pg_store *st = to_pg(base);
        pg_listener_stop(st->listener);
        for (size_t i = 0; st->conns && i < st->n_conns; i++) {
                PQfinish(st->conns[i].pq);
                conn_forget_stmts(&st->conns[i]);
                store_changed_hosts_done(base, &st->conns[i].changed, false);
        }
        free(st->conns);
        free(st->conninfo);
        pthread_cond_destroy(&st->freed);
        pthread_mutex_destroy(&st->lock);
        pthread_mutex_destroy(&st->write_lock);
        store_head_done(base);
        free(st);
}

static int pg_begin_kind(struct store *base, bool write, bool autocommit)
{
        struct pg_store *st = to_pg(base);
        struct pg_conn *c;
        if (tx_store)
                return err_set(-EINVAL, "store_begin: a transaction is already open");
        if (tx_expect.moved)
                return expectation_failed();
        if (write)
                pthread_mutex_lock(&st->write_lock);
        int r = conn_acquire(st, &c);
        if (r < 0) {
                if (write)
                        pthread_mutex_unlock(&st->write_lock);
                return r;
        }
        c->writing = write;
        c->autocommit = autocommit;
        c->failed = false;
        if (!write) {
                /* Sent with the first statement: one round trip the less,
                 * and none for a transaction that reads nothing. */
                c->begin_pending = true;
                tx_store = st;
                tx_conn = c;
                return 0;
        }
        const char *sql = "BEGIN ISOLATION LEVEL READ COMMITTED; "
                          "SELECT pg_advisory_xact_lock(" PG_WRITE_LOCK ")";
        /* An expected stamp is read in the same round trip, once the lock
         * is held (its name is [a-z_]+: store_stamp_expect()). */
        char with_stamp[160];
        bool stamp = tx_expect.unread;
        if (stamp) {
                snprintf(with_stamp, sizeof(with_stamp), "%s; SELECT coalesce((SELECT value FROM "
                         "stamps WHERE name = '%s'), 0)", sql, tx_expect.name);
                sql = with_stamp;
        }
        int64_t seen = 0;
        r = conn_exec_value(c->pq, "begin", sql, stamp ? &seen : NULL);
        if (r == -EBUSY && conn_lost(c))
                r = conn_exec_value(c->pq, "begin", sql, stamp ? &seen : NULL);
        if (r >= 0 && stamp) {
                expectation_read(seen);
                if (tx_expect.moved)
                        r = expectation_failed();
        }
        if (r < 0) {
                conn_exec(c->pq, "rollback", "ROLLBACK");
                conn_release(st, c);
                pthread_mutex_unlock(&st->write_lock);
                return r;
        }
        tx_store = st;
        tx_conn = c;
        return 0;
}

static int pg_begin(struct store *base, bool write)
{
        return pg_begin_kind(base, write, false);
}

static int pg_begin_read_committed(struct store *base)
{
        return pg_begin_kind(base, false, true);
}

static int pg_end(struct store *base, bool commit)
{
        struct pg_store *st = to_pg(base);
        struct pg_conn *c = tx_conn;
        int r = 0;
        if (tx_store != st)
                return -EINVAL;
        if (!c->writing) {
                /* Nothing to lose: the end is sent, its answer not awaited.
                 * A statement that failed inside still fails the commit,
                 * as PostgreSQL's COMMIT of an aborted transaction does. */
                if (commit && c->failed)
                        r = err_set(-EIO, "database: the transaction was rolled back after "
                                    "an error inside it");
                if (c->pq && !c->begin_pending && !c->autocommit)
                        conn_end_send(c, commit && r == 0);
                c->begin_pending = false;
        } else if (commit) {
                _cleanup_pgresult_ PGresult *res = PQexec(c->pq, "COMMIT");
                if (PQresultStatus(res) != PGRES_COMMAND_OK)
                        r = pg_error(c->pq, res, "commit");
                else if (!streq(PQcmdStatus(res), "COMMIT"))
                        /* A statement failed inside: PostgreSQL rolled back. */
                        r = err_set(-EIO, "database: the transaction was rolled back after "
                                    "an error inside it");
        }
        bool writing = c->writing;
        if (writing && (!commit || r < 0)) {
                conn_exec(c->pq, "rollback", "ROLLBACK");
                store_count_rollback(base);
        }
        tx_store = NULL;
        tx_conn = NULL;
        struct store_changed_hosts changed = c->changed;
        c->changed = (struct store_changed_hosts){0};
        conn_release(st, c);
        if (writing)
                pthread_mutex_unlock(&st->write_lock);
        /* Told after the lock is gone, so a woken reader can read at once. */
        store_changed_hosts_done(base, &changed, commit && r == 0);
        return r;
}

static int pg_obj_insert(struct store *st, const char *kind, const char *id,
                         const char *project_id, const char *doc)
{
        int r = pg_exec_texts(st, "insert", "INSERT INTO objects (kind, id, project_id, doc) "
                              "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                              4, kind, id, project_id, doc);
        return r < 0 ? r : r == 0 ? -EEXIST : 0;
}

/* A statement that must touch a row: -ENOENT when it touched none. */
static int pg_obj_update(struct store *st, const char *kind, const char *id, const char *doc)
{
        return pg_touched(pg_exec_texts(st, "update", "UPDATE objects SET doc = $1 "
                                       "WHERE kind = $2 AND id = $3", 3, doc, kind, id));
}

static int pg_obj_delete(struct store *st, const char *kind, const char *id)
{
        return pg_touched(pg_exec_texts(st, "delete", "DELETE FROM objects WHERE kind = $1 AND "
                                       "id = $2", 2, kind, id));
}

static int pg_obj_delete_below(struct store *st, const char *kind, const char *attr, double limit)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        char sql[160];
        if (!store_attr_name_safe(attr))
                return -EINVAL;
        snprintf(sql, sizeof(sql),
                 "DELETE FROM objects WHERE kind = $1 AND json_num(j -> '%s') < $2", attr);
        pg_arg(&a, kind);
        pg_arg_double(&a, limit);
        return pg_query(st, "delete", sql, &a, NULL);
}

static int pg_obj_get(struct store *st, const char *kind, const char *id, char **ret_doc,
                      char **ret_project)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        _cleanup_pgresult_ PGresult *res = NULL;
        pg_argv(&a, 2, kind, id);
        int r = pg_query(st, "get", "SELECT doc, project_id FROM objects WHERE kind = $1 AND "
                         "id = $2", &a, &res);
        if (r <= 0)
                return r < 0 ? r : -ENOENT;
        char *doc = pg_text_dup(res, 0, 0);
        if (!doc)
                return -ENOMEM;
        if (ret_project)
                *ret_project = pg_text_dup(res, 0, 1);
        *ret_doc = doc;
        return 0;
}

/* The next parameter's placeholder, its value added to a. */
static int put_param(struct strbuf *sql, struct pg_args *a, const char *v, const char *sep)
{
        pg_arg(a, v);
        return strbuf_printf(sql, "%s$%d", sep, a->n);
}

/* " FROM objects WHERE kind = $1 AND ..." for a query, its values in a. */
static int build_where(struct strbuf *sql, struct pg_args *a, const char *kind,
                       const struct store_query *q)
{
        int r = strbuf_append(sql, " FROM objects WHERE kind = ");
        if (r >= 0)
                r = put_param(sql, a, kind, "");
        for (size_t i = 0; r >= 0 && q && i < q->n_filters; i++) {
                const struct store_filter *f = &q->filters[i];
                bool num = f->type == STORE_VALUE_INT;
                if (f->n_values == 0)
                        continue;
                if (!store_attr_name_safe(f->attr) ||
                    (f->member && !store_attr_name_safe(f->member)))
                        return -EINVAL;
                if (f->member)
                        r = strbuf_printf(sql, " AND EXISTS (SELECT 1 FROM jsonb_array_elements("
                                          "CASE jsonb_typeof(j -> '%s') WHEN 'array' THEN "
                                          "j -> '%s' ELSE '[]' END) AS m WHERE %s(m %s '%s') IN (",
                                          f->attr, f->attr, num ? "json_num" : "",
                                          num ? "->" : "->>", f->member);
                else if (streq(f->attr, "id"))
                        r = strbuf_append(sql, " AND id IN (");
                else
                        r = strbuf_printf(sql, num ? " AND json_num(j -> '%s') IN ("
                                                   : " AND (j ->> '%s') IN (", f->attr);
                for (size_t k = 0; r >= 0 && k < f->n_values; k++) {
                        r = put_param(sql, a, f->values[k], k ? "," : "");
                        if (r >= 0 && num)
                                r = strbuf_append(sql, "::numeric");
                }
                if (r >= 0)
                        r = strbuf_append(sql, f->member ? "))" : ")");
        }
        if (r >= 0 && q && q->project_id) {
                r = put_param(sql, a, q->project_id, " AND (project_id = ");
                if (r >= 0 && q->shared_attr && store_attr_name_safe(q->shared_attr))
                        r = strbuf_printf(sql, " OR json_num(j -> '%s') = 1", q->shared_attr);
                if (r >= 0 && q->shared_attr && q->also_shared_attr &&
                    store_attr_name_safe(q->also_shared_attr))
                        r = strbuf_printf(sql, " OR json_num(j -> '%s') = 1",
                                          q->also_shared_attr);
                if (r >= 0)
                        r = strbuf_append(sql, ")");
        }
        if (r >= 0 && q && q->marker)
                r = put_param(sql, a, q->marker, " AND id > ");
        return r;
}

static int pg_obj_list(struct store *st, const char *kind, const struct store_query *q,
                       store_obj_cb cb, void *userdata)
{
        _cleanup_strbuf_ struct strbuf sql = STRBUF_INIT;
        _cleanup_pg_args_ struct pg_args a = {0};
        _cleanup_pgresult_ PGresult *res = NULL;
        int r = strbuf_append(&sql, "SELECT id, doc");
        if (r >= 0)
                r = build_where(&sql, &a, kind, q);
        if (r >= 0)
                r = strbuf_append(&sql, " ORDER BY id");
        if (r >= 0 && q && q->limit)
                r = strbuf_printf(&sql, " LIMIT %zu", q->limit);
        if (r >= 0)
                r = pg_query(st, "list", strbuf_str(&sql), &a, &res);
        for (int i = 0; r > 0 && i < PQntuples(res); i++) {
                int c = cb(PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), userdata);
                if (c < 0)
                        return c;
        }
        return r < 0 ? r : 0;
}

static int pg_obj_count(struct store *st, const char *kind, const struct store_query *q,
                        size_t *ret)
{
        _cleanup_strbuf_ struct strbuf sql = STRBUF_INIT;
        _cleanup_pg_args_ struct pg_args a = {0};
        _cleanup_pgresult_ PGresult *res = NULL;
        int r = strbuf_append(&sql, "SELECT count(*)");
        if (r >= 0)
                r = build_where(&sql, &a, kind, q);
        if (r >= 0)
                r = pg_query(st, "count", strbuf_str(&sql), &a, &res);
        if (r < 0)
                return r;
        *ret = (size_t)pg_int(res, 0, 0);
        return 0;
}

static int pg_claim(struct store *st, const char *pool, const char *value, const char *owner)
{
        int r = pg_exec_texts(st, "claim", "INSERT INTO allocations (pool, value, owner) "
                              "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", 3, pool, value, owner);
        return r < 0 ? r : r == 0 ? -EEXIST : 0;
}

static int pg_release(struct store *st, const char *pool, const char *value)
{
        int r = pg_exec_texts(st, "release", "DELETE FROM allocations WHERE pool = $1 AND "
                              "value = $2", 2, pool, value);
        return r < 0 ? r : 0;
}

static int pg_is_claimed(struct store *st, const char *pool, const char *value)
{
        int r = pg_exec_texts(st, "claimed", "SELECT 1 FROM allocations WHERE pool = $1 AND "
                              "value = $2", 2, pool, value);
        return r < 0 ? r : r > 0;
}

static int pg_release_owner(struct store *st, const char *owner)
{
        int r = pg_exec_texts(st, "release", "DELETE FROM allocations WHERE owner = $1", 1, owner);
        return r < 0 ? r : 0;
}

static int pg_pool_values(struct store *st, const char *pool, char ***ret)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        _cleanup_pgresult_ PGresult *res = NULL;
        pg_arg(&a, pool);
        int r = pg_query(st, "pool", "SELECT value FROM allocations WHERE pool = $1 "
                         "ORDER BY value", &a, &res);
        if (r < 0)
                return r;
        _cleanup_strv_free_ char **l = calloc((size_t)r + 1, sizeof(char *));
        if (!l)
                return -ENOMEM;
        for (int i = 0; i < r; i++)
                if (!(l[i] = pg_text_dup(res, i, 0)))
                        return -ENOMEM;
        *ret = TAKE_PTR(l);
        return r;
}

static int pg_secret_set(struct store *st, const char *key, const char *value)
{
        int r = pg_exec_texts(st, "secret", "INSERT INTO secrets (key, value) VALUES ($1, $2) "
                              "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                              2, key, value);
        return r < 0 ? r : 0;
}

static int pg_secret_get(struct store *st, const char *key, char **ret)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        _cleanup_pgresult_ PGresult *res = NULL;
        pg_arg(&a, key);
        int r = pg_query(st, "secret", "SELECT value FROM secrets WHERE key = $1", &a, &res);
        if (r <= 0)
                return r < 0 ? r : -ENOENT;
        return (*ret = pg_text_dup(res, 0, 0)) ? 0 : -ENOMEM;
}

static int pg_secret_delete(struct store *st, const char *key)
{
        int r = pg_exec_texts(st, "secret", "DELETE FROM secrets WHERE key = $1", 1, key);
        return r < 0 ? r : 0;
}

static int pg_stamp_get(struct store *st, const char *name, int64_t *ret)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        _cleanup_pgresult_ PGresult *res = NULL;
        pg_arg(&a, name);
        int r = pg_query(st, "stamp", "SELECT value FROM stamps WHERE name = $1", &a, &res);
        if (r < 0)
                return r;
        *ret = r ? pg_int(res, 0, 0) : 0;
        return 0;
}

static int pg_stamp_expect(struct store *st, const char *name, int64_t value)
{
        if (strlen(name) >= sizeof(tx_expect.name))
                return err_set(-EINVAL, "stamp name '%s' is too long", name);
        tx_expect = (struct stamp_expectation){.open = true, .unread = true, .value = value};
        strcpy(tx_expect.name, name);
        return 0;
}

static int pg_stamp_settle(struct store *st)
{
        int r = 0;
        if (tx_expect.open && tx_expect.unread) {
                int64_t now = 0;
                tx_expect.unread = false;
                r = pg_stamp_get(st, tx_expect.name, &now);
                if (r >= 0 && now != tx_expect.value)
                        r = -ESTALE;
        } else if (tx_expect.open && tx_expect.moved)
                r = -ESTALE;
        tx_expect = (struct stamp_expectation){0};
        return r;
}

static bool pg_stamp_take(struct store *st, int64_t *ret_value)
{
        (void)st;
        if (!tx_expect.open || !tx_expect.unread)
                return false;
        *ret_value = tx_expect.value;
        tx_expect = (struct stamp_expectation){0};
        return true;
}

static int pg_stamp_bump(struct store *st, const char *name)
{
        int r = pg_exec_texts(st, "stamp", "INSERT INTO stamps (name, value) VALUES ($1, 1) "
                              "ON CONFLICT (name) DO UPDATE SET value = stamps.value + 1",
                              1, name);
        return r < 0 ? r : 0;
}

static int pg_changes_compact(struct store *st, int64_t upto)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        pg_arg_int(&a, upto);
        int r = pg_query(st, "change feed", "DELETE FROM host_changes WHERE revision <= $1", &a,
                         NULL);
        if (r >= 0)
                r = pg_query(st, "change feed", "INSERT INTO stamps (name, value) "
                             "VALUES ('changes_compacted', $1) ON CONFLICT (name) DO UPDATE "
                             "SET value = greatest(stamps.value, excluded.value)", &a, NULL);
        return r < 0 ? r : 0;
}

static int pg_change_append(struct store *base, const char *host, const char *kind,
                            const char *id, int64_t *ret_revision)
{
        struct pg_store *st = to_pg(base);
        _cleanup_pg_args_ struct pg_args a = {0};
        _cleanup_pgresult_ PGresult *res = NULL;
        pg_argv(&a, 3, host, kind, id);
        /* The counter is a row: it moves with the transaction, so a
         * rollback gives its revision back and revisions follow commits. */
        int r = pg_query(base, "change feed",
                         "WITH rev AS (INSERT INTO stamps (name, value) "
                         "VALUES ('changes_revision', 1) ON CONFLICT (name) DO UPDATE "
                         "SET value = stamps.value + 1 RETURNING value) "
                         "INSERT INTO host_changes (revision, host, kind, id) "
                         "SELECT value, $1, $2, $3 FROM rev RETURNING revision", &a, &res);
        if (r <= 0)
                return r < 0 ? r : -EIO;
        int64_t rev = pg_int(res, 0, 0), upto;
        if (ret_revision)
                *ret_revision = rev;
        if (store_changes_compact_due(base, rev, &upto) &&
            (r = pg_changes_compact(base, upto)) < 0)
                return r;
        if (tx_store == st) {
                size_t n = tx_conn->changed.n;
                r = store_changed_hosts_add(&tx_conn->changed, host);
                if (r < 0 || tx_conn->changed.n == n)
                        return r;
                /* Other servers' watches on host: told when this commits. */
                _cleanup_free_ char *payload = NULL;
                if (asprintf(&payload, "%s %s", st->origin, host) < 0)
                        return -ENOMEM;
                r = pg_exec_texts(base, "change feed", "SELECT pg_notify('vfnet_changes', $1)", 1,
                                  payload);
                return r < 0 ? r : 0;
        }
        /* Outside a transaction the entry is committed already. */
        struct store_changed_hosts now = {0};
        r = store_changed_hosts_add(&now, host);
        store_changed_hosts_done(base, &now, r >= 0);
        return r;
}

static int pg_change_revision(struct store *st, int64_t *ret)
{
        return pg_stamp_get(st, "changes_revision", ret);
}

/* One statement: the compaction mark and the newest revision (their row
 * always there) and the host's entries after since beside them, one round
 * trip instead of three. */
static int pg_changes_since(struct store *st, const char *host, int64_t since, size_t limit,
                            store_change_cb cb, void *userdata, int64_t *ret_revision)
{
        _cleanup_pg_args_ struct pg_args a = {0};
        _cleanup_pgresult_ PGresult *res = NULL;
        pg_arg(&a, host);
        pg_arg_int(&a, since);
        pg_arg_int(&a, limit > INT64_MAX ? INT64_MAX : (long long)limit);
        int r = pg_query(st, "change feed",
                         "SELECT c.compacted, c.revision, h.revision, h.kind, h.id FROM "
                         "(SELECT coalesce(max(value) FILTER (WHERE name = 'changes_compacted'), 0) "
                         "AS compacted, coalesce(max(value) FILTER (WHERE name = "
                         "'changes_revision'), 0) AS revision FROM stamps WHERE name IN "
                         "('changes_compacted', 'changes_revision')) c LEFT JOIN LATERAL "
                         "(SELECT revision, kind, id FROM host_changes "
                         "WHERE host = $1 AND revision > $2 ORDER BY revision LIMIT $3) h "
                         "ON true ORDER BY h.revision", &a, &res);
        if (r <= 0)
                return r < 0 ? r : err_set(-EIO, "change feed: no answer to the read");
        if (since < pg_int(res, 0, 0))
                return -ESTALE;
        if (ret_revision)
                *ret_revision = pg_int(res, 0, 1);
        int n = 0;
        for (int i = 0; i < PQntuples(res); i++) {
                if (PQgetisnull(res, i, 2))
                        continue;
                struct store_change c = {
                        .revision = pg_int(res, i, 2),
                        .kind = PQgetvalue(res, i, 3),
                        .id = PQgetvalue(res, i, 4),
                };
                int k = cb(&c, userdata);
                if (k < 0)
                        return k;
                n++;
        }
        return n;
}

static const struct store_backend pg_backend = {
        .name = "postgresql",
        .free = pg_free,
        .schema_version = pg_schema_version,
        .begin = pg_begin,
        .begin_read_committed = pg_begin_read_committed,
        .end = pg_end,
        .obj_insert = pg_obj_insert,
        .obj_update = pg_obj_update,
        .obj_delete = pg_obj_delete,
        .obj_delete_below = pg_obj_delete_below,
        .obj_get = pg_obj_get,
        .obj_list = pg_obj_list,
        .obj_count = pg_obj_count,
        .claim = pg_claim,
        .release = pg_release,
        .is_claimed = pg_is_claimed,
        .release_owner = pg_release_owner,
        .pool_values = pg_pool_values,
        .usage_add = pg_usage_add,
        .usage_sum = pg_usage_sum,
        .pci_claim = pg_pci_claim,
        .pci_claims = pg_pci_claims,
        .instance_release = pg_instance_release,
        .host_report_put = pg_host_report_put,
        .host_report_get = pg_host_report_get,
        .auth_failures_get = pg_auth_failures_get,
        .auth_failure_add = pg_auth_failure_add,
        .auth_failures_clear = pg_auth_failures_clear,
        .instance_put = pg_instance_put,
        .instance_get = pg_instance_get,
        .instance_delete = pg_instance_delete,
        .instance_list = pg_instance_list,
        .instance_totals = pg_instance_totals,
        .compute_host_put = pg_compute_host_put,
        .compute_host_get = pg_compute_host_get,
        .heartbeats_put = pg_heartbeats_put,
        .compute_host_claims_tags = pg_compute_host_claims_tags,
        .compute_host_heartbeats = pg_compute_host_heartbeats,
        .compute_host_get_by_service = pg_compute_host_get_by_service,
        .compute_host_get_with_agent = pg_compute_host_get_with_agent,
        .compute_host_list = pg_compute_host_list,
        .compute_task_add = pg_compute_task_add,
        .compute_task_get = pg_compute_task_get,
        .compute_task_delete = pg_compute_task_delete,
        .compute_task_list = pg_compute_task_list,
        .secret_set = pg_secret_set,
        .secret_get = pg_secret_get,
        .secret_delete = pg_secret_delete,
        .stamp_get = pg_stamp_get,
        .stamp_read = pg_stamp_get,
        .stamp_expect = pg_stamp_expect,
        .stamp_settle = pg_stamp_settle,
        .stamp_take = pg_stamp_take,
        .stamp_bump = pg_stamp_bump,
        .change_append = pg_change_append,
        .changes_since = pg_changes_since,
        .change_revision = pg_change_revision,
        .changes_compact = pg_changes_compact,
        .network_put = pg_network_put,
        .network_delete = pg_network_delete,
        .network_list = pg_network_list,
        .network_count = pg_network_count,
        .port_put = pg_port_put,
        .port_host = pg_port_host,
        .port_delete = pg_port_delete,
        .port_list = pg_port_list,
        .port_count = pg_port_count,
        .subnet_put = pg_subnet_put,
        .subnet_delete = pg_subnet_delete,
        .subnet_list = pg_subnet_list,
        .subnet_count = pg_subnet_count,
        .secgroup_put = pg_secgroup_put,
        .secgroup_delete = pg_secgroup_delete,
        .secgroup_list = pg_secgroup_list,
        .secgroup_count = pg_secgroup_count,
        .sg_rule_put = pg_sg_rule_put,
        .sg_rule_delete = pg_sg_rule_delete,
        .sg_rule_list = pg_sg_rule_list,
        .sg_rule_count = pg_sg_rule_count,
        .sg_rules_of = pg_sg_rules_of,
        .sg_rule_cursor_open = pg_sg_rule_cursor_open,
        .agent_put = pg_agent_put,
        .agent_get = pg_agent_get,
        .agent_delete = pg_agent_delete,
        .agent_list = pg_agent_list,
};
