"""
jwtmint behind each real web server: nginx (auth_request), lighttpd
(mod_fastcgi authorizer) and Apache httpd (mod_proxy_fcgi + mod_authnz_fcgi),
each started by its scripts/*.sh on a free loopback port in front of its own
jwtmint, all on the stack's PostgreSQL. The same flow runs behind each: a
client_credentials token and a user's password login through the server,
both verified from the JWKS the server serves; the example API under /api/
(200, the backend sees who calls); a revoked token refused (401); a missing
or bad key and an insufficient scope refused (403); over the key's rate
limit 429 with Retry-After. What differs between servers is what
docs/GATE.md says, and is asserted here.

Also: jwtmint as plain CGI under lighttpd's mod_cgi, jwtmint started by
spawn-fcgi behind nginx (rate_limit_shm shares the counters between the
processes), and `systemd-analyze verify` of conf/systemd/*.
"""

import atexit
import base64
import concurrent.futures
import http.client
import json
import os
import pwd
import re
import secrets as pysecrets
import shutil
import subprocess
import time
import urllib.parse

import jwt as pyjwt

from harness import FORM, REPO, SANITIZER_MARKERS, Skip, need_program, start_web_server, verify_token

MODES = ("nginx",)

USER_PASSWORD = "correct horse battery staple 7"
SCOPES = "read:accounts write:settings"
FLOW_BOUND_SEC = 2.0        # revocation: next request after commit; poll this long


# --- the servers -------------------------------------------------------------

class Cleanup:
    """Callables run in reverse order by run(), once; also at exit, should a
    test be cut short before its finally."""

    def __init__(self):
        self.steps = []
        atexit.register(self.run)

    def add(self, fn):
        self.steps.append(fn)
        return fn

    def run(self):
        errors = []
        while self.steps:
            fn = self.steps.pop()
            try:
                fn()
            except Exception as e:  # keep tearing down
                errors.append(str(e))
        return errors


def sh(args, timeout=60, check=True):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       stdin=subprocess.DEVNULL, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError("%s exited %d: %s" % (" ".join(args[:3]), p.returncode,
                                                   p.stderr.decode(errors="replace").strip()[-1500:]))
    return p


class Web:
    """One web server written and started by scripts/KIND.sh in a directory
    of the stack's temp dir, on any free loopback port (PORT 0: the script
    retries another port on EADDRINUSE); or, with port, one that runs
    already (the stack's nginx)."""

    def __init__(self, stack, kind, fcgi=None, extra=(), name=None, cleanup=None, port=None):
        self.stack = stack
        self.kind = kind
        self.script = os.path.join(REPO, "scripts", kind + ".sh")
        self.dir = os.path.join(stack.tmp, name or kind)
        self.port = port
        if fcgi is None:
            return
        if cleanup is not None:
            cleanup.add(self.stop)
        self.port = start_web_server(self.script, self.dir, fcgi, extra, note=stack.note)

    def stop(self):
        sh([self.script, "stop", self.dir], check=False)

    def request(self, method, path, headers=None, body=b"", timeout=10):
        if isinstance(body, str):
            body = body.encode()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            hdrs = dict(headers or {})
            if body or method == "POST":
                hdrs.setdefault("Content-Length", str(len(body)))
            conn.request(method, path, body=body or None, headers=hdrs)
            resp = conn.getresponse()
            rb = resp.read()
            rh = {}
            for n, v in resp.getheaders():
                n = n.lower()
                rh[n] = rh[n] + ", " + v if n in rh else v
            return resp.status, rh, rb
        finally:
            conn.close()

    def post_form(self, path, fields, key=None, headers=None):
        h = {"Content-Type": FORM}
        if key:
            h["X-API-Key"] = key
        h.update(headers or {})
        st, rh, rb = self.request("POST", path, h, urllib.parse.urlencode(fields))
        doc = _json(rb)
        if st == 200 and isinstance(doc, dict):
            for t in ("access_token", "refresh_token"):
                if isinstance(doc.get(t), str):
                    self.stack.secrets.add(doc[t])
        return st, rh, doc

    def api(self, path, key=None, token=None, headers=None):
        h = {}
        if key is not None:
            h["X-API-Key"] = key
        if token is not None:
            h["Authorization"] = "Bearer " + token
        h.update(headers or {})
        st, rh, rb = self.request("GET", path, h)
        return st, rh, rb

    def log_tail(self, name="error.log", n=3000):
        try:
            with open(os.path.join(self.dir, name), "rb") as f:
                return f.read().decode("utf-8", "replace")[-n:]
        except OSError:
            return ""


