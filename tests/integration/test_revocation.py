"""
Revocation: POST /revoke (RFC 7009), POST /admin/revocations (jti=, user=,
key=; an admin-scope key or a Bearer token with the admin scope) and
`jwtmint-admin revoke`. What is revoked must be dead everywhere: on
/introspect, for refresh and exchange, and (nginx mode) at the gate /check
on every worker.

Bounded time: /introspect reads the database on every request, so a
revocation is visible there at once; the gate (/check) serves from each
worker's cache, refreshed by NOTIFY. Both are polled for at most 2 s, in
rounds of 12 consecutive requests (the stack runs 2 workers) that must all
agree, and then must stay so.
"""

import json
import os
import subprocess
import time

from harness import assert_oauth_error, make_key, nginx_only, parse_rfc3339, pg_bindir, wait_for
from test_lifecycle import (KEY_SCOPES, active, assert_same_error, claims_of, exchange, introspect, login_ok,
                            mint, new_key, new_org, new_user, post, post_pairs, refresh, revoke)

# Argon2 cost is not under test here (test_lifecycle keeps the defaults for
# its Argon2 cost tests): cheap parameters keep the CGI mode fast, where every
# process start hashes a dummy password.
STACK_OPTIONS = {"env": {"JWTMINT_ARGON2_M_KIB": "256", "JWTMINT_ARGON2_T": "1"}}

BOUND_SEC = 2.0
ROUND = 12


class Fixture:
    def __init__(self, stack):
        self.org = new_org(stack, "rev")
        # Two ordinary application keys, an admin key and a resource server.
        self.a = new_key(stack, self.org, scopes="read:accounts write:settings")
        self.b = new_key(stack, self.org, scopes="read:accounts write:settings")
        self.adm = new_key(stack, self.org, scopes=KEY_SCOPES)
        self.rs = new_key(stack, self.org, scopes="introspect read:accounts", grants="client_credentials")
        self.kx = new_key(stack, self.org, scopes="read:accounts", grants="token_exchange")


def fixture(stack):
    if not hasattr(stack, "_rev_fixture"):
        stack._rev_fixture = Fixture(stack)
    return stack._rev_fixture


def gate(stack, key, token, path="/api/accounts"):
    st, h, b = stack.request("GET", path, {"X-API-Key": key["key"], "Authorization": "Bearer " + token})
    return st


def settle(what, fn, want):
    """fn() == want for ROUND requests in a row within BOUND_SEC, and for
    another round after that."""
    deadline = time.time() + BOUND_SEC
    while True:
        got = [fn() for _ in range(ROUND)]
        if all(g == want for g in got):
            break
        if time.time() > deadline:
            raise AssertionError("%s: after %.0f s, %d of %d answers are still %r (want %r)"
                                 % (what, BOUND_SEC, sum(g != want for g in got), ROUND,
                                    [g for g in got if g != want][0], want))
        time.sleep(0.1)
    got = [fn() for _ in range(ROUND)]
    assert all(g == want for g in got), "%s: flips back: %r" % (what, got)


def admin_revoke(stack, cred, **what):
    """POST /admin/revocations with an API key (dict) or a Bearer token (str)."""
    if isinstance(cred, dict):
        return post_pairs(stack, "/admin/revocations", list(what.items()), cred)
    return post_pairs(stack, "/admin/revocations", list(what.items()), None,
                      headers={"Authorization": "Bearer " + cred})


def test_revoke_access_token(stack):
    f = fixture(stack)
    u = new_user(stack, f.org)
    d = login_ok(stack, f.a, u)
    at = d["access_token"]
    assert active(stack, f.a, at)
    if stack.mode == "nginx":
        assert gate(stack, f.a, at) == 200, "control: the gate refuses a good token"
    assert revoke(stack, f.a, at) == {}, "RFC 7009 §2.2: an empty 200"
    assert introspect(stack, f.a, at) == {"active": False}
    assert introspect(stack, f.rs, at) == {"active": False}
    assert_same_error(exchange(stack, f.kx, at), 400, "invalid_grant", u)
    if stack.mode == "nginx":
        settle("the gate with a revoked token", lambda: gate(stack, f.a, at), 401)
    # Only that token: a new one of the same user works.
    d2 = login_ok(stack, f.a, u)
    assert active(stack, f.a, d2["access_token"])
    # Revoking again is fine.
    assert revoke(stack, f.a, at) == {}


