"""
Reload and restart like a daemon (nginx mode only; docs/OPERATIONS.md,
"Reload" and "Binary upgrade"): SIGHUP re-reads the configuration and
replaces the workers one by one under load without one failed request; a
configuration that does not load, whose pepper is not the database's, or
with which no worker starts is refused with the reason in the log and the
old workers keep serving; the platform listener moves and closes with the
configuration; SIGUSR2 re-executes a new binary at the same path, same
supervisor pid, under load without one failed request (and a binary whose
`-t` fails is refused), and an upgrade none of whose new workers starts
keeps the old ones serving; the upgrade variables are ignored on any start
but the supervisor's own exec; a SIGTERM during a reload cuts it short;
`--listen systemd` takes its socket from systemd socket activation and
tells systemd READY=1, RELOADING=1 and STOPPING=1 (sd_notify).

The SIGHUP tests reload the stack's own supervisor (nginx forwards to it)
after rewriting its configuration file, and put the file back and reload
again at the end; the upgrade test runs a supervisor of its own from a
copy of the binary, on the same address. The load is several threads
POSTing /token through nginx, one connection per request
(fastcgi_keep_conn off, the harness's default). Under KEEP_CONN=on
(tests/run.sh's ASan pass) the load goes through an nginx of its own with
fastcgi_keep_conn off: with kept connections, an old worker closing its
idle ones races nginx reusing them, and nginx does not retry a POST that
met a closed connection (docs/OPERATIONS.md, "Reload"); the guarantee
tested here is the one-connection-per-request one.
"""

import base64
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading

from harness import (FORM, NGINX_SH, allow_worker_exit, children_of, parse_json, run_bounded,
                     start_web_server, wait_for, workers_settled)

MODES = ("nginx",)

LOAD_THREADS = 4
PLATFORM_CRED = "pc_" + base64.urlsafe_b64encode(os.urandom(33)).decode()


