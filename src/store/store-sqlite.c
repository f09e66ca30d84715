/* The SQLite backend of store.h: WAL journal (readers never block the
 * writer, a kill -9 loses no committed transaction), a busy timeout for
 * other processes sharing the file, and versioned schema migrations. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "base/error.h"
#include "store/sqlite-private.h"

/* The value of the hex digit at position i of an allocation's value, for
 * migrating text PCI addresses to numbers in SQL alone. */
#define HEXD(i) "(instr('0123456789abcdef', lower(substr(value, " #i ", 1))) - 1)"
#define HEX2(a, b) "(" HEXD(a) " * 16 + " HEXD(b) ")"
#define HEX4(a, b, c, d) "(" HEXD(a) " * 4096 + " HEXD(b) " * 256 + " HEXD(c) " * 16 + " HEXD(d) ")"

/* Each entry moves the schema from version i to i+1; never edit a released
 * entry, append a new one. */
static const char *const migrations[] = {
        /* 1: objects, allocations, secrets */
        "CREATE TABLE objects ("
        "  kind TEXT NOT NULL,"
        "  id TEXT NOT NULL,"
        "  project_id TEXT,"
        "  doc TEXT NOT NULL,"
        "  PRIMARY KEY (kind, id)) WITHOUT ROWID;"
        "CREATE INDEX objects_project ON objects (kind, project_id);"
        "CREATE TABLE allocations ("
        "  pool TEXT NOT NULL,"
        "  value TEXT NOT NULL,"
        "  owner TEXT NOT NULL,"
        "  PRIMARY KEY (pool, value)) WITHOUT ROWID;"
        "CREATE INDEX allocations_owner ON allocations (owner);"
        "CREATE TABLE secrets (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;",
        /* 2: a rowid table, so the planner uses secondary indexes (it
         * does not on the WITHOUT ROWID one without statistics), and the
         * attributes clients filter on most answer from an index (OSC looks
         * every name up; ports go by network and device). */
        "CREATE TABLE objects_v2 ("
        "  kind TEXT NOT NULL,"
        "  id TEXT NOT NULL,"
        "  project_id TEXT,"
        "  doc TEXT NOT NULL,"
        "  PRIMARY KEY (kind, id));"
        "INSERT INTO objects_v2 (kind, id, project_id, doc) SELECT kind, id, project_id, doc FROM objects;"
        "DROP TABLE objects;"
        "ALTER TABLE objects_v2 RENAME TO objects;"
        "CREATE INDEX objects_project ON objects (kind, project_id, id);"
        "CREATE INDEX objects_name ON objects (kind, json_extract(doc, '$.\"name\"'), id);"
        "CREATE INDEX objects_network ON objects (kind, json_extract(doc, '$.\"network_id\"'), id);"
        "CREATE INDEX objects_device ON objects (kind, json_extract(doc, '$.\"device_id\"'), id);",
        /* 3: revision stamps (store_stamp_get/bump) */
        "CREATE TABLE stamps (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;",
        /* 4: compute usage and PCI claims as typed rows instead of packed
         * text in allocations ("usage:<host>" = "ID VCPUS RAM DISK",
         * "pci:<host>" = "DDDD:BB:SS.F"); existing rows move over. */
        "CREATE TABLE compute_usage ("
        "  instance_id TEXT PRIMARY KEY,"
        "  host TEXT NOT NULL,"
        "  vcpus INTEGER NOT NULL,"
        "  memory_mb INTEGER NOT NULL,"
        "  disk_gb INTEGER NOT NULL);"
        "CREATE INDEX compute_usage_host ON compute_usage (host);"
        "CREATE TABLE pci_claims ("
        "  host TEXT NOT NULL,"
        "  domain INTEGER NOT NULL,"
        "  bus INTEGER NOT NULL,"
        "  slot INTEGER NOT NULL,"
        "  function INTEGER NOT NULL,"
        "  instance_id TEXT NOT NULL,"
        "  PRIMARY KEY (host, domain, bus, slot, function));"
        "CREATE INDEX pci_claims_instance ON pci_claims (instance_id);"
        "INSERT OR IGNORE INTO compute_usage (instance_id, host, vcpus, memory_mb, disk_gb)"
        "  SELECT owner, host, CAST(substr(r1, 1, instr(r1, ' ') - 1) AS INTEGER),"
        "    CAST(substr(r2, 1, instr(r2, ' ') - 1) AS INTEGER),"
        "    CAST(substr(r2, instr(r2, ' ') + 1) AS INTEGER)"
        "  FROM (SELECT owner, host, r1, substr(r1, instr(r1, ' ') + 1) AS r2"
        "    FROM (SELECT owner, substr(pool, 7) AS host, substr(value, instr(value, ' ') + 1) AS r1"
        "      FROM allocations WHERE substr(pool, 1, 6) = 'usage:'));"
        "INSERT OR IGNORE INTO pci_claims (host, domain, bus, slot, function, instance_id)"
        "  SELECT substr(pool, 5), " HEX4(1, 2, 3, 4) ", " HEX2(6, 7) ", "
        HEX2(9, 10) ", " HEXD(12) ", owner"
        "  FROM allocations WHERE substr(pool, 1, 4) = 'pci:' AND length(value) = 12;"
        "DELETE FROM allocations WHERE substr(pool, 1, 6) = 'usage:' OR substr(pool, 1, 4) = 'pci:';",
        /* 5: the per-host change feed; AUTOINCREMENT so a revision is never
         * reused after compaction. */
        "CREATE TABLE host_changes ("
        "  revision INTEGER PRIMARY KEY AUTOINCREMENT,"
        "  host TEXT NOT NULL,"
        "  kind TEXT NOT NULL,"
        "  id TEXT NOT NULL);"
        "CREATE INDEX host_changes_host ON host_changes (host, revision);",
        /* 6: instances as typed rows: project, host, status and task state
         * filtered by columns, the flavor's vcpus and RAM summed by the
         * database; existing instance documents move over. */
        "CREATE TABLE instances ("
        "  id TEXT PRIMARY KEY,"
        "  project_id TEXT NOT NULL,"
        "  host TEXT,"
        "  status TEXT NOT NULL,"
        "  task_state TEXT,"
        "  vcpus INTEGER NOT NULL,"
        "  memory_mb INTEGER NOT NULL,"
        "  doc TEXT NOT NULL);"
        "CREATE INDEX instances_project ON instances (project_id, id);"
        "CREATE INDEX instances_host ON instances (host, task_state);"
        "INSERT INTO instances (id, project_id, host, status, task_state, vcpus, memory_mb, doc)"
        "  SELECT id, coalesce(json_extract(doc, '$.tenant_id'), project_id, ''),"
        "    json_extract(doc, '$._host'), coalesce(json_extract(doc, '$.status'), ''),"
        "    json_extract(doc, '$.\"OS-EXT-STS:task_state\"'),"
        "    coalesce(json_extract(doc, '$._flavor.vcpus'), 0),"
        "    coalesce(json_extract(doc, '$._flavor.ram'), 0), doc"
        "  FROM objects WHERE kind = 'instance';"
        "DELETE FROM objects WHERE kind = 'instance';",
        /* 7: compute hosts' reports as rows (host, hash, when), the report
         * text beside them; existing report documents move over with the
         * hash and heartbeat their host's record holds. */
        "CREATE TABLE host_reports ("
        "  host TEXT PRIMARY KEY,"
        "  hash TEXT NOT NULL,"
        "  received REAL NOT NULL,"
        "  report TEXT NOT NULL);"
        "INSERT INTO host_reports (host, hash, received, report)"
        "  SELECT r.id, coalesce(json_extract(h.doc, '$.report_hash'), ''),"
        "    coalesce(json_extract(h.doc, '$._heartbeat'), 0), r.doc"
        "  FROM objects r LEFT JOIN objects h ON h.kind = 'compute_host' AND h.id = r.id"
        "  WHERE r.kind = 'compute_report';"
        "DELETE FROM objects WHERE kind = 'compute_report';",
        /* 8: Keystone's failed_auth_count / failed_auth_at per user, so
         * its lockout outlives a restart and holds for every server on the
         * database; the subnets of shared networks marked visible to every
         * project (netsvc's hidden "_shared"). */
        "CREATE TABLE user_auth_failures ("
        "  user_id TEXT PRIMARY KEY,"
        "  failed_auth_count INTEGER NOT NULL,"
        "  failed_auth_at REAL NOT NULL);"
        "UPDATE objects SET doc = json_set(doc, '$._shared', json('true'))"
        "  WHERE kind = 'subnet' AND json_extract(doc, '$.network_id') IN"
        "    (SELECT id FROM objects WHERE kind = 'network'"
        "     AND json_extract(doc, '$.shared') = 1);",
        /* 9: compute hosts' service records and the hosts' task queue as
         * typed rows: what the scheduler and os-services compare are
         * columns (heartbeat, disabled, forced down, report hash), a
         * host's tasks are listed from an index; only a task's instance
         * detail stays a document.  Existing documents move over, read as
         * the code read them (disabled unless "enabled", forced down only
         * when true). */
        "CREATE TABLE compute_hosts ("
        "  hostname TEXT PRIMARY KEY,"
        "  service_id TEXT NOT NULL,"
        "  hypervisor_id TEXT NOT NULL,"
        "  disabled INTEGER NOT NULL,"
        "  disabled_reason TEXT,"
        "  forced_down INTEGER NOT NULL,"
        "  availability_zone TEXT,"
        "  report_hash TEXT NOT NULL,"
        "  heartbeat REAL NOT NULL,"
        "  created_at TEXT,"
        "  updated_at TEXT);"
        "CREATE INDEX compute_hosts_service ON compute_hosts (service_id);"
        "CREATE TABLE compute_tasks ("
        "  id TEXT PRIMARY KEY,"
        "  host TEXT NOT NULL,"
        "  action TEXT NOT NULL,"
        "  instance_id TEXT NOT NULL,"
        "  created_at TEXT NOT NULL,"
        "  detail TEXT NOT NULL);"
        "CREATE INDEX compute_tasks_host ON compute_tasks (host, id);"
        "INSERT INTO compute_hosts (hostname, service_id, hypervisor_id, disabled, disabled_reason,"
        "    forced_down, availability_zone, report_hash, heartbeat, created_at, updated_at)"
        "  SELECT id, coalesce(json_extract(doc, '$.service_id'), ''),"
        "    coalesce(json_extract(doc, '$.hypervisor_id'), ''),"
        "    json_extract(doc, '$.status') IS NOT 'enabled', json_extract(doc, '$.disabled_reason'),"
        "    json_type(doc, '$.forced_down') IS 'true', json_extract(doc, '$.availability_zone'),"
        "    coalesce(json_extract(doc, '$.report_hash'), ''),"
        "    coalesce(json_extract(doc, '$._heartbeat'), 0), json_extract(doc, '$.created_at'),"
        "    json_extract(doc, '$.updated_at')"
        "  FROM objects WHERE kind = 'compute_host';"
        "INSERT INTO compute_tasks (id, host, action, instance_id, created_at, detail)"
        "  SELECT id, coalesce(json_extract(doc, '$.host'), ''),"
        "    coalesce(json_extract(doc, '$.action'), ''),"
        "    coalesce(json_extract(doc, '$.instance_id'), ''),"
        "    coalesce(json_extract(doc, '$.created_at'), ''),"
        "    coalesce(json_extract(doc, '$.instance'), '{}')"
        "  FROM objects WHERE kind = 'compute_task';"
        "DELETE FROM objects WHERE kind IN ('compute_host', 'compute_task');",
        /* 10: at the scale of thousands of hosts.  Agents are found by
         * their host on every agent report (an index, not a scan of every
         * agent); each host row carries a tag that changes whenever usage
         * or a PCI claim on the host is added or released, so the
         * scheduler's cache re-reads a host's claims only when they moved. */
        "CREATE INDEX objects_host ON objects (kind, json_extract(doc, '$.\"host\"'), id);"
        "ALTER TABLE compute_hosts ADD COLUMN claims_tag INTEGER NOT NULL DEFAULT 0;",
        /* 11: networks, their segments, ports and their fixed IPs as typed
         * rows: what lists filter on and what is joined are columns with
         * indexes (a port's addresses a table of their own); the API's
         * view of each stays beside them as a document, sent as stored.
         * Existing documents move over. */
        "CREATE TABLE networks ("
        "  id TEXT PRIMARY KEY,"
        "  project_id TEXT,"
        "  name TEXT,"
        "  status TEXT,"
        "  admin_state_up INTEGER,"
        "  shared INTEGER,"
        "  external INTEGER,"
        "  mtu INTEGER,"
        "  doc TEXT NOT NULL);"
        "CREATE INDEX networks_project ON networks (project_id, id);"
        "CREATE INDEX networks_name ON networks (name, id);"
        "CREATE TABLE network_segments ("
        "  network_id TEXT PRIMARY KEY REFERENCES networks (id) ON DELETE CASCADE,"
        "  network_type TEXT NOT NULL,"
        "  physical_network TEXT,"
        "  segmentation_id INTEGER);"
        "CREATE INDEX network_segments_physnet ON network_segments (physical_network, segmentation_id);"
        "CREATE TABLE ports ("
        "  id TEXT PRIMARY KEY,"
        "  project_id TEXT,"
        "  network_id TEXT,"
        "  name TEXT,"
        "  device_id TEXT,"
        "  device_owner TEXT,"
        "  mac_address TEXT,"
        "  host TEXT,"
        "  vnic_type TEXT,"
        "  status TEXT,"
        "  admin_state_up INTEGER,"
        "  doc TEXT NOT NULL);"
        "CREATE INDEX ports_project ON ports (project_id, id);"
        "CREATE INDEX ports_network ON ports (network_id, id);"
        /* Most ports have no name, device or host (Nova's until it binds
         * them): indexed only when set, a create writes fewer pages. */
        "CREATE INDEX ports_device ON ports (device_id, id) WHERE device_id <> '';"
        "CREATE INDEX ports_host ON ports (host, id) WHERE host <> '';"
        "CREATE INDEX ports_name ON ports (name, id) WHERE name <> '';"
        "CREATE TABLE port_fixed_ips ("
        "  port_id TEXT NOT NULL REFERENCES ports (id) ON DELETE CASCADE,"
        "  subnet_id TEXT NOT NULL,"
        "  ip_address TEXT NOT NULL,"
        "  PRIMARY KEY (port_id, subnet_id, ip_address)) WITHOUT ROWID;"
        "CREATE INDEX port_fixed_ips_subnet ON port_fixed_ips (subnet_id, ip_address);"
        "INSERT INTO networks (id, project_id, name, status, admin_state_up, shared, external, mtu, doc)"
        "  SELECT id, project_id, json_extract(doc, '$.name'), json_extract(doc, '$.status'),"
        "    json_extract(doc, '$.admin_state_up'), json_extract(doc, '$.shared'),"
        "    json_extract(doc, '$.\"router:external\"'), json_extract(doc, '$.mtu'), doc"
        "  FROM objects WHERE kind = 'network';"
        "INSERT INTO network_segments (network_id, network_type, physical_network, segmentation_id)"
        "  SELECT id, json_extract(doc, '$.\"provider:network_type\"'),"
        "    json_extract(doc, '$.\"provider:physical_network\"'),"
        "    json_extract(doc, '$.\"provider:segmentation_id\"')"
        "  FROM objects WHERE kind = 'network'"
        "    AND json_extract(doc, '$.\"provider:network_type\"') IS NOT NULL;"
        "INSERT INTO ports (id, project_id, network_id, name, device_id, device_owner, mac_address,"
        "    host, vnic_type, status, admin_state_up, doc)"
        "  SELECT id, project_id, json_extract(doc, '$.network_id'), json_extract(doc, '$.name'),"
        "    json_extract(doc, '$.device_id'), json_extract(doc, '$.device_owner'),"
        "    json_extract(doc, '$.mac_address'), json_extract(doc, '$.\"binding:host_id\"'),"
        "    json_extract(doc, '$.\"binding:vnic_type\"'), json_extract(doc, '$.status'),"
        "    json_extract(doc, '$.admin_state_up'), doc"
        "  FROM objects WHERE kind = 'port';"
        "INSERT OR IGNORE INTO port_fixed_ips (port_id, subnet_id, ip_address)"
        "  SELECT o.id, json_extract(f.value, '$.subnet_id'), json_extract(f.value, '$.ip_address')"
        "  FROM objects o, json_each(o.doc, '$.fixed_ips') f"
        "  WHERE o.kind = 'port' AND json_extract(f.value, '$.subnet_id') IS NOT NULL"
        "    AND json_extract(f.value, '$.ip_address') IS NOT NULL;"
        "DELETE FROM objects WHERE kind IN ('network', 'port');",
        /* 12: each compute host's small integer, Nova's id of its service
         * and hypervisor before microversion 2.53; existing hosts numbered
         * in hostname order. */
        "ALTER TABLE compute_hosts ADD COLUMN num_id INTEGER NOT NULL DEFAULT 0;"
        "UPDATE compute_hosts SET num_id ="
        "  (SELECT count(*) FROM compute_hosts c WHERE c.hostname <= compute_hosts.hostname);"
        "CREATE UNIQUE INDEX compute_hosts_num_id ON compute_hosts (num_id);",
        /* 13: subnets as typed rows: what lists filter on and what IPAM
         * reads are columns (the mark of a shared network's subnet among
         * them), the allocation pools rows of their own in order, so a
         * port create reads its subnets without parsing a document; the
         * API's view stays beside each row.  Existing documents move
         * over. */
        "CREATE TABLE subnets ("
        "  id TEXT PRIMARY KEY,"
        "  project_id TEXT,"
        "  network_id TEXT,"
        "  name TEXT,"
        "  ip_version INTEGER,"
        "  cidr TEXT,"
        "  gateway_ip TEXT,"
        "  enable_dhcp INTEGER,"
        "  shared INTEGER,"
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
        "  position INTEGER NOT NULL,"
        "  first_ip TEXT NOT NULL,"
        "  last_ip TEXT NOT NULL,"
        "  PRIMARY KEY (subnet_id, position)) WITHOUT ROWID;"
        "INSERT INTO subnets (id, project_id, network_id, name, ip_version, cidr, gateway_ip,"
        "    enable_dhcp, shared, ipv6_ra_mode, ipv6_address_mode, subnetpool_id, doc)"
        "  SELECT id, project_id, json_extract(doc, '$.network_id'), json_extract(doc, '$.name'),"
        "    json_extract(doc, '$.ip_version'), json_extract(doc, '$.cidr'),"
        "    json_extract(doc, '$.gateway_ip'), json_extract(doc, '$.enable_dhcp'),"
        "    coalesce(json_extract(doc, '$._shared'), 0), json_extract(doc, '$.ipv6_ra_mode'),"
        "    json_extract(doc, '$.ipv6_address_mode'), json_extract(doc, '$.subnetpool_id'), doc"
        "  FROM objects WHERE kind = 'subnet';"
        "INSERT INTO subnet_allocation_pools (subnet_id, position, first_ip, last_ip)"
        "  SELECT o.id, p.key, json_extract(p.value, '$.start'), json_extract(p.value, '$.end')"
        "  FROM objects o, json_each(o.doc, '$.allocation_pools') p"
        "  WHERE o.kind = 'subnet' AND json_extract(p.value, '$.start') IS NOT NULL"
        "    AND json_extract(p.value, '$.end') IS NOT NULL;"
        "DELETE FROM objects WHERE kind = 'subnet';",
        /* 14: Neutron agents as typed rows: what is looked up on every
         * report and filtered (host and type, one agent each; binary,
         * topic, state, the reporting process) are columns, and so is the
         * heartbeat, which the once-a-second batch then writes without
         * touching the document or any index.  Existing documents move
         * over (of two with the same host and type, the later heartbeat
         * stays). */
        "CREATE TABLE agents ("
        "  id TEXT PRIMARY KEY,"
        "  host TEXT NOT NULL,"
        "  agent_type TEXT NOT NULL,"
        "  agent_binary TEXT,"
        "  topic TEXT,"
        "  admin_state_up INTEGER NOT NULL,"
        "  heartbeat REAL NOT NULL,"
        "  heartbeat_timestamp TEXT,"
        "  instance_id TEXT,"
        "  doc TEXT NOT NULL,"
        "  UNIQUE (host, agent_type));"
        "CREATE INDEX agents_type ON agents (agent_type, id);"
        "INSERT OR IGNORE INTO agents (id, host, agent_type, agent_binary, topic, admin_state_up,"
        "    heartbeat, heartbeat_timestamp, instance_id, doc)"
        "  SELECT id, coalesce(json_extract(doc, '$.host'), ''),"
        "    coalesce(json_extract(doc, '$.agent_type'), ''), json_extract(doc, '$.binary'),"
        "    json_extract(doc, '$.topic'), coalesce(json_extract(doc, '$.admin_state_up'), 1),"
        "    coalesce(json_extract(doc, '$._heartbeat'), 0),"
        "    json_extract(doc, '$.heartbeat_timestamp'), json_extract(doc, '$._instance'), doc"
        "  FROM objects WHERE kind = 'agent'"
        "  ORDER BY coalesce(json_extract(doc, '$._heartbeat'), 0) DESC;"
        "DELETE FROM objects WHERE kind = 'agent';",
        /* 15: an agent is looked up by host and type in id order (the
         * typed list's order): an index that gives both, so no plan
         * walks the rows in id order filtering them (PostgreSQL kept such
         * a plan, chosen while the table was empty, for the life of its
         * prepared statement: a scan of thousands of rows per report). */
        "CREATE INDEX agents_host ON agents (host, agent_type, id);",
        /* 16: instances without a document: every attribute of the server
         * a column (the flavor as booted among them), only what users
         * store arbitrary keys or names in JSON text (metadata, the
         * flavor's extra specs, security group names, tags); the ports
         * asked for or made, the addresses and the hosts tried rows of
         * their own.  Existing documents move over (the table rebuilt, its
         * indexes kept); the PCI addresses a document listed stay where
         * they are claimed (pci_claims). */
        "ALTER TABLE instances RENAME TO instances_v15;"
        "CREATE TABLE instances ("
        "  id TEXT PRIMARY KEY,"
        "  project_id TEXT NOT NULL,"
        "  user_id TEXT,"
        "  name TEXT,"
        "  description TEXT,"
        "  status TEXT NOT NULL,"
        "  vm_state TEXT,"
        "  task_state TEXT,"
        "  power_state INTEGER NOT NULL DEFAULT 0,"
        "  host TEXT,"
        "  availability_zone TEXT,"
        "  requested_zone TEXT,"
        "  instance_name TEXT,"
        "  flavor_id TEXT,"
        "  flavor_name TEXT,"
        "  vcpus INTEGER NOT NULL,"
        "  memory_mb INTEGER NOT NULL,"
        "  disk_gb INTEGER NOT NULL DEFAULT 0,"
        "  ephemeral_gb INTEGER NOT NULL DEFAULT 0,"
        "  swap_mb INTEGER NOT NULL DEFAULT 0,"
        "  flavor_extra_specs TEXT,"
        "  image_id TEXT,"
        "  key_name TEXT,"
        "  access_ipv4 TEXT,"
        "  access_ipv6 TEXT,"
        "  config_drive TEXT,"
        "  disk_config TEXT,"
        "  progress INTEGER NOT NULL DEFAULT 0,"
        "  locked INTEGER NOT NULL DEFAULT 0,"
        "  created_at TEXT,"
        "  updated_at TEXT,"
        "  launched_at TEXT,"
        "  terminated_at TEXT,"
        "  metadata TEXT,"
        "  security_groups TEXT,"
        "  tags TEXT,"
        "  fault_code INTEGER NOT NULL DEFAULT 0,"
        "  fault_message TEXT,"
        "  fault_created TEXT);"
        "INSERT INTO instances (id, project_id, user_id, name, description, status, vm_state,"
        "    task_state, power_state, host, availability_zone, requested_zone, instance_name,"
        "    flavor_id, flavor_name, vcpus, memory_mb, disk_gb, ephemeral_gb, swap_mb,"
        "    flavor_extra_specs, image_id, key_name, access_ipv4, access_ipv6, config_drive,"
        "    disk_config, progress, locked, created_at, updated_at, launched_at, terminated_at,"
        "    metadata, security_groups, tags, fault_code, fault_message, fault_created)"
        "  SELECT id, project_id, json_extract(doc, '$.user_id'), json_extract(doc, '$.name'),"
        "    json_extract(doc, '$.description'), status,"
        "    json_extract(doc, '$.\"OS-EXT-STS:vm_state\"'), task_state,"
        "    CAST(coalesce(json_extract(doc, '$.\"OS-EXT-STS:power_state\"'), 0) AS INTEGER),"
        "    host, json_extract(doc, '$.\"OS-EXT-AZ:availability_zone\"'),"
        "    json_extract(doc, '$._az_req'), json_extract(doc, '$._instance_name'),"
        "    json_extract(doc, '$._flavor.id'), json_extract(doc, '$._flavor.name'), vcpus,"
        "    memory_mb, CAST(coalesce(json_extract(doc, '$._flavor.disk'), 0) AS INTEGER),"
        "    CAST(coalesce(json_extract(doc, '$._flavor.\"OS-FLV-EXT-DATA:ephemeral\"'), 0)"
        "      AS INTEGER),"
        "    CAST(coalesce(json_extract(doc, '$._flavor.swap'), 0) AS INTEGER),"
        "    coalesce(json_extract(doc, '$._flavor.extra_specs'), '{}'),"
        "    json_extract(doc, '$._image_id'), json_extract(doc, '$.key_name'),"
        "    coalesce(json_extract(doc, '$.accessIPv4'), ''),"
        "    coalesce(json_extract(doc, '$.accessIPv6'), ''),"
        "    coalesce(json_extract(doc, '$.config_drive'), ''),"
        "    coalesce(json_extract(doc, '$.\"OS-DCF:diskConfig\"'), 'MANUAL'),"
        "    CAST(coalesce(json_extract(doc, '$.progress'), 0) AS INTEGER),"
        "    json_type(doc, '$.locked') IS 'true', json_extract(doc, '$.created'),"
        "    json_extract(doc, '$.updated'), json_extract(doc, '$.\"OS-SRV-USG:launched_at\"'),"
        "    json_extract(doc, '$.\"OS-SRV-USG:terminated_at\"'),"
        "    coalesce(json_extract(doc, '$.metadata'), '{}'),"
        "    (SELECT json_group_array(json_extract(g.value, '$.name'))"
        "      FROM json_each(doc, '$.security_groups') g),"
        "    coalesce(json_extract(doc, '$.tags'), '[]'),"
        "    CAST(coalesce(json_extract(doc, '$.fault.code'), 0) AS INTEGER),"
        "    json_extract(doc, '$.fault.message'), json_extract(doc, '$.fault.created')"
        "  FROM instances_v15;"
        "CREATE TABLE instance_ports ("
        "  instance_id TEXT NOT NULL REFERENCES instances (id) ON DELETE CASCADE,"
        "  position INTEGER NOT NULL,"
        "  port_id TEXT NOT NULL,"
        "  created INTEGER NOT NULL,"
        "  PRIMARY KEY (instance_id, position)) WITHOUT ROWID;"
        "CREATE TABLE instance_addresses ("
        "  instance_id TEXT NOT NULL REFERENCES instances (id) ON DELETE CASCADE,"
        "  position INTEGER NOT NULL,"
        "  network TEXT NOT NULL,"
        "  version INTEGER NOT NULL,"
        "  addr TEXT NOT NULL,"
        "  mac TEXT,"
        "  PRIMARY KEY (instance_id, position)) WITHOUT ROWID;"
        "CREATE TABLE instance_tried_hosts ("
        "  instance_id TEXT NOT NULL REFERENCES instances (id) ON DELETE CASCADE,"
        "  position INTEGER NOT NULL,"
        "  host TEXT NOT NULL,"
        "  PRIMARY KEY (instance_id, position)) WITHOUT ROWID;"
        "INSERT INTO instance_ports (instance_id, position, port_id, created)"
        "  SELECT o.id, p.key, p.value, p.value IN"
        "    (SELECT c.value FROM json_each(o.doc, '$._created_ports') c)"
        "  FROM instances_v15 o, json_each(o.doc, '$._ports') p WHERE p.type = 'text';"
        "INSERT INTO instance_addresses (instance_id, position, network, version, addr, mac)"
        "  SELECT o.id, row_number() OVER (PARTITION BY o.id ORDER BY n.id, a.key) - 1, n.key,"
        "    CAST(coalesce(json_extract(a.value, '$.version'), 4) AS INTEGER),"
        "    coalesce(json_extract(a.value, '$.addr'), ''),"
        "    json_extract(a.value, '$.\"OS-EXT-IPS-MAC:mac_addr\"')"
        "  FROM instances_v15 o, json_each(o.doc, '$.addresses') n,"
        "    json_each(CASE n.type WHEN 'array' THEN n.value ELSE '[]' END) a;"
        "INSERT INTO instance_tried_hosts (instance_id, position, host)"
        "  SELECT o.id, t.key, t.value FROM instances_v15 o, json_each(o.doc, '$._tried') t"
        "  WHERE t.type = 'text';"
        "DROP TABLE instances_v15;"
        "CREATE INDEX instances_project ON instances (project_id, id);"
        "CREATE INDEX instances_host ON instances (host, task_state);",
        /* 17: networks without a document: every attribute of the view a
         * column (its two lists of the user's strings and its subnets' ids
         * as JSON array text), read from each row's document, which then
         * goes (DROP COLUMN rebuilds the table, its indexes kept). */
        "ALTER TABLE networks ADD COLUMN description TEXT;"
        "ALTER TABLE networks ADD COLUMN port_security_enabled INTEGER;"
        "ALTER TABLE networks ADD COLUMN availability_zone_hints TEXT;"
        "ALTER TABLE networks ADD COLUMN tags TEXT;"
        "ALTER TABLE networks ADD COLUMN subnets TEXT;"
        "ALTER TABLE networks ADD COLUMN created_at TEXT;"
        "ALTER TABLE networks ADD COLUMN updated_at TEXT;"
        "ALTER TABLE networks ADD COLUMN revision_number INTEGER;"
        "UPDATE networks SET description = coalesce(json_extract(doc, '$.description'), ''),"
        "  port_security_enabled = coalesce(json_extract(doc, '$.port_security_enabled'), 1),"
        "  availability_zone_hints = coalesce(json_extract(doc, '$.availability_zone_hints'), '[]'),"
        "  tags = coalesce(json_extract(doc, '$.tags'), '[]'),"
        "  subnets = coalesce(json_extract(doc, '$.subnets'), '[]'),"
        "  created_at = json_extract(doc, '$.created_at'),"
        "  updated_at = json_extract(doc, '$.updated_at'),"
        "  revision_number = coalesce(json_extract(doc, '$.revision_number'), 0);"
        "ALTER TABLE networks DROP COLUMN doc;",
        /* 18: subnets without a document: every attribute of the view a
         * column (the lists as JSON array text), read from each row's
         * document, which then goes. */
        "ALTER TABLE subnets ADD COLUMN description TEXT;"
        "ALTER TABLE subnets ADD COLUMN dns_nameservers TEXT;"
        "ALTER TABLE subnets ADD COLUMN host_routes TEXT;"
        "ALTER TABLE subnets ADD COLUMN service_types TEXT;"
        "ALTER TABLE subnets ADD COLUMN tags TEXT;"
        "ALTER TABLE subnets ADD COLUMN created_at TEXT;"
        "ALTER TABLE subnets ADD COLUMN updated_at TEXT;"
        "ALTER TABLE subnets ADD COLUMN revision_number INTEGER;"
        "UPDATE subnets SET description = coalesce(json_extract(doc, '$.description'), ''),"
        "  dns_nameservers = coalesce(json_extract(doc, '$.dns_nameservers'), '[]'),"
        "  host_routes = coalesce(json_extract(doc, '$.host_routes'), '[]'),"
        "  service_types = coalesce(json_extract(doc, '$.service_types'), '[]'),"
        "  tags = coalesce(json_extract(doc, '$.tags'), '[]'),"
        "  created_at = json_extract(doc, '$.created_at'),"
        "  updated_at = json_extract(doc, '$.updated_at'),"
        "  revision_number = coalesce(json_extract(doc, '$.revision_number'), 0);"
        "ALTER TABLE subnets DROP COLUMN doc;",
        /* 19: a host's claims tag is the revision of its last claims
         * change (stamp "claims"), so a cache asks for the hosts changed
         * since the newest tag it saw instead of every host's tag; the old
         * random tags start again at 0.  (IF NOT EXISTS: the statements
         * may run again on a database whose recorded version was set
         * back, and then change nothing more.) */
        "UPDATE compute_hosts SET claims_tag = 0;"
        "DELETE FROM stamps WHERE name = 'claims';"
        "CREATE INDEX IF NOT EXISTS compute_hosts_claims ON compute_hosts (claims_tag);",
        /* 20: ports without a document: every attribute of the view a
         * column (binding:vif_details and the lists as JSON text,
         * binding:profile the user's own JSON object), the fixed IPs also
         * as text in the order the view shows them, so a list reads them
         * with the port (their rows stay for filters and lookups); read
         * from each row's document, which then goes. */
        "ALTER TABLE ports ADD COLUMN description TEXT;"
        "ALTER TABLE ports ADD COLUMN vif_type TEXT;"
        "ALTER TABLE ports ADD COLUMN vif_details TEXT;"
        "ALTER TABLE ports ADD COLUMN profile TEXT;"
        "ALTER TABLE ports ADD COLUMN port_security_enabled INTEGER;"
        "ALTER TABLE ports ADD COLUMN security_groups TEXT;"
        "ALTER TABLE ports ADD COLUMN allowed_address_pairs TEXT;"
        "ALTER TABLE ports ADD COLUMN extra_dhcp_opts TEXT;"
        "ALTER TABLE ports ADD COLUMN tags TEXT;"
        "ALTER TABLE ports ADD COLUMN created_at TEXT;"
        "ALTER TABLE ports ADD COLUMN updated_at TEXT;"
        "ALTER TABLE ports ADD COLUMN revision_number INTEGER;"
        "ALTER TABLE ports ADD COLUMN fixed_ips TEXT;"
        "UPDATE ports SET description = coalesce(json_extract(doc, '$.description'), ''),"
        "  vif_type = json_extract(doc, '$.\"binding:vif_type\"'),"
        "  vif_details = coalesce(json_extract(doc, '$.\"binding:vif_details\"'), '{}'),"
        "  profile = coalesce(json_extract(doc, '$.\"binding:profile\"'), '{}'),"
        "  port_security_enabled = coalesce(json_extract(doc, '$.port_security_enabled'), 1),"
        "  security_groups = coalesce(json_extract(doc, '$.security_groups'), '[]'),"
        "  allowed_address_pairs = coalesce(json_extract(doc, '$.allowed_address_pairs'), '[]'),"
        "  extra_dhcp_opts = coalesce(json_extract(doc, '$.extra_dhcp_opts'), '[]'),"
        "  tags = coalesce(json_extract(doc, '$.tags'), '[]'),"
        "  created_at = json_extract(doc, '$.created_at'),"
        "  updated_at = json_extract(doc, '$.updated_at'),"
        "  revision_number = coalesce(json_extract(doc, '$.revision_number'), 0);"
        "UPDATE ports SET fixed_ips = coalesce((SELECT group_concat(s || ' ' || a, ',') FROM"
        "    (SELECT json_extract(f.value, '$.subnet_id') AS s,"
        "      json_extract(f.value, '$.ip_address') AS a FROM json_each(ports.doc, '$.fixed_ips') f"
        "      ORDER BY f.key) WHERE s IS NOT NULL AND a IS NOT NULL), '');"
        "ALTER TABLE ports DROP COLUMN doc;",
        /* 21: networks, subnets and ports (and the rows that belong to
         * them) clustered by id: a list walks them in id order, and in a
         * rowid table each row then cost a lookup by rowid, in random order
         * (ids are random), so listing 10,000 ports read each page of the
         * table about four times.  Each table is rebuilt beside the old
         * one, its child rebuilt pointing at the new one, the old pair
         * dropped (the child first, so nothing cascades) and the new
         * renamed, its indexes made again. */
        "CREATE TABLE networks_v21 ("
        "  id TEXT PRIMARY KEY,"
        "  project_id TEXT,"
        "  name TEXT,"
        "  description TEXT,"
        "  status TEXT,"
        "  admin_state_up INTEGER,"
        "  shared INTEGER,"
        "  external INTEGER,"
        "  port_security_enabled INTEGER,"
        "  mtu INTEGER,"
        "  availability_zone_hints TEXT,"
        "  tags TEXT,"
        "  subnets TEXT,"
        "  created_at TEXT,"
        "  updated_at TEXT,"
        "  revision_number INTEGER) WITHOUT ROWID;"
        "INSERT INTO networks_v21 (id, project_id, name, description, status, admin_state_up,"
        "    shared, external, port_security_enabled, mtu, availability_zone_hints, tags, subnets,"
        "    created_at, updated_at, revision_number)"
        "  SELECT id, project_id, name, description, status, admin_state_up, shared, external,"
        "    port_security_enabled, mtu, availability_zone_hints, tags, subnets, created_at,"
        "    updated_at, revision_number FROM networks;"
        "CREATE TABLE network_segments_v21 ("
        "  network_id TEXT PRIMARY KEY REFERENCES networks_v21 (id) ON DELETE CASCADE,"
        "  network_type TEXT NOT NULL,"
        "  physical_network TEXT,"
        "  segmentation_id INTEGER) WITHOUT ROWID;"
        "INSERT INTO network_segments_v21 (network_id, network_type, physical_network,"
        "    segmentation_id)"
        "  SELECT network_id, network_type, physical_network, segmentation_id"
        "  FROM network_segments;"
        "DROP TABLE network_segments;"
        "DROP TABLE networks;"
        "ALTER TABLE networks_v21 RENAME TO networks;"
        "ALTER TABLE network_segments_v21 RENAME TO network_segments;"
        "CREATE INDEX networks_project ON networks (project_id, id);"
        "CREATE INDEX networks_name ON networks (name, id);"
        "CREATE INDEX network_segments_physnet ON network_segments (physical_network,"
        "  segmentation_id);"
        "CREATE TABLE subnets_v21 ("
        "  id TEXT PRIMARY KEY,"
        "  project_id TEXT,"
        "  network_id TEXT,"
        "  name TEXT,"
        "  description TEXT,"
        "  ip_version INTEGER,"
        "  cidr TEXT,"
        "  gateway_ip TEXT,"
        "  enable_dhcp INTEGER,"
        "  shared INTEGER,"
        "  ipv6_ra_mode TEXT,"
        "  ipv6_address_mode TEXT,"
        "  subnetpool_id TEXT,"
        "  dns_nameservers TEXT,"
        "  host_routes TEXT,"
        "  service_types TEXT,"
        "  tags TEXT,"
        "  created_at TEXT,"
        "  updated_at TEXT,"
        "  revision_number INTEGER) WITHOUT ROWID;"
        "INSERT INTO subnets_v21 (id, project_id, network_id, name, description, ip_version, cidr,"
        "    gateway_ip, enable_dhcp, shared, ipv6_ra_mode, ipv6_address_mode, subnetpool_id,"
        "    dns_nameservers, host_routes, service_types, tags, created_at, updated_at,"
        "    revision_number)"
        "  SELECT id, project_id, network_id, name, description, ip_version, cidr, gateway_ip,"
        "    enable_dhcp, shared, ipv6_ra_mode, ipv6_address_mode, subnetpool_id, dns_nameservers,"
        "    host_routes, service_types, tags, created_at, updated_at, revision_number"
        "  FROM subnets;"
        "CREATE TABLE subnet_allocation_pools_v21 ("
        "  subnet_id TEXT NOT NULL REFERENCES subnets_v21 (id) ON DELETE CASCADE,"
        "  position INTEGER NOT NULL,"
        "  first_ip TEXT NOT NULL,"
        "  last_ip TEXT NOT NULL,"
        "  PRIMARY KEY (subnet_id, position)) WITHOUT ROWID;"
        "INSERT INTO subnet_allocation_pools_v21 (subnet_id, position, first_ip, last_ip)"
        "  SELECT subnet_id, position, first_ip, last_ip FROM subnet_allocation_pools;"
        "DROP TABLE subnet_allocation_pools;"
        "DROP TABLE subnets;"
        "ALTER TABLE subnets_v21 RENAME TO subnets;"
        "ALTER TABLE subnet_allocation_pools_v21 RENAME TO subnet_allocation_pools;"
        "CREATE INDEX subnets_project ON subnets (project_id, id);"
        "CREATE INDEX subnets_network ON subnets (network_id, id);"
        "CREATE INDEX subnets_name ON subnets (name, id);"
        "CREATE INDEX subnets_cidr ON subnets (cidr, id);"
        "CREATE TABLE ports_v21 ("
        "  id TEXT PRIMARY KEY,"
        "  project_id TEXT,"
        "  network_id TEXT,"
        "  name TEXT,"
        "  description TEXT,"
        "  device_id TEXT,"
        "  device_owner TEXT,"
        "  mac_address TEXT,"
        "  host TEXT,"
        "  vnic_type TEXT,"
        "  vif_type TEXT,"
        "  vif_details TEXT,"
        "  profile TEXT,"
        "  status TEXT,"
        "  admin_state_up INTEGER,"
        "  port_security_enabled INTEGER,"
        "  security_groups TEXT,"
        "  allowed_address_pairs TEXT,"
        "  extra_dhcp_opts TEXT,"
        "  tags TEXT,"
        "  created_at TEXT,"
        "  updated_at TEXT,"
        "  revision_number INTEGER,"
        "  fixed_ips TEXT) WITHOUT ROWID;"
        "INSERT INTO ports_v21 (id, project_id, network_id, name, description, device_id,"
        "    device_owner, mac_address, host, vnic_type, vif_type, vif_details, profile, status,"
        "    admin_state_up, port_security_enabled, security_groups, allowed_address_pairs,"
        "    extra_dhcp_opts, tags, created_at, updated_at, revision_number, fixed_ips)"
        "  SELECT id, project_id, network_id, name, description, device_id, device_owner,"
        "    mac_address, host, vnic_type, vif_type, vif_details, profile, status, admin_state_up,"
        "    port_security_enabled, security_groups, allowed_address_pairs, extra_dhcp_opts, tags,"
        "    created_at, updated_at, revision_number, fixed_ips FROM ports;"
        "CREATE TABLE port_fixed_ips_v21 ("
        "  port_id TEXT NOT NULL REFERENCES ports_v21 (id) ON DELETE CASCADE,"
        "  subnet_id TEXT NOT NULL,"
        "  ip_address TEXT NOT NULL,"
        "  PRIMARY KEY (port_id, subnet_id, ip_address)) WITHOUT ROWID;"
        "INSERT INTO port_fixed_ips_v21 (port_id, subnet_id, ip_address)"
        "  SELECT port_id, subnet_id, ip_address FROM port_fixed_ips;"
        "DROP TABLE port_fixed_ips;"
        "DROP TABLE ports;"
        "ALTER TABLE ports_v21 RENAME TO ports;"
        "ALTER TABLE port_fixed_ips_v21 RENAME TO port_fixed_ips;"
        "CREATE INDEX ports_project ON ports (project_id, id);"
        "CREATE INDEX ports_network ON ports (network_id, id);"
        "CREATE INDEX ports_device ON ports (device_id, id) WHERE device_id <> '';"
        "CREATE INDEX ports_host ON ports (host, id) WHERE host <> '';"
        "CREATE INDEX ports_name ON ports (name, id) WHERE name <> '';"
        "CREATE INDEX port_fixed_ips_subnet ON port_fixed_ips (subnet_id, ip_address);",
        /* 22: security groups and their rules as typed rows without a
         * document, clustered by id; a rule's position is its place in
         * its group's list (the order the group's view shows its rules
         * in).  The documents move over, the group's list giving the
         * positions (a rule it does not list comes after, by id), and
         * leave the objects.  (IF NOT EXISTS: a test rolls a database's
         * recorded version back below this one.) */
        "CREATE TABLE IF NOT EXISTS security_groups ("
        "  id TEXT PRIMARY KEY,"
        "  project_id TEXT,"
        "  name TEXT,"
        "  description TEXT,"
        "  stateful INTEGER,"
        "  tags TEXT,"
        "  created_at TEXT,"
        "  updated_at TEXT,"
        "  revision_number INTEGER) WITHOUT ROWID;"
        "CREATE INDEX IF NOT EXISTS security_groups_project ON security_groups (project_id, id);"
        "CREATE INDEX IF NOT EXISTS security_groups_name ON security_groups (name, id);"
        "CREATE TABLE IF NOT EXISTS security_group_rules ("
        "  id TEXT PRIMARY KEY,"
        "  security_group_id TEXT NOT NULL REFERENCES security_groups (id) ON DELETE CASCADE,"
        "  position INTEGER NOT NULL,"
        "  project_id TEXT,"
        "  direction TEXT,"
        "  ethertype TEXT,"
        "  protocol TEXT,"
        "  port_range_min INTEGER,"
        "  port_range_max INTEGER,"
        "  remote_ip_prefix TEXT,"
        "  remote_group_id TEXT,"
        "  remote_address_group_id TEXT,"
        "  normalized_cidr TEXT,"
        "  description TEXT,"
        "  tags TEXT,"
        "  created_at TEXT,"
        "  updated_at TEXT,"
        "  revision_number INTEGER) WITHOUT ROWID;"
        "CREATE UNIQUE INDEX IF NOT EXISTS security_group_rules_group ON security_group_rules"
        "  (security_group_id, position);"
        "CREATE INDEX IF NOT EXISTS security_group_rules_project ON security_group_rules"
        "  (project_id, id);"
        "CREATE INDEX IF NOT EXISTS security_group_rules_remote ON security_group_rules"
        "  (remote_group_id) WHERE remote_group_id IS NOT NULL;"
        "INSERT INTO security_groups (id, project_id, name, description, stateful, tags,"
        "    created_at, updated_at, revision_number)"
        "  SELECT id, project_id, coalesce(json_extract(doc, '$.name'), ''),"
        "    coalesce(json_extract(doc, '$.description'), ''),"
        "    coalesce(json_extract(doc, '$.stateful'), 1), coalesce(json_extract(doc, '$.tags'), '[]'),"
        "    json_extract(doc, '$.created_at'), json_extract(doc, '$.updated_at'),"
        "    coalesce(json_extract(doc, '$.revision_number'), 0)"
        "  FROM objects WHERE kind = 'security_group';"
        "INSERT INTO security_group_rules (id, security_group_id, position, project_id, direction,"
        "    ethertype, protocol, port_range_min, port_range_max, remote_ip_prefix,"
        "    remote_group_id, remote_address_group_id, normalized_cidr, description, tags,"
        "    created_at, updated_at, revision_number)"
        "  SELECT id, g, row_number() OVER (PARTITION BY g ORDER BY listed IS NULL, listed, id) - 1,"
        "    project_id, json_extract(doc, '$.direction'), json_extract(doc, '$.ethertype'),"
        "    json_extract(doc, '$.protocol'), json_extract(doc, '$.port_range_min'),"
        "    json_extract(doc, '$.port_range_max'), json_extract(doc, '$.remote_ip_prefix'),"
        "    json_extract(doc, '$.remote_group_id'),"
        "    json_extract(doc, '$.remote_address_group_id'),"
        "    json_extract(doc, '$.normalized_cidr'),"
        "    coalesce(json_extract(doc, '$.description'), ''),"
        "    coalesce(json_extract(doc, '$.tags'), '[]'), json_extract(doc, '$.created_at'),"
        "    json_extract(doc, '$.updated_at'), coalesce(json_extract(doc, '$.revision_number'), 0)"
        "  FROM (SELECT r.id, r.project_id, r.doc, json_extract(r.doc, '$.security_group_id') AS g,"
        "      (SELECT min(e.key) FROM objects s, json_each(s.doc, '$.security_group_rules') e"
        "        WHERE s.kind = 'security_group' AND s.id = json_extract(r.doc, '$.security_group_id')"
        "        AND json_extract(e.value, '$.id') = r.id) AS listed"
        "    FROM objects r WHERE r.kind = 'security_group_rule')"
        "  WHERE g IN (SELECT id FROM security_groups);"
        "DELETE FROM objects WHERE kind IN ('security_group', 'security_group_rule');",
};

