"""
Users and their tokens: POST /token with grant_type=password, refresh_token
(rotation, grace, reuse, races) and token exchange (RFC 8693).

The intersection model: a login gets requested ∩ key ∩ user permissions; a
refresh gets requested ∩ original grant ∩ key ∩ the user's permissions now;
an exchange gets requested ∩ key ∩ subject token. Every token is checked
with the published JWKS only (jwcrypto and PyJWT), never with jwtmint.

Brute force: the stack runs with login_max_failures = 6,
login_max_failures_addr = 20 and login_window_sec = 60; failures are counted
per organization, so every test that fails logins on purpose has an
organization of its own. refresh_grace_sec = 2 keeps the reuse tests short.

The helpers at the top are shared with test_verify, test_revocation,
test_orgs and test_authlib (imported from here).
"""

import base64
import json
import os
import secrets as pysecrets
import subprocess
import threading
import time
import urllib.parse

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import load_der_private_key
from jwcrypto import jwk as jc_jwk
from jwcrypto import jws as jc_jws
import jwt as pyjwt

from harness import (FORM, CHILD_TIMEOUT_SEC, assert_oauth_error, b64url_decode, fcgi_request, form,
                     parse_json)

STACK_OPTIONS = {"env": {
    "JWTMINT_LOGIN_MAX_FAILURES": "6",
    "JWTMINT_LOGIN_MAX_FAILURES_ADDR": "20",
    "JWTMINT_LOGIN_WINDOW_SEC": "60",
    "JWTMINT_REFRESH_GRACE_SEC": "2",
}}
MAX_FAILURES = 6
MAX_FAILURES_ADDR = 20
GRACE_SEC = 2

ALL_GRANTS = "client_credentials,password,refresh_token,token_exchange"
GT_PASSWORD = "password"
GT_REFRESH = "refresh_token"
GT_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
TT_ACCESS = "urn:ietf:params:oauth:token-type:access_token"
KEY_SCOPES = "admin introspect read:accounts read:reports write:settings"


# --- helpers (shared with the other lifecycle files) ---------------------------

def admin_stdin(stack, args, stdin, env=None):
    """jwtmint-admin -c CONF ARGS with stdin (passwords). Returns stdout;
    raises on a non-zero exit."""
    argv = [stack.jwtmint_admin, "-c", stack.conf] + list(args)
    p = subprocess.run(argv, input=stdin.encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=stack.child_env(env), timeout=CHILD_TIMEOUT_SEC, cwd=stack.tmp)
    with open(stack.admin_log_path, "ab") as f:
        f.write(p.stderr)
    out = p.stdout.decode("utf-8", "replace")
    stack.remember(out)
    if p.returncode != 0:
        raise AssertionError("jwtmint-admin %s: exit %d: %s" % (" ".join(args), p.returncode,
                                                               p.stderr.decode(errors="replace").strip()))
    return out


def new_org(stack, prefix="org"):
    slug = "%s-%s" % (prefix, pysecrets.token_hex(4))
    org = stack.admin_json("org", "create", "--slug", slug, "--name", "Org %s" % slug, "--json")
    assert org.get("slug") == slug and org.get("id"), org
    return org


def new_key(stack, org, scopes=KEY_SCOPES, grants=ALL_GRANTS, name=None):
    name = name or "k-" + pysecrets.token_hex(4)
    args = ["key", "create", "--name", name, "--scopes", scopes, "--org", org["slug"], "--json"]
    if grants:
        args += ["--grants", grants]
    return stack.admin_json(*args)


def new_user(stack, org, username=None, role="limited", scopes=None, accounts=None, env=None):
    """A user with a random 24-character password (returned as "password")."""
    username = username or "u%s" % pysecrets.token_hex(4)
    password = "pw-" + pysecrets.token_urlsafe(18)
    stack.secrets.add(password)
    args = ["user", "create", "--username", username, "--role", role, "--org", org["slug"], "--json"]
    if scopes is not None:
        args += ["--scopes", scopes]
    if accounts is not None:
        args += ["--accounts", accounts]
    u = json.loads(admin_stdin(stack, args, password + "\n", env=env))
    assert u.get("id", "").startswith("usr_"), u
    u["password"] = password
    return u


def post(stack, path, key=None, headers=None, **fields):
    """POST a form to path, authenticated by key (X-API-Key) when given.
    Returns (status, headers, parsed JSON or raw bytes)."""
    return post_pairs(stack, path, list(fields.items()), key, headers)


def post_pairs(stack, path, pairs, key=None, headers=None, verify=True):
    """post() with the form as a list of (name, value); verify=False leaves
    an issued token to the caller's own checks."""
    hdrs = [("Content-Type", FORM)]
    if key is not None:
        hdrs.append(("X-API-Key", key["key"] if isinstance(key, dict) else key))
    hdrs += list((headers or {}).items())
    st, h, b = stack.request("POST", path, hdrs, urllib.parse.urlencode(pairs).encode())
    doc = parse_json(b)
    if st == 200 and isinstance(doc, dict) and isinstance(doc.get("refresh_token"), str):
        stack.secrets.add(doc["refresh_token"])
    if verify and st == 200 and isinstance(doc, dict) and isinstance(doc.get("access_token"), str):
        verify_issued(stack, doc["access_token"])
    return st, h, doc


