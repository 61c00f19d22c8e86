#!/usr/bin/env bash
# tests/run.sh: every test of `make test`, one line per test, then a last
# line "N passed, N failed, N skipped" (alone on its line: CI parses it).
# Exit status 1 on any failure.
#   1. unit tests of the pure modules (build/tests/*)
#   2. the same unit tests on the ASan + UBSan build
#   3. libFuzzer targets: every seed file replayed, then a short run each
#      (two lanes side by side)
#   4. integration: real PostgreSQL + real nginx + build/jwtmint
#   5. integration in CGI mode (no web server)
#   6. integration on the ASan + UBSan build behind nginx (without the
#      files that test make run and two hosts: they exercise the scripts
#      more than jwtmint, whose same code paths run in 4; nor those of
#      configuration, the audit chain, signing-key rotation, the other
#      web servers and make install, whose C code the sanitizers see through the unit tests
#      and the fuzz targets, and which mostly wait on processes and time)
#   4 and 5 run side by side (make test stays under 15 minutes on 2 cores)
# ONLY=unit, asan-unit, fuzz, nginx, cgi or asan (comma-separated) runs a
# subset; each of these is a "suite" below.
#
# Fuzzing has a fixed total budget: FUZZ_TOTAL_SECONDS (default 60) split
# evenly over the targets found in tests/fuzz/ (at least 1 s each), so that
# adding targets does not lengthen `make test`. FUZZ_SECONDS=N overrides
# the split: N seconds per target. Before its run, every file of
# tests/fuzz/seeds/NAME is replayed once through target NAME (libFuzzer given
# files runs each once); a target without seed files is a skip.
#
# Skips: a line "ok - NAME # skip REASON" (TAP) counts as skipped, never as
# passed. tests/skips.expected holds the skips expected per suite and reason
# on Debian 12 after scripts/install-deps.sh. A suite that skips more than
# that for a reason gets "# WARNING: suite X skipped N, baseline M" and the
# list of those tests; with CI=true that is also a failure ("not ok - skips
# of suite X over the baseline"). A suite that skips fewer gets a note to
# lower the baseline. A test whose program comes from a package that
# install-deps.sh installs fails when it is missing instead of skipping
# (tests/integration/harness.py: need_program).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT"
FUZZ_TOTAL_SECONDS=${FUZZ_TOTAL_SECONDS:-60}
ONLY=${ONLY:-unit,asan-unit,fuzz,nginx,cgi,asan}
SKIPS_EXPECTED=$ROOT/tests/skips.expected
LOG=$ROOT/build/test-logs
mkdir -p "$LOG"
rm -f "$LOG"/skipped-*.txt
pass=0
fail=0
skip=0
suites=""

want() { case ",$ONLY," in *",$1,"*) return 0 ;; esac; return 1; }

# TAP: "ok - NAME # skip REASON" (any case) is a skip, not a pass.
SKIP_RE='^ok - .* # [Ss][Kk][Ii][Pp]([^A-Za-z]|$)'

# Count the ok / not ok / skip lines of one suite's output and echo them;
# the skip lines are kept for the baseline check at the end.
tally() {	# $1 = output file, $2 = suite
	local out=$1 p f s
	cat "$out"
	p=$(grep -c '^ok - ' "$out" || true)
	f=$(grep -c '^not ok - ' "$out" || true)
	s=$(grep -cE "$SKIP_RE" "$out" || true)
	grep -E "$SKIP_RE" "$out" >> "$LOG/skipped-$2.txt"
	pass=$((pass + p - s))
	fail=$((fail + f))
	skip=$((skip + s))
	ran_suite "$2"
}

ran_suite() {
	case " $suites " in *" $1 "*) ;; *) suites="$suites $1" ;; esac
}

# A whole step that failed without saying which test: one failure line.
step_failed() {
	echo "not ok - $1"
	fail=$((fail + 1))
}

step_ok() {
	echo "ok - $1"
	pass=$((pass + 1))
}

step_skipped() {	# $1 = suite, $2 = name, $3 = reason
	echo "ok - $2 # skip $3" | tee -a "$LOG/skipped-$1.txt"
	skip=$((skip + 1))
}

run_units() {	# $1 = build dir, $2 = label
	local t out
	for t in "$1"/tests/test_*; do
		[ -x "$t" ] || continue
		out=$LOG/$2-$(basename "$t").out
		if ! "$t" > "$out" 2>&1; then
			grep -q '^not ok - ' "$out" ||
			    echo "not ok - $2 $(basename "$t") crashed" >> "$out"
		fi
		sed -i "s/^\(not \)\{0,1\}ok - /&$2 $(basename "$t"): /" "$out"
		tally "$out" "$2"
	done
}

