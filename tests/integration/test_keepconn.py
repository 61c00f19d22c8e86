"""
Kept FastCGI connections (FCGI_KEEP_CONN, nginx's fastcgi_keep_conn on),
spoken to jwtmint's socket directly: one connection carries many requests;
idle kept connections never pin a worker (more of them than workers, and a
new connection is still served at once); a request whose input is left
unread, or garbage, closes the connection after its answer and the worker
goes on; SIGTERM with idle kept connections exits promptly and closes them;
a peer that stalls mid-request, trickles management records, never reads
its answers or dribbles input after its answer holds a worker no longer than
fcgi_timeout_ms (a whole-request deadline); an answer is not held back
behind unread input; a stop serves every request waiting on kept
connections (more than one epoll round);
FCGI_WEB_SERVER_ADDRS holds on IPv6 listeners; a worker out of file
descriptors does not spin.
"""

import json
import os
import signal
import socket
import struct
import subprocess
import time

from harness import (FORM, _fcgi_rec, FCGI_BEGIN, FCGI_PARAMS, FCGI_STDIN, fcgi_params, fcgi_read,
                     Skip, form, need_program, parse_cgi_response, split_address, wait_for,
                     workers_settled)

MODES = ("nginx",)

GT = form(grant_type="client_credentials")
KEEP = 1    # FCGI_KEEP_CONN


class Conn:
    """One FastCGI connection to jwtmint, kept open between requests."""

    def __init__(self, address, timeout=10):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.settimeout(timeout)
        self.s.connect(address[5:])
        self.rid = 0

    def request(self, stack, method, path, headers, body=b"", flags=KEEP):
        self.rid += 1
        env = stack.cgi_environ(method, path, list(headers.items()), body, base=False)
        msg = _fcgi_rec(FCGI_BEGIN, self.rid, struct.pack(">HB5x", 1, flags))
        msg += _fcgi_rec(FCGI_PARAMS, self.rid, fcgi_params(env)) + _fcgi_rec(FCGI_PARAMS, self.rid, b"")
        msg += (_fcgi_rec(FCGI_STDIN, self.rid, body) if body else b"") + _fcgi_rec(FCGI_STDIN, self.rid, b"")
        self.s.sendall(msg)
        out, _ = fcgi_read(self.s)
        return parse_cgi_response(out)

    def token(self, stack):
        st, _, body = self.request(stack, "POST", "/token",
                                   {"Content-Type": FORM, "X-API-Key": stack.keys["main"]["key"]}, GT)
        tok = json.loads(body).get("access_token") if st == 200 else None
        if tok:
            stack.secrets.add(tok)
        return st, tok

    def closed_by_peer(self, timeout=3):
        """True when jwtmint closes the connection (EOF) within timeout."""
        self.s.settimeout(timeout)
        try:
            return self.s.recv(1) == b""
        except socket.timeout:
            return False
        except OSError:
            return True

    def close(self):
        self.s.close()


def test_one_connection_many_requests(stack):
    c = Conn(stack.fcgi_address)
    try:
        toks = []
        for _ in range(6):
            st, tok = c.token(stack)
            assert st == 200, "request %d on a kept connection: %d" % (c.rid, st)
            toks.append(tok)
        assert len(set(toks)) == 6, "duplicate tokens on one connection"
        stack.verify(toks[-1])
        st, _, body = c.request(stack, "GET", "/.well-known/jwks.json", {})
        assert st == 200 and json.loads(body)["keys"], "JWKS on the same connection: %d" % st
    finally:
        c.close()


