#!/usr/bin/python3
"""The seed's boot on an SR-IOV port (R14-R16, R26) with the real
`openstack` and `nova` clients against vfnet-server, the compute hosts
played by this test from generated sysfs fixtures: image, flavor m1.tiny,
vlan network on physnet1, direct port, `server create --wait` and `nova boot
--poll` landing on the only host with physnet1 VFs, the port bound as Nova
binds it, delete freeing the VF and unbinding the port, a boot with no free
VF failing with the explaining fault, a failed spawn retried on the next
host, a `{"uuid": NET}` boot creating (and deleting) its port, and the
operator views (hypervisors with PCI pools, services, zones).
Usage: test-compute-workflow.py PATH/TO/vfnet-server"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from compute_sim import ComputeServer, seed_hosts, wait_status  # noqa: E402
from vfnet_server import Tap  # noqa: E402

EM1_VFS = {"0000:0b:10.0", "0000:0b:10.2", "0000:0b:10.4", "0000:0b:10.6", "0000:0b:11.0",
           "0000:0b:11.2", "0000:0b:11.4"}


def nova(s, *args):
    env = s.osc_env()
    p = subprocess.run(["/usr/bin/nova"] + list(args), env=env, capture_output=True, text=True,
                       timeout=180)
    return p.returncode, p.stdout, p.stderr


def pools(s, tok, host):
    st, doc, _ = s.request("GET", "/v2.1/vfnet/compute-hosts", token=tok)
    for h in doc["hosts"]:
        if h["hostname"] == host:
            return h["pci_stats"]
    return None


def free_on(s, tok, host, physnet):
    return sum(p["count"] for p in pools(s, tok, host)
               if p.get("physical_network") == physnet and p["dev_type"] == "type-VF")


def main():
    t = Tap()
    with ComputeServer(sys.argv[1]) as s:
        s.bootstrap()
        s.start()
        tok = s.token()
        # Many boots in one project: more than Nova's default quotas allow.
        adm_pid = s.request("GET", "/v3/projects?name=admin", token=tok)[1]["projects"][0]["id"]
        s.request("PUT", f"/v2.1/os-quota-sets/{adm_pid}", {"quota_set": {
            "instances": -1, "cores": -1, "ram": -1}}, token=tok)
        hosts = seed_hosts(s, tok)
        for h in hosts:
            h.start(tok)

        # Catalog: compute and image are found by the client.
        rc, cat, err = s.osc("catalog", "list")
        types = {c["Type"] for c in cat or []}
        t.ok(rc == 0 and {"compute", "image", "network", "identity"} <= types,
             "catalog lists compute and image beside identity and network", err or cat)

        # Operator views.
        rc, hv, err = s.osc("hypervisor", "list")
        t.ok(rc == 0 and sorted(h["Hypervisor Hostname"] for h in hv) ==
             ["compute1", "compute2", "compute3"] and all(h["State"] == "up" for h in hv),
             "hypervisor list: the three registered hosts, up", err or hv)
        rc, one, err = s.osc("hypervisor", "show", "compute1")
        t.ok(rc == 0 and one["hypervisor_hostname"] == "compute1" and one["state"] == "up",
             "hypervisor show compute1", err or one)
        hid = next(h["ID"] for h in hv if h["Hypervisor Hostname"] == "compute1")
        st, body, _ = s.request("GET", f"/v2.1/os-hypervisors/{hid}/uptime", token=tok)
        t.ok(st == 200 and " up 3 days, " in body["hypervisor"]["uptime"],
             "os-hypervisors/ID/uptime: from the boot time compute1 reports", (st, body))
        rc, one, err = s.osc("hypervisor", "show", "compute3")
        t.ok(rc == 0 and one["hypervisor_hostname"] == "compute3",
             "hypervisor show compute3 (its uptime: 501, as a driver without it)", err or one)
        hid = next(h["ID"] for h in hv if h["Hypervisor Hostname"] == "compute3")
        st, body, _ = s.request("GET", f"/v2.1/os-hypervisors/{hid}/uptime", token=tok)
        t.ok(st == 501 and body["notImplemented"]["code"] == 501,
             "os-hypervisors/ID/uptime of a host without a boot time: 501", (st, body))
        st, body, _ = s.request("GET", "/v2.1/os-hypervisors/nope/uptime", token=tok)
        t.ok(st == 404 and "itemNotFound" in body, "uptime of an unknown hypervisor: 404", (st, body))
        t.eq(free_on(s, tok, "compute1", "physnet1"), 7,
             "compute1's pools: em1's 7 VFs on physnet1 (seed lines select nothing here)")
        t.eq(free_on(s, tok, "compute2", "physnet2"), 4, "compute2's pools: 4 ConnectX-5 VFs on physnet2")
        t.eq(pools(s, tok, "compute3"), [], "compute3 (no SR-IOV) has no PCI pools")
        rc, svcs, err = s.osc("compute", "service", "list")
        t.ok(rc == 0 and len(svcs) == 3 and all(x["Binary"] == "nova-compute" and x["State"] == "up"
                                               and x["Status"] == "enabled" for x in svcs),
             "compute service list: nova-compute up and enabled on each host", err or svcs)
        rc, zones, err = s.osc("availability", "zone", "list", "--compute")
        t.ok(rc == 0 and [z["Zone Name"] for z in zones] == ["nova"]
             and zones[0]["Zone Status"] == "available",
             "availability zone list --compute: nova, available", err or zones)

        # The seed's workflow.
        img = os.path.join(s.dir, "cirros.img")
        with open(img, "wb") as f:
            f.write(b"QFI\xfb" + bytes(4092))
        rc, image, err = s.osc("image", "create", "--file", img, "--disk-format", "qcow2",
                               "--container-format", "bare", "--public", "cirros")
        t.ok(rc == 0, "image create cirros --file", err)
        rc, image, err = s.osc("image", "show", "cirros")
        t.ok(rc == 0 and image["status"] == "active" and image["size"] == 4096,
             "image show cirros: active, 4096 bytes (found by name)", err or image)
        rc, imgs, err = s.osc("image", "list")
        t.ok(rc == 0 and [(i["ID"], i["Name"], i["Status"]) for i in imgs]
             == [(image["id"], "cirros", "active")], "R26 image list: cirros by its uuid", err or imgs)
        rc, extra, err = s.osc("image", "create", "--disk-format", "raw", "--container-format",
                               "bare", "scratch")
        rc2, _, err2 = s.osc("image", "delete", "scratch", as_json=False)
        rc3, _, err3 = s.osc("image", "show", "scratch", as_json=False)
        t.ok(rc == 0 and rc2 == 0 and rc3 != 0, "image create / delete; a deleted image is gone",
             err or err2 or err3)
        rc, flavor, err = s.osc("flavor", "create", "--ram", "512", "--disk", "1", "--vcpus", "1",
                                "m1.tiny")
        t.ok(rc == 0 and flavor["ram"] == 512 and flavor["vcpus"] == 1, "flavor create m1.tiny", err)
        rc, _, err = s.osc("flavor", "set", "--property", "hw:numa_nodes=1", "m1.tiny", as_json=False)
        rc2, fl, err2 = s.osc("flavor", "show", "m1.tiny")
        t.ok(rc == 0 and rc2 == 0 and fl["properties"] == {"hw:numa_nodes": "1"},
             "flavor set --property: extra_specs stored", err or err2 or fl)
        rc, net, err = s.osc("network", "create", "--provider-network-type", "vlan",
                             "--provider-physical-network", "physnet1", "web")
        vlan = str(net["provider:segmentation_id"]) if net else ""
        rc2, _, err2 = s.osc("subnet", "create", "--network", "web", "--subnet-range",
                             "192.0.2.0/24", "web-sub")
        t.ok(rc == 0 and rc2 == 0, "vlan network web on physnet1 with a subnet", err or err2)
        rc, port, err = s.osc("port", "create", "--network", "web", "--vnic-type", "direct", "sr-iov")
        t.ok(rc == 0, "port create --vnic-type direct sr-iov", err)

        rc, srv, err = s.osc("server", "create", "--flavor", "m1.tiny", "--image", "cirros", "--nic",
                             f"port-id={port['id']}", "--wait", "webserver01")
        t.ok(rc == 0 and srv and srv["status"] == "ACTIVE"
             and srv["OS-EXT-SRV-ATTR:host"] == "compute1",
             "R26 server create --nic port-id --wait: ACTIVE on compute1, the only physnet1 host",
             err or srv)
        t.ok(srv and srv["id"] in hosts[0].spawned, "compute1 was told to spawn it", hosts[0].spawned)
        rc, p, err = s.osc("port", "show", "sr-iov")
        prof = p and p["binding_profile"]
        t.ok(rc == 0 and p["binding_host_id"] == "compute1" and p["binding_vif_type"] == "hw_veb"
             and p["device_owner"] == "compute:nova" and p["device_id"] == srv["id"]
             and p["binding_vif_details"].get("vlan") == vlan,
             "the port is bound: host compute1, hw_veb, compute:nova, the network's VLAN", p)
        t.ok(prof and set(prof) == {"pci_vendor_info", "pci_slot", "physical_network"}
             and prof["pci_vendor_info"] == "8086:10ca" and prof["pci_slot"] in EM1_VFS
             and prof["physical_network"] == "physnet1",
             "binding:profile is exactly Nova's: pci_vendor_info 8086:10ca, an em1 VF, physnet1", prof)
        t.eq(free_on(s, tok, "compute1", "physnet1"), 6, "the VF is claimed: 6 free on physnet1")
        ip = p["fixed_ips"][0]["ip_address"]
        t.ok(srv["addresses"] in ({"web": [ip]}, f"web={ip}"), "addresses come from the port",
             srv["addresses"])

        # nova boot (novaclient at microversion 2.92).
        rc, port2, err = s.osc("port", "create", "--network", "web", "--vnic-type", "direct", "sr-iov2")
        rc, out, err = nova(s, "boot", "--flavor", "m1.tiny", "--image", image["id"], "--nic",
                            f"port-id={port2['id']}", "--poll", "webserver02")
        t.ok(rc == 0 and "Finished" in out and "flavor:original_name" in out,
             "R26 nova boot --image UUID --nic port-id --poll (microversion 2.92): finished",
             err or out)
        rc, p2, err = s.osc("port", "show", "sr-iov2")
        t.ok(p2 and p2["binding_profile"].get("pci_slot") in EM1_VFS
             and p2["binding_profile"]["pci_slot"] != prof["pci_slot"],
             "the second boot got another em1 VF", p2 and p2["binding_profile"])
        rc, lst, err = s.osc("server", "list", "--name", "^webserver0[12]$")
        t.ok(rc == 0 and sorted(x["Name"] for x in lst) == ["webserver01", "webserver02"],
             "server list --name takes a regular expression, as Nova's", err or lst)
        rc, lst, err = s.osc("server", "list", "--name", "server02")
        t.ok(rc == 0 and [x["Name"] for x in lst] == ["webserver02"],
             "server list --name matches anywhere in the name", err or lst)
        rc, out, err = nova(s, "show", "webserver02")
        t.ok(rc == 0 and "compute1" in out and "| ACTIVE " in out,
             "nova show webserver02: ACTIVE on compute1", err or out)

        # A port already bound to an instance.
        st, doc, _ = s.request("POST", "/v2.1/servers", {"server": {
            "name": "dup", "imageRef": image["id"], "flavorRef": flavor["id"],
            "networks": [{"port": port["id"]}]}}, token=tok)
        t.ok(st == 409 and "conflictingRequest" in doc and port["id"] in doc["conflictingRequest"]["message"],
             "a port bound to another instance: 409 conflictingRequest", (st, doc))

        # Fill physnet1, then one more boot: ERROR with the explanation.
        ids = []
        for i in range(5):
            st, pd, _ = s.request("POST", "/v2.0/ports", {"port": {
                "network_id": net["id"], "binding:vnic_type": "direct", "name": f"fill{i}"}}, token=tok)
            st, doc, _ = s.request("POST", "/v2.1/servers", {"server": {
                "name": f"fill{i}", "imageRef": image["id"], "flavorRef": flavor["id"],
                "networks": [{"port": pd["port"]["id"]}]}}, token=tok)
            ids.append(doc["server"]["id"])
        done = wait_status(s, tok, ids)
        t.ok(all(v["status"] == "ACTIVE" for v in done.values()), "five more boots: all ACTIVE",
             [v["status"] for v in done.values()])
        t.eq(free_on(s, tok, "compute1", "physnet1"), 0, "physnet1 is full")
        rc, port3, err = s.osc("port", "create", "--network", "web", "--vnic-type", "direct", "sr-iov3")
        rc, srv3, err = s.osc("server", "create", "--flavor", "m1.tiny", "--image", "cirros", "--nic",
                              f"port-id={port3['id']}", "--wait", "webserver03", as_json=False)
        t.ok("Error creating server" in err + (srv3 or ""), "a boot with no free VF: Error creating server",
             err)
        rc, srv3, err = s.osc("server", "show", "webserver03")
        fault = (srv3 or {}).get("fault") or {}
        t.ok(srv3 and srv3["status"] == "ERROR" and fault.get("code") == 500
             and fault["message"].startswith("No valid host was found.")
             and "PciPassthroughFilter" in fault["message"] and "physnet1" in fault["message"]
             and "all claimed" in fault["message"],
             "the fault explains: PciPassthroughFilter, physnet1, all claimed", srv3)
        t.eq((srv3 or {}).get("OS-EXT-AZ:availability_zone"), "",
             "a server no host took: its zone is \"\" (Nova's schema wants a string)")
        rc, p3, err = s.osc("port", "show", "sr-iov3")
        t.ok(p3["binding_host_id"] == "" and p3["device_id"] == "" and p3["binding_profile"] == {},
             "the failed boot left its port unbound", p3)

        # The same explanation without booting, against the live hosts.
        st, fdoc, _ = s.request("GET", f"/v2.1/flavors/{flavor['id']}", token=tok,
                                headers={"OpenStack-API-Version": "compute 2.61"})
        st, pdoc, _ = s.request("GET", f"/v2.0/ports/{port3['id']}", token=tok)
        pdoc["port"]["provider:physical_network"] = "physnet1"
        for name, doc in (("flavor.json", fdoc), ("port.json", pdoc)):
            with open(os.path.join(s.dir, name), "w") as f:
                json.dump(doc, f)
        vfnet = os.path.join(os.path.dirname(s.binary), "vfnet")
        p = subprocess.run([vfnet, "sched", "explain", "--config", s.nova, "--hosts",
                            s.url + "/v2.1/vfnet/compute-hosts", "--token", tok,
                            "--flavor", os.path.join(s.dir, "flavor.json"),
                            "--port", os.path.join(s.dir, "port.json")],
                           capture_output=True, text=True, timeout=60)
        reason = [x.strip() for x in p.stdout.splitlines() if x.strip().startswith("PciPassthroughFilter")]
        t.ok(p.returncode == 1 and reason and reason[0] in fault["message"],
             "vfnet sched explain --hosts URL: the same explanation, without booting",
             p.stdout + p.stderr)
        p = subprocess.run([vfnet, "sched", "explain", "--hosts", s.url + "/v2.1/vfnet/compute-hosts",
                            "--token", "bad", "--flavor", os.path.join(s.dir, "flavor.json")],
                           capture_output=True, text=True, timeout=60)
        t.ok(p.returncode != 0 and "answered 401" in p.stderr and len(p.stderr.splitlines()) == 1,
             "vfnet sched explain with a bad token: one line naming the 401", p.stderr)

        # Delete frees the VF and unbinds the user's port, which survives.
        rc, _, err = s.osc("server", "delete", "--wait", "webserver01", as_json=False)
        t.ok(rc == 0, "server delete --wait webserver01", err)
        rc, p, err = s.osc("port", "show", "sr-iov")
        t.ok(rc == 0 and p["binding_host_id"] == "" and p["device_id"] == ""
             and p["device_owner"] == "" and p["binding_profile"] == {}
             and p["binding_vif_type"] == "unbound",
             "the port survives, unbound, nova's profile keys gone (§3.4)", p)
        t.eq(free_on(s, tok, "compute1", "physnet1"), 1, "the VF is free again")
        t.ok(srv["id"] in hosts[0].destroyed, "compute1 was told to destroy it", hosts[0].destroyed)
        rc, _, err = s.osc("server", "delete", "webserver03", as_json=False)
        t.ok(rc == 0, "an ERROR server deletes", err)

        # A failed spawn is retried on the next host; the first VF is freed.
        rc, n2, err = s.osc("network", "create", "--provider-network-type", "flat",
                            "--provider-physical-network", "physnet2", "storage")
        s.osc("subnet", "create", "--network", "storage", "--subnet-range", "198.51.100.0/24", "st-sub")
        shared = {"n": 1}
        hosts[0].fail_shared = hosts[1].fail_shared = shared
        rc, p4, err = s.osc("port", "create", "--network", "storage", "--vnic-type", "direct", "st1")
        st, doc, _ = s.request("POST", "/v2.1/servers", {"server": {
            "name": "retry", "imageRef": image["id"], "flavorRef": flavor["id"],
            "networks": [{"port": p4["id"]}]}}, token=tok)
        done = wait_status(s, tok, [doc["server"]["id"]])
        v = done[doc["server"]["id"]]
        t.ok(v["status"] == "ACTIVE" and shared["n"] == 0
             and v["OS-EXT-SRV-ATTR:host"] in ("compute1", "compute2"),
             "a failed spawn is retried on the other physnet2 host: ACTIVE", v)
        used = 7 + 4 - free_on(s, tok, "compute1", "physnet2") - free_on(s, tok, "compute2", "physnet2")
        t.eq(used, 1, "only the last attempt's VF stays claimed")
        hosts[0].fail_next = hosts[1].fail_next = 1
        rc, p5, err = s.osc("port", "create", "--network", "storage", "--vnic-type", "direct", "st2")
        st, doc, _ = s.request("POST", "/v2.1/servers", {"server": {
            "name": "exhaust", "imageRef": image["id"], "flavorRef": flavor["id"],
            "networks": [{"port": p5["id"]}]}}, token=tok)
        v = wait_status(s, tok, [doc["server"]["id"]])[doc["server"]["id"]]
        t.ok(v["status"] == "ERROR" and "Exceeded maximum number of retries" in v["fault"]["message"]
             and "spawn failed on" in v["fault"]["message"],
             "failing on every physnet2 host: ERROR, hosts exhausted, the last error kept", v)
        used = 7 + 4 - free_on(s, tok, "compute1", "physnet2") - free_on(s, tok, "compute2", "physnet2")
        st, pp, _ = s.request("GET", f"/v2.0/ports/{p5['id']}", token=tok)
        t.ok(used == 1 and pp["port"]["binding:host_id"] == "",
             "nothing half-done: no VF claimed, the port unbound", (used, pp))
        hosts[0].fail_next = hosts[1].fail_next = 0

        # {"uuid": NET}: a normal port is created, bound, and deleted with the server.
        s.request("POST", "/v2.0/vfnet/agent-report", {"agent": {
            "host": "compute3", "agent_type": "Open vSwitch agent", "binary": "neutron-openvswitch-agent",
            "configurations": {"bridge_mappings": {"physnet1": "br-phys"}}}}, token=tok)
        rc, srv4, err = s.osc("server", "create", "--flavor", "m1.tiny", "--image", "cirros", "--nic",
                              f"net-id={net['id']}", "--wait", "plain")
        st, ports, _ = s.request("GET", f"/v2.0/ports?device_id={srv4 and srv4['id']}", token=tok)
        made = ports["ports"]
        t.ok(rc == 0 and srv4["status"] == "ACTIVE" and srv4["OS-EXT-SRV-ATTR:host"] == "compute3"
             and len(made) == 1 and made[0]["binding:vif_type"] == "ovs",
             "--nic net-id: a normal port created and bound (ovs) on the OVS host", err or made)
        rc, _, err = s.osc("server", "delete", "--wait", "plain", as_json=False)
        st, after, _ = s.request("GET", f"/v2.0/ports/{made[0]['id'] if made else 'x'}", token=tok)
        t.ok(rc == 0 and st == 404, "deleting it deletes the port it created", (st, after))

        # An aggregate with an availability zone puts its hosts in that zone.
        rc, agg, err = s.osc("aggregate", "create", "--zone", "az2", "rack2")
        rc2, _, err2 = s.osc("aggregate", "add", "host", "rack2", "compute2")
        rc3, zones, err3 = s.osc("availability", "zone", "list", "--compute")
        t.ok(rc == 0 and rc2 == 0 and sorted(z["Zone Name"] for z in zones or []) == ["az2", "nova"],
             "aggregate create --zone az2 + add host compute2: zones az2 and nova",
             err or err2 or err3 or zones)
        rc, p7, err = s.osc("port", "create", "--network", "storage", "--vnic-type", "direct", "st7")
        rc, srv7, err = s.osc("server", "create", "--flavor", "m1.tiny", "--image", "cirros", "--nic",
                              f"port-id={p7['id']}", "--availability-zone", "az2", "--wait", "zoned")
        t.ok(rc == 0 and srv7["status"] == "ACTIVE" and srv7["OS-EXT-SRV-ATTR:host"] == "compute2"
             and srv7["OS-EXT-AZ:availability_zone"] == "az2",
             "server create --availability-zone az2: ACTIVE on compute2", err or srv7)
        rc, p8, err = s.osc("port", "create", "--network", "web", "--vnic-type", "direct", "sr-iov8")
        st, doc, _ = s.request("POST", "/v2.1/servers", {"server": {
            "name": "wrongzone", "imageRef": image["id"], "flavorRef": flavor["id"],
            "availability_zone": "az2", "networks": [{"port": p8["id"]}]}}, token=tok)
        v = wait_status(s, tok, [doc["server"]["id"]])[doc["server"]["id"]]
        t.ok(v["status"] == "ERROR" and "AvailabilityZoneFilter" in v["fault"]["message"],
             "a physnet1 port in az2 (no physnet1 there): ERROR naming AvailabilityZoneFilter", v)
        rc, _, err = s.osc("aggregate", "add", "host", "rack2", "compute2", as_json=False)
        t.ok(rc != 0, "adding the same host twice fails", err)

        # Disabling a host's service removes it from scheduling.
        rc, _, err = s.osc("compute", "service", "set", "--disable", "--disable-reason", "maint",
                           "compute1", "nova-compute", as_json=False)
        rc2, svcs, err2 = s.osc("compute", "service", "list", "--long")
        c1 = [x for x in svcs or [] if x["Host"] == "compute1"]
        t.ok(rc == 0 and c1 and c1[0]["Status"] == "disabled" and c1[0]["Disabled Reason"] == "maint",
             "compute service set --disable --disable-reason", err or err2 or svcs)
        rc, p6, err = s.osc("port", "create", "--network", "web", "--vnic-type", "direct", "sr-iov6")
        st, doc, _ = s.request("POST", "/v2.1/servers", {"server": {
            "name": "disabled", "imageRef": image["id"], "flavorRef": flavor["id"],
            "networks": [{"port": p6["id"]}]}}, token=tok)
        v = wait_status(s, tok, [doc["server"]["id"]])[doc["server"]["id"]]
        t.ok(v["status"] == "ERROR" and "ComputeFilter" in v["fault"]["message"],
             "a disabled host is filtered out, and the fault says so", v)
        rc, _, err = s.osc("compute", "service", "set", "--enable", "compute1", "nova-compute",
                           as_json=False)
        t.ok(rc == 0, "compute service set --enable", err)

        # A host that reports a new device_spec is re-pooled; its claims stay.
        before = free_on(s, tok, "compute2", "physnet2")
        spec = hosts[1].report_body["device_spec"]
        hosts[1].report_body["device_spec"] = []
        hosts[1].register(tok)
        t.eq(pools(s, tok, "compute2"), [], "compute2 re-reported without a device_spec: no pools")
        hosts[1].report_body["device_spec"] = spec
        hosts[1].register(tok)
        t.eq(free_on(s, tok, "compute2", "physnet2"), before,
             "reported again with it: the same free VFs, claims kept")

        for h in hosts:
            h.stop()
        t.ok(not any(h.errors for h in hosts), "every task answer was accepted",
             [h.errors for h in hosts])
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
