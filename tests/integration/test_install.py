"""
`make install` and `make uninstall`, and the manuals against the programs.

- The FHS layout under DESTDIR (sbin/jwtmint, bin/jwtmint-admin,
  share/jwtmint/sql and conf, the systemd units and the manuals with the
  install's paths in them, /etc/jwtmint/jwtmint.conf 0640), the manuals
  clean under `mandoc -Tlint`, `jwtmint -t` of the staged binary on the
  staged configuration, a second install keeping a changed configuration,
  and `make uninstall` leaving that configuration alone.
- An install into a prefix of its own (PREFIX and SYSCONFDIR in the temp
  dir, no DESTDIR): the installed jwtmint finds SYSCONFDIR's configuration
  without -c and never a conf/ of the directory it starts in; the installed
  units pass `systemd-analyze verify` as they are; the installed
  jwtmint-admin, on the installed configuration with only database_url set
  and the secrets put where it names them, talks to the stack's database;
  and the installed jwtmint.service's own command lines run under
  systemd-socket-activate (the socket passed as systemd passes it):
  ExecStartPre, ExecStart serving tokens verified from the JWKS, ExecReload
  taking up a changed configuration and refusing a broken one, SIGTERM,
  with a NOTIFY_SOCKET told READY=1, RELOADING=1, READY=1, STOPPING=1
  (Type=notify); and jwtmint-housekeeper.service's, started and stopped.
  Without a jwtmint group, make install says how to give it the
  configuration.
- Every configuration key the program knows (`jwtmint --config-keys`) has
  its entry in man/jwtmint.conf.5 with its variable and default, and in
  conf/jwtmint.conf; every command of `jwtmint-admin help --commands` has
  its entry in man/jwtmint-admin.8; neither page documents what the
  program does not know.

The installs link their own binaries from the tree's objects (make's IB
points into the temp dir): the tree must be built (`make all`, as `make
test` does first). Once, behind nginx; not under ASan (tests/run.sh).
"""

import glob
import grp
import json
import os
import re
import shlex
import shutil
import signal
import socket
import stat
import subprocess

import jwt as pyjwt

from harness import REPO, need_program, verify_token, wait_for

MODES = ("nginx",)

MANUALS = {"man5": ["jwtmint.conf.5"], "man8": ["jwtmint.8", "jwtmint-admin.8"]}
UNITS = ["jwtmint.service", "jwtmint.socket", "jwtmint-housekeeper.service"]
# Words of an mdoc line that are macros, not text.
MDOC_MACRO = re.compile(r"^(Ar|Cm|Fl|Ic|Op|Oo|Oc|Ns|Li|Pq|Xo|Xc|Ev|Pa|No|Dq|Ql)$")


def make_env():
    # Not the jobserver or flags of a `make test` this runs under.
    return {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}


def make(stack, *args):
    need_program("make", "make")
    ib = os.path.join(stack.tmp, "ib")
    p = subprocess.run(["make", "-C", REPO, "--no-print-directory", "IB=" + ib] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                       env=make_env(), timeout=300)
    out = p.stdout.decode(errors="replace")
    assert p.returncode == 0, "make %s: exit %d:\n%s" % (" ".join(args), p.returncode, out[-3000:])
    return out


def run(args, env, cwd=None):
    """(exit status, stdout + stderr) of a program that ends by itself."""
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                       env=env, cwd=cwd, timeout=30)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def files_under(root):
    out = set()
    for d, _, fs in os.walk(root):
        for f in fs:
            out.add(os.path.relpath(os.path.join(d, f), root))
    return out


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def lint(manpath, page):
    """mandoc -Tlint of one page: its messages, but for cross references to
    pages that exist (ours under manpath, or the machine's: mandoc finds
    neither without a mandoc.db)."""
    tool = need_program("mandoc", "mandoc")
    p = subprocess.run([tool, "-Tlint", "-Wall", page], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=30)
    bad = []
    for line in p.stdout.decode(errors="replace").splitlines():
        if "outdated mandoc.db" in line:
            continue
        m = re.search(r"referenced manual not found: Xr (\S+) (\d)", line)
        if m:
            name, sec = m.groups()
            if os.path.exists(os.path.join(manpath, "man" + sec, "%s.%s" % (name, sec))) or \
                    glob.glob("/usr/share/man/man%s/%s.%s*" % (sec, name, sec)):
                continue
        bad.append(line)
    return bad


