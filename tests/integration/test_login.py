"""
The hosted login page (src/h_authorize.c, docs/LOGIN.md): GET /authorize
with a real PKCE pair up to the code and its redirect, the page's headers,
sessions ("Continue as", the portal without a page, logout, a disabled user
or a new password ends them), templates and translations, and the attacks:
unregistered redirect URIs, PKCE missing or plain, forged or replayed form
tokens, another organization's session, scope escalation, framing, colour
injection, HTML injection through an application's name. A plain HTTP
client with its own cookie jar, no browser (the portal's tests drive one).
"""

import base64
import hashlib
import html
import json
import re
import secrets as pysecrets
import urllib.parse

from test_lifecycle import new_org, new_user, admin_stdin, claims_of

MODES = ("nginx",)
STACK_OPTIONS = {"env": {"JWTMINT_ARGON2_M_KIB": "256", "JWTMINT_ARGON2_T": "1",
                         "JWTMINT_LOGIN_MAX_FAILURES": "4"}}

REDIRECT = "https://app.example/cb?x=1"
TOKEN_RE = re.compile(r'name="request" value="([A-Za-z0-9_-]{43})"')


def pkce():
    verifier = pysecrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


class Browser:
    """A cookie jar over stack.request: what a browser would send back."""

    def __init__(self, stack):
        self.stack = stack
        self.jar = {}

    def request(self, method, path, headers=None, body=b""):
        hdrs = dict(headers or {})
        if self.jar:
            hdrs["Cookie"] = "; ".join("%s=%s" % kv for kv in self.jar.items())
        st, h, b = self.stack.request(method, path, hdrs, body)
        for c in (h.get("set-cookie") or "").split(", "):
            if "=" not in c:
                continue
            name, _, rest = c.partition("=")
            value = rest.split(";", 1)[0]
            if "Max-Age=0" in rest:
                self.jar.pop(name, None)
            else:
                self.jar[name] = value
        return st, h, b.decode("utf-8", "replace")

    def get(self, path, headers=None):
        return self.request("GET", path, headers)

    def post(self, path, fields, headers=None):
        hdrs = {"Content-Type": "application/x-www-form-urlencoded"}
        hdrs.update(headers or {})
        return self.request("POST", path, hdrs, urllib.parse.urlencode(fields).encode())


def new_app(stack, org, name="Test app", typ="spa", uris=(REDIRECT,), scopes="read:accounts write:settings admin"):
    arr = "array[%s]" % ", ".join("'%s'" % u.replace("'", "''") for u in uris)
    out = stack.psql("insert into apps (client_id, org_id, name, type, redirect_uris, scopes) values"
                     " (jwtmint_app_id(), '%s', '%s', '%s', %s, '%s') returning client_id"
                     % (org["id"], name.replace("'", "''"), typ, arr, scopes))
    return out.strip().splitlines()[0]


def portal_app(stack, org):
    return stack.psql("select client_id from apps where org_id = '%s' and type = 'portal'" % org["id"]).strip()


def authorize_url(client_id, challenge, redirect_uri=REDIRECT, state="st", scope="read:accounts", extra=()):
    q = [("response_type", "code"), ("client_id", client_id), ("redirect_uri", redirect_uri),
         ("code_challenge", challenge), ("code_challenge_method", "S256")]
    if scope is not None:
        q.append(("scope", scope))
    if state is not None:
        q.append(("state", state))
    q += list(extra)
    return "/authorize?" + urllib.parse.urlencode(q)


def form_token(body):
    m = TOKEN_RE.search(body)
    assert m, "no form token in the page: %s" % body[:400]
    return m.group(1)


def redirect_params(h, want_prefix=REDIRECT):
    loc = h.get("location", "")
    assert loc.startswith(want_prefix + ("&" if "?" in want_prefix else "?")), loc
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(loc).query))


def sign_in(stack, b, client_id, user, state="st", scope="read:accounts"):
    """The whole flow up to the code: returns (params of the redirect, verifier)."""
    verifier, challenge = pkce()
    st, h, body = b.get(authorize_url(client_id, challenge, state=state, scope=scope))
    assert st == 200, (st, body[:300])
    st, h, body = b.post("/authorize", {"request": form_token(body), "username": user["username"],
                                        "password": user["password"]})
    assert st == 302, (st, body[:300])
    return redirect_params(h), verifier, challenge


