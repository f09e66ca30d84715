#!/usr/bin/python3
"""Password checks that cannot starve the rest.
Keystone's lockout ([security_compliance] lockout_failure_attempts and
lockout_duration): after N failed logins the user is answered 401 "The
account is locked for user: ID." even with the right password, until
lockout_duration has passed since the last failure; a success clears the
count; other users and users with ignore_lockout_failure_attempts are not
locked. The counts are kept with the user in the database: a lockout holds
across a restart and on a second server sharing the database, and setting
the user enabled unlocks it. Failed logins per client address ([DEFAULT]
max_failed_logins_per_ip in failed_logins_window): past the limit, 429 in
Keystone's error form with Retry-After, until the window passes. A login
flood (32 threads of bad passwords for 3 s) leaves other authenticated
requests' p99 under 50 ms.
Usage: test-login-limits.py PATH/TO/vfnet-server"""
import http.client
import json
import subprocess
import sys
import threading
import time

sys.path.insert(0, __import__("os").path.dirname(__file__))
from vfnet_server import Server, Tap  # noqa: E402


def login(s, user, password, project=None):
    auth = {"identity": {"methods": ["password"], "password": {"user": {
        "name": user, "domain": {"name": "Default"}, "password": password}}}}
    if project:
        auth["scope"] = {"project": {"name": project, "domain": {"name": "Default"}}}
    return s.request("POST", "/v3/auth/tokens", {"auth": auth})


def add_user(s, adm, name, pw, project, roles, options=None):
    st, u, _ = s.request("POST", "/v3/users", {"user": {"name": name, "password": pw}}, token=adm)
    assert st == 201, u
    if options:  # as `openstack user set --ignore-lockout-failure-attempts` sets it
        st, _, _ = s.request("PATCH", f"/v3/users/{u['user']['id']}",
                             {"user": {"options": options}}, token=adm)
        assert st == 200
    s.request("PUT", f"/v3/projects/{project}/users/{u['user']['id']}/roles/{roles['member']}",
              token=adm)
    return u["user"]["id"]


def lockout(t, binary):
    conf = ("max_failed_logins_per_ip = 0\n[security_compliance]\n"
            "lockout_failure_attempts = 3\nlockout_duration = 3\n")
    with Server(binary, extra_conf=conf) as s:
        s.bootstrap()
        s.start()
        adm = s.token()
        roles = {r["name"]: r["id"] for r in s.request("GET", "/v3/roles", token=adm)[1]["roles"]}
        pid = s.request("GET", "/v3/projects?name=admin", token=adm)[1]["projects"][0]["id"]
        carl = add_user(s, adm, "carl", "pw-carl", pid, roles)
        add_user(s, adm, "dora", "pw-dora", pid, roles)
        add_user(s, adm, "svc", "pw-svc", pid, roles,
                 options={"ignore_lockout_failure_attempts": True})

        t.eq(login(s, "dora", "pw-dora", "admin")[0], 201, "dora logs in")
        for _ in range(5):
            login(s, "svc", "wrong")
        t.eq(login(s, "svc", "pw-svc", "admin")[0], 201,
             "a user with ignore_lockout_failure_attempts is never locked")
        for _ in range(2):
            login(s, "carl", "wrong")
        t.eq(login(s, "carl", "pw-carl", "admin")[0], 201,
             "two failures, then the right password: a token")
        for i in range(3):
            st, body, _ = login(s, "carl", "wrong")
            t.ok(st == 401 and body["error"]["message"] ==
                 "The request you have made requires authentication.",
                 f"failure {i + 1} of 3 (after a success the count starts again): 401", (st, body))
        last = time.monotonic()
        st, body, _ = login(s, "carl", "pw-carl", "admin")
        t.ok(st == 401 and body["error"] == {
            "code": 401, "title": "Unauthorized",
            "message": f"The account is locked for user: {carl}."},
            "after 3 failures the right password is refused: the account is locked", (st, body))
        t.eq(login(s, "dora", "pw-dora", "admin")[0], 201, "another user is not locked")
        # A password change checks the original password as a login does.
        st, body, _ = s.request("POST", f"/v3/users/{carl}/password", {"user": {
            "password": "pw-new", "original_password": "pw-carl"}})
        t.ok(st == 401 and "locked" in body["error"]["message"],
             "a locked user's password change, with the right original: 401 locked", (st, body))
        dora = s.request("GET", "/v3/users?name=dora", token=adm)[1]["users"][0]["id"]
        for _ in range(3):
            s.request("POST", f"/v3/users/{dora}/password", {"user": {
                "password": "pw-new", "original_password": "wrong"}})
        st, body, _ = login(s, "dora", "pw-dora", "admin")
        t.ok(st == 401 and "locked" in body["error"]["message"],
             "3 password changes with a wrong original lock the account", (st, body))
        time.sleep(max(0.0, last + 1.0 - time.monotonic()))
        st, body, _ = login(s, "carl", "pw-carl", "admin")
        t.ok(st == 401 and "locked" in body["error"]["message"] and time.monotonic() < last + 3,
             "1 s after the last failure (lockout_duration 3): still locked", (st, body))
        time.sleep(max(0.0, last + 3.3 - time.monotonic()))
        st, body, _ = login(s, "carl", "pw-carl", "admin")
        t.eq(st, 201, "lockout_duration after the last failure: the right password works again")


