"""
Every error a client can receive is JSON (issue 14, docs/GATE.md "Errors
from the web server"). Through each real web server, nginx, lighttpd and
Apache httpd, started by its scripts/*.sh on a free loopback port in front
of its own jwtmint: malformed requests sent on raw sockets (a body over the
limit, a NUL byte in a header, a 1 MiB header, a garbage request line,
HTTP/3.0 and a bogus version, unknown methods, a POST without
Content-Length, a URI too long), the gate's refusals (bad token, bad key,
insufficient scope, a token over the gate's header bound, the rate limit),
unknown paths, and jwtmint stopped (502/503). Each answer: the status this
server gives (they differ, and docs/GATE.md lists how), Content-Type
application/json, a body that parses as a JSON object with an "error"
member and an "error_description" that echoes nothing of the request, and
the headers that matter (WWW-Authenticate on 401 and on 403
insufficient_scope, Allow on jwtmint's 405, Retry-After on 429).

Also, straight over FastCGI: /check answers a token over the header bound
401 invalid_token, an over-long X-API-Key 403 invalid_client.

And the production examples as shipped (conf/nginx.conf, conf/lighttpd.conf,
conf/apache.conf; only paths, ports and certificates replaced, a throwaway
certificate): syntax-checked and started, plain HTTP to the TLS port (400
JSON), an unknown path (404 JSON), /healthz and /readyz reaching jwtmint,
nginx's limit_req 429; beside each example, a test-only listener with the
same error configuration: 504 from a backend that never answers (all
three), nginx's own 500 outside a gate, lighttpd's own 500.
"""

import grp
import http.client
import json
import os
import pwd
import re
import shutil
import signal
import socket
import ssl
import tempfile
import threading
import time

from harness import REPO, fcgi_request, free_port
from test_apache_rs import make_tls, moddir
from test_webservers import Cleanup, Web, gate_key, sh, spawn_jwtmint_tcp

MODES = ("nginx",)

HOST = b"Host: 127.0.0.1\r\nConnection: close\r\n"
# A token larger than the gate reads (HTTP_MAX_HEADER_BYTES = 7 + 8192),
# smaller than what the servers' configurations let through (16 KiB).
BIG_TOKEN = "eyJ" + "A" * 9000
MARK = "zq7echo"            # in every request: never in an answer


