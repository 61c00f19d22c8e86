"""
GET /.well-known/jwks.json (RFC 7517), /.well-known/oauth-authorization-server
(RFC 8414) and /healthz.
"""

import json

from jwcrypto import jwk as jc_jwk

from harness import parse_json, wait_for

PRIVATE_MEMBERS = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}


def get_json(stack, path):
    st, h, b = stack.request("GET", path)
    assert st == 200, "GET %s: %d %r" % (path, st, b[:200])
    ctype = h.get("content-type", "")
    assert ctype.split(";")[0].strip().lower() in ("application/json", "application/jwk-set+json"), \
        "GET %s: Content-Type %r" % (path, ctype)
    return h, json.loads(b)


def check_public_jwk(k):
    assert not (set(k) & PRIVATE_MEMBERS), "JWK %s has private members %r" % (k.get("kid"), set(k) & PRIVATE_MEMBERS)
    assert k.get("use") == "sig", "use %r" % k.get("use")
    assert isinstance(k.get("kid"), str) and k["kid"], "no kid"
    if k.get("kty") == "EC":
        assert k.get("crv") == "P-256" and k.get("alg") == "ES256", "EC key %r" % k
        assert set(k) >= {"kty", "crv", "x", "y", "kid", "alg", "use"}, sorted(k)
    elif k.get("kty") == "RSA":
        assert k.get("alg") == "RS256", "RSA key alg %r" % k.get("alg")
        assert set(k) >= {"kty", "n", "e", "kid", "alg", "use"}, sorted(k)
    else:
        raise AssertionError("JWKS publishes a key of type %r (HS256 keys must never appear)" % k.get("kty"))
    assert k.get("alg") != "HS256"
    # The kid is the RFC 7638 thumbprint, computed independently.
    key = jc_jwk.JWK(**k)
    assert not key.has_private, "private key material in the JWKS"
    assert key.thumbprint() == k["kid"], "kid %r is not the RFC 7638 thumbprint %r" % (k["kid"], key.thumbprint())


def test_jwks(stack):
    h, doc = get_json(stack, "/.well-known/jwks.json")
    assert set(doc) == {"keys"}, "top-level members %r" % sorted(doc)
    assert doc["keys"], "empty key set"
    for k in doc["keys"]:
        check_public_jwk(k)
    kids = [k["kid"] for k in doc["keys"]]
    assert len(kids) == len(set(kids)), "duplicate kids"
    assert stack.signing_key["kid"] in kids, "the signing key %r is not published" % stack.signing_key["kid"]
    cc = h.get("cache-control", "").replace(" ", "").lower()
    assert cc == "public,max-age=300", "Cache-Control %r" % h.get("cache-control")


def test_jwks_verifies_issued_token(stack):
    st, _, doc = stack.token()
    assert st == 200, doc
    stack.verify(doc["access_token"])


def test_new_keys_published_hs256_never(stack):
    rs = stack.admin_json("signing-key", "create", "--alg", "RS256", "--json")
    hs = stack.admin_json("signing-key", "create", "--alg", "HS256", "--json")
    assert rs.get("alg") == "RS256" and hs.get("alg") == "HS256", (rs, hs)

    def published():
        _, doc = get_json(stack, "/.well-known/jwks.json")
        return doc if rs["kid"] in {k["kid"] for k in doc["keys"]} else None
    doc = wait_for(published, timeout=5, what="the new RS256 key in the JWKS")
    for k in doc["keys"]:
        check_public_jwk(k)
    assert hs["kid"] not in {k["kid"] for k in doc["keys"]}, "the HS256 key is published"
    rsa = [k for k in doc["keys"] if k["kid"] == rs["kid"]][0]
    assert rsa["kty"] == "RSA" and rsa["e"] == "AQAB", rsa
    # Tokens are still ES256 (signing_alg), and still verify.
    st, _, tdoc = stack.token()
    assert st == 200, tdoc
    header, _ = stack.verify(tdoc["access_token"])
    assert header["alg"] == "ES256"


def test_rotation_and_retire(stack):
    """A newer ES256 key signs new tokens; once retired, the older one signs
    again. Tokens always verify against the JWKS."""
    new = stack.admin_json("signing-key", "create", "--alg", "ES256", "--json")
    try:
        def signed_by(kid):
            st, _, doc = stack.token()
            assert st == 200, doc
            header, _ = stack.verify(doc["access_token"])
            return header["kid"] == kid
        wait_for(lambda: signed_by(new["kid"]), timeout=5, what="tokens signed by the new key")
    finally:
        stack.admin_ok("signing-key", "retire", new["kid"])
    wait_for(lambda: signed_by(stack.signing_key["kid"]), timeout=5, what="tokens signed by the old key again")