def code_row(stack, code):
    return stack.psql("select client_id, scope, code_challenge, redirect_uri, user_id from auth_codes"
                      " where code_hash = sha256('%s'::bytea)" % code).strip()


def test_flow_headers_and_session(stack):
    org = new_org(stack, "lg")
    user = new_user(stack, org, role="limited")
    app = new_app(stack, org, name="Shop <b>&\"'")
    b = Browser(stack)
    verifier, challenge = pkce()
    state = "a b&c=d/?#\u00e9%20+" + "x" * 200

    st, h, body = b.get(authorize_url(app, challenge, state=state, scope="read:accounts write:settings admin"))
    assert st == 200, (st, body[:300])
    assert h["content-security-policy"].startswith(
        "default-src 'none'; style-src 'self'; form-action 'self' https://app.example; frame-ancestors 'none'"), h
    assert h["x-frame-options"] == "DENY" and h["cache-control"] == "no-store", h
    assert h["referrer-policy"] == "no-referrer" and h["content-type"].startswith("text/html"), h
    assert "<script" not in body.lower() and " style=" not in body and "<style" not in body
    # The application's name and scopes, escaped.
    assert "Shop &lt;b&gt;&amp;&quot;&#39;" in body and "Shop <b>" not in body, body
    assert "<li>admin</li>" in body and "<li>read:accounts</li>" in body, body
    assert 'href="/login.css?org=%s"' % org["id"] in body
    login_cookie = b.jar.get("jwtmint_login")
    assert login_cookie and "HttpOnly" in h["set-cookie"] and "SameSite=Lax" in h["set-cookie"], h
    assert "Secure" not in h["set-cookie"], "http loopback issuer: plain cookie"
    token = form_token(body)

    # A wrong password: the page again, a new token, the same answer.
    st, h, body2 = b.post("/authorize", {"request": token, "username": user["username"], "password": "nope"})
    assert st == 200 and "Wrong username or password" in body2, (st, body2[:300])
    token2 = form_token(body2)
    assert token2 != token
    # The used token is gone.
    st, h, body3 = b.post("/authorize", {"request": token, "username": user["username"],
                                         "password": user["password"]})
    assert st == 400 and "location" not in h and "expired" in body3, (st, h)

    st, h, _ = b.post("/authorize", {"request": token2, "username": user["username"].upper(),
                                      "password": user["password"]})
    assert st == 302, st
    p = redirect_params(h)
    assert p["state"] == state and p["iss"] == stack.issuer and p["x"] == "1", p
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", p["code"]), p
    assert h["cache-control"] == "no-store"
    assert "jwtmint_session" in b.jar and "HttpOnly" in h["set-cookie"], h
    # granted = requested ∩ app ∩ user: a limited user gets no admin.
    row = code_row(stack, p["code"]).split("|")
    assert row[0] == app and row[1] == "read:accounts write:settings" and row[2] == challenge, row
    assert row[3] == REDIRECT and row[4] == user["id"], row
    # Sessions are stored as a digest only.
    stored = stack.psql("select encode(id_hash, 'hex') from sessions where user_id = '%s'" % user["id"]).split()
    assert stored == [hashlib.sha256(b.jar["jwtmint_session"].encode()).hexdigest()], stored

    # The token exchange (src/grant_code.c) with the PKCE verifier.
    st, _, tb = stack.request("POST", "/token", {"Content-Type": "application/x-www-form-urlencoded"},
                              urllib.parse.urlencode({"grant_type": "authorization_code", "code": p["code"],
                                                      "redirect_uri": REDIRECT, "client_id": app,
                                                      "code_verifier": verifier}).encode())
    assert st == 200, (st, tb[:300])
    claims = claims_of(json.loads(tb)["access_token"])
    assert claims["sub"] == user["id"] and claims["scope"] == "read:accounts write:settings", claims

    # Within the session: no password, but one click for a public client.
    v2, c2 = pkce()
    st, h, body = b.get(authorize_url(app, c2, state="s2"))
    assert st == 200 and "Continue as " + user["username"] in body, body[:500]
    st, h, _ = b.post("/authorize", {"request": form_token(body), "action": "continue"})
    assert st == 302, st
    p2 = redirect_params(h)
    assert p2["state"] == "s2" and code_row(stack, p2["code"]).split("|")[1] == "read:accounts"

    # The portal (first-party) gets its code within the session without a page.
    portal = portal_app(stack, org)
    purl = stack.issuer + "/portal/%s/" % org["slug"]
    st, h, body = b.get(authorize_url(portal, c2, redirect_uri=purl, scope="admin", state="p"))
    # A limited user holds no admin: access_denied, to the portal itself.
    assert st == 302 and "error=access_denied" in h["location"], (st, h, body[:200])
    assert h["location"].startswith(purl + "?"), h

    # Logout: only from jwtmint's own origin.
    st, h, _ = b.post("/logout", {})
    assert st == 403 and "jwtmint_session" in b.jar
    st, h, _ = b.post("/logout", {}, headers={"Origin": "https://evil.example"})
    assert st == 403 and "jwtmint_session" in b.jar
    st, h, body = b.post("/logout", {}, headers={"Origin": stack.issuer})
    assert st == 200 and "signed out" in body and "jwtmint_session" not in b.jar, (st, h)
    assert stack.psql("select count(*) from sessions where user_id = '%s'" % user["id"]).strip() == "0"
    st, h, body = b.get(authorize_url(app, c2))
    assert st == 200 and "Continue as" not in body


