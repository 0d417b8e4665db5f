#!/bin/bash
# kill.sh - kill -9 at random moments during journal writes, shares, index
# refreshes and syncs (against a git daemon on loopback), then check that
# the next operation recovers, `git fsck` stays clean and everything that
# was reported written (exit 0) is there.
#
# Usage: tests/chaos/kill.sh WORKDIR [ITERATIONS_PER_KIND]
# Env: WOL_BIN (default bin/wol). Prints one line per kind and a summary
#   "chaos: N kills, N completed, N reported written, 0 missing, 0 fsck
#    failures, 0 recovery failures"; exits non-zero on any problem.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
W=$1
N=${2:-50}
WOL=${WOL_BIN:-$ROOT/bin/wol}
unset LD_PRELOAD
mkdir -p "$W"
W=$(cd "$W" && pwd)
export HOME="$W/home" WOL_HOME="$W/home/wol" GIT_CONFIG_NOSYSTEM=1 WOL_TODAY=2026-03-14
unset XDG_CONFIG_HOME XDG_DATA_HOME GIT_CONFIG_GLOBAL WOL_CIRCLE
mkdir -p "$HOME"
printf '[user]\n\tname = Chaos Tester\n\temail = chaos@example.org\n[wol]\n\thandle = tester\n[init]\n\tdefaultBranch = main\n' \
	> "$HOME/.gitconfig"

kills=0 completed=0 reported=0 missing=0 fsckfail=0 recoverfail=0
problem() { echo "!! $*"; }

# run_killed MAXMS CMD...: runs CMD and kills it with SIGKILL after a
# random 0..MAXMS milliseconds unless it ended before; sets RC (137 when
# killed, else its exit status).
run_killed() {
	local ms=$((RANDOM % $1 + 1))
	shift
	# (timeout kills its own process group too: bash's "Killed" note goes
	# to /dev/null)
	{ timeout -s KILL "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))" "$@" >/dev/null \
		2>"$W/last.err"; } 2>/dev/null
	RC=$?
	if [ "$RC" -eq 137 ]; then
		kills=$((kills + 1))
	elif [ "$RC" -eq 0 ]; then
		completed=$((completed + 1))
	else
		recoverfail=$((recoverfail + 1))
		problem "$* failed after an earlier kill (exit $RC): $(head -c 300 "$W/last.err")"
	fi
}

fsck() { # <git dir or work tree>
	if ! git -C "$1" fsck --no-progress >"$W/fsck.out" 2>&1; then
		fsckfail=$((fsckfail + 1))
		problem "git fsck in $1: $(head -c 300 "$W/fsck.out")"
	fi
}

# ---------------------------------------------------------------- server
base="$W/srv"
mkdir -p "$base"
git init -q --bare -b main "$base/c.git"
port=0
. "$ROOT/tools/git-daemon.sh"
if wol_git_daemon "$base" "$W/daemon.log"; then
	port=$WOL_DAEMON_PORT
fi
dpid=$WOL_DAEMON_PID
if [ $port -eq 0 ]; then
	echo "!! could not start git daemon"
	exit 1
fi
trap 'kill $dpid 2>/dev/null' EXIT
url="git://127.0.0.1:$port/c.git"
"$WOL" init c --remote "$url" >/dev/null || { echo "!! wol init failed"; exit 1; }
"$WOL" sync >/dev/null 2>&1 || { echo "!! first wol sync failed"; exit 1; }
C="$WOL_HOME/circles/c"
entry="$WOL_HOME/journal/2026/2026-03-14.md"

# --------------------------------------------------------------- journal
k0=$kills
: >"$W/journal.reported"
for i in $(seq "$N"); do
	run_killed 70 "$WOL" log --time 10:00 "chaosline$i"
	[ "$RC" -eq 0 ] && echo "chaosline$i" >>"$W/journal.reported"
done
"$WOL" log --time 10:01 "after the storm" >/dev/null 2>"$W/last.err" ||
	{ recoverfail=$((recoverfail + 1)); problem "log after the kills: $(cat "$W/last.err")"; }
n=0
while read -r line; do
	n=$((n + 1))
	grep -q -- "- 10:00 $line\$" "$entry" || { missing=$((missing + 1)); problem "journal line $line is missing"; }
done <"$W/journal.reported"
reported=$((reported + n))
ls -a "$(dirname "$entry")" | grep -q '\.tmp' && problem "temp files left in the journal: $(ls -a "$(dirname "$entry")")" &&
	recoverfail=$((recoverfail + 1))
"$WOL" stats >/dev/null 2>"$W/last.err" || { recoverfail=$((recoverfail + 1)); problem "stats: $(cat "$W/last.err")"; }
echo "journal: $N runs, $((kills - k0)) killed, $n reported written, all present: $([ $missing -eq 0 ] && echo yes || echo NO)"

