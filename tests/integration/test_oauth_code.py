"""
Applications and the authorization code exchange (issue 13, sections 1 and
3): jwtmint-admin app ..., POST /token grant_type=authorization_code with
PKCE for public clients (client_id alone) and for keys, refresh and
revocation by a public client, CORS on /token and /revoke, the RFC 8414
metadata, and an independent client library (authlib) doing discovery and
the exchange.

Codes come from the real /authorize when the binary has it (helper
"login"); otherwise a code row is written with psql exactly as
authcode_create writes it (SHA-256 of the code string, the same bindings),
which is real data in the real database: no test-only path in the binary.
"""

import base64
import hashlib
import json
import secrets as pysecrets
import types
import urllib.parse

from harness import need, nginx_only, wait_for
from test_lifecycle import admin_stdin, claims_of, new_key, new_org, new_user

MODES = ("nginx",)
# scopes_supported set, as scripts/run.sh does: the portal must still work
# for a new organization (review M2).
STACK_OPTIONS = {"env": {"JWTMINT_ARGON2_M_KIB": "256", "JWTMINT_ARGON2_T": "1",
                         "JWTMINT_SCOPES_SUPPORTED": "read:accounts write:settings admin"}}

SPA = "https://spa.example.com/callback"
ORIGIN = "https://spa.example.com"


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def pkce():
    v = b64url(pysecrets.token_bytes(32))
    return v, b64url(hashlib.sha256(v.encode()).digest())


class Fx:
    def __init__(self, stack):
        self.org = new_org(stack, "oauth")
        self.other = new_org(stack, "oauth2")
        self.user = new_user(stack, self.org, "code.user", "limited")
        self.admin = new_user(stack, self.org, "code.admin", "admin")
        self.other_user = new_user(stack, self.other, "code.user", "limited")
        self.app = app_create(stack, self.org, "SPA one", [SPA], "read:accounts write:settings admin")
        self.app2 = app_create(stack, self.org, "SPA two", ["https://two.example.com/cb"], "read:accounts")
        self.native = app_create(stack, self.org, "Native", ["http://127.0.0.1/cb", "com.example.app:/cb"],
                                 "read:accounts", typ="native")
        self.other_app = app_create(stack, self.other, "Other", [SPA], "read:accounts")
        self.key = new_key(stack, self.org, scopes="read:accounts write:settings",
                           grants="authorization_code,refresh_token")
        self.admin_key = new_key(stack, self.org, scopes="admin introspect read:accounts")


def fx(stack):
    if not hasattr(stack, "_oauth_fx"):
        stack._oauth_fx = Fx(stack)
    return stack._oauth_fx


def app_create(stack, org, name, uris, scopes, typ=None):
    args = ["app", "create", "--name", name, "--scopes", scopes, "--org", org["slug"], "--json"]
    for u in uris:
        args += ["--redirect-uri", u]
    if typ:
        args += ["--type", typ]
    a = stack.admin_json(*args)
    assert a["client_id"].startswith("app_") and a["redirect_uris"] == uris, a
    return a


def sql_str(s):
    return "'" + s.replace("'", "''") + "'" if s is not None else "null"


def code_pad(stack, code):
    """HMAC-SHA-256(pepper, label || code): what masks a code's refresh
    token (src/refresh.h); the stack's pepper is pepper_id 1."""
    import hmac
    return hmac.new(base64.b64decode(stack.pepper), b"jwtmint refresh mask:" + code.encode(),
                    hashlib.sha256).digest()


def code_row(stack, org, app, user, uri, challenge, scope, resource=None, ttl=60):
    """A code as authcode_create stores it (src/authcode.c): with the
    refresh family its exchange hands over and that family's first refresh
    token, the token's bits masked by the code (src/refresh.h), and the
    claims its token will carry (sql/019_code_claims.sql)."""
    code = b64url(pysecrets.token_bytes(32))
    stack.secrets.add(code)
    digest = hashlib.sha256(code.encode()).hexdigest()
    bits = pysecrets.token_bytes(32)
    tok = "jmr_" + b64url(bits)
    mask = bytes(a ^ b for a, b in zip(bits, code_pad(stack, code))).hex()
    fam = "fam_" + "".join(pysecrets.choice("abcdefghijklmnopqrstuvwxyz234567") for _ in range(16))
    stack.psql("with a as (select a.key_id, a.type, u.generation, u.role, case when r.all_accounts then '*'"
               " else u.accounts end as accounts from apps a join users u on u.org_id = a.org_id"
               " join roles r on r.org_id = u.org_id and r.name = u.role"
               " where a.client_id = %s and u.id = %s),"
               " fam as (insert into refresh_families (id, org_id, user_id, key_id, client_id,"
               " absolute_expires_at, generation) select %s, %s, %s, a.key_id, %s,"
               " now() + interval '30 days', a.generation from a returning id),"
               " tok as (insert into refresh_tokens (digest, family_id, scope, idle_expires_at)"
               " select decode('%s', 'hex'), fam.id, %s, now() + interval '1 day' from fam returning 1)"
               " insert into auth_codes (code_hash, org_id, client_id, user_id, redirect_uri,"
               " code_challenge, scope, resource, expires_at, family_id, refresh_mask, refresh_pepper,"
               " claim_role, claim_accounts, claim_generation, app_type, key_id)"
               " select decode('%s', 'hex'), %s, %s, %s, %s, %s, %s, %s, now() + make_interval(secs => %d),"
               " %s, decode('%s', 'hex'), 1, a.role, a.accounts, a.generation, a.type, a.key_id from tok, a"
               % (sql_str(app["client_id"]), sql_str(user["id"]), sql_str(fam), sql_str(org["id"]),
                  sql_str(user["id"]), sql_str(app["client_id"]), hashlib.sha256(tok.encode()).hexdigest(),
                  sql_str(scope), digest, sql_str(org["id"]), sql_str(app["client_id"]), sql_str(user["id"]),
                  sql_str(uri), sql_str(challenge), sql_str(scope), sql_str(resource), ttl, sql_str(fam), mask))
    assert stack.psql("select count(*) from auth_codes where code_hash = decode('%s', 'hex')" % digest).strip() == "1"
    return code


def post(stack, path, fields, headers=None):
    h = {"Content-Type": "application/x-www-form-urlencoded"}
    h.update(headers or {})
    st, rh, body = stack.request("POST", path, headers=h, body=urllib.parse.urlencode(fields))
    try:
        doc = json.loads(body) if body else {}
    except ValueError:
        doc = {"raw": body[:200]}
    return st, rh, doc


def exchange(stack, app, code, verifier, uri=SPA, _headers=None, **extra):
    f = {"grant_type": "authorization_code", "client_id": app["client_id"], "code": code,
         "redirect_uri": uri, "code_verifier": verifier}
    f.update(extra)
    f = {k: v for k, v in f.items() if v is not None}
    st, rh, doc = post(stack, "/token", f, headers=_headers)
    for k in ("access_token", "refresh_token"):
        if isinstance(doc.get(k), str):
            stack.secrets.add(doc[k])
    return st, rh, doc


def fresh(stack, f, scope="read:accounts", app=None, user=None, uri=SPA, **kw):
    v, ch = pkce()
    stack.secrets.add(v)
    return code_row(stack, f.org, app or f.app, user or f.user, uri, ch, scope, **kw), v


def portal_of(stack, org):
    """The organization's portal application and its redirect URI."""
    cid = stack.psql("select client_id from apps where type = 'portal' and org_id = %s" % sql_str(org["id"])).strip()
    assert cid.startswith("app_"), cid
    return {"client_id": cid}, stack.issuer + "/portal/%s/" % org["slug"]


def introspect_active(stack, f, token):
    st, _, doc = post(stack, "/introspect", {"token": token}, headers={"X-API-Key": f.admin_key["key"]})
    assert st == 200, (st, doc)
    return doc.get("active")


@nginx_only
def test_app_cli(stack):
    """app create/list/update/disable/enable, and what registration refuses."""
    f = fx(stack)
    rc, out, _ = stack.admin("app", "list", "--org", f.org["slug"], "--json")
    assert rc == 0, out
    apps = {a["client_id"]: a for a in json.loads(out)}
    assert f.app["client_id"] in apps and f.other_app["client_id"] not in apps, apps
    # Every organization has exactly one portal (the create operation made it).
    portals = [a for a in apps.values() if a["type"] == "portal"]
    assert len(portals) == 1 and portals[0]["redirect_uris"] == ["/portal/%s/" % f.org["slug"]], portals
    assert f.app["scopes"] == "admin read:accounts write:settings" and f.app["type"] == "spa", f.app
    # ... and so has every organization, those the migration found included.
    assert stack.psql("select count(*) from orgs o where (select count(*) from apps a where a.org_id = o.id"
                      " and a.type = 'portal') <> 1").strip() == "0"
    bad = [
        (SPA + "#frag", None), ("https://*.example.com/cb", None), ("https://u@spa.example.com/cb", None),
        ("http://spa.example.com/cb", None), ("http://127.0.0.1:8080/cb", None),
        ("com.example.app:/cb", None), ("https://SPA.example.com/cb", None),
        ("https://spa.example.com/a/../b", None), ("https://spa.example.com/%zz", None),
        ("http://localhost:8080/cb", "native"), ("javascript:alert(1)", "native"),
    ]
    for uri, typ in bad:
        args = ["app", "create", "--name", "bad", "--scopes", "read:accounts", "--org", f.org["slug"],
                "--redirect-uri", uri]
        if typ:
            args += ["--type", typ]
        rc, out, err = stack.admin(*args)
        assert rc != 0 and "--redirect-uri" in err, (uri, rc, out, err)
    rc, out, err = stack.admin("app", "create", "--name", "p", "--scopes", "read:accounts", "--type", "portal",
                               "--org", f.org["slug"], "--redirect-uri", SPA)
    assert rc != 0 and "--type" in err, err
    # update, disable, enable; each leaves an audit row.
    tmp = app_create(stack, f.org, "Temp", ["https://t.example.com/cb"], "read:accounts")
    up = stack.admin_json("app", "update", tmp["client_id"], "--name", "Temp 2", "--redirect-uri",
                          "https://t.example.com/cb2", "--redirect-uri", "https://t.example.com/cb3", "--json")
    assert up["name"] == "Temp 2" and up["redirect_uris"] == ["https://t.example.com/cb2",
                                                              "https://t.example.com/cb3"], up
    dis = stack.admin_json("app", "disable", tmp["client_id"], "--json")
    assert dis["status"] == "disabled", dis
    rc, _, err = stack.admin("app", "disable", tmp["client_id"])
    assert rc != 0, err
    assert stack.admin_json("app", "enable", tmp["client_id"], "--json")["status"] == "active"
    rc, _, err = stack.admin("app", "update", portals[0]["client_id"], "--redirect-uri", SPA)
    assert rc != 0 and "portal" in err, err
    events = stack.psql("select string_agg(event, ' ' order by seq) from audit where resource = %s"
                        % sql_str(tmp["client_id"])).split()
    assert events == ["app.create", "app.update", "app.disable", "app.enable"], events


