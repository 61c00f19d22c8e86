"""
The admin API against an administrator who tries to get more than it
holds (found by a review of the admin API): a user limited to some
customer accounts minting a key (a key reaches every account); a weaker
admin key changing, re-enabling or revoking a stronger key; a key made with
a grant its maker cannot use; a trusted forwarder rolled over HTTP; a
backdated audit row; a weak entity-tag in If-Match.
"""

from harness import assert_oauth_error, nginx_only
from test_admin_api import admin_aud, api, bearer, key
from test_lifecycle import ALL_GRANTS, new_org, new_user


def count_keys(stack, org):
    return int(stack.psql("select count(*) from api_keys where org_id = '%s'" % org["id"]))


@nginx_only
def test_account_limited_admin_makes_no_key(stack):
    org = new_org(stack)
    stack.admin_ok("role", "create", "teamadm", "--scopes", "admin read:accounts",
                   "--org", org["slug"])
    app = key(stack, org, "admin read:accounts", grants=ALL_GRANTS)
    u = new_user(stack, org, role="teamadm", accounts="acc1")
    tok = bearer(stack, app, u, scope="admin read:accounts", resource=admin_aud(stack))
    mine = key(stack, org, "read:accounts")
    before = count_keys(stack, org)
    assert_oauth_error(api(stack, "POST", "/admin/keys", tok,
                           {"name": "sneaky", "scopes": ["read:accounts"]}), 403, "insufficient_scope")
    assert_oauth_error(api(stack, "POST", "/admin/keys/%s/roll" % mine["id"], tok, {"grace": "1h"}),
                       403, "insufficient_scope")
    assert count_keys(stack, org) == before, "a key was made for an account-limited admin"
    # An admin of every account still can.
    boss = new_user(stack, org, role="admin")
    tb = bearer(stack, app, boss, scope="admin read:accounts", resource=admin_aud(stack))
    st, _, doc = api(stack, "POST", "/admin/keys", tb, {"name": "fine", "scopes": ["read:accounts"]})
    assert st == 201, (st, doc)


@nginx_only
def test_weaker_admin_cannot_touch_a_stronger_key(stack):
    org = new_org(stack)
    strong = key(stack, org, "admin read:accounts write:settings write:billing")
    weak = key(stack, org, "admin read:accounts")
    stack.admin_ok("key", "disable", strong["id"])
    for method, path, body in (("PATCH", "", {"disabled": False}), ("PATCH", "", {"name": "renamed"}),
                               ("PATCH", "", {"rate_per_sec": None}), ("DELETE", "", None),
                               ("POST", "/roll", {"grace": "1h"})):
        resp = api(stack, method, "/admin/keys/%s%s" % (strong["id"], path), weak, body)
        assert_oauth_error(resp, 403, "insufficient_scope")
    row = stack.psql("select name, disabled_at is not null, revoked_at is null from api_keys "
                     "where id = '%s'" % strong["id"]).strip()
    assert row == "cli-made|t|t", row
    # The strong key itself, or a key holding as much, may.
    st, _, doc = api(stack, "PATCH", "/admin/keys/%s" % strong["id"],
                     key(stack, org, "admin read:accounts write:settings write:billing"), {"disabled": False})
    assert st == 200 and doc["status"] == "active", (st, doc)


@nginx_only
def test_no_grant_its_maker_lacks(stack):
    org = new_org(stack)
    cc_only = key(stack, org, "admin read:accounts")
    before = count_keys(stack, org)
    for grants in (["password"], ["client_credentials", "refresh_token"], ["token_exchange"]):
        resp = api(stack, "POST", "/admin/keys", cc_only,
                   {"name": "g", "scopes": ["read:accounts"], "grants": grants})
        assert_oauth_error(resp, 403, "insufficient_scope")
    assert count_keys(stack, org) == before
    every = key(stack, org, "admin read:accounts", grants=ALL_GRANTS)
    st, _, doc = api(stack, "POST", "/admin/keys", every,
                     {"name": "g", "scopes": ["read:accounts"], "grants": ["password"]})
    assert st == 201 and doc["grants"] == ["password"], (st, doc)


@nginx_only
def test_trusted_forwarder_rolls_only_from_the_cli(stack):
    org = new_org(stack)
    adm = key(stack, org, "admin read:accounts", grants=ALL_GRANTS)
    fwd = key(stack, org, "read:accounts", grants=ALL_GRANTS)
    stack.admin_ok("key", "trust", fwd["id"])
    assert_oauth_error(api(stack, "POST", "/admin/keys/%s/roll" % fwd["id"], adm, {"grace": "1h"}),
                       403, "insufficient_scope")
    assert stack.psql("select rolled_to is null from api_keys where id = '%s'" % fwd["id"]).strip() == "t"
    out = stack.admin_json("key", "roll", fwd["id"], "--grace", "1h", "--json")
    assert out["id"] != fwd["id"]


@nginx_only
def test_audit_time_is_the_database_s(stack):
    org = new_org(stack)
    stack.psql("insert into audit (org_id, event, detail, at) values ('%s', 'test.backdate', 'x', "
               "'2001-01-01T00:00:00Z')" % org["id"])
    age = float(stack.psql("select extract(epoch from now() - at) from audit where org_id = '%s' "
                           "and event = 'test.backdate'" % org["id"]))
    assert 0 <= age < 600, "a backdated audit row kept its time (%s s old)" % age
    assert stack.admin_ok("audit", "verify", "--org", org["slug"]) is not None


@nginx_only
def test_weak_etag_never_matches(stack):
    org = new_org(stack)
    adm = key(stack, org, "admin read:accounts")
    k = key(stack, org, "read:accounts")
    st, h, doc = api(stack, "GET", "/admin/keys/%s" % k["id"], adm)
    assert st == 200 and h["etag"].startswith('"'), h
    resp = api(stack, "PATCH", "/admin/keys/%s" % k["id"], adm, {"name": "w"},
               headers={"If-Match": "W/" + h["etag"]})
    assert_oauth_error(resp, 412, "precondition_failed")
    st, _, doc = api(stack, "PATCH", "/admin/keys/%s" % k["id"], adm, {"name": "s"},
                     headers={"If-Match": h["etag"]})
    assert st == 200 and doc["name"] == "s", (st, doc)
