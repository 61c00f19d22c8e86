"""
The admin HTTP API (docs/ADMIN-API.md): the framework (routing, the one
authentication rule, JSON bodies under bounds, errors, ETag/If-Match,
cursors, Idempotency-Key) and /admin/keys, each endpoint with its denials:
no credential 401, a resource server's token 401, no admin scope 403,
limited users 403, another organization 404 exactly like a missing key,
bad bodies 400 naming the field without echoing it and writing nothing,
stale If-Match 412, idempotent replays, pagination stable across inserts,
narrower-only updates, no key wider than its maker, a disabled key refused
at /token and /check and good again once enabled, the roll over HTTP.
Every wait is for a condition, bounded.
"""

import json
import re
import threading
import time
import urllib.parse

from harness import KEY_RE, assert_oauth_error, make_key, nginx_only, parse_rfc3339, wait_for
from test_lifecycle import ALL_GRANTS, introspect, login, login_ok, new_org, new_user, post

# The admin CLI, the admin API and tenancy are the same code whichever
# transport runs jwtmint: once, behind nginx (the CGI pass keeps to what
# CGI changes: tests/run.sh keeps make test under 15 minutes).
MODES = ("nginx",)

STACK_OPTIONS = {"env": {"JWTMINT_ARGON2_M_KIB": "256", "JWTMINT_ARGON2_T": "1"}}

JSON = "application/json"
ADMIN_SCOPES = "admin introspect read:accounts write:settings"
VIEW = {"id", "start", "name", "env", "scopes", "grants", "rate_per_sec", "rate_per_min", "meta",
        "created_at", "last_used_at", "expires_at", "disabled_at", "status", "rolled_from", "rolled_to",
        "revoked_at", "version", "trusted_forwarder"}
RFC3339Z = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


class World:
    """Two organizations, an admin key in each, a key without admin, and
    users of the admin and limited roles (made once per stack)."""

    def __init__(self, stack):
        self.org = new_org(stack, "api")
        self.other = new_org(stack, "apib")
        self.adm = key(stack, self.org, ADMIN_SCOPES, grants=ALL_GRANTS)
        self.plain = key(stack, self.org, "read:accounts", grants=ALL_GRANTS)
        self.adm_b = key(stack, self.other, ADMIN_SCOPES)
        self.boss = new_user(stack, self.org, role="admin")
        # A limited user given the admin scope: the role still keeps it out.
        self.lim = new_user(stack, self.org, role="limited", scopes="admin")
        self.sup = new_user(stack, self.org, role="support", scopes="admin")


def world(stack):
    if not hasattr(stack, "_api_world"):
        stack._api_world = World(stack)
    return stack._api_world


def key(stack, org, scopes, grants="client_credentials", expires=None):
    args = ["key", "create", "--name", "cli-made", "--scopes", scopes, "--grants", grants,
            "--org", org["slug"], "--json"]
    if expires:
        args += ["--expires-in", expires]
    return stack.admin_json(*args)


def admin_aud(stack):
    return stack.issuer + "/admin"


def api(stack, method, path, cred=None, body=None, headers=None, ctype=JSON):
    """One admin API request. cred: a key (dict or string: X-API-Key) or
    ("bearer", token). body: a dict/list (JSON-encoded), str or bytes.
    Returns (status, headers, parsed JSON or raw bytes)."""
    hdrs = []
    if isinstance(cred, tuple):
        hdrs.append(("Authorization", "Bearer " + cred[1]))
    elif cred is not None:
        hdrs.append(("X-API-Key", cred["key"] if isinstance(cred, dict) else cred))
    if body is not None and not isinstance(body, (bytes, str)):
        body = json.dumps(body)
    if body is not None and ctype:
        hdrs.append(("Content-Type", ctype))
    hdrs += list((headers or {}).items())
    st, h, b = stack.request(method, path, hdrs, body if body is not None else b"")
    stack.remember(b.decode("utf-8", "replace"))
    assert h.get("cache-control", "").lower() == "no-store", "%s %s: Cache-Control %r" % (
        method, path, h.get("cache-control"))
    try:
        doc = json.loads(b) if b else None
    except ValueError:
        doc = b
    return st, h, doc


def bearer(stack, k, user=None, **extra):
    """An access token of key k (client_credentials) or of user through k."""
    if user is None:
        st, _, d = post(stack, "/token", k, grant_type="client_credentials", **extra)
    else:
        st, _, d = login(stack, k, user, **extra)
    assert st == 200, "token: %d %r" % (st, d)
    return ("bearer", d["access_token"])


def create(stack, cred, **body):
    body.setdefault("name", "made-over-http")
    body.setdefault("scopes", ["read:accounts"])
    st, h, doc = api(stack, "POST", "/admin/keys", cred, body)
    assert st == 201, "create: %d %r" % (st, doc)
    return h, doc


def count_keys(stack, org):
    return int(stack.psql("select count(*) from api_keys where org_id = '%s'" % org["id"]))


def cc(stack, k):
    return post(stack, "/token", k, grant_type="client_credentials")


def gate(stack, k):
    return stack.request("GET", "/api/accounts", {"X-API-Key": k["key"] if isinstance(k, dict) else k})[0]


# --- the framework ---------------------------------------------------------

