#!/bin/sh
# bench/people.sh: the relationship list with 500 people (each with 0-12
# contribution lines, a tenth of them circle members), fixed seed.
# Measures, in a running Neovim after the module is loaded, :WolPeople from
# the command to the drawn buffer (vim.loop.hrtime around `:WolPeople` +
# `:redraw`; the first open and the median of BENCH_RUNS reopenings) and R
# in the open list; in-process (luajit) ctx:give() and ctx:people(); and,
# in the same run, `wol give` and `wol people --json` as processes beside
# what a user would run otherwise: a shell appending the line with `>>`,
# and `rg -c` counting the contribution lines of every file.
# Rerunnable: sh bench/people.sh   Sizes: BENCH_PEOPLE=500 BENCH_RUNS=31
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
make -s -C "$ROOT" all >/dev/null
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wol-bench-people.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
export HOME="$TMP/home"
mkdir -p "$HOME"
printf '[user]\n\tname = Bench\n\temail = bench@example.org\n[wol]\n\thandle = bench\n[init]\n\tdefaultBranch = main\n' >"$HOME/.gitconfig"
export WOL_HOME="$HOME/wol" GIT_CONFIG_NOSYSTEM=1 WOL_ROOT="$ROOT" TZ=UTC WOL_TODAY=2026-03-05
export LUA_CPATH="$ROOT/lua/?.so;;"
unset GIT_CONFIG_GLOBAL WOL_CIRCLE
luajit "$ROOT/bench/people.lua" generate
luajit "$ROOT/bench/people.lua" core
nvim --headless -u NONE -i NONE -n --cmd "set rtp^=$ROOT" -c 'runtime plugin/wol.lua' \
	-c "luafile $ROOT/bench/people.lua" -c 'qall!'
