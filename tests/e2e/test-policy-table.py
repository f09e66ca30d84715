#!/usr/bin/python3
"""The policy table, row by row. The rows are read from the server's own
document (`vfnet-server --api-doc`, section "Policy": the rule as the
upstream policy file names it and who vfnet lets through), and every row
is tried with four tokens: an admin, a member of the owning project A, a
member of another project B and a reader of A. What each gets follows
from the row's "who" (admin passes every rule; owner-member: A's member;
owner-reader and reader: A's member and reader; network-owner: a member of
the network's project, A; subject: the user itself), and a refusal is the
service's own 403 body (or its 404 for an object the caller may not see).
A row without a case here fails the test, so the document, the code and
this test cannot drift apart.
Usage: test-policy-table.py PATH/TO/vfnet-server"""
import itertools
import subprocess
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from vfnet_server import ML2_CONF, Server, Tap  # noqa: E402

ROLES = ("admin", "member", "other", "reader")
# A rule checked after another one the caller may fail first.
PARENT = {"publicize_image": "add_image"}
OCTET = {"Content-Type": "application/octet-stream"}


def policy_rows(binary):
    """(service, rule, who) of each row of the document's Policy table."""
    doc = subprocess.run([binary, "--api-doc"], check=True, capture_output=True,
                         text=True).stdout
    section = doc.split("\n## Policy\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[1].startswith("`"):
            rows.append((cells[0], cells[1].strip("`"), cells[3].strip("`")))
    return rows


def allowed(who, role, own=False):
    """What the row's who says of a role acting on project A's objects (own:
    each acts in its own project, so B's member is an owner too)."""
    if role == "admin":
        return True
    if role == "member" or (role == "other" and own):
        return who != "admin"
    if role == "reader":
        return who in ("owner-reader", "reader")
    return False


def refusal_ok(service, rule, status, st, body):
    """The refusal is the service's own error body; a 403 names the rule
    (or, when the caller may not even do the action, the action's rule)."""
    if st != status or not isinstance(body, dict) and service != "image":
        return False
    names = (rule, rule.split(":")[0] if service == "network" else PARENT.get(rule, rule))
    if service == "network":
        e = body.get("NeutronError", {})
        return {403: e.get("type") == "PolicyNotAuthorized"
                and any(f"rule:{n})" in e.get("message", "") for n in names),
                400: e.get("type") == "HTTPBadRequest",
                404: e.get("type", "").endswith("NotFound")}.get(status, False)
    if service == "compute":
        key = "forbidden" if status == 403 else "itemNotFound"
        msg = body.get(key, {}).get("message", "")
        return body.get(key, {}).get("code") == status and (
            status != 403 or msg == f"Policy doesn't allow {rule} to be performed.")
    if service == "identity":
        e = body.get("error", {})
        return e.get("code") == status and e.get("title") == (
            "Forbidden" if status == 403 else "Not Found") and (
            status != 403 or e.get("message") ==
            f"You are not authorized to perform the requested action: {rule}.")
    if service == "image":
        return status == 404 or any(f"You are not authorized to complete {n} action."
                                    in str(body) for n in names)
    return False


class Cloud:
    """Projects A and B, the four tokens, and the objects the cases use."""

    def __init__(self, s):
        self.s = s
        R = self.R = s.request
        self.adm = s.token()
        self.roles = {r["name"]: r["id"]
                      for r in R("GET", "/v3/roles", token=self.adm)[1]["roles"]}
        self.pa = self.project("A")
        self.pb = self.project("B")
        self.alice = self.user("alice", self.pa, "member")
        self.user("rita", self.pa, "reader")
        self.user("bob", self.pb, "member")
        self.tok = {"admin": self.adm, "member": s.token("alice", "pw", "A"),
                    "other": s.token("bob", "pw", "B"), "reader": s.token("rita", "pw", "A")}
        self.project_of = {"admin": None, "member": self.pa, "other": self.pb,
                           "reader": self.pa}
        self.seq = itertools.count(1)
        # A's own network and A's network shared with everyone (made by
        # the admin for A), each with a subnet.
        self.net_a = self.network(self.pa)
        self.sub_a = self.subnet(self.net_a, f"10.{next(self.seq)}.0.0/24", self.pa)
        self.shared = self.network(self.pa, shared=True)
        self.shared_sub = self.subnet(self.shared, "10.200.0.0/16", self.pa)
        st, doc, _ = R("POST", "/v2.0/security-groups", {"security_group": {"name": "g-a"}},
                       token=self.tok["member"])
        assert st == 201, doc
        self.sg_a = doc["security_group"]["id"]
        # A flavor and an active public image for boots.
        st, fl, _ = R("POST", "/v2.1/flavors", {"flavor": {
            "name": "small", "vcpus": 1, "ram": 512, "disk": 1}}, token=self.adm)
        assert st == 200, fl
        self.flavor = fl["flavor"]["id"]
        st, img, _ = R("POST", "/image/v2/images", {
            "name": "cirros", "disk_format": "qcow2", "container_format": "bare",
            "visibility": "public"}, token=self.adm)
        assert st == 201, img
        self.image = img["id"]
        st, _, _ = R("PUT", f"/image/v2/images/{self.image}/file", raw=b"\0" * 64,
                     token=self.adm, headers=OCTET)
        assert st == 204, st

    def project(self, name):
        st, body, _ = self.R("POST", "/v3/projects", {"project": {"name": name}}, token=self.adm)
        assert st == 201, body
        return body["project"]["id"]

    def user(self, name, pid, role):
        st, body, _ = self.R("POST", "/v3/users", {"user": {"name": name, "password": "pw"}},
                             token=self.adm)
        assert st == 201, body
        uid = body["user"]["id"]
        st, _, _ = self.R("PUT", f"/v3/projects/{pid}/users/{uid}/roles/{self.roles[role]}",
                          token=self.adm)
        assert st == 204, st
        return uid

    def network(self, pid, **kw):
        """A network of project pid on a VLAN of its own, made by the admin."""
        body = {"name": f"n{next(self.seq)}", "project_id": pid,
                "provider:network_type": "vlan", "provider:physical_network": "physnet1",
                "provider:segmentation_id": 1000 + next(self.seq)}
        body.update(kw)
        st, doc, _ = self.R("POST", "/v2.0/networks", {"network": body}, token=self.adm)
        assert st == 201, doc
        return doc["network"]["id"]

    def subnet(self, net, cidr, pid=None):
        body = {"network_id": net, "cidr": cidr, "ip_version": 4}
        if pid:
            body["project_id"] = pid
        st, doc, _ = self.R("POST", "/v2.0/subnets", {"subnet": body}, token=self.adm)
        assert st == 201, doc
        return doc["subnet"]["id"]

    def port(self, net, pid, **kw):
        """A port of project pid, made by the admin."""
        body = {"network_id": net, "project_id": pid}
        body.update(kw)
        st, doc, _ = self.R("POST", "/v2.0/ports", {"port": body}, token=self.adm)
        assert st == 201, doc
        return doc["port"]["id"]

    def own_port(self, role, direct=False):
        """A port on A's shared network in the role's own project (the
        reader's is A's, made by the admin)."""
        pid = self.project_of[role]
        kw = {"binding:vnic_type": "direct"} if direct else {}
        if role in ("admin", "reader"):
            return self.port(self.shared, pid or self.admin_project(), **kw)
        st, doc, _ = self.R("POST", "/v2.0/ports", {"port": {"network_id": self.shared, **kw}},
                            token=self.tok[role])
        assert st == 201, doc
        return doc["port"]["id"]

    def admin_project(self):
        return self.R("GET", "/v3/projects?name=admin", token=self.adm)[1]["projects"][0]["id"]

    def free_ip(self):
        n = next(self.seq)
        return f"10.200.{n // 250}.{n % 250 + 2}"

    def server(self, pid_token):
        """A server of A, booted by A's member (no host: it goes ERROR)."""
        port = self.port(self.net_a, self.pa, **{"binding:vnic_type": "direct"})
        st, doc, _ = self.R("POST", "/v2.1/servers", {"server": {
            "name": "vm", "imageRef": self.image, "flavorRef": self.flavor,
            "networks": [{"port": port}]}}, token=pid_token)
        assert st == 202, doc
        return doc["server"]["id"]

    def image_of_a(self):
        st, doc, _ = self.R("POST", "/image/v2/images", {
            "name": "a-img", "disk_format": "qcow2", "container_format": "bare"},
            token=self.tok["member"])
        assert st == 201, doc
        return doc["id"]


def cases(c):
    """rule -> case. A case is (call, ok status, deny statuses, kind): call(role,
    token) makes what it needs and sends the one request; deny gives the
    status of a refusal per role (default 403); kind "status" compares
    statuses, ("attr", resource, key) expects a 200 view with or without
    key."""
    R = c.R
    pa = c.pa

    def post_net(tok, **kw):
        body = {"name": f"x{next(c.seq)}", "project_id": pa}
        body.update(kw)
        res = R("POST", "/v2.0/networks", {"network": body}, token=tok)
        if res[0] == 201:  # give the VLAN back
            R("DELETE", f"/v2.0/networks/{res[1]['network']['id']}", token=c.adm)
        return res

    def post_port(role, tok, net=None, own=True, **kw):
        body = {"network_id": net or c.shared}
        if not own:
            body["project_id"] = pa
        body.update(kw)
        return R("POST", "/v2.0/ports", {"port": body}, token=tok)

    def put_own_port(role, tok, **kw):
        return R("PUT", f"/v2.0/ports/{c.own_port(role)}", {"port": kw}, token=tok)

    def subject_token():
        return c.s.token("alice", "pw", "A")

    NF = {"other": 404}
    BR = {"other": 400}  # B's member naming project A
    seg = itertools.count(2000)
    return {
        # Networks
        "create_network": (lambda r, t: post_net(t), 201, BR, "status"),
        "create_network:shared": (lambda r, t: post_net(t, shared=True), 201, BR, "status"),
        "create_network:router:external": (
            lambda r, t: post_net(t, **{"router:external": True}), 201, BR, "status"),
        "create_network:provider:network_type": (
            lambda r, t: post_net(t, **{"provider:network_type": "vlan"}), 201, BR, "status"),
        "create_network:provider:physical_network": (
            lambda r, t: post_net(t, **{"provider:physical_network": "physnet1",
                                        "provider:network_type": "vlan"}),
            201, BR, "status"),
        "create_network:provider:segmentation_id": (
            lambda r, t: post_net(t, **{"provider:segmentation_id": next(seg),
                                        "provider:network_type": "vlan",
                                        "provider:physical_network": "physnet1"}),
            201, BR, "status"),
        "get_network": (lambda r, t: R("GET", f"/v2.0/networks/{c.net_a}", token=t), 200, NF,
                        "status"),
        "get_network:provider:network_type": (
            lambda r, t: R("GET", f"/v2.0/networks/{c.net_a}", token=t), 200, NF,
            ("attr", "network", "provider:network_type")),
        "get_network:provider:physical_network": (
            lambda r, t: R("GET", f"/v2.0/networks/{c.net_a}", token=t), 200, NF,
            ("attr", "network", "provider:physical_network")),
        "get_network:provider:segmentation_id": (
            lambda r, t: R("GET", f"/v2.0/networks/{c.net_a}", token=t), 200, NF,
            ("attr", "network", "provider:segmentation_id")),
        "update_network": (lambda r, t: R("PUT", f"/v2.0/networks/{c.net_a}",
                                          {"network": {"name": f"a{r}"}}, token=t),
                           200, NF, "status"),
        "update_network:shared": (lambda r, t: R("PUT", f"/v2.0/networks/{c.network(pa)}",
                                                 {"network": {"shared": True}}, token=t),
                                  200, NF, "status"),
        "delete_network": (lambda r, t: R("DELETE", f"/v2.0/networks/{c.network(pa)}", token=t),
                           204, NF, "status"),
        # Subnets: a new one on A's shared network, which B's member sees.
        "create_subnet": (lambda r, t: R("POST", "/v2.0/subnets", {"subnet": {
            "network_id": c.network(pa, shared=True), "cidr": "10.99.0.0/24",
            "ip_version": 4}}, token=t), 201, {}, "status"),
        "get_subnet": (lambda r, t: R("GET", f"/v2.0/subnets/{c.sub_a}", token=t), 200, NF,
                       "status"),
        "update_subnet": (lambda r, t: R("PUT", f"/v2.0/subnets/{c.sub_a}",
                                         {"subnet": {"name": f"s{r}"}}, token=t),
                          200, NF, "status"),
        "delete_subnet": (lambda r, t: R("DELETE", "/v2.0/subnets/" + c.subnet(
            c.network(pa), "10.98.0.0/24", pa), token=t), 204, NF, "status"),
        # Ports: attributes on A's shared network, each in the caller's own project.
        "create_port": (lambda r, t: post_port(r, t, net=c.net_a, own=False), 201, BR, "status"),
        "create_port:device_owner": (lambda r, t: post_port(r, t, device_owner="network:dhcp"),
                                     201, {}, "status"),
        "create_port:mac_address": (
            lambda r, t: post_port(r, t, mac_address=f"fa:16:3e:aa:00:{next(c.seq):02x}"),
            201, {}, "status"),
        "create_port:fixed_ips:ip_address": (
            lambda r, t: post_port(r, t, fixed_ips=[{"ip_address": c.free_ip()}]),
            201, {}, "status"),
        "create_port:port_security_enabled": (
            lambda r, t: post_port(r, t, port_security_enabled=False), 201, {}, "status"),
        "create_port:binding:host_id": (
            lambda r, t: post_port(r, t, net=c.net_a, own=False, **{"binding:host_id": "cn9"}),
            201, BR, "status"),
        "create_port:binding:profile": (
            lambda r, t: post_port(r, t, net=c.net_a, own=False,
                                   **{"binding:profile": {"trusted": True}}),
            201, BR, "status"),
        "create_port:allowed_address_pairs": (
            lambda r, t: post_port(r, t, allowed_address_pairs=[{"ip_address": "10.9.9.9"}]),
            201, {}, "status"),
        "get_port": (lambda r, t: R("GET", f"/v2.0/ports/{c.port(c.net_a, pa)}", token=t),
                     200, NF, "status"),
        "get_port:binding:vif_type": (
            lambda r, t: R("GET", f"/v2.0/ports/{c.port(c.net_a, pa)}", token=t), 200, NF,
            ("attr", "port", "binding:vif_type")),
        "get_port:binding:profile": (
            lambda r, t: R("GET", f"/v2.0/ports/{c.port(c.net_a, pa)}", token=t), 200, NF,
            ("attr", "port", "binding:profile")),
        "update_port": (lambda r, t: R("PUT", f"/v2.0/ports/{c.port(c.net_a, pa)}",
                                       {"port": {"name": "p"}}, token=t), 200, NF, "status"),
        "update_port:device_owner": (
            lambda r, t: put_own_port(r, t, device_owner="network:dhcp"), 200, {}, "status"),
        "update_port:mac_address": (
            lambda r, t: R("PUT", f"/v2.0/ports/{c.port(c.net_a, pa)}", {"port": {
                "mac_address": f"fa:16:3e:bb:00:{next(c.seq):02x}"}}, token=t),
            200, NF, "status"),
        "update_port:fixed_ips:ip_address": (
            lambda r, t: put_own_port(r, t, fixed_ips=[{"ip_address": c.free_ip()}]),
            200, {}, "status"),
        "update_port:port_security_enabled": (
            lambda r, t: put_own_port(r, t, port_security_enabled=False, security_groups=[]),
            200, {}, "status"),
        "update_port:allowed_address_pairs": (
            lambda r, t: put_own_port(r, t, allowed_address_pairs=[{"ip_address": "10.9.9.8"}]),
            200, {}, "status"),
        "delete_port": (lambda r, t: R("DELETE", f"/v2.0/ports/{c.port(c.net_a, pa)}", token=t),
                        204, NF, "status"),
        # Security groups
        "create_security_group": (lambda r, t: R("POST", "/v2.0/security-groups", {
            "security_group": {"name": "g", "project_id": pa}}, token=t), 201, BR, "status"),
        "get_security_group": (lambda r, t: R("GET", f"/v2.0/security-groups/{c.sg_a}",
                                              token=t), 200, NF, "status"),
        "update_security_group": (lambda r, t: R("PUT", f"/v2.0/security-groups/{c.sg_a}", {
            "security_group": {"description": r}}, token=t), 200, NF, "status"),
        "delete_security_group": (lambda r, t: R("DELETE", "/v2.0/security-groups/" + R(
            "POST", "/v2.0/security-groups", {"security_group": {"name": "d", "project_id": pa}},
            token=c.adm)[1]["security_group"]["id"], token=t), 204, NF, "status"),
        "create_security_group_rule": (lambda r, t: R("POST", "/v2.0/security-group-rules", {
            "security_group_rule": {"security_group_id": c.sg_a, "direction": "ingress",
                                    "protocol": "tcp", "port_range_min": next(c.seq),
                                    "port_range_max": next(c.seq) + 5000}}, token=t),
            201, NF, "status"),
        "get_agent": (lambda r, t: R("GET", "/v2.0/agents", token=t), 200, {}, "list-admin"),
        "get_quota": (lambda r, t: R("GET", f"/v2.0/quotas/{pa}", token=t), 200, {}, "status"),
        "update_quota": (lambda r, t: R("PUT", f"/v2.0/quotas/{pa}",
                                        {"quota": {"network": 90}}, token=t), 200, {}, "status"),
        # Compute
        "os_compute_api:servers:create": (
            lambda r, t: R("POST", "/v2.1/servers", {"server": {
                "name": "vm", "imageRef": c.image, "flavorRef": c.flavor,
                "networks": [{"port": c.own_port(r, direct=True)}]}}, token=t),
            202, {}, "status", True),
        "os_compute_api:servers:create:forced_host": (
            lambda r, t: R("POST", "/v2.1/servers", {"server": {
                "name": "vm", "imageRef": c.image, "flavorRef": c.flavor,
                "availability_zone": "nova:cn1",
                "networks": [{"port": c.port(c.net_a, pa, **{"binding:vnic_type": "direct"})}]}},
                token=t), 202, {}, "status"),
        "os_compute_api:servers:show": (
            lambda r, t: R("GET", f"/v2.1/servers/{c.server(c.tok['member'])}", token=t),
            200, NF, "status"),
        "os_compute_api:servers:delete": (
            lambda r, t: R("DELETE", f"/v2.1/servers/{c.server(c.tok['member'])}", token=t),
            204, NF, "status"),
        "os_compute_api:os-quota-sets:show": (
            lambda r, t: R("GET", f"/v2.1/os-quota-sets/{pa}", token=t), 200, {}, "status"),
        "os_compute_api:os-quota-sets:update": (
            lambda r, t: R("PUT", f"/v2.1/os-quota-sets/{pa}",
                           {"quota_set": {"instances": 9}}, token=t), 200, {}, "status"),
        "os_compute_api:os-flavor-manage:create": (
            lambda r, t: R("POST", "/v2.1/flavors", {"flavor": {
                "name": f"f{next(c.seq)}", "vcpus": 1, "ram": 64, "disk": 0}}, token=t),
            200, {}, "status"),
        "os_compute_api:os-aggregates:index": (
            lambda r, t: R("GET", "/v2.1/os-aggregates", token=t), 200, {}, "status"),
        "os_compute_api:os-hypervisors:list": (
            lambda r, t: R("GET", "/v2.1/os-hypervisors", token=t), 200, {}, "status"),
        "os_compute_api:os-services:list": (
            lambda r, t: R("GET", "/v2.1/os-services", token=t), 200, {}, "status"),
        # Identity
        "identity:create_user": (lambda r, t: R("POST", "/v3/users", {"user": {
            "name": f"u{next(c.seq)}"}}, token=t), 201, {}, "status"),
        "identity:list_users": (lambda r, t: R("GET", "/v3/users", token=t), 200, {}, "status"),
        "identity:get_user": (lambda r, t: R("GET", f"/v3/users/{c.alice}", token=t), 200, {},
                              "status"),
        "identity:create_project": (lambda r, t: R("POST", "/v3/projects", {"project": {
            "name": f"p{next(c.seq)}"}}, token=t), 201, {}, "status"),
        "identity:get_project": (lambda r, t: R("GET", f"/v3/projects/{pa}", token=t), 200, {},
                                 "status"),
        "identity:create_grant": (
            lambda r, t: R("PUT", f"/v3/projects/{c.pb}/users/{c.alice}/roles/"
                           f"{c.roles['reader']}", token=t), 204, {}, "status"),
        "identity:validate_token": (
            lambda r, t: R("GET", "/v3/auth/tokens", token=t,
                           headers={"X-Subject-Token": subject_token()}), 200, {}, "status"),
        "identity:revoke_token": (
            lambda r, t: R("DELETE", "/v3/auth/tokens", token=t,
                           headers={"X-Subject-Token": subject_token()}), 204, {}, "status"),
        # Images
        "add_image": (lambda r, t: R("POST", "/image/v2/images", {
            "name": "i", "disk_format": "raw", "container_format": "bare"},
            token=t), 201, {}, "status", True),
        "get_image": (lambda r, t: R("GET", f"/image/v2/images/{c.image_of_a()}", token=t),
                      200, NF, "status"),
        "upload_image": (lambda r, t: R("PUT", f"/image/v2/images/{c.image_of_a()}/file",
                                        raw=b"\1" * 16, token=t, headers=OCTET),
                         204, NF, "status"),
        "delete_image": (lambda r, t: R("DELETE", f"/image/v2/images/{c.image_of_a()}",
                                        token=t), 204, NF, "status"),
        "publicize_image": (lambda r, t: R("POST", "/image/v2/images", {
            "name": "p", "disk_format": "raw", "container_format": "bare",
            "visibility": "public"}, token=t), 201, {}, "status"),
    }


def check(t, service, rule, who, role, case, res):
    call, ok, deny, kind, own = (case + (False,))[:5]
    st, body, _ = res
    want = allowed(who, role, own)
    desc = f"{rule} ({who}) as {role}: "
    if kind == "list-admin":
        # A list shows only what the rule lets the caller see.
        items = (body or {}).get("agents")
        t.ok(st == 200 and isinstance(items, list) and (want or items == []),
             desc + ("listed" if want else "200 with nothing listed"), (st, body))
        return
    if isinstance(kind, tuple):
        _, res_name, key = kind
        if role in deny and not want:
            t.ok(refusal_ok(service, rule, deny[role], st, body), desc + f"{deny[role]}", (st, body))
            return
        shown = st == 200 and key in (body or {}).get(res_name, {})
        t.ok(st == 200 and shown == want, desc + ("shown" if want else "not shown"), (st, body))
        return
    if want:
        t.ok(st == ok, desc + f"{ok}", (st, body))
    else:
        status = deny.get(role, 403)
        t.ok(refusal_ok(service, rule, status, st, body), desc + f"{status}", (st, body))


def main():
    t = Tap()
    binary = sys.argv[1]
    rows = policy_rows(binary)
    t.ok(len(rows) >= 40, f"the document's policy table has its rows ({len(rows)})")
    with Server(binary) as s:
        # Room for every project network the cases make.
        with open(s.ml2, "w") as f:
            f.write(ML2_CONF.replace("physnet1:15:20", "physnet1:15:900"))
        s.bootstrap()
        s.start()
        c = Cloud(s)
        table = cases(c)
        for service, rule, who in rows:
            case = table.pop(rule, None)
            t.ok(case is not None, f"{rule}: the test has a case for the row")
            if case is None:
                continue
            for role in ROLES:
                check(t, service, rule, who, role, case, case[0](role, c.tok[role]))
        t.ok(not table, "every case is a row of the table", sorted(table))
    t.done()


if __name__ == "__main__":
    main()
