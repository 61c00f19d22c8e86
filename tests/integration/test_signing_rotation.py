"""
Signing keys that rotate themselves, the housekeeper, and the other
secrets (issue 11 section 4). Every test here starts the jwtmint processes
it needs itself (two `jwtmint --listen` on free loopback ports, or
`jwtmint --housekeeper` alone) on the stack's database, so none depends on
the mode: all run behind nginx only.

  - the whole schedule compressed into seconds (rotation every 3 s, JWKS
    max-age 1 s, verify leeway 1 s) across two instances, each with its
    housekeeper: tokens are issued continually from both, and an
    independent verifier (harness.verify_token: jwcrypto and PyJWT, never
    jwtmint's code) checks every token against every JWKS document either
    instance served from max-age before the token on, up to the end (the
    tokens outlive the test); a key is in the JWKS before it signs; each
    step happens once (rows and audit rows), never twice for two
    housekeepers; a retired key's removal (its retention, an hour, made to
    have passed in the database) leaves the JWKS;
  - jwtmint-admin signing-key rotate: at once, the old key still verifies;
  - kek rotate: a host restarted with the new KEK works, one with the old
    KEK refuses to start, hosts that kept running keep serving;
  - a new pepper with the old one configured: an old key works and is
    re-hashed (once), then works with the old pepper removed; a mismatched
    pepper refuses to start;
  - jwtmint --housekeeper alone: the deny-list and idempotency purges,
    key.grace_end once, the audit heads logged, a database outage
    survived, SIGTERM.
"""

import base64
import hashlib
import hmac
import json
import os
import re
import signal
import time
import urllib.parse

from harness import (FORM, allow_worker_exit, b64, housekeeper_of, nginx_only,
                     verify_token, wait_for)

ROTATE_SEC = 3
MAX_AGE_SEC = 1
LEEWAY_SEC = 1
COMPRESSED = {"JWTMINT_SIGNING_KEY_ROTATE_SEC": str(ROTATE_SEC),
              "JWTMINT_JWKS_MAX_AGE_SEC": str(MAX_AGE_SEC),
              "JWTMINT_VERIFY_LEEWAY_SEC": str(LEEWAY_SEC)}
SCOPES = "read:accounts write:settings"


def new_secret(stack, n=32):
    """A fresh base64 secret, remembered as one the logs and the database
    must never hold."""
    s = b64(os.urandom(n))
    stack.secrets.add(s)
    stack.secrets.add(base64.b64decode(s).hex())
    return s


class Host:
    """One `jwtmint --listen 127.0.0.1:0` of the stack's, with its own
    workers and housekeeper, spoken to over FastCGI."""

    def __init__(self, stack, env=None, workers=1):
        self.stack = stack
        self.proc, self.address = stack.spawn_server_tcp(env=env, workers=workers)

    def get(self, path):
        return self.stack.fcgi(self.address, "GET", path)

    def token(self, key):
        st, _, rb = self.stack.fcgi(self.address, "POST", "/token",
                                    {"Content-Type": FORM, "X-API-Key": key["key"]},
                                    urllib.parse.urlencode({"grant_type": "client_credentials"}))
        return st, json.loads(rb) if rb else None

    def jwks(self):
        st, _, rb = self.get("/.well-known/jwks.json")
        assert st == 200, "JWKS: %d %r" % (st, rb[:200])
        return rb.decode()

    def stop(self):
        return self.stack.stop_server(self.proc)


def kid_of(token):
    head = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))["kid"]


def rows(stack, sql):
    return [r.split("|") for r in stack.psql(sql).split("\n") if r]


def audit_count(stack, event, since_id, actor=None):
    q = "select count(*) from audit where event = '%s' and id > %d" % (event, since_id)
    if actor:
        q += " and actor = '%s'" % actor
    return int(stack.psql(q).strip())


def last_audit_id(stack):
    return int(stack.psql("select coalesce(max(id), 0) from audit").strip())


def check_value(secret_b64, kind):
    """What secret_checks must hold for a secret (src/secretcheck.h),
    computed here independently: HMAC-SHA-256 keyed with the secret over a
    fixed label, never the secret."""
    return hmac.new(base64.b64decode(secret_b64), b"jwtmint secret check v1 " + kind.encode(),
                    hashlib.sha256).hexdigest()


