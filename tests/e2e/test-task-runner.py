#!/usr/bin/python3
"""The agent's task runner (src/agent/task-runner) against a real
vfnet-server and libvirt's test driver, driven by tests/e2e/task-runner-probe
in place of the agent's feed; compute1 is the seed's 82576 host (generated
sysfs tree, registered as the compute simulator does):
- a boot on a direct port (vlan network) and a macvtap port: the spawn task
  runs, libvirt holds the domain (the instance's UUID, running) with the
  hostdev interface carrying the port's MAC and VLAN tag on the claimed VF,
  and the passthrough direct interface on the other VF's netdev; the answer
  makes the server ACTIVE;
- the same task submitted again runs once;
- server delete: the destroy task removes the domain, answered ok;
- a spawn the host cannot do (the macvtap VF lost its netdev) is answered
  with an error naming the port and VF: the server goes ERROR with it;
- vfnet-server down when the answer is due: one log line, retried with
  backoff, delivered once the server is back: the server ACTIVE.
Usage: test-task-runner.py PATH/TO/vfnet-server PATH/TO/task-runner-probe PATH/TO/make-sysfs.py"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from compute_sim import ComputeServer, seed_hosts, wait_status  # noqa: E402
from vfnet_server import Tap, _running  # noqa: E402

SERVER, PROBE, MAKE_SYSFS = sys.argv[1:4]


class Probe:
    def __init__(self, work, root, url):
        self.ini = os.path.join(work, "sriov_agent.ini")
        self.nova = os.path.join(work, "nova.conf")
        self.log = os.path.join(work, "probe.log")
        with open(self.ini, "w") as f:
            f.write("[DEFAULT]\nhost = compute1\n"
                    "[sriov_nic]\nphysical_device_mappings = physnet1:em1\n")
        with open(self.nova, "w") as f:
            f.write(f"[neutron]\nauth_type = password\nauth_url = {url}/v3\nusername = admin\n"
                    "password = secret\nproject_name = admin\n"
                    "[libvirt]\nvirt_type = kvm\nconnection_uri = test:///default\n")
        self.logf = open(self.log, "w")
        self.proc = subprocess.Popen([PROBE, "--config-file", self.ini, "--config-file",
                                      self.nova, "--root", root, "compute1"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.logf, text=True)
        _running.append(self.proc)

    def cmd(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        out = self.proc.stdout.readline()
        if not out:
            raise RuntimeError(f"probe ended: {self.lines()}")
        return json.loads(out)

    def lines(self):
        with open(self.log) as f:
            return f.read().splitlines()

    def quit(self):
        self.proc.stdin.write("quit\n")
        self.proc.stdin.flush()
        rc = self.proc.wait(timeout=60)
        self.logf.close()
        return rc


def domain(status, uuid):
    for d in status["domains"]:
        if d["uuid"] == uuid:
            return d
    return None


def task_of(status, task_id):
    for x in status["tasks"]:
        if x["id"] == task_id:
            return x
    return None


def main():
    t = Tap()
    work = tempfile.mkdtemp(prefix="vfnet-runner-e2e-")
    subprocess.run([sys.executable, MAKE_SYSFS, work, "seed-82576"], check=True,
                   capture_output=True)
    root = os.path.join(work, "seed-82576")
    with ComputeServer(SERVER) as s:
        s.bootstrap()
        s.start()
        tok = s.token()
        seed_hosts(s, tok)  # compute1 registered; its tasks are the probe's
        R = s.request
        st, img, _ = R("POST", "/image/v2/images", {"name": "cirros", "disk_format": "qcow2",
                                                     "container_format": "bare"}, token=tok)
        R("PUT", f"/image/v2/images/{img['id']}/file", raw=b"\0" * 64, token=tok,
          headers={"Content-Type": "application/octet-stream"})
        st, fl, _ = R("POST", "/v2.1/flavors", {"flavor": {"name": "m1.small", "ram": 2048,
                                                           "vcpus": 2, "disk": 1}}, token=tok)
        st, net, _ = R("POST", "/v2.0/networks", {"network": {
            "name": "web", "provider:network_type": "vlan", "provider:physical_network": "physnet1"}},
            token=tok)
        net = net["network"]
        R("POST", "/v2.0/subnets", {"subnet": {"network_id": net["id"], "cidr": "192.0.2.0/24",
                                               "ip_version": 4}}, token=tok)

        def port(vnic, name):
            st, p, _ = R("POST", "/v2.0/ports", {"port": {"network_id": net["id"], "name": name,
                                                           "binding:vnic_type": vnic}}, token=tok)
            return p["port"]

        def boot(name, ports):
            st, doc, _ = R("POST", "/v2.1/servers", {"server": {
                "name": name, "imageRef": img["id"], "flavorRef": fl["flavor"]["id"],
                "networks": [{"port": p["id"]} for p in ports]}}, token=tok)
            assert st == 202, doc
            return doc["server"]["id"]

        def port_now(p):
            return R("GET", f"/v2.0/ports/{p['id']}", token=tok)[1]["port"]

        probe = Probe(work, root, s.url)

        # ---- spawn: direct + macvtap ----
        direct, macvtap = port("direct", "sr-iov"), port("macvtap", "mv")
        vm1 = boot("webserver01", [direct, macvtap])
        tasks = probe.cmd("fetch")["tasks"]
        t.ok(len(tasks) == 1 and tasks[0]["action"] == "spawn" and tasks[0]["instance_id"] == vm1,
             "compute1 is told to spawn webserver01", tasks)
        task1 = tasks[0]
        polled = probe.cmd("poll")
        t.eq(polled, {"polled": 1, "queued": 1}, "the spawn task is queued")
        t.eq(probe.cmd(f"wait {task1['id']} 30"), {"state": "answered"}, "the spawn is answered")
        done = wait_status(s, tok, [vm1])
        t.eq(done[vm1]["status"], "ACTIVE", "the answer makes the server ACTIVE")

        d_port, m_port = port_now(direct), port_now(macvtap)
        vlan = net["provider:segmentation_id"]
        d_slot, m_slot = d_port["binding:profile"]["pci_slot"], m_port["binding:profile"]["pci_slot"]
        status = probe.cmd("status")
        dom = domain(status, vm1)
        t.ok(dom and dom["name"] == f"instance-{vm1}" and dom["state"] == "running",
             "libvirt holds a running domain with the instance's UUID", status["domains"])
        xml = dom["xml"] if dom else ""
        bus, slot_fn = d_slot.split(":")[1], d_slot.split(":")[2]
        want_direct = ("<interface type='hostdev' managed='yes'>\n"
                       f"      <mac address='{d_port['mac_address']}'/>\n"
                       "      <source>\n"
                       f"        <address type='pci' domain='0x0000' bus='0x{bus}' "
                       f"slot='0x{slot_fn.split('.')[0]}' function='0x{slot_fn.split('.')[1]}'/>\n"
                       "      </source>\n"
                       "      <vlan>\n"
                       f"        <tag id='{vlan}'/>\n"
                       "      </vlan>")
        t.ok(want_direct in xml, "direct port: hostdev interface on its VF with its MAC and the "
             "network's VLAN", xml)
        m_netdev = os.listdir(os.path.join(root, "sys/bus/pci/devices", m_slot, "net"))[0]
        want_macvtap = ("<interface type='direct'>\n"
                        f"      <mac address='{m_port['mac_address']}'/>\n"
                        f"      <source dev='{m_netdev}' mode='passthrough'/>")
        t.ok(want_macvtap in xml, f"macvtap port: passthrough direct interface on {m_netdev}", xml)
        t.ok("<vcpu placement='static'>2</vcpu>" in xml and
             "<memory unit='KiB'>2097152</memory>" in xml and "<title>webserver01</title>" in xml,
             "the flavor's vCPUs and memory, the server's name as title", xml)
        rec = task_of(status, task1["id"])
        t.ok(rec and rec["state"] == "answered" and rec["result"] == "ok"
             and rec["action"] == "spawn" and rec["instance_id"] == vm1,
             "status: the task answered ok", status["tasks"])
        lines = probe.lines()
        t.ok(any(f"instance {vm1}: port {direct['id']}: VF {d_slot} attached as direct, VLAN {vlan}"
                 in ln for ln in lines)
             and any(f"instance {vm1}: port {macvtap['id']}: VF {m_slot} ({m_netdev}) attached "
                     "as macvtap" in ln for ln in lines),
             "log lines name the instance, the port and the VF", lines)

        # ---- the same task again runs once ----
        t.eq(probe.cmd("submit " + json.dumps(task1)), {"submitted": 0},
             "the same task submitted again is ignored")
        t.eq(probe.cmd("poll"), {"polled": 0, "queued": 0}, "the server no longer hands it out")
        started = [ln for ln in probe.lines() if f"instance {vm1}: task" in ln
                   and "defined and started" in ln]
        t.eq(len(started), 1, "the domain was defined and started once")

        # ---- destroy ----
        st, _, _ = R("DELETE", f"/v2.1/servers/{vm1}", token=tok)
        tasks = probe.cmd("fetch")["tasks"]
        t.ok(st == 204 and len(tasks) == 1 and tasks[0]["action"] == "destroy",
             "server delete: compute1 is told to destroy it", tasks)
        probe.cmd("poll")
        t.eq(probe.cmd(f"wait {tasks[0]['id']} 30"), {"state": "answered"}, "the destroy is answered")
        status = probe.cmd("status")
        t.ok(domain(status, vm1) is None and task_of(status, tasks[0]["id"])["result"] == "ok",
             "the domain is gone; the destroy answered ok", status)
        t.eq(probe.cmd("fetch")["tasks"], [], "no task left for compute1")

        # ---- a spawn the host cannot do: answered with the reason ----
        mv2 = port("macvtap", "mv2")
        vm2 = boot("broken", [mv2])
        tasks = probe.cmd("fetch")["tasks"]
        slot = tasks[0]["instance"]["ports"][0]["pci_slot"]
        shutil.rmtree(os.path.join(root, "sys/bus/pci/devices", slot, "net"))
        probe.cmd("poll")
        t.eq(probe.cmd(f"wait {tasks[0]['id']} 30"), {"state": "answered"},
             "the impossible spawn is answered")
        done = wait_status(s, tok, [vm2])
        fault = (done[vm2] or {}).get("fault", {}).get("message", "")
        t.ok(done[vm2]["status"] == "ERROR" and f"(port {mv2['id']}).pci_slot" in fault
             and f"VF {slot} has no network interface" in fault,
             "the server goes ERROR with the runner's reason naming the port and VF",
             done[vm2])
        status = probe.cmd("status")
        rec = task_of(status, tasks[0]["id"])
        t.ok(rec and rec["result"] == "error" and f"VF {slot}" in (rec["message"] or "")
             and domain(status, vm2) is None,
             "status: the task answered error with its message; no domain left", rec)

        # ---- the server away when the answer is due ----
        p3 = port("direct", "p3")
        vm3 = boot("late", [p3])
        tasks = probe.cmd("fetch")["tasks"]
        t.ok(len(tasks) == 1 and tasks[0]["instance_id"] == vm3, "compute1 is told to spawn vm3",
             tasks)
        s.stop()
        t.eq(probe.cmd("submit " + json.dumps(tasks[0])), {"submitted": 1},
             "the task is submitted while vfnet-server is down")
        time.sleep(3.5)  # attempts at 0, +1 s and +3 s
        waiting = [ln for ln in probe.lines() if "waiting for vfnet-server" in ln]
        t.ok(len(waiting) == 1 and f"instance {vm3}: task {tasks[0]['id']}" in waiting[0]
             and "is not reachable" in waiting[0],
             "one log line for the outage, naming the instance, the task and why", waiting)
        status = probe.cmd("status")
        t.ok(task_of(status, tasks[0]["id"])["state"] == "answering"
             and domain(status, vm3)["state"] == "running",
             "the domain runs; the answer waits", status["tasks"])
        s.start()
        t.eq(probe.cmd(f"wait {tasks[0]['id']} 60"), {"state": "answered"},
             "the answer is delivered once the server is back")
        done = wait_status(s, tok, [vm3])
        t.eq(done[vm3]["status"], "ACTIVE", "the server is ACTIVE")
        t.ok(any(f"instance {vm3}: task {tasks[0]['id']} answered ok (vfnet-server is back)" in ln
                 for ln in probe.lines()), "a log line says the server is back", probe.lines())

        t.eq(probe.quit(), 0, "the runner stops cleanly")
    shutil.rmtree(work, ignore_errors=True)
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
