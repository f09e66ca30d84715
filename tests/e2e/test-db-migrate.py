#!/usr/bin/python3
"""Moving up from SQLite to PostgreSQL: state built on SQLite with the real
`openstack` client (a project and a user, a vlan network with a subnet,
ports, a security group, a flavor, an aggregate, a boot on a direct port
landing on a simulated compute host), then `vfnet-server db migrate`: a dry
run changes nothing, the copy keeps every object, a second run is refused,
bad targets and an older source give one clear line; the server started on
PostgreSQL answers the same and new creates collide with nothing copied
(VLAN, MAC, IP, VF, change-feed revision).
Run under tests/pg/pg-throwaway.sh:
    test-db-migrate.py PATH/TO/vfnet-server"""
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from compute_sim import ComputeServer, seed_hosts, wait_status  # noqa: E402
from vfnet_server import Tap, fresh_pg_database  # noqa: E402

# What must come over unchanged, as the API shows it: path, list key.
COLLECTIONS = [
    ("/v2.0/networks", "networks"),
    ("/v2.0/subnets", "subnets"),
    ("/v2.0/ports", "ports"),
    ("/v2.0/security-groups", "security_groups"),
    ("/v3/projects", "projects"),
    ("/v3/users", "users"),
    ("/v3/role_assignments", "role_assignments"),
    ("/v2.1/flavors/detail", "flavors"),
    ("/v2.1/os-aggregates", "aggregates"),
]


def snapshot(s, tok):
    out = {}
    for path, key in COLLECTIONS:
        st, doc, _ = s.request("GET", path, token=tok)
        items = doc[key] if st == 200 else None
        out[key] = sorted(items, key=lambda x: str(x.get("id", x))) if items is not None else st
    st, doc, _ = s.request("GET", "/v2.1/servers/detail", token=tok)
    out["servers"] = sorted((x["id"], x["name"], x["status"], x["OS-EXT-SRV-ATTR:host"],
                             str(x["addresses"])) for x in doc["servers"])
    return out


