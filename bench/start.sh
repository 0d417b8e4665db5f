#!/bin/sh
# bench/start.sh: how long a `wol` process takes for the commands people
# type in a shell and that never touch git (`wol prompt`, `wol log TEXT`,
# `wol journal --path`, `wol search --no-refresh WORD`) beside `git
# --version`, the cheapest process git has, interleaved in the same run
# (issue 20: each within 1.5x). Processes are started with posix_spawn, no
# shell in between. Also prints the shared objects each process loads
# (LD_DEBUG=files) and the instruction counts of one process of each
# (callgrind, which the machine's load does not move) when valgrind is
# installed. Rerunnable: sh bench/start.sh. BENCH_RUNS (41) rounds;
# BENCH_NOTES (300) notes in the circle the search looks at.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
make -s -C "$ROOT" all >/dev/null
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wol-bench-start.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
export HOME="$TMP/home"
mkdir -p "$HOME"
printf '[user]\n\tname = Bench\n\temail = bench@example.org\n[wol]\n\thandle = bench\n[init]\n\tdefaultBranch = main\n' >"$HOME/.gitconfig"
# an hour old: a config file changed in the last two seconds is read again
# by every process (csrc/ctx_config.c), which is not the steady state
touch -d '1 hour ago' "$HOME/.gitconfig"
export WOL_HOME="$HOME/wol" GIT_CONFIG_NOSYSTEM=1 WOL_ROOT="$ROOT" TZ=UTC
export LUA_CPATH="$ROOT/lua/?.so;;"
unset GIT_CONFIG_GLOBAL WOL_CIRCLE WOL_TODAY WOL_TRACE_GIT
# the engine's own floor for the search row: the same search done by
# sqlite alone (bench/sqlite_search.c), through the library the CLI loads
cc -O2 -o "$TMP/sqlite-search" "$ROOT/bench/sqlite_search.c" -ldl
export BENCH_SQLITE_SEARCH="$TMP/sqlite-search"
# and the disk's floor for `wol log`: the same durable write alone
cc -O2 -o "$TMP/durable-write" "$ROOT/bench/durable_write.c"
export BENCH_DURABLE_WRITE="$TMP/durable-write"
if [ -f "$ROOT/bin/wol-sqlite3.so" ]; then
	export BENCH_SQLITE_LIB="$ROOT/bin/wol-sqlite3.so"
else
	export BENCH_SQLITE_LIB=libsqlite3.so.0
fi
luajit "$ROOT/bench/start.lua"
