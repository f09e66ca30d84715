#!/usr/bin/python3
"""How long `vfnet-server db migrate` takes to move a SQLite database with
10,000 ports (created through the API, each with its MAC and IP claims and
fixed IP row) into PostgreSQL, one command:
    tests/pg/pg-throwaway.sh bench/bench-db-migrate.py [BUILD_DIR] [PORTS]
Prints the rows copied, the wall time of a dry run and of the copy."""
import os
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests", "e2e"))
from vfnet_server import Server, fresh_pg_database  # noqa: E402


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "build")
    ports = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    if not os.environ.get("VFNET_TEST_STORE_URL"):
        sys.exit("run it under tests/pg/pg-throwaway.sh")
    load = os.path.join(build, "bench", "http-load")
    binary = os.path.join(build, "src", "cmd", "vfnet-server")
    with tempfile.TemporaryDirectory() as d, \
            Server(binary, db=os.path.join(d, "vfnet.sqlite"),
                   extra_conf="[quotas]\nquota_port = -1\n") as s:
        s.bootstrap()
        s.start()
        tok = s.token()
        st, n, _ = s.request("POST", "/v2.0/networks", {"network": {
            "name": "bench", "provider:network_type": "vlan",
            "provider:physical_network": "physnet1"}}, token=tok)
        nid = n["network"]["id"]
        s.request("POST", "/v2.0/subnets", {"subnet": {"network_id": nid, "ip_version": 4,
                                                       "cidr": "10.20.0.0/16"}}, token=tok)
        subprocess.run([load, "create", s.url, tok, nid, str(ports), "8"], check=True,
                       capture_output=True)
        s.stop()
        size = os.path.getsize(s.db)
        target = fresh_pg_database()
        for what, extra in (("dry run", ["--dry-run"]), ("copy", [])):
            t0 = time.time()
            p = subprocess.run([binary, "--config-file", s.conf, "db", "migrate", "--to", target]
                               + extra, capture_output=True, text=True)
            secs = time.time() - t0
            if p.returncode:
                sys.exit(p.stderr)
            rows = sum(int(line.split()[-2]) for line in p.stdout.splitlines()
                       if line.endswith(" rows"))
            print(f"db migrate {what + ',':9s} {ports} ports ({rows} rows, "
                  f"{size / 1e6:.1f} MB of SQLite): {secs:6.2f} s")


if __name__ == "__main__":
    main()
