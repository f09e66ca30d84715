#!/usr/bin/python3
"""Ids that cannot be ids — a NUL, invalid UTF-8, control bytes — are a 404
in each service's error form, never a 500, and a %00 never cuts a path short
(GET /v2.0/networks/%00 is not the list).
Usage: test-server-ids.py PATH/TO/vfnet-server"""
import socket
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from vfnet_server import Server, Tap  # noqa: E402


def form(body):
    """Which service's error body this is."""
    if not isinstance(body, dict):
        return None
    if "NeutronError" in body:
        return "neutron"
    if "itemNotFound" in body:
        return "nova"
    if "error" in body and body["error"].get("code") == 404:
        return "keystone"
    return None


def main():
    t = Tap()
    with Server(sys.argv[1]) as s:
        s.bootstrap()
        s.start()
        R = s.request
        tok = s.token()
        st, _, _ = R("POST", "/v2.0/networks", {"network": {"name": "n"}}, token=tok)
        t.eq(st, 201, "a network exists (so a cut path would list it)")
        bad = ["%00", "%ff%fe", "%c3%28", "abc%00def", "%01", "%0a", "%7f"]
        services = [("/v2.0/networks/", "neutron"), ("/v2.0/ports/", "neutron"),
                    ("/v3/projects/", "keystone"), ("/v3/users/", "keystone"),
                    ("/v2.1/servers/", "nova"), ("/v2.1/flavors/", "nova"),
                    ("/image/v2/images/", "keystone")]
        for prefix, want in services:
            got = []
            for b in bad:
                st, body, _ = R("GET", prefix + b, token=tok)
                got.append((b, st, form(body)))
            t.ok(all(st == 404 and f == want for _, st, f in got),
                 f"GET {prefix}<bad id>: 404 in {want}'s form for every bad id", got)
        st, body, _ = R("DELETE", "/v2.0/networks/%00", token=tok)
        t.ok(st == 404 and form(body) == "neutron", "DELETE /v2.0/networks/%00: 404", (st, body))
        st, body, _ = R("GET", "/v2.0/networks", token=tok)
        t.eq(len(body["networks"]), 1, "... and the network is still there")
        st, body, _ = R("GET", "/v3/projects/%ff/users/%fe/roles/%00", token=tok)
        t.ok(st == 404 and form(body) == "keystone", "a role grant path of bad ids: 404", (st, body))
        # A %00 in the query is not the path's business: the list answers.
        st, body, _ = R("GET", "/v2.0/networks?name=%00", token=tok)
        t.ok(st == 200 and body["networks"] == [], "a %00 in a query filter matches nothing",
             (st, body))

        # A request line that ends before its headers do: nothing is held.
        c = socket.create_connection(("127.0.0.1", s.port))
        c.sendall(b"GET /v2.0/networks/%00 HTTP/1.1\r\nHost: x\r\n")
        c.close()
        st, _, _ = R("GET", "/v2.0/networks", token=tok)
        t.eq(st, 200, "the server still answers after a half-sent request")
        t.eq(s.stop(), 0, "the server stops cleanly (no leak reported under ASan)")
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