def check_manuals(manroot):
    for sec, pages in MANUALS.items():
        for page in pages:
            path = os.path.join(manroot, sec, page)
            assert os.path.isfile(path), "no manual %s" % path
            assert mode_of(path) == 0o644, "%s: mode %o" % (path, mode_of(path))
            bad = lint(manroot, path)
            assert not bad, "mandoc -Tlint %s:\n%s" % (page, "\n".join(bad))


def test_install_uninstall_destdir(stack):
    dest = os.path.join(stack.tmp, "stage")
    make(stack, "install", "DESTDIR=" + dest)
    pre = os.path.join(dest, "usr", "local")
    files = files_under(dest)

    for path, want in (("usr/local/sbin/jwtmint", 0o755), ("usr/local/bin/jwtmint-admin", 0o755),
                       ("etc/jwtmint/jwtmint.conf", 0o640)):
        assert path in files, "make install: no %s (installed: %s)" % (path, sorted(files))
        assert mode_of(os.path.join(dest, path)) == want, "%s: mode %o, want %o" % (
            path, mode_of(os.path.join(dest, path)), want)
    sql = sorted(os.path.basename(f) for f in glob.glob(os.path.join(REPO, "sql", "*.sql")))
    assert sql and sorted(os.listdir(os.path.join(pre, "share/jwtmint/sql"))) == sql, \
        "share/jwtmint/sql is not the migrations of sql/"
    for f in sql:
        with open(os.path.join(REPO, "sql", f), "rb") as a, \
                open(os.path.join(pre, "share/jwtmint/sql", f), "rb") as b:
            assert a.read() == b.read(), "share/jwtmint/sql/%s differs from sql/%s" % (f, f)
    # Every file of conf/ but the units and the tests' templates (*.in).
    examples = {f for f in files_under(os.path.join(REPO, "conf"))
                if not f.startswith("systemd/") and not f.endswith(".in")}
    assert {"nginx.conf", "lighttpd.conf", "apache.conf", "jwtmint.conf"} <= examples, examples
    installed = files_under(os.path.join(pre, "share/jwtmint/conf"))
    assert installed == examples, "share/jwtmint/conf: missing %r, extra %r" % (
        sorted(examples - installed), sorted(installed - examples))
    for u in UNITS:
        path = os.path.join(pre, "lib/systemd/system", u)
        assert os.path.isfile(path), "no unit %s" % u
        with open(path) as f:
            text = f.read()
        assert "/usr/local/bin/jwtmint " not in text, "%s names the binary in bin/" % u
        if u.endswith(".service"):
            assert re.search(r"^ExecStart=/usr/local/sbin/jwtmint -c /etc/jwtmint/jwtmint.conf",
                             text, re.M), "%s: ExecStart is not the installed binary" % u
            assert "DynamicUser" not in text and re.search(r"^User=jwtmint$", text, re.M), \
                "%s: not run as user jwtmint" % u
    check_manuals(os.path.join(pre, "share/man"))
    with open(os.path.join(pre, "share/man/man8/jwtmint.8")) as f:
        assert "/usr/local/lib/systemd/system/jwtmint.service" in f.read(), "jwtmint(8): FILES"

    # The installed configuration, adapted minimally: database_url, and the
    # secrets where it names them.
    conf = os.path.join(dest, "etc/jwtmint/jwtmint.conf")
    with open(conf) as f:
        text = f.read()
    assert re.search(r"^kek_file = /etc/jwtmint/kek$", text, re.M), "installed config: kek_file"
    assert re.search(r"^pepper_file = /etc/jwtmint/pepper$", text, re.M), "installed config: pepper_file"
    text = re.sub(r"^database_url =$", "database_url = " + stack.app_url, text, flags=re.M)
    text = text.replace("= /etc/jwtmint/", "= %s/etc/jwtmint/" % dest)
    with open(conf, "w") as f:
        f.write(text)
    for name, src in (("kek", stack.kek_path), ("pepper", stack.pepper_path)):
        shutil.copy(src, os.path.join(dest, "etc/jwtmint", name))
    rc, out = run([os.path.join(pre, "sbin/jwtmint"), "-t", "-c", conf],
                          env=stack.child_env(), cwd=stack.tmp)
    assert rc == 0 and "configuration ok" in out, "staged jwtmint -t: exit %s: %s" % (rc, out)

    # Installed again: the changed configuration is kept as it is, and its
    # directory's mode.
    os.chmod(os.path.dirname(conf), 0o750)
    out = make(stack, "install", "DESTDIR=" + dest)
    with open(conf) as f:
        assert f.read() == text, "a second make install overwrote the configuration"
    assert mode_of(os.path.dirname(conf)) == 0o750, "make install changed the mode of /etc/jwtmint"
    assert "exists: kept" in out, "make install did not say it kept the configuration:\n" + out[-1000:]

    make(stack, "uninstall", "DESTDIR=" + dest)
    left = files_under(dest)
    assert left == {"etc/jwtmint/jwtmint.conf", "etc/jwtmint/kek", "etc/jwtmint/pepper"}, \
        "make uninstall left %r" % sorted(left)


