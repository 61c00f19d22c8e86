"""
Fail closed: an answer that could not be built whole is an error, never a
partial success. The gate's allowed answer carries the effective scopes
and accounts in its headers; at their largest (a key with 8 KiB of scopes)
every one of them must reach the backend, or the request must fail: a 200
without X-Jwtmint-Scope would let a backend that reads the header as
"no restriction" through.
"""

import json

from harness import nginx_only
from test_lifecycle import login_ok, new_key, new_org, new_user

STACK_OPTIONS = {"env": {"JWTMINT_ARGON2_M_KIB": "256", "JWTMINT_ARGON2_T": "1"}}


def big_scopes():
    # 60 scopes of up to 128 bytes: 7.7 KiB, under the column's 8 KiB bound.
    out = ["read:accounts"]
    for i in range(59):
        out.append(("s%02d:" % i) + "x" * 123)
    return out


@nginx_only
def test_gate_allows_with_every_header_at_full_size(stack):
    org = new_org(stack, "big")
    scopes = big_scopes()
    key = new_key(stack, org, scopes=" ".join(scopes), grants="password")
    st, h, body = stack.request("GET", "/api/accounts", {"X-API-Key": key["key"]})
    assert st == 200, "key alone: %d %r" % (st, body[:300])
    doc = json.loads(body)
    assert sorted(doc["scope"].split()) == sorted(scopes), "the backend lost scopes: %d of %d" % (
        len(doc["scope"].split()), len(scopes))
    assert doc["client"] == key["id"] and doc["org"] == org["id"] and doc["accounts"] == "*", doc

    # With an admin user's token of 40 of them (a token stays under 8 KiB):
    # key ∩ token = those 40, every one at the backend.
    u = new_user(stack, org, role="admin")
    scopes = scopes[:40]
    tok = login_ok(stack, key, u, scope=" ".join(scopes))["access_token"]
    st, h, body = stack.request("GET", "/api/accounts", {"X-API-Key": key["key"],
                                                         "Authorization": "Bearer " + tok})
    assert st == 200, "key and token: %d %r" % (st, body[:300])
    doc = json.loads(body)
    assert sorted(doc["scope"].split()) == sorted(scopes), "the backend lost scopes"
    assert doc["subject"] == u["id"], doc
