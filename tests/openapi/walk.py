#!/usr/bin/env python3
"""
walk.py: docs/openapi.json against what the server serves and what the
tests did.

  walk.py DOC ROUTES LOG

DOC     the OpenAPI document (docs/openapi.json)
ROUTES  the output of `jwtmint --routes`: "METHOD /path/{param}" per line,
        every admin and platform route of the route tables
LOG     the requests the integration tests made ("METHOD /path STATUS" per
        line, tests/integration/harness.py: record_route)

Prints one TAP line per check and exits 1 when one fails:
  * every route the server has is in the document, and every operation of
    the document is a route the server has;
  * every operation of the document was exercised by the integration tests
    with a success (2xx or 3xx) at least once.
"""

import json
import re
import sys

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def template_re(path):
    return re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "$")


def main():
    doc_file, routes_file, log_file = sys.argv[1:4]
    with open(doc_file) as f:
        doc = json.load(f)
    ops = set()
    for path, item in doc.get("paths", {}).items():
        for m in METHODS:
            if m in item:
                ops.add((m.upper(), path))
    with open(routes_file) as f:
        routes = {tuple(l.split(None, 1)) for l in f.read().splitlines() if l.strip()}
    try:
        with open(log_file) as f:
            log = [l.split() for l in f.read().splitlines() if l.strip()]
    except FileNotFoundError:
        log = []
    failed = 0

    def check(ok, what):
        nonlocal failed
        print(("ok - " if ok else "not ok - ") + what)
        failed += not ok

    missing = sorted(routes - ops)
    check(not missing, "openapi: every route of the server is documented" +
          ("" if not missing else " (missing: %s)" % ", ".join(" ".join(r) for r in missing)))
    extra = sorted(ops - routes)
    check(not extra, "openapi: every documented operation is a route of the server" +
          ("" if not extra else " (not served: %s)" % ", ".join(" ".join(o) for o in extra)))
    for method, path in sorted(ops):
        rx = template_re(path)
        hits = [int(s) for m, p, s in log if m == method and rx.match(p)]
        good = [s for s in hits if 200 <= s < 400]
        check(bool(good), "openapi: %s %s exercised by the integration tests "
              "(%d requests, %d successful)" % (method, path, len(hits), len(good)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