def test_idle_kept_connections_do_not_pin_workers(stack):
    """The stack runs 2 workers: 8 idle kept connections, then a new one
    and the old ones, interleaved, are all served. A worker pinned by an
    idle kept connection would leave the others unserved until it is
    dropped idle (KEPT_IDLE_SEC, 5 min): the sockets' 10 s timeout only
    bounds that wait, it measures nothing."""
    assert stack.workers == 2
    conns = [Conn(stack.fcgi_address, timeout=10) for _ in range(8)]
    try:
        for c in conns:
            st, _ = c.token(stack)
            assert st == 200, "first request on kept connection %d: %d" % (conns.index(c), st)
        fresh = Conn(stack.fcgi_address, timeout=10)
        conns.append(fresh)
        for c in [fresh] + conns[::-1]:
            what = "a new connection" if c is fresh else "kept connection %d" % conns.index(c)
            try:
                st, _ = c.token(stack)
            except socket.timeout:
                raise AssertionError("%s beside idle kept ones was never answered (a pinned worker?)" % what)
            assert st == 200, "%s beside idle kept ones: %d" % (what, st)
    finally:
        for c in conns:
            c.close()


def test_refused_body_read_to_its_end_on_kept_connection(stack):
    """A body over max_body_bytes is answered 413 first; then the rest of
    it is read and dropped (up to DRAIN_MAX_BYTES, src/worker.c), so the
    kept connection serves its next request correctly: the refused body is
    never taken for a request, and a web server that sends the whole body
    before reading the answer (nginx) still gets the 413, not a 502."""
    c = Conn(stack.fcgi_address)
    try:
        big = b"grant_type=client_credentials&pad=" + b"x" * (64 * 1024)
        st, _, body = c.request(stack, "POST", "/token",
                                {"Content-Type": FORM, "X-API-Key": stack.keys["main"]["key"]}, big)
        assert st == 413, "oversized body on a kept connection: %d %r" % (st, body[:100])
        st, tok = c.token(stack)
        assert st == 200 and tok, "the next request on the same connection: %d" % st
    finally:
        c.close()
    st, _, _ = stack.token()
    assert st == 200, "the worker serves on: %d" % st


def test_garbage_on_kept_connection(stack):
    c = Conn(stack.fcgi_address)
    try:
        st, _ = c.token(stack)
        assert st == 200
        c.s.sendall(b"\xff" * 64 + b"GET / HTTP/1.1\r\n\r\n")
        assert c.closed_by_peer(), "garbage after a kept request did not close the connection"
    finally:
        c.close()
    for _ in range(4):
        st, _, _ = stack.token()
        assert st == 200, "after garbage on a kept connection: %d" % st


def test_not_kept_when_not_asked(stack):
    """Without FCGI_KEEP_CONN the connection closes after the answer."""
    c = Conn(stack.fcgi_address)
    try:
        st, _, _ = c.request(stack, "POST", "/token",
                             {"Content-Type": FORM, "X-API-Key": stack.keys["main"]["key"]}, GT, flags=0)
        assert st == 200
        assert c.closed_by_peer(), "a connection not asked to be kept stayed open"
    finally:
        c.close()


def test_sigterm_with_idle_kept_connections(stack):
    sock = "unix:" + os.path.join(stack.tmp, "keep-stop.sock")
    proc = stack.spawn_server(sock, workers=2)
    conns = []
    try:
        stack.wait_fcgi(sock, proc)
        wait_for(lambda: workers_settled(proc.pid, 2), timeout=5, what="2 workers")
        conns = [Conn(sock) for _ in range(6)]
        for c in conns:
            st, _ = c.token(stack)
            assert st == 200
        proc.send_signal(signal.SIGTERM)
        # A stop that waited for idle kept connections would wait until
        # they are dropped idle (5 min) or the supervisor's 30 s grace
        # runs out: 10 s only bounds the wait.
        try:
            rc = proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            raise AssertionError("jwtmint did not stop after SIGTERM with idle kept connections")
        assert rc == 0, "exit status %s" % rc
        for i, c in enumerate(conns):
            assert c.closed_by_peer(timeout=1), "kept connection %d still open after stop" % i
    finally:
        for c in conns:
            c.close()
        stack.stop_server(proc)


