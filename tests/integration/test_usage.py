"""
Usage per key (ISSUE 12 §1, src/usage.h, sql/013_usage.sql): counted in
each host's shared memory without a write per request, flushed by each
host's housekeeper in one statement every usage_flush_sec (1 s here).

  - exactness: a known number of requests of each kind through two
    instances on one database (host A, the stack's; host B, a second
    jwtmint behind its own nginx), then the exact counts per endpoint and
    outcome, the same in the minute, hour and day rows; a well-formed but
    unknown key id counts as 'unknown', with no organization;
  - a database outage: the counts wait in shared memory and are written,
    once, when it is back;
  - the admin API (GET /admin/keys/{id}/usage, GET /admin/usage?top=):
    another organization's key is 404, bad parameters 400; the CLI's
    `key usage` chart and `usage --top`; rollup retention (a new host's
    housekeeper purges at its start, under the advisory lock);
  - usage = 0 counts nothing: a host started with it serves a key, then a
    reload to usage = 1 and another key's counts appear, flushed after
    anything the first key could have left: the first has no row.

Every wait is for a condition, with a deadline.
"""

import collections
import json
import os
import signal
import time
import secrets as pysecrets
import urllib.parse

from harness import FORM, make_key, wait_for
from test_admin_api import admin_aud, api, bearer
from test_lifecycle import new_org
from test_multihost import Host

MODES = ("nginx",)
STACK_OPTIONS = {"env": {"JWTMINT_USAGE_FLUSH_SEC": "1"}}

SCOPES = "admin introspect read:accounts"
FLUSH_DEADLINE = 40     # a flush after a database outage waits its backoff


def key(stack, org, scopes=SCOPES):
    return stack.admin_json("key", "create", "--name", "usage-" + pysecrets.token_hex(3), "--scopes", scopes,
                            "--org", org["slug"], "--grants", "client_credentials", "--json")


def rows(stack, key_id, granularity):
    """{(endpoint, outcome): n} of key_id's rows of one granularity."""
    out = stack.psql("select endpoint, outcome, sum(n) from key_usage where key_id = '%s' and granularity = '%s'"
                     " group by 1, 2" % (key_id, granularity))
    got = {}
    for line in out.split("\n"):
        if line:
            e, o, n = line.split("|")
            got[(e, o)] = int(n)
    return got


def unknown(stack, endpoint, outcome):
    return int(stack.psql("select coalesce(sum(n), 0) from key_usage where key_id = 'unknown' and"
                          " granularity = 'minute' and endpoint = '%s' and outcome = '%s'"
                          " and org_id is null" % (endpoint, outcome)))


def form(host, path, k, **fields):
    st, _, rb = host.request("POST", path, {"Content-Type": FORM, "X-API-Key": k},
                             urllib.parse.urlencode(fields).encode())
    try:
        return st, json.loads(rb)
    except ValueError:
        return st, rb


def wait_counts(stack, key_id, want, what):
    wait_for(lambda: rows(stack, key_id, "minute") == want, timeout=FLUSH_DEADLINE, interval=0.2,
             what="%s: the flushed counts of %s to be %r (now %r)" % (what, key_id, want,
                                                                      rows(stack, key_id, "minute")))
    for g in ("hour", "day"):
        assert rows(stack, key_id, g) == want, "%s rows of %s: %r, minute rows %r" % (
            g, key_id, rows(stack, key_id, g), want)


