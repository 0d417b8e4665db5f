#!/bin/sh
# bench/sync.sh: `wol sync` against the git CLI on the same repositories,
# served by a git daemon on 127.0.0.1 started here. Rerunnable; prints the
# medians of this run and their ratios.
#   1. one shared note: `wol sync` (fetch + push) vs `git push`, and vs
#      `git pull --no-rebase && git push` (what sync does)
#   2. a circle of BENCH_MEMBERS members with BENCH_NOTES notes each:
#      `wol join` vs `git clone` (target: join within 1.3x, issue 20; the
#      index is built later, in the background, by the editor), then a sync
#      that brings one new note from every member and pushes one commit, vs
#      `git pull && git push`
# BENCH_RUNS (default 7), BENCH_MEMBERS (20), BENCH_NOTES (500) change sizes.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
make -s -C "$ROOT" all >/dev/null
RUNS=${BENCH_RUNS:-7}
MEMBERS=${BENCH_MEMBERS:-20}
NOTES=${BENCH_NOTES:-500}
WOL="$ROOT/bin/wol"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wol-bench-sync.XXXXXX")
DPID=""
cleanup() {
	[ -n "$DPID" ] && kill "$DPID" 2>/dev/null
	[ -n "${BENCH_KEEP:-}" ] && echo "kept $TMP" >&2 || rm -rf "$TMP"
}
trap cleanup EXIT INT TERM
export GIT_CONFIG_NOSYSTEM=1 SSH_AUTH_SOCK=
unset GIT_CONFIG_GLOBAL WOL_HOME