def stored_check(stack, kind, ident):
    return stack.psql("select encode(check_value, 'hex') from secret_checks where kind = '%s' and id = %d"
                      % (kind, ident)).strip()


def verify(stack, jwks_text, token, key):
    verify_token(json.loads(jwks_text), token, issuer=stack.issuer, audience="jwtmint",
                 client_id=key["id"], scope=SCOPES, org_id=stack.org_id)


@nginx_only
def test_schedule_across_two_instances(stack):
    key = stack.new_key()
    since = last_audit_id(stack)
    t_start = float(stack.psql("select extract(epoch from now())").strip())
    hosts = [Host(stack, env=COMPRESSED)]
    try:
        hosts.append(Host(stack, env=COMPRESSED))
        # Its name is set just after the fork: wait for it, with a bound.
        end = time.time() + 10
        hks = [housekeeper_of(h.proc.pid) for h in hosts]
        while not all(hks) and time.time() < end:
            time.sleep(0.05)
            hks = [housekeeper_of(h.proc.pid) for h in hosts]
        assert all(hks) and hks[0] != hks[1], "each instance forks its housekeeper: %r" % hks
        samples = []        # (fetch started, fetch ended, JWKS text)
        tokens = []         # (request started, request ended, token)
        # Three rotations of the compressed schedule, whatever the pace.
        deadline = time.time() + 6 * ROTATE_SEC
        kids = set()
        while time.time() < deadline and len(kids) < 4:
            for h in hosts:
                t0 = time.time()
                text = h.jwks()
                samples.append((t0, time.time(), text))
                t0 = time.time()
                st, doc = h.token(key)
                assert st == 200, "/token: %d %r" % (st, doc)
                tokens.append((t0, time.time(), doc["access_token"]))
                stack.secrets.add(doc["access_token"])
                kids.add(kid_of(doc["access_token"]))
            time.sleep(0.15)
        assert len(kids) >= 4, "three rotations within %d s: tokens signed by %d keys" % (
            6 * ROTATE_SEC, len(kids))

        # Every token against every document served from max-age before it
        # on (what a resource server caching the JWKS may hold), to the end.
        checked = {}
        for t_begin, t_end, tok in tokens:
            for s_begin, _, text in samples:
                if s_begin < t_end - MAX_AGE_SEC:
                    continue
                if (tok, text) in checked:
                    continue
                try:
                    verify(stack, text, tok, key)
                except AssertionError as e:
                    raise AssertionError("a token of %s issued at +%.2fs does not verify against the "
                                         "JWKS fetched at +%.2fs: %s" % (kid_of(tok), t_begin - samples[0][0],
                                                                        s_begin - samples[0][0], e))
                checked[(tok, text)] = True
        # A key is published before its first token.
        for kid in kids:
            first_tok = min(t0 for t0, _, tok in tokens if kid_of(tok) == kid)
            seen = [s1 for _, s1, text in samples if kid in text]
            assert seen and min(seen) < first_tok, "key %s signed before it was published" % kid

        # The database: each step once, for two housekeepers.
        keys = rows(stack, "select kid, extract(epoch from created_at), extract(epoch from activated_at),"
                           " coalesce(extract(epoch from retired_at), 0) from signing_keys"
                           " where alg = 'ES256' and activated_at > to_timestamp(%f) order by activated_at"
                    % t_start)
        made = [k for k in keys if float(k[1]) > t_start]
        assert len(keys) >= 3, "rotations in the database: %r" % keys
        for kid, created, activated, _ in made:
            assert float(activated) - float(created) >= MAX_AGE_SEC + LEEWAY_SEC, \
                "key %s signed %.2fs after it was published (lead %d s)" % (
                    kid, float(activated) - float(created), MAX_AGE_SEC + LEEWAY_SEC)
        acts = [float(k[2]) for k in keys]
        for a, b in zip(acts, acts[1:]):
            assert b - a >= ROTATE_SEC - 0.001, "two rotations %.2fs apart (period %d s): %r" % (
                b - a, ROTATE_SEC, keys)
        # One statement, one snapshot: the housekeepers still run, and a
        # key made between two readings would be counted by one only.
        n_rot, n_new, promoted, created = (int(v) for v in stack.psql(
            "select (select count(*) from audit where event = 'signing_key.rotate' and id > %d"
            " and actor = 'system'), (select count(*) from audit where event = 'signing_key.create'"
            " and id > %d and actor = 'system'), (select count(*) from signing_keys where"
            " activated_at > to_timestamp(%f)), (select count(*) from signing_keys where"
            " created_at > to_timestamp(%f))" % (since, since, t_start, t_start)).strip().split("|"))
        assert n_rot == promoted, "%d signing_key.rotate rows for %d promotions" % (n_rot, promoted)
        assert n_new == created, "%d signing_key.create rows for %d keys made" % (n_new, created)
        assert stack.psql("select count(*) from signing_keys where activated_at is not null"
                          " and retired_at is null and alg = 'ES256'").strip() == "1", "one active key"
        assert int(stack.psql("select count(*) from signing_keys where activated_at is null"
                              " and retired_at is null and alg = 'ES256'").strip()) <= 1, "one next key at most"
        steps = re.findall(r"housekeeper: signing key (\S+) \(ES256\) signs now", stack.logs())
        assert len(steps) == len(set(steps)), "a key promoted twice: %r" % steps

        # Removal: a retired key whose retention (an hour and the leeway)
        # has passed leaves the JWKS; its row stays, marked.
        old = [k for k in keys if float(k[3]) > 0][0][0]
        assert old in hosts[0].jwks(), "a retired key is still published"
        stack.psql("update signing_keys set retired_at = now() - interval '2 hours' where kid = '%s'" % old)
        wait_for(lambda: all(old not in h.jwks() for h in hosts), timeout=2 * ROTATE_SEC,
                 what="the housekeeper to remove the retired key from both JWKS")
        assert stack.psql("select removed_at is not null from signing_keys where kid = '%s'" % old).strip() == "t"
        assert audit_count(stack, "signing_key.remove", since) == 1
    finally:
        for h in hosts:
            h.stop()
    # Every process stopped cleanly (SIGTERM: the housekeeper too).
    for h in hosts:
        assert h.proc.returncode == 0, "jwtmint --listen exited %s" % h.proc.returncode


