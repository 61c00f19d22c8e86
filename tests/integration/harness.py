"""
harness: the whole jwtmint stack in a temp dir, for the integration tests.

A Stack starts, in a fresh temp dir: a throwaway PostgreSQL (scripts/pg.sh,
--fast), a config file, the schema (jwtmint-admin migrate), an organization,
an ES256 signing key and a few API keys; then, in "nginx" mode, jwtmint
pre-forked on a unix socket and nginx (scripts/nginx.sh) on a free loopback
port; in "cgi" mode nothing more: every request runs BIN/jwtmint as a CGI/1.1
program. Stack.request() is the same in both modes, so the same tests run in
both. stop() tears everything down and is safe to call twice, after a partial
start, or from a signal handler's exception.

Invariants: no fixed ports and no probe-then-bind race: jwtmint binds port 0
and says which port it got (spawn_server_tcp); a web server, which cannot,
takes any free port through its script (PORT 0), which retries on another
port when the bind fails with EADDRINUSE (start_web_server). Nothing outside
the temp dir is written, every child has a timeout. Tokens are checked
only against the published JWKS, with two independent libraries (jwcrypto and
PyJWT), never with jwtmint's own code.
"""

import base64
import datetime
import http.client
import json
import os
import re
import secrets as pysecrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import zlib

from jwcrypto import jwk as jc_jwk
from jwcrypto import jws as jc_jws
import jwt as pyjwt

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PG_SH = os.path.join(REPO, "scripts", "pg.sh")
NGINX_SH = os.path.join(REPO, "scripts", "nginx.sh")

KEY_RE = re.compile(r"jmk_(live|test)_([a-z2-7]{16})_([a-z2-7]{59})")
FORM = "application/x-www-form-urlencoded"
SANITIZER_MARKERS = ("AddressSanitizer", "runtime error:", "LeakSanitizer",
                     "UndefinedBehaviorSanitizer")
CHILD_TIMEOUT_SEC = 20


# Runs argv[2:] and writes its peak RSS (KiB, from wait4) to the file argv[1];
# exits as it did. How Stack.peak_rss_kib sees a CGI process's memory.
RUSAGE_WRAPPER = r"""
import os, signal, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, ru = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    f.write("%d\n" % ru.ru_maxrss)
if os.WIFSIGNALED(status):
    signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
    os.kill(os.getpid(), os.WTERMSIG(status))
sys.exit(os.WEXITSTATUS(status))
"""


class Skip(Exception):
    """Raised by a test that does not apply in this mode, or that this
    machine cannot run (no IPv6 loopback, one CPU); the runner prints
    'ok - NAME # skip REASON', which tests/run.sh counts as skipped and
    holds against tests/skips.expected by REASON up to its first ':' (keep
    that part stable, details after it). A missing package is not a skip:
    see need()."""


def need(present, what, package):
    """A test that needs `what`, which Debian package `package` provides and
    scripts/install-deps.sh installs (`make test` runs it first): when it is
    missing the test fails, it does not skip, since a skip would only hide
    that a part of the suite stopped running. Skip is for what does not
    apply (a mode) or what this machine cannot do (no IPv6, one CPU)."""
    if not present:
        raise AssertionError("%s is missing: install package %s (scripts/install-deps.sh installs it)"
                             % (what, package))


def need_program(name, package):
    """The path of program `name` (PATH, then /usr/sbin and /sbin), or a
    failure naming its package; see need()."""
    path = shutil.which(name) or next((p for p in ("/usr/sbin/" + name, "/sbin/" + name)
                                       if os.access(p, os.X_OK)), None)
    need(path, "the program " + name, package)
    return path


def nginx_only(fn):
    """Mark a test that needs raw sockets or a running server."""
    fn.nginx_only = True
    return fn


def allow_worker_exit(fn):
    """Mark a test that kills or restarts jwtmint's workers on purpose."""
    fn.allow_worker_exit = True
    return fn