def raw(port, data, timeout=10):
    """Send data, read until the server closes; (status, headers, body).
    A server may answer and close before it read everything: a reset while
    sending is fine, the answer is read after."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    out = b""
    try:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        while True:
            try:
                d = s.recv(65536)
            except ConnectionResetError:
                break
            if not d:
                break
            out += d
    finally:
        s.close()
    return parse_response(out)


def parse_response(out):
    head, sep, body = out.partition(b"\r\n\r\n")
    assert sep and out.startswith(b"HTTP/1."), "not an HTTP/1.x answer: %r" % out[:200]
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    hdrs = {}
    for l in lines[1:]:
        n, _, v = l.partition(b":")
        n = n.strip().lower().decode("latin1")
        v = v.strip().decode("latin1")
        hdrs[n] = hdrs[n] + ", " + v if n in hdrs else v
    if "chunked" in hdrs.get("transfer-encoding", "").lower():
        body = dechunk(body)
    elif "content-length" in hdrs:
        body = body[:int(hdrs["content-length"])]
    return status, hdrs, body


def dechunk(data):
    out = b""
    while True:
        size, sep, rest = data.partition(b"\r\n")
        assert sep, "a chunked body cut short: %r" % data[:100]
        n = int(size.split(b";")[0], 16)
        if n == 0:
            return out
        out += rest[:n]
        data = rest[n + 2:]


def assert_json_error(kind, what, resp, status, error=None, www=None, allow=False, retry=False):
    st, h, body = resp
    where = "%s, %s" % (kind, what)
    want = status if isinstance(status, tuple) else (status,)
    assert st in want, "%s: status %d, want %r (%r)" % (where, st, want, body[:200])
    ct = h.get("content-type", "")
    assert ct.split(";")[0].strip().lower() == "application/json", \
        "%s: Content-Type %r, body %r" % (where, ct, body[:200])
    try:
        doc = json.loads(body)
    except ValueError:
        raise AssertionError("%s: the body is not JSON: %r" % (where, body[:200]))
    assert isinstance(doc, dict) and isinstance(doc.get("error"), str) and doc["error"], \
        "%s: no error member: %r" % (where, doc)
    desc = doc.get("error_description")
    assert isinstance(desc, str) and re.fullmatch(r"[\x20-\x21\x23-\x5b\x5d-\x7e]+", desc), \
        "%s: error_description %r" % (where, desc)
    assert MARK.encode() not in body, "%s: the body echoes the request: %r" % (where, body[:200])
    if error is not None:
        errs = error if isinstance(error, tuple) else (error,)
        assert doc["error"] in errs, "%s: error %r, want %r" % (where, doc["error"], errs)
    if www:
        assert www in h.get("www-authenticate", ""), "%s: WWW-Authenticate %r, want %r" % (
            where, h.get("www-authenticate"), www)
    if allow:
        assert re.search(r"\b(GET|POST)\b", h.get("allow", "")), "%s: Allow %r" % (where, h.get("allow"))
    if retry:
        assert re.fullmatch(r"[1-9][0-9]*", h.get("retry-after", "")), \
            "%s: Retry-After %r" % (where, h.get("retry-after"))
    return doc


# What differs between the servers (docs/GATE.md, "Errors from the web
# server"): status per case; None where the answer is not an error.
EXPECT = {
    #                   nginx          lighttpd       apache
    "body_over_limit": (413,           413,           413),
    "nul_in_header":   (400,           400,           400),
    "header_1mib":     (431,           431,           400),
    "garbage_line":    (400,           400,           400),
    "http_3_0":        (505,           505,           None),   # Apache answers as HTTP/1.1
    "bogus_version":   (400,           505,           400),
    "unknown_method":  (405,           501,           405),   # 405: jwtmint's, with Allow
    "trace":           (405,           405,           405),
    "no_length":       (411,           411,           411),
    "uri_too_long":    (414,           431,           414),
    "check_outside":   (404,           403,           403),
    "te_gzip":         (501,           501,           400),
    "expect_x":        ((400, 401),    (400, 401),    417),   # 400/401: jwtmint's answer
    "jwtmint_down":    (502,           503,           503),
    "gate_down":       (503,           503,           500),
}
COLUMN = {"nginx": 0, "lighttpd": 1, "apache": 2}


def expect(kind, case):
    return EXPECT[case][COLUMN[kind]]


def malformed(kind, port):
    """The malformed requests, on raw sockets."""
    def want(case, **kw):
        return case, expect(kind, case), kw

    m = MARK.encode()
    cases = [
        (want("body_over_limit", error="invalid_request"),
         b"POST /token HTTP/1.1\r\n" + HOST + b"Content-Type: application/x-www-form-urlencoded\r\n"
         b"Content-Length: 2000000\r\n\r\n" + m * (2000000 // len(m)) + b"x" * (2000000 % len(m))),
        (want("nul_in_header", error="invalid_request"),
         b"GET /healthz HTTP/1.1\r\n" + HOST + b"X-Junk: " + m + b"\0" + m + b"\r\n\r\n"),
        (want("header_1mib", error="invalid_request"),
         b"GET /healthz HTTP/1.1\r\n" + HOST + b"X-Junk: " + m * (1 << 17) + b"\r\n\r\n"),
        (want("garbage_line", error="invalid_request"),
         b"\x16\x03\x01" + m + b" \xff\xfe garbage\r\n\r\n"),
        (want("http_3_0", error="invalid_request"),
         b"GET /healthz HTTP/3.0\r\n" + HOST + b"\r\n"),
        (want("bogus_version", error="invalid_request"),
         b"GET /healthz HTTP/" + m + b"\r\n" + HOST + b"\r\n"),
        (want("unknown_method", error="method_not_allowed", allow=expect(kind, "unknown_method") == 405),
         b"FROB /token HTTP/1.1\r\n" + HOST + b"\r\n"),
        # nginx and Apache refuse TRACE themselves (without a usable
        # Allow); lighttpd passes it to jwtmint (with Allow).
        (want("trace", error="method_not_allowed", allow=kind == "lighttpd"),
         b"TRACE /token HTTP/1.1\r\n" + HOST + b"\r\n"),
        (want("no_length", error="invalid_request"),
         b"POST /token HTTP/1.1\r\n" + HOST + b"Content-Type: application/x-www-form-urlencoded\r\n\r\n"),
        (want("uri_too_long", error="invalid_request"),
         b"GET /" + m * 10000 + b" HTTP/1.1\r\n" + HOST + b"\r\n"),
        (want("check_outside", error=("not_found", "access_denied")),
         b"GET /check HTTP/1.1\r\n" + HOST + b"\r\n"),
        # A Transfer-Encoding no server implements. lighttpd has one
        # page for its 501, which names the unknown method's error.
        (want("te_gzip", error=("invalid_request", "method_not_allowed") if kind == "lighttpd"
              else "invalid_request"),
         b"POST /token HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: gzip\r\n"
         b"Content-Type: application/x-www-form-urlencoded\r\n\r\n" + m),
        # An expectation no server meets: Apache refuses it (417); nginx
        # and lighttpd pass the request on (no body: jwtmint answers).
        (want("expect_x", error=("invalid_request", "invalid_client")),
         b"POST /token HTTP/1.1\r\n" + HOST + b"Expect: " + m + b"\r\n"
         b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 0\r\n\r\n"),
    ]
    # HTTP/0.9 (no version): nginx and Apache answer the bare body, no
    # status line or headers; lighttpd waits for the end of a header block
    # and refuses the request line then (400).
    data = b"GET /check\r\n" + (b"\r\n" if kind == "lighttpd" else b"")
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        s.sendall(data)
        out = b""
        while True:
            d = s.recv(65536)
            if not d:
                break
            out += d
    finally:
        s.close()
    if kind == "lighttpd":
        assert_json_error(kind, "HTTP/0.9", parse_response(out), 400, error="invalid_request")
    else:
        doc = json.loads(out)
        assert doc.get("error") in ("not_found", "access_denied"), "%s, HTTP/0.9: %r" % (kind, out[:200])

    for (case, status, kw), data in cases:
        try:
            resp = raw(port, data)
        except socket.timeout:
            raise AssertionError("%s, %s: no answer" % (kind, case))
        if status is None:
            # Apache takes HTTP/3.0 for HTTP/1.1 and serves the request.
            assert resp[0] == 200, "%s, %s: %d %r, want 200 (served as HTTP/1.1)" % (
                kind, case, resp[0], resp[2][:200])
            continue
        assert_json_error(kind, case, resp, status, **kw)


def gate_and_paths(stack, kind, web):
    """The gate's refusals and unknown paths, through the server."""
    key = gate_key(stack, kind + "-ep")
    kkey = key["key"]
    st, _, doc = web.post_form("/token", {"grant_type": "client_credentials",
                                          "scope": "read:accounts"}, kkey)
    assert st == 200, "%s: client_credentials %d %r" % (kind, st, doc)
    token = doc["access_token"]
    st, _, rb = web.api("/api/accounts", key=kkey, token=token)
    assert st == 200, "%s: the gate refuses a good token: %d %r" % (kind, st, rb[:200])

    check = [
        ("bad token", web.api("/api/accounts", key=kkey, token=token[:-4] + "AAAA"),
         401, "invalid_token", 'error="invalid_token"'),
        ("garbage token", web.api("/api/accounts", key=kkey, token=MARK),
         401, "invalid_token", 'error="invalid_token"'),
        # Over the gate's header bound: an invalid token, not a 403.
        ("token over the bound", web.api("/api/accounts", key=kkey, token=BIG_TOKEN),
         401, "invalid_token", 'error="invalid_token"'),
        ("no key", web.api("/api/accounts"), 403, "invalid_client", None),
        ("bad key", web.api("/api/accounts", key="jmk_live_" + MARK), 403, "invalid_client", None),
        ("key over the bound", web.api("/api/accounts", key="jmk_live_" + "a" * 9000),
         403, "invalid_client", None),
        ("insufficient scope", web.api("/api/admin", key=kkey, token=token),
         403, "insufficient_scope", 'error="insufficient_scope"'),
    ]
    for what, resp, status, error, www in check:
        assert_json_error(kind, what, resp, status, error=error, www=www)

    if kind == "nginx":
        # The gate's file (/api/ping, nginx's static alias): a Range past
        # its end (416) and a failed If-Match (412), nginx's own.
        assert_json_error(kind, "Range past the end", web.api(
            "/api/ping", key=kkey, token=token, headers={"Range": "bytes=999999-"}), 416,
            error="invalid_request")
        assert_json_error(kind, "If-Match", web.api(
            "/api/ping", key=kkey, token=token, headers={"If-Match": '"' + MARK + '"'}), 412,
            error="invalid_request")

    # The rate limit: jwtmint's 429 with Retry-After, through the server.
    # At 1 a minute, of 3 requests at most 2 pass (a minute may end
    # between two of them).
    limited = gate_key(stack, kind + "-ep-rl", rate_min=1)
    resps = [web.api("/api/accounts", key=limited["key"]) for _ in range(3)]
    refused = [r for r in resps if r[0] != 200]
    assert len(refused) >= 1, "%s: 3 requests at 1/min all passed" % kind
    for r in refused:
        assert_json_error(kind, "over the rate limit", r, 429, error="too_many_requests", retry=True)

    # Unknown paths under jwtmint's locations: jwtmint's 404.
    for path in ("/nope-" + MARK, "/.well-known/" + MARK, "/token/" + MARK):
        assert_json_error(kind, "GET " + path, web.request("GET", path), 404, error="not_found")
    # jwtmint's own 405, through the server: Allow kept.
    assert_json_error(kind, "GET /token", web.request("GET", "/token"), 405,
                      error="method_not_allowed", allow=True)
    return key


