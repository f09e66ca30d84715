#!/usr/bin/python3
"""Bad input of every kind against vfnet-server, over raw HTTP: each error
in the body format the clients parse, and nothing left behind.
Usage: test-server-errors.py PATH/TO/vfnet-server"""
import sys
import time

sys.path.insert(0, __import__("os").path.dirname(__file__))
from vfnet_server import Server, Tap  # noqa: E402


def neutron(t, got, status, etype, text, desc):
    st, body, _ = got
    ok = (st == status and isinstance(body, dict) and "NeutronError" in body
          and body["NeutronError"].get("type") == etype
          and text in body["NeutronError"].get("message", "")
          and body["NeutronError"].get("detail") == "")
    return t.ok(ok, desc, got[:2])


def keystone(t, got, status, text, desc):
    st, body, _ = got
    ok = (st == status and isinstance(body, dict) and "error" in body
          and body["error"].get("code") == status and "title" in body["error"]
          and text in body["error"].get("message", ""))
    return t.ok(ok, desc, got[:2])


def count(s, tok, what):
    st, body, _ = s.request("GET", f"/v2.0/{what}", token=tok)
    return len(body[what.replace("-", "_")])


def main():
    t = Tap()
    with Server(sys.argv[1], extra_conf="max_request_body_size = 4096\nagent_down_time = 1") as s:
        s.bootstrap()
        s.start()
        tok = s.token()
        R = s.request

        neutron(t, R("POST", "/v2.0/networks", raw=b'{"network": {"name": "x",}}', token=tok),
                400, "HTTPBadRequest", "line 1, column 26", "malformed JSON: 400 naming the position")
        neutron(t, R("POST", "/v2.0/networks", raw=b'[1]', token=tok), 400, "HTTPBadRequest",
                "must be a JSON object", "a non-object body: 400")
        neutron(t, R("POST", "/v2.0/networks", {"network": {"name": "x", "colour": "red"}},
                     token=tok), 400, "HTTPBadRequest", "Unrecognized attribute(s) 'colour'",
                "unknown attribute: 400")
        neutron(t, R("POST", "/v2.0/networks", {"network": {"admin_state_up": "maybe"}},
                     token=tok), 400, "HTTPBadRequest",
                "Invalid input for admin_state_up. Reason: 'maybe' cannot be converted to boolean",
                "wrong type: 400")
        neutron(t, R("POST", "/v2.0/networks", {"net": {}}, token=tok), 400, "HTTPBadRequest",
                "Unable to find 'network' in request body", "missing resource key: 400")
        neutron(t, R("POST", "/v2.0/networks", {"network": {"status": "DOWN"}}, token=tok), 400,
                "HTTPBadRequest", "Attribute 'status' not allowed in POST", "read-only attribute: 400")
        neutron(t, R("POST", "/v2.0/ports", {"port": {"name": "p"}}, token=tok), 400,
                "HTTPBadRequest", "Required attribute 'network_id' not specified",
                "missing required attribute: 400")
        neutron(t, R("POST", "/v2.0/ports", {"port": {"network_id": "nope"}}, token=tok), 400,
                "HTTPBadRequest", "'nope' is not a valid UUID", "bad UUID: 400")
        neutron(t, R("POST", "/v2.0/ports", {"port": {
            "network_id": "11111111-2222-3333-4444-555555555555", "binding:vnic_type": "fast"}},
            token=tok), 400, "HTTPBadRequest", "'fast' is not in the list of valid vnic types",
            "bad vnic_type: 400")
        neutron(t, R("POST", "/v2.0/ports", {"port": {
            "network_id": "11111111-2222-3333-4444-555555555555"}}, token=tok), 404,
            "NetworkNotFound", "Network 11111111-2222-3333-4444-555555555555 could not be found.",
            "port on a missing network: 404")

        neutron(t, R("POST", "/v2.0/networks", {"network": {"": True}}, token=tok), 400,
                "HTTPBadRequest", "Unrecognized attribute(s) ''", "an empty attribute name: 400")
        neutron(t, R("POST", "/v2.0/networks", raw=b'{"network": {"name": "a", "name": "b"}}',
                     token=tok), 400, "HTTPBadRequest", "duplicate object key",
                "a duplicate key: 400")

        # provider network errors (Neutron's InvalidInput texts, 409 VlanIdInUse)
        P = lambda **kw: R("POST", "/v2.0/networks", {"network": kw}, token=tok)  # noqa: E731
        neutron(t, P(**{"provider:network_type": "vlan", "provider:physical_network": "physX"}),
                400, "InvalidInput", "physical_network 'physX' unknown for VLAN provider network",
                "unknown physnet: 400")
        neutron(t, P(**{"provider:network_type": "vlan", "provider:segmentation_id": 16}), 400,
                "InvalidInput", "segmentation_id requires physical_network for VLAN provider "
                "network", "segmentation_id without physnet: 400")
        neutron(t, P(**{"provider:network_type": "vlan", "provider:physical_network": "physnet1",
                        "provider:segmentation_id": 4095}), 400, "InvalidInput",
                "segmentation_id out of range (1 through 4094)", "VLAN out of range: 400")
        st, n1, _ = P(**{"provider:network_type": "vlan", "provider:physical_network": "physnet1",
                         "provider:segmentation_id": 100})
        t.ok(st == 201 and n1["network"]["provider:segmentation_id"] == 100,
             "provider VLAN outside the project range is allowed", n1)
        neutron(t, P(**{"provider:network_type": "vlan", "provider:physical_network": "physnet1",
                        "provider:segmentation_id": 100}), 409, "VlanIdInUse",
                "The VLAN 100 on physical network physnet1 is in use.", "VLAN in use: 409")
        neutron(t, P(**{"provider:network_type": "vxlan"}), 400, "HTTPBadRequest",
                "network_type value 'vxlan' not supported", "unsupported network type: 400")
        st, flat, _ = P(**{"provider:network_type": "flat", "provider:physical_network": "physnet2"})
        t.ok(st == 201 and flat["network"]["provider:segmentation_id"] is None, "flat network", flat)
        neutron(t, P(**{"provider:network_type": "flat", "provider:physical_network": "physnet2"}),
                409, "FlatNetworkInUse", "Physical network physnet2 is in use",
                "second flat network on a physnet: 409")
        neutron(t, P(**{"provider:network_type": "flat", "provider:physical_network": "physnet1"}),
                400, "InvalidInput", "physical_network 'physnet1' unknown for flat provider network",
                "flat physnet not in flat_networks: 400")

        # subnets
        nid = n1["network"]["id"]
        S = lambda **kw: R("POST", "/v2.0/subnets", {"subnet": dict(network_id=nid, ip_version=4, **kw)}, token=tok)  # noqa: E731,E501
        neutron(t, S(cidr="10.0.0.1/24"), 400, "HTTPBadRequest", "'10.0.0.0/24' is recommended",
                "CIDR with host bits: 400")
        neutron(t, S(cidr="10.0.0.0/24", allocation_pools=[{"start": "10.0.0.1", "end": "10.0.0.9"}]),
                400, "HTTPBadRequest", "Gateway ip 10.0.0.1 conflicts with allocation pool",
                "pool over the gateway: 400")
        neutron(t, S(cidr="10.0.0.0/24", allocation_pools=[{"start": "10.0.1.1", "end": "10.0.1.9"}]),
                400, "HTTPBadRequest", "spans beyond the subnet cidr", "pool outside the subnet: 400")
        fid = flat["network"]["id"]
        S2 = lambda **kw: R("POST", "/v2.0/subnets", {"subnet": dict(network_id=fid, ip_version=4, **kw)}, token=tok)  # noqa: E731,E501
        neutron(t, S2(cidr="10.3.0.0/24", dns_nameservers=["8.8.8.8", "dns.example"]), 400,
                "HTTPBadRequest", "'dns.example' is not a valid nameserver", "a bad nameserver: 400")
        neutron(t, S2(cidr="10.3.0.0/24", dns_nameservers=["8.8.8.8", "8.8.8.8"]), 400,
                "HTTPBadRequest", "Duplicate nameserver '8.8.8.8'", "a duplicate nameserver: 400")
        neutron(t, S2(cidr="10.3.0.0/24", host_routes=[{"destination": "10.0.0.0/33",
                                                       "nexthop": "10.3.0.1"}]), 400,
                "HTTPBadRequest", "Invalid data format for hostroute", "a bad host route: 400")
        neutron(t, S2(cidr="10.3.0.0/24", dns_nameservers=["8.8.8.8", "2001:db8::53"]), 400,
                "InvalidInput", "Invalid input for operation: dns_nameserver '2001:db8::53' does "
                "not match the ip_version '4'.", "a nameserver of the other family: 400")
        st, okn, _ = S2(cidr="10.3.0.0/24", dns_nameservers=["8.8.8.8", "8.8.4.4"],
                       host_routes=[{"destination": "10.4.0.0/16", "nexthop": "10.3.0.1"}])
        t.ok(st == 201 and okn["subnet"]["dns_nameservers"] == ["8.8.8.8", "8.8.4.4"]
             and okn["subnet"]["host_routes"][0]["nexthop"] == "10.3.0.1",
             "nameservers and host routes are kept", okn)
        st, tiny, _ = S(cidr="10.9.0.0/30")
        t.ok(st == 201 and tiny["subnet"]["allocation_pools"] == [{"start": "10.9.0.2", "end": "10.9.0.2"}],
             "a /30 subnet has one free address", tiny)
        neutron(t, S(cidr="10.9.0.0/29"), 400, "InvalidInput", "overlaps with another subnet",
                "overlapping subnet: 400")
        st, p1, _ = R("POST", "/v2.0/ports", {"port": {"network_id": nid}}, token=tok)
        t.eq(st, 201, "a port takes the one address")
        ports_before = count(s, tok, "ports")
        neutron(t, R("POST", "/v2.0/ports", {"port": {"network_id": nid}}, token=tok), 409,
                "IpAddressGenerationFailure", f"No more IP addresses available on network {nid}.",
                "no address left: 409")
        t.eq(count(s, tok, "ports"), ports_before, "the failed create left no port behind")
        st, p2, _ = R("POST", "/v2.0/ports", {"port": {"network_id": nid, "fixed_ips": []}}, token=tok)
        t.ok(st == 201 and p2["port"]["fixed_ips"] == [], "a port with fixed_ips [] needs no address", p2)
        neutron(t, R("POST", "/v2.0/ports", {"port": {"network_id": nid, "mac_address":
                                                       p1["port"]["mac_address"], "fixed_ips": []}},
                     token=tok), 409, "MacAddressInUse", "is in use", "duplicate MAC: 409")
        neutron(t, R("PUT", f"/v2.0/ports/{p1['port']['id']}", {"port": {
            "allowed_address_pairs": [{"mac_address": "fa:16:3e:00:00:01"}]}}, token=tok), 400,
            "HTTPBadRequest", "AllowedAddressPair must contain ip_address",
            "an address pair without ip_address: 400")
        st, ap, _ = R("PUT", f"/v2.0/ports/{p1['port']['id']}", {"port": {
            "allowed_address_pairs": [{"ip_address": "10.9.0.0/30"}]}}, token=tok)
        t.ok(st == 200 and ap["port"]["allowed_address_pairs"] == [{"ip_address": "10.9.0.0/30"}],
             "allowed address pairs are kept", ap)
        neutron(t, R("PUT", f"/v2.0/ports/{p1['port']['id']}", {"port": {"status": "ACTIVE"}},
                     token=tok), 400, "HTTPBadRequest", "Cannot update read-only attribute status",
                "updating a read-only attribute: 400")
        neutron(t, R("PUT", f"/v2.0/ports/{p1['port']['id']}", {"port": {
            "port_security_enabled": False, "security_groups": p1["port"]["security_groups"]}},
            token=tok), 400, "PortSecurityAndIPRequiredForSecurityGroups",
            "Port security must be enabled", "groups without port security: 400")
        # fixed IPs asked for
        st, fx, _ = R("POST", "/v2.0/networks", {"network": {"name": "fx"}}, token=tok)
        fnid = fx["network"]["id"]
        st, fs, _ = R("POST", "/v2.0/subnets", {"subnet": {"network_id": fnid, "ip_version": 4,
                                                          "cidr": "10.7.0.0/24"}}, token=tok)
        F = lambda ips: R("POST", "/v2.0/ports", {"port": {"network_id": fnid, "fixed_ips": ips}}, token=tok)  # noqa: E731,E501
        st, fp, _ = F([{"ip_address": "10.7.0.50"}])
        t.ok(st == 201 and fp["port"]["fixed_ips"] == [{"subnet_id": fs["subnet"]["id"],
                                                        "ip_address": "10.7.0.50"}],
             "a port with the address it asked for", fp)
        neutron(t, F([{"ip_address": "10.7.0.50"}]), 409, "IpAddressAlreadyAllocated",
                "IP address 10.7.0.50 already allocated in subnet", "the same address again: 409")
        neutron(t, F([{"ip_address": "10.8.0.5"}]), 400, "InvalidIpForNetwork",
                "IP address 10.8.0.5 is not a valid IP for any of the subnets",
                "an address outside the network's subnets: 400")
        neutron(t, F([{"subnet_id": fs["subnet"]["id"], "ip_address": "10.7.0.255"}]), 400,
                "InvalidIpForSubnet", "is not a valid IP for the specified subnet",
                "the broadcast address: 400")
        neutron(t, F([{"subnet_id": tiny["subnet"]["id"]}]), 400, "InvalidInput",
                "because fixed_ips included invalid subnet", "a subnet of another network: 400")
        st, fp2, _ = F([{"subnet_id": fs["subnet"]["id"]}])
        t.ok(st == 201 and fp2["port"]["fixed_ips"][0]["ip_address"] != "10.7.0.50",
             "a subnet without an address: any free one", fp2)
        st, _, _ = R("DELETE", f"/v2.0/ports/{fp['port']['id']}", token=tok)
        st, fp3, _ = F([{"ip_address": "10.7.0.50"}])
        t.eq(st, 201, "a deleted port's address can be taken again")
        neutron(t, R("DELETE", f"/v2.0/subnets/{fs['subnet']['id']}", token=tok), 409,
                "SubnetInUse", "One or more ports have an IP allocation from this subnet",
                "deleting a subnet with addresses in use: 409")

        neutron(t, R("DELETE", f"/v2.0/networks/{nid}", token=tok), 409, "NetworkInUse",
                "There are one or more ports still in use on the network", "deleting a network "
                "with ports: 409")
        neutron(t, R("GET", "/v2.0/ports?limit=x", token=tok), 400, "HTTPBadRequest",
                "Bad limit request", "bad limit: 400")
        neutron(t, R("GET", "/v2.0/ports?admin_state_up=perhaps", token=tok), 400,
                "HTTPBadRequest", "cannot be converted to boolean", "bad boolean filter: 400")

        # paging, filters, fields
        st, pg, _ = R("GET", "/v2.0/ports?limit=1", token=tok)
        t.ok(st == 200 and len(pg["ports"]) == 1 and pg["ports_links"][0]["rel"] == "next"
             and "marker=" in pg["ports_links"][0]["href"], "limit gives a next link", pg)
        st, pg2, _ = R("GET", f"/v2.0/ports?limit=1&marker={pg['ports'][0]['id']}", token=tok)
        t.ok(st == 200 and len(pg2["ports"]) == 1 and pg2["ports"][0]["id"] != pg["ports"][0]["id"],
             "marker gives the next page", pg2)
        st, fl, _ = R("GET", f"/v2.0/ports?network_id={nid}&fields=id&fields=mac_address", token=tok)
        t.ok(st == 200 and len(fl["ports"]) == 2 and all(set(p) == {"id", "mac_address"} for p in fl["ports"]),
             "network_id filter and fields", fl)
        st, fl, _ = R("GET", "/v2.0/networks?provider:network_type=flat", token=tok)
        t.ok(st == 200 and [n["id"] for n in fl["networks"]] == [flat["network"]["id"]],
             "provider attribute filter", fl)

        # agents: dead after agent_down_time; binding skips a dead agent
        rep = {"agent": {"binary": "neutron-sriov-nic-agent", "host": "c1",
                         "agent_type": "NIC Switch agent",
                         "configurations": {"device_mappings": {"physnet1": ["eth1"]}}}}
        st, a, _ = R("POST", "/v2.0/vfnet/agent-report", rep, token=tok)
        t.ok(st == 201 and a["agent"]["alive"] is True, "a reported agent is alive", a)
        st, a2, _ = R("POST", "/v2.0/vfnet/agent-report", rep, token=tok)
        t.ok(st == 200 and a2["agent"]["id"] == a["agent"]["id"],
             "a second report updates the same agent", a2)
        time.sleep(2.2)
        st, a3, _ = R("GET", f"/v2.0/agents/{a['agent']['id']}", token=tok)
        t.ok(a3["agent"]["alive"] is False, "no heartbeat for agent_down_time: dead", a3)
        st, bp, _ = R("POST", "/v2.0/ports", {"port": {"network_id": nid, "fixed_ips": [],
                      "binding:vnic_type": "direct", "binding:host_id": "c1"}}, token=tok)
        t.ok(st == 201 and bp["port"]["binding:vif_type"] == "binding_failed",
             "binding with a dead agent fails", bp)
        R("POST", "/v2.0/vfnet/agent-report", rep, token=tok)
        st, bp2, _ = R("PUT", f"/v2.0/ports/{bp['port']['id']}", {"port": {
            "binding:host_id": "c1"}}, token=tok)
        t.ok(bp2["port"]["binding:vif_type"] == "hw_veb"
             and bp2["port"]["binding:vif_details"]["vlan"] == "100",
             "alive again: the port binds, vlan \"100\"", bp2)
        st, dp, _ = R("POST", "/v2.0/ports", {"port": {"network_id": nid, "fixed_ips": [],
                      "binding:vnic_type": "direct-physical", "binding:host_id": "nohost"}},
                      token=tok)
        t.ok(dp["port"]["binding:vif_type"] == "hostdev_physical"
             and dp["port"]["status"] == "ACTIVE",
             "direct-physical binds without an agent, ACTIVE", dp)
        st, na, _ = R("POST", "/v2.0/vfnet/agent-report", {"agent": {
            "host": "c2", "agent_type": "Open vSwitch agent", "binary": "neutron-openvswitch-agent"}},
            token=tok)
        t.ok(st == 201 and na["agent"]["configurations"] == {},
             "a report without configurations: an agent with none", na)
        neutron(t, R("POST", "/v2.0/vfnet/agent-report", {"agent": {"host": "x"}}, token=tok),
                400, "HTTPBadRequest", "An agent report needs", "a malformed agent report: 400")

        # auth
        keystone(t, R("GET", "/v2.0/networks"), 401, "requires authentication", "no token: 401")
        keystone(t, R("GET", "/v2.0/networks", token="bogus"), 401, "requires authentication",
                 "bad token: 401")
        keystone(t, R("POST", "/v3/auth/tokens", {"auth": {"identity": {"methods": ["password"],
                  "password": {"user": {"name": "admin", "domain": {"name": "Default"},
                                        "password": "wrong"}}}}}), 401, "requires authentication",
                 "wrong password: 401")
        keystone(t, R("POST", "/v3/auth/tokens", raw=b"{"), 400, "Malformed JSON",
                 "malformed auth body: 400 Keystone body")
        st, v, h = R("GET", "/v3/auth/tokens", token=tok, headers={"X-Subject-Token": tok})
        t.ok(st == 200 and v["token"]["project"]["name"] == "admin"
             and any(c["type"] == "network" for c in v["token"]["catalog"]),
             "GET /v3/auth/tokens validates with catalog", v)
        st, _, _ = R("HEAD", "/v3/auth/tokens", token=tok, headers={"X-Subject-Token": tok})
        t.eq(st, 200, "HEAD /v3/auth/tokens: 200")
        other = s.token()
        st, _, _ = R("DELETE", "/v3/auth/tokens", token=tok, headers={"X-Subject-Token": other})
        t.eq(st, 204, "DELETE /v3/auth/tokens revokes")
        keystone(t, R("GET", "/v2.0/networks", token=other), 401, "requires authentication",
                 "a revoked token: 401")
        keystone(t, R("GET", "/v3/roles/member", token=tok), 404, "Could not find role: member.",
                 "role by name as id: 404 (what OSC expects)")

        # updates: merged, stamped, checked
        st, n, _ = R("POST", "/v2.0/networks", {"network": {"name": "upd"}}, token=tok)
        nid = n["network"]["id"]
        st, u, _ = R("PUT", f"/v2.0/networks/{nid}", {"network": {"name": "upd2",
                     "admin_state_up": False}}, token=tok)
        t.ok(st == 200 and u["network"]["name"] == "upd2" and not u["network"]["admin_state_up"]
             and u["network"]["revision_number"] == n["network"]["revision_number"] + 1
             and u["network"]["provider:segmentation_id"]
             == n["network"]["provider:segmentation_id"],
             "network update: given attributes merged, revision bumped, the rest kept", u)
        neutron(t, R("PUT", f"/v2.0/networks/{nid}", {"network": {"status": "DOWN"}}, token=tok),
                400, "HTTPBadRequest", "Cannot update read-only attribute status",
                "updating a read-only attribute: 400")
        neutron(t, R("PUT", "/v2.0/networks/00000000-0000-0000-0000-000000000000",
                     {"network": {"name": "x"}}, token=tok), 404, "NetworkNotFound",
                "00000000-0000-0000-0000-000000000000", "updating an unknown network: 404")
        st, sn, _ = R("POST", "/v2.0/subnets", {"subnet": {"network_id": nid, "ip_version": 4,
                                                          "cidr": "203.0.113.0/28"}}, token=tok)
        neutron(t, R("PUT", f"/v2.0/subnets/{sn['subnet']['id']}",
                     {"subnet": {"gateway_ip": "203.0.113.2"}}, token=tok), 409,
                "GatewayConflictWithAllocationPools",
                "Gateway ip 203.0.113.2 conflicts with allocation pool 203.0.113.2-203.0.113.14.",
                "subnet gateway moved into its pool: 409")
        st, u, _ = R("PUT", f"/v2.0/subnets/{sn['subnet']['id']}",
                     {"subnet": {"name": "s2", "dns_nameservers": ["192.0.2.53"]}}, token=tok)
        t.ok(st == 200 and u["subnet"]["name"] == "s2"
             and u["subnet"]["dns_nameservers"] == ["192.0.2.53"]
             and u["subnet"]["gateway_ip"] == sn["subnet"]["gateway_ip"],
             "subnet update: name and dns changed, gateway kept", u)
        st, sgs, _ = R("GET", "/v2.0/security-groups?name=default", token=tok)
        dflt = sgs["security_groups"][0]["id"]
        neutron(t, R("PUT", f"/v2.0/security-groups/{dflt}",
                     {"security_group": {"name": "other"}}, token=tok), 409,
                "SecurityGroupCannotUpdateDefault", "Updating default security group not allowed.",
                "renaming the default security group: 409")
        st, u, _ = R("PUT", f"/v2.0/security-groups/{dflt}",
                     {"security_group": {"description": "d"}}, token=tok)
        t.ok(st == 200 and u["security_group"]["name"] == "default"
             and u["security_group"]["description"] == "d",
             "the default group's description can change", u)

        # routing and size
        neutron(t, R("GET", "/v2.0/nothing", token=tok), 404, "HTTPNotFound",
                "The resource could not be found.", "unknown path: 404")
        neutron(t, R("PATCH", "/v2.0/networks", {}, token=tok), 405, "HTTPMethodNotAllowed",
                "PATCH", "wrong method: 405")
        keystone(t, R("PUT", "/v3/auth/tokens", {}, token=tok), 405, "PUT", "wrong method on "
                 "identity: 405 Keystone body")
        neutron(t, R("POST", "/v2.0/networks", raw=b'{"network": {"name": "' + b"x" * 5000 + b'"}}',
                     token=tok), 413, "HTTPRequestEntityTooLarge", "exceeds 4096 bytes",
                "body over max_request_body_size: 413")
        st, e, _ = R("GET", "/v2.0/extensions/tag-ports-during-bulk-creation", token=tok)
        t.eq(st, 404, "an extension not implemented: 404")
        st, e, _ = R("GET", "/v2.0/extensions", token=tok)
        aliases = {x["alias"] for x in e["extensions"]}
        t.ok({"binding", "provider", "port-security", "security-group", "agent"} <= aliases,
             "extensions list names what is implemented", aliases)
        t.eq(s.stop(), 0, "SIGTERM: clean shutdown, exit 0")
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
