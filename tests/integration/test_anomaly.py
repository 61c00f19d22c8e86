"""
Unusual usage of API keys (issue 12 §2; src/usage_anomaly.c,
STMT_ANOMALY_DETECT, sql/014_anomalies.sql) and its webhook
(src/hookpost.c, src/webhook.c).

The history a baseline needs (days of hourly counts) is written with psql
into the real tables key_usage and key_networks of migration 013, as the
usage flush would have written it; the housekeeper of the running stack
judges it every second (anomaly_interval_sec = 1) and the tests wait for
what it writes: usage_anomalies rows, audit rows usage.anomaly, the log
line, GET /admin/usage/anomalies and jwtmint-admin key usage --anomalies.
The webhook goes to a receiver in this process (it checks the HMAC with
Python's hmac module): closed at first, then answering 302 (never
followed), then 204; a row that keeps failing ends "failed". Over https,
to a receiver whose certificates come from a CA made here with openssl:
an unknown issuer and another host name are refused, the right one gets
the signed body.
"""

import atexit
import hashlib
import hmac
import http.server
import json
import os
import re
import secrets as pysecrets
import shutil
import ssl
import subprocess
import tempfile
import threading
import time

from harness import free_port, wait_for
from test_admin_api import api
from test_lifecycle import new_key, new_org

MODES = ("nginx",)