def _json(raw):
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def spawn_jwtmint(stack, listen, cleanup, workers=2, conf=None):
    """Another jwtmint --listen on the stack's database (its own workers)."""
    args = []
    if conf:
        args = ["-c", conf]
    proc = stack.spawn_server(listen, workers=workers, extra_args=args)
    cleanup.add(lambda: stack.stop_server(proc))
    stack.wait_fcgi(listen, proc)
    if listen.startswith("unix:") and os.getuid() == 0:
        # The web server's workers run as nobody.
        os.chmod(listen[5:], 0o666)
    return proc


def spawn_jwtmint_tcp(stack, cleanup, workers=2):
    """Another jwtmint on a free loopback port (port 0, spawn_server_tcp).
    Returns (Popen, "127.0.0.1:PORT")."""
    proc, address = stack.spawn_server_tcp(workers=workers)
    cleanup.add(lambda: stack.stop_server(proc))
    return proc, address


def socket_path(stack, name):
    return "unix:" + os.path.join(stack.tmp, name + ".sock")


# --- fixtures in the database ------------------------------------------------

def gate_key(stack, name, rate=None, scopes=SCOPES, rate_min=None):
    args = ["key", "create", "--name", name + "-" + pysecrets.token_hex(3), "--scopes", scopes,
            "--org", "acme", "--grants", "client_credentials,password,refresh_token", "--json"]
    if rate:
        args[-1:-1] = ["--rate-per-sec", str(rate)]
    if rate_min:
        args[-1:-1] = ["--rate-per-min", str(rate_min)]
    return stack.admin_json(*args)


def make_user(stack, accounts="a1 a2"):
    if not getattr(stack, "_ws_role", None):
        stack.admin_json("role", "create", "ws-analyst", "--scopes", SCOPES, "--org", "acme", "--json")
        stack._ws_role = "ws-analyst"
    name = "u" + pysecrets.token_hex(4)
    p = subprocess.run([stack.jwtmint_admin, "-c", stack.conf, "user", "create", "--username", name,
                        "--role", stack._ws_role, "--accounts", accounts, "--org", "acme", "--json"],
                       input=(USER_PASSWORD + "\n").encode(), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=30, env=stack.child_env())
    assert p.returncode == 0, "user create: %s" % p.stderr.decode(errors="replace")
    u = json.loads(p.stdout)
    u["username"] = name
    return u


def verify_user_token(jwks, token, stack, user, key):
    """A user's access token, from the JWKS only (PyJWT)."""
    kid = pyjwt.get_unverified_header(token)["kid"]
    jwk = [k for k in jwks["keys"] if k.get("kid") == kid]
    assert len(jwk) == 1, "kid %r not in the JWKS served through the web server" % kid
    claims = pyjwt.decode(token, pyjwt.PyJWK(jwk[0], algorithm="ES256").key, algorithms=["ES256"],
                          audience="jwtmint", issuer=stack.issuer,
                          options={"require": ["exp", "iat", "sub", "jti"]}, leeway=5)
    assert claims["sub"] == user["id"], "sub %r, want the user %r" % (claims["sub"], user["id"])
    assert claims["client_id"] == key["id"], "client_id %r" % claims["client_id"]
    assert claims["org"] == stack.org_id
    return claims