def test_portal_admin_without_page(stack):
    org = new_org(stack, "pt")
    admin = new_user(stack, org, role="admin")
    b = Browser(stack)
    sign_in(stack, b, new_app(stack, org), admin)
    portal = portal_app(stack, org)
    purl = stack.issuer + "/portal/%s/" % org["slug"]
    _, challenge = pkce()
    st, h, body = b.get(authorize_url(portal, challenge, redirect_uri=purl, scope="admin", state="z"))
    assert st == 302, (st, body[:300])
    p = redirect_params(h, purl)
    assert p["state"] == "z" and code_row(stack, p["code"]).split("|")[1] == "admin"


def test_redirect_uri_attacks(stack):
    org = new_org(stack, "ru")
    app = new_app(stack, org)
    _, challenge = pkce()
    b = Browser(stack)
    variants = [None, "https://evil.example/cb?x=1", "https://app.example:444/cb?x=1",
                "https://app.example/cb/extra?x=1", "https://app.example/cb?x=2", "https://app.example/cb",
                "https://app.example/cb?x=1#f", "https://APP.example/cb?x=1", "https://app.example/c%62?x=1",
                "https://user@app.example/cb?x=1", "http://app.example/cb?x=1", "https://app.example.evil/cb?x=1",
                "//evil.example/cb", "https://app.example/cb?x=1&y=2", " https://app.example/cb?x=1"]
    for ru in variants:
        q = [("response_type", "code"), ("client_id", app), ("code_challenge", challenge),
             ("code_challenge_method", "S256"), ("state", "s")]
        if ru is not None:
            q.append(("redirect_uri", ru))
        st, h, body = b.get("/authorize?" + urllib.parse.urlencode(q))
        assert st == 400 and "location" not in h, (ru, st, h)
        assert "did not register" in body and h["x-frame-options"] == "DENY", ru
    # Unknown or disabled application, duplicated parameters: no redirect either.
    st, h, body = b.get(authorize_url("app_aaaaaaaaaaaaaaaa", challenge))
    assert st == 400 and "location" not in h and "unknown or disabled" in body
    st, h, _ = b.get(authorize_url(app, challenge) + "&redirect_uri=" + urllib.parse.quote("https://evil.example/"))
    assert st == 400 and "location" not in h
    st, h, _ = b.get(authorize_url(app, challenge) + "&state=two")
    assert st == 400 and "location" not in h
    # Unknown parameters are ignored.
    st, h, _ = b.get(authorize_url(app, challenge, extra=[("prompt", "login"), ("nonce", "n")]))
    assert st == 200
    stack.psql("update apps set disabled_at = now() where client_id = '%s'" % app)
    st, h, body = b.get(authorize_url(app, challenge))
    assert st == 400 and "location" not in h and "unknown or disabled" in body


