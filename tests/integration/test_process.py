"""
The process side (nginx mode only): the pre-fork supervisor restarts a worker
killed with SIGKILL, SIGTERM/SIGINT stop it gracefully with exit 0, a database
outage gives 503 and heals itself, FastCGI on stdin (spawn-fcgi) and on TCP,
and concurrent requests.
"""

import json
import os
import signal
import socket
import struct
import subprocess
import threading
import time

from harness import (FORM, _fcgi_rec, FCGI_BEGIN, FCGI_PARAMS, FCGI_STDIN, fcgi_params, fcgi_read,
                     Skip, allow_worker_exit, assert_oauth_error, form,
                     need_program, parse_cgi_response, pid_alive, run_bounded, wait_for,
                     workers_settled)

MODES = ("nginx",)

GT = form(grant_type="client_credentials")


def token_via_fcgi(stack, address):
    st, h, b = stack.fcgi(address, "POST", "/token",
                          {"Content-Type": FORM, "X-API-Key": stack.keys["main"]["key"]}, GT)
    return st, h, json.loads(b)


@allow_worker_exit
def test_worker_restart_after_kill9(stack):
    workers = wait_for(lambda: stack.worker_pids() if len(stack.worker_pids()) == 2 else None,
                       timeout=5, what="2 workers")
    victim = sorted(workers)[0]
    os.kill(victim, signal.SIGKILL)
    wait_for(lambda: not pid_alive(victim), timeout=5, what="the killed worker to be reaped")
    new = wait_for(lambda: (lambda w: w if len(w) == 2 and victim not in w else None)(stack.worker_pids()),
                   timeout=10, what="the supervisor to start a new worker")
    assert stack.server.poll() is None, "the supervisor exited"
    stack.assert_alive()
    for _ in range(10):
        st, _, doc = stack.token()
        assert st == 200, "after the restart: %d %r" % (st, doc)
    assert len(new) == 2


@allow_worker_exit
def test_all_workers_killed_repeatedly(stack):
    for _ in range(3):
        for pid in stack.worker_pids():
            os.kill(pid, signal.SIGKILL)
        time.sleep(0.1)
    wait_for(lambda: len(stack.worker_pids()) == 2, timeout=15, what="2 workers again")
    assert stack.server.poll() is None, "the supervisor exited"
    stack.assert_alive()


def graceful(stack, sig):
    sock = "unix:" + os.path.join(stack.tmp, "g%d.sock" % sig)
    proc = stack.spawn_server(sock, workers=2)
    try:
        stack.wait_fcgi(sock, proc)
        st, _, doc = token_via_fcgi(stack, sock)
        assert st == 200, doc
        workers = wait_for(lambda: workers_settled(proc.pid, 2),
                           timeout=5, what="2 workers")
        proc.send_signal(sig)
        # Idle workers stop at once; one that did not would be killed after
        # the supervisor's 30 s grace: 10 s only bounds the wait.
        try:
            rc = proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            raise AssertionError("jwtmint did not stop after signal %d" % sig)
        assert rc == 0, "exit status %d after signal %d, want 0" % (rc, sig)
        wait_for(lambda: not any(pid_alive(p) for p in workers), timeout=3,
                 what="the workers to exit with the supervisor")
        if os.path.exists(sock[5:]):
            stack.note("jwtmint leaves its unix socket %s behind after signal %d" % (sock[5:], sig))
    finally:
        stack.stop_server(proc)


def test_sigterm_graceful(stack):
    graceful(stack, signal.SIGTERM)


def test_sigint_graceful(stack):
    graceful(stack, signal.SIGINT)


def test_workers_exit_when_supervisor_killed(stack):
    """kill -9 of the supervisor must not leave orphaned workers serving the
    socket with nobody to restart them."""
    sock = "unix:" + os.path.join(stack.tmp, "orphan.sock")
    proc = stack.spawn_server(sock, workers=2)
    try:
        stack.wait_fcgi(sock, proc)
        workers = wait_for(lambda: workers_settled(proc.pid, 2),
                           timeout=5, what="2 workers")
        proc.kill()
        proc.wait(timeout=5)
        try:
            wait_for(lambda: not any(pid_alive(p) for p in workers), timeout=5,
                     what="the workers to exit after their supervisor was killed")
        except AssertionError:
            alive = [p for p in workers if pid_alive(p)]
            raise AssertionError("workers %s still run 5s after kill -9 of the supervisor" % alive)
    finally:
        stack.stop_server(proc)   # kills the process group: orphans too


