#!/usr/bin/python3
"""The Compute API as Nova answers what tempest's compute tests send:
flavor create with Nova's boolean strings and integer ids, the flavor
list's filters, sorting and paging, quota limits given as strings, a
server's addresses under /servers/ID/ips, and os-hypervisors and
os-services as each microversion shows them.
Usage: test-compute-conformance.py PATH/TO/vfnet-server"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from compute_sim import ComputeServer, seed_hosts, wait_status  # noqa: E402
from vfnet_server import Tap  # noqa: E402

# The keys of Nova's hypervisor detail view: always, before 2.88, from 2.88.
HV_KEYS = {"id", "hypervisor_hostname", "state", "status", "hypervisor_type",
           "hypervisor_version", "host_ip", "service"}
HV_FIGURES = {"vcpus", "memory_mb", "local_gb", "vcpus_used", "memory_mb_used",
              "local_gb_used", "free_ram_mb", "free_disk_gb", "current_workload", "running_vms",
              "disk_available_least", "cpu_info"}


def hypervisors_and_services(t, s, tok, sid):
    """os-hypervisors and os-services as Nova answers each microversion."""
    def R(method, path, mv="2.1", body=None, token=tok):
        return s.request(method, path, body, token=token,
                         headers={"OpenStack-API-Version": f"compute {mv}"})[:2]

    rc, hv, err = s.osc("hypervisor", "list")
    t.ok(rc == 0 and sorted(h["Hypervisor Hostname"] for h in hv) ==
         ["compute1", "compute2", "compute3"] and all(isinstance(h["ID"], int) for h in hv),
         "openstack hypervisor list: the three hosts with integer ids (2.1)", err or hv)
    rc, one, err = s.osc("hypervisor", "show", "compute1")
    t.ok(rc == 0 and one["hypervisor_hostname"] == "compute1" and "pci_stats" not in one
         and one["vcpus"] == 16, "openstack hypervisor show compute1: Nova's fields only",
         err or one)
    rc, stats, err = s.osc("hypervisor", "stats", "show")
    t.ok(rc == 0 and stats["count"] == 3 and stats["vcpus"] == 48 and stats["running_vms"] >= 1,
         "openstack hypervisor stats show: three hosts' figures summed", err or stats)

    st, doc = R("GET", "/v2.1/os-hypervisors/detail")
    h1 = next(h for h in doc["hypervisors"] if h["hypervisor_hostname"] == "compute1")
    t.ok(st == 200 and set(h1) == HV_KEYS | HV_FIGURES and isinstance(h1["id"], int)
         and h1["host_ip"] == "127.0.0.1"
         and isinstance(h1["service"]["id"], int) and isinstance(h1["cpu_info"], str),
         "detail at 2.1: Nova's keys, integer ids, cpu_info as text, the host's address",
         (st, h1))
    num = h1["id"]
    st, doc = R("GET", f"/v2.1/os-hypervisors/{num}")
    t.ok(st == 200 and doc["hypervisor"]["hypervisor_hostname"] == "compute1",
         "show by the integer id at 2.1", (st, doc))
    st, doc = R("GET", "/v2.1/os-hypervisors/compute1")
    t.ok(st == 404 and "itemNotFound" in doc, "show by a name at 2.1: 404", (st, doc))
    st, doc = R("GET", "/v2.1/os-hypervisors/detail", "2.28")
    t.ok(st == 200 and all(isinstance(h["cpu_info"], dict) for h in doc["hypervisors"]),
         "detail at 2.28: cpu_info as an object", (st, doc))

    st, doc = R("POST", "/v2.1/os-aggregates", "2.1", {"aggregate": {"name": "agg-c"}})
    t.ok(st == 200 and not {"hosts", "metadata", "uuid"} & set(doc["aggregate"]),
         "aggregate create at 2.1: no hosts, metadata or uuid", (st, doc))
    st, doc = R("GET", f"/v2.1/os-aggregates/{doc['aggregate']['id']}", "2.41")
    t.ok(st == 200 and {"hosts", "metadata", "uuid"} <= set(doc["aggregate"]),
         "aggregate show at 2.41: hosts, metadata and the uuid", (st, doc))
    R("DELETE", f"/v2.1/os-aggregates/{doc['aggregate']['id']}")
    st, doc = R("GET", "/v2.1/os-hypervisors/comp/search")
    t.eq((st, sorted(h["hypervisor_hostname"] for h in doc.get("hypervisors", []))),
         (200, ["compute1", "compute2", "compute3"]), "search 'comp' at 2.1: every host")
    st, doc = R("GET", "/v2.1/os-hypervisors/nosuch/search")
    t.ok(st == 404 and "No hypervisor matching 'nosuch'" in doc["itemNotFound"]["message"],
         "search matching nothing: 404", (st, doc))
    st, doc = R("GET", "/v2.1/os-hypervisors/compute/servers")
    on = [srv["uuid"] for h in doc.get("hypervisors", []) for srv in h.get("servers", [])]
    t.ok(st == 200 and sid in on, "servers of 'compute' at 2.1 list the server", (st, doc))
    st, doc = R("GET", "/v2.1/os-hypervisors/comp/search", "2.53")
    t.ok(st == 404, "the search route at 2.53: 404", (st, doc))

    st, doc = R("GET", "/v2.1/os-hypervisors?limit=1", "2.33")
    nxt = (doc.get("hypervisors_links") or [{}])[0].get("href", "")
    t.ok(st == 200 and len(doc["hypervisors"]) == 1 and f"marker={doc['hypervisors'][0]['id']}"
         in nxt, "limit=1 at 2.33: one hypervisor and the next page's link", (st, doc))
    st, doc2 = R("GET", f"/v2.1/os-hypervisors?marker={doc['hypervisors'][0]['id']}", "2.33")
    t.eq(len(doc2.get("hypervisors", [])), 2, "after the marker: the other two")
    st, doc = R("GET", "/v2.1/os-hypervisors?marker=99999", "2.33")
    t.ok(st == 400 and "marker [99999] not found" in doc["badRequest"]["message"],
         "an unknown marker: 400", (st, doc))

    st, doc = R("GET", "/v2.1/os-hypervisors/detail?hypervisor_hostname_pattern=compute1"
                "&with_servers=true", "2.53")
    hs = doc.get("hypervisors", [])
    t.ok(st == 200 and len(hs) == 1 and len(hs[0]["id"]) == 36
         and len(hs[0]["service"]["id"]) == 36, "detail at 2.53 by hostname pattern: uuids",
         (st, doc))
    st, doc = R("GET", "/v2.1/os-hypervisors?with_servers=1", "2.75")
    t.ok(st == 200 and all("servers" in h for h in doc["hypervisors"])
         and sid in [x["uuid"] for h in doc["hypervisors"] for x in h["servers"]],
         "with_servers at 2.75: every host's servers, an empty list where none", (st, doc))
    for q, want in (("hypervisor_hostname_pattern=x&limit=1", "Paging over hypervisors"),
                    ("with_servers=maybe", "with_servers")):
        st, doc = R("GET", f"/v2.1/os-hypervisors?{q}", "2.53")
        t.ok(st == 400 and want in doc["badRequest"]["message"], f"?{q} at 2.53: 400", (st, doc))
    st, doc = R("GET", "/v2.1/os-hypervisors?hypervisor_hostname_pattern=nosuch", "2.53")
    t.ok(st == 404, "a pattern matching nothing at 2.53: 404", (st, doc))
    st, doc = R("GET", f"/v2.1/os-hypervisors/{num}", "2.53")
    t.ok(st == 400 and f"Invalid uuid {num}" in doc["badRequest"]["message"],
         "show by an integer at 2.53: 400", (st, doc))

    st, doc = R("GET", "/v2.1/os-hypervisors/detail", "2.88")
    h = doc["hypervisors"][0]
    up = {x["hypervisor_hostname"]: x["uptime"] for x in doc["hypervisors"]}
    t.ok(st == 200 and set(h) == HV_KEYS | {"uptime"} and " up 3 days, " in up["compute1"]
         and up["compute3"] is None,
         "detail at 2.88: no figures; the uptime, null for a host without a boot time", (st, doc))
    for path in ("/v2.1/os-hypervisors/statistics", f"/v2.1/os-hypervisors/{h['id']}/uptime"):
        st, doc = R("GET", path, "2.88")
        t.ok(st == 404, f"{path} at 2.88: 404", (st, doc))
    st, doc = R("GET", "/v2.1/os-hypervisors/statistics")
    t.ok(st == 200 and doc["hypervisor_statistics"]["count"] == 3,
         "statistics at 2.1: three enabled hosts", (st, doc))

    # os-services: integer ids before 2.53, forced_down from 2.11, filters.
    st, doc = R("GET", "/v2.1/os-services")
    svcs = doc["services"]
    t.ok(st == 200 and len({x["id"] for x in svcs}) == 3 and all(
        isinstance(x["id"], int) and "forced_down" not in x for x in svcs),
        "os-services at 2.1: distinct integer ids, no forced_down", (st, doc))
    st, doc = R("GET", "/v2.1/os-services", "2.11")
    t.ok(st == 200 and all(x["forced_down"] is False for x in doc["services"]),
         "os-services at 2.11: forced_down", (st, doc))
    st, doc = R("GET", "/v2.1/os-services", "2.53")
    t.ok(st == 200 and all(len(x["id"]) == 36 for x in doc["services"]),
         "os-services at 2.53: uuids", (st, doc))
    for q, want in (("host=compute2", ["compute2"]), ("binary=nova-compute&host=compute1",
                                                      ["compute1"]),
                    ("host=compute1&binary=xxx", []), ("host=xxx&binary=nova-compute", []),
                    ("xxx=nova-compute", ["compute1", "compute2", "compute3"])):
        st, doc = R("GET", f"/v2.1/os-services?{q}")
        t.eq((st, sorted(x["host"] for x in doc["services"])), (200, want), f"os-services?{q}")
    st, doc = R("GET", "/v2.1/os-services?xxx=nova-compute", "2.75")
    t.ok(st == 400 and "xxx" in doc["badRequest"]["message"],
         "an unknown filter at 2.75: 400", (st, doc))
    st, doc = R("PUT", "/v2.1/os-services/force-down", "2.10",
                {"host": "compute1", "binary": "nova-compute", "forced_down": True})
    t.ok(st == 404, "force-down before 2.11: 404", (st, doc))
    st, doc = R("PUT", "/v2.1/os-services/enable", "2.53",
                {"host": "compute1", "binary": "nova-compute"})
    t.ok(st == 400 and "Invalid uuid enable" in doc["badRequest"]["message"],
         "an action in the path at 2.53: 400", (st, doc))
    rc, svcs, err = s.osc("compute", "service", "list", "--host", "compute1")
    t.ok(rc == 0 and [(x["Host"], x["Binary"]) for x in svcs] == [("compute1", "nova-compute")],
         "openstack compute service list --host compute1", err or svcs)


def main():
    t = Tap()
    with ComputeServer(sys.argv[1]) as s:
        s.bootstrap()
        s.start()
        tok = s.token()

        # Flavors: tempest sends is_public as "False" and the id as a number.
        st, doc, _ = s.request("POST", "/v2.1/flavors", {"flavor": {
            "name": "small", "ram": "256", "vcpus": 1, "disk": 1, "id": 4711,
            "os-flavor-access:is_public": "False", "rxtx_factor": "1.5"}}, token=tok)
        f = (doc or {}).get("flavor", {})
        t.ok(st == 200 and f.get("id") == "4711" and f.get("os-flavor-access:is_public") is False
             and f.get("rxtx_factor") == 1.5,
             "flavor create: is_public \"False\", id 4711 kept as \"4711\", rxtx_factor \"1.5\"",
             (st, doc))
        st, doc, _ = s.request("POST", "/v2.1/flavors", {"flavor": {
            "name": "bad", "ram": 256, "vcpus": 1, "disk": 1,
            "os-flavor-access:is_public": "maybe"}}, token=tok)
        t.ok(st == 400 and "is_public" in doc["badRequest"]["message"],
             "is_public \"maybe\": 400 naming the field", (st, doc))
        for name, ram, disk in (("f-a", 512, 1), ("f-b", 1024, 10), ("f-c", 2048, 20)):
            s.osc("flavor", "create", "--ram", str(ram), "--disk", str(disk), "--vcpus", "1", name)
        rc, fl, err = s.osc("flavor", "list")
        t.eq(sorted(x["Name"] for x in fl or []), ["f-a", "f-b", "f-c"],
             "openstack flavor list: the public flavors only (the private one is not listed)")
        rc, fl, err = s.osc("flavor", "list", "--all")
        t.eq(sorted(x["Name"] for x in fl or []), ["f-a", "f-b", "f-c", "small"],
             "openstack flavor list --all (is_public=None): private ones too")
        st, doc, _ = s.request("GET", "/v2.1/flavors/detail?minRam=1000&minDisk=15", token=tok)
        t.eq([x["name"] for x in doc["flavors"]], ["f-c"], "?minRam=1000&minDisk=15: f-c only")
        st, doc, _ = s.request("GET", "/v2.1/flavors?sort_key=memory_mb&sort_dir=desc", token=tok)
        names = [x["name"] for x in doc["flavors"]]
        t.eq(names, ["f-c", "f-b", "f-a"], "sort_key=memory_mb&sort_dir=desc")
        st, doc, _ = s.request("GET", f"/v2.1/flavors?sort_key=memory_mb&limit=1", token=tok)
        first = doc["flavors"][0]["id"]
        st, doc, _ = s.request("GET", f"/v2.1/flavors?sort_key=memory_mb&marker={first}",
                               token=tok)
        t.eq([x["name"] for x in doc["flavors"]], ["f-b", "f-c"],
             "limit=1 then marker: the rest, without the marker")
        st, doc, _ = s.request("GET", "/v2.1/flavors?marker=nope", token=tok)
        t.ok(st == 400 and "marker [nope] not found" in doc["badRequest"]["message"],
             "an unknown marker: 400", (st, doc))
        st, doc, _ = s.request("GET", "/v2.1/flavors?minRam=x", token=tok)
        t.ok(st == 400, "minRam=x: 400", (st, doc))

        # Quotas: limits given as decimal strings, as tempest's client sends them.
        pid = s.request("GET", "/v3/projects?name=admin", token=tok)[1]["projects"][0]["id"]
        st, doc, _ = s.request("PUT", f"/v2.1/os-quota-sets/{pid}",
                               {"quota_set": {"ram": "5120", "cores": 30}}, token=tok)
        t.ok(st == 200 and doc["quota_set"]["ram"] == 5120 and doc["quota_set"]["cores"] == 30,
             "quota update with ram \"5120\": 200, kept as 5120", (st, doc))
        st, doc, _ = s.request("PUT", f"/v2.1/os-quota-sets/{pid}",
                               {"quota_set": {"ram": "lots"}}, token=tok)
        t.ok(st == 400, "quota update with ram \"lots\": 400", (st, doc))
        s.request("PUT", f"/v2.1/os-quota-sets/{pid}", {"quota_set": {"ram": -1}}, token=tok)

        # Limits: the absolute keys of the asked microversion, as Nova's.
        st, doc, _ = s.request("GET", "/v2.1/limits", token=tok)
        ab = doc["limits"]["absolute"]
        t.ok(st == 200 and ab.get("maxSecurityGroups") == -1 and "totalFloatingIpsUsed" in ab
             and "maxImageMeta" in ab and "maxPersonality" in ab,
             "limits at 2.1: the network keys, maxImageMeta and maxPersonality", (st, doc))
        st, doc, _ = s.request("GET", "/v2.1/limits", token=tok,
                               headers={"OpenStack-API-Version": "compute 2.57"})
        ab = doc["limits"]["absolute"]
        t.ok(st == 200 and not {"maxSecurityGroups", "maxImageMeta", "maxPersonality",
                                "maxPersonalitySize"} & set(ab) and "maxTotalCores" in ab,
             "limits at 2.57: without the network, image metadata and personality keys", (st, doc))

        # A server's addresses by network.
        hosts = seed_hosts(s, tok)
        for h in hosts:
            h.more_agents.append({"agent_type": "Open vSwitch agent",
                                  "binary": "neutron-openvswitch-agent",
                                  "configurations": {"bridge_mappings": {"physnet1": "br-p1"}}})
            h.register(tok)
            h.start(tok)
        img = s.request("POST", "/image/v2/images", {"name": "img", "disk_format": "raw",
                                                     "container_format": "bare"}, token=tok)[1]
        s.request("PUT", f"/image/v2/images/{img['id']}/file", token=tok, raw=b"x" * 512,
                  headers={"Content-Type": "application/octet-stream"})
        net = s.request("POST", "/v2.0/networks", {"network": {"name": "lan"}}, token=tok)[1]
        s.request("POST", "/v2.0/subnets", {"subnet": {
            "network_id": net["network"]["id"], "cidr": "10.9.0.0/24", "ip_version": 4}},
            token=tok)
        st, doc, _ = s.request("POST", "/v2.1/servers", {"server": {
            "name": "vm", "imageRef": img["id"], "flavorRef": "4711",
            "networks": [{"uuid": net["network"]["id"]}]}}, token=tok)
        sid = doc["server"]["id"]
        srv = wait_status(s, tok, [sid])[sid]
        t.eq(srv["status"], "ACTIVE", "a server on a normal port: ACTIVE")
        st, doc, _ = s.request("GET", f"/v2.1/servers/{sid}/ips", token=tok)
        addrs = (doc or {}).get("addresses", {}).get("lan", [])
        t.ok(st == 200 and len(addrs) == 1 and addrs[0]["version"] == 4
             and addrs[0]["addr"].startswith("10.9.0."),
             "GET /servers/ID/ips: lan's address", (st, doc))
        st, doc, _ = s.request("GET", f"/v2.1/servers/{sid}/ips/lan", token=tok)
        t.ok(st == 200 and doc == {"lan": addrs}, "GET /servers/ID/ips/lan", (st, doc))
        st, doc, _ = s.request("GET", f"/v2.1/servers/{sid}/ips/nope", token=tok)
        t.ok(st == 404 and "itemNotFound" in doc, "ips of a network it is not on: 404", (st, doc))
        rc, out, err = s.osc("server", "show", "vm")
        t.ok(rc == 0 and "10.9.0." in str(out.get("addresses")),
             "openstack server show vm: the same address", err or out)
        ip = addrs[0]["addr"] if addrs else "none"

        # PUT /servers/ID: rename, access addresses (IPv6 kept canonical).
        rc, _, err = s.osc("server", "set", "--name", "vm2", "vm", as_json=False)
        rc2, out, err2 = s.osc("server", "show", "vm2")
        t.ok(rc == 0 and rc2 == 0 and out["id"] == sid, "openstack server set --name vm2",
             err or err2)
        st, doc, _ = s.request("PUT", f"/v2.1/servers/{sid}", {"server": {
            "name": "vm", "accessIPv4": "192.0.2.7",
            "accessIPv6": "0000:0000:0000:0000:0000:babe:220.12.22.2"}}, token=tok)
        v = (doc or {}).get("server", {})
        t.ok(st == 200 and v.get("name") == "vm" and v.get("accessIPv4") == "192.0.2.7"
             and v.get("accessIPv6") == "::babe:dc0c:1602" and "OS-EXT-STS:vm_state" not in v,
             "PUT: name and access addresses, IPv6 canonical, the basic view (2.1)", (st, doc))
        st, doc, _ = s.request("PUT", f"/v2.1/servers/{sid}", {"server": {"accessIPv4": "1.2"}},
                               token=tok)
        t.ok(st == 400 and "accessIPv4" in doc["badRequest"]["message"],
             "PUT with accessIPv4 1.2: 400", (st, doc))
        st, doc, _ = s.request("PUT", "/v2.1/servers/nope", {"server": {"name": "x"}}, token=tok)
        t.ok(st == 404 and "itemNotFound" in doc, "PUT on an unknown server: 404", (st, doc))

        # The list's filters: status in any case, flavor, image, ip, limit=0.
        def listed(query):
            st, doc, _ = s.request("GET", f"/v2.1/servers?{query}", token=tok)
            return st, [x["id"] for x in (doc or {}).get("servers", [])]
        for query, want in ((f"status=active", [sid]), ("status=SHUTOFF", []),
                            ("flavor=4711", [sid]), ("flavor=f-a", []),
                            (f"image={img['id']}", [sid]), ("image=nope", []),
                            (f"ip={ip}", [sid]), ("ip=10.99.", []), ("limit=0", [])):
            t.eq(listed(query), (200, want), f"server list ?{query}")
        rc, out, err = s.osc("server", "list", "--flavor", "4711", "--status", "ACTIVE")
        t.eq([x["ID"] for x in out or []], [sid], "openstack server list --flavor --status")
        hypervisors_and_services(t, s, tok, sid)
        s.request("DELETE", f"/v2.1/servers/{sid}", token=tok)

        # Several servers in one request, named NAME-1.. as Nova names them.
        st, doc, _ = s.request("POST", "/v2.1/servers", {"server": {
            "name": "pw", "imageRef": img["id"], "flavorRef": "4711", "networks": "none",
            "adminPass": "testpassword", "accessIPv4": "192.0.2.9"}}, token=tok)
        pw = (doc or {}).get("server", {})
        shown = s.request("GET", f"/v2.1/servers/{pw.get('id')}", token=tok)[1]
        t.ok(st == 202 and pw.get("adminPass") == "testpassword"
             and shown["server"]["accessIPv4"] == "192.0.2.9",
             "create: the adminPass asked for is answered, accessIPv4 kept", (st, doc, shown))
        s.request("DELETE", f"/v2.1/servers/{pw.get('id')}", token=tok)
        boot = {"name": "many", "imageRef": img["id"], "flavorRef": "4711",
                "networks": [{"uuid": net["network"]["id"]}], "min_count": 2, "max_count": 3}
        st, doc, _ = s.request("POST", "/v2.1/servers", {"server": boot}, token=tok)
        st2, lst = listed("name=^many-")
        names = sorted(s.request("GET", f"/v2.1/servers/{i}", token=tok)[1]["server"]["name"]
                       for i in lst)
        t.ok(st == 202 and doc["server"]["id"] in lst and names == ["many-1", "many-2", "many-3"],
             "min_count 2, max_count 3: three servers many-1..3, the first's id answered",
             (st, doc, names))
        st, doc, _ = s.request("POST", "/v2.1/servers", {"server": dict(
            boot, name="res", min_count=1, max_count=2, return_reservation_id=True)}, token=tok)
        t.ok(st == 202 and doc.get("reservation_id", "").startswith("r-") and "server" not in doc,
             "return_reservation_id: only the reservation id", (st, doc))
        st, doc, _ = s.request("POST", "/v2.1/servers", {"server": dict(
            boot, min_count=3, max_count=2)}, token=tok)
        t.ok(st == 400 and "min_count" in doc["badRequest"]["message"],
             "min_count above max_count: 400", (st, doc))
        port = s.request("POST", "/v2.0/ports", {"port": {"network_id": net["network"]["id"]}},
                         token=tok)[1]["port"]
        st, doc, _ = s.request("POST", "/v2.1/servers", {"server": dict(
            boot, networks=[{"port": port["id"]}])}, token=tok)
        t.ok(st == 400 and "single configured port" in doc["badRequest"]["message"],
             "several servers on one port: 400", (st, doc))
        for i in listed("name=^(many|res)-")[1]:
            s.request("DELETE", f"/v2.1/servers/{i}", token=tok)

        # Metadata is held to the metadata_items quota (403, as Nova).
        s.request("PUT", f"/v2.1/os-quota-sets/{pid}", {"quota_set": {"metadata_items": 2}},
                  token=tok)
        st, doc, _ = s.request("POST", "/v2.1/servers", {"server": dict(
            boot, name="md", min_count=1, max_count=1,
            metadata={"a": "1", "b": "2", "c": "3"})}, token=tok)
        t.ok(st == 403 and "metadata_items" in doc["forbidden"]["message"],
             "three metadata items over a quota of 2: 403", (st, doc))
        s.request("PUT", f"/v2.1/os-quota-sets/{pid}", {"quota_set": {"metadata_items": 128}},
                  token=tok)
        server_checks(t, s, tok, img["id"], net["network"]["id"], pid)
        flavor_access_checks(t, s, tok)
        root_checks(t, s, tok)
        for h in hosts:
            h.stop()
    return t.done()


def member(s, tok, name):
    """A project NAME with a user NAME (password pw) holding member there."""
    R = s.request
    pid = R("POST", "/v3/projects", {"project": {"name": name}}, token=tok)[1]["project"]["id"]
    uid = R("POST", "/v3/users", {"user": {"name": name, "password": "pw"}},
            token=tok)[1]["user"]["id"]
    role = [r["id"] for r in R("GET", "/v3/roles?name=member", token=tok)[1]["roles"]][0]
    R("PUT", f"/v3/projects/{pid}/users/{uid}/roles/{role}", token=tok)
    return pid, s.token(name, "pw", name)


def flavor_access_checks(t, s, tok):
    """os-flavor-access: a private flavor shared with a project, seen and
    booted by it only while shared; PUT /flavors/ID (2.55)."""
    R = s.request
    img = R("POST", "/image/v2/images", {"name": "pub", "disk_format": "raw",
                                         "container_format": "bare", "visibility": "public"},
            token=tok)[1]["id"]
    R("PUT", f"/image/v2/images/{img}/file", token=tok, raw=b"x" * 512,
      headers={"Content-Type": "application/octet-stream"})
    pa, ta = member(s, tok, "fa")
    rc, out, err = s.osc("flavor", "create", "--private", "--project", pa, "--ram", "128",
                         "--disk", "1", "--vcpus", "1", "priv")
    fid = (out or {}).get("id")
    t.ok(rc == 0 and out.get("os-flavor-access:is_public") is False,
         "openstack flavor create --private --project: a private flavor shared at once",
         (rc, out, err))
    st, doc, _ = R("GET", f"/v2.1/flavors/{fid}/os-flavor-access", token=tok)
    t.eq((st, doc), (200, {"flavor_access": [{"flavor_id": fid, "tenant_id": pa}]}),
         "GET os-flavor-access: the project it is shared with")

    def seen(token):
        ids = [f["id"] for f in R("GET", "/v2.1/flavors/detail", token=token)[1]["flavors"]]
        return fid in ids, R("GET", f"/v2.1/flavors/{fid}", token=token)[0]
    t.eq(seen(ta), (True, 200), "the project it is shared with lists and shows it")
    _, tb = member(s, tok, "fb")
    t.eq(seen(tb), (False, 404), "another project neither lists nor shows it")
    st, doc, _ = R("POST", "/v2.1/servers", {"server": {
        "name": "p", "imageRef": img, "flavorRef": fid, "networks": "none"}}, token=tb)
    t.ok(st == 400 and doc["badRequest"]["message"] == f"Flavor {fid} could not be found.",
         "another project booting with it: 400 flavor not found", (st, doc))
    st, doc, _ = R("POST", "/v2.1/servers", {"server": {
        "name": "p", "imageRef": img, "flavorRef": fid, "networks": "none"}}, token=ta)
    t.ok(st == 202, "the project it is shared with boots with it", (st, doc))
    R("DELETE", f"/v2.1/servers/{(doc or {}).get('server', {}).get('id')}", token=ta)
    act = f"/v2.1/flavors/{fid}/action"
    st, doc, _ = R("POST", act, {"addTenantAccess": {"tenant": pa}}, token=tok)
    t.ok(st == 409 and "already exists" in doc["conflictingRequest"]["message"],
         "sharing it twice with a project: 409", (st, doc))
    st, doc, _ = R("POST", act, {"addTenantAccess": {"tenant": pa}}, token=ta)
    t.ok(st == 403 and "add_tenant_access" in doc["forbidden"]["message"],
         "a member sharing it: 403", (st, doc))
    st, doc, _ = R("POST", act, {"removeTenantAccess": {"tenant": pa}}, token=ta)
    t.eq(st, 403, "a member unsharing it: 403")
    rc, _, err = s.osc("flavor", "unset", "--project", pa, "priv", as_json=False)
    t.eq((rc, seen(ta)), (0, (False, 404)), "openstack flavor unset --project: no longer seen")
    st, doc, _ = R("POST", act, {"removeTenantAccess": {"tenant": pa}}, token=tok)
    t.ok(st == 404 and "not found" in doc["itemNotFound"]["message"],
         "unsharing it with a project it is not shared with: 404", (st, doc))
    rc, _, err = s.osc("flavor", "set", "--project", pa, "priv", as_json=False)
    t.eq((rc, seen(ta)), (0, (True, 200)), "openstack flavor set --project: seen again")
    pub = R("GET", "/v2.1/flavors?limit=1", token=tok)[1]["flavors"][0]["id"]
    st, doc, _ = R("GET", f"/v2.1/flavors/{pub}/os-flavor-access", token=tok)
    t.ok(st == 404 and "public flavors" in doc["itemNotFound"]["message"],
         "os-flavor-access of a public flavor: 404", (st, doc))
    st, doc, _ = R("POST", f"/v2.1/flavors/{pub}/action", {"addTenantAccess": {"tenant": pa}},
                   token=tok)
    t.eq(st, 409, "sharing a public flavor: 409")

    v255 = {"OpenStack-API-Version": "compute 2.61"}
    st, doc, _ = R("PUT", f"/v2.1/flavors/{fid}", {"flavor": {"description": "new"}}, token=tok,
                   headers=v255)
    f = (doc or {}).get("flavor", {})
    t.ok(st == 200 and f.get("description") == "new" and f.get("extra_specs") == {},
         "PUT /flavors/ID at 2.61: the description changed, extra_specs shown", (st, doc))
    rc, out, err = s.osc("--os-compute-api-version", "2.55", "flavor", "set", "--description",
                         "newer", "priv", as_json=False)
    st, doc, _ = R("GET", f"/v2.1/flavors/{fid}", token=tok, headers=v255)
    t.ok(rc == 0 and doc["flavor"]["description"] == "newer",
         "openstack flavor set --description (2.55)", (rc, err, doc))
    for body, hd, want, what in (({"flavor": {"description": "x"}}, {}, 404, "before 2.55"),
                                 ({"flavor": {"name": "x"}}, v255, 400, "a name"),
                                 ({"flavor": {"description": 5}}, v255, 400, "a number")):
        st, doc, _ = R("PUT", f"/v2.1/flavors/{fid}", body, token=tok, headers=hd)
        t.eq(st, want, f"PUT /flavors/ID with {what}: {want}")
    st, doc, _ = R("PUT", f"/v2.1/flavors/{fid}", {"flavor": {"description": "x"}}, token=ta,
                   headers=v255)
    t.eq(st, 403, "PUT /flavors/ID by a member: 403")


def root_checks(t, s, tok):
    """/v2.1/extensions, and the compute endpoint's own root: Nova's
    version list, the API below it, the old paths kept."""
    R = s.request
    st, doc, _ = R("GET", "/v2.1/extensions", token=tok)
    names = {e["name"] for e in (doc or {}).get("extensions", [])}
    t.ok(st == 200 and "Hosts" in names and all(
        set(e) == {"alias", "name", "description", "namespace", "updated", "links"}
        for e in doc["extensions"]), "GET /v2.1/extensions: Nova's list", (st, doc))
    st, doc, _ = R("GET", "/v2.1/extensions/os-consoles", token=tok)
    t.ok(st == 200 and doc["extension"]["alias"] == "os-consoles",
         "GET /v2.1/extensions/os-consoles", (st, doc))
    st, doc, _ = R("GET", "/v2.1/extensions/nope", token=tok)
    t.eq(st, 404, "an unknown extension: 404")
    st, body, _ = R("POST", "/v3/auth/tokens", {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": "admin", "domain": {"name": "Default"}, "password": "secret"}}},
        "scope": {"project": {"name": "admin", "domain": {"name": "Default"}}}}})
    urls = [e["url"] for c in body["token"]["catalog"] if c["type"] == "compute"
            for e in c["endpoints"]]
    t.ok(urls and all(u == s.url + "/compute/v2.1" for u in urls),
         "the catalog's compute endpoint is URL/compute/v2.1", urls)
    for path in ("/compute", "/compute/"):
        st, doc, _ = R("GET", path)
        vs = (doc or {}).get("versions", [])
        t.ok(st == 200 and [v["id"] for v in vs] == ["v2.0", "v2.1"]
             and vs[1]["version"] == "2.93" and vs[1]["min_version"] == "2.1",
             f"GET {path}: Nova's versions, v2.0 then v2.1", (st, doc))
    for v in vs:
        self_link = [x for x in v["links"] if x["rel"] == "self"]
        st, doc, _ = R("GET", self_link[0]["href"][len(s.url):])
        t.ok(st == 200 and [x for x in doc["version"]["links"] if x["rel"] == "self"] ==
             self_link and doc["version"]["media-types"],
             f"GET {v['id']}'s self link: its document, the same self link", (st, doc))
    st, doc, _ = R("GET", "/compute/v2.1/flavors", token=tok)
    t.ok(st == 200 and doc["flavors"][0]["links"][0]["href"].startswith(
        s.url + "/compute/v2.1/flavors/"),
         "the API below the root, its links under it", (st, doc))
    st, doc, _ = R("GET", "/v2.1/flavors", token=tok)
    t.ok(st == 200 and doc["flavors"][0]["links"][0]["href"].startswith(s.url + "/v2.1/"),
         "the old paths still answer", (st, doc))
    st, doc, _ = R("GET", "/", token=tok)
    t.eq(st, 300, "GET /: still Keystone's (300)")


def server_checks(t, s, tok, img, net, pid):
    """What a boot checks (the image's min_ram/min_disk, the security
    groups named) and the admin's list filters (all_tenants with
    tenant_id, changes-since, status=error after os-resetState)."""
    boot = {"name": "big", "imageRef": img, "flavorRef": "4711", "networks": [{"uuid": net}]}
    big = s.request("POST", "/image/v2/images", {"name": "big", "disk_format": "raw",
                                                 "container_format": "bare", "min_ram": 100000},
                    token=tok)[1]
    s.request("PUT", f"/image/v2/images/{big['id']}/file", token=tok, raw=b"x" * 512,
              headers={"Content-Type": "application/octet-stream"})
    st, doc, _ = s.request("POST", "/v2.1/servers", {"server": dict(boot, imageRef=big["id"])},
                           token=tok)
    t.ok(st == 400 and doc["badRequest"]["message"] ==
         "Flavor's memory is too small for requested image.",
         "an image whose min_ram is above the flavor's ram: 400, Nova's message", (st, doc))
    rc, out, err = s.osc("server", "create", "--flavor", "4711", "--image", "big", "--network",
                         net, "big")
    t.ok(rc != 0 and "memory is too small" in err, "openstack server create: the same refusal",
         (rc, out, err))
    st, doc, _ = s.request("POST", "/v2.1/servers", {"server": dict(
        boot, security_groups=[{"name": "does_not_exist"}])}, token=tok)
    t.ok(st == 400 and doc["badRequest"]["message"] == "Security group does_not_exist not found.",
         "create naming a security group that does not exist: 400", (st, doc))
    sg = s.request("POST", "/v2.0/security-groups", {"security_group": {"name": "web"}},
                   token=tok)[1]["security_group"]
    st, doc, _ = s.request("POST", "/v2.1/servers", {"server": dict(
        boot, name="cs", security_groups=[{"name": "web"}, {"name": sg["id"]}])}, token=tok)
    t.ok(st == 202 and doc["server"]["security_groups"][0] == {"name": "web"},
         "create naming an existing group by name and by id: 202, the groups answered",
         (st, doc))
    sid = doc["server"]["id"]
    wait_status(s, tok, [sid])

    def listed(query):
        st, doc, _ = s.request("GET", f"/v2.1/servers?name=^cs%24&{query}", token=tok,
                               headers={"OpenStack-API-Version": "compute 2.66"})
        return st, [x["id"] for x in (doc or {}).get("servers", [])]
    other = s.request("POST", "/v3/projects", {"project": {"name": "other"}},
                      token=tok)[1]["project"]["id"]
    for query, want in ((f"tenant_id={other}", [sid]),
                        (f"all_tenants=&tenant_id={other}", []),
                        (f"all_tenants=1&project_id={pid}", [sid]),
                        ("changes-since=2000-01-01T00:00:00Z", [sid]),
                        ("changes-since=2051-01-01T12:34:00Z&status=ACTIVE", []),
                        ("changes-before=2000-01-01", []),
                        ("changes-before=2051-01-01T12:34:00%2B01:00", [sid])):
        t.eq(listed(query), (200, want), f"server list ?{query}")
    st, doc, _ = s.request("GET", "/v2.1/servers?changes-since=2011/01/01", token=tok)
    t.ok(st == 400 and "changes-since" in doc["badRequest"]["message"],
         "changes-since=2011/01/01: 400", (st, doc))
    rc, out, err = s.osc("server", "list", "--all-projects", "--changes-since",
                         "2000-01-01T00:00:00Z")
    t.ok(rc == 0 and sid in [x["ID"] for x in out or []],
         "openstack server list --all-projects --changes-since", (rc, out, err))
    st, _, _ = s.request("POST", f"/v2.1/servers/{sid}/action",
                         {"os-resetState": {"state": "error"}}, token=tok)
    t.eq((st, listed("status=error")[1]), (202, [sid]),
         "os-resetState error: 202, then listed under status=error")
    st, _, _ = s.request("POST", f"/v2.1/servers/{sid}/action",
                         {"os-resetState": {"state": "active"}}, token=tok)
    t.eq((st, listed("status=error")[1]), (202, []), "os-resetState active: no longer ERROR")
    st, doc, _ = s.request("POST", f"/v2.1/servers/{sid}/action", {"reboot": {"type": "SOFT"}},
                           token=tok)
    t.ok(st == 404 and "no such action" in doc["itemNotFound"]["message"],
         "an action not served: 404 as Nova", (st, doc))
    s.request("DELETE", f"/v2.1/servers/{sid}", token=tok)


if __name__ == "__main__":
    sys.exit(main())
