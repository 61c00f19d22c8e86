"""
POST /token, grant_type=client_credentials: every way to succeed and every
error of RFC 6749 §5.2 that the contract names. Every issued token is checked
against the published JWKS only (harness.verify_token).
"""

import json
import re
import time

from harness import FORM, assert_oauth_error, basic_auth, form, key_parts, make_key, secret_bytes

ALL = "read:accounts write:settings"


def ok_token(resp, scope=ALL):
    status, h, doc = resp
    assert status == 200, "status %d, body %r" % (status, doc)
    assert isinstance(doc, dict), "body is not JSON: %r" % doc
    ctype = h.get("content-type", "")
    assert ctype.split(";")[0].strip().lower() == "application/json", "Content-Type %r" % ctype
    assert h.get("cache-control", "").lower() == "no-store", "Cache-Control %r" % h.get("cache-control")
    assert h.get("pragma", "").lower() == "no-cache", "Pragma %r" % h.get("pragma")
    assert doc.get("token_type") == "Bearer", "token_type %r" % doc.get("token_type")
    assert doc.get("expires_in") == 900, "expires_in %r" % doc.get("expires_in")
    assert doc.get("scope") == scope, "scope %r, want %r" % (doc.get("scope"), scope)
    assert isinstance(doc.get("access_token"), str), "no access_token"
    assert set(doc) <= {"access_token", "token_type", "expires_in", "scope"}, "extra fields %r" % sorted(doc)
    return doc["access_token"]


# --- success, the three client authentication methods ---------------------

def test_x_api_key(stack):
    tok = ok_token(stack.token(via="x-api-key"))
    header, claims = stack.verify(tok)
    assert header["kid"] == stack.signing_key["kid"], "kid %r is not the signing key %r" % (
        header["kid"], stack.signing_key["kid"])


def test_basic(stack):
    stack.verify(ok_token(stack.token(via="basic")))


def test_client_secret_post(stack):
    stack.verify(ok_token(stack.token(via="post")))


def test_test_env_key(stack):
    k = stack.keys["test"]
    assert k["key"].startswith("jmk_test_")
    tok = ok_token(stack.token(k["key"]), scope="read:accounts")
    stack.verify(tok, scope="read:accounts", key=k)


def test_charset_parameter_allowed(stack):
    status, h, body = stack.request("POST", "/token", {"Content-Type": FORM + "; charset=UTF-8",
                                                       "X-API-Key": stack.keys["main"]["key"]},
                                    form(grant_type="client_credentials"))
    ok_token((status, h, json.loads(body)))


def test_media_type_case_insensitive(stack):
    # RFC 9110 §8.3.1: type and subtype are case-insensitive.
    status, h, body = stack.request("POST", "/token", {"Content-Type": "Application/X-WWW-Form-URLEncoded",
                                                       "X-API-Key": stack.keys["main"]["key"]},
                                    form(grant_type="client_credentials"))
    assert status == 200, "status %d %r" % (status, body[:200])


def test_scope_subset(stack):
    tok = ok_token(stack.token(scope="read:accounts"), scope="read:accounts")
    stack.verify(tok, scope="read:accounts")


def test_scope_sorted_and_deduplicated(stack):
    tok = ok_token(stack.token(scope="write:settings read:accounts write:settings"), scope=ALL)
    stack.verify(tok, scope=ALL)


def test_scope_omitted_gives_all(stack):
    ok_token(stack.token(), scope=ALL)


def test_audience(stack):
    tok = ok_token(stack.token(audience="api.example"))
    stack.verify(tok, audience="api.example")


def test_resource(stack):
    tok = ok_token(stack.token(resource="api.example"))
    stack.verify(tok, audience="api.example")


def test_default_audience_is_first(stack):
    _, claims = stack.verify(ok_token(stack.token()))
    assert claims["aud"] in ("jwtmint", ["jwtmint"])


def test_jti_unique(stack):
    jtis = set()
    for _ in range(15):
        _, claims = stack.verify(ok_token(stack.token()))
        jtis.add(claims["jti"])
    assert len(jtis) == 15, "jti repeated: %d distinct of 15" % len(jtis)


def test_tokens_differ_across_methods(stack):
    toks = {ok_token(stack.token(via=v)) for v in ("x-api-key", "basic", "post")}
    assert len(toks) == 3


def test_log_line(stack):
    before = len(stack.logs())
    ok_token(stack.token())
    deadline = time.time() + 3
    key_id = stack.keys["main"]["id"]
    pat = re.compile(r"method=POST path=/token status=200 ms=[0-9.]+ client=%s org=%s" % (key_id, stack.org_id))
    while time.time() < deadline:
        if pat.search(stack.logs()[before:]):
            return
        time.sleep(0.05)
    raise AssertionError("no log line like %r; log tail: %r" % (pat.pattern, stack.logs()[before:][-500:]))