@nginx_only
def test_public_client_exchange_refresh_revoke(stack):
    """A public client: code + verifier -> tokens; its refresh token rotates
    with client_id alone; it revokes its own tokens with client_id."""
    f = fx(stack)
    code, v = fresh(stack, f, scope="read:accounts write:settings")
    st, rh, doc = exchange(stack, f.app, code, v)
    assert st == 200, (st, doc)
    assert rh.get("cache-control") == "no-store", rh
    c = claims_of(doc["access_token"])
    assert c["client_id"] == f.app["client_id"] and c["sub"] == f.user["id"] and c["org"] == f.org["id"], c
    assert doc["scope"] == "read:accounts write:settings" and c["sid"].startswith("fam_"), (doc, c)
    assert introspect_active(stack, f, doc["access_token"]) is True
    # Refresh with client_id alone: rotates.
    st, _, r1 = post(stack, "/token", {"grant_type": "refresh_token", "client_id": f.app["client_id"],
                                       "refresh_token": doc["refresh_token"]})
    assert st == 200 and r1["refresh_token"] != doc["refresh_token"], (st, r1)
    stack.secrets.update([r1["access_token"], r1["refresh_token"]])
    # Another application cannot use it; nor a key.
    st, _, e = post(stack, "/token", {"grant_type": "refresh_token", "client_id": f.app2["client_id"],
                                      "refresh_token": r1["refresh_token"]})
    assert st == 400 and e["error"] == "invalid_grant", (st, e)
    st, _, e = post(stack, "/token", {"grant_type": "refresh_token", "refresh_token": r1["refresh_token"]},
                    headers={"X-API-Key": f.key["key"]})
    assert st == 400 and e["error"] == "invalid_grant", (st, e)
    # Introspection stays for keys.
    st, _, e = post(stack, "/introspect", {"token": r1["access_token"], "client_id": f.app["client_id"]})
    assert st == 401, (st, e)
    # Another app's revoke does nothing (RFC 7009: 200 anyway); its own works.
    st, _, _ = post(stack, "/revoke", {"token": r1["refresh_token"], "client_id": f.app2["client_id"]})
    assert st == 200
    st, _, e = post(stack, "/revoke", {"token": r1["access_token"], "client_id": f.other_app["client_id"]})
    assert st == 200
    assert introspect_active(stack, f, r1["access_token"]) is True
    st, _, _ = post(stack, "/revoke", {"token": r1["refresh_token"], "client_id": f.app["client_id"]})
    assert st == 200
    st, _, e = post(stack, "/token", {"grant_type": "refresh_token", "client_id": f.app["client_id"],
                                      "refresh_token": r1["refresh_token"]})
    assert st == 400 and e["error"] == "invalid_grant", (st, e)
    assert introspect_active(stack, f, r1["access_token"]) is False
    # The portal's client_id is no credential: it may not revoke others' tokens.
    _, _, kt = post(stack, "/token", {"grant_type": "client_credentials"},
                    headers={"X-API-Key": f.admin_key["key"]})
    stack.secrets.add(kt["access_token"])
    portal = [a for a in json.loads(stack.admin("app", "list", "--org", f.org["slug"], "--json")[1])
              if a["type"] == "portal"][0]
    st, _, _ = post(stack, "/revoke", {"token": kt["access_token"], "client_id": portal["client_id"]})
    assert st == 200 and introspect_active(stack, f, kt["access_token"]) is True
    # A disabled application: no exchange, no refresh, its tokens inactive.
    code, v = fresh(stack, f, app=f.app2, uri="https://two.example.com/cb")
    st, _, d2 = exchange(stack, f.app2, code, v, uri="https://two.example.com/cb")
    assert st == 200, d2
    stack.admin_ok("app", "disable", f.app2["client_id"])
    try:
        assert introspect_active(stack, f, d2["access_token"]) is False
        st, _, e = post(stack, "/token", {"grant_type": "refresh_token", "client_id": f.app2["client_id"],
                                          "refresh_token": d2["refresh_token"]})
        assert st == 401 and e["error"] == "invalid_client", (st, e)
    finally:
        stack.admin_ok("app", "enable", f.app2["client_id"])


@nginx_only
def test_code_attacks(stack):
    """Replay (refused, and the first use's tokens revoked), another client,
    another redirect URI, wrong or missing verifier, plain, expired, another
    organization, scope escalation, the admin audience."""
    f = fx(stack)
    code, v = fresh(stack, f)
    st, _, first = exchange(stack, f.app, code, v)
    assert st == 200, first
    st, _, e = exchange(stack, f.app, code, v)
    assert st == 400 and e.get("error") == "invalid_grant", (st, e)
    assert introspect_active(stack, f, first["access_token"]) is False
    st, _, e = post(stack, "/token", {"grant_type": "refresh_token", "client_id": f.app["client_id"],
                                      "refresh_token": first["refresh_token"]})
    assert st == 400 and e["error"] == "invalid_grant", (st, e)
    assert "code.reuse" in stack.psql("select event from audit where org_id = %s" % sql_str(f.org["id"]))

    def refused(code, v, app=f.app, uri=SPA, error="invalid_grant", status=400, **kw):
        st, _, e = exchange(stack, app, code, v, uri=uri, **kw)
        assert st == status and e.get("error") == error, (st, e)
        assert "access_token" not in e

    # S5: a presentation that does not match the code's bindings consumes
    # nothing; once used, it revokes nothing either: only the right client
    # with the right verifier (and URI) can, by presenting it again.
    code, v = fresh(stack, f)
    bad_v = v[:-1] + ("A" if v[-1] != "A" else "B")
    refused(code, v, app=f.app2)                       # another client
    refused(code, bad_v)                               # wrong verifier
    refused(code, v, uri=SPA + "/")                    # another redirect URI
    st, _, key_try = post(stack, "/token", {"grant_type": "authorization_code", "client_id": f.app["client_id"],
                                            "code": code, "redirect_uri": SPA, "code_verifier": v},
                          headers={"X-API-Key": f.key["key"]})
    assert st == 400 and key_try.get("error") == "invalid_grant", (st, key_try)   # a key the app does not name
    st, _, ok = exchange(stack, f.app, code, v)        # ... none of them consumed it
    assert st == 200, ok
    reuse = "select count(*) from audit where event = 'code.reuse' and org_id = %s" % sql_str(f.org["id"])
    reuses = stack.psql(reuse).strip()
    refused(code, v, app=f.app2)                       # a used code seen by someone else
    refused(code, bad_v)
    refused(code, v, app=f.app2, code_verifier=None, error="invalid_request")
    assert introspect_active(stack, f, ok["access_token"]) is True
    assert stack.psql(reuse).strip() == reuses
    refused(code, v)                                   # the client itself presents it again (RFC 6749 §4.1.2)
    assert introspect_active(stack, f, ok["access_token"]) is False
    assert int(stack.psql(reuse).strip()) == int(reuses) + 1
    code, v = fresh(stack, f)
    refused(code, v, uri=SPA + "/")                    # another redirect URI
    for uri in (SPA + "?x=1", "https://SPA.example.com/callback", "https://spa.example.com/%63allback"):
        code, v = fresh(stack, f)
        refused(code, v, uri=uri)
    code, v = fresh(stack, f)
    refused(code, v[:-1] + ("A" if v[-1] != "A" else "B"))   # wrong verifier
    code, v = fresh(stack, f)
    refused(code, None, error="invalid_request")        # no verifier
    v, ch = pkce()
    code = code_row(stack, f.org, f.app, f.user, SPA, ch, "read:accounts")
    refused(code, ch)                                   # the challenge as verifier ("plain")
    code, v = fresh(stack, f, ttl=-1)
    refused(code, v)                                    # expired
    refused("x" * 43, v)                                # unknown
    refused("short", v)
    # A code of another organization, with that organization's app or ours.
    v, ch = pkce()
    code = code_row(stack, f.other, f.other_app, f.other_user, SPA, ch, "read:accounts")
    refused(code, v, app=f.app)
    st, _, ok = exchange(stack, f.other_app, code, v)
    assert st == 200 and claims_of(ok["access_token"])["org"] == f.other["id"], ok
    # Scope escalation through the authorization request: admin, which the
    # application may be given but the user does not hold, is not in the
    # code, nor in its token.
    got, v = authorize_flow(stack, f.app["client_id"], SPA, f.user, scope="admin read:accounts")
    assert stack.psql("select scope from auth_codes where code_hash = sha256(%s::bytea)"
                      % sql_str(got["code"])).strip() == "read:accounts"
    st, _, doc = exchange(stack, f.app, got["code"], v)
    stack.secrets.update([doc.get("access_token", ""), doc.get("refresh_token", "")])
    assert st == 200 and doc["scope"] == "read:accounts", doc
    # ... nor more than the app may be given (app2: read:accounts only):
    # refused before any code.
    got, _ = authorize_flow(stack, f.app2["client_id"], "https://two.example.com/cb", f.user,
                            scope="read:accounts write:settings")
    assert got.get("error") == "invalid_scope" and "code" not in got, got
    # RFC 8707: the admin API's audience only for a user holding admin.
    admin_aud = stack.issuer + "/admin"
    code, v = fresh(stack, f, scope="read:accounts", resource=admin_aud)
    refused(code, v, error="invalid_target")
    # S4: ... and only through the portal (first-party), never a third-party app.
    code, v = fresh(stack, f, user=f.admin, scope="admin read:accounts", resource=admin_aud)
    refused(code, v, error="invalid_target")
    portal, puri = portal_of(stack, f.org)
    code, v = fresh(stack, f, app=portal, uri=puri, user=f.admin, scope="admin read:accounts", resource=admin_aud)
    st, _, doc = exchange(stack, portal, code, v, uri=puri)
    assert st == 200 and claims_of(doc["access_token"])["aud"] == admin_aud, doc
    st, _, lst = stack.request("GET", "/admin/apps", headers={"Authorization": "Bearer " + doc["access_token"]})
    assert st == 200, (st, lst[:300])
    code, v = fresh(stack, f, app=portal, uri=puri, user=f.admin, scope="admin", resource=admin_aud)
    refused(code, v, app=portal, uri=puri, error="invalid_target", resource="https://elsewhere.example/")
    # A disabled user's code is refused at the exchange.
    u = new_user(stack, f.org, "code.gone", "limited")
    code, v = fresh(stack, f, user=u)
    stack.admin_ok("user", "disable", u["username"], "--org", f.org["slug"])
    refused(code, v)


