#!/usr/bin/python3
"""Benchmark of vfnet-server at the scale of a large cloud, one command:
    bench/bench-scale.py [--build DIR] [--hosts N] [--duration S] [--db URL]
                         [--servers K] [--boot-rate B] [--interval S]
Simulates N compute hosts (default 10,000), each with 2 PFs x 8 VFs (the
seed's 82576: 8086:10c9 PFs, 8086:10ca VFs on physnet1), as their agents
use the server (docs/agent.md):
  - registration: each agent's agent report, then its first host report
    (below), which registers the host;
  - a heartbeat every --interval s (default 30, as the agent's
    report_interval): the agent report inside the compute report, one
    POST /v2.1/vfnet/host-report, spread evenly (10,000 hosts: 333
    heartbeats/s);
  - one change-feed watch held open per host (GET .../changes?timeout=30),
    spread over the servers: N open connections;
  - boots at --boot-rate per second (default 10): a direct port, then
    POST /v2.1/servers; the host the scheduler picks sees the task on its
    watch and answers it, as an agent does.
Prints, for the measured window (--duration s, default 60, after every host
registered and every watch is open): each server's CPU and memory, p50/p99 latency of
heartbeats (host reports) and boots, how long a boot took to
wake its host's watch, whether any other watch woke, and (PostgreSQL)
database transactions and rows written per heartbeat (--boot-rate 0: the
heartbeats' own cost).  The floor beside it: GET /v2.1 (no
auth, no store) at a tenth of the heartbeats' rate.
Without --db: one server on a temporary SQLite database.  With --db
postgresql://...: --servers K servers on that database, which must be
empty; tests/pg/pg-throwaway.sh makes one:
    tests/pg/pg-throwaway.sh sh -c \
        'bench/bench-scale.py --db "$VFNET_TEST_STORE_URL" --servers 2'"""
import argparse
import asyncio
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests", "e2e"))
from compute_sim import ComputeServer  # noqa: E402

DEVICE_SPEC = ['{"vendor_id": "8086", "product_id": "10ca", "physical_network": "physnet1"}']
LIMITS = "max_connections = 24000\nmax_connections_per_ip = 0\n"


def inventory(i):
    """2 PFs x 8 VFs of an 82576 on bus (i % 200) + 1: the VFs on physnet1."""
    bus = i % 200 + 1
    devs = []
    for pf in range(2):
        pf_addr = f"0000:{bus:02x}:00.{pf}"
        devs.append({"address": pf_addr, "vendor_id": "8086", "product_id": "10c9",
                     "dev_type": "type-PF", "numa_node": 0, "netdevs": [f"em{pf + 1}"],
                     "sriov_totalvfs": 8})
        for vf in range(8):
            devs.append({"address": f"0000:{bus:02x}:{0x10 + pf:02x}.{vf}",
                         "vendor_id": "8086", "product_id": "10ca", "dev_type": "type-VF",
                         "parent_addr": pf_addr, "numa_node": 0,
                         "netdevs": [f"em{pf + 1}v{vf}"]})
    return devs


def report_bodies(name, i):
    compute = {"hostname": name, "vcpus": 32, "memory_mb": 131072, "disk_gb": 2000,
               "numa_cells": [{"id": 0, "socket": 0}],
               "capabilities": {"hypervisor_type": "QEMU", "cpu_info": {"arch": "x86_64"}},
               "supported_instances": [["x86_64", "kvm", "hvm"]],
               "pci_devices": inventory(i), "device_spec": DEVICE_SPEC}
    agent = {"agent": {"host": name, "agent_type": "NIC Switch agent",
                       "binary": "neutron-sriov-nic-agent", "topic": "N/A",
                       "configurations": {"device_mappings": {"physnet1": ["em1", "em2"]}}}}
    host = dict(compute, agent=agent["agent"])
    return (json.dumps(compute).encode(), json.dumps(agent).encode(),
            json.dumps(host).encode())


