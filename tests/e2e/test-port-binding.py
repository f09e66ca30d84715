#!/usr/bin/python3
"""A port bound to a server keeps its binding against a member: changing
binding:vnic_type is refused 409 PortInUse as Neutron refuses it (for
admins too), binding:host_id and binding:profile are admin-only (403),
and the refusals leave the binding and the VF claimed for the server as
they were. An unbound port's vnic type may still change. The port is
dual-stack (an IPv4 and a SLAAC subnet): the binding is the same.
Usage: test-port-binding.py PATH/TO/vfnet-server"""
import sys

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

        st, net, _ = R("POST", "/v2.0/networks", {"network": {
            "name": "shared", "shared": True, "provider:network_type": "vlan",
            "provider:physical_network": "physnet1"}}, token=adm)
        nid = net["network"]["id"]
        R("POST", "/v2.0/subnets", {"subnet": {"network_id": nid, "cidr": "10.40.0.0/24",
                                               "ip_version": 4}}, token=adm)
        st, s6, _ = R("POST", "/v2.0/subnets", {"subnet": {
            "network_id": nid, "cidr": "2001:db8:40::/64", "ip_version": 6,
            "ipv6_ra_mode": "slaac", "ipv6_address_mode": "slaac"}}, token=adm)
        assert st == 201, s6
        st, img, _ = R("POST", "/image/v2/images", {"name": "cirros", "disk_format": "qcow2",
                                                     "container_format": "bare",
                                                     "visibility": "public"}, token=adm)
        R("PUT", f"/image/v2/images/{img['id']}/file", raw=b"\0" * 64, token=adm,
          headers={"Content-Type": "application/octet-stream"})
        st, fl, _ = R("POST", "/v2.1/flavors", {"flavor": {"name": "m1.tiny", "ram": 512,
                                                           "vcpus": 1, "disk": 1}}, token=adm)

        st, p, _ = R("POST", "/v2.0/ports", {"port": {"network_id": nid,
                                                       "binding:vnic_type": "direct"}}, token=bob)
        assert st == 201, p
        pid = p["port"]["id"]
        st, free, _ = R("POST", "/v2.0/ports", {"port": {"network_id": nid,
                                                          "binding:vnic_type": "direct"}}, token=bob)
        fid = free["port"]["id"]
        st, srv, _ = R("POST", "/v2.1/servers", {"server": {
            "name": "vm1", "imageRef": img["id"], "flavorRef": fl["flavor"]["id"],
            "networks": [{"port": pid}]}}, token=bob)
        assert st == 202, srv
        sid = srv["server"]["id"]
        got = wait_status(s, bob, [sid])[sid]
        t.ok(got and got["status"] == "ACTIVE", "the member's server is ACTIVE", got)

        def pools():
            st, doc, _ = R("GET", "/v2.1/vfnet/compute-hosts", token=adm)
            return {h["hostname"]: h["pci_stats"] for h in doc["hosts"]}
        st, before, _ = R("GET", f"/v2.0/ports/{pid}", token=adm)
        before = before["port"]
        t.ok(before["binding:vif_type"] == "hw_veb" and before["device_id"] == sid
             and before["binding:profile"].get("pci_slot"),
             "the port is bound to the server with a VF", before)
        fams = sorted(":" in i["ip_address"] for i in before["fixed_ips"])
        t.ok(fams == [False, True] and any(i["subnet_id"] == s6["subnet"]["id"]
                                           for i in before["fixed_ips"]),
             "the bound SR-IOV port is dual-stack (IPv4 and SLAAC)", before["fixed_ips"])
        pools_before = pools()
        assert pools_before["compute1"], pools_before

        st, body, _ = R("PUT", f"/v2.0/ports/{pid}", {"port": {"binding:vnic_type": "normal"}},
                        token=bob)
        t.ok(st == 409 and body["NeutronError"]["type"] == "PortInUse"
             and body["NeutronError"]["message"] ==
             f"Unable to complete operation on port {pid} for network {nid}. "
             f"Port already has an attached device {sid}.",
             "a member changing the vnic type of a bound port: 409 PortInUse", (st, body))
        st, body, _ = R("PUT", f"/v2.0/ports/{pid}", {"port": {"binding:vnic_type": "macvtap"}},
                        token=adm)
        t.ok(st == 409 and body["NeutronError"]["type"] == "PortInUse",
             "an admin changing it: 409 PortInUse too", (st, body))
        for attr, val in (("binding:host_id", "compute2"),
                          ("binding:profile", {"pci_slot": "0000:00:00.0"})):
            st, body, _ = R("PUT", f"/v2.0/ports/{pid}", {"port": {attr: val}}, token=bob)
            t.ok(st == 403 and body["NeutronError"]["type"] == "PolicyNotAuthorized"
                 and f"update_port:{attr}" in body["NeutronError"]["message"],
                 f"a member changing {attr}: 403", (st, body))
        st, body, _ = R("PUT", f"/v2.0/ports/{pid}", {"port": {"binding:vnic_type": "direct",
                                                                "name": "same"}}, token=bob)
        t.ok(st == 200 and body["port"]["name"] == "same",
             "the same vnic type with another change is accepted", (st, body))

        st, after, _ = R("GET", f"/v2.0/ports/{pid}", token=adm)
        after = after["port"]
        for k in ("binding:vnic_type", "binding:vif_type", "binding:host_id", "binding:profile",
                  "binding:vif_details", "device_id"):
            t.eq(after[k], before[k], f"after the refusals the port's {k} is unchanged")
        t.eq(pools(), pools_before, "after the refusals the hosts' VF pools are unchanged")
        got = wait_status(s, bob, [sid])[sid]
        t.ok(got and got["status"] == "ACTIVE", "the server is still ACTIVE", got)

        st, body, _ = R("PUT", f"/v2.0/ports/{fid}", {"port": {"binding:vnic_type": "macvtap"}},
                        token=bob)
        t.ok(st == 200 and body["port"]["binding:vnic_type"] == "macvtap",
             "an unbound port's vnic type may change", (st, body))
        for h in hosts:
            h.stop()
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
