#!/bin/sh
# bench/share.sh: in-process share vs `git add && git commit` vs `wol share`
# on a generated 10,000-note, 1,000-commit circle. Rerunnable; prints the
# medians and ratios measured in this run. BENCH_NOTES, BENCH_COMMITS and
# BENCH_RUNS change the sizes. Needs luajit (for its ffi clock).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
make -s -C "$ROOT" all >/dev/null
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wol-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
export HOME="$TMP/home"
mkdir -p "$HOME"
printf '[user]\n\tname = Bench\n\temail = bench@example.org\n[wol]\n\thandle = tester\n[init]\n\tdefaultBranch = main\n' >"$HOME/.gitconfig"
export WOL_HOME="$HOME/wol" GIT_CONFIG_NOSYSTEM=1 WOL_ROOT="$ROOT"
export LUA_CPATH="$ROOT/lua/?.so;;"
unset GIT_CONFIG_GLOBAL
luajit "$ROOT/bench/share.lua"