@nginx_only
def test_manual_rotate(stack):
    since = last_audit_id(stack)
    st, _, doc = stack.token()
    assert st == 200, doc
    old_tok = doc["access_token"]
    out = stack.admin_json("signing-key", "rotate", "--json")
    assert out["alg"] == "ES256" and out["kid"] != kid_of(old_tok) and out["retired"] == kid_of(old_tok), out
    wait_for(lambda: kid_of(stack.token()[2]["access_token"]) == out["kid"], timeout=5,
             what="tokens signed by the rotated-in key")
    jwks = json.dumps(stack.jwks())
    verify(stack, jwks, old_tok, stack.keys["main"])
    listed = {k["kid"]: k for k in stack.admin_json("signing-key", "list", "--json")}
    assert listed[out["kid"]]["state"] == "active" and listed[out["retired"]]["state"] == "retired", listed
    assert audit_count(stack, "signing_key.rotate", since) == 1
    row = rows(stack, "select actor, org_id, resource from audit where event = 'signing_key.rotate'"
                      " and id > %d" % since)[0]
    assert row[0].startswith("cli:") and row[1] == "" and row[2] == out["kid"], row
    # A next key made ahead is what the next rotate promotes.
    nxt = stack.admin_json("signing-key", "create", "--next", "--json")
    assert nxt["state"] == "next"
    rc, _, err = stack.admin("signing-key", "create", "--next")
    assert rc == 1 and "next key" in err, (rc, err)
    assert nxt["kid"] in json.dumps(stack.jwks()), "a next key is published"
    assert kid_of(stack.token()[2]["access_token"]) == out["kid"], "a next key does not sign"
    again = stack.admin_json("signing-key", "rotate", "--json")
    assert again["kid"] == nxt["kid"] and again["created"] is False, again


