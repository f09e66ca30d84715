#!/usr/bin/env python3
"""Reads meson's JSON test logs and prints one line: "N passed, N failed".

TAP tests count each of their cases; other tests count once.  A TAP test
that crashed after some cases also counts one failure for the crash.  A
case marked "# TODO" (known to fail) counts as skipped while it fails and
as failed once it passes: its entry in the known-failing list is stale."""
import json
import re
import sys

passed = failed = skipped = 0
for path in sys.argv[1:]:
    try:
        lines = open(path).read().splitlines()
    except OSError as e:
        print(f"summarize: cannot read {path}: {e}", file=sys.stderr)
        failed += 1
        continue
    for line in lines:
        t = json.loads(line)
        out = t.get("stdout", "") or ""
        ok = len(re.findall(r"^ok \d+(?!.*# (skip|todo))", out, re.M | re.I))
        notok = len(re.findall(r"^not ok \d+(?!.*# todo)", out, re.M | re.I))
        skip = len(re.findall(r"^ok \d+.*# skip", out, re.M | re.I))
        todo_failing = len(re.findall(r"^not ok \d+.*# todo", out, re.M | re.I))
        todo_passing = len(re.findall(r"^ok \d+.*# todo", out, re.M | re.I))
        notok += todo_passing
        skip += todo_failing
        result = t.get("result")
        if ok + notok + skip:
            passed += ok
            failed += notok
            skipped += skip
            if result not in ("OK", "EXPECTEDFAIL") and notok == 0:
                failed += 1
                print(f"summarize: {t.get('name')} ended {result}", file=sys.stderr)
        elif result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result == "SKIP":
            skipped += 1
        else:
            failed += 1
            print(f"summarize: {t.get('name')} ended {result}", file=sys.stderr)

line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
sys.exit(1 if failed else 0)