def locked(st, body, uid):
    return st == 401 and body["error"]["message"] == f"The account is locked for user: {uid}."


def lockout_durable(t, binary):
    """The counts are the user's rows in the database: a restart and a
    second server on the same database see the same lockout."""
    conf = ("max_failed_logins_per_ip = 0\n[security_compliance]\n"
            "lockout_failure_attempts = 3\nlockout_duration = 4\n")
    with Server(binary, extra_conf=conf) as s:
        s.bootstrap()
        s.start()
        adm = s.token()
        roles = {r["name"]: r["id"] for r in s.request("GET", "/v3/roles", token=adm)[1]["roles"]}
        pid = s.request("GET", "/v3/projects?name=admin", token=adm)[1]["projects"][0]["id"]
        erin = add_user(s, adm, "erin", "pw-erin", pid, roles)
        fred = add_user(s, adm, "fred", "pw-fred", pid, roles)

        # Two failures, a success, a restart, two failures: not locked,
        # so the success cleared the stored count.
        for _ in range(2):
            login(s, "fred", "wrong")
        t.eq(login(s, "fred", "pw-fred", "admin")[0], 201, "fred: 2 failures, then a token")
        s.stop()
        s.start()
        for _ in range(2):
            login(s, "fred", "wrong")
        t.eq(login(s, "fred", "pw-fred", "admin")[0], 201,
             "after a restart, 2 more failures: not locked (the success reset the count)")

        for _ in range(3):
            login(s, "erin", "wrong")
        last = time.monotonic()
        st, body, _ = login(s, "erin", "pw-erin", "admin")
        t.ok(locked(st, body, erin), "erin locked after 3 failures", (st, body))
        s.stop()
        s.start()
        st, body, _ = login(s, "erin", "pw-erin", "admin")
        t.ok(locked(st, body, erin) and time.monotonic() < last + 4,
             "server restarted: still locked (the count is in the database)", (st, body))
        with Server(binary, extra_conf=conf, db=s.db) as s2:
            s2.start()
            st, body, _ = login(s2, "erin", "pw-erin", "admin")
            t.ok(locked(st, body, erin) and time.monotonic() < last + 4,
                 "a second server on the same database: locked too", (st, body))
            for _ in range(2):
                login(s2, "fred", "wrong")
            login(s, "fred", "wrong")
            st, body, _ = login(s, "fred", "pw-fred", "admin")
            t.ok(locked(st, body, fred),
                 "2 failures on one server and 1 on the other lock fred on both", (st, body))
            time.sleep(max(0.0, last + 4.3 - time.monotonic()))
            t.eq(login(s2, "erin", "pw-erin", "admin")[0], 201,
                 "lockout_duration after the last failure: erin logs in on the second server")
        t.eq(login(s, "erin", "pw-erin", "admin")[0], 201, "and on the first")
        st, _, _ = s.request("PATCH", f"/v3/users/{fred}", {"user": {"enabled": True}}, token=adm)
        t.eq(st, 200, "an admin sets fred enabled")
        t.eq(login(s, "fred", "pw-fred", "admin")[0], 201,
             "setting enabled unlocks the user, as in Keystone")


