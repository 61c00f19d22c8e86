"""
Access logs (issue 12, section 4; docs/OBSERVABILITY.md, "Access logs").

- The request id of each line is the web server's own: nginx's $request_id,
  compared with nginx's own access log (a second nginx from the shipped
  template whose only change is an access_log with $request_id) and with
  what the gate's backend received; jwtmint answers it as X-Request-Id.
  A client's X-Request-Id, or a header named like the parameter
  (Jwtmint-Request-Id, which reaches jwtmint as HTTP_JWTMINT_REQUEST_ID),
  never sets it.
- Straight to the FastCGI socket: a valid JWTMINT_REQUEST_ID is taken as
  is; an invalid one (bad bytes, too long, empty, sent twice) or none is
  replaced by a generated 128-bit id.
- log_format = json: every access line parses with json.loads and carries
  the fields; no API key, secret, password, access or refresh token ever
  appears; control bytes and quotes arrive escaped, the line unsplit.
- log_destination = syslog: RFC 3164 datagrams (facility and ident) on a
  real unix datagram socket the test binds (log_syslog_socket), the same
  code path /dev/log takes; a restarted "daemon" (socket bound again) is
  reconnected to; a reload (SIGHUP) switches back to text on stderr.
"""

import json
import os
import re
import secrets as pysecrets
import signal
import socket
import struct
import subprocess
import threading
import urllib.parse

from harness import (FCGI_BEGIN, FCGI_PARAMS, FCGI_STDIN, FORM, NGINX_SH, SANITIZER_MARKERS, _fcgi_nv,
                     _fcgi_rec, fcgi_read, parse_cgi_response, parse_json, wait_for)

MODES = ("nginx",)

HEX32 = re.compile(r"[0-9a-f]{32}")
GT = urllib.parse.urlencode({"grant_type": "client_credentials"}).encode()


def fcgi_pairs(address, pairs, body=b""):
    """One FastCGI request whose parameters are the list pairs (a name may
    repeat). Returns (status, headers, body)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(address[5:])
    try:
        params = b"".join(_fcgi_nv(k.encode() if isinstance(k, str) else k,
                                   v.encode() if isinstance(v, str) else v) for k, v in pairs)
        msg = _fcgi_rec(FCGI_BEGIN, 1, struct.pack(">HB5x", 1, 0))
        msg += _fcgi_rec(FCGI_PARAMS, 1, params) + _fcgi_rec(FCGI_PARAMS, 1, b"")
        msg += (_fcgi_rec(FCGI_STDIN, 1, body) if body else b"") + _fcgi_rec(FCGI_STDIN, 1, b"")
        s.sendall(msg)
        out, _ = fcgi_read(s)
        return parse_cgi_response(out)
    finally:
        s.close()


def base_pairs(stack, method, path, extra=()):
    pairs = [("REQUEST_METHOD", method), ("PATH_INFO", path), ("REQUEST_URI", path),
             ("SCRIPT_NAME", ""), ("QUERY_STRING", ""), ("REMOTE_ADDR", "127.0.0.1"),
             ("SERVER_PROTOCOL", "HTTP/1.1"), ("HTTP_HOST", "127.0.0.1:%d" % stack.port)]
    return pairs + list(extra)


def text_lines(stack, rid):
    """jwtmint's text access lines naming request id rid."""
    return [ln for ln in stack.logs().splitlines() if ln.endswith(" request_id=" + rid)]