@nginx_only
def test_native_loopback_and_key_client(stack):
    """A native app's loopback redirect with another port; a key as a
    confidential client (PKCE still required)."""
    f = fx(stack)
    uri = "http://127.0.0.1:53682/cb"
    code, v = fresh(stack, f, app=f.native, uri=uri)
    st, _, doc = exchange(stack, f.native, code, v, uri=uri)
    assert st == 200 and claims_of(doc["access_token"])["client_id"] == f.native["client_id"], doc
    # M1: a key redeems only codes of an application that names it as its
    # confidential client, and names that application's client_id.
    code, v = fresh(stack, f)
    for extra in ({}, {"client_id": f.app["client_id"]}):
        st, _, e = post(stack, "/token", dict({"grant_type": "authorization_code", "code": code,
                                               "redirect_uri": SPA, "code_verifier": v}, **extra),
                        headers={"X-API-Key": f.key["key"]})
        assert st == 400 and e.get("error") == "invalid_grant", (extra, st, e)
    back_uri = "https://backend.example.com/cb"
    back = stack.admin_json("app", "create", "--name", "Backend", "--redirect-uri", back_uri, "--scopes",
                            "read:accounts", "--key", f.key["id"], "--org", f.org["slug"], "--json")
    assert back["key_id"] == f.key["id"], back
    assert "confidential key" in stack.psql("select detail from audit where event = 'app.create'"
                                            " and resource = %s" % sql_str(back["client_id"]))
    code, v = fresh(stack, f, app=back, uri=back_uri)
    st, _, e = post(stack, "/token", {"grant_type": "authorization_code", "code": code, "redirect_uri": back_uri,
                                      "code_verifier": v}, headers={"X-API-Key": f.key["key"]})
    assert st == 400 and e.get("error") == "invalid_grant", (st, e)    # no client_id: not bound
    # A confidential client's code is its key's to redeem: its client_id
    # alone (a public client's presentation, PKCE and all) is refused and
    # consumes nothing (review 1305 L3).
    st, _, e = post(stack, "/token", {"grant_type": "authorization_code", "client_id": back["client_id"],
                                      "code": code, "redirect_uri": back_uri, "code_verifier": v})
    assert st == 400 and e.get("error") == "invalid_grant", (st, e)
    st, _, doc = post(stack, "/token", {"grant_type": "authorization_code", "client_id": back["client_id"],
                                        "code": code, "redirect_uri": back_uri, "code_verifier": v},
                      headers={"X-API-Key": f.key["key"]})
    stack.secrets.update([doc.get("access_token", ""), doc.get("refresh_token", "")])
    assert st == 200 and claims_of(doc["access_token"])["client_id"] == f.key["id"], (st, doc)
    # Binding refused: a key without the code grant, another org's key, no such key.
    other_key = new_key(stack, f.other, scopes="read:accounts", grants="authorization_code")
    for bad in (f.admin_key["id"], other_key["id"], "a" * 16, "x" * 200):
        st, out, err = stack.admin("app", "update", back["client_id"], "--key", bad)
        assert st != 0 and "--key" in err, (bad, st, out, err)
    cleared = stack.admin_json("app", "update", back["client_id"], "--key", "", "--json")
    assert cleared.get("key_id") is None, cleared
    code2, v2 = fresh(stack, f, app=back, uri=back_uri)
    st, _, e = post(stack, "/token", {"grant_type": "authorization_code", "client_id": back["client_id"],
                                      "code": code2, "redirect_uri": back_uri, "code_verifier": v2},
                    headers={"X-API-Key": f.key["key"]})
    assert st == 400 and e.get("error") == "invalid_grant", (st, e)
    st, _, r = post(stack, "/token", {"grant_type": "refresh_token", "refresh_token": doc["refresh_token"]},
                    headers={"X-API-Key": f.key["key"]})
    assert st == 200, r
    stack.secrets.update([r["access_token"], r["refresh_token"]])
    # A key without the grant.
    code, v = fresh(stack, f)
    st, _, e = post(stack, "/token", {"grant_type": "authorization_code", "code": code, "redirect_uri": SPA,
                                      "code_verifier": v}, headers={"X-API-Key": f.admin_key["key"]})
    assert st == 400 and e["error"] == "unauthorized_client", (st, e)
    # An unknown client_id, or a client_id with a bogus secret, is invalid_client.
    st, _, e = post(stack, "/token", {"grant_type": "authorization_code", "client_id": "app_" + "a" * 16,
                                      "code": code, "redirect_uri": SPA, "code_verifier": v})
    assert st == 401 and e["error"] == "invalid_client", (st, e)
    st, _, e = post(stack, "/token", {"grant_type": "authorization_code", "client_id": f.app["client_id"],
                                      "client_secret": "x", "code": code, "redirect_uri": SPA,
                                      "code_verifier": v})
    assert st == 401 and e["error"] == "invalid_client", (st, e)
    # A public client may not use other grants.
    st, _, e = post(stack, "/token", {"grant_type": "client_credentials", "client_id": f.app["client_id"]})
    assert st == 400 and e["error"] == "unauthorized_client", (st, e)
    st, _, e = post(stack, "/token", {"grant_type": "password", "client_id": f.app["client_id"],
                                      "username": f.user["username"], "password": f.user["password"]})
    assert st == 400 and e["error"] == "unauthorized_client", (st, e)


def admin_call(stack, key, method, path, doc=None, headers=None):
    h = {"X-API-Key": key["key"]}
    body = b""
    if doc is not None:
        h["Content-Type"] = "application/json"
        body = json.dumps(doc).encode()
    h.update(headers or {})
    st, rh, b = stack.request(method, path, headers=h, body=body)
    return st, rh, (json.loads(b) if b else None)


@nginx_only
def test_admin_api_apps(stack):
    """/admin/apps: list, create, get, update (If-Match), disable, enable;
    another organization's application is 404; bad URIs are 400."""
    f = fx(stack)
    k = f.admin_key
    st, rh, doc = admin_call(stack, k, "POST", "/admin/apps", {
        "name": "API app", "type": "native", "redirect_uris": ["http://[::1]/cb", "com.example.api:/cb"],
        "scopes": ["read:accounts"]})
    assert st == 201 and rh["location"] == "/admin/apps/" + doc["client_id"], (st, rh, doc)
    cid = doc["client_id"]
    st, rh, got = admin_call(stack, k, "GET", "/admin/apps/" + cid)
    assert st == 200 and got["redirect_uris"] == ["http://[::1]/cb", "com.example.api:/cb"] and rh.get("etag"), got
    assert got["status"] == "active" and "disabled_at" in got and got["disabled_at"] is None, got
    st, _, e = admin_call(stack, k, "PATCH", "/admin/apps/" + cid, {"name": "x"}, headers={"If-Match": '"999"'})
    assert st == 412, (st, e)
    st, rh2, up = admin_call(stack, k, "PATCH", "/admin/apps/" + cid, {"name": "API app 2", "scopes": ["read:accounts",
                             "write:settings"]}, headers={"If-Match": rh["etag"]})
    assert st == 200 and up["name"] == "API app 2" and up["scopes"] == "read:accounts write:settings", (st, up)
    st, _, lst = admin_call(stack, k, "GET", "/admin/apps?limit=2")
    assert st == 200 and len(lst["apps"]) == 2 and lst["next_cursor"], lst
    st, _, lst2 = admin_call(stack, k, "GET", "/admin/apps?limit=500&cursor=" + lst["next_cursor"])
    ids = [a["client_id"] for a in lst["apps"] + lst2["apps"]]
    assert st == 200 and cid in ids and f.other_app["client_id"] not in ids and len(set(ids)) == len(ids), lst2
    st, _, d = admin_call(stack, k, "POST", "/admin/apps/%s/disable" % cid)
    assert st == 200 and d["status"] == "disabled", d
    st, _, d = admin_call(stack, k, "POST", "/admin/apps/%s/disable" % cid)
    assert st == 409, (st, d)
    st, _, d = admin_call(stack, k, "POST", "/admin/apps/%s/enable" % cid)
    assert st == 200 and d["status"] == "active", d
    for path in ("/admin/apps/" + f.other_app["client_id"], "/admin/apps/nope"):
        st, _, e = admin_call(stack, k, "GET", path)
        assert st == 404, (path, st, e)
    st, _, e = admin_call(stack, k, "PATCH", "/admin/apps/" + f.other_app["client_id"], {"name": "mine"})
    assert st == 404, (st, e)
    # The confidential key (M1): set, refused for a key without the grant, cleared by null.
    st, _, up = admin_call(stack, k, "PATCH", "/admin/apps/" + cid, {"key_id": f.key["id"]})
    assert st == 200 and up["key_id"] == f.key["id"], (st, up)
    st, _, e = admin_call(stack, k, "PATCH", "/admin/apps/" + cid, {"key_id": f.admin_key["id"]})
    assert st == 400, (st, e)
    st, _, up = admin_call(stack, k, "PATCH", "/admin/apps/" + cid, {"key_id": None})
    assert st == 200 and up["key_id"] is None, (st, up)
    assert "key_id" in stack.psql("select detail from audit where event = 'app.update' and resource = %s"
                                  % sql_str(cid))
    for uris in (["https://a.example/cb#x"], ["http://a.example/cb"], [], ["https://a.example/cb"] * 2):
        st, _, e = admin_call(stack, k, "POST", "/admin/apps", {"name": "bad", "redirect_uris": uris,
                                                                 "scopes": ["read:accounts"]})
        assert st == 400, (uris, st, e)
    st, _, e = admin_call(stack, k, "POST", "/admin/apps", {"name": "bad", "type": "portal",
                                                             "redirect_uris": [SPA], "scopes": ["a"]})
    assert st == 400, (st, e)
    # Names people read (the login page shows the app's): no control or
    # direction character, "Trojan Source" overrides and isolates included,
    # for applications, keys and organizations alike; what is refused is
    # not written.
    spoof = ["Acme \u202eLAYPAP", "a\u2066b", "a\u200fb", "a\u061cb", "a\x1b[31m", "a\u0085b", "a\tb"]
    for name in spoof:
        st, _, e = admin_call(stack, k, "POST", "/admin/apps", {"name": name, "redirect_uris": [SPA],
                                                                 "scopes": ["read:accounts"]})
        assert st == 400, (name, st, e)
        st, _, e = admin_call(stack, k, "POST", "/admin/keys", {"name": name, "scopes": ["read:accounts"]})
        assert st == 400, (name, st, e)
        rc, out, err = stack.admin("org", "create", "--slug", "spoof", "--name", name)
        assert rc != 0, (name, out, err)
    assert stack.psql("select count(*) from orgs where slug = 'spoof'").strip() == "0"
    st, _, ok = admin_call(stack, k, "POST", "/admin/apps", {"name": "Caf\u00e9 \u0639\u0631\u0628\u064a",
                                                              "redirect_uris": [SPA], "scopes": ["read:accounts"]})
    assert st == 201 and ok["name"] == "Caf\u00e9 \u0639\u0631\u0628\u064a", (st, ok)