size_t sqlite_schema_latest(void)
{
        return ARRAY_SIZE(migrations);
}

static int sql_error(struct sqlite_store *st, int rc, const char *what)
{
        int r = rc == SQLITE_CONSTRAINT ? -EEXIST : rc == SQLITE_BUSY ? -EBUSY : -EIO;
        if (r == -EEXIST)
                return r;
        return err_set(r, "database: %s: %s", what, sqlite3_errmsg(st->db));
}

static int exec_sql(struct sqlite_store *st, const char *sql)
{
        char *msg = NULL;
        int rc = sqlite3_exec(st->db, sql, NULL, NULL, &msg);
        if (rc != SQLITE_OK) {
                int r = err_set(rc == SQLITE_BUSY ? -EBUSY : -EIO, "database: %s",
                                msg ? msg : sqlite3_errstr(rc));
                sqlite3_free(msg);
                return r;
        }
        return 0;
}

enum tx_verb { TX_BEGIN, TX_BEGIN_IMMEDIATE, TX_COMMIT, TX_ROLLBACK };

/* One of the transaction verbs, from its statement prepared once. */
static int tx_verb(struct sqlite_store *st, enum tx_verb v)
{
        static const char *const sql[] = {
                [TX_BEGIN] = "BEGIN",
                [TX_BEGIN_IMMEDIATE] = "BEGIN IMMEDIATE",
                [TX_COMMIT] = "COMMIT",
                [TX_ROLLBACK] = "ROLLBACK",
        };
        sqlite3_stmt **s = &st->tx_stmt[v];
        if (!*s) {
                int rc = sqlite3_prepare_v3(st->db, sql[v], -1, SQLITE_PREPARE_PERSISTENT, s,
                                            NULL);
                if (rc != SQLITE_OK) {
                        *s = NULL;
                        return exec_sql(st, sql[v]);
                }
        }
        int rc = sqlite3_step(*s);
        sqlite3_reset(*s);
        if (rc != SQLITE_DONE)
                return err_set(rc == SQLITE_BUSY ? -EBUSY : -EIO, "database: %s",
                               sqlite3_errmsg(st->db));
        return 0;
}