def down(stack, kind, web, proc, key):
    """jwtmint stopped: the server's own 502/503 (500 for Apache's gate)."""
    stack.stop_server(proc)
    resp = web.request("POST", "/token", {"Content-Type": "application/x-www-form-urlencoded",
                                          "X-API-Key": key["key"]}, "grant_type=client_credentials")
    assert_json_error(kind, "jwtmint down: /token", resp, expect(kind, "jwtmint_down"),
                      error="temporarily_unavailable")
    resp = web.api("/api/accounts", key=key["key"])
    assert_json_error(kind, "jwtmint down: the gate", resp, expect(kind, "gate_down"),
                      error="temporarily_unavailable", retry=kind == "nginx")


def through(stack, kind):
    c = Cleanup()
    try:
        proc, address = spawn_jwtmint_tcp(stack, c, workers=2)
        web = Web(stack, kind, address, name=kind + "-errpages", cleanup=c)
        try:
            malformed(kind, web.port)
            key = gate_and_paths(stack, kind, web)
            down(stack, kind, web, proc, key)
        except AssertionError as e:
            raise AssertionError("%s\n%s error.log:\n%s" % (e, kind, web.log_tail(n=1500)))
    finally:
        c.run()


def test_nginx_errors_are_json(stack):
    through(stack, "nginx")


def test_lighttpd_errors_are_json(stack):
    through(stack, "lighttpd")


def test_apache_errors_are_json(stack):
    through(stack, "apache")