# --- the flow ------------------------------------------------------------------

def poll(fn, want, bound=FLOW_BOUND_SEC):
    """Call fn() until it returns want or bound seconds pass; return
    (last value, seconds taken)."""
    t0 = time.time()
    while True:
        v = fn()
        if v == want or time.time() - t0 > bound:
            return v, time.time() - t0
        time.sleep(0.02)


def error_code(rb):
    """jwtmint's error code when the server passes jwtmint's body through."""
    doc = _json(rb)
    return doc.get("error") if isinstance(doc, dict) else None


def check_denial(web, resp, status, error, www=None):
    st, rh, rb = resp
    assert st == status, "%s: status %d, want %d (%r)" % (web.kind, st, status, rb[:200])
    if www:
        assert www in rh.get("www-authenticate", ""), "%s: WWW-Authenticate %r, want %r" % (
            web.kind, rh.get("www-authenticate"), www)
    # lighttpd and Apache pass jwtmint's JSON body through (Apache's
    # Content-Type is put back by conf/apache.conf.in); nginx answers its
    # own JSON naming jwtmint's error code (conf/nginx-errors.conf,
    # X-Jwtmint-Error). docs/GATE.md.
    assert error_code(rb) == error, "%s: body %r, want error %r" % (web.kind, rb[:200], error)
    ct = rh.get("content-type", "")
    assert ct.startswith("application/json"), "%s: Content-Type %r" % (web.kind, ct)


def rate_burst(web, key, n=10, parallel=1):
    """n requests as fast as possible from the start of the next second,
    `parallel` at a time. Returns (number of 200, list of (status, headers,
    body) of the others, seconds spanned)."""
    time.sleep(1.01 - time.time() % 1)
    t0 = time.time()
    with concurrent.futures.ThreadPoolExecutor(max_workers=parallel) as pool:
        results = list(pool.map(lambda _: web.api("/api/accounts", key=key), range(n)))
    spanned = int(time.time()) - int(t0) + 1
    ok = sum(1 for st, _, _ in results if st == 200)
    return ok, [r for r in results if r[0] != 200], spanned