def test_revoke_refresh_token_kills_family(stack):
    f = fixture(stack)
    u = new_user(stack, f.org)
    d0 = login_ok(stack, f.a, u)
    st, _, d1 = refresh(stack, f.a, d0["refresh_token"])
    assert st == 200, d1
    assert introspect(stack, f.a, d1["refresh_token"])["active"], "control: the successor is active"
    revoke(stack, f.a, d1["refresh_token"], token_type_hint="refresh_token")
    assert_same_error(refresh(stack, f.a, d1["refresh_token"]), 400, "invalid_grant", u)
    assert introspect(stack, f.a, d1["refresh_token"]) == {"active": False}
    # Revoking a token already rotated kills its successors too.
    e0 = login_ok(stack, f.a, u)
    st, _, e1 = refresh(stack, f.a, e0["refresh_token"])
    assert st == 200, e1
    revoke(stack, f.a, e0["refresh_token"])
    assert_same_error(refresh(stack, f.a, e1["refresh_token"]), 400, "invalid_grant", u)
    # The hint is only a hint.
    g = login_ok(stack, f.a, u)
    revoke(stack, f.a, g["refresh_token"], token_type_hint="access_token")
    assert_same_error(refresh(stack, f.a, g["refresh_token"]), 400, "invalid_grant", u)
    n = stack.psql("select count(*) from audit where org_id = '%s' and event = 'refresh.revoke'"
                   " and resource like 'fam_%%'" % f.org["id"])
    assert int(n) >= 3, "audit rows 'refresh.revoke': %s" % n.strip()


def test_other_key_cannot_revoke(stack):
    f = fixture(stack)
    u = new_user(stack, f.org)
    d = login_ok(stack, f.a, u)
    assert revoke(stack, f.b, d["access_token"]) == {}, "a foreign token is answered like any other"
    assert revoke(stack, f.b, d["refresh_token"]) == {}
    assert revoke(stack, f.rs, d["access_token"]) == {}, "introspect scope is not admin"
    assert active(stack, f.a, d["access_token"]), "another key revoked this key's access token"
    # Nor may it see them (no introspect scope).
    assert introspect(stack, f.b, d["access_token"]) == {"active": False}
    assert introspect(stack, f.b, d["refresh_token"]) == {"active": False}
    st, _, d1 = refresh(stack, f.a, d["refresh_token"])
    assert st == 200, "another key revoked this key's refresh token: %d %r" % (st, d1)


def test_admin_key_can_revoke(stack):
    f = fixture(stack)
    u = new_user(stack, f.org)
    d = login_ok(stack, f.a, u)
    assert revoke(stack, f.adm, d["access_token"]) == {}
    assert not active(stack, f.a, d["access_token"]), "an admin key could not revoke the org's token"
    assert revoke(stack, f.adm, d["refresh_token"]) == {}
    assert_same_error(refresh(stack, f.a, d["refresh_token"]), 400, "invalid_grant", u)


def test_revoke_unknown_tokens_200(stack):
    f = fixture(stack)
    like = login_ok(stack, f.a, new_user(stack, f.org))["access_token"]
    for tok in ("x", "jmr_" + "A" * 43, "a.b.c", like[:-4] + "AAAA", mint(stack, like, iss="https://evil.example"),
                "", "jmr_", "é"):
        st, h, doc = post(stack, "/revoke", f.a, token=tok)
        assert st == 200 and doc == {}, "token %r: %d %r" % (tok[:20], st, doc)
        assert h.get("cache-control", "").lower() == "no-store", h
    for hint in ("refresh_token", "access_token", "bogus"):
        st, _, doc = post(stack, "/revoke", f.a, token="x", token_type_hint=hint)
        assert st == 200 and doc == {}, (hint, st, doc)
    assert_oauth_error(post(stack, "/revoke", f.a), 400, "invalid_request")
    assert_oauth_error(post(stack, "/revoke", None, token=like), 401, "invalid_client")
    assert_oauth_error(post(stack, "/revoke", make_key(), token=like), 401, "invalid_client")
    assert active(stack, f.a, like), "a failed /revoke revoked the token"