def test_check_header_bounds(stack):
    """/check straight over FastCGI: a Bearer token over the header bound is
    401 invalid_token with WWW-Authenticate; an X-API-Key over it stays a
    403 invalid_client; the key is judged first."""
    key = stack.keys["main"]["key"]

    def check(headers):
        env = stack.cgi_environ("GET", "/check", headers, base=False,
                                cgi_env={"JWTMINT_SCOPE": "read:accounts"})
        st, h, body, _ = fcgi_request(stack.fcgi_address, env)
        return st, h, body

    def doc(resp):
        return json.loads(resp[2])

    resp = check([("X-API-Key", key), ("Authorization", "Bearer " + BIG_TOKEN)])
    assert resp[0] == 401 and doc(resp)["error"] == "invalid_token", resp
    assert resp[1].get("www-authenticate") == 'Bearer error="invalid_token"', resp[1]
    assert resp[1].get("x-jwtmint-error") == "invalid_token" and resp[1].get("x-jwtmint-status") == "401"
    resp = check([("X-API-Key", key), ("Authorization", "Basic " + "A" * 9000)])
    assert resp[0] == 401 and doc(resp)["error"] == "invalid_token", resp
    resp = check([("X-API-Key", "jmk_live_" + "a" * 9000), ("Authorization", "Bearer " + BIG_TOKEN)])
    assert resp[0] == 403 and doc(resp)["error"] == "invalid_client", resp
    assert "www-authenticate" not in resp[1], resp[1]
    assert resp[1].get("x-jwtmint-error") == "invalid_client"
    # A server parameter over the bound: the request itself, 403.
    env = stack.cgi_environ("GET", "/check", [("X-API-Key", key)], base=False,
                            cgi_env={"JWTMINT_SCOPE": "s" * 9000})
    st, h, body, _ = fcgi_request(stack.fcgi_address, env)
    assert st == 403 and json.loads(body)["error"] == "access_denied", (st, body[:200])
    # At the bound's side of the line: a good token and key pass.
    st, _, d = stack.token(scope="read:accounts")
    assert st == 200, (st, d)
    tok = d["access_token"]
    resp = check([("X-API-Key", key), ("Authorization", "Bearer " + tok)])
    assert resp[0] == 200, resp
    stack.assert_alive()


# --- the production examples -------------------------------------------------
# conf/nginx.conf, conf/lighttpd.conf and conf/apache.conf are what operators
# copy: each is copied to a temp dir with only its paths, ports and
# certificates substituted (a throwaway certificate for 127.0.0.1), wrapped
# in the few global lines a server needs to start as a user (pid file, logs,
# temp dirs), and started on free loopback ports in front of the stack's
# jwtmint. The [::] listen lines are dropped (loopback IPv4 only here).

CONF = os.path.join(REPO, "conf")
DEADLINE_SEC = 10.0


def nogroup():
    for g in ("nogroup", "nobody"):
        try:
            grp.getgrnam(g)
            return g
        except KeyError:
            pass
    raise AssertionError("no group nogroup or nobody for the web server's workers")


def substitute(text, subs):
    """Each (old, new): old must be there (the example changed otherwise)."""
    for old, new in subs:
        assert old in text, "the example no longer has %r" % old
        text = text.replace(old, new)
    return text


def wait_for(fn, what, bound=DEADLINE_SEC):
    end = time.monotonic() + bound
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > end:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.05)


def stop_pid(pidfile, sig=signal.SIGTERM):
    try:
        with open(pidfile) as f:
            pid = int(f.read().strip())
    except (OSError, ValueError):
        return
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        return

    def gone():
        try:
            os.kill(pid, 0)
            return False
        except ProcessLookupError:
            return True
    wait_for(gone, "pid %d to exit" % pid)


def tls_context(d):
    ctx = ssl.create_default_context(cafile=os.path.join(d, "ca.crt"))
    return ctx


def tls_request(ctx, port, method, path, headers=None, conn=None):
    own = conn is None
    if own:
        conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=10)
    try:
        conn.request(method, path, headers=dict(headers or {}))
        r = conn.getresponse()
        body = r.read()
        return r.status, {n.lower(): v for n, v in r.getheaders()}, body
    finally:
        if own:
            conn.close()


def start_with_port_retry(start, what, tries=5):
    """start() returns None on success, or the error text; retried when a
    free port was taken meanwhile (free_port is racy)."""
    err = ""
    for _ in range(tries):
        err = start()
        if err is None:
            return
        if "in use" not in err:
            break
    raise AssertionError("%s did not start: %s" % (what, err[-2000:]))


