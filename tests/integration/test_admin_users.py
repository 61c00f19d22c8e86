"""
Users, roles and organizations as operations (src/ops_user.c, ops_role.c,
ops_org.c): jwtmint-admin org enable, user get and update, role update; a
change that narrows a user's permissions ends the tokens issued before it
(a new generation), one that widens leaves them; every change leaves its
audit row, naming the CLI's actor (cli:USER@HOST) and never a password.
"""

import json
import re
import secrets as pysecrets

from harness import assert_oauth_error
from test_lifecycle import (active, admin_stdin, claims_of, login, login_ok, new_key, new_org, new_user, post,
                            refresh)

# Nothing here depends on how requests arrive: nginx mode only (one stack
# fewer in the CGI pass). Argon2 cost is not under test here.
MODES = ("nginx",)
STACK_OPTIONS = {"env": {"JWTMINT_ARGON2_M_KIB": "256", "JWTMINT_ARGON2_T": "1"}}

APP_SCOPES = "read:accounts write:settings introspect"
ACTOR = re.compile(r"cli:[A-Za-z0-9._-]+@[A-Za-z0-9._?-]+$")


def audit(stack, org, event):
    rows = stack.psql("select actor, resource, detail from audit where org_id = '%s' and event = '%s'"
                      " order by id" % (org["id"], event)).strip().splitlines()
    return [r.split("|", 2) for r in rows]


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


# --- the admin API: /admin/users and /admin/roles ------------------------------

from test_admin_api import admin_aud, api, bearer  # noqa: E402

PW_RE = re.compile(r"\$argon2id\$")


class Org:
    """An organization with admin keys (a wide one holding read:* write:*,
    a narrow one), a key without admin, a login key, a custom role within
    the narrow key and another organization's admin key."""

    def __init__(self, stack):
        self.org = new_org(stack, "ua")
        self.other = new_org(stack, "ub")
        self.wide = new_key(stack, self.org, scopes="admin introspect read:* write:*")
        self.narrow = new_key(stack, self.org, scopes="admin read:accounts")
        self.plain = new_key(stack, self.org, scopes="read:accounts")
        self.app = new_key(stack, self.org, scopes=APP_SCOPES)
        self.adm_b = new_key(stack, self.other, scopes="admin read:* write:*")
        stack.admin_ok("role", "create", "viewer", "--scopes", "read:accounts", "--org", self.org["slug"])


def org(stack):
    if not hasattr(stack, "_users_org"):
        stack._users_org = Org(stack)
    return stack._users_org


def password(stack):
    pw = "Pw-" + pysecrets.token_urlsafe(15)
    stack.secrets.add(pw)       # never in a log, an answer or the database
    return pw


def count_users(stack, o):
    return int(stack.psql("select count(*) from users where org_id = '%s'" % o["id"]))


def user_body(stack, **kw):
    body = {"username": "u" + pysecrets.token_hex(4), "role": "limited", "password": password(stack)}
    body.update(kw)
    return body


def assert_user_view(doc, username):
    assert set(doc) >= {"id", "username", "role", "scopes", "accounts", "created_at", "disabled_at",
                        "version"}, doc
    assert doc["username"] == username, doc
    assert not {"password", "password_hash", "hash"} & set(doc), doc
    assert "argon2" not in json.dumps(doc), doc


