#!/bin/sh
# bench/feedback.sh: drawing feedback in a shared note. A 2,000-line note
# with 200 pieces of feedback written on five versions of it; in a
# headless Neovim, the time to draw them (signs and end-of-line text, and
# with feedback.inline = "full"), against placing 200 bare extmarks in the
# same Neovim (the floor of any drawing), and the time of a whole refresh
# (reading the records, anchoring them through the diffs, drawing).
# Rerunnable; prints medians, spreads and ratios measured in this run.
#   BENCH_FEEDBACK_RUNS (200) drawings per figure.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
make -s -C "$ROOT" all >/dev/null
command -v luajit >/dev/null 2>&1 || { echo "bench: needs luajit (apt-get install luajit)" >&2; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wol-bench-feedback.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
export HOME="$TMP/home" XDG_CONFIG_HOME="$TMP/home/.config" XDG_DATA_HOME="$TMP/home/.local/share"
export XDG_STATE_HOME="$TMP/home/.local/state" XDG_CACHE_HOME="$TMP/home/.cache"
mkdir -p "$HOME"
printf '[user]\n\tname = Bench\n\temail = bench@example.org\n[wol]\n\thandle = bench\n[init]\n\tdefaultBranch = main\n' >"$HOME/.gitconfig"
export WOL_HOME="$HOME/wol" GIT_CONFIG_NOSYSTEM=1 WOL_ROOT="$ROOT" WOL_BENCH_TMP="$TMP" TZ=UTC
export LUA_CPATH="$ROOT/lua/?.so;;"
unset GIT_CONFIG_GLOBAL LUA_PATH
luajit "$ROOT/bench/feedback.lua"