def nginx_example(stack, d, fcgi_unix):
    """conf/nginx.conf under nginx. Beside it a test-only server (same
    nginx-errors.conf) with what the example cannot provoke: a location
    nginx answers 500 itself (outside any gate) and one whose backend
    accepts and never answers (fastcgi_read_timeout 1s: 504)."""
    with open(os.path.join(CONF, "nginx.conf")) as f:
        example = f.read()
    stall = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    stall.bind(("127.0.0.1", 0))
    stall.listen(8)         # never accepted: the kernel completes the connect
    ports = {}
    tmp = os.path.join(d, "nginx-tmp")
    os.makedirs(tmp, exist_ok=True)
    os.chmod(tmp, 0o777)
    pidfile = os.path.join(d, "nginx.pid")

    def start():
        ports.update(http=free_port(), https=free_port(), test=free_port(), mtls=free_port())
        text = substitute(example, [
            ("\tlisten [::]:80;\n", ""),
            ("\tlisten [::]:443 ssl http2;\n", ""),
            ("listen 80;", "listen 127.0.0.1:%d;" % ports["http"]),
            ("listen 443 ssl http2;", "listen 127.0.0.1:%d ssl http2;" % ports["https"]),
            ("server unix:/run/jwtmint/fcgi.sock;", "server unix:%s;" % fcgi_unix),
            ("/etc/ssl/certs/auth.example.com.pem", os.path.join(d, "server.crt")),
            ("/etc/ssl/private/auth.example.com.key", os.path.join(d, "server.key")),
            ("/var/log/nginx/jwtmint.access.log", os.path.join(d, "nginx-access.log")),
            ("/var/log/nginx/jwtmint.error.log", os.path.join(d, "nginx-error.log")),
            ("/usr/local/share/jwtmint/conf/nginx-errors.conf",
             os.path.join(CONF, "nginx-errors.conf")),
        ])
        with open(os.path.join(d, "jwtmint-example.conf"), "w") as f:
            f.write(text)
        user = "user nobody %s;" % nogroup() if os.getuid() == 0 else ""
        with open(os.path.join(d, "nginx.conf"), "w") as f:
            f.write("""%(user)s
worker_processes 1;
daemon on;
pid %(d)s/nginx.pid;
error_log %(d)s/nginx-error.log warn;
events { worker_connections 64; }
http {
	client_body_temp_path %(tmp)s/client_body;
	fastcgi_temp_path %(tmp)s/fastcgi;
	proxy_temp_path %(tmp)s/proxy;
	scgi_temp_path %(tmp)s/scgi;
	uwsgi_temp_path %(tmp)s/uwsgi;
	include %(d)s/jwtmint-example.conf;
	server {
		listen 127.0.0.1:%(test)d;
		include %(errors)s;
		location = /fail { return 500; }
		location = /stall {
			fastcgi_pass 127.0.0.1:%(stall)d;
			fastcgi_read_timeout 1s;
			fastcgi_send_timeout 1s;
		}
		location / { return 404; }
	}
	server {
		listen 127.0.0.1:%(mtls)d ssl;
		ssl_certificate %(d)s/server.crt;
		ssl_certificate_key %(d)s/server.key;
		ssl_client_certificate %(d)s/ca.crt;
		ssl_verify_client on;
		include %(errors)s;
		location / { return 404; }
	}
}
""" % dict(user=user, d=d, tmp=tmp, test=ports["test"], stall=stall.getsockname()[1], mtls=ports["mtls"],
           errors=os.path.join(CONF, "nginx-errors.conf")))
        conf = os.path.join(d, "nginx.conf")
        p = sh(["nginx", "-t", "-q", "-p", d + "/", "-c", conf], check=False)
        if p.returncode != 0:
            return p.stderr.decode(errors="replace")
        p = sh(["nginx", "-p", d + "/", "-c", conf], check=False)
        if p.returncode != 0:
            return p.stderr.decode(errors="replace")
        return None

    try:
        start_with_port_retry(start, "nginx with conf/nginx.conf")
        return ports, pidfile, stall
    except BaseException:
        stall.close()
        raise


def check_nginx_example(stack, d, ports):
    ctx = tls_context(d)
    https = ports["https"]
    # Plain HTTP to the TLS port: nginx's 497, answered 400 in JSON.
    resp = raw(https, b"GET /token HTTP/1.1\r\n" + HOST + b"X-Junk: " + MARK.encode() + b"\r\n\r\n")
    assert_json_error("nginx example", "plain HTTP to the TLS port", resp, 400,
                      error="invalid_request")
    # An unknown path: the example's own 404.
    resp = tls_request(ctx, https, "GET", "/nope-" + MARK)
    assert_json_error("nginx example", "unknown path", resp, 404, error="not_found")
    # /healthz and /readyz reach jwtmint (its JSON, 200 on a ready stack).
    for path in ("/healthz", "/readyz"):
        st, h, body = tls_request(ctx, https, "GET", path)
        assert st == 200 and h.get("content-type", "").startswith("application/json"), \
            "nginx example, %s: %d %r %r" % (path, st, h, body[:200])
        assert isinstance(json.loads(body), dict), body[:200]
    assert h.get("strict-transport-security"), "nginx example: no HSTS: %r" % h
    # An unknown Transfer-Encoding: nginx's 501, in JSON.
    ts = ctx.wrap_socket(socket.create_connection(("127.0.0.1", https), timeout=10),
                         server_hostname="127.0.0.1")
    try:
        ts.sendall(b"POST /token HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: gzip\r\n"
                   b"Content-Type: application/x-www-form-urlencoded\r\n\r\n" + MARK.encode())
        out = b""
        while True:
            try:
                chunk = ts.recv(65536)
            except (ssl.SSLError, ConnectionResetError):
                break
            if not chunk:
                break
            out += chunk
    finally:
        ts.close()
    assert_json_error("nginx example", "Transfer-Encoding: gzip", parse_response(out), 501,
                      error="invalid_request")
    # nginx's own 429 (limit_req on /token, 20 r/s with bursts of 40):
    # 16 kept connections in parallel, each sending until nginx refuses
    # one (a slow machine cannot keep the rate under the limit); jwtmint
    # answers the others (GET: its 405).
    stop = threading.Event()
    refused, other, failed = [], [], []

    def client():
        conn = http.client.HTTPSConnection("127.0.0.1", https, context=ctx, timeout=10)
        try:
            for _ in range(100):
                if stop.is_set():
                    return
                resp = tls_request(ctx, https, "GET", "/token", conn=conn)
                if resp[0] == 429:
                    refused.append(resp)
                    stop.set()
                elif resp[0] != 405:
                    other.append(resp)
                    stop.set()
        except Exception as e:      # reported below, in the test's thread
            failed.append(repr(e))
            stop.set()
        finally:
            conn.close()
    threads = [threading.Thread(target=client) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failed, "nginx example, GET /token: %s" % failed[0]
    assert not other, "nginx example, GET /token: %d %r" % (other[0][0], other[0][2][:200])
    assert refused, "nginx example: 1600 requests to /token and no 429 from limit_req"
    assert_json_error("nginx example", "limit_req", refused[0], 429, error="too_many_requests",
                      retry=True)
    # The test-only TLS server that requires a client certificate: none
    # (nginx's 496) and one of a CA it does not trust (495), both 400 JSON.
    resp = tls_request(ctx, ports["mtls"], "GET", "/x-" + MARK)
    assert_json_error("nginx", "no client certificate", resp, 400, error="invalid_request")
    sh(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", os.path.join(d, "client.key"), "-out", os.path.join(d, "client.crt"),
        "-days", "1", "-subj", "/CN=jwtmint test untrusted client"])
    cctx = tls_context(d)
    cctx.load_cert_chain(os.path.join(d, "client.crt"), os.path.join(d, "client.key"))
    resp = tls_request(cctx, ports["mtls"], "GET", "/x-" + MARK)
    assert_json_error("nginx", "an untrusted client certificate", resp, 400, error="invalid_request")
    # The test-only server: nginx's own 500 outside a gate, and 504.
    web = Web(stack, "nginx", port=ports["test"])
    assert_json_error("nginx", "return 500 outside a gate", web.request("GET", "/fail"), 500,
                      error="server_error")
    assert_json_error("nginx", "a backend that never answers", web.request("GET", "/stall"), 504,
                      error="temporarily_unavailable")


