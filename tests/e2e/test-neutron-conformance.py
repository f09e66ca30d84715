#!/usr/bin/python3
"""Neutron's semantics where the clients and Neutron's own API tests step
outside the seed's workflow, with the real `openstack` client and raw HTTP:
integers given as strings, the extension aliases, port fixed_ips, bulk
create, security group rule validation, IPv6 subnets and dual-stack ports.
Usage: test-neutron-conformance.py PATH/TO/vfnet-server"""
import ipaddress
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from vfnet_server import ML2_CONF, Server, Tap  # noqa: E402


def neutron(t, got, status, etype, text, desc):
    st, body, _ = got
    ok = (st == status and isinstance(body, dict) and "NeutronError" in body
          and body["NeutronError"].get("type") == etype
          and text in body["NeutronError"].get("message", ""))
    return t.ok(ok, desc, got[:2])


def integers(t, s, tok):
    R = s.request
    rc, net, err = s.osc("network", "create", "--provider-network-type", "vlan",
                         "--provider-physical-network", "physnet1", "--provider-segment", "17",
                         "seg17")
    t.ok(rc == 0 and net["provider:segmentation_id"] == 17,
         "network create --provider-segment 17 (sent as a string): VLAN 17", err or net)
    st, body, _ = R("POST", "/v2.0/networks", {"network": {
        "provider:network_type": "vlan", "provider:physical_network": "physnet1",
        "provider:segmentation_id": " 18 "}}, token=tok)
    t.ok(st == 201 and body["network"]["provider:segmentation_id"] == 18,
         "segmentation_id \" 18 \": converted as int() does", (st, body))
    neutron(t, R("POST", "/v2.0/networks", {"network": {
        "provider:network_type": "vlan", "provider:physical_network": "physnet1",
        "provider:segmentation_id": "abc"}}, token=tok), 400, "InvalidInput",
        "Invalid input for operation: 'abc' is not an integer.", "segmentation_id 'abc': 400")
    neutron(t, R("GET", "/v2.0/networks?provider:segmentation_id=x", token=tok), 400,
            "HTTPBadRequest", "'x' is not an integer", "an integer filter that is not: 400")
    st, body, _ = R("POST", "/v2.0/subnets", {"subnet": {
        "network_id": net["id"], "cidr": "10.9.0.0/24", "ip_version": "4"}}, token=tok)
    t.ok(st == 201 and body["subnet"]["ip_version"] == 4, "ip_version \"4\": 4", (st, body))
    return net


def extensions(t, s, tok):
    st, e, _ = s.request("GET", "/v2.0/extensions", token=tok)
    aliases = {x["alias"] for x in e["extensions"]}
    want = {"agent", "allowed-address-pairs", "binding", "external-net", "net-mtu", "quotas",
            "port-security", "project-id", "provider", "security-group",
            "quota_details", "standard-attr-description", "standard-attr-revisions", "standard-attr-timestamp"}
    t.eq(aliases, want, "extensions: Neutron's aliases of what is implemented")
    st, _, _ = s.request("GET", "/v2.0/extensions/net-mtu", token=tok)
    t.eq(st, 200, "GET /v2.0/extensions/net-mtu: 200")
    rc, out, err = s.osc("extension", "list", "--network")
    t.ok(rc == 0 and "net-mtu" in {x["Alias"] for x in out}, "extension list --network", err)


def member(s, adm, name, project):
    """A user with the member role on a new project; its token."""
    R = s.request
    roles = {r["name"]: r["id"] for r in R("GET", "/v3/roles", token=adm)[1]["roles"]}
    st, proj, _ = R("POST", "/v3/projects", {"project": {"name": project}}, token=adm)
    st, u, _ = R("POST", "/v3/users", {"user": {"name": name, "password": "pw"}}, token=adm)
    R("PUT", f"/v3/projects/{proj['project']['id']}/users/{u['user']['id']}/roles/"
      f"{roles['member']}", token=adm)
    return s.token(name, "pw", project)


