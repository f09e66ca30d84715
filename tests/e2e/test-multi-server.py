#!/usr/bin/python3
"""Three vfnet-servers on one PostgreSQL database behave as one service:
- 32 clients spread over the servers create project networks (VLANs from
  physnet1:15:20) and ports on one /24 at once: every answer is a 201 or
  the service's clean refusal, no VLAN, IP or MAC is handed out twice,
  and every 201 is there afterwards, read through any server;
- a token revoked on one server is refused by the others at once;
- a port bound on one server wakes the agent's watch held by another;
- a quiet host's watch renewed on one server without reading the store
  again (the server remembers it found nothing) is still woken by a change
  made on another; a token revoked on another server is refused at its
  deadline; news missed while the server's listening connection was cut
  is not taken for quiet;
- twelve boots at once through two servers onto six simulated hosts
  registered through those two and following their change feeds through
  the third: every boot ACTIVE, woken (not timed out) on exactly its own
  host's watch, no VF claimed twice;
- PostgreSQL stopped under them: a clean 503 in Neutron's format; started
  again: every server serves again by itself;
- one server killed with -9: the others keep serving.
Runs under tests/pg/pg-throwaway.sh (VFNET_TEST_STORE_URL).
Usage: test-multi-server.py PATH/TO/vfnet-server"""
import os
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from compute_sim import ComputeServer, Host, inventory, vfnet_binary, wait_status  # noqa: E402
from vfnet_server import Tap  # noqa: E402