def test_nginx_example(stack):
    """conf/nginx.conf as shipped: plain HTTP to its TLS port, an unknown
    path, /healthz and /readyz, an unknown Transfer-Encoding, its limit_req;
    beside it nginx's own 500 and 504 through nginx-errors.conf."""
    assert stack.fcgi_address.startswith("unix:"), stack.fcgi_address
    d = tempfile.mkdtemp(prefix="example-nginx-", dir=stack.tmp)
    os.chmod(d, 0o755)
    make_tls(d)
    ports, pidfile, stall = nginx_example(stack, d, stack.fcgi_address[5:])
    try:
        try:
            check_nginx_example(stack, d, ports)
        except AssertionError as e:
            with open(os.path.join(d, "nginx-error.log"), errors="replace") as f:
                raise AssertionError("%s\nerror.log:\n%s" % (e, f.read()[-1500:]))
    finally:
        stop_pid(pidfile, signal.SIGQUIT)
        stall.close()


def example_lua(example):
    """The Lua script that conf/lighttpd.conf carries in its closing comment."""
    lines = example.split("\n")
    start = next(i for i, l in enumerate(lines) if l.startswith("# /etc/lighttpd/jwtmint-account.lua ("))
    out = []
    for l in lines[start + 2:]:
        if not l.startswith("#   "):
            break
        out.append(l[4:])
    assert out and out[-1].strip() == "return 0", out
    return "\n".join(out) + "\n"


def lighttpd_example(d, fcgi_unix, stall_port):
    """conf/lighttpd.conf under lighttpd: lighttpd -tt, then started. Beside
    it a test-only listener with the same error pages: a Lua script that
    fails (lighttpd's own 500) and a FastCGI backend that accepts and never
    answers ("read-timeout" 1 s: 504)."""
    with open(os.path.join(CONF, "lighttpd.conf")) as f:
        example = f.read()
    errors = os.path.join(d, "lighttpd-errors")
    shutil.copytree(os.path.join(CONF, "lighttpd-errors"), errors)
    for n in os.listdir(errors):
        os.chmod(os.path.join(errors, n), 0o644)
    lua = os.path.join(d, "jwtmint-account.lua")
    with open(lua, "w") as f:
        f.write(example_lua(example))
    os.chmod(lua, 0o644)
    fail = os.path.join(d, "fail.lua")
    with open(fail, "w") as f:
        f.write('error("a test-only failure")\n')
    os.chmod(fail, 0o644)
    os.makedirs(os.path.join(d, "htdocs"), exist_ok=True)
    text = substitute(example, [
        ("/usr/local/share/jwtmint/conf/lighttpd-errors/", errors + "/"),
        ('"socket" => "/run/jwtmint/fcgi.sock"', '"socket" => "%s"' % fcgi_unix),
        ('"/run/myapp/fcgi.sock"', '"%s"' % os.path.join(d, "myapp.sock")),
        ('"/etc/lighttpd/jwtmint-account.lua"', '"%s"' % lua),
    ])
    with open(os.path.join(d, "jwtmint-example.conf"), "w") as f:
        f.write(text)
    pidfile = os.path.join(d, "lighttpd.pid")
    port = {}
    user = ""
    log = os.path.join(d, "lighttpd-error.log")
    open(log, "a").close()
    if os.getuid() == 0:
        # lighttpd opens its log after dropping to that user.
        user = 'server.username = "nobody"\nserver.groupname = "%s"\n' % nogroup()
        os.chown(log, pwd.getpwnam("nobody").pw_uid, grp.getgrnam(nogroup()).gr_gid)

    def start():
        port.update(p=free_port(), test=free_port())
        conf = os.path.join(d, "lighttpd.conf")
        with open(conf, "w") as f:
            f.write('server.bind = "127.0.0.1"\nserver.port = %d\n%s'
                    'server.document-root = "%s/htdocs"\nserver.pid-file = "%s"\n'
                    'server.errorlog = "%s/lighttpd-error.log"\n'
                    'include "%s/jwtmint-example.conf"\n'
                    '$SERVER["socket"] == "127.0.0.1:%d" {\n'
                    '\t$HTTP["url"] == "/fail" { magnet.attract-raw-url-to = ( "%s" ) }\n'
                    '\t$HTTP["url"] == "/stall" {\n'
                    '\t\tfastcgi.server = ( "/stall" => (( "host" => "127.0.0.1", "port" => %d,\n'
                    '\t\t\t"check-local" => "disable", "read-timeout" => 1 )) )\n'
                    '\t}\n}\n'
                    % (port["p"], user, d, pidfile, d, d, port["test"], fail, stall_port))
        p = sh(["lighttpd", "-tt", "-f", conf], check=False)
        if p.returncode != 0:
            return (p.stdout + p.stderr).decode(errors="replace")
        p = sh(["lighttpd", "-f", conf], check=False)
        if p.returncode != 0:
            try:
                with open(os.path.join(d, "lighttpd-error.log"), errors="replace") as f:
                    return (p.stdout + p.stderr).decode(errors="replace") + f.read()
            except OSError:
                return (p.stdout + p.stderr).decode(errors="replace")
        return None

    start_with_port_retry(start, "lighttpd with conf/lighttpd.conf")
    return port, pidfile