def free_port():
    """A port free at the moment of the call. Racy for a server to bind
    afterwards (another process may take it first): only for a number
    nothing binds (CGI mode's SERVER_PORT). Servers: spawn_server_tcp,
    start_web_server."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
    finally:
        s.close()


def start_web_server(script, outdir, fcgi, extra=(), note=None, timeout=60):
    """scripts/{nginx,lighttpd,apache}.sh conf OUTDIR 0 FCGI [EXTRA...],
    then start: on any free loopback port, which the script retries on
    another port when the bind fails with EADDRINUSE, saying so on stderr
    (scripts/web-lib.sh); note(text) gets those lines. Returns the port."""
    name = os.path.basename(script)
    for args in (["conf", outdir, "0", fcgi] + list(extra), ["start", outdir]):
        p = subprocess.run([script] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           stdin=subprocess.DEVNULL, timeout=timeout)
        err = p.stderr.decode(errors="replace").strip()
        if p.returncode != 0:
            raise AssertionError("%s %s exited %d: %s" % (name, args[0], p.returncode, err[-1500:]))
        if err and note:
            note("%s %s: %s" % (name, args[0], err))
    with open(os.path.join(outdir, "port")) as f:
        port = int(f.read())
    assert 0 < port < 65536, "%s start: port %d in %s/port" % (name, port, outdir)
    return port


def split_address(address):
    """"host:port" or "[v6]:port" → (host, port) for socket calls."""
    host, _, port = address.rpartition(":")
    return host.strip("[]"), int(port)


def pg_bindir():
    d = os.environ.get("PG_BINDIR")
    if d:
        return d
    cands = []
    base = "/usr/lib/postgresql"
    if os.path.isdir(base):
        for v in os.listdir(base):
            if os.path.isfile(os.path.join(base, v, "bin", "pg_ctl")):
                cands.append(v)
    if cands:
        cands.sort(key=lambda v: [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", v)])
        return os.path.join(base, cands[-1], "bin")
    return os.path.dirname(shutil.which("psql") or "/usr/bin/psql")


def b64(data):
    return base64.b64encode(data).decode()


def b64url_decode(s):
    if isinstance(s, str):
        s = s.encode()
    return base64.urlsafe_b64decode(s + b"=" * (-len(s) % 4))


def basic_auth(client_id, client_secret):
    """RFC 6749 §2.3.1: both parts form-urlencoded, then RFC 7617 Basic."""
    raw = urllib.parse.quote_plus(client_id) + ":" + urllib.parse.quote_plus(client_secret)
    return "Basic " + b64(raw.encode())


def form(*pairs, **kw):
    """Encode form pairs (list of tuples and/or keywords) as bytes."""
    items = list(pairs) + list(kw.items())
    return urllib.parse.urlencode(items).encode()


def key_parts(key):
    """(env, id, secret52, crc7) of an API key string, or None."""
    m = KEY_RE.fullmatch(key)
    if not m:
        return None
    rest = m.group(3)
    return m.group(1), m.group(2), rest[:52], rest[52:]


def key_checksum(prefix):
    """The 7-character checksum of everything before it (src/apikey.h:
    CRC-32 IEEE, big-endian, lower-case RFC 4648 base32, no padding)."""
    crc = zlib.crc32(prefix.encode()) & 0xFFFFFFFF
    return base64.b32encode(struct.pack(">I", crc)).decode().rstrip("=").lower()


def make_key(env="live", key_id=None, secret=None):
    """A well-formed key with a right checksum: random id/secret unless given."""
    if key_id is None:
        key_id = base64.b32encode(os.urandom(10)).decode().lower()
    if secret is None:
        secret = os.urandom(32)
    s52 = base64.b32encode(secret).decode().rstrip("=").lower()
    prefix = "jmk_%s_%s_%s" % (env, key_id, s52)
    return prefix + key_checksum(prefix)


def secret_bytes(secret52):
    return base64.b32decode(secret52.upper() + "====")


def parse_cgi_response(out):
    """Parse a CGI response (RFC 3875 §6): header lines, blank line, body.
    Returns (status, headers lower-cased, body). Raises AssertionError on a
    malformed response."""
    cut = None
    for sep in (b"\r\n\r\n", b"\n\n"):
        i = out.find(sep)
        if i >= 0 and (cut is None or i < cut[0]):
            cut = (i, len(sep))
    assert cut is not None, "CGI response has no blank line after the headers: %r" % out[:300]
    head, body = out[:cut[0]], out[cut[0] + cut[1]:]
    status, headers = 200, {}
    for line in head.replace(b"\r\n", b"\n").split(b"\n"):
        assert b":" in line, "malformed CGI header line %r" % line[:200]
        name, _, value = line.partition(b":")
        name = name.decode("latin-1").strip().lower()
        value = value.decode("latin-1").strip()
        assert name and re.fullmatch(r"[a-z0-9!#$%&'*+.^_`|~-]+", name), \
            "bad CGI header name %r" % name
        if name == "status":
            m = re.match(r"(\d{3})( .*)?$", value)
            assert m, "bad Status header %r" % value
            status = int(m.group(1))
            continue
        headers[name] = headers[name] + ", " + value if name in headers else value
    if "location" in headers and not any(l.lower().startswith(b"status:") for l in head.split(b"\n")):
        status = 302
    return status, headers, body


# --- A minimal FastCGI client (responder role) -------------------------------

FCGI_BEGIN, FCGI_ABORT, FCGI_END, FCGI_PARAMS, FCGI_STDIN, FCGI_STDOUT, FCGI_STDERR = 1, 2, 3, 4, 5, 6, 7


def _fcgi_rec(rtype, rid, content):
    out = b""
    for i in range(0, max(len(content), 1), 65535):
        chunk = content[i:i + 65535]
        pad = -len(chunk) % 8
        out += struct.pack(">BBHHBB", 1, rtype, rid, len(chunk), pad, 0) + chunk + b"\0" * pad
    return out


def _fcgi_nv(name, value):
    def ln(n):
        return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)
    return ln(len(name)) + ln(len(value)) + name + value


def fcgi_params(env):
    return b"".join(_fcgi_nv(k if isinstance(k, bytes) else k.encode(),
                             v if isinstance(v, bytes) else v.encode())
                    for k, v in env.items())


def fcgi_read(s):
    """Read FastCGI records from socket s up to END_REQUEST; return
    (stdout bytes, stderr bytes)."""
    buf, out, err = b"", b"", b""
    while True:
        while len(buf) < 8:
            d = s.recv(65536)
            if not d:
                raise AssertionError("FastCGI connection closed before END_REQUEST")
            buf += d
        _, rtype, _, clen, plen, _ = struct.unpack(">BBHHBB", buf[:8])
        while len(buf) < 8 + clen + plen:
            d = s.recv(65536)
            if not d:
                raise AssertionError("FastCGI connection closed mid-record")
            buf += d
        content = buf[8:8 + clen]
        buf = buf[8 + clen + plen:]
        if rtype == FCGI_STDOUT:
            out += content
        elif rtype == FCGI_STDERR:
            err += content
        elif rtype == FCGI_END:
            return out, err


def record_route(method, path, status):
    """Note an admin or platform request in $JWTMINT_ROUTE_LOG (tests/run.sh
    sets it): tests/openapi/walk.py checks that every operation of
    docs/openapi.json was exercised with a success."""
    log = os.environ.get("JWTMINT_ROUTE_LOG")
    p = path.split("?", 1)[0]
    if log and (p.startswith("/admin/") or p.startswith("/platform/")):
        with open(log, "a") as f:
            f.write("%s %s %d\n" % (method, p, status))


def fcgi_request(address, env, body=b"", timeout=10):
    """Send one request to a FastCGI responder at address ("unix:/path" or
    "host:port"); return (status, headers, body, stderr bytes)."""
    if address.startswith("unix:"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(address[5:])
    else:
        s = socket.create_connection(split_address(address), timeout=timeout)
    try:
        params = fcgi_params(env)
        msg = _fcgi_rec(FCGI_BEGIN, 1, struct.pack(">HB5x", 1, 0))
        msg += (_fcgi_rec(FCGI_PARAMS, 1, params) if params else b"") + _fcgi_rec(FCGI_PARAMS, 1, b"")
        msg += (_fcgi_rec(FCGI_STDIN, 1, body) if body else b"") + _fcgi_rec(FCGI_STDIN, 1, b"")
        s.sendall(msg)
        out, err = fcgi_read(s)
        status, headers, rbody = parse_cgi_response(out)
        return status, headers, rbody, err
    finally:
        s.close()


# --- Token verification, with the JWKS only ---------------------------------

def verify_token(jwks, token, *, issuer, audience, client_id, scope, org_id,
                 ttl=900, alg="ES256", now=None):
    """Check an access token against the JWKS document only (RFC 9068 shape).
    Returns (header, claims). Raises AssertionError with a reason."""
    now = time.time() if now is None else now
    parts = token.split(".")
    assert len(parts) == 3, "not a compact JWS: %d parts" % len(parts)
    header = json.loads(b64url_decode(parts[0]))
    assert header.get("alg") == alg, "alg %r, want %r" % (header.get("alg"), alg)
    assert header.get("typ") == "at+jwt", "typ %r, want at+jwt (RFC 9068)" % header.get("typ")
    assert set(header) == {"alg", "typ", "kid"}, "unexpected header fields %r" % sorted(header)
    kid = header["kid"]
    matches = [k for k in jwks["keys"] if k.get("kid") == kid]
    assert len(matches) == 1, "kid %r found %d times in the JWKS" % (kid, len(matches))
    jwk_dict = matches[0]
    assert jwk_dict.get("alg") in (None, alg), "JWK alg %r vs token alg %r" % (jwk_dict.get("alg"), alg)
    assert "d" not in jwk_dict, "JWKS publishes a private key"

    # 1. jwcrypto: signature.
    key = jc_jwk.JWK(**jwk_dict)
    assert key.thumbprint() == kid, "kid is not the RFC 7638 thumbprint of its JWK"
    sig = jc_jws.JWS()
    sig.deserialize(token)
    try:
        sig.verify(key, alg=alg)
    except Exception as e:  # jwcrypto raises InvalidJWSSignature
        raise AssertionError("jwcrypto: bad signature: %s" % e)
    claims = json.loads(sig.payload)

    # 2. PyJWT: signature and registered claims, independently.
    pkey = pyjwt.PyJWK(jwk_dict, algorithm=alg).key
    try:
        c2 = pyjwt.decode(token, pkey, algorithms=[alg], audience=audience, issuer=issuer,
                          options={"require": ["exp", "iat", "nbf", "iss", "aud", "sub", "jti"]},
                          leeway=5)
    except pyjwt.PyJWTError as e:
        raise AssertionError("PyJWT rejects the token: %s: %s" % (type(e).__name__, e))
    assert c2 == claims, "the two libraries disagree on the claims"

    assert claims.get("iss") == issuer, "iss %r, want %r" % (claims.get("iss"), issuer)
    aud = claims.get("aud")
    assert aud == audience or aud == [audience], "aud %r, want %r" % (aud, audience)
    assert claims.get("sub") == client_id, "sub %r, want client_id %r" % (claims.get("sub"), client_id)
    assert claims.get("client_id") == client_id, "client_id %r, want %r" % (claims.get("client_id"), client_id)
    assert claims.get("scope") == scope, "scope %r, want %r" % (claims.get("scope"), scope)
    assert claims.get("org") == org_id, "org %r, want %r" % (claims.get("org"), org_id)
    for c in ("exp", "iat", "nbf"):
        assert isinstance(claims.get(c), int), "%s is not an integer: %r" % (c, claims.get(c))
    assert claims["exp"] - claims["iat"] == ttl, "exp - iat = %d, want %d" % (claims["exp"] - claims["iat"], ttl)
    assert abs(claims["iat"] - now) < 60, "iat %d is far from now %d" % (claims["iat"], now)
    assert claims["nbf"] <= claims["iat"] + 1, "nbf after iat"
    jti = claims.get("jti")
    assert isinstance(jti, str) and re.fullmatch(r"[A-Za-z0-9_-]+", jti), "jti %r is not base64url" % jti
    assert len(b64url_decode(jti)) >= 16, "jti has fewer than 128 bits"
    return header, claims


# --- The stack ----------------------------------------------------------------

class Stack:
    """Everything jwtmint needs, in one temp dir. See the module comment."""

    def __init__(self, bin_dir, mode, env=None, name="stack", workers=2):
        assert mode in ("nginx", "cgi"), mode
        self.bin = os.path.abspath(bin_dir)
        self.jwtmint = os.path.join(self.bin, "jwtmint")
        self.jwtmint_admin = os.path.join(self.bin, "jwtmint-admin")
        self.mode = mode
        self.env = dict(env or {})
        self.name = name
        self.workers = workers
        self.tmp = None
        self.server = None          # Popen of jwtmint --listen
        self.nginx_dir = None
        self.port = None
        self.notes = []             # things worth telling the reader
        self.secrets = set()        # strings that must never appear in logs
        self.keys = {}              # name -> admin JSON of the key (with "key")
        self.orgs = {}              # slug -> admin JSON of the org
        self._log = None
        self._stopped = False
        self._cgi_rss = None        # peak_rss_kib: peaks of the CGI runs

    # -- life cycle --

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        for b in (self.jwtmint, self.jwtmint_admin):
            if not os.access(b, os.X_OK):
                raise RuntimeError("missing binary %s (run make)" % b)
        base = os.environ.get("TMPDIR", "/tmp")
        if len(base) > 40:
            base = "/tmp"
        self.tmp = tempfile.mkdtemp(prefix="jwtmint-it-", dir=base)
        # postgres (the cluster's owner when we are root) and nginx's workers
        # (nobody) must traverse it; secrets inside are 0600.
        os.chmod(self.tmp, 0o755)
        self.pgdir = os.path.join(self.tmp, "pg")
        self.log_path = os.path.join(self.tmp, "jwtmint.log")
        self.admin_log_path = os.path.join(self.tmp, "admin.log")
        self._log = open(self.log_path, "ab", buffering=0)
        self._admin_log = open(self.admin_log_path, "ab", buffering=0)

        self._run([PG_SH, "init", self.pgdir])
        self.pg_start()
        # The superuser (psql: tests that look or tamper on purpose), the
        # owner (migrate) and the run-time role (jwtmint, jwtmint-admin):
        # docs/OPERATIONS.md, "Database roles".
        self.database_url = self._run([PG_SH, "url", self.pgdir]).strip()
        self.owner_url = self._run([PG_SH, "url", self.pgdir, "owner"]).strip()
        self.app_url = self._run([PG_SH, "url", self.pgdir, "app"]).strip()

        self.kek_path = os.path.join(self.tmp, "kek")
        self.pepper_path = os.path.join(self.tmp, "pepper")
        self.kek = b64(os.urandom(32))
        self.pepper = b64(os.urandom(32))
        for path, val in ((self.kek_path, self.kek), (self.pepper_path, self.pepper)):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(val + "\n")
            self.secrets.add(val)
            self.secrets.add(base64.b64decode(val).hex())

        if self.mode == "nginx":
            # nginx first: it takes the port (any free one), which the
            # issuer names; it answers 502 until jwtmint listens.
            self.fcgi_address = "unix:" + os.path.join(self.tmp, "fcgi.sock")
            self.nginx_dir = os.path.join(self.tmp, "nginx")
            self.port = start_web_server(NGINX_SH, self.nginx_dir, self.fcgi_address, note=self.note)
        else:
            # Nothing listens: the number only fills the issuer and SERVER_PORT.
            self.port = free_port()
        self.issuer = "http://127.0.0.1:%d" % self.port
        self.audiences = ["jwtmint", "api.example"]
        self.conf = os.path.join(self.tmp, "jwtmint.conf")
        self.write_config(self.conf)

        self.admin_ok("migrate")
        self.setup_fixtures()
        if self.mode == "nginx":
            self.start_server()
        return self

    def config_lines(self):
        return [
            "database_url = %s" % self.app_url,
            "database_migrate_url = %s" % self.owner_url,
            "kek_file = %s" % self.kek_path,
            "pepper_file = %s" % self.pepper_path,
            "issuer = %s" % self.issuer,
            "audiences = %s" % " ".join(self.audiences),
            "access_ttl_sec = 900",
            "signing_alg = ES256",
            "database_timeout_ms = 1000",
        ]

    def write_config(self, path, extra_lines=()):
        with open(path, "w") as f:
            f.write("# written by tests/integration/harness.py\n")
            for line in list(self.config_lines()) + list(extra_lines):
                f.write(line + "\n")
        os.chmod(path, 0o600)

    def setup_fixtures(self):
        self.orgs["acme"] = self.admin_json("org", "create", "--slug", "acme", "--name", "Acme Corp", "--json")
        self.org_id = self.orgs["acme"]["id"]
        self.signing_key = self.admin_json("signing-key", "create", "--alg", "ES256", "--json")
        # The expired key first: its second passes while the rest is made.
        self.keys["expired"] = self.admin_json(
            "key", "create", "--name", "expired", "--scopes", "read:accounts",
            "--expires-in", "1s", "--org", "acme", "--json")
        # Whole seconds: allow one more (jwtmint compares epoch seconds).
        self._expired_at = parse_rfc3339(self.keys["expired"]["expires_at"]) + 1.1
        self.keys["main"] = self.admin_json(
            "key", "create", "--name", "main", "--scopes", "read:accounts write:settings",
            "--env", "live", "--org", "acme", "--json")
        self.keys["test"] = self.admin_json(
            "key", "create", "--name", "testenv", "--scopes", "read:accounts",
            "--env", "test", "--org", "acme", "--json")
        self.keys["revoked"] = self.admin_json(
            "key", "create", "--name", "revoked", "--scopes", "read:accounts", "--org", "acme", "--json")
        self.admin_ok("key", "revoke", self.keys["revoked"]["id"])
        self.orgs["gone"] = self.admin_json("org", "create", "--slug", "gone", "--name", "Gone Ltd", "--json")
        self.keys["disabled_org"] = self.admin_json(
            "key", "create", "--name", "of-disabled-org", "--scopes", "read:accounts", "--org", "gone", "--json")
        self.admin_ok("org", "disable", "gone")
        for k in self.keys.values():
            assert KEY_RE.fullmatch(k.get("key", "")), "admin key JSON has no well-formed key: %r" % k

    def wait_expired(self):
        d = self._expired_at - time.time()
        if d > 0:
            time.sleep(d)

    def start_server(self, extra_args=(), env=None):
        """Start jwtmint --listen on self.fcgi_address (nginx mode)."""
        sock = self.fcgi_address[5:] if self.fcgi_address.startswith("unix:") else None
        self.server = self.spawn_server(self.fcgi_address, extra_args=extra_args, env=env)
        self.wait_fcgi(self.fcgi_address, self.server)
        if sock and os.getuid() == 0:
            mode = os.stat(sock).st_mode & 0o777
            if mode & 0o002 == 0:
                # nginx's workers run as nobody: they need write access.
                self.note("fcgi socket created with mode %o; harness chmods it 0666 for nginx (user nobody)" % mode)
                os.chmod(sock, 0o666)
        return self.server

    def spawn_server(self, listen, extra_args=(), env=None, workers=None):
        """Start another `jwtmint --listen` (own process group); caller stops it."""
        args = [self.jwtmint, "-c", self.conf, "--listen", listen,
                "--workers", str(workers or self.workers)] + list(extra_args)
        return subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log,
                                env=self.child_env(env), start_new_session=True, cwd=self.tmp)

    def spawn_housekeeper(self, env=None):
        """`jwtmint --housekeeper` (own process group; the caller stops it
        with stop_server)."""
        return subprocess.Popen([self.jwtmint, "-c", self.conf, "--housekeeper"],
                                stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log,
                                env=self.child_env(env), start_new_session=True, cwd=self.tmp)

    def spawn_server_tcp(self, host="127.0.0.1", extra_args=(), env=None, workers=None):
        """`jwtmint --listen HOST:0` (own process group; the caller stops
        it): the kernel picks a free port, so nothing can take it between a
        probe and the bind; its start-up line "listening on HOST:PORT" says
        which. Waits until it answers. Returns (Popen, "HOST:PORT")."""
        listen = ("[%s]:0" if ":" in host else "%s:0") % host
        proc = self.spawn_server(listen, extra_args=extra_args, env=env, workers=workers)
        line = re.compile(r"jwtmint\[%d\]: listening on (\S+) with " % proc.pid)

        def bound():
            if proc.poll() is not None:
                raise RuntimeError("jwtmint --listen %s exited with %s; log tail:\n%s"
                                   % (listen, proc.returncode, self.logs()[-2000:]))
            m = line.search(self.logs())
            return m.group(1) if m else None
        try:
            address = wait_for(bound, timeout=10, what="jwtmint --listen %s to name its port" % listen)
            self.wait_fcgi(address, proc)
        except BaseException:
            self.stop_server(proc)
            raise
        return proc, address

    def wait_fcgi(self, address, proc, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if proc.poll() is not None:
                raise RuntimeError("jwtmint --listen exited with %s before listening; log tail:\n%s"
                                   % (proc.returncode, self.logs()[-2000:]))
            try:
                if address.startswith("unix:"):
                    s = socket.socket(socket.AF_UNIX)
                    s.connect(address[5:])
                else:
                    s = socket.create_connection(split_address(address), timeout=1)
                s.close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("jwtmint does not listen on %s after %ds" % (address, timeout))

    def stop_server(self, proc=None, timeout=10):
        """SIGTERM, then SIGKILL of the whole process group. Returns the
        exit status (negative: killed by that signal)."""
        proc = proc or self.server
        if proc is None:
            return None
        if proc.poll() is None:
            try:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.note("jwtmint %d did not stop %ds after SIGTERM: killed" % (proc.pid, timeout))
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        if proc is self.server:
            self.server = None
        return proc.returncode

    def restart_server(self):
        self.stop_server()
        self.start_server()

    def stop(self):
        if self._stopped:
            return
        self._stopped = True
        errors = []
        for step in (lambda: self._run([NGINX_SH, "stop", self.nginx_dir]) if self.nginx_dir else None,
                     lambda: self.stop_server(),
                     lambda: self._run([PG_SH, "stop", self.pgdir]) if self.tmp else None):
            try:
                step()
            except Exception as e:  # keep tearing down
                errors.append(str(e))
        for f in (self._log, getattr(self, "_admin_log", None)):
            if f:
                f.close()
        if self.tmp and os.path.isdir(self.tmp):
            if os.environ.get("JWTMINT_IT_KEEP"):
                self.note("kept %s" % self.tmp)
            else:
                shutil.rmtree(self.tmp, ignore_errors=True)
        if errors:
            self.note("teardown: " + "; ".join(errors))

    # -- helpers --

    def note(self, msg):
        self.notes.append(msg)

    def _run(self, args, check=True, timeout=60):
        p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout, stdin=subprocess.DEVNULL)
        if check and p.returncode != 0:
            raise RuntimeError("%s failed (%d): %s" % (" ".join(args[:3]), p.returncode,
                                                      p.stderr.decode(errors="replace").strip()))
        return p.stdout.decode()

    def child_env(self, extra=None):
        """The environment of every jwtmint child: ours without JWTMINT_* and
        CGI variables, plus the stack's and the call's overrides."""
        cgi = {"REQUEST_METHOD", "REQUEST_URI", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING",
               "CONTENT_TYPE", "CONTENT_LENGTH", "SERVER_PROTOCOL", "GATEWAY_INTERFACE",
               "REMOTE_ADDR", "SERVER_NAME", "SERVER_PORT", "DOCUMENT_URI"}
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("JWTMINT_") and not k.startswith("HTTP_") and k not in cgi}
        env.update(self.env)
        env.update(extra or {})
        return env

    def pg_start(self):
        self._run([PG_SH, "start", self.pgdir, "--fast"])

    def pg_stop(self):
        self._run([PG_SH, "stop", self.pgdir])

    def psql(self, sql, url=None):
        """sql as the superuser (url: as another role, e.g. self.app_url)."""
        p = subprocess.run([os.path.join(pg_bindir(), "psql"), "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1",
                            "-d", url or self.database_url, "-c", sql],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        if p.returncode != 0:
            raise RuntimeError("psql: " + p.stderr.decode(errors="replace"))
        return p.stdout.decode()

    def dump_database(self):
        p = subprocess.run([os.path.join(pg_bindir(), "pg_dump"), "--data-only", "-d", self.database_url],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        if p.returncode != 0:
            raise RuntimeError("pg_dump: " + p.stderr.decode(errors="replace"))
        return p.stdout.decode(errors="replace")

    def logs(self, admin=False):
        """jwtmint's stderr so far (and jwtmint-admin's with admin=True)."""
        with open(self.log_path, "rb") as f:
            text = f.read().decode("utf-8", "replace")
        if admin:
            with open(self.admin_log_path, "rb") as f:
                text += f.read().decode("utf-8", "replace")
        return text

    def remember(self, text):
        """Collect every API key in text as a secret."""
        for m in KEY_RE.finditer(text):
            self.secrets.add(m.group(0))
            self.secrets.add(m.group(3)[:52])
            self.secrets.add(secret_bytes(m.group(3)[:52]).hex())

    # -- jwtmint-admin --

    def admin(self, *args, env=None, conf=None, timeout=CHILD_TIMEOUT_SEC):
        """Run BIN/jwtmint-admin -c CONF ARGS. Returns (rc, stdout, stderr)."""
        argv = [self.jwtmint_admin]
        if conf is not False:
            argv += ["-c", conf or self.conf]
        argv += list(args)
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                           env=self.child_env(env), timeout=timeout, cwd=self.tmp)
        out = p.stdout.decode("utf-8", "replace")
        err = p.stderr.decode("utf-8", "replace")
        self.remember(out)
        self._admin_log.write(p.stderr)
        assert p.returncode >= 0, "jwtmint-admin %s killed by signal %d: %s" % (
            " ".join(args), -p.returncode, err[-1500:])
        return p.returncode, out, err

    def admin_ok(self, *args, **kw):
        rc, out, err = self.admin(*args, **kw)
        if rc != 0:
            raise AssertionError("jwtmint-admin %s: exit %d: %s" % (" ".join(args), rc, err.strip()))
        return out

    def admin_json(self, *args, **kw):
        out = self.admin_ok(*args, **kw)
        try:
            return json.loads(out)
        except ValueError:
            raise AssertionError("jwtmint-admin %s: not JSON: %r" % (" ".join(args), out[:300]))

    def new_key(self, scopes="read:accounts write:settings", org="acme", env="live", name=None):
        name = name or "k-" + pysecrets.token_hex(4)
        return self.admin_json("key", "create", "--name", name, "--scopes", scopes,
                               "--env", env, "--org", org, "--json")

    # -- HTTP --

    def request(self, method, path, headers=None, body=b"", cgi_env=None, timeout=10):
        """One request, the same in both modes. headers: dict or list of
        (name, value). Returns (status, headers lower-cased, body bytes).
        cgi_env (cgi mode only) overrides CGI variables; a value None drops one."""
        if isinstance(body, str):
            body = body.encode()
        hdrs = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
        if self.mode == "nginx":
            status, rh, rb = self._http(method, path, hdrs, body, timeout)
        else:
            status, rh, rb = self._cgi(method, path, hdrs, body, cgi_env, timeout)
        record_route(method, path, status)
        if status == 200 and rb[:1] == b"{":
            try:
                tok = json.loads(rb).get("access_token")
            except (ValueError, AttributeError):
                tok = None
            if isinstance(tok, str):
                self.secrets.add(tok)
                self.secrets.add(tok.rsplit(".", 1)[-1])
        return status, rh, rb

    def _http(self, method, path, hdrs, body, timeout):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            names = {n.lower() for n, _ in hdrs}
            for n, v in hdrs:
                conn.putheader(n, v)
            if "content-length" not in names and (body or method in ("POST", "PUT", "PATCH")):
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body if body else None)
            resp = conn.getresponse()
            rb = resp.read()
            rh = {}
            for n, v in resp.getheaders():
                n = n.lower()
                rh[n] = rh[n] + ", " + v if n in rh else v
            return resp.status, rh, rb
        finally:
            conn.close()

    def cgi_environ(self, method, path, hdrs=(), body=b"", cgi_env=None, base=True):
        """The CGI/1.1 variables of a request (bytes to bytes); with base,
        on top of the child environment (for a CGI process), else alone
        (FastCGI params)."""
        def enc(x):
            return x if isinstance(x, bytes) else x.encode("utf-8", "surrogateescape")
        raw_path, _, query = path.partition("?")
        decoded = urllib.parse.unquote_to_bytes(raw_path)
        env = {enc(k): enc(v) for k, v in self.child_env().items()} if base else {}
        cgi = {
            "GATEWAY_INTERFACE": "CGI/1.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "SERVER_SOFTWARE": "jwtmint-harness",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": str(self.port),
            "REMOTE_ADDR": "127.0.0.1",
            "REMOTE_PORT": "40000",
            "REQUEST_METHOD": method,
            "REQUEST_URI": path,
            "SCRIPT_NAME": "",
            "PATH_INFO": decoded if b"\0" not in decoded else raw_path,
            "QUERY_STRING": query,
            "HTTP_HOST": "127.0.0.1:%d" % self.port,
        }
        if body or method in ("POST", "PUT", "PATCH"):
            cgi["CONTENT_LENGTH"] = str(len(body))
        for n, v in hdrs:
            ln = n.lower()
            if ln == "content-type":
                cgi["CONTENT_TYPE"] = v
            elif ln == "content-length":
                cgi["CONTENT_LENGTH"] = v
            else:
                k = "HTTP_" + n.upper().replace("-", "_")
                if k in cgi and k != "HTTP_HOST":
                    cgi[k] = enc(cgi[k]) + b", " + enc(v)   # RFC 3875 §4.1.18
                else:
                    cgi[k] = v
        for k, v in (cgi_env or {}).items():
            if v is None:
                cgi.pop(k, None)
            else:
                cgi[k] = v
        for k, v in cgi.items():
            env[enc(k)] = enc(v)
        return env

    def _cgi(self, method, path, hdrs, body, cgi_env, timeout):
        env = self.cgi_environ(method, path, hdrs, body, cgi_env)
        argv = [self.jwtmint, "-c", self.conf]
        if self._cgi_rss is not None:
            rss_file = os.path.join(self.tmp, "cgi-rss")
            argv = [sys.executable, "-c", RUSAGE_WRAPPER, rss_file] + argv
        try:
            p = subprocess.run(argv, input=body, stdout=subprocess.PIPE,
                               stderr=self._log, env=env, timeout=timeout, cwd=self.tmp)
        except subprocess.TimeoutExpired:
            raise AssertionError("jwtmint (CGI) did not answer %s %s within %ds" % (method, path[:80], timeout))
        if self._cgi_rss is not None:
            with open(rss_file) as f:
                self._cgi_rss.append(int(f.read()))
        assert p.returncode >= 0, "jwtmint (CGI) killed by signal %d on %s %s" % (-p.returncode, method, path[:80])
        assert p.stdout, "jwtmint (CGI) wrote no response (exit %d) to %s %s" % (p.returncode, method, path[:80])
        return parse_cgi_response(p.stdout)

    def fcgi(self, address, method, path, headers=None, body=b"", timeout=10):
        """One request straight to a FastCGI address (no nginx). Returns
        (status, headers, body)."""
        if isinstance(body, str):
            body = body.encode()
        hdrs = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
        env = self.cgi_environ(method, path, hdrs, body, base=False)
        status, rh, rb, _ = fcgi_request(address, env, body, timeout=timeout)
        record_route(method, path, status)
        if status == 200 and b"access_token" in rb:
            tok = parse_json(rb).get("access_token")
            if isinstance(tok, str):
                self.secrets.add(tok)
        return status, rh, rb

    def raw(self, data, timeout=5):
        """Send raw bytes to nginx; return the raw response (nginx mode only)."""
        if self.mode != "nginx":
            raise Skip("cgi")
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        try:
            # No half-close: nginx takes it for a client abort. Send
            # "Connection: close" and read until nginx closes.
            s.sendall(data)
            out = b""
            while True:
                try:
                    d = s.recv(65536)
                except ConnectionResetError:
                    break
                if not d:
                    break
                out += d
            return out
        finally:
            s.close()

    # -- OAuth helpers --

    def token(self, key=None, body=None, headers=None, via="x-api-key", **fields):
        """POST /token with grant_type=client_credentials (unless body is
        given), the key sent `via` x-api-key | basic | post | none. Returns
        (status, headers, parsed JSON or raw bytes)."""
        key = self.keys["main"]["key"] if key is None else key
        hdrs = [("Content-Type", FORM)]
        pairs = [("grant_type", "client_credentials")]
        if via == "x-api-key":
            hdrs.append(("X-API-Key", key))
        elif via == "basic":
            hdrs.append(("Authorization", basic_auth(key_id_of(key), key)))
        elif via == "post":
            pairs += [("client_id", key_id_of(key)), ("client_secret", key)]
        pairs += list(fields.items())
        if body is None:
            body = urllib.parse.urlencode(pairs).encode()
        if headers:
            hdrs += list(headers.items()) if isinstance(headers, dict) else list(headers)
        status, rh, rb = self.request("POST", "/token", hdrs, body)
        return status, rh, parse_json(rb)

    def jwks(self):
        status, rh, rb = self.request("GET", "/.well-known/jwks.json")
        assert status == 200, "GET /.well-known/jwks.json: %d %r" % (status, rb[:200])
        return json.loads(rb)

    def verify(self, token, scope="read:accounts write:settings", key=None, audience=None, alg="ES256"):
        key = key or self.keys["main"]
        return verify_token(self.jwks(), token, issuer=self.issuer,
                            audience=audience or self.audiences[0], client_id=key["id"],
                            scope=scope, org_id=self.org_id, alg=alg)

    def assert_alive(self):
        """A normal token request still succeeds (no worker was left broken)."""
        deadline = time.time() + 5
        while True:
            status, _, body = self.token()
            if status == 200 or time.time() > deadline:
                break
            time.sleep(0.1)
        assert status == 200, "a normal token request fails afterwards: %d %r" % (status, body)

    # -- memory --

    def peak_rss_kib(self, fn):
        """Call fn(); return (its result, the most memory in KiB that a
        jwtmint process took while serving it, beyond what it held before).
        nginx mode: every worker's peak (VmHWM) is reset first through
        /proc/PID/clear_refs; cgi mode: each CGI process's whole peak (it
        starts with nothing), from wait4. Compare it with a request measured
        the same way, e.g. to see that an Argon2id run (argon2_m_kib of
        memory) did or did not happen, whatever the machine's speed."""
        if self.mode == "cgi":
            self._cgi_rss = []
            try:
                result = fn()
                peaks = self._cgi_rss
            finally:
                self._cgi_rss = None
            assert peaks, "no CGI process ran"
            return result, max(peaks)
        before = {}
        for pid in self.worker_pids():
            with open("/proc/%d/clear_refs" % pid, "w") as f:
                f.write("5\n")         # resets VmHWM to the current RSS
            before[pid] = _status_kib(pid, "VmRSS")
        result = fn()
        grown = [_status_kib(pid, "VmHWM") - rss for pid, rss in before.items() if pid_alive(pid)]
        assert grown, "no jwtmint worker to measure"
        return result, max(grown)

    # -- processes (nginx mode) --

    def worker_pids(self, master=None):
        master = master or (self.server.pid if self.server else None)
        return children_of(master) if master else set()

    def housekeeper_pid(self, master=None):
        master = master or (self.server.pid if self.server else None)
        return housekeeper_of(master) if master else None

    # -- the after-file checks --

    def sanitizer_reports(self):
        text = self.logs(admin=True)
        return [line for line in text.splitlines() if any(m in line for m in SANITIZER_MARKERS)]

    def leaked_secrets(self):
        """Secrets found in jwtmint's (and jwtmint-admin's) stderr or in the
        database. Returns a list of reasons."""
        found = []
        logs = self.logs(admin=True)
        for s in sorted(self.secrets):
            if len(s) >= 16 and s in logs:
                found.append("log holds a secret: %s..." % s[:12])
        try:
            dump = self.dump_database()
        except Exception as e:
            return found + ["cannot dump the database: %s" % e]
        for k in self.keys.values():
            parts = key_parts(k["key"])
            if not parts:
                continue
            _, _, s52, _ = parts
            for needle, what in ((k["key"], "whole key"), (s52, "base32 secret"),
                                 (secret_bytes(s52).hex(), "secret bytes")):
                if needle in dump:
                    found.append("database holds the %s of key %s" % (what, k["id"]))
        for needle, what in ((self.kek, "kek"), (self.pepper, "pepper"),
                             (base64.b64decode(self.kek).hex(), "kek bytes"),
                             (base64.b64decode(self.pepper).hex(), "pepper bytes")):
            if needle in dump:
                found.append("database holds the %s" % what)
        return found


