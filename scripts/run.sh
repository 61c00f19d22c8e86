#!/usr/bin/env bash
# run.sh: the local stack of `make run`, in the foreground.
#   PostgreSQL: a private cluster in var/pg (or $JWTMINT_DATABASE_URL: give
#               that database's secrets too, JWTMINT_KEK and JWTMINT_PEPPER,
#               else var/secrets' are not the ones it knows and jwtmint
#               refuses to start, saying which: docs/OPERATIONS.md), with
#               an owner role that migrates and the run-time role jwtmint
#               runs as (scripts/pg.sh)
#   jwtmint:    --listen unix:var/run/jwtmint.sock with 2 workers
#   nginx:      http://127.0.0.1:$PORT (default 8080), and the platform
#               listener (/platform/) on http://127.0.0.1:$ADMIN_PORT
#               (default 8081), its credential in var/secrets/platform
# WEB=lighttpd or WEB=apache puts that server in front instead of nginx
# (scripts/lighttpd.sh, scripts/apache.sh; docs/GATE.md). Apache's gate
# (mod_authnz_fcgi) speaks FastCGI over TCP only: a second jwtmint serves it
# on a free loopback port (it binds port 0 and names the port in its log,
# var/run/gate.log).
# nginx and lighttpd start before anything is made in the database: a port
# taken meanwhile by another program fails the run before a first run's
# demo key exists (a key made and never shown would be lost).
# Ctrl-C stops all of it; var/ keeps the data for the next run.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
VAR=$ROOT/var
PORT=${PORT:-8080}
ADMIN_PORT=${ADMIN_PORT:-8081}
PSOCK=$VAR/run/platform.sock
WEB=${WEB:-nginx}
WORKERS=${WORKERS:-$((2 * $(nproc)))}
BIN=$ROOT/build
CONF=$VAR/jwtmint.conf
SOCK=$VAR/run/jwtmint.sock
ADMIN=("$BIN/jwtmint-admin" -c "$CONF")

say() { printf '\033[1mrun:\033[0m %s\n' "$*"; }
die() { printf 'run: %s\n' "$*" >&2; exit 1; }

case "$PORT" in ''|*[!0-9]*) die "PORT must be a number" ;; esac
[ "$PORT" -ge 1 ] && [ "$PORT" -le 65535 ] || die "PORT must be 1 to 65535"
case "$WEB" in
nginx|lighttpd|apache) ;;
*) die "WEB must be nginx, lighttpd or apache" ;;
esac
case "$ADMIN_PORT" in ''|*[!0-9]*) die "ADMIN_PORT must be a number" ;; esac
[ "$ADMIN_PORT" -ge 1 ] && [ "$ADMIN_PORT" -le 65535 ] ||
	die "ADMIN_PORT must be 1 to 65535"
[ "$ADMIN_PORT" != "$PORT" ] || die "ADMIN_PORT must differ from PORT"
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
	die "127.0.0.1:$PORT is in use: try make run PORT=9090"
fi
if [ "$WEB" = nginx ] && (exec 3<>"/dev/tcp/127.0.0.1/$ADMIN_PORT") 2>/dev/null; then
	die "127.0.0.1:$ADMIN_PORT is in use: try make run ADMIN_PORT=9091"
fi

mkdir -p "$VAR/run" "$VAR/secrets" "$VAR/$WEB"
chmod 755 "$VAR" "$VAR/run"
chmod 700 "$VAR/secrets"

pids=()
own_pg=0
cleanup() {
	trap - INT TERM EXIT
	say "stopping"
	bash "$ROOT/scripts/$WEB.sh" stop "$VAR/$WEB" >/dev/null 2>&1 || true
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	if [ $own_pg = 1 ]; then
		bash "$ROOT/scripts/pg.sh" stop "$VAR/pg" >/dev/null 2>&1 || true
	fi
	say "stopped; data kept in var/"
}
trap cleanup INT TERM EXIT

# Database: the given one, or the private cluster.
if [ -n "${JWTMINT_DATABASE_URL:-}" ]; then
	say "database: JWTMINT_DATABASE_URL"
	dburl_line=""
else
	bash "$ROOT/scripts/pg.sh" init "$VAR/pg" >/dev/null
	bash "$ROOT/scripts/pg.sh" start "$VAR/pg" >/dev/null
	own_pg=1
	# Two roles (docs/OPERATIONS.md, "Database roles"): migrate runs as
	# the owner; jwtmint and jwtmint-admin as the run-time role, which
	# can only append to the audit trail.
	dburl_line="database_url = $(bash "$ROOT/scripts/pg.sh" url "$VAR/pg" app)
database_migrate_url = $(bash "$ROOT/scripts/pg.sh" url "$VAR/pg" owner)"
	say "database: private cluster in var/pg (log: var/pg/postgres.log)"
fi

# Secrets, made once: 32 random bytes each, readable by the owner only
# (the platform credential: 32 bytes as 43 base64url characters).
for s in kek pepper; do
	if [ ! -s "$VAR/secrets/$s" ]; then
		(umask 077 && head -c 32 /dev/urandom | base64 > "$VAR/secrets/$s")
	fi