def test_metadata(stack):
    h, doc = get_json(stack, "/.well-known/oauth-authorization-server")
    iss = stack.issuer
    assert doc.get("issuer") == iss, "issuer %r" % doc.get("issuer")
    assert doc.get("token_endpoint") == iss + "/token", "token_endpoint %r" % doc.get("token_endpoint")
    assert doc.get("jwks_uri") == iss + "/.well-known/jwks.json", "jwks_uri %r" % doc.get("jwks_uri")
    grants = doc.get("grant_types_supported")
    assert isinstance(grants, list) and "client_credentials" in grants, grants
    # Issue 13: the code grant with PKCE (S256 only), never implicit.
    assert "authorization_code" in grants and "implicit" not in grants, grants
    assert len(grants) == len(set(grants)), grants
    assert doc.get("authorization_endpoint") == iss + "/authorize", doc.get("authorization_endpoint")
    assert doc.get("code_challenge_methods_supported") == ["S256"], doc
    assert doc.get("authorization_response_iss_parameter_supported") is True, doc
    # "none": public clients (client_id alone) at /token and /revoke only.
    assert sorted(doc.get("token_endpoint_auth_methods_supported") or []) == \
        ["client_secret_basic", "client_secret_post", "none"], doc.get("token_endpoint_auth_methods_supported")
    assert "none" not in doc.get("introspection_endpoint_auth_methods_supported"), doc
    assert doc.get("response_types_supported") == ["code"], doc.get("response_types_supported")
    # scopes_supported is empty in the config: the field is left out.
    assert "scopes_supported" not in doc, "scopes_supported %r though none configured" % doc.get("scopes_supported")
    for v in doc.values():
        assert "d" not in (v if isinstance(v, dict) else {}), "private material in metadata"


def test_metadata_cache_control(stack):
    # conf/jwtmint.conf: jwks_max_age_sec is the max-age of both documents.
    h, _ = get_json(stack, "/.well-known/oauth-authorization-server")
    cc = h.get("cache-control", "").replace(" ", "").lower()
    assert cc == "public,max-age=300", "Cache-Control %r" % h.get("cache-control")


def test_healthz(stack):
    st, h, b = stack.request("GET", "/healthz")
    assert st == 200, "status %d %r" % (st, b)
    assert json.loads(b) == {"status": "ok"}, b


def test_healthz_database_down(stack):
    stack.pg_stop()
    try:
        st, h, b = stack.request("GET", "/healthz")
        assert st == 503, "database down: status %d %r" % (st, b)
        assert json.loads(b) == {"status": "unavailable"}, b
        # The published documents do not need the database to be served
        # (workers keep the keys they loaded); either answer is tolerated,
        # but never a 5xx other than 503.
        st, h, b = stack.request("GET", "/.well-known/jwks.json")
        assert st in (200, 503), "JWKS with the database down: %d" % st
    finally:
        stack.pg_start()

    def healthy():
        return stack.request("GET", "/healthz")[0] == 200
    wait_for(healthy, timeout=10, interval=0.2, what="/healthz to answer 200 after the database came back")
    stack.assert_alive()


def test_wrong_methods_405(stack):
    for path in ("/.well-known/jwks.json", "/.well-known/oauth-authorization-server", "/healthz"):
        st, h, b = stack.request("POST", path, {"Content-Type": "application/x-www-form-urlencoded"}, b"a=b")
        assert st == 405, "POST %s: %d" % (path, st)
        assert "GET" in h.get("allow", ""), "POST %s: Allow %r" % (path, h.get("allow"))
        doc = parse_json(b)
        assert isinstance(doc, dict) and doc.get("error"), "POST %s: %r" % (path, b[:200])


def test_head(stack):
    st, h, b = stack.request("HEAD", "/healthz")
    assert st in (200, 405), "HEAD /healthz: %d" % st
    assert b == b"", "HEAD has a body"


def test_unknown_path_404(stack):
    st, h, b = stack.request("GET", "/nope")
    assert st == 404, st
    doc = json.loads(b)
    assert doc.get("error") == "not_found", doc
    assert isinstance(doc.get("error_description"), str)


def test_query_string_ignored(stack):
    st, h, b = stack.request("GET", "/healthz?verbose=1")
    assert st == 200, st
    st, h, b = stack.request("GET", "/.well-known/jwks.json?x=y")
    assert st == 200, st