class Conn:
    """One keep-alive HTTP/1.1 connection; reopened when the server closes it."""

    def __init__(self, host, port, token):
        self.host, self.port, self.token = host, port, token
        self.r = self.w = None

    async def request(self, method, path, body=None):
        for attempt in range(3):
            try:
                if self.w is None:
                    self.r, self.w = await asyncio.open_connection(self.host, self.port)
                head = (f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                        f"X-Auth-Token: {self.token}\r\nAccept: application/json\r\n")
                if body is not None:
                    head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                self.w.write(head.encode() + b"\r\n" + (body or b""))
                return await self._answer()
            except (ConnectionError, asyncio.IncompleteReadError, OSError):
                self.close()
                if attempt == 2:
                    raise
                await asyncio.sleep(0.05)

    async def _answer(self):
        status = int((await self.r.readuntil(b"\r\n")).split()[1])
        length, chunked, close = 0, False, False
        while True:
            line = await self.r.readuntil(b"\r\n")
            if line == b"\r\n":
                break
            k, _, v = line.decode("latin-1").partition(":")
            k, v = k.strip().lower(), v.strip().lower()
            if k == "content-length":
                length = int(v)
            elif k == "transfer-encoding" and "chunked" in v:
                chunked = True
            elif k == "connection" and v == "close":
                close = True
        if chunked:
            body = b""
            while True:
                n = int((await self.r.readuntil(b"\r\n")).split(b";")[0], 16)
                body += await self.r.readexactly(n + 2)
                if n == 0:
                    break
            body = body[:-2]
        else:
            body = await self.r.readexactly(length)
        if close:
            self.close()
        return status, body

    def close(self):
        if self.w:
            self.w.close()
        self.r = self.w = None


def pct(values, p):
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(len(v) * p / 100))]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_kib(pid):
    """(resident, peak resident) KiB of a process, from /proc."""
    got = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                got[key] = int(value.split()[0])
    return got.get("VmRSS", 0), got.get("VmHWM", 0)


def pg_counts(url):
    """(committed transactions, rows inserted, updated or deleted) of the
    database so far; None: not PostgreSQL."""
    if not url or not url.startswith("postgres"):
        return None
    conn = url.replace("postgresql+psycopg2://", "postgresql://")
    p = subprocess.run(["psql", "-At", "-F", " ", conn, "-c",
                        "SELECT xact_commit, tup_inserted + tup_updated + tup_deleted "
                        "FROM pg_stat_database WHERE datname = current_database()"],
                       capture_output=True, text=True)
    if p.returncode != 0 or not p.stdout.strip():
        return None
    return tuple(int(x) for x in p.stdout.split())