def per_address(t, binary):
    conf = "max_failed_logins_per_ip = 5\nfailed_logins_window = 2\n"
    with Server(binary, extra_conf=conf) as s:
        s.bootstrap()
        s.start()
        for i in range(5):
            t.eq(login(s, "admin", "wrong")[0], 401, f"failed login {i + 1} of 5 from 127.0.0.1")
        st, body, hd = login(s, "admin", "secret", "admin")
        t.ok(st == 429 and body["error"]["code"] == 429
             and body["error"]["title"] == "Too Many Requests"
             and "127.0.0.1" in body["error"]["message"]
             and 1 <= int(hd["Retry-After"]) <= 2,
             "the 6th login from the address (even with the right password): 429, Retry-After",
             (st, body, dict(hd)))
        time.sleep(2.1)
        t.eq(login(s, "admin", "secret", "admin")[0], 201,
             "after failed_logins_window the address may log in again")


def no_address_limit(t, binary):
    """max_failed_logins_per_ip = 0: no per-address bound at all, so after
    a failure one address (clients behind a proxy) still logs in 8 at once."""
    with Server(binary, extra_conf="max_failed_logins_per_ip = 0\n") as s:
        s.bootstrap()
        s.start()
        t.eq(login(s, "admin", "wrong")[0], 401, "a failed login from 127.0.0.1")
        codes = []
        threads = [threading.Thread(target=lambda: codes.append(
            login(s, "admin", "secret", "admin")[0])) for _ in range(8)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        t.eq(sorted(codes), [201] * 8,
             "then 8 concurrent logins from the same address: all 201 (none 429)")


FLOODER = """
import http.client, json, sys, threading, time
port, secs = int(sys.argv[1]), float(sys.argv[2])
body = json.dumps({"auth": {"identity": {"methods": ["password"], "password": {"user": {
    "name": "admin", "domain": {"name": "Default"}, "password": "wrong"}}}}})
counts, lock, end = {}, threading.Lock(), time.monotonic() + secs
def flooder():
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < end:
        try:
            c.request("POST", "/v3/auth/tokens", body, {"Content-Type": "application/json"})
            r = c.getresponse()
            r.read()
            st = str(r.status)
        except (OSError, http.client.HTTPException):
            c.close()
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            st = "error"
        with lock:
            counts[st] = counts.get(st, 0) + 1
    c.close()
threads = [threading.Thread(target=flooder) for _ in range(32)]
for th in threads:
    th.start()
for th in threads:
    th.join()
print(json.dumps(counts))
"""


def flood(t, binary):
    with Server(binary) as s:
        s.bootstrap()
        s.start()
        adm = s.token()
        # The flood runs in its own process, so the measuring client here
        # does not wait for the flooders' interpreter lock.
        p = subprocess.Popen(["/usr/bin/python3", "-c", FLOODER, str(s.port), "3.0"],
                             stdout=subprocess.PIPE, text=True)
        time.sleep(0.1)
        c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
        lat, bad = [], 0
        while p.poll() is None:
            t0 = time.monotonic()
            c.request("GET", "/v2.0/networks", headers={"X-Auth-Token": adm})
            r = c.getresponse()
            r.read()
            lat.append(time.monotonic() - t0)
            bad += r.status != 200
            time.sleep(0.002)
        counts = json.loads(p.communicate()[0])
        c.close()
        lat.sort()
        p50, p99 = lat[len(lat) // 2] * 1000, lat[int(len(lat) * 0.99)] * 1000
        print(f"# login flood: {sum(counts.values())} logins {counts}; other requests: "
              f"{len(lat)}, p50 {p50:.1f} ms, p99 {p99:.1f} ms")
        t.ok(bad == 0 and len(lat) > 100, "other requests answered 200 during the flood",
             (bad, len(lat)))
        t.ok(counts.get("429", 0) > 0 and counts.get("201", 0) == 0,
             "the flood is answered 429 past the address's limit", counts)
        t.ok(p99 < 50.0, f"other requests' p99 under 50 ms during the flood ({p99:.1f} ms)",
             lat[-10:])


def main():
    t = Tap()
    lockout(t, sys.argv[1])
    lockout_durable(t, sys.argv[1])
    no_address_limit(t, sys.argv[1])
    per_address(t, sys.argv[1])
    flood(t, sys.argv[1])
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
