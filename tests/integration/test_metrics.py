"""
GET /metrics (issue 12 §3): the host's counters in the Prometheus text
format, on the platform listener only, with the platform credential.

Known requests go through nginx to two workers; one worker is killed and
restarted; the counters of the host do not go back, and the deterministic
ones are exact. The exposition is read by an independent parser
(prometheus_client's), then by a real Prometheus scraping the platform
listener (through an nginx of its own in front of the platform socket, as
`make run` does) with the credential from its credentials_file, queried
through its HTTP API. promtool checks the shipped example configuration
and alert rules, which that Prometheus also loads.
"""

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import time
import urllib.parse
import urllib.request

from harness import (NGINX_SH, allow_worker_exit, free_port, need, need_program,
                     start_web_server, wait_for, workers_settled)

MODES = ("nginx",)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PROM_DIR = os.path.join(ROOT, "conf", "prometheus")
CRED = "pc_" + secrets.token_urlsafe(32)
FORM = "application/x-www-form-urlencoded"


def parse(text):
    """{(name, frozenset(labels)): value} by prometheus_client's parser
    (python3-prometheus-client), and the families' types."""
    try:
        from prometheus_client.parser import text_string_to_metric_families
    except ImportError:
        need(False, "the Python module prometheus_client", "python3-prometheus-client")
    values, types = {}, {}
    for fam in text_string_to_metric_families(text):
        types[fam.name] = fam.type
        for s in fam.samples:
            key = (s.name, frozenset(s.labels.items()))
            assert key not in values, "duplicate series %r" % (key,)
            values[key] = s.value
    return values, types


def val(values, name, **labels):
    return values.get((name, frozenset(labels.items())), 0.0)


class Host:
    """The stack's jwtmint again, now with its platform listener."""

    def __init__(self, stack):
        self.stack = stack
        self.plat = "unix:" + os.path.join(stack.tmp, "plat-metrics.sock")
        self.cred_file = os.path.join(stack.tmp, "platform-metrics.cred")
        with open(self.cred_file, "w") as f:
            f.write(CRED + "\n")
        os.chmod(self.cred_file, 0o644)     # Prometheus reads it (same user here)
        stack.secrets.add(CRED)
        stack.stop_server()
        stack.start_server(env={"JWTMINT_PLATFORM_LISTEN": self.plat,
                                "JWTMINT_PLATFORM_CREDENTIAL_FILE": self.cred_file})
        stack.wait_fcgi(self.plat, stack.server)
        os.chmod(self.plat[5:], 0o666)      # nginx's workers (nobody)
        self.pid = stack.server.pid
        self.answered = 0       # scrapes answered 200 on the platform socket
        self.workers = wait_for(lambda: workers_settled(self.pid, stack.workers), timeout=15,
                                what="the workers")

    def scrape(self, cred=CRED, public=False):
        h = {"Authorization": "Bearer " + cred} if cred is not None else {}
        addr = self.stack.fcgi_address if public else self.plat
        st, rh, rb = self.stack.fcgi(addr, "GET", "/metrics", h)
        self.answered += st == 200 and not public
        return st, rh, rb

    def values(self):
        st, h, rb = self.scrape()
        assert st == 200, (st, rb[:300])
        assert h.get("content-type", "").startswith("text/plain; version=0.0.4"), h
        return parse(rb.decode())


def test_every_route_has_an_endpoint_label(stack):
    """Drift: each path of the route tables (src/route.c) has its row in
    the endpoint table of src/metrics.c, else its requests would count as
    endpoint="other"."""
    def paths(name, start):
        with open(os.path.join(ROOT, "src", name)) as f:
            text = f.read()
        return set(re.findall(r'^\s*\{ "(/[^"]*)"', text[text.index(start):], re.M))
    routes = paths("route.c", "static const struct route routes[]")
    labelled = paths("metrics.c", "} paths[] = {")
    assert "/token" in routes and "/metrics" in routes, routes
    assert routes <= labelled, "routes without an endpoint label in src/metrics.c: %s" % (
        sorted(routes - labelled),)


def drive(stack, n_ok, n_bad, n_allow, n_deny):
    for _ in range(n_ok):
        st, _, doc = stack.token()
        assert st == 200, (st, doc)
    for _ in range(n_bad):
        st, _, _ = stack.token(key=stack.keys["main"]["key"][:-4] + "AAAA")
        assert st == 401, st
    for _ in range(n_allow):
        st, _, _ = stack.request("GET", "/api/ping", {"X-API-Key": stack.keys["main"]["key"]})
        assert st == 200, st
    for _ in range(n_deny):
        st, _, _ = stack.request("GET", "/api/ping", {"X-API-Key": stack.keys["revoked"]["key"]})
        assert st in (401, 403), st


