#!/bin/bash
# sync_stop.sh - a sync stopped while it writes the work tree.
#
# A circle where another member shared hundreds of notes (new ones, changed
# ones, one removed) and the member's own notes changed on a second machine.
# The member's sync is stopped at chosen points of its checkout:
#   - SIGKILL at the Nth openat or write system call (strace fault
#     injection: deterministic, no timing), i.e. after k files were written
#     whole, or with file k just truncated; then the next sync must simply
#     continue: exit 0, the work tree clean and equal to the commit, no file
#     lost, nothing pushed twice;
#   - SIGTERM at the same points: the sync finishes the step it is in (the
#     work tree and the branch agree at once) and stops before it pushes;
#     the next sync pushes.
# Both for a fast-forward and for a merge (the member had a share of her
# own waiting). The kill points are spread evenly over the checkout's
# system calls as a traced dry run counts them, and each stopped run must
# have stopped at the very call of the dry run its number names.
#
# Usage: tests/chaos/sync_stop.sh WORKDIR [KILL_POINTS] [NOTES]
#   KILL_POINTS per scenario and kind (default 6), NOTES the other member
#   shares (default 200). Needs strace. Prints one line per scenario and a
#   summary "sync-stop: N stops, N in the checkout, N recovered, N
#   failures"; exits non-zero on any problem.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
W=$1
K=${2:-6}
NOTES=${3:-200}
WOL=${WOL_BIN:-$ROOT/bin/wol}
unset LD_PRELOAD
command -v strace >/dev/null || { echo "!! strace is needed (make deps installs it)"; exit 1; }
mkdir -p "$W"
W=$(cd "$W" && pwd)
export GIT_CONFIG_NOSYSTEM=1 WOL_TODAY=2026-03-14 SSH_AUTH_SOCK=
unset XDG_CONFIG_HOME XDG_DATA_HOME GIT_CONFIG_GLOBAL WOL_CIRCLE

stops=0 inside=0 recovered=0 fail=0 files_total=0
problem() { echo "!! $*"; fail=$((fail + 1)); }

member() { # DIR HANDLE
	mkdir -p "$1"
	printf '[user]\n\tname = %s\n\temail = %s@example.org\n[wol]\n\thandle = %s\n[init]\n\tdefaultBranch = main\n' \
		"$2" "$2" "$2" >"$1/.gitconfig"
	# written long ago: wol caches the identity in $WOL_HOME/.cache/identity
	# only once the config file is two seconds old (csrc/ctx_config.c), so a
	# config written at the start of the setup made the dry run skip that
	# write (one openat fewer) when it began within two seconds of it and a
	# kill run begun later do it, and the first point fell one call early
	touch -d '1 hour ago' "$1/.gitconfig"
}
as() { # DIR CMD... : runs wol as the member living in DIR
	local d=$1
	shift
	HOME="$d" WOL_HOME="$d/wol" "$WOL" "$@"
}
g() { # DIR GIT-ARGS...: git in a member's circle, as that member
	local d=$1
	shift
	HOME="$d" git -C "$d/wol/circles/c" "$@"
}
text() { # N: a note of ~6 KB
	printf -- '---\ntitle: Note %s\n---\n\n' "$1"
	for l in $(seq 60); do printf 'line %d of note %s: the quick brown fox jumps over the lazy dog\n' "$l" "$1"; done
}

# ---------------------------------------------------------------- setup
git init -q --bare -b main "$W/c.git"
member "$W/ana" ana
member "$W/bo" bo
member "$W/ana2" ana
as "$W/ana" init c --remote "$W/c.git" >/dev/null || { echo "!! wol init failed"; exit 1; }
A="$W/ana/wol/circles/c"
mkdir -p "$A/notes/ana"
for i in $(seq 40); do text "ana-$i" >"$A/notes/ana/a$i.md"; done
g "$W/ana" add -A && g "$W/ana" commit -qm "ana: 40 notes" && as "$W/ana" sync >/dev/null 2>&1 ||
	{ echo "!! first sync failed"; exit 1; }