def fixed_ips(t, s, tok, net):
    R = s.request
    rc, sub, err = s.osc("subnet", "create", "--network", net["id"], "--subnet-range",
                         "10.8.0.0/24", "--allocation-pool", "start=10.8.0.10,end=10.8.0.50", "s8")
    rc, port, err = s.osc("port", "create", "--network", net["id"], "--fixed-ip",
                          f"subnet={sub['id']},ip-address=10.8.0.11", "p8")
    t.ok(rc == 0, "port create with a fixed IP", err)
    rc, _, err = s.osc("port", "set", "--fixed-ip", f"subnet={sub['id']},ip-address=10.8.0.12",
                       port["id"], as_json=False)
    rc2, p, err2 = s.osc("port", "show", port["id"])
    ips = sorted(i["ip_address"] for i in p["fixed_ips"]) if p else None
    t.ok(rc == 0 and ips == ["10.8.0.11", "10.8.0.12"], "port set --fixed-ip adds an address",
         err or err2 or ips)
    rc, _, err = s.osc("port", "unset", "--fixed-ip", f"subnet={sub['id']},ip-address=10.8.0.11",
                       port["id"], as_json=False)
    rc2, p, err2 = s.osc("port", "show", port["id"])
    ips = [i["ip_address"] for i in p["fixed_ips"]] if p else None
    t.ok(rc == 0 and ips == ["10.8.0.12"], "port unset --fixed-ip removes one", err or err2 or ips)
    st, other, _ = R("POST", "/v2.0/ports", {"port": {
        "network_id": net["id"], "fixed_ips": [{"ip_address": "10.8.0.11"}]}}, token=tok)
    t.eq(st, 201, "the removed address is free again")
    neutron(t, R("PUT", f"/v2.0/ports/{port['id']}", {"port": {"fixed_ips": [
        {"ip_address": "10.8.0.12"}, {"ip_address": "10.8.0.11"}]}}, token=tok), 409,
        "IpAddressAlreadyAllocated", f"IP address 10.8.0.11 already allocated in subnet {sub['id']}",
        "adding an address another port has: 409")
    neutron(t, R("PUT", f"/v2.0/ports/{port['id']}", {"port": {"fixed_ips": [
        {"subnet_id": "11111111-2222-3333-4444-555555555555"}]}}, token=tok), 400, "InvalidInput",
        "because fixed_ips included invalid subnet 11111111-2222-3333-4444-555555555555",
        "a subnet of another network: 400")
    st, p, _ = R("GET", f"/v2.0/ports/{port['id']}", token=tok)
    t.eq([i["ip_address"] for i in p["port"]["fixed_ips"]], ["10.8.0.12"],
         "a refused update leaves the port's addresses")
    st, p, _ = R("PUT", f"/v2.0/ports/{port['id']}", {"port": {"fixed_ips": [
        {"subnet_id": sub["id"]}]}}, token=tok)
    t.ok(st == 200 and [i["ip_address"] for i in p["port"]["fixed_ips"]] == ["10.8.0.12"],
         "a subnet asked again keeps the port's address on it", (st, p))

    # The fixed_ips list filter.
    rc, ports, err = s.osc("port", "list", "--fixed-ip", "ip-address=10.8.0.12")
    t.ok(rc == 0 and [x["ID"] for x in ports] == [port["id"]],
         "port list --fixed-ip ip-address=: the one port", err or ports)
    # The security_groups filter: the ports holding the group, among
    # others; a group no port holds finds none.
    rc, grp, err = s.osc("security", "group", "create", "filtered")
    t.ok(rc == 0, "security group create filtered", err)
    st, p, _ = R("GET", f"/v2.0/ports/{port['id']}", token=tok)
    own = p["port"]["security_groups"]
    st, p, _ = R("PUT", f"/v2.0/ports/{port['id']}", {"port": {"security_groups": own + [
        grp["id"]]}}, token=tok)
    t.ok(st == 200 and p["port"]["security_groups"] == own + [grp["id"]],
         "a port in two groups", (st, p))
    # (The client's own --security-group is refused by its SDK before it
    # sends anything: "Invalid query params: security_groups".)
    st, body, _ = R("GET", f"/v2.0/ports?security_groups={grp['id']}", token=tok)
    t.ok(st == 200 and [x["id"] for x in body["ports"]] == [port["id"]],
         "?security_groups=: the one port in it", (st, body))
    rc, _, err = s.osc("security", "group", "delete", grp["id"], as_json=False)
    t.ok(rc != 0 and f"Security Group {grp['id']} in use." in err,
         "a group a port holds second is in use", err)
    R("PUT", f"/v2.0/ports/{port['id']}", {"port": {"security_groups": own}}, token=tok)
    st, body, _ = R("GET", f"/v2.0/ports?security_groups={grp['id']}", token=tok)
    t.ok(st == 200 and body["ports"] == [], "?security_groups=: none once it left", (st, body))
    rc, _, err = s.osc("security", "group", "delete", grp["id"], as_json=False)
    t.ok(rc == 0, "a group no port holds is deleted", err)
    st, body, _ = R("GET", f"/v2.0/ports?fixed_ips=subnet_id%3D{sub['id']}", token=tok)
    t.eq(sorted(x["id"] for x in body["ports"]), sorted([port["id"], other["port"]["id"]]),
         "?fixed_ips=subnet_id%3D: the subnet's ports")
    st, body, _ = R("GET", "/v2.0/ports?fixed_ips=ip_address%3D10.8.0.99", token=tok)
    t.eq(body["ports"], [], "?fixed_ips=ip_address%3D an unused address: none")
    neutron(t, R("GET", "/v2.0/ports?fixed_ips=10.8.0.12", token=tok), 400, "HTTPBadRequest",
            "'10.8.0.12' is not of the form <key>=[value]", "a fixed_ips filter without key: 400")

    # MAC: chosen on create, changed while unbound.
    st, p, _ = R("PUT", f"/v2.0/ports/{port['id']}", {"port": {"mac_address": "fa:16:3e:00:00:99"}},
                 token=tok)
    t.ok(st == 200 and p["port"]["mac_address"] == "fa:16:3e:00:00:99",
         "an unbound port's MAC changed by the admin", (st, p))

    # Subnet gateway and pools.
    rc, _, err = s.osc("subnet", "set", "--gateway", "10.8.0.254", sub["id"], as_json=False)
    rc2, sb, err2 = s.osc("subnet", "show", sub["id"])
    t.ok(rc == 0 and sb["gateway_ip"] == "10.8.0.254", "subnet set --gateway", err or err2)
    rc, _, err = s.osc("subnet", "set", "--allocation-pool", "start=10.8.0.60,end=10.8.0.70",
                       sub["id"], as_json=False)
    rc2, sb, err2 = s.osc("subnet", "show", sub["id"])
    t.ok(rc == 0 and {"start": "10.8.0.60", "end": "10.8.0.70"} in sb["allocation_pools"],
         "subnet set --allocation-pool adds a pool", err or err2 or sb)
    neutron(t, R("PUT", f"/v2.0/subnets/{sub['id']}", {"subnet": {"gateway_ip": "10.8.0.20"}},
                 token=tok), 409, "GatewayConflictWithAllocationPools",
            "Gateway ip 10.8.0.20 conflicts with allocation pool 10.8.0.10-10.8.0.50.",
            "a gateway inside a pool: 409")
    neutron(t, R("PUT", f"/v2.0/subnets/{sub['id']}", {"subnet": {"gateway_ip": "10.9.0.1"}},
                 token=tok), 400, "InvalidInput", "Gateway is not valid on subnet",
            "a gateway outside the subnet: 400")
    neutron(t, R("PUT", f"/v2.0/subnets/{sub['id']}", {"subnet": {"allocation_pools": [
        {"start": "10.8.0.200", "end": "10.8.1.5"}]}}, token=tok), 400, "HTTPBadRequest",
        "spans beyond the subnet cidr", "a pool beyond the subnet: 400")


