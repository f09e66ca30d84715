#!/usr/bin/python3
"""vfnet-agent's start-up, registration and heartbeat against a real
vfnet-server, on a generated sysfs root shaped like the seed's 82576 host
(two PFs em1/em2 with 7 VFs each):
- bad configuration (unknown PF, an excluded address that is not a VF of
  its PF, a mapping grammar error) refuses the start: exit 1, one line
  naming FILE:LINE;
- started before the server, it waits (one log line, not one per retry)
  and registers once the server is up: `openstack network agent list`
  shows the NIC Switch agent alive with binary neutron-sriov-nic-agent;
  systemd gets READY=1 and WATCHDOG=1 on $NOTIFY_SOCKET;
- report_interval = 1: the heartbeat advances every second;
- the compute report: after the start the server's compute hosts show the
  host with every PCI network device of the tree, and its hypervisor's PCI
  pools hold em1's VFs on physnet1 (its nova.conf device_spec); taking two
  VFs out of the tree and putting them back (as a new sriov_numvfs does) is
  seen by the server after the next report, and logged as an inventory
  change;
- a server restart is waited for and reporting resumes;
- a second agent claiming the same host is refused with a clear message
  (exit 1); a service-role user registers another host; endpoint_override
  is where the reports go;
- SIGTERM exits 0 and releases the host: a restarted agent registers at once;
- on one machine a second process is refused (the lock beside the status
  file), and after SIGKILL the next process is the same instance to the
  server and registers at once;
- a wrong password exits 1 naming the user; a server answering 5xx or
  something that is not JSON is waited for, with one line saying so.
Usage: test-agent.py PATH/TO/vfnet-server PATH/TO/vfnet-agent PATH/TO/make-sysfs.py"""
import glob
import http.server
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from vfnet_server import Server, Tap, _running, free_port  # noqa: E402

SERVER, AGENT, MAKE_SYSFS = sys.argv[1:4]


