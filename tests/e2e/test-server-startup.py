#!/usr/bin/python3
"""vfnet-server as a service: the seed's ML2 snippets load verbatim (R9, R11,
R12, R13: several --config-file), a bad config stops the start with one
clear line naming file and line, readiness goes to $NOTIFY_SOCKET, SIGTERM
exits 0, and bootstrap is idempotent.
Usage: test-server-startup.py PATH/TO/vfnet-server"""
import os
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from vfnet_server import Server, Tap  # noqa: E402

SEED = """[ml2]
tenant_network_types = vlan
type_drivers = vlan
mechanism_drivers = openvswitch, sriovnicswitch
[ml2_type_vlan]
network_vlan_ranges = physnet1:15:20
[ml2_sriov]
agent_required = True
supported_pci_vendor_devs = 15b3:1004,8086:10ca
"""


def run(binary, *conf_texts):
    """bootstrap with a temporary database and these config files, in order."""
    with tempfile.TemporaryDirectory() as d:
        paths = [os.path.join(d, "db.ini")]
        with open(paths[0], "w") as f:
            f.write(f"[database]\nconnection = sqlite:///{d}/db.sqlite\n")
        for i, text in enumerate(conf_texts):
            paths.append(os.path.join(d, f"conf{i}.ini"))
            with open(paths[-1], "w") as f:
                f.write(text)
        args = [binary]
        for p in paths:
            args += ["--config-file", p]
        p = subprocess.run(args + ["bootstrap", "--bootstrap-password", "x"],
                           capture_output=True, text=True)
        return p.returncode, p.stderr


def main():
    t = Tap()
    binary = sys.argv[1]
    rc, err = run(binary, SEED)
    t.ok(rc == 0 and "supported_pci_vendor_devs is honoured" in err,
         "the seed's ml2_conf.ini loads verbatim (deprecation warned)", err)
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "..", "etc", "ml2_conf.ini")) as f:
        rc, err = run(binary, f.read())
    t.ok(rc == 0, "etc/ml2_conf.ini (the sample) loads", err)
    rc, err = run(binary, "[ml2]\nmechanism_drivers = sriovnicswich\n")
    t.ok(rc == 1 and "conf0.ini:2" in err and "'sriovnicswich' is not supported" in err
         and len(err.strip().splitlines()) == 1,
         "a misspelt mechanism driver: one line naming file:line, exit 1", err)
    rc, err = run(binary, SEED, "[ml2_type_vlan]\nnetwork_vlan_ranges = physnet1:20:15\n")
    t.ok(rc == 1 and "conf1.ini:2" in err and "End of VLAN range is less than start" in err,
         "a bad range in the second --config-file names that file and line", err)
    rc, err = run(binary, "[DEFAULT]\nbind_port = 99999\n")
    t.ok(rc == 1 and "bind_port" in err, "an out-of-range bind_port is refused", err)

    with Server(binary) as s:
        s.bootstrap()
        s.bootstrap("again")  # idempotent; resets the password
        sock_path = os.path.join(s.dir, "notify")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(sock_path)
        sock.settimeout(20)
        os.environ["NOTIFY_SOCKET"] = sock_path
        try:
            s.start()
        finally:
            del os.environ["NOTIFY_SOCKET"]
        msg = sock.recv(4096).decode()
        t.ok("READY=1" in msg, "READY=1 on $NOTIFY_SOCKET", msg)
        tok = s.token(password="again")
        st, body, _ = s.request("GET", "/v2.0/networks", token=tok)
        t.eq(st, 200, "bootstrap twice: the second password works")
        t.eq(s.stop(), 0, "SIGTERM: exit 0")
        msg = sock.recv(4096).decode()
        t.ok("STOPPING=1" in msg, "STOPPING=1 on $NOTIFY_SOCKET", msg)
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
