"""
Two organizations side by side: the same usernames, keys of every grant
with the admin scope, administrators in both. Every attempt across the
boundary fails exactly as an unknown credential would, and no answer (body
or header) names the other organization's ids, slugs, names or users.
Disabling an organization stops its keys, tokens, logins and refreshes on
every worker within a bound (2 s, polled), while the other keeps working.
"""

import json
import time

from harness import assert_oauth_error, nginx_only
from test_lifecycle import (KEY_SCOPES, active, assert_same_error, claims_of, exchange, introspect, login,
                            login_ok, new_key, new_org, new_user, post, post_pairs, refresh)

# The admin CLI, the admin API and tenancy are the same code whichever
# transport runs jwtmint: once, behind nginx (the CGI pass keeps to what
# CGI changes: tests/run.sh keeps make test under 15 minutes).
MODES = ("nginx",)

# Argon2 cost is not under test here (test_lifecycle keeps the defaults for
# its Argon2 cost tests): cheap parameters keep the CGI mode fast, where every
# process start hashes a dummy password.
STACK_OPTIONS = {"env": {"JWTMINT_ARGON2_M_KIB": "256", "JWTMINT_ARGON2_T": "1"}}

BOUND_SEC = 2.0


class Tenant:
    def __init__(self, stack, prefix):
        self.org = new_org(stack, prefix)
        self.key = new_key(stack, self.org, scopes=KEY_SCOPES)
        self.key2 = new_key(stack, self.org, scopes=KEY_SCOPES)
        self.carol = new_user(stack, self.org, "carol", "limited", accounts="acct_shared")
        self.root = new_user(stack, self.org, "root", "admin")
        self.only = new_user(stack, self.org, "%s-only" % prefix, "support")

    def login(self, stack, user=None, key=None):
        return login_ok(stack, key or self.key, user or self.carol)

    def secrets(self):
        """Strings that must never appear in an answer to the other tenant."""
        out = [self.org["id"], self.org["slug"], self.org["name"], self.key["id"], self.key2["id"]]
        for u in (self.carol, self.root, self.only):
            out.append(u["id"])
        out.append(self.only["username"])
        return out


class Fixture:
    def __init__(self, stack):
        self.a = Tenant(stack, "alpha")
        self.b = Tenant(stack, "beta")


def fixture(stack):
    if not hasattr(stack, "_orgs_fixture"):
        stack._orgs_fixture = Fixture(stack)
    return stack._orgs_fixture


def no_leak(resp, tenant, what):
    st, h, doc = resp
    raw = (json.dumps(doc) if not isinstance(doc, bytes) else doc.decode("utf-8", "replace")) + json.dumps(h)
    for s in tenant.secrets():
        assert s not in raw, "%s: the answer names %r of the other organization: %r" % (what, s, raw[:300])


def unknown_login(stack, key):
    return login(stack, key, "nobody-%d" % int(time.time() * 1000), "not-a-password-at-all")


# --- the tests -------------------------------------------------------------------

def test_every_token_carries_its_org(stack):
    f = fixture(stack)
    for t in (f.a, f.b):
        for user in (t.carol, t.root):
            c = claims_of(t.login(stack, user)["access_token"])
            assert c["org"] == t.org["id"], "org claim %r, want %r" % (c["org"], t.org["id"])
        st, _, cc = post(stack, "/token", t.key, grant_type="client_credentials")
        assert st == 200 and claims_of(cc["access_token"])["org"] == t.org["id"], cc
    assert claims_of(f.a.login(stack)["access_token"])["sub"] != claims_of(f.b.login(stack)["access_token"])["sub"]


def test_login_across_is_unknown_user(stack):
    f = fixture(stack)
    ref = unknown_login(stack, f.a.key)
    assert_same_error(ref, 400, "invalid_grant")
    for what, user in (("same username, other org's password", f.b.carol),
                       ("username only in the other org", f.b.only),
                       ("other org's admin", f.b.root)):
        resp = login(stack, f.a.key, user)
        assert_same_error(resp, 400, "invalid_grant", user)
        assert resp[2] == ref[2], "%s: %r, unknown user: %r" % (what, resp[2], ref[2])
        no_leak(resp, f.b, what)
    # Each carol logs in with her own password through her own key only.
    assert claims_of(f.a.login(stack)["access_token"])["sub"] == f.a.carol["id"]


def test_lockout_stays_in_its_org(stack):
    """Failed logins of carol in one organization never lock out the
    other organization's carol (nor tell anything about her)."""
    a = Tenant(stack, "lock-a")
    b = Tenant(stack, "lock-b")
    resp = None
    for _ in range(11):    # login_max_failures = 10 (the default)
        resp = login(stack, a.key, "carol", "not-the-password-at-all")
    assert_same_error(resp, 429, "slow_down", a.carol)
    no_leak(resp, b, "lockout")
    login_ok(stack, b.key, b.carol)
    assert_same_error(login(stack, a.key, a.carol), 429, "slow_down", a.carol)