def test_usage_exact_across_two_hosts(stack):
    org, other = new_org(stack, "use"), new_org(stack, "useb")
    k, adm, adm_b = key(stack, org), key(stack, org), key(stack, other)
    # Rows past their retention, written before host B starts: its
    # housekeeper purges at its start (minute 48 h, hour 90 days; day rows
    # are kept for ever by default).
    stack.psql("insert into key_usage values"
               " ('minute', now() - interval '3 days', '%(o)s', '%(k)s', 'token', 'allowed', 7),"
               " ('hour', now() - interval '100 days', '%(o)s', '%(k)s', 'token', 'allowed', 7),"
               " ('day', now() - interval '1000 days', '%(o)s', '%(k)s', 'token', 'allowed', 7)"
               % {"o": other["id"], "k": adm_b["id"]})
    a = Host(stack, "A", stack.port)
    b = Host.start_b(stack)
    try:
        wait_for(lambda: stack.psql("select count(*) from key_usage where key_id = '%s'" % adm_b["id"]).strip()
                 == "1", timeout=20, what="host B's housekeeper to purge the rows past their retention")
        assert stack.psql("select granularity from key_usage where key_id = '%s'" % adm_b["id"]).strip() == "day"

        want = collections.Counter()
        forged = make_key(key_id=k["id"])       # the key's id, a wrong secret
        base_revoke = unknown(stack, "revoke", "invalid_credential")
        base_intro = unknown(stack, "introspect", "invalid_credential")
        toks = []
        for host, n in ((a, 3), (b, 2)):        # /token, allowed
            for _ in range(n):
                st, doc = form(host, "/token", k["key"], grant_type="client_credentials")
                assert st == 200, (st, doc)
                toks.append(doc["access_token"])
                stack.secrets.add(doc["access_token"])
                want["token", "allowed"] += 1
        for host in (a, b, b):                  # a wrong secret: invalid_credential
            st, doc = form(host, "/token", forged, grant_type="client_credentials")
            assert st == 401, (st, doc)
            want["token", "invalid_credential"] += 1
        st, doc = form(a, "/token", k["key"], grant_type="client_credentials", scope="write:settings")
        assert st == 400 and doc["error"] == "invalid_scope", (st, doc)
        want["token", "scope"] += 1
        st, doc = form(b, "/token", k["key"], grant_type="password", username="x", password="y")
        assert st == 400 and doc["error"] == "unauthorized_client", (st, doc)
        want["token", "scope"] += 1             # a grant the key may not use
        for host, path, n, status, outcome in ((a, "/api/accounts", 2, 200, "allowed"),
                                                (b, "/api/accounts", 3, 200, "allowed"),
                                                (b, "/api/settings", 2, 403, "scope")):
            for _ in range(n):                  # /check through each nginx's gate
                st, _, rb = host.request("GET", path, {"X-API-Key": k["key"]})
                assert st == status, (host.name, path, st, rb[:200])
                want["check", outcome] += 1
        st, _, _ = b.request("GET", "/api/accounts", {"X-API-Key": forged})
        assert st == 403
        want["check", "invalid_credential"] += 1
        for host in (a, b):
            st, doc = form(host, "/introspect", k["key"], token=toks[0])
            assert st == 200 and doc["active"] is True, (st, doc)
            want["introspect", "allowed"] += 1
        st, doc = form(a, "/revoke", k["key"], token=toks[1])
        assert st == 200, (st, doc)
        want["revoke", "allowed"] += 1
        for host, n in ((a, 2), (b, 1)):        # the admin API, by the key itself
            for _ in range(n):
                st, _, doc = api(stack if host is a else _AsStack(stack, host), "GET",
                                 "/admin/keys/%s" % k["id"], k)
                assert st == 200, (st, doc)
                want["admin", "allowed"] += 1
        # A Bearer token counts for the key it was issued to.
        tok = bearer(stack, k, resource=admin_aud(stack))
        want["token", "allowed"] += 1
        st, _, doc = api(stack, "GET", "/admin/keys/%s" % k["id"], tok)
        assert st == 200, (st, doc)
        want["admin", "allowed"] += 1
        st, _, doc = api(stack, "GET", "/admin/keys", ("bearer", "not-a-token"))
        assert st == 401                        # no key named: not counted
        # Unknown ids with a right checksum: one 'unknown' row, no org.
        for host in (a, b):
            st, doc = form(host, "/revoke", make_key(), token="x")
            assert st == 401, (st, doc)
        st, doc = form(b, "/introspect", make_key(), token="x")
        assert st == 401, (st, doc)

        want = dict(want)
        wait_counts(stack, k["id"], want, "two hosts")
        wait_for(lambda: unknown(stack, "revoke", "invalid_credential") - base_revoke == 2
                 and unknown(stack, "introspect", "invalid_credential") - base_intro == 1,
                 timeout=FLUSH_DEADLINE, interval=0.2, what="the unknown ids' counts")
        assert stack.psql("select count(*) from key_usage where key_id = 'unknown' and org_id is not null"
                          ).strip() == "0"
        nets = stack.psql("select net, org_id from key_networks where key_id = '%s'" % k["id"]).split()
        assert nets == ["127.0.0.0/24|%s" % org["id"]], nets
        total = sum(want.values())

        # The admin API, by another admin key of the organization.
        st, _, doc = api(stack, "GET", "/admin/keys/%s/usage?granularity=minute" % k["id"], adm)
        assert st == 200, (st, doc)
        assert doc["key_id"] == k["id"] and doc["granularity"] == "minute"
        assert doc["total"]["requests"] == total, (doc["total"], want)
        assert doc["total"]["allowed"] == sum(n for (e, o), n in want.items() if o == "allowed")
        for (e, o), n in want.items():
            assert doc["total"]["endpoints"][e][o] == n, (e, o, doc["total"])
        assert sum(bk["requests"] for bk in doc["buckets"]) == total
        assert len(doc["buckets"]) in (1440, 1441), len(doc["buckets"])   # 24 h of minutes
        st, _, day = api(stack, "GET", "/admin/keys/%s/usage?granularity=day&from=%s" % (
            k["id"], time.strftime("%Y-%m-%d", time.gmtime(time.time() - 2 * 86400))), adm)
        assert st == 200 and day["total"]["requests"] == total, (st, day)
        st, _, doc = api(stack, "GET", "/admin/usage?top=3", adm)
        assert st == 200, (st, doc)
        assert doc["top"][0]["key_id"] == k["id"] and doc["top"][0]["requests"] == total, doc["top"]
        assert doc["total"]["requests"] >= total and "key_id" not in doc
        # Another organization's key is 404, exactly like a missing one.
        for path in ("/admin/keys/%s/usage" % k["id"], "/admin/keys/%s/usage" % make_key()[9:25],
                     "/admin/keys/unknown/usage"):
            st, _, doc = api(stack, "GET", path, adm_b)
            assert st == 404 and doc["error"] == "not_found", (path, st, doc)
        st, _, doc = api(stack, "GET", "/admin/usage", adm_b)
        assert st == 200 and all(t["key_id"] != k["id"] for t in doc["top"]), doc
        for q in ("granularity=week", "from=yesterday", "to=1x", "top=0", "top=101",
                  "top=-1", "top=1%20", "from=2030-01-01&to=2029-01-01", "from=2000-01-01&granularity=hour",
                  "limit=5", "from=1&from=2", "granularity=minute%27%3B--"):
            st, _, doc = api(stack, "GET", "/admin/usage?" + q, adm)
            assert st == 400 and doc["error"] == "invalid_request", (q, st, doc)
            assert "minute'" not in json.dumps(doc)
        st, _, doc = api(stack, "GET", "/admin/usage", None)
        assert st == 401
    finally:
        b.stop()