if want unit; then
	echo "# unit tests"
	run_units build unit
fi

if want asan-unit || want asan; then
	echo "# building the ASan + UBSan binaries"
	if make --no-print-directory -j2 asan > "$LOG/asan-build.out" 2>&1; then
		want asan-unit && run_units build/asan asan-unit
	else
		tail -20 "$LOG/asan-build.out"
		step_failed "asan build"
	fi
fi

# Replay every seed file of target $1 once; then fuzz it $2 seconds.
fuzz_one() {	# $1 = name, $2 = seconds
	local name=$1 secs=$2 f=build/fuzz/fuzz_$1 work seeds corpora n ran=0
	if [ ! -x "$f" ]; then
		step_failed "fuzz $name (no $f after make fuzz)"
		return
	fi
	seeds=()
	if [ -d "tests/fuzz/seeds/$name" ]; then
		mapfile -t seeds < <(find "tests/fuzz/seeds/$name" -type f | sort)
	fi
	n=${#seeds[@]}
	if [ "$n" = 0 ]; then
		step_skipped fuzz "fuzz $name replay" "no seed files in tests/fuzz/seeds/$name"
	elif "$f" -timeout=10 -rss_limit_mb=1024 "${seeds[@]}" > "$LOG/fuzz-$name-replay.out" 2>&1 &&
	    ran=$(grep -c '^Executed ' "$LOG/fuzz-$name-replay.out") && [ "$ran" = "$n" ]; then
		step_ok "fuzz $name replay ($n seed files)"
	else
		tail -30 "$LOG/fuzz-$name-replay.out"
		step_failed "fuzz $name replay of tests/fuzz/seeds/$name (${ran:-0} of $n seed files ran)"
	fi
	work=$ROOT/build/fuzz/corpus-$name
	mkdir -p "$work"
	corpora=("$work")
	[ -d "tests/fuzz/seeds/$name" ] && corpora+=("tests/fuzz/seeds/$name")
	if "$f" -max_total_time="$secs" -timeout=10 \
	    -rss_limit_mb=1024 -artifact_prefix="$ROOT/build/fuzz/crash-$name-" \
	    "${corpora[@]}" > "$LOG/fuzz-$name.out" 2>&1; then
		step_ok "fuzz $name ($(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$LOG/fuzz-$name.out"))"
	else
		tail -30 "$LOG/fuzz-$name.out"
		step_failed "fuzz $name (crash input in build/fuzz/)"
	fi
}

# One lane of the fuzz targets: those of every other index, from $1 (0 or
# 1), $2 seconds each. Runs in a subshell (the caller puts it in the
# background): its TAP lines go to stdout, and the caller tallies them, so
# a skip is only echoed here.
fuzz_lane() {	# $1 = lane, $2 = seconds, $3... = targets
	local lane=$1 secs=$2 i=0 name
	shift 2
	step_skipped() { echo "ok - $2 # skip $3"; }
	for name in "$@"; do
		[ $((i % 2)) = "$lane" ] && fuzz_one "$name" "$secs"
		i=$((i + 1))
	done
	return 0
}