@nginx_only
def test_kek_rotate(stack):
    old_kek = stack.kek
    new_kek = new_secret(stack)
    new_path = os.path.join(stack.tmp, "kek-new")
    with open(new_path, "w") as f:
        f.write(new_kek + "\n")
    since = last_audit_id(stack)
    n = len(rows(stack, "select kid from signing_keys"))
    assert stored_check(stack, "kek", 0) == check_value(old_kek, "kek")
    out = stack.admin_json("kek", "rotate", "--new-kek-file", new_path, "--json")
    assert out == {"resealed": n}, out
    assert audit_count(stack, "kek.rotate", since) == 1
    assert stored_check(stack, "kek", 0) == check_value(new_kek, "kek"), "the KEK's check value"
    try:
        # The running server (old KEK) keeps serving with the keys it holds.
        st, _, doc = stack.token()
        assert st == 200, doc
        # Restarted with the new KEK: works.
        h = Host(stack, env={"JWTMINT_KEK": new_kek})
        try:
            st, doc = h.token(stack.keys["main"])
            assert st == 200, doc
            verify(stack, h.jwks(), doc["access_token"], stack.keys["main"])
        finally:
            h.stop()
        # With the old KEK: refuses to start, saying why.
        proc = stack.spawn_server("127.0.0.1:0", workers=1)
        assert proc.wait(timeout=15) == 1, "a host with the old KEK started"
        assert re.search(r"key-encryption key .*refusing to start", stack.logs()), stack.logs()[-500:]
        rc, _, err = stack.admin("signing-key", "create")
        assert rc == 1 and "key-encryption key" in err, (rc, err)
        rc, _, err = stack.admin("kek", "rotate", "--new-kek-file", new_path, env={"JWTMINT_KEK": new_kek})
        assert rc == 1 and "current one" in err, (rc, err)
    finally:
        # Back to the stack's KEK, for the tests after this one.
        stack.admin_ok("kek", "rotate", "--new-kek-file", stack.kek_path, env={"JWTMINT_KEK": new_kek})
    assert stored_check(stack, "kek", 0) == check_value(old_kek, "kek")


@nginx_only
def test_pepper_rotation(stack):
    p1 = stack.pepper
    p2 = new_secret(stack)
    early = stack.new_key()             # hashed under pepper 1, used later
    k = stack.new_key()
    two = {"JWTMINT_PEPPER": p2, "JWTMINT_PEPPER_ID": "2"}
    # A host on pepper 2 that still holds pepper 1.
    h = Host(stack, env=dict(two, JWTMINT_OLD_PEPPERS="1:" + p1))
    try:
        st, doc = h.token(k)
        assert st == 200, doc
        wait_for(lambda: stack.psql("select pepper_id from api_keys where id = '%s'" % k["id"]).strip() == "2",
                 timeout=5, what="the key re-hashed under pepper 2 after its use")
        st, doc = h.token(k)
        assert st == 200, "after the re-hash: %d %r" % (st, doc)
        assert stored_check(stack, "pepper", 2) == check_value(p2, "pepper")
        assert stored_check(stack, "pepper", 1) == check_value(p1, "pepper")
        assert stack.logs().count("key %s re-hashed from pepper 1 to pepper 2" % k["id"]) == 1
    finally:
        h.stop()
    listed = {x["id"]: x for x in stack.admin_json("key", "list", "--json")}
    assert listed[k["id"]]["pepper_id"] == "2" and listed[early["id"]]["pepper_id"] == "1"
    peppers = {p["pepper_id"]: int(p["keys"]) for p in stack.admin_json("pepper", "list", "--json")}
    assert peppers.get("2") == 1 and peppers.get("1", 0) >= 1, peppers
    # Pepper 1 removed: the re-hashed key works, one still on pepper 1 not.
    h = Host(stack, env=two)
    try:
        st, doc = h.token(k)
        assert st == 200, doc
        st, doc = h.token(early)
        assert st == 401 and doc["error"] == "invalid_client", (st, doc)
        assert "is hashed under pepper 1, which this host does not hold" in stack.logs()
    finally:
        h.stop()
    # A key made under pepper 2 is marked so.
    made = stack.admin_json("key", "create", "--name", "p2", "--scopes", "read:accounts", "--org", "acme",
                            "--json", env=two)
    assert stack.psql("select pepper_id from api_keys where id = '%s'" % made["id"]).strip() == "2"
    # A pepper that is not the database's: refused, saying which.
    for env, which in (({"JWTMINT_PEPPER": new_secret(stack)}, "pepper 1"),
                       ({"JWTMINT_PEPPER": new_secret(stack), "JWTMINT_PEPPER_ID": "2"}, "pepper 2"),
                       (dict(two, JWTMINT_OLD_PEPPERS="1:" + new_secret(stack)), "pepper 1")):
        mark = len(stack.logs())
        proc = stack.spawn_server("127.0.0.1:0", workers=1, env=env)
        assert proc.wait(timeout=15) == 1, "a host with a wrong %s started" % which
        said = stack.logs()[mark:]
        assert "%s is not the database's" % which in said and "refusing to start" in said, said[-400:]
        rc, _, err = stack.admin("key", "create", "--name", "x", "--scopes", "read:accounts", "--org", "acme",
                                 env=env)
        assert rc == 1 and which in err, (rc, err)
    assert not stack.psql("select id from api_keys where name = 'x'").strip(), "a key was made"


