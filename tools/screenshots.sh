#!/bin/sh
# Takes the README screenshots from a real terminal: the fixture circle of
# tests/helpers/dashfix.lua in a scratch HOME, Neovim in a detached tmux
# session, `tmux capture-pane -e` and tools/ansi2png.py (ImageMagick).
# Writes doc/img/dashboard.png and doc/img/prompt.png.
# Usage: sh tools/screenshots.sh   (needs make, tmux, imagemagick, luajit)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wol-shots.XXXXXX")
SOCK=wol-shots-$$
trap 'tmux -L "$SOCK" kill-server 2>/dev/null || true; rm -rf "$TMP"' EXIT INT TERM
export HOME="$TMP/home"
mkdir -p "$HOME"
cat > "$HOME/.gitconfig" <<'CFG'
[user]
	name = Sam Rivera
	email = sam@example.org
[wol]
	handle = tester
[init]
	defaultBranch = main
CFG
export WOL_HOME="$HOME/wol" GIT_CONFIG_NOSYSTEM=1 TZ=UTC WOL_ROOT="$ROOT"
unset GIT_CONFIG_GLOBAL WOL_TODAY WOL_CIRCLE
LUA_PATH="$ROOT/tests/helpers/?.lua;;" LUA_CPATH="$ROOT/lua/?.so;;" luajit -e "require('dashfix').build()" >/dev/null

# shot NAME ROWS EX-COMMANDS...: one screenshot of Neovim running the commands
shot() {
	name=$1 rows=$2
	shift 2
	cmds=""
	for c in "$@"; do cmds="$cmds -c '$c'"; done
	tmux -L "$SOCK" -f /dev/null new-session -d -x 100 -y "$rows" \
		"env WOL_TODAY=2026-03-05 TERM=tmux-256color nvim -u NONE -i NONE -n --cmd 'set rtp^=$ROOT' \
		-c 'set termguicolors' -c 'colorscheme desert' -c 'runtime plugin/wol.lua' $cmds"
	sleep 2
	tmux -L "$SOCK" capture-pane -p -e > "$TMP/$name.ansi"
	tmux -L "$SOCK" kill-server
	python3 "$ROOT/tools/ansi2png.py" "$TMP/$name.ansi" "$ROOT/doc/img/$name.png"
	echo "doc/img/$name.png"
}

shot dashboard 46 "edit $WOL_HOME/circles/writers/notes/tester/outline.md" 'WolCircle'
shot prompt 32 'WolJournal' 'WolPrompt'
