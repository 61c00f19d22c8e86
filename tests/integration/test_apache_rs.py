"""
A real third-party resource server in front of an API: Apache httpd with
Debian's mod_auth_openidc (AuthType oauth20) accepts and refuses jwtmint's
access tokens, once verifying them itself against the JWKS and once asking
jwtmint through RFC 7662 introspection (tests/apache-rs/apache-rs.conf.in;
the operator's version is in docs/CLIENTS.md).

mod_auth_openidc fetches the JWKS and introspects over https only, and
verifies the server: a throwaway CA (openssl, in the stack's temp dir)
signs a certificate for 127.0.0.1, a TLS virtual host of the same Apache
passes /.well-known/jwks.json and /introspect on to jwtmint behind the
stack's nginx, and the resource servers trust that CA (OIDCCABundlePath),
never with verification turned off.

Each mode: a valid access token is accepted (200, the resource sees the
subject in REMOTE_USER and the claims in OIDC_CLAIM_*), and expired,
tampered, garbage and refresh tokens are refused with 401. A revoked token
is refused by introspection at once; local JWKS verification cannot see a
revocation and accepts it until it expires: asserted, because that is what
an operator gets (docs/CLIENTS.md); so are the other claims it leaves
unchecked (nbf, typ, a missing exp). A resource server trusting another CA
accepts nothing, and a signing key made at jwtmint is fetched on its first
unknown kid.

Apache runs once per file (started by the first test that needs it, stopped
with the stack), in the foreground as our child, on four loopback ports
(the TLS front, the two modes, the untrusting one) picked free and picked
again when Apache cannot bind one.
"""

import atexit
import http.client
import json
import os
import re
import secrets as pysecrets
import shutil
import signal
import socket
import subprocess
import time

from harness import REPO, b64url_decode, free_port, need_program, nginx_only, wait_for
from test_lifecycle import b64url, claims_of, login_ok, new_key, new_org, new_user, revoke, sign_es256, signing_key

MODES = ("nginx",)
# Argon2 cost is not under test here: cheap parameters keep the logins fast.
STACK_OPTIONS = {"env": {"JWTMINT_ARGON2_M_KIB": "256", "JWTMINT_ARGON2_T": "1"}}

TEMPLATE = os.path.join(REPO, "tests", "apache-rs", "apache-rs.conf.in")
CGI = os.path.join(REPO, "tests", "apache-rs", "rs.cgi")
MODULE = "mod_auth_openidc.so"
PORT_TRIES = 8
START_SEC = 15


def sh(args, cwd=None):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                       timeout=30, cwd=cwd)
    if p.returncode != 0:
        raise AssertionError("%s exited %d: %s" % (" ".join(args[:3]), p.returncode,
                                                   p.stderr.decode(errors="replace").strip()[-1500:]))
    return p.stdout


