"""Helpers for end-to-end tests of vfnet-server: start a server on a free
loopback port with a temporary SQLite database, bootstrap it, talk to it
with raw HTTP (urllib) and with the real `openstack` CLI, print TAP.
Python standard library only."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

# A test killed by its runner's timeout (SIGTERM) still unwinds, so every
# `with Server(...)` stops its process; atexit catches the rest.
signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
_running = []


def _kill_leftovers():
    for p in _running:
        if p.poll() is None:
            p.kill()


__import__("atexit").register(_kill_leftovers)

ML2_CONF = """[ml2]
tenant_network_types = vlan
type_drivers = vlan, flat
mechanism_drivers = openvswitch, sriovnicswitch
[ml2_type_vlan]
network_vlan_ranges = physnet1:15:20
[ml2_type_flat]
flat_networks = physnet2
[ml2_sriov]
agent_required = True
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, desc, detail=None):
        self.n += 1
        if cond:
            print(f"ok {self.n} - {desc}", flush=True)
        else:
            self.failed += 1
            print(f"not ok {self.n} - {desc}", flush=True)
            if detail is not None:
                for line in str(detail).splitlines()[:40]:
                    print(f"# {line}", flush=True)
        return cond

    def eq(self, got, want, desc):
        return self.ok(got == want, desc, f"got: {got!r}\nwant: {want!r}")

    def done(self):
        print(f"1..{self.n}", flush=True)
        return 1 if self.failed else 0


_pg_databases = 0


def fresh_pg_database():
    """A new database's URL on the PostgreSQL that VFNET_TEST_STORE_URL
    names (None without one)."""
    global _pg_databases
    if not os.environ.get("VFNET_TEST_STORE_URL"):
        return None
    _pg_databases += 1
    name = f"vfnet_e2e_{os.getpid()}_{_pg_databases}"
    subprocess.run(["createdb", name], check=True)
    return f"postgresql:///{name}?host={os.environ['PGHOST']}&user={os.environ['PGUSER']}"


class Server:
    """One vfnet-server process; always stopped by stop() (use `with`)."""

    def __init__(self, binary, extra_conf="", db=None, workdir=None):
        self.binary = binary
        self.dir = workdir or tempfile.mkdtemp(prefix="vfnet-e2e-")
        self.own_dir = workdir is None
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # Under tests/pg/pg-throwaway.sh each server gets a fresh database
        # on that PostgreSQL (db= names one to share).
        self.db = db or fresh_pg_database() or os.path.join(self.dir, "vfnet.sqlite")
        connection = self.db if "://" in self.db else f"sqlite:///{self.db}"
        self.conf = os.path.join(self.dir, "neutron.conf")
        self.ml2 = os.path.join(self.dir, "ml2_conf.ini")
        with open(self.conf, "w") as f:
            f.write(f"[DEFAULT]\nbind_host = 127.0.0.1\nbind_port = {self.port}\n"
                    f"agent_down_time = 75\n{extra_conf}\n"
                    f"[database]\nconnection = {connection}\n")
        with open(self.ml2, "w") as f:
            f.write(ML2_CONF)
        self.proc = None
        self.log = os.path.join(self.dir, "server.log")

    def args(self):
        return [self.binary, "--config-file", self.conf, "--config-file", self.ml2]

    def bootstrap(self, password="secret"):
        subprocess.run(self.args() + ["bootstrap", "--bootstrap-password", password],
                       check=True, capture_output=True)

    def start(self):
        self.logf = open(self.log, "a")
        self.proc = subprocess.Popen(self.args(), stdout=self.logf, stderr=subprocess.STDOUT)
        _running.append(self.proc)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"vfnet-server exited with {self.proc.returncode}: "
                                   + open(self.log).read())
            try:
                urllib.request.urlopen(self.url + "/v3", timeout=2).read()
                return self
            except OSError:
                time.sleep(0.005)
        raise RuntimeError("vfnet-server did not answer within 30 s")

    def stop(self, sig=signal.SIGTERM):
        """Stops the server; returns its exit status (None if not running)."""
        if not self.proc:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode
        self.proc = None
        self.logf.close()
        return rc

    def cleanup(self):
        self.stop(signal.SIGKILL)
        if self.own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()

    # ---- raw HTTP ----
    def request(self, method, path, body=None, token=None, headers=None, raw=None):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("X-Auth-Token", token)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                text = r.read()
                status, hdrs = r.status, r.headers
        except urllib.error.HTTPError as e:
            text = e.read()
            status, hdrs = e.code, e.headers
        try:
            doc = json.loads(text) if text else None
        except ValueError:
            doc = text
        return status, doc, hdrs

    def token(self, user="admin", password="secret", project="admin"):
        status, doc, hdrs = self.request("POST", "/v3/auth/tokens", {"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": user, "domain": {"name": "Default"}, "password": password}}},
            "scope": {"project": {"name": project, "domain": {"name": "Default"}}}}})
        if status != 201:
            raise RuntimeError(f"token for {user}: {status} {doc}")
        return hdrs["X-Subject-Token"]

    def new_member(self, user, project, admin_token, password="pw", role="member"):
        """A new project and a new user holding role on it; returns
        (project_id, user_id, the user's token scoped to the project)."""
        roles = {r["name"]: r["id"]
                 for r in self.request("GET", "/v3/roles", token=admin_token)[1]["roles"]}
        st, proj, _ = self.request("POST", "/v3/projects", {"project": {"name": project}},
                                   token=admin_token)
        st2, u, _ = self.request("POST", "/v3/users", {"user": {"name": user,
                                                                "password": password}},
                                 token=admin_token)
        if st != 201 or st2 != 201:
            raise RuntimeError(f"member {user} of {project}: {st} {proj} {st2} {u}")
        pid, uid = proj["project"]["id"], u["user"]["id"]
        self.request("PUT", f"/v3/projects/{pid}/users/{uid}/roles/{roles[role]}",
                     token=admin_token)
        return pid, uid, self.token(user, password, project)

    # ---- the real client ----
    def osc_env(self, user="admin", password="secret", project="admin"):
        env = dict(os.environ)
        env.update(OS_AUTH_URL=self.url + "/v3", OS_USERNAME=user, OS_PASSWORD=password,
                   OS_PROJECT_NAME=project, OS_USER_DOMAIN_NAME="Default",
                   OS_PROJECT_DOMAIN_NAME="Default", OS_IDENTITY_API_VERSION="3",
                   OS_REGION_NAME="RegionOne", OS_INTERFACE="public")
        for k in ("OS_CLOUD", "OS_TOKEN", "OS_AUTH_TYPE"):
            env.pop(k, None)
        return env

    def osc(self, *args, user="admin", password="secret", project="admin", as_json=True):
        cmd = ["/usr/bin/openstack"] + list(args)
        if as_json:
            cmd += ["-f", "json"]
        p = subprocess.run(cmd, env=self.osc_env(user, password, project),
                           capture_output=True, text=True, timeout=120)
        out = None
        if as_json and p.returncode == 0 and p.stdout.strip():
            out = json.loads(p.stdout)
        return p.returncode, out, p.stderr
