# shellcheck shell=bash
# stack-lib.sh: the throwaway stack that scripts/bench.sh and
# scripts/soak.sh measure: a private PostgreSQL (fsync off), jwtmint
# pre-forked on a unix socket and nginx on a free loopback port, all in one
# temp dir, torn down by stack_cleanup. Each script sources this file with
# ROOT set, then calls, in order:
#
#   stack_init NAME      T=$(mktemp -d /tmp/jwtmint-NAME.XXXXXX); BIN
#   stack_db             start PostgreSQL in $T/pg; PGURL (PORT: set by stack_nginx)
#   stack_conf [LINE...] write $T/jwtmint.conf (extra "key = value" lines)
#   stack_seed           migrate; organization "bench"; one signing key of
#                        each algorithm; BENCH_KEY (exported: read:accounts
#                        write:settings introspect; client_credentials,
#                        password, refresh_token), BENCH_PASSWORD and user
#                        "bench" (limited, account acct_1)
#   stack_start ALG [KEEP_CONN [PIN]]   jwtmint (JPID, log $T/jwtmint.log)
#                        and nginx in front, then a warm-up
#   stack_stop           nginx and jwtmint
#
# and has ADMIN (jwtmint-admin with the configuration), psql_q SQL,
# free_port, token_for [refresh] (a password login of "bench": the access
# or the refresh token) and run_wrk. WORKERS and PIN are read by
# stack_start; PIDS holds what stack_cleanup stops (TERM, by pid).

WORKERS=${WORKERS:-$((2 * $(nproc)))}
PIN=${PIN:-1}
PIDS=()

stack_init() {
	BIN=$ROOT/build
	T=$(mktemp -d "/tmp/jwtmint-$1.XXXXXX")
	chmod 755 "$T"
}

stack_cleanup() {
	bash "$ROOT/scripts/nginx.sh" stop "$T/nginx" >/dev/null 2>&1 || true
	for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	bash "$ROOT/scripts/pg.sh" stop "$T/pg" >/dev/null 2>&1 || true
	rm -rf "$T"
}

stack_db() {
	bash "$ROOT/scripts/pg.sh" init "$T/pg" >/dev/null
	bash "$ROOT/scripts/pg.sh" start "$T/pg" --fast >/dev/null
	PGURL=$(bash "$ROOT/scripts/pg.sh" url "$T/pg")
	# nginx takes any free port at each start (scripts/nginx.sh, PORT 0,
	# retried on EADDRINUSE): stack_nginx sets PORT. The issuer names no
	# port: nothing here checks it against the one nginx got.
	PORT=
}

stack_conf() {
	local line
	head -c 32 /dev/urandom | base64 > "$T/kek"
	head -c 32 /dev/urandom | base64 > "$T/pepper"
	cat > "$T/jwtmint.conf" <<CONF
database_url = $PGURL
kek_file = $T/kek
pepper_file = $T/pepper
issuer = http://127.0.0.1
default_org = bench
CONF
	for line in "$@"; do echo "$line" >> "$T/jwtmint.conf"; done
	ADMIN=("$BIN/jwtmint-admin" -c "$T/jwtmint.conf")
}

stack_seed() {
	"${ADMIN[@]}" migrate >/dev/null
	"${ADMIN[@]}" org create --slug bench --name Bench >/dev/null
	"${ADMIN[@]}" signing-key create --alg ES256 >/dev/null
	"${ADMIN[@]}" signing-key create --alg RS256 >/dev/null
	"${ADMIN[@]}" signing-key create --alg HS256 >/dev/null
	BENCH_KEY=$("${ADMIN[@]}" key create --name bench --scopes "read:accounts write:settings introspect" \
	    --grants client_credentials,password,refresh_token --json |
	    python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
	export BENCH_KEY
	export BENCH_PASSWORD=bench-password-1
	echo "$BENCH_PASSWORD" | "${ADMIN[@]}" user create --username bench --role limited \
	    --accounts "acct_1" >/dev/null
}

psql_q() { psql -X -A -t -q "$PGURL" -c "$1"; }

stack_nginx() {	# $1 = FastCGI socket, $2 = KEEP_CONN on|off; sets PORT
	KEEP_CONN=$2 bash "$ROOT/scripts/nginx.sh" conf "$T/nginx" 0 "unix:$1" >/dev/null
	bash "$ROOT/scripts/nginx.sh" start "$T/nginx" >/dev/null
	PORT=$(cat "$T/nginx/port")
}

stack_start() {	# $1 = algorithm [, $2 = KEEP_CONN on|off [, $3 = pin 0|1]]
	JWTMINT_PIN_WORKERS=${3:-$PIN} JWTMINT_SIGNING_ALG=$1 "$BIN/jwtmint" -c "$T/jwtmint.conf" \
	    --listen "unix:$T/jwtmint.sock" --workers "$WORKERS" 2>"$T/jwtmint.log" &
	JPID=$!
	PIDS+=("$JPID")
	for _ in $(seq 1 100); do [ -S "$T/jwtmint.sock" ] && break; sleep 0.05; done
	stack_nginx "$T/jwtmint.sock" "${2:-off}"
	# Warm up: every worker connects and prepares once.
	for _ in $(seq 1 20); do
		curl -s -o /dev/null -H "X-API-Key: $BENCH_KEY" \
		    -d grant_type=client_credentials "http://127.0.0.1:$PORT/token"
	done
}

stack_stop() {
	bash "$ROOT/scripts/nginx.sh" stop "$T/nginx" >/dev/null
	kill -TERM "$JPID"; wait "$JPID" 2>/dev/null || true
}

token_for() {	# a user access token, or a refresh token with $1 = refresh
	curl -s -H "X-API-Key: $BENCH_KEY" -d grant_type=password -d username=bench \
	    -d "password=$BENCH_PASSWORD" "http://127.0.0.1:$PORT/token" |
	    python3 -c "import json,sys; print(json.load(sys.stdin)['${1:-access}_token'])"
}

# wrk → "rps p50_ms p99_ms non2xx total"; its whole output in $T/wrk.last
# (or $T/$WRK_OUT when set).
run_wrk() {	# $1 = lua script or "", $2 = path, $3 threads, $4 conns, $5 seconds
	local out args=(-t"$3" -c"$4" -d"$5s" --latency) f=$T/${WRK_OUT:-wrk.last}
	[ -n "$1" ] && args+=(-s "$1")
	out=$(wrk "${args[@]}" "http://127.0.0.1:$PORT$2")
	echo "$out" > "$f"
	wrk_summary "$f"
}

wrk_summary() {	# $1 = a file of wrk's output → "rps p50_ms p99_ms non2xx total"
	python3 - "$1" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
def ms(label):
    m = re.search(r'^\s+%s\s+([\d.]+)(us|ms|s)' % label, t, re.M)
    if not m: return float('nan')
    v = float(m.group(1)); u = m.group(2)
    return v / 1000 if u == 'us' else v * 1000 if u == 's' else v
rps = float(re.search(r'Requests/sec:\s+([\d.]+)', t).group(1))
bad = re.search(r'Non-2xx or 3xx responses:\s+(\d+)', t)
bad = int(bad.group(1)) if bad else 0
total = int(re.search(r'(\d+) requests in', t).group(1))
print("%.0f %.2f %.2f %d %d" % (rps, ms('50%'), ms('99%'), bad, total))
PY
}
