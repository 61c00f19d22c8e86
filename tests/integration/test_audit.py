"""
The tamper-evident audit trail (sql/009_audit_chain.sql, src/auditchain.c,
src/ops_audit.c, jwtmint-admin audit): every row is chained per
organization by the trigger; `audit verify` walks the chain in C and names
the first row that was changed, removed or reordered, and a head kept
elsewhere catches rows cut from the end. The hashes the trigger stores are
recomputed here with hashlib, independently of both. The run-time role
(the one jwtmint runs as) may only append. Tampering is done as the
superuser (stack.psql), with triggers off as an intruder would.

Every test has an organization of its own. The file needs no web server
for most of it, so it runs behind nginx only (MODES).
"""

import datetime
import decimal
import hashlib
import json
import os
import struct
import subprocess

from harness import pg_bindir
from test_lifecycle import GT_PASSWORD, new_key, new_org, new_user, post

MODES = ("nginx",)
STACK_OPTIONS = {"env": {"JWTMINT_ARGON2_M_KIB": "256", "JWTMINT_ARGON2_T": "1",
                         "JWTMINT_LOGIN_MAX_FAILURES": "5"}}

FIELDS = ("org_id", "event", "detail", "actor", "source", "resource", "outcome")


def encode(prev, seq, at_us, row):
    """The canonical encoding (src/auditchain.h), written again here."""
    def s(b):
        return struct.pack(">I", len(b)) + b
    out = s(b"jwtmint.audit.v1") + prev + struct.pack(">q", seq) + struct.pack(">q", at_us)
    for f in FIELDS:
        out += s(row[f])
    return out


def rows_of(stack, org):
    """Every audit row of org in seq order, fields as bytes, the time as
    microseconds computed here from the epoch text."""
    cols = ", ".join("encode(convert_to(%s, 'UTF8'), 'hex')" % f for f in FIELDS)
    out = stack.psql("select id, seq, extract(epoch from at)::text, %s, encode(prev_hash, 'hex'),"
                     " encode(hash, 'hex') from audit where org_id = '%s' order by seq" % (cols, org["id"]))
    rows = []
    for line in out.splitlines():
        v = line.split("|")
        r = {"id": int(v[0]), "seq": int(v[1]),
             "at_us": int(decimal.Decimal(v[2]) * 1000000)}
        for i, f in enumerate(FIELDS):
            r[f] = bytes.fromhex(v[3 + i])
        r["prev"], r["hash"] = bytes.fromhex(v[10]), bytes.fromhex(v[11])
        rows.append(r)
    return rows


def verify(stack, org, *extra):
    """audit verify --org ORG --json: (exit status, the object)."""
    rc, out, err = stack.admin("audit", "verify", "--org", org["slug"], "--json", *extra)
    assert rc in (0, 1), "audit verify: exit %d: %s" % (rc, err)
    doc = json.loads(out)
    assert (rc == 0) == doc["ok"], (rc, doc)
    return rc, doc


def verify_ok(stack, org):
    rc, doc = verify(stack, org)
    assert rc == 0 and doc["verdict"] == "ok", doc
    return doc


def app_insert(stack, org, n, event="test.write", **cols):
    """n audit rows written by the run-time role, as any writer would (the
    trigger chains them; seq and hash given here are overwritten)."""
    extra = "".join(", %s" % c for c in cols)
    vals = "".join(", '%s'" % v for v in cols.values())
    stack.psql("insert into audit (org_id, event, detail, seq, hash%s) select '%s', '%s',"
               " 'row ' || i, 999, '\\x00'%s from generate_series(1, %d) i"
               % (extra, org["id"], event, vals, n), url=stack.app_url)


def tamper(stack, sql):
    """sql as the superuser with triggers off (the append-only triggers
    would refuse it otherwise)."""
    stack.psql("set session_replication_role = replica; " + sql)


def trail(stack, n, prefix="audit"):
    org = new_org(stack, prefix)
    app_insert(stack, org, n)
    return org, rows_of(stack, org)