int sqlite_prepare(struct sqlite_store *st, const char *sql, struct stmt_handle *h)
{
        int free_slot = -1;
        if (!st->owned || !pthread_equal(st->owner, pthread_self()))
                return err_set(-EINVAL, "database: a statement outside a transaction; "
                               "this is a bug, please report it");
        h->st = st;
        h->slot = -1;
        for (int i = 0; i < STMT_CACHE_SIZE; i++) {
                struct stmt_cache_entry *e = &st->cache[i];
                if (!e->sql) {
                        if (free_slot < 0)
                                free_slot = i;
                        continue;
                }
                if (!e->busy && strcmp(e->sql, sql) == 0) {
                        e->busy = true;
                        h->s = e->stmt;
                        h->slot = i;
                        return 0;
                }
        }
        int rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &h->s, NULL);
        if (rc != SQLITE_OK)
                return sql_error(st, rc, "prepare");
        if (free_slot < 0) {
                /* Full: replace an idle entry, round robin. */
                for (int n = 0; n < STMT_CACHE_SIZE && free_slot < 0; n++) {
                        int i = (int)(st->next_victim++ % STMT_CACHE_SIZE);
                        if (!st->cache[i].busy)
                                free_slot = i;
                }
                if (free_slot < 0)
                        return 0;
                sqlite3_finalize(st->cache[free_slot].stmt);
                free(st->cache[free_slot].sql);
                st->cache[free_slot] = (struct stmt_cache_entry){0};
        }
        char *copy = strdup(sql);
        if (!copy)
                return 0; /* works uncached */
        st->cache[free_slot] = (struct stmt_cache_entry){copy, h->s, true};
        h->slot = free_slot;
        return 0;
}