class _AsStack:
    """stack.request through another host (for api())."""

    def __init__(self, stack, host):
        self.stack, self.host = stack, host

    def request(self, method, path, headers, body):
        st, h, rb = self.host.request(method, path, dict(headers), body)
        return st, h, rb

    def remember(self, text):
        self.stack.remember(text)


def test_usage_kept_through_a_database_outage(stack):
    org = new_org(stack, "useo")
    k = key(stack, org)
    st, _, _ = stack.request("GET", "/api/accounts", {"X-API-Key": k["key"]})
    assert st == 200
    wait_counts(stack, k["id"], {("check", "allowed"): 1}, "before the outage")
    base_other = unknown(stack, "check", "other")
    statuses = []
    stack.pg_stop()
    try:
        # Keys the worker has cached pass without the database; the others
        # are 503 (counted as 'other', under 'unknown': a key the cache
        # does not know cannot be told from a forged id then).
        for _ in range(6):
            statuses.append(stack.request("GET", "/api/accounts", {"X-API-Key": k["key"]})[0])
        # Let the housekeeper try (and fail) a flush with the counts held.
        wait_for(lambda: "usage flush: failed" in stack.logs(), timeout=20, what="a failed usage flush")
    finally:
        stack.pg_start()
    ok = statuses.count(200)
    assert ok + statuses.count(503) == 6, statuses
    want = {("check", "allowed"): 1 + ok}
    wait_for(lambda: rows(stack, k["id"], "minute").get(("check", "allowed")) == 1 + ok
             and rows(stack, k["id"], "minute").get(("check", "other"), 0)
             + unknown(stack, "check", "other") - base_other == 6 - ok,
             timeout=FLUSH_DEADLINE, interval=0.2, what="the counts of the outage to be flushed once")
    got = rows(stack, k["id"], "minute")
    if ("check", "other") in got:
        want["check", "other"] = got["check", "other"]
    assert got == want, (got, want, statuses)
    for g in ("hour", "day"):
        assert rows(stack, k["id"], g) == want