def test_sigterm_finishes_inflight_request(stack):
    """A request whose body is still arriving when SIGTERM comes is answered."""
    sock = "unix:" + os.path.join(stack.tmp, "inflight.sock")
    proc = stack.spawn_server(sock, workers=1)
    s = None
    try:
        stack.wait_fcgi(sock, proc)
        wait_for(lambda: workers_settled(proc.pid, 1), timeout=5, what="1 worker")
        env = stack.cgi_environ("POST", "/token", [("Content-Type", FORM), ("X-API-Key", stack.keys["main"]["key"])],
                                GT, base=False)
        params = fcgi_params(env)
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(10)
        s.connect(sock[5:])
        s.sendall(_fcgi_rec(FCGI_BEGIN, 1, struct.pack(">HB5x", 1, 0)) + _fcgi_rec(FCGI_PARAMS, 1, params) +
                  _fcgi_rec(FCGI_PARAMS, 1, b"") + _fcgi_rec(FCGI_STDIN, 1, GT[:5]))
        time.sleep(0.3)
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        try:
            s.sendall(_fcgi_rec(FCGI_STDIN, 1, GT[5:]) + _fcgi_rec(FCGI_STDIN, 1, b""))
            out, _ = fcgi_read(s)
        except OSError as e:
            raise AssertionError("the in-flight connection was dropped on SIGTERM: %s" % e)
        assert out, "no answer to the in-flight request after SIGTERM"
        st, _, body = parse_cgi_response(out)
        assert st == 200, "in-flight request: %d %r" % (st, body[:200])
        assert proc.wait(timeout=10) == 0, "exit status %s" % proc.returncode
    finally:
        if s:
            s.close()
        stack.stop_server(proc)


def test_database_down_503_then_recovery(stack):
    # Warm every worker (and any cache it keeps) with this key first: a
    # cached key must not hide the outage.
    for _ in range(6):
        st, _, doc = stack.token()
        assert st == 200, doc
    stack.pg_stop()
    try:
        for i in range(4):
            # The request's timeout bounds the wait (a hang fails it).
            st, h, doc = stack.token()
            try:
                assert_oauth_error((st, h, doc), 503, "temporarily_unavailable")
            except AssertionError as e:
                raise AssertionError("request %d with the database down: %s" % (i + 1, e))
            ra = h.get("retry-after", "")
            assert ra.isdigit() and 0 < int(ra) <= 3600, "Retry-After %r" % ra
        st, h, b = stack.request("GET", "/healthz")
        assert st == 503 and json.loads(b) == {"status": "unavailable"}, (st, b)
    finally:
        stack.pg_start()
    wait_for(lambda: stack.token()[0] == 200, timeout=10, interval=0.2,
             what="token requests to succeed after the database restarted")
    # Every worker healed, not just one.
    for _ in range(8):
        st, _, doc = stack.token()
        assert st == 200, "after recovery: %d %r" % (st, doc)
    st, h, b = stack.request("GET", "/healthz")
    assert st == 200, (st, b)


def test_database_restart_heals(stack):
    """A restart between two requests (connections dropped under the
    workers' feet) costs at most a few failed requests."""
    stack.pg_stop()
    stack.pg_start()
    wait_for(lambda: stack.token()[0] == 200, timeout=10, interval=0.2, what="a token after the restart")
    for _ in range(8):
        assert stack.token()[0] == 200


