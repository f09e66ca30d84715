#!/usr/bin/python3
"""The seed's workflow (R9-R13, R23-R25) with the real `openstack` CLI
against vfnet-server: network list, provider VLAN network, subnet, direct
port with every R24 field, port security, admin state, agents, binding to
an SR-IOV agent's host, VLAN exhaustion, and a member's view of another
project.  Usage: test-server-workflow.py PATH/TO/vfnet-server"""
import re
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from vfnet_server import Server, Tap  # noqa: E402

R24_FIELDS = ["admin_state_up", "allowed_address_pairs", "binding:host_id", "binding:profile",
              "binding:vif_details", "binding:vif_type", "binding:vnic_type", "device_id",
              "device_owner", "fixed_ips", "id", "mac_address", "name", "network_id",
              "security_groups", "status", "tenant_id", "project_id", "port_security_enabled"]


def main():
    t = Tap()
    with Server(sys.argv[1]) as s:
        s.bootstrap()
        s.start()

        # R23: network list on an empty cloud
        rc, out, err = s.osc("network", "list")
        t.ok(rc == 0 and out == [], "R23 network list: empty, exit 0", err)

        # R9: provider VLAN network from physnet1:15:20
        rc, net, err = s.osc("network", "create", "--provider-network-type", "vlan",
                             "--provider-physical-network", "physnet1", "web")
        t.ok(rc == 0, "R9 network create vlan physnet1 web", err)
        vlan = net and net["provider:segmentation_id"]
        t.ok(net and net["provider:network_type"] == "vlan" and 15 <= vlan <= 20
             and net["status"] == "ACTIVE" and net["mtu"] == 1500,
             "R9 network web got a VLAN from 15-20", net)

        rc, sub, err = s.osc("subnet", "create", "--network", "web", "--subnet-range",
                             "192.0.2.0/24", "web-sub")
        t.ok(rc == 0 and sub["cidr"] == "192.0.2.0/24" and sub["gateway_ip"] == "192.0.2.1"
             and sub["allocation_pools"] == [{"start": "192.0.2.2", "end": "192.0.2.254"}],
             "subnet create: Neutron's gateway and pool defaults", err or sub)

        rc, nets, err = s.osc("network", "list")
        t.ok(rc == 0 and len(nets) == 1 and nets[0]["Subnets"] == [sub["id"]],
             "R23 network list shows web with its subnet", nets)

        # R24: direct port with every field
        rc, port, err = s.osc("port", "create", "--network", "web", "--vnic-type", "direct",
                              "sr-iov")
        t.ok(rc == 0, "R24 port create --vnic-type direct sr-iov", err)
        st, raw, _ = s.request("GET", f"/v2.0/ports/{port['id']}", token=s.token())
        p = raw["port"]
        missing = [f for f in R24_FIELDS if f not in p]
        t.ok(not missing, "R24 the port shows every field", missing)
        t.ok(p["status"] == "DOWN" and p["binding:vif_type"] == "unbound"
             and p["binding:vnic_type"] == "direct" and p["binding:host_id"] == ""
             and p["binding:profile"] == {} and p["binding:vif_details"] == {},
             "R24 status DOWN, vif_type unbound until bound", p)
        t.ok(re.fullmatch(r"fa:16:3e(:[0-9a-f]{2}){3}", p["mac_address"]) is not None,
             "R24 MAC is fa:16:3e:xx:xx:xx", p["mac_address"])
        ip = p["fixed_ips"][0]["ip_address"] if p["fixed_ips"] else ""
        t.ok(p["fixed_ips"][0]["subnet_id"] == sub["id"] and ip.startswith("192.0.2.")
             and ip not in ("192.0.2.0", "192.0.2.1", "192.0.2.255"),
             "R24 fixed_ips: an address from the pool", p["fixed_ips"])
        st, sgs, _ = s.request("GET", "/v2.0/security-groups?name=default", token=s.token())
        t.ok(len(sgs["security_groups"]) == 1
             and p["security_groups"] == [sgs["security_groups"][0]["id"]]
             and p["port_security_enabled"] is True,
             "the port has the project's default security group", (p, sgs))

        # R25: port security
        rc, _, err = s.osc("port", "set", "--disable-port-security", "sr-iov", as_json=False)
        t.ok(rc != 0 and "Port has security group associated" in err,
             "R25 disabling port security with groups attached fails (409)", err)
        rc, _, err = s.osc("port", "set", "--no-security-group", "--disable-port-security",
                           "sr-iov", as_json=False)
        t.ok(rc == 0, "R25 port set --no-security-group --disable-port-security", err)
        rc, _, err = s.osc("port", "set", "--disable", "sr-iov", as_json=False)
        t.ok(rc == 0, "port set --disable", err)
        rc, shown, err = s.osc("port", "show", "sr-iov")
        t.ok(rc == 0 and shown["port_security_enabled"] is False
             and shown["security_group_ids"] == [] and shown["admin_state_up"] is False,
             "port show: port security off, no groups, admin state down", shown)

        # Agents: an SR-IOV NIC agent reports over the internal endpoint
        admin = s.token()
        st, rep, _ = s.request("POST", "/v2.0/vfnet/agent-report", {"agent": {
            "binary": "neutron-sriov-nic-agent", "host": "compute1", "topic": "N/A",
            "agent_type": "NIC Switch agent", "start_flag": True,
            "configurations": {"device_mappings": {"physnet1": ["enp4s0f1"]}, "devices": 0}}},
            token=admin)
        t.eq(st, 201, "agent report creates the agent")
        rc, agents, err = s.osc("network", "agent", "list")
        t.ok(rc == 0 and len(agents) == 1 and agents[0]["Agent Type"] == "NIC Switch agent"
             and agents[0]["Host"] == "compute1" and agents[0]["Alive"] is True
             and agents[0]["Binary"] == "neutron-sriov-nic-agent",
             "network agent list shows the reported NIC Switch agent, alive", agents or err)

        # Binding as an admin (as Nova does): hw_veb + the VLAN as a string
        st, b, _ = s.request("PUT", f"/v2.0/ports/{port['id']}", {"port": {
            "binding:host_id": "compute1", "binding:profile": {
                "pci_slot": "0000:04:10.1", "pci_vendor_info": "8086:10ca",
                "physical_network": "physnet1"}}}, token=admin)
        b = b["port"]
        t.ok(st == 200 and b["binding:vif_type"] == "hw_veb"
             and b["binding:vif_details"] == {"port_filter": False, "connectivity": "l2",
                                              "vlan": str(vlan)}
             and b["status"] == "DOWN",
             "binding to compute1: hw_veb, vif_details vlan as a string, DOWN", b)
        st, d, _ = s.request("POST", "/v2.0/vfnet/devices",
                             {"host": "compute1", "up": [port["id"]]}, token=admin)
        st, after, _ = s.request("GET", f"/v2.0/ports/{port['id']}", token=admin)
        t.ok(after["port"]["status"] == "ACTIVE", "the agent reports the device up: ACTIVE",
             (d, after))
        st, b2, _ = s.request("PUT", f"/v2.0/ports/{port['id']}", {"port": {
            "binding:host_id": "compute9"}}, token=admin)
        t.ok(b2["port"]["binding:vif_type"] == "binding_failed"
             and b2["port"]["binding:vif_details"] == {},
             "binding to a host with no agent: binding_failed", b2)

        # VLAN exhaustion: 6 VLANs in 15-20, web holds one
        made = []
        for i in range(5):
            st, n, _ = s.request("POST", "/v2.0/networks", {"network": {"name": f"n{i}"}},
                                 token=admin)
            made.append((st, n["network"]["provider:segmentation_id"] if st == 201 else n))
        vlans = sorted([vlan] + [v for st, v in made if st == 201])
        t.eq(vlans, [15, 16, 17, 18, 19, 20], "five more project networks take the rest of 15-20")
        rc, _, err = s.osc("network", "create", "seventh", as_json=False)
        t.ok(rc != 0 and "No project network is available for allocation" in err
             and "503" in err, "the seventh VLAN network fails with 503 NoNetworkAvailable", err)
        st, body, _ = s.request("POST", "/v2.0/networks", {"network": {"name": "x"}}, token=admin)
        t.ok(st == 503 and body["NeutronError"]["type"] == "NoNetworkAvailable",
             "503 body is a NeutronError NoNetworkAvailable", body)

        # A member in another project
        rc, _, err = s.osc("project", "create", "p2")
        t.ok(rc == 0, "project create p2", err)
        rc, _, err = s.osc("user", "create", "--password", "pw2", "u2")
        t.ok(rc == 0, "user create u2", err)
        rc, _, err = s.osc("role", "add", "--project", "p2", "--user", "u2", "member",
                           as_json=False)
        t.ok(rc == 0, "role add --project p2 --user u2 member", err)
        rc, ra, err = s.osc("role", "assignment", "list", "--user", "u2", "--project", "p2",
                            "--names")
        t.ok(rc == 0 and [(a["Role"], a["User"], a["Project"]) for a in ra]
             == [("member", "u2@Default", "p2@Default")],
             "role assignment list --names shows u2 as member of p2", ra or err)
        rc, eps, err = s.osc("endpoint", "list", "--interface", "public")
        t.ok(rc == 0 and {(e["Service Type"], e["URL"]) for e in eps}
             == {("identity", s.url + "/v3/"), ("network", s.url + "/networking"),
                 ("compute", s.url + "/compute/v2.1"), ("image", s.url + "/image")},
             "endpoint list: identity at URL/v3/, network at URL/networking, compute at "
             "URL/compute/v2.1, image at URL/image", eps or err)
        rc, nets, err = s.osc("network", "list", user="u2", password="pw2", project="p2")
        t.ok(rc == 0 and nets == [], "the member sees none of admin's networks", nets or err)
        rc, _, err = s.osc("network", "show", "web", user="u2", password="pw2", project="p2",
                           as_json=False)
        t.ok(rc != 0 and "No Network found for web" in err, "network show web as the member: "
             "not found", err)
        member = s.token("u2", "pw2", "p2")
        st, body, _ = s.request("GET", f"/v2.0/networks/{net['id']}", token=member)
        t.ok(st == 404 and body["NeutronError"]["type"] == "NetworkNotFound",
             "another project's network is a 404 NetworkNotFound", body)
        st, body, _ = s.request("GET", f"/v2.0/ports/{port['id']}", token=member)
        t.ok(st == 404 and body["NeutronError"]["type"] == "PortNotFound",
             "another project's port is a 404 PortNotFound", body)
        st, body, _ = s.request("POST", "/v2.0/networks", {"network": {
            "name": "m", "provider:network_type": "vlan"}}, token=member)
        t.ok(st == 403 and body["NeutronError"]["type"] == "PolicyNotAuthorized",
             "a member setting provider:network_type gets 403", body)
        # A shared network: visible to the member, who may attach ports but not delete it
        st, pub, _ = s.request("POST", "/v2.0/networks", {"network": {
            "name": "pub", "shared": True, "provider:network_type": "vlan",
            "provider:physical_network": "physnet1", "provider:segmentation_id": 300}},
            token=admin)
        s.request("POST", "/v2.0/subnets", {"subnet": {"network_id": pub["network"]["id"],
                                                      "ip_version": 4, "cidr": "198.51.100.0/24"}},
                  token=admin)
        st, seen, _ = s.request("GET", "/v2.0/networks", token=member)
        t.ok([n["name"] for n in seen["networks"]] == ["pub"]
             and "provider:segmentation_id" not in seen["networks"][0],
             "the member sees the shared network, without provider attributes", seen)
        st, mp, _ = s.request("POST", "/v2.0/ports", {"port": {"network_id": pub["network"]["id"]}},
                              token=member)
        st2, msg, _ = s.request("GET", "/v2.0/security-groups", token=member)
        t.ok(st == 201 and mp["port"]["project_id"] != net["project_id"]
             and mp["port"]["security_groups"] == [g["id"] for g in msg["security_groups"]]
             and "binding:vif_type" not in mp["port"],
             "the member's port on it: its project, its default group, no binding:* shown",
             (mp, msg))
        st, body, _ = s.request("DELETE", f"/v2.0/networks/{pub['network']['id']}", token=member)
        t.ok(st == 403 and body["NeutronError"]["type"] == "PolicyNotAuthorized",
             "the member cannot delete the shared network", body)
        st, body, _ = s.request("PUT", f"/v2.0/networks/{pub['network']['id']}",
                                {"network": {"name": "mine"}}, token=member)
        t.ok(st == 403 and body["NeutronError"]["message"]
             == "(rule:update_network) is disallowed by policy",
             "the member cannot rename the shared network", body)
        st, body, _ = s.request("PUT", f"/v2.0/networks/{net['id']}",
                                {"network": {"name": "mine"}}, token=member)
        t.ok(st == 404 and body["NeutronError"]["type"] == "NetworkNotFound",
             "another project's network cannot be updated: 404", body)
        st, body, _ = s.request("PUT", f"/v2.0/ports/{mp['port']['id']}", {"port": {
            "binding:host_id": "compute1"}}, token=member)
        t.ok(st == 403, "the member cannot bind its port (binding:host_id is admin-only)", body)

        st, body, _ = s.request("GET", "/v2.0/agents", token=member)
        t.ok(st == 200 and body == {"agents": []}, "agents are not shown to a member", body)
        rc, _, err = s.osc("project", "create", "p3", user="u2", password="pw2", project="p2")
        t.ok(rc != 0 and "403" in err, "a member cannot create projects", err)

        # Security groups and agents through the client
        rc, rule, err = s.osc("security", "group", "rule", "create", "--protocol", "tcp",
                              "--dst-port", "22", sgs["security_groups"][0]["id"])
        t.ok(rc == 0 and rule["port_range_min"] == 22 and rule["direction"] == "ingress",
             "security group rule create on the default group", rule or err)
        rc, sg, err = s.osc("security", "group", "create", "web-sg")
        rc2, _, err2 = s.osc("security", "group", "delete", "web-sg", as_json=False)
        t.ok(rc == 0 and rc2 == 0, "security group create and delete", err + err2)
        agent_id = agents[0]["ID"]
        rc, _, err = s.osc("network", "agent", "set", "--disable", agent_id, as_json=False)
        rc2, shown, err2 = s.osc("network", "agent", "show", agent_id)
        t.ok(rc == 0 and rc2 == 0 and shown["admin_state_up"] is False
             and shown["configuration"]["device_mappings"] == {"physnet1": ["enp4s0f1"]},
             "network agent set --disable; show has the device_mappings", shown or err + err2)
        rc, _, err = s.osc("network", "agent", "delete", agent_id, as_json=False)
        rc2, agents2, err2 = s.osc("network", "agent", "list")
        t.ok(rc == 0 and agents2 == [], "network agent delete", err + err2)

        # Changing a password ends the user's tokens; a disabled project cannot be used
        rc, _, err = s.osc("user", "set", "--password", "pw3", "u2", as_json=False)
        st, body, _ = s.request("GET", "/v2.0/networks", token=member)
        t.ok(rc == 0 and st == 401, "user set --password: the old token is revoked", (err, body))
        member = s.token("u2", "pw3", "p2")
        st, _, _ = s.request("GET", "/v2.0/networks", token=member)
        t.eq(st, 200, "the new password works")
        rc, _, err = s.osc("project", "set", "--disable", "p2", as_json=False)
        rc2, _, err2 = s.osc("network", "list", user="u2", password="pw3", project="p2",
                             as_json=False)
        t.ok(rc == 0 and rc2 != 0 and "401" in err2,
             "project set --disable: no token for it any more", err + err2)

        rc, ports, err = s.osc("port", "list")
        t.ok(rc == 0 and len(ports) == 2 and set(ports[0]) == {
            "ID", "Name", "MAC Address", "Fixed IP Addresses", "Status"},
            "port list (fields=...)", ports or err)
        rc, _, err = s.osc("port", "delete", "sr-iov", as_json=False)
        t.ok(rc == 0, "port delete sr-iov", err)
        rc, _, err = s.osc("token", "issue")
        t.ok(rc == 0, "token issue", err)

        t.eq(s.stop(), 0, "SIGTERM: clean shutdown, exit 0 (no leaks under ASan)")
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
