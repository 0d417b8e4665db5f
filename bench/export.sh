#!/bin/sh
# bench/export.sh: `wol export --all` of a generated circle with 10,000
# notes (and 200 questions with their answers), as HTML and as Markdown,
# beside `git archive` unpacking the same notes as raw files. Target: the
# HTML export under 10 s. Rerunnable; prints medians and ratios measured
# in this run. BENCH_NOTES, BENCH_QUESTIONS and BENCH_RUNS change the sizes.
# Needs luajit (for its ffi clock).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
make -s -C "$ROOT" all >/dev/null
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wol-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
export HOME="$TMP/home"
mkdir -p "$HOME"
printf '[user]\n\tname = Bench Example\n\temail = bench@example.org\n[wol]\n\thandle = bench\n[init]\n\tdefaultBranch = main\n' >"$HOME/.gitconfig"
export WOL_HOME="$HOME/wol" GIT_CONFIG_NOSYSTEM=1 WOL_ROOT="$ROOT" WOL_BENCH_TMP="$TMP"
export LUA_CPATH="$ROOT/lua/?.so;;"
unset GIT_CONFIG_GLOBAL
luajit "$ROOT/bench/export.lua"
