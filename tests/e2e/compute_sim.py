"""Compute hosts played by a test: each host's inventory comes from a
generated sysfs fixture tree (tests/fixtures/make-sysfs.py) read by the real
`vfnet --root TREE pci list -f json`; the host registers through the
server's internal endpoint (docs/compute-report.md), reports its NIC Switch
agent, and answers its spawn/destroy tasks from a thread.
Python standard library only."""
import json
import os
import subprocess
import tempfile
import threading
import time

from vfnet_server import Server

HERE = os.path.dirname(os.path.abspath(__file__))
MAKE_SYSFS = os.path.join(HERE, "..", "fixtures", "make-sysfs.py")

# The seed's scheduler list (R14), verbatim, and an alias for flavors.
NOVA_CONF = """[filter_scheduler]
enabled_filters = RetryFilter, AvailabilityZoneFilter, RamFilter, ComputeFilter, ComputeCapabilitiesFilter, ImagePropertiesFilter, CoreFilter, PciPassthroughFilter
[scheduler]
max_attempts = 3
[pci]
alias = {"name": "cx5vf", "vendor_id": "15b3", "product_id": "1018", "device_type": "type-VF"}
"""

# The seed's two whitelist lines (R15), which select nothing on these
# fixtures, then the fixture hosts' own NICs.
SEED_SPEC = ['{"devname": "enp5s0f1", "physical_network": "physnet1"}',
             '{"vendor_id": "8086", "product_id": "10ac", "physical_network": "physnet1"}']


class ComputeServer(Server):
    """vfnet-server with a nova.conf among its --config-file set."""

    def __init__(self, binary, nova_conf=NOVA_CONF, **kw):
        super().__init__(binary, **kw)
        self.nova = os.path.join(self.dir, "nova.conf")
        with open(self.nova, "w") as f:
            f.write(nova_conf)

    def args(self):
        return super().args() + ["--config-file", self.nova]


def vfnet_binary(server_binary):
    return os.path.join(os.path.dirname(server_binary), "vfnet")


def inventory(vfnet, fixture, workdir):
    """`vfnet --root TREE pci list -f json` on a freshly generated tree."""
    out = os.path.join(workdir, "sysfs")
    if not os.path.isdir(os.path.join(out, fixture)):
        subprocess.run(["/usr/bin/python3", MAKE_SYSFS, out, fixture], check=True)
    p = subprocess.run([vfnet, "--root", os.path.join(out, fixture), "pci", "list", "-f", "json"],
                       check=True, capture_output=True, text=True)
    return json.loads(p.stdout)