def _partial(sock_path):
    """A connection that sends the first 5 bytes of a request and stalls."""
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(sock_path)
    s.sendall(_fcgi_rec(FCGI_BEGIN, 1, struct.pack(">HB5x", 1, KEEP))[:5])
    return s


def test_stalled_peer_bounded_then_stop_serves_waiting_request(stack):
    """One worker, fcgi_timeout_ms = 1000. A peer that stalls mid-request
    holds the worker until that deadline cuts it off, not longer: a request
    waiting on a kept connection meanwhile is answered after the staller is
    closed, and again with SIGTERM already sent (a
    stopping worker serves what reached its kept connections, then closes
    them), and the staller is closed."""
    sock = os.path.join(stack.tmp, "stall.sock")
    proc = stack.spawn_server("unix:" + sock, workers=1, env={"JWTMINT_FCGI_TIMEOUT_MS": "1000"})
    kept = stall = None
    try:
        stack.wait_fcgi("unix:" + sock, proc)
        wait_for(lambda: workers_settled(proc.pid, 1), timeout=5, what="1 worker")
        kept = Conn("unix:" + sock)
        st, _ = kept.token(stack)
        assert st == 200
        stall = _partial(sock)
        time.sleep(0.2)             # the worker now waits on the staller
        try:
            st, _ = kept.token(stack)   # sent while the worker is held
        except socket.timeout:
            raise AssertionError("a request beside a stalled peer was never answered (no deadline?)")
        assert st == 200, "request beside a stalled peer: %d" % st
        # The one worker was held: it answered only after the deadline had
        # shut the staller's connection down, whose end is therefore
        # already there to read.
        stall.setblocking(False)
        try:
            eof = stall.recv(1) == b""
        except BlockingIOError:
            eof = False
        except OSError:
            eof = True
        assert eof, "the request beside the staller was answered while the staller still held the worker"

        # Again, with SIGTERM arriving while the worker is held.
        stall.close()
        stall = _partial(sock)
        time.sleep(0.2)
        kept.rid += 1
        env = stack.cgi_environ("POST", "/token", [("Content-Type", FORM),
                                                   ("X-API-Key", stack.keys["main"]["key"])], GT, base=False)
        kept.s.sendall(_fcgi_rec(FCGI_BEGIN, kept.rid, struct.pack(">HB5x", 1, KEEP)) +
                       _fcgi_rec(FCGI_PARAMS, kept.rid, fcgi_params(env)) + _fcgi_rec(FCGI_PARAMS, kept.rid, b"") +
                       _fcgi_rec(FCGI_STDIN, kept.rid, GT) + _fcgi_rec(FCGI_STDIN, kept.rid, b""))
        time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        out, _ = fcgi_read(kept.s)
        st, _, body = parse_cgi_response(out)
        assert st == 200, "request waiting on a kept connection at stop: %d %r" % (st, body[:100])
        assert kept.closed_by_peer(), "the kept connection stayed open after the stop"
        assert proc.wait(timeout=10) == 0, "exit status %s" % proc.returncode
    finally:
        for c in (kept,):
            if c:
                c.close()
        if stall:
            stall.close()
        stack.stop_server(proc)


FCGI_GET_VALUES = 9


def _one_worker(stack, name, timeout_ms):
    """A `jwtmint --listen` of one worker with fcgi_timeout_ms = timeout_ms."""
    sock = os.path.join(stack.tmp, name + ".sock")
    proc = stack.spawn_server("unix:" + sock, workers=1,
                              env={"JWTMINT_FCGI_TIMEOUT_MS": str(timeout_ms)})
    stack.wait_fcgi("unix:" + sock, proc)
    wait_for(lambda: workers_settled(proc.pid, 1), timeout=5, what="1 worker")
    return sock, proc