def second_nginx(stack):
    """A second nginx from conf/nginx.conf.in in front of the same jwtmint,
    whose one change is an access log with $request_id. Returns (outdir,
    port, access log path)."""
    outdir = os.path.join(stack.tmp, "nginx-rid")
    subprocess.run([NGINX_SH, "conf", outdir, "0", stack.fcgi_address], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=30)
    conf = os.path.join(outdir, "nginx.conf.anyport")     # PORT 0: start picks one
    with open(conf) as f:
        text = f.read()
    log = os.path.join(outdir, "access.log")
    assert "\taccess_log off;" in text, "conf/nginx.conf.in no longer says access_log off"
    text = text.replace("\taccess_log off;",
                        "\tlog_format rid '$request_id $status \"$request_uri\" $server_port';\n"
                        "\taccess_log %s rid;" % log, 1)
    with open(conf, "w") as f:
        f.write(text)
    subprocess.run([NGINX_SH, "start", outdir], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE, timeout=60)
    with open(os.path.join(outdir, "port")) as f:
        return outdir, int(f.read()), log


def http(port, method, path, headers, body=b""):
    import http.client
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request(method, path, body=body or None, headers=dict(headers))
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        c.close()


def nginx_ids(log, uri, port):
    """The $request_id of each line of nginx's access log for uri on port
    (not the example backend's own requests, on its unix socket)."""
    out = []
    with open(log) as f:
        for ln in f:
            parts = ln.split()
            if len(parts) == 4 and parts[2] == '"%s"' % uri and parts[3] == str(port):
                out.append(parts[0])
    return out


FORGED = [("X-Request-Id", "forged-by-the-client"), ("Jwtmint-Request-Id", "forged-as-the-param"),
          ("Jwtmint_Request_Id", "forged-with-underscores")]


def test_request_id_is_nginx_own(stack):
    outdir, port, log = second_nginx(stack)
    try:
        key = stack.keys["main"]["key"]
        # jwtmint's own endpoint: nginx's id, logged and answered.
        st, h, body = http(port, "POST", "/token", [("Content-Type", FORM), ("X-API-Key", key)] + FORGED, GT)
        assert st == 200, (st, body[:200])
        stack.secrets.add(json.loads(body)["access_token"])
        ids = wait_for(lambda: nginx_ids(log, "/token", port), what="nginx's access log line of /token")
        assert len(ids) == 1 and HEX32.fullmatch(ids[0]), ids
        rid = ids[0]
        assert h.get("x-request-id") == rid, "X-Request-Id %r, nginx's $request_id %r" % (h.get("x-request-id"), rid)
        lines = wait_for(lambda: text_lines(stack, rid), what="jwtmint's line of request %s" % rid)
        assert len(lines) == 1 and " path=/token status=200 " in lines[0], lines

        # The gate: the /check subrequest shares its main request's id; the
        # backend received the same one (proxy_set_header), not the client's.
        st, h, body = http(port, "GET", "/api/accounts?account=a1", [("X-API-Key", key)] + FORGED)
        assert st == 200, (st, body[:300])
        echoed = json.loads(body)["request_id"]
        ids = wait_for(lambda: nginx_ids(log, "/api/accounts?account=a1", port), what="nginx's line of /api/accounts")
        assert ids == [echoed], (ids, echoed)
        lines = wait_for(lambda: text_lines(stack, echoed), what="jwtmint's /check line of %s" % echoed)
        assert len(lines) == 1 and " path=/check status=200 " in lines[0], lines
        # A refusal at the gate too.
        st, _, _ = http(port, "GET", "/api/accounts?refused", [("X-API-Key", "jmk_live_nope")] + FORGED)
        assert st in (401, 403), st
        ids = wait_for(lambda: nginx_ids(log, "/api/accounts?refused", port), what="nginx's line of the refusal")
        lines = wait_for(lambda: text_lines(stack, ids[0]), what="jwtmint's line of the refusal")
        assert " path=/check status=%d " % st in lines[0], lines
    finally:
        subprocess.run([NGINX_SH, "stop", outdir], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=30)
    logs = stack.logs()
    for _, forged in FORGED:
        assert forged not in logs, "a client's header reached jwtmint's log: %s" % forged


