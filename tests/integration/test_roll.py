"""
API key rotation with a grace period (jwtmint-admin key roll): a new key
(new id and secret; name, scopes, grants, limits, organization and expiry
copied) shown once; the old key works, unchanged, until the grace ends and
then gets the answer of any invalid key, at /token and at the gate, on
every worker, with no notification needed; grace 0 revokes the old key now,
with its tokens. Only the newest key of a chain can be rolled. Both keys
name each other; the audit trail has the roll. Every wait is for a
condition, bounded.
"""

import time

from harness import assert_oauth_error, nginx_only, parse_rfc3339, wait_for
from test_lifecycle import introspect, new_org, post

STACK_OPTIONS = {"env": {"JWTMINT_ARGON2_M_KIB": "256", "JWTMINT_ARGON2_T": "1"}}


def make_key(stack, org, name="roll-me"):
    return stack.admin_json("key", "create", "--name", name, "--scopes", "read:accounts introspect",
                            "--grants", "client_credentials", "--rate-per-min", "600",
                            "--expires-in", "90d", "--org", org["slug"], "--json")


def cc(stack, key):
    return post(stack, "/token", key, grant_type="client_credentials")


def gate(stack, key):
    return stack.request("GET", "/api/accounts", {"X-API-Key": key["key"]})[0]


def test_roll_with_grace(stack):
    org = new_org(stack, "roll")
    old = make_key(stack, org)
    t_old = cc(stack, old)[2]["access_token"]
    t0 = time.time()
    new = stack.admin_json("key", "roll", old["id"], "--grace", "3s", "--json")
    assert new["id"] != old["id"] and new["key"] != old["key"] and new["rolled_from"] == old["id"], new
    assert new["key"].startswith("jmk_live_"), "the environment is kept"
    assert new["expires_at"] == old["expires_at"], "the expiry is copied: %r %r" % (new, old)
    ends = parse_rfc3339(new["old_key_ends_at"])
    assert t0 - 1 < ends <= time.time() + 4, new
    # Copied, linked.
    row = stack.psql("select name, scopes, grants, rate_per_min, rolled_from from api_keys where id = '%s'"
                     % new["id"]).strip()
    assert row == "roll-me|introspect read:accounts|client_credentials|600|%s" % old["id"], row
    assert stack.psql("select rolled_to from api_keys where id = '%s'" % old["id"]).strip() == new["id"]
    listed = {r["id"]: r for r in stack.admin_json("key", "list", "--org", org["slug"], "--json")}
    assert listed[old["id"]]["status"] == "expiring" and listed[old["id"]]["rolled_to"] == new["id"], listed
    assert listed[new["id"]]["status"] == "active" and listed[new["id"]]["rolled_from"] == old["id"], listed
    # During the grace both work, with the old key's scopes unchanged (a
    # refusal is right only once the grace has ended: a slow machine may
    # get there first).
    st, _, d = cc(stack, old)
    assert (st == 200 and d["scope"] == "introspect read:accounts") or time.time() >= ends, (st, d)
    assert cc(stack, new)[0] == 200
    if stack.mode == "nginx":
        assert gate(stack, old) == 200 or time.time() >= ends
        assert gate(stack, new) == 200
    # Only the newest key of a chain can be rolled.
    rc, out, err = stack.admin("key", "roll", old["id"], "--grace", "1h")
    assert rc != 0 and "cannot be rolled" in err, (rc, err)
    # After the grace: the old key is any invalid key; its earlier tokens
    # live until their exp (no revoke_tokens); the new key works.
    deadline = ends + 5
    while cc(stack, old)[0] == 200:
        assert time.time() < deadline, "the old key still works after its grace"
        time.sleep(0.1)
    assert_oauth_error(cc(stack, old), 401, "invalid_client")
    if stack.mode == "nginx":
        assert all(gate(stack, old) == 403 for _ in range(8)), "the gate still takes the old key"
        assert gate(stack, new) == 200
    assert cc(stack, new)[0] == 200
    listed = {r["id"]: r for r in stack.admin_json("key", "list", "--org", org["slug"], "--json")}
    assert listed[old["id"]]["status"] == "expired", listed[old["id"]]
    audit = stack.psql("select count(*) from audit where org_id = '%s' and event = 'key.roll' and "
                       "detail like '%s -> %s%%'" % (org["id"], old["id"], new["id"])).strip()
    assert audit == "1", audit
    stack.secrets.add(t_old)


def test_roll_grace_zero_revokes_now(stack):
    org = new_org(stack, "roll0")
    old = make_key(stack, org)
    tok = cc(stack, old)[2]["access_token"]
    new = stack.admin_json("key", "roll", old["id"], "--grace", "0", "--json")
    # Revoked now: every worker hears it by notification (bounded wait).
    deadline = time.time() + 5
    while cc(stack, old)[0] == 200:
        assert time.time() < deadline, "the old key still works after a roll with grace 0"
        time.sleep(0.05)
    assert_oauth_error(cc(stack, old), 401, "invalid_client")
    # Grace 0 revokes the key, and with it the tokens it obtained.
    assert introspect(stack, new, tok) == {"active": False}
    assert cc(stack, new)[0] == 200
    # A chain: the new key rolls on.
    newer = stack.admin_json("key", "roll", new["id"], "--grace", "1h", "--json")
    assert newer["rolled_from"] == new["id"]