def visibility(t, s, adm):
    R = s.request
    bob = member(s, adm, "bob", "B")
    st, ext, _ = R("POST", "/v2.0/networks", {"network": {"name": "public",
                                                          "router:external": True}}, token=adm)
    st, priv, _ = R("POST", "/v2.0/networks", {"network": {"name": "private"}}, token=adm)
    st, body, _ = R("GET", "/v2.0/networks", token=bob)
    names = {n["name"] for n in body["networks"]}
    t.ok("public" in names and "private" not in names,
         "an external network is listed to every project, a private one not", names)
    st, _, _ = R("GET", f"/v2.0/networks/{ext['network']['id']}", token=bob)
    t.eq(st, 200, "an external network is shown to every project")
    neutron(t, R("PUT", f"/v2.0/networks/{ext['network']['id']}", {"network": {"name": "x"}},
                 token=bob), 403, "PolicyNotAuthorized", "update_network",
            "... and not updated by them")
    # A network's owner chooses a port's MAC on it (not only the admin).
    st, own, _ = R("POST", "/v2.0/networks", {"network": {"name": "bobs"}}, token=bob)
    st, p, _ = R("POST", "/v2.0/ports", {"port": {"network_id": own["network"]["id"],
                                                  "mac_address": "fa:16:3e:12:34:56"}}, token=bob)
    t.ok(st == 201 and p["port"]["mac_address"] == "fa:16:3e:12:34:56",
         "the network's owner creates a port with a chosen MAC", (st, p))
    neutron(t, R("PUT", f"/v2.0/ports/{p['port']['id']}", {"port": {
        "mac_address": "fa:16:3e:12:34:57"}}, token=bob), 403, "PolicyNotAuthorized",
        "update_port:mac_address", "a member changing a MAC: 403 (admin only)")