def test_request_id_param_validated(stack):
    addr = stack.fcgi_address
    ok = "Abc-123.x_Y" + "z" * 53                       # 64 bytes: the most taken
    st, h, _ = fcgi_pairs(addr, base_pairs(stack, "GET", "/healthz", [("JWTMINT_REQUEST_ID", ok)]))
    assert st == 200 and h.get("x-request-id") == ok, (st, h)
    assert wait_for(lambda: text_lines(stack, ok), what="the line of %s" % ok)

    bad = [[("JWTMINT_REQUEST_ID", "z" * 65)],                 # too long
           [("JWTMINT_REQUEST_ID", "")],                       # empty
           [("JWTMINT_REQUEST_ID", "a b")],                    # space
           [("JWTMINT_REQUEST_ID", "a\nrequest_id=x")],        # a forged line
           [("JWTMINT_REQUEST_ID", "caf\xc3\xa9")],            # non-ASCII
           [("JWTMINT_REQUEST_ID", "a/b;c")],
           [("JWTMINT_REQUEST_ID", "twice-1"), ("JWTMINT_REQUEST_ID", "twice-2")],
           [("HTTP_JWTMINT_REQUEST_ID", "from-a-header")],     # a client's header
           [("HTTP_X_REQUEST_ID", "from-x-request-id")],
           []]
    seen = set()
    for extra in bad:
        st, h, _ = fcgi_pairs(addr, base_pairs(stack, "GET", "/healthz", extra))
        rid = h.get("x-request-id", "")
        assert st == 200 and HEX32.fullmatch(rid), (extra, st, h)
        assert rid not in seen, "a generated id repeated: %s" % rid
        seen.add(rid)
        assert wait_for(lambda: text_lines(stack, rid), what="the line of %s" % rid)
    logs = stack.logs()
    for word in ("from-a-header", "from-x-request-id", "twice-1", "twice-2", "request_id=x"):
        assert word not in logs, word

    # A bad request (a header too long) and an unknown path still have one.
    st, h, _ = fcgi_pairs(addr, base_pairs(stack, "GET", "/nope\n/x", [("JWTMINT_REQUEST_ID", "rid-404")]))
    assert st == 404 and h.get("x-request-id") == "rid-404", (st, h)
    lines = wait_for(lambda: text_lines(stack, "rid-404"), what="the 404's line")
    assert " path=/nope\\x0a/x status=404 " in lines[0], lines


def spawn_extra(stack, name, lines):
    """Another jwtmint on the same database with extra configuration lines,
    one worker, its stderr in its own file. Returns (proc, address, stderr path)."""
    conf = os.path.join(stack.tmp, name + ".conf")
    stack.write_config(conf, lines)
    sock = "unix:" + os.path.join(stack.tmp, name + ".sock")
    errpath = os.path.join(stack.tmp, name + ".stderr")
    err = open(errpath, "ab", buffering=0)
    proc = subprocess.Popen([stack.jwtmint, "-c", conf, "--listen", sock, "--workers", "1"],
                            stdin=subprocess.DEVNULL, stdout=err, stderr=err, env=stack.child_env(),
                            start_new_session=True, cwd=stack.tmp)
    err.close()
    stack.wait_fcgi(sock, proc)
    return proc, sock, errpath


def stop_extra(stack, proc, errpath):
    """Stop a spawn_extra server; its stderr must hold no sanitizer report
    (the runner reads only the stack's own log)."""
    stack.stop_server(proc)
    with open(errpath, errors="replace") as f:
        text = f.read()
    for m in SANITIZER_MARKERS:
        assert m not in text, "%s in %s:\n%s" % (m, errpath, text[-3000:])


def user_and_key(stack):
    role = "logs-" + pysecrets.token_hex(3)
    stack.admin_json("role", "create", role, "--scopes", "read:accounts", "--org", "acme", "--json")
    name = "u" + pysecrets.token_hex(4)
    password = "pw-" + pysecrets.token_urlsafe(18)
    stack.secrets.add(password)
    p = subprocess.run([stack.jwtmint_admin, "-c", stack.conf, "user", "create", "--username", name,
                        "--role", role, "--org", "acme", "--json"], input=(password + "\n").encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30, env=stack.child_env())
    assert p.returncode == 0, p.stderr
    user = json.loads(p.stdout)
    key = stack.admin_json("key", "create", "--name", "logs", "--scopes", "read:accounts", "--org", "acme",
                           "--grants", "client_credentials,password,refresh_token", "--json")
    stack.remember(key["key"])
    return name, password, user, key


