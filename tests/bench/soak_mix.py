#!/usr/bin/env python3
"""soak_mix.py: the two request loops of scripts/soak.sh besides wrk.

  soak_mix.py bad   SECS   hostile input, each request with the one status
                           it must get (4xx, or 200 where RFC 7009 / 7662 say
                           so), round robin until SECS have passed
  soak_mix.py churn SECS   cycles of key changes and revocations: an API key
                           created (jwtmint-admin), used, its tokens revoked
                           (POST /revoke, /admin/revocations), a user disabled
                           and enabled, a signing key created and retired, the
                           key revoked (CLI and API in turn); every change is
                           then seen through /check, which answers from the
                           workers' NOTIFY-driven caches

Environment: SOAK_PORT (nginx on 127.0.0.1), BENCH_KEY (an API key of the
organization), SOAK_ADMIN_KEY (a key with the admin scope), SOAK_USER and
SOAK_PASSWORD (a user only this loop touches), SOAK_ADMIN (the jwtmint-admin
command line, words separated by spaces), SOAK_LOCK (a file: jwtmint-admin
runs under flock on it, so that soak.sh can count the database connections
while no jwtmint-admin is connected).

Prints one JSON object: requests, per-case counts, the unexpected answers
(at most 20 kept), and for churn how long changes took to reach /check.
Exits 0 either way: soak.sh judges.
"""
import base64
import fcntl
import http.client
import json
import os
import subprocess
import sys
import time

PORT = int(os.environ["SOAK_PORT"])
KEY = os.environ["BENCH_KEY"]
FORM = "application/x-www-form-urlencoded"
# A change made in one worker's connection reaches the others by NOTIFY;
# /check must show it within this long (soak.sh fails the run otherwise).
PROPAGATION_SEC = 2.0

stats = {"requests": 0, "cases": {}, "unexpected": [], "unexpected_n": 0}


def request(method, path, headers=(), body=None):
    """One request on a new connection: (status, body bytes)."""
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    try:
        c.putrequest(method, path, skip_accept_encoding=True)
        for k, v in headers:
            c.putheader(k, v)
        if body is not None:
            c.putheader("Content-Length", str(len(body)))
        c.putheader("Connection", "close")
        c.endheaders(body)
        r = c.getresponse()
        return r.status, r.read()
    except (OSError, http.client.HTTPException) as e:
        return 0, str(e).encode()
    finally:
        c.close()
        stats["requests"] += 1


def note(case, want, got, detail=b""):
    s = stats["cases"].setdefault(case, {"n": 0, "unexpected": 0})
    s["n"] += 1
    if got == want:
        return True
    s["unexpected"] += 1
    stats["unexpected_n"] += 1
    if len(stats["unexpected"]) < 20:
        stats["unexpected"].append({"case": case, "want": want, "got": got,
                                    "body": detail[:200].decode("utf-8", "replace")})
    return False


def check(case, want, method, path, headers=(), body=None):
    st, b = request(method, path, headers, body)
    note(case, want, st, b)
    return st, b


# --- hostile input -----------------------------------------------------------

