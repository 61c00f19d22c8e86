"""
Two hosts, one database: host A is the stack's jwtmint behind its nginx;
host B is a second, independent `jwtmint --listen` (its own socket, its own
workers and caches) behind its own nginx on its own port, on the same
PostgreSQL and configuration. What one host does, the other enforces:

  - a token issued by A passes B's gate (/check) and B's /introspect;
  - a /revoke on A is refused by B's gate and /introspect within the bound
    of docs/GATE.md (the next request after the commit: NOTIFY), measured;
  - an API key revoked with jwtmint-admin is refused by B;
  - a signing-key rotation: A signs with the new key, B verifies it without
    a restart, and both JWKS list both keys;
  - a disabled organization is refused by both;
  - shared rate limits (rate_limit_shared = 1): one per-minute limit of a
    key across both hosts, exchanged through PostgreSQL.
"""

import http.client
import json
import os
import secrets as pysecrets
import subprocess
import time

import jwt as pyjwt

from harness import FORM, REPO, start_web_server, verify_token

MODES = ("nginx",)
# Both hosts share per-minute rate-limit counts, synced every 100 ms.
STACK_OPTIONS = {"env": {"JWTMINT_RATE_LIMIT_SHARED": "1", "JWTMINT_RATE_LIMIT_SYNC_MS": "100"}}

NGINX_SH = os.path.join(REPO, "scripts", "nginx.sh")
BOUND_SEC = 2.0     # poll this long; docs/GATE.md: the next request after the commit
SCOPES = "read:accounts write:settings"


class Host:
    """One host: an nginx (scripts/nginx.sh) in front of a jwtmint. Host A
    wraps the stack's own; Host.start_b() starts B and stop() stops it."""

    def __init__(self, stack, name, port):
        self.stack, self.name, self.port = stack, name, port
        self.proc = None
        self.dir = None

    @classmethod
    def start_b(cls, stack):
        b = cls(stack, "B", None)
        sock = os.path.join(stack.tmp, "host-b.sock")
        b.dir = os.path.join(stack.tmp, "nginx-b")
        try:
            b.proc = stack.spawn_server("unix:" + sock, workers=2)
            stack.wait_fcgi("unix:" + sock, b.proc)
            if os.getuid() == 0:
                os.chmod(sock, 0o666)     # nginx's workers run as nobody
            # Any free port (nginx.sh retries another on EADDRINUSE).
            b.port = start_web_server(NGINX_SH, b.dir, "unix:" + sock, note=stack.note)
        except BaseException:
            b.stop()
            raise
        return b

    def stop(self):
        if self.dir:
            subprocess.run([NGINX_SH, "stop", self.dir], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=30)
        if self.proc:
            self.stack.stop_server(self.proc)
            self.proc = None

    def request(self, method, path, headers=None, body=b""):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            h = dict(headers or {})
            if method == "POST":
                h["Content-Length"] = str(len(body))
            conn.request(method, path, body=body or None, headers=h)
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()

    def post(self, path, key, **fields):
        import urllib.parse
        st, h, rb = self.request("POST", path, {"Content-Type": FORM, "X-API-Key": key},
                                 urllib.parse.urlencode(fields).encode())
        try:
            doc = json.loads(rb)
        except ValueError:
            doc = rb
        if st == 200 and isinstance(doc, dict):
            for t in ("access_token", "refresh_token"):
                if isinstance(doc.get(t), str):
                    self.stack.secrets.add(doc[t])
        return st, doc

    def token(self, key, **fields):
        fields.setdefault("grant_type", "client_credentials")
        st, doc = self.post("/token", key["key"], **fields)
        assert st == 200, "host %s: /token %d %r" % (self.name, st, doc)
        return doc["access_token"]

    def gate(self, key, token=None):
        """Status of the protected example API (nginx auth_request → /check)."""
        h = {"X-API-Key": key["key"]}
        if token:
            h["Authorization"] = "Bearer " + token
        st, _, rb = self.request("GET", "/api/accounts", h)
        return st, rb

    def active(self, key, token):
        st, doc = self.post("/introspect", key["key"], token=token)
        assert st == 200 and isinstance(doc, dict), "host %s: /introspect %d %r" % (self.name, st, doc)
        return doc.get("active")

    def jwks(self):
        st, _, rb = self.request("GET", "/.well-known/jwks.json")
        assert st == 200, "host %s: JWKS %d" % (self.name, st)
        return json.loads(rb)


def hosts(stack):
    return Host(stack, "A", stack.port), Host.start_b(stack)