def traffic(stack, addr, name, password, key):
    """Requests of every kind through addr. Returns (request ids by label,
    every secret the client held or received)."""
    kid = key["id"]
    held = {key["key"], key["key"].rsplit("_", 1)[-1][:52], password}
    ids = {}

    def post(label, pairs, hdrs=(), path="/token"):
        body = urllib.parse.urlencode(pairs).encode()
        st, h, b = fcgi_pairs(addr, base_pairs(stack, "POST", path, [
            ("CONTENT_TYPE", FORM), ("CONTENT_LENGTH", str(len(body))),
            ("JWTMINT_REQUEST_ID", "rid-" + label)] + list(hdrs)), body)
        ids[label] = "rid-" + label
        doc = parse_json(b)
        for f in ("access_token", "refresh_token"):
            if isinstance(doc, dict) and isinstance(doc.get(f), str):
                held.add(doc[f])
                stack.secrets.add(doc[f])
        return st, doc

    st, doc = post("cc", [("grant_type", "client_credentials")], [("HTTP_X_API_KEY", key["key"])])
    assert st == 200, doc
    st, doc = post("pw", [("grant_type", "password"), ("username", name), ("password", password),
                          ("client_id", kid), ("client_secret", key["key"])])
    assert st == 200, doc
    st, doc = post("rt", [("grant_type", "refresh_token"), ("refresh_token", doc["refresh_token"])],
                   [("HTTP_X_API_KEY", key["key"])])
    assert st == 200, doc
    access = doc["access_token"]
    st, doc = post("badpw", [("grant_type", "password"), ("username", name), ("password", password + "x"),
                             ("client_id", kid), ("client_secret", key["key"])])
    assert st == 400, doc
    held.add(password + "x")
    # A grant_type with a quote, a backslash and non-ASCII (the form refuses
    # control bytes; the path below carries them).
    st, doc = post("oddgrant", [("grant_type", 'x"}\\\u2028caf\u00e9')], [("HTTP_X_API_KEY", key["key"])])
    assert st == 400, doc
    # The gate, allowed and refused.
    st, h, b = fcgi_pairs(addr, base_pairs(stack, "GET", "/check", [
        ("HTTP_X_API_KEY", key["key"]), ("HTTP_AUTHORIZATION", "Bearer " + access),
        ("JWTMINT_SCOPE", "read:accounts"), ("JWTMINT_REQUEST_ID", "rid-allow")]))
    assert st == 200, (st, b)
    ids["allow"] = "rid-allow"
    st, h, b = fcgi_pairs(addr, base_pairs(stack, "GET", "/check", [
        ("HTTP_X_API_KEY", key["key"]), ("JWTMINT_SCOPE", "write:settings"),
        ("JWTMINT_REQUEST_ID", "rid-deny")]))
    assert st == 403, (st, b)
    ids["deny"] = "rid-deny"
    # Control bytes and a forged JSON tail in the path and the address.
    st, h, b = fcgi_pairs(addr, [("REQUEST_METHOD", "GET"), ("PATH_INFO", "/x\n{\"status\":200}\x01\x1b[2J\x7f"),
                                 ("REMOTE_ADDR", "10.0.0.1\n\"forged\""), ("JWTMINT_REQUEST_ID", "rid-ctl")])
    assert st == 404, st
    ids["ctl"] = "rid-ctl"
    return ids, held


