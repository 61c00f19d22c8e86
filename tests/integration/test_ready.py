"""
GET /readyz: ready for traffic only when the database answers, every
migration this binary carries is applied (a newer schema is fine: at least
this binary's migrations, not exactly them), and a signing key of the
configured algorithm is loaded; else 503 naming the first that is not so.
/healthz stays "alive" (the database answers) meanwhile. A binary one
release older than the schema keeps serving (the expand/contract rules of
docs/OPERATIONS.md, "Rolling upgrades").
"""

import glob
import json
import os
import re
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


# The next release's migration as docs/OPERATIONS.md ("Rolling upgrades")
# allows it: additive only. New NOT NULL columns carry a default, new tables
# and indexes are new names; nothing this binary reads or writes changes.
EXPAND = """
alter table api_keys add column next_note text not null default '';
alter table signing_keys add column next_origin text;
alter table orgs add column next_tier integer not null default 0;
create table next_things (id text primary key, org_id text not null references orgs (id));
create index api_keys_next_note on api_keys (next_note);
insert into schema_migrations (name) values ('999_next_release');
"""
CONTRACT = """
delete from schema_migrations where name = '999_next_release';
drop table next_things;
alter table orgs drop column next_tier;
alter table signing_keys drop column next_origin;
alter table api_keys drop column next_note;
"""


def test_older_binary_on_an_expanded_schema(stack):
    """The middle of a rolling upgrade: `migrate` of the next release ran,
    this binary (now the older one) keeps serving and stays ready. Its
    prepared statements, made before the change, name their columns (no
    `*` in a result), so PostgreSQL replans them instead of failing with
    "cached plan must not change result type"; its inserts name their
    columns, so the new ones take their defaults."""
    key = stack.admin_json("key", "create", "--name", "before-expand", "--scopes", "read:accounts",
                           "--org", "acme", "--json")
    st, _, doc = stack.token(key["key"])
    assert st == 200, (st, doc)
    assert ready(stack)[0] == 200
    stack.psql(EXPAND, url=stack.owner_url)
    try:
        st, doc, _ = ready(stack)
        assert st == 200 and doc == {"status": "ready"}, (st, doc)
        for k in (key, stack.keys["main"]):
            st, _, doc = stack.token(k["key"])
            assert st == 200, (st, doc)
        stack.verify(doc["access_token"])
        # Writes: a new key (insert), a roll (insert ... select), its use.
        new = stack.admin_json("key", "create", "--name", "after-expand", "--scopes", "read:accounts",
                               "--org", "acme", "--json")
        rolled = stack.admin_json("key", "roll", new["id"], "--grace", "0", "--json")
        st, _, doc = stack.token(rolled["key"])
        assert st == 200, (st, doc)
        assert stack.psql("select count(*) from api_keys where next_note = ''").strip() != "0"
        st, _, doc = stack.token(stack.keys["revoked"]["key"])
        assert st == 401, (st, doc)
    finally:
        stack.psql(CONTRACT, url=stack.owner_url)
    assert ready(stack)[0] == 200


# What a migration may not do while the release before it still runs
# (docs/OPERATIONS.md, "Rolling upgrades and migrations"): each pattern, and
# why. A statement that must is a contract step: it goes in EXEMPT with the
# reason it is safe, and ships a release after the last binary that needs
# the old shape.
FORBIDDEN = (
    (r"\bdrop\s+column\b", "drops a column the release before may read"),
    (r"\brename\b", "renames what the release before names"),
    (r"\balter\s+column\s+\w+\s+(set\s+data\s+)?type\b", "changes a column's type"),
    (r"\bset\s+not\s+null\b", "makes a column the release before may leave empty NOT NULL"),
    (r"\bdrop\s+(table|view|sequence)\b", "drops what the release before may use"),
)
AUDIT_TRIGGER = ("the audit_chain trigger (BEFORE INSERT, the same migration) fills it in every "
                 "row, whoever inserts it: the release before never leaves it empty")
EXEMPT = {   # (file, statement): why it is safe
    ("009_audit_chain.sql", "alter table audit alter column seq set not null"): AUDIT_TRIGGER,
    ("009_audit_chain.sql", "alter table audit alter column prev_hash set not null"): AUDIT_TRIGGER,
    ("009_audit_chain.sql", "alter table audit alter column hash set not null"): AUDIT_TRIGGER,
}


def sql_statements(path):
    with open(path) as f:
        text = f.read()
    text = re.sub(r"--[^\n]*", "", text).lower()
    text = re.sub(r"'(?:[^']|'')*'", "''", text)
    return [st.strip() for st in text.split(";") if st.strip()]


def test_migrations_are_additive(stack):
    """Every migration of sql/ can run under the release before it."""
    files = sorted(glob.glob(os.path.join(os.path.dirname(__file__), "..", "..", "sql", "*.sql")))
    assert len(files) >= 12, files
    bad = []
    for path in files:
        name = os.path.basename(path)
        for st in sql_statements(path):
            if (name, " ".join(st.split())) in EXEMPT:
                continue
            for pat, why in FORBIDDEN:
                if re.search(pat, st):
                    bad.append("%s: %s: %s" % (name, why, st[:80]))
            # A new NOT NULL column needs a default: the release before
            # inserts rows without it.
            for col in re.finditer(r"\badd\s+column\s+(?:if\s+not\s+exists\s+)?(\w+)([^,]*)", st):
                if re.search(r"\bnot\s+null\b", col.group(2)) and not re.search(r"\bdefault\b", col.group(2)):
                    bad.append("%s: NOT NULL column %s without a default" % (name, col.group(1)))
    assert bad == [], "\n".join(bad)
    # An exemption names a statement that still exists.
    stale = [k for k in EXEMPT
             if not any(" ".join(st.split()) == k[1]
                        for f in files if os.path.basename(f) == k[0] for st in sql_statements(f))]
    assert stale == [], "exemptions of no statement: %r" % stale


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