def test_error_log_line_has_status(stack):
    before = len(stack.logs())
    stack.token(make_key())
    deadline = time.time() + 3
    while time.time() < deadline:
        if re.search(r"method=POST path=/token status=401 ms=[0-9.]+", stack.logs()[before:]):
            return
        time.sleep(0.05)
    raise AssertionError("no 401 log line; log tail: %r" % stack.logs()[before:][-500:])


# --- errors -----------------------------------------------------------------

def test_invalid_scope(stack):
    assert_oauth_error(stack.token(scope="admin"), 400, "invalid_scope")
    assert_oauth_error(stack.token(scope="read:accounts admin"), 400, "invalid_scope")
    assert_oauth_error(stack.token(stack.keys["test"]["key"], scope="write:settings"), 400, "invalid_scope")


def test_invalid_target(stack):
    assert_oauth_error(stack.token(audience="evil.example"), 400, "invalid_target", echo=["evil.example"])
    assert_oauth_error(stack.token(resource="https://evil.example/"), 400, "invalid_target",
                       echo=["evil.example"])


def test_audience_and_resource_both(stack):
    assert_oauth_error(stack.token(audience="api.example", resource="api.example"), 400,
                       ("invalid_request", "invalid_target"))


def test_grant_type_missing(stack):
    k = stack.keys["main"]["key"]
    resp = stack.request("POST", "/token", {"Content-Type": FORM, "X-API-Key": k}, form(scope="read:accounts"))
    assert_oauth_error(resp, 400, "invalid_request")


def test_unsupported_grant_type(stack):
    k = stack.keys["main"]["key"]
    # authorization_code is known since issue 13 (a key not granted it:
    # unauthorized_client, test_oauth_code.py).
    for gt in ("implicit", "urn:ietf:params:oauth:grant-type:jwt-bearer",
               "urn:ietf:params:oauth:grant-type:device_code", "CLIENT_CREDENTIALS", "client_credentials ",
               "client-credentials", "x"):
        resp = stack.request("POST", "/token", {"Content-Type": FORM, "X-API-Key": k}, form(grant_type=gt))
        try:
            assert_oauth_error(resp, 400, "unsupported_grant_type", echo=[gt] if len(gt) > 8 else [])
        except AssertionError as e:
            raise AssertionError("grant_type=%r: %s" % (gt, e))


def test_other_grants_without_their_parameters(stack):
    # Grants jwtmint may support besides client_credentials, sent with only
    # an API key: never a token, always a 400 JSON error.
    k = stack.keys["main"]["key"]
    for gt in ("password", "refresh_token", "urn:ietf:params:oauth:grant-type:token-exchange"):
        resp = stack.request("POST", "/token", {"Content-Type": FORM, "X-API-Key": k}, form(grant_type=gt))
        try:
            assert_oauth_error(resp, 400, ("invalid_request", "unsupported_grant_type", "unauthorized_client",
                                           "invalid_grant"))
        except AssertionError as e:
            raise AssertionError("grant_type=%r: %s" % (gt, e))


def test_no_credentials(stack):
    assert_oauth_error(stack.token(via="none"), 401, "invalid_client")


def test_same_401_for_every_bad_key(stack):
    """Revoked, expired, unknown, wrong secret, disabled org, bad checksum:
    one and the same response, so a caller learns nothing."""
    stack.wait_expired()
    main = stack.keys["main"]["key"]
    env, kid, s52, crc = key_parts(main)
    cases = {
        "revoked": stack.keys["revoked"]["key"],
        "expired": stack.keys["expired"]["key"],
        "disabled org": stack.keys["disabled_org"]["key"],
        "unknown id": make_key(),
        "wrong secret": make_key(env, kid),
        "bad checksum": main[:-1] + ("a" if main[-1] != "a" else "b"),
        "wrong env": make_key("test" if env == "live" else "live", kid,
                              secret_bytes(s52)),
    }
    bodies = {}
    for what, key in cases.items():
        for via in ("x-api-key", "post"):
            resp = stack.token(key, via=via)
            try:
                assert_oauth_error(resp, 401, "invalid_client", echo=[key, key[-59:]])
            except AssertionError as e:
                raise AssertionError("%s via %s: %s" % (what, via, e))
            bodies[(what, via)] = json.dumps(resp[2], sort_keys=True)
    assert len(set(bodies.values())) == 1, "different 401 bodies: %r" % bodies


def test_basic_failure_has_www_authenticate(stack):
    bad = make_key()
    resp = stack.token(bad, via="basic")
    assert_oauth_error(resp, 401, "invalid_client", www_basic=True, echo=[bad])
    resp = stack.token(stack.keys["revoked"]["key"], via="basic")
    assert_oauth_error(resp, 401, "invalid_client", www_basic=True)