def run(binary, *args):
    p = subprocess.run([binary] + list(args), capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def one_line(err, *words):
    lines = err.strip().splitlines()
    return len(lines) == 1 and all(w in lines[0] for w in words)


def psql(url, sql):
    db = url.split("///", 1)[1].split("?", 1)[0]
    p = subprocess.run(["psql", "-tAc", sql, db], capture_output=True, text=True, check=True)
    return p.stdout.strip()


def main():
    t = Tap()
    binary = sys.argv[1]
    work = tempfile.mkdtemp(prefix="vfnet-migrate-")
    sqlite_path = os.path.join(work, "vfnet.sqlite")
    target = fresh_pg_database()
    try:
        with ComputeServer(binary, db=sqlite_path) as s:
            s.bootstrap()
            s.start()
            tok = s.token()
            hosts = seed_hosts(s, tok)
            for h in hosts:
                h.start(tok)
            img = os.path.join(work, "cirros.img")
            with open(img, "wb") as f:
                f.write(b"QFI\xfb" + bytes(4092))
            steps = [
                ("project", "create", "blue"),
                ("user", "create", "--password", "pw", "--project", "blue", "alice"),
                ("role", "add", "--user", "alice", "--project", "blue", "member"),
                ("network", "create", "--provider-network-type", "vlan",
                 "--provider-physical-network", "physnet1", "web"),
                ("subnet", "create", "--network", "web", "--subnet-range", "192.0.2.0/24",
                 "web-sub"),
                ("port", "create", "--network", "web", "--vnic-type", "direct", "sr-iov"),
                ("port", "create", "--network", "web", "plain"),
                ("security", "group", "create", "web-sg"),
                ("security", "group", "rule", "create", "--protocol", "tcp", "--dst-port", "22",
                 "web-sg"),
                ("flavor", "create", "--ram", "512", "--disk", "1", "--vcpus", "1", "m1.tiny"),
                ("aggregate", "create", "--zone", "nova", "agg1"),
                ("aggregate", "add", "host", "agg1", "compute1"),
                ("image", "create", "--file", img, "--disk-format", "qcow2",
                 "--container-format", "bare", "--public", "cirros"),
            ]
            bad = []
            for step in steps:
                rc, _, err = s.osc(*step, as_json=False)
                if rc != 0:
                    bad.append((step, err))
            t.ok(not bad, "state built on SQLite with the openstack client", bad)
            rc, port, _ = s.osc("port", "show", "sr-iov")
            rc, srv, err = s.osc("server", "create", "--flavor", "m1.tiny", "--image", "cirros",
                                 "--nic", f"port-id={port['id']}", "--wait", "vm1")
            t.ok(rc == 0 and srv["status"] == "ACTIVE" and srv["OS-EXT-SRV-ATTR:host"] ==
                 "compute1", "a boot on the direct port: ACTIVE on compute1", err or srv)
            rc, port, _ = s.osc("port", "show", "sr-iov")
            vf1 = port["binding_profile"].get("pci_slot")
            before = snapshot(s, tok)
            for h in hosts:
                h.stop()
            t.eq(s.stop(), 0, "the SQLite server stopped")

            with sqlite3.connect(sqlite_path) as db:
                seq = db.execute("SELECT seq FROM sqlite_sequence "
                                 "WHERE name = 'host_changes'").fetchone()[0]
                n_ports = db.execute("SELECT count(*) FROM ports").fetchone()[0]

            conf = ["--config-file", s.conf]
            # A dry run: what it would copy, nothing on the target.
            rc, out, err = run(binary, *conf, "db", "migrate", "--to", target, "--dry-run")
            t.ok(rc == 0 and "would copy ports" in out and "nothing changed" in out
                 and any(ln.split()[3:4] == [str(n_ports)] for ln in out.splitlines()
                         if ln.startswith("would copy ports")),
                 "db migrate --dry-run: the rows per table it would copy", err or out)
            t.eq(psql(target, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"),
                 "0", "the dry run left the target as it was (not even a table)")

            # Bad targets and an older source: one clear line, non-zero.
            rc, out, err = run(binary, *conf, "db", "migrate", "--to", "mysql://db/vfnet")
            t.ok(rc != 0 and one_line(err, "PostgreSQL URL"), "--to mysql://...: refused",
                 (rc, err))
            rc, out, err = run(binary, *conf, "db", "migrate", "--to",
                               "postgresql://vfnet@127.0.0.1:1/vfnet?connect_timeout=5")
            t.ok(rc != 0 and one_line(err, "cannot connect", "Connection refused"),
                 "an unreachable target: one line, refused", (rc, err))
            old = os.path.join(work, "old.sqlite")
            shutil.copy(sqlite_path, old)
            with sqlite3.connect(old) as db:
                db.execute("DELETE FROM schema_version WHERE version > 9")
            rc, out, err = run(binary, "db", "migrate", "--from", old, "--to", target)
            t.ok(rc != 0 and one_line(err, "schema version 9", "db upgrade"),
                 "a source at an older schema version: refused, says to upgrade it", (rc, err))
            rc, out, err = run(binary, "db", "migrate", "--from", os.path.join(work, "none"),
                               "--to", target)
            t.ok(rc != 0 and one_line(err, "cannot open the source database"),
                 "a missing source: one line", (rc, err))

            rc, out, err = run(binary, *conf, "db", "upgrade")
            t.ok(rc == 0 and "schema version" in out, "db upgrade: the source is up to date",
                 err or out)

            # The copy.
            rc, out, err = run(binary, *conf, "db", "migrate", "--to", target)
            t.ok(rc == 0 and "copied" in out and err == "", "db migrate --to postgresql://...",
                 err or out)
            print("# " + out.strip().splitlines()[-1], flush=True)
            rev = int(psql(target, "SELECT value FROM stamps WHERE name = 'changes_revision'"))
            t.ok(rev >= seq > 0, "the change feed's revision continues from the source's",
                 (rev, seq))
            rc, out, err = run(binary, *conf, "db", "migrate", "--to", target)
            t.ok(rc != 0 and one_line(err, "already holds data", "dropdb"),
                 "a second run: refused with one line saying how to proceed", (rc, err))
            rc, out, err = run(binary, *conf, "db", "migrate", "--to", target, "--dry-run")
            t.ok(rc != 0 and one_line(err, "already holds data"),
                 "a dry run onto the copied target: refused as well", (rc, err))
            t.eq(psql(target, "SELECT count(*) FROM ports"), str(n_ports),
                 "no duplicate: the target holds the ports once")

        # The catalog came over too: the server on PostgreSQL takes the
        # address the SQLite one had.
        with ComputeServer(binary, db=target) as p:
            with open(p.conf) as f:
                text = f.read()
            with open(p.conf, "w") as f:
                f.write(text.replace(f"bind_port = {p.port}\n", f"bind_port = {s.port}\n"))
            p.port, p.url = s.port, s.url
            p.start()
            st, _, _ = p.request("GET", "/v2.0/networks", token=tok)
            t.eq(st, 200, "a token issued on SQLite is honoured on PostgreSQL")
            tok = p.token()
            after = snapshot(p, tok)
            for key in before:
                t.eq(after[key], before[key], f"{key}: all there, as they were")
            rc, lst, err = p.osc("server", "list")
            t.ok(rc == 0 and [(x["Name"], x["Status"]) for x in lst] == [("vm1", "ACTIVE")],
                 "openstack server list: vm1 ACTIVE", err or lst)
            rc, lst, err = p.osc("port", "list", user="alice", password="pw", project="blue")
            t.ok(rc == 0 and lst == [], "alice logs in to blue with her password (copied hash)",
                 err or lst)

            # New objects collide with nothing copied.
            for h in hosts:
                h.s = p
                h._stop.clear()
                h.register(tok)
                h.start(tok)
            rc, net2, err = p.osc("network", "create", "--provider-network-type", "vlan",
                                  "--provider-physical-network", "physnet1", "web2")
            vlans = {n["provider:segmentation_id"] for n in before["networks"]}
            t.ok(rc == 0 and net2["provider:segmentation_id"] not in vlans,
                 "a new vlan network gets a VLAN not copied", err or net2)
            rc, np, err = p.osc("port", "create", "--network", "web", "--vnic-type", "direct",
                                "sr-iov2")
            macs = {x["mac_address"] for x in before["ports"]}
            ips = {f["ip_address"] for x in before["ports"] for f in x["fixed_ips"]}
            t.ok(rc == 0 and np["mac_address"] not in macs
                 and np["fixed_ips"][0]["ip_address"] not in ips,
                 "a new port: its MAC and IP are not among the copied ones", err or np)
            rc, srv2, err = p.osc("server", "create", "--flavor", "m1.tiny", "--image", "cirros",
                                  "--nic", f"port-id={np['id']}", "--wait", "vm2")
            t.ok(rc == 0 and srv2["status"] == "ACTIVE", "a new boot on PostgreSQL: ACTIVE",
                 err or srv2)
            rc, np, _ = p.osc("port", "show", "sr-iov2")
            vf2 = np["binding_profile"].get("pci_slot")
            t.ok(vf2 and vf2 != vf1, "it got another VF than the copied boot's", (vf1, vf2))
            t.ok(int(psql(target, "SELECT max(revision) FROM host_changes")) > rev,
                 "the change feed goes on past the copied revisions")
            done = wait_status(p, tok, [srv2["id"]])
            t.ok(done[srv2["id"]]["status"] == "ACTIVE", "vm2 stays ACTIVE")
            for h in hosts:
                h.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