/* prepare() and bind n strings (NULL binds SQL NULL) to parameters 1..n. */
static int prepare_textsv(struct sqlite_store *st, const char *sql, struct stmt_handle *h, int n, va_list ap)
{
        int r = sqlite_prepare(st, sql, h);

        if (r < 0)
                return r;
        for (int i = 1; i <= n; i++)
                sqlite3_bind_text(h->s, i, va_arg(ap, const char *), -1, SQLITE_STATIC);
        return 0;
}

int sqlite_prepare_texts(struct sqlite_store *st, const char *sql, struct stmt_handle *h, int n, ...)
{
        va_list ap;
        int r;

        va_start(ap, n);
        r = prepare_textsv(st, sql, h, n, ap);
        va_end(ap);
        return r;
}

void sqlite_stmt_freep(struct stmt_handle *h)
{
        if (!h->s)
                return;
        if (h->slot < 0) {
                sqlite3_finalize(h->s);
                return;
        }
        sqlite3_reset(h->s);
        sqlite3_clear_bindings(h->s);
        h->st->cache[h->slot].busy = false;
}

static int data_version(struct sqlite_store *st, unsigned *ret);

static void lock_take(struct sqlite_store *st)
{
        pthread_mutex_lock(&st->lock);
        st->owner = pthread_self();
        st->owned = true;
}

