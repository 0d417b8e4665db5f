#!/bin/bash
# tools/prompt_same.sh OLD_WOL NEW_WOL [DAYS [FIRST]]: runs `wol prompt` of
# two builds over DAYS consecutive dates (800 from FIRST, 2025-06-01) in
# several homes and with several programs, text and --json, and fails on the
# first date whose output (stdout, stderr, exit status) differs. For a
# change to the prompt engine that must not change what it shows (bench/
# ANALYSIS.md, "CLI start, prompt: built-ins chosen before parsed").
# Homes: only the built-ins (no circle); a circle whose circle.md has a
# 12-week program; the same with prompt files of the user's and the circle's
# (every rule, rotations, files the engine skips with a warning) and
# placeholders. Programs: circle.md's, and --started/--weeks 1, 2, 3, 7, 12, 24.
# KEEP=1 leaves the homes in place (their folder under $TMPDIR) to look at.
set -eu
old=$(realpath "$1") new=$(realpath "$2") days=${3:-800} first=${4:-2025-06-01}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wol-prompt-same.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT INT TERM
export HOME="$TMP/home" GIT_CONFIG_NOSYSTEM=1 TZ=UTC
unset GIT_CONFIG_GLOBAL WOL_CIRCLE WOL_TODAY WOL_TRACE_GIT XDG_DATA_HOME
mkdir -p "$HOME"
printf '[user]\n\tname = Same\n\temail = same@example.org\n[wol]\n\thandle = same\n' >"$HOME/.gitconfig"

pfile() { # pfile PATH FRONT-MATTER-LINES... (body: challenge and questions)
	local path=$1
	shift
	mkdir -p "$(dirname "$path")"
	{
		echo ---
		printf '%s\n' "$@"
		echo ---
		printf '\n## Challenge\n\nDo %s in {{weeks}} weeks, {{weeks_left}} left, for {{circle}} on {{weekday}} ({{bogus}}).\n\n## Reflect\n\n- Why %s?\n' "$(basename "$path")" "$(basename "$path")"
	} >"$path"
}
circle() { # circle HOME
	mkdir -p "$1/circles/c1"
	git init -q "$1/circles/c1"
	printf -- '---\nname: Circle One\nstarted: 2025-09-03\nmeets: wednesday\nweeks: 12\nformat: 2\n---\n' \
		>"$1/circles/c1/circle.md"
}

H1=$TMP/h1 H2=$TMP/h2 H3=$TMP/h3
mkdir -p "$H1"
circle "$H2"
circle "$H3"
u=$H3/prompts c=$H3/circles/c1/prompts
pfile "$u/mon.md" 'title: My monday' 'weekday: monday'
pfile "$u/pool-a.md" 'title: Mine A'
pfile "$u/pool-b.md" 'title: Mine B' 'tags: [x, y]'
pfile "$u/d1.md" 'title: A date' 'date: 2025-12-24'
pfile "$u/bad.md" 'title: Bad' 'weekday: funday'
pfile "$u/two.md" 'title: Two' 'week: 2' 'weekday: friday'
pfile "$c/w3.md" 'title: Circle week 3' 'week: 3'
pfile "$c/w20.md" 'title: Circle week 20' 'week: 20'
pfile "$c/fri.md" 'title: Circle friday' 'weekday: friday'
pfile "$c/fri2.md" 'title: Circle friday 2' 'weekday: friday'
pfile "$c/d2.md" 'title: Circle date' 'date: 2026-02-14'
printf -- '---\nweekday: tuesday\n---\n\nno title, no challenge\n' >"$c/notitle.md"
printf -- '---\ntitle: Only text\nweekday: thursday\n---\n\nJust text, no sections.\n' >"$c/thu.md"

run() { # run BIN HOME ARGS...: status, stdout, stderr
	local bin=$1 home=$2
	shift 2
	set +e
	WOL_HOME=$home "$bin" prompt "$@" >"$TMP/out" 2>"$TMP/err"
	echo "exit $?"
	set -e
	cat "$TMP/out"
	echo '-- stderr'
	cat "$TMP/err"
}

n=0
d=$first
for ((i = 0; i < days; i++)); do
	for home in "$H1" "$H2" "$H3"; do
		for prog in "" "--started 2025-05-28 --weeks 1" "--started 2025-05-28 --weeks 2" \
			"--started 2025-05-28 --weeks 3" "--started 2025-06-11 --weeks 7" \
			"--started 2025-06-11 --weeks 12" "--started 2025-07-01 --weeks 24"; do
			[ -n "$prog" ] && [ "$home" = "$H3" ] && [ "${prog##* }" != 24 ] && continue
			for json in "" --json; do
				# shellcheck disable=SC2086 # prog is words
				a=$(run "$old" "$home" "$d" $prog $json)
				# shellcheck disable=SC2086
				b=$(run "$new" "$home" "$d" $prog $json)
				if [ "$a" != "$b" ]; then
					echo "prompt_same: differs: $d $prog $json in $home" >&2
					diff <(echo "$a") <(echo "$b") | head -20 >&2
					exit 1
				fi
				n=$((n + 1))
			done
		done
	done
	d=$(date -u -d "$d + 1 day" +%F)
done
echo "prompt_same: $n runs of each binary, the same output ($days days from $first)"