def test_installed_prefix_runs(stack):
    """PREFIX and SYSCONFDIR of its own: the compiled-in path, the units as
    installed, the installed programs on the installed configuration."""
    root = os.path.join(stack.tmp, "p")
    etc = os.path.join(root, "etc")
    out = make(stack, "install", "PREFIX=" + root, "SYSCONFDIR=" + etc)
    jwtmint = os.path.join(root, "sbin/jwtmint")
    admin = os.path.join(root, "bin/jwtmint-admin")
    conf = os.path.join(etc, "jwtmint/jwtmint.conf")
    env = stack.child_env()

    # The units' User=jwtmint reads the configuration through its group:
    # given it when the group exists and make runs as root, else told how.
    try:
        gid = grp.getgrnam("jwtmint").gr_gid
    except KeyError:
        gid = None
    if gid is not None and os.getuid() == 0:
        assert os.stat(conf).st_gid == gid, "installed configuration not group jwtmint"
    else:
        assert "WARNING: no group jwtmint" in out and "chgrp jwtmint %s" % conf in out \
            and "useradd --system" in out, "make install: no hint for the configuration's group:\n" + out
    assert mode_of(conf) == 0o640, "%s: mode %o" % (conf, mode_of(conf))

    # Without -c, started where a conf/jwtmint.conf lies (the tree): the
    # installed binary reads SYSCONFDIR's file, the tree's reads conf/.
    rc, out = run([jwtmint, "-t"], env=env, cwd=REPO)
    assert rc == 1 and conf in out and "conf/jwtmint.conf" not in out.replace(conf, ""), \
        "installed jwtmint -t without -c (exit %s): %s" % (rc, out)
    assert "database_url: required value missing" in out, "installed config, database_url unset: %s" % out
    rc, out = run([stack.jwtmint, "-t"], env=env, cwd=REPO)
    assert re.search(r"(^jwtmint: |^configuration ok: )(var|conf)/jwtmint\.conf", out), \
        "the tree's jwtmint -t in the tree: %s" % out

    with open(os.path.join(root, "share/man/man8/jwtmint.8")) as f:
        page = f.read()
    assert "/usr/local/" not in page and os.path.join(root, "lib/systemd/system/jwtmint.service") in page \
        and os.path.join(etc, "jwtmint/jwtmint.conf") in page, "jwtmint(8): FILES not substituted"

    # The units as installed: their ExecStart names the installed binary.
    tool = need_program("systemd-analyze", "systemd")
    unitdir = os.path.join(root, "lib/systemd/system")
    for u in UNITS:
        with open(os.path.join(unitdir, u)) as f:
            text = f.read()
        assert "/usr/local/" not in text and "/etc/jwtmint/" not in text.replace(etc + "/jwtmint/", ""), \
            "%s: paths not substituted:\n%s" % (u, text)
        if u.endswith(".service"):
            assert "ExecStart=%s -c %s" % (jwtmint, conf) in text, "%s: ExecStart" % u
    p = subprocess.run([tool, "verify", "--man=no"] + [os.path.join(unitdir, u) for u in UNITS],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60, cwd=unitdir)
    out = p.stdout.decode(errors="replace")
    ours = [line for line in out.splitlines() if "jwtmint" in line]
    assert p.returncode == 0 and not ours, "systemd-analyze verify of the installed units (exit %d):\n%s" % (
        p.returncode, out)

    # The installed configuration with database_url set, the secrets put
    # where it names them: the installed programs against the stack's
    # database (migrated, with a signing key and the key "main").
    with open(conf) as f:
        text = f.read()
    with open(conf, "w") as f:
        f.write(re.sub(r"^database_url =$", "database_url = " + stack.app_url, text, flags=re.M))
    for name, src in (("kek", stack.kek_path), ("pepper", stack.pepper_path)):
        shutil.copy(src, os.path.join(etc, "jwtmint", name))
    rc, out = run([jwtmint, "-t"], env=env, cwd=REPO)
    assert rc == 0 and out.strip() == "configuration ok: " + conf, "installed jwtmint -t: %s" % out
    rc, out = run([admin, "key", "list", "--org", "acme", "--json"], env=env, cwd=REPO)
    assert rc == 0 and stack.keys["main"]["id"] in out, "installed jwtmint-admin key list: %s" % out

    run_housekeeper_unit(stack, os.path.join(unitdir, "jwtmint-housekeeper.service"), env)
    run_unit(stack, os.path.join(unitdir, "jwtmint.service"), conf, env)

    make(stack, "uninstall", "PREFIX=" + root, "SYSCONFDIR=" + etc)
    left = files_under(root)
    assert left == {"etc/jwtmint/jwtmint.conf", "etc/jwtmint/kek", "etc/jwtmint/pepper"}, \
        "make uninstall left %r" % sorted(left)