def bad_cases():
    k = ("X-API-Key", KEY)
    ct = ("Content-Type", FORM)
    cc = b"grant_type=client_credentials"
    long = "a" * 5000
    return [
        # name, method, path, headers, body, status
        ("key malformed", "POST", "/token", [("X-API-Key", "jmk_live_short"), ct], cc, 401),
        ("key bad checksum", "POST", "/token", [("X-API-Key", KEY[:-1] + ("a" if KEY[-1] != "a" else "b")), ct], cc, 401),
        ("key too long", "POST", "/token", [("X-API-Key", long), ct], cc, 400),
        ("key twice", "POST", "/token", [k, k, ct], cc, 400),
        ("no credentials", "POST", "/token", [ct], cc, 401),
        ("basic garbage", "POST", "/token", [("Authorization", "Basic !!!"), ct], cc, 401),
        ("two auth methods", "POST", "/token", [k, ct], cc + b"&client_id=x&client_secret=y", 400),
        ("bad percent escape", "POST", "/token", [k, ct], b"grant_type=client%zzcredentials", 400),
        ("embedded NUL", "POST", "/token", [k, ct], cc + b"&scope=a%00b", 400),
        ("invalid UTF-8", "POST", "/token", [k, ct], cc + b"&scope=%ff", 400),
        ("duplicate parameter", "POST", "/token", [k, ct], cc + b"&" + cc, 400),
        ("too many parameters", "POST", "/token", [k, ct], cc + b"".join(b"&p%d=x" % i for i in range(200)), 400),
        ("body over max_body_bytes", "POST", "/token", [k, ct], b"a" * 20000, 413),
        ("content type json", "POST", "/token", [k, ("Content-Type", "application/json")], b'{"grant_type":"client_credentials"}', 415),
        ("content type text", "POST", "/token", [k, ("Content-Type", "text/plain")], cc, 415),
        ("GET /token", "GET", "/token", [k], None, 405),
        ("unknown path", "GET", "/nope", [], None, 404),
        ("path too long", "GET", "/" + "p" * 1500, [], None, 400),
        ("unsupported grant", "POST", "/token", [k, ct], b"grant_type=foo", 400),
        ("scope not granted", "POST", "/token", [k, ct], cc + b"&scope=admin", 400),
        ("password grant, no password", "POST", "/token", [k, ct], b"grant_type=password", 400),
        ("refresh token garbage", "POST", "/token", [k, ct], b"grant_type=refresh_token&refresh_token=jmr_garbage", 400),
        ("introspect garbage token", "POST", "/introspect", [k, ct], b"token=garbage.garbage.garbage", 200),
        ("introspect token too long", "POST", "/introspect", [k, ct], b"token=" + b"a" * 9000, 400),
        ("revoke garbage token", "POST", "/revoke", [k, ct], b"token=garbage", 200),
        ("admin revocation, no admin scope", "POST", "/admin/revocations", [k, ct], b"jti=x", 403),
        ("/check garbage key", "GET", "/api/ping", [("X-API-Key", "nope")], None, 403),
        ("/check no key", "GET", "/api/ping", [], None, 403),
        ("/check key twice", "GET", "/api/ping", [k, k], None, 403),
        ("/check alg none token", "GET", "/api/ping", [k, ("Authorization", "Bearer eyJhbGciOiJub25lIn0.e30.")], None, 401),
        ("/check garbage token", "GET", "/api/ping", [k, ("Authorization", "Bearer a.b.c")], None, 401),
        ("/check token too long", "GET", "/api/ping", [k, ("Authorization", "Bearer " + long)], None, 403),
    ]


def run_bad(secs):
    cases = bad_cases()
    end = time.monotonic() + secs
    i = 0
    while time.monotonic() < end:
        name, method, path, headers, body, want = cases[i % len(cases)]
        check(name, want, method, path, headers, body)
        i += 1


# --- key changes and revocations ---------------------------------------------

ADMIN = os.environ.get("SOAK_ADMIN", "").split()
LOCK = os.environ.get("SOAK_LOCK", "")


def admin(*args, stdin=None):
    """jwtmint-admin under the lock; its stdout, or None when it failed."""
    with open(LOCK, "a") as lk:
        fcntl.flock(lk, fcntl.LOCK_EX)
        p = subprocess.run(ADMIN + list(args), input=stdin, capture_output=True,
                           text=True)
    ok = p.returncode == 0
    note("jwtmint-admin " + args[0] + " " + args[1], True, ok,
         p.stderr.encode())
    return p.stdout if ok else None


def form(**kv):
    return "&".join("%s=%s" % (k, v) for k, v in kv.items()).encode()


def post(case, want, path, cred, /, **kv):
    """POST a form with the API key cred; the JSON answer, {} unless 200."""
    st, b = check(case, want, "POST", path,
                  [("X-API-Key", cred), ("Content-Type", FORM)], form(**kv))
    try:
        return json.loads(b) if st == 200 else {}
    except ValueError:
        return {}


def ping(key, token=None):
    h = [("X-API-Key", key)]
    if token:
        h.append(("Authorization", "Bearer " + token))
    return request("GET", "/api/ping", h)


def awaits(case, want, key, token=None):
    """/check must answer want within PROPAGATION_SEC: NOTIFY is
    asynchronous, so the first answer after a change may still be the old
    one. Records the delay."""
    t0 = time.monotonic()
    tries = 0
    while True:
        st, b = ping(key, token)
        tries += 1
        lag = time.monotonic() - t0
        if st == want or lag > PROPAGATION_SEC:
            break
        time.sleep(0.01)
    note(case, want, st, b)
    p = stats.setdefault("propagation", {"checks": 0, "late": 0, "max_ms": 0.0})
    p["checks"] += 1
    if tries > 1:	# the first answer was still the old one
        p["late"] += 1
        p["max_ms"] = max(p["max_ms"], round(lag * 1000, 1))


