#!/bin/bash
# soak.sh - three headless Neovim instances (members ana, bo, cy, through
# the plugin's :WolLog, :WolShare and :WolSync) and the CLI (member dee:
# wol log, wol share, wol sync) work at the same time against one circle on
# a loopback git daemon. At the end every member syncs until quiet, and
# every clone and the remote must agree, with every note shared and every
# journal line logged present.
#
# Usage: tests/chaos/soak.sh WORKDIR [OPS_PER_MEMBER]
# Prints "soak: N operations (...), N notes, N journal lines, 0 missing,
# clones agree: yes"; exits non-zero on any problem.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
W=$1
OPS=${2:-30}
WOL=${WOL_BIN:-$ROOT/bin/wol}
unset LD_PRELOAD LUA_PATH LUA_CPATH
mkdir -p "$W"
W=$(cd "$W" && pwd)
export GIT_CONFIG_NOSYSTEM=1
unset XDG_CONFIG_HOME XDG_DATA_HOME GIT_CONFIG_GLOBAL WOL_CIRCLE WOL_TODAY
problems=0
problem() { echo "!! $*"; problems=$((problems + 1)); }

member() { # handle -> sets up $W/<handle> as HOME
	mkdir -p "$W/$1"
	printf '[user]\n\tname = %s\n\temail = %s@example.org\n[wol]\n\thandle = %s\n[init]\n\tdefaultBranch = main\n' \
		"$1" "$1" "$1" >"$W/$1/.gitconfig"
}
as() { # handle cmd...
	local h=$1
	shift
	HOME="$W/$h" WOL_HOME="$W/$h/wol" "$@"
}

base="$W/srv"
mkdir -p "$base"
git init -q --bare -b main "$base/c.git"
port=0
. "$ROOT/tools/git-daemon.sh"
if wol_git_daemon "$base" "$W/daemon.log"; then
	port=$WOL_DAEMON_PORT
fi
dpid=$WOL_DAEMON_PID
[ $port -eq 0 ] && { echo "!! could not start git daemon"; exit 1; }
trap 'kill $dpid 2>/dev/null' EXIT
url="git://127.0.0.1:$port/c.git"

for h in ana bo cy dee; do member $h; done
as ana "$WOL" init c --remote "$url" >/dev/null || { echo "!! init"; exit 1; }
as ana "$WOL" sync >/dev/null 2>&1 || { echo "!! first sync"; exit 1; }
for h in bo cy dee; do
	as $h "$WOL" join "$url" c >/dev/null 2>&1 || { echo "!! $h join"; exit 1; }
done

start=$(date +%s)
pids=""
for h in ana bo cy; do
	as $h env SOAK_OPS="$OPS" SOAK_HANDLE=$h SOAK_OUT="$W/$h.done" timeout 600 \
		nvim --headless -u NONE -i NONE -n --cmd "set rtp^=$ROOT" -c 'runtime plugin/wol.lua' \
		-c "luafile $ROOT/tests/chaos/soak_nvim.lua" </dev/null >"$W/$h.nvim.log" 2>&1 &
	pids="$pids $!"
done
# the CLI member
(
	C="$W/dee/wol/circles/c"
	: >"$W/dee.done"
	fails=0
	for i in $(seq "$OPS"); do
		case $((i % 3)) in
		0) if as dee "$WOL" log "soak dee line $i" >/dev/null 2>>"$W/dee.err"; then
			echo "log soak dee line $i" >>"$W/dee.done"; else fails=$((fails + 1)); fi ;;
		1) mkdir -p "$C/notes/dee"
		   printf '# Soak dee %d\n' "$i" >"$C/notes/dee/soak-$i.md"
		   if as dee "$WOL" share "$C/notes/dee/soak-$i.md" >/dev/null 2>>"$W/dee.err"; then
			echo "note notes/dee/soak-$i.md" >>"$W/dee.done"; else fails=$((fails + 1)); fi ;;
		2) as dee "$WOL" sync >/dev/null 2>>"$W/dee.err" || true ;;
		esac
	done
	echo "fails $fails" >>"$W/dee.done"
) &
pids="$pids $!"
for p in $pids; do wait "$p"; done
secs=$(($(date +%s) - start))

# everyone syncs until nothing moves (two rounds reach a fixed point)
for round in 1 2 3; do
	for h in ana bo cy dee; do
		as $h "$WOL" sync >/dev/null 2>>"$W/final.err" || true
	done
done
remote=$(git --git-dir="$base/c.git" rev-parse main)
agree=yes
for h in ana bo cy dee; do
	[ "$(git -C "$W/$h/wol/circles/c" rev-parse HEAD)" = "$remote" ] ||
		{ agree=no; problem "$h's clone does not match the remote"; }
	git -C "$W/$h/wol/circles/c" fsck --no-progress >/dev/null 2>&1 || problem "git fsck in $h's clone"
	[ -z "$(git -C "$W/$h/wol/circles/c" status --porcelain)" ] || problem "$h's clone has changes: $(git -C "$W/$h/wol/circles/c" status --porcelain | head -3)"
done
git --git-dir="$base/c.git" fsck --no-progress >/dev/null 2>&1 || problem "git fsck on the remote"
notes=0 lines=0 missing=0 fails=0
for h in ana bo cy dee; do
	[ -f "$W/$h.done" ] || { problem "$h did not finish (log: $(tail -5 "$W/$h.nvim.log" 2>/dev/null))"; continue; }
	f=$(sed -n 's/^fails //p' "$W/$h.done")
	[ -n "$f" ] || problem "$h did not finish its loop"
	fails=$((fails + ${f:-0}))
	while read -r kind rest; do
		case $kind in
		note)
			notes=$((notes + 1))
			git --git-dir="$base/c.git" cat-file -e "main:$rest" 2>/dev/null ||
				{ missing=$((missing + 1)); problem "$rest is not on the remote"; } ;;
		log)
			lines=$((lines + 1))
			cat "$W/$h"/wol/journal/*/*.md 2>/dev/null | grep -q -- " $rest\$" ||
				{ missing=$((missing + 1)); problem "journal line '$rest' of $h is missing"; } ;;
		esac
	done <"$W/$h.done"
done
[ "$fails" -eq 0 ] || problem "$fails operations failed (see $W/*.err, $W/*.nvim.log)"
total=$((OPS * 4))
echo "soak: $total operations ($OPS each by 3 Neovim instances and the CLI) in ${secs}s, $notes notes shared, $lines journal lines, $missing missing, clones agree: $agree"
[ $problems -eq 0 ]
