#!/usr/bin/python3
"""Concurrent boots against vfnet-server: 32 parallel boots onto 16 free VFs
give exactly 16 ACTIVE and 16 NoValidHost, no VF claimed twice; then boots
in flight while the server is killed with SIGKILL: after the restart the
claims, the instances and the ports' bindings agree, and the VFs left are
handed out exactly once.  Usage: test-compute-concurrency.py PATH/TO/vfnet-server"""
import os
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(__file__))
from compute_sim import ComputeServer, Host, inventory, vfnet_binary, wait_gone, wait_status  # noqa: E402
from vfnet_server import Tap  # noqa: E402


def make_hosts(s, tok):
    vfnet = vfnet_binary(s.binary)
    hosts = [
        Host(s, "compute1", inventory(vfnet, "seed-82576", s.dir),
             ['{"devname": "em1", "physical_network": "physnet1"}',
              '{"devname": "em2", "physical_network": "physnet1"}'],
             {"physnet1": ["em1", "em2"]}),
        Host(s, "compute2", inventory(vfnet, "cx5-vfio", s.dir),
             ['{"address": "0000:3b:00.2", "physical_network": "physnet1"}',
              '{"address": "0000:3b:00.3", "physical_network": "physnet1"}'],
             {"physnet1": ["ens1f0np0"]}),
    ]
    for h in hosts:
        h.register(tok)
    return hosts


def free_vfs(s, tok):
    st, hv, _ = s.request("GET", "/v2.1/vfnet/compute-hosts", token=tok)
    return sum(p["count"] for h in hv["hosts"] for p in h["pci_stats"]
               if p["dev_type"] == "type-VF")


def state(s, tok):
    """Servers, ports and free VFs as the API shows them."""
    st, srv, _ = s.request("GET", "/v2.1/servers/detail?all_tenants=1", token=tok)
    st, ports, _ = s.request("GET", "/v2.0/ports", token=tok)
    return srv["servers"], ports["ports"], free_vfs(s, tok)


def consistent(servers, ports, free):
    """Every VF holder is a live instance with its port bound to a distinct
    VF, no port is bound for a missing or failed instance, and the free
    count is what is left."""
    by_id = {v["id"]: v for v in servers}
    problems = []
    slots = []
    for p in ports:
        dev = p["device_id"]
        if not dev:
            if p["binding:host_id"] or p["binding:profile"]:
                problems.append(("unowned port still bound", p["id"]))
            continue
        v = by_id.get(dev)
        if v is None or v["status"] not in ("BUILD", "ACTIVE"):
            problems.append(("port bound for a missing/failed instance", p["id"], v and v["status"]))
            continue
        slots.append((p["binding:host_id"], p["binding:profile"].get("pci_slot")))
        if p["binding:vif_type"] != "hw_veb":
            problems.append(("not hw_veb", p["id"]))
    if len(set(slots)) != len(slots):
        problems.append(("a VF given twice", sorted(slots)))
    holders = [v for v in servers if v["status"] in ("BUILD", "ACTIVE")]
    if len(holders) != len(slots):
        problems.append(("instances holding VFs vs bound ports", len(holders), len(slots)))
    if free != 16 - len(slots):
        problems.append(("free VFs", free, "claimed", len(slots)))
    return problems


