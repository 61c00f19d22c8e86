"""
Configuration: `jwtmint -t` and its messages (key and file:line), the
JWTMINT_<KEY> environment overrides, and that they reach a running jwtmint.
"""

import json
import os
import subprocess

from harness import FORM, b64url_decode, form, verify_token, wait_for

GT = form(grant_type="client_credentials")


def check(stack, conf=None, env=None, extra=()):
    args = [stack.jwtmint] + (["-c", conf] if conf else []) + ["-t"] + list(extra)
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                       env=stack.child_env(env), timeout=20, cwd=stack.tmp)
    assert p.returncode >= 0, "jwtmint -t killed by signal %d" % -p.returncode
    return p.returncode, (p.stdout + p.stderr).decode("utf-8", "replace")


def write(stack, name, lines):
    path = os.path.join(stack.tmp, name)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def base_lines(stack):
    return stack.config_lines()


def test_t_ok(stack):
    rc, out = check(stack, stack.conf)
    assert rc == 0, "jwtmint -t on the stack's config: %d %r" % (rc, out)
    assert "configuration ok" in out, out


def test_t_unknown_key_names_key_and_line(stack):
    lines = base_lines(stack)
    lines.insert(2, "foo = 1")         # line 3
    path = write(stack, "unknown.conf", lines)
    rc, out = check(stack, path)
    assert rc == 1, "exit %d, want 1: %r" % (rc, out)
    assert "foo" in out and ":3" in out, "message does not name foo and :3: %r" % out
    assert path in out or "unknown.conf" in out, "message does not name the file: %r" % out
    assert "configuration ok" not in out


def test_t_bad_values(stack):
    cases = [
        ("access_ttl_sec = 5", "access_ttl_sec"),
        ("access_ttl_sec = 99999", "access_ttl_sec"),
        ("access_ttl_sec = 9x", "access_ttl_sec"),
        ("signing_alg = none", "signing_alg"),
        ("signing_alg = HS512", "signing_alg"),
        ("database_timeout_ms = 10", "database_timeout_ms"),
        ("workers = 0", "workers"),
        ("max_body_bytes = 99999999999999999999", "max_body_bytes"),
        ("listen = somewhere", "listen"),
    ]
    for bad, key in cases:
        lines = [l for l in base_lines(stack) if not l.startswith(key + " ")]
        lines.append(bad)
        path = write(stack, "bad.conf", lines)
        rc, out = check(stack, path)
        assert rc == 1, "%r: exit %d, want 1: %r" % (bad, rc, out)
        assert key in out and ":%d" % len(lines) in out, "%r: message does not name %s and :%d: %r" % (
            bad, key, len(lines), out)


def test_t_malformed_lines(stack):
    for bad in ("just some words", "= value", "key_without_value", "issuer"):
        lines = base_lines(stack) + [bad]
        path = write(stack, "malformed.conf", lines)
        rc, out = check(stack, path)
        assert rc == 1, "%r: exit %d: %r" % (bad, rc, out)
        assert ":%d" % len(lines) in out, "%r: message does not name line %d: %r" % (bad, len(lines), out)


def test_t_missing_required(stack):
    for key in ("database_url", "kek_file"):
        lines = [l for l in base_lines(stack) if not l.startswith(key + " ")]
        path = write(stack, "missing.conf", lines)
        rc, out = check(stack, path)
        assert rc == 1, "without %s: exit %d: %r" % (key, rc, out)
        assert key in out, "message does not name %s: %r" % (key, out)