def check_json_lines(objs, ids, held, user, key, org_id):
    by = {o.get("request_id"): o for o in objs}
    for label, rid in ids.items():
        assert rid in by, "no JSON line of %s (%s); lines: %r" % (label, rid, objs[-3:])
    for o in objs:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", o["time"]), o
        assert isinstance(o["status"], int) and isinstance(o["duration_ms"], float), o
        for f in ("request_id", "method", "path", "client"):
            assert isinstance(o.get(f), str) and o[f], (f, o)
        for f, v in o.items():
            assert v not in ("", None, "-"), "field %s present but empty: %r" % (f, o)
    cc, pw, rt = by[ids["cc"]], by[ids["pw"]], by[ids["rt"]]
    for o, grant in ((cc, "client_credentials"), (pw, "password"), (rt, "refresh_token")):
        assert o["endpoint"] == "/token" and o["status"] == 200 and o["grant"] == grant, o
        assert o["key_id"] == key["id"] and o["org"] == org_id, o
        assert o["client"] == "127.0.0.1" and "decision" not in o, o
    assert cc["sub"] == key["id"], cc
    assert pw["sub"] == user["id"] and rt["sub"] == user["id"], (pw, rt, user)
    bad = by[ids["badpw"]]
    assert bad["status"] == 400 and bad["grant"] == "password" and "sub" not in bad, bad
    # Escaped as in the text format: printable ASCII once parsed.
    assert by[ids["oddgrant"]]["grant"] == "x\\x22}\\x5c\\xe2\\x80\\xa8caf\\xc3\\xa9", by[ids["oddgrant"]]
    allow, deny = by[ids["allow"]], by[ids["deny"]]
    assert allow["decision"] == "allow" and allow["sub"] == user["id"] and allow["endpoint"] == "/check", allow
    assert deny["decision"] == "deny" and deny["status"] == 403 and "sub" not in deny, deny
    ctl = by[ids["ctl"]]
    assert ctl["path"] == "/x\\x0a{\\x22status\\x22:200}\\x01\\x1b[2J\\x7f", ctl
    assert ctl["client"] == "10.0.0.1\\x0a\\x22forged\\x22" and "endpoint" not in ctl, ctl
    for o in objs:
        for v in o.values():
            assert not isinstance(v, str) or re.fullmatch(r"[\x20-\x7e]*", v), "not printable ASCII: %r" % o


def no_secret(text, held):
    for s in held:
        assert s not in text, "a secret (%d chars, %s...) is in the log" % (len(s), s[:6])


def test_json_lines_on_stderr(stack):
    name, password, user, key = user_and_key(stack)
    proc, addr, errpath = spawn_extra(stack, "json", ["log_format = json"])
    try:
        ids, held = traffic(stack, addr, name, password, key)

        def objs():
            with open(errpath, "rb") as f:
                lines = f.read().decode().split("\n")[:-1]    # whole lines only
            out = [o for o in map(json.loads, lines) if "request_id" in o]
            return out if {o.get("request_id") for o in out} >= set(ids.values()) else None
        got = wait_for(objs, what="the JSON lines of every request")
        check_json_lines(got, ids, held, user, key, stack.org_id)
        with open(errpath, "rb") as f:
            raw = f.read().decode()
        events = []
        for ln in raw.splitlines():
            o = json.loads(ln)      # every line, events too, is one object
            if "msg" in o:
                assert set(o) == {"time", "level", "pid", "msg"} and o["level"] in ("info", "warning"), o
                events.append(o["msg"])
        assert any(m.startswith("listening on unix:") for m in events), events
        no_secret(raw, held | stack.secrets)
    finally:
        stop_extra(stack, proc, errpath)


class SyslogDaemon:
    """A unix datagram socket at path, read by a thread (a daemon that
    keeps up, as journald and rsyslog do)."""

    def __init__(self, path):
        self.path = path
        self.msgs = []
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        os.chmod(path, 0o666)
        self.sock.settimeout(0.2)
        self.stopping = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stopping:
            try:
                self.msgs.append(self.sock.recv(65536))
            except socket.timeout:
                pass
            except OSError:
                return

    def close(self):
        self.stopping = True
        self.thread.join(5)
        self.sock.close()
        os.unlink(self.path)


