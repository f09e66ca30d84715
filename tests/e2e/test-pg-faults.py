#!/usr/bin/python3
"""PostgreSQL refusing writes under a running vfnet-server:
- the database turned read-only (ALTER SYSTEM default_transaction_read_only
  and a reload): creates get a clean 503 in Neutron's and Keystone's error
  formats, reads still answer, the server logs why; turned back, creates
  succeed again;
- a full disk (the database's tablespace on a small tmpfs mounted here,
  then filled): creates get Neutron's 503, the server logs why and keeps
  running; space freed, creates succeed again.
Runs under tests/pg/pg-throwaway.sh, as root (it mounts the tmpfs).
Usage: test-pg-faults.py PATH/TO/vfnet-server"""
import os
import pwd
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from vfnet_server import Server, Tap  # noqa: E402


def psql(sql, db="postgres"):
    # The session itself may write whatever the cluster's default says.
    env = dict(os.environ, PGOPTIONS="-c default_transaction_read_only=off")
    return subprocess.run(["psql", "-v", "ON_ERROR_STOP=1", "-tAc", sql, db], env=env,
                          capture_output=True, text=True, check=True).stdout.strip()


def pg_url(db):
    return f"postgresql:///{db}?host={os.environ['PGHOST']}&user={os.environ['PGUSER']}"


def create_network(s, tok, name):
    return s.request("POST", "/v2.0/networks", {"network": {"name": name}}, token=tok)


def create_port(s, tok, nid, name):
    return s.request("POST", "/v2.0/ports", {"port": {"network_id": nid, "name": name}},
                     token=tok)


def neutron_503(st, body):
    return st == 503 and body.get("NeutronError", {}).get("type") == "ServiceUnavailable"


def until(fn, timeout=10):
    deadline = time.time() + timeout
    while True:
        v = fn()
        if v or time.time() > deadline:
            return v
        time.sleep(0.1)


def log_has(s, *words):
    """The server's log line holding every word (shown in the TAP output)."""
    with open(s.log) as f:
        for line in f:
            if all(w in line for w in words):
                print("# " + line.strip(), flush=True)
                return True
    return False


def read_only(t, s, tok):
    psql("ALTER SYSTEM SET default_transaction_read_only = on")
    psql("SELECT pg_reload_conf()")
    got = {}

    def refused():
        got["r"] = create_network(s, tok, "ro")
        return got["r"][0] != 201

    until(refused)
    st, body, _ = got["r"]
    t.ok(neutron_503(st, body), "read-only database: a network create gets Neutron's 503",
         (st, body))
    st, body, _ = s.request("POST", "/v3/projects", {"project": {"name": "ro"}}, token=tok)
    t.ok(st == 503 and body.get("error", {}).get("code") == 503,
         "and a project create Keystone's 503", (st, body))
    st, body, _ = s.request("GET", "/v2.0/networks", token=tok)
    t.eq(st, 200, "reads still answer")
    t.ok(log_has(s, "busy", "read-only transaction"), "the server's log says the database is "
         "read-only", open(s.log).read()[-2000:])
    psql("ALTER SYSTEM RESET default_transaction_read_only")
    psql("SELECT pg_reload_conf()")
    st = until(lambda: create_network(s, tok, "rw")[0] == 201)
    t.ok(st, "writable again: creates succeed")
    t.ok(s.proc.poll() is None, "the server ran through it")


def full_disk(t, binary):
    mnt = tempfile.mkdtemp(prefix="vfnet-small-")
    owner = pwd.getpwnam(os.environ["PGUSER"])
    subprocess.run(["mount", "-t", "tmpfs", "-o",
                    f"size=6m,mode=0700,uid={owner.pw_uid},gid={owner.pw_gid}", "tmpfs", mnt],
                   check=True)
    try:
        psql(f"CREATE TABLESPACE small LOCATION '{mnt}'")
        psql("CREATE DATABASE vfnet_small TABLESPACE small")
        with Server(binary, db=pg_url("vfnet_small")) as s:
            s.bootstrap()
            s.start()
            tok = s.token()
            st, net, _ = create_network(s, tok, "before")
            t.eq(st, 201, "a server on a database whose tablespace is a 6 MB tmpfs")
            filler = os.path.join(mnt, "filler")
            subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=64k"],
                           capture_output=True)
            statuses = []
            nid = net["network"]["id"]
            for i in range(5000):
                st, body, _ = create_port(s, tok, nid, f"fill{i}")
                statuses.append(st)
                if st != 201:
                    break
            t.ok(neutron_503(st, body), "full disk: a port create gets Neutron's 503",
                 (st, body, len(statuses)))
            t.ok(log_has(s, "busy", "No space left on device"),
                 "the server's log says the disk is full", open(s.log).read()[-2000:])
            st, _, _ = s.request("GET", "/v2.0/networks?name=before", token=tok)
            t.eq(st, 200, "reads still answer")
            os.unlink(filler)
            st = until(lambda: create_port(s, tok, nid, "after")[0] == 201)
            t.ok(st, "space freed: creates succeed again")
            t.ok(s.proc.poll() is None, "the server ran through it")
            t.eq(s.stop(), 0, "and stops cleanly")
        psql("DROP DATABASE vfnet_small")
        psql("DROP TABLESPACE small")
    finally:
        subprocess.run(["umount", "-l", mnt], capture_output=True)
        os.rmdir(mnt)


def main():
    if not os.environ.get("VFNET_TEST_STORE_URL"):
        sys.exit("test-pg-faults.py: run it under tests/pg/pg-throwaway.sh")
    if os.geteuid() != 0:
        sys.exit("test-pg-faults.py: run it as root (it mounts a small tmpfs)")
    t = Tap()
    with Server(sys.argv[1]) as s:
        s.bootstrap()
        s.start()
        read_only(t, s, s.token())
    full_disk(t, sys.argv[1])
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
