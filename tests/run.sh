#!/bin/bash
# Runs the test suites and prints one closing line "N passed, N failed"
# totalled over all of them. Usage: tests/run.sh all|core|nvim|asan
#   or: tests/run.sh spec FILE|LABEL... (single spec files with the same
#   isolated environment: tests/core/* under luajit, tests/nvim/* in headless
#   Neovim; a label such as asan:qindex or lua5.1:sync names the run)
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
FAILS=""
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
		FAILS="$FAILS!! $1: no busted summary (exit $3)
"
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
		# for the recap at the end: each failing test's place and name
		FAILS="$FAILS!! $1: $(grep -aA1 '^Failure\|^Error' "$2" | grep -av '^--$' | head -20 |
			paste -sd' ' -)
"
		if [ "$f" -eq 0 ] && [ "$e" -eq 0 ]; then
			FAILED=$((FAILED + 1)) # non-zero exit without a failing test
		fi
	else
		echo "ok $1: $summary"
	fi
}

JOBS=${WOL_TEST_JOBS:-$(nproc 2>/dev/null || echo 2)}
# How long each spec took last time (build/test-times, "label seconds";
# tests/spec-times for a fresh checkout): the longest start first, so that
# the cores finish together. Only the order depends on it.
TIMES="$ROOT/build/test-times"
ASAN_LIB=$(cc -print-file-name=libasan.so)
UBSAN_LIB=$(cc -print-file-name=libubsan.so)
PCRE_LIB=$(cc -print-file-name=libpcre2-8.so.0)

# run_label <label>: runs one spec; the label says how:
#   luajit:NAME, lua5.1:NAME  tests/core/NAME_spec.lua under that interpreter
#   asan:NAME                 the same under lua5.1 with the sanitizer build
#                             (malloc-based, so ASan sees every allocation;
#                             leaks are reported too; the CLI the specs run
#                             is the sanitizer one). libpcre2 is preloaded so
#                             that it stays mapped at exit and its known leak
#                             (see lsan.supp) can be matched by name.
#   nvim:NAME                 tests/nvim/NAME_spec.lua in headless Neovim
run_label() {
	name=${1#*:}
	case $1 in
	luajit:* | lua5.1:*)
		env LUA_CPATH="$ROOT/lua/?.so;;" WOL_TEST_INTERP="${1%%:*}" "${1%%:*}" /usr/bin/busted \
			-o plainTerminal --lpath="$ROOT/tests/helpers/?.lua" "tests/core/${name}_spec.lua"
		;;
	asan:*)
		# the sanitized CLI checks for leaks at its exit in the specs about
		# the CLI; elsewhere the interpreter's check covers the library
		child="WOL_CHILD_ASAN_OPTIONS=detect_leaks=0:abort_on_error=1"
		case " $CLI_LEAK_SPECS " in *" $name "*) child="WOL_CHILD_ASAN_OPTIONS=" ;; esac
		env LUA_CPATH="$ROOT/build/asan/lua/?.so;;" WOL_TEST_INTERP=lua5.1 "$child" \
			WOL_BIN="$ROOT/build/asan/bin/wol" \
			ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
			LSAN_OPTIONS=suppressions="$ROOT/tests/lsan.supp":print_suppressions=0 \
			UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
			LD_PRELOAD="$ASAN_LIB:$UBSAN_LIB:$PCRE_LIB" \
			lua5.1 /usr/bin/busted -o plainTerminal --lpath="$ROOT/tests/helpers/?.lua" \
			"tests/core/${name}_spec.lua"
		;;
	nvim:*)
		env WOL_SPEC="tests/nvim/${name}_spec.lua" timeout 300 nvim --headless \
			-u NONE -i NONE -n --cmd "set rtp^=$ROOT" -c "luafile $ROOT/tests/nvim_runner.lua"
		;;
	esac
}

# the specs whose subject is the CLI itself (its arguments, output, errors,
# hostile input): there the sanitized CLI also checks for leaks at exit
CLI_LEAK_SPECS="cli errors fuzz hostile shell terminal"

