#!/bin/sh
# bench/history.sh: the journal's private history on a generated home of
# 1,100 entries (three years) and 200 people, fixed seed. Measures, as
# processes and beside what a user would run with the git CLI on the same
# repository: the first use (the history made with one commit of
# everything) against `git init && git add && git commit`; a commit of one
# changed entry (`wol journal commit`) against `git add -A journal people
# && git commit`; `wol log` while the batch waits (a stat, no commit)
# against a shell appending the line; and the history of one entry
# (`wol journal log DATE`) against `git log -- PATH`.
# The commit rounds are taken in turns with git's, after a sync.
# Rerunnable: sh bench/history.sh   Sizes: BENCH_ENTRIES=1100 BENCH_RUNS=21
# BENCH_COMMIT_RUNS=41
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
make -s -C "$ROOT" all >/dev/null
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wol-bench-history.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
export HOME="$TMP/home"
mkdir -p "$HOME"
printf '[user]\n\tname = Bench\n\temail = bench@example.org\n[wol]\n\thandle = bench\n\tjournalBatch = 3600\n[init]\n\tdefaultBranch = main\n' >"$HOME/.gitconfig"
export WOL_HOME="$HOME/wol" GIT_CONFIG_NOSYSTEM=1 WOL_ROOT="$ROOT" TZ=UTC WOL_TODAY=2026-03-05
unset GIT_CONFIG_GLOBAL WOL_CIRCLE
luajit "$ROOT/bench/history.lua"