def flow(stack, web):
    """The whole contract through one web server."""
    key = gate_key(stack, web.kind)
    kid, kkey = key["id"], key["key"]

    # JWKS and tokens, through the server.
    st, _, rb = web.request("GET", "/.well-known/jwks.json")
    assert st == 200, "%s: JWKS %d %r" % (web.kind, st, rb[:200])
    jwks = json.loads(rb)
    st, _, doc = web.post_form("/token", {"grant_type": "client_credentials", "scope": "read:accounts"}, kkey)
    assert st == 200, "%s: client_credentials %d %r" % (web.kind, st, doc)
    verify_token(jwks, doc["access_token"], issuer=stack.issuer, audience="jwtmint", client_id=kid,
                 scope="read:accounts", org_id=stack.org_id)
    app_token = doc["access_token"]

    user = make_user(stack)
    st, _, doc = web.post_form("/token", {"grant_type": "password", "username": user["username"],
                                          "password": USER_PASSWORD}, kkey)
    assert st == 200, "%s: password login %d %r" % (web.kind, st, doc)
    claims = verify_user_token(jwks, doc["access_token"], stack, user, key)
    user_token = doc["access_token"]

    # The example API: the key alone, the key with the app's token, the key
    # with the user's token; a forged identity header changes nothing.
    st, _, rb = web.api("/api/accounts", key=kkey, headers={"X-Jwtmint-Subject": "evil"})
    assert st == 200, "%s: key alone %d %r" % (web.kind, st, rb[:300])
    seen = json.loads(rb)
    assert seen["subject"] == kid and seen["client"] == kid and seen["org"] == stack.org_id, \
        "%s: backend saw %r" % (web.kind, seen)
    st, _, rb = web.api("/api/accounts", key=kkey, token=app_token)
    assert st == 200 and json.loads(rb)["subject"] == kid, "%s: app token %d %r" % (web.kind, st, rb[:300])
    st, _, rb = web.api("/api/accounts?account=a1", key=kkey, token=user_token)
    assert st == 200, "%s: user token %d %r" % (web.kind, st, rb[:300])
    seen = json.loads(rb)
    assert seen["subject"] == user["id"] == claims["sub"], "%s: backend saw subject %r, want %r" % (
        web.kind, seen["subject"], user["id"])
    assert seen["client"] == kid and seen["accounts"] == "a1 a2", "%s: backend saw %r" % (web.kind, seen)
    # Effective scope = key ∩ token (JWTMINT_SCOPES, X-Jwtmint-Scope).
    assert seen["scope"] == SCOPES, "%s: scope %r" % (web.kind, seen["scope"])
    if web.kind == "apache":
        assert seen["remote_user"] == user["id"], "apache: REMOTE_USER %r" % seen["remote_user"]
        assert seen["api_key_seen"] is False, "apache: the backend received the API key"

    # Fail closed at full size: a key with 7.7 KiB of scopes. The gate's
    # allowed answer carries them all (twice to an authorizer); the backend
    # must see every one (a 200 without them would let a backend that reads
    # a missing header as "no restriction" through).
    big_scopes = ["read:accounts"] + [("s%02d:" % i) + "x" * 123 for i in range(59)]
    big = gate_key(stack, web.kind + "-big", scopes=" ".join(big_scopes))
    st, _, rb = web.api("/api/accounts", key=big["key"])
    assert st == 200, "%s: a key with 7.7 KiB of scopes: %d %r" % (web.kind, st, rb[:300])
    assert sorted(json.loads(rb)["scope"].split()) == sorted(big_scopes), \
        "%s: the backend lost scopes" % web.kind

    # The account restriction reaches jwtmint through the server.
    check_denial(web, web.api("/api/accounts?account=a3", key=kkey, token=user_token), 403, "access_denied")

    # Refusals.
    check_denial(web, web.api("/api/accounts"), 403, "invalid_client")
    check_denial(web, web.api("/api/accounts", key=kkey[:-3] + "aaa"), 403, "invalid_client")
    check_denial(web, web.api("/api/accounts", key="jmk_live_" + "a" * 76), 403, "invalid_client")
    check_denial(web, web.api("/api/admin", key=kkey), 403, "insufficient_scope",
                 www='error="insufficient_scope"')
    check_denial(web, web.api("/api/admin", key=kkey, token=user_token), 403, "insufficient_scope",
                 www='error="insufficient_scope"')
    check_denial(web, web.api("/api/accounts", key=kkey, token=user_token[:-4] + "AAAA"), 401,
                 "invalid_token", www='error="invalid_token"')
    st, _, _ = web.request("GET", "/check", {"X-API-Key": kkey})
    assert st in (403, 404), "%s: /check is reachable from outside: %d" % (web.kind, st)

    # Revocation (RFC 7009) through the server; the gate refuses the token
    # on the next request after the commit.
    st, _, doc = web.post_form("/revoke", {"token": user_token}, kkey)
    assert st == 200, "%s: /revoke %d %r" % (web.kind, st, doc)
    st, took = poll(lambda: web.api("/api/accounts", key=kkey, token=user_token)[0], 401)
    assert st == 401, "%s: a revoked token still passes the gate after %.1fs (%d)" % (web.kind, took, st)
    check_denial(web, web.api("/api/accounts", key=kkey, token=user_token), 401, "invalid_token",
                 www='error="invalid_token"')
    st, _, _ = web.api("/api/accounts", key=kkey, token=app_token)
    assert st == 200, "%s: revoking one token refused another (%d)" % (web.kind, st)

    # Rate limit: 429 with Retry-After, on every server. Per second: never
    # more than 2 in any second the burst spanned (a slow machine may
    # spread 10 requests over 5 s and have none refused); per minute: 10
    # requests at 3/min are refused whatever the speed (at most 6 pass even
    # across a minute's end).
    limited = gate_key(stack, web.kind + "-rl", rate=2)
    ok, others, spanned = rate_burst(web, limited["key"])
    assert ok <= 2 * spanned, "%s: %d allowed in %d second(s) at 2/s" % (web.kind, ok, spanned)
    assert others or spanned >= 5, "%s: 10 requests at 2/s within %d s were all allowed" % (
        web.kind, spanned)
    per_min = gate_key(stack, web.kind + "-rlm", rate_min=3)
    ok_m, others_m, _ = rate_burst(web, per_min["key"])
    assert ok_m <= 6 and len(others_m) >= 4, "%s: 10 requests at 3/min: %d allowed" % (web.kind, ok_m)
    for st, rh, rb in others + others_m:
        assert st == 429, "%s: over the limit: %d %r, want 429" % (web.kind, st, rb[:200])
        assert re.fullmatch(r"[1-9][0-9]*", rh.get("retry-after", "")), \
            "%s: 429 without a Retry-After: %r" % (web.kind, rh)
        assert error_code(rb) == "too_many_requests", "%s: 429 body %r" % (web.kind, rb[:200])
    return key


