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
#   POST /token refresh_token       chained rotations, one connection/thread: a key's, a public client's
#   POST /token password            Argon2id-bound logins
#   POST /token authorization_code  a public client's code exchanges (PKCE)
#   GET+POST /authorize             logins through the hosted login page
#   POST /admin/keys, GET /admin/keys  admin API: key creation, a page of 50
#   DURATION=10 CONNS=32 THREADS=2 WORKERS=4 PIN=1 scripts/bench.sh
# QUICK=1 runs only ES256 client_credentials and the baseline, REPEAT=N
# times each, alternating, to compare the two under the same noise.
# The cost of the instrumentation (issue 12: metrics, usage counting): the
# token (ES256) and /check (key + ES256 token) cases with it on and off,
# alternating (on off, then off on, ...), OBS_REPEAT=N times (default 2),
# the ratio on / off of their summed rates (target >= 0.97), jwtmint's
# CPU time per request either way (off / on), and, which no noise moves,
# a worker's instructions per token request either way (valgrind).
# OBS=1 runs only those.
# Issue 13: code exchanges next to client_credentials in the same stack
# (target >= 1/3) and logins through the login page against the Argon2id
# bound (target >= 0.9). LOGIN=1 runs only those, the client_credentials
# row, a public client's refresh rotations and the bound (LOGIN_REPEAT=N:
# N times in turn, the ratios of the sums), and pg_cost.
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
# Every login of the bench comes from 127.0.0.1: the login page's bound per
# address (120 a minute by default) would answer 429 from the second
# repeat of the login row on.
stack_conf "login_page_rate_per_min = 1000000"
stack_seed
# The admin API's cases: a key with the admin scope in the bench organization.
BENCH_ADMIN_KEY=$("${ADMIN[@]}" key create --name bench-admin --scopes "admin read:accounts" --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
export BENCH_ADMIN_KEY
# The login cases: a public application (spa) of the bench organization, the
# user "bench", one PKCE pair for every code.
export BENCH_REDIRECT=https://bench.example/cb
BENCH_APP=$("${ADMIN[@]}" app create --org bench --name bench-spa --type spa \
    --redirect-uri "$BENCH_REDIRECT" --scopes read:accounts --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["client_id"])')
BENCH_USER_ID=$(psql_q "select id from users where username = 'bench'")
BENCH_ORG_ID=$(psql_q "select id from orgs where slug = 'bench'")
BENCH_VERIFIER=$(head -c 32 /dev/urandom | basenc --base64url | tr -d '=\n')
BENCH_CHALLENGE=$(printf %s "$BENCH_VERIFIER" | openssl dgst -sha256 -binary |
    basenc --base64url | tr -d '=\n')
BENCH_REDIRECT_Q=$(python3 -c 'import sys, urllib.parse as u; print(u.quote(sys.argv[1], safe=""))' "$BENCH_REDIRECT")
BENCH_AUTHORIZE="/authorize?response_type=code&client_id=$BENCH_APP&redirect_uri=$BENCH_REDIRECT_Q"
BENCH_AUTHORIZE+="&code_challenge=$BENCH_CHALLENGE&code_challenge_method=S256&scope=read%3Aaccounts&state=bench"
export BENCH_APP BENCH_VERIFIER BENCH_REDIRECT_Q BENCH_AUTHORIZE

xacts() { psql_q "select xact_commit + xact_rollback from pg_stat_database where datname = 'jwtmint'"; }

worker_rss() {	# the largest worker RSS, KiB
	ps -o rss= --ppid "$JPID" | sort -n | tail -1 | tr -d ' '
}

printf '# jwtmint bench: %s cores, wrk -t%s -c%s -d%ss, %s workers, pinned %s, %s\n' \
    "$(nproc)" "$THREADS" "$CONNS" "$DURATION" "$WORKERS" "$PIN" "$(date -u +%FT%TZ)"
printf '%-40s %9s %8s %8s %8s %8s %9s\n' case "req/s" "p50 ms" "p99 ms" non-2xx "RSS KiB" "db tx/req"

declare -A RPS P99 PGC
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

# $1 codes for the code exchange row, written as authcode_create writes them
# (src/authcode.c: code_hash = SHA-256 of the code's text, with the refresh
# family its exchange hands over and that family's first refresh token, the
# token's bits masked by HMAC-SHA-256(pepper, label || code), src/refresh.h,
# under the stack's pepper, id 1, and the claims of sql/019_code_claims.sql):
# Python makes the rows, one statement writes them; their text in $T/codes: base64url of 32 random bytes (43
# characters). They live 15 minutes (the server gives its own 60 s): the
# exchange costs the same. $2 = pgc: the codes are "pgc<c>_<k>" for row
# 4k + c instead (pg_cost's pgbench clients c = 0..3), nothing written to
# $T/codes.
codes_insert() {
	python3 - "$1" "${2:-wrk}" "$T/pepper" > "$T/codes.tsv" <<'PY'
import base64, hashlib, hmac, os, sys
n, kind, pepper = int(sys.argv[1]), sys.argv[2], base64.b64decode(open(sys.argv[3]).read())
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
salt = os.urandom(6).hex()
out = sys.stdout
for i in range(n):
    code = "pgc%d_%d" % (i % 4, i // 4) if kind == "pgc" else b64(os.urandom(32))
    bits = os.urandom(32)
    pad = hmac.new(pepper, b"jwtmint refresh mask:" + code.encode(), hashlib.sha256).digest()
    out.write("%s\t%s\tfam_%s_%d\t%s\t%s\n" % (code, hashlib.sha256(code.encode()).hexdigest(),
              salt, i, hashlib.sha256(("jmr_" + b64(bits)).encode()).hexdigest(),
              bytes(a ^ b for a, b in zip(bits, pad)).hex()))
PY
	cat > "$T/codes.sql" <<'SQL'
create temp table c (code text, hash text, fam text, tok text, mask text);
\copy c from pstdin
with fam as (
	insert into refresh_families (id, org_id, user_id, client_id,
	    absolute_expires_at, generation)
	select fam, :'org', :'usr', :'app', now() + interval '30 days',
	    (select generation from users where id = :'usr') from c
), tok as (
	insert into refresh_tokens (digest, family_id, scope, idle_expires_at)
	select decode(tok, 'hex'), fam, 'read:accounts', now() + interval '1 day'
	from c
)
insert into auth_codes (code_hash, org_id, client_id, user_id, redirect_uri,
    code_challenge, scope, expires_at, family_id, refresh_mask, refresh_pepper,
    claim_role, claim_accounts, claim_generation, app_type, key_id)
select decode(hash, 'hex'), :'org', :'app', :'usr', :'uri', :'ch',
    'read:accounts', now() + interval '15 minutes', fam, decode(mask, 'hex'), 1,
    u.role, case when r.all_accounts then '*' else u.accounts end, u.generation,
    a.type, a.key_id
from c, users u join roles r on r.org_id = u.org_id and r.name = u.role, apps a
where u.id = :'usr' and a.client_id = :'app';
analyze auth_codes;
analyze refresh_families;
SQL
	psql -X -q -v ON_ERROR_STOP=1 -v org="$BENCH_ORG_ID" -v app="$BENCH_APP" \
	    -v usr="$BENCH_USER_ID" -v uri="$BENCH_REDIRECT" -v ch="$BENCH_CHALLENGE" \
	    -f "$T/codes.sql" "$PGURL" < "$T/codes.tsv"
	[ "${2:-wrk}" = pgc ] || cut -f1 "$T/codes.tsv" > "$T/codes"
	rm -f "$T/codes.tsv"
}

# Code exchanges, with THREADS threads and CONNS connections like the
# client_credentials row. CODES (default DURATION x 20000) codes.
code_row() {
	local n=${CODES:-$((DURATION * 20000))} total
	codes_insert "$n"
	BENCH_CODES=$T/codes BENCH_THREADS=$THREADS \
	    row "POST /token authorization_code" "$ROOT/tests/bench/code.lua" /token
	read -r _ _ _ _ total < <(wrk_summary "$T/wrk.last")
	[ "$total" -le "$n" ] ||
	    echo "WARNING: $total exchanges for $n codes: reused codes were refused; raise CODES" >&2
}

# Refresh-token rotations by a public client (client_id, no key: its
# application from the worker's appcache), 8 chains as the key's refresh
# row, each started by a code exchange.
public_refresh_row() {
	local c rt=()
	codes_insert 8
	while read -r c; do
		rt+=("$(curl -s -d grant_type=authorization_code -d "client_id=$BENCH_APP" \
		    --data-urlencode "redirect_uri=$BENCH_REDIRECT" -d "code_verifier=$BENCH_VERIFIER" \
		    -d "code=$c" "http://127.0.0.1:$PORT/token" |
		    python3 -c "import json,sys; print(json.load(sys.stdin)['refresh_token'])")")
	done < "$T/codes"
	BENCH_REFRESH=$(IFS=,; echo "${rt[*]}") BENCH_REFRESH_CLIENT=$BENCH_APP \
	    row "POST /token refresh, public (8 conns)" "$ROOT/tests/bench/refresh.lua" /token 8 8
}

# Logins through the login page: GET /authorize, POST the form, 302 with a
# code; WORKERS threads, one connection each (tests/bench/authorize.lua).
# Its rate is logins/s (each two requests); failures: any login that did not
# end in a 302 with a code (by status), or wrk's socket errors.
login_row() {	# [$1 label]
	local x0 x1 rps p50 p99 total n bad secs line label=${1:-"GET+POST /authorize (logins/s)"}
	# The database at rest first: the code rows before wrote and consumed
	# a hundred thousand codes (with their families and tokens), which
	# leaves autovacuum and a checkpoint due; either, run during these few
	# dozen logins, takes a core from Argon2id, which the bound, measured
	# at rest, does not pay.
	psql_q "vacuum analyze auth_codes, refresh_families, refresh_tokens" >/dev/null
	psql_q "checkpoint" >/dev/null
	# Backends report to pg_stat_database at most once a second: the
	# previous row's last second, thousands of transactions, would land
	# in this row's few dozen logins. Wait for it, and for this row's own.
	sleep 1.1
	x0=$(xacts)
	read -r rps p50 p99 _ total < <(run_wrk "$ROOT/tests/bench/authorize.lua" /authorize \
	    "$WORKERS" "$WORKERS" "$DURATION")
	sleep 1.1
	x1=$(xacts)
	line=$(grep '^LOGINS ' "$T/wrk.last")
	read -r _ n _ bad _ secs _ <<< "$line"
	if grep -q 'Socket errors' "$T/wrk.last"; then
		grep 'Socket errors' "$T/wrk.last" >&2
		bad=$((bad + 1))
	fi
	[ "$bad" = 0 ] || echo "WARNING: failed logins: $line" >&2
	RPS[$label]=$(python3 -c "print('%.1f' % ($n / $secs))")
	printf '%-40s %9s %8s %8s %8s %8s %9.3f\n' "$label" "${RPS[$label]}" "$p50" "$p99" \
	    "$bad" "$(worker_rss)" "$(python3 -c "print(max(0, $x1 - $x0 - 1) / max($n, 1))")"
}

# Argon2id alone, one process per worker at once: the bound of logins.
# "returned": memory handed back after each hash, as the workers do.
argon2_bound() {
	argon=$( (for i in $(seq 1 "$WORKERS"); do "$BIN/argon2-rate" 3 returned & done; wait) |
	    awk '{ s += $1 } END { printf "%.1f", s }')
}

# The login page's own cost: the login row again with Argon2id made
# negligible (256 KiB, one pass: the server started with those parameters
# and a user hashed with them, so that nothing is rehashed), which leaves
# the page, the form, the session, the code, their statements, nginx and
# wrk. cores / that rate is what a login costs beyond its one Argon2id run;
# with the cost of one run (cores / the bound), the most the login row can
# reach against the bound: 1 / (1 + own / Argon2id). A figure of the
# machine's CPU, which the host's noise moves far less than the login row.
# Stops the running stack, leaves none.
login_overhead() {
	stack_stop
	JWTMINT_ARGON2_M_KIB=256 JWTMINT_ARGON2_T=1 stack_start ES256
	echo bench-cheap-password-1 | JWTMINT_ARGON2_M_KIB=256 JWTMINT_ARGON2_T=1 \
	    "${ADMIN[@]}" user create --username bench-cheap --role limited --accounts acct_1 >/dev/null
	BENCH_USERNAME=bench-cheap BENCH_PASSWORD=bench-cheap-password-1 \
	    login_row "  the same, Argon2id 256 KiB, 1 pass"
	stack_stop
}

# What PostgreSQL alone spends on a code exchange, next to its floor, with
# pgbench (-M prepared, 4 clients like the 4 workers, the whole machine;
# its own CPU is a few µs): the machine's CPU per statement (cores / rate)
# for "select 1", for the least a single-use code needs (one row, consumed
# by its key), and for authcode_redeem as src/stmt.c has it, each on codes
# of its own (written as codes_insert writes them). The code's digest, which
# the worker computes, is an SQL expression here: about a µs. pgbench keeps :n per
# client, so client c consumes codes c_0, c_1, ... of this run's slice.
pg_cost() {
	local pgbench n=$((DURATION * 12000)) off=0 f label tps
	pgbench="$(pg_config --bindir)/pgbench"
	[ -x "$pgbench" ] || { echo "pg_cost: no pgbench, skipped"; return 0; }
	codes_insert $((3 * n)) pgc
	python3 - "$ROOT/src/stmt.c" "$T" "$BENCH_ORG_ID" "$BENCH_APP" \
	    "$BENCH_REDIRECT" "$BENCH_CHALLENGE" <<'PY'
import re, sys
src, t, org, app, uri, ch = sys.argv[1:]
q = lambda v: "'" + v.replace("'", "''") + "'"
code = ("decode(encode(sha256(convert_to('pgc' || :client_id || '_' || :n, "
        "'UTF8')), 'hex'), 'hex')")
body = open(src).read()
body = body[body.index('[STMT_AUTHCODE_REDEEM] = {'):]
body = body[:body.index('},')]
redeem = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', body)[1:])
args = {"1": "encode(%s, 'hex')" % code, "2": "''", "3": q(org), "4": q(app),
        "5": q(uri), "6": q(ch)}
redeem = re.sub(r'\$([1-9][0-9]*)', lambda m: args[m.group(1)], redeem)
inc = "\\set n :n + 1\n"
open(t + "/pgc-select.sql", "w").write(inc + "select 1;\n")
open(t + "/pgc-floor.sql", "w").write(inc + "update auth_codes set used_at = now(), refresh_mask = null "
    "where org_id = %s and code_hash = %s and used_at is null returning scope;\n" % (q(org), code))
open(t + "/pgc-redeem.sql", "w").write(inc + redeem + ";\n")
PY
	echo "PostgreSQL alone (pgbench -M prepared, 4 clients, ${DURATION}s each): machine CPU per statement"
	for f in select floor redeem; do
		case $f in
		select) label="select 1" ;;
		floor) label="a code consumed (one row, by its key)" ;;
		redeem) label="authcode_redeem (src/stmt.c)" ;;
		esac
		tps=$("$pgbench" -n -M prepared -c 4 -j 2 -T "$DURATION" -D n=$((off - 1)) \
		    -f "$T/pgc-$f.sql" "$PGURL" 2>&1 | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
		off=$((off + n / 4))
		PGC[$f]=${tps:-0}
		printf '  %-46s %9.0f/s %7.0f µs\n' "$label" "${tps:-0}" \
		    "$(python3 -c "print($(nproc) * 1e6 / max(${tps:-0}, 1))")"
	done
	# The redeems handed their families over: the statement ran its whole
	# course (only it clears the mask).
	[ "$(psql_q "select count(*) from auth_codes where used_at is not null and refresh_mask is null")" -gt 0 ] ||
	    echo "WARNING: pg_cost: authcode_redeem consumed no code" >&2
}

