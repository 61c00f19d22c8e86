"""
jwtmint-admin: usage errors (exit 2), migrations, organizations, API keys and
signing keys, and that it never prints a secret it should not.
"""

import datetime
import json
import re
import time

from harness import KEY_RE, assert_oauth_error, wait_for

# The admin CLI, the admin API and tenancy are the same code whichever
# transport runs jwtmint: once, behind nginx (the CGI pass keeps to what
# CGI changes: tests/run.sh keeps make test under 15 minutes).
MODES = ("nginx",)

ALL = "read:accounts write:settings"
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def parse_time(s):
    assert isinstance(s, str) and RFC3339.match(s), "not RFC 3339: %r" % s
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00").replace(" ", "T"))


def now():
    return datetime.datetime.now(datetime.timezone.utc)


# --- usage ----------------------------------------------------------------

def test_usage_errors_exit_2(stack):
    for args in ([], ["frobnicate"], ["org"], ["org", "frob"], ["org", "create"],
                 ["org", "create", "--slug"], ["org", "create", "--slug", "x"],
                 ["key", "create"], ["key", "create", "--name", "x"], ["key", "revoke"],
                 ["signing-key"], ["signing-key", "retire"], ["migrate", "extra"],
                 ["key", "create", "--name", "x", "--scopes", "a", "--bogus"]):
        rc, out, err = stack.admin(*args)
        assert rc == 2, "jwtmint-admin %s: exit %d, want 2 (stderr %r)" % (" ".join(args), rc, err[:200])
        assert err.strip(), "jwtmint-admin %s: no message on stderr" % " ".join(args)
        assert "usage" in (err + out).lower(), "jwtmint-admin %s: no usage text: %r" % (" ".join(args), err[:200])


def test_bad_values_fail(stack):
    for args in (["key", "create", "--name", "x", "--scopes", "a", "--env", "prod", "--org", "acme"],
                 ["key", "create", "--name", "x", "--scopes", "a", "--expires-in", "10y", "--org", "acme"],
                 ["key", "create", "--name", "x", "--scopes", "a", "--expires-in", "-5s", "--org", "acme"],
                 ["key", "create", "--name", "x", "--scopes", "a", "--expires-in", "abc", "--org", "acme"],
                 ["key", "create", "--name", "x", "--scopes", "a\"b", "--org", "acme"],
                 ["key", "create", "--name", "x", "--scopes", "a", "--org", "no-such-org"],
                 ["signing-key", "create", "--alg", "none"],
                 ["signing-key", "create", "--alg", "ES512"],
                 ["org", "create", "--slug", "Bad Slug!", "--name", "x"]):
        rc, out, err = stack.admin(*args)
        assert rc != 0, "jwtmint-admin %s succeeded: %r" % (" ".join(args), out[:200])
        assert err.strip(), "jwtmint-admin %s: no message" % " ".join(args)
        assert not KEY_RE.search(out), "a key was printed by a failing command"


def test_missing_config_file(stack):
    rc, out, err = stack.admin("-c", "/nonexistent/jwtmint.conf", "org", "list", conf=False)
    assert rc != 0
    assert "/nonexistent/jwtmint.conf" in err, "message does not name the file: %r" % err


def test_database_down_clear_message(stack):
    stack.pg_stop()
    try:
        rc, out, err = stack.admin("org", "list")
        assert rc != 0, "org list with the database down succeeded"
        assert err.strip(), "no message"
    finally:
        stack.pg_start()


# --- migrate --------------------------------------------------------------