# ----------------------------------------------------------------- share
k0=$kills m0=$missing
: >"$W/share.reported"
mkdir -p "$C/notes/tester"
for i in $(seq "$N"); do
	printf '# Chaos %d\n\nshared under fire %d\n' "$i" "$i" >"$C/notes/tester/chaos-$i.md"
	run_killed 90 "$WOL" share "$C/notes/tester/chaos-$i.md" -m "chaos $i"
	[ "$RC" -eq 0 ] && echo "$i" >>"$W/share.reported"
	fsck "$C"
done
n=0
while read -r i; do
	n=$((n + 1))
	git -C "$C" cat-file -e "HEAD:notes/tester/chaos-$i.md" 2>/dev/null ||
		{ missing=$((missing + 1)); problem "shared note chaos-$i.md is not in HEAD"; }
done <"$W/share.reported"
reported=$((reported + n))
# the next share still works
printf '# After\n' >"$C/notes/tester/after.md"
"$WOL" share "$C/notes/tester/after.md" >/dev/null 2>"$W/last.err" ||
	{ recoverfail=$((recoverfail + 1)); problem "share after the kills: $(cat "$W/last.err")"; }
echo "share: $N runs, $((kills - k0)) killed, $n reported written, all present: $([ $missing -eq $m0 ] && echo yes || echo NO)"

# ----------------------------------------------------------------- index
k0=$kills m0=$missing
: >"$W/index.reported"
for i in $(seq "$N"); do
	"$WOL" log --time 11:00 "idxword$i" >/dev/null 2>&1
	run_killed 60 "$WOL" index
	[ "$RC" -eq 0 ] && echo "$i" >>"$W/index.reported"
done
"$WOL" index >/dev/null 2>"$W/last.err" ||
	{ recoverfail=$((recoverfail + 1)); problem "index after the kills: $(cat "$W/last.err")"; }
ic=$(sqlite3 "$WOL_HOME/index.db" 'PRAGMA integrity_check' 2>&1)
[ "$ic" = ok ] || { recoverfail=$((recoverfail + 1)); problem "index.db integrity: $ic"; }
n=0
for i in $(seq "$N"); do
	n=$((n + 1))
	"$WOL" search --no-refresh "idxword$i" 2>/dev/null | grep -q '2026-03-14.md' ||
		{ missing=$((missing + 1)); problem "idxword$i is not found after the refresh"; }
done
echo "index: $N runs, $((kills - k0)) killed, $(wc -l <"$W/index.reported") completed, every line searchable: $([ $missing -eq $m0 ] && echo yes || echo NO)"

# ------------------------------------------------------------------ sync
k0=$kills m0=$missing
for i in $(seq "$N"); do
	printf '# Sync %d\n' "$i" >"$C/notes/tester/sync-$i.md"
	"$WOL" share "$C/notes/tester/sync-$i.md" >/dev/null 2>"$W/last.err" ||
		{ recoverfail=$((recoverfail + 1)); problem "share before sync $i: $(cat "$W/last.err")"; }
	run_killed 300 "$WOL" sync
	fsck "$C"
done
"$WOL" sync >/dev/null 2>"$W/last.err" ||
	{ recoverfail=$((recoverfail + 1)); problem "sync after the kills: $(cat "$W/last.err")"; }
fsck "$base/c.git"
n=0
for i in $(seq "$N"); do
	n=$((n + 1))
	git --git-dir="$base/c.git" cat-file -e "main:notes/tester/sync-$i.md" 2>/dev/null ||
		{ missing=$((missing + 1)); problem "sync-$i.md never reached the remote"; }
done
while read -r i; do
	git --git-dir="$base/c.git" cat-file -e "main:notes/tester/chaos-$i.md" 2>/dev/null ||
		{ missing=$((missing + 1)); problem "chaos-$i.md never reached the remote"; }
done <"$W/share.reported"
reported=$((reported + n))
[ "$(git -C "$C" rev-parse HEAD)" = "$(git --git-dir="$base/c.git" rev-parse main)" ] ||
	{ missing=$((missing + 1)); problem "the clone and the remote disagree after the last sync"; }
echo "sync: $N runs, $((kills - k0)) killed, $n notes shared, all on the remote: $([ $missing -eq $m0 ] && echo yes || echo NO)"

echo "chaos: $kills kills, $completed completed, $reported reported written, $missing missing, $fsckfail fsck failures, $recoverfail recovery failures"
[ $missing -eq 0 ] && [ $fsckfail -eq 0 ] && [ $recoverfail -eq 0 ]
