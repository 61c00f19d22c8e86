#!/bin/sh
# scripts/fuzz.sh SECONDS: run every libFuzzer target of build/fuzz/ (built
# by `make fuzz`) for SECONDS each, one after another, from its seed corpus
# (tests/fuzz/seeds/NAME, read only) and a working corpus kept in
# build/fuzz/corpus-NAME. A crash, leak or sanitizer report stops that
# target; its input is left as build/fuzz/crash-NAME-*. Prints one line per
# target (executions, coverage edges "cov", features "ft", corpus size) and
# writes them to build/fuzz/campaign.txt. Exit status 1 when any target
# failed. FUZZ_TARGETS="form jwtverify_diff" runs only those.
set -u
secs=${1:?usage: scripts/fuzz.sh SECONDS}
cd "$(dirname "$0")/.."
out=build/fuzz/campaign.txt
log=build/fuzz/logs
mkdir -p "$log"
: > "$out"
fail=0
printf '# %s: %ss per target, clang %s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$secs" \
    "$(clang --version | sed -n 's/.*clang version \([0-9.]*\).*/\1/p')" | tee -a "$out"
printf '%-16s %6s %12s %6s %7s %7s %s\n' target secs execs cov ft corpus result | tee -a "$out"
for f in build/fuzz/fuzz_*; do
	[ -x "$f" ] || continue
	name=${f##*/fuzz_}
	if [ -n "${FUZZ_TARGETS:-}" ]; then
		case " $FUZZ_TARGETS " in *" $name "*) ;; *) continue ;; esac
	fi
	mkdir -p "build/fuzz/corpus-$name"
	start=$(date +%s)
	if "$f" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="build/fuzz/crash-$name-" \
	    "build/fuzz/corpus-$name" "tests/fuzz/seeds/$name" \
	    > "$log/$name.out" 2>&1; then
		result=ok
	else
		result="FAILED (see $log/$name.out)"
		fail=1
	fi
	took=$(( $(date +%s) - start ))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log/$name.out" | tail -1)
	last=$(grep -E '^#[0-9]+' "$log/$name.out" | tail -1)
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p')
	printf '%-16s %6s %12s %6s %7s %7s %s\n' "$name" "$took" "${execs:-?}" \
	    "${cov:-?}" "${ft:-?}" "${corp:-?}" "$result" | tee -a "$out"
done
exit $fail