def test_users_api(stack):
    o = org(stack)
    body = user_body(stack, accounts=["acc1"])
    pw = body["password"]
    # Denials first: nothing is written.
    before = count_users(stack, o.org)
    assert_oauth_error(api(stack, "POST", "/admin/users", None, body), 401, "invalid_client")
    assert_oauth_error(api(stack, "POST", "/admin/users", o.plain, body), 403, "insufficient_scope")
    for bad, field in (({"username": "a b"}, "username"), ({"role": "no-such-role"}, "role"),
                       ({"role": "Bad!"}, "role"), ({"password": "short"}, "password"),
                       ({"scopes": ["a\"b"]}, "scopes"), ({"accounts": "acc1"}, "accounts"),
                       ({"colour": pw}, "colour"), ({"password": 12345678}, "password")):
        b = dict(body)
        b.update(bad)
        resp = api(stack, "POST", "/admin/users", o.wide, b)
        assert_oauth_error(resp, 400, "invalid_request", echo=[pw, "a b", "no-such-role", "short"])
        assert field in resp[2]["error_description"], "400 does not name %s: %r" % (field, resp[2])
    resp = api(stack, "POST", "/admin/users", o.wide, {k: v for k, v in body.items() if k != "password"})
    assert_oauth_error(resp, 400, "invalid_request")
    # Nobody gives more than it holds: the narrow key holds no read:* nor write:*.
    resp = api(stack, "POST", "/admin/users", o.narrow, body)
    assert_oauth_error(resp, 403, "insufficient_scope")
    assert "role" in resp[2]["error_description"], resp[2]
    b = user_body(stack, role="viewer", scopes=["write:settings"])
    assert_oauth_error(api(stack, "POST", "/admin/users", o.narrow, b), 403, "insufficient_scope")
    assert count_users(stack, o.org) == before, "a refused create wrote a user"

    # Create: 201, Location, ETag, never the password; once per Idempotency-Key.
    hk = {"Idempotency-Key": "user-" + body["username"]}
    st, h, doc = api(stack, "POST", "/admin/users", o.wide, body, headers=hk)
    assert st == 201, (st, doc)
    assert h.get("location") == "/admin/users/" + body["username"], h
    assert h.get("etag") == '"v%d"' % doc["version"], h
    assert_user_view(doc, body["username"])
    assert doc["role"] == "limited" and doc["accounts"] == ["acc1"] and doc["disabled_at"] is None, doc
    st2, _, doc2 = api(stack, "POST", "/admin/users", o.wide, body, headers=hk)
    assert st2 == 201 and doc2 == doc, "a replay: %d %r" % (st2, doc2)
    other = dict(body, accounts=["acc2"])
    assert_oauth_error(api(stack, "POST", "/admin/users", o.wide, other, headers=hk), 422,
                       "idempotency_key_reused")
    assert count_users(stack, o.org) == before + 1
    assert_oauth_error(api(stack, "POST", "/admin/users", o.wide, body), 409, "conflict")
    assert PW_RE.match(stack.psql("select password_hash from users where id = '%s'" % doc["id"]).strip())
    # The narrow key makes users within what it holds.
    vb = user_body(stack, role="viewer", accounts=["acc9"])
    st, _, vdoc = api(stack, "POST", "/admin/users", o.narrow, vb)
    assert st == 201 and vdoc["role"] == "viewer", (st, vdoc)

    # Read: one user with its ETag; another organization's is 404 like a missing one.
    path = "/admin/users/" + body["username"]
    st, h, got = api(stack, "GET", path, o.wide)
    assert st == 200 and got == doc and h.get("etag") == '"v%d"' % doc["version"], (st, got, h)
    st, _, got = api(stack, "GET", path.upper().replace("/ADMIN/USERS/", "/admin/users/"), o.wide)
    assert st == 200 and got["id"] == doc["id"], "the username is matched as login matches it"
    for p, cred in ((path, o.adm_b), ("/admin/users/nobody-here", o.wide), ("/admin/users/a!b", o.wide)):
        assert_oauth_error(api(stack, "GET", p, cred), 404, "not_found")
    # The list, a page at a time.
    seen, cursor = [], None
    for _ in range(20):
        q = "/admin/users?limit=1" + ("&cursor=" + cursor if cursor else "")
        st, _, page = api(stack, "GET", q, o.wide)
        assert st == 200 and len(page["users"]) <= 1, (st, page)
        seen += [u["username"] for u in page["users"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [body["username"], vb["username"]], seen
    assert_oauth_error(api(stack, "GET", "/admin/users?limit=0", o.wide), 400, "invalid_request")
    assert_oauth_error(api(stack, "GET", "/admin/users?cursor=%21", o.wide), 400, "invalid_request")
    st, _, page = api(stack, "GET", "/admin/users", o.adm_b)
    assert st == 200 and page["users"] == [], page

    # A token of the user, then a narrower role: the token loses what was removed.
    u = {"username": body["username"], "password": pw}
    d = login_ok(stack, o.app, u)
    assert "write:settings" in claims_of(d["access_token"])["scope"].split()
    assert_oauth_error(api(stack, "PATCH", path, o.wide, {"role": "viewer"}, headers={"If-Match": '"v999"'}),
                       412, "precondition_failed")
    assert_oauth_error(api(stack, "PATCH", path, o.wide, {"role": "viewer", "bogus": 1}), 400, "invalid_request")
    assert_oauth_error(api(stack, "PATCH", path, o.wide, {}), 400, "invalid_request")
    assert_oauth_error(api(stack, "PATCH", path, o.adm_b, {"role": "viewer"}), 404, "not_found")
    assert active(stack, o.app, d["access_token"]), "a refused PATCH changed the user"
    st, h, upd = api(stack, "PATCH", path, o.wide, {"role": "viewer"}, headers={"If-Match": h["etag"]})
    assert st == 200 and upd["role"] == "viewer" and upd["tokens_ended"] is True, (st, upd)
    assert upd["version"] > doc["version"] and h.get("etag") == '"v%d"' % upd["version"], (upd, h)
    assert not active(stack, o.app, d["access_token"]), "a token kept write:settings after the PATCH"
    assert refresh(stack, o.app, d["refresh_token"])[0] == 400
    d = login_ok(stack, o.app, u)
    assert claims_of(d["access_token"])["scope"].split() == ["read:accounts"]
    # Wider: more accounts; tokens stay.
    st, _, upd = api(stack, "PATCH", path, o.wide, {"accounts": ["acc1", "acc2"]})
    assert st == 200 and upd["tokens_ended"] is False and upd["accounts"] == ["acc1", "acc2"], upd
    assert active(stack, o.app, d["access_token"])

    # A user holding more than the caller: the narrow key may not touch it.
    st, _, lim = api(stack, "PATCH", path, o.wide, {"role": "limited"})
    assert st == 200, lim
    for method, p, b in (("PATCH", path, {"accounts": ["acc1"]}), ("POST", path + "/password", {"password": pw}),
                         ("POST", path + "/disable", None)):
        resp = api(stack, method, p, o.narrow, b)
        assert_oauth_error(resp, 403, "insufficient_scope")
    assert api(stack, "GET", path, o.wide)[2]["accounts"] == ["acc1", "acc2"], "a refused PATCH wrote"

    # A new password: 204 without a body; every token ends; the new one logs in.
    d = login_ok(stack, o.app, u)
    pw2 = password(stack)
    assert_oauth_error(api(stack, "POST", path + "/password", o.wide, {"password": "short"}), 400,
                       "invalid_request", echo=["short"])
    assert_oauth_error(api(stack, "POST", path + "/password", o.adm_b, {"password": pw2}), 404, "not_found")
    st, h, b = api(stack, "POST", path + "/password", o.wide, {"password": pw2})
    assert st == 204 and b is None, (st, b)
    assert not active(stack, o.app, d["access_token"])
    assert login(stack, o.app, u)[0] == 400, "the old password still logs in"
    u["password"] = pw2
    d = login_ok(stack, o.app, u)

    # Disable, enable.
    st, _, dis = api(stack, "POST", path + "/disable", o.wide)
    assert st == 200 and dis["disabled_at"] is not None, (st, dis)
    assert not active(stack, o.app, d["access_token"])
    assert login(stack, o.app, u)[0] == 400
    assert_oauth_error(api(stack, "POST", path + "/disable", o.wide), 409, "conflict")
    st, _, en = api(stack, "POST", path + "/enable", o.wide)
    assert st == 200 and en["disabled_at"] is None and en["version"] > dis["version"], (st, en)
    login_ok(stack, o.app, u)

    # Audit: each change, by the key that made it, never a password.
    events = stack.psql("select event || ' ' || actor from audit where org_id = '%s' and resource = '%s'"
                        " and event like 'user.%%' order by id" % (o.org["id"], doc["id"])).split("\n")
    key_actor = "key:" + o.wide["id"]
    assert [e for e in events if e] == ["user.create " + key_actor, "user.update " + key_actor,
                                        "user.update " + key_actor, "user.update " + key_actor,
                                        "user.password " + key_actor, "user.disable " + key_actor,
                                        "user.enable " + key_actor], events
    assert pw not in stack.logs(admin=True) and pw2 not in stack.dump_database()


def test_users_api_as_users(stack):
    """A user holds what its role gives it, whatever its token asked for:
    an admin-role user makes a limited user; a custom role with the admin
    scope but no write:* may not; limited and support users never get in."""
    o = org(stack)
    stack.admin_ok("role", "create", "helpdesk", "--scopes", "admin read:*", "--all-accounts",
                   "--org", o.org["slug"])
    boss = new_user(stack, o.org, role="admin")
    desk = new_user(stack, o.org, role="helpdesk")
    lim = new_user(stack, o.org, role="limited", scopes="admin")
    aud = admin_aud(stack)
    t_boss = bearer(stack, o.wide, boss, scope="admin", resource=aud)
    t_desk = bearer(stack, o.wide, desk, scope="admin", resource=aud)
    st, _, doc = api(stack, "POST", "/admin/users", t_boss, user_body(stack))
    assert st == 201 and doc["role"] == "limited", (st, doc)
    resp = api(stack, "POST", "/admin/users", t_desk, user_body(stack))
    assert_oauth_error(resp, 403, "insufficient_scope")
    st, _, doc = api(stack, "POST", "/admin/users", t_desk, user_body(stack, role="support"))
    assert st == 201, (st, doc)
    t_lim = bearer(stack, o.wide, lim, scope="admin", resource=aud)
    assert_oauth_error(api(stack, "GET", "/admin/users", t_lim), 403, "insufficient_scope")
    # A role made over HTTP is within what its maker holds too.
    assert_oauth_error(api(stack, "POST", "/admin/roles", t_desk, {"name": "w", "scopes": ["write:*"]}),
                       403, "insufficient_scope")


def test_roles_api(stack):
    o = org(stack)
    names, cursor = [], None
    for _ in range(10):
        st, _, page = api(stack, "GET", "/admin/roles?limit=2" + ("&cursor=" + cursor if cursor else ""), o.wide)
        assert st == 200 and len(page["roles"]) <= 2, (st, page)
        names += [r["name"] for r in page["roles"]]
        if (cursor := page["next_cursor"]) is None:
            break
    in_db = stack.psql("select name from roles where org_id = '%s'" % o.org["id"]).split()
    assert sorted(names) == sorted(in_db) and {"admin", "limited", "support", "viewer"} <= set(names), names
    # Create.
    before = stack.psql("select count(*) from roles where org_id = '%s'" % o.org["id"]).strip()
    for bad, want in (({"name": "Bad Name", "scopes": []}, 400), ({"name": "x", "scopes": ["a\"b"]}, 400),
                      ({"name": "x"}, 400), ({"name": "x", "scopes": [], "read_only": "yes"}, 400),
                      ({"name": "x", "scopes": ["*"]}, 403)):
        resp = api(stack, "POST", "/admin/roles", o.wide, bad)
        assert resp[0] == want, "POST /admin/roles %r: %d %r" % (bad, resp[0], resp[2])
    assert_oauth_error(api(stack, "POST", "/admin/roles", o.narrow, {"name": "x", "scopes": ["read:*"]}), 403,
                       "insufficient_scope")
    assert stack.psql("select count(*) from roles where org_id = '%s'" % o.org["id"]).strip() == before
    st, h, role = api(stack, "POST", "/admin/roles", o.wide, {"name": "ops", "scopes": ["write:*", "read:*"],
                                                            "all_accounts": True},
                      headers={"Idempotency-Key": "role-ops"})
    assert st == 201 and h.get("location") == "/admin/roles/ops", (st, h)
    assert role["scopes"] == ["read:*", "write:*"] and role["all_accounts"] and not role["read_only"], role
    assert_oauth_error(api(stack, "POST", "/admin/roles", o.wide, {"name": "ops", "scopes": []}), 409, "conflict")
    st, h, got = api(stack, "GET", "/admin/roles/ops", o.wide)
    assert st == 200 and got == role and h.get("etag") == '"v%d"' % role["version"], (st, got)
    for p, cred in (("/admin/roles/ops", o.adm_b), ("/admin/roles/none", o.wide), ("/admin/roles/A.B", o.wide)):
        assert_oauth_error(api(stack, "GET", p, cred), 404, "not_found")
    # A narrower role ends its users' tokens; a stale If-Match changes nothing.
    u = new_user(stack, o.org, role="ops")
    t = login_ok(stack, o.app, u)["access_token"]
    assert_oauth_error(api(stack, "PATCH", "/admin/roles/ops", o.wide, {"read_only": True},
                           headers={"If-Match": '"v%d"' % (role["version"] + 5)}), 412, "precondition_failed")
    assert_oauth_error(api(stack, "PATCH", "/admin/roles/ops", o.adm_b, {"read_only": True}), 404, "not_found")
    assert_oauth_error(api(stack, "PATCH", "/admin/roles/ops", o.narrow, {"read_only": True}), 403,
                       "insufficient_scope")
    assert active(stack, o.app, t), "a refused PATCH ended a token"
    st, h, upd = api(stack, "PATCH", "/admin/roles/ops", o.wide, {"read_only": True},
                     headers={"If-Match": '"v%d"' % role["version"]})
    assert st == 200 and upd["read_only"] and upd["users_cut_off"] == 1, (st, upd)
    assert h.get("etag") == '"v%d"' % upd["version"] and upd["version"] > role["version"]
    assert not active(stack, o.app, t), "a token kept write:settings after its role lost write:*"
    assert claims_of(login_ok(stack, o.app, u)["access_token"])["scope"].split() == ["read:accounts"]
    st, _, upd = api(stack, "PATCH", "/admin/roles/ops", o.wide, {"scopes": ["read:*", "write:*", "introspect"]})
    assert st == 200 and upd["users_cut_off"] == 0, upd
    rows = stack.psql("select event || ' ' || actor from audit where org_id = '%s' and resource = 'ops'"
                      " order by id" % o.org["id"]).split()
    assert rows.count("role.create") == 1 and rows.count("role.update") == 2, rows