class Agent:
    """One vfnet-agent process writing to its own log."""

    def __init__(self, workdir, root, name, ini, nova, env=None):
        self.ini = os.path.join(workdir, f"{name}-sriov_agent.ini")
        self.nova = os.path.join(workdir, f"{name}-nova.conf")
        self.log = os.path.join(workdir, f"{name}.log")
        with open(self.ini, "w") as f:
            f.write(ini)
        with open(self.nova, "w") as f:
            f.write(nova)
        # Its own directory: the lock and instance id files sit beside the status.
        self.status = os.path.join(workdir, name, "status.json")
        self.args = [AGENT, "--config-file", self.ini, "--config-file", self.nova, "--root", root,
                     "--status-file", self.status]
        self.env = dict(os.environ, **(env or {}))
        self.proc = None

    def run(self, timeout=30):
        """Runs to its end: (exit status, stderr lines)."""
        p = subprocess.run(self.args, capture_output=True, text=True, timeout=timeout,
                           env=self.env)
        return p.returncode, p.stderr.splitlines()

    def start(self):
        self.logf = open(self.log, "w")
        self.proc = subprocess.Popen(self.args, stdout=self.logf, stderr=subprocess.STDOUT,
                                     env=self.env)
        _running.append(self.proc)
        return self

    def lines(self):
        with open(self.log) as f:
            return f.read().splitlines()

    def wait_log(self, text, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if any(text in ln for ln in self.lines()):
                return True
            if self.proc.poll() is not None:
                return any(text in ln for ln in self.lines())
            time.sleep(0.05)
        return False

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
            rc = f"hung ({rc})"
        self.logf.close()
        return rc


def sriov_ini(host, mappings="physnet1:em1", exclude="", interval=1):
    return (f"[DEFAULT]\nhost = {host}\n"
            f"[sriov_nic]\nphysical_device_mappings = {mappings}\nexclude_devices = {exclude}\n"
            f"[agent]\nreport_interval = {interval}\n")


def nova_conf(url, user="admin", password="secret", project="admin", endpoint=None):
    override = f"endpoint_override = {endpoint}\n" if endpoint else ""
    return (f"[pci]\ndevice_spec = {{\"devname\": \"em1\", \"physical_network\": \"physnet1\"}}\n"
            f"[neutron]\nauth_type = password\nauth_url = {url}/v3\nusername = {user}\n"
            f"password = {password}\nproject_name = {project}\n"
            f"user_domain_name = Default\nproject_domain_name = Default\n{override}")


def fake_server(mode):
    """A server on a free port answering every request with a 500 in
    Keystone's error body ("500") or a 201 that is not JSON ("garbage")."""
    class H(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            body = (b'{"error": {"code": 500, "message": "database is locked"}}'
                    if mode == "500" else b"<html>It works!</html>")
            self.send_response(500 if mode == "500" else 201)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def old_server(url):
    """A proxy to the server at url that answers POST /v2.1/vfnet/host-report
    404 in Nova's body, as a vfnet-server from before host reports; the
    paths it was asked go to .asked."""
    class H(http.server.BaseHTTPRequestHandler):
        def forward(self):
            data = self.rfile.read(int(self.headers.get("Content-Length", 0))) or None
            srv.asked.append((self.command, self.path))
            if self.command == "POST" and self.path == "/v2.1/vfnet/host-report":
                status, hdrs, body = 404, {}, b'{"itemNotFound": {"code": 404, ' \
                    b'"message": "The resource could not be found."}}'
            else:
                req = urllib.request.Request(url + self.path, data=data, method=self.command)
                for k in ("Content-Type", "X-Auth-Token", "Accept"):
                    if self.headers.get(k):
                        req.add_header(k, self.headers[k])
                try:
                    with urllib.request.urlopen(req, timeout=10) as r:
                        status, hdrs, body = r.status, r.headers, r.read()
                except urllib.error.HTTPError as e:
                    status, hdrs, body = e.code, e.headers, e.read()
            self.send_response(status)
            for k in ("Content-Type", "X-Subject-Token"):
                if hdrs.get(k):
                    self.send_header(k, hdrs[k])
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        do_GET = do_POST = do_PUT = do_DELETE = forward

        def log_message(self, *args):
            pass
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    srv.asked = []
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def agents(s, tok):
    st, doc, _ = s.request("GET", "/v2.0/agents", token=tok)
    assert st == 200, doc
    return {a["host"]: a for a in doc["agents"]}


def make_sysfs_module():
    spec = importlib.util.spec_from_file_location("make_sysfs", MAKE_SYSFS)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


SEED_EM1 = "0000:0b:00.0"


def em1_vf(i):
    """The address and netdev of em1's VF i (first VF at devfn 0x80, stride 2)."""
    devfn = 0x80 + 2 * i
    return "0000:0b:%02x.%d" % (devfn >> 3, devfn & 7), "enp11s%df%d" % (devfn >> 3, devfn & 7)


def set_em1_vfs(root, n):
    """Makes em1 of the generated 82576 tree have N VFs (0-7), with every
    link the kernel would add or drop on `echo N > sriov_numvfs`."""
    pf = os.path.join(root, "sys/devices/pci0000:00", SEED_EM1)
    host = make_sysfs_module().Host(root)
    for i in range(7):
        addr, netdev = em1_vf(i)
        d = os.path.join(root, "sys/devices/pci0000:00", addr)
        if i >= n and os.path.isdir(d):
            for link in ([os.path.join(root, "sys/bus/pci/devices", addr),
                          os.path.join(root, "sys/bus/pci/drivers/igbvf", addr),
                          os.path.join(pf, "virtfn%d" % i),
                          os.path.join(root, "sys/class/net", netdev)]
                         + glob.glob(os.path.join(root, "sys/kernel/iommu_groups/*/devices", addr))):
                os.unlink(link)
            shutil.rmtree(d)
        elif i < n and not os.path.isdir(d):
            host.vf(SEED_EM1, i, addr, vendor=0x8086, device=0x10ca, cls=0x020000, driver="igbvf",
                    module="igbvf", numa=0, group=20 + 2 * i, netdevs=[netdev], operstate="down")
    with open(os.path.join(pf, "sriov_numvfs"), "w") as f:
        f.write("%d\n" % n)


def compute_host(s, tok, host):
    st, doc, _ = s.request("GET", "/v2.1/vfnet/compute-hosts", token=tok)
    assert st == 200, doc
    return next((h for h in doc["hosts"] if h["hostname"] == host), None)


def pci_stats(s, tok, host):
    """{(dev_type, physical_network): count} of the host's PCI pools."""
    hv = compute_host(s, tok, host)
    return hv and {(p["dev_type"], p.get("physical_network")): p["count"] for p in hv["pci_stats"]}


def wait_for(pred, timeout=20, step=0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


def main():
    t = Tap()
    work = tempfile.mkdtemp(prefix="vfnet-agent-e2e-")
    subprocess.run([sys.executable, MAKE_SYSFS, work, "seed-82576"], check=True,
                   capture_output=True)
    root = os.path.join(work, "seed-82576")

    # debug: every request is logged, and the heartbeat's are counted.
    with Server(SERVER, extra_conf="debug = true") as s:
        s.bootstrap()
        nova = nova_conf(s.url)

        # ---- configuration refused before anything else happens ----
        cases = [
            ("unknown-pf", sriov_ini("c1", "physnet1:em9"), 4,
             "physical_device_mappings: device em9 of physnet1: no PCI device or network "
             "interface named 'em9'"),
            ("not-a-pf", sriov_ini("c1", "physnet1:enp11s16f0"), 4,
             "device enp11s16f0 (0000:0b:10.0) is not an SR-IOV PF (type-VF)"),
            # 0000:0b:10.1 is em2's first VF: the 82576 interleaves its PFs' VFs.
            ("exclude-other-pf", sriov_ini("c1", "physnet1:em1,physnet2:em2",
                                           "em1:0000:0b:10.2; 0000:0b:10.1"), 5,
             "Invalid exclude_devices: 0000:0b:10.1 is not a VF of em1 (0000:0b:00.0)"),
            ("grammar", sriov_ini("c1", "physnet1"), 4, "Invalid mapping: 'physnet1'"),
        ]
        for name, ini, line, want in cases:
            a = Agent(work, root, name, ini, nova)
            rc, err = a.run()
            t.ok(rc == 1 and len(err) == 1 and f"{a.ini}:{line}: " in err[0] and want in err[0],
                 f"{name}: exit 1 with one line naming {os.path.basename(a.ini)}:{line}",
                 f"rc={rc}\n" + "\n".join(err))

        # ---- started before the server: waits, then registers ----
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify_path = os.path.join(work, "notify.sock")
        notify.bind(notify_path)
        notify.settimeout(0.2)
        msgs = []

        def drain():
            while True:
                try:
                    msgs.append(notify.recv(4096).decode())
                except socket.timeout:
                    pass
                except OSError:
                    return
        threading.Thread(target=drain, daemon=True).start()
        a1 = Agent(work, root, "a1", sriov_ini("compute1", "physnet1:em1, physnet2:em2",
                                               "em1:0000:0b:10.0"),
                   nova, env={"NOTIFY_SOCKET": notify_path}).start()
        t.ok(a1.wait_log("waiting for vfnet-server"), "server down: the agent says what it waits for",
             a1.lines())
        time.sleep(3.5)  # retries at +1 s and +3 s
        waiting = [ln for ln in a1.lines() if "waiting for" in ln]
        t.ok(a1.proc.poll() is None and len(waiting) == 1
             and f"vfnet-server at {s.url}/v3/auth/tokens is not reachable" in waiting[0]
             and "host compute1" in waiting[0],
             "server down: still running after several retries, one log line naming the URL",
             a1.lines())
        s.start()
        tok = s.token()
        reg = wait_for(lambda: agents(s, tok).get("compute1"), timeout=40)
        t.ok(reg is not None, "the agent registers once the server is up (backoff <= 30 s)",
             a1.lines())
        rc, lst, err = s.osc("network", "agent", "list")
        row = [x for x in (lst or []) if x["Host"] == "compute1"]
        t.ok(rc == 0 and len(row) == 1 and row[0]["Agent Type"] == "NIC Switch agent"
             and row[0]["Alive"] is True and row[0]["Binary"] == "neutron-sriov-nic-agent",
             "openstack network agent list: NIC Switch agent on compute1, alive, "
             "neutron-sriov-nic-agent", lst or err)
        t.eq(reg and (reg["configurations"], reg["topic"]),
             ({"device_mappings": {"physnet1": ["em1"], "physnet2": ["em2"]}, "extensions": [],
               "devices": 0}, "N/A"),
             "configurations: device_mappings of every physnet, extensions, devices")
        t.ok("_instance" not in (reg or {}) and "instance_id" not in (reg or {}),
             "the agent's instance id stays on the server", reg)
        t.ok(a1.wait_log("host compute1: registered as NIC Switch agent"),
             "a log line says it registered, naming the host", a1.lines())

        time.sleep(2.5)
        t.ok(any(m.startswith("READY=1") for m in msgs) and
             sum(m == "WATCHDOG=1" for m in msgs) >= 2,
             "sd_notify: READY=1 after the first report, WATCHDOG=1 every heartbeat", msgs)

        # ---- heartbeat every report_interval ----
        h0 = agents(s, tok)["compute1"]["heartbeat_timestamp"]
        h1 = wait_for(lambda: (lambda h: h if h > h0 else None)(
            agents(s, tok)["compute1"]["heartbeat_timestamp"]), timeout=2.5)
        t.ok(h1 is not None and h1 > h0, "report_interval = 1: heartbeat_timestamp advances "
             "within 2.5 s", f"{h0} -> {h1}")
        started = agents(s, tok)["compute1"]["started_at"]
        # Registered: each heartbeat is one request, the agent report in a
        # host report.
        mark = len(open(s.log).read())
        time.sleep(3.2)
        seen = open(s.log).read()[mark:]
        n = {p: seen.count(f"POST {p} -> 200") for p in (
            "/v2.1/vfnet/host-report", "/v2.0/vfnet/agent-report", "/v2.1/vfnet/compute-report")}
        t.ok(n["/v2.1/vfnet/host-report"] >= 2 and n["/v2.0/vfnet/agent-report"] == 0
             and n["/v2.1/vfnet/compute-report"] == 0,
             "each heartbeat is one request: the agent report in a host report", n)

        # ---- the compute report: at start, then seen changing with the tree ----
        t.ok(a1.wait_log("host compute1: compute report sent: 16 PCI devices, 8 pooled by the "
                         "device spec", timeout=10),
             "the compute report follows the registration, its answer logged", a1.lines())
        rep = compute_host(s, tok, "compute1")
        addrs = sorted(d["address"] for d in (rep or {}).get("pci_devices", []))
        t.eq(addrs, sorted([SEED_EM1, "0000:0b:00.1"] + [em1_vf(i)[0] for i in range(7)]
                           + ["0000:0b:%02x.%d" % ((0x81 + 2 * i) >> 3, (0x81 + 2 * i) & 7)
                              for i in range(7)]),
             "GET compute-hosts: compute1 with both PFs and their 14 VFs")
        t.ok(rep and rep["vcpus"] == 8 and rep["memory_mb"] == 16009
             and rep["device_spec"] == ['{"devname":"em1","physical_network":"physnet1"}']
             and rep["supported_instances"][-1][1:] == ["qemu", "hvm"]
             and rep["capabilities"]["cpu_info"]["vendor"] == "Intel" and rep["up"] is True
             and rep["numa_cells"] == [{"id": 0, "socket": 0}],
             "the report carries the tree's CPUs, memory and NUMA node, the host's own device_spec, "
             "supported_instances and capabilities", rep)
        t.eq(pci_stats(s, tok, "compute1"), {("type-VF", "physnet1"): 7, ("type-PF", "physnet1"): 1},
             "os-hypervisors: em1's 7 VFs (and em1) pooled on physnet1, nothing of em2")

        set_em1_vfs(root, 5)
        t.ok(wait_for(lambda: pci_stats(s, tok, "compute1").get(("type-VF", "physnet1")) == 5,
                      timeout=5),
             "em1 down to 5 VFs in the tree: the server pools 5 after the next report",
             pci_stats(s, tok, "compute1"))
        t.ok(a1.wait_log("host compute1: inventory changed: compute report sent: 14 PCI devices, "
                         "6 pooled", timeout=5),
             "the change is logged once, naming what was sent", a1.lines())
        set_em1_vfs(root, 7)
        t.ok(wait_for(lambda: pci_stats(s, tok, "compute1").get(("type-VF", "physnet1")) == 7,
                      timeout=5),
             "em1 back to 7 VFs: the server pools 7 again", pci_stats(s, tok, "compute1"))
        # A report may catch the tree half changed: it is sent too, and the
        # next one corrects it.  Without changes nothing more is logged.
        changed = [ln for ln in a1.lines() if "inventory changed" in ln]
        time.sleep(2.5)
        t.ok(len(changed) >= 2 and "16 PCI devices, 8 pooled" in changed[-1]
             and len([ln for ln in a1.lines() if "inventory changed" in ln]) == len(changed),
             "the last change logged is the tree as it is; periodic reports without a change "
             "log nothing", a1.lines())

        # ---- server restart: waits once, resumes ----
        s.stop()

        def waiting_lines(what):
            return len([ln for ln in a1.lines() if what in ln])
        n_waiting = wait_for(lambda: waiting_lines("waiting for vfnet-server (") == 2 and
                             waiting_lines("waiting for vfnet-server's change feed") == 1,
                             timeout=10)
        time.sleep(3.5)  # retries at +1 s and +3 s
        t.ok(n_waiting and waiting_lines("waiting for vfnet-server (") == 2 and
             waiting_lines("waiting for vfnet-server's change feed") == 1,
             "server stopped: one new waiting line for the heartbeat and one for the change "
             "feed, none per retry", a1.lines())
        s.start()
        tok = s.token()
        t.ok(a1.wait_log("vfnet-server is back", timeout=40) and a1.proc.poll() is None,
             "server back: reporting resumes", a1.lines())
        t.eq(agents(s, tok)["compute1"]["started_at"], started,
             "a reconnect is not a restart: started_at unchanged")

        # ---- a service-role user; a second agent on the same host ----
        for cmd in (["project", "create", "service"],
                    ["user", "create", "--password", "agentpw", "vfnet-agent"],
                    ["role", "add", "--project", "service", "--user", "vfnet-agent", "service"]):
            rc, _, err = s.osc(*cmd, as_json=cmd[1] != "add")
            assert rc == 0, err
        svc = nova_conf(s.url, "vfnet-agent", "agentpw", "service")
        dup = Agent(work, root, "dup", sriov_ini("compute1", "physnet1:em1"), svc)
        rc, err = dup.run()
        t.ok(rc == 1 and len(err) == 1 and "Host compute1 already has a live NIC Switch agent"
             in err[0] and "another [DEFAULT] host" in err[0],
             "a second agent on host compute1 is refused: exit 1 and a clear message",
             f"rc={rc}\n" + "\n".join(err))
        t.ok(a1.proc.poll() is None and agents(s, tok)["compute1"]["alive"],
             "the first agent keeps the host", a1.lines())

        # The protocol as any client sees it.
        rep = {"agent": {"host": "compute1", "agent_type": "NIC Switch agent",
                         "binary": "neutron-sriov-nic-agent", "configurations": {},
                         "instance_id": "someone-else", "report_interval": 1}}
        st, doc, _ = s.request("POST", "/v2.0/vfnet/agent-report", rep, token=tok)
        t.ok(st == 409 and doc["NeutronError"]["type"] == "AgentConflict",
             "a report from another instance for a live host: 409 AgentConflict", (st, doc))
        rep["agent"]["instance_id"] = 5
        st, doc, _ = s.request("POST", "/v2.0/vfnet/agent-report", rep, token=tok)
        t.ok(st == 400 and "instance_id must be a string" in doc["NeutronError"]["message"],
             "instance_id not a string: 400", (st, doc))

        a2 = Agent(work, root, "a2", sriov_ini("compute2", "physnet1:em2"), svc).start()
        t.ok(wait_for(lambda: agents(s, tok).get("compute2")) is not None,
             "an agent with the service role registers compute2", a2.lines())

        # endpoint_override replaces the catalog's network URL (here: nobody there).
        dead = f"http://127.0.0.1:{free_port()}"
        ov = Agent(work, root, "override", sriov_ini("compute5"),
                   nova_conf(s.url, "vfnet-agent", "agentpw", "service", endpoint=dead + "/")).start()
        t.ok(ov.wait_log(f"vfnet-server at {dead}/v2.0/vfnet/agent-report is not reachable")
             and "compute5" not in agents(s, tok),
             "endpoint_override is where the reports go", ov.lines())
        t.eq(ov.stop(), 0, "endpoint_override: SIGTERM while waiting: exit 0")
        t.eq(a2.stop(), 0, "SIGTERM: exit 0")

        # ---- SIGTERM releases the host for the next process ----
        t.eq(a1.stop(signal.SIGINT), 0, "SIGINT: exit 0")
        t.ok(any("signal 2: stopping" in ln for ln in a1.lines()), "the stop is logged",
             a1.lines())
        a3 = Agent(work, root, "a3", sriov_ini("compute1", "physnet1:em1"), svc).start()
        t.ok(a3.wait_log("registered as NIC Switch agent", timeout=10)
             and a3.proc.poll() is None,
             "a restarted agent registers compute1 at once (the old one released it)",
             a3.lines())
        t.ok(wait_for(lambda: agents(s, tok)["compute1"]["started_at"] > started, timeout=5),
             "its first report is a start: started_at moves")
        t.eq(a3.stop(), 0, "SIGTERM: exit 0")

        # ---- one machine: a second process is refused there; after SIGKILL the
        # next process is the same instance and carries on at once ----
        a4 = Agent(work, root, "a4", sriov_ini("compute1", "physnet1:em1"), svc).start()
        t.ok(a4.wait_log("registered as NIC Switch agent", timeout=10), "a4 registers", a4.lines())
        rc, err = Agent(work, root, "a4", sriov_ini("compute1", "physnet1:em1"), svc).run()
        t.ok(rc == 1 and len(err) == 1 and "another vfnet-agent runs on this machine" in err[0]
             and "agent.lock" in err[0],
             "a second process with the same state directory: exit 1 naming the lock",
             f"rc={rc}\n" + "\n".join(err))
        a4.proc.kill()
        a4.proc.wait()
        a5 = Agent(work, root, "a4", sriov_ini("compute1", "physnet1:em1"), svc).start()
        t.ok(a5.wait_log("registered as NIC Switch agent", timeout=10)
             and a5.proc.poll() is None,
             "after SIGKILL the restarted agent (same machine, same instance) registers at once",
             a5.lines())
        t.eq(a5.stop(), 0, "SIGTERM: exit 0")

        # ---- a server from before host reports: the two reports go apart ----
        old = old_server(s.url)
        ourl = f"http://127.0.0.1:{old.server_port}"
        a6 = Agent(work, root, "a6", sriov_ini("compute6", "physnet1:em1"),
                   nova_conf(ourl, endpoint=ourl)).start()
        t.ok(a6.wait_log("registered as NIC Switch agent", timeout=10), "a6 registers",
             a6.lines())
        h0 = wait_for(lambda: agents(s, tok).get("compute6"), timeout=5)["heartbeat_timestamp"]
        time.sleep(3.2)
        posts = [p for m, p in old.asked if m == "POST"]
        h1 = agents(s, tok)["compute6"]["heartbeat_timestamp"]
        t.ok(posts.count("/v2.1/vfnet/host-report") == 1
             and posts.count("/v2.0/vfnet/agent-report") >= 3
             and posts.count("/v2.1/vfnet/compute-report") >= 3 and h1 > h0
             and a6.wait_log("takes no host reports; the agent and compute reports go as two "
                             "requests", timeout=1),
             "a server answering host reports 404: asked once, said once, then both reports "
             "apart every heartbeat, the heartbeat moving", (posts, h0, h1, a6.lines()))
        t.eq(a6.stop(), 0, "SIGTERM: exit 0")
        old.shutdown()

        # ---- a refused credential is said, not retried forever ----
        bad = Agent(work, root, "bad", sriov_ini("compute3"),
                    nova_conf(s.url, "vfnet-agent", "wrong", "service"))
        rc, err = bad.run()
        t.ok(rc == 1 and len(err) == 1 and "authentication at" in err[0]
             and "as vfnet-agent (project service) failed" in err[0],
             "a wrong password: exit 1 naming the user", f"rc={rc}\n" + "\n".join(err))

    # ---- a server answering 5xx or garbage: waited for, with what it said ----
    for mode, said in (("500", "answered 500: database is locked"),
                       ("garbage", "answered 201 with something that is not JSON")):
        fake = fake_server(mode)
        url = f"http://127.0.0.1:{fake.server_port}"
        a = Agent(work, root, f"fake-{mode}", sriov_ini("compute4"), nova_conf(url)).start()
        seen = a.wait_log("waiting for vfnet-server", timeout=10)
        time.sleep(1.5)
        lines = [ln for ln in a.lines() if "waiting for" in ln]
        t.ok(seen and a.proc.poll() is None and len(lines) == 1
             and f"vfnet-server at {url}/v3/auth/tokens {said}" in lines[0],
             f"a server answering {mode}: one line saying what it answered, still retrying",
             a.lines())
        t.eq(a.stop(), 0, f"{mode}: SIGTERM while waiting: exit 0")
        fake.shutdown()
    notify.close()
    subprocess.run(["rm", "-rf", work])
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
