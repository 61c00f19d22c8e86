"""
Kept FastCGI connections (FCGI_KEEP_CONN, nginx's fastcgi_keep_conn on),
spoken to jwtmint's socket directly: one connection carries many requests;
idle kept connections never pin a worker (more of them than workers, and a
new connection is still served at once); a request whose input is left
unread, or garbage, closes the connection after its answer and the worker
goes on; SIGTERM with idle kept connections exits promptly and closes them.
"""

import json
import os
import signal
import socket
import struct
import time

from harness import (FORM, _fcgi_rec, FCGI_BEGIN, FCGI_PARAMS, FCGI_STDIN, fcgi_params, fcgi_read,
                     children_of, form, parse_cgi_response, wait_for)

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
    and the old ones, interleaved, are all served at once."""
    assert stack.workers == 2
    conns = [Conn(stack.fcgi_address, timeout=5) for _ in range(8)]
    try:
        for c in conns:
            st, _ = c.token(stack)
            assert st == 200, "first request on kept connection %d: %d" % (conns.index(c), st)
        t0 = time.time()
        fresh = Conn(stack.fcgi_address, timeout=5)
        conns.append(fresh)
        st, _ = fresh.token(stack)
        assert st == 200, "a new connection beside 8 idle kept ones: %d" % st
        for c in reversed(conns):
            st, _ = c.token(stack)
            assert st == 200, "second request on kept connection %d: %d" % (conns.index(c), st)
        took = time.time() - t0
        assert took < 3, "9 requests beside idle kept connections took %.1fs (a pinned worker?)" % took
    finally:
        for c in conns:
            c.close()


def test_unread_input_closes_kept_connection(stack):
    """A body over max_body_bytes is answered 413 and not read: the
    connection must then close (the rest would be taken for a request)."""
    c = Conn(stack.fcgi_address)
    try:
        big = b"grant_type=client_credentials&pad=" + b"x" * (64 * 1024)
        st, _, body = c.request(stack, "POST", "/token",
                                {"Content-Type": FORM, "X-API-Key": stack.keys["main"]["key"]}, big)
        assert st == 413, "oversized body on a kept connection: %d %r" % (st, body[:100])
        assert c.closed_by_peer(), "the connection stayed open with its input unread"
    finally:
        c.close()
    st, _, _ = stack.token()
    assert st == 200, "the worker serves on after closing: %d" % st


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
        wait_for(lambda: len(children_of(proc.pid)) == 2, timeout=5, what="2 workers")
        conns = [Conn(sock) for _ in range(6)]
        for c in conns:
            st, _ = c.token(stack)
            assert st == 200
        t0 = time.time()
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=10)
        took = time.time() - t0
        assert rc == 0, "exit status %s" % rc
        assert took < 3, "stop took %.1fs with idle kept connections" % took
        for i, c in enumerate(conns):
            assert c.closed_by_peer(timeout=1), "kept connection %d still open after stop" % i
    finally:
        for c in conns:
            c.close()
        stack.stop_server(proc)
