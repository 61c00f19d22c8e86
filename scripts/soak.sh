#!/usr/bin/env bash
# soak.sh (`make soak`): SOAK_SECS (default 600) of mixed load on the stack
# of scripts/stack-lib.sh, then a verdict on whether the processes stayed
# flat. All load goes to nginx on 127.0.0.1 and every part of it ends on
# its own after SOAK_SECS:
#   wrk  POST /token client_credentials (ES256)    -t1 -c4  tests/bench/token.lua
#        GET /api/ping, /check key + user token     -t1 -c4  check.lua
#        POST /introspect of a user token           -t1 -c2  introspect.lua
#        POST /token refresh_token, 2 chains        -t2 -c2  refresh.lua
#   tests/bench/soak_mix.py bad: malformed keys, garbage tokens, oversized
#        bodies, bad percent escapes, wrong content types ... each with the
#        status it must get (a 4xx, or 200 where RFC 7009 and 7662 say so)
#   tests/bench/soak_mix.py churn: API keys created and revoked, tokens
#        revoked (POST /revoke, /admin/revocations), a user disabled and
#        enabled, a signing key created and retired (jwtmint-admin), each
#        change checked through /check (NOTIFY-driven cache reloads)
# The same mix runs WARMUP_SECS (default 60) first, so that caches, heap
# and connections are at their working size. With the load stopped after
# the warm-up ("start") and at the end ("end"), and every SAMPLE_SECS (30)
# under load in between ("load": a request in flight shows as one more fd),
# it samples each jwtmint worker's and the supervisor's RSS (VmRSS) and open
# fds, and the database connections of jwtmint (pg_stat_activity,
# application_name jwtmint, while no jwtmint-admin is connected).
#
# Flat, for every process from start to end: RSS grew by at most
# RSS_TOL_KIB (default 256 KiB; a worker serves ~700,000 requests in 10
# minutes here, so that is 0.37 bytes per request: one leaked 32-byte block
# in every ~85 requests would exceed it), the same number of fds, the same
# database connections (one per worker). Also required: no worker restarted
# (same pids, no "restarting" in the log), no 5xx from jwtmint, the good
# traffic (wrk) without a non-2xx answer or a socket error, every bad-input
# and churn request answered as expected. Exit 1 otherwise.
# Figures: docs/PERFORMANCE.md, "Soak".
#   SOAK_SECS=60 WARMUP_SECS=60 SAMPLE_SECS=30 RSS_TOL_KIB=256 WORKERS=4 scripts/soak.sh
# MIX="token check introspect refresh bad churn" picks parts of the mix.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
SOAK_SECS=${SOAK_SECS:-600}
WARMUP_SECS=${WARMUP_SECS:-60}
SAMPLE_SECS=${SAMPLE_SECS:-30}
RSS_TOL_KIB=${RSS_TOL_KIB:-256}
# The parts of the mix (leave some out to find which one grows).
MIX=${MIX:-token check introspect refresh bad churn}
# pin_workers as shipped (0): other engineers' processes share the cores.
PIN=${PIN:-0}
# shellcheck source=SCRIPTDIR/stack-lib.sh
. "$ROOT/scripts/stack-lib.sh"

die() { echo "soak.sh: $*" >&2; exit 2; }
for v in SOAK_SECS WARMUP_SECS SAMPLE_SECS RSS_TOL_KIB; do
	case "${!v}" in ''|*[!0-9]*) die "$v must be a whole number" ;; esac
done
# The user tokens wrk presents are taken once per phase and live
# access_ttl_sec = 3600 s.
if [ "$SOAK_SECS" -lt 10 ] || [ "$SOAK_SECS" -gt 3300 ]; then die "SOAK_SECS must be 10 to 3300"; fi
[ "$SAMPLE_SECS" -ge 1 ] || die "SAMPLE_SECS must be at least 1"

stack_init soak
LOAD=()
cleanup() {
	for p in "${LOAD[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	stack_cleanup
}
trap cleanup EXIT INT TERM

stack_db
stack_conf "access_ttl_sec = 3600"
stack_seed
SOAK_ADMIN_KEY=$("${ADMIN[@]}" key create --name soak-admin --scopes "admin read:accounts introspect" \
    --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
SOAK_USER=churn
SOAK_PASSWORD=churn-password-1
echo "$SOAK_PASSWORD" | "${ADMIN[@]}" user create --username "$SOAK_USER" --role limited \
    --accounts acct_1 >/dev/null
stack_start ES256 off "$PIN"
export SOAK_ADMIN_KEY SOAK_USER SOAK_PASSWORD SOAK_PORT=$PORT SOAK_LOCK=$T/admin.lock
export SOAK_ADMIN="${ADMIN[*]}"

B=$ROOT/tests/bench
URL=http://127.0.0.1:$PORT
on() { case " $MIX " in *" $1 "*) return 0 ;; esac; return 1; }