def unit_lines(path, key):
    with open(path) as f:
        return [line.split("=", 1)[1] for line in f.read().splitlines() if line.startswith(key + "=")]


def token_ttl(stack, address):
    """A client_credentials token from the server at address, verified from
    the JWKS with the installed configuration's issuer and audience.
    Returns exp - iat."""
    key = stack.keys["main"]
    status, _, body = stack.fcgi(address, "POST", "/token",
                                 {"Content-Type": "application/x-www-form-urlencoded",
                                  "X-API-Key": key["key"]}, b"grant_type=client_credentials")
    assert status == 200, "installed jwtmint: POST /token: %d %r" % (status, body[:300])
    token = json.loads(body)["access_token"]
    claims = pyjwt.decode(token, options={"verify_signature": False})
    ttl = claims["exp"] - claims["iat"]
    verify_token(stack.jwks(), token, issuer="http://127.0.0.1:8080", audience="jwtmint",
                 client_id=key["id"], scope="read:accounts write:settings", org_id=stack.org_id, ttl=ttl)
    return ttl


def run_housekeeper_unit(stack, service, env):
    """jwtmint-housekeeper.service's command lines: ExecStartPre, then
    ExecStart until the housekeeper says it started, then SIGTERM."""
    pre, start = (unit_lines(service, k) for k in ("ExecStartPre", "ExecStart"))
    assert len(pre) == 1 and len(start) == 1 and start[0].endswith(" --housekeeper"), \
        "%s: ExecStartPre %r ExecStart %r" % (service, pre, start)
    rc, out = run(shlex.split(pre[0]), env=env)
    assert rc == 0, "ExecStartPre %s: exit %d: %s" % (pre[0], rc, out)
    proc = subprocess.Popen(shlex.split(start[0]), stdin=subprocess.DEVNULL, stdout=stack._log,
                            stderr=stack._log, env=env, start_new_session=True)
    try:
        line = "jwtmint[%d]: housekeeper: started" % proc.pid
        wait_for(lambda: line in stack.logs() or proc.poll() is not None, timeout=15,
                 what="the installed housekeeper to start")
        assert proc.poll() is None, "jwtmint-housekeeper.service exited %s: %s" % (
            proc.returncode, stack.logs()[-1500:])
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0, "housekeeper stopped by SIGTERM: exit %s" % proc.returncode
    finally:
        stack.stop_server(proc)