def test_migrate_idempotent(stack):
    rc1, _, err1 = stack.admin("migrate")
    rc2, _, err2 = stack.admin("migrate")
    assert rc1 == 0 and rc2 == 0, "migrate: %d %r / %d %r" % (rc1, err1, rc2, err2)
    tables = set(stack.psql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").split())
    assert {"orgs", "api_keys", "signing_keys"} <= tables, tables


# --- organizations ----------------------------------------------------------

def test_org_create_list_disable(stack):
    org = stack.admin_json("org", "create", "--slug", "initech", "--name", "Initech, Inc.", "--json")
    assert set(org) >= {"id", "slug", "name", "created_at"}, sorted(org)
    assert org["slug"] == "initech" and org["name"] == "Initech, Inc."
    assert re.fullmatch(r"org_[a-z2-7]{16}", org["id"]), org["id"]
    assert abs((parse_time(org["created_at"]) - now()).total_seconds()) < 60
    lst = stack.admin_json("org", "list", "--json")
    assert isinstance(lst, list) and any(o.get("slug") == "initech" and o.get("id") == org["id"] for o in lst), lst
    rc, out, err = stack.admin("org", "list")
    assert rc == 0 and "initech" in out, out
    # Duplicate slug.
    rc, out, err = stack.admin("org", "create", "--slug", "initech", "--name", "Again", "--json")
    assert rc != 0 and err.strip(), "duplicate slug accepted"
    # A key of the org works, then not once the org is disabled.
    key = stack.admin_json("key", "create", "--name", "ini", "--scopes", "read:accounts", "--org", "initech", "--json")
    st, _, doc = stack.token(key["key"])
    assert st == 200, doc
    stack.admin_ok("org", "disable", "initech")

    def refused():
        return stack.token(key["key"])[0] == 401
    wait_for(refused, timeout=3, what="the key of a disabled org to be refused")
    assert_oauth_error(stack.token(key["key"]), 401, "invalid_client")
    rc, out, err = stack.admin("org", "disable", "no-such-org")
    assert rc != 0 and err.strip()


# --- API keys -----------------------------------------------------------------

def test_key_create_json(stack):
    k = stack.admin_json("key", "create", "--name", "ci deploy", "--scopes", "write:settings read:accounts",
                         "--org", "acme", "--json")
    assert set(k) >= {"id", "key", "name", "scopes", "env", "expires_at", "org", "created_at"}, sorted(k)
    m = KEY_RE.fullmatch(k["key"])
    assert m, "key %r does not match the format" % k["key"]
    assert m.group(1) == "live" and k["env"] == "live", "default env is not live"
    assert m.group(2) == k["id"], "id %r is not the key id of %r" % (k["id"], k["key"][:30])
    assert k["name"] == "ci deploy"
    assert k["scopes"] in (ALL, ALL.split(), sorted(ALL.split())), "scopes %r" % k["scopes"]
    assert k["expires_at"] is None, k["expires_at"]
    assert k["org"] in ("acme", stack.org_id), "org %r" % k["org"]
    parse_time(k["created_at"])
    st, _, doc = stack.token(k["key"])
    assert st == 200, doc
    stack.verify(doc["access_token"], key=k)


def test_key_create_test_env_and_expiry(stack):
    for spec, secs in (("90d", 90 * 86400), ("12h", 12 * 3600), ("30m", 1800), ("3600s", 3600)):
        k = stack.admin_json("key", "create", "--name", "exp-" + spec, "--scopes", "read:accounts",
                             "--env", "test", "--expires-in", spec, "--org", "acme", "--json")
        assert k["key"].startswith("jmk_test_") and k["env"] == "test", k["env"]
        delta = (parse_time(k["expires_at"]) - now()).total_seconds()
        assert abs(delta - secs) < 120, "--expires-in %s: expires_at %s is %ds away" % (spec, k["expires_at"], delta)


def test_key_create_plain_prints_once(stack):
    rc, out, err = stack.admin("key", "create", "--name", "plain", "--scopes", "read:accounts", "--org", "acme")
    assert rc == 0, err
    found = [m.group(0) for m in KEY_RE.finditer(out)]
    assert len(found) == 1, "the key appears %d times in %r" % (len(found), out)
    assert len(out.strip().splitlines()) >= 2, "no line of explanation: %r" % out
    assert found[0] not in err


def test_key_list_no_secrets(stack):
    k = stack.new_key(name="listed")
    lst = stack.admin_json("key", "list", "--org", "acme", "--json")
    assert isinstance(lst, list) and lst, lst
    ids = {x.get("id") for x in lst}
    assert k["id"] in ids, "new key not listed"
    for x in lst:
        assert "key" not in x, "key list shows the key"
        for f in ("hash", "salt", "secret"):
            assert f not in x, "key list shows %s" % f
    whole = json.dumps(lst)
    for text in (whole, stack.admin_ok("key", "list"), stack.admin_ok("key", "list", "--org", "acme")):
        assert not KEY_RE.search(text), "a key appears in key list"
        for s in stack.secrets:
            assert s not in text, "a secret appears in key list"
        assert not re.search(r"\\x[0-9a-f]{32}|[0-9a-f]{64}", text), "something like a hash appears in key list"
    # The listed entry says what it is.
    mine = [x for x in lst if x.get("id") == k["id"]][0]
    assert mine.get("name") == "listed" and mine.get("env") == "live", mine


def test_key_revoke(stack):
    k = stack.new_key(name="to-revoke")
    st, _, doc = stack.token(k["key"])
    assert st == 200, doc
    stack.admin_ok("key", "revoke", k["id"])
    t0 = time.time()

    def refused():
        return stack.token(k["key"])[0] == 401
    wait_for(refused, timeout=3, what="the revoked key to be refused")
    took = time.time() - t0
    # Every worker must know: ask several times.
    for _ in range(6):
        assert_oauth_error(stack.token(k["key"]), 401, "invalid_client")
    if took > 0.5:
        stack.note("a revoked key kept working for %.1fs" % took)
    rc, out, err = stack.admin("key", "revoke", "aaaaaaaaaaaaaaaa")
    assert rc != 0 and err.strip(), "revoking an unknown key succeeded"
    rc, out, err = stack.admin("key", "revoke", "not a key id'; --")
    assert rc != 0


def test_key_expired_refused(stack):
    stack.wait_expired()
    assert_oauth_error(stack.token(stack.keys["expired"]["key"]), 401, "invalid_client")


def test_key_scopes_enforced(stack):
    k = stack.new_key(scopes="read:accounts", name="narrow")
    st, _, doc = stack.token(k["key"])
    assert st == 200 and doc["scope"] == "read:accounts", doc
    assert_oauth_error(stack.token(k["key"], scope="write:settings"), 400, "invalid_scope")


def test_database_holds_no_secret(stack):
    k = stack.new_key(name="db-check")
    s52 = k["key"][-59:-7]
    dump = stack.dump_database()
    assert k["key"] not in dump and s52 not in dump, "the database holds a key secret"
    row = stack.psql("SELECT id, length(salt), length(hash) FROM api_keys WHERE id = '%s'" % k["id"]).strip()
    assert row == "%s|16|32" % k["id"], row


# --- signing keys ------------------------------------------------------------

def test_signing_keys(stack):
    for alg in ("ES256", "RS256", "HS256"):
        sk = stack.admin_json("signing-key", "create", "--alg", alg, "--json")
        assert set(sk) >= {"kid", "alg"} and sk["alg"] == alg, sk
        assert "d" not in sk and "k" not in sk and "private" not in json.dumps(sk).lower(), sk
        lst = stack.admin_json("signing-key", "list", "--json")
        assert any(x.get("kid") == sk["kid"] for x in lst), "new key not listed"
        stack.admin_ok("signing-key", "retire", sk["kid"])
    rc, out, err = stack.admin("signing-key", "retire", "no-such-kid")
    assert rc != 0 and err.strip()
    # The stack's own key still signs, and nothing private is listed.
    text = stack.admin_ok("signing-key", "list") + stack.admin_ok("signing-key", "list", "--json")
    assert "PRIVATE KEY" not in text and '"d"' not in text
    st, _, doc = stack.token()
    assert st == 200, doc
    header, _ = stack.verify(doc["access_token"])
    assert header["kid"] == stack.signing_key["kid"]


def test_sealed_private_keys(stack):
    # Private keys are sealed under the kek: no PEM, no JWK "d" in the table.
    out = stack.psql("SELECT encode(private_sealed, 'escape') FROM signing_keys")
    assert "BEGIN" not in out and "PRIVATE" not in out and '"d"' not in out