# --- tests ---------------------------------------------------------------------

def test_nginx(stack):
    """The stack's own nginx (scripts/nginx.sh) in front of its jwtmint."""
    flow(stack, Web(stack, "nginx", port=stack.port, name=os.path.basename(stack.nginx_dir)))


def test_lighttpd(stack):
    c = Cleanup()
    try:
        fcgi = socket_path(stack, "lighttpd-jwtmint")
        proc = spawn_jwtmint(stack, fcgi, c)
        web = Web(stack, "lighttpd", fcgi, cleanup=c)
        try:
            key = flow(stack, web)
            # lighttpd has no request id of its own: jwtmint's, generated.
            st, rh, _ = web.post_form("/token", {"grant_type": "client_credentials"}, key["key"],
                                      headers={"X-Request-Id": "forged-by-client"})
            assert st == 200 and re.fullmatch(r"[0-9a-f]{32}", rh.get("x-request-id", "")), \
                "lighttpd: X-Request-Id %r, want a generated one" % rh.get("x-request-id")
            # jwtmint gone: lighttpd answers 503, the backend is not reached.
            stack.stop_server(proc)
            st, _, rb = web.api("/api/accounts", key=key["key"])
            assert st == 503, "lighttpd without jwtmint: %d %r, want 503" % (st, rb[:200])
        except AssertionError as e:
            raise AssertionError("%s\nlighttpd error.log:\n%s" % (e, web.log_tail()))
    finally:
        c.run()


def test_apache(stack):
    need_program("apache2", "apache2-bin")
    c = Cleanup()
    try:
        # Endpoints through mod_proxy_fcgi on a unix socket; the gate through
        # mod_authnz_fcgi, which speaks TCP only: a second jwtmint.
        fcgi = socket_path(stack, "apache-jwtmint")
        spawn_jwtmint(stack, fcgi, c)
        gate, authz = spawn_jwtmint_tcp(stack, c)
        web = Web(stack, "apache", fcgi, extra=[authz], cleanup=c)
        try:
            flow(stack, web)
            apache_request_id(stack, web)
            # Basic client authentication needs CGIPassAuth (conf/apache.conf.in).
            key = gate_key(stack, "apache-basic")
            basic = "Basic " + base64.b64encode(("%s:%s" % (key["id"], key["key"])).encode()).decode()
            st, _, doc = web.post_form("/token", {"grant_type": "client_credentials"},
                                       headers={"Authorization": basic})
            assert st == 200, "apache: Basic client authentication %d %r" % (st, doc)
            # The identity headers of the authorizer's 200 stay out of the
            # client's response.
            st, rh, _ = web.api("/api/accounts", key=key["key"])
            assert st == 200 and not [h for h in rh if h.startswith("x-jwtmint-")], \
                "apache: authorizer headers leak to the client: %r" % rh
            # The gate gone: mod_authnz_fcgi can only say 500 (docs/GATE.md).
            stack.stop_server(gate)
            st, rh, rb = web.api("/api/accounts", key=key["key"])
            assert st == 500 and error_code(rb) == "temporarily_unavailable", \
                "apache without the gate: %d %r, want 500 temporarily_unavailable" % (st, rb[:200])
            assert rh.get("content-type", "").startswith("application/json")
        except AssertionError as e:
            raise AssertionError("%s\napache error.log:\n%s" % (e, web.log_tail()))
    finally:
        c.run()