@nginx_only
def test_cors(stack):
    """/token and /revoke allow the origins of registered SPA redirect
    URIs only (Vary: Origin always); preflights; no other endpoint allows a
    cross-origin caller; a new SPA's origin is allowed once registered
    (NOTIFY), a disabled one's no more."""
    f = fx(stack)
    code, v = fresh(stack, f)
    st, rh, doc = exchange(stack, f.app, code, v, _headers={"Origin": ORIGIN})
    assert st == 200 and rh.get("access-control-allow-origin") == ORIGIN, rh
    assert "origin" in rh.get("vary", "").lower() and "access-control-allow-credentials" not in rh, rh
    for bad in ("https://evil.example", "https://spa.example.com:8443", "http://spa.example.com", "null",
                "https://127.0.0.1"):
        st, rh, e = post(stack, "/token", {"grant_type": "authorization_code"}, headers={"Origin": bad})
        assert "access-control-allow-origin" not in rh and "origin" in rh.get("vary", "").lower(), (bad, rh)
        st, rh, _ = stack.request("OPTIONS", "/token", headers={"Origin": bad,
                                                                 "Access-Control-Request-Method": "POST"})
        assert st == 403 and "access-control-allow-origin" not in rh, (bad, st, rh)
    st, rh, _ = stack.request("OPTIONS", "/token", headers={"Origin": ORIGIN,
                                                             "Access-Control-Request-Method": "POST",
                                                             "Access-Control-Request-Headers": "content-type"})
    assert st == 204 and rh.get("access-control-allow-origin") == ORIGIN, (st, rh)
    assert rh.get("access-control-allow-methods") == "POST" and \
        rh.get("access-control-allow-headers", "").lower() == "content-type", rh
    st, rh, _ = stack.request("OPTIONS", "/revoke", headers={"Origin": ORIGIN,
                                                              "Access-Control-Request-Method": "POST"})
    assert st == 204 and rh.get("access-control-allow-origin") == ORIGIN, (st, rh)
    st, rh, _ = post(stack, "/revoke", {"token": doc["refresh_token"], "client_id": f.app["client_id"]},
                     headers={"Origin": ORIGIN})
    assert st == 200 and rh.get("access-control-allow-origin") == ORIGIN, rh
    # Nothing else: introspect, the metadata, the admin API, JWKS.
    for method, path in (("POST", "/introspect"), ("GET", "/.well-known/oauth-authorization-server"),
                         ("GET", "/admin/apps"), ("GET", "/.well-known/jwks.json"), ("OPTIONS", "/introspect"),
                         ("OPTIONS", "/admin/apps")):
        st, rh, _ = stack.request(method, path, headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"})
        assert "access-control-allow-origin" not in rh, (method, path, rh)
    # A newly registered SPA's origin: allowed at once (NOTIFY); disabled: no more.
    new = app_create(stack, f.org, "CORS late", ["https://late.example.com:8443/cb"], "read:accounts")
    hdr = {"Origin": "https://late.example.com:8443", "Access-Control-Request-Method": "POST"}
    # (The NOTIFY reaches each worker's connection a moment after the
    # commit: within a bounded wait, never a TTL.)
    st, rh, _ = wait_for(lambda: (lambda a: a if a[0] == 204 else None)(
        stack.request("OPTIONS", "/token", headers=hdr)), timeout=5, what="the new origin allowed")
    assert rh.get("access-control-allow-origin") == hdr["Origin"], (st, rh)
    stack.admin_ok("app", "disable", new["client_id"])
    st, rh, _ = wait_for(lambda: (lambda a: a if a[0] == 403 else None)(
        stack.request("OPTIONS", "/token", headers=hdr)), timeout=5, what="the disabled app's origin refused")
    assert "access-control-allow-origin" not in rh, (st, rh)
    # A native app's https redirect URI is no CORS origin.
    app_create(stack, f.org, "native https", ["https://native.example.com/cb"], "read:accounts", typ="native")
    st, rh, _ = stack.request("OPTIONS", "/token", headers={"Origin": "https://native.example.com",
                                                             "Access-Control-Request-Method": "POST"})
    assert st == 403, (st, rh)


@nginx_only
def test_authlib_interop(stack):
    """An independent client library (python3-authlib, OAuth2Session with
    token_endpoint_auth_method "none" and S256): discovery, the
    authorization URL with its PKCE challenge, the code exchange, refresh
    and revocation, with client_id alone."""
    try:
        from authlib.integrations.requests_client import OAuth2Session
        import requests
    except ImportError:
        OAuth2Session = None
    need(OAuth2Session is not None, "authlib with requests", "python3-authlib python3-requests")
    f = fx(stack)
    meta = requests.get(stack.issuer + "/.well-known/oauth-authorization-server", timeout=10).json()
    assert "S256" in meta["code_challenge_methods_supported"] and "none" in \
        meta["token_endpoint_auth_methods_supported"], meta
    s = OAuth2Session(client_id=f.app["client_id"], token_endpoint_auth_method="none",
                      revocation_endpoint_auth_method="none", code_challenge_method="S256",
                      redirect_uri=SPA, scope="read:accounts")
    verifier = b64url(pysecrets.token_bytes(48))
    stack.secrets.add(verifier)
    url, state = s.create_authorization_url(meta["authorization_endpoint"], code_verifier=verifier)
    q = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)
    assert q["code_challenge_method"] == ["S256"] and q["client_id"] == [f.app["client_id"]], q
    code = code_row(stack, f.org, f.app, f.user, SPA, q["code_challenge"][0], "read:accounts")
    tok = s.fetch_token(meta["token_endpoint"], code=code, code_verifier=verifier,
                        headers={"Origin": ORIGIN})
    stack.secrets.update([tok["access_token"], tok["refresh_token"]])
    assert tok["scope"] == "read:accounts" and claims_of(tok["access_token"])["client_id"] == f.app["client_id"]
    new = s.refresh_token(meta["token_endpoint"], refresh_token=tok["refresh_token"])
    stack.secrets.update([new["access_token"], new["refresh_token"]])
    assert new["refresh_token"] != tok["refresh_token"], new
    r = s.revoke_token(meta["revocation_endpoint"], new["refresh_token"], token_type_hint="refresh_token")
    assert r.status_code == 200, r.text
    st, _, e = post(stack, "/token", {"grant_type": "refresh_token", "client_id": f.app["client_id"],
                                      "refresh_token": new["refresh_token"]})
    assert st == 400 and e["error"] == "invalid_grant", (st, e)


@nginx_only
def test_authlib_whole_flow_through_authorize(stack):
    """The whole browser-less flow with authlib, unchanged: discovery, the
    authorization URL, the hosted login page (GET /authorize, the form's
    POST with the user's password, a requests.Session keeping cookies), the
    redirect with code, state and iss (RFC 9207), the exchange; then the
    same code again is refused and what it gave is revoked."""
    try:
        from authlib.integrations.requests_client import OAuth2Session
        import requests
    except ImportError:
        OAuth2Session = None
    need(OAuth2Session is not None, "authlib with requests", "python3-authlib python3-requests")
    import re
    f = fx(stack)
    meta = requests.get(stack.issuer + "/.well-known/oauth-authorization-server", timeout=10).json()
    s = OAuth2Session(client_id=f.app["client_id"], token_endpoint_auth_method="none",
                      code_challenge_method="S256", redirect_uri=SPA, scope="read:accounts write:settings")
    verifier = b64url(pysecrets.token_bytes(48))
    stack.secrets.add(verifier)
    url, state = s.create_authorization_url(meta["authorization_endpoint"], code_verifier=verifier)
    browser = requests.Session()
    page = browser.get(url, allow_redirects=False, timeout=10)
    assert page.status_code == 200, (page.status_code, page.text[:300])
    m = re.search(r'name="request" value="([A-Za-z0-9_-]{43})"', page.text)
    assert m, page.text[:400]
    done = browser.post(stack.issuer + "/authorize", data={"request": m.group(1), "username": f.user["username"],
                                                           "password": f.user["password"]},
                        allow_redirects=False, timeout=10)
    assert done.status_code in (302, 303), (done.status_code, done.text[:300])
    loc = done.headers["Location"]
    q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(loc).query))
    assert loc.startswith(SPA + "?") and q["state"] == state and q["iss"] == stack.issuer, loc
    stack.secrets.add(q["code"])
    tok = s.fetch_token(meta["token_endpoint"], authorization_response=loc, code_verifier=verifier)
    stack.secrets.update([tok["access_token"], tok["refresh_token"]])
    c = claims_of(tok["access_token"])
    assert c["sub"] == f.user["id"] and c["client_id"] == f.app["client_id"], c
    assert tok["scope"] == "read:accounts write:settings", tok
    assert introspect_active(stack, f, tok["access_token"]) is True
    # The same code again: refused, and the first use's tokens revoked.
    st, _, e = exchange(stack, f.app, q["code"], verifier)
    assert st == 400 and e["error"] == "invalid_grant", (st, e)
    assert introspect_active(stack, f, tok["access_token"]) is False


