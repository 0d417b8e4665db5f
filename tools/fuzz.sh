#!/bin/sh
# Runs each libFuzzer target in build/fuzz for $FUZZ_SECONDS over the
# committed seeds (tests/fuzz/corpus/<target>, read only) and a working
# corpus in build/fuzz/corpus/<target>, then the Lua binding fuzzer under
# luajit and under lua5.1 with the ASan build. Prints executions per target
# and a total; exits non-zero on the first crash (the input is saved as
# build/fuzz/artifacts/<target>-crash-*; add it to the corpus once fixed).
# Usage: tools/fuzz.sh TARGET...
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SECONDS_EACH=${FUZZ_SECONDS:-60}
LUA_CALLS=${FUZZ_LUA_CALLS:-200000}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wol-fuzz.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
mkdir -p build/fuzz/artifacts
total=0
status=0
for t in "$@"; do
	work=build/fuzz/corpus/$t
	mkdir -p "$work" "$TMP/$t"
	log=build/fuzz/$t.log
	WOL_FUZZ_TMP="$TMP/$t" ASAN_OPTIONS=detect_leaks=1 \
		"build/fuzz/$t" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="build/fuzz/artifacts/$t-" \
		"$work" "tests/fuzz/corpus/$t" > "$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	runs=${runs:-0}
	total=$((total + runs))
	if [ $rc -ne 0 ]; then
		echo "!! fuzz $t: exit $rc after $runs executions; log: $log"
		grep -a -A30 'ERROR\|fuzz check failed\|deadly signal' "$log" | head -60
		status=1
	else
		echo "ok fuzz $t: $runs executions in ${SECONDS_EACH}s"
	fi
done

# The Lua binding: every function of wol.core and every ctx method with
# random arguments.
lua_fuzz() { # <label> <interp> <module dir> [env...]
	label=$1 interp=$2 mod=$3
	shift 3
	mkdir -p "$TMP/lua-$label"
	out=$(cd "$TMP/lua-$label" && env HOME="$TMP/lua-$label" GIT_CONFIG_NOSYSTEM=1 \
		LUA_CPATH="$mod/?.so;;" "$@" "$interp" "$ROOT/tests/fuzz/lua_api_run.lua" \
		"$LUA_CALLS" "$(date +%s)" 2>&1)
	rc=$?
	calls=$(echo "$out" | sed -n 's/^lua fuzz: \([0-9]*\) calls.*/\1/p' | tail -1)
	calls=${calls:-0}
	total=$((total + calls))
	if [ $rc -ne 0 ]; then
		echo "!! fuzz lua ($label): exit $rc"
		echo "$out" | tail -40
		status=1
	else
		echo "ok fuzz lua ($label): $(echo "$out" | tail -1)"
	fi
}
lua_fuzz luajit luajit "$ROOT/lua"
asan=$(cc -print-file-name=libasan.so)
ubsan=$(cc -print-file-name=libubsan.so)
lua_fuzz asan lua5.1 "$ROOT/build/asan/lua" LD_PRELOAD="$asan:$ubsan" \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	LSAN_OPTIONS=suppressions="$ROOT/tests/lsan.supp":print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

echo "fuzz: $total executions in all"
exit $status
