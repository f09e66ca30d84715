#!/usr/bin/python3
"""What a compute host's steady load costs the server in instructions, one
command:
    bench/callgrind-heartbeat.py [--syscalls] [--keep DIR] [--db URL] [SERVER_BINARY] [N]
        (default: build/src/cmd/vfnet-server, 300)
Runs the server under callgrind on a temporary SQLite database (--db: an
empty PostgreSQL database instead, e.g. under tests/pg/pg-throwaway.sh)
with 20 registered hosts (bench-scale.py's inventory), then, one phase at a time
on keep-alive connections:
  - N unchanged agent reports, N unchanged compute reports, N unchanged
    host reports (both in one request: an agent's heartbeat) (one client);
  - N change-feed watches answered at once (?timeout=0, nothing new);
  - 5 s of nothing: what the server's timers cost a second;
  - N watches that park and time out (?timeout=1, N/3 at a time): the
    arrival and the timeout dispatch together, less the idle cost of
    the time they took.
Prints the server's instructions per request of each phase, all threads
(the HTTP front, the handler, the timers), from a callgrind dump at each
phase's end.  Instruction counts do not depend on the machine's load, so
two binaries compare well on a shared machine.  They leave out the
kernel's work: --syscalls runs the server under strace instead and prints
its system calls per request of each phase, the most frequent named.
--keep DIR keeps each phase's callgrind dump (or the strace log) in DIR,
for callgrind_annotate."""
import asyncio
import collections
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests", "e2e"))
sys.path.insert(0, here)
from compute_sim import ComputeServer  # noqa: E402

import importlib.util  # noqa: E402
_spec = importlib.util.spec_from_file_location("bench_scale", os.path.join(here, "bench-scale.py"))
bench_scale = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_scale)

HOSTS = 20
IDLE = 5.0         # seconds of the idle phase
WATCH_ROUNDS = 3   # watches per connection, all connections at once
HEARTBEAT_FLUSH = 1.5  # seconds: the heartbeat writer's period, and then some