# --- POST /admin/revocations ---------------------------------------------------

def test_admin_revocations_user(stack):
    f = fixture(stack)
    u = new_user(stack, f.org)
    da = login_ok(stack, f.a, u)
    db = login_ok(stack, f.b, u)
    other = new_user(stack, f.org)
    do = login_ok(stack, f.a, other)
    x = exchange(stack, f.kx, da["access_token"])[2]["access_token"]
    st, _, doc = admin_revoke(stack, f.adm, user=u["username"])
    assert st == 200 and doc == {"revoked": "user"}, (st, doc)
    for what, key, tok in (("via key a", f.a, da["access_token"]), ("via key b", f.b, db["access_token"]),
                           ("exchanged", f.kx, x), ("by the resource server", f.rs, da["access_token"])):
        assert introspect(stack, key, tok) == {"active": False}, "the user's token %s is still active" % what
    for key, rt in ((f.a, da["refresh_token"]), (f.b, db["refresh_token"])):
        assert_same_error(refresh(stack, key, rt), 400, "invalid_grant", u)
        assert introspect(stack, key, rt) == {"active": False}
    if stack.mode == "nginx":
        settle("the gate with a revoked user's token", lambda: gate(stack, f.a, da["access_token"]), 401)
    # Nobody else is touched.
    assert active(stack, f.a, do["access_token"])
    assert refresh(stack, f.a, do["refresh_token"])[0] == 200
    audit = stack.psql("select count(*) from audit where org_id = '%s' and event = 'user.revoke' and resource = '%s'"
                       % (f.org["id"], u["id"])).strip()
    assert audit == "1", "audit rows 'user.revoke': %s" % audit
    # The revocation is a new generation of the user, not a time: a login
    # right after it, in the same second, gives a token that is good, and
    # the old ones stay dead (no clock is compared).
    fresh = login_ok(stack, f.a, u)
    assert claims_of(fresh["access_token"])["gen"] == claims_of(da["access_token"])["gen"] + 1, (
        claims_of(fresh["access_token"]), claims_of(da["access_token"]))
    assert active(stack, f.a, fresh["access_token"]), "a token issued right after the revocation is dead"
    assert not active(stack, f.a, da["access_token"])
    assert refresh(stack, f.a, fresh["refresh_token"])[0] == 200
    if stack.mode == "nginx":
        settle("the gate with the new token", lambda: gate(stack, f.a, fresh["access_token"]), 200)


def test_admin_revocations_user_by_id(stack):
    f = fixture(stack)
    u = new_user(stack, f.org)
    d = login_ok(stack, f.a, u)
    st, _, doc = admin_revoke(stack, f.adm, user=u["id"])
    assert st == 200 and doc == {"revoked": "user"}, (st, doc)
    assert not active(stack, f.a, d["access_token"])
    assert_same_error(refresh(stack, f.a, d["refresh_token"]), 400, "invalid_grant", u)


def test_admin_revocations_username_normalised(stack):
    """user= is a username as a login takes it: ALICE is alice."""
    f = fixture(stack)
    u = new_user(stack, f.org)
    d = login_ok(stack, f.a, u)
    st, _, doc = admin_revoke(stack, f.adm, user=u["username"].upper())
    assert st == 200, "user=%s (the login name in upper case): %d %r" % (u["username"].upper(), st, doc)
    assert not active(stack, f.a, d["access_token"])