def _served_beside(stack, sock, what, within=6):
    """A request on a new connection is answered 200 within `within`
    seconds (a bound against a hang, far above fcgi_timeout_ms)."""
    c = Conn("unix:" + sock, timeout=within)
    try:
        st, _ = c.token(stack)
    except (socket.timeout, AssertionError) as e:
        raise AssertionError("%s: a request beside it was not served (%s)" % (what, e))
    finally:
        c.close()
    assert st == 200, "%s: a request beside it: %d" % (what, st)


def _closed(s, timeout=6):
    """True when the peer ends the connection (EOF or reset) within timeout,
    whatever it still sends before that."""
    s.settimeout(timeout)
    try:
        while True:
            if s.recv(65536) == b"":
                return True
    except socket.timeout:
        return False
    except OSError:
        return True


def test_trickling_peer_bounded(stack):
    """fcgi_timeout_ms bounds a whole request, not each read: a peer that
    sends a management record (FCGI_GET_VALUES) every 0.3 s, never a
    request, holds the worker that long at most; then its connection is
    shut down and the worker serves on."""
    import threading
    sock, proc = _one_worker(stack, "trickle", 1000)
    t = socket.socket(socket.AF_UNIX)
    stop = threading.Event()

    def trickle():
        try:
            while not stop.is_set():
                t.sendall(_fcgi_rec(FCGI_GET_VALUES, 0, fcgi_params({"FCGI_MAX_CONNS": ""})))
                time.sleep(0.3)
        except OSError:
            pass
    try:
        t.connect(sock)
        th = threading.Thread(target=trickle, daemon=True)
        th.start()
        time.sleep(0.2)
        _served_beside(stack, sock, "a trickling peer")
        assert _closed(t), "the trickling connection was not shut down"
    finally:
        stop.set()
        t.close()
        stack.stop_server(proc)


def test_peer_that_never_reads_bounded(stack):
    """A peer that sends management records and never reads the answers
    fills the socket: the worker's write blocks, on a unix socket too, until
    the deadline shuts the connection down."""
    sock, proc = _one_worker(stack, "noread", 1000)
    s = socket.socket(socket.AF_UNIX)
    try:
        s.connect(sock)
        s.settimeout(3)
        rec = _fcgi_rec(FCGI_GET_VALUES, 0, fcgi_params({"FCGI_MAX_CONNS": ""}))
        try:
            s.sendall(rec * 4000)   # ~4000 answers: far over the buffer
        except (socket.timeout, OSError):
            pass                    # the worker stopped reading: blocked
        _served_beside(stack, sock, "a peer that never reads")
        assert _closed(s), "the non-reading connection was not shut down"
    finally:
        s.close()
        stack.stop_server(proc)


def _big_post_head(stack, rid, flags, length=100000):
    """BEGIN + PARAMS of a POST /token announcing `length` body bytes (over
    max_body_bytes: answered 413 unread), and the first 100 of them."""
    env = stack.cgi_environ("POST", "/token", [("Content-Type", FORM),
                                               ("X-API-Key", stack.keys["main"]["key"])], b"", base=False)
    env[b"CONTENT_LENGTH"] = str(length).encode()
    return (_fcgi_rec(FCGI_BEGIN, rid, struct.pack(">HB5x", 1, flags)) +
            _fcgi_rec(FCGI_PARAMS, rid, fcgi_params(env)) + _fcgi_rec(FCGI_PARAMS, rid, b"") +
            _fcgi_rec(FCGI_STDIN, rid, b"x" * 100))


