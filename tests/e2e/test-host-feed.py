#!/usr/bin/python3
"""The per-host change feed vfnet-agent follows (docs/agent.md): a host reads
its state with a revision, then long-polls for what changed after it; a
port bound, updated (admin_state_up, port security), moved to another host
or deleted wakes exactly the hosts concerned at once; an idle watch holds
no thread and answers empty at its timeout; bad input gets Neutron's error
body; a server stopping answers its parked watches.
Usage: test-host-feed.py PATH/TO/vfnet-server"""
import sys
import threading
import time

sys.path.insert(0, __import__("os").path.dirname(__file__))
from vfnet_server import Server, Tap  # noqa: E402


def main():
    t = Tap()
    with Server(sys.argv[1], extra_conf="api_workers = 2") as s:
        s.bootstrap()
        s.start()
        R = s.request
        adm = s.token()
        for host in ("compute1", "compute2", "compute3"):
            st, _, _ = R("POST", "/v2.0/vfnet/agent-report", {"agent": {
                "host": host, "agent_type": "NIC Switch agent",
                "binary": "neutron-sriov-nic-agent",
                "configurations": {"device_mappings": {"physnet1": ["eth0"]}}}}, token=adm)
            assert st in (200, 201), st

        st, net, _ = R("POST", "/v2.0/networks", {"network": {
            "name": "web", "provider:network_type": "vlan",
            "provider:physical_network": "physnet1"}}, token=adm)
        assert st == 201, net
        net_id = net["network"]["id"]
        st, _, _ = R("POST", "/v2.0/subnets", {"subnet": {
            "network_id": net_id, "cidr": "10.9.0.0/24", "ip_version": 4}}, token=adm)
        assert st == 201

        st, state, _ = R("GET", "/v2.0/vfnet/hosts/compute1/state", token=adm)
        t.eq(st, 200, "a host's state is readable with a service/admin token")
        t.eq((state["host"], state["ports"], state["tasks"]), ("compute1", [], []),
             "a new host has nothing bound")
        rev0 = state["revision"]

        # Nothing new: an immediate answer with timeout=0, the same revision.
        st, ch, _ = R("GET", f"/v2.0/vfnet/hosts/compute1/changes?since={rev0}&timeout=0",
                      token=adm)
        t.eq((st, ch["changes"], ch["revision"]), (200, [], rev0),
             "timeout=0 answers at once with no changes")

        # A watch parked on compute1 is woken by a port bound to compute1.
        result = {}

        def watch(host, since, key, timeout=20):
            t0 = time.monotonic()
            result[key] = R("GET", f"/v2.0/vfnet/hosts/{host}/changes?since={since}"
                            f"&timeout={timeout}", token=adm) + (time.monotonic() - t0,)

        w1 = threading.Thread(target=watch, args=("compute1", rev0, "c1"))
        w2 = threading.Thread(target=watch, args=("compute2", rev0, "c2", 2))
        w1.start()
        w2.start()
        time.sleep(0.5)
        t.ok(w1.is_alive(), "a watch with nothing to report waits")
        st, port, _ = R("POST", "/v2.0/ports", {"port": {
            "network_id": net_id, "name": "vf1", "binding:vnic_type": "direct"}}, token=adm)
        assert st == 201, port
        pid = port["port"]["id"]
        t.ok(w1.is_alive(), "an unbound port wakes no host")
        t_bind = time.monotonic()
        st, _, _ = R("PUT", f"/v2.0/ports/{pid}", {"port": {
            "binding:host_id": "compute1", "binding:profile": {
                "pci_slot": "0000:00:04.1", "pci_vendor_info": "8086:10ca",
                "physical_network": "physnet1"}}}, token=adm)
        t.eq(st, 200, "the port is bound to compute1")
        w1.join(10)
        st, ch, _, waited = result["c1"]
        woke_after = time.monotonic() - t_bind
        t.eq(st, 200, "the watch answers")
        t.eq([(c["kind"], c["id"]) for c in ch["changes"]], [("port", pid)],
             "the watch on compute1 reports exactly the bound port")
        obj = ch["changes"][0]["object"]
        t.eq((obj["binding:host_id"], obj["binding:vif_type"], obj["mac_address"]),
             ("compute1", "hw_veb", port["port"]["mac_address"]),
             "the change carries the port as it is now (host, vif_type, MAC)")
        t.ok(woke_after < 1.0, f"the watch woke {woke_after * 1000:.0f} ms after the bind")
        t.ok(ch["revision"] > rev0, "the answer's revision moves past the change")
        w2.join(10)
        st, ch2, _, waited2 = result["c2"]
        t.eq((st, ch2["changes"]), (200, []), "compute2's watch is not woken by compute1's port")
        t.ok(1.8 <= waited2 < 5, f"an idle watch answers empty at its timeout ({waited2:.1f} s)")
        # The idle answer carries the newest revision the watch read when
        # it parked; the host's next call skips the others' entries since.
        st, ch2b, _ = R("GET", f"/v2.0/vfnet/hosts/compute2/changes?since={ch2['revision']}"
                        "&timeout=0", token=adm)
        t.ok(st == 200 and ch2b["changes"] == [] and ch2b["revision"] >= ch["revision"],
             "a quiet host's next call skips other hosts' revisions")

        # A quiet host's watch comes back to the revision it was answered:
        # the server knows it found nothing there and parks it without
        # reading again.  A change for the host still wakes it at once.
        st, s3, _ = R("GET", "/v2.0/vfnet/hosts/compute3/state", token=adm)
        st, q1, _ = R("GET", f"/v2.0/vfnet/hosts/compute3/changes?since={s3['revision']}"
                      "&timeout=1", token=adm)
        t.eq((st, q1["changes"]), (200, []), "a quiet host's watch answers empty")
        for k in range(2):
            t0 = time.monotonic()
            st, q2, _ = R("GET", f"/v2.0/vfnet/hosts/compute3/changes?since={q1['revision']}"
                          "&timeout=1", token=adm)
            waited = time.monotonic() - t0
            t.ok((st, q2["changes"], q2["revision"]) == (200, [], q1["revision"])
                 and waited >= 0.5, f"renewal {k + 1} from it waits and answers the same "
                 f"({waited:.1f} s)", q2)
        w4 = threading.Thread(target=watch, args=("compute3", q1["revision"], "c3"))
        w4.start()
        time.sleep(0.5)
        t.ok(w4.is_alive(), "the next renewal waits")
        st, p3, _ = R("POST", "/v2.0/ports", {"port": {
            "network_id": net_id, "name": "vf3", "binding:vnic_type": "direct",
            "binding:host_id": "compute3", "binding:profile": {
                "pci_slot": "0000:00:05.1", "pci_vendor_info": "8086:10ca",
                "physical_network": "physnet1"}}}, token=adm)
        assert st == 201, p3
        t_bind = time.monotonic()
        w4.join(10)
        st, ch4, _, _ = result["c3"]
        woke_after = time.monotonic() - t_bind
        t.eq([c["id"] for c in ch4["changes"]], [p3["port"]["id"]],
             "a port bound to the quiet host wakes its renewed watch with the port")
        t.ok(woke_after < 1.0, f"at once ({woke_after * 1000:.0f} ms after the bind)")

        # A token revoked while its watch is renewed that way is refused,
        # not answered.
        tok = s.token()
        st, q3, _ = R("GET", f"/v2.0/vfnet/hosts/compute3/changes?since={ch4['revision']}"
                      "&timeout=1", token=tok)
        t.eq((st, q3["changes"]), (200, []), "a watch with a second token answers empty")
        st, _, _ = R("DELETE", "/v3/auth/tokens", token=adm, headers={"X-Subject-Token": tok})
        assert st == 204, st
        st, body, _ = R("GET", f"/v2.0/vfnet/hosts/compute3/changes?since={q3['revision']}"
                        "&timeout=1", token=tok)
        t.ok(st == 401 and "error" in body,
             "its renewal after the token is revoked gets Keystone's 401", f"{st} {body}")
        st, q4, _ = R("GET", f"/v2.0/vfnet/hosts/compute3/changes?since={q3['revision']}"
                      "&timeout=1", token=adm)
        t.eq((st, q4["changes"]), (200, []), "another token's renewal still answers")

        # admin_state_up and port security changes are reported in order.
        rev1 = ch["revision"]
        R("PUT", f"/v2.0/ports/{pid}", {"port": {"admin_state_up": False}}, token=adm)
        R("PUT", f"/v2.0/ports/{pid}", {"port": {
            "security_groups": [], "port_security_enabled": False}}, token=adm)
        st, ch, _ = R("GET", f"/v2.0/vfnet/hosts/compute1/changes?since={rev1}", token=adm)
        t.eq([c["id"] for c in ch["changes"]], [pid, pid],
             "two updates give two entries, oldest first, without waiting")
        last = ch["changes"][-1]["object"]
        t.eq((last["admin_state_up"], last["port_security_enabled"]), (False, False),
             "each entry carries the port's current state")

        # Resuming from the first entry gives exactly the rest.
        first = ch["changes"][0]["revision"]
        st, ch3, _ = R("GET", f"/v2.0/vfnet/hosts/compute1/changes?since={first}", token=adm)
        t.eq([c["revision"] for c in ch3["changes"]], [ch["changes"][1]["revision"]],
             "a host resuming after an entry misses nothing and repeats nothing")

        # Moving the port to compute2 tells both hosts.
        rev2 = ch["revision"]
        R("PUT", f"/v2.0/ports/{pid}", {"port": {"binding:host_id": "compute2"}}, token=adm)
        st, a, _ = R("GET", f"/v2.0/vfnet/hosts/compute1/changes?since={rev2}", token=adm)
        st, b, _ = R("GET", f"/v2.0/vfnet/hosts/compute2/changes?since={rev0}&timeout=0",
                     token=adm)
        t.eq(([c["id"] for c in a["changes"]], a["changes"][0]["object"]), ([pid], None),
             "the old host hears the port left (object null)")
        t.eq([c["object"]["binding:host_id"] for c in b["changes"]], ["compute2"],
             "the new host hears the port arrived")
        st, state, _ = R("GET", "/v2.0/vfnet/hosts/compute2/state", token=adm)
        t.eq([p["id"] for p in state["ports"]], [pid], "the new host's state lists the port")

        # Deleting it tells compute2.
        rev3 = b["revision"]
        st, _, _ = R("DELETE", f"/v2.0/ports/{pid}", token=adm)
        assert st == 204, st
        st, d, _ = R("GET", f"/v2.0/vfnet/hosts/compute2/changes?since={rev3}", token=adm)
        t.eq([(c["id"], c["object"]) for c in d["changes"]], [(pid, None)],
             "a deleted port is reported gone")

        # Bad input, in Neutron's error body.
        for q, what in (("", "since missing"), ("?since=-1", "negative since"),
                        ("?since=abc", "since not a number"),
                        ("?since=0&timeout=301", "timeout over 300"),
                        ("?since=0&timeout=x", "timeout not a number")):
            st, body, _ = R("GET", f"/v2.0/vfnet/hosts/compute1/changes{q}", token=adm)
            t.ok(st == 400 and "NeutronError" in body, f"{what}: 400 with Neutron's body", body)
        st, body, _ = R("GET", "/v2.0/vfnet/hosts/compute1/changes?since=0")
        t.eq(st, 401, "no token: 401")

        # A member may not watch hosts.
        st, proj, _ = R("POST", "/v3/projects", {"project": {"name": "p1"}}, token=adm)
        pid1 = proj["project"]["id"]
        st, u, _ = R("POST", "/v3/users", {"user": {"name": "carl", "password": "pw",
                                                     "default_project_id": pid1}}, token=adm)
        st, roles, _ = R("GET", "/v3/roles?name=member", token=adm)
        R("PUT", f"/v3/projects/{pid1}/users/{u['user']['id']}/roles/{roles['roles'][0]['id']}",
          token=adm)
        carl = s.token("carl", "pw", "p1")
        for path in ("state", "changes?since=0"):
            st, body, _ = R("GET", f"/v2.0/vfnet/hosts/compute1/{path}", token=carl)
            t.ok(st == 403 and "PolicyNotAuthorized" in str(body), f"a member gets 403 on {path}",
                 body)

        # Many parked watches hold no worker: with 2 workers and 40 parked
        # watches, other requests are still answered.
        parked = [threading.Thread(target=watch, args=(f"idle{i}", 0, f"idle{i}", 3))
                  for i in range(40)]
        for th in parked:
            th.start()
        time.sleep(0.5)
        t0 = time.monotonic()
        st, _, _ = R("GET", "/v2.0/networks", token=adm)
        took = time.monotonic() - t0
        t.ok(st == 200 and took < 1.0,
             f"40 parked watches on 2 workers: a list still answers ({took * 1000:.0f} ms)")
        for th in parked:
            th.join(10)
        t.ok(all(result[f"idle{i}"][0] == 200 for i in range(40)),
             "every parked watch answered at its timeout")

        # Stopping the server answers parked watches first.
        st, now, _ = R("GET", "/v2.0/vfnet/hosts/compute1/state", token=adm)
        w3 = threading.Thread(target=watch, args=("compute1", now["revision"], "stop", 60))
        w3.start()
        time.sleep(0.5)
        rc = s.stop()
        w3.join(10)
        t.eq(rc, 0, "the server stops cleanly with a parked watch")
        t.ok("stop" in result and result["stop"][0] == 200 and result["stop"][3] < 10,
             "the parked watch was answered, not cut", result.get("stop"))
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
