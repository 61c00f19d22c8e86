#!/usr/bin/env bash
# tests/run.sh: every test of `make test`, one line per test, then
# "N passed, N failed". Exit status 1 on any failure.
#   1. unit tests of the pure modules (build/tests/*)
#   2. the same unit tests on the ASan + UBSan build
#   3. libFuzzer targets, a short run each from the seed corpora
#   4. integration: real PostgreSQL + real nginx + build/jwtmint
#   5. integration in CGI mode (no web server)
#   6. integration on the ASan + UBSan build behind nginx (without the
#      files that test make run and two hosts: they exercise the scripts
#      more than jwtmint, whose same code paths run in 4)
# FUZZ_SECONDS (default 5) sets the length of each fuzz run; ONLY=unit,
# asan-unit, fuzz, nginx, cgi or asan (comma-separated) runs a subset.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT"
FUZZ_SECONDS=${FUZZ_SECONDS:-5}
ONLY=${ONLY:-unit,asan-unit,fuzz,nginx,cgi,asan}
LOG=$ROOT/build/test-logs
mkdir -p "$LOG"
pass=0
fail=0

want() { case ",$ONLY," in *",$1,"*) return 0 ;; esac; return 1; }

# Count the ok / not ok lines of one suite's output and echo them.
tally() {
	local out=$1 p f
	cat "$out"
	p=$(grep -c '^ok - ' "$out" || true)
	f=$(grep -c '^not ok - ' "$out" || true)
	pass=$((pass + p))
	fail=$((fail + f))
}

# A whole step that failed without saying which test: one failure line.
step_failed() {
	echo "not ok - $1"
	fail=$((fail + 1))
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
		tally "$out"
	done
}

if want unit; then
	echo "# unit tests"
	run_units build unit
fi

if want asan-unit || want asan; then
	echo "# building the ASan + UBSan binaries"
	if make --no-print-directory asan > "$LOG/asan-build.out" 2>&1; then
		want asan-unit && run_units build/asan asan-unit
	else
		tail -20 "$LOG/asan-build.out"
		step_failed "asan build"
	fi
fi

if want fuzz; then
	echo "# fuzzing, ${FUZZ_SECONDS}s per target"
	# Build only: FUZZ_SECS (the long campaign of `make fuzz`) is not ours.
	if make --no-print-directory fuzz FUZZ_SECS= > "$LOG/fuzz-build.out" 2>&1; then
		for f in build/fuzz/fuzz_*; do
			[ -x "$f" ] || continue
			name=${f##*/fuzz_}
			work=$ROOT/build/fuzz/corpus-$name
			mkdir -p "$work"
			if "$f" -max_total_time="$FUZZ_SECONDS" -timeout=10 \
			    -rss_limit_mb=1024 -artifact_prefix="$ROOT/build/fuzz/crash-$name-" \
			    "$work" "tests/fuzz/seeds/$name" > "$LOG/fuzz-$name.out" 2>&1; then
				echo "ok - fuzz $name ($(grep -o 'Done [0-9]* runs' "$LOG/fuzz-$name.out"))"
				pass=$((pass + 1))
			else
				tail -30 "$LOG/fuzz-$name.out"
				step_failed "fuzz $name (crash input in build/fuzz/)"
			fi
		done
	else
		tail -20 "$LOG/fuzz-build.out"
		step_failed "fuzz build"
	fi
fi

integration() {	# $1 = mode, $2 = bin dir, $3 = label [, $4 = files to leave out]
	local out=$LOG/integration-$3.out
	echo "# integration: $3"
	python3 tests/integration/run.py --mode "$1" --bin "$2" --label "$3" \
	    --exclude "${4:-}" > "$out" 2>&1
	local rc=$?
	tally "$out"
	if [ $rc != 0 ] && ! grep -q '^not ok - ' "$out"; then
		step_failed "integration $3 (runner exited $rc)"
	fi
}

want nginx && integration nginx build nginx
want cgi && integration cgi build cgi
if want asan && [ -x build/asan/jwtmint ]; then
	# This pass keeps FastCGI connections open (fastcgi_keep_conn on), the
	# other nginx pass opens one per request: both ways of the worker run
	# the whole suite, this one under the sanitizers.
	KEEP_CONN=on ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    integration nginx build/asan asan \
	    test_run.py,test_multihost.py
fi

echo
echo "$pass passed, $fail failed"
[ $fail = 0 ]