def authorize_flow(stack, client_id, uri, user, scope=None, resource=None):
    """GET /authorize, the login form's POST: (redirect query, verifier)."""
    import re
    import requests
    verifier, ch = pkce()
    stack.secrets.add(verifier)
    q = {"response_type": "code", "client_id": client_id, "redirect_uri": uri, "state": "st-1",
         "code_challenge": ch, "code_challenge_method": "S256"}
    if scope is not None:
        q["scope"] = scope
    if resource is not None:
        q["resource"] = resource
    browser = requests.Session()
    page = browser.get(stack.issuer + "/authorize?" + urllib.parse.urlencode(q), allow_redirects=False, timeout=10)
    if page.status_code != 200:
        return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(page.headers.get("Location", "")).query)), verifier
    m = re.search(r'name="request" value="([A-Za-z0-9_-]{43})"', page.text)
    assert m, page.text[:400]
    done = browser.post(stack.issuer + "/authorize", data={"request": m.group(1), "username": user["username"],
                                                           "password": user["password"]},
                        allow_redirects=False, timeout=10)
    assert done.status_code in (302, 303), (done.status_code, done.text[:300])
    loc = done.headers["Location"]
    assert loc.startswith(uri + "?"), loc
    got = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(loc).query))
    if "code" in got:
        stack.secrets.add(got["code"])
    return got, verifier


@nginx_only
def test_portal_first_party_scopes(stack):
    """Review M2: with scopes_supported configured, a new organization's
    portal signs in with no scope (everything the user holds among the
    known scopes) or with all of scopes_supported (no invalid_scope): an
    admin gets admin too, a limited user only their own; refresh keeps
    them. Review S4: a third-party app's user token is refused at the
    admin API even when it names the admin audience."""
    need(__import__("importlib").util.find_spec("requests") is not None, "python requests", "python3-requests")
    org = new_org(stack, "portal")
    admin = new_user(stack, org, "p.admin", "admin")
    limited = new_user(stack, org, "p.user", "limited")
    portal, puri = portal_of(stack, org)
    assert stack.psql("select scopes from apps where client_id = %s" % sql_str(portal["client_id"])).strip() == "admin"
    for user, want in ((admin, "admin read:accounts write:settings"), (limited, "read:accounts write:settings")):
        for scope in (None, "read:accounts write:settings admin"):
            q, v = authorize_flow(stack, portal["client_id"], puri, user, scope=scope)
            assert "code" in q and q.get("state") == "st-1", (user["username"], scope, q)
            st, _, doc = exchange(stack, portal, q["code"], v, uri=puri)
            assert st == 200 and doc["scope"] == want, (user["username"], scope, st, doc)
            st, _, r = post(stack, "/token", {"grant_type": "refresh_token", "client_id": portal["client_id"],
                                              "refresh_token": doc["refresh_token"]})
            stack.secrets.update([r.get("access_token", ""), r.get("refresh_token", "")])
            assert st == 200 and r["scope"] == want, (st, r)
    # A scope the user does not hold is not given (no error either).
    q, v = authorize_flow(stack, portal["client_id"], puri, limited, scope="admin read:accounts")
    st, _, doc = exchange(stack, portal, q["code"], v, uri=puri)
    assert st == 200 and doc["scope"] == "read:accounts", doc
    # A third-party app keeps its bound: more than its scopes is invalid_scope.
    spa = app_create(stack, org, "Third party", [SPA], "read:accounts")
    q, v = authorize_flow(stack, spa["client_id"], SPA, admin, scope="read:accounts admin")
    assert q.get("error") == "invalid_scope", q
    # S4 at the admin API: a portal token works; once its application is
    # not the portal any more (the only way to hold such a token), refused.
    admin_aud = stack.issuer + "/admin"
    q, v = authorize_flow(stack, portal["client_id"], puri, admin, resource=admin_aud)
    st, _, doc = exchange(stack, portal, q["code"], v, uri=puri)
    assert st == 200 and claims_of(doc["access_token"])["aud"] == admin_aud, doc
    bearer = {"Authorization": "Bearer " + doc["access_token"]}
    st, _, body = stack.request("GET", "/admin/apps", headers=bearer)
    assert st == 200, (st, body[:200])
    stack.psql("update apps set type = 'spa' where client_id = %s" % sql_str(portal["client_id"]))
    try:
        def refused_now():
            st, _, _ = stack.request("GET", "/admin/apps", headers=bearer)
            return st == 403
        assert wait_for(refused_now, 10), "a spa application's user token still reaches the admin API"
        st, _, r = post(stack, "/token", {"grant_type": "refresh_token", "client_id": portal["client_id"],
                                          "refresh_token": doc["refresh_token"]})
        stack.secrets.update([r.get("access_token", ""), r.get("refresh_token", "")])
        assert st == 200 and claims_of(r["access_token"])["aud"] != admin_aud, r
    finally:
        stack.psql("update apps set type = 'portal' where client_id = %s" % sql_str(portal["client_id"]))


@nginx_only
def test_apps_per_org_max(stack):
    """Review S3: apps_per_org_max bounds an organization's applications
    (its portal included); another organization is not affected."""
    org = new_org(stack, "appmax")
    env = {"JWTMINT_APPS_PER_ORG_MAX": "3"}
    for i in range(2):
        st, out, err = stack.admin("app", "create", "--name", "a%d" % i, "--redirect-uri",
                                   "https://max%d.example.com/cb" % i, "--scopes", "read:accounts",
                                   "--org", org["slug"], env=env)
        assert st == 0, (i, out, err)
    st, out, err = stack.admin("app", "create", "--name", "a3", "--redirect-uri", "https://max3.example.com/cb",
                               "--scopes", "read:accounts", "--org", org["slug"], env=env)
    assert st != 0 and "apps_per_org_max" in err, (st, out, err)
    n = stack.psql("select count(*) from apps where org_id = %s" % sql_str(org["id"])).strip()
    assert n == "3", n
    other = new_org(stack, "appmax2")
    st, out, err = stack.admin("app", "create", "--name", "b", "--redirect-uri", "https://maxb.example.com/cb",
                               "--scopes", "read:accounts", "--org", other["slug"], env=env)
    assert st == 0, (out, err)


def families_live(stack, app):
    return int(stack.psql("select count(*) from refresh_families where client_id = %s and revoked_at is null"
                          % sql_str(app["client_id"])).strip())