def apache_example(d, fcgi_unix, stall_port):
    """conf/apache.conf under Apache: apache2 -t, then started. Beside it a
    test-only virtual host with the same apache-errors.conf: a FastCGI
    backend that accepts and never answers (ProxyPass timeout=1: 504)."""
    with open(os.path.join(CONF, "apache.conf")) as f:
        example = f.read()
    md = moddir()
    pidfile = os.path.join(d, "apache.pid")
    port = {}
    user = "User nobody\nGroup %s\n" % nogroup() if os.getuid() == 0 else ""
    mods = ["mpm_event", "authn_core", "authz_core", "authnz_fcgi", "proxy", "proxy_fcgi",
            "proxy_http", "setenvif", "headers", "ssl", "socache_shmcb", "reqtimeout"]

    def start():
        port.update(p=free_port(), test=free_port())
        text = substitute(example, [
            ("<VirtualHost *:443>", "<VirtualHost 127.0.0.1:%d>" % port["p"]),
            ("/etc/ssl/certs/auth.example.com.pem", os.path.join(d, "server.crt")),
            ("/etc/ssl/private/auth.example.com.key", os.path.join(d, "server.key")),
            ("/etc/ssl/certs/api.example.com.pem", os.path.join(d, "server.crt")),
            ("/etc/ssl/private/api.example.com.key", os.path.join(d, "server.key")),
            ("/usr/local/share/jwtmint/conf/apache-errors.conf",
             os.path.join(CONF, "apache-errors.conf")),
            ("unix:/run/jwtmint/fcgi.sock|", "unix:%s|" % fcgi_unix),
        ])
        with open(os.path.join(d, "jwtmint-example.conf"), "w") as f:
            f.write(text)
        conf = os.path.join(d, "apache.conf")
        with open(conf, "w") as f:
            f.write('ServerRoot "%s"\nDefaultRuntimeDir "%s"\nPidFile "%s"\nMutex file:%s default\n'
                    'ErrorLog "%s/apache-error.log"\nLogLevel warn\nListen 127.0.0.1:%d\n'
                    'ServerName 127.0.0.1\n%s' % (d, d, pidfile, d, d, port["p"], user))
            for m in mods:
                f.write("LoadModule %s_module %s/mod_%s.so\n" % (m, md, m))
            f.write('StartServers 1\nServerLimit 1\nThreadsPerChild 8\nMaxRequestWorkers 8\n'
                    'Include "%s/jwtmint-example.conf"\n' % d)
            f.write('Listen 127.0.0.1:%d\n<VirtualHost 127.0.0.1:%d>\n\tInclude "%s"\n'
                    '\tRequestReadTimeout header=1 body=1\n'
                    '\tProxyPass "/stall" "fcgi://127.0.0.1:%d/" timeout=1\n</VirtualHost>\n'
                    % (port["test"], port["test"], os.path.join(CONF, "apache-errors.conf"), stall_port))
        err = os.path.join(d, "apache-start.err")
        p = sh(["apache2", "-t", "-f", conf, "-E", err], check=False)
        if p.returncode != 0:
            with open(err, errors="replace") as f:
                return (p.stdout + p.stderr).decode(errors="replace") + f.read()
        p = sh(["apache2", "-f", conf, "-E", err, "-k", "start"], check=False)
        if p.returncode != 0:
            with open(err, errors="replace") as f:
                return (p.stdout + p.stderr).decode(errors="replace") + f.read()
        wait_for(lambda: os.path.exists(pidfile), "Apache's pid file")
        return None

    start_with_port_retry(start, "Apache with conf/apache.conf")
    return port, pidfile


def check_routes(kind, request):
    """/healthz and /readyz reach jwtmint; an unknown path is its 404."""
    for path in ("/healthz", "/readyz"):
        st, h, body = request(path)
        assert st == 200 and h.get("content-type", "").startswith("application/json"), \
            "%s example, %s: %d %r %r" % (kind, path, st, h, body[:200])
        assert isinstance(json.loads(body), dict), body[:200]
    assert_json_error(kind + " example", "unknown path", request("/nope-" + MARK), 404,
                      error="not_found")


