"""
Third-party OAuth 2.0 clients against jwtmint behind nginx, each driving
the whole path (docs/CLIENTS.md has the same snippets):

- Go's golang.org/x/oauth2 (Debian's golang-golang-x-oauth2-dev, offline,
  GOPATH mode): clientcredentials, and the password grant with the
  library's own refresh of an expired token (tests/clients/go/main.go,
  built into build/ with its cache in build/go-cache);
- openid-client and jose from npm (tests/clients/node/, pinned by its
  package-lock.json, installed by tests/run.sh with npm ci): RFC 8414
  discovery, client_credentials, password, refresh, RFC 7662 introspection,
  RFC 7009 revocation, and RFC 9068 verification (typ at+jwt) from the JWKS;
- Python's requests-oauthlib (Debian's python3-requests-oauthlib):
  BackendApplicationClient and LegacyApplicationClient with auto refresh.

The resource server is the gate-protected example API (/api/accounts behind
nginx's auth_request, docs/GATE.md): each client's valid tokens pass it;
an expired token (a real token of the same key, re-signed with jwtmint's own
key with exp in the past, so that exp is the only fault), a revoked one
(introspection then says active false), one with a byte of its signature
changed, one with a claim changed, garbage and a refresh token are refused
with 401 invalid_token. jose refuses the same locally (and a typ other than
at+jwt); it cannot see a revocation, which is what introspection is for.

Missing toolchains fail the tests (scripts/install-deps.sh installs them).
"""

import json
import os
import subprocess
import time

from harness import REPO, need, need_program, verify_token
from test_lifecycle import b64url, check_token, claims_of, login_ok, mint, new_key, new_org, new_user

try:
    from requests_oauthlib import OAuth2Session
    from oauthlib.oauth2 import BackendApplicationClient, LegacyApplicationClient
except ImportError:
    OAuth2Session = None

MODES = ("nginx",)
# Argon2 cost is not under test here: cheap parameters.
STACK_OPTIONS = {"env": {"JWTMINT_ARGON2_M_KIB": "256", "JWTMINT_ARGON2_T": "1"}}

SCOPES = "read:accounts write:settings"
ACCOUNT = "acct_7"
GO_SRC = os.path.join(REPO, "tests", "clients", "go")
GO_BIN = os.path.join(REPO, "build", "jwtmint-client-go")
GOPATH = "/usr/share/gocode"
NODE_DIR = os.path.join(REPO, "tests", "clients", "node")
# Every token a resource server must refuse, and the answer it must give.
REFUSED = ("expired", "revoked", "tampered_sig", "tampered_claim", "garbage", "garbage_jws", "refresh_token")


class Fixture:
    def __init__(self, stack):
        self.org = new_org(stack, "clients")
        self.key = new_key(stack, self.org, scopes=SCOPES,
                           grants="client_credentials,password,refresh_token")
        self.user = new_user(stack, self.org, "client.user", "limited", accounts=ACCOUNT)
        self.api = stack.issuer + "/api/accounts?account=" + ACCOUNT
        # A real token of this key and user, re-signed with jwtmint's key:
        # once with exp in the past (beyond the 30 s verify leeway), once
        # valid, the control that proves exp is the only fault of the first.
        like = login_ok(stack, self.key, self.user)
        remember(stack, like)
        now = int(time.time())
        self.expired = mint(stack, like["access_token"], iat=now - 1000, nbf=now - 1000, exp=now - 100)
        control = mint(stack, like["access_token"], iat=now, nbf=now, exp=now + 300)
        self.wrong_typ = mint(stack, like["access_token"], header_extra={"typ": "JWT"})
        for t in (self.expired, control, self.wrong_typ):
            stack.secrets.add(t)
        st, _, body = gate(stack, self, control)
        assert st == 200, "the re-signed control token is refused (%d %r): the test is broken" % (st, body)
        st, _, _ = gate(stack, self, self.expired)
        assert st == 401, "the gate accepts a token 100 s past its exp: %d" % st

    def env(self, stack, **extra):
        e = dict(os.environ, JM_ISSUER=stack.issuer, JM_CLIENT_ID=self.key["id"],
                 JM_CLIENT_SECRET=self.key["key"], JM_USERNAME=self.user["username"],
                 JM_PASSWORD=self.user["password"], JM_API=self.api, JM_EXPIRED=self.expired)
        e.update(extra)
        return e