class Host:
    def __init__(self, server, name, devices, device_spec, mappings, az=None,
                 vcpus=16, memory_mb=65536, disk_gb=1000, up_days=3):
        self.s = server
        self.name = name
        self.report_body = {
            "hostname": name, "availability_zone": az, "vcpus": vcpus, "memory_mb": memory_mb,
            "disk_gb": disk_gb, "numa_cells": [{"id": 0, "socket": 0}, {"id": 1, "socket": 1}],
            "capabilities": {"hypervisor_type": "QEMU", "cpu_info": {"arch": "x86_64"}},
            "supported_instances": [["x86_64", "kvm", "hvm"]],
            "pci_devices": devices, "device_spec": device_spec}
        if up_days is not None:  # booted that long ago (the hypervisor's uptime)
            self.report_body["boot_time"] = int(time.time()) - up_days * 86400 - 3723
        self.mappings = mappings
        # Further agents reported with each heartbeat: {"agent_type": ...,
        # "binary": ..., "configurations": {...}} (an Open vSwitch agent
        # binds the host's normal ports).
        self.more_agents = []
        self.fail_next = 0      # answer this many spawns with an error
        self.fail_shared = None  # {"n": N}: the next N spawns on any host sharing it fail
        self.spawned = []       # instance ids spawned here, in order
        self.destroyed = []
        self.errors = []
        self._stop = threading.Event()
        self._thread = None

    def register(self, token):
        st, doc, _ = self.s.request("POST", "/v2.1/vfnet/compute-report", self.report_body,
                                    token=token)
        if st not in (200, 201):
            raise RuntimeError(f"report of {self.name}: {st} {doc}")
        agents = [{"agent_type": "NIC Switch agent", "binary": "neutron-sriov-nic-agent",
                   "configurations": {"device_mappings": self.mappings}}] + self.more_agents
        for a in agents:
            body = {"agent": dict(a, host=self.name, topic="N/A")}
            st, adoc, _ = self.s.request("POST", "/v2.0/vfnet/agent-report", body, token=token)
            if st not in (200, 201):
                raise RuntimeError(f"agent report of {self.name}: {st} {adoc}")
        return adoc

    def answer_once(self, token):
        st, doc, _ = self.s.request("GET", f"/v2.1/vfnet/compute-tasks?host={self.name}",
                                    token=token)
        if st != 200:
            return st
        for task in doc["tasks"]:
            if task["action"] == "spawn":
                ok = self.fail_next <= 0
                if not ok:
                    self.fail_next -= 1
                elif self.fail_shared and self.fail_shared["n"] > 0:
                    self.fail_shared["n"] -= 1
                    ok = False
                body = {"result": "ok"} if ok else {
                    "result": "error", "message": f"spawn failed on {self.name} (test)"}
                if ok:
                    self.spawned.append(task["instance_id"])
            else:
                body = {"result": "ok"}
                self.destroyed.append(task["instance_id"])
            st2, doc2, _ = self.s.request("POST", f"/v2.1/vfnet/compute-tasks/{task['id']}", body,
                                          token=token)
            if st2 != 204:
                self.errors.append((st2, doc2))
        return st

    def start(self, token, period=0.05, heartbeat=10.0):
        """Answers tasks every `period` s and reports again every
        `heartbeat` s (the report is the host's heartbeat)."""
        def loop():
            last = time.time()
            while not self._stop.is_set():
                try:
                    if time.time() - last >= heartbeat:
                        self.register(token)
                        last = time.time()
                    self.answer_once(token)
                except (OSError, RuntimeError):
                    pass
                self._stop.wait(period)
        self._thread = threading.Thread(target=loop, daemon=True)
        self._thread.start()

    def stop(self):
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=10)


def seed_hosts(server, token, workdir=None):
    """compute1: the seed's 82576 host, em1's 7 VFs on physnet1 and em2's on
    physnet2; compute2: a ConnectX-5 host, 4 VFs on physnet2; compute3: a
    host without SR-IOV, which reports no boot time (so no uptime)."""
    workdir = workdir or tempfile.mkdtemp(prefix="vfnet-hosts-", dir=server.dir)
    vfnet = vfnet_binary(server.binary)
    hosts = [
        Host(server, "compute1", inventory(vfnet, "seed-82576", workdir),
             SEED_SPEC + ['{"devname": "em1", "physical_network": "physnet1"}',
                          '{"devname": "em2", "physical_network": "physnet2"}'],
             {"physnet1": ["em1"], "physnet2": ["em2"]}),
        Host(server, "compute2", inventory(vfnet, "cx5-vfio", workdir),
             ['{"vendor_id": "15b3", "product_id": "1018", "physical_network": "physnet2"}'],
             {"physnet2": ["ens1f0np0"]}),
        Host(server, "compute3", inventory(vfnet, "plain-nic", workdir), [], {}, up_days=None),
    ]
    for h in hosts:
        h.register(token)
    return hosts


def wait_status(server, token, ids, timeout=60):
    """Polls until no server is BUILD; returns {id: server}."""
    deadline = time.time() + timeout
    out = {}
    while time.time() < deadline:
        out = {}
        for i in ids:
            st, doc, _ = server.request("GET", f"/v2.1/servers/{i}", token=token)
            out[i] = doc["server"] if st == 200 else None
        if all(v is None or v["status"] != "BUILD" for v in out.values()):
            return out
        time.sleep(0.1)
    return out


def wait_gone(server, token, ids, timeout=60):
    """Polls until every server is deleted (404), as `openstack server
    delete --wait` does: a host destroys the domain before its VFs are
    freed.  Returns the ids still there."""
    deadline = time.time() + timeout
    left = list(ids)
    while left and time.time() < deadline:
        left = [i for i in left
                if server.request("GET", f"/v2.1/servers/{i}", token=token)[0] != 404]
        if left:
            time.sleep(0.1)
    return left