def run_unit(stack, service, conf, env):
    """The installed jwtmint.service's own command lines, with the socket
    passed the way systemd passes it (systemd-socket-activate: LISTEN_FDS,
    LISTEN_PID, descriptor 3, the program started at the first connection):
    ExecStartPre, ExecStart, a token; ExecReload after a change of
    access_ttl_sec, until the new workers issue tokens of the new lifetime;
    ExecReload of a configuration that does not parse, refused by its first
    line; SIGTERM to the main process (KillMode=mixed). Type=notify: a
    NOTIFY_SOCKET as systemd gives one, told READY=1 once the workers
    serve, RELOADING=1 and READY=1 around the reload, STOPPING=1."""
    activate = need_program("systemd-socket-activate", "systemd")
    pre, start, reload = (unit_lines(service, k) for k in ("ExecStartPre", "ExecStart", "ExecReload"))
    assert len(pre) == 1 and len(start) == 1 and len(reload) == 2, \
        "%s: ExecStartPre %r ExecStart %r ExecReload %r" % (service, pre, start, reload)
    assert shlex.split(start[0])[-2:] == ["--listen", "systemd"], "ExecStart: %s" % start[0]
    assert shlex.split(reload[1]) == ["/bin/kill", "-HUP", "$MAINPID"], "ExecReload: %s" % reload[1]
    assert unit_lines(service, "Type") == ["notify"] and unit_lines(service, "NotifyAccess") == ["main"], \
        "%s: Type=notify, NotifyAccess=main" % service
    rc, out = run(shlex.split(pre[0]), env=env)
    assert rc == 0, "ExecStartPre %s: exit %d: %s" % (pre[0], rc, out)

    sock = os.path.join(stack.tmp, "unit.sock")
    npath = os.path.join(stack.tmp, "unit.notify")
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(npath)
    notify.settimeout(30)

    def told():
        return notify.recv(4096).decode().split("\n")
    keep = ["-E%s=%s" % (k, v) for k, v in env.items() if k in ("PATH", "LANG", "TZ", "PGPASSFILE")]
    keep.append("-ENOTIFY_SOCKET=" + npath)
    proc = subprocess.Popen([activate, "-l", sock] + keep + shlex.split(start[0]),
                            stdin=subprocess.DEVNULL, stdout=stack._log, stderr=stack._log,
                            env=env, start_new_session=True)
    try:
        wait_for(lambda: os.path.exists(sock) or proc.poll() is not None, timeout=10,
                 what="systemd-socket-activate to listen")
        address = "unix:" + sock
        stack.wait_fcgi(address, proc)
        assert "READY=1" in told(), "jwtmint.service: no READY=1"
        assert token_ttl(stack, address) == 900, "the installed configuration's access_ttl_sec"

        with open(conf) as f:
            text = f.read()
        with open(conf, "w") as f:
            f.write(re.sub(r"^access_ttl_sec = 900$", "access_ttl_sec = 600", text, flags=re.M))
        for line in reload:
            argv = [a.replace("$MAINPID", str(proc.pid)) for a in shlex.split(line)]
            rc, out = run(argv, env=env)
            assert rc == 0, "ExecReload %s: exit %d: %s" % (line, rc, out)
        assert "RELOADING=1" in told() and "READY=1" in told(), "jwtmint.service: reload not told"
        wait_for(lambda: token_ttl(stack, address) == 600, timeout=30,
                 what="tokens of the reloaded access_ttl_sec = 600")

        with open(conf, "a") as f:
            f.write("no_such_key = 1\n")
        rc, out = run(shlex.split(reload[0]), env=env)
        assert rc == 1 and "no_such_key" in out, "ExecReload of a bad configuration: exit %d: %s" % (rc, out)
        assert proc.poll() is None and token_ttl(stack, address) == 600, "serving after a refused reload"

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=40) == 0, "jwtmint.service stopped by SIGTERM: exit %s" % proc.returncode
        assert "STOPPING=1" in told(), "jwtmint.service: no STOPPING=1"
    finally:
        stack.stop_server(proc)
        notify.close()