def fixture(stack):
    if not hasattr(stack, "_clients_fixture"):
        stack._clients_fixture = Fixture(stack)
    return stack._clients_fixture


def remember(stack, doc):
    for k in ("access_token", "refresh_token"):
        if isinstance(doc, dict) and isinstance(doc.get(k), str):
            stack.secrets.add(doc[k])


def gate(stack, f, token):
    """The protected API called by hand (X-API-Key + Bearer): (status, headers, body)."""
    st, h, body = stack.request("GET", f.api[len(stack.issuer):],
                                headers={"X-API-Key": f.key["key"], "Authorization": "Bearer " + token})
    return st, h, body


def assert_allowed(who, call, subject):
    assert call["status"] == 200, "%s: the API refused a valid token: %r" % (who, call)
    doc = json.loads(call["body"])
    assert doc.get("subject") == subject, "%s: the API saw subject %r, expected %r" % (who, doc, subject)


def assert_refused(who, calls):
    for name in REFUSED:
        c = calls[name]
        assert c["status"] == 401 and 'error="invalid_token"' in (c.get("www_authenticate") or ""), \
            "%s: the API did not refuse the %s token with 401 invalid_token: %r" % (who, name, c)


def run(args, env, timeout, cwd=None):
    """(exit status, stdout, stderr) of a client program, killed at timeout."""
    try:
        p = subprocess.run(args, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout, start_new_session=True)
    except subprocess.TimeoutExpired as e:
        return None, e.stdout or b"", e.stderr or b""
    return p.returncode, p.stdout, p.stderr


def run_client(stack, args, env, what, timeout=40):
    rc, out, err = run(args, env, timeout)
    assert rc == 0, "%s exited %s: %s" % (what, rc, err.decode(errors="replace")[-2000:])
    report = json.loads(out)
    # Every token the client saw is a secret: never in jwtmint's logs.
    def walk(o):
        if isinstance(o, dict):
            remember(stack, o)
            for v in o.values():
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)
    walk(report)
    return report


def go_build():
    """Build tests/clients/go offline in GOPATH mode; Go's cache (build/go-cache)
    makes a rebuild of unchanged sources quick (about 1 s; 5 s cold). cgo
    stays at its default: Debian's Go ships the standard library compiled
    for it, and CGO_ENABLED=0 would rebuild it (30 s and more, cold)."""
    go = need_program("go", "golang-go")
    need(os.path.isdir(os.path.join(GOPATH, "src", "golang.org", "x", "oauth2")),
         "golang.org/x/oauth2 in " + GOPATH, "golang-golang-x-oauth2-dev")
    env = dict(os.environ, GO111MODULE="off", GOPATH=GOPATH, GOCACHE=os.path.join(REPO, "build", "go-cache"),
               GOPROXY="off", GOTOOLCHAIN="local", GOFLAGS="")
    rc, out, err = run([go, "build", "-o", GO_BIN, "."], env, 120, cwd=GO_SRC)
    assert rc == 0, "go build of tests/clients/go: %s" % (out + err).decode(errors="replace")[-2000:]