if want fuzz; then
	ran_suite fuzz
	targets=()
	for src in tests/fuzz/fuzz_*.c; do
		[ -e "$src" ] || continue
		src=${src##*/fuzz_}
		targets+=("${src%.c}")
	done
	if [ ${#targets[@]} = 0 ]; then
		step_failed "fuzz: no targets in tests/fuzz/"
	else
		if [ -n "${FUZZ_SECONDS:-}" ]; then
			per=$FUZZ_SECONDS how="FUZZ_SECONDS=$FUZZ_SECONDS"
		else
			per=$((FUZZ_TOTAL_SECONDS / ${#targets[@]}))
			how="FUZZ_TOTAL_SECONDS=$FUZZ_TOTAL_SECONDS split evenly"
		fi
		[ "$per" -ge 1 ] 2>/dev/null || per=1
		echo "# fuzzing: ${#targets[@]} targets, ${per}s each ($how)"
		if make --no-print-directory -j2 fuzz FUZZ_SECS= > "$LOG/fuzz-build.out" 2>&1; then
			# Two lanes side by side (two cores), each target once.
			fuzz_lane 0 "$per" "${targets[@]}" > "$LOG/fuzz-lane-0.tap" &
			fuzz_lane 1 "$per" "${targets[@]}" > "$LOG/fuzz-lane-1.tap"
			wait
			tally "$LOG/fuzz-lane-0.tap" fuzz
			tally "$LOG/fuzz-lane-1.tap" fuzz
		else
			tail -20 "$LOG/fuzz-build.out"
			step_failed "fuzz build"
		fi
	fi
fi

# One integration pass into $LOG/integration-LABEL.out (-v: each file's
# time), its exit status in .rc; integration_tally reads both.
integration_run() {	# $1 = mode, $2 = bin dir, $3 = label
			# [, $4 = files to leave out [, $5 = the only files to run
			# [, $6 = output name (default: the label)]]]
	local name=${6:-$3}
	python3 tests/integration/run.py -v --mode "$1" --bin "$2" --label "$3" \
	    --exclude "${4:-}" --only "${5:-}" > "$LOG/integration-$name.out" 2>&1
	echo $? > "$LOG/integration-$name.rc"
}

integration_tally() {	# $1 = output name [, $2 = suite (default: $1)]
	local out=$LOG/integration-$1.out rc
	rc=$(cat "$LOG/integration-$1.rc" 2>/dev/null || echo 99)
	# -v prints each test's time: keep the file times, drop the rest.
	sed -i '/^# [0-9.]*s$/d' "$out"
	tally "$out" "${2:-$1}"
	if [ "$rc" != 0 ] && ! grep -q '^not ok - ' "$out"; then
		step_failed "integration $1 (runner exited $rc)"
	fi
}

integration() {
	echo "# integration: $3"
	integration_run "$@"
	integration_tally "$3"
}

# The third-party clients of tests/integration/test_clients.py that come
# from npm (openid-client, jose): installed from tests/clients/node's
# package-lock.json, like the OpenAPI validator below, before the nginx
# pass that runs them. A failure here leaves the test to fail and say why.
npm_ci() {	# $1 = directory with package-lock.json, $2 = a module it installs
	if [ ! -d "$1/node_modules/$2" ] || [ "$1/package-lock.json" -nt "$1/node_modules" ]; then
		if ! (cd "$1" && npm ci --no-audit --no-fund) > "$LOG/npm-${1//\//-}.out" 2>&1; then
			tail -20 "$LOG/npm-${1//\//-}.out"
			return 1
		fi
		touch "$1/node_modules"
	fi
}
want nginx && { npm_ci tests/clients/node openid-client ||
    echo "# npm ci in tests/clients/node failed: test_clients.py will fail"; }

# The nginx and the CGI passes run side by side (each on its own
# PostgreSQL, ports and directories; the tests wait for conditions, never
# for a time): most of their time is spent waiting on processes, not on
# the CPU. The nginx pass is the longer (its files that start their own
# servers and clients run in it alone), so it runs as two shards, the
# files of NGINX_SHARD2 beside the others; both count as the suite nginx.
# The nginx pass notes every admin and platform request it makes
# (harness.py: record_route) for the OpenAPI walk below.
NGINX_SHARD2=${NGINX_SHARD2:-test_multihost.py,test_signing_rotation.py,test_run.py,test_webservers.py,test_keepconn.py,test_process.py,test_clients.py,test_errpages.py,test_reload.py,test_browser.py,test_metrics.py,test_usage.py,test_oauth_code.py,test_anomaly.py}
rm -f "$LOG/admin-requests.txt" "$LOG"/integration-*.rc
if want nginx && want cgi; then
	echo "# integration: nginx (two shards) and cgi, side by side"
	JWTMINT_ROUTE_LOG=$LOG/admin-requests.txt \
	    integration_run nginx build nginx "$NGINX_SHARD2" &
	JWTMINT_ROUTE_LOG=$LOG/admin-requests.txt \
	    integration_run nginx build nginx "" "$NGINX_SHARD2" nginx-2 &
	integration_run cgi build cgi
	wait
	integration_tally nginx
	integration_tally nginx-2 nginx
	integration_tally cgi
elif want nginx; then
	JWTMINT_ROUTE_LOG=$LOG/admin-requests.txt integration nginx build nginx
elif want cgi; then
	integration cgi build cgi
fi

# docs/openapi.json: valid for an independent validator (an npm package
# pinned by tests/openapi/package-lock.json), every route of the server in
# it and every operation in it served and exercised by the nginx pass.
openapi() {
	local out=$LOG/openapi.out
	echo "# openapi"
	: > "$out"
	if [ ! -d tests/openapi/node_modules/@readme/openapi-parser ] ||
	    [ tests/openapi/package-lock.json -nt tests/openapi/node_modules ]; then
		if ! (cd tests/openapi && npm ci --no-audit --no-fund) \
		    > "$LOG/openapi-npm.out" 2>&1; then
			tail -20 "$LOG/openapi-npm.out"
			step_failed "openapi: npm ci in tests/openapi (the validator)"
			return
		fi
		touch tests/openapi/node_modules
	fi
	if node tests/openapi/validate.mjs docs/openapi.json > "$LOG/openapi-validate.out" 2>&1; then
		echo "ok - openapi: docs/openapi.json is valid OpenAPI 3.1 (@readme/openapi-parser)" >> "$out"
	else
		cat "$LOG/openapi-validate.out"
		echo "not ok - openapi: docs/openapi.json is not valid OpenAPI 3.1" >> "$out"
	fi
	if build/jwtmint --routes > "$LOG/routes.txt" 2>&1; then
		python3 tests/openapi/walk.py docs/openapi.json "$LOG/routes.txt" \
		    "$LOG/admin-requests.txt" >> "$out" 2>&1 ||
		    grep -q '^not ok - ' "$out" ||
		    echo "not ok - openapi: walk.py failed" >> "$out"
	else
		echo "not ok - openapi: jwtmint --routes failed" >> "$out"
	fi
	tally "$out" openapi
}
want nginx && openapi
# This pass keeps FastCGI connections open (fastcgi_keep_conn on), the
# other nginx pass opens one per request: both ways of the worker run the
# whole suite, this one under the sanitizers, but for ASAN_EXCLUDE (files
# whose C paths the suite covers elsewhere: their own servers, clients and
# installs; the browser; usage, metrics, access-log and anomaly files, whose
# C parts are the pure modules that asan-unit and the fuzz targets run under
# the sanitizers, the rest being SQL and waits on the housekeeper). Two shards side by side, like the first pass: a sanitized
# worker waits on PostgreSQL and nginx as much as a plain one.
ASAN_EXCLUDE=test_browser.py,test_run.py,test_multihost.py,test_signing_rotation.py,test_audit.py,test_config.py,test_webservers.py,test_clients.py,test_apache_rs.py,test_errpages.py,test_install.py,test_metrics.py,test_accesslog.py,test_usage.py,test_anomaly.py
ASAN_SHARD2=${ASAN_SHARD2:-test_lifecycle.py,test_reload.py,test_keepconn.py,test_admin_users.py,test_process.py,test_roll.py,test_login.py,test_lineage.py}
asan_run() {	# the arguments of integration_run
	KEEP_CONN=on ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 integration_run "$@"
}
if want asan && [ -x build/asan/jwtmint ]; then
	echo "# integration: asan (two shards)"
	asan_run nginx build/asan asan "$ASAN_EXCLUDE,$ASAN_SHARD2" &
	asan_run nginx build/asan asan "$ASAN_EXCLUDE" "$ASAN_SHARD2" asan-2
	wait
	integration_tally asan
	integration_tally asan-2 asan
fi

# The skips of each suite that ran, against tests/skips.expected (see the
# header). The reason of a skip is its text up to the first ':'.
check_skips() {
	local suite report
	for suite in $suites; do
		touch "$LOG/skipped-$suite.txt"
		report=$(awk -v suite="$suite" -v expected="$SKIPS_EXPECTED" '
			function reason(line,   r) {
				r = line
				sub(/^.* # [Ss][Kk][Ii][Pp]/, "", r)
				sub(/:.*$/, "", r)
				gsub(/^[ \t]+|[ \t]+$/, "", r)
				return r == "" ? "(none)" : r
			}
			BEGIN {
				while ((getline line < expected) > 0) {
					if (line ~ /^[ \t]*(#|$)/)
						continue
					split(line, f, /[ \t]+/)
					if (f[1] != suite)
						continue
					r = line
					sub(/^[^ \t]+[ \t]+[^ \t]+[ \t]+/, "", r)
					base[r] += f[2]
					total_base += f[2]
				}
			}
			{
				r = reason($0)
				n[r]++
				total++
				name = $0
				sub(/^ok - /, "", name)
				sub(/ # [Ss][Kk][Ii][Pp].*$/, "", name)
				tests[r] = tests[r] "\n#     " name
			}
			END {
				over = 0
				for (r in n)
					if (n[r] > base[r] + 0)
						over = 1
				if (over) {
					printf "# WARNING: suite %s skipped %d, baseline %d\n", suite, total, total_base
					for (r in n)
						if (n[r] > base[r] + 0)
							printf "#   reason \"%s\": %d skipped, baseline %d:%s\n", r, n[r], base[r] + 0, tests[r]
					exit 2
				}
				if (total < total_base)
					printf "# note: suite %s skipped %d, baseline %d: lower tests/skips.expected\n", suite, total, total_base
			}' "$LOG/skipped-$suite.txt")
		case $? in
		0) [ -n "$report" ] && echo "$report" ;;
		2)
			echo "$report"
			if [ "${CI:-}" = true ]; then
				step_failed "skips of suite $suite over the baseline (CI=true)"
			fi
			;;
		*) step_failed "skip baseline check of suite $suite" ;;
		esac
	done
}

echo
check_skips
echo "$pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