def apache_request_id(stack, web):
    """mod_unique_id's UNIQUE_ID reaches jwtmint as JWTMINT_REQUEST_ID
    (conf/apache.conf.in): through mod_proxy_fcgi (answered as
    X-Request-Id, not jwtmint's own 32 hex digits) and through
    mod_authnz_fcgi (the gate's line names the id the backend saw); a
    client's X-Request-Id sets neither."""
    key = gate_key(stack, "apache-rid")
    forged = {"X-Request-Id": "forged-by-client", "Jwtmint-Request-Id": "forged-param"}
    st, rh, _ = web.post_form("/token", {"grant_type": "client_credentials"}, key["key"], headers=forged)
    rid = rh.get("x-request-id", "")
    assert st == 200 and re.fullmatch(r"[A-Za-z0-9_-]{20,64}", rid) and \
        not re.fullmatch(r"[0-9a-f]{32}", rid), "apache: X-Request-Id %r is not mod_unique_id's" % rid
    st, _, rb = web.api("/api/accounts", key=key["key"], headers=forged)
    assert st == 200, (st, rb[:200])
    unique = json.loads(rb)["request_id"]
    assert unique and unique != rid, "apache: the backend saw UNIQUE_ID %r" % unique
    lines = [ln for ln in stack.logs().splitlines() if ln.endswith(" request_id=" + unique)]
    assert len(lines) == 1 and "role=authorizer(/check)" in lines[0], \
        "apache: the gate's line of UNIQUE_ID %s: %r" % (unique, lines)
    assert "forged-" not in stack.logs(), "apache: a client's header set the request id"