def verify_issued(stack, token):
    """Every token jwtmint hands out: signature (jwcrypto and PyJWT, from the
    published JWKS only, fetched again when the kid is new) and the
    registered claims RFC 9068 requires. check_token() checks the rest."""
    header = json.loads(b64url_decode(token.split(".")[0]))
    assert header.get("alg") == "ES256" and header.get("typ") == "at+jwt", "issued token header %r" % header
    jwks = getattr(stack, "_lifecycle_jwks", None)
    if jwks is None or not any(k.get("kid") == header.get("kid") for k in jwks["keys"]):
        jwks = stack._lifecycle_jwks = stack.jwks()
    found = [k for k in jwks["keys"] if k.get("kid") == header.get("kid")]
    assert len(found) == 1, "issued token: kid %r in the JWKS %d times" % (header.get("kid"), len(found))
    sig = jc_jws.JWS()
    sig.deserialize(token)
    try:
        sig.verify(jc_jwk.JWK(**found[0]), alg="ES256")
        claims = pyjwt.decode(token, pyjwt.PyJWK(found[0], algorithm="ES256").key, algorithms=["ES256"],
                              audience=stack.audiences + [stack.issuer + "/admin"], issuer=stack.issuer,
                              leeway=5,
                              options={"require": ["exp", "iat", "nbf", "iss", "aud", "sub", "jti"]})
    except Exception as e:
        raise AssertionError("an issued token does not verify with the JWKS: %s: %s" % (type(e).__name__, e))
    assert json.loads(sig.payload) == claims, "jwcrypto and PyJWT disagree"
    for name in ("org", "client_id", "scope"):
        assert isinstance(claims.get(name), str) and claims[name], "issued token without %s" % name


def login(stack, key, user, password=None, **extra):
    username = user["username"] if isinstance(user, dict) else user
    if password is None:
        password = user["password"]
    return post(stack, "/token", key, grant_type=GT_PASSWORD, username=username, password=password, **extra)


def login_ok(stack, key, user, **extra):
    st, h, doc = login(stack, key, user, **extra)
    assert st == 200, "login of %s: %d %r" % (user["username"], st, doc)
    return doc


def refresh(stack, key, rt, **extra):
    return post(stack, "/token", key, grant_type=GT_REFRESH, refresh_token=rt, **extra)


def exchange(stack, key, subject, **extra):
    return post(stack, "/token", key, grant_type=GT_EXCHANGE, subject_token=subject,
                subject_token_type=TT_ACCESS, **extra)


def introspect(stack, key, token):
    st, h, doc = post(stack, "/introspect", key, token=token)
    assert st == 200, "introspect: %d %r" % (st, doc)
    assert isinstance(doc, dict) and isinstance(doc.get("active"), bool), "introspect: %r" % doc
    if not doc["active"]:
        assert doc == {"active": False}, "an inactive answer says more: %r" % doc
    return doc


def active(stack, key, token):
    return introspect(stack, key, token)["active"]


def revoke(stack, key, token, **extra):
    st, h, doc = post(stack, "/revoke", key, token=token, **extra)
    assert st == 200, "revoke: %d %r" % (st, doc)
    return doc


def claims_of(token):
    return json.loads(b64url_decode(token.split(".")[1]))


def check_token(stack, token, *, key, sub, scope, role=None, accounts=None, act=None, audience=None,
                max_ttl=900):
    """Verify token with the JWKS only (jwcrypto and PyJWT) and check the
    claims of a user token. Returns the claims."""
    jwks = stack.jwks()
    header = json.loads(b64url_decode(token.split(".")[0]))
    assert header.get("alg") == "ES256" and header.get("typ") == "at+jwt", "header %r" % header
    assert set(header) == {"alg", "typ", "kid"}, "header fields %r" % sorted(header)
    found = [k for k in jwks["keys"] if k.get("kid") == header["kid"]]
    assert len(found) == 1, "kid %r in the JWKS %d times" % (header["kid"], len(found))
    sig = jc_jws.JWS()
    sig.deserialize(token)
    try:
        sig.verify(jc_jwk.JWK(**found[0]), alg="ES256")
    except Exception as e:
        raise AssertionError("jwcrypto rejects the signature: %s" % e)
    claims = json.loads(sig.payload)
    aud = audience or stack.audiences[0]
    try:
        c2 = pyjwt.decode(token, pyjwt.PyJWK(found[0], algorithm="ES256").key, algorithms=["ES256"],
                          audience=aud, issuer=stack.issuer, leeway=5,
                          options={"require": ["exp", "iat", "nbf", "iss", "aud", "sub", "jti"]})
    except pyjwt.PyJWTError as e:
        raise AssertionError("PyJWT rejects the token: %s: %s" % (type(e).__name__, e))
    assert c2 == claims, "jwcrypto and PyJWT disagree"
    kid = key["id"] if isinstance(key, dict) else key
    want = {"sub": sub, "client_id": kid, "scope": scope, "org": key["org"], "iss": stack.issuer}
    for name, value in want.items():
        assert claims.get(name) == value, "claim %s = %r, want %r" % (name, claims.get(name), value)
    assert claims.get("aud") in (aud, [aud]), "aud %r" % claims.get("aud")
    assert claims.get("role") == role, "role %r, want %r" % (claims.get("role"), role)
    assert claims.get("accounts") == accounts, "accounts %r, want %r" % (claims.get("accounts"), accounts)
    assert claims.get("act") == act, "act %r, want %r" % (claims.get("act"), act)
    ttl = claims["exp"] - claims["iat"]
    assert 0 < ttl <= max_ttl, "exp - iat = %d, want 1..%d" % (ttl, max_ttl)
    assert abs(claims["iat"] - time.time()) < 60, "iat far from now"
    assert len(b64url_decode(claims["jti"])) >= 16, "jti shorter than 128 bits"
    return claims


