"""
Users, roles and organizations as operations (src/ops_user.c, ops_role.c,
ops_org.c): jwtmint-admin org enable, user get and update, role update; a
change that narrows a user's permissions ends the tokens issued before it
(a new generation), one that widens leaves them; every change leaves its
audit row, naming the CLI's actor (cli:USER@HOST) and never a password.
"""

import json
import re

from harness import assert_oauth_error, nginx_only
from test_lifecycle import (active, admin_stdin, claims_of, login, login_ok, new_key, new_org, new_user, post,
                            refresh)

# Argon2 cost is not under test here: cheap parameters keep the CGI mode fast.
STACK_OPTIONS = {"env": {"JWTMINT_ARGON2_M_KIB": "256", "JWTMINT_ARGON2_T": "1"}}

APP_SCOPES = "read:accounts write:settings introspect"
ACTOR = re.compile(r"cli:[A-Za-z0-9._-]+@[A-Za-z0-9._?-]+$")


def audit(stack, org, event):
    rows = stack.psql("select actor, resource, detail from audit where org_id = '%s' and event = '%s'"
                      " order by id" % (org["id"], event)).strip().splitlines()
    return [r.split("|", 2) for r in rows]


@nginx_only
def test_cli_org_enable(stack):
    org = new_org(stack, "en")
    k = new_key(stack, org, scopes="read:accounts", grants="client_credentials")
    stack.admin_ok("org", "disable", org["slug"])
    assert_oauth_error(post(stack, "/token", k, grant_type="client_credentials"), 401, "invalid_client")
    rc, out, err = stack.admin("org", "disable", org["slug"])
    assert rc == 1 and "no enabled organization" in err, (rc, err)
    out = stack.admin_ok("org", "enable", org["slug"])
    assert "enabled" in out, out
    st, _, doc = post(stack, "/token", k, grant_type="client_credentials")
    assert st == 200, "the key of an enabled organization: %d %r" % (st, doc)
    rc, out, err = stack.admin("org", "enable", org["slug"])
    assert rc == 1 and "no disabled organization" in err, (rc, err)
    rc, out, err = stack.admin("org", "enable", "no-such-org-here")
    assert rc == 1 and err.strip(), (rc, err)
    listed = {o["slug"]: o for o in stack.admin_json("org", "list", "--json")}
    assert listed[org["slug"]]["disabled_at"] is None, listed[org["slug"]]
    for event in ("org.create", "org.disable", "org.enable"):
        rows = audit(stack, org, event)
        assert len(rows) == 1, "%s: %r" % (event, rows)
        assert ACTOR.match(rows[0][0]) and rows[0][1] == org["id"], rows