def test_revocation_seen_after_database_restart(stack):
    """Notifications sent while a worker's connection is dead are lost: a
    worker must notice the restart (and forget what it cached) before it
    trusts its cache again. Otherwise a key revoked right after a database
    restart or failover keeps working until key_cache_sec runs out."""
    k = stack.new_key(name="revoke-after-restart")
    for _ in range(6):   # cached in every worker
        st, _, doc = stack.token(k["key"])
        assert st == 200, doc
    # Steady traffic meanwhile, so no worker sits idle (an idle worker may
    # touch the database and notice the restart by chance).
    done = threading.Event()

    def traffic():
        while not done.is_set():
            stack.token(k["key"])
            time.sleep(0.05)
    t = threading.Thread(target=traffic)
    t.start()
    try:
        stack.pg_stop()
        stack.pg_start()
        stack.admin_ok("key", "revoke", k["id"])
    finally:
        done.set()
        t.join(10)
    t0 = time.time()
    try:
        wait_for(lambda: all(stack.token(k["key"])[0] == 401 for _ in range(4)), timeout=5, interval=0.2,
                 what="the key revoked after a database restart to be refused by every worker")
    except AssertionError:
        raise AssertionError("a key revoked after a database restart still gets tokens %.0fs later "
                             "(workers serve it from their cache and never saw the NOTIFY)" % (time.time() - t0))


