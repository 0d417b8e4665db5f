#!/bin/sh
# valgrind.sh - a CLI scenario under valgrind (memcheck): init, log,
# journal, share, notes, ask, questions, index, search, prompt, stats,
# doctor, sync (git daemon). Fails on any memory error or any
# definitely lost block. Usage: tests/chaos/valgrind.sh WORKDIR
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
W=$1
mkdir -p "$W"
W=$(cd "$W" && pwd)
WOL=${WOL_BIN:-$ROOT/bin/wol}
unset LD_PRELOAD
export HOME="$W/home" WOL_HOME="$W/home/wol" GIT_CONFIG_NOSYSTEM=1 WOL_TODAY=2026-03-14
mkdir -p "$HOME"
printf '[user]\n\tname = Val Grind\n\temail = vg@example.org\n[wol]\n\thandle = val\n[init]\n\tdefaultBranch = main\n' >"$HOME/.gitconfig"
# the remote: git daemon on loopback (libgit2's local path transport hands
# the progress callback an uninitialised byte count)
git init -q --bare -b main "$W/srv/c.git"
port=0
for _ in 1 2 3 4 5 6 7 8 9 10; do
	p=$(( $(od -An -N2 -tu2 /dev/urandom) % 30000 + 20000 ))
	git daemon --reuseaddr --listen=127.0.0.1 --port=$p --base-path="$W/srv" --export-all \
		--enable=receive-pack "$W/srv" >"$W/daemon.log" 2>&1 </dev/null &
	dpid=$!
	sleep 0.3
	if kill -0 $dpid 2>/dev/null; then port=$p; break; fi
done
[ $port -ne 0 ] || { echo "!! could not start git daemon"; exit 1; }
trap 'kill $dpid 2>/dev/null' EXIT
status=0
n=0
vg() {
	n=$((n + 1))
	valgrind -q --num-callers=40 --suppressions="$ROOT/tests/chaos/valgrind.supp" --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite --error-exitcode=99 \
		--log-file="$W/vg.$n.log" "$WOL" "$@" >/dev/null 2>"$W/err.$n"
	rc=$?
	if [ $rc -eq 99 ] || [ -s "$W/vg.$n.log" ]; then
		echo "!! valgrind: wol $*"
		head -40 "$W/vg.$n.log"
		status=1
	fi
}
vg init c --remote "git://127.0.0.1:$port/c.git"
vg log "a line under valgrind"
vg journal --path
vg stats --json
mkdir -p "$WOL_HOME/circles/c/notes/val"
printf '# Note\n\nchecked by valgrind\n' >"$WOL_HOME/circles/c/notes/val/n.md"
vg share "$WOL_HOME/circles/c/notes/val/n.md"
vg notes --json
vg ask "Does it leak?" -m "let us see"
vg questions --json
vg index
vg search valgrind
vg prompt --json
vg doctor --json
vg sync --json
vg circles --json
echo "valgrind: $n CLI runs, $([ $status -eq 0 ] && echo 'no errors, no definite leaks' || echo 'ERRORS')"
exit $status