def test_go_oauth2(stack):
    """golang.org/x/oauth2: clientcredentials.Config and the password grant,
    then oauth2.Config.TokenSource refreshing an expired token by itself
    (twice: the second time with the rotated refresh token)."""
    f = fixture(stack)
    go_build()
    r = run_client(stack, [GO_BIN], f.env(stack), "the Go client")

    cc = r["cc"]
    assert cc["token_type"] == "Bearer" and cc["scope"] == "read:accounts", cc
    assert 800 < cc["expires_in_sec"] <= 900, "x/oauth2 computed expiry in %r s" % cc["expires_in_sec"]
    assert "refresh_token" not in cc, "client_credentials issued a refresh token"
    claims = claims_of(cc["access_token"])
    assert claims["sub"] == f.key["id"] and claims["client_id"] == f.key["id"], claims
    assert_allowed("go clientcredentials", r["cc_api"], f.key["id"])
    verify_token(stack.jwks(), r["cc_post"]["access_token"], issuer=stack.issuer, audience=stack.audiences[0],
                 client_id=f.key["id"], scope="read:accounts", org_id=f.org["id"])

    pw = r["password"]
    check_token(stack, pw["access_token"], key=f.key, sub=f.user["id"], scope=SCOPES, role="limited",
                accounts=[ACCOUNT])
    assert pw["refresh_token"], pw
    assert_allowed("go password", r["password_api"], f.user["id"])
    chain = [pw] + r["refreshed"]
    for i, (old, new) in enumerate(zip(chain, chain[1:])):
        assert new["access_token"] != old["access_token"], "go: refresh %d kept the expired access token" % i
        assert new["refresh_token"] and new["refresh_token"] != old["refresh_token"], \
            "go: refresh %d: no rotated refresh token" % i
        check_token(stack, new["access_token"], key=f.key, sub=f.user["id"], scope=SCOPES, role="limited",
                    accounts=[ACCOUNT])
        assert_allowed("go after refresh %d" % i, r["refreshed_api"][i], f.user["id"])

    assert r["revoke"]["status"] == 200, r["revoke"]
    assert r["revoked_introspection"]["status"] == 200 and \
        json.loads(r["revoked_introspection"]["body"]) == {"active": False}, r["revoked_introspection"]
    assert_refused("go", r["refused"])
    assert_allowed("go control", r["control_api"], f.user["id"])


def npm_modules_present():
    need_program("node", "nodejs")
    mods = os.path.join(NODE_DIR, "node_modules")
    assert all(os.path.isdir(os.path.join(mods, m)) for m in ("openid-client", "jose")), \
        "openid-client and jose are not installed: run `npm ci` in tests/clients/node (tests/run.sh does)"