def test_routes_404_405(stack):
    w = world(stack)
    # The OpenAPI document is public; it describes every key endpoint.
    st, h, doc = api(stack, "GET", "/admin/openapi.json")
    assert st == 200 and doc["openapi"].startswith("3.1") and h["content-type"] == JSON, (st, h)
    assert {"/admin/keys", "/admin/keys/{id}", "/admin/keys/{id}/roll"} <= set(doc["paths"]), sorted(doc["paths"])
    for path in ("/admin/nope", "/admin/keys/abc/", "/admin/keys//roll", "/admin/keys/a%20b",
                 "/admin/keys/abcdefghijklmnop/rolls", "/admin/"):
        assert_oauth_error(api(stack, "GET", path, w.adm), 404, "not_found")
    for method, path, allow in (("PUT", "/admin/keys", "GET, HEAD, POST"),
                                ("DELETE", "/admin/keys", "GET, HEAD, POST"),
                                ("GET", "/admin/keys/abcdefghijklmnop/roll", "POST"),
                                ("POST", "/admin/keys/abcdefghijklmnop", "GET, HEAD, PATCH, DELETE"),
                                ("GET", "/admin/revocations", "POST")):
        resp = api(stack, method, path, w.adm)
        assert_oauth_error(resp, 405, "method_not_allowed")
        assert resp[1].get("allow") == allow, "%s %s: Allow %r" % (method, path, resp[1].get("allow"))


def test_authentication(stack):
    w = world(stack)
    ok = lambda cred: api(stack, "GET", "/admin/keys?limit=1", cred)
    # No credential, a cookie only, a bad key: 401.
    assert_oauth_error(ok(None), 401, "invalid_client")
    st, _, doc = api(stack, "GET", "/admin/keys", None, headers={"Cookie": "session=" + w.adm["key"]})
    assert st == 401, "a cookie is never read: %d %r" % (st, doc)
    assert_oauth_error(ok(make_key()), 401, "invalid_client")
    k = w.adm["key"]
    assert_oauth_error(ok(k[:-1] + ("b" if k[-1] == "a" else "a")), 401, "invalid_client")
    # A key without the admin scope: 403.
    assert_oauth_error(ok(w.plain), 403, "insufficient_scope")
    # Tokens: the admin API's audience only.
    assert ok(bearer(stack, w.adm, scope="admin", audience=admin_aud(stack)))[0] == 200
    assert ok(bearer(stack, w.adm, w.boss, scope="admin", resource=admin_aud(stack)))[0] == 200
    for_rs = bearer(stack, w.adm, w.boss, scope="admin")
    assert_oauth_error(ok(for_rs), 401, "invalid_token")
    assert_oauth_error(ok(bearer(stack, w.adm, scope="admin")), 401, "invalid_token")
    # An admin-audience token without the admin scope: 403.
    narrow = bearer(stack, w.adm, w.boss, scope="read:accounts", resource=admin_aud(stack))
    assert_oauth_error(ok(narrow), 403, "insufficient_scope")
    # The limited role never gets in, whatever its scopes say.
    lim = bearer(stack, w.adm, w.lim, scope="admin", resource=admin_aud(stack))
    assert_oauth_error(ok(lim), 403, "insufficient_scope")
    # Who may not get the admin scope is not given the admin audience.
    for resp in (login(stack, w.adm, w.sup, resource=admin_aud(stack)),
                 post(stack, "/token", w.plain, grant_type="client_credentials", audience=admin_aud(stack))):
        assert_oauth_error(resp, 400, "invalid_target")
    # Admin tokens are good nowhere else: introspection calls them inactive.
    adm_tok = bearer(stack, w.adm, scope="admin", audience=admin_aud(stack))[1]
    assert introspect(stack, w.adm, adm_tok) == {"active": False}
    # One credential at a time.
    st, _, doc = api(stack, "GET", "/admin/keys", None, headers={
        "X-API-Key": w.adm["key"], "Authorization": "Bearer " + adm_tok})
    assert_oauth_error((st, _, doc), 400, "invalid_request")
    assert_oauth_error(api(stack, "GET", "/admin/keys", None, headers={"Authorization": "Basic eDp5"}),
                       401, "invalid_token")