@nginx_only
def test_exchange_one_statement(stack):
    """The statement that consumes a code reads no other row: the code
    carries its claims (sql/019_code_claims.sql). A change to its
    application after /authorize (a scope lost, disabled, a redirect URI
    removed) expires it: the exchange answers invalid_grant, consumes it and
    revokes the family written with it, and a new sign-in gets what is
    granted then. A key as confidential client that holds less now gets
    the narrower scope, its family's token carries it, and refreshes
    never widen it again; a key that holds nothing of the code's scope any
    more gets invalid_scope and leaves no live family. Concurrent
    presentations of one code: one answer 200, and the others, as second
    uses, revoke what it obtained."""
    f = fx(stack)
    app = app_create(stack, f.org, "One trip", [SPA, SPA + "/two"], "read:accounts write:settings")
    both = "read:accounts write:settings"
    code, v = fresh(stack, f, scope=both, app=app)
    st, _, d = exchange(stack, app, code, v)
    stack.secrets.update([d.get("access_token", ""), d.get("refresh_token", "")])
    assert st == 200 and d["scope"] == both, (st, d)
    # One row read and written: the plan names auth_codes only, twice (the
    # code, and the self-join that reads its mask as it was).
    import re
    plan = stack.psql("prepare r as %s; explain (costs off) execute r(%s)"
                      % (stmt_sql("STMT_AUTHCODE_REDEEM"), ", ".join(
                          sql_str(x) for x in ("00" * 32, "", f.org["id"], app["client_id"], SPA, "x" * 43))))
    scans = [ln for ln in plan.splitlines() if "Scan" in ln]
    assert len(scans) == 2 and all(re.search(r" on auth_codes\b", ln) for ln in scans), plan
    assert not re.search(r"\b(apps|users|roles|orgs|refresh_families|refresh_tokens)\b", plan), plan

    def dead_after(change, uri=SPA):
        code, v = fresh(stack, f, scope=both, app=app, uri=uri)
        fam, _, _ = code_state(stack, code)
        live = families_live(stack, app)
        change()
        st, _, e = exchange(stack, app, code, v, uri=uri)
        assert st == 400 and e.get("error") == "invalid_grant" and "access_token" not in e, (st, e)
        assert code_state(stack, code)[1:] == ("", True), "the dead code was not spent"
        assert families_live(stack, app) == live - 1
        assert stack.psql("select revoked_at is not null from refresh_families where id = %s"
                          % sql_str(fam)).strip() == "t"
        st, _, e = exchange(stack, app, code, v, uri=uri)
        assert st == 400 and e.get("error") == "invalid_grant", (st, e)

    # The application loses write:settings between /authorize and the exchange.
    dead_after(lambda: stack.admin_json("app", "update", app["client_id"], "--scopes", "read:accounts", "--json"))
    got, v = authorize_flow(stack, app["client_id"], SPA, f.user, scope="read:accounts")
    st, _, d = exchange(stack, app, got["code"], v)
    stack.secrets.update([d.get("access_token", ""), d.get("refresh_token", "")])
    assert st == 200 and d["scope"] == "read:accounts", (st, d)
    stack.admin_json("app", "update", app["client_id"], "--scopes", both, "--json")
    # Disabled (and enabled again) meanwhile; the code's redirect URI removed.
    def off_on():
        stack.admin_ok("app", "disable", app["client_id"])
        stack.admin_ok("app", "enable", app["client_id"])
        wait_for(lambda: all(post(stack, "/revoke", {"token": "x", "client_id": app["client_id"]})[0] == 200
                             for _ in range(3 * stack.workers)),
                 timeout=5, what="every worker serving the application again")
    dead_after(off_on)
    dead_after(lambda: stack.admin_json("app", "update", app["client_id"], "--redirect-uri", SPA, "--json"),
               uri=SPA + "/two")
    # A key that holds less now: the narrower scope, kept by the family.
    key = new_key(stack, f.org, scopes=both, grants="authorization_code,refresh_token")
    back_uri = "https://one-trip-backend.example.com/cb"
    back = stack.admin_json("app", "create", "--name", "One trip backend", "--redirect-uri", back_uri, "--scopes",
                            both, "--key", key["id"], "--org", f.org["slug"], "--json")

    def key_exchange(scope):
        code, v = fresh(stack, f, scope=scope, app=back, uri=back_uri)
        st, _, d = post(stack, "/token", {"grant_type": "authorization_code", "client_id": back["client_id"],
                                          "code": code, "redirect_uri": back_uri, "code_verifier": v},
                        headers={"X-API-Key": key["key"]})
        stack.secrets.update([d.get("access_token", ""), d.get("refresh_token", "")])
        return code, st, d

    _, st, d = key_exchange(both)
    assert st == 200 and d["scope"] == both, (st, d)
    stack.admin_json("key", "update", key["id"], "--scopes", "read:accounts", "--json")
    got = []
    # Each worker learns of the key's change by NOTIFY: a bounded wait.
    wait_for(lambda: got.append(key_exchange(both)) or got[-1][2].get("scope") == "read:accounts",
             timeout=5, what="every worker holding the narrower key")
    _, st, d = got[-1]
    assert st == 200 and d["scope"] == "read:accounts", (st, d)
    fam = claims_of(d["access_token"])["sid"]
    assert stack.psql("select scope from refresh_tokens where family_id = %s" % sql_str(fam)).strip() \
        == "read:accounts"
    # Refreshes re-derive from the family's token: never wider again.
    st, _, r = post(stack, "/token", {"grant_type": "refresh_token", "refresh_token": d["refresh_token"]},
                    headers={"X-API-Key": key["key"]})
    stack.secrets.update([r.get("access_token", ""), r.get("refresh_token", "")])
    assert st == 200 and r["scope"] == "read:accounts", (st, r)
    # Nothing of the code's scope is the key's now: invalid_scope, the code
    # consumed, the family written with it revoked.
    code, st, e = key_exchange("write:settings")
    assert st == 400 and e.get("error") == "invalid_scope" and "access_token" not in e, (st, e)
    # The application names another key (none) meanwhile: dead, for the
    # key it named as for its client_id alone.
    code, v = fresh(stack, f, scope="read:accounts", app=back, uri=back_uri)
    fam, _, _ = code_state(stack, code)
    stack.admin_json("app", "update", back["client_id"], "--key", "", "--json")
    for headers in ({"X-API-Key": key["key"]}, {}):
        st, _, e = post(stack, "/token", {"grant_type": "authorization_code", "client_id": back["client_id"],
                                          "code": code, "redirect_uri": back_uri, "code_verifier": v},
                        headers=headers)
        assert st == 400 and e.get("error") == "invalid_grant", (headers, st, e)
    assert code_state(stack, code)[2] and stack.psql(
        "select revoked_at is not null from refresh_families where id = %s" % sql_str(fam)).strip() == "t"
    assert stack.psql("select f.revoked_at is not null from auth_codes c join refresh_families f"
                      " on f.id = c.family_id where c.code_hash = sha256(%s::bytea)" % sql_str(code)).strip() == "t"
    assert stack.psql("select count(*) from auth_codes where client_id = %s and used_at is null"
                      % sql_str(back["client_id"])).strip() == "0"
    # Concurrent presentations of one code.
    from concurrent.futures import ThreadPoolExecutor
    code, v = fresh(stack, f, app=app)
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda _: exchange(stack, app, code, v), range(4)))
    wins = [d for st, _, d in got if st == 200]
    assert len(wins) == 1, [(st, d.get("error")) for st, _, d in got]
    assert all(st == 400 and d.get("error") == "invalid_grant" for st, _, d in got if st != 200), got
    assert introspect_active(stack, f, wins[0]["access_token"]) is False
    st, _, e = post(stack, "/token", {"grant_type": "refresh_token", "client_id": app["client_id"],
                                      "refresh_token": wins[0]["refresh_token"]})
    assert st == 400 and e.get("error") == "invalid_grant", (st, e)


def code_state(stack, code):
    """(family id, mask hex or '', used) of a code's row."""
    row = stack.psql("select family_id, coalesce(encode(refresh_mask, 'hex'), ''), used_at is not null"
                     " from auth_codes where code_hash = sha256(%s::bytea)" % sql_str(code)).strip()
    fam, mask, used = row.split("|")
    return fam, mask, used == "t"


@nginx_only
def test_code_family_written_with_the_code(stack):
    """The login (the real /authorize) writes the code with its refresh
    family and that family's first token, the token masked by the code
    under the pepper: the mask XOR HMAC(pepper, label || code) is the token
    the exchange returns, the mask alone or with the code (no pepper) is
    not it, the token is refused before the code is
    consumed (someone who read the row and saw the code still needs the
    verifier), and consuming the code clears the mask. The
    exchange writes no family: the one it hands over is the code's (sid).
    A code made before the sign-out of its user (revoke --user) or a new
    password is refused, its family dead; an unfinished login's family is
    deleted with its code by the housekeeper's purge, a finished one's
    kept."""
    f = fx(stack)
    u = new_user(stack, f.org, "code.family", "limited")
    got, v = authorize_flow(stack, f.app["client_id"], SPA, u, scope="read:accounts")
    code = got["code"]
    fam, mask, used = code_state(stack, code)
    assert fam.startswith("fam_") and len(mask) == 64 and not used, (fam, mask, used)
    assert stack.psql("select refresh_pepper from auth_codes where code_hash = sha256(%s::bytea)"
                      % sql_str(code)).strip() == "1"
    assert stack.psql("select user_id = %s and client_id = %s and revoked_at is null and key_id is null"
                      " from refresh_families where id = %s"
                      % (sql_str(u["id"]), sql_str(f.app["client_id"]), sql_str(fam))).strip() == "t"
    assert stack.psql("select count(*) from refresh_tokens where family_id = %s" % sql_str(fam)).strip() == "1"
    before = int(stack.psql("select count(*) from refresh_families where user_id = %s" % sql_str(u["id"])))
    # The row and the code do not give the token: the mask is keyed with
    # the pepper, which the database never holds.
    plain = hashlib.sha256(b"jwtmint refresh mask:" + code.encode()).digest()
    guess = "jmr_" + b64url(bytes(a ^ b for a, b in zip(bytes.fromhex(mask), plain)))
    # Someone who also held the pepper could unmask it, but the family is
    # no one's until the code is consumed: PKCE still stands.
    early = "jmr_" + b64url(bytes(a ^ b for a, b in zip(bytes.fromhex(mask), code_pad(stack, code))))
    stack.secrets.update([early, guess])
    st, _, e = post(stack, "/token", {"grant_type": "refresh_token", "client_id": f.app["client_id"],
                                      "refresh_token": early})
    assert st == 400 and e.get("error") == "invalid_grant" and "access_token" not in e, (st, e)
    st, _, d = exchange(stack, f.app, code, v)
    stack.secrets.update([d.get("access_token", ""), d.get("refresh_token", "")])
    assert st == 200 and claims_of(d["access_token"])["sid"] == fam, (st, d)
    assert d["refresh_token"] == early and d["refresh_token"] != guess
    assert d["refresh_token"] != "jmr_" + b64url(bytes.fromhex(mask))
    assert stack.psql("select count(*) from refresh_tokens where family_id = %s and digest = sha256(%s::bytea)"
                      % (sql_str(fam), sql_str(d["refresh_token"]))).strip() == "1"
    assert code_state(stack, code)[1:] == ("", True)
    assert int(stack.psql("select count(*) from refresh_families where user_id = %s" % sql_str(u["id"]))) == before
    st, _, r = post(stack, "/token", {"grant_type": "refresh_token", "client_id": f.app["client_id"],
                                      "refresh_token": d["refresh_token"]})
    stack.secrets.update([r.get("access_token", ""), r.get("refresh_token", "")])
    assert st == 200, (st, r)
    # Revoked with that token (RFC 7009) before the exchange, the family
    # takes its code with it (sql/019_code_claims.sql): the exchange reads
    # no family.
    got2, v2 = authorize_flow(stack, f.app["client_id"], SPA, u, scope="read:accounts")
    fam2, mask2, _ = code_state(stack, got2["code"])
    early2 = "jmr_" + b64url(bytes(a ^ b for a, b in zip(bytes.fromhex(mask2), code_pad(stack, got2["code"]))))
    stack.secrets.add(early2)
    st, _, _ = post(stack, "/revoke", {"token": early2, "client_id": f.app["client_id"]})
    assert st == 200
    assert stack.psql("select revoked_at is not null from refresh_families where id = %s"
                      % sql_str(fam2)).strip() == "t"
    st, _, e = exchange(stack, f.app, got2["code"], v2)
    assert st == 400 and e.get("error") == "invalid_grant" and "access_token" not in e, (st, e)
    # Signed out everywhere, or a new password, between the login and the
    # exchange: the code's family is of an older generation.
    for change in ("revoke", "passwd"):
        got, v = authorize_flow(stack, f.app["client_id"], SPA, u, scope="read:accounts")
        if change == "revoke":
            stack.admin_ok("revoke", "--user", u["username"], "--org", f.org["slug"])
        else:
            u["password"] = "pw-" + pysecrets.token_urlsafe(18)
            stack.secrets.add(u["password"])
            admin_stdin(stack, ["user", "passwd", u["username"], "--org", f.org["slug"]], u["password"] + "\n")
        st, _, e = exchange(stack, f.app, got["code"], v)
        assert st == 400 and e.get("error") == "invalid_grant" and "access_token" not in e, (change, st, e)
        fam, _, used = code_state(stack, got["code"])
        assert used and stack.psql("select revoked_at is not null from refresh_families where id = %s"
                                   % sql_str(fam)).strip() == "t", change
    # The purge: a login never finished (its code an hour past its end)
    # takes its family and token with it; a finished one's stays.
    got, v = authorize_flow(stack, f.app["client_id"], SPA, u, scope="read:accounts")
    left, _, _ = code_state(stack, got["code"])
    done, _, _ = code_state(stack, code)
    stack.psql("update auth_codes set expires_at = now() - interval '2 hours'"
               " where family_id in (%s, %s)" % (sql_str(left), sql_str(done)))
    hk = stack.spawn_housekeeper()
    try:
        wait_for(lambda: stack.psql("select count(*) from refresh_families where id = %s"
                                    % sql_str(left)).strip() == "0", timeout=20, what="the purge")
    finally:
        stack.stop_server(hk)
    assert stack.psql("select count(*) from refresh_tokens where family_id = %s" % sql_str(left)).strip() == "0"
    assert stack.psql("select count(*) from refresh_families where id = %s" % sql_str(done)).strip() == "1"
    assert stack.psql("select count(*) from auth_codes where family_id in (%s, %s)"
                      % (sql_str(left), sql_str(done))).strip() == "0"


