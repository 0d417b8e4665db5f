# tools/git-daemon.sh: sourced by benchmarks and chaos tests (sh or bash).
# wol_git_daemon BASE LOG starts `git daemon` serving BASE read/write on a
# free port of 127.0.0.1 and sets WOL_DAEMON_PORT and WOL_DAEMON_PID; it
# returns non-zero (and kills what it started) when no port could be had.
wol_git_daemon() {
	WOL_DAEMON_PORT="" WOL_DAEMON_PID=""
	for _try in 1 2 3 4 5 6 7 8 9 10; do
		_p=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
		git daemon --reuseaddr --listen=127.0.0.1 --port=$_p --base-path="$1" --export-all \
			--enable=receive-pack "$1" >"$2" 2>&1 </dev/null &
		WOL_DAEMON_PID=$!
		_i=0
		while [ $_i -lt 100 ]; do
			if bash -c "exec 3<>/dev/tcp/127.0.0.1/$_p" 2>/dev/null; then
				WOL_DAEMON_PORT=$_p
				return 0
			fi
			kill -0 "$WOL_DAEMON_PID" 2>/dev/null || break
			sleep 0.02
			_i=$((_i + 1))
		done
		kill "$WOL_DAEMON_PID" 2>/dev/null || true
		WOL_DAEMON_PID=""
	done
	return 1
}