def test_lighttpd_apache_examples(stack):
    """conf/lighttpd.conf and conf/apache.conf as shipped, started in front
    of the stack's jwtmint: /healthz, /readyz and an unknown path on the
    token service's host; for Apache also plain HTTP to its TLS port."""
    assert stack.fcgi_address.startswith("unix:"), stack.fcgi_address
    fcgi_unix = stack.fcgi_address[5:]
    stall = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    stall.bind(("127.0.0.1", 0))
    stall.listen(8)         # never accepted: the kernel completes the connect
    try:
        examples_behind(stack, fcgi_unix, stall.getsockname()[1])
    finally:
        stall.close()


def examples_behind(stack, fcgi_unix, stall_port):
    d = tempfile.mkdtemp(prefix="example-lighttpd-", dir=stack.tmp)
    os.chmod(d, 0o755)
    ports, pidfile = lighttpd_example(d, fcgi_unix, stall_port)
    try:
        try:
            web = Web(stack, "lighttpd", port=ports["p"])
            check_routes("lighttpd", lambda path: web.request("GET", path, {"Host": "auth.example.com"}))
            test = Web(stack, "lighttpd", port=ports["test"])
            assert_json_error("lighttpd", "a failing Lua script", test.request("GET", "/fail"), 500)
            assert_json_error("lighttpd", "a backend that never answers", test.request("GET", "/stall"),
                              504, error="temporarily_unavailable")
        except AssertionError as e:
            with open(os.path.join(d, "lighttpd-error.log"), errors="replace") as f:
                raise AssertionError("%s\nerror.log:\n%s" % (e, f.read()[-1500:]))
    finally:
        stop_pid(pidfile)

    d = tempfile.mkdtemp(prefix="example-apache-", dir=stack.tmp)
    os.chmod(d, 0o755)
    make_tls(d)
    ports, pidfile = apache_example(d, fcgi_unix, stall_port)
    port = ports["p"]
    try:
        try:
            test = Web(stack, "apache", port=ports["test"])
            assert_json_error("apache", "a backend that never answers", test.request("GET", "/stall"),
                              504, error="temporarily_unavailable")
            # A client too slow with its headers (RequestReadTimeout 1 s):
            # Apache's 408, in JSON.
            resp = raw(ports["test"], b"GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + MARK.encode())
            assert_json_error("apache", "headers too slow", resp, 408, error="invalid_request")
            ctx = tls_context(d)
            check_routes("apache", lambda path: tls_request(ctx, port, "GET", path,
                                                            {"Host": "auth.example.com"}))
            resp = raw(port, b"GET /token HTTP/1.1\r\nHost: auth.example.com\r\nConnection: close\r\n\r\n")
            assert_json_error("apache example", "plain HTTP to the TLS port", resp, 400,
                              error="invalid_request")
        except AssertionError as e:
            with open(os.path.join(d, "apache-error.log"), errors="replace") as f:
                raise AssertionError("%s\nerror.log:\n%s" % (e, f.read()[-1500:]))
    finally:
        stop_pid(pidfile)


def test_error_lists_agree(stack):
    """The statuses each server's error configuration covers agree: every
    lighttpd page is typed JSON in conf/lighttpd.conf (Debian's lighttpd
    looks whole file names up first), Apache's JSON Content-Type rule names
    exactly the statuses with an ErrorDocument, and nginx has an error_page
    and a location for the same statuses as Apache (405 and 431 included)."""
    pages = {n[len("jwtmint-"):-len(".html")] for n in os.listdir(os.path.join(CONF, "lighttpd-errors"))}
    with open(os.path.join(CONF, "lighttpd.conf")) as f:
        typed = set(re.findall(r'"jwtmint-(\d{3})\.html" => "application/json"', f.read()))
    assert pages == typed, "lighttpd pages %s, typed JSON %s" % (sorted(pages), sorted(typed))
    with open(os.path.join(CONF, "apache-errors.conf")) as f:
        apache = f.read()
    documents = set(re.findall(r"^ErrorDocument (\d{3}) ", apache, re.M))
    rule = re.search(r'^Header always set Content-Type "application/json" "expr=%\{REQUEST_STATUS\} -in \{([^}]*)\}"$',
                     apache, re.M)
    assert rule, "apache-errors.conf: no Content-Type rule by status"
    relabelled = set(re.findall(r"'(\d{3})'", rule.group(1)))
    assert documents == relabelled, "Apache ErrorDocuments %s, relabelled %s" % (
        sorted(documents), sorted(relabelled))
    with open(os.path.join(CONF, "nginx-errors.conf")) as f:
        nginx = f.read()
    handled = set()
    for codes in re.findall(r"^error_page ([\d ]+)", nginx, re.M):
        handled.update(codes.split())
    handled -= {"494", "495", "496", "497"}     # nginx's internal codes, mapped
    handled.add("431")                          # (494 =431)
    missing = documents - handled - {"417"}     # nginx never answers 417
    assert not missing, "nginx-errors.conf has no error_page for %s" % sorted(missing)
    for target in re.findall(r"^error_page [\d ]+(?:=\d* )?(/_jwtmint_error/\w+);", nginx, re.M):
        assert "location = %s {" % target in nginx, "nginx-errors.conf: no location %s" % target