def test_refresh_and_exchange_across(stack):
    f = fixture(stack)
    db = f.b.login(stack)
    unknown_rt = refresh(stack, f.a.key, "jmr_" + "A" * 43)
    unknown_at = exchange(stack, f.a.key, "a.b.c")
    for key in (f.a.key, f.a.key2):
        resp = refresh(stack, key, db["refresh_token"])
        assert_same_error(resp, 400, "invalid_grant", f.b.carol)
        assert resp[2] == unknown_rt[2], "refresh across: %r, unknown token: %r" % (resp[2], unknown_rt[2])
        no_leak(resp, f.b, "refresh across")
        resp = exchange(stack, key, db["access_token"])
        assert_same_error(resp, 400, "invalid_grant", f.b.carol)
        assert resp[2] == unknown_at[2], "exchange across: %r, garbage subject: %r" % (resp[2], unknown_at[2])
        no_leak(resp, f.b, "exchange across")
    # Unharmed by the attempts.
    st, _, d1 = refresh(stack, f.b.key, db["refresh_token"])
    assert st == 200, "B's refresh after A's attempts: %d %r" % (st, d1)
    assert exchange(stack, f.b.key2, d1["access_token"])[0] == 200


def test_revoke_across_does_nothing(stack):
    f = fixture(stack)
    db = f.b.login(stack)
    for tok in (db["access_token"], db["refresh_token"]):
        resp = post(stack, "/revoke", f.a.key, token=tok)
        assert resp[0] == 200 and resp[2] == {}, resp
        no_leak(resp, f.b, "revoke across")
    assert active(stack, f.b.key, db["access_token"]), "A's admin key revoked B's access token"
    st, _, d1 = refresh(stack, f.b.key, db["refresh_token"])
    assert st == 200, "A's admin key revoked B's refresh family: %d %r" % (st, d1)


def test_introspect_across(stack):
    f = fixture(stack)
    db = f.b.login(stack)
    st, _, cc = post(stack, "/token", f.b.key, grant_type="client_credentials")
    assert st == 200
    for what, tok in (("user access token", db["access_token"]), ("refresh token", db["refresh_token"]),
                      ("client_credentials token", cc["access_token"])):
        resp = post(stack, "/introspect", f.a.key, token=tok)
        assert resp[0] == 200 and resp[2] == {"active": False}, "%s across: %r" % (what, resp[2])
        no_leak(resp, f.b, "introspect across")
        assert introspect(stack, f.b.key, tok)["active"], "control: B sees its own %s" % what


def test_admin_revocations_across_is_404(stack):
    f = fixture(stack)
    db = f.b.login(stack)
    bearer = login_ok(stack, f.a.key, f.a.root, scope="admin", resource=stack.issuer + "/admin")["access_token"]

    def attempt(cred, **what):
        if isinstance(cred, str):
            return post_pairs(stack, "/admin/revocations", list(what.items()), None,
                              headers={"Authorization": "Bearer " + cred})
        return post_pairs(stack, "/admin/revocations", list(what.items()), cred)
    for cred in (f.a.key, bearer):
        ref = attempt(cred, user="nobody-at-all")
        assert_oauth_error(ref, 404, "not_found")
        for what in ({"user": f.b.only["username"]}, {"user": f.b.carol["id"]}, {"user": f.b.root["id"]},
                     {"key": f.b.key["id"]}, {"key": f.b.key2["id"]}):
            resp = attempt(cred, **what)
            assert resp[0] == 404 and resp[2] == ref[2], "%r across: %d %r (unknown: %r)" % (
                what, resp[0], resp[2], ref[2])
            no_leak(resp, f.b, "admin revocation %r" % what)
        # A jti is not looked up: accepted, but only in A's own deny list.
        resp = attempt(cred, jti=claims_of(db["access_token"])["jti"])
        assert resp[0] == 200, resp
    assert active(stack, f.b.key, db["access_token"]), "A's admin revoked B's token"
    assert refresh(stack, f.b.key, db["refresh_token"])[0] == 200, "A's admin revoked B's user"
    assert post(stack, "/token", f.b.key2, grant_type="client_credentials")[0] == 200, "A's admin revoked B's key"
    # user=carol in A is A's carol, never B's.
    da = f.a.login(stack)
    st, _, doc = attempt(f.a.key, user="carol")
    assert st == 200, (st, doc)
    assert not active(stack, f.a.key, da["access_token"])
    assert active(stack, f.b.key, f.b.login(stack)["access_token"]), "revoking A's carol touched B's carol"