as "$W/bo" join "$W/c.git" c >/dev/null 2>&1 || { echo "!! bo cannot join"; exit 1; }
B="$W/bo/wol/circles/c"
mkdir -p "$B/notes/bo"
for i in $(seq 60); do text "bo-$i" >"$B/notes/bo/old$i.md"; done
g "$W/bo" add -A && g "$W/bo" commit -qm "bo: 60 notes" && as "$W/bo" sync >/dev/null 2>&1 &&
	as "$W/ana" sync >/dev/null 2>&1 || { echo "!! setup sync failed"; exit 1; }
# what ana will receive: bo's new and changed notes, one removed, and her
# own notes changed on her second machine
for i in $(seq "$NOTES"); do text "bo-new-$i" >"$B/notes/bo/new$i.md"; done
for i in $(seq 50); do text "bo-changed-$i" >"$B/notes/bo/old$i.md"; done
g "$W/bo" rm -q notes/bo/old60.md
g "$W/bo" add -A && g "$W/bo" commit -qm "bo: many notes" && as "$W/bo" sync >/dev/null 2>&1 ||
	{ echo "!! bo's sync failed"; exit 1; }
as "$W/ana2" join "$W/c.git" c >/dev/null 2>&1 || { echo "!! ana2 cannot join"; exit 1; }
A2="$W/ana2/wol/circles/c"
for i in $(seq 30); do text "ana-edited-$i" >"$A2/notes/ana/a$i.md"; done
g "$W/ana2" add -A && g "$W/ana2" commit -qm "ana: edits elsewhere" && as "$W/ana2" sync >/dev/null 2>&1 ||
	{ echo "!! ana2's sync failed"; exit 1; }
cp -a "$W/c.git" "$W/c.git.tmpl"
cp -a "$W/ana" "$W/ff.tmpl"
# the merge scenario: ana has a share of her own waiting
printf '# Waiting\n\nnot pushed yet\n' >"$A/notes/ana/waiting.md"
as "$W/ana" share "$A/notes/ana/waiting.md" >/dev/null || { echo "!! share failed"; exit 1; }
cp -a "$W/ana" "$W/merge.tmpl"

nth_call() { # SYSCALL N TRACE: the Nth such call in TRACE, without its result
	awk -v sc="$1(" -v n="$2" 'index($0, sc) == 1 && ++c == n { sub(/ += [^=]*$/, ""); print; exit }' "$3"
}
restore() { # SCENARIO: ana and the remote as they were, to the system call
	rm -rf "$W/ana" "$W/c.git"
	cp -a "$W/$1.tmpl" "$W/ana"
	# (not only the remote's branch: each push left a pack that the next
	# fetch opened, two openat calls more before the checkout)
	cp -a "$W/c.git.tmpl" "$W/c.git"
	# (the cached identity names .gitconfig's inode, which the copy changes
	# or, if the inode is reused, not: one openat more or fewer)
	rm -f "$W/ana/wol/.cache/identity"
}

