#!/usr/bin/python3
"""Authorization follows every change at once: a token issued before a role
is removed or downgraded, its project disabled or deleted, or its user
disabled or deleted is refused (or loses the right) on the very next
requests, on every worker thread, as its validation, and after a restart.
Usage: test-server-auth.py PATH/TO/vfnet-server"""
import sys
import time

sys.path.insert(0, __import__("os").path.dirname(__file__))
from vfnet_server import Server, Tap  # noqa: E402

# Requests made after each change; each opens its own connection, so they
# land on several of the server's worker threads.
TRIES = 12


# Many creates in one project: more than Neutron's default quotas.
UNLIMITED = "[quotas]\nquota_port = -1\nquota_security_group = -1\nquota_security_group_rule = -1\n"


def main():
    t = Tap()
    with Server(sys.argv[1], extra_conf=UNLIMITED) as s:
        s.bootstrap()
        s.start()
        R = s.request
        adm = s.token()

        def role_id(name):
            return R("GET", f"/v3/roles?name={name}", token=adm)[1]["roles"][0]["id"]

        member, admin = role_id("member"), role_id("admin")

        def project(name):
            st, body, _ = R("POST", "/v3/projects", {"project": {"name": name}}, token=adm)
            assert st == 201, (st, body)
            return body["project"]["id"]

        def user(name, pid, *roles):
            st, body, _ = R("POST", "/v3/users", {"user": {
                "name": name, "password": "pw-" + name, "default_project_id": pid}}, token=adm)
            assert st == 201, (st, body)
            uid = body["user"]["id"]
            for rid in roles:
                st, _, _ = R("PUT", f"/v3/projects/{pid}/users/{uid}/roles/{rid}", token=adm)
                assert st == 204, st
            return uid

        def secgroup(tok, name):
            return R("POST", "/v2.0/security-groups", {"security_group": {"name": name}},
                     token=tok)[0]

        def create_user(tok, name):
            return R("POST", "/v3/users", {"user": {"name": name}}, token=tok)[0]

        def network(tok, name):
            return R("POST", "/v2.0/networks", {"network": {"name": name}}, token=tok)[0]

        def validate(tok):
            return R("GET", "/v3/auth/tokens", token=adm, headers={"X-Subject-Token": tok})[0]

        def after(change, use, want, desc):
            """Makes the change, then uses the old token TRIES times: every
            answer must be `want`, the first within 1 s of the change."""
            st = change()
            t0 = time.monotonic()
            got = [use()]
            first = time.monotonic() - t0
            got += [use() for _ in range(TRIES - 1)]
            t.ok(st in (200, 204) and all(g == want for g in got) and first < 1.0,
                 f"{desc}: the old token answers {want} at once and on every request",
                 f"change: {st}, answers: {got}, first after {first:.3f} s")
            return got

        def warm(tok, use, want, desc):
            # Used enough that every worker thread and the cache have seen it.
            got = [use(tok) for _ in range(TRIES)]
            t.ok(all(g == want for g in got), f"{desc}: works before the change", got)

        # ---- a role removed ----
        pa = project("alpha")
        carl = user("carl", pa, member)
        carl_tok = s.token("carl", "pw-carl", "alpha")
        warm(carl_tok, lambda k: secgroup(k, "sg"), 201, "member of alpha creates security groups")
        t.eq(validate(carl_tok), 200, "carl's token validates before the change")
        after(lambda: R("DELETE", f"/v3/projects/{pa}/users/{carl}/roles/{member}", token=adm)[0],
              lambda: secgroup(carl_tok, "sg2"), 401, "role removed")
        t.eq(validate(carl_tok), 404, "role removed: validating the old token gives 404 (Keystone)")
        st, body, _ = R("POST", "/v3/auth/tokens", {"auth": {"identity": {
            "methods": ["password"], "password": {"user": {
                "name": "carl", "domain": {"id": "default"}, "password": "pw-carl"}}},
            "scope": {"project": {"id": pa}}}})
        t.eq(st, 401, "role removed: no new token scoped to alpha either")

        # ---- a role downgraded: admin -> member ----
        pb = project("beta")
        dave = user("dave", pb, admin)
        dave_tok = s.token("dave", "pw-dave", "beta")
        n = iter(range(1000))
        warm(dave_tok, lambda k: create_user(k, f"by-dave-{next(n)}"), 201,
             "admin of beta creates users")

        def downgrade():
            st = R("PUT", f"/v3/projects/{pb}/users/{dave}/roles/{member}", token=adm)[0]
            return R("DELETE", f"/v3/projects/{pb}/users/{dave}/roles/{admin}", token=adm)[0] \
                if st == 204 else st
        after(downgrade, lambda: create_user(dave_tok, f"by-dave-{next(n)}"), 401,
              "admin downgraded to member")
        t.eq(validate(dave_tok), 404, "downgraded: the old token no longer validates")
        new_tok = s.token("dave", "pw-dave", "beta")
        t.eq(create_user(new_tok, "by-dave-new"), 403,
             "downgraded: a new token may no longer create users (403)")
        t.eq(secgroup(new_tok, "sg"), 201, "downgraded: ... but keeps what member may do")
        st, body, _ = R("GET", "/v3/auth/tokens", token=adm, headers={"X-Subject-Token": new_tok})
        t.eq(sorted(r["name"] for r in body["token"]["roles"]), ["member", "reader"],
             "validation shows the roles held now (member and the reader it implies)")

        # ---- a project disabled ----
        pc = project("gamma")
        user("erin", pc, member)
        erin_tok = s.token("erin", "pw-erin", "gamma")
        warm(erin_tok, lambda k: R("GET", "/v2.0/networks", token=k)[0], 200,
             "member of gamma lists networks")
        t.eq(network(erin_tok, "n1"), 201, "member of gamma creates a network")
        after(lambda: R("PATCH", f"/v3/projects/{pc}", {"project": {"enabled": False}},
                        token=adm)[0],
              lambda: network(erin_tok, "n2"), 401, "project disabled")
        t.eq(validate(erin_tok), 404, "project disabled: the old token no longer validates")
        st = R("PATCH", f"/v3/projects/{pc}", {"project": {"enabled": True}}, token=adm)[0]
        t.ok(st == 200 and network(erin_tok, "n3") == 401,
             "project enabled again: the old token stays refused (as Keystone)", st)

        # ---- a project deleted ----
        pd = project("delta")
        user("frank", pd, member)
        frank_tok = s.token("frank", "pw-frank", "delta")
        warm(frank_tok, lambda k: secgroup(k, "sg"), 201, "member of delta creates security groups")
        after(lambda: R("DELETE", f"/v3/projects/{pd}", token=adm)[0],
              lambda: network(frank_tok, "n"), 401, "project deleted")
        t.eq(validate(frank_tok), 404, "project deleted: the old token no longer validates")
        vlans = [n["provider:segmentation_id"] for n in
                 R("GET", "/v2.0/networks", token=adm)[1]["networks"]]
        t.eq(len(vlans), 1, "no network was created with a refused token")

        # ---- a user disabled, a user deleted ----
        pe = project("epsilon")
        gina = user("gina", pe, member)
        hank = user("hank", pe, member)
        gina_tok = s.token("gina", "pw-gina", "epsilon")
        hank_tok = s.token("hank", "pw-hank", "epsilon")
        warm(gina_tok, lambda k: secgroup(k, "sg"), 201, "gina creates security groups")
        warm(hank_tok, lambda k: secgroup(k, "sg"), 201, "hank creates security groups")
        after(lambda: R("PATCH", f"/v3/users/{gina}", {"user": {"enabled": False}}, token=adm)[0],
              lambda: secgroup(gina_tok, "sg2"), 401, "user disabled")
        after(lambda: R("DELETE", f"/v3/users/{hank}", token=adm)[0],
              lambda: secgroup(hank_tok, "sg2"), 401, "user deleted")
        t.eq(R("GET", f"/v3/role_assignments?user.id={hank}", token=adm)[1]["role_assignments"],
             [], "user deleted: its role assignments went with it")

        # ---- a token that nothing changed for keeps working ----
        pf = project("zeta")
        user("ivan", pf, member)
        ivan_tok = s.token("ivan", "pw-ivan", "zeta")
        t.eq(secgroup(ivan_tok, "sg"), 201, "an unaffected member's token still works")

        # ---- another user's token: validate and revoke are the owner's or an admin's ----
        user("lena", pf, member)
        lena_tok = s.token("lena", "pw-lena", "zeta")
        st = R("GET", "/v3/auth/tokens", token=lena_tok, headers={"X-Subject-Token": lena_tok})[0]
        t.eq(st, 200, "a member validates its own token")
        st = R("GET", "/v3/auth/tokens", token=lena_tok, headers={"X-Subject-Token": ivan_tok})[0]
        t.eq(st, 403, "a member may not validate another user's token (403)")
        st = R("HEAD", "/v3/auth/tokens", token=lena_tok, headers={"X-Subject-Token": ivan_tok})[0]
        t.eq(st, 403, "... nor check it with HEAD")
        st = R("DELETE", "/v3/auth/tokens", token=lena_tok, headers={"X-Subject-Token": ivan_tok})[0]
        t.eq(st, 403, "a member may not revoke another user's token (403)")
        t.eq(secgroup(ivan_tok, "sg-after"), 201, "... and that token still works")
        st = R("DELETE", "/v3/auth/tokens", token=lena_tok, headers={"X-Subject-Token": "nope"})[0]
        t.eq(st, 404, "revoking a token that does not exist: 404")
        lena2 = s.token("lena", "pw-lena", "zeta")
        st = R("DELETE", "/v3/auth/tokens", token=lena_tok, headers={"X-Subject-Token": lena2})[0]
        t.eq(st, 204, "a member revokes its own other token")
        t.eq(secgroup(lena2, "sg"), 401, "... which is then refused")

        # ---- after a restart ----
        s.stop()
        s.start()
        refused = {"role removed": (lambda: secgroup(carl_tok, "r"), 401),
                   "downgraded": (lambda: create_user(dave_tok, "r"), 401),
                   "project disabled": (lambda: network(erin_tok, "r"), 401),
                   "project deleted": (lambda: network(frank_tok, "r"), 401),
                   "user disabled": (lambda: secgroup(gina_tok, "r"), 401),
                   "user deleted": (lambda: secgroup(hank_tok, "r"), 401)}
        for desc, (use, want) in refused.items():
            t.eq(use(), want, f"after a restart: {desc} stays refused")
        t.eq(create_user(new_tok, "r"), 403, "after a restart: the downgraded new token gets 403")
        t.eq(secgroup(ivan_tok, "sg2"), 201, "after a restart: the unaffected token works")
        t.eq(create_user(adm, "r"), 201, "after a restart: the admin token works")

        # ---- an unrelated change leaves tokens working ----
        st = R("PATCH", f"/v3/projects/{pf}", {"project": {"description": "x"}}, token=adm)[0]
        t.eq(st, 200, "an unrelated project change")
        t.eq(secgroup(ivan_tok, "sg3"), 201, "... leaves the member's token working")

        # ---- two servers sharing one database ----
        with Server(sys.argv[1], db=s.db, extra_conf=UNLIMITED) as s2:
            s2.start()
            pg = project("eta")
            jack = user("jack", pg, member)
            user("kate", pg, member)
            jack_tok, kate_tok = s.token("jack", "pw-jack", "eta"), s.token("kate", "pw-kate", "eta")

            def secgroup2(tok, name):
                return s2.request("POST", "/v2.0/security-groups",
                                  {"security_group": {"name": name}}, token=tok)[0]
            warm(jack_tok, lambda k: secgroup2(k, "sg"), 201, "second server: jack's token")
            warm(kate_tok, lambda k: secgroup2(k, "sg"), 201, "second server: kate's token")
            after(lambda: R("DELETE", f"/v3/projects/{pg}/users/{jack}/roles/{member}",
                            token=adm)[0],
                  lambda: secgroup2(jack_tok, "sg2"), 401,
                  "role removed on the first server: the second server refuses the token")
            t.eq(secgroup2(kate_tok, "sg3"), 201, "second server: kate's token still works")
            after(lambda: R("PATCH", f"/v3/projects/{pg}", {"project": {"enabled": False}},
                            token=adm)[0],
                  lambda: secgroup2(kate_tok, "sg4"), 401,
                  "project disabled on the first server: the second server refuses the token")
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