def test_concurrent_requests(stack):
    results = []
    lock = threading.Lock()

    def one():
        for _ in range(10):
            st, _, doc = stack.token()
            with lock:
                results.append((st, doc.get("access_token") if isinstance(doc, dict) else None))
    threads = [threading.Thread(target=one) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == 80, len(results)
    bad = [r for r in results if r[0] != 200]
    assert not bad, "%d of 80 failed: %r" % (len(bad), bad[:3])
    toks = [t for _, t in results]
    assert len(set(toks)) == 80, "duplicate tokens"
    stack.verify(toks[-1])


def test_listen_tcp_and_worker_count(stack):
    # Port 0: jwtmint binds a free port and names it (spawn_server_tcp).
    proc, addr = stack.spawn_server_tcp(workers=3)
    try:
        assert addr.startswith("127.0.0.1:") and addr != "127.0.0.1:0", "listening on %s" % addr
        wait_for(lambda: workers_settled(proc.pid, 3), timeout=5, what="3 workers")
        st, _, doc = token_via_fcgi(stack, addr)
        assert st == 200, doc
        stack.verify(doc["access_token"])
        st, _, b = stack.fcgi(addr, "GET", "/healthz")
        assert st == 200, b
    finally:
        assert stack.stop_server(proc) == 0, "exit status %s after SIGTERM" % proc.returncode


def test_fcgi_web_server_addrs(stack):
    """libfcgi's FCGI_WEB_SERVER_ADDRS still holds though the workers accept
    connections themselves: a TCP peer not in the list is closed unanswered."""
    for allowed, served in (("10.9.9.9", False), ("10.9.9.9,127.0.0.1", True)):
        proc, addr = stack.spawn_server_tcp(workers=1, env={"FCGI_WEB_SERVER_ADDRS": allowed})
        try:
            try:
                st, _, _ = stack.fcgi(addr, "GET", "/healthz", timeout=3)
            except (AssertionError, OSError):
                st = None
            if served:
                assert st == 200, "FCGI_WEB_SERVER_ADDRS=%s: 127.0.0.1 got %s" % (allowed, st)
            else:
                assert st is None, "FCGI_WEB_SERVER_ADDRS=%s: 127.0.0.1 was served (%s)" % (allowed, st)
        finally:
            assert stack.stop_server(proc) == 0, "exit status %s after SIGTERM" % proc.returncode


def _cpus_allowed(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("Cpus_allowed_list:"):
                    return line.split(":", 1)[1].strip()
    except OSError:     # gone between the listing and the read
        pass
    return None


def _settled_workers(pid, n):
    """The n workers of supervisor `pid` once each is pinned to one CPU and
    the housekeeper is there under its own name, from one snapshot: a child
    just forked is neither named nor pinned yet (it shows the full CPU list
    for a moment), and reading the children twice mixes two moments."""
    workers = workers_settled(pid, n)
    if workers is None:
        return None
    cpus = [_cpus_allowed(p) for p in workers]
    if any(c is None or "-" in c or "," in c for c in cpus):
        return None
    return workers


def _restarted(pid, n, old):
    """The worker that replaced one of `old`, once it is pinned."""
    workers = _settled_workers(pid, n)
    if workers is None or workers == old:
        return None
    return workers - old


@allow_worker_exit
def test_pin_workers(stack):
    """pin_workers = 1: each worker on one CPU, spread round robin over the
    CPUs the supervisor may use; a restarted worker gets its slot's CPU."""
    ncpu = len(os.sched_getaffinity(0))
    if ncpu < 2:
        raise Skip("one CPU")
    sock = "unix:" + os.path.join(stack.tmp, "pin.sock")
    proc = stack.spawn_server(sock, workers=ncpu, env={"JWTMINT_PIN_WORKERS": "1"})
    try:
        stack.wait_fcgi(sock, proc)
        workers = wait_for(lambda: _settled_workers(proc.pid, ncpu), timeout=10,
                           what="%d workers pinned to one CPU each" % ncpu)
        cpus = sorted(_cpus_allowed(p) for p in workers)
        allowed = sorted(str(c) for c in os.sched_getaffinity(0))
        assert cpus == sorted(allowed), "workers pinned to %r, want one each of %r" % (cpus, allowed)
        victim = sorted(workers)[0]
        cpu = _cpus_allowed(victim)
        os.kill(victim, signal.SIGKILL)
        new = wait_for(lambda: _restarted(proc.pid, ncpu, workers), timeout=10,
                       what="the restarted worker, pinned")
        assert [_cpus_allowed(p) for p in new] == [cpu], "restarted worker on %r, its slot's CPU is %s" % (
            [_cpus_allowed(p) for p in new], cpu)
        st, _, doc = token_via_fcgi(stack, sock)
        assert st == 200, doc
    finally:
        stack.stop_server(proc)
    proc = stack.spawn_server(sock, workers=2)
    try:
        stack.wait_fcgi(sock, proc)
        workers = wait_for(lambda: workers_settled(proc.pid, 2),
                           timeout=5, what="2 workers")
        full = _cpus_allowed(os.getpid())
        assert all(_cpus_allowed(p) == full for p in workers), "pin_workers = 0 pinned a worker"
    finally:
        stack.stop_server(proc)


def test_listen_and_workers_bad_values(stack):
    sock = "unix:" + os.path.join(stack.tmp, "w.sock")
    for args in (["--listen", "unix:"], ["--listen", "nowhere"], ["--listen", "127.0.0.1:99999"],
                 ["--listen", "127.0.0.1:"], ["--listen", "127.0.0.1:0x50"],
                 ["--listen", sock, "--workers", "0"], ["--listen", sock, "--workers", "-1"],
                 ["--listen", sock, "--workers", "257"], ["--listen", sock, "--workers", "x"]):
        rc, out = run_bounded([stack.jwtmint, "-c", stack.conf] + args, env=stack.child_env(), timeout=3)
        assert rc is not None, "%s: accepted (still running after 3s)" % " ".join(args)
        assert rc != 0, "%s: exit 0" % " ".join(args)
        assert out.strip(), "%s: no message" % " ".join(args)


def test_spawn_fcgi(stack):
    spawn = need_program("spawn-fcgi", "spawn-fcgi")
    path = os.path.join(stack.tmp, "spawn.sock")
    # -n: no fork, spawn-fcgi execs jwtmint with the socket as its stdin.
    proc = subprocess.Popen([spawn, "-n", "-s", path, "-M", "0666", "--", stack.jwtmint, "-c", stack.conf],
                            stdout=stack._log, stderr=stack._log, env=stack.child_env(),
                            start_new_session=True, stdin=subprocess.DEVNULL)
    try:
        stack.wait_fcgi("unix:" + path, proc)
        for _ in range(3):   # several requests on one process
            st, _, doc = token_via_fcgi(stack, "unix:" + path)
            assert st == 200, doc
            stack.verify(doc["access_token"])
        st, _, b = stack.fcgi("unix:" + path, "GET", "/.well-known/jwks.json")
        assert st == 200 and json.loads(b)["keys"], b
        st, _, b = stack.fcgi("unix:" + path, "POST", "/token", {"Content-Type": FORM}, GT)
        assert st == 401, (st, b)
    finally:
        stack.stop_server(proc)
