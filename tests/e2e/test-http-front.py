#!/usr/bin/python3
"""The HTTP front as a client that lies or stalls sees it, in raw bytes over
a socket: framing that two parsers could read two ways (a Content-Length
that is not a number, repeated or conflicting Content-Length,
Transfer-Encoding with Content-Length, a transfer coding other than
chunked, Host missing or repeated) and an oversized request line or header
block are refused by libmicrohttpd (400, 501 for an unimplemented coding,
414, 431) with its patched JSON body; a Host that is not a host and an
HTTP version other than 1.0/1.1 by the server, in the service's JSON error
form (400, 505).  Either way: exactly one answer, Content-Type
application/json, and the connection closed, so nothing smuggled behind it
runs; Content-Type refused where each real service
refuses it; connections limited per client address and in all; idle ones
closed, but never a parked watch.
Usage: test-http-front.py PATH/TO/vfnet-server"""
import json
import re
import socket
import statistics
import sys
import threading
import time

sys.path.insert(0, __import__("os").path.dirname(__file__))
from vfnet_server import Server, Tap  # noqa: E402


def exchange(port, data, wait=5.0, source="127.0.0.1"):
    """Sends data; reads until the server closes or wait seconds pass.
    Returns (bytes read, closed by the server)."""
    c = socket.socket()
    c.bind((source, 0))
    c.settimeout(wait)
    c.connect(("127.0.0.1", port))
    c.sendall(data)
    out, closed = b"", False
    try:
        while True:
            b = c.recv(65536)
            if not b:
                closed = True
                break
            out += b
    except socket.timeout:
        pass
    except ConnectionResetError:
        closed = True
    c.close()
    return out, closed


def responses(raw):
    """Splits raw bytes into [(status, headers, body)], by Content-Length."""
    out = []
    while raw:
        head, sep, rest = raw.partition(b"\r\n\r\n")
        if not sep:
            out.append((None, {}, raw))
            break
        lines = head.decode("latin1").split("\r\n")
        parts = lines[0].split(" ", 2)
        status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        hdrs = {}
        for ln in lines[1:]:
            k, _, v = ln.partition(":")
            hdrs[k.strip().lower()] = v.strip()
        n = int(hdrs.get("content-length", "0") or 0)
        out.append((status, hdrs, rest[:n]))
        raw = rest[n:]
    return out


def form(body):
    """Which service's error body this is, and its message."""
    try:
        doc = json.loads(body)
    except ValueError:
        return None, None
    if "NeutronError" in doc:
        return "neutron", doc["NeutronError"]["message"]
    if "error" in doc and "title" in doc["error"]:
        return "keystone", doc["error"]["message"]
    if len(doc) == 1:
        (k, v), = doc.items()
        if isinstance(v, dict) and "code" in v:
            return "nova:" + k, v["message"]
    return None, None


# The bodies of libmicrohttpd's own refusals, as
# third_party/libmicrohttpd/json-errors.patch writes them.
LIBRARY = {
    400: {"badRequest": {"code": 400, "message": "Malformed request"}},
    414: {"requestURITooLong": {"code": 414, "message": "Request URI too long"}},
    431: {"requestHeaderFieldsTooLarge": {"code": 431,
                                          "message": "Request header fields too large"}},
    501: {"notImplemented": {"code": 501, "message": "Not implemented"}},
}


def check_refused(t, port, data, status, want_form, desc):
    """want_form: the service's error form ("neutron", "keystone",
    "nova:KEY") when the server refuses, "library" when libmicrohttpd does."""
    raw, closed = exchange(port, data)
    rs = responses(raw)
    # Every status line in the bytes, framed or not: one answer, once.
    n_status = len(re.findall(rb"(?:^|\r\n)HTTP/1\.[01] \d{3} ", raw))
    ok = (n_status == 1 and len(rs) == 1 and rs[0][0] == status
          and rs[0][1].get("content-type") == "application/json"
          and rs[0][1].get("connection") == "close" and closed)
    if ok and want_form == "library":
        try:
            ok = json.loads(rs[0][2]) == LIBRARY[status]
        except ValueError:
            ok = False
    elif ok:
        ok = form(rs[0][2])[0] == want_form
    t.ok(ok, f"{desc}: one {status} in {want_form}'s JSON form, connection closed",
         (closed, raw[:600]))
    return rs


