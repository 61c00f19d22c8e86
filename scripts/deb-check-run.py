#!/usr/bin/env python3
"""
deb-check-run.py ROOT ISSUER LOGDIR [again]: the part of `make deb-check` that uses
the installed package, inside the chroot ROOT where scripts/deb-check.sh
installed it and configured database_url and issuer.

As root (the operator), with the installed jwtmint-admin and the installed
configuration (found at its default path, /etc/jwtmint/jwtmint.conf):
migrate, create an organization, an ES256 signing key and an API key.
Then jwtmint.service as systemd would run it behind jwtmint.socket (class
Service: the units' own User=, LoadCredential=, Environment=,
ExecStartPre=, ExecStart= and ExecReload= lines, the socket unit's path and
mode), and over FastCGI on that socket (tests/integration/harness.py's
client): /healthz, /readyz, a client_credentials token, the JWKS; the token
is verified against the JWKS alone, by jwcrypto and PyJWT
(harness.verify_token). The same after ExecReload. Then SIGTERM, and the
supervisor must exit 0. With "again" (after an upgrade): the same service
start, token and stop, with the organization and key of the first run.
Every child has a deadline; any failure exits 1
with the reason and the tail of jwtmint's log.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "integration"))
import harness  # noqa: E402

ROOT, ISSUER, LOGDIR = sys.argv[1:4]
AGAIN = sys.argv[4:5] == ["again"]
FIXTURES = os.path.join(LOGDIR, "fixtures.json")
ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "HOME": "/root"}
SCOPES = "read:accounts write:settings"
AUDIENCE = "jwtmint"        # the installed configuration's default audiences


def say(msg):
    print("deb-check:   " + msg, flush=True)


def run(argv, timeout=60, env=None):
    """Run argv (already wrapped in chroot); return stdout. Raise with its
    stderr on failure."""
    p = subprocess.run(argv, env=env or ENV, capture_output=True, timeout=timeout)
    if p.returncode != 0:
        raise AssertionError("%s: exit %d: %s" % (" ".join(argv[-4:]), p.returncode,
                             (p.stderr or p.stdout).decode(errors="replace").strip()[-800:]))
    return p.stdout.decode()


def admin(*args):
    # chroot(8) starts in /, so jwtmint-admin finds /etc/jwtmint/jwtmint.conf
    # by its default search, as it does for an operator.
    return run(["chroot", ROOT, "/usr/bin/jwtmint-admin"] + list(args))


def admin_json(*args):
    out = admin(*args)
    try:
        return json.loads(out)
    except ValueError:
        raise AssertionError("jwtmint-admin %s: not JSON: %r" % (" ".join(args), out[:300]))


def request(addr, method, path, headers=(), body=b""):
    raw_path, _, query = path.partition("?")
    env = {
        "GATEWAY_INTERFACE": "CGI/1.1", "SERVER_PROTOCOL": "HTTP/1.1",
        "SERVER_SOFTWARE": "deb-check", "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "443", "HTTPS": "on", "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": "40000", "REQUEST_METHOD": method, "REQUEST_URI": path,
        "SCRIPT_NAME": "", "PATH_INFO": raw_path, "QUERY_STRING": query,
        "HTTP_HOST": urllib.parse.urlsplit(ISSUER).netloc,
    }
    if body or method == "POST":
        env["CONTENT_LENGTH"] = str(len(body))
    for n, v in headers:
        if n.lower() == "content-type":
            env["CONTENT_TYPE"] = v
        else:
            env["HTTP_" + n.upper().replace("-", "_")] = v
    status, rh, rb, _ = harness.fcgi_request(addr, env, body, timeout=30)
    return status, rh, rb


def read_unit(name):
    """The [Section] Key=value lines of an installed unit and its drop-ins:
    {key: [values]} (a key may repeat, as ExecStartPre or Environment)."""
    path = os.path.join(ROOT, "lib", "systemd", "system", name)
    files = [path]
    d = path + ".d"
    if os.path.isdir(d):
        files += sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".conf"))
    unit = {}
    for fn in files:
        with open(fn) as f:
            for line in f:
                line = line.strip()
                if not line or line[0] in "#;[" or "=" not in line:
                    continue
                k, _, v = line.partition("=")
                unit.setdefault(k.strip(), []).append(v.strip())
    return unit


def one(unit, key, default=None):
    v = unit.get(key)
    return v[-1] if v else default


def command(line, mainpid=None):
    """argv of an Exec*= line: its prefixes (-@:+!) dropped, $MAINPID set."""
    while line and line[0] in "-@:+!":
        line = line[1:]
    argv = line.split()
    assert argv and argv[0].startswith("/"), "unit command %r is not an absolute path" % line
    if mainpid is not None:
        argv = [str(mainpid) if a == "$MAINPID" else a for a in argv]
    assert not any("$" in a for a in argv), "unit command %r needs variables" % line
    return argv


def ids(user, group):
    """uid and gid of a user and group in the chroot."""
    def find(fname, name):
        with open(os.path.join(ROOT, "etc", fname)) as f:
            for line in f:
                p = line.split(":")
                if p[0] == name:
                    return int(p[2])
        raise AssertionError("no %s %r in the chroot's /etc/%s" % (fname, name, fname))
    return find("passwd", user), find("group", group)


class Service:
    """jwtmint.service started the way systemd starts it: jwtmint.socket's
    listening socket (its path in the chroot, mode and group), credentials
    from LoadCredential= in /run/credentials/UNIT (%d; 0400, the service
    user's), Environment=, User=/Group=, ExecStartPre= then ExecStart= with
    the socket as fd 3 and LISTEN_PID/LISTEN_FDS (sd_listen_fds), or as
    standard input for StandardInput=socket; with Type=notify, a
    NOTIFY_SOCKET that must hear READY=1 (and RELOADING=1, READY=1 around
    ExecReload=). ExecReload= and SIGTERM as
    systemctl reload and stop do them. What cannot be emulated in a chroot:
    the sandbox options (ProtectSystem=, SystemCallFilter=, ...)."""

    def __init__(self, log_path):
        self.unit = read_unit("jwtmint.service")
        self.sock_unit = read_unit("jwtmint.socket")
        self.log_path = log_path
        user = one(self.unit, "User")
        assert user, "jwtmint.service names no User="
        self.uid, self.gid = ids(user, one(self.unit, "Group", user))
        self.as_user = ["chroot", "--userspec=%d:%d" % (self.uid, self.gid),
                        "--groups=%d" % self.gid, ROOT]
        self.creds = "/run/credentials/jwtmint.service"
        self.proc = None
        self.sock = None

    def environment(self):
        env = dict(ENV)
        for line in self.unit.get("Environment", []):
            for word in line.split():
                k, _, v = word.strip('"').partition("=")
                env[k] = v.replace("%d", self.creds)
        return env

    def listen(self):
        path = one(self.sock_unit, "ListenStream")
        assert path and path.startswith("/"), "jwtmint.socket: ListenStream %r is not a path" % path
        host_path = ROOT + path
        os.makedirs(os.path.dirname(host_path), mode=int(one(self.sock_unit, "DirectoryMode", "0755"), 8),
                    exist_ok=True)
        if os.path.exists(host_path):
            os.unlink(host_path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(host_path)
        _, sgid = ids("root", one(self.sock_unit, "SocketGroup", "root"))
        os.chown(host_path, 0, sgid)
        os.chmod(host_path, int(one(self.sock_unit, "SocketMode", "0666"), 8))
        self.sock.listen(128)
        self.address = "unix:" + host_path
        self.socket_path = host_path

    def load_credentials(self):
        d = ROOT + self.creds
        os.makedirs(d, exist_ok=True)
        for line in self.unit.get("LoadCredential", []):
            name, _, src = line.partition(":")
            with open(ROOT + src, "rb") as f:
                data = f.read()
            dst = os.path.join(d, name)
            with open(dst, "wb") as f:
                f.write(data)
            os.chown(dst, self.uid, self.gid)
            os.chmod(dst, 0o400)
        os.chown(d, self.uid, self.gid)
        os.chmod(d, 0o500)

    def told(self, what, timeout=30):
        """The next sd_notify message must hold what (e.g. "READY=1")."""
        self.notify.settimeout(timeout)
        try:
            msg = self.notify.recv(4096).decode(errors="replace").split("\n")
        except socket.timeout:
            raise AssertionError("jwtmint.service (Type=notify): no %s within %d s" % (what, timeout))
        assert what in msg, "jwtmint.service: told %r, expected %s" % (msg, what)

    def start(self):
        self.listen()
        self.load_credentials()
        env = self.environment()
        # Type=notify: NOTIFY_SOCKET as systemd sets it; an abstract name,
        # reached from inside the chroot and by the service's user alike.
        self.notify = None
        if one(self.unit, "Type") == "notify":
            name = "jwtmint-deb-check-%d" % os.getpid()
            self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            self.notify.bind("\0" + name)
            env["NOTIFY_SOCKET"] = "@" + name
        for line in self.unit.get("ExecStartPre", []):
            run(self.as_user + command(line), env=env)
        argv = command(one(self.unit, "ExecStart"))
        log = open(self.log_path, "ab")
        if one(self.unit, "StandardInput") == "socket":
            self.proc = subprocess.Popen(self.as_user + argv, env=env, stdin=self.sock,
                                         stdout=log, stderr=log)
        else:
            # fd 3 and LISTEN_PID: sh makes them and execs chroot, which
            # execs jwtmint: one pid all along.
            script = ('exec 3<&0 </dev/null; LISTEN_PID=$$ LISTEN_FDS=1 '
                      'LISTEN_FDNAMES=jwtmint.socket; export LISTEN_PID LISTEN_FDS LISTEN_FDNAMES; '
                      'exec "$@"')
            self.proc = subprocess.Popen(["/bin/sh", "-c", script, "sh"] + self.as_user + argv,
                                         env=env, stdin=self.sock, stdout=log, stderr=log)
        log.close()
        if self.notify is not None:
            self.told("READY=1")
        self.wait_ready()
        return " ".join(argv)

    def wait_ready(self, timeout=30):
        """Until /healthz answers: a request waits in the socket's backlog
        until jwtmint accepts, so ask with a short deadline, again and
        again, and fail at once if jwtmint exited."""
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise AssertionError("jwtmint exited %d at start" % self.proc.returncode)
            try:
                status, _, _, _ = harness.fcgi_request(self.address, {
                    "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET",
                    "REQUEST_URI": "/healthz", "SCRIPT_NAME": "", "PATH_INFO": "/healthz",
                    "QUERY_STRING": "", "SERVER_PROTOCOL": "HTTP/1.1"}, timeout=1)
                if status == 200:
                    return
            except (OSError, AssertionError):
                pass
            if time.monotonic() > deadline:
                raise AssertionError("jwtmint did not answer /healthz within %d s" % timeout)

    def reload(self):
        env = self.environment()
        for line in self.unit.get("ExecReload", []):
            argv = command(line, mainpid=self.proc.pid)
            # ExecReload= runs as the service's user, as systemd does.
            run(self.as_user + argv, env=env)
        if self.notify is not None:
            self.told("RELOADING=1")
            self.told("READY=1")

    def stop(self):
        if self.proc is not None:
            stop_server(self.proc)
        if getattr(self, "notify", None) is not None:
            self.notify.close()
        if self.sock is not None:
            self.sock.close()
            if one(self.sock_unit, "RemoveOnStop") == "yes" and os.path.exists(self.socket_path):
                os.unlink(self.socket_path)
        shutil.rmtree(ROOT + self.creds, ignore_errors=True)
        for d in (ROOT + "/run/credentials", os.path.dirname(self.socket_path)):
            try:
                os.rmdir(d)
            except OSError:
                pass

    def log_tail(self):
        with open(self.log_path, "rb") as f:
            return f.read()[-1500:].decode(errors="replace")


def stop_server(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
            raise AssertionError("jwtmint did not exit within 20 s of SIGTERM")


def token_round(addr, key, org):
    """/healthz, /readyz, a client_credentials token verified against the
    JWKS alone; returns the token's kid."""
    for path in ("/healthz", "/readyz"):
        status, _, body = request(addr, "GET", path)
        assert status == 200, "%s: %d %r" % (path, status, body[:200])
    form = urllib.parse.urlencode({"grant_type": "client_credentials", "scope": SCOPES}).encode()
    status, rh, body = request(addr, "POST", "/token",
                               [("Content-Type", harness.FORM), ("X-API-Key", key["key"])], form)
    assert status == 200, "POST /token: %d %r" % (status, body[:300])
    token = json.loads(body)["access_token"]
    status, _, body = request(addr, "GET", "/.well-known/jwks.json")
    assert status == 200, "GET /.well-known/jwks.json: %d %r" % (status, body[:300])
    header, _ = harness.verify_token(json.loads(body), token, issuer=ISSUER, audience=AUDIENCE,
                                     client_id=key["id"], scope=SCOPES, org_id=org["id"])
    return header["kid"]


def fixtures():
    """The first run: migrate, an organization, a signing key, an API key
    (kept in LOGDIR for the run after the upgrade)."""
    if AGAIN:
        with open(FIXTURES) as f:
            d = json.load(f)
        return d["org"], d["key"]
    say("jwtmint-admin migrate")
    admin("migrate")
    org = admin_json("org", "create", "--slug", "debcheck", "--name", "deb-check", "--json")
    admin_json("signing-key", "create", "--alg", "ES256", "--json")
    key = admin_json("key", "create", "--name", "deb-check", "--scopes", SCOPES,
                     "--org", "debcheck", "--json")
    assert harness.KEY_RE.fullmatch(key.get("key", "")), "no API key in %r" % sorted(key)
    say("organization %s, an ES256 signing key and API key %s created" % (org["id"], key["id"]))
    with open(FIXTURES, "w") as f:
        json.dump({"org": org, "key": key}, f)
    return org, key


def main():
    org, key = fixtures()

    svc = Service(os.path.join(LOGDIR, "jwtmint.log"))
    try:
        cmd = svc.start()
        say("jwtmint.service as %d:%d (ExecStartPre passed): %s, on %s%s"
            % (svc.uid, svc.gid, cmd, svc.address[len("unix:") + len(ROOT):],
               "; told systemd READY=1" if svc.notify is not None else ""))
        kid = token_round(svc.address, key, org)
        say("token issued and verified against the JWKS (iss %s, kid %s)" % (ISSUER, kid))
        if not AGAIN:
            svc.reload()
            kid = token_round(svc.address, key, org)
            assert svc.proc.poll() is None, "jwtmint exited on reload"
            say("ExecReload (systemctl reload): %sa token again after it"
                % ("RELOADING=1, READY=1, " if svc.notify is not None else ""))
    except (AssertionError, OSError) as e:
        raise AssertionError("%s\njwtmint's log:\n%s" % (e, svc.log_tail()))
    finally:
        svc.stop()
    assert svc.proc.returncode == 0, "jwtmint exited %d after SIGTERM" % svc.proc.returncode
    say("jwtmint stopped on SIGTERM (exit 0); socket and credentials removed")


if __name__ == "__main__":
    try:
        main()
    except (AssertionError, subprocess.TimeoutExpired, OSError, KeyError, ValueError) as e:
        print("deb-check: FAIL: %s" % e, file=sys.stderr, flush=True)
        sys.exit(1)