@nginx_only
def test_grace_ends_on_two_instances(stack):
    """Two jwtmint instances on one database, requests running on both
    while the grace ends: the old key is taken until its end and refused
    after it, on both, with no notification (each compares the cached
    expiry). A request may straddle the end: a 200 must have started
    before it (to the second the database keeps), a refusal ended after."""
    from test_signing_rotation import Host
    org = new_org(stack, "roll2")
    old = make_key(stack, org)
    hosts = [Host(stack, workers=2), Host(stack, workers=2)]
    try:
        for h in hosts:
            assert h.token(old)[0] == 200       # cached on both
        new = stack.admin_json("key", "roll", old["id"], "--grace", "3s", "--json")
        ends = parse_rfc3339(new["old_key_ends_at"])
        seen = {0: set(), 1: set()}
        deadline = ends + 10
        while True:
            for i, h in enumerate(hosts):
                t0 = time.time()
                st = h.token(old)[0]
                t1 = time.time()
                if st == 200:
                    assert t0 < ends + 1, "host %d took the old key %.2f s after its end" % (i, t0 - ends)
                else:
                    assert st == 401 and t1 >= ends, "host %d refused the old key %.2f s before its end" % (
                        i, ends - t1)
                seen[i].add(st)
                assert h.token(new)[0] == 200
            if all(401 in v for v in seen.values()):
                break
            assert time.time() < deadline, "the old key still works after its grace: %r" % seen
            time.sleep(0.05)
        assert all(200 in v for v in seen.values()), "the old key never worked during its grace: %r" % seen
        for _ in range(4):
            assert [h.token(old)[0] for h in hosts] == [401, 401]
    finally:
        for h in hosts:
            stack.stop_server(h.proc)


def test_roll_refusals(stack):
    org = new_org(stack, "rollx")
    k = make_key(stack, org)
    for args, want in ((["key", "roll", k["id"]], "grace"),
                       (["key", "roll", k["id"], "--grace", "31d"], "30 days"),
                       (["key", "roll", k["id"], "--grace", "-1h"], "grace"),
                       (["key", "roll", "bogus", "--grace", "1h"], "malformed"),
                       (["key", "roll", "aaaaaaaaaaaaaaaa", "--grace", "1h"], "no key")):
        rc, out, err = stack.admin(*args)
        assert rc != 0 and want in err, "%r: %d %r" % (args, rc, err[-300:])
        assert "jmk_" not in out
    stack.admin_ok("key", "revoke", k["id"])
    rc, out, err = stack.admin("key", "roll", k["id"], "--grace", "1h")
    assert rc != 0 and "cannot be rolled" in err, (rc, err)
    n = stack.psql("select count(*) from api_keys where rolled_from = '%s'" % k["id"]).strip()
    assert n == "0", "a refused roll made a key"



def backends(stack):
    """{pid: query_start} of the database's other backends."""
    rows = stack.psql("select pid, query_start from pg_stat_activity where datname = current_database()"
                      " and pid <> pg_backend_pid() and query_start is not null").splitlines()
    return dict(r.split("|", 1) for r in rows)


@nginx_only
def test_idle_housekeeper_is_quiet(stack):
    """With no grace open, a housekeeper sleeps until its next task instead
    of asking every 50 ms when the next grace ends (greatest(0, null) is 0,
    not null: "none" once read as "now", 40 transactions a second on an
    idle stack). A fresh housekeeper runs every task at once: after that,
    its connection is quiet."""
    open_graces = ("from api_keys where rolled_to is not null and grace_ended_at is null"
                   " and revoked_at is null")
    for kid in stack.psql("select id " + open_graces).split():
        stack.admin_ok("key", "revoke", kid)
    assert stack.psql("select count(*) " + open_graces).strip() == "0"
    before = set(backends(stack))
    hk = stack.spawn_housekeeper()
    try:
        wait_for(lambda: set(backends(stack)) - before, timeout=10, what="the housekeeper's connection")
        time.sleep(1)     # its first round of every task
        mine = set(backends(stack)) - before
        seen = set()
        t_end = time.time() + 3
        while time.time() < t_end:
            b = backends(stack)
            seen.update((pid, b[pid]) for pid in mine if pid in b)
            time.sleep(0.05)
        # A quiet one: the same query_start, or one more for a task due
        # now and then; a polling one: one per 50 ms.
        assert len(seen) <= len(mine) + 3, "an idle housekeeper ran %d statements in 3 s" % len(seen)
    finally:
        stack.stop_server(hk)