member() { # member <handle>: a HOME with its identity
	mkdir -p "$TMP/$1"
	printf '[user]\n\tname = %s\n\temail = %s@example.org\n[wol]\n\thandle = %s\n[init]\n\tdefaultBranch = main\n' \
		"$1" "$1" "$1" >"$TMP/$1/.gitconfig"
}
as() { # as <handle> cmd...: run as that member
	h=$1
	shift
	env HOME="$TMP/$h" WOL_HOME="$TMP/$h/wol" "$@"
}
now_ms() { date +%s%N | cut -c1-13; }
median() { sort -n | awk '{v[NR]=$1} END {if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
# cpu_ms <before> <after>: the user+sys time of the children waited for
# between two `times` outputs (written by the shell itself, not a subshell)
cpu_ms() { cat "$1" "$2" | awk 'NR % 2 == 0 { split($1, u, "m"); split($2, s, "m"); t[NR] = (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * 1000 } END { printf "%d\n", t[4] - t[2] + 0.5 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

# the git daemon, on a free port
SRV="$TMP/srv"
mkdir -p "$SRV"
. "$ROOT/tools/git-daemon.sh"
wol_git_daemon "$SRV" "$TMP/daemon.log" || { echo "bench: cannot start git daemon" >&2; exit 1; }
PORT=$WOL_DAEMON_PORT DPID=$WOL_DAEMON_PID
URL="git://127.0.0.1:$PORT"
echo "wol sync bench: git daemon on 127.0.0.1:$PORT, $RUNS runs, $(nproc) cores"
echo

# ---------------------------------------------------------- 1. one note
git init -q --bare -b main "$SRV/one.git"
git init -q --bare -b main "$SRV/one-git.git"
member ana
member gitter
as ana "$WOL" init one --remote "$URL/one.git" >/dev/null
as ana "$WOL" sync >/dev/null
as gitter git clone -q "$URL/one-git.git" "$TMP/gitter/one" 2>/dev/null
( cd "$TMP/gitter/one" && echo x >x && as gitter git add x && as gitter git commit -qm init && as gitter git push -q origin main )
: >"$TMP/w1"; : >"$TMP/g1"; : >"$TMP/p1"
for r in $(seq 1 "$RUNS"); do
	f="$TMP/ana/wol/circles/one/notes/ana/note-$r.md"
	mkdir -p "$(dirname "$f")"
	printf -- '---\ntitle: note %s\n---\nA work in progress, run %s.\n' "$r" "$r" >"$f"
	as ana "$WOL" share "$f" >/dev/null 2>&1
	t0=$(now_ms); as ana "$WOL" sync >/dev/null; t1=$(now_ms)
	echo $((t1 - t0)) >>"$TMP/w1"
	( cd "$TMP/gitter/one" && printf 'note %s\n' "$r" >"n$r.md" && as gitter git add "n$r.md" && as gitter git commit -qm "n$r" )
	t0=$(now_ms); ( cd "$TMP/gitter/one" && as gitter git push -q origin main ); t1=$(now_ms)
	echo $((t1 - t0)) >>"$TMP/g1"
	( cd "$TMP/gitter/one" && printf 'note b%s\n' "$r" >"b$r.md" && as gitter git add "b$r.md" && as gitter git commit -qm "b$r" )
	t0=$(now_ms); ( cd "$TMP/gitter/one" && as gitter git pull -q --no-rebase origin main && as gitter git push -q origin main ); t1=$(now_ms)
	echo $((t1 - t0)) >>"$TMP/p1"
done
W1=$(median <"$TMP/w1"); G1=$(median <"$TMP/g1"); P1=$(median <"$TMP/p1")
echo "1. one shared note pushed (median of $RUNS)"
echo "   wol sync (fetch+merge+push)      ${W1} ms"
echo "   git push                         ${G1} ms   wol/git = $(ratio "$W1" "$G1")"
echo "   git pull --no-rebase && git push ${P1} ms   wol/git = $(ratio "$W1" "$P1")"
echo

# ------------------------------------------------- 2. a 20-member circle
member owner
as owner "$WOL" init big --remote "$URL/big.git" >/dev/null
git init -q --bare -b main "$SRV/big.git"
BIG="$TMP/owner/wol/circles/big"
t0=$(now_ms)
( cd "$BIG" && awk -v M="$MEMBERS" -v N="$NOTES" 'BEGIN {
	for (m = 1; m <= M; m++) {
		h = sprintf("m%02d", m)
		system("mkdir -p notes/" h)
		f = "members/" h ".md"
		printf "---\nname: Member %d\njoined: 2026-01-05\n---\n", m > f
		close(f)
		for (i = 1; i <= N; i++) {
			f = sprintf("notes/%s/note-%03d.md", h, i)
			printf "---\ntitle: Note %d of %s\nauthor: %s\nstatus: wip\n---\n# Note %d\n\nSome text about work in progress, number %d, by %s.\n", i, h, h, i, i, h > f
			close(f)
		}
	}
}' && as owner git add -A && as owner git commit -qm "import $MEMBERS members x $NOTES notes" )
as owner "$WOL" sync >/dev/null
t1=$(now_ms)
echo "2. circle of $MEMBERS members x $NOTES notes ($((MEMBERS * NOTES)) notes; set up in $((t1 - t0)) ms)"
echo "   wol join: the clone, the checkout of HEAD with the git index, the member commit and"
echo "   the move into circles/ (the search index is not built by join: the editor builds it in"
echo "   the background on the first search and says so); git clone: the clone and its checkout."
echo "   Both clone the whole history over git:// from the same daemon; wall and CPU (user+sys"
echo "   of the process and its children) per round; the order alternates round by round"
echo "   (wol, git | git, wol | ...) so drift in the load falls on both alike."
: >"$TMP/wj"; : >"$TMP/gc"; : >"$TMP/wjc"; : >"$TMP/gcc"; : >"$TMP/ws"; : >"$TMP/gp"
member joiner
L0=$(cut -d' ' -f1 /proc/loadavg)
for r in $(seq 1 "$RUNS"); do
	# the previous run's clones are moved aside, not removed: on an ext4
	# without a journal (as on this VM) a new inode skips every inode freed
	# in the last ~35 s, so looking past 20,000 just freed ones would cost
	# whichever creates files next seconds of system time
	mkdir -p "$TMP/old/$r"
	[ -d "$TMP/joiner/wol" ] && mv "$TMP/joiner/wol" "$TMP/joiner/clone" "$TMP/old/$r/"
	line="   round $r:"
	for which in $([ $((r % 2)) = 1 ] && echo "wj gc" || echo "gc wj"); do
		t0=$(now_ms)
		times >"$TMP/c0"
		if [ "$which" = wj ]; then
			as joiner "$WOL" join "$URL/big.git" big >/dev/null 2>&1
		else
			as joiner git clone -q "$URL/big.git" "$TMP/joiner/clone" 2>/dev/null
		fi
		times >"$TMP/c1"
		t1=$(now_ms)
		c=$(cpu_ms "$TMP/c0" "$TMP/c1")
		echo $((t1 - t0)) >>"$TMP/$which"
		echo "$c" >>"$TMP/${which}c"
		line="$line $([ "$which" = wj ] && echo 'wol join' || echo 'git clone') $((t1 - t0)) ms (CPU $c ms),"
	done
	echo "${line%,}"
	# both have one local commit; every member then shares one new note
	( cd "$TMP/joiner/clone" && echo "local $r" >"notes/local-$r.md" && as joiner git add -A && as joiner git commit -qm "local $r" )
	( cd "$BIG" && for m in $(seq 1 "$MEMBERS"); do
		h=$(printf 'm%02d' "$m")
		printf -- '---\ntitle: new %s\n---\nnew note of run %s\n' "$r" "$r" >"notes/$h/new-$r.md"
		as owner git add "notes/$h/new-$r.md" && as owner git commit -qm "share($h): new $r"
	done )
	as owner "$WOL" sync >/dev/null
	jn="$TMP/joiner/wol/circles/big/notes/joiner/local-$r.md"
	mkdir -p "$(dirname "$jn")"
	echo "local $r" >"$jn"
	as joiner "$WOL" --circle big share "$jn" >/dev/null 2>&1
	t0=$(now_ms); as joiner "$WOL" sync >/dev/null; t1=$(now_ms)
	echo $((t1 - t0)) >>"$TMP/ws"
	# (git pushes to a side branch so the wol clone of the next run is the same circle)
	t0=$(now_ms); ( cd "$TMP/joiner/clone" && as joiner git pull -q --no-rebase --no-edit origin main && as joiner git push -q origin HEAD:refs/heads/bench-$r ); t1=$(now_ms)
	echo $((t1 - t0)) >>"$TMP/gp"
done
WJ=$(median <"$TMP/wj"); GC=$(median <"$TMP/gc"); WS=$(median <"$TMP/ws"); GP=$(median <"$TMP/gp")
WJC=$(median <"$TMP/wjc"); GCC=$(median <"$TMP/gcc")
echo "   medians of $RUNS rounds (load $L0 -> $(cut -d' ' -f1 /proc/loadavg)):"
echo "   wol join (clone + add yourself)  ${WJ} ms, CPU ${WJC} ms"
echo "   git clone                        ${GC} ms, CPU ${GCC} ms   wol/git = $(ratio "$WJ" "$GC") wall, $(ratio "$WJC" "$GCC") CPU"
# the same per round (each round's two clones ran back to back, under the same load)
PR=$(paste "$TMP/wj" "$TMP/gc" | awk '{print $1 / $2}' | median)
echo "   wol/git per round: median $(ratio "$PR" 1) (wall)"
# issue 20: join within 1.3x of git clone (wall; each round clones both, one after the other)
JV=$(awk -v a="$WJ" -v b="$GC" 'BEGIN {print (a <= 1.3 * b) ? "met" : "missed"}')
echo "   wol join vs git clone $(ratio "$WJ" "$GC")x   target <= 1.3x: $JV"
echo "   wol sync ($MEMBERS new notes in, 1 out)  ${WS} ms"
echo "   git pull --no-rebase && git push ${GP} ms   wol/git = $(ratio "$WS" "$GP")"
