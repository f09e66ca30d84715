#!/usr/bin/python3
"""Runs tempest (Debian's, with Debian's /usr/bin/python3) against a fresh
vfnet-server and prints TAP: one line per tempest test.

    run-tempest.py VFNET_SERVER [--compute] [--concurrency N] [--filter REGEX] [--keep]

The server gets a temporary database on a free loopback port, is
bootstrapped (admin user, catalog) and started with VLAN ranges wide enough
for every network tempest makes. tempest.conf is written from
tempest.conf.in, with the network extensions the server's /v2.0/extensions
lists.

--compute runs tempest's compute API tests instead, from
tempest-compute.conf.in and the *-compute.txt lists: the server also gets
the scheduler's nova.conf, three simulated compute hosts
(tests/e2e/compute_sim.py) that answer spawn and destroy tasks beside the
run, two public images, two flavors and a shared network every server
boots on.

Which tests, beside this file (the compute run's: NAME-compute.txt):
  selection.txt      regexes of the tempest tests this run is made of;
  skip-list.txt      tests of that selection not run, each with its reason
                     (they need routers/L3 or a service vfnet does not serve):
                     TAP "ok # SKIP reason";
  known-failing.txt  tests that run and are known to fail, each with what
                     the server lacks: TAP "not ok # TODO reason" while they
                     fail, and "ok # TODO" (a failure of the run) once they
                     pass, so the list cannot go stale.
A test tempest skips by itself is a failure ("not ok"): every skip must be
in skip-list.txt; so is an entry of either list that names no selected test. Each entry is "REGEX  # reason", matched with re.search
against tempest's test id (e.g. tempest.api.network.test_ports.PortsTestJSON
.test_create_port_in_allowed_allocation_pools[id-...])."""
import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import compute_sim  # noqa: E402
import vfnet_server  # noqa: E402

PASSWORD = "tempest-admin"
# Wide enough for every project network a run makes (each takes a VLAN).
ML2_CONF = """[ml2]
tenant_network_types = vlan
type_drivers = vlan, flat
mechanism_drivers = openvswitch, sriovnicswitch
[ml2_type_vlan]
network_vlan_ranges = @VLAN_RANGES@
[ml2_type_flat]
flat_networks = physnet2
[ml2_sriov]
agent_required = True
"""


# Keystone's lockout as tempest.conf.in states it; no per-address login
# limit (tempest's negative tests log in badly from one address, in bulk).
SERVER_CONF = """max_failed_logins_per_ip = 0
[security_compliance]
lockout_failure_attempts = 2
lockout_duration = 5
"""


def list_name(name, compute):
    """selection.txt, or selection-compute.txt for the compute run."""
    return name.replace(".txt", "-compute.txt") if compute else name


def read_entries(name):
    """[(compiled regex, reason)] from a list file beside this script."""
    out = []
    with open(os.path.join(HERE, name)) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            regex, _, reason = line.partition("#")
            regex, reason = regex.strip(), reason.strip()
            if not reason:
                sys.exit(f"{name}:{n}: an entry needs its reason after '#'")
            out.append((re.compile(regex), reason))
    return out


def match(entries, test_id):
    for regex, reason in entries:
        if regex.search(test_id):
            return reason
    return None


def class_of(test_id):
    return test_id.split("[", 1)[0].rsplit(".", 1)[0]


def admin_call(server, token, method, path, body=None, want=(200, 201), **kw):
    st, doc, _ = server.request(method, path, body, token=token, **kw)
    if st not in want:
        sys.exit(f"{method} {path}: {st} {doc}")
    return doc


def compute_setup(server, token, workdir):
    """What tempest's compute tests are pointed at (tempest-compute.conf.in):
    simulated hosts answering tasks, images, flavors, a shared network."""
    hosts = compute_sim.seed_hosts(server, token, os.path.join(workdir, "hosts"))
    for h in hosts:
        # Tempest's servers boot on normal ports: an Open vSwitch agent
        # on every host binds them.
        h.more_agents.append({"agent_type": "Open vSwitch agent", "binary": "neutron-openvswitch-agent",
                              "configurations": {"bridge_mappings": {"physnet1": "br-physnet1",
                                                                     "physnet2": "br-physnet2"}}})
        h.register(token)
        h.start(token)
    refs = {}
    for key, name in (("IMAGE_REF", "tempest-image"), ("IMAGE_REF_ALT", "tempest-image-alt")):
        img = admin_call(server, token, "POST", "/image/v2/images", {
            "name": name, "disk_format": "qcow2", "container_format": "bare",
            "visibility": "public"})
        admin_call(server, token, "PUT", f"/image/v2/images/{img['id']}/file", want=(204,),
                   raw=b"QFI\xfb" + bytes(4092),
                   headers={"Content-Type": "application/octet-stream"})
        refs[key] = img["id"]
    for key, name, ram in (("FLAVOR_REF", "tempest-flavor", 512),
                           ("FLAVOR_REF_ALT", "tempest-flavor-alt", 1024)):
        fl = admin_call(server, token, "POST", "/v2.1/flavors", {"flavor": {
            "name": name, "ram": ram, "vcpus": 1, "disk": 1}})
        refs[key] = fl["flavor"]["id"]
    net = admin_call(server, token, "POST", "/v2.0/networks", {"network": {
        "name": "tempest-fixed", "shared": True}})["network"]
    admin_call(server, token, "POST", "/v2.0/subnets", {"subnet": {
        "network_id": net["id"], "cidr": "10.250.0.0/16", "ip_version": 4}})
    refs["FIXED_NETWORK"] = net["name"]
    filters = re.search(r"enabled_filters = (.*)", compute_sim.NOVA_CONF).group(1)
    refs["SCHEDULER_FILTERS"] = filters
    return hosts, refs


