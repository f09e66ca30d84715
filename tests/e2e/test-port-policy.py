#!/usr/bin/python3
"""Neutron's port policy on a network the caller does not own: on an admin's
shared network a member of another project may create a port, but not
with a chosen IP address (the gateway's), a chosen MAC, port security
turned off, allowed address pairs, or a network:* device_owner, and may not
turn port security off later (on an SR-IOV port that would turn the VF's
spoof check off on a segment shared with others, R25). The network's
owner and admins may. Errors are Neutron's 403 PolicyNotAuthorized body.
A security group rule's remote group must exist and be the caller's to
see (404 otherwise, as in Neutron). A network's owner may delete others'
ports on it. A shared network's subnets are seen
(not changed) by every project, as long as the network is shared; it stays
shared while another project has ports on it.
Usage: test-port-policy.py PATH/TO/vfnet-server"""
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from vfnet_server import Server, Tap  # noqa: E402


def main():
    t = Tap()
    with Server(sys.argv[1]) as s:
        s.bootstrap()
        s.start()
        R = s.request
        adm = s.token()
        roles = {r["name"]: r["id"] for r in R("GET", "/v3/roles", token=adm)[1]["roles"]}
        st, proj, _ = R("POST", "/v3/projects", {"project": {"name": "B"}}, token=adm)
        pb = proj["project"]["id"]
        st, u, _ = R("POST", "/v3/users", {"user": {"name": "bob", "password": "pw"}}, token=adm)
        R("PUT", f"/v3/projects/{pb}/users/{u['user']['id']}/roles/{roles['member']}", token=adm)
        bob = s.token("bob", "pw", "B")

        # The admin's shared VLAN network, and bob's own one.
        st, net, _ = R("POST", "/v2.0/networks", {"network": {
            "name": "shared", "shared": True, "provider:network_type": "vlan",
            "provider:physical_network": "physnet1"}}, token=adm)
        assert st == 201, net
        nid = net["network"]["id"]
        st, sub, _ = R("POST", "/v2.0/subnets", {"subnet": {
            "network_id": nid, "cidr": "10.20.0.0/24", "ip_version": 4,
            # Addresses chosen below (.50, .77) lie outside the pool, so a
            # port given one at random never holds them.
            "allocation_pools": [{"start": "10.20.0.100", "end": "10.20.0.200"}]}}, token=adm)
        assert st == 201, sub
        sid, gw = sub["subnet"]["id"], sub["subnet"]["gateway_ip"]
        st, own, _ = R("POST", "/v2.0/networks", {"network": {"name": "mine"}}, token=bob)
        assert st == 201, own
        oid = own["network"]["id"]
        st, osub, _ = R("POST", "/v2.0/subnets", {"subnet": {
            "network_id": oid, "cidr": "10.30.0.0/24", "ip_version": 4,
            "allocation_pools": [{"start": "10.30.0.100", "end": "10.30.0.200"}]}}, token=bob)
        assert st == 201, osub

        def port(tok, net_id, **kw):
            body = {"network_id": net_id, "binding:vnic_type": "direct"}
            body.update(kw)
            return R("POST", "/v2.0/ports", {"port": body}, token=tok)

        def refused(res, attr, desc, action="create_port"):
            st, body, _ = res
            t.ok(st == 403 and body["NeutronError"]["type"] == "PolicyNotAuthorized"
                 and f"rule:{action}:{attr}" in body["NeutronError"]["message"], desc, (st, body))

        cases = [
            ({"fixed_ips": [{"subnet_id": sid, "ip_address": gw}]}, "fixed_ips:ip_address",
             "the subnet's gateway IP"),
            ({"fixed_ips": [{"ip_address": "10.20.0.77"}]}, "fixed_ips:ip_address",
             "a chosen fixed IP"),
            ({"mac_address": "fa:16:3e:00:12:34"}, "mac_address", "a chosen MAC"),
            ({"port_security_enabled": False, "security_groups": []}, "port_security_enabled",
             "port security off"),
            ({"allowed_address_pairs": [{"ip_address": "0.0.0.0/0"}]}, "allowed_address_pairs",
             "allowed_address_pairs 0.0.0.0/0"),
            ({"device_owner": "network:dhcp"}, "device_owner", "device_owner network:dhcp"),
            ({"device_owner": "network:router_gateway"}, "device_owner",
             "device_owner network:router_gateway"),
        ]
        for kw, attr, what in cases:
            refused(port(bob, nid, **kw), attr,
                    f"another project's member on a shared network: {what} -> 403")
        st, ports, _ = R("GET", f"/v2.0/ports?network_id={nid}", token=adm)
        t.eq(ports["ports"], [], "no refused request left a port behind")

        # What a member may do there: a port with an address from a subnet.
        st, p, _ = port(bob, nid, fixed_ips=[{"subnet_id": sid}])
        t.ok(st == 201 and p["port"]["fixed_ips"][0]["ip_address"] != gw,
             "the member gets a port with an address the server chose", (st, p))
        pid = p["port"]["id"]
        st, _, _ = port(bob, nid, device_owner="compute:nova")
        t.eq(st, 201, "a compute:* device_owner is the member's to set")
        refused(R("PUT", f"/v2.0/ports/{pid}", {"port": {
            "port_security_enabled": False, "security_groups": []}}, token=bob),
            "port_security_enabled", "the member cannot turn port security off later",
            action="update_port")
        st, body, _ = R("PUT", f"/v2.0/ports/{pid}", {"port": {"name": "web"}}, token=bob)
        t.eq((st, body["port"]["name"]), (200, "web"), "the member still renames its port")
        st, body, _ = R("GET", f"/v2.0/ports/{pid}", token=bob)
        t.eq(body["port"]["port_security_enabled"], True, "port security stayed on")

        # The network's owner and the admin may do all of it.
        st, p, _ = port(bob, oid, mac_address="fa:16:3e:00:56:78", port_security_enabled=False,
                        security_groups=[], fixed_ips=[{"ip_address": "10.30.0.9"}])
        t.ok(st == 201 and p["port"]["mac_address"] == "fa:16:3e:00:56:78"
             and p["port"]["port_security_enabled"] is False
             and p["port"]["fixed_ips"][0]["ip_address"] == "10.30.0.9",
             "on its own network the member chooses MAC, IP and port security", (st, p))
        st, p, _ = port(adm, nid, port_security_enabled=False, security_groups=[],
                        fixed_ips=[{"subnet_id": sid, "ip_address": "10.20.0.50"}])
        t.ok(st == 201 and p["port"]["port_security_enabled"] is False,
             "the admin may on the shared network", (st, p))

        # delete_port: the network's owner may delete another project's
        # port on its network; on someone else's network it may not.
        st, p, _ = port(adm, oid)
        assert st == 201, p
        st, body, _ = R("DELETE", f"/v2.0/ports/{p['port']['id']}", token=bob)
        t.eq(st, 204, "the network's owner deletes the admin's port on its network")
        st, p, _ = port(adm, nid)
        assert st == 201, p
        st, body, _ = R("DELETE", f"/v2.0/ports/{p['port']['id']}", token=bob)
        t.ok(st == 404 and body["NeutronError"]["type"] == "PortNotFound",
             "but not the admin's port on the admin's shared network: 404", (st, body))

        # A shared network's subnets are every project's to see (Neutron's
        # get_subnet "rule:shared"), the hidden mark never shown; after the
        # network is unshared they are not.
        st, body, _ = R("GET", f"/v2.0/subnets/{sid}", token=bob)
        t.ok(st == 200 and body["subnet"]["id"] == sid and "_shared" not in body["subnet"],
             "another project's member sees the shared network's subnet", (st, body))
        st, body, _ = R("GET", f"/v2.0/subnets?network_id={nid}", token=bob)
        t.eq([x["id"] for x in body["subnets"]], [sid], "and lists it")
        st, body, _ = R("PUT", f"/v2.0/subnets/{sid}", {"subnet": {"name": "x"}}, token=bob)
        t.ok(st == 403 and body["NeutronError"]["type"] == "PolicyNotAuthorized",
             "but may not change it (update_subnet is the network owner's): 403", (st, body))
        st, body, _ = R("GET", "/v2.0/subnets", token=adm)
        t.ok(all("_shared" not in x for x in body["subnets"]), "nor does the admin see the mark")
        st, n2, _ = R("POST", "/v2.0/networks", {"network": {"name": "later"}}, token=adm)
        st, s2, _ = R("POST", "/v2.0/subnets", {"subnet": {
            "network_id": n2["network"]["id"], "cidr": "10.21.0.0/24", "ip_version": 4}},
            token=adm)
        t.eq(R("GET", f"/v2.0/subnets/{s2['subnet']['id']}", token=bob)[0], 404,
             "an unshared network's subnet is not seen by another project")
        R("PUT", f"/v2.0/networks/{n2['network']['id']}", {"network": {"shared": True}},
          token=adm)
        t.eq(R("GET", f"/v2.0/subnets/{s2['subnet']['id']}", token=bob)[0], 200,
             "once the network is shared, its subnet is")
        R("PUT", f"/v2.0/networks/{n2['network']['id']}", {"network": {"shared": False}},
          token=adm)
        t.eq(R("GET", f"/v2.0/subnets/{s2['subnet']['id']}", token=bob)[0], 404,
             "and unshared again, it is not")
        # A network another project has ports on stays shared (Neutron's
        # InvalidSharedSetting), its subnet still seen.
        st, body, _ = R("PUT", f"/v2.0/networks/{nid}", {"network": {"shared": False}},
                        token=adm)
        t.ok(st == 409 and body["NeutronError"]["type"] == "InvalidSharedSetting"
             and body["NeutronError"]["message"] ==
             "Unable to reconfigure sharing settings for network shared. "
             "Multiple tenants are using it.",
             "bob's ports keep the admin's network shared: 409", (st, body))
        st, body, _ = R("GET", f"/v2.0/networks/{nid}", token=adm)
        t.eq(body["network"]["shared"], True, "the network is still shared")
        t.eq(R("GET", f"/v2.0/subnets/{sid}", token=bob)[0], 200, "and bob still sees its subnet")

        # Security group rules: the remote group must be one bob may see.
        st, sgs, _ = R("GET", "/v2.0/security-groups", token=bob)
        mine = [g for g in sgs["security_groups"] if g["project_id"] == pb][0]["id"]
        st, asg, _ = R("GET", "/v2.0/security-groups", token=adm)
        admins = [g for g in asg["security_groups"] if g["project_id"] != pb][0]["id"]

        def rule(remote):
            return R("POST", "/v2.0/security-group-rules", {"security_group_rule": {
                "security_group_id": mine, "direction": "ingress", "ethertype": "IPv4",
                "protocol": "tcp", "remote_group_id": remote}}, token=bob)
        for remote, what in (("0e6f4c3a-9c6d-4f7e-9a55-1d2c3b4a5f60", "that does not exist"),
                             (admins, "of another project")):
            st, body, _ = rule(remote)
            t.ok(st == 404 and body["NeutronError"]["type"] == "SecurityGroupNotFound",
                 f"a rule whose remote group {what} is 404 SecurityGroupNotFound", (st, body))
        st, body, _ = rule(mine)
        t.ok(st == 201 and body["security_group_rule"]["remote_group_id"] == mine,
             "a rule whose remote group is the member's own is created", (st, body))
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