login_ratios() {
	local cc=${RPS["POST /token client_credentials ES256, again"]:-${RPS["POST /token client_credentials ES256"]}}
	ratio "code exchange / client_credentials (target >= 0.33)" \
	    "${RPS["POST /token authorization_code"]} / $cc"
	if [ -n "${PGC[redeem]:-}" ]; then
		local budget
		budget=$(python3 -c "print(3 * $(nproc) * 1e6 / $cc)")
		printf '%-52s %.0f µs\n' "an exchange's budget at 1/3 (3 x cores / cc rate)" "$budget"
		ratio "PostgreSQL alone: authcode_redeem / that budget" \
		    "$(nproc) * 1e6 / ${PGC[redeem]} / $budget"
		ratio "PostgreSQL alone: a code consumed / that budget" \
		    "$(nproc) * 1e6 / ${PGC[floor]} / $budget"
	fi
	echo "Argon2id verifications/s, $WORKERS processes at once, nothing else: $argon"
	ratio "login page / Argon2id bound (target >= 0.90)" \
	    "${RPS["GET+POST /authorize (logins/s)"]} / $argon"
	local cheap=${RPS["  the same, Argon2id 256 KiB, 1 pass"]:-}
	if [ -n "$cheap" ]; then
		python3 - "$(nproc)" "$cheap" "$argon" <<'PY'
import sys
cores, cheap, argon = (float(x) for x in sys.argv[1:])
own, run = cores * 1e3 / cheap, cores * 1e3 / argon
print("%-52s %.2f ms (%.1f %% of an Argon2id run, %.0f ms)" % ("a login's own cost (cores / logins/s, cheap Argon2id)",
      own, 100 * own / run, run))
print("%-52s %.2f" % ("the most the login row can reach against the bound", 1 / (1 + own / run)))
PY
	fi
}

