#!/usr/bin/python3
"""Neutron's semantics where the clients and Neutron's own API tests step
outside the seed's workflow, with the real `openstack` client and raw HTTP:
integers given as strings, the extension aliases, port fixed_ips, bulk
create, security group rule validation.
Usage: test-neutron-conformance.py PATH/TO/vfnet-server"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from vfnet_server import Server, Tap  # noqa: E402


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
    want = {"agent", "allowed-address-pairs", "binding", "external-net", "net-mtu",
            "port-security", "project-id", "provider", "security-group",
            "standard-attr-description", "standard-attr-revisions", "standard-attr-timestamp"}
    t.eq(aliases, want, "extensions: Neutron's aliases of what is implemented")
    st, _, _ = s.request("GET", "/v2.0/extensions/net-mtu", token=tok)
    t.eq(st, 200, "GET /v2.0/extensions/net-mtu: 200")
    rc, out, err = s.osc("extension", "list", "--network")
    t.ok(rc == 0 and "net-mtu" in {x["Alias"] for x in out}, "extension list --network", err)


def main():
    t = Tap()
    with Server(sys.argv[1]) as s:
        s.bootstrap()
        s.start()
        tok = s.token()
        integers(t, s, tok)
        extensions(t, s, tok)
        t.eq(s.stop(), 0, "SIGTERM: clean shutdown, exit 0")
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