def test_answer_not_held_behind_unread_body(stack):
    """A body refused unread (413) whose sender is slow: the answer goes
    out at once, not after the worker has waited for the rest of the input.
    fcgi_timeout_ms is 10 minutes here, so that an answer held back would
    come only then: the socket's 10 s timeout only bounds the wait."""
    sock, proc = _one_worker(stack, "slowbody", 600000)
    try:
        for flags in (KEEP, 0):
            s = socket.socket(socket.AF_UNIX)
            try:
                s.connect(sock)
                s.settimeout(10)
                s.sendall(_big_post_head(stack, 1, flags))
                try:
                    out, _ = fcgi_read(s)
                except socket.timeout:
                    raise AssertionError("413 held back behind the unread body (flags %d)" % flags)
                st, _, body = parse_cgi_response(out)
                assert st == 413, "flags %d: %d %r" % (flags, st, body[:100])
            finally:
                s.close()
    finally:
        stack.stop_server(proc)


def test_slow_sender_after_answer_bounded(stack):
    """After a 413 answer on a connection that is not kept, libfcgi waits
    for the web server to finish sending before it closes; a peer that
    keeps sending a little at a time holds the worker no longer than
    fcgi_timeout_ms."""
    import threading
    sock, proc = _one_worker(stack, "slowclose", 1000)
    s = socket.socket(socket.AF_UNIX)
    stop = threading.Event()

    def dribble():      # the rest of the body, as a web server would send it
        try:
            s.sendall(struct.pack(">BBHHBB", 1, FCGI_STDIN, 1, 60000, 0, 0))
            while not stop.is_set():
                s.sendall(b"y" * 10)
                time.sleep(0.3)
        except OSError:
            pass
    try:
        s.connect(sock)
        s.settimeout(4)
        s.sendall(_big_post_head(stack, 1, 0))
        out, _ = fcgi_read(s)
        assert parse_cgi_response(out)[0] == 413
        th = threading.Thread(target=dribble, daemon=True)
        th.start()
        _served_beside(stack, sock, "a peer dribbling after its answer")
        assert _closed(s), "the dribbling connection was not closed"
    finally:
        stop.set()
        s.close()
        stack.stop_server(proc)


def test_stop_serves_every_waiting_kept_connection(stack):
    """SIGTERM with requests waiting on 40 kept connections (more than one
    epoll round of 32): each is answered before the worker exits."""
    sock, proc = _one_worker(stack, "stopmany", 2000)
    conns, stall = [], None
    try:
        conns = [Conn("unix:" + sock, timeout=10) for _ in range(40)]
        for c in conns:
            st, _ = c.token(stack)
            assert st == 200
        stall = _partial(sock)          # holds the worker up to 2 s
        time.sleep(0.2)
        env = stack.cgi_environ("POST", "/token", [("Content-Type", FORM),
                                                   ("X-API-Key", stack.keys["main"]["key"])], GT, base=False)
        for c in conns:
            c.rid += 1
            c.s.sendall(_fcgi_rec(FCGI_BEGIN, c.rid, struct.pack(">HB5x", 1, KEEP)) +
                        _fcgi_rec(FCGI_PARAMS, c.rid, fcgi_params(env)) + _fcgi_rec(FCGI_PARAMS, c.rid, b"") +
                        _fcgi_rec(FCGI_STDIN, c.rid, GT) + _fcgi_rec(FCGI_STDIN, c.rid, b""))
        time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        bad = []
        for i, c in enumerate(conns):
            try:
                out, _ = fcgi_read(c.s)
                st = parse_cgi_response(out)[0]
            except (AssertionError, OSError) as e:
                st = str(e)
            if st != 200:
                bad.append((i, st))
        assert not bad, "%d of 40 waiting requests not answered at stop: %r" % (len(bad), bad[:3])
        assert proc.wait(timeout=10) == 0, "exit status %s" % proc.returncode
    finally:
        for c in conns:
            c.close()
        if stall:
            stall.close()
        stack.stop_server(proc)