def test_pkce_scope_and_response_type_errors(stack):
    org = new_org(stack, "pk")
    app = new_app(stack, org, scopes="read:accounts write:settings")
    _, challenge = pkce()
    b = Browser(stack)

    def err(url, want):
        st, h, body = b.get(url)
        assert st == 302, (url, st, body[:200])
        p = redirect_params(h)
        assert p.get("error") == want and p.get("state") == "st" and p.get("iss") == stack.issuer, (url, p)
        assert "code" not in p

    base = [("response_type", "code"), ("client_id", app), ("redirect_uri", REDIRECT), ("state", "st")]
    enc = urllib.parse.urlencode
    err("/authorize?" + enc(base), "invalid_request")                      # no PKCE
    err("/authorize?" + enc(base + [("code_challenge", challenge)]), "invalid_request")  # no method
    err("/authorize?" + enc(base + [("code_challenge", challenge), ("code_challenge_method", "plain")]),
        "invalid_request")
    err("/authorize?" + enc(base + [("code_challenge", "short"), ("code_challenge_method", "S256")]),
        "invalid_request")
    err(authorize_url(app, challenge, extra=[]).replace("response_type=code", "response_type=token"),
        "unsupported_response_type")
    # Scope escalation through the request: more than the application has.
    err(authorize_url(app, challenge, scope="read:accounts admin"), "invalid_scope")
    err(authorize_url(app, challenge, scope="*"), "invalid_scope")
    # state: up to 1024 bytes echoed intact; longer refused, not echoed.
    st, h, body = b.get(authorize_url(app, challenge, state="s" * 1024))
    assert st == 200, st
    st, h, body = b.get(authorize_url(app, challenge, state="s" * 1025))
    p = redirect_params(h)
    assert st == 302 and p["error"] == "invalid_request" and "state" not in p, p


def test_form_forgery_and_sessions_across_orgs(stack):
    org = new_org(stack, "fg")
    user = new_user(stack, org)
    app = new_app(stack, org)
    _, challenge = pkce()
    a, b = Browser(stack), Browser(stack)
    st, _, body_a = a.get(authorize_url(app, challenge))
    st, _, body_b = b.get(authorize_url(app, challenge))
    token_a = form_token(body_a)
    creds = {"username": user["username"], "password": user["password"]}
    # No token; a made-up one; another browser's token (its login cookie).
    for fields, who in (({}, b), ({"request": "x" * 43}, b), ({"request": token_a}, b)):
        fields.update(creds)
        st, h, body = who.post("/authorize", fields)
        assert st == 400 and "location" not in h and "expired" in body, (fields.get("request"), st)
    # Without any cookie (a cross-site POST: SameSite=Lax keeps it off).
    st, h, _ = Browser(stack).post("/authorize", dict(creds, request=token_a))
    assert st == 400 and "location" not in h
    # Its own browser still can: a refused attempt did not spend it.
    st, h, _ = a.post("/authorize", dict(creds, request=token_a))
    assert st == 302, st
    # Replay of a used token.
    st, h, _ = a.post("/authorize", dict(creds, request=token_a))
    assert st == 400 and "location" not in h

    # A session of another organization is no session here.
    org2 = new_org(stack, "fg2")
    user2 = new_user(stack, org2)
    app2 = new_app(stack, org2)
    c = Browser(stack)
    sign_in(stack, c, app2, user2)
    st, _, body = c.get(authorize_url(app, challenge))
    assert st == 200 and "Continue as" not in body, body[:400]
    st, h, body = c.post("/authorize", {"request": form_token(body), "action": "continue"})
    assert st == 200 and "location" not in h and "Continue as" not in body
    # A session cookie copied into another browser without its login cookie
    # still needs a form token of that browser.
    d = Browser(stack)
    d.jar["jwtmint_session"] = c.jar["jwtmint_session"]
    st, h, _ = d.post("/authorize", {"request": token_a, "action": "continue"})
    assert st == 400 and "location" not in h


