"""
GET /readyz: ready for traffic only when the database answers, every
migration this binary carries is applied, and a signing key of the
configured algorithm is loaded; else 503 naming the first that is not so.
/healthz stays "alive" (the database answers) meanwhile.
"""

import json
import time

from harness import nginx_only


def ready(stack):
    st, h, b = stack.request("GET", "/readyz")
    return st, json.loads(b) if b else None, h


def until(stack, want_status, bound=3.0):
    deadline = time.time() + bound
    while True:
        st, doc, h = ready(stack)
        if st == want_status:
            return st, doc, h
        assert time.time() < deadline, "/readyz still %d %r after %.0f s" % (st, doc, bound)
        time.sleep(0.05)


def test_ready(stack):
    st, doc, h = ready(stack)
    assert st == 200 and doc == {"status": "ready"}, (st, doc)
    assert h.get("cache-control") == "no-store"
    assert stack.request("HEAD", "/readyz")[0] == 200


def test_not_ready_without_a_migration(stack):
    last = stack.psql("select name from schema_migrations order by name desc limit 1").strip()
    stack.psql("delete from schema_migrations where name = '%s'" % last)
    try:
        st, doc, h = ready(stack)
        assert st == 503 and doc == {"status": "not ready", "reason": "migrations"}, (st, doc)
        assert h.get("retry-after") == "1"
        assert stack.request("GET", "/healthz")[0] == 200, "alive is not ready"
    finally:
        stack.psql("insert into schema_migrations (name) values ('%s')" % last)
    assert ready(stack)[0] == 200
    # A newer schema (a migration this binary does not know) is fine.
    stack.psql("insert into schema_migrations (name) values ('999_future')")
    assert ready(stack)[0] == 200


@nginx_only
def test_not_ready_without_a_signing_key(stack):
    """Last in this file: it retires the stack's ES256 keys (the workers
    learn it by notification), then makes a new one."""
    keys = stack.admin_json("signing-key", "list", "--json")
    for k in keys:
        if k.get("alg") == "ES256" and not k.get("retired_at"):
            stack.admin_ok("signing-key", "retire", k["kid"])
    st, doc, _ = until(stack, 503)
    assert doc == {"status": "not ready", "reason": "signing key"}, doc
    stack.admin_ok("signing-key", "create", "--alg", "ES256")
    until(stack, 200)
