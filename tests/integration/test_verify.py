"""
RFC 8725 (JWT BCP) attacks on the tokens jwtmint accepts back: through
POST /introspect (must say {"active":false}) and as the subject of a token
exchange (must be invalid_grant).

Forged tokens are made with python3-cryptography, and most are signed with
jwtmint's own signing key (unsealed from the database with the stack's kek,
see test_lifecycle.signing_key) so that each is refused for the one thing
under test, not for its signature. Each group starts with a positive
control: the same construction left intact is accepted, or the test proves
nothing.
"""

import base64
import hashlib
import hmac
import json
import os
import time

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwcrypto import jwk as jc_jwk

from harness import b64url_decode
from test_lifecycle import (KEY_SCOPES, active, assert_same_error, b64url, claims_of, exchange, login_ok,
                            mint, new_key, new_org, new_user, sign_es256, signing_key)

# Argon2 cost is not under test here (test_lifecycle keeps the defaults for
# its Argon2 cost tests): cheap parameters keep the CGI mode fast, where every
# process start hashes a dummy password.
STACK_OPTIONS = {"env": {"JWTMINT_ARGON2_M_KIB": "256", "JWTMINT_ARGON2_T": "1"}}

P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


class Fixture:
    def __init__(self, stack):
        self.org = new_org(stack, "verify")
        self.key = new_key(stack, self.org, scopes=KEY_SCOPES)
        self.kx = new_key(stack, self.org, scopes="read:accounts read:reports", grants="token_exchange")
        self.user = new_user(stack, self.org, "victor", "limited", accounts="acct_1")
        self.token = login_ok(stack, self.key, self.user, scope="read:accounts")["access_token"]


def fixture(stack):
    if not hasattr(stack, "_verify_fixture"):
        stack._verify_fixture = Fixture(stack)
    return stack._verify_fixture


def refused(stack, f, cases):
    """Every (name, token) of cases: inactive on /introspect, invalid_grant
    on token exchange."""
    bad = []
    for name, tok in cases:
        doc = None
        try:
            if active(stack, f.key, tok):
                bad.append("%s: introspection says active" % name)
            st, h, doc = exchange(stack, f.kx, tok)
            if st == 200:
                bad.append("%s: exchanged for a token (scope %r)" % (name, doc.get("scope")))
            else:
                assert_same_error((st, h, doc), 400, "invalid_grant", f.user)
        except AssertionError as e:
            bad.append("%s: %s" % (name, e))
    assert not bad, "accepted or answered wrongly:\n" + "\n".join(bad)


def accepted(stack, f, tok, what):
    assert active(stack, f.key, tok), "control %s is not active: the test is broken" % what
    st, _, doc = exchange(stack, f.kx, tok)
    assert st == 200, "control %s is not exchanged: %d %r" % (what, st, doc)


def parts(tok):
    return tok.split(".")


def enc(obj):
    return b64url(json.dumps(obj, separators=(",", ":")).encode())


def header_of(tok):
    return json.loads(b64url_decode(parts(tok)[0]))


# --- the tests ------------------------------------------------------------------

def test_control_minted_token_accepted(stack):
    f = fixture(stack)
    accepted(stack, f, f.token, "(the issued token)")
    accepted(stack, f, mint(stack, f.token), "(a re-signed copy)")


def test_alg_none(stack):
    f = fixture(stack)
    kid = header_of(f.token)["kid"]
    p = parts(f.token)[1]
    cases = []
    for alg in ("none", "None", "NONE", "nOnE"):
        h = enc({"alg": alg, "typ": "at+jwt", "kid": kid})
        cases += [("alg %s, empty signature" % alg, "%s.%s." % (h, p)),
                  ("alg %s, no third part" % alg, "%s.%s" % (h, p)),
                  ("alg %s, original signature" % alg, "%s.%s.%s" % (h, p, parts(f.token)[2]))]
    cases.append(("no alg", "%s.%s.%s" % (enc({"typ": "at+jwt", "kid": kid}), p, parts(f.token)[2])))
    refused(stack, f, cases)


