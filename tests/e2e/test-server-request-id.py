#!/usr/bin/python3
"""Every answer carries its request id as the OpenStack services send it
(x-openstack-request-id: req-UUID; Nova also X-Compute-Request-Id), and the
server's log lines about a request name that id, the caller's project and
the resource.
Usage: test-server-request-id.py PATH/TO/vfnet-server"""
import re
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from vfnet_server import Server, Tap  # noqa: E402

REQ_ID = re.compile(r"^req-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def main():
    t = Tap()
    with Server(sys.argv[1], extra_conf="debug = true\nmax_request_body_size = 4096") as s:
        s.bootstrap()
        s.start()
        R = s.request
        tok = s.token()
        st, body, _ = R("GET", "/v3/auth/tokens", token=tok, headers={"X-Subject-Token": tok})
        project = body["token"]["project"]["id"]
        st, net, _ = R("POST", "/v2.0/networks", {"network": {"name": "n"}}, token=tok)
        nid = net["network"]["id"]

        cases = [
            ("Keystone", "GET", "/v3/projects", tok, 200),
            ("Keystone 401", "GET", "/v3/projects", "bad-token", 401),
            ("Neutron", "GET", f"/v2.0/networks/{nid}", tok, 200),
            ("Neutron 404", "GET", "/v2.0/nothing", tok, 404),
            ("Nova", "GET", "/v2.1/flavors", tok, 200),
            ("Nova 404", "GET", "/v2.1/servers/nope", tok, 404),
            ("Glance", "GET", "/image/v2/images", tok, 200),
            ("version discovery", "GET", "/", None, 300),
        ]
        seen = set()
        for desc, method, path, token, want in cases:
            st, _, h = R(method, path, token=token)
            rid = h.get("X-OpenStack-Request-ID")
            ok = st == want and rid is not None and REQ_ID.match(rid) and rid not in seen
            if path.startswith("/v2.1"):
                ok = ok and h.get("X-Compute-Request-Id") == rid
            else:
                ok = ok and h.get("X-Compute-Request-Id") is None
            t.ok(bool(ok), f"{desc}: {st}, with a request id of its own"
                 + (" (also as X-Compute-Request-Id)" if path.startswith("/v2.1") else ""),
                 f"status {st}, headers {dict(h)}")
            seen.add(rid)
        st, body, h = R("POST", "/v2.0/networks", raw=b"x" * 5000, token=tok)
        t.ok(st == 413 and REQ_ID.match(h.get("X-OpenStack-Request-ID") or ""),
             "a body too large (413) has a request id too", (st, dict(h)))

        # The log: the request's line names its id, project and resource.
        st, _, h = R("GET", f"/v2.0/networks/{nid}", token=tok)
        rid = h["X-OpenStack-Request-ID"]
        s.stop()
        log = open(s.log).read()
        want = f"[{rid} project={project} resource={nid}] GET /v2.0/networks/{nid} -> 200"
        t.ok(want in log, "the log line of a request names its id, project and resource",
             "\n".join(log.splitlines()[-10:]))
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