def write_conf(server, workdir, token, template, refs):
    st, doc, _ = server.request("GET", "/v2.0/extensions", token=token)
    if st != 200:
        sys.exit(f"GET /v2.0/extensions: {st} {doc}")
    aliases = sorted(e["alias"] for e in doc["extensions"])
    with open(os.path.join(HERE, template)) as f:
        conf = f.read()
    for k, v in dict(refs, URL=server.url, PASSWORD=PASSWORD, WORKDIR=workdir,
                     NETWORK_EXTENSIONS=", ".join(aliases),
                     PORT_SECURITY=str("port-security" in aliases).lower()).items():
        conf = conf.replace(f"@{k}@", v)
    path = os.path.join(workdir, "etc", "tempest.conf")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(conf)
    return path


DISCOVER = """# Tempest's own test discovery, after one change: tempest's subnets
# client sleeps 10 s before every subnet delete, for Neutron's DHCP ports
# being torn down behind the API. vfnet has no DHCP agent and deletes
# synchronously, so the wait only slows the run; nothing else changes.
from tempest.lib.services.network import subnets_client
from tempest.test_discover import test_discover


class _NoSleep:
    @staticmethod
    def sleep(seconds):
        pass


subnets_client.time = _NoSleep


def load_tests(loader, tests, pattern):
    return test_discover.load_tests(loader, tests, pattern)
"""


def write_discover(workdir):
    """A .stestr.conf like the one `tempest run` writes, with DISCOVER."""
    d = os.path.join(workdir, "discover")
    os.makedirs(d)
    open(os.path.join(d, "__init__.py"), "w").close()
    with open(os.path.join(d, "test_discover.py"), "w") as f:
        f.write(DISCOVER)
    with open(os.path.join(workdir, ".stestr.conf"), "w") as f:
        f.write(f"[DEFAULT]\ntest_path={d}\ntop_dir={workdir}\n"
                "group_regex=([^\\.]*\\.)*\n")


def tempest(workdir, conf, *args, capture=True):
    env = dict(os.environ, TEMPEST_CONFIG_DIR=os.path.dirname(conf),
               TEMPEST_CONFIG="tempest.conf", PYTHON="/usr/bin/python3")
    env.pop("PYTHONPATH", None)
    return subprocess.run(["/usr/bin/python3", "/usr/bin/tempest", "run",
                           "--config-file", conf] + list(args),
                          cwd=workdir, env=env, text=True,
                          stdout=subprocess.PIPE if capture else sys.stderr,
                          stderr=subprocess.STDOUT if capture else sys.stderr)


def subunit_results(workdir):
    """{test id: (status, reason or traceback)} of the last stestr run."""
    import subunit
    import testtools
    p = subprocess.run(["/usr/bin/python3", "-m", "stestr.cli", "last", "--subunit"],
                       cwd=workdir, capture_output=True)
    results = {}

    def on_test(t):
        if t["status"] in ("exists", None):
            return
        text = ""
        for name in ("reason", "traceback"):
            d = t["details"].get(name)
            if d is not None:
                text = d.as_text()
                break
        results[t["id"]] = (t["status"], text)

    out = testtools.StreamToDict(on_test)
    out.startTestRun()
    subunit.ByteStreamToStreamResult(io.BytesIO(p.stdout), non_subunit_name="stdout").run(out)
    out.stopTestRun()
    return results


