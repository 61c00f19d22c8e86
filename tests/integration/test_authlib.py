"""
Interoperability with an independent OAuth 2.0 client: python3-authlib's
OAuth2Session drives client_credentials, password, refresh_token, RFC 7009
revocation and RFC 7662 introspection against jwtmint behind nginx, with
token_endpoint_auth_method client_secret_basic and client_secret_post
(client_id = the key id, client_secret = the whole key).

authlib needs an HTTP backend: python3-requests (authlib's requests_client)
or python3-httpx (its httpx_client). Without either the tests are skipped
with that reason. They need a real HTTP server, so nginx mode only.
"""

import time

from harness import need, nginx_only, verify_token
from test_lifecycle import check_token, claims_of, new_key, new_org, new_user

try:
    from authlib.integrations.requests_client import OAuth2Session as _Session
    from authlib.integrations.base_client import OAuthError
    BACKEND = "requests"
except ImportError:
    try:
        from authlib.integrations.httpx_client import OAuth2Client as _Session
        from authlib.integrations.base_client import OAuthError
        BACKEND = "httpx"
    except ImportError:
        _Session = None
        BACKEND = None

# Argon2 cost is not under test here (test_lifecycle keeps the defaults for
# its Argon2 cost tests): cheap parameters keep the CGI mode fast, where every
# process start hashes a dummy password.
STACK_OPTIONS = {"env": {"JWTMINT_ARGON2_M_KIB": "256", "JWTMINT_ARGON2_T": "1"}}

METHODS = ("client_secret_basic", "client_secret_post")
SCOPES = "read:accounts write:settings"


class Fixture:
    def __init__(self, stack):
        self.org = new_org(stack, "authlib")
        self.key = new_key(stack, self.org, scopes=SCOPES)
        self.user = new_user(stack, self.org, "lib.user", "limited", accounts="acct_9")


def fixture(stack):
    need(_Session is not None, "an HTTP client for authlib (requests or httpx)", "python3-requests")
    if not hasattr(stack, "_authlib_fixture"):
        stack._authlib_fixture = Fixture(stack)
    return stack._authlib_fixture


def url(stack, path):
    return stack.issuer + path


def session(stack, key, method, **kw):
    s = _Session(client_id=key["id"], client_secret=key["key"], token_endpoint_auth_method=method,
                 revocation_endpoint_auth_method=method, **kw)
    return s


def status(resp):
    return getattr(resp, "status_code", None)


def remember(stack, token):
    for k in ("access_token", "refresh_token"):
        if isinstance(token.get(k), str):
            stack.secrets.add(token[k])


@nginx_only
def test_client_credentials(stack):
    f = fixture(stack)
    for method in METHODS:
        s = session(stack, f.key, method, scope="read:accounts")
        tok = s.fetch_token(url(stack, "/token"), grant_type="client_credentials")
        remember(stack, tok)
        assert tok.get("token_type") == "Bearer" and tok.get("scope") == "read:accounts", "%s: %r" % (method, tok)
        assert tok.get("expires_at", 0) > time.time() + 800, "%s: authlib computed expires_at %r" % (
            method, tok.get("expires_at"))
        verify_token(stack.jwks(), tok["access_token"], issuer=stack.issuer, audience=stack.audiences[0],
                     client_id=f.key["id"], scope="read:accounts", org_id=f.org["id"])


@nginx_only
def test_password_then_refresh(stack):
    f = fixture(stack)
    for method in METHODS:
        s = session(stack, f.key, method)
        tok = s.fetch_token(url(stack, "/token"), username="LIB.USER", password=f.user["password"])
        remember(stack, tok)
        check_token(stack, tok["access_token"], key=f.key, sub=f.user["id"], scope=SCOPES, role="limited",
                    accounts=["acct_9"])
        rt0 = tok["refresh_token"]
        new = s.refresh_token(url(stack, "/token"), refresh_token=rt0)
        remember(stack, new)
        assert new["refresh_token"] != rt0, "%s: no rotation" % method
        check_token(stack, new["access_token"], key=f.key, sub=f.user["id"], scope=SCOPES, role="limited",
                    accounts=["acct_9"])
        narrow = s.refresh_token(url(stack, "/token"), refresh_token=new["refresh_token"], scope="read:accounts")
        remember(stack, narrow)
        assert narrow["scope"] == "read:accounts", narrow


