#!/bin/bash
# Runs the test suites and prints one closing line "N passed, N failed"
# totalled over all of them. Usage: tests/run.sh all|core|nvim|asan
#   or: tests/run.sh spec FILE... (single spec files with the same isolated
#   environment: tests/core/* under luajit, tests/nvim/* in headless Neovim)
# Suites run as parallel jobs (WOL_TEST_JOBS, default: the number of cores);
# their results are counted in a fixed order at the end.
# Each suite runs with its own HOME and WOL_HOME under a temporary directory,
# so the user's own files are never touched.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
what=${1:-all}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wol-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
PASSED=0
FAILED=0
SKIPPED=0
LOGS="$TMP/logs"
mkdir -p "$LOGS"

# A clean, isolated identity for the tests.
export HOME="$TMP/home"
mkdir -p "$HOME"
cat > "$HOME/.gitconfig" <<'CFG'
[user]
	name = Test User
	email = test@example.org
[wol]
	handle = tester
[init]
	defaultBranch = main
CFG
export WOL_HOME="$HOME/wol"
export XDG_CONFIG_HOME="$HOME/.config" XDG_DATA_HOME="$HOME/.local/share"
export XDG_STATE_HOME="$HOME/.local/state" XDG_CACHE_HOME="$HOME/.cache"
export GIT_CONFIG_NOSYSTEM=1
# Neovim writes its log here, not into the working directory (.nvimlog)
export NVIM_LOG_FILE="$TMP/nvim.log"
unset GIT_CONFIG_GLOBAL WOL_TODAY WOL_CIRCLE
# which certificate authorities to trust is up to each test (tests/helpers/servers.lua)
unset GIT_SSL_CAINFO GIT_SSL_CAPATH GIT_SSL_NO_VERIFY SSL_CERT_FILE SSL_CERT_DIR WOL_GIT_TOKEN
export TZ=${TZ:-UTC}
export WOL_ROOT="$ROOT"
export LUA_PATH="$ROOT/lua/?.lua;$ROOT/lua/?/init.lua;$ROOT/tests/helpers/?.lua;;"
export LUA_CPATH="$ROOT/lua/?.so;;"

# count <name> <logfile> <exit code>: adds busted's summary to the totals
count() {
	summary=$(grep -aE '^[0-9]+ success(es)? / [0-9]+ failures? / [0-9]+ errors? / [0-9]+ pending' "$2" | tail -1)
	if [ -z "$summary" ]; then
		echo "!! $1: no busted summary (exit $3); output follows"
		tail -40 "$2"
		FAILED=$((FAILED + 1))
		return
	fi
	s=$(echo "$summary" | sed -E 's/^([0-9]+) success.*/\1/')
	f=$(echo "$summary" | sed -E 's/.* ([0-9]+) failures?.*/\1/')
	e=$(echo "$summary" | sed -E 's/.* ([0-9]+) errors?.*/\1/')
	p=$(echo "$summary" | sed -E 's/.* ([0-9]+) pending.*/\1/')
	PASSED=$((PASSED + s))
	SKIPPED=$((SKIPPED + p))
	FAILED=$((FAILED + f + e))
	if [ "$f" -ne 0 ] || [ "$e" -ne 0 ] || [ "$3" -ne 0 ]; then
		echo "!! $1: $summary"
		sed -n '/^Failure\|^Error/,$p' "$2" | head -150
		if [ "$f" -eq 0 ] && [ "$e" -eq 0 ]; then
			FAILED=$((FAILED + 1)) # non-zero exit without a failing test
		fi
	else
		echo "ok $1: $summary"
	fi
}

JOBS=${WOL_TEST_JOBS:-$(nproc 2>/dev/null || echo 2)}
ORDER=""
# job <label> <command...>: runs in the background, at most $JOBS at once
job() {
	label=$1
	shift
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do
		wait -n 2>/dev/null || sleep 0.2
	done
	ORDER="$ORDER $label"
	( "$@" > "$LOGS/$label.log" 2>&1 < /dev/null; echo $? > "$LOGS/$label.rc" ) &
}

run_core() { # <lua interpreter> <label> [module dir]
	interp=$1 label=$2
	cpath="$ROOT/lua/?.so;;"
	[ $# -ge 3 ] && cpath="$3/?.so;;"
	job "$label" env LUA_CPATH="$cpath" WOL_TEST_INTERP="$interp" ${SAN_ENV:-} "$interp" /usr/bin/busted \
		-o plainTerminal --lpath="$ROOT/tests/helpers/?.lua" tests/core
}

run_nvim() {
	for spec in tests/nvim/*_spec.lua; do
		job "nvim:$(basename "$spec" _spec.lua)" env WOL_SPEC="$spec" timeout 300 nvim --headless \
			-u NONE -i NONE -n --cmd "set rtp^=$ROOT" -c "luafile $ROOT/tests/nvim_runner.lua"
	done
}

run_asan() {
	# The sanitizer build, loaded into plain lua5.1 (malloc-based, so ASan
	# sees every allocation); leaks are reported too. This is also the run
	# of the core suite under Lua 5.1. libpcre2 is preloaded so that it
	# stays mapped at exit and its known leak (see lsan.supp) can be
	# matched by name.
	asan=$(cc -print-file-name=libasan.so)
	ubsan=$(cc -print-file-name=libubsan.so)
	WOL_BIN="$ROOT/build/asan/bin/wol" \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	LSAN_OPTIONS=suppressions="$ROOT/tests/lsan.supp":print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	SAN_ENV="LD_PRELOAD=$asan:$ubsan:$(cc -print-file-name=libpcre2-8.so.0)" \
		run_core lua5.1 asan:lua5.1 "$ROOT/build/asan/lua"
}

run_specs() {
	for spec in "$@"; do
		case $spec in
		*tests/nvim/*)
			job "nvim:$(basename "$spec" _spec.lua)" env WOL_SPEC="$spec" timeout 300 nvim --headless \
				-u NONE -i NONE -n --cmd "set rtp^=$ROOT" -c "luafile $ROOT/tests/nvim_runner.lua"
			;;
		*)
			job "core:$(basename "$spec" _spec.lua)" env LUA_CPATH="$ROOT/lua/?.so;;" WOL_TEST_INTERP=luajit \
				luajit /usr/bin/busted -o plainTerminal --lpath="$ROOT/tests/helpers/?.lua" "$spec"
			;;
		esac
	done
}

case $what in
spec)
	shift
	run_specs "$@"
	;;
core)
	run_core luajit core:luajit
	run_core lua5.1 core:lua5.1
	;;
nvim)
	run_nvim
	;;
asan)
	run_asan
	;;
all)
	# the core suite under Lua 5.1 runs as the sanitizer suite
	run_asan
	run_core luajit core:luajit
	run_nvim
	;;
*)
	echo "usage: tests/run.sh all|core|nvim|asan|spec FILE..." >&2
	exit 2
	;;
esac

wait
for label in $ORDER; do
	count "$label" "$LOGS/$label.log" "$(cat "$LOGS/$label.rc" 2>/dev/null || echo 1)"
done
if [ "$SKIPPED" -gt 0 ]; then
	echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
else
	echo "$PASSED passed, $FAILED failed"
fi
[ "$FAILED" -eq 0 ]