@allow_worker_exit
def test_metrics_exact_across_workers_and_restarts(stack):
    host = Host(stack)
    # Never on the public listener, whatever the credential.
    st, _, _ = host.scrape(public=True)
    assert st == 404, st
    st, _, rb = stack.request("GET", "/metrics", {"Authorization": "Bearer " + CRED})
    assert st == 404, (st, rb[:200])
    # The credential is required on the platform listener.
    for bad in (None, "", CRED + "x", CRED.upper()):
        st, h, _ = host.scrape(cred=bad)
        assert st == 401 and h.get("www-authenticate", "").startswith("Bearer"), (bad, st)

    drive(stack, 12, 3, 5, 2)
    v, types = host.values()
    assert types["jwtmint_request_duration_seconds"] == "histogram", types
    assert types["jwtmint_requests"] == "counter", types
    assert val(v, "jwtmint_requests_total", endpoint="token", status="200") == 12
    assert val(v, "jwtmint_requests_total", endpoint="token", status="401") == 3
    assert val(v, "jwtmint_requests_total", endpoint="check", status="200") == 5
    assert val(v, "jwtmint_check_decisions_total", decision="allow") == 5
    assert val(v, "jwtmint_check_decisions_total", decision="deny") == 2
    assert val(v, "jwtmint_tokens_issued_total", grant="client_credentials", alg="ES256") == 12
    # The two refused scrapes on the public side: no route there.
    assert val(v, "jwtmint_requests_total", endpoint="other", status="404") == 2
    assert val(v, "jwtmint_requests_total", endpoint="metrics", status="401") == 4
    assert val(v, "jwtmint_workers") == stack.workers
    kid = stack.signing_key["kid"]
    assert val(v, "jwtmint_signing_key_info", kid=kid, alg="ES256", state="active") == 1
    assert any(k[0] == "jwtmint_build_info" for k in v), "no build_info"
    assert types["jwtmint_notify_lag_seconds"] == "gauge", types
    # The housekeeper's probe NOTIFY (every 10 s, the first at its start)
    # reaches a worker: a delay is measured (idle workers read once a
    # second, so it is rarely 0 ms; this waits for one that is not).
    t0 = time.time()
    wait_for(lambda: val(host.values()[0], "jwtmint_notify_lag_seconds") > 0, timeout=25,
             interval=0.5, what="a notify probe's delay")
    stack.note("notify probe delay seen after %.1f s" % (time.time() - t0))
    hits = val(v, "jwtmint_cache_hits_total", cache="api_keys")
    misses = val(v, "jwtmint_cache_misses_total", cache="api_keys")
    assert hits + misses >= 12 + 5 + 2, (hits, misses)
    # The histogram: cumulative, +Inf = _count = the requests counted.
    buckets = sorted((float(dict(k[1])["le"]), n) for k, n in v.items()
                     if k[0] == "jwtmint_request_duration_seconds_bucket"
                     and dict(k[1])["endpoint"] == "token")
    assert buckets[0][0] == 0.00025 and buckets[-2][0] == 1.0, buckets
    assert buckets[-1] == (float("inf"), 15), buckets
    assert all(a[1] <= b[1] for a, b in zip(buckets, buckets[1:])), buckets
    assert val(v, "jwtmint_request_duration_seconds_count", endpoint="token") == 15
    assert val(v, "jwtmint_request_duration_seconds_sum", endpoint="token") > 0
    # No label carries a client's value: not the key ids, nor the secrets.
    text = host.scrape()[2].decode()
    for k in stack.keys.values():
        assert k["id"] not in text and k["key"] not in text

    # Every worker killed (so every count so far was made by a process
    # that is gone): restarted, and the host's counters go on.
    for victim in host.workers:
        os.kill(victim, signal.SIGKILL)
    wait_for(lambda: (lambda w: w and not (w & host.workers))(workers_settled(host.pid, stack.workers)),
             timeout=15, what="the killed workers' successors")
    drive(stack, 8, 0, 3, 0)
    scrapes = host.answered     # counted once answered: this one is not yet
    v, _ = host.values()
    assert val(v, "jwtmint_requests_total", endpoint="token", status="200") == 20
    assert val(v, "jwtmint_requests_total", endpoint="token", status="401") == 3
    assert val(v, "jwtmint_check_decisions_total", decision="allow") == 8
    assert val(v, "jwtmint_tokens_issued_total", grant="client_credentials", alg="ES256") == 20
    assert val(v, "jwtmint_requests_total", endpoint="metrics", status="200") == scrapes
    assert val(v, "jwtmint_workers") == stack.workers

    prometheus_scrapes(stack, host)


