#!/usr/bin/python3
"""Benchmark of vfnet-server, one command:
    bench/bench-server.py [BUILD_DIR]      (default: build)
Prints: start time, ports created per second with 1 and 8 clients (and the
floor: the same inserts straight into SQLite), GET /v2.0/ports latency with
1k, 5k and 10k ports, a security group's delete among 16k ports, the
server's RSS: now, its lifetime peak, and its peak while listing 10k
ports, and GET /v2.0/networks and GET
/v2.0/subnets latency with 1k networks and 1k subnets.
    tests/pg/pg-throwaway.sh bench/bench-server.py [BUILD_DIR]
does the same on PostgreSQL (the floor: the same inserts with pgbench)."""
import json
import os
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests", "e2e"))
from vfnet_server import Server  # noqa: E402


def rss_kib(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:", "RssAnon:", "RssFile:")):
                out[line.split(":")[0]] = int(line.split()[1])
    return out


def reset_peak(pid):
    """VmHWM starts again from the current RSS (Linux >= 4.0)."""
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")


def load(*args):
    p = subprocess.run([LOAD] + [str(a) for a in args], capture_output=True, text=True)
    if p.returncode:
        sys.exit(f"http-load {args[0]} failed: {p.stdout}{p.stderr}")
    return json.loads(p.stdout)


def network(s, tok, name, vlan):
    st, n, _ = s.request("POST", "/v2.0/networks", {"network": {
        "name": name, "provider:network_type": "vlan", "provider:physical_network": "physnet1",
        "provider:segmentation_id": vlan}}, token=tok)
    nid = n["network"]["id"]
    s.request("POST", "/v2.0/subnets", {"subnet": {"network_id": nid, "ip_version": 4,
                                                   "cidr": f"10.{vlan % 250}.0.0/16"}}, token=tok)
    return nid


PG_FLOOR = """\\set i random(1, 2000000000)
BEGIN;
INSERT INTO floor_objects VALUES ('port', 'port-' || :client_id || '-' || :i, 'p', repeat('x', 1199))
  ON CONFLICT DO NOTHING;
INSERT INTO floor_allocations VALUES ('ip', '0-' || :i, 'o') ON CONFLICT DO NOTHING;
INSERT INTO floor_allocations VALUES ('mac', '1-' || :i, 'o') ON CONFLICT DO NOTHING;
END;
"""


def pg_floor(count):
    """The floor on PostgreSQL: one client's transactions of one document
    and two claims, as http-load's floor does on SQLite."""
    db = f"vfnet_floor_{os.getpid()}"
    subprocess.run(["createdb", db], check=True)
    subprocess.run(["psql", "-q", "-d", db, "-c",
                    "CREATE TABLE floor_objects (kind TEXT, id TEXT, project_id TEXT, doc TEXT NOT NULL,"
                    " PRIMARY KEY (kind, id)); CREATE TABLE floor_allocations (pool TEXT,"
                    " value TEXT, owner TEXT NOT NULL, PRIMARY KEY (pool, value))"], check=True)
    with tempfile.NamedTemporaryFile("w", suffix=".sql") as f:
        f.write(PG_FLOOR)
        f.flush()
        p = subprocess.run(["pgbench", "-n", "-c", "1", "-t", str(count), "-M", "prepared",
                            "-f", f.name, db], capture_output=True, text=True, check=True)
    tps = [line for line in p.stdout.splitlines() if line.startswith("tps")][0]
    return {"per_second": float(tps.split()[2])}


def main():
    global LOAD
    build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "build")
    LOAD = os.path.join(build, "bench", "http-load")
    binary = os.path.join(build, "src", "cmd", "vfnet-server")
    # Neutron's default quota (500 ports a project) would stop the bench.
    with Server(binary, extra_conf="[quotas]\nquota_port = -1\nquota_network = -1\n"
                "quota_subnet = -1") as s:
        s.bootstrap()
        t0 = time.time()
        s.start()
        start_ms = (time.time() - t0) * 1000
        tok = s.token()
        print(f"start time (exec to first answer):   {start_ms:7.1f} ms")
        r1 = load("create", s.url, tok, network(s, tok, "b1", 101), 2000, 1)
        r8 = load("create", s.url, tok, network(s, tok, "b8", 108), 4000, 8)
        pg = os.environ.get("VFNET_TEST_STORE_URL")
        with tempfile.TemporaryDirectory() as d:
            fl = pg_floor(4000) if pg else load("floor", os.path.join(d, "floor.sqlite"), 4000)
        print(f"ports created/s, 1 client:           {r1['per_second']:7.0f}")
        print(f"ports created/s, 8 clients:          {r8['per_second']:7.0f}")
        print(f"floor: same inserts into {'PostgreSQL' if pg else 'SQLite'}/s:"
              f"{'' if pg else '   '}{fl['per_second']:7.0f}")
        print(f"  ratio 1 client / floor:            {r1['per_second'] / fl['per_second']:7.2f}")
        # lists of 1k, 5k, 10k ports (admin, whole documents)
        nl = network(s, tok, "list", 200)
        have = 0
        for target in (1000, 5000, 10000):
            load("create", s.url, tok, nl, target - have, 8)
            have = target
            if target == 10000:
                # From here the peak counts only the lists of 10k ports
                # (the lifetime peak is a password check's argon2id memory).
                life_peak = rss_kib(s.proc.pid)["VmHWM"]
                reset_peak(s.proc.pid)
            g = load("get", s.url, tok, f"/v2.0/ports?network_id={nl}", 20)
            print(f"GET /v2.0/ports, {target:5d} ports:       {g['p50_ms']:7.2f} ms p50, "
                  f"{g['p90_ms']:.2f} ms p90 ({g['bytes'] / 1e6:.1f} MB)")
            # what `openstack port list` asks for
            g = load("get", s.url, tok, f"/v2.0/ports?network_id={nl}&fields=id&fields=name"
                     "&fields=mac_address&fields=fixed_ips&fields=status", 20)
            print(f"  the same with port list's fields=: {g['p50_ms']:7.2f} ms p50, "
                  f"{g['p90_ms']:.2f} ms p90")
        list_peak = rss_kib(s.proc.pid)["VmHWM"]
        # Deleting a group no port uses: its in-use check looks at every
        # port of 16,000 (the median of five).
        took = []
        for k in range(5):
            st, g, _ = s.request("POST", "/v2.0/security-groups",
                                 {"security_group": {"name": f"unused{k}"}}, token=tok)
            t0 = time.perf_counter()
            st, _, _ = s.request("DELETE", f"/v2.0/security-groups/{g['security_group']['id']}",
                                 token=tok)
            took.append(time.perf_counter() - t0)
            if st != 204:
                sys.exit(f"security group delete: {st}")
        print(f"DELETE a security group, 16k ports:  {sorted(took)[2] * 1000:7.2f} ms")
        g = load("get", s.url, tok, "/v2.0/ports?fields=id&fields=mac_address&limit=100", 50)
        print(f"GET /v2.0/ports?fields=..&limit=100: {g['p50_ms']:7.2f} ms p50")
        m = rss_kib(s.proc.pid)
        print(f"server RSS now / lifetime peak:      {m['VmRSS'] / 1024:7.1f} / "
              f"{max(life_peak, m['VmHWM']) / 1024:.1f} MiB")
        print(f"  of which heap etc. (RssAnon):      {m['RssAnon'] / 1024:7.1f} MiB; "
              f"files and libraries (RssFile): {m['RssFile'] / 1024:.1f} MiB")
        print(f"peak RSS while listing 10k ports:    {list_peak / 1024:7.1f} MiB")
        # a list of 1k networks (admin, every attribute), made in bulk
        net_ids = []
        for first in range(1000, 2000, 100):
            st, body, _ = s.request("POST", "/v2.0/networks", {"networks": [
                {"name": f"n{v}", "provider:network_type": "vlan",
                 "provider:physical_network": "physnet1", "provider:segmentation_id": v}
                for v in range(first, first + 100)]}, token=tok)
            if st != 201:
                sys.exit(f"bulk network create answered {st}")
            net_ids += [n["id"] for n in body["networks"]]
        g = load("get", s.url, tok, "/v2.0/networks", 50)
        print(f"GET /v2.0/networks, 1003 networks:  {g['p50_ms']:7.2f} ms p50, "
              f"{g['p90_ms']:.2f} ms p90 ({g['bytes'] / 1e3:.0f} kB)")
        # what `openstack network list` asks for
        g = load("get", s.url, tok, "/v2.0/networks?fields=id&fields=name&fields=subnets", 50)
        print(f"  with network list's fields=:      {g['p50_ms']:7.2f} ms p50, "
              f"{g['p90_ms']:.2f} ms p90")
        # a list of 1k subnets (admin, every attribute), one on each of
        # those networks, made in bulk: a DNS server and a route each
        for first in range(0, len(net_ids), 100):
            st, _, _ = s.request("POST", "/v2.0/subnets", {"subnets": [
                {"network_id": net_ids[i], "ip_version": 4, "name": f"s{i}",
                 "cidr": f"172.{16 + i // 256}.{i % 256}.0/24",
                 "dns_nameservers": ["192.0.2.53"],
                 "host_routes": [{"destination": "198.51.100.0/24",
                                  "nexthop": f"172.{16 + i // 256}.{i % 256}.9"}]}
                for i in range(first, min(first + 100, len(net_ids)))]}, token=tok)
            if st != 201:
                sys.exit(f"bulk subnet create answered {st}")
        g = load("get", s.url, tok, "/v2.0/subnets", 50)
        print(f"GET /v2.0/subnets, 1003 subnets:    {g['p50_ms']:7.2f} ms p50, "
              f"{g['p90_ms']:.2f} ms p90 ({g['bytes'] / 1e3:.0f} kB)")
        # the columns `openstack subnet list` shows
        g = load("get", s.url, tok, "/v2.0/subnets?fields=id&fields=name&fields=network_id"
                 "&fields=cidr", 50)
        print(f"  with subnet list's columns:       {g['p50_ms']:7.2f} ms p50, "
              f"{g['p90_ms']:.2f} ms p90")
        s.stop()


if __name__ == "__main__":
    main()
