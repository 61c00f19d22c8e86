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


@nginx_only
def test_platform_organizations(stack):
    """Organizations over the platform listener: the same operations as
    jwtmint-admin org (one definition), each with its audit row."""
    slug = "plat-" + secrets.token_hex(3)
    with Platform(stack) as p:
        # Bad bodies: 400 naming the field, never echoing it; nothing made.
        for body, field in ((b'{"slug":"Bad Slug!","name":"x"}', "slug"),
                            (b'{"slug":"%s"}' % slug.encode(), "name"),
                            (b'{"slug":"%s","name":"x","extra":1}' % slug.encode(), "extra")):
            st, _, doc = p.call("POST", "/platform/orgs", body=body)
            assert st == 400 and field in doc["error_description"], (body, st, doc)
            assert "Bad Slug" not in doc["error_description"]
        st, _, doc = p.call("POST", "/platform/orgs", body=b'{"slug":"x","name":"y"}',
                            headers={"Content-Type": "text/plain"})
        assert st == 415, (st, doc)
        assert slug not in [o["slug"] for o in stack.admin_json("org", "list", "--json")]
        # Create, list, conflict.
        body = json.dumps({"slug": slug, "name": "Platform Co"}).encode()
        st, h, doc = p.call("POST", "/platform/orgs", body=body)
        assert st == 201 and doc["slug"] == slug and doc["disabled_at"] is None, (st, doc)
        assert h.get("location") == "/platform/orgs/" + slug
        assert h.get("cache-control") == "no-store"
        org_id = doc["id"]
        assert p.call("POST", "/platform/orgs", body=body)[0] == 409
        st, _, doc = p.call("GET", "/platform/orgs")
        assert st == 200 and slug in [o["slug"] for o in doc["orgs"]]
        # The CLI sees the same organization (one operation, two adapters).
        assert slug in [o["slug"] for o in stack.admin_json("org", "list", "--json")]
        # Disable: its keys stop at /token; enable: they work again.
        key = stack.new_key(org=slug)
        st, _, doc = p.call("POST", "/platform/orgs/%s/disable" % slug)
        assert st == 200 and doc["disabled_at"], (st, doc)
        assert p.call("POST", "/platform/orgs/%s/disable" % slug)[0] == 409
        if key:
            st, _, _ = stack.request("POST", "/token", {"X-API-Key": key["key"],
                                     "Content-Type": "application/x-www-form-urlencoded"},
                                     "grant_type=client_credentials")
            assert st == 401, st
        st, _, doc = p.call("POST", "/platform/orgs/%s/enable" % slug)
        assert st == 200 and doc["disabled_at"] is None, (st, doc)
        assert p.call("POST", "/platform/orgs/no-such-org/enable")[0] == 404
        # Audit rows in the organization's chain, acted by the platform.
        rows = stack.psql("select event || ' ' || actor from audit where org_id = '%s' "
                          "order by id" % org_id).split()
        text = " ".join(rows)
        assert "org.create platform" in text and "org.disable platform" in text \
            and "org.enable platform" in text, text


@nginx_only
def test_platform_signing_keys(stack):
    with Platform(stack) as p:
        st, _, doc = p.call("GET", "/platform/signing-keys")
        assert st == 200, (st, doc)
        before = {k["kid"]: k for k in doc["signing_keys"]}
        active = [k for k in before.values() if k["state"] == "active" and k["alg"] == "ES256"]
        assert len(active) == 1, before
        # A next key: published, not signing.
        st, h, doc = p.call("POST", "/platform/signing-keys", body=b'{"alg":"ES256","next":true}')
        assert st == 201 and doc["retired"] is None, (st, doc)
        nxt = doc["kid"]
        assert p.call("POST", "/platform/signing-keys", body=b'{"alg":"ES256","next":true}')[0] == 409
        st, _, doc = p.call("POST", "/platform/signing-keys", body=b'{"alg":"XS256"}')
        assert st == 400 and "alg" in doc["error_description"], (st, doc)
        # Rotate: the next key signs, the old active one retires.
        st, _, doc = p.call("POST", "/platform/signing-keys/rotate", body=b'{"alg":"ES256"}')
        assert st == 200 and doc["kid"] == nxt and doc["retired"] == active[0]["kid"], (st, doc)
        st, _, doc = p.call("GET", "/platform/signing-keys")
        states = {k["kid"]: k["state"] for k in doc["signing_keys"]}
        assert states[nxt] == "active" and states[active[0]["kid"]] == "retired", states
        # Retire a key that is not published: 404. The retired key, still
        # published for its tokens: retired now for good, out of the JWKS.
        assert p.call("POST", "/platform/signing-keys/no-such-kid/retire")[0] == 404
        old = active[0]["kid"]
        st, _, doc = p.call("POST", "/platform/signing-keys/%s/retire" % old)
        assert st == 200 and doc["kid"] == old and doc["replaced_by"] is None, (st, doc)
        assert p.call("POST", "/platform/signing-keys/%s/retire" % old)[0] == 404
        rows = stack.psql("select count(*) from audit where event like 'signing_key.%' "
                          "and actor = 'platform'").strip()
        assert int(rows) >= 2, rows
