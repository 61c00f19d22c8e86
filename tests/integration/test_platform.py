"""
The platform listener (platform_listen): a second FastCGI socket of
jwtmint's own that serves only /platform/ (and the health checks), to
requests that present the platform credential. jwtmint decides by the
socket a request arrived on, never by anything in the request: /platform/
is 404 on the public socket whatever the request says, and the public
endpoints are 404 on the platform socket.
"""

import json
import os
import secrets
import subprocess

from harness import nginx_only

CRED = "pc_" + secrets.token_urlsafe(32)


class Platform:
    """A jwtmint with both listeners, on unix sockets of its own."""

    def __init__(self, stack, cred=CRED, **extra):
        self.stack = stack
        self.pub = "unix:" + os.path.join(stack.tmp, "pub-%s.sock" % secrets.token_hex(4))
        self.plat = "unix:" + os.path.join(stack.tmp, "plat-%s.sock" % secrets.token_hex(4))
        self.cred_file = os.path.join(stack.tmp, "platform-%s.cred" % secrets.token_hex(4))
        with open(self.cred_file, "w") as f:
            f.write(cred + "\n")
        os.chmod(self.cred_file, 0o600)
        self.env = {"JWTMINT_PLATFORM_LISTEN": self.plat,
                    "JWTMINT_PLATFORM_CREDENTIAL_FILE": self.cred_file}
        self.env.update(extra)

    def __enter__(self):
        self.proc = self.stack.spawn_server(self.pub, env=self.env, workers=1)
        self.stack.wait_fcgi(self.pub, self.proc)
        self.stack.wait_fcgi(self.plat, self.proc)
        return self

    def __exit__(self, *exc):
        self.stack.stop_server(self.proc)

    def call(self, method, path, cred=CRED, body=b"", public=False, headers=None):
        h = dict(headers or {})
        if cred is not None:
            h["Authorization"] = "Bearer " + cred
        if body:
            h.setdefault("Content-Type", "application/json")
        st, rh, rb = self.stack.fcgi(self.pub if public else self.plat, method, path, h, body)
        return st, rh, (json.loads(rb) if rb else None)


@nginx_only
def test_platform_socket_decides(stack):
    with Platform(stack) as p:
        # The credential does not open /platform/ on the public socket.
        st, _, doc = p.call("GET", "/platform/orgs", public=True)
        assert st == 404 and doc["error"] == "not_found", (st, doc)
        # Nor does anything a web server could claim.
        st, _, doc = p.call("GET", "/platform/orgs", public=True,
                            headers={"X-Platform": "1", "Platform": "1"})
        assert st == 404, (st, doc)
        # The public endpoints are not on the platform socket.
        for path in ("/token", "/admin/revocations", "/check", "/.well-known/jwks.json"):
            st, _, doc = p.call("POST", path)
            assert st == 404, (path, st, doc)
        # Health checks are on both.
        assert p.call("GET", "/healthz", cred=None)[0] == 200
        assert p.call("GET", "/healthz", cred=None, public=True)[0] == 200


@nginx_only
def test_platform_credential(stack):
    with Platform(stack) as p:
        for cred in (None, "", "x", CRED + "x", CRED[:-1], CRED.upper()):
            st, h, doc = p.call("GET", "/platform/orgs", cred=cred)
            assert st == 401 and doc["error"] == "invalid_token", (cred, st, doc)
            assert h.get("www-authenticate", "").startswith("Bearer"), h
            assert CRED not in json.dumps(doc)
        # Basic instead of Bearer: refused.
        st, _, _ = p.call("GET", "/platform/orgs", cred=None,
                          headers={"Authorization": "Basic " + CRED})
        assert st == 401
        # The right one passes authentication: an unknown path is 404.
        st, _, doc = p.call("GET", "/platform/no-such-thing")
        assert st == 404 and doc["error"] == "not_found", (st, doc)
    assert CRED not in stack.logs(), "the platform credential reached the log"


@nginx_only
def test_platform_listener_needs_a_credential(stack):
    """platform_listen without a credential file, or with a short or
    unreadable one: jwtmint refuses to start, naming the key."""
    plat = "unix:" + os.path.join(stack.tmp, "nocred.sock")
    short = os.path.join(stack.tmp, "short.cred")
    with open(short, "w") as f:
        f.write("too-short\n")
    cases = [
        ({"JWTMINT_PLATFORM_LISTEN": plat}, "platform_credential_file"),
        ({"JWTMINT_PLATFORM_LISTEN": plat, "JWTMINT_PLATFORM_CREDENTIAL_FILE": short},
         "platform_credential_file"),
        ({"JWTMINT_PLATFORM_LISTEN": plat,
          "JWTMINT_PLATFORM_CREDENTIAL_FILE": os.path.join(stack.tmp, "missing.cred")},
         "platform_credential_file"),
    ]
    for env, want in cases:
        p = subprocess.run([stack.jwtmint, "-c", stack.conf, "-t"], env=stack.child_env(env),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
        out = p.stdout.decode(errors="replace")
        assert p.returncode != 0 and want in out, (env, p.returncode, out)