load() {	# $1 = seconds, $2 = phase: the whole mix in the background (LOAD)
	local s=$1 ph=$2
	BENCH_TOKEN=$(token_for access)
	BENCH_REFRESH=$(for _ in 1 2; do token_for refresh; done | paste -sd, -)
	export BENCH_TOKEN BENCH_REFRESH
	LOAD=()
	if on token; then
		wrk -t1 -c4 -d"${s}s" -s "$B/token.lua" "$URL/token" > "$T/$ph.token" & LOAD+=($!)
	fi
	if on check; then
		wrk -t1 -c4 -d"${s}s" -s "$B/check.lua" "$URL/api/ping" > "$T/$ph.check" & LOAD+=($!)
	fi
	if on introspect; then
		wrk -t1 -c2 -d"${s}s" -s "$B/introspect.lua" "$URL/introspect" > "$T/$ph.introspect" & LOAD+=($!)
	fi
	if on refresh; then
		wrk -t2 -c2 -d"${s}s" -s "$B/refresh.lua" "$URL/token" > "$T/$ph.refresh" & LOAD+=($!)
	fi
	if on bad; then
		python3 "$B/soak_mix.py" bad "$s" > "$T/$ph.bad" & LOAD+=($!)
	fi
	if on churn; then
		python3 "$B/soak_mix.py" churn "$s" > "$T/$ph.churn" & LOAD+=($!)
	fi
}

workers() { ps -o pid= --ppid "$JPID" | tr -d ' ' | sort -n; }
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo -; }
fds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
dbconns() {	# no jwtmint-admin connected meanwhile (soak_mix.py takes the lock)
	flock "$T/admin.lock" psql -X -A -t -q "$PGURL" -c "select count(*) from pg_stat_activity
	    where datname = 'jwtmint' and application_name = 'jwtmint'"
}

# One row: "elapsed label requests db sup:rss:fds pid:rss:fds ..." to
# $T/samples, printed as a row of the table. requests: jwtmint's log lines
# (one per request) since the start sample.
sample() {	# $1 = seconds since start, $2 = label
	local p r f db n row cells=""
	db=$(dbconns)
	n=$(( $(wc -l < "$T/jwtmint.log") - ${LINES0:-0} ))
	row="$1 $2 $n $db"
	for p in "$JPID" $(workers); do
		r=$(rss "$p")
		f=$(fds "$p")
		row+=" $p:$r:$f"
		cells+=$(printf ' %10s (%2s)' "$r" "$f")
	done
	echo "$row" >> "$T/samples"
	printf '%6s  %-6s %10s%s %4s\n' "$1" "$2" "$n" "$cells" "$db"
}

printf '# jwtmint soak: %s s after a %s s warm-up, %s workers, %s cores, %s\n' \
    "$SOAK_SECS" "$WARMUP_SECS" "$WORKERS" "$(nproc)" "$(date -u +%FT%TZ)"

# Warm-up: the same mix, so that caches, arenas and connections are at
# their working size before the first sample.
if [ "$WARMUP_SECS" -gt 0 ]; then
	load "$WARMUP_SECS" warm
	wait "${LOAD[@]}" || true
fi
sleep 2
LINES0=$(wc -l < "$T/jwtmint.log")
LOG0=$(stat -c %s "$T/jwtmint.log")
printf '%6s  %-6s %10s' s sample requests
for p in "$JPID" $(workers); do printf ' %15s' "$p KiB (fd)"; done
printf ' %4s\n' db
printf '%25s %15s %s\n' "" "(supervisor)" "(workers)"
sample 0 start
START_WORKERS=$(workers | paste -sd' ')

t0=$SECONDS
load "$SOAK_SECS" main
next=$SAMPLE_SECS
while [ $((SECONDS - t0)) -lt "$SOAK_SECS" ]; do
	sleep 1
	if [ $((SECONDS - t0)) -ge "$next" ] && [ $((SECONDS - t0)) -lt "$SOAK_SECS" ]; then
		sample $((SECONDS - t0)) load
		next=$((next + SAMPLE_SECS))
	fi
done
wait "${LOAD[@]}" || true
LOAD=()
sleep 2
sample $((SECONDS - t0)) end
END_WORKERS=$(workers | paste -sd' ')

# Counts of the main phase, then the verdict.
# jwtmint's log of the main phase, one line per request: counts by worker
# and status to main.counts, every other line to main.other.
tail -c +$((LOG0 + 1)) "$T/jwtmint.log" | awk -v other="$T/main.other" '
	/^jwtmint\[[0-9]+\]: method=/ {
		pid = substr($1, 9, length($1) - 10)
		for (i = 2; i <= NF; i++)
			if ($i ~ /^status=/) { n[pid " " substr($i, 8)]++; next }
	}
	{ print > other }
	END { for (k in n) print k, n[k] }' > "$T/main.counts"