@nginx_only
def test_introspect_and_revoke(stack):
    f = fixture(stack)
    for method in METHODS:
        s = session(stack, f.key, method)
        tok = s.fetch_token(url(stack, "/token"), username="lib.user", password=f.user["password"])
        remember(stack, tok)
        r = s.introspect_token(url(stack, "/introspect"), token=tok["access_token"], token_type_hint="access_token")
        assert status(r) == 200, "%s: introspect %r" % (method, status(r))
        doc = r.json()
        assert doc.get("active") is True and doc.get("sub") == f.user["id"], "%s: %r" % (method, doc)
        assert doc.get("client_id") == f.key["id"] and doc.get("scope") == SCOPES, doc
        assert doc.get("username") == "lib.user" and doc.get("org") == f.org["id"], doc
        assert doc.get("jti") == claims_of(tok["access_token"])["jti"], doc
        r = s.introspect_token(url(stack, "/introspect"), token=tok["refresh_token"], token_type_hint="refresh_token")
        assert status(r) == 200 and r.json().get("active") is True, "%s: refresh token %r" % (method, r.json())

        r = s.revoke_token(url(stack, "/revoke"), token=tok["access_token"], token_type_hint="access_token")
        assert status(r) == 200, "%s: revoke %r" % (method, status(r))
        r = s.introspect_token(url(stack, "/introspect"), token=tok["access_token"])
        assert r.json() == {"active": False}, "%s: after revocation %r" % (method, r.json())

        r = s.revoke_token(url(stack, "/revoke"), token=tok["refresh_token"], token_type_hint="refresh_token")
        assert status(r) == 200, "%s: revoke refresh %r" % (method, status(r))
        try:
            s.refresh_token(url(stack, "/token"), refresh_token=tok["refresh_token"])
        except OAuthError as e:
            assert e.error == "invalid_grant", "%s: %r" % (method, e.error)
        else:
            raise AssertionError("%s: a revoked refresh token still refreshes" % method)


@nginx_only
def test_errors_reach_the_client(stack):
    f = fixture(stack)
    for method in METHODS:
        s = session(stack, f.key, method)
        try:
            s.fetch_token(url(stack, "/token"), username="lib.user", password="not-the-password")
        except OAuthError as e:
            assert e.error == "invalid_grant", "%s: %r" % (method, e.error)
        else:
            raise AssertionError("%s: a wrong password got a token" % method)
        bad = dict(f.key, key=f.key["key"][:-1] + ("a" if f.key["key"][-1] != "a" else "b"))
        try:
            session(stack, bad, method).fetch_token(url(stack, "/token"), grant_type="client_credentials")
        except OAuthError as e:
            assert e.error == "invalid_client", "%s: %r" % (method, e.error)
        else:
            raise AssertionError("%s: a bad client secret got a token" % method)
        try:
            s.fetch_token(url(stack, "/token"), grant_type="client_credentials", scope="admin")
        except OAuthError as e:
            assert e.error == "invalid_scope", "%s: %r" % (method, e.error)
        else:
            raise AssertionError("%s: a scope beyond the key's was granted" % method)


@nginx_only
def test_auto_refresh_through_the_gate(stack):
    """authlib refreshes an expired token by itself before calling an API
    behind the gate; the rotated token is then used."""
    f = fixture(stack)
    s = session(stack, f.key, "client_secret_basic")
    tok = s.fetch_token(url(stack, "/token"), username="lib.user", password=f.user["password"])
    remember(stack, tok)
    rt0 = tok["refresh_token"]
    expired = dict(tok, expires_at=int(time.time()) - 10)
    s2 = session(stack, f.key, "client_secret_basic", token=expired, token_endpoint=url(stack, "/token"))
    r = s2.get(url(stack, "/api/accounts?account=acct_9"), headers={"X-API-Key": f.key["key"]})
    assert status(r) == 200, "the gate: %r %r" % (status(r), r.text[:200])
    assert s2.token["refresh_token"] != rt0, "authlib did not refresh the expired token"
    remember(stack, s2.token)
    assert r.json().get("subject") == f.user["id"], r.json()