class Scale:
    def __init__(self, args, servers, token):
        self.a = args
        self.servers = servers
        self.token = token
        self.names = [f"c{i:05d}" for i in range(args.hosts)]
        self.bodies = {}
        self.since = {}
        self.hb_lat, self.floor_lat, self.boot_lat, self.wake_lat = [], [], [], []
        self.booted = {}     # instance id -> time its POST was sent
        self.woken = {}      # instance id -> (when, host) a watch saw its task first
        self.woke_other = 0  # watches that woke with nothing for them
        self.wakes = 0
        self.errors = []
        self.measuring = False
        self.stop = False

    def server_of(self, i):
        s = self.servers[i % len(self.servers)]
        return "127.0.0.1", s.port

    def body(self, i):
        b = self.bodies.get(i)
        if b is None:
            b = self.bodies[i] = report_bodies(self.names[i], i)
        return b

    async def heartbeat(self, conn, i, record):
        """What vfnet-agent sends every 30 s once registered: its agent
        report inside its compute report, one request."""
        host = self.body(i)[2]
        t0 = time.perf_counter()
        st, _ = await conn.request("POST", "/v2.1/vfnet/host-report", host)
        if record:
            self.hb_lat.append(time.perf_counter() - t0)
        if st not in (200, 201):
            self.errors.append(f"heartbeat of {self.names[i]}: {st}")

    async def register(self, conn, i):
        """An agent's start: its agent report, then a host report, which
        registers the host and which the server parses in full once (the
        agent sends a compute report first, then host reports; the window
        measures the steady state)."""
        _, agent, host = self.body(i)
        st1, _ = await conn.request("POST", "/v2.0/vfnet/agent-report", agent)
        st2, _ = await conn.request("POST", "/v2.1/vfnet/host-report", host)
        if st1 not in (200, 201) or st2 not in (200, 201):
            self.errors.append(f"registration of {self.names[i]}: {st1} {st2}")

    async def register_all(self, workers=64):
        queue = list(range(len(self.names)))

        async def worker(w):
            conn = Conn(*self.server_of(w), self.token)
            while queue:
                await self.register(conn, queue.pop())
            conn.close()
        await asyncio.gather(*(worker(w) for w in range(workers)))

    async def watch(self, i, first_timeout):
        conn = Conn(*self.server_of(i), self.token)
        name = self.names[i]
        timeout = first_timeout
        while not self.stop:
            path = f"/v2.0/vfnet/hosts/{name}/changes?since={self.since[i]}&timeout={timeout}"
            t0 = time.monotonic()
            try:
                st, body = await conn.request("GET", path)
            except (ConnectionError, asyncio.IncompleteReadError, OSError) as e:
                if not self.stop:
                    self.errors.append(f"watch of {name}: {e}")
                return
            timeout = 30
            if st != 200:
                self.errors.append(f"watch of {name}: {st} {body[:200]!r}")
                return
            doc = json.loads(body)
            self.since[i] = doc["revision"]
            if not doc["changes"]:
                # Empty before its timeout: woken for nothing.
                if time.monotonic() - t0 < first_timeout - 1 and not self.stop:
                    self.woke_other += 1
                continue
            now = time.perf_counter()
            self.wakes += 1
            mine = False
            for c in doc["changes"]:
                obj = c.get("object")
                if c["kind"] != "task" or not obj:
                    mine = mine or c["kind"] == "port"
                    continue
                mine = True
                # The wake may come before the boot's own answer is read.
                self.woken.setdefault(obj["instance_id"], (now, name))
                await conn.request("POST", f"/v2.1/vfnet/compute-tasks/{obj['id']}",
                                   b'{"result": "ok"}')
            if not mine:
                self.woke_other += 1
        conn.close()

    async def heartbeats(self, workers=32):
        """Each host once per interval, evenly spread; and the floor."""
        rate = len(self.names) / self.a.interval
        conns = [Conn(*self.server_of(w), self.token) for w in range(workers)]
        floor = Conn(*self.server_of(0), self.token)
        sem = asyncio.Semaphore(workers)
        pending = set()
        start = time.perf_counter()
        n = 0

        async def one(k):
            async with sem:
                conn = conns.pop()
                try:
                    await self.heartbeat(conn, k % len(self.names), self.measuring)
                finally:
                    conns.append(conn)

        async def floor_one():
            t0 = time.perf_counter()
            await floor.request("GET", "/v2.1")
            if self.measuring:
                self.floor_lat.append(time.perf_counter() - t0)

        while not self.stop:
            due = start + n / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            t = asyncio.ensure_future(one(n))
            pending.add(t)
            t.add_done_callback(pending.discard)
            if n % 10 == 0:
                await floor_one()
            n += 1
        await asyncio.gather(*pending, return_exceptions=True)

    async def boots(self, ids):
        conn = Conn(*self.server_of(1), self.token)
        start = time.perf_counter()
        n = 0
        while self.measuring:
            due = start + n / self.a.boot_rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            st, body = await conn.request("POST", "/v2.0/ports", json.dumps({"port": {
                "network_id": ids["net"], "binding:vnic_type": "direct"}}).encode())
            if st != 201:
                self.errors.append(f"port create: {st} {body[:200]!r}")
                n += 1
                continue
            port = json.loads(body)["port"]["id"]
            t0 = time.perf_counter()
            st, body = await conn.request("POST", "/v2.1/servers", json.dumps({"server": {
                "name": f"vm{n}", "imageRef": ids["image"], "flavorRef": ids["flavor"],
                "networks": [{"port": port}]}}).encode())
            if st != 202:
                self.errors.append(f"boot: {st} {body[:200]!r}")
            else:
                self.booted[json.loads(body)["server"]["id"]] = t0
                self.boot_lat.append(time.perf_counter() - t0)
            n += 1

    async def run(self, ids):
        t0 = time.perf_counter()
        await self.register_all()
        reg = time.perf_counter() - t0
        print(f"  registered {len(self.names)} hosts in {reg:.1f} s "
              f"({len(self.names) / reg:.0f} heartbeats/s at full speed)", flush=True)
        conn = Conn(*self.server_of(0), self.token)
        st, body = await conn.request("GET", f"/v2.0/vfnet/hosts/{self.names[0]}/state")
        rev = json.loads(body)["revision"]
        conn.close()
        for i in range(len(self.names)):
            self.since[i] = rev
        t0 = time.perf_counter()
        watches = [asyncio.ensure_future(self.watch(i, random.randint(5, 30)))
                   for i in range(len(self.names))]
        await asyncio.sleep(3)
        print(f"  {len(watches)} watches opened", flush=True)
        beat = asyncio.ensure_future(self.heartbeats())
        # Warm-up: the heartbeat rate settles, then the measured window.
        # PostgreSQL's backends report their counts up to 10 s late when
        # idle, so the registration's are in before the window opens.
        await asyncio.sleep(12 if self.a.db else 5)
        cpu0 = [cpu_seconds(s.proc.pid) for s in self.servers]
        tx0 = pg_counts(self.a.db)
        self.measuring = True
        w0 = time.perf_counter()
        boot = asyncio.ensure_future(self.boots(ids) if self.a.boot_rate > 0
                                     else asyncio.sleep(0))
        await asyncio.sleep(self.a.duration)
        self.measuring = False
        window = time.perf_counter() - w0
        cpu1 = [cpu_seconds(s.proc.pid) for s in self.servers]
        self.memory = [memory_kib(s.proc.pid) for s in self.servers]
        tx1 = pg_counts(self.a.db)
        n_hb = len(self.hb_lat)
        # Late wakes of the last boots.
        await asyncio.sleep(2)
        self.stop = True
        await asyncio.gather(beat, boot, return_exceptions=True)
        for w in watches:
            w.cancel()
        for inst, t0 in self.booted.items():
            if inst in self.woken:
                self.wake_lat.append(self.woken[inst][0] - t0)
        await asyncio.gather(*watches, return_exceptions=True)
        return window, [(b - a) / window for a, b in zip(cpu0, cpu1)], \
            (None if tx0 is None or tx1 is None
             else [(b - a) / max(n_hb, 1) for a, b in zip(tx0, tx1)])