/* Before the lock goes: the data version the next stamp read checks. */
static void lock_give(struct sqlite_store *st)
{
        unsigned version;
        if (data_version(st, &version) >= 0)
                __atomic_store_n(&st->seen_version, version, __ATOMIC_RELEASE);
        st->owned = false;
        pthread_mutex_unlock(&st->lock);
}

static int schema_version_read(struct sqlite_store *st)
{
        _cleanup_stmt_ struct stmt_handle h = {0};
        int r = sqlite_prepare(st, "SELECT max(version) FROM schema_version", &h);
        if (r < 0)
                return r;
        sqlite3_stmt *s = h.s;
        if (sqlite3_step(s) != SQLITE_ROW)
                return 0;
        return sqlite3_column_int(s, 0);
}

static int migrate(struct sqlite_store *st)
{
        int r = exec_sql(st, "BEGIN IMMEDIATE");
        if (r < 0)
                return r;
        r = exec_sql(st, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        if (r < 0)
                goto fail;
        int v = schema_version_read(st);
        if (v < 0) {
                r = v;
                goto fail;
        }
        if ((r = store_schema_check(v, ARRAY_SIZE(migrations))) < 0)
                goto fail;
        for (size_t i = (size_t)v; i < ARRAY_SIZE(migrations); i++) {
                char buf[80];
                r = exec_sql(st, migrations[i]);
                if (r < 0)
                        goto fail;
                snprintf(buf, sizeof(buf), "INSERT INTO schema_version VALUES (%zu)", i + 1);
                r = exec_sql(st, buf);
                if (r < 0)
                        goto fail;
        }
        return exec_sql(st, "COMMIT");
fail:
        exec_sql(st, "ROLLBACK");
        return r;
}

static const struct store_backend sqlite_backend;
static void sqlite_free(struct store *base);
static int sqlite_changes_compact(struct store *base, int64_t upto);

/* SQLite counts every allocation under one global mutex unless told not
 * to; nothing here reads those counts, and every request allocates. */
static void sqlite_configure(void)
{
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int store_sqlite_open(const char *url, struct store **ret)
{
        static pthread_once_t configured = PTHREAD_ONCE_INIT;
        pthread_once(&configured, sqlite_configure);
        /* sqlite:///abs/path keeps its third slash, sqlite://rel/path is
         * relative, a bare path is itself. */
        const char *path = strneq(url, "sqlite://", 9) ? url + 9 : url;
        if (!*path)
                return err_set(-EINVAL, "database connection '%s' has no path", url);

        struct sqlite_store *st = calloc(1, sizeof(*st));
        if (!st)
                return -ENOMEM;
        store_head_init(&st->base, &sqlite_backend);
        pthread_mutex_init(&st->lock, NULL);
        pthread_mutex_init(&st->memo_lock, NULL);
        int rc = sqlite3_open_v2(path, &st->db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 NULL);
        int r;
        if (rc != SQLITE_OK) {
                r = err_set(-EIO, "cannot open database %s: %s", path,
                            st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
                sqlite_free(&st->base);
                return r;
        }
        sqlite3_busy_timeout(st->db, 10000);
        /* WAL + synchronous=NORMAL: a committed transaction survives the
         * process dying; only a power loss may drop the last commits. */
        r = exec_sql(st, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                         "PRAGMA foreign_keys=ON;");
        /* No mmap of the database: measured, it made lists of thousands of
         * documents about a fifth faster but creates slower, and put the
         * whole file in the server's RSS. */
        if (r >= 0) {
                lock_take(st);
                r = migrate(st);
                lock_give(st);
        }
        if (r < 0) {
                err_prefix(r, "%s", path);
                sqlite_free(&st->base);
                return r;
        }
        *ret = &st->base;
        return 0;
}

static void sqlite_free(struct store *base)
{
        struct sqlite_store *st = to_sqlite(base);
        if (!st)
                return;
        for (int i = 0; i < STMT_CACHE_SIZE; i++) {
                sqlite3_finalize(st->cache[i].stmt);
                free(st->cache[i].sql);
        }
        for (size_t i = 0; i < ARRAY_SIZE(st->tx_stmt); i++)
                sqlite3_finalize(st->tx_stmt[i]);
        if (st->db)
                sqlite3_close_v2(st->db);
        store_changed_hosts_done(&st->base, &st->changed, false);
        pthread_mutex_destroy(&st->lock);
        pthread_mutex_destroy(&st->memo_lock);
        store_head_done(&st->base);
        free(st);
}

static int sqlite_begin(struct store *base, bool write)
{
        struct sqlite_store *st = to_sqlite(base);
        lock_take(st);
        int r = tx_verb(st, write ? TX_BEGIN_IMMEDIATE : TX_BEGIN);
        if (r < 0) {
                lock_give(st);
                return r;
        }
        st->in_tx = true;
        st->tx_writes = write;
        return 0;
}

static int sqlite_end(struct store *base, bool commit)
{
        struct sqlite_store *st = to_sqlite(base);
        int r = 0;
        if (!st->in_tx)
                return -EINVAL;
        if (commit) {
                r = tx_verb(st, TX_COMMIT);
                if (r < 0)
                        tx_verb(st, TX_ROLLBACK);
        } else
                tx_verb(st, TX_ROLLBACK);
        if ((!commit || r < 0) && st->tx_writes)
                store_count_rollback(base);
        st->in_tx = false;
        struct store_changed_hosts changed = st->changed;
        st->changed = (struct store_changed_hosts){0};
        lock_give(st);
        /* Told after the lock is gone, so a woken reader can read at once. */
        store_changed_hosts_done(&st->base, &changed, commit && r == 0);
        return r;
}

/* One step: 1 when it gave a row, 0 when the statement is done, or the
 * error (what names the statement). */
int sqlite_step_row(struct sqlite_store *st, sqlite3_stmt *s, const char *what)
{
        int rc = sqlite3_step(s);
        if (rc == SQLITE_ROW)
                return 1;
        if (rc == SQLITE_DONE)
                return 0;
        return sql_error(st, rc, what);
}

int sqlite_step_done(struct sqlite_store *st, sqlite3_stmt *s, const char *what)
{
        int rc = sqlite3_step(s);
        if (rc != SQLITE_DONE)
                return sql_error(st, rc, what);
        return 0;
}

/* A statement with n text parameters and no rows, run to its end; what
 * names it in errors. */
int sqlite_exec_texts(struct sqlite_store *st, const char *what, const char *sql, int n, ...)
{
        _cleanup_stmt_ struct stmt_handle h = {0};
        va_list ap;
        int r;

        va_start(ap, n);
        r = prepare_textsv(st, sql, &h, n, ap);
        va_end(ap);
        if (r < 0)
                return r;
        return sqlite_step_done(st, h.s, what);
}

int sqlite_delete_by_id(struct sqlite_store *st, const char *sql, const char *id)
{
        int r = sqlite_exec_texts(st, "delete", sql, 1, id);
        if (r >= 0 && sqlite3_changes(st->db) == 0)
                return -ENOENT;
        return r;
}

static int sqlite_obj_insert(struct store *base, const char *kind, const char *id, const char *project_id,
                     const char *doc)
{
        struct sqlite_store *st = to_sqlite(base);
        return sqlite_exec_texts(st, "insert", "INSERT INTO objects (kind, id, project_id, doc) VALUES (?,?,?,?)",
                          4, kind, id, project_id, doc);
}

static int sqlite_obj_update(struct store *base, const char *kind, const char *id, const char *doc)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        int r = sqlite_prepare_texts(st, "UPDATE objects SET doc = ? WHERE kind = ? AND id = ?", &h, 3, doc, kind, id);
        if (r < 0)
                return r;
        sqlite3_stmt *s = h.s;
        r = sqlite_step_done(st, s, "update");
        if (r < 0)
                return r;
        return sqlite3_changes(st->db) > 0 ? 0 : -ENOENT;
}

static int sqlite_obj_delete(struct store *base, const char *kind, const char *id)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        int r = sqlite_prepare_texts(st, "DELETE FROM objects WHERE kind = ? AND id = ?", &h, 2, kind, id);
        if (r < 0)
                return r;
        sqlite3_stmt *s = h.s;
        r = sqlite_step_done(st, s, "delete");
        if (r < 0)
                return r;
        return sqlite3_changes(st->db) > 0 ? 0 : -ENOENT;
}

static int sqlite_obj_delete_below(struct store *base, const char *kind, const char *attr, double limit)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        char sql[160];
        if (!store_attr_name_safe(attr))
                return -EINVAL;
        snprintf(sql, sizeof(sql),
                 "DELETE FROM objects WHERE kind = ? AND json_extract(doc, '$.\"%s\"') < ?", attr);
        int r = sqlite_prepare(st, sql, &h);
        if (r < 0)
                return r;
        sqlite3_bind_text(h.s, 1, kind, -1, SQLITE_STATIC);
        sqlite3_bind_double(h.s, 2, limit);
        r = sqlite_step_done(st, h.s, "delete");
        return r < 0 ? r : sqlite3_changes(st->db);
}

static char *column_dup(sqlite3_stmt *s, int i)
{
        const unsigned char *t = sqlite3_column_text(s, i);
        return t ? strdup((const char *)t) : NULL;
}

int sqlite_get_texts(struct sqlite_store *st, const char *what, const char *sql, const char *key, int n,
                     ...)
{
        _cleanup_stmt_ struct stmt_handle h = {0};
        int r = sqlite_prepare_texts(st, sql, &h, 1, key);
        if (r < 0)
                return r;
        r = sqlite_step_row(st, h.s, what);
        if (r <= 0)
                return r < 0 ? r : -ENOENT;
        char *got[8] = {0};
        char **dst[8] = {0};
        va_list ap;
        r = 0;
        va_start(ap, n);
        for (int i = 0; i < n && i < 8; i++) {
                dst[i] = va_arg(ap, char **);
                if (dst[i] && sqlite3_column_type(h.s, i) != SQLITE_NULL &&
                    !(got[i] = column_dup(h.s, i)))
                        r = -ENOMEM;
        }
        va_end(ap);
        for (int i = 0; i < n && i < 8; i++) {
                if (r < 0)
                        free(got[i]);
                else if (dst[i])
                        *dst[i] = got[i];
        }
        return r;
}

static int sqlite_obj_get(struct store *base, const char *kind, const char *id, char **ret_doc,
                  char **ret_project)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        int r = sqlite_prepare_texts(st, "SELECT doc, project_id FROM objects WHERE kind = ? AND id = ?", &h, 2, kind, id);
        if (r < 0)
                return r;
        sqlite3_stmt *s = h.s;
        r = sqlite_step_row(st, s, "get");
        if (r <= 0)
                return r < 0 ? r : -ENOENT;
        char *doc = column_dup(s, 0);
        if (!doc)
                return -ENOMEM;
        if (ret_project)
                *ret_project = column_dup(s, 1);
        *ret_doc = doc;
        return 0;
}

/* The expression index (migrations 2 and 10) a query's filters can use.
 * Without statistics SQLite's planner walks the primary key's (kind, ...)
 * range instead, which reads every object of the kind: measured 2,000
 * times slower than the index for one agent among 10,000.  The first
 * filter on an indexed attribute is the selective one in every query the
 * services make; a filter on id is better served by the primary key. */
static const char *query_index(const struct store_query *q)
{
        static const char *const indexed[][2] = {
                {"name", "objects_name"},
                {"network_id", "objects_network"},
                {"device_id", "objects_device"},
                {"host", "objects_host"},
        };
        const char *best = NULL;
        for (size_t i = 0; q && i < q->n_filters; i++) {
                const struct store_filter *f = &q->filters[i];
                if (f->n_values == 0 || f->member)
                        continue;
                if (streq(f->attr, "id"))
                        return NULL;
                for (size_t j = 0; !best && j < ARRAY_SIZE(indexed); j++)
                        if (streq(f->attr, indexed[j][0]))
                                best = indexed[j][1];
        }
        if (!best && q && q->project_id && !q->shared_attr)
                best = "objects_project";
        return best;
}

/* Builds "FROM objects WHERE kind = ? AND ..." for a query; binds are
 * added in order by bind_query() below, so the two must walk the query the
 * same way. */