LABELS=""
add() { LABELS="$LABELS $*"; }
specs() { # <prefix> <dir>: a label per spec file of dir
	for spec in "$2"/*_spec.lua; do
		add "$1:$(basename "$spec" _spec.lua)"
	done
}

ORDER=""
# start <label>: runs it in the background, at most $JOBS at once
start() {
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do
		wait -n 2>/dev/null || sleep 0.2
	done
	ORDER="$ORDER $1"
	(
		t0=$(date +%s%N)
		run_label "$1" > "$LOGS/$1.log" 2>&1 < /dev/null
		echo $? > "$LOGS/$1.rc"
		echo $((($(date +%s%N) - t0) / 1000000000)) > "$LOGS/$1.secs"
	) &
}

# runs every label, the longest last time first
run_all() {
	known=tests/spec-times
	[ -f "$TIMES" ] && known="$TIMES $known"
	# shellcheck disable=SC2086 # two file names
	cat $known 2>/dev/null | awk -v labels="$LABELS" '
		!($1 in secs) { secs[$1] = $2 }
		END {
			n = split(labels, l, " ")
			for (i = 1; i <= n; i++)
				print ((l[i] in secs) ? secs[l[i]] : 100000), l[i]
		}' | sort -k1,1nr -k2 | while read -r _ label; do echo "$label"; done > "$TMP/order"
	while read -r label; do
		start "$label"
	done < "$TMP/order"
}

case $what in
spec)
	shift
	for spec in "$@"; do
		case $spec in
		luajit:* | lua5.1:* | asan:* | nvim:*) add "$spec" ;; # a label: asan:qindex
		*tests/nvim/*) add "nvim:$(basename "$spec" _spec.lua)" ;;
		*) add "luajit:$(basename "$spec" _spec.lua)" ;;
		esac
	done
	# single runs test what is built now, not what was built last: the
	# build they use brought up to date first (make does nothing when it
	# is), the sanitizer build only when an asan: run asks for it
	targets=all
	case " $LABELS " in *" asan:"*) targets="all build/asan/lua/wol/core.so build/asan/bin/wol" ;; esac
	# shellcheck disable=SC2086 # a list of targets
	if ! make -s --no-print-directory -C "$ROOT" $targets >"$TMP/make.log" 2>&1; then
		cat "$TMP/make.log" >&2
		echo "tests/run.sh: the build failed (make $targets); nothing was run" >&2
		exit 1
	fi
	;;
core)
	specs luajit tests/core
	specs lua5.1 tests/core
	;;
nvim)
	specs nvim tests/nvim
	;;
asan)
	specs asan tests/core
	;;
all)
	# the core suite under Lua 5.1 runs as the sanitizer suite
	specs asan tests/core
	specs luajit tests/core
	specs nvim tests/nvim
	;;
*)
	echo "usage: tests/run.sh all|core|nvim|asan|spec FILE..." >&2
	exit 2
	;;
esac
run_all

wait
for label in $LABELS; do
	count "$label" "$LOGS/$label.log" "$(cat "$LOGS/$label.rc" 2>/dev/null || echo 1)"
done
# this run's times replace those of the same labels (for the next order)
if [ -d "$ROOT/build" ] && [ -w "$ROOT/build" ]; then
	for label in $LABELS; do
		[ -s "$LOGS/$label.secs" ] && echo "$label $(cat "$LOGS/$label.secs")"
	done > "$TMP/now"
	{
		cat "$TMP/now"
		if [ -f "$TIMES" ]; then
			awk 'NR == FNR { seen[$1] = 1; next } !($1 in seen)' "$TMP/now" "$TIMES"
		fi
	} > "$TMP/times" && mv "$TMP/times" "$TIMES"
fi
# the failures again, next to the closing line (a log shown by its end
# still names them)
[ -z "$FAILS" ] || printf 'failed:\n%s' "$FAILS"
if [ "$SKIPPED" -gt 0 ]; then
	echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
else
	echo "$PASSED passed, $FAILED failed"
fi
[ "$FAILED" -eq 0 ]