def make_ca(d, name):
    """A throwaway CA in d: NAME.key, NAME.crt (P-256, one day)."""
    sh(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", os.path.join(d, name + ".key"), "-out", os.path.join(d, name + ".crt"),
        "-days", "1", "-subj", "/CN=jwtmint test CA " + name,
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign"])


def make_tls(d):
    """ca.crt, and server.crt/server.key for IP 127.0.0.1 signed by it;
    other-ca.crt, a CA that signed nothing here."""
    make_ca(d, "ca")
    make_ca(d, "other-ca")
    ext = os.path.join(d, "server.ext")
    with open(ext, "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"
                "keyUsage=critical,digitalSignature\nbasicConstraints=CA:FALSE\n")
    sh(["openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", os.path.join(d, "server.key"), "-out", os.path.join(d, "server.csr"),
        "-subj", "/CN=127.0.0.1"])
    sh(["openssl", "x509", "-req", "-in", os.path.join(d, "server.csr"), "-days", "1",
        "-CA", os.path.join(d, "ca.crt"), "-CAkey", os.path.join(d, "ca.key"), "-CAcreateserial",
        "-extfile", ext, "-out", os.path.join(d, "server.crt")])
    for n in ("ca.key", "other-ca.key", "server.csr", "server.ext"):
        os.unlink(os.path.join(d, n))


def moddir():
    for d in (os.environ.get("APACHE_MODDIR", ""), "/usr/lib/apache2/modules"):
        if d and os.path.isfile(os.path.join(d, "mod_ssl.so")):
            return d
    raise AssertionError("no Apache module directory with mod_ssl.so (apache2-bin; set APACHE_MODDIR)")


def port_answers(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


class ResourceServer:
    """The Apache of this file: see the module comment."""

    def __init__(self, stack):
        self.stack = stack
        self.apache = need_program("apache2", "apache2-bin")
        self.moddir = moddir()
        assert os.path.isfile(os.path.join(self.moddir, MODULE)), \
            "%s is missing: install package libapache2-mod-auth-openidc (scripts/install-deps.sh installs it)" \
            % MODULE
        need_program("openssl", "openssl")
        self.proc = None
        # The resource server's own credentials: a key of the organization
        # with the "introspect" scope (src/h_introspect.c), nothing else.
        self.org = new_org(stack, "rs")
        self.rs_key = new_key(stack, self.org, scopes="introspect", grants="client_credentials")
        self.client = new_key(stack, self.org, scopes="read:accounts",
                              grants="client_credentials,password,refresh_token")
        self.user = new_user(stack, self.org)
        # The cgid socket path must stay under 108 bytes.
        self.dir = os.path.join(stack.tmp, "apache-rs")
        os.makedirs(os.path.join(self.dir, "htdocs"))
        make_tls(self.dir)
        shutil.copy(CGI, os.path.join(self.dir, "htdocs", "rs.cgi"))
        os.chmod(os.path.join(self.dir, "htdocs", "rs.cgi"), 0o755)
        if os.getuid() == 0:
            # Its children run as nobody: they read the CGI and the CA.
            os.chmod(self.dir, 0o755)
            for n in ("ca.crt", "other-ca.crt", "server.crt"):
                os.chmod(os.path.join(self.dir, n), 0o644)
        atexit.register(self.stop)
        self.start()

    def write_conf(self, ports):
        user = ""
        if os.getuid() == 0:
            import grp
            import pwd
            user = "User nobody\nGroup %s" % grp.getgrgid(pwd.getpwnam("nobody").pw_gid).gr_name
        values = {
            "OUTDIR": self.dir, "MODDIR": self.moddir, "USER": user,
            "TLS_PORT": str(ports["tls"]), "JWKS_PORT": str(ports["jwks"]),
            "INTRO_PORT": str(ports["intro"]), "UNTRUSTED_PORT": str(ports["untrusted"]),
            "UPSTREAM": self.stack.issuer, "ISSUER": self.stack.issuer,
            "AUDIENCE": self.stack.audiences[0],
            "CLIENT_ID": self.rs_key["id"], "CLIENT_SECRET": self.rs_key["key"],
            "PASSPHRASE": pysecrets.token_urlsafe(32),
        }
        with open(TEMPLATE) as f:
            text = f.read()
        for k, v in values.items():
            text = text.replace("@%s@" % k, v)
        left = re.findall(r"@[A-Z_]+@", text)
        assert not left, "placeholders of %s left unreplaced: %s" % (TEMPLATE, left)
        path = os.path.join(self.dir, "apache.conf")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(text)
        return path

    def start(self):
        conf = None
        for _ in range(PORT_TRIES):
            self.ports = {n: free_port() for n in ("tls", "jwks", "intro", "untrusted")}
            if len(set(self.ports.values())) < len(self.ports):
                continue
            conf = self.write_conf(self.ports)
            t = subprocess.run([self.apache, "-t", "-f", conf], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=30)
            assert t.returncode == 0, "apache2 -t: %s" % t.stdout.decode(errors="replace")[-1500:]
            # Each attempt's logs alone: readiness and EADDRINUSE are read there.
            open(os.path.join(self.dir, "error.log"), "wb").close()
            err = open(os.path.join(self.dir, "start.err"), "wb")
            # -DFOREGROUND: our child, stopped by its pid even when the temp
            # dir (and its pid file) is gone; -E: start-up errors go here.
            self.proc = subprocess.Popen([self.apache, "-DFOREGROUND", "-f", conf, "-E",
                                          os.path.join(self.dir, "start.err")],
                                         stdin=subprocess.DEVNULL, stdout=err, stderr=err,
                                         start_new_session=True)
            err.close()
            # Ready: it bound every port (then logs "resuming normal
            # operations") and each answers; or it exited.
            deadline = time.time() + START_SEC
            while time.time() < deadline and self.proc.poll() is None and not self.ready():
                time.sleep(0.05)
            if self.proc.poll() is None and self.ready():
                return
            self.stop()
            log = self.log()
            if "Address already in use" in log:
                self.stack.note("apache-rs: a port was taken, trying others: %s" % self.ports)
                continue
            raise AssertionError("apache (resource server) did not start:\n%s" % log[-2000:])
        raise AssertionError("apache (resource server): no free ports in %d tries" % PORT_TRIES)

    def ready(self):
        return "resuming normal operations" in self.log() and \
            all(port_answers(p) for p in self.ports.values())

    def stop(self):
        p, self.proc = self.proc, None
        if p is None or p.poll() is not None:
            return
        # apache2 -DFOREGROUND stops its children on SIGTERM.
        os.kill(p.pid, signal.SIGTERM)
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=5)

    def log(self):
        out = []
        for n in ("start.err", "error.log"):
            try:
                with open(os.path.join(self.dir, n), errors="replace") as f:
                    out.append(f.read())
            except OSError:
                pass
        return "\n".join(out)

    def get(self, mode, token, path="/rs/orders"):
        """GET path on the resource server `mode` (jwks, intro, untrusted)
        with Authorization: Bearer token. Returns (status, headers, JSON or
        raw bytes)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.ports[mode], timeout=10)
        try:
            hdrs = {} if token is None else {"Authorization": "Bearer " + token}
            conn.request("GET", path, headers=hdrs)
            r = conn.getresponse()
            body = r.read()
            rh = {k.lower(): v for k, v in r.getheaders()}
        finally:
            conn.close()
        try:
            doc = json.loads(body)
        except ValueError:
            doc = body
        return r.status, rh, doc


def rs_of(stack):
    """The file's resource server, started on first use; a failed start
    fails every later test with the same reason."""
    failed = getattr(stack, "_apache_rs_failed", None)
    assert failed is None, "the resource server did not start: %s" % failed
    rs = getattr(stack, "_apache_rs", None)
    if rs is None:
        try:
            rs = stack._apache_rs = ResourceServer(stack)
        except Exception as e:
            stack._apache_rs_failed = str(e) or type(e).__name__
            raise
        # Stopped with the stack, before its nginx and jwtmint go.
        stack_stop = stack.stop

        def stop():
            rs.stop()
            stack_stop()
        stack.stop = stop
    assert rs.proc is not None and rs.proc.poll() is None, "the resource server's Apache has exited:\n%s" % \
        rs.log()[-2000:]
    return rs


def login(stack, rs):
    """A fresh password login of the file's user: (access, refresh)."""
    doc = login_ok(stack, rs.client, rs.user)
    return doc["access_token"], doc["refresh_token"]


def mint(stack, like, header_extra=None, **changes):
    """test_lifecycle.mint with the signing key unsealed once per file: a
    token with the claims of `like` changed (None drops one), a new jti,
    signed with jwtmint's own active ES256 key."""
    if getattr(stack, "_apache_rs_signer", None) is None:
        stack._apache_rs_signer = signing_key(stack)
    kid, priv = stack._apache_rs_signer
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


def tampered(token):
    """The token with one claim changed and the signature kept."""
    h, _, s = token.split(".")
    c = claims_of(token)
    c["scope"] = "admin " + c["scope"]
    return "%s.%s.%s" % (h, b64url(json.dumps(c, separators=(",", ":")).encode()), s)


def expired(stack, like):
    """A token signed with jwtmint's real key, past its exp by more than any
    leeway (jwtmint: verify_leeway_sec 30; mod_auth_openidc: none)."""
    now = int(time.time())
    return mint(stack, like, iat=now - 1200, nbf=now - 1200, exp=now - 300)


def accepted(rs, mode, token, sub, what):
    st, rh, doc = rs.get(mode, token)
    assert st == 200, "%s: %s: %d %r\n%s" % (mode, what, st, doc, rs.log()[-1500:])
    assert isinstance(doc, dict) and doc.get("remote_user") == sub, "%s: %s: the resource saw %r" % (
        mode, what, doc)
    return doc


def refused(rs, mode, token, what, by_authz=False):
    """401. mod_auth_openidc's own refusals say WWW-Authenticate: Bearer;
    those of a "Require claim" (by_authz: the token verified, a claim did
    not match) are Apache's authorization failures, a bare 401."""
    st, rh, doc = rs.get(mode, token)
    assert st == 401, "%s: %s: %d %r, want 401" % (mode, what, st, doc)
    www = rh.get("www-authenticate", "")
    if not (by_authz and www == ""):
        assert www.lower().startswith("bearer"), "%s: %s: WWW-Authenticate %r" % (mode, what, www)
    return www


def check_refusals(stack, rs, mode):
    access, rt = login(stack, rs)
    accepted(rs, mode, access, rs.user["id"], "the control token")
    # The refusals below of tokens signed by the test are about the claim
    # changed: one with only a new jti passes.
    accepted(rs, mode, mint(stack, access), rs.user["id"], "a control token signed by the test")
    # Signed with jwtmint's real key but for another audience or issuer:
    # the JWKS mode verifies them and "Require claim" refuses them.
    by_authz = mode == "jwks"
    for what, tok, authz in (("an expired token", expired(stack, access), False),
                             ("a tampered token", tampered(access), False),
                             ("a token for another audience", mint(stack, access, aud="another.api"), by_authz),
                             ("a token of another issuer", mint(stack, access, iss="https://evil.example"),
                              by_authz),
                             ("garbage", "not-a-token", False),
                             ("garbage in JWT shape", "eyJhbGciOiJFUzI1NiJ9.e30.AAAA", False),
                             ("a refresh token", rt, False)):
        www = refused(rs, mode, tok, what, authz)
        if what != "garbage" and "error=" in www:
            assert 'error="invalid_token"' in www, "%s: %s: WWW-Authenticate %r" % (mode, what, www)
    refused(rs, mode, None, "no token")
    # The control token still passes: nothing above was refused for another reason.
    accepted(rs, mode, access, rs.user["id"], "the control token after the refusals")


@nginx_only
def test_jwks_accepts_valid_tokens(stack):
    rs = rs_of(stack)
    access, _ = login(stack, rs)
    doc = accepted(rs, "jwks", access, rs.user["id"], "a user's access token")
    assert doc["auth_type"] == "oauth20" and doc["client_id"] == rs.client["id"], doc
    assert doc["scope"] == "read:accounts" and doc["org"] == rs.org["id"], doc
    assert doc["authorization_seen"] is False, "the token reached the CGI: %r" % doc
    st, _, tok = stack.token(rs.client["key"], scope="read:accounts")
    assert st == 200, tok
    accepted(rs, "jwks", tok["access_token"], rs.client["id"], "a client_credentials token (subject: the key id)")


@nginx_only
def test_jwks_refuses_bad_tokens(stack):
    check_refusals(stack, rs_of(stack), "jwks")


@nginx_only
def test_introspection_accepts_valid_tokens(stack):
    rs = rs_of(stack)
    access, _ = login(stack, rs)
    doc = accepted(rs, "intro", access, rs.user["id"], "a user's access token")
    assert doc["auth_type"] == "oauth20" and doc["client_id"] == rs.client["id"], doc
    assert doc["scope"] == "read:accounts" and doc["org"] == rs.org["id"], doc
    st, _, tok = stack.token(rs.client["key"], scope="read:accounts")
    assert st == 200, tok
    accepted(rs, "intro", tok["access_token"], rs.client["id"], "a client_credentials token (subject: the key id)")


@nginx_only
def test_introspection_refuses_bad_tokens(stack):
    check_refusals(stack, rs_of(stack), "intro")
    # A token of another organization: jwtmint answers active false to a
    # resource server of this one.
    st, _, tok = stack.token(stack.keys["main"]["key"], scope="read:accounts")
    assert st == 200, tok
    accepted(rs_of(stack), "jwks", tok["access_token"], claims_of(tok["access_token"])["sub"],
             "another organization's token, verified locally")
    refused(rs_of(stack), "intro", tok["access_token"], "another organization's token")


@nginx_only
def test_revocation_seen_by_introspection_only(stack):
    rs = rs_of(stack)
    access, _ = login(stack, rs)
    accepted(rs, "intro", access, rs.user["id"], "before revocation")
    accepted(rs, "jwks", access, rs.user["id"], "before revocation")
    revoke(stack, rs.client, access, token_type_hint="access_token")
    # Introspection is not cached (OIDCOAuthTokenIntrospectionInterval -1):
    # refused on the next request.
    refused(rs, "intro", access, "a revoked token")
    # Local verification checks the signature and exp only: the revoked
    # token passes until it expires (docs/CLIENTS.md says so).
    accepted(rs, "jwks", access, rs.user["id"], "a revoked token, verified locally (it cannot know)")


@nginx_only
def test_tls_is_verified(stack):
    """A resource server that does not trust the CA of jwtmint's certificate
    fetches no JWKS and accepts nothing: verification is on."""
    rs = rs_of(stack)
    access, _ = login(stack, rs)
    st, _, doc = rs.get("untrusted", access)
    assert st == 401, "a resource server trusting another CA: %d %r" % (st, doc)
    # Refused because curl refused the certificate, not for another reason.
    wait_for(lambda: "SSL certificate problem" in rs.log(), timeout=5,
             what="curl's certificate error in the resource server's error.log")
    accepted(rs, "jwks", access, rs.user["id"], "the same token where the CA is trusted")



@nginx_only
def test_jwks_checks_signature_and_exp_only(stack):
    """What local verification (mod_auth_openidc 2.4.12) does not check, and
    introspection does: nbf, the RFC 9068 typ "at+jwt", a missing exp. Each
    token below is signed with jwtmint's real key, so only its key holder
    could make one; docs/CLIENTS.md lists these limits. Should a newer
    module check them, this test says so and the documentation changes."""
    rs = rs_of(stack)
    access, _ = login(stack, rs)
    now = int(time.time())
    for what, tok in (("a token not valid before 10 minutes from now", mint(stack, access, nbf=now + 600)),
                      ("a token of typ JWT, not at+jwt", mint(stack, access, header_extra={"typ": "JWT"})),
                      ("a token without exp", mint(stack, access, exp=None))):
        accepted(rs, "jwks", tok, rs.user["id"], what + ", verified locally")
        refused(rs, "intro", tok, what)


@nginx_only
def test_jwks_follows_a_new_signing_key(stack):
    """A signing key made now (jwtmint-admin signing-key create: it signs at
    once, unannounced) is fetched on its first unknown kid, not after
    OIDCJWKSRefreshInterval."""
    rs = rs_of(stack)
    access, _ = login(stack, rs)
    accepted(rs, "jwks", access, rs.user["id"], "a token of the current key (the JWKS is cached)")
    new = stack.admin_json("signing-key", "create", "--alg", "ES256", "--json")
    def new_kid_token():
        tok, _ = login(stack, rs)
        return tok if json.loads(b64url_decode(tok.split(".")[0]))["kid"] == new["kid"] else None
    tok = wait_for(new_kid_token, timeout=10, what="a token signed by the new key %s" % new["kid"])
    accepted(rs, "jwks", tok, rs.user["id"], "a token of a key the cached JWKS does not have")
    accepted(rs, "intro", tok, rs.user["id"], "a token of the new key, introspected")


@nginx_only
def test_documented_configuration_parses(stack):
    """The configuration docs/CLIENTS.md gives operators passes apache2 -t
    with the modules it names (Apache takes no comment after a directive,
    for one): the documentation cannot drift into something that does not
    start."""
    apache = need_program("apache2", "apache2-bin")
    with open(os.path.join(REPO, "docs", "CLIENTS.md")) as f:
        text = f.read()
    m = re.search(r"^## Apache httpd as a resource server.*?^```apache\n(.*?)^```$", text, re.S | re.M)
    assert m, "docs/CLIENTS.md: no ```apache block in the section on Apache as a resource server"
    d = os.path.join(stack.tmp, "apache-rs-doc")
    os.makedirs(d, exist_ok=True)
    md = moddir()
    head = ["ServerRoot " + d, "PidFile %s/pid" % d, "ErrorLog %s/error.log" % d,
            "Listen 127.0.0.1:443", "ServerName 127.0.0.1"]
    head += ["LoadModule %s_module %s/mod_%s.so" % (n, md, n)
             for n in ("mpm_event", "authn_core", "authz_core", "authz_user")]
    conf = os.path.join(d, "apache.conf")
    with open(conf, "w") as f:
        f.write("\n".join(head) + "\n" + m.group(1).replace("/usr/lib/apache2/modules", md))
    p = subprocess.run([apache, "-t", "-f", conf], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL, timeout=30)
    assert p.returncode == 0, "apache2 -t of the docs/CLIENTS.md configuration: %s" % \
        p.stdout.decode(errors="replace")[-1500:]