def test_bad_bodies_write_nothing(stack):
    w = world(stack)
    before = count_keys(stack, w.org)
    audit = stack.psql("select count(*) from audit where org_id = '%s'" % w.org["id"])
    secret = "SeCrEt-" + "x" * 8
    cases = [
        ({"name": "n", "scopes": ["read:accounts"], "colour": secret}, "unknown field colour"),
        ({"name": "n", "scopes": ["read:accounts"], "c\u001bolour": 1}, "field name is malformed"),
        ({"name": "a\u0007" + secret, "scopes": ["read:accounts"]}, "name has control"),
        ({"name": "x" * 201, "scopes": ["read:accounts"]}, "name is too long"),
        ({"name": 5, "scopes": ["read:accounts"]}, "name must be a string"),
        ({"scopes": ["read:accounts"]}, "name is required"),
        ({"name": "n", "scopes": "read:accounts"}, "scopes must be an array"),
        ({"name": "n", "scopes": ["read:a\"" + secret]}, "scopes is invalid"),
        ({"name": "n", "scopes": ["read:accounts"], "env": "prod"}, "env is invalid"),
        ({"name": "n", "scopes": ["read:accounts"], "grants": ["implicit"]}, "grants is invalid"),
        ({"name": "n", "scopes": ["read:accounts"], "expires_in": "10y"}, "expires_in must be a duration"),
        ({"name": "n", "scopes": ["read:accounts"], "rate_per_sec": -1}, "rate_per_sec is out of range"),
        ({"name": "n", "scopes": ["read:accounts"], "meta": {"k": {"deep": secret}}}, "meta values"),
        ({"name": "n", "scopes": ["read:accounts"], "meta": {"k%d" % i: "v" for i in range(33)}}, "meta has more"),
        ({"name": "n", "scopes": ["read:accounts"], "meta": {"k": "v" * 513}}, "meta values"),
        ('{"name":"n","scopes":["read:accounts"],"meta":' + "[" * 9 + "]" * 9 + "}", "nested too deeply"),
        ('{"name":"n","name":"m","scopes":[]}', "not valid JSON"),
        ('{"name":"n",', "not valid JSON"),
        ('["n"]', "JSON object"),
    ]
    for body, why in cases:
        st, h, doc = api(stack, "POST", "/admin/keys", w.adm, body)
        assert_oauth_error((st, h, doc), 400, "invalid_request", echo=[secret])
        assert why in doc["error_description"], "%r: %r, want %r" % (body, doc["error_description"], why)
    # Media type and size.
    assert_oauth_error(api(stack, "POST", "/admin/keys", w.adm, "name=x", ctype="application/x-www-form-urlencoded"),
                       415, "invalid_request")
    assert_oauth_error(api(stack, "POST", "/admin/keys", w.adm, '{"name":"x"}', ctype=None), 415, "invalid_request")
    big = json.dumps({"name": "n", "scopes": ["read:accounts"], "meta": {"k": "v" * 70000}})
    assert_oauth_error(api(stack, "POST", "/admin/keys", w.adm, big), 413, "invalid_request")
    assert count_keys(stack, w.org) == before, "a refused create wrote a key"
    assert stack.psql("select count(*) from audit where org_id = '%s'" % w.org["id"]) == audit
    assert secret not in stack.logs(), "a refused value reached the log"


# --- keys ------------------------------------------------------------------

def test_create_get_list(stack):
    w = world(stack)
    h, doc = create(stack, w.adm, name="ci deploy", scopes=["read:accounts", "write:settings"], env="test",
                    grants=["client_credentials", "token_exchange"], expires_in="90d", rate_per_min=600,
                    meta={"owner": "ops", "ticket": "OPS-1"})
    assert set(doc) == VIEW | {"key"}, sorted(doc)
    m = KEY_RE.fullmatch(doc["key"])
    assert m and m.group(2) == doc["id"] and m.group(1) == "test", doc["key"][:20]
    assert h.get("location") == "/admin/keys/" + doc["id"], h.get("location")
    assert doc["start"] == "jmk_test_" + doc["id"] and doc["key"].startswith(doc["start"])
    assert doc["scopes"] == ["read:accounts", "write:settings"] and doc["rate_per_min"] == 600
    assert doc["rate_per_sec"] is None and doc["meta"] == {"owner": "ops", "ticket": "OPS-1"}
    assert doc["status"] == "active" and doc["env"] == "test" and doc["revoked_at"] is None
    assert RFC3339Z.match(doc["created_at"]) and RFC3339Z.match(doc["expires_at"]), doc
    assert abs(parse_rfc3339(doc["expires_at"]) - time.time() - 90 * 86400) < 120
    assert cc(stack, doc)[0] == 200, "the new key does not work"
    # Shown once: GET and the listing have everything but the secret.
    st, h2, got = api(stack, "GET", h["location"], w.adm)
    assert st == 200 and set(got) == VIEW and h2.get("etag") == '"v%d"' % got["version"], (st, got, h2)
    assert st == 200 and "key" not in got
    st, _, lst = api(stack, "GET", "/admin/keys?limit=500", w.adm)
    assert st == 200 and set(lst) == {"keys", "next_cursor"}, lst
    row = [k for k in lst["keys"] if k["id"] == doc["id"]]
    assert len(row) == 1 and "key" not in row[0] and set(row[0]) == VIEW
    raw = json.dumps(lst)
    secret_part = KEY_RE.fullmatch(doc["key"]).group(3)
    assert secret_part not in raw and secret_part not in json.dumps(got)
    assert w.adm_b["id"] not in raw, "another organization's key is listed"
    # The audit row names the caller and the source.
    row = stack.psql("select event, actor, source, resource from audit where resource = '%s'" % doc["id"])
    assert row.strip() == "key.create|key:%s|127.0.0.1|%s" % (w.adm["id"], doc["id"]), row


def test_filters(stack):
    w = world(stack)
    org = new_org(stack, "flt")
    adm = key(stack, org, ADMIN_SCOPES)
    soon = create(stack, adm, name="batch-soon", expires_in="2d")[1]
    later = create(stack, adm, name="batch-later", expires_in="30d", env="test")[1]
    never = create(stack, adm, name="other")[1]
    q = lambda qs: {k["id"] for k in api(stack, "GET", "/admin/keys?" + qs, adm)[2]["keys"]}
    assert q("expiring_within=7d") == {soon["id"]}
    assert q("name_prefix=batch-") == {soon["id"], later["id"]}
    assert q("name_prefix=" + urllib.parse.quote("%")) == set(), "a prefix is no pattern"
    assert q("env=test") == {later["id"]}
    assert never["id"] in q("status=active") and soon["id"] in q("status=active")
    for qs, what in (("env=prod", "env"), ("status=gone", "status"), ("expiring_within=soon", "expiring_within"),
                     ("limit=0", "limit"), ("limit=501", "limit"), ("colour=red", "colour"),
                     ("cursor=!!", "cursor"), ("cursor=" + "QQ" * 80, "cursor")):
        resp = api(stack, "GET", "/admin/keys?" + qs, adm)
        assert_oauth_error(resp, 400, "invalid_request")
        assert what in resp[2]["error_description"], (qs, resp[2])


