#!/usr/bin/python3
"""Quotas with Neutron's and Nova's APIs and defaults, driven by the real
`openstack quota show/set`: Neutron's network 100, subnet 100, port 500,
security_group 10, security_group_rule 100 (409 OverQuota past a limit);
Nova's instances 10, cores 20, ram 51200 (403 "Quota exceeded for ...");
who may read and change them; limits hold under concurrent creates (the
check is in the create's transaction).
Usage: test-quotas.py PATH/TO/vfnet-server"""
import sys
import threading

sys.path.insert(0, __import__("os").path.dirname(__file__))
from compute_sim import ComputeServer, seed_hosts, wait_status  # noqa: E402
from vfnet_server import Tap  # noqa: E402


def main():
    t = Tap()
    with ComputeServer(sys.argv[1]) as s:
        s.bootstrap()
        s.start()
        R = s.request
        adm = s.token()
        hosts = seed_hosts(s, adm)
        for h in hosts:
            h.start(adm)
        pb, _, bob = s.new_member("bob", "B", adm)
        pa = R("GET", "/v3/projects?name=admin", token=adm)[1]["projects"][0]["id"]

        # The real client: show (compute and network; no volume service).
        rc, out, err = s.osc("quota", "show", "B")
        want = {"networks": 100, "subnets": 100, "ports": 500, "secgroups": 10,
                "secgroup-rules": 100, "instances": 10, "cores": 20, "ram": 51200}
        t.ok(rc == 0 and all(out.get(k) == v for k, v in want.items()),
             "openstack quota show B: Neutron's and Nova's defaults", (rc, out, err))
        t.ok(rc == 0 and out.get("project") == pb and out.get("project_name") == "B",
             "quota show names the project", out)
        rc, out, err = s.osc("quota", "set", "--ports", "3", "--instances", "1", "B",
                             as_json=False)
        t.eq(rc, 0, f"openstack quota set --ports 3 --instances 1 B ({err.strip()})")
        rc, out, err = s.osc("quota", "show", "B")
        t.ok(rc == 0 and out.get("ports") == 3 and out.get("instances") == 1
             and out.get("networks") == 100,
             "quota show after set: ports 3, instances 1, the rest unchanged", (rc, out, err))

        # Neutron's API.
        st, body, _ = R("GET", f"/v2.0/quotas/{pb}", token=bob)
        t.ok(st == 200 and body["quota"] == {"network": 100, "subnet": 100, "port": 3,
                                             "security_group": 10, "security_group_rule": 100},
             "a member reads its project's quotas", (st, body))
        for method, path, body_ in (("GET", f"/v2.0/quotas/{pa}", None),
                                    ("GET", "/v2.0/quotas", None),
                                    ("PUT", f"/v2.0/quotas/{pb}", {"quota": {"port": 99}}),
                                    ("DELETE", f"/v2.0/quotas/{pb}", None)):
            st, body, _ = R(method, path, body_, token=bob)
            t.ok(st == 403 and body["NeutronError"]["type"] == "PolicyNotAuthorized",
                 f"a member: {method} {path.replace(pb, 'B').replace(pa, 'admin')} is 403",
                 (st, body))
        st, body, _ = R("GET", f"/v2.0/quotas/{pb}/default", token=bob)
        t.ok(st == 200 and body["quota"]["port"] == 500, "the defaults", (st, body))
        st, body, _ = R("PUT", f"/v2.0/quotas/{pb}", {"quota": {"ports": 1}}, token=adm)
        t.ok(st == 400 and "Unrecognized attribute(s) 'ports'" in body["NeutronError"]["message"],
             "an unknown resource: 400", (st, body))
        st, body, _ = R("PUT", f"/v2.0/quotas/{pb}", {"quota": {"port": -2}}, token=adm)
        t.eq(st, 400, "a limit below -1: 400")
        st, body, _ = R("GET", "/v2.0/extensions/quotas", token=bob)
        t.eq(st, 200, "the quotas extension is listed")

        st, net, _ = R("POST", "/v2.0/networks", {"network": {
            "name": "shared", "shared": True, "provider:network_type": "vlan",
            "provider:physical_network": "physnet1"}}, token=adm)
        nid = net["network"]["id"]
        R("POST", "/v2.0/subnets", {"subnet": {"network_id": nid, "cidr": "10.50.0.0/24",
                                               "ip_version": 4}}, token=adm)

        # Three ports allowed, asked for by 8 threads at once.
        results = [None] * 8

        def make(i):
            results[i] = R("POST", "/v2.0/ports", {"port": {
                "network_id": nid, "binding:vnic_type": "direct"}}, token=bob)
        threads = [threading.Thread(target=make, args=(i,)) for i in range(8)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        made = [r[1]["port"]["id"] for r in results if r[0] == 201]
        over = [r for r in results if r[0] == 409]
        t.ok(len(made) == 3 and len(over) == 5 and all(
            r[1]["NeutronError"] == {"type": "OverQuota", "detail": "",
                                     "message": "Quota exceeded for resources: ['port']."}
            for r in over),
            "8 concurrent port creates under a quota of 3: 3 made, 5 refused 409 OverQuota",
            [r[:2] for r in results])
        st, body, _ = R("GET", f"/v2.0/quotas/{pb}/details.json", token=bob)
        t.ok(st == 200 and body["quota"]["port"] == {"limit": 3, "used": 3, "reserved": 0},
             "details: port limit 3, used 3", (st, body))
        rc, out, err = s.osc("port", "create", "--network", nid, "p4", user="bob",
                             password="pw", project="B")
        t.ok(rc != 0 and "Quota exceeded for resources: ['port']" in err,
             "openstack port create past the quota fails with Neutron's message", (rc, err))
        st, body, _ = R("PUT", f"/v2.0/quotas/{pb}", {"quota": {"network": 1}}, token=adm)
        t.ok(st == 200 and body["quota"]["network"] == 1 and body["quota"]["port"] == 3,
             "admin PUT network 1", (st, body))
        t.eq(R("POST", "/v2.0/networks", {"network": {"name": "n1"}}, token=bob)[0], 201,
             "the member's first network")
        st, body, _ = R("POST", "/v2.0/networks", {"network": {"name": "n2"}}, token=bob)
        t.ok(st == 409 and body["NeutronError"]["message"] ==
             "Quota exceeded for resources: ['network'].", "its second: 409 OverQuota", (st, body))
        st, body, _ = R("GET", "/v2.0/quotas", token=adm)
        t.ok(st == 200 and [q for q in body["quotas"] if q["project_id"] == pb
                            and q["port"] == 3 and q["network"] == 1],
             "admin lists the projects with quotas set", (st, body))

        # Nova's API and a boot over the instances quota.
        st, img, _ = R("POST", "/image/v2/images", {"name": "cirros", "disk_format": "qcow2",
                                                     "container_format": "bare",
                                                     "visibility": "public"}, token=adm)
        R("PUT", f"/image/v2/images/{img['id']}/file", raw=b"\0" * 64, token=adm,
          headers={"Content-Type": "application/octet-stream"})
        st, fl, _ = R("POST", "/v2.1/flavors", {"flavor": {"name": "m1.small", "ram": 2048,
                                                           "vcpus": 2, "disk": 1}}, token=adm)

        def boot(port):
            return R("POST", "/v2.1/servers", {"server": {
                "name": "vm", "imageRef": img["id"], "flavorRef": fl["flavor"]["id"],
                "networks": [{"port": port}]}}, token=bob)
        st, srv, _ = boot(made[0])
        t.eq(st, 202, "the first boot under instances 1")
        sid = srv["server"]["id"]
        wait_status(s, bob, [sid])
        st, body, _ = boot(made[1])
        t.ok(st == 403 and body["forbidden"]["message"] ==
             "Quota exceeded for instances: Requested 1, but already used 1 of 1 instances",
             "the second boot: 403 quota exceeded for instances", (st, body))
        st, body, _ = R("GET", f"/v2.1/os-quota-sets/{pb}/detail", token=bob)
        t.ok(st == 200 and body["quota_set"]["instances"] == {"limit": 1, "in_use": 1,
                                                              "reserved": 0}
             and body["quota_set"]["cores"]["in_use"] == 2
             and body["quota_set"]["ram"]["in_use"] == 2048,
             "os-quota-sets detail: instances 1 of 1, cores 2, ram 2048 in use", (st, body))
        st, body, _ = R("PUT", f"/v2.1/os-quota-sets/{pb}", {"quota_set": {
            "instances": 5, "cores": 3}}, token=adm)
        t.ok(st == 200 and body["quota_set"]["instances"] == 5 and body["quota_set"]["cores"] == 3,
             "admin PUT instances 5, cores 3", (st, body))
        st, body, _ = boot(made[1])
        t.ok(st == 403 and body["forbidden"]["message"] ==
             "Quota exceeded for cores: Requested 2, but already used 2 of 3 cores",
             "a boot over the cores quota: 403", (st, body))
        st, body, _ = R("PUT", f"/v2.1/os-quota-sets/{pb}", {"quota_set": {"ram": 1024}},
                        token=adm)
        t.ok(st == 400 and "must be greater than or equal to already used and reserved 2048"
             in body["badRequest"]["message"], "a limit below what is used: 400", (st, body))
        st, body, _ = R("PUT", f"/v2.1/os-quota-sets/{pb}", {"quota_set": {"bogus": 1}},
                        token=adm)
        t.eq(st, 400, "an unknown quota: 400")
        st, body, _ = R("PUT", f"/v2.1/os-quota-sets/{pb}", {"quota_set": {"instances": 9}},
                        token=bob)
        t.ok(st == 403 and "os_compute_api:os-quota-sets:update" in body["forbidden"]["message"],
             "a member may not change Nova's quotas", (st, body))
        st, body, _ = R("GET", f"/v2.1/os-quota-sets/{pa}", token=bob)
        t.eq(st, 403, "a member may not read another project's")
        st, body, _ = R("GET", f"/v2.1/os-quota-sets/{pb}/defaults", token=bob)
        t.ok(st == 200 and body["quota_set"]["instances"] == 10 and body["quota_set"]["cores"] == 20
             and body["quota_set"]["ram"] == 51200, "Nova's defaults", (st, body))
        st, _, _ = R("DELETE", f"/v2.1/os-quota-sets/{pb}", token=adm)
        t.eq(st, 202, "admin DELETE os-quota-sets: 202")
        st, _, _ = R("DELETE", f"/v2.0/quotas/{pb}", token=adm)
        t.eq(st, 204, "admin DELETE quotas: 204")
        rc, out, err = s.osc("quota", "show", "B")
        t.ok(rc == 0 and out.get("ports") == 500 and out.get("instances") == 10
             and out.get("cores") == 20, "after the deletes, the defaults again", (rc, out))
        for h in hosts:
            h.stop()
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