class ProbedServer(ComputeServer):
    """The serving process under callgrind or strace (bootstrap is not);
    mark() ends a phase."""

    def __init__(self, binary, out, syscalls, **kw):
        super().__init__(binary, **kw)
        self.out = out
        self.syscalls = syscalls
        self.marks = []

    def start(self):
        plain = self.args
        if self.syscalls:
            tool = ["strace", "-f", "-qq", "-ttt", "-o", self.out]
        else:
            tool = ["valgrind", "--tool=callgrind", "--dump-instr=no",
                    f"--callgrind-out-file={self.out}"]
        self.args = lambda: tool + plain()
        try:
            return super().start()
        finally:
            self.args = plain

    def stop(self, sig=signal.SIGTERM):
        """The server itself is told: strace, told, would let it go on
        running untraced."""
        if self.proc and self.proc.poll() is None:
            try:
                with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children") as f:
                    for child in f.read().split():
                        os.kill(int(child), sig)
            except (OSError, ValueError):
                pass
        return super().stop(sig)

    def mark(self):
        """callgrind: the instructions since the last mark (callgrind_control
        dumps to a new file); strace: the time, counted at the end."""
        # The phase's queued heartbeats are written once a second
        # (netsvc/heartbeats.c): that write is the phase's too.
        time.sleep(HEARTBEAT_FLUSH)
        if self.syscalls:
            self.marks.append(time.time())
            return None
        before = set(glob.glob(self.out + "*"))
        subprocess.run(["callgrind_control", "-d", str(self.proc.pid)], check=True,
                       capture_output=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            for f in set(glob.glob(self.out + "*")) - before:
                with open(f) as fh:
                    m = re.search(r"^totals:\s+(\d+)", fh.read(), re.M)
                if m:
                    return int(m.group(1))
            time.sleep(0.2)
        sys.exit("callgrind-heartbeat: no dump appeared")

    def syscalls_between(self):
        """Per phase (between marks): a Counter of system call names."""
        phases = [collections.Counter() for _ in self.marks[1:]]
        with open(self.out) as f:
            for line in f:
                parts = line.split(None, 2)
                if len(parts) < 3 or parts[2].startswith(("<...", "+++", "---")):
                    continue
                t = float(parts[1])
                name = parts[2].split("(", 1)[0]
                for k in range(len(phases)):
                    if self.marks[k] <= t < self.marks[k + 1]:
                        phases[k][name] += 1
                        break
        return phases


async def phases(server, token, n):
    Conn = bench_scale.Conn
    names = [f"c{i:05d}" for i in range(HOSTS)]
    bodies = [bench_scale.report_bodies(name, i) for i, name in enumerate(names)]
    conn = Conn("127.0.0.1", server.port, token)
    # Registered, and each report once more: what follows is unchanged.
    for _ in range(2):
        for compute, agent, host in bodies:
            assert (await conn.request("POST", "/v2.0/vfnet/agent-report", agent))[0] in (200, 201)
            assert (await conn.request("POST", "/v2.1/vfnet/compute-report", compute))[0] in (
                200, 201)
            assert (await conn.request("POST", "/v2.1/vfnet/host-report", host))[0] in (200, 201)
    st, body = await conn.request("GET", f"/v2.0/vfnet/hosts/{names[0]}/state")
    assert st == 200, body
    since = bench_scale.json.loads(body)["revision"]
    results = {}
    server.mark()

    for i in range(n):
        st, _ = await conn.request("POST", "/v2.0/vfnet/agent-report", bodies[i % HOSTS][1])
        assert st in (200, 201), st
    results["agent report"] = (server.mark(), n)

    for i in range(n):
        st, _ = await conn.request("POST", "/v2.1/vfnet/compute-report", bodies[i % HOSTS][0])
        assert st in (200, 201), st
    results["compute report"] = (server.mark(), n)

    for i in range(n):
        st, _ = await conn.request("POST", "/v2.1/vfnet/host-report", bodies[i % HOSTS][2])
        assert st in (200, 201), st
    results["host report"] = (server.mark(), n)

    for i in range(n):
        st, _ = await conn.request(
            "GET", f"/v2.0/vfnet/hosts/{names[i % HOSTS]}/changes?since={since}&timeout=0")
        assert st == 200, st
    results["watch answered at once"] = (server.mark(), n)

    # What the server does on its own (timers, the heartbeat writer), so
    # that the watches' figure can leave it out.
    t0 = time.monotonic()
    await asyncio.sleep(IDLE)
    idle = server.mark()
    idle_s = time.monotonic() - t0
    t0 = time.monotonic()
    results["idle, per second"] = (idle, idle_s)

    width = max(1, n // WATCH_ROUNDS)
    conns = [Conn("127.0.0.1", server.port, token) for _ in range(width)]

    async def watch(k):
        for _ in range(WATCH_ROUNDS):
            st, _ = await conns[k].request(
                "GET", f"/v2.0/vfnet/hosts/{names[k % HOSTS]}/changes?since={since}&timeout=1")
            assert st == 200, st
    await asyncio.gather(*(watch(k) for k in range(width)))
    watched = server.mark()
    took = time.monotonic() - t0
    if watched is not None:
        watched -= idle * took / idle_s
    results["watch parked, timed out"] = (watched, WATCH_ROUNDS * width)
    server.idle_share = (len(results) - 1, took / idle_s)
    for c in conns + [conn]:
        c.close()
    return results


def main():
    argv = sys.argv[1:]
    syscalls = "--syscalls" in argv
    argv = [a for a in argv if a != "--syscalls"]
    keep = None
    if "--keep" in argv:
        k = argv.index("--keep")
        keep = argv[k + 1]
        del argv[k:k + 2]
    db = None
    if "--db" in argv:
        k = argv.index("--db")
        db = argv[k + 1]
        del argv[k:k + 2]
    build = os.path.join(here, "..", "build")
    binary = argv[0] if argv else os.path.join(build, "src", "cmd", "vfnet-server")
    n = int(argv[1]) if len(argv) > 1 else 300
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "trace.out" if syscalls else "callgrind.out")
        with ProbedServer(os.path.abspath(binary), out, syscalls,
                          extra_conf=bench_scale.LIMITS, db=db) as s:
            s.bootstrap()
            s.start()
            tok = s.token()
            results = asyncio.run(phases(s, tok, n))
            s.stop()
            per_phase = s.syscalls_between() if syscalls else None
        if keep:
            os.makedirs(keep, exist_ok=True)
            for f in sorted(glob.glob(out + "*")):
                shutil.copy(f, keep)
    for k, (name, (instructions, count)) in enumerate(results.items()):
        if not syscalls:
            print(f"{name + ':':26s}{instructions / count:12,.0f} instructions per request")
            continue
        calls = per_phase[k]
        if k == s.idle_share[0]:
            calls = calls - collections.Counter(
                {c: round(v * s.idle_share[1]) for c, v in per_phase[k - 1].items()})
        top = ", ".join(f"{c} {v / count:.2f}" for c, v in calls.most_common(6))
        print(f"{name + ':':26s}{sum(calls.values()) / count:8.2f} system calls per request "
              f"({top})")


if __name__ == "__main__":
    main()