def parallel(n, fn):
    results = [None] * n
    threads = [threading.Thread(target=lambda i=i: results.__setitem__(i, fn(i))) for i in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return results


def pg_ctl(*args):
    """pg_ctl on the throwaway server (as its owner when we are root)."""
    d = os.environ["VFNET_TEST_PG_DIR"]
    cmd = ["pg_ctl", "-D", os.path.join(d, "data"), "-w", "-l", os.path.join(d, "server.log"),
           *args]
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", os.environ["PGUSER"], "--"] + cmd
    subprocess.run(cmd, check=True, capture_output=True)


class WatchingHost:
    """A simulated compute host whose agent holds its change-feed watch on
    one server and answers the tasks it is woken for there (no polling)."""

    def __init__(self, host, server, token):
        self.h, self.s, self.tok = host, server, token
        self.told = []  # (host, instance id) of every task its watch was told of
        self.errors = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        st, state, _ = self.s.request("GET", f"/v2.0/vfnet/hosts/{self.h.name}/state",
                                      token=self.tok)
        if st != 200:
            raise RuntimeError(f"state of {self.h.name}: {st} {state}")
        self.rev = state["revision"]
        self._thread.start()

    def _run(self):
        name = self.h.name
        while not self._stop.is_set():
            try:
                st, ch, _ = self.s.request("GET", f"/v2.0/vfnet/hosts/{name}/changes?since="
                                           f"{self.rev}&timeout=20", token=self.tok)
            except OSError as e:
                st, ch = None, str(e)
            if st != 200:
                if not self._stop.is_set():
                    self.errors.append((st, ch))
                time.sleep(0.1)
                continue
            self.rev = ch["revision"]
            for c in ch["changes"]:
                if c["kind"] != "task" or not c.get("object"):
                    continue
                task = c["object"]
                self.told.append((task["host"], task["instance_id"]))
                st2, doc2, _ = self.s.request("POST", f"/v2.1/vfnet/compute-tasks/{task['id']}",
                                              {"result": "ok"}, token=self.tok)
                if st2 != 204:
                    self.errors.append((st2, doc2))

    def stop(self):
        self._stop.set()


def boots_across(t, servers, adm, nid):
    """Six hosts registered through the second and third servers, each
    watching through the first; twelve boots at once through the second
    and third: every spawn crosses from the server that took the boot to
    the one holding its host's watch."""
    a = servers[0]
    pid = a.request("GET", "/v3/projects?name=admin", token=adm)[1]["projects"][0]["id"]
    a.request("PUT", f"/v2.1/os-quota-sets/{pid}", {"quota_set": {
        "instances": -1, "cores": -1, "ram": -1}}, token=adm)
    st, img, _ = a.request("POST", "/image/v2/images", {
        "name": "cirros", "disk_format": "qcow2", "container_format": "bare"}, token=adm)
    a.request("PUT", f"/image/v2/images/{img['id']}/file", raw=b"\0" * 64, token=adm,
              headers={"Content-Type": "application/octet-stream"})
    st, fl, _ = a.request("POST", "/v2.1/flavors", {"flavor": {
        "name": "m1.tiny", "ram": 512, "vcpus": 1, "disk": 1}}, token=adm)
    devices = inventory(vfnet_binary(a.binary), "seed-82576", a.dir)
    watchers = []
    for i in range(6):
        h = Host(servers[1 + i % 2], f"mh{i}", devices,
                 ['{"devname": "em1", "physical_network": "physnet1"}'], {"physnet1": ["em1"]})
        h.register(adm)
        watchers.append(WatchingHost(h, a, adm))
    for w in watchers:
        w.start()
    watch_server = {w.h.name: w.s for w in watchers}
    ports = []
    for i in range(12):
        st, p, _ = servers[1 + i % 2].request("POST", "/v2.0/ports", {"port": {
            "network_id": nid, "binding:vnic_type": "direct", "name": f"boot{i}"}}, token=adm)
        ports.append(p["port"]["id"])

    def boot(i):
        return servers[1 + i % 2].request("POST", "/v2.1/servers", {"server": {
            "name": f"vm{i}", "imageRef": img["id"], "flavorRef": fl["flavor"]["id"],
            "networks": [{"port": ports[i]}]}}, token=adm)

    t0 = time.monotonic()
    results = parallel(12, boot)
    t.ok(all(st == 202 for st, _, _ in results),
         "twelve boots at once through two servers: all accepted",
         [(st, d) for st, d, _ in results if st != 202])
    ids = [d["server"]["id"] for st, d, _ in results if st == 202]
    done = wait_status(servers[1], adm, ids, timeout=60)
    took = time.monotonic() - t0
    print(f"# twelve boots ACTIVE in {took:.2f} s", flush=True)
    for w in watchers:
        w.stop()
    t.ok(all(v and v["status"] == "ACTIVE" for v in done.values()),
         "each reaches ACTIVE, spawned by its host on the watch it holds",
         {i: v and v["status"] for i, v in done.items()})
    # A watch not woken would sleep out its 20 s.
    t.ok(took < 10, "all of them within 10 s: the watches were woken, not timed out",
         f"{took:.1f} s")
    placed = {i: v["OS-EXT-SRV-ATTR:host"] for i, v in done.items() if v}
    crossed = [d["server"]["id"] for n, (st, d, _) in enumerate(results)
               if st == 202 and watch_server.get(placed.get(d["server"]["id"]))
               not in (None, servers[1 + n % 2])]
    t.eq(len(crossed), 12, "every boot woke a host watching through another server")
    wrong = []
    for w in watchers:
        mine = sorted((w.h.name, i) for i, host in placed.items() if host == w.h.name)
        if sorted(w.told) != mine or w.errors:
            wrong.append((w.h.name, sorted(w.told), mine, w.errors))
    t.ok(not wrong, "each boot woke exactly its own host's watch", wrong)
    st, lp, _ = servers[2].request("GET", f"/v2.0/ports?network_id={nid}", token=adm)
    slots = [(p["binding:host_id"], p["binding:profile"].get("pci_slot"))
             for p in lp["ports"] if p["id"] in ports]
    t.ok(len(slots) == 12 and len(set(slots)) == 12 and all(s[1] for s in slots),
         "no VF claimed twice across the servers", sorted(slots))
    t.eq(sorted(placed[i] for i in ids if i in placed), sorted(h for h, _ in slots),
         "each instance's port is bound on the host it runs on")


def quiet_renewals(t, a, b, c, adm, port1, port2):
    for host in ("compute2", "compute4"):
        st, _, _ = a.request("POST", "/v2.0/vfnet/agent-report", {"agent": {
            "host": host, "agent_type": "NIC Switch agent",
            "binary": "neutron-sriov-nic-agent",
            "configurations": {"device_mappings": {"physnet1": ["eth0"]}}}}, token=adm)
        assert st in (200, 201), st

    def changes(server, host, since, timeout, token=adm):
        t0 = time.monotonic()
        st, body, _ = server.request("GET", f"/v2.0/vfnet/hosts/{host}/changes?since={since}"
                                     f"&timeout={timeout}", token=token)
        return st, body, time.monotonic() - t0

    def bind(server, pid, host, slot):
        st, _, _ = server.request("PUT", f"/v2.0/ports/{pid}", {"port": {
            "binding:host_id": host, "binding:vnic_type": "direct",
            "binding:profile": {"pci_slot": slot, "pci_vendor_info": "8086:10ca",
                                "physical_network": "physnet1"}}}, token=adm)
        assert st == 200, st

    # b answers compute2's watch empty once (and remembers it); the next
    # watch from there waits on b without a read, and a port bound on c
    # wakes it.
    st, state, _ = b.request("GET", "/v2.0/vfnet/hosts/compute2/state", token=adm)
    st, q, _ = changes(b, "compute2", state["revision"], 1)
    t.eq((st, q["changes"]), (200, []), "a quiet host's watch on b answers empty")
    got = {}
    w = threading.Thread(target=lambda: got.setdefault("r", changes(b, "compute2",
                                                                    q["revision"], 20)))
    w.start()
    time.sleep(0.5)
    t_bind = time.monotonic()
    bind(c, port1, "compute2", "0000:00:04.2")
    w.join(25)
    st, ch, _ = got["r"]
    woke = time.monotonic() - t_bind
    t.ok(st == 200 and [x["id"] for x in ch["changes"]] == [port1] and woke < 5,
         "its renewal on b is woken by a port bound on c, at once", f"{st} {ch} {woke:.1f} s")

    # A token revoked on a: b refuses the renewal it would have answered
    # from memory, at its deadline.
    tok = a.token()
    st, q, _ = changes(b, "compute2", ch["revision"], 1, tok)
    t.eq((st, q["changes"]), (200, []), "a watch with a second token answers empty on b")
    st, _, _ = a.request("DELETE", "/v3/auth/tokens", token=adm, headers={"X-Subject-Token": tok})
    assert st == 204, st
    st, body, waited = changes(b, "compute2", q["revision"], 2, tok)
    t.ok(st == 401 and "error" in body,
         "after the token is revoked on a, its renewal on b gets Keystone's 401",
         f"{st} {body} after {waited:.1f} s")
    st, q2, _ = changes(b, "compute2", q["revision"], 1)
    t.eq((st, q2["changes"]), (200, []), "another token's renewal on b still answers")

    # Every server's listening connection cut (the servers hear no news
    # until they reconnect, a second later), and a port bound to compute4
    # on c meanwhile: b does not answer compute4's renewal from memory.
    st, state, _ = b.request("GET", "/v2.0/vfnet/hosts/compute4/state", token=adm)
    st, q, _ = changes(b, "compute4", state["revision"], 1)
    t.eq((st, q["changes"]), (200, []), "a quiet host's watch on b answers empty")
    cut = subprocess.run(["psql", "-At", os.environ["VFNET_TEST_STORE_URL"], "-c",
                          "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                          "WHERE query = 'LISTEN vfnet_changes'"],
                         capture_output=True, text=True)
    t.ok(cut.stdout.strip() == "3", "the three servers' listening connections are cut",
         f"{cut.stdout} {cut.stderr}")
    bind(c, port2, "compute4", "0000:00:04.3")
    st, ch, waited = changes(b, "compute4", q["revision"], 10)
    t.ok(st == 200 and [x["id"] for x in ch["changes"]] == [port2] and waited < 5,
         "b's next watch of compute4 reads the port bound meanwhile, at once",
         f"{st} {ch} after {waited:.1f} s")
    # The servers listen again by themselves (a watch that missed a wake
    # while they did not answers at its timeout).
    for _ in range(100):
        back = subprocess.run(["psql", "-At", os.environ["VFNET_TEST_STORE_URL"], "-c",
                               "SELECT count(*) FROM pg_stat_activity "
                               "WHERE query = 'LISTEN vfnet_changes'"],
                              capture_output=True, text=True).stdout.strip()
        if back == "3":
            break
        time.sleep(0.1)
    t.eq(back, "3", "the three servers listen again within 10 s")


def main():
    if not os.environ.get("VFNET_TEST_STORE_URL"):
        sys.exit("test-multi-server.py: run it under tests/pg/pg-throwaway.sh")
    t = Tap()
    conf = "api_workers = 4"
    with ComputeServer(sys.argv[1], extra_conf=conf) as a:
        a.bootstrap()
        a.start()
        with ComputeServer(sys.argv[1], extra_conf=conf, db=a.db) as b, \
                ComputeServer(sys.argv[1], extra_conf=conf, db=a.db) as c:
            b.start()
            c.start()
            servers = [a, b, c]
            adm = a.token()

            # A shared network with a /24 (253 addresses) and project networks.
            st, net, _ = b.request("POST", "/v2.0/networks", {"network": {
                "name": "shared", "provider:network_type": "vlan",
                "provider:physical_network": "physnet1", "provider:segmentation_id": 100}},
                token=adm)
            assert st == 201, net
            nid = net["network"]["id"]
            st, _, _ = c.request("POST", "/v2.0/subnets", {"subnet": {
                "network_id": nid, "ip_version": 4, "cidr": "10.7.0.0/24"}}, token=adm)
            assert st == 201

            def client(i):
                s = servers[i % 3]
                out = []
                st, n, _ = s.request("POST", "/v2.0/networks",
                                     {"network": {"name": f"p{i}"}}, token=adm)
                out.append(("network", st, n))
                for k in range(4):
                    st, p, _ = s.request("POST", "/v2.0/ports", {"port": {
                        "network_id": nid, "name": f"c{i}-{k}"}}, token=adm)
                    out.append(("port", st, p))
                return out

            results = [r for rs in parallel(32, client) for r in rs]
            statuses = sorted({st for _, st, _ in results})
            t.ok(set(statuses) <= {201, 503},
                 "every create is a 201 or a clean 503 (no VLAN left)", f"statuses {statuses}")
            nets = [d["network"] for kind, st, d in results if kind == "network" and st == 201]
            vlans = [n["provider:segmentation_id"] for n in nets]
            t.eq(len(nets), 6, "six project networks get one of physnet1:15:20's VLANs")
            t.eq(sorted(vlans), list(range(15, 21)), "no VLAN is given twice across servers")
            ports = [d["port"] for kind, st, d in results if kind == "port" and st == 201]
            t.eq(len(ports), 128, "every port create succeeded")
            macs = [p["mac_address"] for p in ports]
            ips = [p["fixed_ips"][0]["ip_address"] for p in ports]
            t.eq(len(set(macs)), len(macs), "no MAC is given twice across servers")
            t.eq(len(set(ips)), len(ips), "no IP is given twice across servers")
            for s in servers:
                st, listed, _ = s.request("GET", f"/v2.0/ports?network_id={nid}", token=adm)
                have = {p["id"] for p in listed["ports"]}
                t.ok(st == 200 and {p["id"] for p in ports} <= have,
                     f"every acknowledged port is listed by the server on port {s.port}")

            # A token revoked on one server is refused by the others at once.
            tok = a.token()
            st, _, _ = b.request("GET", "/v2.0/networks", token=tok)
            t.eq(st, 200, "a token issued by one server works on another")
            st, _, _ = a.request("DELETE", "/v3/auth/tokens", token=adm,
                                 headers={"X-Subject-Token": tok})
            t.eq(st, 204, "the token is revoked on the first server")
            st, _, _ = b.request("GET", "/v2.0/networks", token=tok)
            t.eq(st, 401, "the second server refuses it at once")
            st, _, _ = c.request("GET", "/v2.0/networks", token=tok)
            t.eq(st, 401, "and so does the third")

            # A watch held by one server is woken by a change made on another.
            st, _, _ = a.request("POST", "/v2.0/vfnet/agent-report", {"agent": {
                "host": "compute1", "agent_type": "NIC Switch agent",
                "binary": "neutron-sriov-nic-agent",
                "configurations": {"device_mappings": {"physnet1": ["eth0"]}}}}, token=adm)
            assert st in (200, 201), st
            st, state, _ = b.request("GET", "/v2.0/vfnet/hosts/compute1/state", token=adm)
            assert st == 200, state
            got = {}

            def watch():
                t0 = time.monotonic()
                got["r"] = b.request("GET", "/v2.0/vfnet/hosts/compute1/changes?since="
                                     f"{state['revision']}&timeout=20", token=adm)
                got["waited"] = time.monotonic() - t0

            w = threading.Thread(target=watch)
            w.start()
            time.sleep(0.5)
            pid = ports[0]["id"]
            t_bind = time.monotonic()
            st, _, _ = c.request("PUT", f"/v2.0/ports/{pid}", {"port": {
                "binding:host_id": "compute1", "binding:vnic_type": "direct",
                "binding:profile": {"pci_slot": "0000:00:04.1", "pci_vendor_info": "8086:10ca",
                                    "physical_network": "physnet1"}}}, token=adm)
            t.eq(st, 200, "a port is bound to compute1 through the third server")
            w.join(25)
            woke = time.monotonic() - t_bind
            st, ch, _ = got["r"]
            t.ok(st == 200 and any(x["id"] == pid for x in ch["changes"]),
                 "the watch held by the second server names the port", f"{st} {ch}")
            t.ok(woke < 5, "and was woken at once, not at its timeout", f"after {woke:.1f} s")

            quiet_renewals(t, a, b, c, adm, ports[1]["id"], ports[2]["id"])

            # Boots spread over the servers, hosts watching through others.
            boots_across(t, servers, adm, nid)

            # PostgreSQL stopped and started again under the servers.
            pg_ctl("stop", "-m", "fast")
            st, body, _ = a.request("POST", "/v2.0/networks", {"network": {"name": "down"}},
                                    token=adm)
            t.ok(st == 503 and body.get("NeutronError", {}).get("type") == "ServiceUnavailable",
                 "with the database down a create gets Neutron's 503", f"{st} {body}")
            pg_ctl("start", "-o", f"-k {os.environ['VFNET_TEST_PG_DIR']} -c listen_addresses= "
                   "-c fsync=off -c max_connections=300")
            for s in servers:
                st, n, _ = s.request("POST", "/v2.0/networks", {"network": {
                    "name": f"after-{s.port}", "provider:network_type": "vlan",
                    "provider:physical_network": "physnet1",
                    "provider:segmentation_id": 300 + servers.index(s)}}, token=adm)
                t.eq(st, 201, f"after the restart the server on port {s.port} creates again")

            # One server killed with -9: the others keep serving.
            c.stop(signal.SIGKILL)
            st, p, _ = a.request("POST", "/v2.0/ports", {"port": {"network_id": nid}},
                                 token=adm)
            t.eq(st, 201, "with one server killed another still creates ports")
            st, listed, _ = b.request("GET", f"/v2.0/ports?network_id={nid}", token=adm)
            t.ok(st == 200 and p["port"]["id"] in {x["id"] for x in listed["ports"]},
                 "and a third one lists it")
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