# scenario NAME: runs the dry run, then the kill and term points
scenario() {
	local name=$1
	restore "$name"
	# the dry run: which system calls write the work tree, and the result
	strace -qq -e trace=openat,write -o "$W/trace" \
		env HOME="$W/ana" WOL_HOME="$W/ana/wol" "$WOL" sync --no-push >/dev/null 2>&1 ||
		{ problem "$name: the dry run failed"; return; }
	local want_tree want_files
	want_tree=$(g "$W/ana" rev-parse 'HEAD^{tree}')
	want_files=$(g "$W/ana" ls-files | wc -l)
	# the openat and write calls of the sync that write files under notes/
	local spans
	spans=$(awk -v dir="$A/notes/" '
		/^openat\(/ { no++; pend = index($0, dir) && /O_CREAT/; if (pend) { if (!fo) fo = no; lo = no } }
		/^write\(/ { nw++; if (pend) { if (!fw) fw = nw; lw = nw }; pend = 0 }
		END { print fo + 0, lo + 0, fw + 0, lw + 0 }' "$W/trace")
	local first last
	for sc in openat write; do
		if [ $sc = openat ]; then
			read -r first last _ _ <<<"$spans"
		else
			read -r _ _ first last <<<"$spans"
		fi
		if [ "$first" -eq 0 ] || [ "$last" -le "$first" ]; then
			problem "$name: no checkout found in the trace ($sc)"
			continue
		fi
		local span=$((last - first)) i at
		for i in $(seq 0 $((K - 1))); do
			at=$((first + span * i / (K > 1 ? K - 1 : 1)))
			sigs="KILL TERM"
			[ $sc = write ] && sigs=KILL # a term point per openat point is enough
			for sig in $sigs; do
				restore "$name"
				stops=$((stops + 1))
				{ strace -qq -e trace="$sc" -e inject="$sc":signal=$sig:when=$at -o "$W/ktrace" \
					env HOME="$W/ana" WOL_HOME="$W/ana/wol" "$WOL" sync >"$W/out" 2>"$W/err"; } 2>/dev/null
				local rc=$? dirty hit want
				# the call stopped at is the dry run's call of that number
				hit=$(nth_call "$sc" "$at" "$W/ktrace")
				want=$(nth_call "$sc" "$at" "$W/trace")
				[ "$hit" = "$want" ] ||
					problem "$name $sc@$at $sig: stopped at ${hit:-nothing}, the dry run's $sc call $at was ${want:-missing}"
				dirty=$(g "$W/ana" status --porcelain | wc -l)
				if [ $sig = KILL ]; then
					[ $rc -eq 137 ] || { problem "$name $sc@$at KILL: exit $rc, not killed"; continue; }
					if [ "$dirty" -gt 0 ]; then
						inside=$((inside + 1))
					else # said, so that a point that missed can be told from the log
						echo "$name: $sc@$at KILL (the checkout's $sc calls $first-$last in the dry run) left nothing half done"
					fi
					files_total=$((files_total + dirty))
				else
					# TERM: the local step was finished, so nothing is half done
					if [ $rc -ne 143 ] && [ $rc -ne 0 ]; then
						problem "$name $sc@$at TERM: exit $rc: $(head -c 300 "$W/err")"
						continue
					fi
					[ "$dirty" -eq 0 ] || problem "$name $sc@$at TERM: $dirty paths left half done"
					[ "$(g "$W/ana" rev-parse 'HEAD^{tree}')" = "$want_tree" ] ||
						problem "$name $sc@$at TERM: the step was not finished"
					inside=$((inside + 1))
				fi
				# the next sync continues from there
				if ! as "$W/ana" sync >"$W/out" 2>"$W/err"; then
					problem "$name $sc@$at $sig: the next sync failed: $(head -c 300 "$W/err")"
					continue
				fi
				dirty=$(g "$W/ana" status --porcelain | wc -l)
				[ "$dirty" -eq 0 ] || { problem "$name $sc@$at $sig: $dirty paths differ after the next sync"; continue; }
				[ "$(g "$W/ana" rev-parse 'HEAD^{tree}')" = "$want_tree" ] ||
					{ problem "$name $sc@$at $sig: the tree is not the circle's"; continue; }
				[ "$(g "$W/ana" ls-files | wc -l)" -eq "$want_files" ] ||
					{ problem "$name $sc@$at $sig: files missing"; continue; }
				[ "$(g "$W/ana" rev-parse HEAD)" = "$(git -C "$W/c.git" rev-parse main)" ] ||
					{ problem "$name $sc@$at $sig: not pushed"; continue; }
				ls "$W/ana/wol/circles/c/.git/wol-kept" >/dev/null 2>&1 &&
					{ problem "$name $sc@$at $sig: a copy was kept (nothing of ana's was changed)"; continue; }
				recovered=$((recovered + 1))
			done
		done
	done
	echo "$name: $stops stops so far, $inside in the checkout, $recovered recovered"
}

scenario ff
scenario merge
avg=0
[ $inside -gt 0 ] && avg=$((files_total / inside))
echo "sync-stop: $stops stops, $inside in the checkout, $recovered recovered, $fail failures (on average $avg paths half done after a kill)"
[ $fail -eq 0 ]