def post_token(stack, port):
    """POST /token (client_credentials) to nginx on port, one connection.
    Returns (status, parsed body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("POST", "/token", b"grant_type=client_credentials",
                     {"Content-Type": FORM, "X-API-Key": stack.keys["main"]["key"]})
        resp = conn.getresponse()
        body = parse_json(resp.read())
        if isinstance(body, dict) and isinstance(body.get("access_token"), str):
            stack.secrets.add(body["access_token"])
        return resp.status, body
    finally:
        conn.close()


class Load:
    """Threads POSTing /token through nginx with fastcgi_keep_conn off
    until stopped; every answer but a 200 with a token, and every
    connection error, is kept."""

    def __init__(self, stack):
        self.stack = stack
        self.port = stack.port
        self.nginx_dir = None
        if os.environ.get("KEEP_CONN", "off") != "off":
            self.nginx_dir = os.path.join(stack.tmp, "nginx-reload")
            old = os.environ["KEEP_CONN"]
            os.environ["KEEP_CONN"] = "off"
            try:
                self.port = start_web_server(NGINX_SH, self.nginx_dir, stack.fcgi_address, note=stack.note)
            finally:
                os.environ["KEEP_CONN"] = old
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.ok = 0
        self.bad = []
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(LOAD_THREADS)]

    def run(self):
        while not self.stop.is_set():
            try:
                st, doc = post_token(self.stack, self.port)
                good = st == 200 and isinstance(doc, dict) and "access_token" in doc
                what = (st, doc if not good else None)
            except Exception as e:  # a refused or reset connection counts
                good, what = False, repr(e)
            with self.lock:
                if good:
                    self.ok += 1
                else:
                    self.bad.append(what)

    def count(self):
        with self.lock:
            return self.ok

    def __enter__(self):
        for t in self.threads:
            t.start()
        # Load is flowing before anything happens.
        wait_for(lambda: self.count() >= 20 or self.bad, timeout=20, what="the load to start")
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=15)
        if self.nginx_dir:
            subprocess.run([NGINX_SH, "stop", self.nginx_dir], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=30)
        return False

    def settled(self, before, min_more=20):
        """Wait until min_more more requests succeeded (after a change)."""
        wait_for(lambda: self.count() >= before + min_more or len(self.bad) > 10,
                 timeout=20, what="requests after the change")


MARKS = ("reloaded ", "reload refused: ", "upgrade refused: ", "upgraded: ", "listening on ",
         "UPGRADE FAILED: ")


class Sup:
    """A `jwtmint --listen` supervisor seen from outside: its children and
    its log lines (counted from when this object was made)."""

    def __init__(self, stack, pid, workers):
        self.stack, self.pid, self.workers = stack, pid, workers
        self.base = {m: len(self.lines(m)) for m in MARKS}

    def generation(self):
        """(workers, housekeeper) once settled."""
        w = wait_for(lambda: workers_settled(self.pid, self.workers), timeout=20,
                     what="%d settled workers" % self.workers)
        return w, self.stack.housekeeper_pid(self.pid)

    def lines(self, what):
        return re.findall(r"jwtmint\[%d\]: %s[^\n]*" % (self.pid, what), self.stack.logs())

    def new_lines(self, what):
        return self.lines(what)[self.base[what]:]

    def wait_line(self, what, count, timeout=30):
        """The count-th line starting with what since this object was made."""
        return wait_for(lambda: (lambda l: l if len(l) >= count else None)(self.new_lines(what)),
                        timeout=timeout, what="%d log lines %r of %d" % (count, what, self.pid))[count - 1]

    def replaced(self, old, timeout=30):
        """The workers and housekeeper after a change, all new."""
        old_w, old_hk = old

        def fresh():
            w = workers_settled(self.pid, self.workers)
            hk = self.stack.housekeeper_pid(self.pid)
            return (w, hk) if w and not (w & old_w) and hk and hk != old_hk else None
        return wait_for(fresh, timeout=timeout, what="a new generation of workers")


class StackSup(Sup):
    """The stack's own supervisor (nginx forwards to it) and its
    configuration file, written again as the original when done (and
    reloaded), whatever happened."""

    def __init__(self, stack):
        Sup.__init__(self, stack, stack.server.pid, stack.workers)
        self.conf = stack.conf
        self.reloads = 0

    def reload(self, **kw):
        """Write the configuration (write_conf's arguments), SIGHUP, wait
        until it is in force. Returns the reloaded line."""
        write_conf(self.stack, os.path.basename(self.conf), **kw)
        self.reloads += 1
        os.kill(self.pid, signal.SIGHUP)
        return self.wait_line("reloaded ", self.reloads)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.stack.server is not None and self.stack.server.poll() is None:
            self.reload()
        else:
            self.stack.write_config(self.conf)
        return False


class Own(Sup):
    """Our own `jwtmint --listen` on the stack's FastCGI address (so nginx
    forwards to it), with configuration file conf (whose `workers` it
    runs: no --workers) and binary exe; the stack's is stopped meanwhile
    and started again after."""

    def __init__(self, stack, conf, exe, workers=2):
        self.stack, self.conf, self.workers, self.exe = stack, conf, workers, exe

    def __enter__(self):
        st = self.stack
        st.stop_server()
        args = [self.exe, "-c", self.conf, "--listen", st.fcgi_address]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=st._log, stderr=st._log,
                                     env=st.child_env(), start_new_session=True, cwd=st.tmp)
        st.wait_fcgi(st.fcgi_address, self.proc)
        Sup.__init__(self, st, self.proc.pid, self.workers)
        return self

    def __exit__(self, *exc):
        rc = self.stack.stop_server(self.proc)
        self.stack.start_server()
        assert exc[0] is not None or rc == 0, "our supervisor exited with %s" % rc
        return False


def write_conf(stack, name, extra=(), ttl=900, drop=()):
    """The stack's configuration with access_ttl_sec = ttl, without the
    keys in drop, with the lines extra, in the file name of its temp dir."""
    path = os.path.join(stack.tmp, name)
    lines = [l for l in stack.config_lines()
             if l.split(" ", 1)[0] not in ("access_ttl_sec",) + tuple(drop)]
    with open(path + ".tmp", "w") as f:
        f.write("\n".join(lines + ["access_ttl_sec = %d" % ttl] + list(extra)) + "\n")
    os.chmod(path + ".tmp", 0o600)
    os.replace(path + ".tmp", path)    # never half written when read
    return path


def platform(stack, tag):
    """Configuration lines of a platform listener on a unix socket of its
    own, and its address."""
    cred = os.path.join(stack.tmp, "platform.cred")
    stack.secrets.add(PLATFORM_CRED)
    if not os.path.exists(cred):
        with open(cred, "w") as f:
            f.write(PLATFORM_CRED + "\n")
        os.chmod(cred, 0o600)
    addr = "unix:" + os.path.join(stack.tmp, "plat-%s.sock" % tag)
    return ["platform_listen = %s" % addr, "platform_credential_file = %s" % cred], addr


def platform_get(stack, addr):
    st, _, body = stack.fcgi(addr, "GET", "/platform/orgs", {"Authorization": "Bearer " + PLATFORM_CRED})
    return st


def new_secret(stack):
    """32 random bytes in base64, a secret the logs must never show."""
    v = base64.b64encode(os.urandom(32)).decode()
    stack.secrets.add(v)
    return v


def ttl_now(stack):
    st, _, doc = stack.token()
    assert st == 200, (st, doc)
    return doc["expires_in"]


@allow_worker_exit
def test_sighup_under_load(stack):
    with StackSup(stack) as sup, Load(stack) as load:
        gen = sup.generation()
        assert ttl_now(stack) == 900
        for ttl in (600, 300):
            before = load.count()
            sup.reload(ttl=ttl)
            gen = sup.replaced(gen)
            assert ttl_now(stack) == ttl, "the new access_ttl_sec is not in force"
            load.settled(before)
        assert stack.server.poll() is None
    assert load.bad == [], "failed during the reloads: %r" % load.bad[:5]
    assert load.ok > 40, load.ok
    assert ttl_now(stack) == 900


@allow_worker_exit
def test_sighup_refuses_a_bad_configuration(stack):
    with StackSup(stack) as sup:
        gen = sup.generation()
        # Not a configuration: refused with the key and line in the log.
        write_conf(stack, "jwtmint.conf", extra=["no_such_key = 1"], ttl=600)
        os.kill(sup.pid, signal.SIGHUP)
        line = sup.wait_line("reload refused: ", 1)
        assert "no_such_key" in line and "jwtmint.conf:" in line, line
        # A pepper that is not the database's: refused, never given to a
        # worker (it would hash keys no other host verifies).
        other = os.path.join(stack.tmp, "other-pepper")
        with open(other, "w") as f:
            f.write(new_secret(stack) + "\n")
        os.chmod(other, 0o600)
        write_conf(stack, "jwtmint.conf", extra=["pepper_file = %s" % other], drop=("pepper_file",))
        os.kill(sup.pid, signal.SIGHUP)
        line = sup.wait_line("reload refused: ", 2)
        assert "pepper 1 is not the database's pepper 1" in line, line
        # Nor a key-encryption key (new signing keys would be sealed with
        # a key no other host holds).
        other = os.path.join(stack.tmp, "other-kek")
        with open(other, "w") as f:
            f.write(new_secret(stack) + "\n")
        os.chmod(other, 0o600)
        write_conf(stack, "jwtmint.conf", extra=["kek_file = %s" % other], drop=("kek_file",))
        os.kill(sup.pid, signal.SIGHUP)
        line = sup.wait_line("reload refused: ", 3)
        assert "key-encryption key is not the one" in line, line
        # A value out of range, checked by the same table as at the start.
        write_conf(stack, "jwtmint.conf", ttl=5)
        os.kill(sup.pid, signal.SIGHUP)
        line = sup.wait_line("reload refused: ", 4)
        assert "access_ttl_sec" in line, line
        # Valid for the parser, but no worker can start with it (17
        # audiences, 16 at most: src/app.h): the first new worker exits,
        # the reload is refused before any old worker is told to stop.
        write_conf(stack, "jwtmint.conf", ttl=600, drop=("audiences",),
                   extra=["audiences = " + " ".join("aud%d" % i for i in range(17))])
        os.kill(sup.pid, signal.SIGHUP)
        line = sup.wait_line("reload refused: ", 5)
        assert "did not start" in line, line
        # The old workers, the old configuration, still serving.
        assert sup.generation() == gen, "the workers were replaced by a refused configuration"
        assert ttl_now(stack) == 900
        assert sup.new_lines("reloaded ") == []
        # Fixed: the next SIGHUP applies it; with a platform listener,
        # then another address, then none: bound, moved, closed.
        one, addr1 = platform(stack, "one")
        two, addr2 = platform(stack, "two")
        line = sup.reload(ttl=600, extra=one + ["workers = 3"])
        gen = sup.replaced(gen)
        # --workers on the command line wins over the configuration's.
        assert len(gen[0]) == 2 and "2 workers" in line, line
        assert sup.lines("reload: workers = 3 in the configuration, but --workers 2")
        assert ttl_now(stack) == 600
        assert platform_get(stack, addr1) == 200
        sup.reload(extra=two)
        gen = sup.replaced(gen)
        assert platform_get(stack, addr2) == 200
        assert not os.path.exists(addr1[5:]), "the old platform socket is left behind"
    # Back to the stack's configuration: no platform listener.
    assert not os.path.exists(addr2[5:])
    assert ttl_now(stack) == 900


@allow_worker_exit
def test_binary_upgrade_under_load(stack):
    bindir = os.path.join(stack.tmp, "sbin")
    os.makedirs(bindir, exist_ok=True)
    exe = os.path.join(bindir, "jwtmint")
    shutil.copy2(stack.jwtmint, exe)
    plines, paddr = platform(stack, "up")
    conf = write_conf(stack, "upgrade.conf", extra=plines + ["workers = 2"])

    def install(src):
        # As a package manager does: a new file renamed over the path (the
        # running image keeps its own, now unnamed).
        shutil.copy2(src, exe + ".new")
        os.replace(exe + ".new", exe)
        return os.stat(exe).st_ino

    with Own(stack, conf, exe=exe) as own, Load(stack) as load:
        gen = own.generation()
        # A binary whose `-t` fails is not executed.
        broken = os.path.join(stack.tmp, "broken")
        with open(broken, "w") as f:
            f.write("#!/bin/sh\necho 'broken build' >&2\nexit 3\n")
        os.chmod(broken, 0o755)
        install(broken)
        os.kill(own.pid, signal.SIGUSR2)
        line = own.wait_line("upgrade refused: ", 1)
        assert "-t failed" in line, line
        assert own.generation() == gen
        # The real thing, under load.
        assert platform_get(stack, paddr) == 200
        sock_ino = os.stat(paddr[5:]).st_ino
        ino = install(stack.jwtmint)
        before = load.count()
        os.kill(own.pid, signal.SIGUSR2)
        own.wait_line("upgraded: ", 1)
        gen = own.replaced(gen)
        assert own.proc.poll() is None, "the supervisor exited"
        assert os.stat("/proc/%d/exe" % own.pid).st_ino == ino, "not the new binary"
        assert len(own.lines("listening on ")) == 2, own.lines("listening on ")
        # The platform listener went across the exec: the same socket.
        assert platform_get(stack, paddr) == 200
        assert os.stat(paddr[5:]).st_ino == sock_ino
        load.settled(before)
        # The new image reloads like the first (a new workers count too),
        # and upgrades again.
        write_conf(stack, "upgrade.conf", extra=plines + ["workers = 3"])
        os.kill(own.pid, signal.SIGHUP)
        own.wait_line("reloaded ", 1)
        own.workers = 3
        gen = own.replaced(gen)
        ino = install(stack.jwtmint)
        os.kill(own.pid, signal.SIGUSR2)
        own.wait_line("upgraded: ", 2)
        gen = own.replaced(gen)
        assert os.stat("/proc/%d/exe" % own.pid).st_ino == ino
    assert load.bad == [], "failed during the upgrade: %r" % load.bad[:5]


@allow_worker_exit
def test_upgrade_whose_workers_fail_keeps_the_old_ones(stack):
    """An upgrade whose new workers cannot start (17 audiences pass -t but
    no worker starts with them) keeps the old image's workers serving;
    a reload with a good configuration then replaces them."""
    conf = write_conf(stack, "upfail.conf", extra=["workers = 2"])
    with Own(stack, conf, exe=stack.jwtmint) as own:
        old_w, _ = own.generation()
        write_conf(stack, "upfail.conf", drop=("audiences",),
                   extra=["workers = 2", "audiences = " + " ".join("aud%d" % i for i in range(17))])
        os.kill(own.pid, signal.SIGUSR2)
        line = own.wait_line("UPGRADE FAILED: ", 1)
        assert "keep serving" in line, line
        assert own.new_lines("upgraded: ") == []
        for pid in old_w:
            os.kill(pid, 0)     # still there
        assert ttl_now(stack) == 900
        assert own.proc.poll() is None
        write_conf(stack, "upfail.conf", extra=["workers = 2"], ttl=600)
        os.kill(own.pid, signal.SIGHUP)
        own.wait_line("reloaded ", 1)
        wait_for(lambda: not any(os.path.exists("/proc/%d" % p) for p in old_w), timeout=40,
                 what="the kept workers to stop after the reload")
        assert ttl_now(stack) == 600


@allow_worker_exit
def test_sigterm_cuts_a_reload_short(stack):
    """A stop during a reload stops waiting for the new workers: their
    database a listener that never answers (each new worker takes at least
    database_timeout_ms to serve, the reload two of them), SIGTERM once
    the first new worker exists; the supervisor stops without a
    "reloaded", exit 0, and says it cut the reload short."""
    hole = socket.socket()
    hole.bind(("127.0.0.1", 0))
    hole.listen(64)         # never accepted: libpq waits for an answer
    conf = write_conf(stack, "cut.conf", extra=["workers = 2"])
    try:
        with Own(stack, conf, exe=stack.jwtmint) as own:
            old_w, _ = own.generation()
            write_conf(stack, "cut.conf", drop=("database_url", "database_timeout_ms"),
                       extra=["workers = 2", "database_timeout_ms = 3000",
                              "database_url = host=127.0.0.1 port=%d dbname=x user=x connect_timeout=30"
                              % hole.getsockname()[1]])
            os.kill(own.pid, signal.SIGHUP)
            wait_for(lambda: children_of(own.pid) - old_w, timeout=60,
                     what="the reload's first new worker")
            own.proc.send_signal(signal.SIGTERM)
            assert own.proc.wait(timeout=60) == 0
            assert own.new_lines("reloaded ") == []
            assert re.search(r"jwtmint\[%d\]: (reload cut short by a stop signal|\d+ of \d+ new workers "
                             r"not waited for: stopping)" % own.pid, stack.logs()), stack.logs()[-2000:]
    finally:
        hole.close()


# Puts the listening socket it is given on descriptor 3 and names it the
# way systemd does (LISTEN_PID is the pid that execs jwtmint: this one).
SD_WRAPPER = r"""
import os, sys
fd = int(sys.argv[1])
os.dup2(fd, 3)
os.close(fd)
os.environ["LISTEN_PID"] = str(os.getpid())
os.environ["LISTEN_FDS"] = "1"
os.environ["LISTEN_FDNAMES"] = "jwtmint.socket"
os.execv(sys.argv[2], sys.argv[2:])
"""


class Notify:
    """systemd's end of sd_notify(3): a unix datagram socket, named as
    NOTIFY_SOCKET names it (an abstract name: '@' for the leading NUL)."""

    def __init__(self):
        self.name = "@jwtmint-test-notify-%d-%s" % (os.getpid(), os.urandom(4).hex())
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind("\0" + self.name[1:])

    def next(self, timeout=30):
        """The next message as a dict (KEY: VALUE), waiting up to timeout."""
        self.sock.settimeout(timeout)
        try:
            msg = self.sock.recv(4096).decode()
        except socket.timeout:
            raise AssertionError("no sd_notify message within %ds" % timeout)
        return dict(l.split("=", 1) for l in msg.split("\n") if l)

    def close(self):
        self.sock.close()


@allow_worker_exit
def test_listen_systemd(stack):
    """Socket activation and Type=notify as systemd runs the unit: READY=1
    once the workers serve, RELOADING=1 (with MONOTONIC_USEC) and READY=1
    around a reload and an upgrade, STOPPING=1 at the stop."""
    path = os.path.join(stack.tmp, "sd.sock")
    s = socket.socket(socket.AF_UNIX)
    s.bind(path)
    s.listen(64)
    conf = write_conf(stack, "sd.conf")
    notify = Notify()
    proc = subprocess.Popen([sys.executable, "-c", SD_WRAPPER, str(s.fileno()), stack.jwtmint,
                             "-c", conf, "--listen", "systemd", "--workers", "1"],
                            pass_fds=(s.fileno(),), stdin=subprocess.DEVNULL, stdout=stack._log,
                            stderr=stack._log, env=stack.child_env({"NOTIFY_SOCKET": notify.name}),
                            start_new_session=True)
    s.close()
    try:
        # READY=1 only once a worker serves: a request then succeeds.
        m = notify.next()
        assert m.get("READY") == "1" and m.get("MAINPID") == str(proc.pid), m
        line = wait_for(lambda: re.search(r"jwtmint\[%d\]: listening on (\S+) with 1 workers" % proc.pid,
                                          stack.logs()) or proc.poll() is not None,
                        timeout=10, what="jwtmint --listen systemd to start")
        assert proc.poll() is None, "exited: %s" % stack.logs()[-1500:]
        assert line.group(1) == "unix:" + path, line.group(0)
        st, _, body = stack.fcgi("unix:" + path, "POST", "/token",
                                 {"Content-Type": "application/x-www-form-urlencoded",
                                  "X-API-Key": stack.keys["main"]["key"]},
                                 b"grant_type=client_credentials")
        assert st == 200, (st, body[:200])
        # A reload keeps systemd's socket.
        os.kill(proc.pid, signal.SIGHUP)
        m = notify.next()
        assert m.get("RELOADING") == "1" and int(m.get("MONOTONIC_USEC", "0")) > 0, m
        m = notify.next()
        assert m.get("READY") == "1", m
        assert re.search(r"jwtmint\[%d\]: reloaded " % proc.pid, stack.logs()), "READY=1 before reloaded"
        st, _, _ = stack.fcgi("unix:" + path, "GET", "/healthz")
        assert st == 200
        # So does an upgrade (the same binary executed again): the new
        # image takes the socket by number, not from LISTEN_* again.
        os.kill(proc.pid, signal.SIGUSR2)
        m = notify.next()
        assert m.get("RELOADING") == "1", m
        m = notify.next()
        assert m.get("READY") == "1" and m.get("MAINPID") == str(proc.pid), m
        assert re.search(r"jwtmint\[%d\]: upgraded: " % proc.pid, stack.logs()), "READY=1 before upgraded"
        assert proc.poll() is None
        st, _, _ = stack.fcgi("unix:" + path, "GET", "/healthz")
        assert st == 200
        assert stack.stop_server(proc) == 0
        assert notify.next(timeout=1).get("STOPPING") == "1"
        # systemd's socket file is systemd's: not unlinked at the stop.
        assert os.path.exists(path)
    finally:
        stack.stop_server(proc)
        notify.close()


def test_upgrade_variables_of_another_start_are_ignored(stack):
    """JWTMINT_LISTEN_FD and its kin are honoured only after this process's
    own upgrade (JWTMINT_UPGRADE_PID is its pid): a fresh start with them
    set, and another pid, binds its configured address, signals none of
    the pids named, and takes no platform listener."""
    stray = socket.socket(socket.AF_UNIX)
    stray_path = os.path.join(stack.tmp, "stray.sock")
    stray.bind(stray_path)
    stray.listen(8)
    victim = subprocess.Popen(["sleep", "60"])
    addr = "unix:" + os.path.join(stack.tmp, "fresh.sock")
    conf = write_conf(stack, "fresh.conf")
    env = stack.child_env({"JWTMINT_LISTEN_FD": str(stray.fileno()),
                           "JWTMINT_PLATFORM_FD": str(stray.fileno()),
                           "JWTMINT_CHILDREN": str(victim.pid),
                           "JWTMINT_UPGRADE_PID": "2"})
    proc = subprocess.Popen([stack.jwtmint, "-c", conf, "--listen", addr, "--workers", "1"],
                            pass_fds=(stray.fileno(),), stdin=subprocess.DEVNULL, stdout=stack._log,
                            stderr=stack._log, env=env, start_new_session=True)
    try:
        line = wait_for(lambda: re.search(r"jwtmint\[%d\]: listening on (\S+) with" % proc.pid,
                                          stack.logs()) or proc.poll() is not None,
                        timeout=20, what="the fresh start")
        assert proc.poll() is None, "exited: %s" % stack.logs()[-1500:]
        assert line.group(1) == addr, line.group(0)
        assert re.search(r"jwtmint\[%d\]: JWTMINT_LISTEN_FD, JWTMINT_PLATFORM_FD, JWTMINT_CHILDREN: "
                         r"not set by an upgrade of this process" % proc.pid, stack.logs())
        assert not re.search(r"jwtmint\[%d\]: (upgraded|platform listener)" % proc.pid, stack.logs())
        st, _, _ = stack.fcgi(addr, "GET", "/healthz")
        assert st == 200
        assert victim.poll() is None, "a pid of JWTMINT_CHILDREN was signalled"
        assert stack.stop_server(proc) == 0
        # The stray socket was never taken: still ours, still listening.
        assert os.path.exists(stray_path)
    finally:
        stack.stop_server(proc)
        victim.kill()
        victim.wait()
        stray.close()


def test_listen_systemd_without_a_socket(stack):
    conf = write_conf(stack, "nosd.conf")
    env = stack.child_env({"LISTEN_PID": "1", "LISTEN_FDS": "1"})   # another process's
    rc, out = run_bounded([stack.jwtmint, "-c", conf, "--listen", "systemd"], env=env, timeout=20)
    assert rc == 1, (rc, out)
    assert "--listen systemd: no socket passed" in out, out