def test_failures_429_and_sessions_end(stack):
    org = new_org(stack, "lk")
    user = new_user(stack, org)
    app = new_app(stack, org)
    _, challenge = pkce()
    b = Browser(stack)
    st, _, body = b.get(authorize_url(app, challenge))
    for _ in range(4):
        st, h, body = b.post("/authorize", {"request": form_token(body), "username": user["username"],
                                             "password": "wrong"})
        assert st == 200 and "Wrong username or password" in body
    st, h, body = b.post("/authorize", {"request": form_token(body), "username": user["username"],
                                         "password": user["password"]})
    assert st == 429 and int(h["retry-after"]) > 0 and "Too many failed attempts" in body, (st, h)
    assert "location" not in h
    lockouts = stack.psql("select actor from audit where org_id = '%s' and event like 'login.%%'" % org["id"])
    assert "app:" + app in lockouts, lockouts

    # Disabling the user ends the session at once; so does a new password.
    for how in ("disable", "passwd"):
        u = new_user(stack, org)
        c = Browser(stack)
        sign_in(stack, c, app, u)
        st, _, body = c.get(authorize_url(app, challenge))
        assert "Continue as " + u["username"] in body
        if how == "disable":
            stack.admin_ok("user", "disable", u["username"], "--org", org["slug"])
        else:
            admin_stdin(stack, ["user", "passwd", u["username"], "--org", org["slug"]], "pw-" + "n" * 24 + "\n")
        assert stack.psql("select count(*) from sessions where user_id = '%s'" % u["id"]).strip() == "0", how
        st, _, body = c.get(authorize_url(app, challenge))
        assert st == 200 and "Continue as" not in body, how
        st, h, body = c.post("/authorize", {"request": form_token(body), "action": "continue"})
        assert "location" not in h, how


def test_template_and_translation(stack):
    org = new_org(stack, "tp")
    app = new_app(stack, org, name="Appli")
    _, challenge = pkce()
    rc, out, err = stack.admin("login-template", "set", "--bg", "red;}body{background:url(//evil)}",
                               "--org", org["slug"])
    assert rc != 0 and "#rrggbb" in err, (rc, err)
    for bad in ("#FFFFFF", "#fff", "#12345g", "#1234567"):
        rc, _, _ = stack.admin("login-template", "set", "--accent", bad, "--org", org["slug"])
        assert rc != 0, bad
    t = stack.admin_json("login-template", "set", "--title", "<i>Acme</i> login", "--org-name", "Acme & Co",
                         "--bg", "#102030", "--accent", "#aa00ff", "--org", org["slug"], "--json")
    assert t == {"title": "<i>Acme</i> login", "org_name": "Acme & Co", "bg": "#102030", "fg": "#1d2330",
                 "accent": "#aa00ff"}, t
    assert stack.admin_json("login-template", "show", "--org", org["slug"], "--json") == t
    assert "login.template" in stack.psql("select event from audit where org_id = '%s'" % org["id"])

    st, h, css = Browser(stack).get("/login.css?org=" + org["id"])
    assert st == 200 and h["content-type"].startswith("text/css") and "--bg:#102030;" in css, css[:200]
    assert "--accent:#aa00ff;" in css and "evil" not in css
    st, h, css = Browser(stack).get("/login.css")
    assert st == 200 and "--bg:#f4f5f7;" in css

    b = Browser(stack)
    st, _, body = b.get(authorize_url(app, challenge))
    assert "<title>&lt;i&gt;Acme&lt;/i&gt; login</title>" in body and "<h1>Acme &amp; Co</h1>" in body, body[:600]
    assert 'lang="en"' in body and "Password" in body
    st, _, body = b.get(authorize_url(app, challenge), headers={"Accept-Language": "de-DE, fr;q=0.8, en;q=0.5"})
    assert 'lang="fr"' in body and "Mot de passe" in body, body[:600]
    st, _, body = b.get(authorize_url(app, challenge, extra=[("ui_locales", "fr")]))
    assert 'lang="fr"' in body
    # The language stays with the request: a wrong password answers in French.
    st, _, body = b.post("/authorize", {"request": form_token(body), "username": "nobody", "password": "x"})
    assert "incorrect" in body and 'lang="fr"' in body, body[:600]
    assert html.unescape(body).count("<script") == 0