@nginx_only
def test_cli_user_get_and_update(stack):
    org = new_org(stack, "uu")
    k = new_key(stack, org, scopes=APP_SCOPES)
    u = new_user(stack, org, role="limited", accounts="acc1 acc2")
    got = stack.admin_json("user", "get", u["username"].upper(), "--org", org["slug"], "--json")
    assert got["id"] == u["id"] and got["role"] == "limited" and got["accounts"] == "acc1 acc2", got
    assert got["disabled_at"] is None and got["version"] >= 1, got
    assert "password" not in json.dumps(got) and "argon2" not in json.dumps(got), got
    text = stack.admin_ok("user", "get", u["username"], "--org", org["slug"])
    assert u["id"] in text and "limited" in text, text
    rc, out, err = stack.admin("user", "get", "nobody-here", "--org", org["slug"])
    assert rc == 1 and "no such user" in err, (rc, err)

    d = login_ok(stack, k, u)
    assert "write:settings" in claims_of(d["access_token"])["scope"].split()
    # limited -> support: every account, but no write:* any more: narrower.
    upd = stack.admin_json("user", "update", u["username"], "--role", "support", "--org", org["slug"], "--json")
    assert upd["role"] == "support" and upd["tokens_ended"] is True and upd["version"] > got["version"], upd
    assert not active(stack, k, d["access_token"]), "a token keeps write:settings after the role lost it"
    assert refresh(stack, k, d["refresh_token"])[0] == 400, "the refresh token outlived a narrowing"
    d2 = login_ok(stack, k, u)
    assert claims_of(d2["access_token"])["scope"].split() == ["read:accounts"], claims_of(d2["access_token"])
    # support -> limited: write:* back, but only acc1 acc2 of every account:
    # narrower again.
    upd = stack.admin_json("user", "update", u["username"], "--role", "limited", "--org", org["slug"], "--json")
    assert upd["tokens_ended"] is True, upd
    assert not active(stack, k, d2["access_token"])
    # More accounts and an extra scope: wider, tokens stay.
    d3 = login_ok(stack, k, u)
    upd = stack.admin_json("user", "update", u["username"], "--accounts", "acc1 acc2 acc3", "--scopes",
                           "introspect", "--org", org["slug"], "--json")
    assert upd["tokens_ended"] is False and upd["accounts"] == "acc1 acc2 acc3", upd
    assert active(stack, k, d3["access_token"]), "a wider change ended a token"
    # Fewer accounts: narrower.
    out = stack.admin_ok("user", "update", u["username"], "--accounts", "acc1", "--org", org["slug"])
    assert "every token of it ended" in out, out
    assert not active(stack, k, d3["access_token"])
    for args, want in ((["--role", "no-such-role"], 1), (["--scopes", 'a"b'], 2), ([], 2),
                       (["--role", "Bad Role"], 1)):
        rc, out, err = stack.admin("user", "update", u["username"], "--org", org["slug"], *args)
        assert rc == want, "user update %r: exit %d (%r)" % (args, rc, err)
    after = stack.admin_json("user", "get", u["username"], "--org", org["slug"], "--json")
    assert after["role"] == "limited" and after["accounts"] == "acc1", "a refused update wrote: %r" % after
    rows = audit(stack, org, "user.update")
    assert len(rows) == 4 and all(ACTOR.match(r[0]) and r[1] == u["id"] for r in rows), rows
    assert "role limited -> support" in rows[0][2] and "every token ended" in rows[0][2], rows[0]
    assert "every token ended" not in rows[2][2], rows[2]
    # A new password: the audit row says so, and nothing of it.
    admin_stdin(stack, ["user", "passwd", u["username"], "--org", org["slug"]], "another-password-1\n")
    rows = audit(stack, org, "user.password")
    assert len(rows) == 1 and "another-password-1" not in rows[0][2], rows
    assert "another-password-1" not in stack.psql("select detail from audit")


@nginx_only
def test_cli_role_update(stack):
    org = new_org(stack, "ru")
    k = new_key(stack, org, scopes=APP_SCOPES)
    stack.admin_ok("role", "create", "ops", "--scopes", "read:* write:*", "--all-accounts", "--org", org["slug"])
    u1, u2 = new_user(stack, org, role="ops"), new_user(stack, org, role="ops")
    other = new_user(stack, org, role="limited")
    t1, t2, t3 = (login_ok(stack, k, x)["access_token"] for x in (u1, u2, other))
    # Wider (one more pattern): nothing ends.
    r = stack.admin_json("role", "update", "ops", "--scopes", "read:* write:* introspect", "--org", org["slug"],
                         "--json")
    assert r["users_cut_off"] == 0 and r["scopes"] == "introspect read:* write:*", r
    assert active(stack, k, t1) and active(stack, k, t2)
    # Narrower: every token of the role's users ends, no other user's.
    r = stack.admin_json("role", "update", "ops", "--read-only", "true", "--org", org["slug"], "--json")
    assert r["users_cut_off"] == 2 and r["read_only"] is True, r
    assert not active(stack, k, t1) and not active(stack, k, t2)
    assert active(stack, k, t3), "a narrowed role ended another role's user's token"
    assert claims_of(login_ok(stack, k, u1)["access_token"])["scope"].split() == ["read:accounts"]
    roles = {x["name"]: x for x in stack.admin_json("role", "list", "--org", org["slug"], "--json")}
    assert roles["ops"] == {"name": "ops", "scopes": "introspect read:* write:*", "all_accounts": "t",
                            "read_only": "t"}, roles["ops"]
    assert set(roles) == {"admin", "limited", "support", "ops"}, roles
    for args, want in ((["nosuch", "--scopes", "x"], 1), (["ops"], 2), (["ops", "--read-only", "maybe"], 2),
                       (["ops", "--scopes", "a\\b"], 2)):
        rc, out, err = stack.admin("role", "update", *args, "--org", org["slug"])
        assert rc == want, "role update %r: exit %d (%r)" % (args, rc, err)
    rows = audit(stack, org, "role.update")
    assert len(rows) == 2 and all(ACTOR.match(x[0]) and x[1] == "ops" for x in rows), rows
    assert "tokens ended of users: 2" in rows[1][2], rows[1]
