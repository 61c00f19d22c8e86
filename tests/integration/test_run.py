"""
`make run`, as a person uses it: scripts/run.sh in a copy of the checkout
(its own var/), on a free port. The first run makes a private cluster, a
demo organization, a signing key and a demo key, prints the key with a curl
command that works; jwtmint-admin run from the checkout finds the cluster by
itself; Ctrl-C (SIGINT to the process group) stops everything it started;
the second run reuses the data (no new key printed, the old key still
works). With JWTMINT_DATABASE_URL set it uses that database and makes no
cluster of its own.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request

from harness import REPO, free_port, verify_token

MODES = ("nginx",)


def copy_checkout(stack):
    """The tracked files and the built binaries, in a fresh directory."""
    root = os.path.join(stack.tmp, "checkout-%d" % time.time_ns())
    files = subprocess.run(["git", "ls-files"], cwd=REPO, stdout=subprocess.PIPE,
                           check=True).stdout.decode().split("\n")
    for f in filter(None, files):
        src, dst = os.path.join(REPO, f), os.path.join(root, f)
        if not os.path.exists(src):
            continue
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)
    os.makedirs(os.path.join(root, "build"))
    for b in ("jwtmint", "jwtmint-admin"):
        shutil.copy2(os.path.join(stack.bin, b), os.path.join(root, "build", b))
    os.chmod(stack.tmp, 0o755)
    os.chmod(root, 0o755)
    return root


class Run:
    """scripts/run.sh in its own session, its output collected."""

    def __init__(self, root, port, env=None):
        self.out = os.path.join(root, "run-%d.out" % time.time_ns())
        e = dict(os.environ, PORT=str(port), ADMIN_PORT=str(free_port()))
        self.admin_port = int(e["ADMIN_PORT"])
        e.pop("JWTMINT_DATABASE_URL", None)
        e.update(env or {})
        self.f = open(self.out, "wb")
        self.p = subprocess.Popen(["bash", "scripts/run.sh"], cwd=root, env=e, stdout=self.f,
                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                  start_new_session=True)

    def text(self):
        with open(self.out, "rb") as f:
            return f.read().decode(errors="replace")

    def wait_up(self, timeout=60):
        end = time.time() + timeout
        while time.time() < end:
            # The last line of the banner: the key block comes before it.
            if "logs: jwtmint below" in self.text():
                return self.text()
            assert self.p.poll() is None, "run.sh exited %s:\n%s" % (self.p.returncode, self.text())
            time.sleep(0.1)
        raise AssertionError("run.sh not up in %ds:\n%s" % (timeout, self.text()))

    def interrupt(self):
        """Ctrl-C: SIGINT to the whole process group, as a terminal sends."""
        try:
            os.killpg(self.p.pid, signal.SIGINT)
        except ProcessLookupError:
            pass                # run.sh and all it started are gone already
        try:
            self.p.wait(timeout=30)
        finally:
            self.f.close()
            try:
                os.killpg(self.p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def run_up(stack, root, env=None, tries=5):
    """scripts/run.sh up on a port that was free a moment ago: `make run`
    takes the PORT it is given, so when another program takes that port
    first, run.sh stops saying it is in use (before it makes anything in the
    database) and this tries another port, up to `tries` times, with a
    note. Returns (Run, port, its output once up)."""
    for i in range(1, tries + 1):
        port = free_port()
        r = Run(root, port, env)
        try:
            return r, port, r.wait_up()
        except AssertionError:
            r.interrupt()
            out = r.text()
            if i == tries or "in use" not in out:
                raise
            stack.note("make run: 127.0.0.1:%d was taken (in use), try %d of %d on another port: %s"
                       % (port, i, tries, [l for l in out.splitlines() if "in use" in l][:1]))


def token(port, key):
    req = urllib.request.Request("http://127.0.0.1:%d/token" % port,
                                 data=b"grant_type=client_credentials&scope=read:accounts",
                                 headers={"X-API-Key": key})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def get_json(port, path):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=10) as r:
        return json.loads(r.read())


def platform_call(port, path, cred):
    """GET path on the platform server block; (status, JSON body)."""
    h = {"Authorization": "Bearer " + cred} if cred else {}
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), headers=h)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def leftovers(root):
    ps = subprocess.run(["ps", "-eo", "pid,args"], stdout=subprocess.PIPE).stdout.decode()
    return [l for l in ps.splitlines() if root in l and "ps -eo" not in l]


def test_make_run_first_and_second_run(stack):
    root = copy_checkout(stack)
    r, port, out = run_up(stack, root)
    try:
        keys = re.findall(r"jmk_test_[a-z2-7]{16}_[a-z2-7]{59}", out)
        assert keys, "the first run prints no demo key:\n" + out
        key = keys[0]
        assert "curl" in out and key in out, "no copy-paste curl command"
        # jwtmint-admin from the checkout finds the private cluster alone.
        def admin(*args):
            p = subprocess.run([os.path.join(root, "build", "jwtmint-admin")] + list(args),
                               cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=30, env={k: v for k, v in os.environ.items()
                                                if not k.startswith("JWTMINT_")})
            assert p.returncode == 0, p.stderr.decode()
            assert key not in p.stdout.decode(), "the CLI shows a secret"
            return json.loads(p.stdout)
        assert [k["id"] for k in admin("key", "list", "--json")] == [key.split("_")[2]]
        org = [o["id"] for o in admin("org", "list", "--json") if o["slug"] == "demo"]
        assert len(org) == 1
        # The platform listener: its own loopback server block, printed
        # with where its credential is; /platform/ is not on PORT.
        assert "http://127.0.0.1:%d/platform/" % r.admin_port in out, out
        with open(os.path.join(root, "var", "secrets", "platform")) as f:
            cred = f.read().strip()
        assert os.stat(os.path.join(root, "var", "secrets", "platform")).st_mode & 0o077 == 0
        assert platform_call(r.admin_port, "/platform/orgs", None)[0] == 401
        assert platform_call(port, "/platform/orgs", cred)[0] == 404
        st, doc = platform_call(r.admin_port, "/platform/orgs", cred)
        assert st == 200 and "demo" in [o["slug"] for o in doc["orgs"]], (st, doc)
        t = token(port, key)
        verify_token(get_json(port, "/.well-known/jwks.json"), t["access_token"],
                     issuer="http://127.0.0.1:%d" % port, audience="jwtmint",
                     client_id=key.split("_")[2], scope="read:accounts", org_id=org[0])
    finally:
        r.interrupt()
    assert r.p.returncode is not None
    time.sleep(0.5)
    assert leftovers(root) == [], "processes left after Ctrl-C: %r" % leftovers(root)
    assert "stopped" in r.text()

    # Second run: same data, no new key, the old one still works (on
    # whatever port this run got).
    r2, port, out2 = run_up(stack, root)
    try:
        assert not re.findall(r"jmk_test_[a-z2-7]{16}_[a-z2-7]{59}", out2), \
            "the second run made another demo key"
        assert token(port, key)["token_type"] == "Bearer"
    finally:
        r2.interrupt()
    time.sleep(0.5)
    assert leftovers(root) == []


def test_make_run_with_database_url(stack):
    """JWTMINT_DATABASE_URL: that database, no private cluster (with that
    database's secrets: a host whose KEK or pepper is not the one the
    database knows refuses to start)."""
    root = copy_checkout(stack)
    r, port, out = run_up(stack, root, env={"JWTMINT_DATABASE_URL": stack.database_url,
                                            "JWTMINT_KEK": stack.kek, "JWTMINT_PEPPER": stack.pepper})
    try:
        assert "JWTMINT_DATABASE_URL" in out
        assert not os.path.exists(os.path.join(root, "var", "pg")), "a private cluster was made"
        assert get_json(port, "/healthz") == {"status": "ok"}
    finally:
        r.interrupt()
    time.sleep(0.5)
    assert leftovers(root) == []
