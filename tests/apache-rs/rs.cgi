#!/bin/sh
# The protected resource of tests/integration/test_apache_rs.py: Apache ran
# it only after mod_auth_openidc accepted the Bearer token, and put the
# token's subject in REMOTE_USER and its claims in OIDC_CLAIM_* (string
# claims as they are; arrays joined with ",").
set -eu
esc() { printf '%s' "$1" | tr -d '\000-\037' | sed -e 's/[\\"]/\\&/g'; }
printf 'Status: 200 OK\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n\r\n'
printf '{"remote_user":"%s","auth_type":"%s","sub":"%s","client_id":"%s","scope":"%s","org":"%s","authorization_seen":%s}\n' \
	"$(esc "${REMOTE_USER:-}")" "$(esc "${AUTH_TYPE:-}")" \
	"$(esc "${OIDC_CLAIM_sub:-}")" "$(esc "${OIDC_CLAIM_client_id:-}")" \
	"$(esc "${OIDC_CLAIM_scope:-}")" "$(esc "${OIDC_CLAIM_org:-}")" \
	"$([ -n "${HTTP_AUTHORIZATION:-}" ] && echo true || echo false)"
