#!/usr/bin/python3
"""What one port create and one port update cost in instructions, one
command:
    bench/callgrind-port-create.py [SERVER_BINARY] [N]
        (default: build/src/cmd/vfnet-server, 500)
Runs the server under callgrind on a temporary SQLite database, makes a
network with an IPv4 subnet, creates N ports on it with one client
(bench/http-load), renames N/5 of them (PUT /v2.0/ports/ID with a new
name) and prints the instructions of POST /v2.0/ports per create:
neutron_create inclusive, and the parts of it named below; then those of
PUT /v2.0/ports/ID per update, the API's handler inclusive and the
service's part.
Instruction counts do not depend on the machine's load, so two binaries
compare well on a shared machine."""
import os
import re
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests", "e2e"))
from vfnet_server import Server  # noqa: E402

# Functions whose inclusive cost is printed per create, when present.
PARTS = ["neutron_create", "netsvc_port_create", "ips_assign", "store_end", "json_loads"]
# The same per update (a file's function named as file:function).
UPDATE_PARTS = ["ports.c:update", "netsvc_port_update"]


class CallgrindServer(Server):
    def __init__(self, binary, out, **kw):
        super().__init__(binary, **kw)
        self.out = out

    def start(self):
        # Only the serving process runs under callgrind (bootstrap does not).
        plain = self.args

        def wrapped():
            return ["valgrind", "--tool=callgrind", f"--callgrind-out-file={self.out}"] + plain()
        self.args = wrapped
        try:
            return super().start()
        finally:
            self.args = plain


def main():
    build = os.path.join(here, "..", "build")
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(build, "src", "cmd", "vfnet-server")
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    load = os.path.join(build, "bench", "http-load")
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "callgrind.out")
        with CallgrindServer(binary, out, extra_conf="[quotas]\nquota_port = -1\n") as s:
            s.bootstrap()
            s.start()
            tok = s.token()
            _, net, _ = s.request("POST", "/v2.0/networks", {"network": {"name": "cg"}}, token=tok)
            nid = net["network"]["id"]
            s.request("POST", "/v2.0/subnets", {"subnet": {
                "network_id": nid, "ip_version": 4, "cidr": "10.9.0.0/16"}}, token=tok)
            p = subprocess.run([load, "create", s.url, tok, nid, str(n), "1"],
                               capture_output=True, text=True)
            if p.returncode:
                sys.exit(f"http-load failed: {p.stdout}{p.stderr}")
            n_up = max(1, n // 5)
            _, ports, _ = s.request("GET", f"/v2.0/ports?fields=id&limit={n_up}", token=tok)
            for i, port in enumerate(ports["ports"]):
                st, _, _ = s.request("PUT", f"/v2.0/ports/{port['id']}",
                                     {"port": {"name": f"renamed-{i}"}}, token=tok)
                if st != 200:
                    sys.exit(f"port update answered {st}")
            n_up = len(ports["ports"])
            s.stop()
        ann = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", out],
                             capture_output=True, text=True, check=True).stdout
    for names, count, what in ((PARTS, n, "create"), (UPDATE_PARTS, n_up, "update")):
        for name in names:
            pattern = re.compile(r"\s*([\d,]+)\s.*[:/]" + re.escape(name) + r"\b")
            for line in ann.splitlines():
                m = pattern.match(line)
                if m:
                    total = int(m.group(1).replace(",", ""))
                    print(f"{name + ':':24s}{total / count:12,.0f} instructions per {what}")
                    break


if __name__ == "__main__":
    main()
