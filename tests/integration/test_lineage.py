"""
Lineage: what revokes an access token besides its own jti, on every path
(/introspect reads the database; the gate /check reads each worker's caches,
kept current by notifications that name one row).

  - its refresh family (claim sid): RFC 7009 revocation of the refresh
    token, and refresh-token reuse (RFC 9700 §4.14.2), end the access tokens
    of the family too;
  - the tokens it was exchanged from (claim parents, RFC 8693): revoking a
    subject token revokes what was exchanged from it, through chains, and
    act nests (RFC 8693 §4.1); chains are bounded;
  - its user's generation (claim gen): a disable, a password change or a
    "revoke all" is a new generation, so a token issued right after it, in
    the same second, is good and every older one is dead, whatever the
    clocks say;
  - bounded work per notification: a flood of revocations in one
    organization adds rows to every worker's deny list one by one and never
    makes a worker read the whole list again.
"""

import re
import time

from harness import nginx_only
from test_lifecycle import (claims_of, exchange, introspect, login_ok, new_key, new_org, new_user, post,
                            refresh, revoke)

# key_cache_sec long: the gate's caches change by notification only, so
# every gate check below proves a notification was applied, and no timed
# whole reload of the deny list happens during the flood test.
STACK_OPTIONS = {"env": {"JWTMINT_ARGON2_M_KIB": "256", "JWTMINT_ARGON2_T": "1",
                         "JWTMINT_REFRESH_GRACE_SEC": "1", "JWTMINT_KEY_CACHE_SEC": "3600"}}

BOUND_SEC = 3.0
ROUND = 12


class World:
    def __init__(self, stack):
        self.org = new_org(stack, "lin")
        self.app = new_key(stack, self.org, scopes="read:accounts write:settings",
                           grants="password,refresh_token")
        self.rs = new_key(stack, self.org, scopes="introspect read:accounts", grants="client_credentials")
        self.kx = [new_key(stack, self.org, scopes="read:accounts write:settings", grants="token_exchange")
                   for _ in range(5)]


def world(stack):
    if not hasattr(stack, "_lineage"):
        stack._lineage = World(stack)
    return stack._lineage


def active(stack, w, tok):
    return introspect(stack, w.rs, tok)["active"]


def gate(stack, key, tok):
    return stack.request("GET", "/api/accounts", {"X-API-Key": key["key"], "Authorization": "Bearer " + tok})[0]


def settle(what, fn, want):
    """fn() == want for ROUND answers in a row (every worker) within the bound."""
    deadline = time.time() + BOUND_SEC
    while True:
        got = [fn() for _ in range(ROUND)]
        if all(g == want for g in got):
            return
        assert time.time() < deadline, "%s: still %r after %.0f s (want %r)" % (what, got, BOUND_SEC, want)
        time.sleep(0.05)


def test_family_revocation_ends_its_access_tokens(stack):
    w = world(stack)
    u = new_user(stack, w.org)
    d = login_ok(stack, w.app, u)
    fam = claims_of(d["access_token"]).get("sid")
    assert fam and fam.startswith("fam_"), "no sid in %r" % claims_of(d["access_token"])
    st, _, d1 = refresh(stack, w.app, d["refresh_token"])
    assert st == 200 and claims_of(d1["access_token"]).get("sid") == fam, "a refresh keeps the family"
    other = login_ok(stack, w.app, u)
    if stack.mode == "nginx":
        settle("control", lambda: gate(stack, w.app, d1["access_token"]), 200)
    # RFC 7009: revoking the refresh token revokes its family ...
    revoke(stack, w.app, d1["refresh_token"], token_type_hint="refresh_token")
    # ... and with it every access token issued from the family.
    for tok in (d["access_token"], d1["access_token"]):
        assert not active(stack, w, tok), "an access token of a revoked family is active"
    if stack.mode == "nginx":
        settle("the gate with a revoked family's token", lambda: gate(stack, w.app, d1["access_token"]), 401)
    # Another login of the same user is another family: untouched.
    assert active(stack, w, other["access_token"])


def test_refresh_reuse_ends_the_family_access_tokens(stack):
    """RFC 9700 §4.14.2: on reuse, the access tokens a thief got from the
    family die too, not only its refresh tokens."""
    w = world(stack)
    u = new_user(stack, w.org)
    d0 = login_ok(stack, w.app, u)
    st, _, d1 = refresh(stack, w.app, d0["refresh_token"])
    assert st == 200
    if stack.mode == "nginx":
        settle("control", lambda: gate(stack, w.app, d1["access_token"]), 200)
    time.sleep(1.3)		# past refresh_grace_sec: the next use of rt0 is reuse
    assert refresh(stack, w.app, d0["refresh_token"])[0] == 400
    for tok in (d0["access_token"], d1["access_token"]):
        assert not active(stack, w, tok), "an access token of a reused family is active"
    if stack.mode == "nginx":
        settle("the gate after reuse", lambda: gate(stack, w.app, d1["access_token"]), 401)