@nginx_only
def test_code_rules_hold_for_the_release_before(stack):
    """During a rolling upgrade the release before writes codes its own
    way: its exchange records a family of its own over the code's and does
    not clear the mask, its purge deletes unconsumed codes only. The
    triggers of sql/018_code_family.sql keep the rules anyway: the mask is
    cleared, the family the code no longer names is revoked, and an
    unconsumed code deleted takes its family and token with it."""
    f = fx(stack)
    u = new_user(stack, f.org, "code.upgrade", "limited")
    got, _ = authorize_flow(stack, f.app["client_id"], SPA, u, scope="read:accounts")
    fam, mask, _ = code_state(stack, got["code"])
    assert len(mask) == 64
    # The release before's consume (95052bb, authcode_redeem), by hand.
    stack.psql("update auth_codes x set used_at = now(), family_id = 'fam_oldrelease0000001'"
               " where code_hash = sha256(%s::bytea) and used_at is null" % sql_str(got["code"]))
    new_fam, mask, used = code_state(stack, got["code"])
    assert used and new_fam == "fam_oldrelease0000001" and mask == "", (new_fam, mask)
    assert stack.psql("select revoked_at is not null from refresh_families where id = %s"
                      % sql_str(fam)).strip() == "t"
    # The release before's purge: a plain delete of an unconsumed code.
    got, _ = authorize_flow(stack, f.app["client_id"], SPA, u, scope="read:accounts")
    fam, _, _ = code_state(stack, got["code"])
    stack.psql("delete from auth_codes where code_hash = sha256(%s::bytea)" % sql_str(got["code"]))
    assert stack.psql("select (select count(*) from refresh_families where id = %s),"
                      " (select count(*) from refresh_tokens where family_id = %s)"
                      % (sql_str(fam), sql_str(fam))).strip() == "0|0"


def stmt_sql(name):
    """The text of statement name of src/stmt.c, as the server prepares it."""
    import os
    import re
    from harness import REPO
    body = open(os.path.join(REPO, "src", "stmt.c")).read()
    body = body[body.index("[%s] = {" % name):]
    body = body[:body.index("},")]
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', body)[1:])


def create_by_hand(stack, app, user, org, scope, generation=None, version=None):
    """STMT_AUTHCODE_CREATE as the server runs it, by hand: (codes, families)
    written, "1|1" or "0|0"."""
    if generation is None:
        generation = int(stack.psql("select generation from users where id = %s" % sql_str(user["id"])))
    if version is None:
        version = int(stack.psql("select version from apps where client_id = %s" % sql_str(app["client_id"])))
    digest = hashlib.sha256(pysecrets.token_bytes(32)).hexdigest()
    fam = "fam_" + "".join(pysecrets.choice("abcdefghijklmnopqrstuvwxyz234567") for _ in range(16))
    params = [digest, app["client_id"], user["id"], SPA, pkce()[1], scope, "", "", org["id"], fam, "3600",
              hashlib.sha256(pysecrets.token_bytes(32)).hexdigest(), "3600", "00" * 32, "1", str(generation),
              str(version)]
    sql = "prepare c as %s; execute c(%s)" % (stmt_sql("STMT_AUTHCODE_CREATE"), ", ".join(sql_str(x) for x in params))
    return digest, fam, sql


def code_written(stack, digest, fam):
    return stack.psql("select (select count(*) from auth_codes where code_hash = decode(%s, 'hex')),"
                      " (select count(*) from refresh_families where id = %s)"
                      % (sql_str(digest), sql_str(fam))).strip()


@nginx_only
def test_code_dies_with_its_claims(stack):
    """A code carries what its token will claim (sql/019_code_claims.sql):
    every change to its user (role, scopes, accounts, disabled, signed out
    everywhere), its role (scopes, accounts, read-only: widening too, which
    ends no token) or its organization before the exchange expires it,
    unconsumed: the exchange answers invalid_grant and a new sign-in gets
    what is granted then; another user's code lives on. authcode_create
    itself refuses a code when the user's generation is no longer the one
    its scope was granted by, the application changed since it was read,
    or the scope is not within the application's."""
    org = new_org(stack, "claims")
    stack.admin_json("role", "create", "reader", "--scopes", "read:accounts", "--read-only", "--org", org["slug"],
                     "--json")
    u = new_user(stack, org, "claims.user", "reader")
    other = new_user(stack, org, "claims.other", "reader")
    app = app_create(stack, org, "Claims", [SPA], "read:accounts write:settings")
    g = types.SimpleNamespace(org=org, user=u, app=app)
    slug = ["--org", org["slug"]]

    def exchanged(code, v):
        st, _, d = exchange(stack, app, code, v)
        stack.secrets.update([d.get("access_token", ""), d.get("refresh_token", "")])
        return st, d

    def role(*args):
        return lambda: stack.admin_json("role", "update", "reader", *args, *slug, "--json")

    def user(*args):
        return lambda: stack.admin_json("user", "update", u["username"], *args, *slug, "--json")

    # (what, change, whether the other user's code dies too)
    changes = (
        ("user accounts", user("--accounts", "acct_9"), False),
        ("user scopes", user("--scopes", "write:settings"), False),
        ("role read-only off", role("--read-only", "false"), True),
        ("role accounts", role("--all-accounts", "true"), True),
        ("role scopes", role("--scopes", "read:accounts write:settings"), True),
        ("signed out everywhere", lambda: stack.admin_ok("revoke", "--user", u["username"], *slug), False),
        ("user disabled", lambda: (stack.admin_ok("user", "disable", u["username"], *slug),
                                   stack.admin_ok("user", "enable", u["username"], *slug)), False),
        ("org disabled", lambda: (stack.admin_ok("org", "disable", org["slug"]),
                                  stack.admin_ok("org", "enable", org["slug"])), True),
        ("user role", user("--role", "limited"), False),
    )
    for what, change, both in changes:
        code, v = fresh(stack, g)
        ocode, ov = fresh(stack, g, user=other)
        change()
        wait_for(lambda: post(stack, "/revoke", {"token": "x", "client_id": app["client_id"]})[0] == 200,
                 timeout=5, what="the application served again")
        assert stack.psql("select used_at is null and expires_at < now() from auth_codes"
                          " where code_hash = sha256(%s::bytea)" % sql_str(code)).strip() == "t", what
        fam, _, _ = code_state(stack, code)
        st, e = exchanged(code, v)
        assert st == 400 and e.get("error") == "invalid_grant", (what, st, e)
        assert code_state(stack, code)[2] and stack.psql(
            "select revoked_at is not null from refresh_families where id = %s" % sql_str(fam)).strip() == "t", what
        # Presented again, a dead code is no replay: nothing to revoke, no
        # code.reuse in the trail.
        st, e = exchanged(code, v)
        assert st == 400 and e.get("error") == "invalid_grant", (what, st, e)
        assert stack.psql("select count(*) from audit where event = 'code.reuse' and resource = %s"
                          % sql_str(fam)).strip() == "0", what
        st, d = exchanged(*fresh(stack, g))
        assert st == 200, (what, st, d)
        st, d = exchanged(ocode, ov)
        assert (st == 400) if both else (st == 200), (what, st, d)
    # What the token claims comes from the code, read when it was made.
    st, d = exchanged(*fresh(stack, g))
    c = claims_of(d["access_token"])
    assert st == 200 and c["role"] == "limited" and c["accounts"] == ["acct_9"], c

    # authcode_create by hand (the server's statement): a generation other
    # than the user's now, an application changed since it was read, a
    # scope beyond the application's, a disabled user: no code.
    gen = int(stack.psql("select generation from users where id = %s" % sql_str(u["id"])))
    ver = int(stack.psql("select version from apps where client_id = %s" % sql_str(app["client_id"])))

    def create(scope="read:accounts", **kw):
        digest, fam, sql = create_by_hand(stack, app, u, org, scope, **kw)
        stack.psql(sql)
        return code_written(stack, digest, fam)
    assert create() == "1|1"
    assert stack.psql("select claim_role, claim_accounts, claim_generation, app_type, key_id is null"
                      " from auth_codes where user_id = %s order by created_at desc limit 1"
                      % sql_str(u["id"])).strip() == "limited|acct_9|%d|spa|t" % gen
    assert create(generation=gen + 1) == "0|0"
    assert create(generation=gen - 1) == "0|0"
    assert create(version=ver - 1) == "0|0"
    assert create(scope="read:accounts admin") == "0|0"
    stack.psql("update users set disabled_at = now() where id = %s" % sql_str(u["id"]))
    assert create() == "0|0"


def pg_session(stack, sql, name="jwtmint-test"):
    """A psql of its own (application_name name), fed sql on its standard
    input (kept open)."""
    import os
    import subprocess
    from harness import pg_bindir
    p = subprocess.Popen([os.path.join(pg_bindir(), "psql"), "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1",
                          "-d", stack.database_url], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=dict(os.environ, PGAPPNAME=name))
    p.stdin.write(sql + "\n")
    p.stdin.flush()
    return p


def session_end(p, sql="commit;"):
    out, err = p.communicate(sql + "\n", timeout=20)
    assert p.returncode == 0, err
    return out