static int build_where(struct strbuf *sql, const struct store_query *q)
{
        const char *index = query_index(q);
        int r = index ? strbuf_printf(sql, " FROM objects INDEXED BY %s WHERE kind = ?", index)
                      : strbuf_append(sql, " FROM objects WHERE kind = ?");
        if (r < 0 || !q)
                return r;
        for (size_t i = 0; i < q->n_filters; i++) {
                const struct store_filter *f = &q->filters[i];
                if (f->n_values == 0)
                        continue;
                if (!store_attr_name_safe(f->attr) || (f->member && !store_attr_name_safe(f->member)))
                        return -EINVAL;
                if (f->member)
                        r = strbuf_printf(sql, " AND EXISTS (SELECT 1 FROM json_each(doc, "
                                          "'$.\"%s\"') AS m WHERE json_extract(m.value, "
                                          "'$.\"%s\"') IN (", f->attr, f->member);
                else if (strcmp(f->attr, "id") == 0)
                        r = strbuf_append(sql, " AND id IN (");
                else
                        r = strbuf_printf(sql, " AND json_extract(doc, '$.\"%s\"') IN (", f->attr);
                for (size_t j = 0; r >= 0 && j < f->n_values; j++)
                        r = strbuf_append(sql, j ? ",?" : "?");
                if (r >= 0)
                        r = strbuf_append(sql, f->member ? "))" : ")");
                if (r < 0)
                        return r;
        }
        if (q->project_id) {
                r = strbuf_append(sql, !q->shared_attr ? " AND project_id = ?"
                                       : q->also_shared_attr
                                       ? " AND (project_id = ? OR json_extract(doc, ?) = 1 OR "
                                         "json_extract(doc, ?) = 1)"
                                       : " AND (project_id = ? OR json_extract(doc, ?) = 1)");
                if (r < 0)
                        return r;
        }
        if (q->marker && (r = strbuf_append(sql, " AND id > ?")) < 0)
                return r;
        return 0;
}

static int bind_query(sqlite3_stmt *s, const char *kind, const struct store_query *q,
                      char **paths)
{
        int n = 1;
        sqlite3_bind_text(s, n++, kind, -1, SQLITE_STATIC);
        if (!q)
                return n;
        for (size_t i = 0; i < q->n_filters; i++) {
                const struct store_filter *f = &q->filters[i];
                if (f->n_values == 0)
                        continue;
                for (size_t j = 0; j < f->n_values; j++) {
                        if (f->type == STORE_VALUE_INT)
                                sqlite3_bind_int64(s, n++, strtoll(f->values[j], NULL, 10));
                        else
                                sqlite3_bind_text(s, n++, f->values[j], -1, SQLITE_STATIC);
                }
        }
        if (q->project_id) {
                sqlite3_bind_text(s, n++, q->project_id, -1, SQLITE_STATIC);
                if (q->shared_attr)
                        sqlite3_bind_text(s, n++, paths[q->n_filters], -1, SQLITE_STATIC);
                if (q->shared_attr && q->also_shared_attr)
                        sqlite3_bind_text(s, n++, paths[q->n_filters + 1], -1, SQLITE_STATIC);
        }
        if (q->marker)
                sqlite3_bind_text(s, n++, q->marker, -1, SQLITE_STATIC);
        return n;
}

/* JSON paths '$."attr"' for each filter (and the shared attribute last). */
static int make_paths(const struct store_query *q, char ***ret)
{
        size_t n = q ? q->n_filters + 2 : 2;
        char **p = calloc(n + 1, sizeof(char *));
        if (!p)
                return -ENOMEM;
        for (size_t i = 0; q && i <= q->n_filters + 1; i++) {
                const char *a = i < q->n_filters    ? q->filters[i].attr
                                : i == q->n_filters ? q->shared_attr
                                                    : q->also_shared_attr;
                if (!a)
                        a = "";
                if (asprintf(&p[i], "$.\"%s\"", a) < 0) {
                        strv_free(p);
                        return -ENOMEM;
                }
        }
        *ret = p;
        return 0;
}

static int sqlite_obj_list(struct store *base, const char *kind, const struct store_query *q, store_obj_cb cb,
                   void *userdata)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_strbuf_ struct strbuf sql = STRBUF_INIT;
        _cleanup_strv_free_ char **paths = NULL;
        _cleanup_stmt_ struct stmt_handle h = {0};
        int r = strbuf_append(&sql, "SELECT id, doc");
        if (r >= 0)
                r = build_where(&sql, q);
        /* The indexes end in id, so one value per filter comes out in id
         * order; several values would make the planner walk the primary
         * key to skip a sort, which "+id" prevents. */
        bool multi = false;
        for (size_t i = 0; q && i < q->n_filters; i++)
                multi = multi || q->filters[i].n_values > 1;
        if (r >= 0)
                r = strbuf_append(&sql, multi ? " ORDER BY +id" : " ORDER BY id");
        if (r >= 0 && q && q->limit)
                r = strbuf_printf(&sql, " LIMIT %zu", q->limit);
        if (r >= 0)
                r = make_paths(q, &paths);
        if (r >= 0)
                r = sqlite_prepare(st, strbuf_str(&sql), &h);
        if (r < 0)
                return r;
        sqlite3_stmt *s = h.s;
        bind_query(s, kind, q, paths);
        for (;;) {
                r = sqlite_step_row(st, s, "list");
                if (r <= 0)
                        return r;
                r = cb((const char *)sqlite3_column_text(s, 0),
                       (const char *)sqlite3_column_text(s, 1), userdata);
                if (r < 0)
                        return r;
        }
}

static int sqlite_obj_count(struct store *base, const char *kind, const struct store_query *q, size_t *ret)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_strbuf_ struct strbuf sql = STRBUF_INIT;
        _cleanup_strv_free_ char **paths = NULL;
        _cleanup_stmt_ struct stmt_handle h = {0};
        int r = strbuf_append(&sql, "SELECT count(*)");
        if (r >= 0)
                r = build_where(&sql, q);
        if (r >= 0)
                r = make_paths(q, &paths);
        if (r >= 0)
                r = sqlite_prepare(st, strbuf_str(&sql), &h);
        if (r < 0)
                return r;
        sqlite3_stmt *s = h.s;
        bind_query(s, kind, q, paths);
        int rc = sqlite3_step(s);
        if (rc != SQLITE_ROW)
                return sql_error(st, rc, "count");
        *ret = (size_t)sqlite3_column_int64(s, 0);
        return 0;
}

static int sqlite_claim(struct store *base, const char *pool, const char *value, const char *owner)
{
        struct sqlite_store *st = to_sqlite(base);
        return sqlite_exec_texts(st, "claim", "INSERT INTO allocations (pool, value, owner) VALUES (?,?,?)",
                          3, pool, value, owner);
}

static int sqlite_release(struct store *base, const char *pool, const char *value)
{
        struct sqlite_store *st = to_sqlite(base);
        return sqlite_exec_texts(st, "release", "DELETE FROM allocations WHERE pool = ? AND value = ?",
                          2, pool, value);
}

static int sqlite_is_claimed(struct store *base, const char *pool, const char *value)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        int r = sqlite_prepare_texts(st, "SELECT 1 FROM allocations WHERE pool = ? AND value = ?", &h, 2, pool, value);
        if (r < 0)
                return r;
        sqlite3_stmt *s = h.s;
        return sqlite_step_row(st, s, "claimed");
}

static int sqlite_release_owner(struct store *base, const char *owner)
{
        struct sqlite_store *st = to_sqlite(base);
        return sqlite_exec_texts(st, "release", "DELETE FROM allocations WHERE owner = ?", 1, owner);
}

static int sqlite_pool_values(struct store *base, const char *pool, char ***ret)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        _cleanup_strv_free_ char **l = NULL;
        size_t n = 0, cap = 0;
        int r = sqlite_prepare_texts(st, "SELECT value FROM allocations WHERE pool = ? ORDER BY value", &h, 1, pool);
        if (r < 0)
                return r;
        sqlite3_stmt *s = h.s;
        l = calloc(1, sizeof(char *));
        if (!l)
                return -ENOMEM;
        for (;;) {
                r = sqlite_step_row(st, s, "pool");
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                if (n + 1 >= cap) {
                        cap = cap ? cap * 2 : 16;
                        char **nl = realloc(l, (cap + 1) * sizeof(char *));
                        if (!nl)
                                return -ENOMEM;
                        l = nl;
                }
                l[n] = column_dup(s, 0);
                if (!l[n])
                        return -ENOMEM;
                l[++n] = NULL;
        }
        *ret = TAKE_PTR(l);
        return (int)n;
}

static int sqlite_secret_set(struct store *base, const char *key, const char *value)
{
        struct sqlite_store *st = to_sqlite(base);
        return sqlite_exec_texts(st, "secret", "INSERT OR REPLACE INTO secrets (key, value) VALUES (?,?)",
                          2, key, value);
}

static int sqlite_secret_get(struct store *base, const char *key, char **ret)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        int r = sqlite_prepare_texts(st, "SELECT value FROM secrets WHERE key = ?", &h, 1, key);
        if (r < 0)
                return r;
        sqlite3_stmt *s = h.s;
        r = sqlite_step_row(st, s, "secret");
        if (r <= 0)
                return r < 0 ? r : -ENOENT;
        char *v = column_dup(s, 0);
        if (!v)
                return -ENOMEM;
        *ret = v;
        return 0;
}

static int sqlite_secret_delete(struct store *base, const char *key)
{
        struct sqlite_store *st = to_sqlite(base);
        return sqlite_exec_texts(st, "secret", "DELETE FROM secrets WHERE key = ?", 1, key);
}

static int sqlite_stamp_get(struct store *base, const char *name, int64_t *ret)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        int r = sqlite_prepare_texts(st, "SELECT value FROM stamps WHERE name = ?", &h, 1, name);
        if (r < 0)
                return r;
        r = sqlite_step_row(st, h.s, "stamp");
        if (r < 0)
                return r;
        *ret = r ? sqlite3_column_int64(h.s, 0) : 0;
        return 0;
}

/* SQLite's data version of the database: it moves with every commit of
 * this connection, and with every commit of another connection (another
 * process) once this one starts its next read transaction.  Reading it
 * takes no lock of the file. */
static int data_version(struct sqlite_store *st, unsigned *ret)
{
        int rc = sqlite3_file_control(st->db, "main", SQLITE_FCNTL_DATA_VERSION, ret);
        return rc == SQLITE_OK ? 0 : sql_error(st, rc, "data version");
}

static bool memo_get(struct sqlite_store *st, const char *name, unsigned version, int64_t *ret)
{
        bool hit = false;
        pthread_mutex_lock(&st->memo_lock);
        if (st->memo_version == version)
                for (size_t i = 0; i < st->n_memo && !hit; i++)
                        if (streq(st->memo[i].name, name)) {
                                *ret = st->memo[i].value;
                                hit = true;
                        }
        pthread_mutex_unlock(&st->memo_lock);
        return hit;
}

static void memo_put(struct sqlite_store *st, const char *name, unsigned version, int64_t value)
{
        if (strlen(name) >= STAMP_MEMO_NAME_MAX)
                return;
        pthread_mutex_lock(&st->memo_lock);
        if (st->memo_version != version) {
                st->memo_version = version;
                st->n_memo = 0;
        }
        if (st->n_memo < STAMP_MEMO_SIZE) {
                struct stamp_memo *m = &st->memo[st->n_memo++];
                snprintf(m->name, sizeof(m->name), "%s", name);
                m->value = value;
        }
        pthread_mutex_unlock(&st->memo_lock);
}

/* Every request's token check reads the identity stamp, and a read
 * transaction of its own cost a fifth of the server's CPU at scale (the
 * file locks of each one).  A stamp only moves in a commit, so what was
 * read stays current while the data version has not moved: a commit of
 * this process is seen by the next call, one of another process (an
 * admin command on the same file) once this process has run its next
 * transaction. */
static int sqlite_stamp_read(struct store *base, const char *name, int64_t *ret)
{
        struct sqlite_store *st = to_sqlite(base);
        unsigned version = __atomic_load_n(&st->seen_version, __ATOMIC_ACQUIRE);
        if (memo_get(st, name, version, ret))
                return 0;
        /* One statement needs no BEGIN/COMMIT around it to see one
         * committed state. */
        lock_take(st);
        int r = sqlite_stamp_get(&st->base, name, ret);
        /* Read after the statement, whose read transaction brought it up
         * to the state the stamp was read from. */
        if (r >= 0)
                r = data_version(st, &version);
        lock_give(st);
        if (r >= 0)
                memo_put(st, name, version, *ret);
        return r;
}

static int sqlite_stamp_bump(struct store *base, const char *name)
{
        struct sqlite_store *st = to_sqlite(base);
        return sqlite_exec_texts(st, "stamp",
                          "INSERT INTO stamps (name, value) VALUES (?, 1) "
                          "ON CONFLICT (name) DO UPDATE SET value = value + 1",
                          1, name);
}

/* The next claims revision for the hosts `where` selects (?1 is key). */
static int claims_moved(struct sqlite_store *st, const char *where, const char *key)
{
        _cleanup_stmt_ struct stmt_handle h = {0};
        char sql[512];
        int r = sqlite_exec_texts(st, "claims tag", "INSERT INTO stamps (name, value) "
                                  "VALUES ('" STORE_STAMP_CLAIMS "', 1) ON CONFLICT (name) "
                                  "DO UPDATE SET value = value + 1", 0);
        if (r < 0)
                return r;
        if (snprintf(sql, sizeof(sql), "UPDATE compute_hosts SET claims_tag = (SELECT value FROM "
                     "stamps WHERE name = '" STORE_STAMP_CLAIMS "') WHERE %s", where) >=
            (int)sizeof(sql))
                return -ENAMETOOLONG;
        r = sqlite_prepare_texts(st, sql, &h, 1, key);
        if (r < 0)
                return r;
        return sqlite_step_done(st, h.s, "claims tag");
}