@nginx_only
def test_gate_key_and_token_of_different_orgs(stack):
    f = fixture(stack)
    ta = f.a.login(stack, f.a.root)["access_token"]
    tb = f.b.login(stack, f.b.root)["access_token"]
    for key, tok, other in ((f.a.key, tb, f.b), (f.b.key, ta, f.a)):
        st, h, b = stack.request("GET", "/api/accounts?account=acct_shared",
                                 {"X-API-Key": key["key"], "Authorization": "Bearer " + tok})
        assert st == 403, "key of one org, token of another: %d %r" % (st, b[:200])
        no_leak((st, h, b), other, "gate across")
    st, _, b = stack.request("GET", "/api/accounts", {"X-API-Key": f.a.key["key"], "Authorization": "Bearer " + ta})
    assert st == 200, "control: the gate refuses A's own key and token: %d %r" % (st, b[:200])


def settle(what, fn, ok, rounds=12):
    """ok(fn()) for `rounds` answers in a row within BOUND_SEC."""
    deadline = time.time() + BOUND_SEC
    while True:
        got = [fn() for _ in range(rounds)]
        if all(ok(g) for g in got):
            return
        if time.time() > deadline:
            bad = [g for g in got if not ok(g)]
            raise AssertionError("%s: after %.0f s, %d of %d answers still wrong, e.g. %r"
                                 % (what, BOUND_SEC, len(bad), rounds, bad[0]))
        time.sleep(0.1)


def test_disable_org(stack):
    c = Tenant(stack, "gamma")
    d = Tenant(stack, "delta")
    dc = c.login(stack)
    dd = d.login(stack)
    boss = login_ok(stack, c.key, c.root, scope="admin", resource=stack.issuer + "/admin")["access_token"]
    rounds = 12 if stack.mode == "nginx" else 2
    if stack.mode == "nginx":
        # Every worker caches C's key and token as good first.
        settle("control", lambda: stack.request("GET", "/api/accounts", {
            "X-API-Key": c.key["key"], "Authorization": "Bearer " + dc["access_token"]})[0], lambda s: s == 200)
    assert active(stack, c.key, dc["access_token"])
    stack.admin_ok("org", "disable", c.org["slug"])

    settle("C's key after the disable", lambda: post(stack, "/token", c.key, grant_type="client_credentials"),
           lambda r: r[0] == 401 and r[2].get("error") == "invalid_client", rounds)
    for key in (c.key, c.key2):
        assert_oauth_error(login(stack, key, c.carol), 401, "invalid_client")
        assert_oauth_error(refresh(stack, key, dc["refresh_token"]), 401, "invalid_client")
        assert_oauth_error(post(stack, "/introspect", key, token=dc["access_token"]), 401, "invalid_client")
    # C's tokens: dead wherever a token alone is presented.
    settle("C's admin token after the disable", lambda: post_pairs(
        stack, "/admin/revocations", [("user", "carol")], None, headers={"Authorization": "Bearer " + boss}),
        lambda r: r[0] == 401 and r[2].get("error") == "invalid_token", rounds)
    if stack.mode == "nginx":
        settle("the gate with C's key and token", lambda: stack.request("GET", "/api/accounts", {
            "X-API-Key": c.key["key"], "Authorization": "Bearer " + dc["access_token"]})[0],
            lambda s: s == 403, rounds)
        # D's key with C's (now dead) token: refused, as a bad token (401)
        # or as a key/token mismatch (403).
        st, _, b = stack.request("GET", "/api/accounts", {"X-API-Key": d.key["key"],
                                                          "Authorization": "Bearer " + dc["access_token"]})
        assert st in (401, 403), "D's key with C's token after the disable: %d %r" % (st, b[:200])
    assert introspect(stack, d.key, dc["access_token"]) == {"active": False}
    assert_same_error(exchange(stack, d.key, dc["access_token"]), 400, "invalid_grant", c.carol)
    # D keeps working, on every worker.
    settle("D's logins", lambda: login(stack, d.key, d.carol)[0], lambda s: s == 200, min(rounds, 4))
    st, _, d1 = refresh(stack, d.key, dd["refresh_token"])
    assert st == 200, "D's refresh after C was disabled: %d %r" % (st, d1)
    assert active(stack, d.key, d1["access_token"])
    if stack.mode == "nginx":
        st, _, b = stack.request("GET", "/api/accounts", {"X-API-Key": d.key["key"],
                                                          "Authorization": "Bearer " + d1["access_token"]})
        assert st == 200, "the gate refuses D after C was disabled: %d %r" % (st, b[:200])
    # jwtmint-admin refuses new keys for the disabled organization.
    rc, out, err = stack.admin("key", "create", "--name", "x", "--scopes", "read:accounts", "--org", c.org["slug"])
    assert rc != 0, "a key was created in a disabled organization"