def assert_same_error(resp, status, error, user=None, extra=()):
    """An OAuth error that echoes nothing about the user (or extra strings)."""
    doc = assert_oauth_error(resp, status, error)
    assert set(doc) <= {"error", "error_description"}, "error body has more fields: %r" % doc
    raw = json.dumps(doc) + json.dumps(resp[1])
    leaks = list(extra)
    if user:
        leaks += [user["id"], user["username"], user["password"], user.get("role", "")]
        leaks += (user.get("accounts") or "").split()
    for s in leaks:
        if s and len(s) >= 4:
            assert s not in raw, "the answer tells %r: %r" % (s, raw[:300])
    return doc


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def signing_key(stack, kid=None):
    """(kid, private key) of the newest active signing key, or of kid:
    unsealed with the stack's kek (AES-256-GCM, aad "kid:alg", layout
    version || nonce || ciphertext || tag; src/kek.h). Lets the tests sign
    tokens with jwtmint's real key, so that a refusal is about the claim or
    header under test and not about the signature."""
    rows = stack.psql("select kid, alg, encode(private_sealed, 'hex'), retired_at is null from signing_keys"
                      " order by created_at desc").split()
    for row in rows:
        k, alg, hexed, live = row.split("|")
        if (kid is None and alg == "ES256" and live == "t") or k == kid:
            blob = bytes.fromhex(hexed)
            assert blob[0] == 1, "sealed layout version %d" % blob[0]
            der = AESGCM(base64.b64decode(stack.kek)).decrypt(blob[1:13], blob[13:], ("%s:%s" % (k, alg)).encode())
            return k, load_der_private_key(der, None)
    raise AssertionError("no signing key %r" % kid)