def test_basic_client_id_mismatch(stack):
    k = stack.keys["main"]
    other = stack.keys["test"]
    resp = stack.request("POST", "/token", {"Content-Type": FORM, "Authorization": basic_auth(other["id"], k["key"])},
                         form(grant_type="client_credentials"))
    assert_oauth_error(resp, 401, "invalid_client", www_basic=True)


def test_post_client_id_mismatch(stack):
    k = stack.keys["main"]
    resp = stack.request("POST", "/token", {"Content-Type": FORM},
                         form(grant_type="client_credentials", client_id=stack.keys["test"]["id"],
                              client_secret=k["key"]))
    assert_oauth_error(resp, 401, "invalid_client")


def test_post_secret_without_id(stack):
    # RFC 6749 §2.3.1: client_id is REQUIRED with client_secret in the body.
    k = stack.keys["main"]
    resp = stack.request("POST", "/token", {"Content-Type": FORM},
                         form(grant_type="client_credentials", client_secret=k["key"]))
    if resp[0] == 401:
        assert_oauth_error(resp, 401, "invalid_client")
    else:
        assert_oauth_error(resp, 400, "invalid_request")


def test_two_methods_at_once(stack):
    k = stack.keys["main"]["key"]
    kid = stack.keys["main"]["id"]
    combos = [
        ({"X-API-Key": k, "Authorization": basic_auth(kid, k)}, form(grant_type="client_credentials")),
        ({"X-API-Key": k}, form(grant_type="client_credentials", client_id=kid, client_secret=k)),
        ({"Authorization": basic_auth(kid, k)}, form(grant_type="client_credentials", client_id=kid,
                                                      client_secret=k)),
    ]
    for hdrs, body in combos:
        hdrs = dict(hdrs, **{"Content-Type": FORM})
        resp = stack.request("POST", "/token", hdrs, body)
        try:
            assert_oauth_error(resp, 400, "invalid_request", echo=[k])
        except AssertionError as e:
            raise AssertionError("%s: %s" % (sorted(hdrs), e))


def test_get_token_405(stack):
    status, h, body = stack.request("GET", "/token")
    assert status == 405, "status %d" % status
    assert "POST" in h.get("allow", ""), "Allow %r" % h.get("allow")
    assert json.loads(body).get("error"), body


def test_other_methods_405(stack):
    for m in ("PUT", "DELETE", "PATCH"):
        status, h, body = stack.request(m, "/token", {"Content-Type": FORM}, form(grant_type="client_credentials"))
        assert status == 405, "%s: status %d" % (m, status)
        assert "POST" in h.get("allow", ""), "%s: Allow %r" % (m, h.get("allow"))


def test_wrong_content_type_415(stack):
    k = stack.keys["main"]["key"]
    for ct in ("application/json", "text/plain", "multipart/form-data; boundary=x",
               "application/x-www-form-urlencodedx"):
        body = json.dumps({"grant_type": "client_credentials"}).encode() if "json" in ct else \
            form(grant_type="client_credentials")
        resp = stack.request("POST", "/token", {"Content-Type": ct, "X-API-Key": k}, body)
        try:
            assert_oauth_error(resp, 415, ("invalid_request", "unsupported_media_type"))
        except AssertionError as e:
            raise AssertionError("%s: %s" % (ct, e))


def test_missing_content_type_415(stack):
    k = stack.keys["main"]["key"]
    resp = stack.request("POST", "/token", {"X-API-Key": k}, form(grant_type="client_credentials"))
    assert resp[0] == 415, "status %d %r" % (resp[0], resp[2][:200])


def test_body_over_16k_413(stack):
    k = stack.keys["main"]["key"]
    body = form(grant_type="client_credentials", pad="x" * 16400)
    resp = stack.request("POST", "/token", {"Content-Type": FORM, "X-API-Key": k}, body)
    assert resp[0] == 413, "status %d %r" % (resp[0], resp[2][:200])
    assert_oauth_error(resp, 413, ("invalid_request", "request_too_large", "payload_too_large"))


def test_body_at_16k_not_413(stack):
    # Exactly max_body_bytes is allowed (the value is too long for a
    # parameter, so 400, but not 413).
    k = stack.keys["main"]["key"]
    prefix = b"grant_type=client_credentials&pad="
    body = prefix + b"x" * (16384 - len(prefix))
    assert len(body) == 16384
    resp = stack.request("POST", "/token", {"Content-Type": FORM, "X-API-Key": k}, body)
    assert resp[0] == 400, "status %d %r" % (resp[0], resp[2][:200])
