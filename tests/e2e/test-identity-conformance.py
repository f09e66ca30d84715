#!/usr/bin/python3
"""Keystone semantics that tempest's identity tests hold vfnet-server to,
over raw HTTP: list filters (?enabled=, ?parent_id=), name lengths, an
update that repeats the id, a user in a domain that does not exist, the
methods of a rescoped token, a token without scope scoped to the user's
default project, a password change proven by the original password
alone, a project's tags one by one, projects acting as domains,
domain-specific roles, grants on the system, the catalog's services,
endpoints and regions.
Usage: test-identity-conformance.py PATH/TO/vfnet-server"""
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from vfnet_server import Server, Tap  # noqa: E402


def main():
    t = Tap()
    with Server(sys.argv[1]) as s:
        s.bootstrap()
        s.start()
        tok = s.token()

        def R(method, path, body=None, token=tok):
            return s.request(method, path, body, token=token)

        # ?enabled= (oslo's bool_from_string: "False", "0", "no" are false)
        st, on, _ = R("POST", "/v3/projects", {"project": {"name": "p-on"}})
        st2, off, _ = R("POST", "/v3/projects", {"project": {"name": "p-off", "enabled": False}})
        t.ok(st == 201 and st2 == 201, "two projects, one disabled", (on, off))
        for v in ("False", "0", "no"):
            names = {p["name"] for p in R("GET", f"/v3/projects?enabled={v}")[1]["projects"]}
            t.ok("p-off" in names and "p-on" not in names and "admin" not in names,
                 f"projects?enabled={v}: only the disabled one", names)
        names = {p["name"] for p in R("GET", "/v3/projects?enabled=True")[1]["projects"]}
        t.ok("p-on" in names and "p-off" not in names, "projects?enabled=True", names)
        st, u, _ = R("POST", "/v3/users", {"user": {"name": "u-off", "enabled": False}})
        names = {x["name"] for x in R("GET", "/v3/users?enabled=false")[1]["users"]}
        t.eq(names, {"u-off"}, "users?enabled=false")
        st, d, _ = R("POST", "/v3/domains", {"domain": {"name": "d-off", "enabled": False}})
        names = {x["name"] for x in R("GET", "/v3/domains?enabled=false")[1]["domains"]}
        t.eq(names, {"d-off"}, "domains?enabled=false")

        # ?parent_id=: a top-level project's parent is its domain
        pid = on["project"]["id"]
        st, child, _ = R("POST", "/v3/projects", {"project": {"name": "kid", "parent_id": pid}})
        names = [p["name"] for p in R("GET", f"/v3/projects?parent_id={pid}")[1]["projects"]]
        t.eq(names, ["kid"], "projects?parent_id= lists the children")
        names = {p["name"] for p in R("GET", "/v3/projects?parent_id=default")[1]["projects"]}
        t.ok({"admin", "p-on", "p-off"} <= names and "kid" not in names,
             "projects?parent_id=default lists the top-level ones", names)

        # names: 64 characters for projects and domains, 255 for the others
        long = "a" * 65
        st, doc, _ = R("POST", "/v3/projects", {"project": {"name": long}})
        t.ok(st == 400 and "is too long" in doc["error"]["message"],
             "a project name of 65 characters: 400", doc)
        st, doc, _ = R("POST", "/v3/domains", {"domain": {"name": long}})
        t.ok(st == 400, "a domain name of 65 characters: 400", doc)
        st, doc, _ = R("PATCH", f"/v3/projects/{pid}", {"project": {"name": long}})
        t.ok(st == 400, "renaming a project to 65 characters: 400", doc)
        st, doc, _ = R("POST", "/v3/projects", {"project": {"name": "b" * 64}})
        t.ok(st == 201, "a project name of 64 characters: 201", doc)
        st, doc, _ = R("POST", "/v3/users", {"user": {"name": long}})
        t.ok(st == 201, "a user name of 65 characters: 201", doc)

        # an update may repeat the id, not change it
        uid = u["user"]["id"]
        st, doc, _ = R("PATCH", f"/v3/users/{uid}", {"user": {"id": uid, "email": "x@example.org"}})
        t.ok(st == 200 and doc["user"]["email"] == "x@example.org",
             "PATCH repeating the user's id: 200", doc)
        st, doc, _ = R("PATCH", f"/v3/users/{uid}", {"user": {"id": "other"}})
        t.ok(st == 400 and doc["error"]["message"] == "Cannot change ID",
             "PATCH with another id: 400 Cannot change ID", doc)

        # a user in a domain that does not exist: 404 (DomainNotFound)
        st, doc, _ = R("POST", "/v3/users", {"user": {"name": "lost", "domain_id": "nowhere"}})
        t.ok(st == 404 and doc["error"]["message"] == "Could not find domain: nowhere.",
             "a user in an unknown domain: 404", doc)

        # default_project_id scopes a token asked for without scope
        roles = {r["name"]: r["id"] for r in R("GET", "/v3/roles")[1]["roles"]}
        st, bob, _ = R("POST", "/v3/users", {"user": {"name": "bob", "password": "pw-bob",
                                                      "default_project_id": pid}})
        bid = bob["user"]["id"]
        unscoped = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "id": bid, "password": "pw-bob"}}}}}
        st, doc, _ = s.request("POST", "/v3/auth/tokens", unscoped)
        t.ok(st == 201 and "project" not in doc["token"],
             "no role on the default project: the token stays unscoped", doc)
        R("PUT", f"/v3/projects/{pid}/users/{bid}/roles/{roles['member']}")
        st, doc, hdrs = s.request("POST", "/v3/auth/tokens", unscoped)
        t.ok(st == 201 and doc["token"].get("project", {}).get("id") == pid
             and doc["token"].get("catalog"),
             "with a role there: scoped to the default project, with the catalog", doc)
        bob_tok = hdrs["X-Subject-Token"]
        st, doc, _ = s.request("GET", "/v3/auth/tokens", token=tok,
                               headers={"X-Subject-Token": bob_tok})
        t.ok(st == 200 and doc["token"]["project"]["id"] == pid, "its validation shows the project", doc)

        # the token method: methods are token and password
        st, doc, hdrs = s.request("POST", "/v3/auth/tokens", {"auth": {"identity": {
            "methods": ["token"], "token": {"id": bob_tok}},
            "scope": {"project": {"id": pid}}}})
        t.ok(st == 201 and sorted(doc["token"]["methods"]) == ["password", "token"],
             "a rescoped token's methods: password, token", doc)
        st, doc, _ = s.request("GET", "/v3/auth/tokens", token=tok,
                               headers={"X-Subject-Token": hdrs["X-Subject-Token"]})
        t.ok(st == 200 and sorted(doc["token"]["methods"]) == ["password", "token"],
             "and so on validation", doc)
        st, doc, _ = s.request("POST", "/v3/auth/tokens", unscoped)
        t.eq(doc["token"]["methods"], ["password"], "a password token's methods: password")

        # a project's tags one by one (/v3/projects/{id}/tags)
        st, doc, _ = R("PUT", f"/v3/projects/{pid}/tags/blue")
        t.eq(st, 201, "PUT .../tags/blue: 201")
        t.eq(R("GET", f"/v3/projects/{pid}/tags/blue")[0], 204, "GET .../tags/blue: 204")
        st, doc, _ = R("GET", f"/v3/projects/{pid}/tags/red")
        t.ok(st == 404 and doc["error"]["message"] == "Could not find project tag: red.",
             "a tag it has not: 404", doc)
        t.eq(R("PUT", f"/v3/projects/{pid}/tags/blue")[0], 400, "the same tag again: 400")
        t.eq(R("PUT", f"/v3/projects/{pid}/tags/a,b")[0], 400, "a tag with ',': 400")
        st, doc, _ = R("PUT", f"/v3/projects/{pid}/tags", {"tags": ["x", "y"]})
        t.ok(st == 200 and doc == {"tags": ["x", "y"]}, "PUT .../tags replaces the list", doc)
        t.eq(R("GET", f"/v3/projects/{pid}")[1]["project"]["tags"], ["x", "y"],
             "the project shows them")
        t.eq(R("DELETE", f"/v3/projects/{pid}/tags/x")[0], 204, "DELETE .../tags/x: 204")
        t.eq(R("GET", f"/v3/projects/{pid}/tags")[1], {"tags": ["y"]}, "GET .../tags")
        t.eq(R("DELETE", f"/v3/projects/{pid}/tags")[0], 204, "DELETE .../tags: 204")
        t.eq(R("GET", f"/v3/projects/{pid}/tags")[1], {"tags": []}, "no tags left")
        bob_now = s.token("bob", "pw-bob", "p-on")
        t.eq(R("GET", f"/v3/projects/{pid}/tags", token=bob_now)[0], 200,
             "a member of the project reads its tags")
        t.eq(R("PUT", f"/v3/projects/{pid}/tags/z", token=bob_now)[0], 403,
             "and may not add one: 403")

        # a project acting as a domain (is_domain) is that domain
        st, pd, _ = R("POST", "/v3/projects", {"project": {"name": "as-domain",
                                                           "is_domain": True}})
        t.ok(st == 201 and pd["project"]["is_domain"] is True
             and pd["project"]["domain_id"] is None, "POST a project with is_domain: 201", pd)
        pdid = pd["project"]["id"]
        t.eq(R("GET", f"/v3/domains/{pdid}")[1]["domain"]["name"], "as-domain",
             "the domains API shows it")
        ids = [p["id"] for p in R("GET", "/v3/projects?is_domain=true")[1]["projects"]]
        t.ok(pdid in ids and "default" in ids, "projects?is_domain=true lists the domains", ids)
        ids = [p["id"] for p in R("GET", "/v3/projects")[1]["projects"]]
        t.ok(pdid not in ids, "plain project lists do not", ids)
        st, doc, _ = R("PATCH", f"/v3/projects/{pdid}", {"project": {"enabled": False}})
        t.ok(st == 200 and doc["project"]["enabled"] is False and doc["project"]["is_domain"],
             "PATCH through the project route", doc)
        t.eq(R("DELETE", f"/v3/projects/{pdid}")[0], 204, "DELETE through the project route")
        t.eq(R("GET", f"/v3/domains/{pdid}")[0], 404, "the domain is gone")

        # domain-specific roles: in no token nor effective assignment
        # themselves, only through the global roles they imply
        st, dom, _ = R("POST", "/v3/domains", {"domain": {"name": "d-roles"}})
        did = dom["domain"]["id"]
        st, drole, _ = R("POST", "/v3/roles", {"role": {"name": "d-only", "domain_id": did}})
        t.ok(st == 201 and drole["role"]["domain_id"] == did, "a domain-specific role", drole)
        drid = drole["role"]["id"]
        st, doc, _ = R("PUT", f"/v3/roles/{roles['reader']}/implies/{drid}")
        t.ok(st == 403 and doc["error"]["message"] ==
             "Global role cannot imply a domain-specific role",
             "a global role may not imply a domain-specific one: 403", doc)
        st, u2, _ = R("POST", "/v3/users", {"user": {"name": "dee", "password": "pw-dee"}})
        uid2 = u2["user"]["id"]
        R("PUT", f"/v3/projects/{pid}/users/{uid2}/roles/{drid}")
        eff = R("GET", f"/v3/role_assignments?effective&user.id={uid2}")[1]["role_assignments"]
        t.eq(eff, [], "granted only a domain-specific role: no effective assignment")
        st, doc, _ = s.request("POST", "/v3/auth/tokens", {"auth": {"identity": {
            "methods": ["password"], "password": {"user": {"id": uid2, "password": "pw-dee"}}},
            "scope": {"project": {"id": pid}}}})
        t.eq(st, 401, "and no token scoped there")
        t.eq(R("PUT", f"/v3/roles/{drid}/implies/{roles['reader']}")[0], 201,
             "the domain-specific role implies reader")
        eff = R("GET", f"/v3/role_assignments?effective&user.id={uid2}")[1]["role_assignments"]
        t.eq([a["role"]["id"] for a in eff], [roles["reader"]],
             "effective assignments: reader only, through the domain-specific role")
        st, doc, _ = s.request("POST", "/v3/auth/tokens", {"auth": {"identity": {
            "methods": ["password"], "password": {"user": {"id": uid2, "password": "pw-dee"}}},
            "scope": {"project": {"id": pid}}}})
        t.ok(st == 201 and [r["name"] for r in doc["token"]["roles"]] == ["reader"],
             "a token scoped there holds reader, not the domain-specific role", doc)

        # grants on the system: kept and listed; they scope no project
        st, sy, _ = R("POST", "/v3/users", {"user": {"name": "sys", "password": "pw-sys"}})
        syid = sy["user"]["id"]
        adm_role = roles["admin"]
        t.eq(R("PUT", f"/v3/system/users/{syid}/roles/{adm_role}")[0], 204,
             "PUT /v3/system/users/{u}/roles/{r}: 204")
        t.eq([r["id"] for r in R("GET", f"/v3/system/users/{syid}/roles")[1]["roles"]],
             [adm_role], "GET /v3/system/users/{u}/roles")
        t.eq(R("HEAD", f"/v3/system/users/{syid}/roles/{adm_role}")[0], 204, "HEAD the grant: 204")
        ra = R("GET", f"/v3/role_assignments?user.id={syid}")[1]["role_assignments"]
        t.ok(len(ra) == 1 and ra[0]["scope"] == {"system": {"all": True}}
             and ra[0]["links"]["assignment"].endswith(f"/v3/system/users/{syid}/roles/{adm_role}"),
             "role_assignments shows the system scope", ra)
        t.eq(R("GET", f"/v3/role_assignments?user.id={syid}&scope.project.id={pid}")[1]
             ["role_assignments"], [], "and not under a project")
        st, doc, _ = s.request("POST", "/v3/auth/tokens", {"auth": {"identity": {
            "methods": ["password"], "password": {"user": {"id": syid, "password": "pw-sys"}}},
            "scope": {"project": {"id": pid}}}})
        t.eq(st, 401, "a system grant scopes no project token")
        t.eq(R("DELETE", f"/v3/system/users/{syid}/roles/{adm_role}")[0], 204, "DELETE the grant")
        st, doc, _ = R("HEAD", f"/v3/system/users/{syid}/roles/{adm_role}")
        t.eq(st, 404, "then HEAD: 404")
        t.eq(R("PUT", f"/v3/system/groups/nope/roles/{adm_role}")[0], 404,
             "a group that does not exist: 404")

        # the catalog: services, endpoints, regions
        st, svc, _ = R("POST", "/v3/services", {"service": {"type": "dns", "name": "designate",
                                                            "description": "names"}})
        t.ok(st == 201 and svc["service"]["type"] == "dns" and svc["service"]["enabled"] is True,
             "POST /v3/services: 201", svc)
        sid = svc["service"]["id"]
        t.eq(R("POST", "/v3/services", {"service": {"name": "x"}})[0], 400,
             "a service without type: 400")
        st, doc, _ = R("PATCH", f"/v3/services/{sid}", {"service": {"description": "DNS"}})
        t.ok(st == 200 and R("GET", f"/v3/services/{sid}")[1]["service"]["description"] == "DNS",
             "PATCH a service's description", doc)
        st, ep, _ = R("POST", "/v3/endpoints", {"endpoint": {
            "service_id": sid, "interface": "public", "url": "http://dns.example:9001",
            "region": "RegionTwo"}})
        t.ok(st == 201 and ep["endpoint"]["region"] == "RegionTwo"
             and ep["endpoint"]["region_id"] == "RegionTwo" and ep["endpoint"]["service_id"] == sid,
             "POST /v3/endpoints with a legacy region: 201", ep)
        eid = ep["endpoint"]["id"]
        st, doc, _ = R("GET", "/v3/regions/RegionTwo")
        t.ok(st == 200 and doc["region"]["id"] == "RegionTwo",
             "the legacy region was made", doc)
        st, doc, _ = R("POST", "/v3/endpoints", {"endpoint": {
            "service_id": sid, "interface": "public", "url": "http://x", "enabled": "False"}})
        t.ok(st == 400 and "'boolean'" in doc["error"]["message"], "enabled 'False': 400", doc)
        st, doc, _ = R("POST", "/v3/endpoints", {"endpoint": {
            "service_id": sid, "interface": "outside", "url": "http://x"}})
        t.eq(st, 400, "an interface that is not public, internal, admin: 400")
        st, doc, _ = R("POST", "/v3/endpoints", {"endpoint": {
            "service_id": sid, "interface": "public", "url": "http://x", "region_id": "Nowhere"}})
        t.ok(st == 404 and doc["error"]["message"] == "Could not find region: Nowhere.",
             "a region_id that does not exist: 404", doc)
        st, doc, _ = R("POST", "/v3/endpoints", {"endpoint": {
            "service_id": "nope", "interface": "public", "url": "http://x"}})
        t.ok(st == 404 and doc["error"]["message"] == "Could not find service: nope.",
             "a service that does not exist: 404", doc)
        ids = [e["id"] for e in R("GET", f"/v3/endpoints?service_id={sid}")[1]["endpoints"]]
        t.eq(ids, [eid], "GET /v3/endpoints?service_id=")
        cat = {c["type"]: c for c in R("GET", "/v3/auth/catalog", token=tok)[1]["catalog"]}
        t.ok("dns" in cat and [e["url"] for e in cat["dns"]["endpoints"]] ==
             ["http://dns.example:9001"], "the new service is in the token's catalog", cat.get("dns"))
        st, doc, _ = R("PATCH", f"/v3/endpoints/{eid}", {"endpoint": {"enabled": False}})
        t.ok(st == 200 and doc["endpoint"]["enabled"] is False, "PATCH enabled false", doc)
        cat = {c["type"]: c for c in R("GET", "/v3/auth/catalog", token=tok)[1]["catalog"]}
        t.eq(cat["dns"]["endpoints"], [], "a disabled endpoint leaves the catalog")
        R("PATCH", f"/v3/services/{sid}", {"service": {"enabled": False}})
        cat = {c["type"]: c for c in R("GET", "/v3/auth/catalog", token=tok)[1]["catalog"]}
        t.ok("dns" not in cat and "network" in cat, "so does a disabled service", list(cat))
        st, reg, _ = R("POST", "/v3/regions", {"region": {"description": "child",
                                                          "parent_region_id": "RegionTwo"}})
        t.ok(st == 201 and reg["region"]["parent_region_id"] == "RegionTwo", "POST /v3/regions", reg)
        kids = [g["id"] for g in R("GET", "/v3/regions?parent_region_id=RegionTwo")[1]["regions"]]
        t.eq(kids, [reg["region"]["id"]], "GET /v3/regions?parent_region_id=")
        t.eq(R("PUT", "/v3/regions/RegionTwo", {"region": {}})[0], 409, "PUT a region id taken: 409")
        t.eq(R("DELETE", f"/v3/services/{sid}")[0], 204, "DELETE the service")
        t.eq(R("GET", f"/v3/endpoints/{eid}")[0], 404, "its endpoints went with it")
        rc, out, err = s.osc("service", "create", "--name", "barbican", "key-manager")
        rc2, out2, err2 = s.osc("endpoint", "create", "--region", "RegionOne", "key-manager",
                                "internal", "http://keys.example:9311")
        t.ok(rc == 0 and rc2 == 0 and out2.get("service_type") == "key-manager"
             and out2.get("region") == "RegionOne",
             "openstack service create, endpoint create", (err, err2, out2))
        rc, out, err = s.osc("region", "list")
        t.ok(rc == 0 and "RegionOne" in {g["Region"] for g in out},
             "openstack region list: bootstrap's RegionOne", (err, out))
        rc, out, err = s.osc("endpoint", "list")
        t.ok(rc == 0 and {"identity", "network"} <= {e["Service Type"] for e in out},
             "openstack endpoint list", err)

        # a password change needs the original password, not the user's token
        st, doc, _ = R("POST", f"/v3/users/{bid}/password",
                       {"user": {"password": "pw-2", "original_password": "wrong"}})
        t.ok(st == 401, "another user's token, a wrong original password: 401", doc)
        st, doc, _ = R("POST", f"/v3/users/{bid}/password",
                       {"user": {"password": "pw-2", "original_password": "pw-bob"}})
        t.ok(st == 204, "another user's token, the right original password: 204", doc)
        st, doc, _ = s.request("POST", f"/v3/users/{bid}/password",
                               {"user": {"password": "pw-3", "original_password": "pw-2"}})
        t.ok(st == 204, "no token at all (Keystone's unenforced API): 204", doc)
        st, doc, _ = s.request("POST", "/v3/auth/tokens", {"auth": {"identity": {
            "methods": ["token"], "token": {"id": bob_tok}}}})
        t.ok(st == 404 and doc["error"]["message"] == f"Could not find token: {bob_tok}.",
             "the token method with a token the change ended: 404", doc)
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