def run_bounded(args, env=None, timeout=10, cwd=None):
    """Run a program in its own process group; on timeout kill the whole
    group (workers included). Returns (exit status or None on timeout,
    stdout + stderr text)."""
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                         env=env, cwd=cwd, start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        rc = None
        out = b""
    finally:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if p.poll() is None:
            p.kill()
        try:
            more, _ = p.communicate(timeout=5)
            out += more or b""
        except (subprocess.TimeoutExpired, ValueError):
            pass
    return rc, out.decode("utf-8", "replace")


def parse_rfc3339(s):
    """Seconds since the epoch of an RFC 3339 timestamp."""
    assert isinstance(s, str) and re.match(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d", s), "not RFC 3339: %r" % s
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00").replace(" ", "T")).timestamp()


def key_id_of(key):
    p = key_parts(key)
    if p:
        return p[1]
    # Not a well-formed key: the third field if any, for hostile tests.
    f = key.split("_")
    return f[2] if len(f) > 2 else key


def parse_json(raw):
    try:
        return json.loads(raw)
    except ValueError:
        return raw


HOUSEKEEPER_COMM = "jwtmint-hk"    # src/housekeeper.h: the supervisor's housekeeper


def _children(pid):
    """{child pid: comm} of the live children of pid."""
    out = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                st = f.read()
        except OSError:
            continue
        comm = st[st.find("(") + 1:st.rfind(")")]
        fields = st.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            out[int(d)] = comm
    return out


def children_of(pid):
    """The worker processes of a `jwtmint --listen` supervisor: its
    children but the housekeeper (housekeeper_of)."""
    return {c for c, comm in _children(pid).items() if comm != HOUSEKEEPER_COMM}


def workers_settled(pid, n):
    """The n workers of supervisor `pid`, from one snapshot taken once the
    housekeeper carries its own name (between its fork and its rename it
    looks like a worker), or None: for wait_for."""
    if housekeeper_of(pid) is None:
        return None
    workers = children_of(pid)
    return workers if len(workers) == n else None


def housekeeper_of(pid):
    """The pid of the housekeeper a `jwtmint --listen` supervisor forked,
    or None."""
    return next((c for c, comm in _children(pid).items() if comm == HOUSEKEEPER_COMM), None)


def _status_kib(pid, field):
    """A "kB" field of /proc/PID/status (VmRSS, VmHWM, ...)."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError("no %s in /proc/%d/status" % (field, pid))


def pid_alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_for(cond, timeout=10, interval=0.05, what="condition"):
    deadline = time.time() + timeout
    while True:
        v = cond()
        if v:
            return v
        if time.time() > deadline:
            raise AssertionError("timed out after %ss waiting for %s" % (timeout, what))
        time.sleep(interval)


# --- assertions shared by the tests ---------------------------------------------

def assert_oauth_error(resp, status, error, *, echo=(), www_basic=False):
    """resp = (status, headers, body) from Stack.request or Stack.token.
    Checks the RFC 6749 §5.2 error shape, the status, and that none of the
    strings in `echo` (the submitted garbage) comes back."""
    st, h, body = resp
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    doc = body if isinstance(body, dict) else parse_json(body)
    assert st == status, "status %d, want %d; body %r" % (st, status, raw[:300])
    assert isinstance(doc, dict), "error body is not a JSON object: %r" % raw[:300]
    ctype = h.get("content-type", "")
    assert ctype.split(";")[0].strip().lower() == "application/json", "Content-Type %r" % ctype
    if isinstance(error, (tuple, list, set)):
        assert doc.get("error") in error, "error %r, want one of %r" % (doc.get("error"), error)
    else:
        assert doc.get("error") == error, "error %r, want %r (body %r)" % (doc.get("error"), error, raw[:300])
    desc = doc.get("error_description")
    assert desc is None or isinstance(desc, str), "error_description is not a string"
    if desc is not None:
        # RFC 6749 §5.2: %x20-21 / %x23-5B / %x5D-7E only.
        assert re.fullmatch(r"[\x20-\x21\x23-\x5b\x5d-\x7e]*", desc), "error_description has forbidden characters"
    for e in echo:
        eb = e.encode("utf-8", "surrogateescape") if isinstance(e, str) else e
        if len(eb) >= 4:
            assert eb not in raw, "the error body echoes the input %r" % eb[:40]
    if www_basic:
        wa = h.get("www-authenticate", "")
        assert wa.startswith("Basic") and 'realm="jwtmint"' in wa, "WWW-Authenticate %r" % wa
    return doc