done
if [ ! -s "$VAR/secrets/platform" ]; then
	(umask 077 && head -c 32 /dev/urandom | base64 | tr '+/' '-_' |
	    tr -d '=\n' > "$VAR/secrets/platform" && echo >> "$VAR/secrets/platform")
fi

cat > "$CONF" <<CONF
# Written by scripts/run.sh for the local stack; see conf/jwtmint.conf.
$dburl_line
kek_file = $VAR/secrets/kek
pepper_file = $VAR/secrets/pepper
platform_listen = unix:$PSOCK
platform_credential_file = $VAR/secrets/platform
issuer = http://127.0.0.1:$PORT
audiences = jwtmint
default_org = demo
scopes_supported = read:accounts write:settings admin
CONF

"${ADMIN[@]}" migrate | sed 's/^/run: migrate: /'

# nginx or lighttpd in front of the socket jwtmint will listen on.
start_web() {
	bash "$ROOT/scripts/$WEB.sh" conf "$VAR/$WEB" "$PORT" "$@" >/dev/null
	bash "$ROOT/scripts/$WEB.sh" start "$VAR/$WEB" >/dev/null
}
case "$WEB" in
nginx) PLATFORM_PORT=$ADMIN_PORT PLATFORM_FCGI=unix:$PSOCK start_web "unix:$SOCK" ;;
lighttpd) start_web "unix:$SOCK" ;;
esac

first=0
if ! "${ADMIN[@]}" org list --json | grep -q '"slug": "demo"'; then
	first=1
	"${ADMIN[@]}" org create --slug demo --name "Demo organization" >/dev/null
	"${ADMIN[@]}" signing-key create --alg ES256 >/dev/null
	demo_key=$("${ADMIN[@]}" key create --name demo --env test \
	    --scopes "read:accounts write:settings" --json |
	    sed -n 's/^  "key": "\(.*\)",$/\1/p')
	# An administrator to sign in to the portal with, its password shown
	# once below like the demo key.
	demo_pw=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
	printf '%s\n' "$demo_pw" | "${ADMIN[@]}" user create --username admin \
	    --role admin --org demo >/dev/null
fi

"$BIN/jwtmint" -c "$CONF" --listen "unix:$SOCK" --workers "$WORKERS" &
pids+=($!)
for _ in $(seq 1 100); do [ -S "$SOCK" ] && break; sleep 0.05; done
[ -S "$SOCK" ] || die "jwtmint did not start"

if [ "$WEB" = apache ]; then
	# Port 0: jwtmint binds a free port and names it in its first line.
	: >"$VAR/run/gate.log"
	"$BIN/jwtmint" -c "$CONF" --listen "127.0.0.1:0" --workers "$WORKERS" \
	    2> >(tee -a "$VAR/run/gate.log" >&2) &
	pids+=($!)
	gate=""
	for _ in $(seq 1 100); do
		gate=$(sed -n 's/^jwtmint\[[0-9]*\]: listening on \(127\.0\.0\.1:[0-9]*\) with .*/\1/p' \
		    "$VAR/run/gate.log" | head -1)
		[ -n "$gate" ] && break
		sleep 0.05
	done
	[ -n "$gate" ] || die "jwtmint (gate) did not start (var/run/gate.log)"
	say "gate: a second jwtmint on $gate for mod_authnz_fcgi"
	start_web "unix:$SOCK" "$gate"
fi

behind=""
[ "$WEB" = nginx ] || behind=" behind $WEB"
say "jwtmint is up on http://127.0.0.1:$PORT$behind (Ctrl-C stops it)"
if [ $first = 1 ]; then
	cat <<MSG

  A demo API key was created in organization "demo". It is shown only now:

    $demo_key

  Try it:

    curl -s http://127.0.0.1:$PORT/token -H 'X-API-Key: $demo_key' \\
      -d grant_type=client_credentials -d scope=read:accounts

  The portal (keys, users, audit trail) of organization "demo":

    http://127.0.0.1:$PORT/portal/demo/

  Sign in as user "admin" with the password $demo_pw (shown only now;
  build/jwtmint-admin user passwd admin --org demo sets another).

MSG
else
	cat <<MSG

  Make an API key:  build/jwtmint-admin key create --name app --scopes "read:accounts"
  Then:             curl -s http://127.0.0.1:$PORT/token -H "X-API-Key: <key>" -d grant_type=client_credentials

MSG
fi
say "endpoints: /token /.well-known/jwks.json /.well-known/oauth-authorization-server /healthz /admin/"
say "portal of organization demo: http://127.0.0.1:$PORT/portal/demo/"
if [ "$WEB" = nginx ]; then
	say "platform (admin) address: http://127.0.0.1:$ADMIN_PORT/platform/ (credential: Authorization: Bearer \$(cat var/secrets/platform))"
else
	say "platform listener: FastCGI on unix:$PSOCK (only nginx gets a server block for it under make run)"
fi
say "logs: jwtmint below; $WEB in var/$WEB/error.log"
wait "${pids[0]}"