def test_admin_revocations_key(stack):
    f = fixture(stack)
    k = new_key(stack, f.org, scopes="read:accounts write:settings")
    u = new_user(stack, f.org)
    d = login_ok(stack, k, u)
    st, _, cc = post(stack, "/token", k, grant_type="client_credentials")
    assert st == 200, cc
    st, _, doc = admin_revoke(stack, f.adm, key=k["id"])
    assert st == 200 and doc == {"revoked": "key"}, (st, doc)
    resp = post(stack, "/token", k, grant_type="client_credentials")
    assert_oauth_error(resp, 401, "invalid_client")
    for what, tok in (("user token", d["access_token"]), ("client_credentials token", cc["access_token"])):
        assert introspect(stack, f.rs, tok) == {"active": False}, "the revoked key's %s is active" % what
        assert_same_error(exchange(stack, f.kx, tok), 400, "invalid_grant", u)
    # Its refresh tokens: nobody can use them, and introspection must say so.
    assert_same_error(refresh(stack, f.a, d["refresh_token"]), 400, "invalid_grant", u)
    doc = introspect(stack, f.rs, d["refresh_token"])
    assert doc == {"active": False}, "the refresh token of a revoked key introspects as %r" % doc
    if stack.mode == "nginx":
        settle("the gate with the revoked key", lambda: gate(stack, k, d["access_token"]), 403)
        # A live key presenting the revoked key's token: the token is dead.
        settle("the gate with a revoked key's token", lambda: gate(stack, f.a, d["access_token"]), 401)
    # Revoking it again: nothing left to revoke.
    st, _, doc = admin_revoke(stack, f.adm, key=k["id"])
    assert_oauth_error((st, _, doc), 404, "not_found")


def test_introspect_refresh_token_only_to_its_client(stack):
    """RFC 6749 §1.5, RFC 7662 §4: a refresh token is never usable at a
    resource server. A resource server's key (introspect scope), an admin
    key and another key of the organization all see {"active": false}; only
    the key it was issued to sees it active, marked token_use "refresh" and
    without a token_type (which would read as an access token)."""
    f = fixture(stack)
    u = new_user(stack, f.org)
    d = login_ok(stack, f.a, u)
    rt = d["refresh_token"]
    for who, key in (("resource server", f.rs), ("admin key", f.adm), ("other key", f.b)):
        doc = introspect(stack, key, rt)
        assert doc == {"active": False}, "%s introspects another client's refresh token as %r" % (who, doc)
    doc = introspect(stack, f.a, rt)
    assert doc.get("active") is True and doc.get("token_use") == "refresh", doc
    assert "token_type" not in doc, "a refresh token must not carry token_type: %r" % doc
    assert doc.get("client_id") == f.a["id"] and doc.get("sub") == u["id"], doc
    # The access token of the same login: the resource server sees it.
    doc = introspect(stack, f.rs, d["access_token"])
    assert doc.get("active") is True and doc.get("token_type") == "Bearer", doc


def test_expired_key_tokens_dead(stack):
    """A key that expires takes its tokens with it, refresh tokens included."""
    f = fixture(stack)
    k = stack.admin_json("key", "create", "--name", "short", "--scopes", "read:accounts", "--expires-in", "2s",
                         "--grants", "password,refresh_token", "--org", f.org["slug"], "--json")
    u = new_user(stack, f.org)
    d = login_ok(stack, k, u)
    assert introspect(stack, k, d["refresh_token"])["active"], "control: the refresh token is active"
    time.sleep(max(0.0, parse_rfc3339(k["expires_at"]) + 1.1 - time.time()))
    assert_oauth_error(refresh(stack, k, d["refresh_token"]), 401, "invalid_client")
    assert introspect(stack, f.rs, d["access_token"]) == {"active": False}
    assert introspect(stack, f.rs, d["refresh_token"]) == {"active": False}
    if stack.mode == "nginx":
        settle("the gate with an expired key's token", lambda: gate(stack, f.a, d["access_token"]), 401)


def test_admin_revocations_jti(stack):
    f = fixture(stack)
    u = new_user(stack, f.org)
    t1 = login_ok(stack, f.a, u)["access_token"]
    t2 = login_ok(stack, f.a, u)["access_token"]
    st, _, doc = admin_revoke(stack, f.adm, jti=claims_of(t1)["jti"])
    assert st == 200 and doc == {"revoked": "jti"}, (st, doc)
    assert not active(stack, f.a, t1)
    assert active(stack, f.a, t2), "revoking one jti killed another token"
    if stack.mode == "nginx":
        settle("the gate with a revoked jti", lambda: gate(stack, f.a, t1), 401)
        assert gate(stack, f.a, t2) == 200