def test_fcgi_web_server_addrs_ipv6(stack):
    """On an IPv6 listener the list holds too: ::1 is refused unless listed."""
    try:
        with socket.socket(socket.AF_INET6) as probe:       # can this machine?
            probe.bind(("::1", 0))
    except OSError:
        raise Skip("no IPv6 loopback")
    for allowed, served in (("127.0.0.1", False), ("127.0.0.1,::1", True)):
        proc, addr = stack.spawn_server_tcp("::1", workers=1, env={"FCGI_WEB_SERVER_ADDRS": allowed})
        try:
            assert addr.startswith("[::1]:"), "listening on %s" % addr
            env = stack.cgi_environ("GET", "/healthz", [], b"", base=False)
            s = socket.create_connection(split_address(addr), timeout=3)
            try:
                s.sendall(_fcgi_rec(FCGI_BEGIN, 1, struct.pack(">HB5x", 1, 0)) +
                          _fcgi_rec(FCGI_PARAMS, 1, fcgi_params(env)) + _fcgi_rec(FCGI_PARAMS, 1, b"") +
                          _fcgi_rec(FCGI_STDIN, 1, b""))
                try:
                    st = parse_cgi_response(fcgi_read(s)[0])[0]
                except (AssertionError, OSError):
                    st = None
            finally:
                s.close()
            if served:
                assert st == 200, "FCGI_WEB_SERVER_ADDRS=%s: ::1 got %s" % (allowed, st)
            else:
                assert st is None, "FCGI_WEB_SERVER_ADDRS=%s: ::1 was served (%s)" % (allowed, st)
        finally:
            assert stack.stop_server(proc) == 0, "exit status %s" % proc.returncode


def _state(pid):
    """The scheduler state of process pid (R running, S sleeping, ...)."""
    with open("/proc/%d/stat" % pid) as f:
        return f.read().rsplit(")", 1)[1].split()[0]


def test_out_of_descriptors_no_spin(stack):
    """A worker out of file descriptors (EMFILE) must not spin on its
    readable listening socket: it stops accepting for a second at a time,
    keeps serving its kept connections, and accepts again once some close."""
    prlimit = need_program("prlimit", "util-linux")
    sock = os.path.join(stack.tmp, "emfile.sock")
    args = [prlimit, "--nofile=32:32", stack.jwtmint, "-c", stack.conf, "--listen", "unix:" + sock,
            "--workers", "1"]
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=stack._log, stderr=stack._log,
                            env=stack.child_env(), start_new_session=True, cwd=stack.tmp)
    conns = []
    try:
        stack.wait_fcgi("unix:" + sock, proc)
        worker = wait_for(lambda: next(iter(workers_settled(proc.pid, 1) or ()), None),
                          timeout=5, what="1 worker")
        pending = None
        for _ in range(40):
            c = Conn("unix:" + sock, timeout=2)
            try:
                st, _ = c.token(stack)
            except (socket.timeout, AssertionError, OSError):
                pending = c          # not accepted: the worker is out of descriptors
                break
            assert st == 200
            conns.append(c)
        assert pending is not None, "40 kept connections under a limit of 32 descriptors"
        # It stops watching its listening socket, says so, and sleeps in
        # epoll_wait: a spinning worker, sampled, is always running or
        # runnable (R); a waiting one sleeps (S) but for its brief wakes.
        wait_for(lambda: "jwtmint[%d]: worker: out of file descriptors: not accepting" % worker in stack.logs(),
                 timeout=10, what="the worker to say it stops accepting")
        states = []
        for _ in range(20):
            states.append(_state(worker))
            time.sleep(0.05)
        assert states.count("S") >= 15, "the worker spins out of descriptors: states %s" % "".join(states)
        st, _ = conns[0].token(stack)
        assert st == 200, "a kept connection while out of descriptors: %d" % st
        for c in conns[-4:]:
            c.close()
        del conns[-4:]
        pending.s.settimeout(5)
        out, _ = fcgi_read(pending.s)
        assert parse_cgi_response(out)[0] == 200, "the waiting connection after descriptors freed up"
        conns.append(pending)
    finally:
        for c in conns:
            c.close()
        stack.stop_server(proc)
