#!/bin/sh
# bench/dashboard.sh: :WolCircle on a generated circle of 20 members,
# 10,000 notes and 2,000 questions (with answers and resolve events), fixed
# seed. Measures, in a running Neovim after the module is loaded, the time
# from the command to the drawn buffer (vim.loop.hrtime around
# `:WolCircle` + `:redraw`), median of BENCH_RUNS; and, in the same run,
# `wol status --json` as a process, and what a user would run otherwise to
# see what is new: `git log --since=7.days --name-status` and `rg -l` for
# the open questions. Rerunnable: sh bench/dashboard.sh
# Sizes: BENCH_MEMBERS=20 BENCH_NOTES=10000 BENCH_QUESTIONS=2000 BENCH_RUNS=31;
# BENCH_DIR=DIR keeps the generated circle in DIR for the next run.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
make -s -C "$ROOT" all >/dev/null
if [ -n "${BENCH_DIR:-}" ]; then # keep the generated circle there between runs
	TMP=$BENCH_DIR
	mkdir -p "$TMP"
else
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/wol-bench-dash.XXXXXX")
	trap 'rm -rf "$TMP"' EXIT INT TERM
fi
export HOME="$TMP/home"
mkdir -p "$HOME"
printf '[user]\n\tname = Bench Member\n\temail = m00@example.org\n[wol]\n\thandle = m00\n[init]\n\tdefaultBranch = main\n' >"$HOME/.gitconfig"
export WOL_HOME="$HOME/wol" GIT_CONFIG_NOSYSTEM=1 WOL_ROOT="$ROOT" TZ=UTC WOL_TODAY=2026-03-05
export LUA_CPATH="$ROOT/lua/?.so;;"
unset GIT_CONFIG_GLOBAL WOL_CIRCLE
[ -d "$WOL_HOME/circles/bench" ] || luajit "$ROOT/bench/dashboard.lua" generate
nvim --headless -u NONE -i NONE -n --cmd "set rtp^=$ROOT" -c 'runtime plugin/wol.lua' \
	-c "luafile $ROOT/bench/dashboard.lua" -c 'qall!'