def jti_of(token):
    p = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))["jti"]


def run_churn(secs):
    adm = os.environ["SOAK_ADMIN_KEY"]
    user, pw = os.environ["SOAK_USER"], os.environ["SOAK_PASSWORD"]
    end = time.monotonic() + secs
    cycle = 0
    while time.monotonic() < end:
        cycle += 1
        out = admin("key", "create", "--name", "churn-%d" % cycle,
                    "--scopes", "read:accounts introspect",
                    "--grants", "client_credentials,password,refresh_token", "--json")
        if out is None:
            time.sleep(1)
            continue
        k = json.loads(out)
        key, kid = k["key"], k["id"]

        # The new key works at once: tokens, /check, a login.
        a = post("token, new key", 200, "/token", key, grant_type="client_credentials").get("access_token")
        awaits("/check, new key", 200, key)
        t = post("login", 200, "/token", key, grant_type="password", username=user, password=pw)
        u, r = t.get("access_token"), t.get("refresh_token")
        if not (a and u and r):
            time.sleep(1)
            continue
        awaits("/check, user token", 200, key, u)
        i = post("introspect, user token", 200, "/introspect", key, token=u)
        note("introspect, user token active", True, i.get("active"))

        # RFC 7009: an access token, then a refresh token's family.
        post("revoke access token", 200, "/revoke", key, token=a)
        i = post("introspect, revoked token", 200, "/introspect", key, token=a)
        note("introspect, revoked token inactive", False, i.get("active"))
        t = post("refresh", 200, "/token", key, grant_type="refresh_token", refresh_token=r)
        u2, r2 = t.get("access_token"), t.get("refresh_token")
        if u2 and r2:
            post("revoke refresh token", 200, "/revoke", key, token=r2)
            post("refresh, revoked family", 400, "/token", key, grant_type="refresh_token", refresh_token=r2)
            # An administrator revokes one access token by its jti.
            post("admin revocation jti", 200, "/admin/revocations", adm, jti=jti_of(u2))
            awaits("/check, token revoked by jti", 401, key, u2)

        # A disabled user's tokens stop at the gate, and stay dead when the
        # user is enabled again (docs/SECURITY.md: disabling sets the
        # cut-off); a new login, in a later second than the cut-off, passes.
        admin("user", "disable", user)
        awaits("/check, user disabled", 401, key, u)
        admin("user", "enable", user)
        awaits("/check, user enabled, old token", 401, key, u)
        time.sleep(1.05)
        u = post("login after enable", 200, "/token", key, grant_type="password",
                 username=user, password=pw).get("access_token")
        if not u:
            continue
        awaits("/check, user enabled, new token", 200, key, u)

        # A signing key created and retired: every worker reloads its keys.
        out = admin("signing-key", "create", "--alg", "HS256", "--json")
        if out is not None:
            admin("signing-key", "retire", json.loads(out)["kid"])
        awaits("/check after signing-key reload", 200, key, u)

        # A per-user cut-off: every token of the user issued until now.
        post("admin revocation user", 200, "/admin/revocations", adm, user=user)
        awaits("/check, user cut off", 401, key, u)

        # The key revoked, by the CLI and by the API in turn.
        if cycle % 2:
            admin("key", "revoke", kid)
        else:
            post("admin revocation key", 200, "/admin/revocations", adm, key=kid)
        awaits("/check, key revoked", 403, key)
        post("token, revoked key", 401, "/token", key, grant_type="client_credentials")
        stats["cycles"] = cycle
        # The cut-off has one-second resolution (iat <= cut-off is revoked):
        # the next cycle's login must come in a later second.
        time.sleep(1.05)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("bad", "churn"):
        sys.exit("usage: soak_mix.py bad|churn SECS")
    secs = float(sys.argv[2])
    (run_bad if sys.argv[1] == "bad" else run_churn)(secs)
    stats["mode"] = sys.argv[1]
    print(json.dumps(stats))


if __name__ == "__main__":
    main()