def test_exchange_chain_revocation_and_nested_act(stack):
    w = world(stack)
    u = new_user(stack, w.org)
    subj = login_ok(stack, w.app, u)["access_token"]
    chain = [subj]
    for k in w.kx[:4]:
        st, _, doc = exchange(stack, k, chain[-1])
        assert st == 200, "exchange %d: %d %r" % (len(chain), st, doc)
        chain.append(doc["access_token"])
    c = claims_of(chain[3])
    # parents: the jtis it descends from, root first; act nests, current outermost.
    assert c["parents"] == [claims_of(t)["jti"] for t in chain[:3]], c
    assert c["act"]["sub"] == w.kx[2]["id"] and c["act"]["act"]["sub"] == w.kx[1]["id"] and \
        c["act"]["act"]["act"] == {"sub": w.kx[0]["id"]}, c["act"]
    assert c["sid"] == claims_of(subj)["sid"] and c["gen"] == claims_of(subj)["gen"], c
    # A chain deeper than 4 is refused.
    st, _, doc = exchange(stack, w.kx[4], chain[4])
    assert st == 400 and doc.get("error") == "invalid_grant", "a fifth exchange: %d %r" % (st, doc)
    for t in chain:
        assert active(stack, w, t)
    if stack.mode == "nginx":
        settle("control", lambda: gate(stack, w.kx[3], chain[4]), 200)
    # Revoking a middle token revokes what descends from it, nothing above.
    assert revoke(stack, w.kx[1], chain[2]) == {}
    assert [active(stack, w, t) for t in chain] == [True, True, False, False, False]
    if stack.mode == "nginx":
        settle("the gate with a descendant of a revoked token", lambda: gate(stack, w.kx[3], chain[4]), 401)
        settle("the gate with the token above it", lambda: gate(stack, w.kx[0], chain[1]), 200)
    # Revoking the root (the user's own token) revokes the rest.
    assert revoke(stack, w.app, subj) == {}
    assert not any(active(stack, w, t) for t in chain)
    if stack.mode == "nginx":
        settle("the gate after the root's revocation", lambda: gate(stack, w.kx[0], chain[1]), 401)


def test_generation_not_clocks(stack):
    """A disable is a new generation: a login right after the user is
    enabled again (the same second) gives a good token, and the tokens and
    refresh tokens of before stay dead."""
    w = world(stack)
    u = new_user(stack, w.org)
    before = login_ok(stack, w.app, u)
    g0 = claims_of(before["access_token"])["gen"]
    stack.admin_ok("user", "disable", u["username"], "--org", w.org["slug"])
    stack.admin_ok("user", "enable", u["username"], "--org", w.org["slug"])
    after = login_ok(stack, w.app, u)
    assert claims_of(after["access_token"])["gen"] == g0 + 1
    assert claims_of(after["access_token"])["iat"] - claims_of(before["access_token"])["iat"] <= 2
    assert active(stack, w, after["access_token"]), "a token issued after the change is dead"
    assert not active(stack, w, before["access_token"]), "a token of the old generation is active"
    assert refresh(stack, w.app, before["refresh_token"])[0] == 400
    st, _, d = refresh(stack, w.app, after["refresh_token"])
    assert st == 200 and claims_of(d["access_token"])["gen"] == g0 + 1, (st, d)
    if stack.mode == "nginx":
        settle("the gate, old generation", lambda: gate(stack, w.app, before["access_token"]), 401)
        settle("the gate, new generation", lambda: gate(stack, w.app, d["access_token"]), 200)


def deny_list_reads(stack):
    """{worker pid: whole-list reads of the deny list so far} (their log)."""
    out = {}
    for pid, n in re.findall(r"jwtmint\[(\d+)\]: deny list read whole: \d+ rows \(reads (\d+)",
                             stack.logs()):
        out[pid] = max(out.get(pid, 0), int(n))
    return out


@nginx_only
def test_revocation_flood_is_bounded_work(stack):
    """5000 revocations in one organization (one statement: 5000 row
    notifications) reach every worker's gate as single additions: no worker
    reads the whole deny list again, and a revocation in another
    organization right after still takes effect on every worker."""
    w = world(stack)
    flood = new_org(stack, "flood")
    u = new_user(stack, w.org)
    tok = login_ok(stack, w.app, u)["access_token"]
    settle("control", lambda: gate(stack, w.app, tok), 200)	# every worker has its list loaded
    reads = deny_list_reads(stack)
    stack.psql("insert into revoked_jtis (org_id, jti, expires_at) select '%s', 'flood' || g, now() + "
               "interval '1 hour' from generate_series(1, 5000) g" % flood["id"])
    assert revoke(stack, w.app, tok) == {}
    settle("the gate after the flood", lambda: gate(stack, w.app, tok), 401)
    # A worker that had its list read it never again; one the control
    # rounds did not reach (the kernel picks the worker) reads it once,
    # its first read, whenever it first needs it.
    after = deny_list_reads(stack)
    again = {pid: n for pid, n in after.items() if n > max(reads.get(pid, 0), 1)}
    assert not again and all(after[p] == n for p, n in reads.items() if n > 0), \
        "a worker read the whole deny list again after a flood:\n%s" % (
            "\n".join(l for l in stack.logs().splitlines() if "deny list" in l)[-2000:])
