#!/bin/sh
# Installs the Debian packages wol.nvim needs to build, test and run its demo,
# only when one is missing. Root: apt-get; otherwise sudo when available;
# otherwise print the exact command and fail.
set -eu
PKGS="gcc make pkg-config libgit2-dev libsqlite3-dev libyaml-dev libcjson-dev
libluajit-5.1-dev luajit lua5.1 lua-busted neovim git tmux openssh-server
sqlite3 python3 strace"
# `sh tools/deps.sh fuzz`: also the clang and libFuzzer runtime `make fuzz` needs.
if [ "${1:-}" = fuzz ]; then
	PKGS="$PKGS clang-14 libclang-rt-14-dev"
fi

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

cmd="apt-get install -y --no-install-recommends$missing"
echo "wol: installing missing packages:$missing" >&2
if [ "$(id -u)" = 0 ]; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $cmd
elif command -v sudo >/dev/null 2>&1; then
	sudo apt-get update -qq
	sudo DEBIAN_FRONTEND=noninteractive $cmd
else
	echo "wol: cannot install packages (not root, no sudo). Run as root:" >&2
	echo "  apt-get update && $cmd" >&2
	exit 1
fi
