#!/usr/bin/env bash
# bench.sh: jwtmint's throughput and latency next to a baseline measured in
# the same run: the same nginx in front of the trivial libfcgi responder
# (build/fcgi-trivial), both with a new FastCGI connection per request
# (stock libfcgi serves one connection per process); jwtmint once more with
# kept connections (fastcgi_keep_conn on). Everything on 127.0.0.1, in a temp dir, torn down at
# the end. For each case: requests/s, p50/p99, non-2xx answers, worker RSS,
# database transactions per request (pg_stat_database), and the ratio to
# the baseline (or to client_credentials for refresh, to Argon2id for login).
#   POST /token client_credentials  ES256, HS256, RS256
#   GET  /api/accounts via /check   key only, key + ES256 user token
#   POST /introspect                an ES256 user token
#   POST /token refresh_token       chained rotations, one connection/thread
#   POST /token password            Argon2id-bound logins
#   DURATION=10 CONNS=32 THREADS=2 WORKERS=4 PIN=1 scripts/bench.sh
# QUICK=1 runs only ES256 client_credentials and the baseline, REPEAT=N
# times each, alternating, to compare the two under the same noise.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
DURATION=${DURATION:-10}
CONNS=${CONNS:-32}
THREADS=${THREADS:-2}
# Two workers per core, for jwtmint and the baseline alike: libfcgi waits
# for the web server to close each connection after the answer, so one
# worker per core leaves cores idle (docs/PERFORMANCE.md).
WORKERS=${WORKERS:-$((2 * $(nproc)))}
QUICK=${QUICK:-0}
# pin_workers for jwtmint, and the same round-robin pinning (taskset) for
# the baseline's workers: 1 (default) or 0. One row always runs the other way.
PIN=${PIN:-1}
REPEAT=${REPEAT:-1}
BIN=$ROOT/build
T=$(mktemp -d /tmp/jwtmint-bench.XXXXXX)
chmod 755 "$T"
PIDS=()

stop_trivial() {	# spawn-fcgi -P lists every child it forked
	[ -f "$T/trivial.pid" ] && xargs -r kill -TERM < "$T/trivial.pid" 2>/dev/null
	rm -f "$T/trivial.pid" "$T/trivial.sock"
}

