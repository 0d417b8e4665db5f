#!/bin/sh
# bench/questions.sh: listing the open questions of a circle with 2,000
# questions and 10,000 answers (plus resolve events), in-process (as
# :WolQuestions does) and through `wol questions`, each through the index
# and by the file scan, beside ripgrep reading the same records. Rerunnable; prints medians and ratios measured in this
# run. BENCH_QUESTIONS, BENCH_ANSWERS and BENCH_RUNS change the sizes.
# Needs luajit (for its ffi clock) and rg.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
make -s -C "$ROOT" all >/dev/null
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wol-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
export HOME="$TMP/home"
mkdir -p "$HOME"
printf '[user]\n\tname = Bench\n\temail = bench@example.org\n[wol]\n\thandle = bench\n[init]\n\tdefaultBranch = main\n' >"$HOME/.gitconfig"
export WOL_HOME="$HOME/wol" GIT_CONFIG_NOSYSTEM=1 WOL_ROOT="$ROOT"
export LUA_CPATH="$ROOT/lua/?.so;;"
unset GIT_CONFIG_GLOBAL
luajit "$ROOT/bench/questions.lua"