def bulk(t, s, tok):
    R = s.request
    count = lambda what: len(R("GET", f"/v2.0/{what}", token=tok)[1][what])  # noqa: E731
    nets0 = count("networks")
    st, body, _ = R("POST", "/v2.0/networks", {"networks": [{"name": "b1"}, {"name": "b2"}]},
                    token=tok)
    t.ok(st == 201 and [n["name"] for n in body["networks"]] == ["b1", "b2"]
         and all(n["status"] == "ACTIVE" for n in body["networks"]),
         "bulk network create: 201 with both, in order", (st, body))
    b1, b2 = (n["id"] for n in body["networks"])
    t.eq(count("networks"), nets0 + 2, "both networks stored")
    neutron(t, R("POST", "/v2.0/networks", {"networks": [
        {"name": "b3"}, {"name": "b4", "provider:network_type": "vlan",
                         "provider:physical_network": "physnet1",
                         "provider:segmentation_id": 17}]}, token=tok), 409, "VlanIdInUse",
        "VLAN 17", "bulk with a VLAN in use: 409")
    t.eq(count("networks"), nets0 + 2, "... and the first network of that bulk not kept")
    neutron(t, R("POST", "/v2.0/networks", {"networks": [{"name": "ok"}, {"colour": "red"}]},
                 token=tok), 400, "HTTPBadRequest", "Unrecognized attribute(s) 'colour'",
            "bulk with an invalid item: 400")
    neutron(t, R("POST", "/v2.0/networks", {"networks": []}, token=tok), 400, "HTTPBadRequest",
            "Resources required", "an empty bulk: 400")

    st, body, _ = R("POST", "/v2.0/subnets", {"subnets": [
        {"network_id": b1, "cidr": "10.51.0.0/24", "ip_version": 4},
        {"network_id": b2, "cidr": "10.52.0.0/24", "ip_version": 4}]}, token=tok)
    t.ok(st == 201 and [x["cidr"] for x in body["subnets"]] == ["10.51.0.0/24", "10.52.0.0/24"],
         "bulk subnet create", (st, body))
    neutron(t, R("POST", "/v2.0/subnets", {"subnets": [
        {"network_id": b1, "cidr": "10.53.0.0/24", "ip_version": 4},
        {"network_id": b1, "cidr": "10.53.0.0/25", "ip_version": 4}]}, token=tok), 400,
        "InvalidInput", "overlaps with another subnet", "bulk subnets overlapping each other: 400")
    st, body, _ = R("GET", f"/v2.0/subnets?network_id={b1}", token=tok)
    t.eq(len(body["subnets"]), 1, "... and neither kept")

    st, body, _ = R("POST", "/v2.0/ports", {"ports": [
        {"network_id": b1, "name": "bp1"}, {"network_id": b1, "name": "bp2"},
        {"network_id": b2, "name": "bp3", "fixed_ips": [{"ip_address": "10.52.0.7"}]}]},
        token=tok)
    t.ok(st == 201 and [p["name"] for p in body["ports"]] == ["bp1", "bp2", "bp3"]
         and body["ports"][2]["fixed_ips"][0]["ip_address"] == "10.52.0.7"
         and len({p["mac_address"] for p in body["ports"]}) == 3,
         "bulk port create: three ports, distinct MACs", (st, body))
    ports0 = count("ports")
    neutron(t, R("POST", "/v2.0/ports", {"ports": [
        {"network_id": b2, "fixed_ips": [{"ip_address": "10.52.0.8"}]},
        {"network_id": b2, "fixed_ips": [{"ip_address": "10.52.0.8"}]}]}, token=tok), 409,
        "IpAddressAlreadyAllocated", "10.52.0.8", "bulk ports asking one address twice: 409")
    t.eq(count("ports"), ports0, "... and no port kept")
    st, body, _ = R("POST", "/v2.0/ports", {"port": {
        "network_id": b2, "fixed_ips": [{"ip_address": "10.52.0.8"}]}}, token=tok)
    t.eq(st, 201, "the address of the refused bulk is free")