# --- a good chain ------------------------------------------------------------

def test_verify_good_after_operations(stack):
    """Operations and security events write rows with who, where and what;
    the trigger's hashes equal hashlib's; the C walk agrees and shows the
    head the database holds."""
    org = new_org(stack, "ops")
    key = new_key(stack, org)
    user = new_user(stack, org)
    stack.admin_ok("revoke", "--user", user["username"], "--org", org["slug"])
    stack.admin_ok("key", "roll", key["id"], "--grace", "0")
    stack.admin_ok("revoke", "--key", new_key(stack, org)["id"])
    login_key = new_key(stack, org)
    for _ in range(6):      # the 5th failure starts a lockout
        post(stack, "/token", login_key, grant_type=GT_PASSWORD, username=user["username"], password="wrong")
    rows = rows_of(stack, org)
    events = [r["event"].decode() for r in rows]
    assert {"user.revoke", "key.roll", "key.revoke", "login.lockout"} <= set(events), events
    rev = rows[events.index("user.revoke")]
    assert rev["resource"].decode() == user["id"] and rev["actor"].decode().startswith("cli:") \
        and rev["outcome"] == b"ok", rev
    prev = bytes(32)
    for i, r in enumerate(rows):
        assert r["seq"] == i + 1 and r["prev"] == prev, "seq %d: not chained" % r["seq"]
        assert hashlib.sha256(encode(prev, r["seq"], r["at_us"], r)).digest() == r["hash"], \
            "seq %d: the trigger's hash is not hashlib's" % r["seq"]
        prev = r["hash"]
    doc = verify_ok(stack, org)
    assert doc["rows"] == len(rows) and doc["head_seq"] == len(rows) and doc["head"] == prev.hex(), doc
    head = stack.psql("select seq, encode(hash, 'hex') from audit_heads where org_id = '%s'" % org["id"]).strip()
    assert head == "%d|%s" % (len(rows), prev.hex()), head
    # Text output: the head, exit 0; the log line of the housekeeper.
    out = stack.admin_ok("audit", "verify", "--org", org["slug"])
    assert "ok, %d rows; head seq %d hash %s" % (len(rows), len(rows), prev.hex()) in out, out
    rc, out, err = stack.admin("audit", "heads")
    assert rc == 0 and "audit head: org %s (%s) seq %d hash %s" % (org["id"], org["slug"], len(rows),
                                                                   prev.hex()) in err, err


def test_login_failures_aggregated(stack):
    """50 failed logins of one user from one address: one lockout row, not
    one per attempt (the 5th failure starts it; the rest are refused before
    they count)."""
    org = new_org(stack, "lock")
    key = new_key(stack, org)
    user = new_user(stack, org)
    before = len(rows_of(stack, org))
    codes = [post(stack, "/token", key, grant_type=GT_PASSWORD, username=user["username"],
                  password="wrong-%d" % i)[0] for i in range(50)]
    assert codes.count(429) == 45, codes
    rows = [r for r in rows_of(stack, org)[before:]]
    assert len(rows) <= 2, "50 failed logins wrote %d audit rows" % len(rows)
    lock = [r for r in rows if r["event"] == b"login.lockout"]
    assert len(lock) == 1, rows
    assert lock[0]["resource"] == ("user:" + user["username"]).encode() and lock[0]["outcome"] == b"denied" \
        and lock[0]["actor"] == ("key:" + key["id"]).encode() and lock[0]["source"] == b"127.0.0.1", lock[0]
    assert b"wrong" not in lock[0]["detail"], "the detail holds a password"
    verify_ok(stack, org)