def test_admin_revocations_with_bearer(stack):
    f = fixture(stack)
    boss = new_user(stack, f.org, role="admin")
    # A token for the admin API's own audience (RFC 8707 resource).
    bearer = login_ok(stack, f.adm, boss, scope="admin", resource=stack.issuer + "/admin")["access_token"]
    u = new_user(stack, f.org)
    t1 = login_ok(stack, f.a, u)["access_token"]
    st, _, doc = admin_revoke(stack, bearer, jti=claims_of(t1)["jti"])
    assert st == 200 and doc == {"revoked": "jti"}, (st, doc)
    assert not active(stack, f.a, t1)
    d = login_ok(stack, f.a, u)
    st, _, doc = admin_revoke(stack, bearer, user=u["username"])
    assert st == 200, (st, doc)
    assert not active(stack, f.a, d["access_token"])
    # A client_credentials token of the admin key works as well.
    st, _, cc = post(stack, "/token", f.adm, grant_type="client_credentials", scope="admin",
                     audience=stack.issuer + "/admin")
    assert st == 200, cc
    st, _, doc = admin_revoke(stack, cc["access_token"], jti="x" * 22)
    assert st == 200, (st, doc)
    # Without the admin scope: 403; a bad, revoked or forged token, or one
    # for a resource server (with the admin scope, but not the admin
    # API's audience): 401.
    plain = login_ok(stack, f.adm, boss, scope="read:accounts", resource=stack.issuer + "/admin")["access_token"]
    assert_oauth_error(admin_revoke(stack, plain, user=u["username"]), 403, ("forbidden", "insufficient_scope",
                                                                             "access_denied"))
    for_rs = login_ok(stack, f.adm, boss, scope="admin")["access_token"]
    forged = mint(stack, plain, scope="admin", iss="https://evil.example")
    for tok in ("garbage", plain[:-3] + "AAA", forged, for_rs):
        st, h, doc = admin_revoke(stack, tok, user=u["username"])
        assert st == 401 and doc.get("error") == "invalid_token", "bearer %r: %d %r" % (tok[:20], st, doc)
    revoke(stack, f.adm, bearer)
    st, _, doc = admin_revoke(stack, bearer, user=u["username"])
    assert st == 401, "a revoked admin token still revokes: %d %r" % (st, doc)


def test_admin_revocations_refused(stack):
    f = fixture(stack)
    u = new_user(stack, f.org)
    d = login_ok(stack, f.a, u)
    for key in (f.a, f.rs):
        resp = admin_revoke(stack, key, user=u["username"])
        assert resp[0] == 403, "a key without the admin scope: %d %r" % (resp[0], resp[2])
    assert_oauth_error(post(stack, "/admin/revocations", None, user=u["username"]), 401, "invalid_client")
    assert_oauth_error(post(stack, "/admin/revocations", make_key(), user=u["username"]), 401, "invalid_client")
    assert active(stack, f.a, d["access_token"]), "a refused revocation revoked"
    # Unknown things: 404, one answer.
    bodies = set()
    for what in ({"user": "nobody-here"}, {"user": "usr_aaaaaaaaaaaaaaaa"}, {"key": "aaaaaaaaaaaaaaaa"},
                 {"user": "ZZ-" + u["username"][1:]}):
        resp = admin_revoke(stack, f.adm, **what)
        assert_oauth_error(resp, 404, "not_found", echo=list(what.values()))
        bodies.add(json.dumps(resp[2], sort_keys=True))
    assert len(bodies) == 1, "different 404 bodies: %r" % bodies
    assert active(stack, f.a, d["access_token"]), "a LIKE pattern matched a real user"