def test_t_secret_files(stack):
    short = os.path.join(stack.tmp, "short-kek")
    with open(short, "w") as f:
        f.write("c2hvcnQ=\n")   # 5 bytes
    os.chmod(short, 0o600)
    for value, why in (("/nonexistent/kek", "missing"), (short, "too short")):
        lines = [l for l in base_lines(stack) if not l.startswith("kek_file ")] + ["kek_file = " + value]
        path = write(stack, "kek.conf", lines)
        rc, out = check(stack, path)
        assert rc == 1, "kek %s: exit %d: %r" % (why, rc, out)
        assert "kek" in out, "kek %s: message does not name kek: %r" % (why, out)
    # The message never shows the secret itself.
    rc, out = check(stack, stack.conf)
    assert stack.kek not in out and stack.pepper not in out


def test_t_missing_file(stack):
    rc, out = check(stack, "/nonexistent/jwtmint.conf")
    assert rc == 1 and "/nonexistent/jwtmint.conf" in out, (rc, out)


def test_t_env_overrides(stack):
    rc, out = check(stack, stack.conf, env={"JWTMINT_SIGNING_ALG": "HS256"})
    assert rc == 0, "JWTMINT_SIGNING_ALG=HS256: %d %r" % (rc, out)
    rc, out = check(stack, stack.conf, env={"JWTMINT_ACCESS_TTL_SEC": "abc"})
    assert rc == 1, "JWTMINT_ACCESS_TTL_SEC=abc accepted: %r" % out
    assert "ACCESS_TTL_SEC" in out.upper(), "message does not name the variable: %r" % out
    rc, out = check(stack, stack.conf, env={"JWTMINT_FOO": "1"})
    assert rc in (0, 1), out   # unknown variables may be ignored or refused, not crash
    # JWTMINT_KEK instead of kek_file.
    lines = [l for l in base_lines(stack) if not l.startswith("kek_file ")]
    path = write(stack, "envkek.conf", lines)
    rc, out = check(stack, path, env={"JWTMINT_KEK": stack.kek})
    assert rc == 0, "JWTMINT_KEK: %d %r" % (rc, out)
    assert stack.kek not in out


def issue(stack, env):
    """A token from a jwtmint that runs with these extra variables."""
    hdrs = {"Content-Type": FORM, "X-API-Key": stack.keys["main"]["key"]}
    if stack.mode == "cgi":
        st, h, b = stack.request("POST", "/token", hdrs, GT, cgi_env=env)
        return st, json.loads(b)
    sock = "unix:" + os.path.join(stack.tmp, "env.sock")
    proc = stack.spawn_server(sock, env=env, workers=1)
    try:
        stack.wait_fcgi(sock, proc)
        st, h, b = stack.fcgi(sock, "POST", "/token", hdrs, GT)
        return st, json.loads(b)
    finally:
        stack.stop_server(proc)


def test_env_override_reaches_tokens(stack):
    st, doc = issue(stack, {"JWTMINT_ACCESS_TTL_SEC": "600"})
    assert st == 200, doc
    assert doc["expires_in"] == 600, "expires_in %r with JWTMINT_ACCESS_TTL_SEC=600" % doc["expires_in"]
    k = stack.keys["main"]
    verify_token(stack.jwks(), doc["access_token"], issuer=stack.issuer, audience="jwtmint",
                 client_id=k["id"], scope="read:accounts write:settings", org_id=stack.org_id, ttl=600)


def test_hs256_tokens_never_published(stack):
    hs = stack.admin_json("signing-key", "create", "--alg", "HS256", "--json")
    try:
        st, doc = issue(stack, {"JWTMINT_SIGNING_ALG": "HS256"})
        assert st == 200, doc
        head = json.loads(b64url_decode(doc["access_token"].split(".")[0]))
        assert head["alg"] == "HS256" and head["kid"] == hs["kid"], head
        jwks = stack.jwks()
        assert hs["kid"] not in {k["kid"] for k in jwks["keys"]}, "HS256 key published"
        assert all(k.get("kty") != "oct" for k in jwks["keys"])
    finally:
        stack.admin_ok("signing-key", "retire", hs["kid"])
    wait_for(lambda: stack.token()[0] == 200, timeout=5, what="ES256 tokens still issued")
