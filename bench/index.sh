#!/bin/sh
# Benchmark of the search index (issue "Index and search"): builds a
# generated corpus (fixed seed) of notes, journal entries and questions in
# a scratch $WOL_HOME, then measures a full build, a refresh with nothing
# changed, a refresh after a commit touching 10 files, and search medians
# against `rg -l -i` over the same files, in one run.
#
# Sizes (defaults are the issue's corpus):
#   WOL_BENCH_NOTES=10000 WOL_BENCH_NOTE_BYTES=4096
#   WOL_BENCH_JOURNAL=2000 WOL_BENCH_QUESTIONS=2000
#   WOL_BENCH_DIR=/tmp/wol-bench-index (deleted and regenerated each run
#   unless WOL_BENCH_KEEP=1 and it was made with the same sizes)
#   WOL_BENCH_SKIP_BUILD=1: leave out the full builds and the bare FTS5
#   load (the refresh and search figures alone)
# Usage: sh bench/index.sh   (needs `make` first; installs ripgrep if missing)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
[ -x "$ROOT/bin/wol" ] && [ -f "$ROOT/lua/wol/core.so" ] || { echo "bench: run make first" >&2; exit 1; }
if ! command -v rg >/dev/null 2>&1; then
	echo "bench: installing ripgrep" >&2
	if [ "$(id -u)" = 0 ]; then apt-get install -y ripgrep >/dev/null; else sudo apt-get install -y ripgrep >/dev/null; fi
fi
command -v luajit >/dev/null 2>&1 || { echo "bench: needs luajit (apt-get install luajit)" >&2; exit 1; }

DIR=${WOL_BENCH_DIR:-/tmp/wol-bench-index}
mkdir -p "$DIR/home"
export HOME="$DIR/home"
export WOL_HOME="$HOME/wol"
export GIT_CONFIG_NOSYSTEM=1 TZ=UTC
unset GIT_CONFIG_GLOBAL WOL_TODAY
cat > "$HOME/.gitconfig" <<'CFG'
[user]
	name = Bench Member
	email = bench@example.org
[wol]
	handle = bench
[init]
	defaultBranch = main
CFG
export WOL_ROOT="$ROOT"
export LUA_CPATH="$ROOT/lua/?.so;;"
exec luajit "$ROOT/bench/index.lua"