def test_pagination_stable_across_inserts(stack):
    org = new_org(stack, "page")
    adm = key(stack, org, ADMIN_SCOPES)
    made = [adm["id"]] + [create(stack, adm, name="p%d" % i)[1]["id"] for i in range(4)]
    seen, cursor, inserted = [], None, None
    while True:
        st, _, doc = api(stack, "GET", "/admin/keys?limit=2" + ("&cursor=" + cursor if cursor else ""), adm)
        assert st == 200 and len(doc["keys"]) <= 2, (st, doc)
        seen += [k["id"] for k in doc["keys"]]
        if inserted is None:
            inserted = create(stack, adm, name="late")[1]["id"]   # between two pages
        cursor = doc["next_cursor"]
        if cursor is None:
            break
        assert isinstance(cursor, str) and len(cursor) <= 128
    assert len(seen) == len(set(seen)), "a key was listed twice: %r" % seen
    assert seen[:len(made)] == made, "keys out of order or missing: %r vs %r" % (seen, made)
    assert set(seen) <= set(made) | {inserted}


def test_other_organization_is_404(stack):
    w = world(stack)
    mine = create(stack, w.adm, name="mine")[1]
    missing = "a" * 16
    ref = api(stack, "GET", "/admin/keys/" + missing, w.adm_b)
    assert_oauth_error(ref, 404, "not_found")
    for method, suffix, body in (("GET", "", None), ("PATCH", "", {"name": "taken"}), ("DELETE", "", None),
                                 ("POST", "/roll", {"grace": "1h"})):
        for ident in (mine["id"], missing, "not-a-key-id"):
            resp = api(stack, method, "/admin/keys/" + ident + suffix, w.adm_b, body)
            assert resp[0] == 404 and resp[2] == ref[2], "%s %s of another org: %d %r" % (
                method, suffix, resp[0], resp[2])
    st, _, got = api(stack, "GET", "/admin/keys/" + mine["id"], w.adm)
    assert st == 200 and got["name"] == "mine" and got["status"] == "active" and got["version"] == mine["version"]


def test_no_key_wider_than_its_maker(stack):
    w = world(stack)
    before = count_keys(stack, w.org)
    for cred, scopes in ((w.adm, ["payments:write"]), (w.adm, ["admin", "read:accounts", "billing"]),
                         (bearer(stack, w.adm, w.boss, scope="admin", resource=admin_aud(stack)), ["read:accounts"])):
        resp = api(stack, "POST", "/admin/keys", cred, {"name": "up", "scopes": scopes})
        assert_oauth_error(resp, 403, "insufficient_scope")
    # A roll would give a new secret for the wider key: refused too.
    wide = key(stack, w.org, "read:accounts payments:write")
    assert_oauth_error(api(stack, "POST", "/admin/keys/%s/roll" % wide["id"], w.adm, {"grace": "1h"}),
                       403, "insufficient_scope")
    assert count_keys(stack, w.org) == before + 1, "a refused create or roll made a key"
    # Within what the caller holds: fine.
    assert create(stack, w.adm, scopes=["admin", "read:accounts"])[1]["scopes"] == ["admin", "read:accounts"]


def test_update_if_match_and_narrower_only(stack):
    w = world(stack)
    h, k = create(stack, w.adm, name="upd", scopes=["read:accounts", "write:settings"],
                  grants=["client_credentials", "password"], expires_in="7d")
    url = h["location"]
    etag = api(stack, "GET", url, w.adm)[1]["etag"]
    st, h2, doc = api(stack, "PATCH", url, w.adm, {"name": "renamed", "meta": {"team": "a"}, "rate_per_sec": 5},
                      headers={"If-Match": etag})
    assert st == 200 and doc["name"] == "renamed" and doc["meta"] == {"team": "a"} and doc["rate_per_sec"] == 5, doc
    assert h2["etag"] != etag and doc["version"] == k["version"] + 1
    # A stale If-Match: 412, nothing changed.
    resp = api(stack, "PATCH", url, w.adm, {"name": "lost-update"}, headers={"If-Match": etag})
    assert_oauth_error(resp, 412, "precondition_failed")
    assert api(stack, "GET", url, w.adm)[2]["name"] == "renamed"
    assert_oauth_error(api(stack, "PATCH", url, w.adm, {"name": "x"}, headers={"If-Match": "v1, v2"}),
                       400, "invalid_request")
    # Narrower only: scopes, grants, expiry.
    for body, field in (({"scopes": ["read:accounts", "admin"]}, "scopes"), ({"grants": ["refresh_token"]}, "grants"),
                        ({"expires_in": "8d"}, "expires_in"), ({}, "nothing"), ({"grants": []}, "grants"),
                        ({"disabled": "yes"}, "disabled")):
        resp = api(stack, "PATCH", url, w.adm, body)
        assert_oauth_error(resp, 400, "invalid_request")
        assert field in resp[2]["error_description"], (body, resp[2])
    st, _, doc = api(stack, "PATCH", url, w.adm, {"scopes": ["read:accounts"], "grants": ["password"],
                                                   "expires_in": "1d", "rate_per_sec": None},
                     headers={"If-Match": "*"})
    assert st == 200 and doc["scopes"] == ["read:accounts"] and doc["grants"] == ["password"], doc
    assert doc["rate_per_sec"] is None and parse_rfc3339(doc["expires_at"]) - time.time() < 86400 + 60
    # Taken away at once: the key no longer gets client_credentials tokens.
    assert_oauth_error(cc(stack, k), 400, "unauthorized_client")
    events = stack.psql("select event from audit where resource = '%s' order by id" % k["id"]).split()
    assert events == ["key.create", "key.update", "key.update"], events