static int sqlite_usage_add(struct store *base, const char *instance_id, const char *host,
                    const struct store_usage *u)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        int r = sqlite_prepare_texts(st, "INSERT INTO compute_usage (instance_id, host, vcpus, memory_mb, "
                              "disk_gb) VALUES (?,?,?,?,?)", &h, 2, instance_id, host);
        if (r < 0)
                return r;
        sqlite3_bind_int64(h.s, 3, u->vcpus);
        sqlite3_bind_int64(h.s, 4, u->memory_mb);
        sqlite3_bind_int64(h.s, 5, u->disk_gb);
        r = sqlite_step_done(st, h.s, "usage");
        return r < 0 ? r : claims_moved(st, "hostname = ?1", host);
}

static int sqlite_usage_sum(struct store *base, const char *host, struct store_usage *ret)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        int r = sqlite_prepare_texts(st, "SELECT total(vcpus), total(memory_mb), total(disk_gb), count(*) "
                              "FROM compute_usage WHERE host = ?", &h, 1, host);
        if (r < 0)
                return r;
        r = sqlite_step_row(st, h.s, "usage");
        if (r <= 0)
                return r < 0 ? r : -EIO;
        *ret = (struct store_usage){
                .vcpus = sqlite3_column_int64(h.s, 0),
                .memory_mb = sqlite3_column_int64(h.s, 1),
                .disk_gb = sqlite3_column_int64(h.s, 2),
                .instances = sqlite3_column_int64(h.s, 3),
        };
        return 0;
}

static int sqlite_pci_claim(struct store *base, const char *host, const struct store_pci_addr *a,
                    const char *instance_id)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        int r = sqlite_prepare_texts(st, "INSERT INTO pci_claims (host, instance_id, domain, bus, slot, "
                              "function) VALUES (?,?,?,?,?,?)", &h, 2, host, instance_id);
        if (r < 0)
                return r;
        sqlite3_bind_int64(h.s, 3, a->domain);
        sqlite3_bind_int64(h.s, 4, a->bus);
        sqlite3_bind_int64(h.s, 5, a->slot);
        sqlite3_bind_int64(h.s, 6, a->function);
        r = sqlite_step_done(st, h.s, "PCI claim");
        return r < 0 ? r : claims_moved(st, "hostname = ?1", host);
}

static int sqlite_pci_claims(struct store *base, const char *host, struct store_pci_addr **ret)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        _cleanup_free_ struct store_pci_addr *v = NULL;
        size_t n = 0, cap = 0;
        int r = sqlite_prepare_texts(st, "SELECT domain, bus, slot, function FROM pci_claims WHERE host = ? "
                              "ORDER BY domain, bus, slot, function", &h, 1, host);
        if (r < 0)
                return r;
        while ((r = sqlite_step_row(st, h.s, "PCI claims")) > 0) {
                if (n == cap) {
                        cap = cap ? cap * 2 : 16;
                        struct store_pci_addr *nv = realloc(v, cap * sizeof(*v));
                        if (!nv)
                                return -ENOMEM;
                        v = nv;
                }
                v[n++] = (struct store_pci_addr){
                        (unsigned)sqlite3_column_int64(h.s, 0), (unsigned)sqlite3_column_int64(h.s, 1),
                        (unsigned)sqlite3_column_int64(h.s, 2), (unsigned)sqlite3_column_int64(h.s, 3)};
        }
        if (r < 0)
                return r;
        *ret = TAKE_PTR(v);
        return (int)n;
}

static int sqlite_instance_release(struct store *base, const char *instance_id)
{
        struct sqlite_store *st = to_sqlite(base);
        int r = claims_moved(st, "hostname IN (SELECT host FROM compute_usage WHERE instance_id = "
                             "?1 UNION SELECT host FROM pci_claims WHERE instance_id = ?1)",
                             instance_id);
        if (r < 0)
                return r;
        r = sqlite_exec_texts(st, "release", "DELETE FROM compute_usage WHERE instance_id = ?", 1,
                           instance_id);
        if (r < 0)
                return r;
        return sqlite_exec_texts(st, "release", "DELETE FROM pci_claims WHERE instance_id = ?", 1,
                          instance_id);
}

static int sqlite_host_report_put(struct store *base, const struct store_host_report *in)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        int r = sqlite_prepare_texts(st, "INSERT INTO host_reports (host, hash, report, received) "
                              "VALUES (?,?,?,?) ON CONFLICT (host) DO UPDATE SET "
                              "hash = excluded.hash, report = excluded.report, "
                              "received = excluded.received", &h, 3, in->host, in->hash, in->report);
        if (r < 0)
                return r;
        sqlite3_bind_double(h.s, 4, in->received);
        return sqlite_step_done(st, h.s, "host report");
}

static int sqlite_auth_failures_get(struct store *base, const char *user_id, struct store_auth_failures *ret)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        int r = sqlite_prepare_texts(st, "SELECT failed_auth_count, failed_auth_at FROM user_auth_failures "
                              "WHERE user_id = ?", &h, 1, user_id);
        if (r < 0)
                return r;
        r = sqlite_step_row(st, h.s, "failed logins");
        if (r < 0)
                return r;
        *ret = r == 0 ? (struct store_auth_failures){0}
                      : (struct store_auth_failures){sqlite3_column_int64(h.s, 0),
                                                     sqlite3_column_double(h.s, 1)};
        return 0;
}

static int sqlite_auth_failure_add(struct store *base, const char *user_id, double at, bool restart)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        /* One statement, so concurrent failures on several servers all count. */
        int r = sqlite_prepare_texts(st, "INSERT INTO user_auth_failures (user_id, failed_auth_count, "
                              "failed_auth_at) VALUES (?1, 1, ?2) ON CONFLICT (user_id) DO UPDATE "
                              "SET failed_auth_count = CASE WHEN ?3 THEN 1 ELSE "
                              "failed_auth_count + 1 END, failed_auth_at = ?2", &h, 1, user_id);
        if (r < 0)
                return r;
        sqlite3_bind_double(h.s, 2, at);
        sqlite3_bind_int(h.s, 3, restart);
        return sqlite_step_done(st, h.s, "failed logins");
}

static int sqlite_auth_failures_clear(struct store *base, const char *user_id)
{
        struct sqlite_store *st = to_sqlite(base);
        return sqlite_exec_texts(st, "failed logins", "DELETE FROM user_auth_failures WHERE user_id = ?",
                          1, user_id);
}

static int sqlite_host_report_get(struct store *base, const char *host, char **ret_report, char **ret_hash)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        int r = sqlite_prepare_texts(st, "SELECT report, hash FROM host_reports WHERE host = ?", &h, 1,
                              host);
        if (r < 0)
                return r;
        r = sqlite_step_row(st, h.s, "host report");
        if (r <= 0)
                return r < 0 ? r : -ENOENT;
        _cleanup_free_ char *report = ret_report ? column_dup(h.s, 0) : NULL;
        _cleanup_free_ char *hash = ret_hash ? column_dup(h.s, 1) : NULL;
        if ((ret_report && !report) || (ret_hash && !hash))
                return -ENOMEM;
        if (ret_report)
                *ret_report = TAKE_PTR(report);
        if (ret_hash)
                *ret_hash = TAKE_PTR(hash);
        return 0;
}

static int sqlite_change_append(struct store *base, const char *host, const char *kind, const char *id,
                        int64_t *ret_revision)
{
        struct sqlite_store *st = to_sqlite(base);
        int r = sqlite_exec_texts(st, "change feed",
                           "INSERT INTO host_changes (host, kind, id) VALUES (?, ?, ?)", 3, host,
                           kind, id);
        if (r < 0)
                return r;
        int64_t rev = sqlite3_last_insert_rowid(st->db);
        if (ret_revision)
                *ret_revision = rev;
        int64_t upto;
        if (store_changes_compact_due(&st->base, rev, &upto)) {
                r = sqlite_changes_compact(&st->base, upto);
                if (r < 0)
                        return r;
        }
        return store_changed_hosts_add(&st->changed, host);
}

static int sqlite_change_revision(struct store *base, int64_t *ret)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        /* sqlite_sequence keeps the highest revision ever given, also after
         * compaction emptied the table. */
        int r = sqlite_prepare_texts(st, "SELECT seq FROM sqlite_sequence WHERE name = 'host_changes'", &h,
                              0);
        if (r < 0)
                return r;
        r = sqlite_step_row(st, h.s, "change feed");
        if (r < 0)
                return r;
        *ret = r ? sqlite3_column_int64(h.s, 0) : 0;
        return 0;
}

static int sqlite_changes_since(struct store *base, const char *host, int64_t since, size_t limit,
                        store_change_cb cb, void *userdata, int64_t *ret_revision)
{
        struct sqlite_store *st = to_sqlite(base);
        int64_t compacted = 0;
        int r = sqlite_stamp_get(&st->base, "changes_compacted", &compacted);
        if (r < 0)
                return r;
        if (since < compacted)
                return -ESTALE;

        _cleanup_stmt_ struct stmt_handle h = {0};
        r = sqlite_prepare_texts(st, "SELECT revision, kind, id FROM host_changes WHERE host = ? AND "
                          "revision > ? ORDER BY revision LIMIT ?", &h, 1, host);
        if (r < 0)
                return r;
        sqlite3_bind_int64(h.s, 2, since);
        sqlite3_bind_int64(h.s, 3, limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
        int n = 0;
        while ((r = sqlite_step_row(st, h.s, "change feed")) > 0) {
                struct store_change c = {
                        .revision = sqlite3_column_int64(h.s, 0),
                        .kind = (const char *)sqlite3_column_text(h.s, 1),
                        .id = (const char *)sqlite3_column_text(h.s, 2),
                };
                r = cb(&c, userdata);
                if (r < 0)
                        return r;
                n++;
        }
        if (r >= 0 && ret_revision)
                r = sqlite_change_revision(base, ret_revision);
        return r < 0 ? r : n;
}

static int sqlite_changes_compact(struct store *base, int64_t upto)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle h = {0};
        int r = sqlite_prepare_texts(st, "DELETE FROM host_changes WHERE revision <= ?", &h, 0);
        if (r < 0)
                return r;
        sqlite3_bind_int64(h.s, 1, upto);
        r = sqlite_step_done(st, h.s, "change feed");
        if (r < 0)
                return r;
        _cleanup_stmt_ struct stmt_handle m = {0};
        r = sqlite_prepare_texts(st, "INSERT INTO stamps (name, value) VALUES ('changes_compacted', ?) "
                          "ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)",
                          &m, 0);
        if (r < 0)
                return r;
        sqlite3_bind_int64(m.s, 1, upto);
        return sqlite_step_done(st, m.s, "change feed");
}

/* Copies the text columns of a row into fields[i] (NULL: skip column i;
 * an SQL NULL stays NULL); on failure frees what it copied. */