def new_key(stack, org="acme"):
    return stack.admin_json("key", "create", "--name", "mh-" + pysecrets.token_hex(3), "--scopes", SCOPES,
                            "--org", org, "--grants", "client_credentials,password", "--json")


def until(fn, want, bound=BOUND_SEC):
    """Poll fn() until it returns want; (last value, seconds it took)."""
    t0 = time.time()
    while True:
        v = fn()
        took = time.time() - t0
        if v == want or took > bound:
            return v, took
        time.sleep(0.01)


def kid_of(token):
    return pyjwt.get_unverified_header(token)["kid"]


def test_token_from_a_accepted_by_b(stack):
    a, b = hosts(stack)
    try:
        key = new_key(stack)
        tok = a.token(key, scope="read:accounts")
        verify_token(b.jwks(), tok, issuer=stack.issuer, audience="jwtmint", client_id=key["id"],
                     scope="read:accounts", org_id=stack.org_id)
        st, rb = b.gate(key, tok)
        assert st == 200, "B's gate refuses A's token: %d %r" % (st, rb[:200])
        seen = json.loads(rb)
        assert seen["subject"] == key["id"] and seen["scope"] == "read:accounts", "B's backend saw %r" % seen
        assert b.active(key, tok) is True, "B's /introspect: A's token is not active"
        # And the other way round.
        tok_b = b.token(key)
        assert a.gate(key, tok_b)[0] == 200 and a.active(key, tok_b) is True
    finally:
        b.stop()


def test_revoke_on_a_enforced_by_b(stack):
    a, b = hosts(stack)
    try:
        key = new_key(stack)
        tok = a.token(key)
        # B has seen the token active: whatever it caches must go.
        assert b.gate(key, tok)[0] == 200 and b.active(key, tok) is True
        st, doc = a.post("/revoke", key["key"], token=tok)
        assert st == 200, "A's /revoke: %d %r" % (st, doc)
        t_commit = time.time()
        st, took_gate = until(lambda: b.gate(key, tok)[0], 401)
        assert st == 401, "B's gate still accepts a token revoked on A after %.1fs (%d)" % (took_gate, st)
        active, took_intro = until(lambda: b.active(key, tok), False)
        assert active is False, "B's /introspect still says active after %.1fs" % took_intro
        print("# revocation on A: refused by B's /check after %.0f ms, inactive on B's /introspect "
              "after %.0f ms (bound: next request after commit; polled up to %.0f s)"
              % (took_gate * 1000, (time.time() - t_commit) * 1000, BOUND_SEC))
        # A refuses it too, and B still accepts the key's other tokens.
        assert a.gate(key, tok)[0] == 401
        assert b.gate(key, a.token(key))[0] == 200
    finally:
        b.stop()


def test_key_revoked_by_admin_refused_by_b(stack):
    a, b = hosts(stack)
    try:
        key = new_key(stack)
        tok = b.token(key)                    # B's key cache holds the key now
        assert b.gate(key)[0] == 200 and b.gate(key, tok)[0] == 200
        stack.admin_ok("key", "revoke", key["id"])
        t0 = time.time()
        st, took = until(lambda: b.gate(key)[0], 403)
        assert st == 403, "B's gate accepts a revoked key after %.1fs (%d)" % (took, st)
        st, doc = b.post("/token", key["key"], grant_type="client_credentials")
        assert st == 401 and doc.get("error") == "invalid_client", "B issues for a revoked key: %d %r" % (st, doc)
        assert b.gate(key, tok)[0] in (401, 403), "B's gate accepts a token of a revoked key"
        assert a.gate(key)[0] == 403
        print("# key revoked with jwtmint-admin: refused by B after %.0f ms" % ((time.time() - t0) * 1000))
    finally:
        b.stop()


def test_signing_key_rotation(stack):
    a, b = hosts(stack)
    try:
        key = new_key(stack)
        old = a.token(key)
        kid_old = kid_of(old)
        assert b.gate(key, old)[0] == 200
        new = stack.admin_json("signing-key", "create", "--alg", "ES256", "--json")
        kid_new = new["kid"]
        assert kid_new != kid_old
        tok, took = None, 0.0
        t0 = time.time()
        while time.time() - t0 <= BOUND_SEC:
            tok = a.token(key)
            if kid_of(tok) == kid_new:
                break
            time.sleep(0.01)
        took = time.time() - t0
        assert kid_of(tok) == kid_new, "A still signs with %s %.1fs after the rotation" % (kid_of(tok), took)
        print("# signing-key rotation: A signs with the new key after %.0f ms" % (took * 1000))
        # B verifies the new key's tokens without a restart, and the old ones still.
        st, took_b = until(lambda: b.gate(key, tok)[0], 200)
        assert st == 200, "B's gate refuses a token of the new signing key (%d)" % st
        assert b.active(key, tok) is True, "B's /introspect: new key's token inactive"
        assert b.gate(key, old)[0] == 200 and b.active(key, old) is True, "B refuses the old key's token"
        st, _ = until(lambda: kid_of(b.token(key)), kid_new)
        assert st == kid_new, "B does not sign with the new key"
        for h in (a, b):
            kids = {k["kid"] for k in h.jwks()["keys"]}
            assert {kid_old, kid_new} <= kids, "host %s's JWKS lists %r, want both %s and %s" % (
                h.name, sorted(kids), kid_old, kid_new)
        verify_token(b.jwks(), tok, issuer=stack.issuer, audience="jwtmint", client_id=key["id"],
                     scope=SCOPES, org_id=stack.org_id)
    finally:
        b.stop()