SYSLOG_RE = re.compile(rb"<(\d+)>([A-Z][a-z]{2}) ([ \d]\d) (\d\d:\d\d:\d\d) jwtmint\[(\d+)\]: (.*)", re.S)


def test_syslog_destination(stack):
    path = os.path.join(stack.tmp, "dev-log")
    daemon = SyslogDaemon(path)
    name, password, user, key = user_and_key(stack)
    proc, addr, errpath = spawn_extra(stack, "syslog", [
        "log_format = json", "log_destination = syslog", "log_syslog_facility = local3",
        "log_syslog_socket = " + path])
    try:
        ids, held = traffic(stack, addr, name, password, key)

        def parsed():
            out = []
            for m in list(daemon.msgs):
                mm = SYSLOG_RE.fullmatch(m)
                assert mm, "not an RFC 3164 line as syslog(3) writes it: %r" % m[:200]
                out.append((int(mm.group(1)), int(mm.group(5)), mm.group(6)))
            return out

        def complete():
            rids = {json.loads(b).get("request_id") for _, _, b in parsed()}
            return rids >= set(ids.values())
        wait_for(complete, what="every access line on the syslog socket")
        objs = []
        for pri, pid, body in parsed():
            assert pri >> 3 == 19, "facility %d, not local3 (19)" % (pri >> 3)
            if body.startswith(b"{") and b'"msg":' not in body:
                assert pid != proc.pid, "an access line from the supervisor"
                assert pri & 7 == 6, "access line at priority %d, not info" % (pri & 7)
                objs.append(json.loads(body))
        events = [json.loads(b) for _, _, b in parsed() if b'"msg":' in b]
        assert any(e["msg"].startswith("listening on ") and e["pid"] == proc.pid for e in events), \
            "no start-up line of the supervisor in syslog: %r" % events[:3]
        check_json_lines(objs, ids, held, user, key, stack.org_id)
        no_secret(b"".join(daemon.msgs).decode("utf-8", "replace"), held | stack.secrets)
        # Nothing of it on stderr: every line went to syslog.
        with open(errpath) as f:
            assert "rid-" not in f.read()
        # The daemon restarts (its socket bound again): jwtmint reconnects.
        daemon.close()
        daemon = SyslogDaemon(path)
        st, h, _ = fcgi_pairs(addr, base_pairs(stack, "GET", "/healthz", [("JWTMINT_REQUEST_ID", "rid-again")]))
        assert st == 200
        wait_for(lambda: any(b'"request_id":"rid-again"' in m for m in daemon.msgs), what="a line after the restart")
        # A reload (SIGHUP) takes the new destination and format: the
        # supervisor's own lines and the new workers' go to stderr as text.
        stack.write_config(os.path.join(stack.tmp, "syslog.conf"), ["log_format = text"])
        os.kill(proc.pid, signal.SIGHUP)

        def reloaded():
            with open(errpath) as f:
                return re.search(r"^jwtmint\[%d\]: reloaded " % proc.pid, f.read(), re.M)
        wait_for(reloaded, what="the supervisor's reload line on stderr")
        st, h, _ = fcgi_pairs(addr, base_pairs(stack, "GET", "/healthz", [("JWTMINT_REQUEST_ID", "rid-text")]))
        assert st == 200

        def text_line():
            with open(errpath) as f:
                return re.search(r"^jwtmint\[\d+\]: method=GET path=/healthz status=200 .* request_id=rid-text$",
                                 f.read(), re.M)
        wait_for(text_line, what="the text line after the reload")
        assert not any(b"rid-text" in m for m in daemon.msgs), "a line still went to syslog after the reload"
    finally:
        stop_extra(stack, proc, errpath)
        daemon.close()