def start_servers(args, binary):
    servers = []
    for k in range(args.servers):
        s = ComputeServer(binary, extra_conf=LIMITS, db=args.db)
        servers.append(s)
        if k == 0:
            s.bootstrap()
        s.start()
    return servers


def setup(s, token):
    R = s.request
    # No quota stands in the way of the boots (each takes a port).
    st, doc, _ = R("GET", "/v3/projects?name=admin", token=token)
    project = doc["projects"][0]["id"]
    st1, _, _ = R("PUT", f"/v2.0/quotas/{project}", {"quota": {"port": -1}}, token=token)
    st2, _, _ = R("PUT", f"/v2.1/os-quota-sets/{project}", {"quota_set": {
        "instances": -1, "cores": -1, "ram": -1}}, token=token)
    if st1 != 200 or st2 != 200:
        sys.exit(f"bench-scale: quotas not lifted ({st1}, {st2})")
    st, img, _ = R("POST", "/image/v2/images", {"name": "cirros", "disk_format": "qcow2",
                                                 "container_format": "bare"}, token=token)
    R("PUT", f"/image/v2/images/{img['id']}/file", raw=b"\0" * 64, token=token,
      headers={"Content-Type": "application/octet-stream"})
    st, fl, _ = R("POST", "/v2.1/flavors", {"flavor": {"name": "m1.tiny", "ram": 512,
                                                       "vcpus": 1, "disk": 1}}, token=token)
    st, net, _ = R("POST", "/v2.0/networks", {"network": {
        "name": "web", "provider:network_type": "vlan", "provider:physical_network": "physnet1"}},
        token=token)
    R("POST", "/v2.0/subnets", {"subnet": {"network_id": net["network"]["id"],
                                           "cidr": "10.0.0.0/8", "ip_version": 4}}, token=token)
    return {"image": img["id"], "flavor": fl["flavor"]["id"], "net": net["network"]["id"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(here, "..", "build"))
    ap.add_argument("--hosts", type=int, default=10000)
    ap.add_argument("--duration", type=float, default=60)
    ap.add_argument("--interval", type=float, default=30)
    ap.add_argument("--boot-rate", type=float, default=10)
    ap.add_argument("--servers", type=int, default=1)
    ap.add_argument("--db", help="postgresql://... (default: SQLite, one server)")
    args = ap.parse_args()
    if args.servers > 1 and not args.db:
        sys.exit("bench-scale: several servers need a shared database (--db postgresql://...)")
    # A watch per host, the report connections, and the servers' own.
    want = args.hosts + 1000
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < want:
        sys.exit(f"bench-scale: {args.hosts} watches need {want} open files; the hard limit "
                 f"is {hard} (raise it with ulimit -Hn)")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, want), hard))
    binary = os.path.abspath(os.path.join(args.build, "src", "cmd", "vfnet-server"))
    servers = start_servers(args, binary)
    try:
        token = servers[0].token()
        ids = setup(servers[0], token)
        backend = "PostgreSQL" if args.db else "SQLite"
        print(f"{args.hosts} hosts x 2 PFs x 8 VFs, heartbeat every {args.interval:g} s "
              f"({args.hosts / args.interval:.0f}/s), {args.hosts} watches, "
              f"{args.boot_rate:g} boots/s; {args.servers} server(s) on {backend}", flush=True)
        sc = Scale(args, servers, token)
        window, cpu, tx = asyncio.run(sc.run(ids))
        # Each boot must have woken the watch of the host it was placed on.
        st, doc, _ = servers[0].request("GET", "/v2.1/servers/detail", token=token)
        placed = {v["id"]: v.get("OS-EXT-SRV-ATTR:host") for v in doc.get("servers", [])}
        wrong = [i for i in sc.booted if i in sc.woken and sc.woken[i][1] != placed.get(i)]
        ms = 1000
        print(f"  window {window:.0f} s: {len(sc.hb_lat)} heartbeats, {len(sc.boot_lat)} boots")
        for k, c in enumerate(cpu):
            rss, hwm = sc.memory[k]
            print(f"  server {k}: CPU {c * 100:5.1f}% of a core, resident {rss / 1024:.0f} MiB "
                  f"(peak {hwm / 1024:.0f} MiB)")
        print(f"  heartbeat (host report) p50 {pct(sc.hb_lat, 50) * ms:6.2f} ms  "
              f"p99 {pct(sc.hb_lat, 99) * ms:6.2f} ms   floor GET /v2.1 p50 "
              f"{pct(sc.floor_lat, 50) * ms:5.2f} ms  p99 {pct(sc.floor_lat, 99) * ms:5.2f} ms")
        print(f"  boot (POST /v2.1/servers)      p50 {pct(sc.boot_lat, 50) * ms:6.2f} ms  "
              f"p99 {pct(sc.boot_lat, 99) * ms:6.2f} ms")
        print(f"  boot -> its host's watch       p50 {pct(sc.wake_lat, 50) * ms:6.2f} ms  "
              f"p99 {pct(sc.wake_lat, 99) * ms:6.2f} ms   "
              f"({len(sc.wake_lat)} of {len(sc.booted)} boots seen by a watch)")
        print(f"  watches woken for nothing: {sc.woke_other}; boots seen by another host's "
              f"watch than their own: {len(wrong)}")
        print("  database per heartbeat: "
              + (f"{tx[0]:.2f} transactions, {tx[1]:.2f} rows written" if tx is not None
                 else "n/a (SQLite)"))
        if wrong:
            sc.errors.append(f"boots seen by the wrong host: {wrong[:3]}")
        if sc.errors:
            print(f"  {len(sc.errors)} errors, first: {sc.errors[:3]}")
            return 1
        return 0
    finally:
        for s in servers:
            s.stop()
            s.cleanup()


if __name__ == "__main__":
    sys.exit(main())