class Tap:
    def __init__(self):
        self.n = 0
        self.bad = 0

    def line(self, ok, desc, directive="", detail=""):
        self.n += 1
        desc = desc.replace("#", "")
        print(f"{'ok' if ok else 'not ok'} {self.n} - {desc}"
              + (f" # {directive}" if directive else ""))
        for d in detail.strip().splitlines()[-60:] if detail else []:
            print(f"#   {d}")
        if ok == directive.startswith("TODO"):  # a failure, or a known one passing
            self.bad += 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("server")
    ap.add_argument("--compute", action="store_true",
                    help="tempest's compute API tests (the *-compute.txt lists)")
    ap.add_argument("--concurrency", type=int, default=int(os.environ.get("VFNET_TEMPEST_CONCURRENCY", "1")))
    ap.add_argument("--filter", default="", help="run only the selected tests matching this regex")
    ap.add_argument("--keep", action="store_true", help="keep the work directory (tempest.log, server.log)")
    ap.add_argument("--vlan-ranges", default="physnet1:100:3999",
                    help="network_vlan_ranges (narrow it to see how tempest meets VLAN exhaustion)")
    a = ap.parse_args()

    names = {n: list_name(n, a.compute)
             for n in ("selection.txt", "skip-list.txt", "known-failing.txt")}
    selection = read_entries(names["selection.txt"])
    skips = read_entries(names["skip-list.txt"])
    known = read_entries(names["known-failing.txt"])
    workdir = tempfile.mkdtemp(prefix="vfnet-tempest-")
    os.makedirs(os.path.join(workdir, "server"))
    kind = compute_sim.ComputeServer if a.compute else vfnet_server.Server
    server = kind(os.path.abspath(a.server), workdir=os.path.join(workdir, "server"),
                  extra_conf=SERVER_CONF)
    hosts = []
    with open(server.ml2, "w") as f:
        f.write(ML2_CONF.replace("@VLAN_RANGES@", a.vlan_ranges))
    try:
        server.bootstrap(PASSWORD)
        server.start()
        token = server.token("admin", PASSWORD, "admin")
        refs = {}
        if a.compute:
            hosts, refs = compute_setup(server, token, workdir)
        conf = write_conf(server, workdir, token,
                          "tempest-compute.conf.in" if a.compute else "tempest.conf.in", refs)

        write_discover(workdir)
        subprocess.run(["/usr/bin/python3", "-m", "stestr.cli", "init"], cwd=workdir,
                       check=True, capture_output=True)
        p = tempest(workdir, conf, "--list-tests")
        if p.returncode != 0:
            print(p.stdout, file=sys.stderr)
            sys.exit("tempest --list-tests failed")
        ids = sorted({line.strip() for line in p.stdout.splitlines()
                      if line.startswith("tempest.")})
        chosen = [t for t in ids if match(selection, t) is not None
                  and (not a.filter or re.search(a.filter, t))]
        to_run = [t for t in chosen if match(skips, t) is None]
        load = os.path.join(workdir, "load-list.txt")
        with open(load, "w") as f:
            f.write("".join(t + "\n" for t in to_run))

        start = time.monotonic()
        if to_run:
            tempest(workdir, conf, "--load-list", load, "--concurrency", str(a.concurrency),
                    capture=False)
        took = time.monotonic() - start
        results = subunit_results(workdir) if to_run else {}

        # Class fixtures (setUpClass, tearDownClass) report under their own
        # ids; a failed setUpClass is every test of its class failing.
        fixtures = {}
        for tid, (status, text) in results.items():
            m = re.match(r"(setUpClass|tearDownClass) \((.*)\)$", tid)
            if m:
                fixtures.setdefault(m.group(2), []).append((m.group(1), status, text))

        tap = Tap()
        for tid in chosen:
            reason = match(skips, tid)
            if reason is not None:
                tap.line(True, tid, f"SKIP {reason}")
                continue
            status, text = results.get(tid, (None, ""))
            if status is None:
                for kind, st, txt in fixtures.get(class_of(tid), []):
                    if kind == "setUpClass" and st in ("fail", "skip"):
                        status, text = st, f"setUpClass {st}:\n" + txt
                if status is None:
                    status, text = "fail", "no result from tempest"
            known_reason = match(known, tid)
            if known_reason is not None:
                if status == "success":
                    tap.line(True, tid, f"TODO known failing, but passed: "
                             f"remove it from {names['known-failing.txt']} ({known_reason})")
                else:
                    tap.line(False, tid, f"TODO {known_reason}")
            elif status == "skip":
                tap.line(False, tid, "", f"skipped by tempest and not in {names['skip-list.txt']}: {text}")
            elif status == "success":
                tap.line(True, tid)
            else:
                tap.line(False, tid, "", text)
        # An entry that names no test of the selection is stale.
        for name, entries in ((names["skip-list.txt"], skips),
                              (names["known-failing.txt"], known)):
            for regex, reason in entries if not a.filter else []:
                if not any(regex.search(t) for t in chosen):
                    tap.line(False, f"{name}: {regex.pattern} names a selected test", "",
                             f"no selected test matches it ({reason}): remove the entry")
        for cls, entries in sorted(fixtures.items()):
            for kind, st, txt in entries:
                if kind == "tearDownClass" and st == "fail":
                    tap.line(False, f"tearDownClass ({cls})", "", txt)
        # Under ASan a leak or an error shows as a non-zero exit.
        for h in hosts:
            h.stop()
        rc = server.stop()
        tap.line(rc == 0, f"vfnet-server exited {rc} on SIGTERM after the run", "",
                 "" if rc == 0 else open(server.log).read()[-4000:])
        counts = {}
        for s, _ in results.values():
            counts[s] = counts.get(s, 0) + 1
        print(f"# {len(chosen)} selected, {len(chosen) - len(to_run)} in {names['skip-list.txt']}, "
              f"ran {len(to_run)} at concurrency {a.concurrency} in {took:.0f} s: "
              + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())))
        print(f"1..{tap.n}")
        return 1 if tap.bad else 0
    finally:
        for h in hosts:
            h.stop()
        server.stop()
        if a.keep:
            print(f"# kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