def test_disable_enable(stack):
    w = world(stack)
    k = create(stack, w.adm, name="dis", scopes=["read:accounts", "introspect"])[1]
    tok = cc(stack, k)[2]["access_token"]
    url = "/admin/keys/" + k["id"]
    if stack.mode == "nginx":
        wait_for(lambda: all(gate(stack, k) == 200 for _ in range(8)), timeout=3, what="the gate to take the key")
    st, _, doc = api(stack, "PATCH", url, w.adm, {"disabled": True})
    assert st == 200 and doc["status"] == "disabled" and doc["disabled_at"], doc
    # Refused like any invalid key, everywhere, its tokens with it.
    wait_for(lambda: cc(stack, k)[0] == 401, timeout=3, what="the disabled key to be refused")
    assert_oauth_error(cc(stack, k), 401, "invalid_client")
    assert_oauth_error(post(stack, "/introspect", k, token=tok), 401, "invalid_client")
    assert_oauth_error(post(stack, "/revoke", k, token=tok), 401, "invalid_client")
    assert introspect(stack, w.adm, tok) == {"active": False}
    if stack.mode == "nginx":
        wait_for(lambda: all(gate(stack, k) == 403 for _ in range(8)), timeout=3, what="the gate to refuse it")
    assert k["id"] in {x["id"] for x in api(stack, "GET", "/admin/keys?status=disabled", w.adm)[2]["keys"]}
    st, _, doc = api(stack, "PATCH", url, w.adm, {"disabled": False})
    assert st == 200 and doc["status"] == "active" and doc["disabled_at"] is None, doc
    wait_for(lambda: cc(stack, k)[0] == 200, timeout=3, what="the enabled key to work")
    assert introspect(stack, w.adm, tok)["active"], "the key's token is not good again"
    if stack.mode == "nginx":
        wait_for(lambda: all(gate(stack, k) == 200 for _ in range(8)), timeout=3, what="the gate to take it again")
    events = stack.psql("select event from audit where resource = '%s' order by id" % k["id"]).split()
    assert events == ["key.create", "key.disable", "key.enable"], events


def test_delete_revokes(stack):
    w = world(stack)
    k = create(stack, w.adm, name="del", scopes=["read:accounts"])[1]
    tok = cc(stack, k)[2]["access_token"]
    for _ in range(2):   # deleting again shows it as it is
        st, _, doc = api(stack, "DELETE", "/admin/keys/" + k["id"], w.adm)
        assert st == 200 and doc["status"] == "revoked" and doc["revoked_at"], doc
    assert_oauth_error(cc(stack, k), 401, "invalid_client")
    assert introspect(stack, w.adm, tok) == {"active": False}
    n = stack.psql("select count(*) from audit where event = 'key.revoke' and resource = '%s'" % k["id"])
    assert n.strip() == "1", n
    assert_oauth_error(api(stack, "PATCH", "/admin/keys/%s" % k["id"], w.plain, {"name": "x"}),
                       403, "insufficient_scope")


