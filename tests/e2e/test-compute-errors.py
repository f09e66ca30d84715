#!/usr/bin/python3
"""Bad input to the compute and image APIs of vfnet-server: Nova's error
bodies and statuses, microversion negotiation, bounded requests (413),
refused configuration (one line naming the entry), refused host reports,
policy, and that a refused boot leaves nothing behind (no instance, no
claimed VF, no bound port).  Usage: test-compute-errors.py PATH/TO/vfnet-server"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from compute_sim import NOVA_CONF, ComputeServer, seed_hosts  # noqa: E402
from vfnet_server import Tap  # noqa: E402


def nova_err(t, got, status, key, text, desc):
    st, doc, _ = got
    msg = (doc or {}).get(key, {}).get("message", "") if isinstance(doc, dict) else ""
    t.ok(st == status and isinstance(doc, dict) and doc.get(key, {}).get("code") == status
         and text in msg, f"{desc}: {status} {key}", (st, doc))


def refused_start(t, binary, conf, text, desc):
    with ComputeServer(binary, nova_conf=conf) as s:
        p = subprocess.run(s.args(), capture_output=True, text=True, timeout=30)
        lines = [x for x in p.stderr.splitlines() if x.strip()]
        t.ok(p.returncode != 0 and len(lines) == 1 and text in lines[0],
             f"refuses to start: {desc}", p.stderr)


def main():
    t = Tap()
    binary = sys.argv[1]
    refused_start(t, binary, "[filter_scheduler]\nenabled_filters = ComputeFilter, NoSuchFilter\n",
                  "nova.conf:2: unknown scheduler filter 'NoSuchFilter'", "unknown filter name")
    refused_start(t, binary, '[pci]\npassthrough_whitelist = {"devname": "eth0", "address": '
                  '"0000:01:00.0", "physical_network": "p"}\n',
                  "nova.conf:2: Invalid PCI Whitelist: The PCI whitelist can specify devname or "
                  "address, but not both",
                  "malformed whitelist entry (devname and address)")
    refused_start(t, binary, '[pci]\nalias = {"name": "a", "vendor_id": "8086", "bogus": 1}\n',
                  "Invalid PCI alias definition", "malformed alias JSON")

    with ComputeServer(binary) as s:
        s.bootstrap()
        s.start()
        tok = s.token()
        hosts = seed_hosts(s, tok)
        for h in hosts:
            h.start(tok)
        R = s.request

        # Microversions.
        st, _, hd = R("GET", "/v2.1/flavors", token=tok,
                      headers={"OpenStack-API-Version": "compute 2.60"})
        t.ok(st == 200 and hd["OpenStack-API-Version"] == "compute 2.60"
             and hd["X-OpenStack-Nova-API-Version"] == "2.60",
             "OpenStack-API-Version compute 2.60 is echoed in both headers", dict(hd))
        st, _, hd = R("GET", "/v2.1/flavors", token=tok,
                      headers={"X-OpenStack-Nova-API-Version": "latest"})
        t.eq(hd["X-OpenStack-Nova-API-Version"], "2.93", "latest is 2.93")
        st, _, hd = R("GET", "/v2.1/flavors", token=tok)
        t.eq(hd["OpenStack-API-Version"], "compute 2.1", "no header: 2.1")
        nova_err(t, R("GET", "/v2.1/flavors", token=tok,
                      headers={"X-OpenStack-Nova-API-Version": "2.x"}), 400, "badRequest",
                 "is of invalid format", "a malformed microversion")
        nova_err(t, R("GET", "/v2.1/flavors", token=tok,
                      headers={"OpenStack-API-Version": "compute 2.200"}), 406, "computeFault",
                 "Minimum is 2.1 and maximum is 2.93", "a microversion above the maximum")
        nova_err(t, R("GET", "/v2.1/flavors"), 401, "unauthorized", "requires authentication",
                 "no token")
        nova_err(t, R("GET", "/v2.1/nothing", token=tok), 404, "itemNotFound",
                 "could not be found", "an unknown compute path")
        nova_err(t, R("PATCH", "/v2.1/flavors", {}, token=tok), 405, "badMethod", "not allowed",
                 "a method the path does not serve")

        # Images and flavors.
        st, img, _ = R("POST", "/image/v2/images", {"name": "cirros", "disk_format": "qcow2",
                                                     "container_format": "bare"}, token=tok)
        st, queued, _ = R("POST", "/image/v2/images", {"name": "empty", "disk_format": "qcow2",
                                                        "container_format": "bare"}, token=tok)
        R("PUT", f"/image/v2/images/{img['id']}/file", raw=b"\0" * 64, token=tok,
          headers={"Content-Type": "application/octet-stream"})
        st, doc, _ = R("POST", "/image/v2/images", {"name": "x", "disk_format": "floppy"}, token=tok)
        t.ok(st == 400 and "Invalid disk format" in str(doc), "image create: bad disk_format 400", doc)
        st, doc, _ = R("POST", "/image/v2/images", {"name": "x", "status": "active"}, token=tok)
        t.ok(st == 403 and "read-only" in str(doc), "image create: status is read-only 403", doc)
        st, doc, _ = R("PUT", f"/image/v2/images/{img['id']}/file", raw=b"x", token=tok,
                       headers={"Content-Type": "application/octet-stream"})
        t.ok(st == 409, "uploading twice: 409", (st, doc))
        st, doc, _ = R("GET", "/image/v2/images/cirros", token=tok)
        t.eq(st, 404, "image show by name is 404 (the client then lists ?name=)")

        st, fl, _ = R("POST", "/v2.1/flavors", {"flavor": {"name": "m1.tiny", "ram": 512,
                                                           "vcpus": 1, "disk": 1}}, token=tok)
        nova_err(t, R("POST", "/v2.1/flavors", {"flavor": {"name": "m1.tiny", "ram": 1, "vcpus": 1,
                                                           "disk": 1}}, token=tok),
                 409, "conflictingRequest", "Flavor with name m1.tiny already exists",
                 "flavor create with a taken name")
        nova_err(t, R("POST", "/v2.1/flavors", {"flavor": {"name": "bad", "ram": -5, "vcpus": 1,
                                                           "disk": 1}}, token=tok),
                 400, "badRequest", "ram", "flavor create with a negative ram")
        nova_err(t, R("POST", "/v2.1/flavors", {"flavor": {"name": "bad", "vcpus": 1, "disk": 1}},
                      token=tok), 400, "badRequest", "'ram' is a required property",
                 "flavor create without ram")
        nova_err(t, R("GET", "/v2.1/flavors/m1.tiny", token=tok), 404, "itemNotFound",
                 "Flavor m1.tiny could not be found", "flavor show by name")
        nova_err(t, R("POST", f"/v2.1/flavors/{fl['flavor']['id']}/os-extra_specs",
                      {"extra_specs": {"k": ["list"]}}, token=tok), 400, "badRequest",
                 "must be a string", "an extra spec that is not a string")
        st, fla, _ = R("POST", "/v2.1/flavors", {"flavor": {"name": "alias", "ram": 512, "vcpus": 1,
                                                            "disk": 1}}, token=tok)
        R("POST", f"/v2.1/flavors/{fla['flavor']['id']}/os-extra_specs",
          {"extra_specs": {"pci_passthrough:alias": "nosuch:1"}}, token=tok)

        # A member may not do admin things.
        s.osc("project", "create", "p2")
        s.osc("user", "create", "--password", "pw2", "u2")
        s.osc("role", "add", "--project", "p2", "--user", "u2", "member", as_json=False)
        mtok = s.token("u2", "pw2", "p2")
        nova_err(t, R("POST", "/v2.1/flavors", {"flavor": {"name": "m", "ram": 1, "vcpus": 1,
                                                           "disk": 1}}, token=mtok),
                 403, "forbidden", "os-flavor-manage:create", "a member creating a flavor")
        nova_err(t, R("GET", "/v2.1/os-hypervisors", token=mtok), 403, "forbidden", "os-hypervisors",
                 "a member listing hypervisors")
        nova_err(t, R("POST", "/v2.1/vfnet/compute-report", hosts[0].report_body, token=mtok), 403,
                 "forbidden", "admin or service role", "a member posting a host report")

        # Host reports.
        bad = dict(hosts[0].report_body, device_spec=['{"devname": "em1", "address": "0000:0b:00.0"}'])
        nova_err(t, R("POST", "/v2.1/vfnet/compute-report", bad, token=tok), 400, "badRequest",
                 "Invalid compute host report", "a report with a malformed device_spec")
        bad = dict(hosts[0].report_body)
        del bad["vcpus"]
        nova_err(t, R("POST", "/v2.1/vfnet/compute-report", bad, token=tok), 400, "badRequest",
                 "vcpus", "a report without vcpus")
        nova_err(t, R("GET", "/v2.1/vfnet/compute-tasks", token=tok), 400, "badRequest",
                 "host is required", "tasks without ?host=")
        nova_err(t, R("POST", "/v2.1/vfnet/compute-tasks/nope", {"result": "ok"}, token=tok), 404,
                 "itemNotFound", "nope", "an answer to an unknown task")

        # Boots refused before anything is recorded.
        st, net, _ = R("POST", "/v2.0/networks", {"network": {
            "name": "web", "provider:network_type": "vlan", "provider:physical_network": "physnet1"}},
            token=tok)
        R("POST", "/v2.0/subnets", {"subnet": {"network_id": net["network"]["id"],
                                               "cidr": "192.0.2.0/24", "ip_version": 4}}, token=tok)
        st, port, _ = R("POST", "/v2.0/ports", {"port": {"network_id": net["network"]["id"],
                                                          "binding:vnic_type": "direct"}}, token=tok)
        pid = port["port"]["id"]

        def boot(**kw):
            body = {"name": "vm", "imageRef": img["id"], "flavorRef": fl["flavor"]["id"],
                    "networks": [{"port": pid}]}
            body.update(kw)
            return R("POST", "/v2.1/servers", {"server": body}, token=tok)

        nova_err(t, boot(flavorRef="nosuch"), 400, "badRequest", "Flavor nosuch could not be found",
                 "unknown flavor")
        nova_err(t, boot(imageRef="nosuch"), 400, "badRequest", "Image nosuch could not be found",
                 "unknown image")
        nova_err(t, boot(imageRef=queued["id"]), 400, "badRequest", "is not active",
                 "an image without data")
        nova_err(t, boot(networks=[{"port": "nosuch"}]), 400, "badRequest",
                 "Port id nosuch could not be found", "unknown port")
        nova_err(t, boot(networks=[{"uuid": "nosuch"}]), 400, "badRequest",
                 "Network nosuch could not be found", "unknown network")
        nova_err(t, boot(networks=[{"port": pid}, {"port": pid}]), 400, "badRequest",
                 "more than once", "the same port twice")
        nova_err(t, boot(flavorRef=fla["flavor"]["id"]), 400, "badRequest",
                 "nosuch", "a flavor asking for an undefined PCI alias")
        nova_err(t, boot(networks=[{"port": pid}] * 17), 413, "overLimit",
                 "Maximum number of ports exceeded", "17 NICs")
        nova_err(t, boot(max_count=2), 400, "badRequest", "single configured port ID",
                 "max_count 2 on one port")
        nova_err(t, boot(min_count=3, max_count=2), 400, "badRequest", "min_count must be <= "
                 "max_count", "min_count above max_count")
        nova_err(t, boot(name=""), 400, "badRequest", "name", "an empty name")
        nova_err(t, boot(key_name="mykey"), 400, "badRequest", "Invalid key_name provided",
                 "a key pair (none are served)")
        st, doc, _ = R("POST", "/v2.1/servers", raw=b'{"server": ', token=tok)
        t.ok(st == 400 and "badRequest" in doc, "malformed JSON: 400 badRequest", doc)
        nova_err(t, R("POST", "/v2.1/servers", raw=b"[" + b" " * 200000 + b"]", token=tok), 413,
                 "overLimit", "too large", "a body over max_request_body_size")
        nova_err(t, boot(networks=None) if False else R("POST", "/v2.1/servers", {"server": {
            "name": "vm", "imageRef": img["id"], "flavorRef": fl["flavor"]["id"]}}, token=tok,
            headers={"X-OpenStack-Nova-API-Version": "2.37"}), 400, "badRequest",
            "'networks' is a required property", "no networks at 2.37")
        st, doc, _ = R("GET", "/v2.1/servers", token=tok)
        st2, p, _ = R("GET", f"/v2.0/ports/{pid}", token=tok)
        st3, hv, _ = R("GET", "/v2.1/vfnet/compute-hosts", token=tok)
        free = sum(x["count"] for h in hv["hosts"] for x in h["pci_stats"]
                   if x["dev_type"] == "type-VF")
        t.ok(doc["servers"] == [] and p["port"]["binding:host_id"] == "" and free == 7 + 7 + 4,
             "after the refused boots: no server, the port unbound, every VF free",
             (doc, p["port"]["binding:host_id"], free))
        nova_err(t, R("GET", "/v2.1/servers?name=%5Bunclosed", token=tok), 400, "badRequest",
                 "not a valid regular expression", "a name filter that is not a regex")
        nova_err(t, R("GET", "/v2.1/servers/nosuch", token=tok), 404, "itemNotFound",
                 "Instance nosuch could not be found", "show an unknown server")
        nova_err(t, R("DELETE", "/v2.1/servers/nosuch", token=tok), 404, "itemNotFound",
                 "Instance nosuch could not be found", "delete an unknown server")

        # Nova's schema and policy on a boot (each was accepted, then ERROR).
        nova_err(t, boot(networks=[{"port": pid, "fixed_ip": "999.9.9.9"}]), 400, "badRequest",
                 "'999.9.9.9' is not a 'ip-address'", "a fixed_ip that is no address")
        nova_err(t, boot(metadata={"k" * 300: "v"}), 400, "badRequest",
                 "a key of 1-255 characters", "a 300-character metadata key")
        nova_err(t, boot(metadata={"k": "v" * 256}), 400, "badRequest",
                 "at most 255 characters", "a 256-character metadata value")
        nova_err(t, boot(metadata=["k"]), 400, "badRequest", "metadata", "metadata not an object")
        nova_err(t, boot(colour="blue"), 400, "badRequest",
                 "Additional properties are not allowed ('colour' was unexpected)",
                 "an unknown member of server")
        nova_err(t, R("POST", "/v2.1/servers", {"server": {
            "name": "forced", "imageRef": img["id"], "flavorRef": fl["flavor"]["id"],
            "availability_zone": "nova:compute1", "networks": [{"port": pid}]}},
            token=mtok), 403, "forbidden", "os_compute_api:servers:create:forced_host",
            "a member forcing a host (nova:compute1)")

        # A member does not see the admin's servers.
        st, doc, _ = boot()
        sid = doc["server"]["id"]
        nova_err(t, R("GET", f"/v2.1/servers/{sid}", token=mtok), 404, "itemNotFound", sid,
                 "another project's server is not found")
        st, doc, _ = R("GET", "/v2.1/servers?all_tenants=1", token=mtok)
        t.ok(st == 200 and doc["servers"] == [], "all_tenants is ignored for a member", doc)

        # Services.
        nova_err(t, R("PUT", "/v2.1/os-services/disable", {"host": "nosuch", "binary": "nova-compute"},
                      token=tok), 404, "itemNotFound", "nosuch", "disabling an unknown host")
        nova_err(t, R("PUT", "/v2.1/os-services/enable", {"host": "compute1", "binary": "nova-compute",
                                                          "disabled_reason": "x"}, token=tok),
                 400, "badRequest", "disabled_reason", "enable with a reason")
        st, svcs, _ = R("GET", "/v2.1/os-services", token=tok,
                        headers={"OpenStack-API-Version": "compute 2.53"})
        c1 = [x for x in svcs["services"] if x["host"] == "compute1"][0]
        nova_err(t, R("PUT", f"/v2.1/os-services/{c1['id']}", {"status": "paused"}, token=tok,
                      headers={"OpenStack-API-Version": "compute 2.53"}), 400, "badRequest",
                 "not one of", "status paused")
        st, doc, _ = R("PUT", f"/v2.1/os-services/{c1['id']}", {"forced_down": True}, token=tok,
                       headers={"OpenStack-API-Version": "compute 2.53"})
        t.ok(st == 200 and doc["service"]["forced_down"] is True and doc["service"]["state"] == "down",
             "forced_down: the service is down", doc)
        for h in hosts:
            h.stop()
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