def promtool_checks(promtool, work, prom_yml):
    rules = os.path.join(PROM_DIR, "jwtmint-alerts.yml")
    for args in (["check", "rules", rules], ["check", "config", prom_yml]):
        p = subprocess.run([promtool] + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=30, cwd=work)
        assert p.returncode == 0, (args, p.stdout.decode(errors="replace"))
    # The shipped scrape example, with its credential file where it says.
    example = os.path.join(PROM_DIR, "prometheus.yml")
    with open(example) as f:
        text = f.read()
    local = os.path.join(work, "example.yml")
    with open(local, "w") as f:
        f.write(text.replace("/etc/prometheus/jwtmint-platform.cred", os.path.join(work, "cred"))
                    .replace("/etc/prometheus/jwtmint-alerts.yml", rules))
    p = subprocess.run([promtool, "check", "config", local], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=30, cwd=work)
    assert p.returncode == 0, p.stdout.decode(errors="replace")


def prometheus_scrapes(stack, host):
    prom = need_program("prometheus", "prometheus")
    promtool = need_program("promtool", "prometheus")
    work = os.path.join(stack.tmp, "prometheus")
    os.makedirs(os.path.join(work, "data"))
    shutil.copy(host.cred_file, os.path.join(work, "cred"))
    # An HTTP server in front of the platform socket, on a loopback port.
    port = start_web_server(NGINX_SH, os.path.join(stack.tmp, "nginx-plat"), host.plat,
                            note=stack.note)
    try:
        prom_yml = os.path.join(work, "prometheus.yml")
        with open(prom_yml, "w") as f:
            f.write("""global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - %s
scrape_configs:
  - job_name: jwtmint
    scrape_interval: 1s
    scrape_timeout: 1s
    authorization:
      type: Bearer
      credentials_file: %s
    static_configs:
      - targets: ['127.0.0.1:%d']
""" % (os.path.join(PROM_DIR, "jwtmint-alerts.yml"), os.path.join(work, "cred"), port))
        promtool_checks(promtool, work, prom_yml)
        proc, api = start_prometheus(prom, work, prom_yml, stack)
        try:
            def query(q):
                url = api + "/api/v1/query?" + urllib.parse.urlencode({"query": q})
                with urllib.request.urlopen(url, timeout=5) as r:
                    doc = json.loads(r.read())
                assert doc["status"] == "success", doc
                return doc["data"]["result"]

            def value(q):
                res = query(q)
                return float(res[0]["value"][1]) if len(res) == 1 else None

            wait_for(lambda: value('up{job="jwtmint"}') == 1, timeout=20,
                     what="Prometheus scraping jwtmint (up == 1)")
            # Under load: more tokens while Prometheus scrapes; it ends on
            # the exact total.
            drive(stack, 10, 0, 0, 0)
            wait_for(lambda: value('jwtmint_requests_total{endpoint="token",status="200"}') == 30,
                     timeout=10, what="the token counter in Prometheus (30)")
            assert value('jwtmint_check_decisions_total{decision="deny"}') == 2
            assert value('jwtmint_workers') == stack.workers
            assert value('jwtmint_request_duration_seconds_count{endpoint="token"}') == 33
            assert value('histogram_quantile(0.99, sum by (le) '
                         '(jwtmint_request_duration_seconds_bucket{endpoint="token"})) <= 1') is not None
            assert value('count(jwtmint_signing_key_info{state="active"})') == 1
            # The alert rules loaded and evaluate (none fires on this host).
            with urllib.request.urlopen(api + "/api/v1/rules", timeout=5) as r:
                groups = json.loads(r.read())["data"]["groups"]
            names = {rule["name"] for g in groups for rule in g["rules"]}
            assert {"JwtmintHighErrorRatio", "JwtmintSlowTokens", "JwtmintDatabaseErrors",
                    "JwtmintUsageAnomalies"} <= names, names
            assert all(rule.get("health") != "err" for g in groups for rule in g["rules"]), groups
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
    finally:
        subprocess.run([NGINX_SH, "stop", os.path.join(stack.tmp, "nginx-plat")],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)


def start_prometheus(prom, work, prom_yml, stack):
    """Prometheus on a free loopback port (tried again on another when the
    port was taken meanwhile). Returns (Popen, base URL)."""
    for attempt in range(3):
        port = free_port()
        log = open(os.path.join(work, "prometheus.log"), "ab")
        proc = subprocess.Popen([prom, "--config.file=" + prom_yml,
                                 "--storage.tsdb.path=" + os.path.join(work, "data"),
                                 "--web.listen-address=127.0.0.1:%d" % port,
                                 "--log.level=warn"],
                                stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd=work)
        log.close()
        api = "http://127.0.0.1:%d" % port
        deadline = time.time() + 20
        while time.time() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(api + "/-/ready", timeout=2) as r:
                    if r.status == 200:
                        return proc, api
            except OSError:
                time.sleep(0.1)
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=5)
    with open(os.path.join(work, "prometheus.log"), errors="replace") as f:
        raise AssertionError("Prometheus did not start: " + f.read()[-2000:])
