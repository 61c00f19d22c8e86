#!/usr/bin/env python3
"""
deb-check-run.py ROOT ISSUER LOGDIR: the part of `make deb-check` that uses
the installed package, inside the chroot ROOT where scripts/deb-check.sh
installed it and configured database_url and issuer.

As root (the operator), with the installed jwtmint-admin and the installed
configuration (found at its default path, /etc/jwtmint/jwtmint.conf):
migrate, create an organization, an ES256 signing key and an API key. As
the jwtmint user: `jwtmint -t`, then `jwtmint --listen 127.0.0.1:0` (the
supervisor, its workers and its housekeeper), which names the port it got.
Over FastCGI (tests/integration/harness.py's client): /healthz, /readyz,
a client_credentials token, the JWKS; the token is verified against the
JWKS alone, by jwcrypto and PyJWT (harness.verify_token). Then SIGTERM and
the supervisor must exit. Every child has a deadline; any failure raises
and exits 1 with the reason.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "integration"))
import harness  # noqa: E402

ROOT, ISSUER, LOGDIR = sys.argv[1:4]
ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "HOME": "/root"}
SCOPES = "read:accounts write:settings"
AUDIENCE = "jwtmint"        # the installed configuration's default audiences


def say(msg):
    print("deb-check:   " + msg, flush=True)


def jwtmint_ids():
    with open(os.path.join(ROOT, "etc", "passwd")) as f:
        for line in f:
            p = line.split(":")
            if p[0] == "jwtmint":
                return int(p[2]), int(p[3])
    raise AssertionError("no jwtmint user in the chroot's /etc/passwd")


UID, GID = jwtmint_ids()
AS_JWTMINT = ["chroot", "--userspec=%d:%d" % (UID, GID), "--groups=%d" % GID, ROOT]


def run(argv, timeout=60):
    """Run argv (already wrapped in chroot); return stdout. Raise with its
    stderr on failure."""
    p = subprocess.run(argv, env=ENV, capture_output=True, timeout=timeout)
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
    status, rh, rb, _ = harness.fcgi_request(addr, env, body, timeout=10)
    return status, rh, rb


def start_server(log_path):
    """jwtmint --listen 127.0.0.1:0 as the jwtmint user; returns (proc,
    address) once the start-up line names the port."""
    log = open(log_path, "wb")
    proc = subprocess.Popen(AS_JWTMINT + ["/usr/sbin/jwtmint", "-c", "/etc/jwtmint/jwtmint.conf",
                                          "--listen", "127.0.0.1:0"],
                            env=ENV, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    log.close()
    deadline = time.time() + 30
    while time.time() < deadline:
        with open(log_path, "rb") as f:
            m = re.search(rb"listening on (127\.0\.0\.1:\d+)", f.read())
        if m:
            return proc, m.group(1).decode()
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    stop_server(proc)
    with open(log_path, "rb") as f:
        tail = f.read()[-1500:].decode(errors="replace")
    raise AssertionError("jwtmint did not say where it listens (exit %r): %s" % (proc.returncode, tail))


def stop_server(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
            raise AssertionError("jwtmint did not exit within 20 s of SIGTERM")


def main():
    say("jwtmint -t as user jwtmint (%d:%d)" % (UID, GID))
    run(AS_JWTMINT + ["/usr/sbin/jwtmint", "-t", "-c", "/etc/jwtmint/jwtmint.conf"])

    say("jwtmint-admin migrate")
    admin("migrate")
    org = admin_json("org", "create", "--slug", "debcheck", "--name", "deb-check", "--json")
    admin_json("signing-key", "create", "--alg", "ES256", "--json")
    key = admin_json("key", "create", "--name", "deb-check", "--scopes", SCOPES,
                     "--org", "debcheck", "--json")
    assert harness.KEY_RE.fullmatch(key.get("key", "")), "no API key in %r" % sorted(key)
    say("organization %s, an ES256 signing key and API key %s created" % (org["id"], key["id"]))

    proc, addr = start_server(os.path.join(LOGDIR, "jwtmint.log"))
    say("jwtmint (supervisor pid %d) listening on %s" % (proc.pid, addr))
    try:
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
        jwks = json.loads(body)
        _, claims = harness.verify_token(jwks, token, issuer=ISSUER, audience=AUDIENCE,
                                         client_id=key["id"], scope=SCOPES, org_id=org["id"])
        say("token issued and verified against the JWKS (iss %s, kid %s)"
            % (claims["iss"], json.loads(harness.b64url_decode(token.split(".")[0]))["kid"]))
    finally:
        stop_server(proc)
    assert proc.returncode == 0, "jwtmint exited %d after SIGTERM" % proc.returncode
    say("jwtmint stopped on SIGTERM (exit 0)")


if __name__ == "__main__":
    try:
        main()
    except (AssertionError, subprocess.TimeoutExpired, OSError, KeyError, ValueError) as e:
        print("deb-check: FAIL: %s" % e, file=sys.stderr, flush=True)
        sys.exit(1)