@nginx_only
def test_code_made_while_its_app_changes(stack):
    """authcode_create share-locks the application (and organization and
    user) it reads: a change to the application that commits while a code
    is being made either makes that statement read the change (no code),
    or waits for the code and expires it (sql/019_code_claims.sql); never a
    code that outlives the change."""
    org = new_org(stack, "race")
    u = new_user(stack, org, "race.user", "admin")
    app = app_create(stack, org, "Race", [SPA], "read:accounts write:settings")
    both = "read:accounts write:settings"

    def waiting(name):
        return stack.psql("select count(*) from pg_stat_activity where wait_event_type = 'Lock'"
                          " and application_name = %s" % sql_str(name)).strip() == "1"

    # The change first, uncommitted; the code's statement waits, then reads
    # it (the scope is no longer within the application's): no code.
    a = pg_session(stack, "begin; update apps set scopes = 'read:accounts' where client_id = %s;"
                   " select 'locked';" % sql_str(app["client_id"]))
    assert a.stdout.readline().strip() == "locked"
    digest, fam, sql = create_by_hand(stack, app, u, org, both)
    b = pg_session(stack, sql + ";", "race-create")
    wait_for(lambda: waiting("race-create"), timeout=10, what="the code's statement waiting for the change")
    session_end(a)
    session_end(b, "")
    assert code_written(stack, digest, fam) == "0|0"
    # The code first, uncommitted; the change waits for it, then its
    # trigger expires it.
    stack.psql("update apps set scopes = %s where client_id = %s" % (sql_str(both), sql_str(app["client_id"])))
    digest, fam, sql = create_by_hand(stack, app, u, org, both)
    b = pg_session(stack, "begin; " + sql + "; select 'made';")
    assert b.stdout.readline().strip() == "made"
    a = pg_session(stack, "update apps set scopes = 'read:accounts' where client_id = %s;"
                   % sql_str(app["client_id"]), "race-change")
    wait_for(lambda: waiting("race-change"), timeout=10, what="the change waiting for the code")
    session_end(b)
    session_end(a, "")
    assert code_written(stack, digest, fam) == "1|1"
    assert stack.psql("select used_at is null and expires_at < now() from auth_codes where code_hash ="
                      " decode(%s, 'hex')" % sql_str(digest)).strip() == "t"


@nginx_only
def test_public_client_cache_refused_at_once(stack):
    """A public client is authenticated from each worker's application
    cache: disabling the application or its organization refuses its
    exchanges, refreshes and revocations on every worker (NOTIFY) within a
    bounded wait for the notification, never the cache's lifetime; enabling
    it serves it again likewise. A code made before the change is dead
    after it (sql/019_code_claims.sql), unconsumed by the refusals."""
    org = new_org(stack, "appcache")
    user = new_user(stack, org, "cache.user", "limited")
    app = app_create(stack, org, "Cached", [SPA], "read:accounts")
    g = types.SimpleNamespace(org=org, user=user, app=app)

    def tokens():
        code, v = fresh(stack, g, app=app)
        st, _, d = exchange(stack, app, code, v)
        assert st == 200, (st, d)
        return code, v, d

    def warm():
        # Enough requests that every worker has the application cached.
        for _ in range(3 * stack.workers):
            st, _, _ = post(stack, "/revoke", {"token": "x", "client_id": app["client_id"]})
            assert st == 200

    for disable, enable in ((("app", "disable", app["client_id"]), ("app", "enable", app["client_id"])),
                            (("org", "disable", org["slug"]), ("org", "enable", org["slug"]))):
        code, v, d = tokens()
        fresh_code, fresh_v = fresh(stack, g, app=app)
        warm()
        stack.admin_ok(*disable)
        try:
            # The NOTIFY reaches each worker's connection a moment after
            # the commit (under load, after the next request): a bounded
            # wait, never the cache's lifetime, before the refusals are
            # asserted. The probe consumes nothing.
            def refused():
                return all(post(stack, "/revoke", {"token": "x", "client_id": app["client_id"]})[0] == 401
                           for _ in range(3 * stack.workers))
            wait_for(refused, timeout=5, what="every worker refusing the application")
            for _ in range(3 * stack.workers):
                answers = (exchange(stack, app, fresh_code, fresh_v),
                           post(stack, "/token", {"grant_type": "refresh_token", "client_id": app["client_id"],
                                                  "refresh_token": d["refresh_token"]}),
                           post(stack, "/revoke", {"token": d["refresh_token"], "client_id": app["client_id"]}))
                for st, _, e in answers:
                    assert st == 401 and e.get("error") == "invalid_client", (disable, st, e)
        finally:
            stack.admin_ok(*enable)
        wait_for(lambda: all(post(stack, "/revoke", {"token": "x", "client_id": app["client_id"]})[0] == 200
                             for _ in range(3 * stack.workers)),
                 timeout=5, what="every worker serving the application again")
        # Nothing was consumed or rotated while refused.
        st, _, r = post(stack, "/token", {"grant_type": "refresh_token", "client_id": app["client_id"],
                                          "refresh_token": d["refresh_token"]})
        stack.secrets.update([r.get("access_token", ""), r.get("refresh_token", "")])
        assert st == 200, (enable, st, r)
        assert code_state(stack, fresh_code)[2] is False, "a refused exchange consumed the code"
        # The code made before the change is dead (sql/019_code_claims.sql):
        # the user signs in again.
        fam, _, _ = code_state(stack, fresh_code)
        st, _, e = exchange(stack, app, fresh_code, fresh_v)
        assert st == 400 and e.get("error") == "invalid_grant", (enable, st, e)
        assert stack.psql("select revoked_at is not null from refresh_families where id = %s"
                          % sql_str(fam)).strip() == "t"
        code2, v2 = fresh(stack, g, app=app)
        st, _, d2 = exchange(stack, app, code2, v2)
        stack.secrets.update([d2.get("access_token", ""), d2.get("refresh_token", "")])
        assert st == 200, (enable, st, d2)


def test_cors_origins_shared_fairly(stack):
    """Past APPCACHE_MAX_ORIGINS (4096) SPA origins in all, each
    organization keeps the same number of its own at most: three
    organizations of 1,600 origins each (100 SPAs of 16 redirect URIs, the
    most apps_per_org_max allows by default; written with psql, as the
    admin API would) do not push out another's one origin, which sorts
    after all of theirs; theirs are cut, with a line in the log."""
    f = fx(stack)
    hogs = [new_org(stack, "hog") for _ in range(3)]
    try:
        for n, org in enumerate(hogs):
            stack.psql(
                "insert into apps (client_id, org_id, name, type, redirect_uris, scopes)"
                " select 'app_' || translate(left(md5('%s' || i), 16), '0189', 'wxyz'), '%s', 'hog ' || i,"
                " 'spa', array(select 'https://a-hog%d-' || i || '-' || u || '.example/cb'"
                " from generate_series(1, 16) u), 'read:accounts' from generate_series(1, 100) i"
                % (org["id"], org["id"], n))
        hdr = {"Origin": ORIGIN, "Access-Control-Request-Method": "POST"}
        for _ in range(4):      # every worker loads the new picture
            st, rh, _ = stack.request("OPTIONS", "/token", headers=hdr)
            assert st == 204 and rh.get("access-control-allow-origin") == ORIGIN, (st, rh)
        assert "SPA origins: at most" in stack.logs()
        # A hog's first origins are kept, its last cut.
        first = {"Origin": "https://a-hog0-1-1.example", "Access-Control-Request-Method": "POST"}
        last = {"Origin": "https://a-hog0-99-9.example", "Access-Control-Request-Method": "POST"}
        assert stack.request("OPTIONS", "/token", headers=first)[0] == 204
        assert stack.request("OPTIONS", "/token", headers=last)[0] == 403
    finally:
        stack.psql("delete from apps where org_id in (%s) and name like 'hog %%'"
                   % ", ".join("'%s'" % o["id"] for o in hogs))


def test_public_refresh_checks_the_organization_itself(stack):
    """A public client's refresh reads its organization's state in its own
    statement, not from a worker's cache: with the NOTIFY suppressed (the
    change made with triggers off, as a lost notification would leave
    things), a disabled organization's refresh token is still refused
    (review 1305 M1)."""
    org = new_org(stack, "orgcheck")
    user = new_user(stack, org, "org.check", "limited")
    app = app_create(stack, org, "Org check", [SPA], "read:accounts")
    g = types.SimpleNamespace(org=org, user=user, app=app)
    code, v = fresh(stack, g, app=app)
    st, _, d = exchange(stack, app, code, v)
    assert st == 200, (st, d)
    for _ in range(3 * stack.workers):      # every worker holds the app, enabled
        assert post(stack, "/revoke", {"token": "x", "client_id": app["client_id"]})[0] == 200
    quiet = "set session_replication_role = replica; "
    stack.psql(quiet + "update orgs set disabled_at = now() where id = '%s'" % org["id"])
    try:
        for _ in range(2 * stack.workers):
            st, _, e = post(stack, "/token", {"grant_type": "refresh_token", "client_id": app["client_id"],
                                              "refresh_token": d["refresh_token"]})
            assert st in (400, 401) and "access_token" not in e, (st, e)
    finally:
        stack.psql(quiet + "update orgs set disabled_at = null where id = '%s'" % org["id"])


def test_public_client_with_long_scopes(stack):
    """An application whose scopes pass 1 KB is not held by the workers'
    cache (a reload's result stays small): it is read by itself when it
    comes, and works the same."""
    org = new_org(stack, "longscopes")
    user = new_user(stack, org, "long.scopes", "limited")
    app = app_create(stack, org, "Long scopes", [SPA], "read:accounts")
    # 20 more scopes of 60 characters each (within a scope set's bounds).
    stack.psql("update apps set scopes = 'read:accounts ' || (select string_agg('x' || i || ':' ||"
               " repeat('y', 56), ' ') from generate_series(10, 29) i) where client_id = '%s'"
               % app["client_id"])
    assert int(stack.psql("select octet_length(scopes) from apps where client_id = '%s'"
                          % app["client_id"])) > 1024
    g = types.SimpleNamespace(org=org, user=user, app=app)
    code, v = fresh(stack, g, app=app)
    st, _, d = exchange(stack, app, code, v)
    assert st == 200 and d["scope"] == "read:accounts", (st, d)
    st, _, r = post(stack, "/token", {"grant_type": "refresh_token", "client_id": app["client_id"],
                                      "refresh_token": d["refresh_token"]})
    stack.secrets.update([d["access_token"], d["refresh_token"], r.get("access_token", ""),
                          r.get("refresh_token", "")])
    assert st == 200 and r["scope"] == "read:accounts", (st, r)
    stack.admin_ok("app", "disable", app["client_id"])
    st, _, e = post(stack, "/token", {"grant_type": "refresh_token", "client_id": app["client_id"],
                                      "refresh_token": r["refresh_token"]})
    assert st == 401 and e.get("error") == "invalid_client", (st, e)