def test_node_openid_client_and_jose(stack):
    """openid-client: discovery, client_credentials, password, refresh,
    introspection, revocation, API calls; jose: RFC 9068 verification."""
    f = fixture(stack)
    npm_modules_present()
    # What docs/CLIENTS.md says: RFC 8414's path only, so openid-client must
    # be given algorithm 'oauth2' (its default, OpenID Connect's path, 404s).
    st, _, _ = stack.request("GET", "/.well-known/openid-configuration")
    assert st == 404, "GET /.well-known/openid-configuration: %d (docs/CLIENTS.md says 404)" % st
    r = run_client(stack, ["node", os.path.join(NODE_DIR, "client.mjs")],
                   f.env(stack, JM_AUDIENCE=stack.audiences[0], JM_WRONG_TYP=f.wrong_typ),
                   "the Node client")
    m = r["metadata"]
    assert m == {"issuer": stack.issuer, "token_endpoint": stack.issuer + "/token",
                 "jwks_uri": stack.issuer + "/.well-known/jwks.json",
                 "introspection_endpoint": stack.issuer + "/introspect",
                 "revocation_endpoint": stack.issuer + "/revoke"}, "discovered %r" % m

    cc = r["cc"]
    assert cc["token_type"].lower() == "bearer" and cc["scope"] == "read:accounts", cc
    assert 800 < cc["expires_in"] <= 900 and cc["refresh_token"] is None, cc
    for name, sub in (("cc", f.key["id"]), ("password", f.user["id"]), ("refreshed", f.user["id"])):
        v = r[name + "_verify"]
        assert v["ok"] and v["typ"] == "at+jwt" and v["sub"] == sub and v["client_id"] == f.key["id"], \
            "jose: %s: %r" % (name, v)
        assert_allowed("node " + name, r[name + "_api"], sub)
    v = r["cc_post_verify"]
    assert v["ok"] and v["client_id"] == f.key["id"] and r["cc_post"]["scope"] == "read:accounts", \
        "client_secret_post: %r %r" % (r["cc_post"].get("scope"), v)
    check_token(stack, r["password"]["access_token"], key=f.key, sub=f.user["id"], scope=SCOPES,
                role="limited", accounts=[ACCOUNT])
    assert r["refreshed"]["refresh_token"] != r["password"]["refresh_token"], "no rotation"

    a = r["introspect_active"]
    assert a.get("active") is True and a.get("sub") == f.user["id"] and a.get("client_id") == f.key["id"], a
    assert a.get("jti") == claims_of(r["refreshed"]["access_token"])["jti"], a
    assert r["introspect_refresh"].get("active") is True, r["introspect_refresh"]
    assert r["introspect_revoked"] == {"active": False}, "after revocation: %r" % r["introspect_revoked"]

    assert_refused("node (gate)", r["refused_api"])
    assert r["refused_api"]["wrong_typ"]["status"] == 401, r["refused_api"]["wrong_typ"]
    expect = {"expired": "ERR_JWT_EXPIRED", "tampered_sig": "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
              "tampered_claim": "ERR_JWS_SIGNATURE_VERIFICATION_FAILED", "garbage": "ERR_JWS_INVALID",
              "garbage_jws": "ERR_JWS_SIGNATURE_VERIFICATION_FAILED", "refresh_token": "ERR_JWS_INVALID",
              "wrong_typ": "ERR_JWT_CLAIM_VALIDATION_FAILED"}
    for name, code in expect.items():
        v = r["refused_verify"][name]
        assert not v["ok"] and v["code"] == code, "jose accepted or misjudged the %s token: %r" % (name, v)
    assert r["refused_verify"]["wrong_typ"]["claim"] == "typ", r["refused_verify"]["wrong_typ"]
    # Local verification cannot see a revocation (RFC 9068 §4 leaves it to
    # introspection): the gate refused it above, jose alone does not.
    assert r["refused_verify"]["revoked"]["ok"], r["refused_verify"]["revoked"]

    rv = r["refresh_after_revoke"]
    assert not rv["ok"] and rv["error"] == "invalid_grant", "a revoked refresh token: %r" % rv
    assert_allowed("node control", r["control_api"], f.key["id"])


class InsecureTransport:
    """oauthlib refuses http:// unless OAUTHLIB_INSECURE_TRANSPORT is set; the
    test stack has no TLS. Set for the test only."""

    def __enter__(self):
        self.old = os.environ.get("OAUTHLIB_INSECURE_TRANSPORT")
        os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"

    def __exit__(self, *exc):
        if self.old is None:
            os.environ.pop("OAUTHLIB_INSECURE_TRANSPORT", None)
        else:
            os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = self.old
        return False


def rs_call(session, f):
    r = session.get(f.api, headers={"X-API-Key": f.key["key"]}, timeout=10)
    return {"status": r.status_code, "www_authenticate": r.headers.get("WWW-Authenticate"), "body": r.text}