def secgroup_rules(t, s, tok):
    R = s.request
    rc, sg, err = s.osc("security", "group", "create", "web")
    t.ok(rc == 0, "security group create web", err)
    rc, ssh, err = s.osc("security", "group", "rule", "create", "--protocol", "tcp",
                         "--dst-port", "22", "web")
    t.ok(rc == 0 and ssh["port_range_min"] == 22 and ssh["port_range_max"] == 22,
         "rule create --protocol tcp --dst-port 22", err)
    rc, _, err = s.osc("security", "group", "rule", "create", "--protocol", "tcp",
                       "--dst-port", "22", "web")
    t.ok(rc != 0 and f"Security group rule already exists. Rule id is {ssh['id']}." in err,
         "the same rule again: 409 naming the existing rule", err)
    rc, _, err = s.osc("security", "group", "rule", "create", "--protocol", "6",
                       "--dst-port", "22", "web")
    t.ok(rc != 0 and ssh["id"] in err, "protocol 6 is tcp: the same rule", err)
    rc, icmp, err = s.osc("security", "group", "rule", "create", "--protocol", "icmp",
                          "--icmp-type", "8", "--icmp-code", "0", "web")
    t.ok(rc == 0 and icmp["port_range_min"] == 8 and icmp["port_range_max"] == 0,
         "ICMP type 8 code 0 (not a port range)", err or icmp)
    rc, v6, err = s.osc("security", "group", "rule", "create", "--ethertype", "IPv6",
                        "--protocol", "icmp", "web")
    t.ok(rc == 0 and v6["protocol"] == "ipv6-icmp", "IPv6 icmp stored as ipv6-icmp", err or v6)
    rc, pr, err = s.osc("security", "group", "rule", "create", "--protocol", "udp",
                        "--dst-port", "53", "--remote-ip", "10.1.2.3/8", "web")
    st, raw, _ = R("GET", f"/v2.0/security-group-rules/{pr['id']}", token=tok) if pr else (0, {}, 0)
    t.ok(rc == 0 and pr["remote_ip_prefix"] == "10.1.2.3/8"
         and raw["security_group_rule"]["normalized_cidr"] == "10.0.0.0/8",
         "remote_ip_prefix kept, normalized_cidr its network", err or raw)

    base = {"security_group_id": sg["id"], "direction": "ingress"}
    post = lambda **kw: R("POST", "/v2.0/security-group-rules",  # noqa: E731
                          {"security_group_rule": dict(base, **kw)}, token=tok)
    neutron(t, post(protocol="foo"), 400, "SecurityGroupRuleInvalidProtocol",
            "Security group rule protocol foo not supported.", "protocol foo: 400")
    st, body, _ = post(protocol=17, port_range_min="5000", port_range_max="5001")
    t.ok(st == 201 and body["security_group_rule"]["protocol"] == "17"
         and body["security_group_rule"]["port_range_min"] == 5000,
         "protocol as an integer, ports as strings", (st, body))
    neutron(t, post(protocol="icmp", port_range_min=300), 400, "SecurityGroupInvalidIcmpValue",
            "Invalid value for ICMP type (port_range_min) 300. It must be 0 to 255.",
            "ICMP type 300: 400")
    neutron(t, post(protocol="icmp", port_range_max=1), 400, "SecurityGroupMissingIcmpType",
            "ICMP code (port-range-max) 1 is provided but ICMP type (port-range-min) is missing.",
            "ICMP code without type: 400")
    neutron(t, post(protocol="tcp", port_range_min=90, port_range_max=80), 400,
            "SecurityGroupInvalidPortRange", "port_range_min must be <= port_range_max",
            "tcp 90-80: 400")
    neutron(t, post(port_range_min=80, port_range_max=80), 400,
            "SecurityGroupProtocolRequiredWithPorts",
            "Must also specify protocol if port range is given.", "ports without protocol: 400")
    neutron(t, post(ethertype="IPv6", remote_ip_prefix="10.0.0.0/8"), 400,
            "SecurityGroupRuleParameterConflict",
            "Conflicting value ethertype IPv6 for CIDR 10.0.0.0/8", "IPv6 rule, IPv4 prefix: 400")
    neutron(t, post(protocol="ipv6-icmp"), 400, "SecurityGroupEthertypeConflictWithProtocol",
            "Invalid ethertype IPv4 for protocol ipv6-icmp.", "IPv4 rule for ipv6-icmp: 400")
    neutron(t, post(remote_ip_prefix="10.0.0.0/8", remote_group_id=sg["id"]), 400,
            "SecurityGroupRemoteGroupAndRemoteIpPrefix",
            "Only remote_ip_prefix or remote_group_id may be provided.", "both remotes: 400")
    neutron(t, post(remote_group_id="11111111-2222-3333-4444-555555555555"), 404,
            "SecurityGroupNotFound", "11111111-2222-3333-4444-555555555555 does not exist",
            "a remote group that does not exist: 404")
    # Neutron does not validate it as a UUID: any id that is no group is 404.
    neutron(t, post(remote_group_id="bad_group_id"), 404, "SecurityGroupNotFound",
            "Security group bad_group_id does not exist", "a remote group id that is no UUID: 404")
    neutron(t, post(remote_ip_prefix="10.0.0.0/40"), 400, "InvalidCIDR",
            "Invalid CIDR 10.0.0.0/40 given as IP prefix.", "a bad prefix: 400")
    neutron(t, R("PUT", f"/v2.0/security-groups/{sg['id']}", {"security_group": {
        "name": "Default"}}, token=tok), 409, "SecurityGroupDefaultAlreadyExists",
        "Default security group already exists.", "renaming a group to Default: 409")
    rc, rules, err = s.osc("security", "group", "rule", "list", "web")
    t.ok(rc == 0 and len(rules) == 2 + 5, "the group has its two egress rules and five more",
         err or rules)


