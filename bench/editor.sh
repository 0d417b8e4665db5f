#!/bin/sh
# bench/editor.sh: what the plugin costs Neovim. Startup with the plugin on
# 'runtimepath' against without it (--startuptime lines of plugin/wol.lua,
# and the wall time of `nvim --headless +q`), the first :WolPrompt in a
# fresh Neovim (module load included), and resident memory with the module
# and an index of 10,000 notes opened against a bare Neovim. Rerunnable;
# prints medians, spreads and ratios measured in this run.
#   BENCH_STARTUP_RUNS (20), BENCH_FIRST_RUNS (15), BENCH_MEM_RUNS (5),
#   BENCH_MEM_NOTES (10000) change the sizes; WOL_BENCH_MEM_HOME=DIR uses an
#   existing $WOL_HOME that has an index.db (bench/run.sh passes the one
#   bench/index.sh built) instead of generating notes.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
make -s -C "$ROOT" all >/dev/null
command -v luajit >/dev/null 2>&1 || { echo "bench: needs luajit (apt-get install luajit)" >&2; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wol-bench-editor.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
export HOME="$TMP/home" XDG_CONFIG_HOME="$TMP/home/.config" XDG_DATA_HOME="$TMP/home/.local/share"
export XDG_STATE_HOME="$TMP/home/.local/state" XDG_CACHE_HOME="$TMP/home/.cache"
mkdir -p "$HOME" "$TMP/empty"
printf '[user]\n\tname = Bench\n\temail = bench@example.org\n[wol]\n\thandle = bench\n[init]\n\tdefaultBranch = main\n' >"$HOME/.gitconfig"
export WOL_HOME="$HOME/wol" GIT_CONFIG_NOSYSTEM=1 WOL_ROOT="$ROOT" WOL_BENCH_TMP="$TMP" TZ=UTC
export LUA_CPATH="$ROOT/lua/?.so;;"
unset GIT_CONFIG_GLOBAL LUA_PATH
luajit "$ROOT/bench/editor.lua"