def test_org_disabled_refused_by_both(stack):
    a, b = hosts(stack)
    try:
        slug = "mh-" + pysecrets.token_hex(4)
        org = stack.admin_json("org", "create", "--slug", slug, "--name", "Multi Host", "--json")
        key = new_key(stack, org=slug)
        tok = a.token(key)
        for h in (a, b):
            st, rb = h.gate(key, tok)
            assert st == 200 and json.loads(rb)["org"] == org["id"], "host %s: %d %r" % (h.name, st, rb[:200])
        stack.admin_ok("org", "disable", slug)
        for h in (a, b):
            st, took = until(lambda: h.gate(key, tok)[0], 403)
            assert st == 403, "host %s's gate accepts a disabled organization after %.1fs (%d)" % (
                h.name, took, st)
            assert h.gate(key)[0] == 403
            st, doc = h.post("/token", key["key"], grant_type="client_credentials")
            assert st == 401 and doc.get("error") == "invalid_client", \
                "host %s issues for a disabled organization: %d %r" % (h.name, st, doc)
    finally:
        b.stop()


def fnv1a64(s):
    """src/ratelimit.c's hash of a key id, as PostgreSQL's signed bigint."""
    h = 1469598103934665603
    for c in s.encode():
        h = ((h ^ c) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    h = h or 1
    return h - (1 << 64) if h >= (1 << 63) else h


def published(stack, key):
    """{host: count} each host published for key in the current minute."""
    rows = stack.psql("select host, count from ratelimit_counts where key_hash = %d and minute = %d"
                      % (fnv1a64(key["id"]), int(time.time()) // 60))
    return {h: int(c) for h, c in (r.split("|") for r in rows.split())}


def wait_published(stack, host, key, want, bound=3.0):
    """Poll (host's /healthz runs its sync when due) until the counts the
    hosts published for key are want (a sorted list), within bound."""
    deadline = time.time() + bound
    while True:
        host.request("GET", "/healthz")
        got = sorted(published(stack, key).values())
        if got == want:
            return
        assert time.time() < deadline, "published counts %r, want %r" % (got, want)
        time.sleep(0.03)


def test_shared_rate_limit_across_hosts(stack):
    """A 30/min key: 25 through A; B learns them and lets exactly 4 of 10
    through (its own 1 + 4 = 5, with A's 25: 30); A learns B's 5 and lets
    nothing more through. Every wait is for a condition (the counts each
    host published), so the figures are exact; a minute boundary crossed
    during the scenario restarts it with a new key."""
    a, b = hosts(stack)
    try:
        for attempt in range(2):
            minute = int(time.time()) // 60
            key = stack.admin_json("key", "create", "--name", "rl-" + pysecrets.token_hex(3),
                                   "--scopes", SCOPES, "--org", "acme", "--rate-per-min", "30", "--json")
            got_a = [a.gate(key)[0] for _ in range(25)]
            wait_published(stack, a, key, [25])
            got_b1 = b.gate(key)[0]
            wait_published(stack, b, key, [1, 25])     # B's sync also read A's 25
            got_b = [b.gate(key)[0] for _ in range(10)]
            wait_published(stack, b, key, [5, 25])
            for _ in range(3):                          # A's next syncs read B's 5
                a.request("GET", "/healthz")
                time.sleep(0.12)
            got_a2 = a.gate(key)[0]
            if int(time.time()) // 60 == minute:
                break
        assert got_a == [200] * 25, "A: %r" % got_a
        assert got_b1 == 200
        assert got_b.count(200) == 4 and got_b.count(429) == 6, "B, knowing A's 25: %r" % got_b
        assert got_a2 == 429, "A, knowing B's 5, still lets a request through: %d" % got_a2
    finally:
        b.stop()
