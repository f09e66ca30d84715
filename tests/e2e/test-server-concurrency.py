#!/usr/bin/python3
"""Concurrency and crash safety of vfnet-server, over raw HTTP:
- 16 clients create ports on one /24 at once: no IP or MAC twice, exactly the
  pool's size succeed, the rest get IpAddressGenerationFailure (409);
- 16 clients create project networks at once on physnet1:15:20: six get
  distinct VLANs, the rest NoNetworkAvailable (503);
- kill -9 during concurrent creates, restart: every port whose create got a
  201 is there, and the allocations are consistent (no address lost).
Usage: test-server-concurrency.py PATH/TO/vfnet-server"""
import signal
import sys
import threading
import time

sys.path.insert(0, __import__("os").path.dirname(__file__))
from vfnet_server import Server, Tap  # noqa: E402


def parallel(n, fn):
    results = [None] * n
    threads = [threading.Thread(target=lambda i=i: results.__setitem__(i, fn(i))) for i in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return results


def make_net(s, tok, name, cidr):
    st, n, _ = s.request("POST", "/v2.0/networks", {"network": {
        "name": name, "provider:network_type": "vlan", "provider:physical_network": "physnet1",
        "provider:segmentation_id": 100 + len(name)}}, token=tok)
    assert st == 201, (st, n)
    nid = n["network"]["id"]
    st, sub, _ = s.request("POST", "/v2.0/subnets", {"subnet": {
        "network_id": nid, "ip_version": 4, "cidr": cidr}}, token=tok)
    assert st == 201, (st, sub)
    return nid


def all_ports(s, tok, nid):
    st, body, _ = s.request("GET", f"/v2.0/ports?network_id={nid}", token=tok)
    return body["ports"]


# Many creates in one project: more than Neutron's default quotas.
UNLIMITED = "[quotas]\nquota_port = -1\nquota_security_group = -1\nquota_security_group_rule = -1\n"


def main():
    t = Tap()
    with Server(sys.argv[1], extra_conf=UNLIMITED) as s:
        s.bootstrap()
        s.start()
        tok = s.token()
        nid = make_net(s, tok, "conc", "10.1.0.0/24")

        def creator(i):
            out = []
            for _ in range(20):
                st, body, _ = s.request("POST", "/v2.0/ports", {"port": {"network_id": nid}},
                                        token=tok)
                out.append((st, body))
            return out
        res = [r for lst in parallel(16, creator) for r in lst]
        ok = [b["port"] for st, b in res if st == 201]
        refused = [b for st, b in res if st != 201]
        ips = [p["fixed_ips"][0]["ip_address"] for p in ok]
        macs = [p["mac_address"] for p in ok]
        t.eq(len(ok), 253, "16 clients x 20 creates on a /24: the pool's 253 addresses are given")
        t.ok(len(set(ips)) == len(ips), "no IP address twice", sorted(ips))
        t.ok(len(set(macs)) == len(macs), "no MAC address twice")
        t.ok(len(refused) == 320 - 253 and all(
            b["NeutronError"]["type"] == "IpAddressGenerationFailure" for b in refused),
            "the excess get IpAddressGenerationFailure (409)", refused[:3])
        stored = all_ports(s, tok, nid)
        t.eq(sorted(p["id"] for p in stored), sorted(p["id"] for p in ok),
             "the stored ports are exactly the ones created")

        def net_creator(i):
            return s.request("POST", "/v2.0/networks", {"network": {"name": f"p{i}"}}, token=tok)[:2]
        nets = parallel(16, net_creator)
        vlans = [b["network"]["provider:segmentation_id"] for st, b in nets if st == 201]
        t.eq(sorted(vlans), [15, 16, 17, 18, 19, 20],
             "16 parallel network creates: six distinct VLANs from 15-20")
        t.ok(all(b["NeutronError"]["type"] == "NoNetworkAvailable" for st, b in nets if st != 201)
             and sum(1 for st, _ in nets if st == 503) == 10, "the other ten get 503", nets)

        # Crash: kill -9 while 8 clients create ports.
        nid2 = make_net(s, tok, "crash", "10.2.0.0/22")
        created, stop = [], threading.Event()
        lock = threading.Lock()

        def crasher(i):
            while not stop.is_set():
                try:
                    st, body, _ = s.request("POST", "/v2.0/ports", {"port": {"network_id": nid2}},
                                            token=tok)
                except Exception:
                    return
                if st == 201:
                    with lock:
                        created.append(body["port"])
                elif st == 409:
                    return
        threads = [threading.Thread(target=crasher, args=(i,)) for i in range(8)]
        for th in threads:
            th.start()
        time.sleep(0.15)
        s.stop(signal.SIGKILL)
        stop.set()
        for th in threads:
            th.join()
        t.ok(0 < len(created) < 1021, "some creates answered 201 before the kill", len(created))
        s.start()
        tok = s.token()
        stored = {p["id"]: p for p in all_ports(s, tok, nid2)}
        missing = [p["id"] for p in created if p["id"] not in stored]
        t.ok(not missing, "after restart every port that got a 201 is there", missing)
        t.ok(all(stored[p["id"]]["fixed_ips"] == p["fixed_ips"]
                 and stored[p["id"]]["mac_address"] == p["mac_address"] for p in created),
             "with the same addresses")
        # Consistency: filling the subnet gives exactly the remaining addresses.
        more = 0
        while True:
            st, body, _ = s.request("POST", "/v2.0/ports", {"port": {"network_id": nid2}}, token=tok)
            if st != 201:
                break
            more += 1
        total = all_ports(s, tok, nid2)
        ips = [p["fixed_ips"][0]["ip_address"] for p in total]
        t.ok(len(total) == 1021 and len(set(ips)) == 1021,
             "no address was lost or doubled by the crash: the /22 fills to 1021",
             (len(total), more))
        t.eq(s.stop(), 0, "clean shutdown after the restart")
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