cleanup() {
	bash "$ROOT/scripts/nginx.sh" stop "$T/nginx" >/dev/null 2>&1 || true
	for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	stop_trivial
	wait 2>/dev/null || true
	bash "$ROOT/scripts/pg.sh" stop "$T/pg" >/dev/null 2>&1 || true
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

bash "$ROOT/scripts/pg.sh" init "$T/pg" >/dev/null
bash "$ROOT/scripts/pg.sh" start "$T/pg" --fast >/dev/null
PGURL=$(bash "$ROOT/scripts/pg.sh" url "$T/pg")
# nginx takes any free port at each start (scripts/nginx.sh, PORT 0, retried
# on EADDRINUSE): start_nginx sets PORT. The issuer names no port: nothing
# here checks it against the one nginx got.
PORT=
head -c 32 /dev/urandom | base64 > "$T/kek"
head -c 32 /dev/urandom | base64 > "$T/pepper"
cat > "$T/jwtmint.conf" <<CONF
database_url = $PGURL
kek_file = $T/kek
pepper_file = $T/pepper
issuer = http://127.0.0.1
default_org = bench
CONF
ADMIN=("$BIN/jwtmint-admin" -c "$T/jwtmint.conf")
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

psql_q() { psql -X -A -t -q "$PGURL" -c "$1"; }
xacts() { psql_q "select xact_commit + xact_rollback from pg_stat_database where datname = 'jwtmint'"; }

# wrk → "rps p50_ms p99_ms non200"
run_wrk() {	# $1 = lua script or "", $2 = path [, $3 threads, $4 conns]
	local out args=(-t"${3:-$THREADS}" -c"${4:-$CONNS}" -d"${DURATION}s" --latency)
	[ -n "$1" ] && args+=(-s "$1")
	out=$(wrk "${args[@]}" "http://127.0.0.1:$PORT$2")
	echo "$out" > "$T/wrk.last"
	python3 - "$T/wrk.last" <<'PY'
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

start_nginx() {	# $1 = FastCGI socket, $2 = KEEP_CONN on|off; sets PORT
	KEEP_CONN=$2 bash "$ROOT/scripts/nginx.sh" conf "$T/nginx" 0 "unix:$1" >/dev/null
	bash "$ROOT/scripts/nginx.sh" start "$T/nginx" >/dev/null
	PORT=$(cat "$T/nginx/port")
}

start_jwtmint() {	# $1 = algorithm [, $2 = KEEP_CONN on|off [, $3 = pin 0|1]]
	JWTMINT_PIN_WORKERS=${3:-$PIN} JWTMINT_SIGNING_ALG=$1 "$BIN/jwtmint" -c "$T/jwtmint.conf" \
	    --listen "unix:$T/jwtmint.sock" --workers "$WORKERS" 2>"$T/jwtmint.log" &
	JPID=$!
	PIDS+=("$JPID")
	for _ in $(seq 1 100); do [ -S "$T/jwtmint.sock" ] && break; sleep 0.05; done
	start_nginx "$T/jwtmint.sock" "${2:-off}"
	# Warm up: every worker connects and prepares once.
	for _ in $(seq 1 20); do
		curl -s -o /dev/null -H "X-API-Key: $BENCH_KEY" \
		    -d grant_type=client_credentials "http://127.0.0.1:$PORT/token"
	done
}

stop_jwtmint() {
	bash "$ROOT/scripts/nginx.sh" stop "$T/nginx" >/dev/null
	kill -TERM "$JPID"; wait "$JPID" 2>/dev/null || true
}

worker_rss() {	# the largest worker RSS, KiB
	ps -o rss= --ppid "$JPID" | sort -n | tail -1 | tr -d ' '
}

printf '# jwtmint bench: %s cores, wrk -t%s -c%s -d%ss, %s workers, pinned %s, %s\n' \
    "$(nproc)" "$THREADS" "$CONNS" "$DURATION" "$WORKERS" "$PIN" "$(date -u +%FT%TZ)"
printf '%-40s %9s %8s %8s %8s %8s %9s\n' case "req/s" "p50 ms" "p99 ms" non-2xx "RSS KiB" "db tx/req"

declare -A RPS P99
row() {	# $1 label, $2 lua, $3 path [, threads, conns]
	local x0 x1 rps p50 p99 bad total rss
	x0=$(xacts)
	read -r rps p50 p99 bad total < <(run_wrk "$2" "$3" "${4:-}" "${5:-}")
	x1=$(xacts)
	rss=$(worker_rss)
	RPS[$1]=$rps
	P99[$1]+="$p99 "
	# The two psql calls that read the counter are one transaction each.
	printf '%-40s %9s %8s %8s %8s %8s %9.3f\n' "$1" "$rps" "$p50" "$p99" \
	    "$bad" "$rss" "$(python3 -c "print(max(0, $x1 - $x0 - 1) / max($total, 1))")"
}

token_for() {	# a user access token, or a refresh token with $1 = refresh
	curl -s -H "X-API-Key: $BENCH_KEY" -d grant_type=password -d username=bench \
	    -d "password=$BENCH_PASSWORD" "http://127.0.0.1:$PORT/token" |
	    python3 -c "import json,sys; print(json.load(sys.stdin)['${1:-access}_token'])"
}

baseline() {	# the same nginx in front of the trivial libfcgi responder
	local p50 p99 bad total
	spawn-fcgi -s "$T/trivial.sock" -M 0666 -F "$WORKERS" -P "$T/trivial.pid" -- "$BIN/fcgi-trivial" >/dev/null
	if [ "$PIN" = 1 ]; then	# as pin_workers does: worker i on CPU i mod n
		local i=0 p
		for p in $(cat "$T/trivial.pid"); do
			taskset -p -c $((i % $(nproc))) "$p" >/dev/null
			i=$((i + 1))
		done
	fi
	# Stock libfcgi serves one connection per process: no kept connections.
	start_nginx "$T/trivial.sock" off
	read -r base p50 p99 bad total < <(run_wrk "" /)
	P99[baseline]+="$p99 "
	printf '%-40s %9s %8s %8s %8s %8s %9s\n' "baseline: nginx + fcgi-trivial" "$base" "$p50" "$p99" "$bad" "-" "-"
	bash "$ROOT/scripts/nginx.sh" stop "$T/nginx" >/dev/null
	stop_trivial
}
ratio() { python3 -c "print('%-52s %.2f' % ('$1', $2))"; }

if [ "$QUICK" = 1 ]; then
	for i in $(seq 1 "$REPEAT"); do
		start_jwtmint ES256
		row "POST /token client_credentials ES256" "$ROOT/tests/bench/token.lua" /token
		stop_jwtmint
		start_jwtmint ES256 on
		row "  same, fastcgi_keep_conn on" "$ROOT/tests/bench/token.lua" /token
		stop_jwtmint
		start_jwtmint ES256 off $((1 - PIN))
		row "  same, pin_workers = $((1 - PIN))" "$ROOT/tests/bench/token.lua" /token
		stop_jwtmint
		baseline
		ratio "client_credentials ES256 / baseline (target >= 0.50)" \
		    "${RPS["POST /token client_credentials ES256"]} / $base"
	done
	# p99 over the runs: one run says little on a shared machine.
	echo
	for c in "POST /token client_credentials ES256" "  same, fastcgi_keep_conn on" \
	    "  same, pin_workers = $((1 - PIN))" baseline; do
		python3 - "$c" ${P99[$c]} <<'PY'
import statistics, sys
v = sorted(float(x) for x in sys.argv[2:])
print("p99 ms over %d runs, %-36s min %.2f median %.2f max %.2f; under 5 ms in %d"
      % (len(v), sys.argv[1].strip() + ":", v[0], statistics.median(v), v[-1],
         sum(x < 5 for x in v)))
PY
	done
	exit 0
fi

for alg in ES256 HS256 RS256; do
	start_jwtmint "$alg"
	row "POST /token client_credentials $alg" "$ROOT/tests/bench/token.lua" /token
	if [ $alg = ES256 ]; then
		export BENCH_TOKEN=
		row "GET /api/ping, /check: key" "$ROOT/tests/bench/check.lua" /api/ping
		BENCH_TOKEN=$(token_for access)
		row "GET /api/ping, /check: key+ES256" "$ROOT/tests/bench/check.lua" /api/ping
		row "POST /introspect ES256" "$ROOT/tests/bench/introspect.lua" /introspect
		RT=$(for i in $(seq 1 8); do token_for refresh; done | paste -sd, -)
		row "POST /token client_credentials (8 conns)" "$ROOT/tests/bench/token.lua" /token 8 8
		BENCH_REFRESH=$RT row "POST /token refresh_token (8 conns)" \
		    "$ROOT/tests/bench/refresh.lua" /token 8 8
		row "POST /token password (Argon2id)" "$ROOT/tests/bench/login.lua" /token 2 4
	fi
	stop_jwtmint
done
# The same with kept FastCGI connections (the baseline cannot keep them).
start_jwtmint ES256 on
row "  ES256, fastcgi_keep_conn on" "$ROOT/tests/bench/token.lua" /token
stop_jwtmint
start_jwtmint ES256 off $((1 - PIN))
row "  ES256, pin_workers = $((1 - PIN))" "$ROOT/tests/bench/token.lua" /token
stop_jwtmint

baseline
# Argon2id alone, one process per worker at once: the bound of logins.
# "returned": memory handed back after each hash, as the workers do.
argon=$( (for i in $(seq 1 "$WORKERS"); do "$BIN/argon2-rate" 3 returned & done; wait) |
    awk '{ s += $1 } END { printf "%.1f", s }')

echo
for alg in ES256 HS256 RS256; do
	ratio "client_credentials $alg / baseline (target >= 0.50)" "${RPS["POST /token client_credentials $alg"]} / $base"
done
ratio "client_credentials ES256, keep_conn on / baseline" "${RPS["  ES256, fastcgi_keep_conn on"]} / $base"
ratio "client_credentials ES256, pin_workers = $((1 - PIN)) / baseline" "${RPS["  ES256, pin_workers = $((1 - PIN))"]} / $base"
ratio "/check key / baseline" "${RPS["GET /api/ping, /check: key"]} / $base"
ratio "/check key+ES256 / baseline (target >= 0.60)" "${RPS["GET /api/ping, /check: key+ES256"]} / $base"
ratio "refresh / client_credentials, 8 conns (target >= 0.33)" \
    "${RPS["POST /token refresh_token (8 conns)"]} / ${RPS["POST /token client_credentials (8 conns)"]}"
echo "Argon2id verifications/s, $WORKERS processes at once, nothing else: $argon"
ratio "login / Argon2id bound (target >= 0.90)" \
    "${RPS["POST /token password (Argon2id)"]} / $argon"
