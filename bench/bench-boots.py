#!/usr/bin/python3
"""Benchmark of boots through vfnet-server's Compute API, one command:
    bench/bench-boots.py [BUILD_DIR]      (default: build)
Registers 10 and then 100 compute hosts (each the seed's 82576 host: 14 VFs
on physnet1, from the sysfs fixture through `vfnet pci list`), and times
POST /v2.1/servers on direct ports — validation, one scheduling pass over
every host as stored, the VF claim and the port binding, in one transaction
— with 1 and 8 clients, then GET /v2.1/servers and /servers/detail over
every server booted (median of 20).  The floor is the same clients doing GET /v2.1 (no
auth, no store).  Then prints build/bench/sched-pass (the pass alone)."""
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests", "e2e"))
from compute_sim import ComputeServer, Host, inventory  # noqa: E402


def rate(fn, n, clients):
    t0 = time.time()
    if clients == 1:
        results = [fn(i) for i in range(n)]
    else:
        with ThreadPoolExecutor(clients) as ex:
            results = list(ex.map(fn, range(n)))
    return n / (time.time() - t0), results


def run(binary, n_hosts, n_boots):
    with ComputeServer(binary) as s:
        s.bootstrap()
        s.start()
        tok = s.token()
        R = s.request
        # No quota stands in the way of the boots (Nova's default is 10
        # instances, Neutron's 50 ports).
        st, doc, _ = R("GET", "/v3/projects?name=admin", token=tok)
        project = doc["projects"][0]["id"]
        st1, _, _ = R("PUT", f"/v2.0/quotas/{project}", {"quota": {"port": -1}}, token=tok)
        st2, _, _ = R("PUT", f"/v2.1/os-quota-sets/{project}", {"quota_set": {
            "instances": -1, "cores": -1, "ram": -1}}, token=tok)
        if st1 != 200 or st2 != 200:
            sys.exit(f"bench-boots: quotas not lifted ({st1}, {st2})")
        devs = inventory(os.path.join(os.path.dirname(binary), "vfnet"), "seed-82576", s.dir)
        for i in range(n_hosts):
            Host(s, f"compute{i:04d}", devs,
                 ['{"devname": "em1", "physical_network": "physnet1"}',
                  '{"devname": "em2", "physical_network": "physnet1"}'],
                 {"physnet1": ["em1", "em2"]}).register(tok)
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
                                               "cidr": "10.0.0.0/16", "ip_version": 4}}, token=tok)
        ports = []
        for i in range(2 * n_boots):
            st, p, _ = R("POST", "/v2.0/ports", {"port": {"network_id": net["network"]["id"],
                                                           "binding:vnic_type": "direct"}}, token=tok)
            ports.append(p["port"]["id"])

        def boot(i):
            st, doc, _ = R("POST", "/v2.1/servers", {"server": {
                "name": f"vm{i}", "imageRef": img["id"], "flavorRef": fl["flavor"]["id"],
                "networks": [{"port": ports[i]}]}}, token=tok)
            return st

        def floor(i):
            return R("GET", "/v2.1")[0]

        out = {}
        for clients, offset in ((1, 0), (8, n_boots)):
            f, _ = rate(floor, n_boots, clients)
            b, sts = rate(lambda i: boot(offset + i), n_boots, clients)
            if any(x != 202 for x in sts):
                sys.exit(f"boots failed: {sts}")
            out[clients] = (b, f)
        st, srv, _ = R("GET", "/v2.1/servers/detail", token=tok)
        if any(v["status"] == "ERROR" for v in srv["servers"]):
            sys.exit("a boot found no host")
        # The lists' latency over every server booted, median of 20.
        for path in ("/v2.1/servers", "/v2.1/servers/detail"):
            times = []
            for _ in range(20):
                t0 = time.time()
                st, _, _ = R("GET", path, token=tok)
                times.append(time.time() - t0)
                if st != 200:
                    sys.exit(f"GET {path}: {st}")
            out[path] = (len(srv["servers"]), statistics.median(times))
        return out


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "build")
    binary = os.path.abspath(os.path.join(build, "src", "cmd", "vfnet-server"))
    print("boots through the API: POST /v2.1/servers on a direct port (schedule + claim + bind),")
    print("each host the seed's 82576 (14 VFs on physnet1); floor: GET /v2.1 with the same clients")
    for n_hosts, n_boots in ((10, 60), (100, 100)):
        res = run(binary, n_hosts, n_boots)
        for path in ("/v2.1/servers", "/v2.1/servers/detail"):
            n, t = res.pop(path)
            print(f"  {n_hosts:4d} hosts  GET {path:22s} {n} servers  {t * 1000:7.2f} ms median")
        for clients, (b, f) in res.items():
            print(f"  {n_hosts:4d} hosts  {clients} client{'s' if clients > 1 else ' '}  "
                  f"{b:7.1f} boots/s   floor {f:7.1f} req/s   floor/boot {f / b:5.1f}x")
    print("the scheduling pass alone (build/bench/sched-pass):")
    p = subprocess.run([os.path.join(build, "bench", "sched-pass")], capture_output=True, text=True)
    sys.stdout.write(p.stdout)
    return p.returncode


if __name__ == "__main__":
    sys.exit(main())