static int columns_dup(sqlite3_stmt *s, char **fields[], size_t n)
{
        for (size_t i = 0; i < n; i++) {
                if (!fields[i] || sqlite3_column_type(s, (int)i) == SQLITE_NULL)
                        continue;
                if (!(*fields[i] = column_dup(s, (int)i))) {
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

static int host_from_row(sqlite3_stmt *s, struct store_compute_host **ret)
{
        struct store_compute_host *h = calloc(1, sizeof(*h));
        if (!h)
                return -ENOMEM;
        char **text[] = {&h->hostname,          &h->service_id,  &h->hypervisor_id, NULL,
                         &h->disabled_reason,   NULL,            &h->availability_zone,
                         &h->report_hash,       NULL,            &h->created_at,
                         &h->updated_at};
        if (columns_dup(s, text, ARRAY_SIZE(text)) < 0) {
                free(h);
                return -ENOMEM;
        }
        h->disabled = sqlite3_column_int(s, 3);
        h->forced_down = sqlite3_column_int(s, 5);
        h->heartbeat = sqlite3_column_double(s, 8);
        h->claims_tag = sqlite3_column_int64(s, 11);
        h->num_id = sqlite3_column_int64(s, 12);
        *ret = h;
        return 0;
}

static int sqlite_compute_host_put(struct store *base, const struct store_compute_host *h, bool create)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle s = {0};
        const char *sql = create ? "INSERT INTO compute_hosts (hostname, service_id, hypervisor_id, "
                                   "disabled_reason, availability_zone, report_hash, created_at, "
                                   "updated_at, disabled, forced_down, heartbeat, num_id) "
                                   "VALUES (?,?,?,?,?,?,?,?,?,?,?,"
                                   " (SELECT coalesce(max(num_id), 0) + 1 FROM compute_hosts))"
                                 : "UPDATE compute_hosts SET service_id = ?2, hypervisor_id = ?3, "
                                   "disabled_reason = ?4, availability_zone = ?5, report_hash = ?6, "
                                   "created_at = ?7, updated_at = ?8, disabled = ?9, "
                                   "forced_down = ?10, heartbeat = ?11 WHERE hostname = ?1";
        int r = sqlite_prepare_texts(st, sql, &s, 8, h->hostname, h->service_id ?: "",
                              h->hypervisor_id ?: "", h->disabled_reason, h->availability_zone,
                              h->report_hash ?: "", h->created_at, h->updated_at);
        if (r < 0)
                return r;
        sqlite3_bind_int(s.s, 9, h->disabled);
        sqlite3_bind_int(s.s, 10, h->forced_down);
        sqlite3_bind_double(s.s, 11, h->heartbeat);
        r = sqlite_step_done(st, s.s, create ? "insert compute host" : "update compute host");
        if (r < 0 || create)
                return r;
        return sqlite3_changes(st->db) > 0 ? 0 : -ENOENT;
}

static int sqlite_heartbeat_put(struct sqlite_store *st, const struct store_heartbeat *hb)
{
        _cleanup_stmt_ struct stmt_handle s = {0};
        const char *sql =
                hb->kind == STORE_HEARTBEAT_COMPUTE_HOST
                        ? "UPDATE compute_hosts SET heartbeat = ?2, updated_at = ?3 "
                          "WHERE hostname = ?1 AND heartbeat < ?2"
                        : "UPDATE agents SET heartbeat = ?2, heartbeat_timestamp = ?3 "
                          "WHERE id = ?1 AND heartbeat < ?2";
        int r = sqlite_prepare_texts(st, sql, &s, 1, hb->key);
        if (r < 0)
                return r;
        sqlite3_bind_double(s.s, 2, hb->at);
        sqlite3_bind_text(s.s, 3, hb->at_text, -1, SQLITE_STATIC);
        return sqlite_step_done(st, s.s, "heartbeat");
}

/* One statement each: in-process, a statement costs no round trip. */
static int sqlite_heartbeats_put(struct store *base, const struct store_heartbeat *v, size_t n)
{
        struct sqlite_store *st = to_sqlite(base);
        int r = 0;
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = sqlite_heartbeat_put(st, &v[i]);
        return r;
}

/* The first host the statement (one text parameter) selects. */
static int host_select(struct sqlite_store *st, const char *sql, const char *key,
                       struct store_compute_host **ret)
{
        _cleanup_stmt_ struct stmt_handle s = {0};
        int r = sqlite_prepare_texts(st, sql, &s, 1, key);
        if (r < 0)
                return r;
        r = sqlite_step_row(st, s.s, "get compute host");
        if (r <= 0)
                return r < 0 ? r : -ENOENT;
        return host_from_row(s.s, ret);
}

static int sqlite_compute_host_get(struct store *base, const char *hostname, struct store_compute_host **ret)
{
        struct sqlite_store *st = to_sqlite(base);
        return host_select(st, "SELECT " HOST_COLUMNS " FROM compute_hosts WHERE hostname = ?",
                           hostname, ret);
}

static int sqlite_compute_host_get_with_agent(struct store *base, const char *hostname,
                                              const char *agent_id,
                                              struct store_compute_host **ret,
                                              char **ret_agent_doc, double *ret_agent_heartbeat)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle s = {0};
        int r = sqlite_prepare_texts(st, "SELECT " HOST_COLUMNS ", " HOST_AGENT_COLUMNS
                                     " FROM compute_hosts LEFT JOIN (" HOST_AGENT_SELECT " ?2) a "
                                     "ON true WHERE hostname = ?1", &s, 2, hostname, agent_id);
        if (r < 0)
                return r;
        r = sqlite_step_row(st, s.s, "get compute host");
        if (r <= 0)
                return r < 0 ? r : -ENOENT;
        const char *doc = (const char *)sqlite3_column_text(s.s, HOST_N_COLUMNS);
        _cleanup_free_ char *copy = doc ? strdup(doc) : NULL;
        if (doc && !copy)
                return -ENOMEM;
        r = host_from_row(s.s, ret);
        if (r < 0)
                return r;
        *ret_agent_doc = TAKE_PTR(copy);
        *ret_agent_heartbeat = sqlite3_column_double(s.s, HOST_N_COLUMNS + 1);
        return 0;
}

static int sqlite_compute_host_get_by_service(struct store *base, const char *service_id,
                                      struct store_compute_host **ret)
{
        struct sqlite_store *st = to_sqlite(base);
        return host_select(st, "SELECT " HOST_COLUMNS " FROM compute_hosts WHERE service_id = ? "
                           "ORDER BY hostname LIMIT 1", service_id, ret);
}

static int sqlite_compute_host_list(struct store *base, struct store_compute_host ***ret)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle s = {0};
        _cleanup_compute_hosts_ struct store_compute_host **v = NULL;
        size_t n = 0;
        int r = sqlite_prepare_texts(st, "SELECT " HOST_COLUMNS " FROM compute_hosts ORDER BY hostname",
                              &s, 0);
        if (r < 0)
                return r;
        while ((r = sqlite_step_row(st, s.s, "list compute hosts")) > 0) {
                if ((r = store_ptrv_reserve(&v, n)) < 0 || (r = host_from_row(s.s, &v[n])) < 0)
                        return r;
                v[++n] = NULL;
        }
        if (r < 0)
                return r;
        *ret = TAKE_PTR(v);
        return (int)n;
}

static int sqlite_compute_host_claims_tags(struct store *base, int64_t after,
                                           store_claims_tag_cb cb, void *userdata)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle s = {0};
        int r = sqlite_prepare_texts(st, "SELECT hostname, claims_tag FROM compute_hosts "
                                         "WHERE claims_tag > ? ORDER BY hostname", &s, 0);
        if (r < 0)
                return r;
        sqlite3_bind_int64(s.s, 1, after);
        while ((r = sqlite_step_row(st, s.s, "list claims tags")) > 0)
                if ((r = cb((const char *)sqlite3_column_text(s.s, 0),
                            sqlite3_column_int64(s.s, 1), userdata)) < 0)
                        return r;
        return r;
}

static int sqlite_compute_host_heartbeats(struct store *base, store_heartbeat_cb cb,
                                          void *userdata)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle s = {0};
        int r = sqlite_prepare(st, "SELECT hostname, heartbeat FROM compute_hosts ORDER BY hostname",
                               &s);
        if (r < 0)
                return r;
        while ((r = sqlite_step_row(st, s.s, "list heartbeats")) > 0)
                if ((r = cb((const char *)sqlite3_column_text(s.s, 0),
                            sqlite3_column_double(s.s, 1), userdata)) < 0)
                        return r;
        return r;
}

#define TASK_COLUMNS "id, host, action, instance_id, created_at, detail"

static int task_from_row(sqlite3_stmt *s, struct store_compute_task **ret)
{
        struct store_compute_task *t = calloc(1, sizeof(*t));
        if (!t)
                return -ENOMEM;
        char **text[] = {&t->id, &t->host, &t->action, &t->instance_id, &t->created_at, &t->detail};
        if (columns_dup(s, text, ARRAY_SIZE(text)) < 0) {
                free(t);
                return -ENOMEM;
        }
        *ret = t;
        return 0;
}

static int sqlite_compute_task_add(struct store *base, const struct store_compute_task *t)
{
        struct sqlite_store *st = to_sqlite(base);
        return sqlite_exec_texts(st, "add compute task", "INSERT INTO compute_tasks (" TASK_COLUMNS ") "
                          "VALUES (?,?,?,?,?,?)", 6, t->id, t->host, t->action, t->instance_id,
                          t->created_at, t->detail ?: "{}");
}

static int sqlite_compute_task_get(struct store *base, const char *id, struct store_compute_task **ret)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle s = {0};
        int r = sqlite_prepare_texts(st, "SELECT " TASK_COLUMNS " FROM compute_tasks WHERE id = ?", &s, 1,
                              id);
        if (r < 0)
                return r;
        r = sqlite_step_row(st, s.s, "get compute task");
        if (r <= 0)
                return r < 0 ? r : -ENOENT;
        return task_from_row(s.s, ret);
}

static int sqlite_compute_task_delete(struct store *base, const char *id)
{
        struct sqlite_store *st = to_sqlite(base);
        int r = sqlite_exec_texts(st, "delete compute task", "DELETE FROM compute_tasks WHERE id = ?", 1, id);
        if (r < 0)
                return r;
        return sqlite3_changes(st->db) > 0 ? 0 : -ENOENT;
}

static int sqlite_compute_task_list(struct store *base, const char *host, size_t limit,
                            struct store_compute_task ***ret)
{
        struct sqlite_store *st = to_sqlite(base);
        _cleanup_stmt_ struct stmt_handle s = {0};
        _cleanup_compute_tasks_ struct store_compute_task **v = NULL;
        size_t n = 0;
        /* LIMIT -1: no limit. */
        int r = sqlite_prepare_texts(st, "SELECT " TASK_COLUMNS " FROM compute_tasks WHERE host = ? "
                              "ORDER BY id LIMIT ?", &s, 1, host);
        if (r < 0)
                return r;
        sqlite3_bind_int64(s.s, 2, limit && limit <= INT64_MAX ? (int64_t)limit : -1);
        while ((r = sqlite_step_row(st, s.s, "list compute tasks")) > 0) {
                if ((r = store_ptrv_reserve(&v, n)) < 0 || (r = task_from_row(s.s, &v[n])) < 0)
                        return r;
                v[++n] = NULL;
        }
        if (r < 0)
                return r;
        *ret = TAKE_PTR(v);
        return (int)n;
}

/* Asked outside a transaction too (a tool, a test): the lock, unless
 * this thread holds it already. */
static int sqlite_schema_version(struct store *base)
{
        struct sqlite_store *st = to_sqlite(base);
        bool mine = st->owned && pthread_equal(st->owner, pthread_self());
        if (!mine)
                lock_take(st);
        int v = schema_version_read(st);
        if (!mine)
                lock_give(st);
        return v;
}

static const struct store_backend sqlite_backend = {
        .name = "sqlite",
        .schema_version = sqlite_schema_version,
        .free = sqlite_free,
        .begin = sqlite_begin,
        .end = sqlite_end,
        .obj_insert = sqlite_obj_insert,
        .obj_update = sqlite_obj_update,
        .obj_delete = sqlite_obj_delete,
        .obj_delete_below = sqlite_obj_delete_below,
        .obj_get = sqlite_obj_get,
        .obj_list = sqlite_obj_list,
        .obj_count = sqlite_obj_count,
        .claim = sqlite_claim,
        .release = sqlite_release,
        .is_claimed = sqlite_is_claimed,
        .release_owner = sqlite_release_owner,
        .pool_values = sqlite_pool_values,
        .secret_set = sqlite_secret_set,
        .secret_get = sqlite_secret_get,
        .secret_delete = sqlite_secret_delete,
        .stamp_get = sqlite_stamp_get,
        .stamp_read = sqlite_stamp_read,
        .stamp_bump = sqlite_stamp_bump,
        .usage_add = sqlite_usage_add,
        .usage_sum = sqlite_usage_sum,
        .pci_claim = sqlite_pci_claim,
        .pci_claims = sqlite_pci_claims,
        .instance_release = sqlite_instance_release,
        .host_report_put = sqlite_host_report_put,
        .auth_failures_get = sqlite_auth_failures_get,
        .auth_failure_add = sqlite_auth_failure_add,
        .auth_failures_clear = sqlite_auth_failures_clear,
        .host_report_get = sqlite_host_report_get,
        .instance_put = sqlite_instance_put,
        .instance_get = sqlite_instance_get,
        .instance_delete = sqlite_instance_delete,
        .instance_list = sqlite_instance_list,
        .instance_totals = sqlite_instance_totals,
        .change_append = sqlite_change_append,
        .change_revision = sqlite_change_revision,
        .changes_since = sqlite_changes_since,
        .changes_compact = sqlite_changes_compact,
        .compute_host_put = sqlite_compute_host_put,
        .compute_host_get = sqlite_compute_host_get,
        .heartbeats_put = sqlite_heartbeats_put,
        .compute_host_claims_tags = sqlite_compute_host_claims_tags,
        .compute_host_heartbeats = sqlite_compute_host_heartbeats,
        .compute_host_get_by_service = sqlite_compute_host_get_by_service,
        .compute_host_get_with_agent = sqlite_compute_host_get_with_agent,
        .compute_host_list = sqlite_compute_host_list,
        .compute_task_add = sqlite_compute_task_add,
        .compute_task_get = sqlite_compute_task_get,
        .compute_task_delete = sqlite_compute_task_delete,
        .compute_task_list = sqlite_compute_task_list,
        .network_put = sqlite_network_put,
        .network_delete = sqlite_network_delete,
        .network_list = sqlite_network_list,
        .network_count = sqlite_network_count,
        .port_put = sqlite_port_put,
        .port_host = sqlite_port_host,
        .port_delete = sqlite_port_delete,
        .port_list = sqlite_port_list,
        .port_count = sqlite_port_count,
        .subnet_put = sqlite_subnet_put,
        .subnet_delete = sqlite_subnet_delete,
        .subnet_list = sqlite_subnet_list,
        .subnet_count = sqlite_subnet_count,
        .secgroup_put = sqlite_secgroup_put,
        .secgroup_delete = sqlite_secgroup_delete,
        .secgroup_list = sqlite_secgroup_list,
        .secgroup_count = sqlite_secgroup_count,
        .sg_rule_put = sqlite_sg_rule_put,
        .sg_rule_delete = sqlite_sg_rule_delete,
        .sg_rule_list = sqlite_sg_rule_list,
        .sg_rule_count = sqlite_sg_rule_count,
        .sg_rules_of = sqlite_sg_rules_of,
        .sg_rule_cursor_open = sqlite_sg_rule_cursor_open,
        .agent_put = sqlite_agent_put,
        .agent_get = sqlite_agent_get,
        .agent_delete = sqlite_agent_delete,
        .agent_list = sqlite_agent_list,
};
