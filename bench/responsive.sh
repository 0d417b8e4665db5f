#!/bin/sh
# bench/responsive.sh: is the editor still responsive while :WolSync brings
# a large change? A Neovim with the plugin (member ana) listens on a
# socket; a second Neovim sends it RPC requests back to back and times each
# round trip, first while it is idle (the baseline), then while :WolSync
# receives BENCH_SYNC_MB (16) MB of new notes from a git daemon on
# 127.0.0.1. Target: p99 under 20 ms. Prints percentiles; rerunnable.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
make -s -C "$ROOT" all >/dev/null
WOL="$ROOT/bin/wol"
if ! "$WOL" --help 2>&1 | grep -q '^  sync '; then
	echo "bench: skipped: this build has no \`wol sync\` (the sync feature has not landed)"
	exit 0
fi
MB=${BENCH_SYNC_MB:-16}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wol-bench-resp.XXXXXX")
DPID="" NPID=""
cleanup() {
	[ -n "$NPID" ] && kill "$NPID" 2>/dev/null
	[ -n "$DPID" ] && kill "$DPID" 2>/dev/null
	[ -n "${BENCH_KEEP:-}" ] && echo "kept $TMP" >&2 || rm -rf "$TMP"
}
trap cleanup EXIT INT TERM
export GIT_CONFIG_NOSYSTEM=1 SSH_AUTH_SOCK= TZ=UTC
unset GIT_CONFIG_GLOBAL WOL_HOME LUA_PATH LUA_CPATH

member() { # member <handle>: a HOME with its identity
	mkdir -p "$TMP/$1"
	printf '[user]\n\tname = %s\n\temail = %s@example.org\n[wol]\n\thandle = %s\n[init]\n\tdefaultBranch = main\n' \
		"$1" "$1" "$1" >"$TMP/$1/.gitconfig"
}
as() { # as <handle> cmd...: run as that member
	h=$1
	shift
	env HOME="$TMP/$h" WOL_HOME="$TMP/$h/wol" XDG_CONFIG_HOME="$TMP/$h/.config" XDG_DATA_HOME="$TMP/$h/.local/share" \
		XDG_STATE_HOME="$TMP/$h/.local/state" "$@"
}

# the git daemon, on a free port
SRV="$TMP/srv"
mkdir -p "$SRV"
. "$ROOT/tools/git-daemon.sh"
wol_git_daemon "$SRV" "$TMP/daemon.log" || { echo "bench: cannot start git daemon" >&2; exit 1; }
PORT=$WOL_DAEMON_PORT DPID=$WOL_DAEMON_PID
URL="git://127.0.0.1:$PORT"

# bo starts the circle with half the data; ana joins; bo shares the other
# half, which ana's :WolSync then receives. Notes are random text (base64
# of a fixed-seed stream, so git cannot compress them away).
bulk() { # bulk <dir> <seed>: MB/2 megabytes of notes of ~3.8 KB
	mkdir -p "$1"
	openssl enc -aes-128-ctr -pass "pass:$2" -nosalt -pbkdf2 </dev/zero 2>/dev/null | head -c $((MB * 1000000 / 2)) |
		base64 -w 76 | split -l 50 -a 4 --additional-suffix=.md - "$1/part-"
}
member bo
member ana
git init -q --bare -b main "$SRV/big.git"
as bo "$WOL" init big --remote "$URL/big.git" >/dev/null
BDIR="$TMP/bo/wol/circles/big"
bulk "$BDIR/notes/bo/first" 20261122
(cd "$BDIR" && as bo git add -A notes && as bo git commit -qm "share(bo): first half")
as bo "$WOL" sync >/dev/null
as ana "$WOL" join "$URL/big.git" big >/dev/null 2>&1
bulk "$BDIR/notes/bo/second" 20261123
(cd "$BDIR" && as bo git add -A notes && as bo git commit -qm "share(bo): second half")
as bo "$WOL" sync >/dev/null
N=$(find "$BDIR/notes/bo/second" -type f | wc -l)

SOCK="$TMP/nvim.sock"
as ana nvim --headless --listen "$SOCK" -u NORC -i NONE -n --cmd "set rtp^=$ROOT" </dev/null >"$TMP/nvim.log" 2>&1 &
NPID=$!
echo "responsiveness: :WolSync receiving $N notes ($MB/2 MB of text) from $URL; load $(cut -d' ' -f1 /proc/loadavg)"
env WOL_ROOT="$ROOT" WOL_SOCK="$SOCK" WOL_NOTES="$N" WOL_MB="$MB" HOME="$TMP" \
	nvim --headless -u NONE -i NONE -n -c "luafile $ROOT/bench/responsive_probe.lua" </dev/null
i=0
while kill -0 "$NPID" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
kill "$NPID" 2>/dev/null || true
NPID=""
have=$(find "$TMP/ana/wol/circles/big/notes/bo/second" -type f 2>/dev/null | wc -l)
[ "$have" = "$N" ] || { echo "bench: ana has $have of $N notes after the sync" >&2; exit 1; }