def test_plain_cgi_under_lighttpd(stack):
    """jwtmint run once per request by lighttpd's mod_cgi."""
    c = Cleanup()
    try:
        d = os.path.join(stack.tmp, "cgi")
        os.mkdir(d, 0o700)
        # The CGI runs as nobody when lighttpd starts as root: its own copy
        # of the binary, configuration and secrets, owned by that user.
        binary = os.path.join(d, "jwtmint")
        shutil.copy2(stack.jwtmint, binary)
        for s in ("kek", "pepper"):
            shutil.copy2(getattr(stack, s + "_path"), os.path.join(d, s))
        conf = os.path.join(d, "jwtmint.conf")
        lines = [l for l in stack.config_lines() if not l.startswith(("kek_file", "pepper_file"))]
        lines += ["kek_file = " + os.path.join(d, "kek"), "pepper_file = " + os.path.join(d, "pepper")]
        with open(conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        os.chmod(conf, 0o600)
        if os.getuid() == 0:
            uid = pwd.getpwnam("nobody").pw_uid
            for p in (d, binary, conf, os.path.join(d, "kek"), os.path.join(d, "pepper")):
                os.chown(p, uid, -1)
        web = Web(stack, "lighttpd", "cgi:" + binary, extra=[conf], name="lighttpd-cgi", cleanup=c)
        try:
            st, rh, rb = web.request("GET", "/.well-known/jwks.json")
            assert st == 200, "JWKS through mod_cgi: %d %r" % (st, rb[:300])
            assert rh.get("content-type", "").startswith("application/jwk-set+json"), rh
            jwks = json.loads(rb)
            key = stack.keys["main"]
            st, rh, doc = web.post_form("/token", {"grant_type": "client_credentials"}, key["key"])
            assert st == 200, "POST /token through mod_cgi: %d %r" % (st, doc)
            assert rh.get("cache-control") == "no-store"
            verify_token(jwks, doc["access_token"], issuer=stack.issuer, audience="jwtmint",
                         client_id=key["id"], scope=SCOPES, org_id=stack.org_id)
            st, _, bad = web.post_form("/token", {"grant_type": "client_credentials"}, key["key"][:-2] + "zz")
            assert st == 401 and bad.get("error") == "invalid_client", "bad key via CGI: %d %r" % (st, bad)
            st, _, rb = web.request("GET", "/healthz")
            assert st == 200, "healthz via CGI: %d" % st
            # jwtmint's stderr goes to lighttpd's error log: no secret there.
            log = web.log_tail("cgi-stderr.log", n=10 ** 7) + web.log_tail(n=10 ** 7)
            assert "path=/token status=200" in log, "no jwtmint log line in lighttpd's logs"
            for secret in (key["key"], doc["access_token"], stack.kek, stack.pepper):
                assert secret not in log, "a secret is in lighttpd's logs"
            reports = [l for l in log.splitlines() if any(m in l for m in SANITIZER_MARKERS)]
            assert not reports, "sanitizer report from jwtmint under mod_cgi:\n" + "\n".join(reports[:20])
        except AssertionError as e:
            raise AssertionError("%s\nlighttpd error.log:\n%s" % (e, web.log_tail()))
    finally:
        c.run()


def _spawn_fcgi_pids(pidfile):
    try:
        with open(pidfile) as f:
            return [int(x) for x in f.read().split() if x.isdigit()]
    except OSError:
        return []


def _alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(") ", 1)[1][:1] != "Z"
    except (OSError, IndexError):
        return False


def test_spawn_fcgi_shared_rate_limit(stack):
    """spawn-fcgi -F 2 starts two jwtmint processes on one socket (FastCGI on
    stdin); with rate_limit_shm they count a key's requests together."""
    need_program("spawn-fcgi", "spawn-fcgi")
    c = Cleanup()
    shm = "/jwtmint-it-" + pysecrets.token_hex(6)
    try:
        conf = os.path.join(stack.tmp, "spawn-fcgi.conf")
        stack.write_config(conf, ["rate_limit_shm = " + shm])
        c.add(lambda: os.path.exists("/dev/shm" + shm) and os.unlink("/dev/shm" + shm))
        sock = os.path.join(stack.tmp, "spawn-fcgi.sock")
        pidfile = os.path.join(stack.tmp, "spawn-fcgi.pid")

        def kill_children():
            for pid in _spawn_fcgi_pids(pidfile):
                try:
                    os.kill(pid, 15)
                except ProcessLookupError:
                    pass
            deadline = time.time() + 5
            while time.time() < deadline and any(_alive(p) for p in _spawn_fcgi_pids(pidfile)):
                time.sleep(0.05)
        c.add(kill_children)
        # spawn-fcgi points its children's stdout and stderr at /dev/null:
        # sh puts jwtmint's log lines back in the stack's log, then becomes
        # jwtmint (same pid, the socket still on stdin).
        p = subprocess.run(["spawn-fcgi", "-s", sock, "-M", "0666", "-F", "2", "-P", pidfile, "--",
                            "/bin/sh", "-c", 'exec "$0" -c "$1" 2>>"$2"', stack.jwtmint, conf,
                            stack.log_path],
                           stdin=subprocess.DEVNULL, stdout=stack._log, stderr=stack._log,
                           env=stack.child_env(), timeout=20, cwd=stack.tmp)
        pids = _spawn_fcgi_pids(pidfile)
        assert p.returncode == 0 and len(pids) == 2, "spawn-fcgi exited %d, pids %r" % (p.returncode, pids)
        web = Web(stack, "nginx", "unix:" + sock, name="nginx-spawn-fcgi", cleanup=c)

        key = gate_key(stack, "spawn")
        st, _, doc = web.post_form("/token", {"grant_type": "client_credentials"}, key["key"])
        assert st == 200, "token through spawn-fcgi: %d %r" % (st, doc)
        st, _, rb = web.request("GET", "/.well-known/jwks.json")
        verify_token(json.loads(rb), doc["access_token"], issuer=stack.issuer, audience="jwtmint",
                     client_id=key["id"], scope=SCOPES, org_id=stack.org_id)
        st, _, rb = web.api("/api/accounts", key=key["key"], token=doc["access_token"])
        assert st == 200 and json.loads(rb)["subject"] == key["id"], "gate via spawn-fcgi: %d %r" % (st, rb[:200])

        # 3 per second, 12 requests inside one second: exactly 3 pass when
        # the two processes share the counters (up to 6 if they did not).
        limited = gate_key(stack, "spawn-rl", rate=3)
        for attempt in range(3):
            before = len(stack.logs())
            ok, others, spanned = rate_burst(web, limited["key"], n=12, parallel=4)
            served = set(re.findall(r"jwtmint\[(\d+)\]: method=GET path=\S+ status=(?:200|429) "
                                    r"ms=[0-9.]+ client=%s" % limited["id"], stack.logs()[before:]))
            if spanned == 1 and len(served) == 2:
                break
        assert {int(x) for x in served} <= set(pids), "served by %r, not the spawn-fcgi children %r" % (served, pids)
        assert all(st == 429 for st, _, _ in others), "over the limit: %r" % [o[0] for o in others]
        if spanned == 1:
            assert ok == 3, "%d of 12 allowed in one second at 3/s across %d process(es)" % (ok, len(served))
        else:
            assert ok <= 3 * spanned, "%d allowed in %d seconds at 3/s" % (ok, spanned)
        if len(served) < 2:
            stack.note("spawn-fcgi: one process served every burst; the sharing was not exercised")
        assert os.path.exists("/dev/shm" + shm), "rate_limit_shm %s was not created" % shm
    finally:
        c.run()


def test_systemd_units_verify(stack):
    tool = need_program("systemd-analyze", "systemd")
    src = os.path.join(REPO, "conf", "systemd")
    units = sorted(f for f in os.listdir(src) if f.endswith((".service", ".socket")))
    assert set(units) >= {"jwtmint.service", "jwtmint.socket"}, "conf/systemd has %r" % units
    # The units name /usr/local/sbin/jwtmint (make install's default), which
    # verify requires to exist: check copies that point at the binary under
    # test, nothing else changed (test_install.py checks the installed ones).
    d = os.path.join(stack.tmp, "systemd")
    os.mkdir(d)
    for u in units:
        with open(os.path.join(src, u)) as f:
            text = f.read()
        assert "/usr/local/sbin/jwtmint " in text or u.endswith(".socket"), "%s: ExecStart is not /usr/local/sbin/jwtmint" % u
        with open(os.path.join(d, u), "w") as f:
            f.write(text.replace("/usr/local/sbin/jwtmint", stack.jwtmint))
    p = subprocess.run([tool, "verify", "--man=no"] + [os.path.join(d, u) for u in units],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60, cwd=d)
    out = p.stdout.decode(errors="replace")
    if p.returncode != 0 and re.search(r"Failed to (initialize|connect)|Operation not permitted|"
                                       r"System has not been booted", out) and "jwtmint" not in out:
        raise Skip("systemd-analyze cannot run here: %s" % out.strip()[:200])
    ours = [l for l in out.splitlines() if "jwtmint" in l]
    assert p.returncode == 0 and not ours, "systemd-analyze verify (exit %d):\n%s" % (p.returncode, out)