touch "$T/main.other"
python3 - "$T" "$RSS_TOL_KIB" "$START_WORKERS" "$END_WORKERS" "$MIX" <<'PY'
import collections, json, re, sys

T, tol, start_w, end_w, mix = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(), sys.argv[4].split(), sys.argv[5].split()
what = {"token": "wrk POST /token client_credentials",
        "check": "wrk GET /api/ping (/check key+token)",
        "introspect": "wrk POST /introspect (user token)",
        "refresh": "wrk POST /token refresh_token"}
fail = []

print()
print("%-44s %10s %9s %9s" % ("main phase", "requests", "non-2xx", "sock err"))
for p in [p for p in what if p in mix]:
    t = open("%s/main.%s" % (T, p)).read()
    n = int(re.search(r"(\d+) requests in", t).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", t)
    bad = int(bad.group(1)) if bad else 0
    se = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", t)
    se = sum(int(x) for x in se.groups()) if se else 0
    print("%-44s %10d %9d %9d" % (what[p], n, bad, se))
    if bad or se:
        fail.append("%s: %d non-2xx, %d socket errors" % (what[p], bad, se))

for p, label in (("bad", "bad input (each its expected status)"),
                 ("churn", "key changes and revocations")):
    if p not in mix:
        continue
    d = json.load(open("%s/main.%s" % (T, p)))
    print("%-44s %10d %9s %9s   unexpected answers: %d" % (label, d["requests"], "", "", d["unexpected_n"]))
    for u in d["unexpected"]:
        print("    unexpected: %(case)s: wanted %(want)s, got %(got)s %(body)s" % u)
    if d["unexpected_n"]:
        fail.append("%s: %d unexpected answers" % (label, d["unexpected_n"]))
    if p == "churn":
        pr = d.get("propagation", {"checks": 0, "late": 0, "max_ms": 0})
        print("    %d cycles; %d changes checked through /check, %d not yet seen by the first "
              "request after (max %.0f ms until seen)" % (d.get("cycles", 0), pr["checks"], pr["late"], pr["max_ms"]))

# jwtmint's own log of the main phase (counted by awk above).
status = collections.Counter()
per_pid = collections.Counter()
for line in open(T + "/main.counts"):
    pid, st, n = line.split()
    per_pid[pid] += int(n)
    status[st[0] + "xx"] += int(n)
other = [l.rstrip("\n") for l in open(T + "/main.other", errors="replace")]
total = sum(status.values())
print("jwtmint served %d requests (%s), %d to %d per worker"
      % (total, ", ".join("%s %d" % kv for kv in sorted(status.items())),
         min(per_pid.values() or [0]), max(per_pid.values() or [0])))
if status["5xx"]:
    fail.append("jwtmint answered 5xx %d times" % status["5xx"])
restarts = [l for l in other if "restarting" in l]
print("worker restarts: %d; other log lines: %d" % (len(restarts), len(other)))
for l in other[:10]:
    print("    " + l)
if restarts or start_w != end_w:
    fail.append("workers restarted: %d log lines; pids %s at the start, %s at the end"
                % (len(restarts), " ".join(start_w), " ".join(end_w)))

# Start and end samples.
rows = {}
for line in open(T + "/samples"):
    f = line.split()
    rows[f[1]] = {"requests": int(f[2]), "db": int(f[3]), "procs": [c.split(":") for c in f[4:]]}
s, e = rows["start"], rows["end"]
sup = s["procs"][0][0]
print()
print("verdict: flat = RSS at most +%d KiB, the same fds, the same database connections, start to end" % tol)
endp = {p[0]: p for p in e["procs"]}
for pid, r0, f0 in s["procs"]:
    name = "supervisor %s" % pid if pid == sup else "worker %s" % pid
    if pid not in endp or "-" in (r0, endp[pid][1]):
        print("  %-18s gone" % name)
        fail.append("%s gone" % name)
        continue
    _, r1, f1 = endp[pid]
    d = int(r1) - int(r0)
    per = ""
    if pid in per_pid:
        per = ", %.3f bytes per request" % (d * 1024.0 / per_pid[pid])
    ok = d <= tol and f0 == f1
    print("  %-18s RSS %6s -> %6s KiB (%+d%s), fds %s -> %s  %s"
          % (name, r0, r1, d, per, f0, f1, "ok" if ok else "NOT FLAT"))
    if not ok:
        fail.append("%s: RSS %+d KiB, fds %s -> %s" % (name, d, f0, f1))
ok = s["db"] == e["db"] == len(start_w)
print("  %-18s %d -> %d (workers: %d)  %s" % ("db connections", s["db"], e["db"], len(start_w), "ok" if ok else "NOT FLAT"))
if not ok:
    fail.append("database connections %d -> %d" % (s["db"], e["db"]))
print()
if fail:
    print("NOT FLAT or failed:")
    for f in fail:
        print("  " + f)
    sys.exit(1)
print("FLAT: no growth past the tolerance, no restart, no unexpected answer")
PY
