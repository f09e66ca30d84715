#!/usr/bin/python3
"""Identity administration with the real `openstack` CLI against
vfnet-server: roles (create, set, delete, implied roles), domains (CRUD,
delete only when disabled, grants, domain-scoped tokens), groups (CRUD,
membership, grants on projects and domains), role assignments (effective,
include_names), users' other attributes, password change, the token
method, /v3/auth/{projects,domains,catalog}; then the admin workflow: a
user of a group in a new domain gets a project-scoped token through the
group's role, lists networks, and is refused at once when the role is
removed.  Usage: test-identity-admin.py PATH/TO/vfnet-server"""
import subprocess
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from vfnet_server import Server, Tap  # noqa: E402


def password_body(user, password, domain, scope=None):
    auth = {"identity": {"methods": ["password"], "password": {"user": {
        "name": user, "domain": {"name": domain}, "password": password}}}}
    if scope:
        auth["scope"] = scope
    return {"auth": auth}


def osc_as(s, user, password, domain, project, project_domain, *args):
    """The CLI as a user of another domain."""
    env = s.osc_env()
    env.update(OS_USERNAME=user, OS_PASSWORD=password, OS_USER_DOMAIN_NAME=domain,
               OS_PROJECT_NAME=project, OS_PROJECT_DOMAIN_NAME=project_domain)
    p = subprocess.run(["/usr/bin/openstack"] + list(args) + ["-f", "json"], env=env,
                       capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def osc_text(s, *args):
    """The CLI as admin, its text output."""
    p = subprocess.run(["/usr/bin/openstack"] + list(args), env=s.osc_env(),
                       capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def main():
    t = Tap()
    with Server(sys.argv[1]) as s:
        s.bootstrap()
        s.start()
        admin = s.token()
        R = lambda m, p, b=None, tok=admin: s.request(m, p, b, token=tok)  # noqa: E731

        # ---- roles ----
        rc, role, err = s.osc("role", "create", "observer")
        t.ok(rc == 0 and role["name"] == "observer" and role["domain_id"] is None,
             "role create observer", err or role)
        st, doc, _ = R("POST", "/v3/roles", {"role": {"name": "observer"}})
        t.ok(st == 409 and doc["error"]["message"] == "Conflict occurred attempting to store "
             "role - Duplicate entry found with name observer.", "a role name twice: 409", doc)
        rc, _, err = s.osc("role", "set", "--name", "watcher", "observer", as_json=False)
        rc2, shown, _ = s.osc("role", "show", "watcher")
        t.ok(rc == 0 and rc2 == 0 and shown["id"] == role["id"], "role set --name", err)
        st, doc, _ = R("PATCH", f"/v3/roles/{role['id']}", {"role": {"description": "looks"}})
        t.ok(st == 200 and doc["role"]["description"] == "looks", "PATCH a role's description",
             doc)

        # implied roles: watcher implies reader
        roles = {r["name"]: r["id"] for r in R("GET", "/v3/roles")[1]["roles"]}
        st, doc, _ = R("PUT", f"/v3/roles/{role['id']}/implies/{roles['reader']}")
        t.ok(st == 201 and doc["role_inference"]["prior_role"]["id"] == role["id"]
             and doc["role_inference"]["implies"]["name"] == "reader",
             "PUT /v3/roles/{prior}/implies/{implied}: 201", doc)
        st, doc, _ = R("GET", f"/v3/roles/{role['id']}/implies/{roles['reader']}")
        t.ok(st == 200, "GET an implied-role rule: 200", doc)
        st, doc, _ = R("HEAD", f"/v3/roles/{role['id']}/implies/{roles['reader']}")
        t.ok(st == 204, "HEAD an implied-role rule: 204", st)
        st, doc, _ = R("GET", f"/v3/roles/{roles['reader']}/implies/{role['id']}")
        t.ok(st == 404 and doc["error"]["message"] ==
             f"{roles['reader']} does not imply {role['id']}.", "a rule that is not: 404", doc)
        st, doc, _ = R("PUT", f"/v3/roles/{role['id']}/implies/{roles['admin']}")
        t.ok(st == 403 and "cannot be an implied roles" in doc["error"]["message"],
             "admin cannot be implied: 403", doc)
        st, doc, _ = R("GET", "/v3/role_inferences")
        rules = {i["prior_role"]["id"]: [x["id"] for x in i["implies"]]
                 for i in doc["role_inferences"]} if st == 200 else {}
        t.ok(rules.get(role["id"]) == [roles["reader"]], "/v3/role_inferences lists the rule", doc)
        rc, out, err = s.osc("implied", "role", "list")
        t.ok(rc == 0 and any(r["Prior Role Name"] == "watcher" and r["Implied Role Name"] ==
                             "reader" for r in out), "implied role list (CLI)", err or out)

        # ---- domains ----
        rc, dom, err = s.osc("domain", "create", "--description", "the lab", "lab")
        t.ok(rc == 0 and dom["name"] == "lab" and dom["enabled"] is True, "domain create lab",
             err or dom)
        st, doc, _ = R("POST", "/v3/domains", {"domain": {"name": "lab"}})
        t.ok(st == 409, "a domain name twice: 409", doc)
        st, doc, _ = R("DELETE", f"/v3/domains/{dom['id']}")
        t.ok(st == 403 and doc["error"]["message"] == "Cannot delete a domain that is enabled, "
             "please disable it first.", "deleting an enabled domain: 403", doc)

        # ---- users, groups ----
        rc, user, err = s.osc("user", "create", "--domain", "lab", "--password", "pw-ann",
                              "--email", "ann@example.org", "--description", "first", "ann")
        t.ok(rc == 0 and user["domain_id"] == dom["id"] and user.get("email") ==
             "ann@example.org" and user.get("description") == "first",
             "user create in the domain keeps email and description", err or user)
        rc, group, err = s.osc("group", "create", "--domain", "lab", "ops")
        t.ok(rc == 0 and group["domain_id"] == dom["id"], "group create ops in lab", err or group)
        rc, _, err = s.osc("group", "add", "user", "--group-domain", "lab", "--user-domain",
                           "lab", "ops", "ann", as_json=False)
        t.ok(rc == 0, "group add user ops ann", err)
        st, _, _ = R("HEAD", f"/v3/groups/{group['id']}/users/{user['id']}")
        t.ok(st == 204, "HEAD membership: 204", st)
        rc, out, err = osc_text(s, "group", "contains", "user", "--group-domain", "lab",
                                "--user-domain", "lab", "ops", "ann")
        t.ok(rc == 0 and "ann in group ops" in out, "group contains user (CLI)", err or out)
        rc, out, err = s.osc("user", "list", "--domain", "lab")
        t.ok(rc == 0 and [u["Name"] for u in out] == ["ann"], "user list --domain lab",
             err or out)
        st, doc, _ = R("GET", f"/v3/users/{user['id']}/groups")
        t.ok(st == 200 and [g["id"] for g in doc["groups"]] == [group["id"]],
             "/v3/users/{u}/groups", doc)

        rc, proj, err = s.osc("project", "create", "--domain", "lab", "--tag", "blue", "web")
        t.ok(rc == 0 and proj["domain_id"] == dom["id"] and proj["tags"] == ["blue"]
             and proj["is_domain"] is False and proj["parent_id"] == dom["id"],
             "project create in lab with a tag", err or proj)

        # the group's role on the project, through an implied role
        rc, _, err = s.osc("role", "add", "--group", "ops", "--group-domain", "lab",
                           "--project", "web", "--project-domain", "lab", "member",
                           as_json=False)
        t.ok(rc == 0, "role add --group ops --project web member", err)
        st, doc, _ = R("GET", f"/v3/projects/{proj['id']}/groups/{group['id']}/roles")
        t.ok(st == 200 and [r["name"] for r in doc["roles"]] == ["member"],
             "/v3/projects/{p}/groups/{g}/roles", doc)
        st, doc, _ = R("GET", f"/v3/role_assignments?user.id={user['id']}&effective"
                       "&include_names")
        eff = [(a["role"]["name"], a["scope"]["project"]["name"], a["user"]["name"])
               for a in doc.get("role_assignments", [])] if st == 200 else []
        t.ok(("member", "web", "ann") in eff and all("membership" in a["links"]
                                                     for a in doc["role_assignments"]),
             "role_assignments?effective: the group's role as ann's", doc)
        st, doc, _ = R("GET", f"/v3/role_assignments?scope.project.id={proj['id']}")
        t.ok(st == 200 and len(doc["role_assignments"]) == 1
             and doc["role_assignments"][0]["group"]["id"] == group["id"],
             "role_assignments by project: the group grant", doc)

        # ann: a token scoped to web through the group, lists networks
        rc, out, err = osc_as(s, "ann", "pw-ann", "lab", "web", "lab", "network", "list")
        t.ok(rc == 0 and out.strip() == "[]", "ann lists networks on web through ops's role",
             err or out)
        st, doc, hdrs = s.request("POST", "/v3/auth/tokens", password_body(
            "ann", "pw-ann", "lab", {"project": {"name": "web", "domain": {"name": "lab"}}}))
        ann = hdrs["X-Subject-Token"] if st == 201 else None
        t.ok(st == 201 and sorted(r["name"] for r in doc["token"]["roles"]) ==
             ["member", "reader"], "ann's token: member and the reader it implies", doc)
        st, doc, _ = R("GET", "/v2.0/networks", tok=ann)
        t.ok(st == 200, "ann's token works", doc)

        # unscoped token: no roles key; /v3/auth/projects and domains
        st, doc, hdrs = s.request("POST", "/v3/auth/tokens", password_body("ann", "pw-ann", "lab"))
        unscoped = hdrs["X-Subject-Token"] if st == 201 else None
        t.ok(st == 201 and "roles" not in doc["token"] and "catalog" not in doc["token"],
             "an unscoped token has no roles key", doc)
        st, doc, _ = R("GET", "/v3/auth/projects", tok=unscoped)
        t.ok(st == 200 and [p["name"] for p in doc["projects"]] == ["web"],
             "/v3/auth/projects: web", doc)
        st, doc, _ = R("GET", "/v3/auth/catalog", tok=unscoped)
        t.ok(st == 403, "/v3/auth/catalog with an unscoped token: 403", doc)
        st, doc, _ = R("GET", "/v3/auth/catalog", tok=ann)
        t.ok(st == 200 and len(doc["catalog"]) == 4, "/v3/auth/catalog of a scoped token", doc)
        # the token method: rescope the unscoped token to web
        st, doc, hdrs = s.request("POST", "/v3/auth/tokens", {"auth": {
            "identity": {"methods": ["token"], "token": {"id": unscoped}},
            "scope": {"project": {"id": proj["id"]}}}})
        t.ok(st == 201 and doc["token"]["project"]["id"] == proj["id"],
             "the token method rescopes to web", doc)
        st, doc, _ = s.request("POST", "/v3/auth/tokens", {"auth": {
            "identity": {"methods": ["token"], "token": {"id": "bogus"}}}})
        t.ok(st == 404 and doc["error"]["message"] == "Could not find token: bogus.",
             "the token method with a bad token: 404 (TokenNotFound)", doc)
        st, doc, _ = R("GET", f"/v3/users/{user['id']}/projects", tok=unscoped)
        t.ok(st == 200 and [p["id"] for p in doc["projects"]] == [proj["id"]],
             "/v3/users/{u}/projects (own)", doc)

        # domain grant and a domain-scoped token
        rc, _, err = s.osc("role", "add", "--user", "ann", "--user-domain", "lab", "--domain",
                           "lab", "reader", as_json=False)
        t.ok(rc == 0, "role add --user ann --domain lab reader", err)
        st, doc, _ = R("GET", "/v3/auth/domains", tok=unscoped)
        t.ok(st == 200 and [d["name"] for d in doc["domains"]] == ["lab"],
             "/v3/auth/domains: lab", doc)
        st, doc, _ = s.request("POST", "/v3/auth/tokens", password_body(
            "ann", "pw-ann", "lab", {"domain": {"name": "lab"}}))
        t.ok(st == 201 and doc["token"]["domain"]["id"] == dom["id"]
             and [r["name"] for r in doc["token"]["roles"]] == ["reader"],
             "a domain-scoped token", doc)

        # role remove: ann's project token is refused at once
        rc, _, err = s.osc("role", "remove", "--group", "ops", "--group-domain", "lab",
                           "--project", "web", "--project-domain", "lab", "member",
                           as_json=False)
        t.ok(rc == 0, "role remove --group ops --project web member", err)
        st, doc, _ = R("GET", "/v2.0/networks", tok=ann)
        t.ok(st == 401, "ann's token is refused at once", doc)
        rc, out, err = osc_as(s, "ann", "pw-ann", "lab", "web", "lab", "network", "list")
        t.ok(rc != 0, "ann gets no token on web any more", out)

        # a role deleted ends the tokens that relied on it
        s.osc("role", "add", "--group", "ops", "--group-domain", "lab", "--project", "web",
              "--project-domain", "lab", "watcher", as_json=False)
        st, doc, hdrs = s.request("POST", "/v3/auth/tokens", password_body(
            "ann", "pw-ann", "lab", {"project": {"id": proj["id"]}}))
        watch = hdrs["X-Subject-Token"] if st == 201 else None
        t.ok(st == 201 and sorted(r["name"] for r in doc["token"]["roles"]) ==
             ["reader", "watcher"], "a token through watcher (implies reader)", doc)
        rc, _, err = s.osc("role", "delete", "watcher", as_json=False)
        t.ok(rc == 0, "role delete watcher", err)
        st, doc, _ = R("GET", "/v2.0/networks", tok=watch)
        t.ok(st == 401, "the token that relied on watcher is refused", doc)

        # password change with the original
        st, doc, _ = R("POST", f"/v3/users/{user['id']}/password",
                       {"user": {"password": "pw-new", "original_password": "wrong"}},
                       tok=unscoped)
        t.ok(st == 401, "password change with a wrong original: 401", doc)
        st, doc, _ = R("POST", f"/v3/users/{user['id']}/password",
                       {"user": {"password": "pw-new", "original_password": "pw-ann"}},
                       tok=unscoped)
        t.ok(st == 204, "password change: 204", doc)
        st, _, _ = s.request("POST", "/v3/auth/tokens", password_body("ann", "pw-new", "lab"))
        t.ok(st == 201, "the new password authenticates", st)
        st, doc, _ = R("GET", "/v3/auth/projects", tok=unscoped)
        t.ok(st == 401, "the change ended the user's tokens", doc)

        # cleanup: group remove, group delete, domain disable + delete
        rc, _, err = s.osc("group", "remove", "user", "--group-domain", "lab", "--user-domain",
                           "lab", "ops", "ann", as_json=False)
        st, doc, _ = R("HEAD", f"/v3/groups/{group['id']}/users/{user['id']}")
        t.ok(rc == 0 and st == 404, "group remove user", err)
        rc, _, err = s.osc("group", "delete", "--domain", "lab", "ops", as_json=False)
        t.ok(rc == 0 and R("GET", f"/v3/groups/{group['id']}")[0] == 404, "group delete", err)
        rc, _, err = s.osc("domain", "set", "--disable", "lab", as_json=False)
        rc2, _, err2 = s.osc("domain", "delete", "lab", as_json=False)
        t.ok(rc == 0 and rc2 == 0, "domain set --disable, then delete", err + err2)
        t.ok(R("GET", f"/v3/users/{user['id']}")[0] == 404
             and R("GET", f"/v3/projects/{proj['id']}")[0] == 404,
             "the domain's users and projects went with it")
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