def test_idempotency(stack):
    w = world(stack)
    org = new_org(stack, "idem")
    adm = key(stack, org, ADMIN_SCOPES)
    body = {"name": "once", "scopes": ["read:accounts"]}
    hk = {"Idempotency-Key": "create-once-1"}
    st1, h1, d1 = api(stack, "POST", "/admin/keys", adm, body, headers=hk)
    st2, h2, d2 = api(stack, "POST", "/admin/keys", adm, body, headers=hk)
    assert st1 == st2 == 201 and d1 == d2 and h1["location"] == h2["location"], (st1, st2)
    assert h2.get("idempotent-replayed") == "true" and "idempotent-replayed" not in h1
    assert count_keys(stack, org) == 2, "a replay created a key"
    # The same key with another body: 422, nothing done.
    resp = api(stack, "POST", "/admin/keys", adm, dict(body, name="twice"), headers=hk)
    assert_oauth_error(resp, 422, "idempotency_key_reused")
    # Scoped to the caller: another caller's same key is its own.
    st, _, d3 = api(stack, "POST", "/admin/keys", w.adm, body, headers=hk)
    assert st == 201 and d3["id"] != d1["id"]
    # The stored answer holds the key's secret only sealed.
    secret_part = KEY_RE.fullmatch(d1["key"]).group(3)
    raw = stack.psql("select encode(body_sealed, 'escape') from idempotency where actor = 'key:%s'" % adm["id"])
    assert raw.strip() and secret_part not in raw and d1["id"] not in raw
    # Concurrent duplicates: one creates, the others replay or get 409.
    hk2 = {"Idempotency-Key": "race-%d" % time.time_ns()}
    out = []
    ts = [threading.Thread(target=lambda: out.append(api(stack, "POST", "/admin/keys", adm, dict(body, name="race"),
                                                         headers=hk2))) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert all(r[0] in (201, 409) for r in out), [r[0] for r in out]
    ids = {r[2]["id"] for r in out if r[0] == 201}
    assert len(ids) == 1, "concurrent duplicates made %d keys" % len(ids)
    assert int(stack.psql("select count(*) from api_keys where org_id = '%s' and name = 'race'" % org["id"])) == 1
    # Rolls too.
    hk3 = {"Idempotency-Key": "roll-1"}
    r1 = api(stack, "POST", "/admin/keys/%s/roll" % d1["id"], adm, {"grace": "1h"}, headers=hk3)
    r2 = api(stack, "POST", "/admin/keys/%s/roll" % d1["id"], adm, {"grace": "1h"}, headers=hk3)
    assert r1[0] == r2[0] == 201 and r1[2] == r2[2], (r1[0], r2[0])
    assert int(stack.psql("select count(*) from api_keys where rolled_from = '%s'" % d1["id"])) == 1
    # A failure is not remembered: the retry does the work.
    hk4 = {"Idempotency-Key": "after-a-failure"}
    assert api(stack, "POST", "/admin/keys", adm, {"name": "x"}, headers=hk4)[0] == 400
    assert api(stack, "POST", "/admin/keys", adm, {"name": "x", "scopes": []}, headers=hk4)[0] == 201
    assert_oauth_error(api(stack, "POST", "/admin/keys", adm, body, headers={"Idempotency-Key": "a b"}),
                       400, "invalid_request")


def test_roll_over_http(stack):
    w = world(stack)
    old = create(stack, w.adm, name="rolling", scopes=["read:accounts", "introspect"], meta={"o": "1"})[1]
    keep = create(stack, w.adm, name="rolling-keep", scopes=["read:accounts"])[1]
    t_old = cc(stack, old)[2]["access_token"]
    t_keep = cc(stack, keep)[2]["access_token"]
    st, h, new = api(stack, "POST", "/admin/keys/%s/roll" % old["id"], w.adm, {"grace": "2s", "revoke_tokens": True})
    assert st == 201 and h["location"] == "/admin/keys/" + new["id"], (st, new)
    assert KEY_RE.fullmatch(new["key"]) and new["rolled_from"] == old["id"] and new["meta"] == {"o": "1"}
    assert new["revoke_tokens"] is True and new["scopes"] == old["scopes"]
    # The old key serves until its grace ends (a slow machine may reach
    # the end first: then, and only then, a refusal is right).
    ends = parse_rfc3339(new["old_key_ends_at"])
    assert cc(stack, old)[0] == 200 or time.time() >= ends, "the old key stopped before its grace"
    st, _, newk = api(stack, "POST", "/admin/keys/%s/roll" % keep["id"], w.adm, {"grace": 2})
    assert st == 201 and newk["revoke_tokens"] is False
    got = api(stack, "GET", "/admin/keys/" + old["id"], w.adm)[2]
    assert got["status"] == "expiring" and got["rolled_to"] == new["id"], got
    for body, code, err in (({"grace": "1h"}, 409, "conflict"), ({"grace": "31d"}, 400, "invalid_request"),
                            ({}, 400, "invalid_request"), ({"grace": "-1h"}, 400, "invalid_request")):
        assert_oauth_error(api(stack, "POST", "/admin/keys/%s/roll" % old["id"], w.adm, body), code, err)
    wait_for(lambda: cc(stack, old)[0] == 401 and cc(stack, keep)[0] == 401, timeout=ends - time.time() + 5,
             what="the grace to end")
    # revoke_tokens: the old key's tokens end with it; without, they live
    # until their own exp.
    assert introspect(stack, new, t_old) == {"active": False}
    assert introspect(stack, w.adm, t_keep)["active"], "a roll without revoke_tokens killed the old key's token"
    assert cc(stack, new)[0] == 200 and cc(stack, newk)[0] == 200
    # Grace 0: revoked now.
    st, _, n0 = api(stack, "POST", "/admin/keys/%s/roll" % new["id"], w.adm, {"grace": "0"})
    assert st == 201 and n0["revoke_tokens"] is True
    assert api(stack, "GET", "/admin/keys/" + new["id"], w.adm)[2]["status"] == "revoked"


def test_revocations_json_body(stack):
    w = world(stack)
    k = create(stack, w.adm, name="rev-json")[1]
    st, _, doc = api(stack, "POST", "/admin/revocations", w.adm, {"key": k["id"]})
    assert st == 200 and doc == {"revoked": "key"}, (st, doc)
    assert_oauth_error(cc(stack, k), 401, "invalid_client")
    for body, why in (({"key": k["id"], "extra": 1}, "unknown field extra"), ({}, "one of jti, user, key"),
                      ({"user": 5}, "user must be a string")):
        resp = api(stack, "POST", "/admin/revocations", w.adm, body)
        assert_oauth_error(resp, 400, "invalid_request")
        assert why in resp[2]["error_description"], resp[2]
    assert_oauth_error(api(stack, "POST", "/admin/revocations", w.adm, "key=x", ctype="text/plain"),
                       415, "invalid_request")


def test_cli_get_update_disable_enable(stack):
    """jwtmint-admin key get/update/disable/enable: the same operations."""
    w = world(stack)
    k = stack.admin_json("key", "create", "--name", "cli", "--scopes", "read:accounts write:settings",
                         "--rate-per-min", "60", "--meta", '{"owner":"ops"}', "--org", w.org["slug"], "--json")
    assert set(k) >= {"id", "key", "name", "scopes", "grants", "env", "expires_at", "org", "created_at",
                      "trusted_forwarder"} and k["scopes"] == "read:accounts write:settings", k
    got = stack.admin_json("key", "get", k["id"], "--json")
    assert set(got) == VIEW and got["meta"] == {"owner": "ops"} and got["rate_per_min"] == 60, got
    assert got == api(stack, "GET", "/admin/keys/" + k["id"], w.adm)[2], "the CLI and the API disagree"
    upd = stack.admin_json("key", "update", k["id"], "--name", "cli-2", "--scopes", "read:accounts",
                           "--rate-per-min", "default", "--json")
    assert upd["name"] == "cli-2" and upd["scopes"] == ["read:accounts"] and upd["rate_per_min"] is None, upd
    rc, out, err = stack.admin("key", "update", k["id"], "--scopes", "read:accounts admin")
    assert rc == 1 and "narrowed" in err, (rc, err)
    for args in (["key", "update", k["id"]], ["key", "get"], ["key", "disable", "nope"]):
        rc, out, err = stack.admin(*args)
        assert rc == 2, (args, rc, err)
    stack.admin_ok("key", "disable", k["id"])
    wait_for(lambda: cc(stack, k)[0] == 401, timeout=3, what="the disabled key to be refused")
    stack.admin_ok("key", "enable", k["id"])
    wait_for(lambda: cc(stack, k)[0] == 200, timeout=3, what="the enabled key to work")
    rc, out, err = stack.admin("key", "get", "a" * 16)
    assert rc == 1 and "no key" in err, (rc, err)
    rows = stack.psql("select event || ' ' || actor from audit where resource = '%s' order by id" % k["id"])
    events = [r.split(" ")[0] for r in rows.splitlines()]
    assert events == ["key.create", "key.update", "key.disable", "key.enable"], rows
    assert all(r.split(" ")[1].startswith("cli:") for r in rows.splitlines()), rows


# --- /admin/login-template --------------------------------------------------

def tpl_of(stack, org):
    """The template row as stored, or "" when never set."""
    return stack.psql("select title, org_name, color_bg, color_fg, color_accent, version from login_templates"
                      " where org_id = '%s'" % org["id"]).strip()


def test_login_template_over_http(stack):
    """An organization's admin reads and changes its login page template
    (the same operation as `jwtmint-admin login-template`); the page shows
    it; If-Match; another organization's admin sees and changes only its
    own; limited users and keys without admin are 403."""
    from test_login import Browser, authorize_url, new_app, pkce
    w = world(stack)
    boss = bearer(stack, w.adm, w.boss, scope="admin", resource=admin_aud(stack))
    st, h, doc = api(stack, "GET", "/admin/login-template", boss)
    assert st == 200 and doc == {"title": "", "org_name": "", "bg": "#f4f5f7", "fg": "#1d2330",
                                 "accent": "#2a5bd7", "version": 1}, (st, doc)
    assert h["etag"] == '"v1"' and tpl_of(stack, w.org) == ""
    want = {"title": "<b>Sign</b> in \u00e0 Acme", "org_name": "Acme & \u00c9quipe", "bg": "#102030",
            "fg": "#fafafa", "accent": "#aa00ff"}
    st, h, doc = api(stack, "PATCH", "/admin/login-template", boss, want, headers={"If-Match": '"v1"'})
    assert st == 200 and doc == dict(want, version=2) and h["etag"] == '"v2"', (st, h, doc)
    assert api(stack, "GET", "/admin/login-template", boss)[2] == doc
    # A stale or foreign If-Match: 412, nothing changed; a list of tags: 400.
    for tag in ('"v1"', '"v9"', '"x"'):
        assert_oauth_error(api(stack, "PATCH", "/admin/login-template", boss, {"title": "lost"},
                               headers={"If-Match": tag}), 412, "precondition_failed")
    assert_oauth_error(api(stack, "PATCH", "/admin/login-template", boss, {"title": "lost"},
                           headers={"If-Match": '"v1", "v2"'}), 400, "invalid_request")
    # A partial change keeps the rest; null is back to the default.
    st, h, doc = api(stack, "PATCH", "/admin/login-template", boss, {"fg": "#000000", "org_name": None})
    assert st == 200 and doc == dict(want, fg="#000000", org_name="", version=3), doc
    # If-Match compares strongly (RFC 9110 §13.1.1): a weak tag never matches.
    assert_oauth_error(api(stack, "PATCH", "/admin/login-template", w.adm, {"org_name": "weak"},
                           headers={"If-Match": 'W/"v3"'}), 412, "precondition_failed")
    st, h, doc = api(stack, "PATCH", "/admin/login-template", w.adm, {"org_name": want["org_name"]},
                     headers={"If-Match": '"v3"'})
    assert st == 200 and doc["version"] == 4 and doc["fg"] == "#000000", doc
    # The audit trail: one row per change, the HTTP caller as actor.
    rows = stack.psql("select actor from audit where org_id = '%s' and event = 'login.template' order by id"
                      % w.org["id"]).split()
    assert rows == ["user:" + w.boss["id"]] * 2 + ["key:" + w.adm["id"]], rows
    # The login page of an application of the organization shows it.
    app = new_app(stack, w.org)
    _, challenge = pkce()
    st, _, body = Browser(stack).get(authorize_url(app, challenge))
    assert st == 200 and "<title>&lt;b&gt;Sign&lt;/b&gt; in \u00e0 Acme</title>" in body, body[:600]
    assert "<h1>Acme &amp; \u00c9quipe</h1>" in body and "<b>" not in body, body[:600]
    st, _, css = Browser(stack).get("/login.css?org=" + w.org["id"])
    assert st == 200 and "--bg:#102030;" in css and "--fg:#000000;" in css and "--accent:#aa00ff;" in css, css
    # Another organization: its admin sees and changes its own template only.
    mine = tpl_of(stack, w.org)
    b_boss = api(stack, "GET", "/admin/login-template", w.adm_b)
    assert b_boss[0] == 200 and b_boss[2]["title"] == "" and b_boss[2]["bg"] == "#f4f5f7", b_boss
    st, _, doc = api(stack, "PATCH", "/admin/login-template", w.adm_b, {"title": "B only", "bg": "#000001"})
    assert st == 200 and doc["title"] == "B only", doc
    assert tpl_of(stack, w.org) == mine and tpl_of(stack, w.other).startswith("B only|"), tpl_of(stack, w.other)
    # Limited users (even given the admin scope) and keys without admin: 403.
    lim = bearer(stack, w.adm, w.lim, scope="admin", resource=admin_aud(stack))
    for cred in (lim, w.plain):
        assert_oauth_error(api(stack, "GET", "/admin/login-template", cred), 403, "insufficient_scope")
        assert_oauth_error(api(stack, "PATCH", "/admin/login-template", cred, {"title": "x"}),
                           403, "insufficient_scope")
    assert_oauth_error(api(stack, "PATCH", "/admin/login-template", None, {"title": "x"}), 401, "invalid_client")
    assert_oauth_error(login(stack, w.adm, w.sup, resource=admin_aud(stack)), 400, "invalid_target")
    assert tpl_of(stack, w.org) == mine
    # Only GET and PATCH; no id to name another organization's template.
    st, h, _ = api(stack, "PUT", "/admin/login-template", w.adm, {"title": "x"})
    assert st == 405 and "PATCH" in h.get("allow", ""), (st, h)
    assert api(stack, "GET", "/admin/login-template/" + w.other["id"], w.adm)[0] == 404
    assert_oauth_error(api(stack, "GET", "/admin/login-template?org=" + w.other["slug"], w.adm),
                       400, "invalid_request")


def test_login_template_bad_bodies_change_nothing(stack):
    """Colours #rrggbb only, text of at most 200 characters without
    control characters (C0, DEL, C1), known fields of the right type: 400
    naming the field, never echoing the value, nothing written."""
    w = world(stack)
    org = new_org(stack, "tplbad")
    adm = key(stack, org, ADMIN_SCOPES)
    assert api(stack, "PATCH", "/admin/login-template", adm, {"title": "Kept"})[0] == 200
    kept, audit = tpl_of(stack, org), stack.psql("select count(*) from audit where org_id = '%s'" % org["id"])
    secret = "SeCrEt-" + "z" * 6
    cases = [
        ({"bg": "red;}body{background:url(//" + secret + ")}"}, "bg is too long"),
        ({"fg": "#FFFFFF"}, "fg is invalid"),
        ({"accent": "#fff"}, "accent is invalid"),
        ({"bg": "#12345g"}, "bg is invalid"),
        ({"bg": "#1234567"}, "bg is too long"),
        ({"accent": "\u0000abcdef"}, "not valid JSON"),
        ({"bg": ""}, "bg is empty"),
        ({"bg": None}, "bg may not be null"),
        ({"title": "x" * 201}, "title is invalid"),
        ({"title": "\u00e9" * 201}, "title is invalid"),
        ({"org_name": "y" * 900}, "org_name is too long"),
        ({"title": "a\u0007" + secret}, "title has control"),
        ({"org_name": "a\nb" + secret}, "org_name has control"),
        ({"org_name": "a\u0085b" + secret}, "org_name is invalid"),
        ({"title": "Acme \u202eLAYPAP" + secret}, "title is invalid"),
        ({"org_name": "a\u2067b" + secret}, "org_name is invalid"),
        ({"title": "a\u007fb" + secret}, "title has control"),
        ({"title": 5}, "title must be a string"),
        ({"bg": ["#000000"]}, "bg must be a string"),
        ({"colour": "#000000"}, "unknown field colour"),
        ({"title": "ok", "org": w.other["id"]}, "unknown field org"),
        ({}, "nothing to update"),
        ('{"title":"a","title":"b"}', "not valid JSON"),
        ('{"title":"a\\ud800"}', "not valid JSON"),
        ('["title"]', "JSON object"),
    ]
    for body, why in cases:
        resp = api(stack, "PATCH", "/admin/login-template", adm, body)
        assert_oauth_error(resp, 400, "invalid_request", echo=[secret])
        assert why in resp[2]["error_description"], "%r: %r, want %r" % (body, resp[2], why)
    assert_oauth_error(api(stack, "PATCH", "/admin/login-template", adm, "title=x",
                           ctype="application/x-www-form-urlencoded"), 415, "invalid_request")
    assert_oauth_error(api(stack, "PATCH", "/admin/login-template", adm,
                           json.dumps({"title": "t" * 70000})), 413, "invalid_request")
    assert tpl_of(stack, org) == kept, "a refused change wrote"
    assert stack.psql("select count(*) from audit where org_id = '%s'" % org["id"]) == audit
    assert secret not in stack.logs(), "a refused value reached the log"
