"""
Trusted forwarders: a backend that logs its users in through the password
grant calls /token from one address for all of them, so the per-address
failure counter would block every user after a few failures of one. A key
an operator marked (--trusted-forwarder, key trust) may name its end user's
address in end_user_ip; only a syntactically valid one, in one spelling
per address, an IPv6 one counted by its /64. Every other key's end_user_ip is ignored, and the per-username
counter applies whatever the address.
"""

from harness import assert_oauth_error
from test_lifecycle import GT_PASSWORD, login, new_key, new_org, new_user, post

MAX_USER = 6
MAX_ADDR = 4
STACK_OPTIONS = {"env": {
    "JWTMINT_ARGON2_M_KIB": "256", "JWTMINT_ARGON2_T": "1",
    "JWTMINT_LOGIN_MAX_FAILURES": str(MAX_USER),
    "JWTMINT_LOGIN_MAX_FAILURES_ADDR": str(MAX_ADDR),
    "JWTMINT_LOGIN_WINDOW_SEC": "300",
}}


def attempt(stack, key, username, password, ip=None):
    extra = {"end_user_ip": ip} if ip is not None else {}
    return post(stack, "/token", key, grant_type=GT_PASSWORD, username=username, password=password, **extra)


def trusted_key(stack, org):
    k = stack.admin_json("key", "create", "--name", "backend", "--scopes", "read:accounts",
                         "--grants", "password", "--trusted-forwarder", "--org", org["slug"], "--json")
    assert k.get("trusted_forwarder") is True, k
    return k


def test_trusted_forwarder_counts_the_end_user(stack):
    org = new_org(stack, "fwd")
    k = trusted_key(stack, org)
    good = new_user(stack, org, role="admin")
    # MAX_ADDR failures from one end user (different usernames) block that
    # address, in any of its spellings; an IPv6 end user is its /64, so
    # stepping through the addresses of one /64 counts as one ...
    for i in range(MAX_ADDR):
        st, _, doc = attempt(stack, k, "nobody%d" % i, "wrong", "2001:db8::%x" % (7 + i * 0x1001))
        assert st == 400 and doc.get("error") == "invalid_grant", (st, doc)
    for spelling in ("2001:db8::7", "2001:DB8:0:0::7", "2001:0db8:0000:0000:0000:0000:0000:0007",
                     "2001:db8::ffff:ffff:ffff:ffff"):
        st, h, doc = attempt(stack, k, good["username"], good["password"], spelling)
        assert st == 429 and doc.get("error") == "slow_down", "%s: %d %r" % (spelling, st, doc)
    # ... and nobody else behind the same backend, nor the next /64.
    for other in ("198.51.100.8", "2001:db8:0:1::7"):
        st, _, doc = attempt(stack, k, good["username"], good["password"], other)
        assert st == 200, "another end user behind the backend is blocked: %s %d %r" % (other, st, doc)
    st, _, doc = attempt(stack, k, good["username"], good["password"])
    assert st == 200, "the backend's own address is blocked: %d %r" % (st, doc)
    rows = stack.psql("select subject from login_failures where org_id = '%s' and kind = 'a'" % org["id"])
    assert rows.split() == ["2001:db8::/64"], "counted under %r" % rows
    # An IPv4 end user seen as IPv4-mapped IPv6 is that IPv4 address.
    for i in range(MAX_ADDR):
        attempt(stack, k, "nobody%d" % i, "wrong", "::ffff:198.51.100.9")
    st, _, doc = attempt(stack, k, good["username"], good["password"], "198.51.100.9")
    assert st == 429, "::ffff:198.51.100.9 and 198.51.100.9 counted apart: %d %r" % (st, doc)


def test_malformed_end_user_ip(stack):
    org = new_org(stack, "fwdbad")
    k = trusted_key(stack, org)
    u = new_user(stack, org)
    for bad in ("", "localhost", "198.51.100.7 ", "198.51.100.7:80", "[::1]", "10.0.0.1, 10.0.0.2",
                "0x7f.1", "2001:db8::1%eth0", "a" * 300, "198.51.100.7/32"):
        resp = attempt(stack, k, u["username"], u["password"], bad)
        assert_oauth_error(resp, 400, "invalid_request", echo=[bad])
        assert "end_user_ip" in resp[2]["error_description"], resp[2]
    # A control byte is refused earlier, by the form parser, the same way.
    assert_oauth_error(attempt(stack, k, u["username"], u["password"], "198.51.100.7\n"), 400, "invalid_request")
    n = stack.psql("select count(*) from login_failures where org_id = '%s'" % org["id"]).strip()
    assert n == "0", "a refused request was counted"