@nginx_only
@allow_worker_exit
def test_housekeeper_alone(stack):
    """jwtmint --housekeeper by itself (the stack's server, whose
    housekeeper would do the same, stopped meanwhile): the deny-list and
    idempotency purges, the end of a grace marked once, the audit heads in
    the log, a database outage survived, SIGTERM."""
    stack.stop_server()
    since = last_audit_id(stack)
    stale = "purge-me-" + os.urandom(4).hex()
    stack.psql("insert into revoked_jtis (jti, org_id, expires_at) values ('%s', '%s',"
               " now() - interval '2 hours')" % (stale, stack.org_id))
    idem = "hk-" + os.urandom(4).hex()
    stack.psql("insert into idempotency (org_id, actor, idem_key, request_hash, status, body_sealed,"
               " created_at) values ('%s', 'key:x', '%s', decode(repeat('00', 32), 'hex'), 201, '',"
               " now() - interval '25 hours')" % (stack.org_id, idem))
    k = stack.new_key()
    stack.admin_json("key", "roll", k["id"], "--grace", "2s", "--json")
    mark = len(stack.logs())
    # The compressed schedule: its signing-key task runs every second.
    proc = stack.spawn_housekeeper(env=COMPRESSED)
    try:
        wait_for(lambda: stack.psql("select count(*) from revoked_jtis where jti = '%s'" % stale).strip() == "0",
                 timeout=10, what="the housekeeper's purge of an expired deny-list row")
        wait_for(lambda: stack.psql("select count(*) from idempotency where idem_key = '%s'" % idem).strip()
                 == "0", timeout=10, what="the housekeeper's purge of a stored answer 25 hours old")
        wait_for(lambda: audit_count(stack, "key.grace_end", since) == 1, timeout=10,
                 what="key.grace_end of the rolled key")
        wait_for(lambda: "audit head: org %s (acme) seq " % stack.org_id in stack.logs()[mark:], timeout=10,
                 what="the audit head of the organization in the housekeeper's log")
        row = rows(stack, "select actor, resource, org_id from audit where event = 'key.grace_end' and id > %d"
                   % since)[0]
        assert row == ["system", k["id"], stack.org_id], row
        assert stack.psql("select grace_ended_at is not null from api_keys where id = '%s'"
                          % k["id"]).strip() == "t"
        # A database outage: the housekeeper stays, and works again after.
        stack.pg_stop()
        try:
            wait_for(lambda: "housekeeper: signing keys: failed (" in stack.logs()[mark:], timeout=15,
                     what="the housekeeper to notice the outage")
            assert proc.poll() is None, "the housekeeper exited on a database outage"
        finally:
            stack.pg_start()
        wait_for(lambda: "housekeeper: signing keys: working again" in stack.logs()[mark:], timeout=20,
                 interval=0.2, what="the housekeeper to work again after the outage")
        assert proc.poll() is None
    finally:
        rc = stack.stop_server(proc)
    assert rc == 0, "jwtmint --housekeeper exited %s on SIGTERM" % rc
    assert "housekeeper: stopped" in stack.logs()[mark:]
    assert audit_count(stack, "key.grace_end", since) == 1, "key.grace_end written twice"