def test_concurrent_writers_one_chain(stack):
    """Two sessions of the run-time role (two hosts) append at once, one a
    row per transaction, the other transactions of several statements and
    rows: one chain, seq 1..N without a gap or a duplicate, and it
    verifies."""
    org = new_org(stack, "conc")
    base = len(rows_of(stack, org))     # rows the organization's creation wrote, if any
    n = 150
    ins = "insert into audit (org_id, event, detail) "
    scripts = ["".join(ins + "values ('%s', 'test.w0', '%d');\n" % (org["id"], i) for i in range(n)),
               "".join("begin;\n" + ins + "select '%s', 'test.w1', i from generate_series(1, 2) i;\n"
                       % org["id"] + ins + "values ('%s', 'test.w1', 'x');\ncommit;\n" % org["id"]
                       for _ in range(n // 3))]
    procs = []
    for _ in scripts:
        procs.append(subprocess.Popen(
            [os.path.join(pg_bindir(), "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", stack.app_url],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    for script, p in zip(scripts, procs):
        p.stdin.write(script.encode())
        p.stdin.close()
    for p in procs:
        assert p.wait(timeout=60) == 0, p.stderr.read().decode()
    rows = rows_of(stack, org)
    assert [r["seq"] for r in rows] == list(range(1, base + 2 * n + 1)), "seq is not 1..%d" % (base + 2 * n)
    rows = rows[base:]
    writers = {r["event"] for r in rows}
    assert writers == {b"test.w0", b"test.w1"}, writers
    # Interleaved: both wrote while the other did (else this proves less).
    order = [r["event"] for r in rows]
    switches = sum(1 for a, b in zip(order, order[1:]) if a != b)
    stack.note("concurrent writers: the chain switches writer %d times" % switches)
    assert verify_ok(stack, org)["rows"] == base + 2 * n


# --- tampering ---------------------------------------------------------------

def test_changed_row_named(stack):
    org, rows = trail(stack, 6, "chg")
    verify_ok(stack, org)
    victim = rows[3]
    tamper(stack, "update audit set detail = 'nothing happened' where id = %d" % victim["id"])
    rc, doc = verify(stack, org)
    assert rc == 1 and doc["verdict"] == "changed" and doc["bad_seq"] == 4 and doc["bad_id"] == victim["id"], doc
    rc, out, err = stack.admin("audit", "verify", "--org", org["slug"])
    assert rc == 1 and "changed at seq 4" in out and "id %d" % victim["id"] in out, (out, err)


def test_rewritten_and_rehashed_row_named(stack):
    """An intruder who knows the encoding re-hashes the row they changed:
    the next row's link names it."""
    org, rows = trail(stack, 5, "rehash")
    victim = rows[1]
    tamper(stack, "update audit set detail = 'x', hash = jwtmint_audit_hash(prev_hash, seq,"
           " jwtmint_audit_us(at), org_id, event, 'x', actor, source, resource, outcome)"
           " where id = %d" % victim["id"])
    rc, doc = verify(stack, org)
    assert rc == 1 and doc["verdict"] == "changed" and doc["bad_id"] == victim["id"], doc


def test_removed_row_named(stack):
    org, rows = trail(stack, 6, "del")
    tamper(stack, "delete from audit where id = %d" % rows[2]["id"])
    rc, doc = verify(stack, org)
    assert rc == 1 and doc["verdict"] == "removed" and doc["bad_seq"] == 3 and doc["bad_id"] is None, doc
    assert "seq 3 is missing" in doc["why"], doc


def test_reordered_rows_named(stack):
    org, rows = trail(stack, 6, "swap")
    a, b = rows[1], rows[2]
    tamper(stack, "update audit set seq = -1 where id = %d; update audit set seq = %d where id = %d;"
           " update audit set seq = %d where id = %d" % (a["id"], a["seq"], b["id"], b["seq"], a["id"]))
    rc, doc = verify(stack, org)
    assert rc == 1 and doc["verdict"] == "reordered" and doc["bad_seq"] == 2 and doc["bad_id"] == b["id"], doc
    assert "written at seq 3" in doc["why"], doc


def test_cut_tail_needs_the_kept_head(stack):
    """Rows cut from the end: the head row still names them; an intruder
    who rolls it back too is caught only by a head kept elsewhere."""
    org, rows = trail(stack, 5, "cut")
    kept = verify_ok(stack, org)["head"]
    tamper(stack, "delete from audit where id = %d" % rows[-1]["id"])
    rc, doc = verify(stack, org)
    assert rc == 1 and doc["verdict"] == "truncated" and doc["bad_seq"] == rows[-1]["seq"], doc
    tamper(stack, "update audit_heads set seq = %d, hash = '\\x%s' where org_id = '%s'"
           % (rows[-2]["seq"], rows[-2]["hash"].hex(), org["id"]))
    doc = verify_ok(stack, org)
    assert doc["head_seq"] == rows[-2]["seq"], doc
    rc, doc = verify(stack, org, "--head", kept)
    assert rc == 1 and doc["verdict"] == "truncated", doc
    # A head of an earlier row is fine (rows were appended since).
    assert verify(stack, org, "--head", rows[1]["hash"].hex().upper())[0] == 0
    rc, out, err = stack.admin("audit", "verify", "--org", org["slug"], "--head", "abc")
    assert rc == 2 and "head" in err, (rc, err)
    rc, out, err = stack.admin("audit", "verify", "--head", kept)
    assert rc == 2, "--head without --org: %d" % rc


# --- the roles ---------------------------------------------------------------

def test_runtime_role_may_only_append(stack):
    """As the role jwtmint runs as: UPDATE, DELETE, TRUNCATE of audit and
    any write of audit_heads are refused with permission denied; INSERT is
    chained whatever it gives. The owner is refused by the triggers."""
    org, rows = trail(stack, 2, "role")
    for sql in ("update audit set detail = 'x' where id = %d" % rows[0]["id"],
                "delete from audit where id = %d" % rows[0]["id"],
                "truncate audit",
                "update audit_heads set seq = 0 where org_id = '%s'" % org["id"],
                "delete from audit_heads",
                "insert into audit_heads values ('org_zzzzzzzzzzzzzzzz', 0, '\\x00')",
                "alter table audit disable trigger audit_chain",
                "select jwtmint_grant_runtime('jwtmint_app')"):
        try:
            stack.psql(sql, url=stack.app_url)
        except RuntimeError as e:
            assert "permission denied" in str(e) or "must be owner" in str(e), "%s: %s" % (sql, e)
        else:
            raise AssertionError("the run-time role could: " + sql)
    try:
        stack.psql("update audit set detail = 'x' where id = %d" % rows[0]["id"], url=stack.owner_url)
    except RuntimeError as e:
        assert "append-only" in str(e), e
    else:
        raise AssertionError("the owner updated an audit row with the triggers on")
    assert rows_of(stack, org) == rows, "a refused statement changed rows"
    assert stack.psql("select current_user", url=stack.app_url).strip() == "jwtmint_app"
    out = stack.admin_ok("migrate")
    assert "run-time role jwtmint_app: privileges granted" in out, out
    verify_ok(stack, org)


# --- list and export ---------------------------------------------------------

def test_list_filters_and_pagination(stack):
    org = new_org(stack, "list")
    app_insert(stack, org, 3, event="key.create", resource="kkkkkkkkkkkkkkkk", actor="cli:a@h")
    app_insert(stack, org, 4, event="user.update", resource="usr_a", actor="key:bbbbbbbbbbbbbbbb")
    app_insert(stack, org, 2, event="key.create", resource="other", actor="cli:a@h")
    rows = rows_of(stack, org)
    desc = [r["seq"] for r in reversed(rows)]

    def seqs(pred):
        return [r["seq"] for r in reversed(rows) if pred(r)]

    def listing(*args):
        return stack.admin_json("audit", "list", "--org", org["slug"], "--json", *args)
    full = listing()
    assert [e["seq"] for e in full["entries"]] == desc and full["next_cursor"] is None, full
    e = full["entries"][-1]
    assert set(e) == {"seq", "at", "org", "action", "resource", "actor", "source", "outcome", "detail",
                      "prev_hash", "hash"}, e
    assert e["org"] == org["id"] and e["hash"] == rows[0]["hash"].hex() and e["seq"] == 1, e
    assert [e["seq"] for e in listing("--action", "key.create")["entries"]] == \
        seqs(lambda r: r["event"] == b"key.create")
    assert len(listing("--action", "key.create")["entries"]) >= 5
    assert [e["seq"] for e in listing("--resource", "usr_a")["entries"]] == seqs(lambda r: r["resource"] == b"usr_a")
    assert [e["seq"] for e in listing("--actor", "cli:a@h", "--resource", "other")["entries"]] == \
        seqs(lambda r: r["resource"] == b"other") == desc[:2]
    assert listing("--action", "nothing.here")["entries"] == []
    # Time: every row is at or after a minute ago, none after tomorrow.
    ago = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert len(listing("--since", ago)["entries"]) == len(rows)
    assert listing("--until", ago)["entries"] == []
    assert len(listing("--until", "9999-12-31")["entries"]) == len(rows)
    # Pages of 2, by cursor, newest first: every row once.
    seen, cursor = [], None
    while True:
        page = listing("--limit", "2", *(["--cursor", cursor] if cursor else []))
        seen += [e["seq"] for e in page["entries"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert len(seen) <= len(rows), "pagination does not end"
    assert seen == desc, seen
    # A row appended meanwhile does not shift a page (keyset on seq).
    page = listing("--limit", "3")
    app_insert(stack, org, 1)
    nxt = listing("--limit", "3", "--cursor", page["next_cursor"])
    assert [e["seq"] for e in nxt["entries"]] == desc[3:6], nxt
    # Text output.
    out = stack.admin_ok("audit", "list", "--org", org["slug"], "--limit", "1")
    assert out.startswith("seq\tat\taction") and "\n%d\t" % (len(rows) + 1) in out, out
    # Bad input: usage errors naming the option, never its value.
    for args, name in ((["--limit", "0"], "limit"), (["--limit", "501"], "limit"),
                       (["--since", "yesterday-ish"], "since"), (["--until", "2024-02-30"], "until"),
                       (["--cursor", "abc"], "cursor"), (["--action", "a\x01b"], "action"),
                       (["--resource", "r" * 300], "resource")):
        rc, out, err = stack.admin("audit", "list", "--org", org["slug"], *args)
        assert rc == 2 and name in err and "yesterday-ish" not in err, (args, rc, err)


def test_export_json_lines(stack):
    org, rows = trail(stack, 4, "exp")
    other, other_rows = trail(stack, 2, "exp2")
    out = stack.admin_ok("audit", "export", "--since", "2000-01-01", "--org", org["slug"])
    lines = [json.loads(l) for l in out.splitlines()]
    assert [l["seq"] for l in lines] == [r["seq"] for r in rows] and all(l["org"] == org["id"] for l in lines), lines
    assert [l["hash"] for l in lines] == [r["hash"].hex() for r in rows]
    assert lines[1]["prev_hash"] == lines[0]["hash"]
    # Every organization without --org, each in seq order.
    everything = [json.loads(l) for l in stack.admin_ok("audit", "export", "--since", "0").splitlines()]
    mine = [l["seq"] for l in everything if l["org"] == other["id"]]
    assert mine == [r["seq"] for r in other_rows], mine
    assert stack.admin_ok("audit", "export", "--since", "9999-01-01", "--org", org["slug"]) == ""
    rc, out, err = stack.admin("audit", "export", "--org", org["slug"])
    assert rc == 2 and "--since" in err, (rc, err)


# --- the admin API -----------------------------------------------------------

def test_http_audit_list_and_verify(stack):
    """GET /admin/audit and /admin/audit/verify: the caller's organization
    only, the same filters and pages as the CLI, and every denial."""
    from test_admin_api import api, key

    org, other = new_org(stack, "http"), new_org(stack, "httpb")
    adm = key(stack, org, "admin")
    adm_b = key(stack, other, "admin")
    plain = key(stack, org, "read:accounts")
    app_insert(stack, org, 3)
    app_insert(stack, org, 2, event="key.create", resource="rrrrrrrrrrrrrrrr")
    app_insert(stack, other, 2)
    rows = rows_of(stack, org)
    desc = [r["seq"] for r in reversed(rows)]
    # Denials first: nothing is listed to them.
    for path in ("/admin/audit", "/admin/audit/verify"):
        assert api(stack, "GET", path)[0] == 401
        assert api(stack, "GET", path, "jmk_live_" + "a" * 16 + "_" + "b" * 59)[0] == 401
        assert api(stack, "GET", path, plain)[0] == 403
        assert api(stack, "POST", path, adm, {})[0] == 405
    st, _, doc = api(stack, "GET", "/admin/audit", adm)
    assert st == 200 and doc["next_cursor"] is None, (st, doc)
    assert [e["seq"] for e in doc["entries"]] == desc, doc
    assert all(e["org"] == org["id"] for e in doc["entries"]), "another organization's rows listed"
    assert doc["entries"][-1]["hash"] == rows[0]["hash"].hex()
    # Another organization's admin sees its own trail, never this one.
    st, _, doc_b = api(stack, "GET", "/admin/audit", adm_b)
    assert st == 200 and {e["org"] for e in doc_b["entries"]} == {other["id"]}, doc_b
    # Filters and pages.
    st, _, doc = api(stack, "GET", "/admin/audit?action=key.create&resource=rrrrrrrrrrrrrrrr", adm)
    assert st == 200 and [e["seq"] for e in doc["entries"]] == desc[:2], doc
    seen, url = [], "/admin/audit?limit=2"
    while url:
        st, _, doc = api(stack, "GET", url, adm)
        assert st == 200, (st, doc)
        seen += [e["seq"] for e in doc["entries"]]
        url = doc["next_cursor"] and "/admin/audit?limit=2&cursor=" + doc["next_cursor"]
        assert len(seen) <= len(desc), seen
    assert seen == desc, seen
    st, _, doc = api(stack, "GET", "/admin/audit?since=2000-01-01T00:00:00Z&until=2000-01-02", adm)
    assert st == 200 and doc["entries"] == [], doc
    for q, field in (("limit=0", "limit"), ("limit=501", "limit"), ("since=sometime-soon", "since"),
                     ("until=2024-13-01", "until"), ("cursor=not-a-cursor", "cursor"),
                     ("action=" + "a" * 300, "action"), ("colour=blue", "colour")):
        st, _, doc = api(stack, "GET", "/admin/audit?" + q, adm)
        assert st == 400 and doc["error"] == "invalid_request" and field in doc["error_description"], (q, doc)
        assert "sometime-soon" not in doc["error_description"] and "blue" not in doc["error_description"]
    # Verify: good, with the head; then a changed row named; a bad head.
    st, _, v = api(stack, "GET", "/admin/audit/verify", adm)
    assert st == 200 and v["ok"] and v["verdict"] == "ok" and v["head_seq"] == len(rows) \
        and v["head"] == rows[-1]["hash"].hex() and v["org"] == org["id"], v
    assert api(stack, "GET", "/admin/audit/verify?head=" + v["head"], adm)[2]["ok"]
    st, _, doc = api(stack, "GET", "/admin/audit/verify?head=xyz", adm)
    assert st == 400 and "head" in doc["error_description"], doc
    tamper(stack, "update audit set actor = 'nobody' where id = %d" % rows[1]["id"])
    st, _, v = api(stack, "GET", "/admin/audit/verify", adm)
    assert st == 200 and not v["ok"] and v["verdict"] == "changed" and v["bad_seq"] == 2 \
        and v["bad_id"] == rows[1]["id"], v
    # The other organization's chain is untouched by this one's damage.
    assert api(stack, "GET", "/admin/audit/verify", adm_b)[2]["ok"]