def entries(page):
    """The .It entries of an mdoc page: (words of the .It line without
    macros, the text up to the next .It or .El)."""
    with open(page) as f:
        lines = f.read().splitlines()
    out = []
    i = 0
    while i < len(lines):
        if lines[i].startswith(".It"):
            head = lines[i][3:].split()
            j = i + 1
            if head == ["Xo"]:      # the head runs to .Xc
                head = []
                while not lines[j].startswith(".Xc"):
                    head += lines[j].lstrip(".").split()
                    j += 1
                j += 1
            body = []
            while j < len(lines) and not lines[j].startswith((".It", ".El")):
                body.append(lines[j])
                j += 1
            out.append(([w for w in head if not MDOC_MACRO.match(w)], "\n".join(body)))
            i = j
        else:
            i += 1
    return out


def test_manual_documents_every_config_key(stack):
    rc, out = run([stack.jwtmint, "--config-keys"], env=stack.child_env())
    assert rc == 0, "jwtmint --config-keys: exit %s: %s" % (rc, out)
    keys = [line.split("\t", 1) for line in out.splitlines()]
    assert len(keys) > 40 and all(len(k) == 2 for k in keys), "jwtmint --config-keys: %r" % out[:500]
    page = os.path.join(REPO, "man", "jwtmint.conf.5")
    doc = {}
    for head, body in entries(page):
        if head and re.fullmatch(r"[a-z0-9_]+", head[0]) and len(head) >= 2 and head[1].startswith("JWTMINT_"):
            assert head[0] not in doc, "jwtmint.conf(5) documents %s twice" % head[0]
            doc[head[0]] = (head, body)
    missing, wrong = [], []
    for name, default in keys:
        if name not in doc:
            missing.append(name)
            continue
        head, body = doc[name]
        if head[1] != "JWTMINT_" + name.upper():
            wrong.append("%s: variable %s" % (name, head[1]))
        want = "Default: %s." % (default if default else "empty")
        if want not in body:
            wrong.append("%s: no %r" % (name, want))
    assert not missing, "keys missing from man/jwtmint.conf.5: %s" % ", ".join(missing)
    assert not wrong, "man/jwtmint.conf.5: " + "; ".join(wrong)
    stale = sorted(set(doc) - {k for k, _ in keys})
    assert not stale, "man/jwtmint.conf.5 documents keys the program does not know: %s" % stale
    # The shipped configuration lists every key too, with its default.
    with open(os.path.join(REPO, "conf", "jwtmint.conf")) as f:
        shipped = dict(m.groups() for m in re.finditer(r"^(\w+) =[ ]?(.*)$", f.read(), re.M))
    absent = [k for k, _ in keys if k not in shipped]
    assert not absent, "conf/jwtmint.conf lacks: %s" % ", ".join(absent)
    differ = ["%s = %r, default %r" % (k, shipped[k], d) for k, d in keys if shipped[k] != d]
    assert not differ, "conf/jwtmint.conf: " + "; ".join(differ)


def test_manual_documents_every_admin_command(stack):
    rc, out = run([stack.jwtmint_admin, "help", "--commands"], env=stack.child_env())
    assert rc == 0, "jwtmint-admin help --commands: exit %s: %s" % (rc, out)
    commands = [line.split() for line in out.splitlines()]
    assert len(commands) > 30 and ["migrate"] in commands and ["key", "create"] in commands, \
        "jwtmint-admin help --commands: %r" % out[:500]
    heads = [head for head, _ in entries(os.path.join(REPO, "man", "jwtmint-admin.8"))]
    missing = [" ".join(c) for c in commands if not any(h[:len(c)] == c for h in heads)]
    assert not missing, "commands missing from man/jwtmint-admin.8: %s" % ", ".join(missing)
    known = {tuple(c) for c in commands} | {("help",)}
    nouns = {c[0] for c in commands} | {"help"}
    stale = [" ".join(h[:2]) for h in heads if h and h[0] in nouns and
             tuple(h[:2]) not in known and tuple(h[:1]) not in known]
    assert not stale, "man/jwtmint-admin.8 documents commands the program does not know: %s" % stale
