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
#   POST /admin/keys, GET /admin/keys  admin API: key creation, a page of 50
#   DURATION=10 CONNS=32 THREADS=2 WORKERS=4 PIN=1 scripts/bench.sh
# QUICK=1 runs only ES256 client_credentials and the baseline, REPEAT=N
# times each, alternating, to compare the two under the same noise.
# The cost of the instrumentation (issue 12: metrics, usage counting): the
# token (ES256) and /check (key + ES256 token) cases with it on and off,
# alternating, OBS_REPEAT=N times (default 2), and the ratio on / off of
# their summed rates (target >= 0.97). OBS=1 runs only those.
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
# shellcheck source=SCRIPTDIR/stack-lib.sh
. "$ROOT/scripts/stack-lib.sh"
stack_init bench

stop_trivial() {	# spawn-fcgi -P lists every child it forked
	[ -f "$T/trivial.pid" ] && xargs -r kill -TERM < "$T/trivial.pid" 2>/dev/null
	rm -f "$T/trivial.pid" "$T/trivial.sock"
}

cleanup() {
	stop_trivial
	stack_cleanup
}
trap cleanup EXIT INT TERM

stack_db
stack_conf
stack_seed
# The admin API's cases: a key with the admin scope in the bench organization.
BENCH_ADMIN_KEY=$("${ADMIN[@]}" key create --name bench-admin --scopes "admin read:accounts" --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
export BENCH_ADMIN_KEY

xacts() { psql_q "select xact_commit + xact_rollback from pg_stat_database where datname = 'jwtmint'"; }

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
	read -r rps p50 p99 bad total < <(run_wrk "$2" "$3" "${4:-$THREADS}" "${5:-$CONNS}" "$DURATION")
	x1=$(xacts)
	rss=$(worker_rss)
	RPS[$1]=$rps
	P99[$1]+="$p99 "
	# The two psql calls that read the counter are one transaction each.
	printf '%-40s %9s %8s %8s %8s %8s %9.3f\n' "$1" "$rps" "$p50" "$p99" \
	    "$bad" "$rss" "$(python3 -c "print(max(0, $x1 - $x0 - 1) / max($total, 1))")"
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
	stack_nginx "$T/trivial.sock" off
	read -r base p50 p99 bad total < <(run_wrk "" / "$THREADS" "$CONNS" "$DURATION")
	P99[baseline]+="$p99 "
	printf '%-40s %9s %8s %8s %8s %8s %9s\n' "baseline: nginx + fcgi-trivial" "$base" "$p50" "$p99" "$bad" "-" "-"
	bash "$ROOT/scripts/nginx.sh" stop "$T/nginx" >/dev/null
	stop_trivial
}
ratio() { python3 -c "print('%-52s %.2f' % ('$1', $2))"; }

# The instrumentation of issue 12 on (1) or off (0): every switch of it.
obs_start() {	# $1 = 1|0
	JWTMINT_METRICS=$1 JWTMINT_USAGE=$1 stack_start ES256
}

declare -A OBS_RPS
obs_cases() {
	local i v
	for i in $(seq 1 "${OBS_REPEAT:-2}"); do
		for v in 1 0; do
			obs_start "$v"
			export BENCH_TOKEN=
			row "POST /token ES256, instrumentation $v" \
			    "$ROOT/tests/bench/token.lua" /token
			OBS_RPS[token$v]=$(python3 -c "print(${OBS_RPS[token$v]:-0} + ${RPS["POST /token ES256, instrumentation $v"]})")
			BENCH_TOKEN=$(token_for access)
			row "GET /api/ping, /check key+ES256, instr. $v" \
			    "$ROOT/tests/bench/check.lua" /api/ping
			OBS_RPS[check$v]=$(python3 -c "print(${OBS_RPS[check$v]:-0} + ${RPS["GET /api/ping, /check key+ES256, instr. $v"]})")
			export BENCH_TOKEN=
			stack_stop
		done
	done
}

obs_ratios() {
	ratio "token, instrumentation on / off (target >= 0.97)" "${OBS_RPS[token1]} / ${OBS_RPS[token0]}"
	ratio "/check, instrumentation on / off (target >= 0.97)" "${OBS_RPS[check1]} / ${OBS_RPS[check0]}"
}

if [ "${OBS:-0}" = 1 ]; then
	obs_cases
	echo
	obs_ratios
	exit 0
fi

if [ "$QUICK" = 1 ]; then
	for i in $(seq 1 "$REPEAT"); do
		stack_start ES256
		row "POST /token client_credentials ES256" "$ROOT/tests/bench/token.lua" /token
		stack_stop
		stack_start ES256 on
		row "  same, fastcgi_keep_conn on" "$ROOT/tests/bench/token.lua" /token
		stack_stop
		stack_start ES256 off $((1 - PIN))
		row "  same, pin_workers = $((1 - PIN))" "$ROOT/tests/bench/token.lua" /token
		stack_stop
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
	stack_start "$alg"
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
		row "POST /admin/keys (create)" "$ROOT/tests/bench/admin_create.lua" /admin/keys
		row "GET /admin/keys?limit=50 (list)" "$ROOT/tests/bench/admin_list.lua" \
		    "/admin/keys?limit=50"
	fi
	stack_stop
done
obs_cases
# The same with kept FastCGI connections (the baseline cannot keep them).
stack_start ES256 on
row "  ES256, fastcgi_keep_conn on" "$ROOT/tests/bench/token.lua" /token
stack_stop
stack_start ES256 off $((1 - PIN))
row "  ES256, pin_workers = $((1 - PIN))" "$ROOT/tests/bench/token.lua" /token
stack_stop

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
ratio "admin key create / baseline" "${RPS["POST /admin/keys (create)"]} / $base"
ratio "admin key list, 50 a page / baseline" "${RPS["GET /admin/keys?limit=50 (list)"]} / $base"
obs_ratios
echo "Argon2id verifications/s, $WORKERS processes at once, nothing else: $argon"
ratio "login / Argon2id bound (target >= 0.90)" \
    "${RPS["POST /token password (Argon2id)"]} / $argon"