def test_hs256_keyed_with_public_key(stack):
    """Algorithm confusion: HS256 with the published ES256 public key (in
    every encoding a confused verifier might use) as the HMAC secret."""
    f = fixture(stack)
    kid = header_of(f.token)["kid"]
    jwk = [k for k in stack.jwks()["keys"] if k["kid"] == kid][0]
    pub = jc_jwk.JWK(**jwk)
    pem = pub.export_to_pem()
    der = serialization.load_pem_public_key(pem).public_bytes(serialization.Encoding.DER,
                                                             serialization.PublicFormat.SubjectPublicKeyInfo)
    point = serialization.load_pem_public_key(pem).public_bytes(serialization.Encoding.X962,
                                                               serialization.PublicFormat.UncompressedPoint)
    secrets = {"PEM": pem, "PEM without newline": pem.rstrip(b"\n"), "DER": der, "X9.62 point": point,
               "JWK JSON": json.dumps(jwk).encode(), "x": b64url_decode(jwk["x"]), "kid": kid.encode()}
    cases = []
    for alg in ("HS256", "HS384", "HS512"):
        digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
        for what, secret in secrets.items():
            for hdr in ({"alg": alg, "typ": "at+jwt", "kid": kid}, {"alg": alg, "typ": "at+jwt"}):
                si = enc(hdr) + "." + parts(f.token)[1]
                mac = hmac.new(secret, si.encode(), digest).digest()
                cases.append(("%s keyed with the %s%s" % (alg, what, "" if "kid" in hdr else ", no kid"),
                              si + "." + b64url(mac)))
    # RS256 / PS256 / ES384 / EdDSA naming the ES256 key.
    for alg in ("RS256", "PS256", "ES384", "ES512", "EdDSA", "ES256K"):
        si = enc({"alg": alg, "typ": "at+jwt", "kid": kid}) + "." + parts(f.token)[1]
        cases.append(("alg %s with the ES256 signature" % alg, si + "." + parts(f.token)[2]))
    refused(stack, f, cases)


def test_unknown_or_attacker_kid(stack):
    f = fixture(stack)
    kid, priv = signing_key(stack)
    claims = claims_of(f.token)
    attacker = ec.generate_private_key(ec.SECP256R1())
    ajwk = json.loads(jc_jwk.JWK.from_pyca(attacker.public_key()).export_public())
    athumb = jc_jwk.JWK(**ajwk).thumbprint()
    cases = [
        ("unknown kid, real key", sign_es256(priv, {"alg": "ES256", "typ": "at+jwt", "kid": "nope"}, claims)),
        ("no kid, real key", sign_es256(priv, {"alg": "ES256", "typ": "at+jwt"}, claims)),
        ("empty kid", sign_es256(priv, {"alg": "ES256", "typ": "at+jwt", "kid": ""}, claims)),
        ("kid with a path", sign_es256(priv, {"alg": "ES256", "typ": "at+jwt", "kid": "../" + kid}, claims)),
        ("kid as a number", sign_es256(priv, {"alg": "ES256", "typ": "at+jwt", "kid": 1}, claims)),
        ("kid of the attacker's key", sign_es256(attacker, {"alg": "ES256", "typ": "at+jwt", "kid": athumb},
                                                  claims)),
        ("our kid, the attacker's key", sign_es256(attacker, {"alg": "ES256", "typ": "at+jwt", "kid": kid},
                                                   claims)),
    ]
    refused(stack, f, cases)


def test_key_url_and_embedded_key_headers(stack):
    """jku, x5u, jwk, x5c, crit: refused even with a good signature by our
    own key; an embedded attacker jwk never chooses the key."""
    f = fixture(stack)
    kid, priv = signing_key(stack)
    claims = claims_of(f.token)
    attacker = ec.generate_private_key(ec.SECP256R1())
    ajwk = json.loads(jc_jwk.JWK.from_pyca(attacker.public_key()).export_public())
    base = {"alg": "ES256", "typ": "at+jwt", "kid": kid}
    extras = {
        "jku": {"jku": "https://evil.example/jwks.json"},
        "x5u": {"x5u": "https://evil.example/cert.pem"},
        "jwk": {"jwk": json.loads(jc_jwk.JWK(**[k for k in stack.jwks()["keys"] if k["kid"] == kid][0])
                                  .export_public())},
        "x5c": {"x5c": ["MIIB"]},
        "x5t": {"x5t": "abc"},
        "crit": {"crit": ["exp"]},
        "cty": {"cty": "JWT"},
        "zip": {"zip": "DEF"},
        "b64 false": {"b64": False, "crit": ["b64"]},
    }
    cases = [("%s header, our key" % n, sign_es256(priv, dict(base, **e), claims)) for n, e in extras.items()]
    cases.append(("embedded attacker jwk, attacker's signature",
                  sign_es256(attacker, {"alg": "ES256", "typ": "at+jwt", "kid": kid, "jwk": ajwk}, claims)))
    cases.append(("embedded attacker jwk, no kid",
                  sign_es256(attacker, {"alg": "ES256", "typ": "at+jwt", "jwk": ajwk}, claims)))
    cases.append(("duplicate alg member", sign_es256(
        priv, ('{"alg":"none","typ":"at+jwt","kid":"%s","alg":"ES256"}' % kid).encode(), claims)))
    refused(stack, f, cases)