def test_gate_strips_session_cookie(stack):
    """A backend behind the gate on jwtmint's origin never gets jwtmint's
    own cookies (conf/nginx-gate-forward.conf.in); the others pass."""
    from test_lifecycle import new_key
    org = new_org(stack, "gc")
    k = new_key(stack, org, scopes="read:accounts", grants="client_credentials")
    for cookie, want in (("a=1; jwtmint_session=SECRETSESSION; __Host-jwtmint_login=L1; b=2", "a=1; b=2"),
                         ("jwtmint_login=L2; jwtmint_session=S", ""),
                         ("x=1", "x=1"),
                         ("notjwtmint_session=1; c=3", "notjwtmint_session=1; c=3")):
        st, _, body = stack.request("GET", "/api/accounts", {"X-API-Key": k["key"], "Cookie": cookie})
        assert st == 200, (st, body)
        assert json.loads(body)["cookie"] == want, (cookie, body)


def request_from(stack, addr, method, path, headers=None, body=b""):
    """One request from another loopback source address (its own REMOTE_ADDR
    at nginx, so its own per-address counters)."""
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=10, source_address=(addr, 0))
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read().decode("utf-8", "replace")
    finally:
        conn.close()


def test_login_page_rate_per_address(stack):
    """S1: each page stores a login_requests row, so an address gets at most
    login_page_rate_per_min (default 120) a minute; past it a 429 page with
    Retry-After and the login page's headers, and no row. Other addresses go on."""
    import time
    org = new_org(stack, "rl")
    app = new_app(stack, org)
    _, challenge = pkce()
    url = authorize_url(app, challenge)
    rows = "select count(*) from login_requests where client_id = '%s'" % app
    # The windows are fixed minutes: a run across a minute's end is done
    # again from a fresh address (no waiting for the clock).
    for attempt in range(3):
        addr = "127.0.0.%d" % (10 + attempt * 60 + pysecrets.randbelow(60))
        start, minute, shown = int(stack.psql(rows)), int(time.time() // 60), 0
        while True:
            st, h, body = request_from(stack, addr, "GET", url)
            if st != 200:
                break
            shown += 1
            assert shown <= 240, "no limit after 240 pages"
        if int(time.time() // 60) == minute:
            break
    assert shown == 120, shown
    assert st == 429 and int(h["retry-after"]) >= 1 and int(h["retry-after"]) <= 60, (st, h)
    assert "location" not in h and "Too many sign-in requests" in body, body[:300]
    assert h["x-frame-options"] == "DENY" and h["cache-control"] == "no-store", h
    assert h["content-security-policy"].startswith("default-src 'none'"), h
    assert h["content-type"].startswith("text/html"), h
    before = int(stack.psql(rows))
    assert before == start + 120, (start, before)
    answers = [request_from(stack, addr, "GET", url, {"Accept-Language": "fr"}) for _ in range(3)]
    if int(time.time() // 60) == minute:	# else a new window may have begun
        assert [a[0] for a in answers] == [429] * 3 and "Trop de demandes" in answers[2][2], answers[2][:2]
        assert int(stack.psql(rows)) == before, "a refused page stored nothing"
    before = int(stack.psql(rows))
    # Another address still gets its page.
    st, _, _ = request_from(stack, "127.0.0.9", "GET", url)
    assert st == 200 and int(stack.psql(rows)) == before + 1


def test_redirect_uri_removed_before_post(stack):
    """S2: the form's POST (and "Continue as") re-checks that the request's
    redirect_uri is still registered: removed meanwhile, an error page, no
    redirect, no code."""
    from test_oauth_code import app_create
    org = new_org(stack, "rr")
    user = new_user(stack, org)
    keep = "https://app.example/keep"
    app = app_create(stack, org, "Removed", [REDIRECT, keep], "read:accounts")["client_id"]
    b = Browser(stack)
    _, challenge = pkce()
    st, _, body = b.get(authorize_url(app, challenge))
    assert st == 200, st
    token = form_token(body)
    sign_in_page = b.get(authorize_url(app, challenge, redirect_uri=keep))[2]
    stack.admin_json("app", "update", app, "--redirect-uri", keep, "--json")
    codes = "select count(*) from auth_codes where client_id = '%s'" % app
    st, h, body = b.post("/authorize", {"request": token, "username": user["username"],
                                        "password": user["password"]})
    assert st == 400 and "location" not in h and "did not register" in body, (st, h, body[:300])
    assert stack.psql(codes).strip() == "0"
    # The URI still registered works (and starts a session).
    st, h, _ = b.post("/authorize", {"request": form_token(sign_in_page), "username": user["username"],
                                     "password": user["password"]})
    assert st == 302 and h["location"].startswith(keep + "?code="), (st, h)
    # "Continue as": a page shown for REDIRECT, then it is removed again.
    stack.admin_json("app", "update", app, "--redirect-uri", keep, "--redirect-uri", REDIRECT, "--json")
    st, _, body = b.get(authorize_url(app, challenge))
    assert st == 200 and "Continue as" in body
    stack.admin_json("app", "update", app, "--redirect-uri", keep, "--json")
    st, h, body = b.post("/authorize", {"request": form_token(body), "action": "continue"})
    assert st == 400 and "location" not in h and "did not register" in body, (st, h)
    assert stack.psql(codes).strip() == "1"


def test_long_redirect_uri_and_resource(stack):
    """N1: a redirect URI of the registration maximum (2048 bytes) works
    end to end, one byte more is refused at registration. N2: resource is
    checked at /authorize (only {issuer}/admin). N3 is unit-tested
    (urlbuild_origin: default ports)."""
    from test_oauth_code import app_create
    org = new_org(stack, "lu")
    user = new_user(stack, org)
    base = "https://app.example/"
    longest = base + "p" * (2048 - len(base))
    assert len(longest) == 2048
    app = app_create(stack, org, "Long", [longest], "read:accounts")["client_id"]
    rc, _, err = stack.admin("app", "create", "--name", "Longer", "--scopes", "read:accounts", "--org",
                             org["slug"], "--redirect-uri", longest + "p")
    assert rc != 0 and "--redirect-uri" in err, (rc, err)
    b = Browser(stack)
    verifier, challenge = pkce()
    st, _, body = b.get(authorize_url(app, challenge, redirect_uri=longest))
    assert st == 200, (st, body[:300])
    st, h, _ = b.post("/authorize", {"request": form_token(body), "username": user["username"],
                                     "password": user["password"]})
    assert st == 302, st
    p = redirect_params(h, longest)
    st, _, tb = stack.request("POST", "/token", {"Content-Type": "application/x-www-form-urlencoded"},
                              urllib.parse.urlencode({"grant_type": "authorization_code", "code": p["code"],
                                                      "redirect_uri": longest, "client_id": app,
                                                      "code_verifier": verifier}).encode())
    assert st == 200, (st, tb[:300])

    # resource: {issuer}/admin kept for the code; an unknown one invalid_target.
    app2 = new_app(stack, org, scopes="read:accounts")
    for res in ("https://elsewhere.example/", stack.issuer + "/admin/", stack.issuer, "", "x" * 3000):
        st, h, body = b.get(authorize_url(app2, challenge, extra=[("resource", res)]))
        assert st == 302, (res[:40], st, body[:200])
        q = redirect_params(h)
        assert q.get("error") == "invalid_target" and q.get("state") == "st" and "code" not in q, (res[:40], q)
    # A configured audience is a resource /authorize knows too (as /token).
    st, _, body = b.get(authorize_url(app2, challenge, extra=[("resource", stack.audiences[1])]))
    assert st == 200 and form_token(body), st
    st, _, body = b.get(authorize_url(app2, challenge, extra=[("resource", stack.issuer + "/admin")]))
    assert st == 200 and form_token(body), st
    st, h, _ = b.post("/authorize", {"request": form_token(body), "action": "continue"})
    p = redirect_params(h)
    assert stack.psql("select resource from auth_codes where code_hash = sha256('%s'::bytea)"
                      % p["code"]).strip() == stack.issuer + "/admin"