def test_requests_oauthlib(stack):
    """BackendApplicationClient (client_credentials), LegacyApplicationClient
    (password) with auto_refresh_url + token_updater."""
    f = fixture(stack)
    need(OAuth2Session is not None, "requests_oauthlib", "python3-requests-oauthlib")
    token_url = stack.issuer + "/token"
    kid, secret = f.key["id"], f.key["key"]
    with InsecureTransport():
        # client_credentials: client_secret_basic (fetch_token builds it from
        # the client's client_id and client_secret).
        # requests-oauthlib 1.3.0 sends the scope of the oauthlib client; the
        # session's scope is what it checks the answer against.
        s = OAuth2Session(client=BackendApplicationClient(client_id=kid, scope=["read:accounts"]),
                          scope=["read:accounts"])
        tok = s.fetch_token(token_url, client_secret=secret, timeout=10)
        remember(stack, tok)
        assert tok["token_type"] == "Bearer" and tok["scope"] == ["read:accounts"], tok
        assert tok["expires_at"] > time.time() + 800, tok
        assert_allowed("requests-oauthlib backend", rs_call(s, f), kid)
        # client_secret_post: client_id and client_secret in the body.
        tok = s.fetch_token(token_url, client_secret=secret, include_client_id=True, timeout=10)
        remember(stack, tok)
        verify_token(stack.jwks(), tok["access_token"], issuer=stack.issuer, audience=stack.audiences[0],
                     client_id=kid, scope="read:accounts", org_id=f.org["id"])

        # password, then an expired token refreshed by the library itself.
        updates = []
        s = OAuth2Session(client=LegacyApplicationClient(client_id=kid), auto_refresh_url=token_url,
                          auto_refresh_kwargs={"client_id": kid, "client_secret": secret},
                          token_updater=updates.append)
        tok = s.fetch_token(token_url, username=f.user["username"], password=f.user["password"],
                            client_secret=secret, timeout=10)
        remember(stack, tok)
        check_token(stack, tok["access_token"], key=f.key, sub=f.user["id"], scope=SCOPES, role="limited",
                    accounts=[ACCOUNT])
        assert_allowed("requests-oauthlib legacy", rs_call(s, f), f.user["id"])
        chain = [tok]
        for i in range(2):
            s.token = dict(s.token, expires_at=time.time() - 10)
            call = rs_call(s, f)
            assert len(updates) == i + 1, "requests-oauthlib did not refresh the expired token (%d)" % i
            new = updates[-1]
            remember(stack, new)
            assert new["access_token"] != chain[-1]["access_token"], new
            assert new["refresh_token"] != chain[-1]["refresh_token"], "no rotated refresh token"
            assert s.token["access_token"] == new["access_token"], "the session kept the old token"
            assert_allowed("requests-oauthlib after refresh %d" % i, call, f.user["id"])
            chain.append(new)

        # revocation and introspection: plain requests through the session
        # (requests-oauthlib has no helper), client_secret_basic.
        revoked = chain[1]["access_token"]
        r = s.post(stack.issuer + "/revoke", data={"token": revoked}, auth=(kid, secret),
                   withhold_token=True, timeout=10)
        assert r.status_code == 200, (r.status_code, r.text)
        r = s.post(stack.issuer + "/introspect", data={"token": revoked}, auth=(kid, secret),
                   withhold_token=True, timeout=10)
        assert r.status_code == 200 and r.json() == {"active": False}, (r.status_code, r.text)

        last = chain[-1]["access_token"]
        h, p, sig = last.split(".")
        i = len(sig) // 2
        claims = claims_of(last)
        claims["scope"] = SCOPES + " admin"
        bad = {
            "expired": f.expired,
            "revoked": revoked,
            "tampered_sig": "%s.%s.%s" % (h, p, sig[:i] + ("B" if sig[i] == "A" else "A") + sig[i + 1:]),
            "tampered_claim": "%s.%s.%s" % (h, b64url(json.dumps(claims).encode()), sig),
            "garbage": "not-a-token",
            "garbage_jws": "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
            "refresh_token": chain[-1]["refresh_token"],
        }
        calls = {}
        for name, t in bad.items():
            stack.secrets.add(t)
            calls[name] = rs_call(OAuth2Session(client=LegacyApplicationClient(client_id=kid),
                                                token={"access_token": t, "token_type": "Bearer"}), f)
        assert_refused("requests-oauthlib", calls)
        assert_allowed("requests-oauthlib control", rs_call(s, f), f.user["id"])