def test_bad_typ(stack):
    f = fixture(stack)
    kid, priv = signing_key(stack)
    claims = claims_of(f.token)
    accepted(stack, f, sign_es256(priv, {"alg": "ES256", "typ": "application/at+jwt", "kid": kid}, claims),
             "(typ application/at+jwt, RFC 9068 §2.1)")
    cases = []
    for typ in ("JWT", "jwt", "at+jwt ", "", "id_token", "application/jwt", "secevent+jwt", 1, None):
        hdr = {"alg": "ES256", "kid": kid}
        if typ is not None:
            hdr["typ"] = typ
        cases.append(("typ %r" % (typ,), sign_es256(priv, hdr, claims)))
    refused(stack, f, cases)


def test_malformed_and_bad_signatures(stack):
    f = fixture(stack)
    h, p, s = parts(f.token)
    sig = b64url_decode(s)
    r, sv = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
    der_sig = _der(r, sv)
    other = login_ok(stack, f.key, f.user, scope="read:accounts")["access_token"]
    cases = [
        ("all-zero signature", "%s.%s.%s" % (h, p, b64url(bytes(64)))),
        ("R zero", "%s.%s.%s" % (h, p, b64url(bytes(32) + sig[32:]))),
        ("S zero", "%s.%s.%s" % (h, p, b64url(sig[:32] + bytes(32)))),
        ("R = n", "%s.%s.%s" % (h, p, b64url(P256_N.to_bytes(32, "big") + sig[32:]))),
        ("S + n (65 bytes)", "%s.%s.%s" % (h, p, b64url(sig[:32] + (sv + P256_N).to_bytes(33, "big")))),
        ("DER signature", "%s.%s.%s" % (h, p, b64url(der_sig))),
        ("signature with a byte more", "%s.%s.%s" % (h, p, b64url(sig + b"\0"))),
        ("signature with a byte less", "%s.%s.%s" % (h, p, b64url(sig[:-1]))),
        ("signature bit flipped", "%s.%s.%s" % (h, p, b64url(sig[:10] + bytes([sig[10] ^ 1]) + sig[11:]))),
        ("empty signature", "%s.%s." % (h, p)),
        ("another token's signature", "%s.%s.%s" % (h, p, parts(other)[2])),
        ("two parts", "%s.%s" % (h, p)),
        ("four parts", "%s.%s.%s.%s" % (h, p, s, s)),
        ("padding", "%s.%s.%s==" % (h, p, s)),
        ("standard base64 alphabet", std_alphabet_twin(stack, f.token)),
        ("whitespace", "%s.%s.%s " % (h, p, s)),
        ("leading space", " " + f.token),
        ("empty", ""),
        ("dots", ".."),
        ("JWE-shaped", "%s.%s.%s.%s.%s" % (h, "", p, s, "")),
        ("header not JSON", "%s.%s.%s" % (b64url(b"not json"), p, s)),
        ("payload not JSON", mint_raw(stack, b"not json")),
        ("payload a JSON array", mint_raw(stack, b"[1,2,3]")),
        # Just under the 8 KiB form parameter limit (larger is a 400).
        ("long", "%s.%s.%s" % (h, p + "A" * (8100 - len(f.token)), s)),
    ]
    refused(stack, f, cases)


def std_alphabet_twin(stack, like):
    """A token whose signature, in the standard base64 alphabet, differs
    from its base64url form (has a + or /): re-minted until it does."""
    for _ in range(100):
        tok = mint(stack, like)
        h, p, s = parts(tok)
        std = base64.b64encode(b64url_decode(s)).decode().rstrip("=")
        if std != s:
            assert active(stack, fixture(stack).key, tok), "control: the minted token is not active"
            return "%s.%s.%s" % (h, p, std)
    raise AssertionError("no signature with + or / in 100 tries")