def test_admin_revocations_malformed(stack):
    """Every value is checked in C before the database sees it: 400 naming
    the field (never echoing the value), nothing written, and no database
    error in the log (a jti over the column's bound used to reach its CHECK
    constraint: 503 with Retry-After and the input in the log)."""
    f = fixture(stack)
    u = new_user(stack, f.org)
    d = login_ok(stack, f.a, u)
    before = stack.psql("select count(*) from revoked_jtis").strip()
    log_before = len(stack.logs())
    cases = [("jti", "j" * 65), ("jti", "A" * 4000), ("jti", "x"), ("jti", "A" * 21 + "$"),
             ("jti", "A" * 21 + "\u00e9"), ("jti", claims_of(d["access_token"])["jti"] + "A"),
             ("user", "%"), ("user", "_"), ("user", "u" * 65), ("user", "a b"), ("user", "bob\u202e"),
             ("key", "x"), ("key", "A" * 16), ("key", "a" * 17), ("key", f.a["id"] + "%"),
             ("key", "a" * 15 + "1")]
    for field, value in cases:
        resp = admin_revoke(stack, f.adm, **{field: value})
        assert_oauth_error(resp, 400, "invalid_request", echo=[value])
        assert field in resp[2]["error_description"], "the 400 does not name %s: %r" % (field, resp[2])
        assert "retry-after" not in {k.lower() for k in resp[1]}, resp[1]
    assert stack.psql("select count(*) from revoked_jtis").strip() == before, "a malformed jti was written"
    assert active(stack, f.a, d["access_token"]), "a malformed revocation revoked"
    assert stack.psql("select count(*) from users where id = '%s' and tokens_valid_after is not null"
                      % u["id"]).strip() == "0"
    log = stack.logs()[log_before:]
    assert "database:" not in log, "the database saw a malformed value: %r" % log[-500:]
    for what in ({}, {"user": u["username"], "key": f.a["id"]}, {"jti": "x", "user": u["id"]}):
        assert_oauth_error(admin_revoke(stack, f.adm, **what), 400, "invalid_request")


def test_revocation_visible_on_every_worker(stack):
    """After each kind of revocation, every worker agrees within the bound:
    introspection (database) and, in nginx mode, the gate (caches)."""
    f = fixture(stack)
    u1, u2 = new_user(stack, f.org), new_user(stack, f.org)
    t_jti = login_ok(stack, f.a, u1)["access_token"]
    t_user = login_ok(stack, f.a, u2)["access_token"]
    if stack.mode == "nginx":
        # Warm every worker's caches with the good answers first.
        settle("control: the gate allows", lambda: gate(stack, f.a, t_jti), 200)
        settle("control: the gate allows", lambda: gate(stack, f.a, t_user), 200)
    revoke(stack, f.a, t_jti)
    admin_revoke(stack, f.adm, user=u2["username"])
    settle("introspection of a revoked jti", lambda: active(stack, f.a, t_jti), False)
    settle("introspection of a revoked user's token", lambda: active(stack, f.a, t_user), False)
    if stack.mode == "nginx":
        settle("the gate with a revoked jti", lambda: gate(stack, f.a, t_jti), 401)
        settle("the gate with a revoked user's token", lambda: gate(stack, f.a, t_user), 401)


# --- jwtmint-admin revoke ------------------------------------------------------

def test_cli_revoke(stack):
    f = fixture(stack)
    slug = f.org["slug"]
    u = new_user(stack, f.org)
    d = login_ok(stack, f.a, u)
    stack.admin_ok("revoke", "--user", u["username"], "--org", slug)
    assert not active(stack, f.a, d["access_token"])
    assert_same_error(refresh(stack, f.a, d["refresh_token"]), 400, "invalid_grant", u)

    u2 = new_user(stack, f.org)
    t = login_ok(stack, f.a, u2)["access_token"]
    t_other = login_ok(stack, f.a, u2)["access_token"]
    stack.admin_ok("revoke", "--jti", claims_of(t)["jti"], "--org", slug)
    assert not active(stack, f.a, t)
    assert active(stack, f.a, t_other)

    k = new_key(stack, f.org, scopes="read:accounts")
    tk = login_ok(stack, k, u2)["access_token"]
    stack.admin_ok("revoke", "--key", k["id"])
    assert not active(stack, f.rs, tk)
    assert_oauth_error(post(stack, "/token", k, grant_type="client_credentials"), 401, "invalid_client")

    for args in (["--user", "nobody-here", "--org", slug], ["--key", "aaaaaaaaaaaaaaaa"],
                 ["--user", u["username"], "--org", "no-such-org"]):
        rc, out, err = stack.admin("revoke", *args)
        assert rc == 1, "revoke %s: exit %d (%r)" % (" ".join(args), rc, err)
        assert err.strip(), "revoke %s: no message" % " ".join(args)
    for args in ([], ["--user", "x", "--key", "y"], ["--jti"]):
        rc, out, err = stack.admin("revoke", *args)
        assert rc == 2, "revoke %s: exit %d, want 2 (usage)" % (" ".join(args), rc)