def test_usage_cli_chart(stack):
    org = new_org(stack, "usec")
    k = key(stack, org)
    for _ in range(4):
        assert stack.request("GET", "/api/accounts", {"X-API-Key": k["key"]})[0] == 200
    st, _, _ = stack.request("GET", "/api/settings", {"X-API-Key": k["key"]})
    assert st == 403
    wait_counts(stack, k["id"], {("check", "allowed"): 4, ("check", "scope"): 1}, "CLI")
    out = stack.admin_ok("key", "usage", k["id"], "--since", "2h", "--granularity", "minute")
    assert "key %s, per minute" % k["id"] in out, out
    assert "requests 5, allowed 4, refused 1" in out, out
    assert "check       allowed 4 scope 1" in out, out
    bars = [ln for ln in out.splitlines() if "|" in ln]
    assert len(bars) in (120, 121), len(bars)       # one bar per minute of 2 h
    counts = [int(ln.rsplit("| ", 1)[1].split()[0]) for ln in bars]
    assert sum(counts) == 5, out
    for ln, n in zip(bars, counts):         # a bar for every busy minute
        assert ("#" in ln) == (n > 0), ln
    assert sum(1 for ln in bars if "!" in ln) == 1 and "(1 refused)" in out, out
    doc = stack.admin_json("key", "usage", k["id"], "--granularity", "day", "--json")
    assert doc["total"]["requests"] == 5 and doc["total"]["endpoints"] == {"check": {"allowed": 4, "scope": 1}}
    doc = stack.admin_json("usage", "--org", org["slug"], "--top", "1", "--json")
    assert doc["top"] == [{"key_id": k["id"], "requests": 5, "allowed": 4, "refused": 1}], doc
    out = stack.admin_ok("usage", "--org", org["slug"])
    assert "top keys by requests:" in out and k["id"] in out, out
    # Over the key's rate limit: rate_limit.
    rl = stack.admin_json("key", "create", "--name", "usage-rl", "--scopes", "read:accounts", "--org", org["slug"],
                          "--rate-per-min", "2", "--json")
    got = [stack.request("GET", "/api/accounts", {"X-API-Key": rl["key"]})[0] for _ in range(3)]
    assert got[:2] == [200, 200] and got[2] != 200, got
    wait_counts(stack, rl["id"], {("check", "allowed"): 2, ("check", "rate_limit"): 1}, "rate limit")
    for args, rc in ((["key", "usage", make_key()[9:25]], 1), (["key", "usage", k["id"], "--granularity", "week"], 2),
                     (["key", "usage", k["id"], "--since", "forever"], 2),
                     (["key", "usage", k["id"], "--since", "1h", "--from", "2026-01-01"], 2),
                     (["usage", "--org", org["slug"], "--top", "0"], 2)):
        got, _, err = stack.admin(*args)
        assert got == rc, (args, got, err)


def test_usage_off(stack):
    org = new_org(stack, "useoff")
    off, on = key(stack, org), key(stack, org)
    conf = os.path.join(stack.tmp, "usage-off.conf")
    sock = "unix:" + os.path.join(stack.tmp, "usage-off.sock")
    stack.write_config(conf, ["usage = 0"])
    proc = stack.spawn_server(sock, extra_args=["-c", conf], workers=1)    # the last -c counts
    try:
        stack.wait_fcgi(sock, proc)

        def token(k):
            st, _, rb = stack.fcgi(sock, "POST", "/token", {"Content-Type": FORM, "X-API-Key": k["key"]},
                                   "grant_type=client_credentials")
            assert st == 200, (st, rb[:200])
        for _ in range(3):
            token(off)
        st, _, rb = stack.fcgi(sock, "POST", "/token", {"Content-Type": FORM, "X-API-Key": make_key(
            key_id=off["id"])}, "grant_type=client_credentials")
        assert st == 401, (st, rb[:200])        # a refusal is not counted either
        stack.write_config(conf, ["usage = 1"])
        os.kill(proc.pid, signal.SIGHUP)
        # Until the new worker serves (an old one still counts nothing).
        wait_for(lambda: token(on) or rows(stack, on["id"], "minute"), timeout=FLUSH_DEADLINE, interval=0.2,
                 what="the counts of the key served after the reload to usage = 1")
        assert rows(stack, off["id"], "minute") == {}, rows(stack, off["id"], "minute")
        assert stack.psql("select count(*) from key_networks where key_id = '%s'" % off["id"]).strip() == "0"
    finally:
        stack.stop_server(proc)