def sign_es256(priv, header, claims):
    """A compact JWS over header and claims (dicts, or bytes taken as is)."""
    h = header if isinstance(header, bytes) else json.dumps(header, separators=(",", ":")).encode()
    c = claims if isinstance(claims, bytes) else json.dumps(claims, separators=(",", ":")).encode()
    signing_input = b64url(h) + "." + b64url(c)
    r, s = decode_dss_signature(priv.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
    n = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
    s = min(s, n - s)       # jwtmint's one form of a signature: low S
    return signing_input + "." + b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


def mint(stack, like, header_extra=None, **changes):
    """A token with the claims of token `like` changed by `changes` (a value
    None drops the claim), signed with jwtmint's own active ES256 key."""
    kid, priv = signing_key(stack)
    claims = claims_of(like)
    claims["jti"] = b64url(os.urandom(16))
    for k, v in changes.items():
        if v is None:
            claims.pop(k, None)
        else:
            claims[k] = v
    header = {"alg": "ES256", "typ": "at+jwt", "kid": kid}
    header.update(header_extra or {})
    return sign_es256(priv, header, claims)


# The stack's Argon2id memory cost (this file keeps the defaults): one run
# of it shows as this much more peak memory in the process that answered.
ARGON2_M_KIB = 19456


def least_peak_kib(stack, fn, n):
    """The smallest of n peaks of jwtmint's memory while serving fn()
    (Stack.peak_rss_kib): above a request's without hashing by most of
    ARGON2_M_KIB only when every one of the n ran Argon2id."""
    return min(stack.peak_rss_kib(fn)[1] for _ in range(n))


class World:
    """The shared fixture of this file: one organization with a key of every
    grant and users of the three seeded roles (made on first use; tests that
    change a user or fail logins make their own)."""

    def __init__(self, stack):
        self.org = new_org(stack, "life")
        self.key = new_key(stack, self.org)
        self.alice = new_user(stack, self.org, "alice", "limited", accounts="acct_1 acct_2")
        self.sam = new_user(stack, self.org, "sam", "support")
        self.ada = new_user(stack, self.org, "ada", "admin")


def world(stack):
    if not hasattr(stack, "_lifecycle_world"):
        stack._lifecycle_world = World(stack)
    return stack._lifecycle_world


def refresh_rows(stack, fam):
    """How many refresh tokens (rotated or not) family fam has."""
    return int(stack.psql("select count(*) from refresh_tokens where family_id = '%s'" % fam).strip())


def family_of(stack, user):
    """The id of the user's newest refresh family."""
    out = stack.psql("select id from refresh_families where user_id = '%s' order by created_at desc limit 1"
                     % user["id"]).strip()
    assert out.startswith("fam_"), "no refresh family for %s: %r" % (user["id"], out)
    return out


# --- login ---------------------------------------------------------------------

def test_login_claims_and_intersection(stack):
    w = world(stack)
    doc = login_ok(stack, w.key, w.alice)
    assert doc.get("token_type") == "Bearer" and doc.get("expires_in") == 900, doc
    # limited: "read:* write:*" ∩ key = every read:/write: scope of the key.
    assert doc.get("scope") == "read:accounts read:reports write:settings", doc.get("scope")
    assert isinstance(doc.get("refresh_token"), str) and doc["refresh_token"].startswith("jmr_"), doc
    assert isinstance(doc.get("refresh_token_expires_in"), int) and doc["refresh_token_expires_in"] > 0, doc
    check_token(stack, doc["access_token"], key=w.key, sub=w.alice["id"], scope=doc["scope"],
                role="limited", accounts=["acct_1", "acct_2"])

    doc = login_ok(stack, w.key, w.sam)
    assert doc["scope"] == "read:accounts read:reports", "support: %r" % doc["scope"]
    check_token(stack, doc["access_token"], key=w.key, sub=w.sam["id"], scope=doc["scope"],
                role="support", accounts="*")

    doc = login_ok(stack, w.key, w.ada)
    assert doc["scope"] == KEY_SCOPES, "admin: %r" % doc["scope"]
    check_token(stack, doc["access_token"], key=w.key, sub=w.ada["id"], scope=KEY_SCOPES,
                role="admin", accounts="*")

    doc = login_ok(stack, w.key, w.alice, scope="write:settings read:accounts")
    assert doc["scope"] == "read:accounts write:settings", doc["scope"]
    check_token(stack, doc["access_token"], key=w.key, sub=w.alice["id"], scope=doc["scope"],
                role="limited", accounts=["acct_1", "acct_2"])


def test_login_scope_limited_by_key(stack):
    w = world(stack)
    k = new_key(stack, w.org, scopes="read:accounts", grants="password")
    doc = login_ok(stack, k, w.ada)
    assert doc["scope"] == "read:accounts", doc["scope"]
    assert "refresh_token" not in doc and "refresh_token_expires_in" not in doc, \
        "a key without the refresh_token grant got a refresh token: %r" % sorted(doc)
    check_token(stack, doc["access_token"], key=k, sub=w.ada["id"], scope="read:accounts",
                role="admin", accounts="*")


def test_login_invalid_scope_tells_nothing(stack):
    w = world(stack)
    for scope in ("admin", "read:accounts admin", "read:other", "introspect", "*", "read:*"):
        resp = login(stack, w.key, w.alice, scope=scope)
        try:
            assert_same_error(resp, 400, "invalid_scope", w.alice,
                              extra=["read:reports", "write:settings", "limited"])
        except AssertionError as e:
            raise AssertionError("scope=%r: %s" % (scope, e))
    # support is read-only: even an extra write scope of the user is never granted.
    sup = new_user(stack, w.org, role="support", scopes="write:settings")
    assert_same_error(login(stack, w.key, sup, scope="write:settings"), 400, "invalid_scope", sup)
    assert login_ok(stack, w.key, sup)["scope"] == "read:accounts read:reports"


def test_login_empty_intersection(stack):
    w = world(stack)
    admin_stdin(stack, ["role", "create", "nothing", "--scopes", "delete:everything", "--org", w.org["slug"]], "")
    nobody = new_user(stack, w.org, role="nothing")
    assert_same_error(login(stack, w.key, nobody), 400, "invalid_scope", nobody)
    assert_same_error(login(stack, w.key, nobody, scope="delete:everything"), 400, "invalid_scope", nobody)
    # A key whose scopes the user has none of.
    k = new_key(stack, w.org, scopes="write:settings", grants="password")
    assert_same_error(login(stack, k, w.sam), 400, "invalid_scope", w.sam)


def test_key_without_password_grant(stack):
    w = world(stack)
    k = new_key(stack, w.org, grants="client_credentials")
    resp = login(stack, k, w.alice)
    assert_same_error(resp, 400, "unauthorized_client", w.alice)


def test_bad_logins_identical(stack):
    """Wrong password, unknown user, disabled user: one answer, the same
    work (the unknown user is verified against a dummy Argon2id hash): each
    runs Argon2id, seen as its memory cost in the answering process's peak
    memory, not as a duration."""
    org = new_org(stack, "badlogin")
    key = new_key(stack, org)
    users = [new_user(stack, org) for _ in range(3)]
    dis = new_user(stack, org)
    stack.admin_ok("user", "disable", dis["username"], "--org", org["slug"])
    bodies = {}

    def attempt(what, user, password):
        resp = login(stack, key, user, password)
        assert_same_error(resp, 400, "invalid_grant", user if isinstance(user, dict) else None)
        bodies.setdefault(what, set()).add(json.dumps(resp[2], sort_keys=True))

    n = 5
    turn = iter(range(n))
    # A request refused before any lookup or hashing: the baseline.
    base = least_peak_kib(stack, lambda: assert_oauth_error(
        post(stack, "/token", key, grant_type=GT_PASSWORD, username="x"), 400, "invalid_request"), n)
    peaks = {
        "wrong password": least_peak_kib(
            stack, lambda: attempt("wrong password", users[next(turn) % 3], "not-the-password-1"), n),
        "unknown user": least_peak_kib(
            stack, lambda: attempt("unknown user", "nobody-" + pysecrets.token_hex(4), "not-the-password-1"), n),
        "disabled user": least_peak_kib(stack, lambda: attempt("disabled user", dis, dis["password"]), n),
    }
    every = set().union(*bodies.values())
    assert len(every) == 1, "different invalid_grant bodies: %r" % bodies
    for what, peak in peaks.items():
        assert peak - base >= 0.75 * ARGON2_M_KIB, (
            "%s: the answering process peaked %d KiB above a request without hashing; an Argon2id run "
            "takes %d KiB: no hash (no dummy hash)?" % (what, peak - base, ARGON2_M_KIB))
    # A disabled user with the right password is still refused, and a
    # well-formed but impossible username is just unknown.
    for name in ("..", "a" * 65, "bad name", "ünïcode"):
        assert_same_error(login(stack, key, name, "not-the-password-1"), 400, "invalid_grant")


def test_brute_force_per_username(stack):
    org = new_org(stack, "brute")
    key = new_key(stack, org)
    victim = new_user(stack, org)
    # The counter is per normalised username: case and spaces do not evade it.
    names = iter([victim["username"], victim["username"].upper(), " " + victim["username"],
                  victim["username"].capitalize()] * MAX_FAILURES)
    # Each failure costs an Argon2id run (seen in the answering process's
    # peak memory, Stack.peak_rss_kib), and the 429s after them none.
    fail = least_peak_kib(stack, lambda: assert_same_error(login(stack, key, next(names), "wrong-password-x"),
                                                           400, "invalid_grant", victim), MAX_FAILURES)
    # A request refused before the database or any hashing: the baseline.
    base = least_peak_kib(stack, lambda: post(stack, "/token", key, grant_type=GT_PASSWORD, username="x"), 5)
    answers = []

    def blocked(password):
        resp = login(stack, key, victim, password)
        doc = assert_same_error(resp, 429, "slow_down", victim)
        ra = resp[1].get("retry-after", "")
        assert ra.isdigit() and 1 <= int(ra) <= 60, "Retry-After %r (window 60 s)" % ra
        answers.append(doc)
    # Past the limit: 429 whatever the password, the right one included.
    block = max(stack.peak_rss_kib(lambda: blocked("wrong-password-y"))[1] for _ in range(5))
    blocked(victim["password"])
    assert fail - base >= 0.75 * ARGON2_M_KIB, (
        "a failed login peaks only %d KiB above no login; an Argon2id run takes %d KiB: no Argon2?"
        % (fail - base, ARGON2_M_KIB))
    assert block - base < 0.5 * ARGON2_M_KIB, (
        "a 429 answer peaks %d KiB above no login (an Argon2id run takes %d KiB): hashed before refusing?"
        % (block - base, ARGON2_M_KIB))
    # Another username of the same organization is not blocked.
    other = new_user(stack, org)
    login_ok(stack, key, other)


def test_success_resets_username_counter(stack):
    org = new_org(stack, "reset")
    key = new_key(stack, org)
    u = new_user(stack, org)
    for _ in range(MAX_FAILURES - 1):
        assert_same_error(login(stack, key, u, "wrong-password-x"), 400, "invalid_grant", u)
    login_ok(stack, key, u)
    for i in range(MAX_FAILURES - 1):
        resp = login(stack, key, u, "wrong-password-x")
        assert resp[0] == 400, "failure %d after a successful login: %d %r (counter not reset)" % (
            i + 1, resp[0], resp[2])
    login_ok(stack, key, u)
    # The same with a key that gets no refresh token (another statement).
    k2 = new_key(stack, org, grants="password")
    for _ in range(MAX_FAILURES - 1):
        assert login(stack, k2, u, "wrong-password-x")[0] == 400
    login_ok(stack, k2, u)
    for i in range(MAX_FAILURES - 1):
        resp = login(stack, k2, u, "wrong-password-x")
        assert resp[0] == 400, "failure %d after a successful login without refresh: %d %r" % (
            i + 1, resp[0], resp[2])


def test_brute_force_per_address(stack):
    """One address trying many usernames is stopped after
    login_max_failures_addr, even for a user with no failure of its own."""
    org = new_org(stack, "addr")
    key = new_key(stack, org)
    u = new_user(stack, org)
    for i in range(MAX_FAILURES_ADDR):
        resp = login(stack, key, "guess%d" % i, "wrong-password-x")
        assert resp[0] == 400, "attempt %d: %d %r" % (i + 1, resp[0], resp[2])
    resp = login(stack, key, u)
    assert_same_error(resp, 429, "slow_down", u)
    assert resp[1].get("retry-after", "").isdigit(), "no Retry-After: %r" % resp[1]
    # Another address is not blocked: REMOTE_ADDR is the counted subject.
    body = form(grant_type=GT_PASSWORD, username=u["username"], password=u["password"])
    hdrs = [("Content-Type", FORM), ("X-API-Key", key["key"])]
    if stack.mode == "cgi":
        st, _, b = stack.request("POST", "/token", hdrs, body, cgi_env={"REMOTE_ADDR": "192.0.2.7"})
    else:
        env = stack.cgi_environ("POST", "/token", hdrs, body, base=False)
        env[b"REMOTE_ADDR"] = b"192.0.2.7"
        st, _, b, _ = fcgi_request(stack.fcgi_address, env, body)
    assert st == 200, "a login from another address: %d %r" % (st, b[:200])
    stack.secrets.add(json.loads(b)["refresh_token"])
    # The per-address limit is per organization: another one is unaffected.
    org2 = new_org(stack, "addr2")
    login_ok(stack, new_key(stack, org2), new_user(stack, org2))


def test_password_rehash_on_login(stack):
    w = world(stack)
    old = {"JWTMINT_ARGON2_M_KIB": "4096", "JWTMINT_ARGON2_T": "1"}
    u = new_user(stack, w.org, env=old)

    def stored():
        return stack.psql("select password_hash from users where id = '%s'" % u["id"]).strip()
    assert stored().startswith("$argon2id$v=19$m=4096,t=1,p=1$"), "made with the old parameters: %r" % stored()[:40]
    login_ok(stack, w.key, u)
    assert stored().startswith("$argon2id$v=19$m=19456,t=2,p=1$"), "not rehashed at login: %r" % stored()[:40]
    login_ok(stack, w.key, u)
    assert_same_error(login(stack, w.key, u, "wrong-password-x"), 400, "invalid_grant", u)
    # A failed login never rewrites the hash.
    u2 = new_user(stack, w.org, env=old)
    before = stack.psql("select password_hash from users where id = '%s'" % u2["id"]).strip()
    assert login(stack, w.key, u2, "wrong-password-x")[0] == 400
    after = stack.psql("select password_hash from users where id = '%s'" % u2["id"]).strip()
    assert before == after, "a failed login rehashed the password"


def test_username_normalization(stack):
    w = world(stack)
    for name in ("ALICE", "Alice", " alice ", "aLiCe"):
        doc = login_ok(stack, w.key, {"username": name, "password": w.alice["password"]})
        assert claims_of(doc["access_token"])["sub"] == w.alice["id"], name
    # Created as "Bob.Smith": stored and matched in lower case.
    b = new_user(stack, w.org, "Bob.Smith")
    assert b["username"] == "bob.smith", b
    login_ok(stack, w.key, {"username": "BOB.SMITH", "password": b["password"]})
    # The password is not folded.
    assert_same_error(login(stack, w.key, "alice", w.alice["password"].upper()), 400, "invalid_grant")


# --- refresh -------------------------------------------------------------------

def test_refresh_rotation(stack):
    w = world(stack)
    doc = login_ok(stack, w.key, w.alice)
    rt0 = doc["refresh_token"]
    st, _, d1 = refresh(stack, w.key, rt0)
    assert st == 200, "refresh: %d %r" % (st, d1)
    rt1 = d1.get("refresh_token")
    assert isinstance(rt1, str) and rt1.startswith("jmr_") and rt1 != rt0, "no new refresh token: %r" % d1
    assert d1.get("scope") == doc["scope"], d1.get("scope")
    c = check_token(stack, d1["access_token"], key=w.key, sub=w.alice["id"], scope=doc["scope"],
                    role="limited", accounts=["acct_1", "acct_2"])
    assert c["jti"] != claims_of(doc["access_token"])["jti"]
    st, _, d2 = refresh(stack, w.key, rt1)
    assert st == 200 and d2["refresh_token"] not in (rt0, rt1), (st, d2)
    # Only digests are stored.
    dump = stack.dump_database()
    for rt in (rt0, rt1, d2["refresh_token"]):
        assert rt not in dump and rt[4:] not in dump, "a refresh token is stored in the clear"
    assert w.alice["password"] not in dump


def test_refresh_grace_duplicate_same_successor(stack):
    w = world(stack)
    rt0 = login_ok(stack, w.key, w.alice)["refresh_token"]
    fam = family_of(stack, w.alice)
    st1, _, d1 = refresh(stack, w.key, rt0)
    st2, _, d2 = refresh(stack, w.key, rt0)
    assert st1 == 200 and st2 == 200, "a retry within the grace window: %d %r / %d %r" % (st1, d1, st2, d2)
    assert d1["refresh_token"] == d2["refresh_token"], "the retry got another successor"
    assert refresh_rows(stack, fam) == 2, "rows of the family: %d, want 2" % refresh_rows(stack, fam)
    st, _, d3 = refresh(stack, w.key, d1["refresh_token"])
    assert st == 200, "the successor does not work after a duplicate: %d %r" % (st, d3)


def test_refresh_reuse_revokes_family(stack):
    w = world(stack)
    org_id = w.org["id"]
    rt0 = login_ok(stack, w.key, w.alice)["refresh_token"]
    fam = family_of(stack, w.alice)
    st, _, d1 = refresh(stack, w.key, rt0)
    assert st == 200, d1
    rt1 = d1["refresh_token"]
    time.sleep(GRACE_SEC + 0.5)
    assert_same_error(refresh(stack, w.key, rt0), 400, "invalid_grant", w.alice)
    # The whole family: the successor a thief or the client holds is dead too.
    assert_same_error(refresh(stack, w.key, rt1), 400, "invalid_grant", w.alice)
    assert introspect(stack, w.key, rt1) == {"active": False}
    n = stack.psql("select count(*) from audit where org_id = '%s' and event = 'refresh.reuse'"
                   " and resource = '%s' and outcome = 'denied' and actor = 'key:%s'"
                   % (org_id, fam, w.key["id"])).strip()
    assert n == "1", "audit rows 'refresh.reuse' for %s: %s" % (fam, n)
    revoked = stack.psql("select revoked_at is not null from refresh_families where id = '%s'" % fam).strip()
    assert revoked == "t", "family not revoked"
    # Other families of the user are untouched.
    login_ok(stack, w.key, w.alice)


def test_refresh_parallel_race(stack):
    """12 refreshes of one token at once (a barrier, then all send): every
    answer is the same successor or invalid_grant, and the family gets
    exactly one new row."""
    w = world(stack)
    rt0 = login_ok(stack, w.key, w.alice)["refresh_token"]
    fam = family_of(stack, w.alice)
    n = 12
    barrier = threading.Barrier(n)
    results = [None] * n

    def one(i):
        try:
            barrier.wait(10)
            results[i] = refresh(stack, w.key, rt0)
        except Exception as e:  # reported below
            results[i] = e
    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    errors = [r for r in results if not isinstance(r, tuple)]
    assert not errors, "requests failed: %r" % errors[:3]
    ok = [r[2]["refresh_token"] for r in results if r[0] == 200]
    other = [(r[0], r[2]) for r in results if r[0] != 200]
    for st, doc in other:
        assert st == 400 and doc.get("error") == "invalid_grant", "a racing refresh got %d %r" % (st, doc)
    assert ok, "no racing refresh succeeded: %r" % other[:3]
    assert len(set(ok)) == 1, "%d different successors handed out by %d racing refreshes" % (len(set(ok)), n)
    rows = refresh_rows(stack, fam)
    assert rows == 2, "the family has %d rows after the race, want 2 (the token and one successor)" % rows
    if not other:
        st, _, doc = refresh(stack, w.key, ok[0])
        assert st == 200, "the successor of the race does not work: %d %r" % (st, doc)


def test_refresh_bound_to_key(stack):
    w = world(stack)
    rt = login_ok(stack, w.key, w.alice)["refresh_token"]
    other = new_key(stack, w.org)
    assert_same_error(refresh(stack, other, rt), 400, "invalid_grant", w.alice)
    # The failed attempt did not consume or revoke it.
    st, _, doc = refresh(stack, w.key, rt)
    assert st == 200, "the owner's refresh after a foreign attempt: %d %r" % (st, doc)


def test_refresh_scope_narrow_and_widen(stack):
    w = world(stack)
    doc = login_ok(stack, w.key, w.alice)
    st, _, d1 = refresh(stack, w.key, doc["refresh_token"], scope="read:accounts")
    assert st == 200 and d1["scope"] == "read:accounts", (st, d1)
    check_token(stack, d1["access_token"], key=w.key, sub=w.alice["id"], scope="read:accounts",
                role="limited", accounts=["acct_1", "acct_2"])
    for scope in ("admin", "read:accounts admin", "read:other"):
        assert_same_error(refresh(stack, w.key, d1["refresh_token"], scope=scope), 400, "invalid_scope", w.alice)
    # Narrowed at login: the refresh token's grant is that scope, no more.
    doc = login_ok(stack, w.key, w.alice, scope="read:accounts")
    assert_same_error(refresh(stack, w.key, doc["refresh_token"], scope="read:accounts write:settings"),
                      400, "invalid_scope", w.alice)
    st, _, d2 = refresh(stack, w.key, doc["refresh_token"])
    assert st == 200 and d2["scope"] == "read:accounts", "omitted scope after a narrowed login: %r" % d2


def test_refresh_rereads_permissions(stack):
    w = world(stack)
    role = "editor%s" % pysecrets.token_hex(3)
    admin_stdin(stack, ["role", "create", role, "--scopes", "read:accounts write:settings", "--all-accounts",
                        "--org", w.org["slug"]], "")
    u = new_user(stack, w.org, role=role)
    doc = login_ok(stack, w.key, u)
    assert doc["scope"] == "read:accounts write:settings", doc["scope"]
    stack.psql("update roles set scopes = 'read:accounts' where org_id = '%s' and name = '%s'" % (w.org["id"], role))
    st, _, d1 = refresh(stack, w.key, doc["refresh_token"])
    assert st == 200, (st, d1)
    assert d1["scope"] == "read:accounts", "the user lost write:settings, the refresh still grants %r" % d1["scope"]
    check_token(stack, d1["access_token"], key=w.key, sub=u["id"], scope="read:accounts", role=role, accounts="*")
    assert_same_error(refresh(stack, w.key, d1["refresh_token"], scope="write:settings"), 400, "invalid_scope", u)
    # A role change is read too: support is read-only.
    stack.psql("update roles set scopes = 'read:accounts write:settings' where org_id = '%s' and name = '%s'"
               % (w.org["id"], role))
    stack.psql("update users set role = 'support' where id = '%s'" % u["id"])
    st, _, d2 = refresh(stack, w.key, d1["refresh_token"])
    assert st == 200 and d2["scope"] == "read:accounts", (st, d2)
    assert claims_of(d2["access_token"]).get("role") == "support"


def test_refresh_disabled_user(stack):
    w = world(stack)
    u = new_user(stack, w.org)
    doc = login_ok(stack, w.key, u)
    if stack.mode == "nginx":
        assert gate_status(stack, w.key, doc["access_token"]) == 200, "control: the gate refuses the user"
    stack.admin_ok("user", "disable", u["username"], "--org", w.org["slug"])
    assert_same_error(refresh(stack, w.key, doc["refresh_token"]), 400, "invalid_grant", u)
    if stack.mode == "nginx":
        codes = wait_status(lambda: (gate_status(stack, w.key, doc["access_token"]),), 401)
        assert codes[0] == 401, "the gate still takes a disabled user's token after 2 s: %r" % (codes,)
    assert introspect(stack, w.key, doc["access_token"]) == {"active": False}
    assert introspect(stack, w.key, doc["refresh_token"]) == {"active": False}
    assert_same_error(login(stack, w.key, u), 400, "invalid_grant", u)


def test_refresh_revoked_key(stack):
    w = world(stack)
    k = new_key(stack, w.org)
    doc = login_ok(stack, k, w.alice)
    stack.admin_ok("key", "revoke", k["id"])
    resp = wait_status(lambda: refresh(stack, k, doc["refresh_token"]), 401)
    assert_oauth_error(resp, 401, "invalid_client")
    # Nobody else may use it either.
    assert_same_error(refresh(stack, w.key, doc["refresh_token"]), 400, "invalid_grant", w.alice)


def gate_status(stack, key, token, path="/api/accounts"):
    """nginx mode: the status of an API request behind the gate (/check)."""
    return stack.request("GET", path, {"X-API-Key": key["key"], "Authorization": "Bearer " + token})[0]


def wait_status(fn, status, timeout=2.0):
    """fn() until it answers status (a NOTIFY reaches every worker within
    this bound); returns the last answer."""
    deadline = time.time() + timeout
    while True:
        resp = fn()
        if resp[0] == status or time.time() > deadline:
            return resp
        time.sleep(0.05)


def test_refresh_expiry(stack):
    """Idle and absolute lifetimes (moved into the past with psql: the
    configured minimum is a minute)."""
    w = world(stack)
    d = login_ok(stack, w.key, w.alice)
    fam = family_of(stack, w.alice)
    stack.psql("update refresh_tokens set idle_expires_at = now() - interval '1 second'"
               " where family_id = '%s'" % fam)
    assert_same_error(refresh(stack, w.key, d["refresh_token"]), 400, "invalid_grant", w.alice)
    assert introspect(stack, w.key, d["refresh_token"]) == {"active": False}

    d = login_ok(stack, w.key, w.alice)
    fam = family_of(stack, w.alice)
    st, _, d1 = refresh(stack, w.key, d["refresh_token"])
    assert st == 200, d1
    stack.psql("update refresh_families set absolute_expires_at = now() - interval '1 second'"
               " where id = '%s'" % fam)
    assert_same_error(refresh(stack, w.key, d1["refresh_token"]), 400, "invalid_grant", w.alice)
    # Within the grace window too: the family's end is the end.
    assert_same_error(refresh(stack, w.key, d["refresh_token"]), 400, "invalid_grant", w.alice)
    assert introspect(stack, w.key, d1["refresh_token"]) == {"active": False}


def test_refresh_expires_in_bounded_by_family(stack):
    """refresh_token_expires_in never promises more than the family's
    absolute lifetime has left."""
    w = world(stack)
    d = login_ok(stack, w.key, w.alice)
    fam = family_of(stack, w.alice)
    stack.psql("update refresh_families set absolute_expires_at = now() + interval '1 hour'"
               " where id = '%s'" % fam)
    st, _, d1 = refresh(stack, w.key, d["refresh_token"])
    assert st == 200, d1
    left = float(stack.psql("select extract(epoch from t.idle_expires_at - now()) from refresh_tokens t"
                            " where family_id = '%s' and rotated_at is null" % fam))
    assert left <= 3601, "the successor lives %.0f s, past the family's end (3600 s)" % left
    assert d1["refresh_token_expires_in"] <= 3600, (
        "refresh_token_expires_in %d, but the family ends in 3600 s (the successor's row says %.0f s)"
        % (d1["refresh_token_expires_in"], left))


def test_refresh_garbage(stack):
    w = world(stack)
    for rt in ("jmr_" + "A" * 43, "jmr_", "x", "jmr_" + b64url(os.urandom(32)), "jmr_" + "A" * 44):
        assert_same_error(refresh(stack, w.key, rt), 400, "invalid_grant", extra=[rt])
    assert_oauth_error(post(stack, "/token", w.key, grant_type=GT_REFRESH), 400, "invalid_request")


# --- token exchange ----------------------------------------------------------------

def exchanger(stack, w, scopes="read:accounts read:reports", grants="token_exchange"):
    return new_key(stack, w.org, scopes=scopes, grants=grants)


def test_exchange(stack):
    w = world(stack)
    subj = login_ok(stack, w.key, w.alice)
    kx = exchanger(stack, w)
    st, _, doc = exchange(stack, kx, subj["access_token"])
    assert st == 200, "exchange: %d %r" % (st, doc)
    assert "refresh_token" not in doc and "refresh_token_expires_in" not in doc, "exchange issued a refresh token"
    assert doc.get("issued_token_type") == TT_ACCESS, doc
    assert doc["scope"] == "read:accounts read:reports", doc["scope"]
    c = check_token(stack, doc["access_token"], key=kx, sub=w.alice["id"], scope=doc["scope"],
                    role="limited", accounts=["acct_1", "acct_2"], act={"sub": kx["id"]})
    assert c["exp"] <= claims_of(subj["access_token"])["exp"], "the exchanged token outlives its subject"
    assert introspect(stack, kx, doc["access_token"])["active"]
    # requested ∩ key ∩ subject
    st, _, d2 = exchange(stack, kx, subj["access_token"], scope="read:reports")
    assert st == 200 and d2["scope"] == "read:reports", (st, d2)
    for scope in ("write:settings", "admin", "read:accounts write:settings", "read:other"):
        assert_same_error(exchange(stack, kx, subj["access_token"], scope=scope), 400, "invalid_scope", w.alice)
    # The subject's scope bounds it, whatever the key may do.
    narrow = login_ok(stack, w.key, w.alice, scope="read:accounts")
    big = exchanger(stack, w, scopes=KEY_SCOPES)
    st, _, d3 = exchange(stack, big, narrow["access_token"])
    assert st == 200 and d3["scope"] == "read:accounts", (st, d3)
    assert_same_error(exchange(stack, big, narrow["access_token"], scope="admin"), 400, "invalid_scope")


def test_exchange_needs_its_grant(stack):
    w = world(stack)
    subj = login_ok(stack, w.key, w.alice)
    k = new_key(stack, w.org, grants="client_credentials,password")
    assert_same_error(exchange(stack, k, subj["access_token"]), 400, "unauthorized_client", w.alice)


def test_exchange_bad_subjects(stack):
    w = world(stack)
    kx = exchanger(stack, w)
    subj = login_ok(stack, w.key, w.alice)
    # revoked by its key
    revoke(stack, w.key, subj["access_token"])
    assert_same_error(exchange(stack, kx, subj["access_token"]), 400, "invalid_grant", w.alice)
    # another organization's
    o2 = new_org(stack, "life-x")
    k2 = new_key(stack, o2)
    u2 = new_user(stack, o2, "alice")
    foreign = login_ok(stack, k2, u2)["access_token"]
    assert_same_error(exchange(stack, kx, foreign), 400, "invalid_grant", u2, extra=[o2["id"], k2["id"]])
    # a refresh token, a disabled user's token, garbage
    d = login_ok(stack, w.key, w.alice)
    assert_same_error(exchange(stack, kx, d["refresh_token"]), 400, "invalid_grant")
    u3 = new_user(stack, w.org)
    t3 = login_ok(stack, w.key, u3)["access_token"]
    stack.admin_ok("user", "disable", u3["username"], "--org", w.org["slug"])
    assert_same_error(exchange(stack, kx, t3), 400, "invalid_grant", u3)
    assert_same_error(exchange(stack, kx, "a.b.c"), 400, "invalid_grant")
    # expired beyond the leeway (signed with the real key)
    now = int(time.time())
    old = mint(stack, d["access_token"], iat=now - 1000, nbf=now - 1000, exp=now - 100)
    assert_same_error(exchange(stack, kx, old), 400, "invalid_grant", w.alice)
    # wrong parameters
    for extra in ({"subject_token_type": "urn:ietf:params:oauth:token-type:refresh_token"},
                  {"subject_token_type": "urn:ietf:params:oauth:token-type:jwt"},
                  {"requested_token_type": "urn:ietf:params:oauth:token-type:refresh_token"},
                  {"actor_token": d["access_token"],
                   "actor_token_type": TT_ACCESS}):
        resp = post(stack, "/token", kx, **dict({"grant_type": GT_EXCHANGE, "subject_token": d["access_token"],
                                                 "subject_token_type": TT_ACCESS}, **extra))
        assert_same_error(resp, 400, "invalid_request", w.alice)


def test_exchange_never_outlives_subject(stack):
    w = world(stack)
    kx = exchanger(stack, w)
    like = login_ok(stack, w.key, w.alice)["access_token"]
    now = int(time.time())
    # A subject that expires in 100 s: the exchanged token ends with it.
    short = mint(stack, like, iat=now - 800, nbf=now - 800, exp=now + 100)
    assert active(stack, w.key, short), "the minted control token is not accepted: the test is broken"
    st, _, doc = exchange(stack, kx, short)
    assert st == 200, (st, doc)
    c = claims_of(doc["access_token"])
    assert c["exp"] <= now + 100, "exchanged exp %d > subject exp %d" % (c["exp"], now + 100)
    assert 0 < doc["expires_in"] <= 100, "expires_in %r" % doc["expires_in"]
    check_token(stack, doc["access_token"], key=kx, sub=w.alice["id"], scope="read:accounts read:reports",
                role="limited", accounts=["acct_1", "acct_2"], act={"sub": kx["id"]}, max_ttl=100)
    # A subject already past its exp, but inside verify_leeway_sec (30 s):
    # never a token that is born expired.
    late = mint(stack, like, iat=now - 900, nbf=now - 900, exp=now - 5)
    st, _, doc = post_pairs(stack, "/token", [("grant_type", GT_EXCHANGE), ("subject_token", late),
                                              ("subject_token_type", TT_ACCESS)], kx, verify=False)
    if st == 200:
        raise AssertionError("an expired subject (exp 5 s ago, inside the leeway) was exchanged for a token"
                             " with expires_in %r, exp %r (now %d)" % (doc.get("expires_in"),
                                                                      claims_of(doc["access_token"])["exp"], now))
    assert_same_error((st, _, doc), 400, "invalid_grant", w.alice)