def eui64(prefix, mac):
    """Neutron's get_ipv6_addr_by_EUI64."""
    b = bytes(int(x, 16) for x in mac.split(":"))
    iid = bytes([b[0] ^ 2]) + b[1:3] + b"\xff\xfe" + b[3:]
    return str(ipaddress.IPv6Network(prefix)[int.from_bytes(iid, "big")])


def ipv6(t, s, tok):
    R = s.request
    rc, net, err = s.osc("network", "create", "dual")
    rc, s4, err = s.osc("subnet", "create", "--network", "dual", "--subnet-range",
                        "10.60.0.0/24", "dual-v4")
    rc, early, err = s.osc("port", "create", "--network", "dual", "early")
    t.ok(rc == 0 and len(early["fixed_ips"]) == 1, "a port before any IPv6 subnet: IPv4 only",
         err or early)

    rc, s6, err = s.osc("subnet", "create", "--network", "dual", "--ip-version", "6",
                        "--ipv6-ra-mode", "slaac", "--ipv6-address-mode", "slaac",
                        "--subnet-range", "2001:db8:1::/64", "dual-v6")
    t.ok(rc == 0 and s6["ip_version"] == 6 and s6["cidr"] == "2001:db8:1::/64"
         and s6["gateway_ip"] == "2001:db8:1::1"
         and s6["ipv6_ra_mode"] == "slaac" and s6["ipv6_address_mode"] == "slaac"
         and s6["allocation_pools"] == [{"start": "2001:db8:1::2",
                                         "end": "2001:db8:1:0:ffff:ffff:ffff:ffff"}],
         "subnet create --ip-version 6 slaac: Neutron's gateway and pool", err or s6)
    rc, p, err = s.osc("port", "show", early["id"])
    got = {i["subnet_id"]: i["ip_address"] for i in p["fixed_ips"]} if p else {}
    t.eq(got.get(s6["id"]), eui64("2001:db8:1::/64", early["mac_address"]),
         "the port already there gets the EUI-64 address of its MAC")

    rc, port, err = s.osc("port", "create", "--network", "dual", "p6")
    got = {i["subnet_id"]: i["ip_address"] for i in port["fixed_ips"]} if port else {}
    t.ok(rc == 0 and len(got) == 2 and ipaddress.ip_address(got[s4["id"]]).version == 4
         and got[s6["id"]] == eui64("2001:db8:1::/64", port["mac_address"]),
         "port create: dual-stack, its IPv6 address the EUI-64 of its MAC", err or port)
    rc, ports, err = s.osc("port", "list", "--fixed-ip", f"ip-address={got.get(s6['id'])}")
    t.ok(rc == 0 and [x["ID"] for x in ports] == [port["id"]],
         "port list --fixed-ip ip-address=<IPv6>: the one port", err or ports)
    st, body, _ = R("GET", f"/v2.0/ports?fixed_ips=subnet_id%3D{s6['id']}", token=tok)
    t.eq(sorted(x["id"] for x in body["ports"]), sorted([early["id"], port["id"]]),
         "?fixed_ips=subnet_id%3D<IPv6 subnet>: every port of the network")

    neutron(t, R("POST", "/v2.0/ports", {"port": {"network_id": net["id"], "fixed_ips": [
        {"subnet_id": s6["id"], "ip_address": "2001:db8:1::99"}]}}, token=tok), 400,
        "AllocationOnAutoAddressSubnet",
        f"IPv6 address 2001:db8:1::99 cannot be directly assigned to a port on subnet "
        f"{s6['id']} as the subnet is configured for automatic addresses",
        "a chosen address on a SLAAC subnet: 400")
    rc, _, err = s.osc("subnet", "create", "--network", "dual", "--ip-version", "6",
                       "--ipv6-ra-mode", "slaac", "--ipv6-address-mode", "slaac",
                       "--subnet-range", "2001:db8:2::/56", "bad56", as_json=False)
    t.ok(rc != 0 and "Invalid CIDR 2001:db8:2::/56 for IPv6 address mode. OpenStack uses the "
         "EUI-64 address format, which requires the prefix to be /64" in err,
         "SLAAC on a /56: refused with Neutron's message", err)
    neutron(t, R("POST", "/v2.0/subnets", {"subnet": {
        "network_id": net["id"], "ip_version": 6, "cidr": "2001:db8:2::/64",
        "ipv6_ra_mode": "slaac", "ipv6_address_mode": "dhcpv6-stateless"}}, token=tok), 400,
        "InvalidInput", "ipv6_ra_mode set to 'slaac' with ipv6_address_mode set to "
        "'dhcpv6-stateless' is not valid. If both attributes are set, they must be the same "
        "value", "different modes: 400")
    neutron(t, R("POST", "/v2.0/subnets", {"subnet": {
        "network_id": net["id"], "ip_version": 6, "cidr": "2001:db8:2::/64",
        "ipv6_address_mode": "eui64"}}, token=tok), 400, "HTTPBadRequest",
        "'eui64' is not in ['dhcpv6-stateful', 'dhcpv6-stateless', 'slaac']",
        "an unknown mode: 400")
    neutron(t, R("POST", "/v2.0/subnets", {"subnet": {
        "network_id": net["id"], "ip_version": 4, "cidr": "10.61.0.0/24",
        "ipv6_ra_mode": "slaac"}}, token=tok), 400, "InvalidInput",
        "ipv6_ra_mode is not valid when ip_version is 4", "an IPv6 mode on IPv4: 400")
    neutron(t, R("POST", "/v2.0/subnets", {"subnet": {
        "network_id": net["id"], "ip_version": 6, "cidr": "2001:db8:1:0:8000::/80"}},
        token=tok), 400, "InvalidInput", "overlaps with another subnet",
        "an IPv6 prefix inside the SLAAC one: 400")

    # A stateful subnet: addresses from its pool, one per port.
    rc, sf, err = s.osc("subnet", "create", "--network", "dual", "--ip-version", "6",
                        "--ipv6-ra-mode", "dhcpv6-stateful", "--ipv6-address-mode",
                        "dhcpv6-stateful", "--subnet-range", "2001:db8:3::/64",
                        "--dns-nameserver", "2001:db8:3::53", "dual-v6-stateful")
    t.ok(rc == 0 and sf["dns_nameservers"] == ["2001:db8:3::53"],
         "a dhcpv6-stateful subnet with an IPv6 nameserver", err or sf)
    rc, p3, err = s.osc("port", "create", "--network", "dual", "p3")
    got3 = {i["subnet_id"]: i["ip_address"] for i in p3["fixed_ips"]} if p3 else {}
    t.ok(rc == 0 and len(got3) == 3 and
         ipaddress.ip_address(got3[sf["id"]]) in ipaddress.ip_network("2001:db8:3::/64"),
         "a port on IPv4, stateful and SLAAC subnets: three addresses", err or p3)

    # The MAC changes: its EUI-64 address follows.
    rc, _, err = s.osc("port", "set", "--mac-address", "fa:16:3e:6a:00:01", port["id"],
                       as_json=False)
    rc2, p, err2 = s.osc("port", "show", port["id"])
    got = {i["subnet_id"]: i["ip_address"] for i in p["fixed_ips"]} if p else {}
    t.ok(rc == 0 and got.get(s6["id"]) == "2001:db8:1:0:f816:3eff:fe6a:1",
         "port set --mac-address: the SLAAC address follows the MAC", err or err2 or got)

    # Delete: the stateful subnet has a port's address (409); the SLAAC
    # one goes, its addresses leave the ports.
    neutron(t, R("DELETE", f"/v2.0/subnets/{sf['id']}", token=tok), 409, "SubnetInUse",
            "One or more ports have an IP allocation from this subnet",
            "a stateful subnet with an address in use: 409")
    rc, _, err = s.osc("subnet", "delete", s6["id"], as_json=False)
    t.ok(rc == 0, "subnet delete of a SLAAC subnet with ports on it", err)
    rc, p, err = s.osc("port", "show", port["id"])
    t.ok(p and [i["subnet_id"] for i in p["fixed_ips"]] == [s4["id"]],
         "the port keeps its IPv4 address only", err or p)