# The instrumentation of issue 12 on (1) or off (0): every switch of it.
obs_start() {	# $1 = 1|0
	JWTMINT_METRICS=$1 JWTMINT_USAGE=$1 stack_start ES256
}

# CPU time of jwtmint's processes (supervisor, workers, housekeeper), in
# clock ticks: with the request count, the CPU a request costs, which the
# machine's noise moves far less than a rate.
jwtmint_ticks() {
	local p s=0
	for p in "$JPID" $(pgrep -P "$JPID"); do
		s=$((s + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
	done
	echo "$s"
}

# One obs row and its CPU per request: OBS_RPS and OBS_CPU[name$v] add up.
obs_row() {	# $1 name (token|check), $2 v, $3 label, $4 lua, $5 path
	local c0 c1 total
	c0=$(jwtmint_ticks)
	row "$3" "$4" "$5"
	c1=$(jwtmint_ticks)
	read -r _ _ _ _ total < <(wrk_summary "$T/wrk.last")
	OBS_RPS[$1$2]=$(python3 -c "print(${OBS_RPS[$1$2]:-0} + ${RPS["$3"]})")
	OBS_TICKS[$1$2]=$(( ${OBS_TICKS[$1$2]:-0} + c1 - c0 ))
	OBS_REQS[$1$2]=$(( ${OBS_REQS[$1$2]:-0} + total ))
}

# On and off in turn, the order swapped at every repeat (on off, off on,
# ...): the first run after a start is often the slowest, and always
# running the same side first would charge it to that side.
declare -A OBS_RPS OBS_TICKS OBS_REQS OBS_IR
obs_cases() {
	local i v order
	for i in $(seq 1 "${OBS_REPEAT:-2}"); do
		order="1 0"
		[ $((i % 2)) = 0 ] && order="0 1"
		for v in $order; do
			obs_start "$v"
			export BENCH_TOKEN=
			obs_row token "$v" "POST /token ES256, instrumentation $v" \
			    "$ROOT/tests/bench/token.lua" /token
			BENCH_TOKEN=$(token_for access)
			obs_row check "$v" "GET /api/ping, /check key+ES256, instr. $v" \
			    "$ROOT/tests/bench/check.lua" /api/ping
			export BENCH_TOKEN=
			stack_stop
		done
	done
}

# What no noise moves: the instructions one worker runs per /token
# request (ES256 client_credentials), instrumentation on and off, under
# valgrind's callgrind. Each way twice, with OBS_IREQ (default 1000)
# requests after the warm-up and with none: the difference over
# OBS_IREQ is the request's own cost, start, warm-up and exit cancelled.
obs_instructions() {
	local v n f w
	if ! command -v valgrind >/dev/null; then
		echo "instructions per request: valgrind missing, skipped"
		return
	fi
	for v in 1 0; do
		for n in 0 "${OBS_IREQ:-1000}"; do
			rm -f "$T"/cg.* "$T/jwtmint.sock"
			JWTMINT_METRICS=$v JWTMINT_USAGE=$v JWTMINT_PIN_WORKERS=0 \
			    JWTMINT_SIGNING_ALG=ES256 valgrind --tool=callgrind \
			    --callgrind-out-file="$T/cg.%p" "$BIN/jwtmint" \
			    -c "$T/jwtmint.conf" --listen "unix:$T/jwtmint.sock" \
			    --workers 1 2>"$T/jwtmint.log" &
			JPID=$!
			PIDS+=("$JPID")
			for _ in $(seq 1 600); do [ -S "$T/jwtmint.sock" ] && break; sleep 0.1; done
			stack_nginx "$T/jwtmint.sock" off
			python3 - "$PORT" "$n" <<'PY'
import http.client, os, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
hdr = {"X-API-Key": os.environ["BENCH_KEY"], "Content-Type": "application/x-www-form-urlencoded"}
for i in range(50 + n):     # 50: the warm-up, in both runs
    c.request("POST", "/token", body="grant_type=client_credentials", headers=hdr)
    r = c.getresponse()
    r.read()
    if r.status != 200:
        sys.exit("instructions: /token answered %d" % r.status)
PY
			w=$(pgrep -P "$JPID" | while read -r p; do
			    [ "$(cat "/proc/$p/comm")" = jwtmint-hk ] || echo "$p"; done | head -1)
			stack_stop
			f=$T/cg.$w
			for _ in $(seq 1 100); do [ -s "$f" ] && break; sleep 0.1; done
			OBS_IR[$v.$n]=$(sed -n 's/^summary: *//p;s/^totals: *//p' "$f" | head -1)
		done
	done
	python3 - "${OBS_IREQ:-1000}" "${OBS_IR[1.0]}" "${OBS_IR[1.${OBS_IREQ:-1000}]}" \
	    "${OBS_IR[0.0]}" "${OBS_IR[0.${OBS_IREQ:-1000}]}" <<'PY'
import sys
n, on0, on1, off0, off1 = map(int, sys.argv[1:])
on, off = (on1 - on0) / n, (off1 - off0) / n
print("%-52s %.3f (%.0f on, %.0f off)" % ("token, worker instructions per request, off / on", off / on, on, off))
PY
}

obs_ratios() {
	local c
	ratio "token, instrumentation on / off (target >= 0.97)" "${OBS_RPS[token1]} / ${OBS_RPS[token0]}"
	ratio "/check, instrumentation on / off (target >= 0.97)" "${OBS_RPS[check1]} / ${OBS_RPS[check0]}"
	for c in token check; do
		python3 - "$c" "${OBS_TICKS[${c}1]}" "${OBS_REQS[${c}1]}" "${OBS_TICKS[${c}0]}" \
		    "${OBS_REQS[${c}0]}" "$(getconf CLK_TCK)" <<'PY'
import sys
c, t1, n1, t0, n0, hz = sys.argv[1], *map(int, sys.argv[2:])
on, off = 1e6 * t1 / hz / max(n1, 1), 1e6 * t0 / hz / max(n0, 1)
print("%-52s %.2f (%.1f us on, %.1f us off)" % (
    "%s, jwtmint CPU per request, off / on" % c, off / on, on, off))
PY
	done
}

if [ "${OBS:-0}" = 1 ]; then
	obs_cases
	echo
	obs_ratios
	obs_instructions
	exit 0
fi

if [ "${LOGIN:-0}" = 1 ]; then
	# LOGIN_REPEAT=N: the client_credentials, exchange, login and Argon2id
	# rows N times in turn (the bound with the stack idle), the ratios
	# those of the sums: the host's noise moves single rows by more than
	# the margins.
	declare -A SUM
	stack_start ES256
	for i in $(seq 1 "${LOGIN_REPEAT:-1}"); do
		row "POST /token client_credentials ES256" "$ROOT/tests/bench/token.lua" /token
		code_row
		[ "$i" = 1 ] && public_refresh_row
		login_row
		argon2_bound
		printf '  repeat %s: Argon2id bound %s/s; exchange / cc %.2f, login / bound %.2f\n' "$i" "$argon" \
		    "$(python3 -c "print(${RPS["POST /token authorization_code"]} / ${RPS["POST /token client_credentials ES256"]})")" \
		    "$(python3 -c "print(${RPS["GET+POST /authorize (logins/s)"]} / $argon)")"
		for k in "POST /token client_credentials ES256" "POST /token authorization_code" \
		    "GET+POST /authorize (logins/s)"; do
			SUM[$k]=$(python3 -c "print(${SUM[$k]:-0} + ${RPS[$k]})")
		done
		SUM[argon]=$(python3 -c "print(${SUM[argon]:-0} + $argon)")
	done
	login_overhead
	pg_cost
	for k in "POST /token client_credentials ES256" "POST /token authorization_code" \
	    "GET+POST /authorize (logins/s)"; do
		RPS[$k]=$(python3 -c "print(${SUM[$k]} / ${LOGIN_REPEAT:-1})")
	done
	argon=$(python3 -c "print('%.1f' % (${SUM[argon]} / ${LOGIN_REPEAT:-1}))")
	echo
	[ "${LOGIN_REPEAT:-1}" = 1 ] || echo "Means over ${LOGIN_REPEAT} repeats:"
	login_ratios
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
		public_refresh_row
		row "POST /token password (Argon2id)" "$ROOT/tests/bench/login.lua" /token 2 4
		# The exchange's ratio is to client_credentials measured next to
		# it: the host's noise moves rows minutes apart by more than the
		# margin.
		row "POST /token client_credentials ES256, again" "$ROOT/tests/bench/token.lua" /token
		code_row
		login_row
		row "POST /admin/keys (create)" "$ROOT/tests/bench/admin_create.lua" /admin/keys
		row "GET /admin/keys?limit=50 (list)" "$ROOT/tests/bench/admin_list.lua" \
		    "/admin/keys?limit=50"
	fi
	if [ $alg = ES256 ]; then
		login_overhead
	else
		stack_stop
	fi
done
pg_cost
obs_cases
# The same with kept FastCGI connections (the baseline cannot keep them).
stack_start ES256 on
row "  ES256, fastcgi_keep_conn on" "$ROOT/tests/bench/token.lua" /token
stack_stop
stack_start ES256 off $((1 - PIN))
row "  ES256, pin_workers = $((1 - PIN))" "$ROOT/tests/bench/token.lua" /token
stack_stop

baseline
argon2_bound

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
obs_instructions
login_ratios
ratio "password grant / Argon2id bound (target >= 0.90)" \
    "${RPS["POST /token password (Argon2id)"]} / $argon"
