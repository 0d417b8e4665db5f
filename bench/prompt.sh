#!/bin/sh
# bench/prompt.sh: the day's prompt in-process (ctx:prompt, as :WolPrompt
# and the journal template ask for it) with a circle in its program, the
# circle's own prompt files and the user's, over a year of dates; beside
# `wol prompt --json` as a process and `git rev-parse HEAD` in the circle
# (the cheapest git command a user could run) for scale. Rerunnable:
# sh bench/prompt.sh. BENCH_RUNS (5) rounds over BENCH_DAYS (365) dates;
# BENCH_FILES (20) prompt files in each of the user's and the circle's folder.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
make -s -C "$ROOT" all >/dev/null
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wol-bench-prompt.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
export HOME="$TMP/home"
mkdir -p "$HOME"
printf '[user]\n\tname = Bench\n\temail = bench@example.org\n[wol]\n\thandle = bench\n[init]\n\tdefaultBranch = main\n' >"$HOME/.gitconfig"
export WOL_HOME="$HOME/wol" GIT_CONFIG_NOSYSTEM=1 WOL_ROOT="$ROOT" TZ=UTC
export LUA_CPATH="$ROOT/lua/?.so;;"
unset GIT_CONFIG_GLOBAL WOL_CIRCLE WOL_TODAY
luajit "$ROOT/bench/prompt.lua"