def test_untrusted_key_end_user_ip_ignored(stack):
    org = new_org(stack, "nofwd")
    k = new_key(stack, org, scopes="read:accounts", grants="password")
    good = new_user(stack, org, role="admin")
    # Each failure names another end user: all count against the one real
    # address, which is then blocked, whatever end_user_ip says.
    for i in range(MAX_ADDR):
        st, _, doc = attempt(stack, k, "nobody%d" % i, "wrong", "198.51.100.%d" % (10 + i))
        assert st == 400, (st, doc)
    st, _, doc = attempt(stack, k, good["username"], good["password"], "203.0.113.99")
    assert st == 429, "an untrusted key's end_user_ip was used: %d %r" % (st, doc)
    # Malformed from an untrusted key: ignored, not an error of its own.
    st, _, doc = attempt(stack, k, good["username"], good["password"], "not-an-address")
    assert st == 429, (st, doc)


def test_username_counter_always_applies(stack):
    org = new_org(stack, "fwduser")
    k = trusted_key(stack, org)
    victim = new_user(stack, org)
    for i in range(MAX_USER):
        st, _, doc = attempt(stack, k, victim["username"], "wrong", "198.51.100.%d" % (20 + i))
        assert st in (400, 429), (st, doc)
    st, _, doc = attempt(stack, k, victim["username"], victim["password"], "203.0.113.5")
    assert st == 429, "the per-username counter was bypassed by rotating end_user_ip: %d %r" % (st, doc)


def test_trust_and_distrust(stack):
    org = new_org(stack, "fwdcli")
    k = new_key(stack, org, scopes="read:accounts", grants="password")
    u = new_user(stack, org)
    stack.admin_ok("key", "trust", k["id"])
    resp = attempt(stack, k, u["username"], u["password"], "bogus")
    assert_oauth_error(resp, 400, "invalid_request")
    listed = [r for r in stack.admin_json("key", "list", "--org", org["slug"], "--json") if r["id"] == k["id"]]
    assert listed and listed[0]["trusted_forwarder"] in ("true", True), listed
    stack.admin_ok("key", "distrust", k["id"])
    # Workers learn of it by notification: within a bounded wait, ignored.
    import time
    deadline = time.time() + 3
    while True:
        st = attempt(stack, k, u["username"], u["password"], "bogus")[0]
        if st == 200:
            break
        assert time.time() < deadline, "distrust did not reach the workers: %d" % st
        time.sleep(0.05)
    rc, out, err = stack.admin("key", "trust", "aaaaaaaaaaaaaaaa")
    assert rc != 0 and "no active key" in err, (rc, err)


def test_remote_addr_checked_before_the_database(stack):
    """REMOTE_ADDR comes from the web server, yet it is checked in C too:
    an address is counted under its one key (one spelling; an IPv6 one by
    its /64), anything else as "-", and never reaches the database's bound
    (a 300-byte value was a 503)."""
    if stack.mode != "cgi":
        from harness import Skip
        raise Skip("nginx")
    org = new_org(stack, "raddr")
    k = new_key(stack, org, scopes="read:accounts", grants="password")
    u = new_user(stack, org)
    body = ("grant_type=password&username=%s&password=%s" % (u["username"], "wrong")).encode()
    hdrs = {"X-API-Key": k["key"], "Content-Type": "application/x-www-form-urlencoded"}
    for addr, counted in (("x" * 300, "-"), ("2001:DB8::0:7", "2001:db8::/64")):
        st, _, b = stack.request("POST", "/token", hdrs, body, cgi_env={"REMOTE_ADDR": addr})
        assert st == 400, "REMOTE_ADDR %r: %d %r" % (addr[:20], st, b[:200])
        rows = stack.psql("select subject from login_failures where org_id = '%s' and kind = 'a'" % org["id"])
        assert counted in rows.split(), "counted under %r, want %r" % (rows, counted)