def main():
    t = Tap()
    with ComputeServer(sys.argv[1]) as s:
        s.bootstrap()
        s.start()
        tok = s.token()
        # 32 boots at once in one project: more than Nova's default quotas.
        adm_pid = s.request("GET", "/v3/projects?name=admin", token=tok)[1]["projects"][0]["id"]
        s.request("PUT", f"/v2.1/os-quota-sets/{adm_pid}", {"quota_set": {
            "instances": -1, "cores": -1, "ram": -1}}, token=tok)
        hosts = make_hosts(s, tok)
        for h in hosts:
            h.start(tok)
        t.eq(free_vfs(s, tok), 16, "16 free VFs on physnet1 (14 on compute1, 2 on compute2)")
        R = s.request
        st, img, _ = R("POST", "/image/v2/images", {"name": "cirros", "disk_format": "qcow2",
                                                     "container_format": "bare"}, token=tok)
        R("PUT", f"/image/v2/images/{img['id']}/file", raw=b"\0" * 64, token=tok,
          headers={"Content-Type": "application/octet-stream"})
        st, fl, _ = R("POST", "/v2.1/flavors", {"flavor": {"name": "m1.tiny", "ram": 512,
                                                           "vcpus": 1, "disk": 1}}, token=tok)
        st, net, _ = R("POST", "/v2.0/networks", {"network": {
            "name": "web", "provider:network_type": "vlan", "provider:physical_network": "physnet1"}},
            token=tok)
        R("POST", "/v2.0/subnets", {"subnet": {"network_id": net["network"]["id"],
                                               "cidr": "192.0.2.0/24", "ip_version": 4}}, token=tok)
        port_ids = []
        for i in range(32):
            st, p, _ = R("POST", "/v2.0/ports", {"port": {"network_id": net["network"]["id"],
                                                           "binding:vnic_type": "direct",
                                                           "name": f"p{i}"}}, token=tok)
            port_ids.append(p["port"]["id"])

        def boot(i):
            try:
                st, doc, _ = R("POST", "/v2.1/servers", {"server": {
                    "name": f"vm{i}", "imageRef": img["id"], "flavorRef": fl["flavor"]["id"],
                    "networks": [{"port": port_ids[i]}]}}, token=tok)
                return st, doc
            except OSError as e:
                return None, str(e)

        with ThreadPoolExecutor(32) as ex:
            results = list(ex.map(boot, range(32)))
        t.ok(all(st == 202 for st, _ in results), "32 parallel boots: all accepted (202)",
             [st for st, _ in results])
        ids = [d["server"]["id"] for st, d in results if st == 202]
        done = wait_status(s, tok, ids)
        statuses = [v["status"] for v in done.values()]
        t.eq((statuses.count("ACTIVE"), statuses.count("ERROR")), (16, 16),
             "exactly 16 ACTIVE and 16 ERROR")
        t.ok(all(v["fault"]["message"].startswith("No valid host was found.")
                 for v in done.values() if v["status"] == "ERROR"),
             "every ERROR is NoValidHost with its explanation",
             [v.get("fault") for v in done.values() if v["status"] == "ERROR"][:2])
        servers, ports, free = state(s, tok)
        t.eq(consistent(servers, ports, free), [], "no VF claimed twice; claims, ports and "
             "instances agree; no VF left")

        # Free everything, then boots in flight while the server is killed.
        with ThreadPoolExecutor(8) as ex:
            list(ex.map(lambda i: R("DELETE", f"/v2.1/servers/{i}", token=tok), ids))
        t.eq(wait_gone(s, tok, ids), [], "all 32 deleted once their hosts destroyed them")
        t.eq(free_vfs(s, tok), 16, "deleting all 32 frees the 16 VFs")
        for h in hosts:
            h.stop()
        stop_at = threading.Event()
        started = []

        def boot_counted(i):
            started.append(i)
            if len(started) == 12:
                stop_at.set()
            return boot(i)

        with ThreadPoolExecutor(32) as ex:
            futs = [ex.submit(boot_counted, i) for i in range(32)]
            stop_at.wait(30)
            time.sleep(0.05)
            rc = s.stop(signal.SIGKILL)
            results = [f.result() for f in futs]
        accepted = sum(1 for st, _ in results if st == 202)
        t.ok(rc == -signal.SIGKILL and 0 < accepted < 32 + 1,
             f"SIGKILL while booting ({accepted} of 32 accepted before it)", (rc, accepted))
        s.start()
        tok = s.token()
        servers, ports, free = state(s, tok)
        t.eq(consistent(servers, ports, free), [],
             "after the restart: claims, instances and port bindings agree")
        t.ok(all(v["status"] in ("BUILD", "ERROR") for v in servers),
             "no boot finished while the hosts were away", [v["status"] for v in servers])
        hosts = [Host(s, h.name, h.report_body["pci_devices"], h.report_body["device_spec"],
                      h.mappings) for h in hosts]
        for h in hosts:
            h.register(tok)
            h.start(tok)
        done = wait_status(s, tok, [v["id"] for v in servers])
        t.ok(all(v["status"] != "BUILD" for v in done.values()),
             "the hosts read the queued spawns after the restart", [v["status"] for v in done.values()])
        # Boot every port that is still free: the VFs left go out exactly once.
        servers, ports, free = state(s, tok)
        unbound = [p["id"] for p in ports if not p["device_id"]]
        port_ids = unbound
        with ThreadPoolExecutor(32) as ex:
            more = list(ex.map(boot, range(len(unbound))))
        done = wait_status(s, tok, [d["server"]["id"] for st, d in more if st == 202])
        servers, ports, free = state(s, tok)
        active = [v for v in servers if v["status"] == "ACTIVE"]
        t.eq((len(active), free), (16, 0), "in the end exactly 16 ACTIVE, no VF free")
        t.eq(consistent(servers, ports, free), [], "and still no VF given twice")
        for h in hosts:
            h.stop()
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