HOOK_PORT = free_port()
TRAP_PORT = free_port()     # where the 302 points: must never be asked
_SECRET_DIR = tempfile.mkdtemp(prefix="jwtmint-hook-")
atexit.register(shutil.rmtree, _SECRET_DIR, True)
HOOK_SECRET = pysecrets.token_hex(24)
HOOK_SECRET_FILE = os.path.join(_SECRET_DIR, "hook-secret")
_fd = os.open(HOOK_SECRET_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
with os.fdopen(_fd, "w") as _f:
    _f.write(HOOK_SECRET + "\n")
HOOK_URL = "http://127.0.0.1:%d/hooks/jwtmint" % HOOK_PORT
# The platform listener, for GET /metrics (jwtmint_usage_anomalies_total).
PLATFORM = "unix:" + os.path.join(_SECRET_DIR, "platform.sock")
PLATFORM_CRED = pysecrets.token_hex(24)
PLATFORM_CRED_FILE = os.path.join(_SECRET_DIR, "platform.cred")
_fd = os.open(PLATFORM_CRED_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
with os.fdopen(_fd, "w") as _f:
    _f.write(PLATFORM_CRED + "\n")
MAX_ATTEMPTS = 30

STACK_OPTIONS = {"env": {
    "JWTMINT_ANOMALY_INTERVAL_SEC": "1",
    "JWTMINT_ANOMALY_VOLUME_FACTOR": "10",
    "JWTMINT_ANOMALY_MIN_BASELINE": "100",
    "JWTMINT_ANOMALY_REFUSAL_FACTOR": "3",
    "JWTMINT_ANOMALY_MIN_REFUSALS": "50",
    "JWTMINT_ANOMALY_WEBHOOK_URL": HOOK_URL,
    "JWTMINT_ANOMALY_WEBHOOK_SECRET_FILE": HOOK_SECRET_FILE,
    "JWTMINT_ANOMALY_WEBHOOK_TIMEOUT_MS": "2000",
    "JWTMINT_ANOMALY_WEBHOOK_MAX_ATTEMPTS": str(MAX_ATTEMPTS),
    "JWTMINT_ANOMALY_WEBHOOK_BACKOFF_SEC": "1",
    "JWTMINT_ANOMALY_WEBHOOK_BACKOFF_MAX_SEC": "1",
    "JWTMINT_PLATFORM_LISTEN": PLATFORM,
    "JWTMINT_PLATFORM_CREDENTIAL_FILE": PLATFORM_CRED_FILE,
}}

ADMIN_SCOPES = "admin read:accounts"

def hour_rows(org, key, hours, n, outcome="allowed", endpoint="token.client_credentials"):
    """SQL inserting key's hour rows: hours is a range of hours back from
    the current one (0 = the current hour)."""
    return ("insert into key_usage (granularity, bucket, org_id, key_id, endpoint, outcome, n)"
            " select 'hour', date_trunc('hour', now()) - h * interval '1 hour', '%s', '%s', '%s', '%s', %d"
            " from generate_series(%d, %d) h;" % (org["id"], key["id"], endpoint, outcome, n,
                                                 hours[0], hours[-1]))


def network(org, key, net, age):
    return ("insert into key_networks (key_id, org_id, net, first_seen, last_seen)"
            " values ('%s', '%s', '%s', now() - interval '%s', now());" % (key["id"], org["id"], net, age))


def flags(stack, key, kind=None):
    q = "select count(*) from usage_anomalies where key_id = '%s'" % key["id"]
    if kind:
        q += " and kind = '%s'" % kind
    return int(stack.psql(q))


def audit_rows(stack, org, key):
    out = stack.psql("select detail from audit where org_id = '%s' and event = 'usage.anomaly'"
                     " and resource = '%s' and actor = 'system'" % (org["id"], key["id"]))
    return [l for l in out.splitlines() if l]


def anomaly_metric(stack):
    """jwtmint_usage_anomalies_total by kind, from GET /metrics."""
    st, _, body = stack.fcgi(PLATFORM, "GET", "/metrics", {"Authorization": "Bearer " + PLATFORM_CRED})
    assert st == 200, (st, body[:200])
    got = {}
    for m in re.finditer(r'^jwtmint_usage_anomalies_total\{kind="(\w+)"\} (\d+)', body.decode(), re.M):
        got[m.group(1)] = int(m.group(2))
    return got


def test_anomalies_flagged_once_and_listed(stack):
    stack.secrets.update((HOOK_SECRET, PLATFORM_CRED))
    org, other = new_org(stack, "anom"), new_org(stack, "anomb")
    adm = new_key(stack, org, ADMIN_SCOPES)
    adm_b = new_key(stack, other, ADMIN_SCOPES)
    loud, guessed, moved, fresh, quiet = (new_key(stack, org) for _ in range(5))
    theirs = new_key(stack, other)
    sql = [
        # loud: 100 an hour for 7 days, 5000 now (> 10 x 100), summed over
        # the /token grants and /check.
        hour_rows(org, loud, range(1, 169), 100), hour_rows(org, loud, [0], 3000),
        hour_rows(org, loud, [0], 1500, endpoint="token.password"),
        hour_rows(org, loud, [0], 500, endpoint="check"),
        # guessed: 1% refused for 7 days, now 200 of 250 refused.
        hour_rows(org, guessed, range(1, 169), 99), hour_rows(org, guessed, range(1, 169), 1, "invalid_credential"),
        hour_rows(org, guessed, [0], 50), hour_rows(org, guessed, [0], 200, "invalid_credential"),
        # fresh: a new key, 500 this hour and no history: under the floor
        # (10 x anomaly_min_baseline), and 40 refusals: under 50.
        hour_rows(org, fresh, [0], 460), hour_rows(org, fresh, [0], 40, "scope"),
        # quiet: steady, 5% refused like always.
        hour_rows(org, quiet, range(0, 169), 95), hour_rows(org, quiet, range(0, 169), 5, "scope"),
        # moved: a network of three days, and a new one five minutes old.
        network(org, moved, "10.1.2.0/24", "3 days"), network(org, moved, "2001:db8:1::/48", "5 minutes"),
        # fresh: its first network only, new: nothing to compare with.
        network(org, fresh, "10.9.9.0/24", "2 minutes"),
        # another organization's key: flagged in its organization only.
        hour_rows(other, theirs, range(1, 169), 100), hour_rows(other, theirs, [0], 9000),
    ]
    stack.psql("".join(sql))
    wait_for(lambda: flags(stack, loud) and flags(stack, guessed) and flags(stack, moved)
             and flags(stack, theirs), timeout=15, what="the housekeeper's flags")

    # A later run is proven by a later flag; nothing is flagged twice.
    late = new_key(stack, org)
    stack.psql(network(org, late, "10.2.0.0/24", "2 days") + network(org, late, "10.3.0.0/24", "1 minute"))
    wait_for(lambda: flags(stack, late, "network"), timeout=15, what="a later run's flag")
    assert flags(stack, loud) == 1 and flags(stack, loud, "volume") == 1
    assert flags(stack, guessed) == 1 and flags(stack, guessed, "refusals") == 1
    assert flags(stack, moved) == 1 and flags(stack, moved, "network") == 1
    assert flags(stack, fresh) == 0 and flags(stack, quiet) == 0
    dup = stack.psql("select count(*) from (select key_id, kind, hour from usage_anomalies"
                     " group by 1, 2, 3 having count(*) > 1) d")
    assert int(dup) == 0, dup

    # Audit rows (in the key's organization, the chain still good), log.
    for k, kind in ((loud, "volume"), (guessed, "refusals"), (moved, "network")):
        rows = audit_rows(stack, org, k)
        assert len(rows) == 1 and rows[0].startswith(kind + ": "), rows
    assert "5000 requests in the hour; baseline 100" in audit_rows(stack, org, loud)[0]
    assert "200 of 250 requests refused" in audit_rows(stack, org, guessed)[0]
    assert "2001:db8:1::/48" in audit_rows(stack, org, moved)[0]
    assert audit_rows(stack, org, theirs) == [] and len(audit_rows(stack, other, theirs)) == 1
    rc, out, err = stack.admin("audit", "verify", "--org", org["slug"], "--json")
    assert rc == 0 and json.loads(out)["ok"], (rc, out, err)
    # The metric, summed over the host's processes (the housekeeper's).
    m = wait_for(lambda: (lambda g: g if g.get("volume", 0) >= 2 and g.get("refusals", 0) >= 1
                          and g.get("network", 0) >= 2 else None)(anomaly_metric(stack)),
                 timeout=10, what="jwtmint_usage_anomalies_total")
    db = dict(l.split("|") for l in stack.psql("select kind, count(*) from usage_anomalies"
                                               " group by kind").split())
    assert all(m[k] <= int(db.get(k, 0)) for k in ("volume", "refusals", "network")), (m, db)
    logs = stack.logs()
    assert "usage anomaly: volume: key %s of org %s" % (loud["id"], org["id"]) in logs
    assert "usage anomaly: network: key %s" % moved["id"] in logs

    # GET /admin/usage/anomalies: the organization's flags, newest first.
    st, _, doc = api(stack, "GET", "/admin/usage/anomalies", adm)
    assert st == 200, (st, doc)
    got = {(a["key"], a["kind"]) for a in doc["anomalies"]}
    assert got == {(loud["id"], "volume"), (guessed["id"], "refusals"), (moved["id"], "network"),
                   (late["id"], "network")}, got
    ids = [a["id"] for a in doc["anomalies"]]
    assert ids == sorted(ids, reverse=True) and doc["next_cursor"] is None
    v = [a for a in doc["anomalies"] if a["kind"] == "volume"][0]
    assert v["observed"] == 5000 and v["baseline"] == 100 and v["hour"].endswith(":00:00Z"), v
    st, _, doc = api(stack, "GET", "/admin/usage/anomalies?kind=refusals", adm)
    assert st == 200 and [a["key"] for a in doc["anomalies"]] == [guessed["id"]], doc
    st, _, doc = api(stack, "GET", "/admin/usage/anomalies?key=%s&since=1h" % moved["id"], adm)
    assert st == 200 and [(a["key"], a["kind"]) for a in doc["anomalies"]] == [(moved["id"], "network")], doc
    st, _, doc = api(stack, "GET", "/admin/usage/anomalies?since=2999-01-01T00:00:00Z", adm)
    assert st == 200 and doc["anomalies"] == [], doc
    # Pages of one, stable.
    seen, cur = [], None
    for _ in range(6):
        st, _, doc = api(stack, "GET", "/admin/usage/anomalies?limit=1" + ("&cursor=" + cur if cur else ""), adm)
        assert st == 200 and len(doc["anomalies"]) <= 1, doc
        seen += [a["id"] for a in doc["anomalies"]]
        cur = doc["next_cursor"]
        if cur is None:
            break
    assert seen == ids, (seen, ids)
    # Malformed filters: 400 naming the field, never echoing it.
    for q, field in (("kind=stolen", "kind"), ("key=k'%3Bdrop", "key"), ("since=yesterday", "since"),
                     ("limit=501", "limit"), ("cursor=AAAA", "cursor"), ("org=" + other["id"], None)):
        st, _, doc = api(stack, "GET", "/admin/usage/anomalies?" + q, adm)
        assert st == 400, (q, st, doc)
        assert "drop" not in json.dumps(doc) and "yesterday" not in json.dumps(doc), doc
    # Another organization sees its own only; no credential: 401.
    st, _, doc = api(stack, "GET", "/admin/usage/anomalies", adm_b)
    assert st == 200 and [a["key"] for a in doc["anomalies"]] == [theirs["id"]], doc
    st, _, doc = api(stack, "GET", "/admin/usage/anomalies?key=%s" % loud["id"], adm_b)
    assert st == 200 and doc["anomalies"] == [], doc
    st, _, _ = api(stack, "GET", "/admin/usage/anomalies")
    assert st == 401
    st, _, _ = api(stack, "GET", "/admin/usage/anomalies", new_key(stack, org, "read:accounts"))
    assert st == 403

    # jwtmint-admin key usage --anomalies: the same operation.
    doc = stack.admin_json("key", "usage", "--anomalies", "--org", org["slug"], "--since", "7d", "--json")
    assert [a["id"] for a in doc["anomalies"]] == ids, doc
    out = stack.admin_ok("key", "usage", loud["id"], "--anomalies")
    lines = out.splitlines()
    assert lines[0].split("\t")[:4] == ["id", "flagged", "key", "kind"], lines
    assert len(lines) == 2 and lines[1].split("\t")[2:4] == [loud["id"], "volume"], lines
    doc = stack.admin_json("key", "usage", "--anomalies", "--org", org["slug"], "--kind", "network", "--json")
    assert {a["key"] for a in doc["anomalies"]} == {moved["id"], late["id"]}, doc
    rc, _, err = stack.admin("key", "usage", "--anomalies", "--org", org["slug"], "--kind", "bogus")
    assert rc == 2 and "--kind" in err, (rc, err)
    rc, _, err = stack.admin("key", "usage", "--org", org["slug"])
    assert rc == 2, (rc, err)


class Receiver:
    """The operator's webhook receiver on HOOK_PORT: mode "redirect"
    (302 to TRAP_PORT) or "ok" (204); every request kept. tls: (cert,
    key) files to answer https."""

    def __init__(self, port, mode, tls=None):
        self.mode = mode
        self.got = []
        rcv = self

        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                rcv.got.append((self.path, dict(self.headers), body, time.time()))
                if rcv.mode == "redirect":
                    self.send_response(302)
                    self.send_header("Location", "http://127.0.0.1:%d/stolen" % TRAP_PORT)
                elif rcv.mode == "fail":
                    self.send_response(503)
                else:
                    self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), H)

        if tls is not None:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*tls)
            self.srv.socket = ctx.wrap_socket(self.srv.socket, server_side=True)
        self.thread = threading.Thread(target=self.srv.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.srv.shutdown()
        self.srv.server_close()


def outbox(stack, key):
    out = stack.psql("select o.state, o.attempts, o.last_error from anomaly_outbox o"
                     " join usage_anomalies a on a.id = o.anomaly_id where a.key_id = '%s'" % key["id"])
    return [tuple(l.split("|")) for l in out.splitlines() if l]


def verify_signature(headers, body):
    sig = headers.get("X-Jwtmint-Signature", "")
    parts = dict(p.split("=", 1) for p in sig.split(","))
    want = hmac.new(HOOK_SECRET.encode(), parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(parts["v1"], want), (sig, body)
    assert abs(int(parts["t"]) - time.time()) < 300, sig
    return json.loads(body)


def test_webhook_retries_no_redirect_signed(stack):
    stack.secrets.update((HOOK_SECRET, PLATFORM_CRED))
    org = new_org(stack, "hook")
    k = new_key(stack, org)
    trap = Receiver(TRAP_PORT, "ok")
    rcv = None
    try:
        # 1. The receiver is down (port closed): attempts fail, retried.
        stack.psql(network(org, k, "10.4.0.0/24", "4 days") + network(org, k, "10.5.0.0/24", "1 minute"))
        wait_for(lambda: any(int(r[1]) >= 2 and r[0] == "pending" for r in outbox(stack, k)), timeout=15,
                 what="two failed attempts against a closed port")
        assert "refused" in outbox(stack, k)[0][2], outbox(stack, k)
        # 2. It answers 302: a failure, the Location never followed.
        rcv = Receiver(HOOK_PORT, "redirect")
        wait_for(lambda: "answered 302" in outbox(stack, k)[0][2], timeout=15, what="a 302 attempt")
        assert outbox(stack, k)[0][0] == "pending" and trap.got == [], (outbox(stack, k), trap.got)
        # 3. It comes back: delivered, signed over t "." body.
        rcv.mode = "ok"
        wait_for(lambda: outbox(stack, k)[0][0] == "delivered", timeout=15, what="the delivery")
        mine = []
        for path, hdrs, body, _ in rcv.got:
            doc = verify_signature(hdrs, body)
            assert path == "/hooks/jwtmint" and hdrs.get("Content-Type") == "application/json", (path, hdrs)
            if doc["key"] == k["id"]:
                mine.append(doc)
        assert mine and all(d["type"] == "usage.anomaly" and d["kind"] == "network" and d["org"] == org["id"]
                            and d["detail"].startswith("new network 10.5.0.0/24") for d in mine), mine
        assert trap.got == [], trap.got
        assert "anomaly webhook: outbox row" in stack.logs()
        assert HOOK_SECRET not in stack.logs(admin=True)

        # 4. A row that keeps failing ends "failed" after max attempts.
        rcv.mode = "fail"
        k2 = new_key(stack, org)
        stack.psql(network(org, k2, "10.6.0.0/24", "4 days") + network(org, k2, "10.7.0.0/24", "1 minute"))
        wait_for(lambda: outbox(stack, k2) and "answered 503" in outbox(stack, k2)[0][2], timeout=15,
                 what="a 503 attempt")
        stack.psql("update anomaly_outbox set attempts = %d where anomaly_id in (select id from"
                   " usage_anomalies where key_id = '%s')" % (MAX_ATTEMPTS - 1, k2["id"]))
        wait_for(lambda: outbox(stack, k2)[0][0] == "failed", timeout=15, what="the row given up")
        n = len(rcv.got)
        assert int(outbox(stack, k2)[0][1]) >= MAX_ATTEMPTS

        # 5. Plain http to an address other than loopback: refused before
        # connecting (a second housekeeper aimed at TEST-NET-1 shares the
        # outbox; which one claims a row is theirs to race, so wait for its
        # own log line).
        rcv.mode = "ok"
        hk2 = stack.spawn_housekeeper(env={"JWTMINT_ANOMALY_WEBHOOK_URL": "http://192.0.2.1:9/hook"})
        try:
            k3 = new_key(stack, org)
            rcv.mode = "fail"
            stack.psql(network(org, k3, "10.8.0.0/24", "4 days") + network(org, k3, "10.9.0.0/24", "1 minute"))
            wait_for(lambda: "plain http to a non-loopback address" in stack.logs(), timeout=20,
                     what="the second housekeeper's refusal")
        finally:
            stack.stop_server(hk2)
        # Two housekeepers judged the same rows meanwhile: still one flag
        # per key, kind and hour, one audit row each.
        assert flags(stack, k3) == 1 and len(audit_rows(stack, org, k3)) == 1
        dup = stack.psql("select count(*) from (select key_id, kind, hour from usage_anomalies"
                         " group by 1, 2, 3 having count(*) > 1) d")
        assert int(dup) == 0, dup

        # 6. The organization's admin neither sets nor reads the webhook:
        # no route takes it, and what it can read never names it.
        adm = new_key(stack, org, ADMIN_SCOPES)
        for method, path in (("POST", "/admin/webhooks"), ("PUT", "/admin/usage/anomalies"),
                             ("PATCH", "/admin/usage/anomalies"), ("POST", "/admin/usage/anomalies"),
                             ("GET", "/admin/webhooks"), ("GET", "/admin/config")):
            st, _, _ = api(stack, method, path, adm, body={"url": "http://169.254.169.254/"}
                           if method != "GET" else None)
            assert st in (404, 405), (method, path, st)
        st, _, doc = api(stack, "GET", "/admin/usage/anomalies", adm)
        text = json.dumps(doc)
        assert st == 200 and str(HOOK_PORT) not in text and HOOK_SECRET not in text, doc
        assert len(rcv.got) >= n
    finally:
        if rcv:
            rcv.close()
        trap.close()


def openssl(*args):
    subprocess.run(["openssl"] + list(args), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def make_cert(d, name, san, ca=None):
    """A P-256 key and certificate in d: self-signed (ca None; a CA when
    san is None) or signed by ca (its name in d), for subjectAltName san.
    Returns (cert, key)."""
    key, cert = os.path.join(d, name + ".key"), os.path.join(d, name + ".pem")
    new_key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key]
    if ca is None:
        openssl("req", "-x509", *new_key, "-out", cert, "-days", "2", "-subj", "/CN=" + name, "-addext",
                ("subjectAltName=" + san) if san else "keyUsage=critical,keyCertSign,cRLSign")
    else:
        csr, ext = os.path.join(d, name + ".csr"), os.path.join(d, name + ".ext")
        with open(ext, "w") as f:
            f.write("subjectAltName=%s\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n" % san)
        openssl("req", "-new", *new_key, "-out", csr, "-subj", "/CN=" + name)
        openssl("x509", "-req", "-in", csr, "-CA", os.path.join(d, ca + ".pem"), "-CAkey",
                os.path.join(d, ca + ".key"), "-CAcreateserial", "-out", cert, "-days", "2", "-extfile", ext)
    return cert, key


def test_webhook_https(stack):
    """The webhook over https: the receiver's certificate is checked
    against the trust store (here SSL_CERT_FILE, OpenSSL's default paths)
    and the URL's host name; an unknown issuer or another name is a failed
    attempt (retried, never sent), a good one is delivered, signed."""
    stack.secrets.update((HOOK_SECRET, PLATFORM_CRED))
    d = tempfile.mkdtemp(prefix="jwtmint-tls-")
    rcv = Receiver(HOOK_PORT, "fail")      # the stack's own housekeeper never delivers here
    tls = hk = None
    port = free_port()
    try:
        make_cert(d, "ca", None)
        good = make_cert(d, "localhost", "DNS:localhost", ca="ca")
        other = make_cert(d, "other", "DNS:other.example", ca="ca")
        stranger = make_cert(d, "stranger", "DNS:localhost")
        hk = stack.spawn_housekeeper(env={
            "JWTMINT_ANOMALY_WEBHOOK_URL": "https://localhost:%d/hooks/jwtmint" % port,
            "SSL_CERT_FILE": os.path.join(d, "ca.pem")})
        org = new_org(stack, "hooktls")
        k = new_key(stack, org)

        def tls_failed():
            return any("TLS handshake failed" in r[2] for r in outbox(stack, k))

        for cert in (stranger, other):
            tls = Receiver(port, "ok", tls=cert)
            stack.psql("update anomaly_outbox set last_error = '' where anomaly_id in (select id from"
                       " usage_anomalies where key_id = '%s')" % k["id"])
            if not outbox(stack, k):
                stack.psql(network(org, k, "10.10.0.0/24", "4 days") + network(org, k, "10.11.0.0/24", "1 minute"))
            wait_for(tls_failed, timeout=20, what="a refused certificate (%s)" % os.path.basename(cert[0]))
            assert outbox(stack, k)[0][0] == "pending" and tls.got == [], (outbox(stack, k), tls.got)
            tls.close()
        tls = Receiver(port, "ok", tls=good)
        wait_for(lambda: outbox(stack, k)[0][0] == "delivered", timeout=20, what="the https delivery")
        mine = [verify_signature(h, b) for p, h, b, _ in tls.got if p == "/hooks/jwtmint"]
        assert any(doc["key"] == k["id"] and doc["kind"] == "network" for doc in mine), mine
    finally:
        if hk:
            stack.stop_server(hk)
        if tls:
            tls.close()
        rcv.close()
        shutil.rmtree(d, True)
