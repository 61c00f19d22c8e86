#!/usr/bin/env bash
# bench.sh: POST /token throughput and latency next to a baseline measured in
# the same run: the same nginx in front of the trivial libfcgi responder
# (build/fcgi-trivial). Everything on 127.0.0.1, in a temp dir, torn down at
# the end. Prints tokens/s, p50/p99, worker RSS, database transactions per
# token and the ratio to the baseline.
#   DURATION=10 CONNS=32 THREADS=2 WORKERS=2 scripts/bench.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
DURATION=${DURATION:-10}
CONNS=${CONNS:-32}
THREADS=${THREADS:-2}
WORKERS=${WORKERS:-$(nproc)}
BIN=$ROOT/build
T=$(mktemp -d /tmp/jwtmint-bench.XXXXXX)
chmod 755 "$T"
PIDS=()

cleanup() {
	bash "$ROOT/scripts/nginx.sh" stop "$T/nginx" >/dev/null 2>&1 || true
	for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	pkill -f "$T/trivial.sock" 2>/dev/null || true
	wait 2>/dev/null || true
	bash "$ROOT/scripts/pg.sh" stop "$T/pg" >/dev/null 2>&1 || true
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

bash "$ROOT/scripts/pg.sh" init "$T/pg" >/dev/null
bash "$ROOT/scripts/pg.sh" start "$T/pg" --fast >/dev/null
PGURL=$(bash "$ROOT/scripts/pg.sh" url "$T/pg")
PORT=$(free_port)
head -c 32 /dev/urandom | base64 > "$T/kek"
head -c 32 /dev/urandom | base64 > "$T/pepper"
cat > "$T/jwtmint.conf" <<CONF
database_url = $PGURL
kek_file = $T/kek
pepper_file = $T/pepper
issuer = http://127.0.0.1:$PORT
default_org = bench
CONF
ADMIN=("$BIN/jwtmint-admin" -c "$T/jwtmint.conf")
"${ADMIN[@]}" migrate >/dev/null
"${ADMIN[@]}" org create --slug bench --name Bench >/dev/null
"${ADMIN[@]}" signing-key create --alg ES256 >/dev/null
"${ADMIN[@]}" signing-key create --alg RS256 >/dev/null
"${ADMIN[@]}" signing-key create --alg HS256 >/dev/null
BENCH_KEY=$("${ADMIN[@]}" key create --name bench --scopes "read:accounts write:settings" --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
export BENCH_KEY

psql_q() { psql -X -A -t -q "$PGURL" -c "$1"; }
xacts() { psql_q "select xact_commit + xact_rollback from pg_stat_database where datname = 'jwtmint'"; }

# wrk → "rps p50_ms p99_ms non200"
run_wrk() {	# $1 = lua script or "", $2 = path
	local out args=(-t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency)
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

start_jwtmint() {	# $1 = algorithm
	JWTMINT_SIGNING_ALG=$1 "$BIN/jwtmint" -c "$T/jwtmint.conf" \
	    --listen "unix:$T/jwtmint.sock" --workers "$WORKERS" 2>"$T/jwtmint.log" &
	JPID=$!
	PIDS+=("$JPID")
	for _ in $(seq 1 100); do [ -S "$T/jwtmint.sock" ] && break; sleep 0.05; done
	bash "$ROOT/scripts/nginx.sh" conf "$T/nginx" "$PORT" "unix:$T/jwtmint.sock" >/dev/null
	bash "$ROOT/scripts/nginx.sh" start "$T/nginx" >/dev/null
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

printf '# jwtmint bench: %s cores, wrk -t%s -c%s -d%ss, %s workers, %s\n' \
    "$(nproc)" "$THREADS" "$CONNS" "$DURATION" "$WORKERS" "$(date -u +%FT%TZ)"
printf '%-34s %10s %9s %9s %8s %9s %8s\n' case "req/s" "p50 ms" "p99 ms" non-2xx "RSS KiB" "db tx/req"

declare -A RPS
for alg in ES256 HS256 RS256; do
	start_jwtmint "$alg"
	x0=$(xacts)
	read -r rps p50 p99 bad total < <(run_wrk "$ROOT/tests/bench/token.lua" /token)
	x1=$(xacts)
	rss=$(worker_rss)
	stop_jwtmint
	RPS[$alg]=$rps
	printf '%-34s %10s %9s %9s %8s %9s %8.2f\n' "POST /token client_credentials $alg" \
	    "$rps" "$p50" "$p99" "$bad" "$rss" "$(python3 -c "print(($x1-$x0-1)/max($total,1))")"
done

# Baseline: the same nginx in front of the trivial libfcgi responder.
spawn-fcgi -s "$T/trivial.sock" -M 0666 -F "$WORKERS" -- "$BIN/fcgi-trivial" >/dev/null
bash "$ROOT/scripts/nginx.sh" conf "$T/nginx" "$PORT" "unix:$T/trivial.sock" >/dev/null
bash "$ROOT/scripts/nginx.sh" start "$T/nginx" >/dev/null
read -r base p50 p99 bad total < <(run_wrk "" /)
printf '%-34s %10s %9s %9s %8s %9s %8s\n' "baseline: nginx + fcgi-trivial" "$base" "$p50" "$p99" "$bad" "-" "-"
bash "$ROOT/scripts/nginx.sh" stop "$T/nginx" >/dev/null

echo
for alg in ES256 HS256 RS256; do
	python3 -c "print('ratio %s / baseline: %.2f' % ('$alg', ${RPS[$alg]} / $base))"
done