def versions(t, s, tok):
    for path in ("/v2.0/", "/v2.0"):
        st, body, _ = s.request("GET", path, token=tok)
        t.ok(st == 200 and sorted(r["collection"] for r in body["resources"]) ==
             ["networks", "ports", "subnets"]
             and all(r["links"][0]["href"].endswith("/v2.0/" + r["collection"])
                     for r in body["resources"]),
             f"GET {path}: the core resources with their links", (st, body))
    # The network endpoint has its own root, so GET on it is Neutron's
    # version list (the shared "/" is Keystone's).
    st, body, _ = s.request("POST", "/v3/auth/tokens", {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": "admin", "domain": {"name": "Default"}, "password": "secret"}}},
        "scope": {"project": {"name": "admin", "domain": {"name": "Default"}}}}})
    urls = [e["url"] for c in body["token"]["catalog"] if c["type"] == "network"
            for e in c["endpoints"]]
    t.ok(st == 201 and urls and all(u == s.url + "/networking" for u in urls),
         "the catalog's network endpoint is URL/networking", urls)
    for path in ("/networking", "/networking/"):
        st, body, _ = s.request("GET", path)
        t.ok(st == 200 and body == {"versions": [{
            "id": "v2.0", "status": "CURRENT", "links": [
                {"href": s.url + "/networking/v2.0/", "rel": "self"}]}]},
             f"GET {path}: Neutron's versions, no token needed", (st, body))
    st, body, _ = s.request("GET", "/")
    t.ok(st == 300 and "values" in body.get("versions", {}), "GET /: still Keystone's (300)",
         (st, body))
    st, body, _ = s.request("GET", "/networking/v2.0/networks?limit=1", token=tok)
    t.ok(st == 200 and len(body["networks"]) == 1 and body["networks_links"][0]["href"]
         .startswith(s.url + "/networking/v2.0/networks?limit=1&marker="),
         "a list under the network root: its next link stays under it", (st, body))
    st, body, _ = s.request("GET", "/networking/v2.0/networks?limit=1")
    t.ok(st == 401, "... and it needs a token there too", (st, body))
    st, body, _ = s.request("GET", "/networking/v3/projects", token=tok)
    t.ok(st == 404 and body.get("NeutronError", {}).get("type") == "HTTPNotFound",
         "only the network API lives under it: /networking/v3/... is 404", (st, body))
    st, body, _ = s.request("DELETE", "/networking/", token=tok)
    t.eq(st, 405, "DELETE on the network root: 405")
    rc, out, err = s.osc("network", "list")
    t.ok(rc == 0 and len(out) >= 1, "openstack network list through the catalog's endpoint", err)


def main():
    t = Tap()
    with Server(sys.argv[1]) as s:
        # Room for every project network this test makes.
        with open(s.ml2, "w") as f:
            f.write(ML2_CONF.replace("physnet1:15:20", "physnet1:15:80"))
        s.bootstrap()
        s.start()
        tok = s.token()
        net = integers(t, s, tok)
        extensions(t, s, tok)
        fixed_ips(t, s, tok, net)
        ipv6(t, s, tok)
        visibility(t, s, tok)
        versions(t, s, tok)
        bulk(t, s, tok)
        secgroup_rules(t, s, tok)
        t.eq(s.stop(), 0, "SIGTERM: clean shutdown, exit 0")
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