class RowsLocked:
    """A transaction of another session holding rows (SELECT ... FOR
    UPDATE): a statement that writes them waits past database_timeout_ms,
    as when the database fails in the middle of an operation, whether or
    not the connection had the statement prepared already (the lookups
    before it, which only read, still answer). On exit the lock goes and
    whatever waited for it runs, as it would after a real stall."""

    def __init__(self, stack, rows):
        self.stack, self.rows = stack, rows

    def __enter__(self):
        self.p = subprocess.Popen([os.path.join(pg_bindir(), "psql"), "-X", "-q", "-tA", "-d",
                                   self.stack.database_url], stdin=subprocess.PIPE,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        sql = "set application_name = 'rowslocked'; begin;"
        for table, rid in self.rows:
            sql += " select 1 from %s where id = '%s' for update;" % (table, rid)
        self.p.stdin.write((sql + "\n").encode())
        self.p.stdin.flush()
        wait_for(lambda: self.stack.psql(
            "select count(*) from pg_stat_activity where application_name = 'rowslocked'"
            " and state = 'idle in transaction'").strip() == "1", timeout=10, what="the row locks")
        return self

    def __exit__(self, *exc):
        self.p.stdin.write(b"rollback;\n")
        self.p.stdin.close()
        self.p.wait(timeout=10)
        # What waited for the lock has run by now, whatever it does.
        wait_for(lambda: self.stack.psql(
            "select count(*) from pg_stat_activity where backend_type = 'client backend'"
            " and state <> 'idle' and pid <> pg_backend_pid()").strip() == "0",
            timeout=10, what="the statements that waited for the lock")
        return False


@nginx_only
def test_revoke_database_fails(stack):
    """A database that fails during the revocation is an error (CLI exit 1
    naming it, HTTP 503), never "nothing to revoke", and nothing is revoked,
    even once the statement the client gave up on could go on (it ran
    outside a transaction, and took effect after the error was reported)."""
    f = fixture(stack)
    u = new_user(stack, f.org)
    at = login_ok(stack, f.a, u)["access_token"]
    k = new_key(stack, f.org, scopes="read:accounts")
    with RowsLocked(stack, [("users", u["id"]), ("api_keys", k["id"])]):
        for args in (["--user", u["username"], "--org", f.org["slug"]], ["--key", k["id"]]):
            rc, out, err = stack.admin("revoke", *args)
            assert rc == 1, "revoke %s with the database failing: exit %d (%r)" % (" ".join(args), rc, err)
            assert "database error: nothing was revoked" in err and "nothing to revoke" not in err, err
        for what in ({"user": u["username"]}, {"key": k["id"]}):
            st, h, doc = admin_revoke(stack, f.adm, **what)
            assert st == 503, "POST /admin/revocations %r with the database failing: %d %r" % (what, st, doc)
    assert active(stack, f.a, at), "a failed revocation revoked the user"
    assert_oauth_error(admin_revoke(stack, f.adm, key="aaaaaaaaaaaaaaaa"), 404, "not_found")
    assert stack.psql("select count(*) from api_keys where id = '%s' and revoked_at is not null"
                      % k["id"]).strip() == "0", "a failed revocation revoked the key"
