#!/usr/bin/python3
"""Image ownership and visibility as Glance's default policy has them, and
boots that refuse images the caller cannot see (Nova's 400). Each case
was accepted before: another project's member uploading into a public or
community image, a reader creating, uploading and deleting, an unscoped
token creating, a boot from another project's private image.
Usage: test-image-policy.py PATH/TO/vfnet-server"""
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from vfnet_server import Server, Tap  # noqa: E402

OCTET = {"Content-Type": "application/octet-stream"}


def main():
    t = Tap()
    with Server(sys.argv[1]) as s:
        s.bootstrap()
        s.start()
        R = s.request
        adm = s.token()
        roles = {r["name"]: r["id"] for r in R("GET", "/v3/roles", token=adm)[1]["roles"]}

        def project(name):
            st, body, _ = R("POST", "/v3/projects", {"project": {"name": name}}, token=adm)
            assert st == 201, body
            return body["project"]["id"]

        def user(name, pid, role):
            st, body, _ = R("POST", "/v3/users", {"user": {"name": name, "password": "pw"}},
                            token=adm)
            assert st == 201, body
            uid = body["user"]["id"]
            if pid:
                st, _, _ = R("PUT", f"/v3/projects/{pid}/users/{uid}/roles/{roles[role]}",
                             token=adm)
                assert st == 204, st
            return uid

        pa, pb = project("A"), project("B")
        user("alice", pa, "member")
        user("rita", pa, "reader")
        user("bob", pb, "member")
        user("nobody", None, None)
        alice, rita, bob = s.token("alice", "pw", "A"), s.token("rita", "pw", "A"), \
            s.token("bob", "pw", "B")
        st, _, hd = R("POST", "/v3/auth/tokens", {"auth": {"identity": {
            "methods": ["password"], "password": {"user": {
                "name": "nobody", "domain": {"name": "Default"}, "password": "pw"}}}}})
        assert st == 201, st
        unscoped = hd["X-Subject-Token"]

        def create(tok, **kw):
            body = {"name": "img", "disk_format": "qcow2", "container_format": "bare"}
            body.update(kw)
            return R("POST", "/image/v2/images", body, token=tok)

        def upload(tok, iid, data=b"\0" * 64):
            return R("PUT", f"/image/v2/images/{iid}/file", raw=data, token=tok, headers=OCTET)

        def refused(res, action, desc):
            st, body, _ = res
            t.ok(st == 403 and f"You are not authorized to complete {action} action."
                 in str(body), desc, (st, body))

        # Admin's public image, queued: another project's member may see it
        # but not fill it with its own bytes.
        st, pub, _ = create(adm, name="public", visibility="public")
        assert st == 201, pub
        refused(upload(bob, pub["id"], b"evil"), "upload_image",
                "B's member cannot upload into the admin's public image")
        st, img, _ = R("GET", f"/image/v2/images/{pub['id']}", token=bob)
        t.eq((st, img["status"], img["size"]), (200, "queued", None),
             "the public image is untouched and still visible to B")
        t.eq(upload(adm, pub["id"])[0], 204, "the admin uploads its own public image")

        # A's community image: visible to B, not writable by B.
        st, com, _ = create(alice, name="community", visibility="community")
        t.eq(st, 201, "A's member creates a community image")
        refused(upload(bob, com["id"], b"evil"), "upload_image",
                "B's member cannot upload into A's community image")
        refused(R("DELETE", f"/image/v2/images/{com['id']}", token=bob), "delete_image",
                "B's member cannot delete A's community image")
        t.eq(upload(alice, com["id"])[0], 204, "A's member uploads its own image")
        st, img, _ = R("GET", f"/image/v2/images/{com['id']}", token=bob)
        t.eq((st, img["status"], img["size"]), (200, "active", 64),
             "B sees A's community image with A's bytes")

        # A reader reads and does nothing else.
        refused(create(rita), "add_image", "a reader cannot create an image")
        st, priv, _ = create(alice, name="private", visibility="private")
        assert st == 201
        refused(upload(rita, priv["id"]), "upload_image", "a reader cannot upload")
        refused(R("DELETE", f"/image/v2/images/{priv['id']}", token=rita), "delete_image",
                "a reader cannot delete")
        t.eq(R("GET", f"/image/v2/images/{priv['id']}", token=rita)[0], 200,
             "a reader sees its project's private image")

        # An unscoped token owns no project and creates nothing.
        refused(create(unscoped), "add_image", "an unscoped token cannot create an image")

        # A's private image does not exist for B.
        st, body, _ = R("GET", f"/image/v2/images/{priv['id']}", token=bob)
        t.eq(st, 404, "B cannot see A's private image")
        st, body, _ = upload(bob, priv["id"])
        t.eq(st, 404, "nor upload into it (404: not even its existence is told)")
        t.eq(upload(alice, priv["id"])[0], 204, "A's member uploads into its private image")

        # Boots: another project's private image is not found, as in Nova.
        st, fl, _ = R("POST", "/v2.1/flavors", {"flavor": {"name": "m1.tiny", "ram": 512,
                                                             "vcpus": 1, "disk": 1}}, token=adm)
        assert st == 200, fl
        fid = fl["flavor"]["id"]
        nova = {"X-OpenStack-Nova-API-Version": "2.37"}

        def boot(tok, iid):
            return R("POST", "/v2.1/servers", {"server": {
                "name": "vm", "imageRef": iid, "flavorRef": fid, "networks": "none"}},
                token=tok, headers=nova)

        st, body, _ = boot(bob, priv["id"])
        t.ok(st == 400 and f"Image {priv['id']} could not be found." in str(body),
             "B cannot boot from A's private image: 400 image not found", (st, body))
        for who, tok in (("A's member", alice), ("the admin", adm)):
            st, body, _ = boot(tok, priv["id"])
            t.ok(st == 202, f"{who} boots from A's private image (202)", (st, body))
        st, body, _ = boot(bob, com["id"])
        t.ok(st == 202, "B boots from A's community image (202)", (st, body))
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