def _der(r, s):
    def integer(v):
        b = v.to_bytes((v.bit_length() + 8) // 8, "big")
        return b"\x02" + bytes([len(b)]) + b
    body = integer(r) + integer(s)
    return b"\x30" + bytes([len(body)]) + body


def mint_raw(stack, payload):
    kid, priv = signing_key(stack)
    return sign_es256(priv, {"alg": "ES256", "typ": "at+jwt", "kid": kid}, payload)


def test_high_s_signature_refused(stack):
    """ECDSA is malleable: (r, n - s) is a second valid signature. jwtmint
    signs with low S only and accepts low S only, so a token has one
    string: the high-S copy of a good token is refused everywhere."""
    f = fixture(stack)
    for _ in range(8):      # low S every time, not by chance
        tok = login_ok(stack, f.key, f.user, scope="read:accounts")["access_token"]
        sv = int.from_bytes(b64url_decode(parts(tok)[2])[32:], "big")
        assert sv <= P256_N // 2, "jwtmint issued a high-S signature"
    h, p, s = parts(tok)
    sig = b64url_decode(s)
    twin = "%s.%s.%s" % (h, p, b64url(sig[:32] + (P256_N - int.from_bytes(sig[32:], "big")).to_bytes(32, "big")))
    assert active(stack, f.key, tok)
    refused(stack, f, [("high-S copy", twin)])


def post_revoke(stack, f, tok):
    from test_lifecycle import post
    st, h, doc = post(stack, "/revoke", f.key, token=tok)
    assert st == 200, (st, doc)
    return st, h, doc


def test_wrong_issuer_and_audience(stack):
    f = fixture(stack)
    t = f.token
    accepted(stack, f, mint(stack, t, aud=["evil.example", stack.audiences[1]]), "(aud array with one of ours)")
    cases = [
        ("iss of another server", mint(stack, t, iss="https://evil.example")),
        ("iss with a trailing slash", mint(stack, t, iss=stack.issuer + "/")),
        ("iss upper case", mint(stack, t, iss=stack.issuer.upper())),
        ("iss as an array", mint(stack, t, iss=[stack.issuer])),
        ("no iss", mint(stack, t, iss=None)),
        ("aud of another service", mint(stack, t, aud="evil.example")),
        ("aud array without ours", mint(stack, t, aud=["evil.example", "other"])),
        ("aud empty array", mint(stack, t, aud=[])),
        ("aud a prefix of ours", mint(stack, t, aud=stack.audiences[0][:-1])),
        ("aud ours with a suffix", mint(stack, t, aud=stack.audiences[0] + "x")),
        ("no aud", mint(stack, t, aud=None)),
    ]
    refused(stack, f, cases)


def test_time_claims(stack):
    """exp/nbf/iat with verify_leeway_sec = 30 (the default)."""
    f = fixture(stack)
    t = f.token
    now = int(time.time())
    accepted(stack, f, mint(stack, t, iat=now - 100, nbf=now - 100, exp=now + 100), "(short-lived)")
    cases = [
        ("expired 60 s ago", mint(stack, t, iat=now - 960, nbf=now - 960, exp=now - 60)),
        ("expired long ago", mint(stack, t, iat=now - 100000, nbf=now - 100000, exp=now - 99100)),
        ("nbf in 120 s", mint(stack, t, iat=now, nbf=now + 120, exp=now + 900)),
        ("iat in 120 s", mint(stack, t, iat=now + 120, nbf=now + 120, exp=now + 1020)),
        ("iat far in the future", mint(stack, t, iat=now + 10 ** 9, nbf=now, exp=now + 900)),
        ("no exp", mint(stack, t, exp=None)),
        ("no iat", mint(stack, t, iat=None)),
        ("exp a string", mint(stack, t, exp=str(now + 900))),
        ("exp a float", mint(stack, t, exp=now + 900.5)),
        ("exp huge", mint(stack, t, exp=2 ** 63)),
        ("exp negative", mint(stack, t, exp=-1)),
        ("nbf a string", mint(stack, t, nbf=str(now))),
    ]
    refused(stack, f, cases)


def test_edited_payload_keeps_signature(stack):
    """A payload edited (scope widened, org, sub or client swapped) with the
    original signature."""
    f = fixture(stack)
    h, p, s = parts(f.token)
    c = claims_of(f.token)
    edits = {
        "scope widened": dict(c, scope="admin read:accounts write:settings"),
        "accounts *": dict(c, accounts="*"),
        "role admin": dict(c, role="admin"),
        "sub swapped": dict(c, sub="usr_aaaaaaaaaaaaaaaa"),
        "exp extended": dict(c, exp=c["exp"] + 86400),
        "jti changed": dict(c, jti=b64url(os.urandom(16))),
    }
    cases = [(n, "%s.%s.%s" % (h, enc(e), s)) for n, e in edits.items()]
    # The same claims, serialised with spaces: other bytes, same meaning.
    cases.append(("same claims, other JSON bytes", "%s.%s.%s" % (h, b64url(json.dumps(c).encode()), s)))
    # The payload with the scope appended as a second member.
    raw = b64url_decode(p)
    cases.append(("duplicate scope member", "%s.%s.%s" % (h, b64url(raw[:-1] + b',"scope":"admin"}'), s)))
    refused(stack, f, cases)


def test_duplicate_claims_signed(stack):
    """Duplicate members, properly signed: a parser that keeps the first
    and one that keeps the last disagree, so refuse (RFC 7519 §4)."""
    f = fixture(stack)
    raw = json.dumps(claims_of(f.token), separators=(",", ":")).encode()
    other = new_org(stack, "verify-dup")
    cases = [
        ("scope twice", mint_raw(stack, raw[:-1] + b',"scope":"admin read:accounts"}')),
        ("org twice", mint_raw(stack, raw[:-1] + (',"org":"%s"}' % other["id"]).encode())),
        ("sub twice", mint_raw(stack, raw[:-1] + b',"sub":"usr_aaaaaaaaaaaaaaaa"}')),
    ]
    refused(stack, f, cases)


def test_claim_types(stack):
    f = fixture(stack)
    t = f.token
    cases = [
        ("scope an array", mint(stack, t, scope=["read:accounts"])),
        ("sub a number", mint(stack, t, sub=1)),
        ("no sub", mint(stack, t, sub=None)),
        ("no org", mint(stack, t, org=None)),
        ("org of nobody", mint(stack, t, org="org_aaaaaaaaaaaaaaaa")),
        ("no jti", mint(stack, t, jti=None)),
        ("no client_id", mint(stack, t, client_id=None)),
        ("client_id of nobody", mint(stack, t, client_id="aaaaaaaaaaaaaaaa")),
        ("accounts a number", mint(stack, t, accounts=5)),
        ("accounts a string not *", mint(stack, t, accounts="acct_1")),
        ("sub with a NUL", mint(stack, t, sub=claims_of(t)["sub"] + "\u0000x")),
        ("sub of a user that does not exist", mint(stack, t, sub="usr_aaaaaaaaaaaaaaaa")),
    ]
    refused(stack, f, cases)


def test_retired_signing_key(stack):
    """Tokens signed by a key that was retired stop verifying on every
    worker (NOTIFY reloads the key ring; polled up to 2 s)."""
    f = fixture(stack)
    new = stack.admin_json("signing-key", "create", "--alg", "ES256", "--json")
    kid = new["kid"]
    try:
        deadline = time.time() + 2
        while True:
            doc = login_ok(stack, f.key, f.user, scope="read:accounts")
            if header_of(doc["access_token"])["kid"] == kid or time.time() > deadline:
                break
            time.sleep(0.05)
        tok = doc["access_token"]
        assert header_of(tok)["kid"] == kid, "new tokens are not signed by the newest key"
        accepted(stack, f, tok, "(signed by the new key)")
        if stack.mode == "nginx":
            # The gate caches verified tokens per worker: warm every worker.
            gate = lambda: stack.request("GET", "/api/accounts", {"X-API-Key": f.key["key"],
                                                                  "Authorization": "Bearer " + tok})[0]
            codes = [gate() for _ in range(12)]
            assert codes == [200] * 12, "control: the gate with the new key's token: %r" % codes
    finally:
        stack.admin_ok("signing-key", "retire", kid)
    time.sleep(0.5)
    if stack.mode == "nginx":
        deadline = time.time() + 2
        while True:
            codes = [gate() for _ in range(12)]
            if codes == [401] * 12 or time.time() > deadline:
                break
            time.sleep(0.1)
        assert codes == [401] * 12, "the gate still takes a retired key's token: %r" % codes
    deadline = time.time() + 2
    while True:
        # Every worker: a few in a row must all refuse.
        answers = [active(stack, f.key, tok) for _ in range(6)]
        if not any(answers) or time.time() > deadline:
            break
        time.sleep(0.1)
    assert not any(answers), "a token of a retired signing key is still active on %d of 6 requests" % sum(answers)
    refused(stack, f, [("retired key", tok)])
    assert kid not in [k["kid"] for k in stack.jwks()["keys"]], "the retired key is still published"
    doc = login_ok(stack, f.key, f.user, scope="read:accounts")
    assert header_of(doc["access_token"])["kid"] != kid, "a retired key still signs"
    accepted(stack, f, doc["access_token"], "(signed after the retirement)")