def main():
    t = Tap()
    conf = ("max_connections = 48\nmax_connections_per_ip = 16\n"
            "client_socket_timeout = 2\nclient_request_timeout = 3\napi_workers = 2\n")
    with Server(sys.argv[1], extra_conf=conf) as s:
        s.bootstrap()
        s.start()
        R = s.request
        tok = s.token()
        P = s.port
        auth = (b'{"auth": {"identity": {"methods": ["password"], "password": {"user": '
                b'{"name": "admin", "domain": {"name": "Default"}, "password": "secret"}}}}}')
        net = b'{"network": {"name": "smuggled"}}'
        H = b"Host: 127.0.0.1\r\nX-Auth-Token: " + tok.encode() + b"\r\n"

        def nets():
            return len(R("GET", "/v2.0/networks", token=tok)[1]["networks"])

        # ---- framing ----
        # Refused by libmicrohttpd (MHD_OPTION_CLIENT_DISCIPLINE_LVL 1)
        # before the server sees the request.
        check_refused(t, P, b"POST /v3/auth/tokens HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n"
                      b"Content-Length: 2\r\n\r\n" % len(auth) + auth, 400, "library",
                      "two different Content-Lengths")
        check_refused(t, P, b"POST /v2.0/networks HTTP/1.1\r\n" + H + b"Content-Length: %d\r\n"
                      b"Content-Length: %d\r\n\r\n" % (len(net), len(net)) + net, 400, "library",
                      "two equal Content-Lengths")
        smuggled = b"POST /v2.0/networks HTTP/1.1\r\n" + H + b"Content-Length: %d\r\n\r\n" % (
            len(net)) + net
        check_refused(t, P, b"POST /v2.0/networks HTTP/1.1\r\n" + H + b"Content-Length: 5\r\n"
                      b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled,
                      400, "library", "Transfer-Encoding with Content-Length")
        t.eq(nets(), 0, "... and the request smuggled behind it did not run")
        check_refused(t, P, b"POST /v2.0/networks HTTP/1.1\r\n" + H + b"Transfer-Encoding: "
                      b"chunked, identity\r\n\r\n%x\r\n" % len(net) + net + b"\r\n0\r\n\r\n",
                      501, "library", "Transfer-Encoding: chunked, identity")
        check_refused(t, P, b"POST /v3/auth/tokens HTTP/1.1\r\nHost: x\r\n"
                      b"Transfer-Encoding: gzip\r\n\r\n", 501, "library",
                      "Transfer-Encoding: gzip")
        check_refused(t, P, b"POST /v2.0/networks HTTP/1.1\r\n" + H + b"Transfer-Encoding: "
                      b"chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "library",
                      "chunked given twice")
        check_refused(t, P, b"POST /v2.0/networks HTTP/1.1\r\n" + H + b"Transfer-Encoding: "
                      b"gzip, chunked\r\n\r\n0\r\n\r\n", 501, "library",
                      "Transfer-Encoding: gzip, chunked (an unimplemented coding)")
        check_refused(t, P, b"POST /v2.1/os-keypairs HTTP/1.1\r\n" + H + b"Transfer-Encoding: "
                      b"x-custom, chunked\r\n\r\n0\r\n\r\n", 501, "library",
                      "an unknown coding on the compute API")
        check_refused(t, P, b"POST /v2.0/networks HTTP/1.0\r\n" + H + b"Transfer-Encoding: "
                      b"chunked\r\n\r\n0\r\n\r\n", 400, "library", "chunked in HTTP/1.0")
        check_refused(t, P, b"GET /v3 HTTP/1.1\r\n\r\n", 400, "library", "HTTP/1.1 without Host")
        check_refused(t, P, b"GET /v2.1/servers HTTP/1.1\r\nHost: a\r\nHost: b\r\n"
                      b"X-Auth-Token: " + tok.encode() + b"\r\n\r\n", 400, "library",
                      "two Host headers")
        check_refused(t, P, b"GET /v3 HTTP/1.1\r\nHost : x\r\n\r\n", 400, "library",
                      "a space before the colon")
        before = nets()
        for v in (b"-1", b"+35", b"18446744073709551617", b"1e3", b""):
            check_refused(t, P, b"POST /v2.0/networks HTTP/1.1\r\n" + H +
                          b"Content-Length: " + v + b"\r\n\r\n" + net, 400, "library",
                          f"Content-Length: {v.decode()!r}")
        t.eq(nets(), before, "... and no network was created by them")
        check_refused(t, P, b"GET /v2.0/networks?q=" + b"a" * 40000 + b" HTTP/1.1\r\n" + H +
                      b"\r\n", 414, "library", "a 40 KB request line")
        check_refused(t, P, b"GET /v2.0/networks HTTP/1.1\r\n" + H +
                      b"".join(b"X-Pad-%d: %s\r\n" % (i, b"b" * 1000) for i in range(100)) +
                      b"\r\n", 431, "library", "100 KB of headers")
        # Refused by the server, in the service's form.
        check_refused(t, P, b"GET /v2.0/networks HTTP/1.1\r\nHost: a\"b<c>\r\n\r\n", 400,
                      "neutron", "a Host that is not a host")
        check_refused(t, P, b"GET /v3 HTTP/1.2\r\nHost: x\r\n\r\n", 505, "keystone",
                      "HTTP/1.2 (libmicrohttpd would take it as 1.1)")
        check_refused(t, P, b"POST /v2.0/networks HTTP/1.2\r\n" + H + b"Content-Length: %d\r\n"
                      b"\r\n" % len(net) + net, 505, "neutron", "HTTP/1.2 with a body")
        t.eq(nets(), before, "... and it created no network")
        raw, closed = exchange(P, b"GET /v3 HTTP/1.0\r\n\r\n")
        rs = responses(raw)
        t.ok(len(rs) == 1 and rs[0][0] == 200, "HTTP/1.0 without Host is answered", raw[:300])
        # Well-formed chunked and pipelined requests still work.
        raw, closed = exchange(P, b"POST /v2.0/networks HTTP/1.1\r\n" + H + b"Content-Type: "
                               b"application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                               b"%x\r\n" % len(net) + net + b"\r\n0\r\n\r\n"
                               b"GET /v3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        rs = responses(raw)
        t.ok([r[0] for r in rs] == [201, 200], "a chunked body, then a pipelined GET: 201, 200",
             raw[:600])

        # ---- Content-Type ----
        def call(method, path, body, ctype, token=tok):
            h = {"Content-Type": ctype} if ctype is not None else {}
            raw = b"%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" % (
                method.encode(), path.encode())
            if token:
                raw += b"X-Auth-Token: " + token.encode() + b"\r\n"
            for k, v in h.items():
                raw += f"{k}: {v}\r\n".encode()
            if body is not None:
                raw += b"Content-Length: %d\r\n" % len(body)
            raw += b"\r\n" + (body or b"")
            out, _ = exchange(P, raw)
            rs = responses(out)
            return (rs[0][0], rs[0][2]) if rs else (None, out)

        st, body = call("POST", "/v3/auth/tokens", auth, "text/plain")
        f, msg = form(body)
        t.ok(st == 400 and f == "keystone" and "application/json in Content-Type" in msg,
             "Keystone: a text/plain body is a 400 in Keystone's form", (st, body))
        st, body = call("POST", "/v3/projects", b'{"project": {"name": "p"}}',
                        "application/xml", token=None)
        t.ok(st == 400 and form(body)[0] == "keystone",
             "Keystone: an XML body is a 400, before the missing token", (st, body))
        for ct in ("application/json", "application/json; charset=UTF-8",
                   "Application/JSON;charset=utf-8", None, ""):
            st, body = call("POST", "/v3/auth/tokens", auth, ct)
            t.eq(st, 201, f"Keystone: Content-Type {ct!r} is read as JSON")
        st, body = call("POST", "/v2.1/flavors", b'{"flavor": {"name": "x", "ram": 1, '
                        b'"vcpus": 1, "disk": 1}}', "application/xml")
        f, msg = form(body)
        t.ok(st == 415 and f == "nova:badMediaType" and msg == "Unsupported Content-Type",
             "Nova: an XML body is 415 badMediaType", (st, body))
        st, body = call("GET", "/v2.1/servers", None, "application/xml")
        t.ok(st == 415 and form(body)[0] == "nova:badMediaType",
             "Nova: a declared XML type is 415 even without a body", (st, body))
        st, body = call("GET", "/v2.1/servers", None, "application/xml", token="nope")
        t.ok(st == 401, "Nova: the token is checked before the type", (st, body))
        for ct in ("application/json;charset=utf-8", "text/plain",
                   "application/vnd.openstack.compute+json"):
            st, body = call("GET", "/v2.1/servers", None, ct)
            t.eq(st, 200, f"Nova: Content-Type {ct!r} is accepted")
        st, body = call("POST", "/v2.0/networks", net, "text/plain")
        t.eq(st, 201, "Neutron: a JSON body is read whatever its Content-Type (as Neutron)")
        st, img, _ = R("POST", "/image/v2/images", {"name": "i", "disk_format": "raw",
                                                    "container_format": "bare"}, token=tok)
        iid = img["id"]
        st, body = call("PUT", f"/image/v2/images/{iid}/file", b"data", "application/json")
        f, msg = form(body)
        t.ok(st == 415 and f == "keystone" and "application/json" in msg,
             "Glance: image data as application/json is 415", (st, body))
        st, body = call("PUT", f"/image/v2/images/{iid}/file", b"data", None)
        t.ok(st == 415 and "None" in form(body)[1], "Glance: image data without a type is 415",
             (st, body))
        st, body = call("PUT", f"/image/v2/images/{iid}/file", b"data",
                        "application/octet-stream")
        t.eq(st, 204, "Glance: application/octet-stream is taken")

        # ---- connections ----
        # An idle connection is closed after client_socket_timeout.
        c = socket.create_connection(("127.0.0.1", P))
        c.settimeout(10)
        t0 = time.monotonic()
        try:
            got = c.recv(10)
        except OSError:
            got = b""
        idle = time.monotonic() - t0
        c.close()
        t.ok(got == b"" and 1.5 <= idle < 6, f"an idle connection is closed after ~2 s "
             f"({idle:.1f} s)")

        # A watch parked longer than client_socket_timeout is answered at
        # its own timeout, not cut.
        st, state, _ = R("GET", "/v2.0/vfnet/hosts/compute1/state", token=tok)
        t0 = time.monotonic()
        st, ch, _ = R("GET", f"/v2.0/vfnet/hosts/compute1/changes?since={state['revision']}"
                      "&timeout=5", token=tok)
        waited = time.monotonic() - t0
        t.ok(st == 200 and ch["changes"] == [] and 4.5 <= waited < 10,
             f"a watch parked 5 s outlives the 2 s idle and 3 s request timeouts "
             f"({waited:.1f} s)", (st, ch))

        # A slowloris never idle for 2 s (a header byte every 0.5 s) still
        # loses the connection once its request is 3 s late.
        c = socket.create_connection(("127.0.0.1", P))
        c.sendall(b"GET /v3 HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        t0, cut = time.monotonic(), None
        while time.monotonic() - t0 < 10:
            try:
                c.sendall(b"a")
                c.settimeout(0.5)
                if c.recv(100) == b"":
                    cut = time.monotonic() - t0
                    break
            except socket.timeout:
                continue
            except OSError:
                cut = time.monotonic() - t0
                break
        c.close()
        t.ok(cut is not None and 2.5 <= cut < 6,
             f"a header dripping a byte each 0.5 s is cut after ~3 s ({cut and round(cut, 1)} s)")
        # The same for a body.
        c = socket.create_connection(("127.0.0.1", P))
        c.sendall(b"POST /v2.0/networks HTTP/1.1\r\n" + H + b"Content-Length: 100\r\n\r\n")
        t0, cut = time.monotonic(), None
        while time.monotonic() - t0 < 10:
            try:
                c.sendall(b" ")
                c.settimeout(0.5)
                if c.recv(100) == b"":
                    cut = time.monotonic() - t0
                    break
            except socket.timeout:
                continue
            except OSError:
                cut = time.monotonic() - t0
                break
        c.close()
        t.ok(cut is not None and 2.5 <= cut < 6,
             f"a body dripping a byte each 0.5 s is cut after ~3 s ({cut and round(cut, 1)} s)")

        # One address holds at most max_connections_per_ip; a slowloris
        # from it (a few hundred connections, headers dripping) leaves the
        # others answered at once.
        held, refused = [], 0
        for _ in range(200):
            c = socket.socket()
            c.bind(("127.0.0.2", 0))
            c.settimeout(2)
            try:
                c.connect(("127.0.0.1", P))
                c.sendall(b"GET /v3 HTTP/1.1\r\n")
                held.append(c)
            except OSError:
                refused += 1
                c.close()
        time.sleep(0.3)
        alive = 0
        for c in held:
            c.setblocking(False)
            try:
                alive += c.recv(1) != b""
            except BlockingIOError:
                alive += 1
            except OSError:
                pass
        t.ok(alive <= 16, f"200 connections from one address: {alive} held (limit 16)")
        times = []
        for _ in range(20):
            t0 = time.monotonic()
            st, _, _ = R("GET", "/v3")
            times.append(time.monotonic() - t0)
        med = statistics.median(times)
        t.ok(st == 200 and med < 0.05, f"meanwhile another address is answered "
             f"(median {med * 1000:.1f} ms, max {max(times) * 1000:.1f} ms)")
        for c in held:
            c.close()

        # In all: max_connections (48) from many addresses; the next client
        # waits until a slot frees (here: the idle timeout).
        held = []
        for i in range(48):
            c = socket.socket()
            c.bind((f"127.0.1.{i % 6 + 1}", 0))
            c.connect(("127.0.0.1", P))
            held.append(c)
        time.sleep(0.3)
        result = {}

        def late():
            t0 = time.monotonic()
            result["r"] = R("GET", "/v3")[0], time.monotonic() - t0
        th = threading.Thread(target=late)
        th.start()
        th.join(timeout=1.0)
        t.ok(th.is_alive(), "with 48 of 48 connections open, a new client is not served yet")
        th.join(timeout=15)
        st, waited = result.get("r", (None, 0))
        t.ok(st == 200 and 1.0 <= waited < 8,
             f"... and is served when the idle ones time out ({waited:.1f} s)")
        for c in held:
            c.close()

        st, _, _ = R("GET", "/v3")
        t.eq(st, 200, "the server still answers")
        t.eq(s.stop(), 0, "the server stops cleanly (no leak reported under ASan)")
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
