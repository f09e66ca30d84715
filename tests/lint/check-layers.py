#!/usr/bin/python3
"""The import rules of docs/architecture.md hold (TAP output):
    tests/lint/check-layers.py SOURCE_ROOT
The rules are read from the document itself, between its
<!-- layer-rules:... --> markers, so what the document shows is what is
checked:
  1. each folder of src/ includes only its own headers, base/ and the folders
     its row of the table names (a folder with no row is an error);
  2. a file of src/api/ includes, of api/, only the shared headers listed
     (and its own header): no api file includes another one's handlers;
  3. a file of src/api/ that defines routes exports nothing but its route
     table (so no other file can call its handlers), save the listed
     exceptions;
  4. a file of src/api/ calls of the store only the functions its row of the
     api-store table names (row `*`: every file): the front opens and ends
     transactions, the services do the rest."""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
# A function defined at file scope without `static` (the opening line).
EXPORTED_FN = re.compile(r'^(?!static\b)(?!typedef\b)[a-zA-Z_][\w \t\*]*?\b(\w+)\s*\([^;]*$', re.M)
ROUTES = re.compile(r'^const struct api_route (api_\w+_routes)\[\]', re.M)
STORE_CALL = re.compile(r'\b(store_\w+)\s*\(')
COMMENT = re.compile(r'/\*.*?\*/|//[^\n]*', re.S)
STRING = re.compile(r'"(?:\\.|[^"\\\n])*"')


def section(doc, name):
    m = re.search(r'<!-- layer-rules:%s:begin -->(.*?)<!-- layer-rules:%s:end -->' % (name, name),
                  doc, re.S)
    if not m:
        sys.exit(f"Bail out! docs/architecture.md has no layer-rules:{name} section")
    return m.group(1)


def table_rows(text):
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("|") or set(line) <= set("|- "):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows.append(cells)
    return rows[1:]  # the header row


def names(cell):
    return [n for n in re.findall(r"[\w.-]+", cell.replace("`", "")) if n not in ("none",)]


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
    doc = open(os.path.join(root, "docs", "architecture.md")).read()
    allowed = {}
    for row in table_rows(section(doc, "folders")):
        allowed[row[0].strip("`").rstrip("/")] = set(names(row[2])) | {"base"}
    shared = set(names(section(doc, "api-shared")))
    exceptions = {}
    for row in table_rows(section(doc, "api-exports")):
        exceptions[row[0].strip("`")] = set(names(row[1]))
    store_calls = {}
    for row in table_rows(section(doc, "api-store")):
        store_calls[row[0].strip("`")] = set(names(row[1]))

    src = os.path.join(root, "src")
    results = []
    for folder in sorted(os.listdir(src)):
        path = os.path.join(src, folder)
        if not os.path.isdir(path):
            continue
        if folder not in allowed:
            results.append((False, f"src/{folder}/ has a row in the rules", "no row"))
            continue
        bad = []
        api_bad = []
        export_bad = []
        store_bad = []
        for f in sorted(os.listdir(path)):
            if not f.endswith((".c", ".h")):
                continue
            text = open(os.path.join(path, f)).read()
            for inc in INCLUDE.findall(text):
                if "/" not in inc:
                    continue  # config.h and the like
                top, hdr = inc.split("/", 1)
                if top != folder and top not in allowed[folder]:
                    bad.append(f"{f} includes {inc}")
                if folder == "api" and top == "api" and hdr not in shared and \
                        os.path.splitext(hdr)[0] != os.path.splitext(f)[0]:
                    api_bad.append(f"{f} includes {inc}")
            if folder == "api":
                code = STRING.sub('""', COMMENT.sub(" ", text))
                may = store_calls.get("*", set()) | store_calls.get(f, set())
                for fn in sorted(set(STORE_CALL.findall(code)) - may):
                    store_bad.append(f"{f} calls {fn}()")
            if folder == "api" and f.endswith(".c") and ROUTES.search(text):
                for fn in EXPORTED_FN.findall(text):
                    if fn not in exceptions.get(f, set()):
                        export_bad.append(f"{f} exports {fn}()")
        results.append((not bad, f"src/{folder}/ includes only what its row allows",
                        "; ".join(bad)))
        if folder == "api":
            results.append((not api_bad, "api files include no other api file's handlers",
                            "; ".join(api_bad)))
            results.append((not export_bad, "api files with routes export only their routes",
                            "; ".join(export_bad)))
            results.append((not store_bad, "api files call of the store only what the api-store "
                            "table allows", "; ".join(store_bad)))
    print(f"1..{len(results)}")
    for i, (ok, what, why) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {what}")
        if not ok:
            print(f"# {why}")
    return 0 if all(ok for ok, _, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
