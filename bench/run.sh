#!/bin/sh
# bench/run.sh (`make bench`): runs every benchmark script in bench/ in one
# go and writes bench/RESULTS.md: each figure as median and spread, the
# baseline measured in the same run, the ratio, PASS/MISS per target, and
# the machine the figures come from. Each script also runs alone
# (`sh bench/share.sh`, ...). Sizes are the scripts' own variables (see the
# head of each script); BENCH_ONLY="share index" runs a subset;
# BENCH_OUT=FILE writes somewhere else than bench/RESULTS.md;
# BENCH_SYNC_RUNS (11) is the number of rounds of bench/sync.sh here.
# Installs ripgrep and luajit with apt when missing (as root).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

need() { # need <command> <debian package>
	command -v "$1" >/dev/null 2>&1 && return 0
	echo "bench: installing $2" >&2
	if [ "$(id -u)" = 0 ]; then
		apt-get install -y -q "$2" >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q "$2" >/dev/null; }
	else
		sudo apt-get install -y -q "$2" >/dev/null
	fi
}
need rg ripgrep
need luajit luajit
need git git
need nvim neovim
make -s all

START=$(date +%s)
RUN=$(mktemp -d "${TMPDIR:-/tmp}/wol-bench-run.XXXXXX")
trap 'rm -rf "$RUN"' EXIT INT TERM
export WOL_BENCH_RECORD="$RUN/records.tsv"
: >"$WOL_BENCH_RECORD"
OUT=${BENCH_OUT:-$ROOT/bench/RESULTS.md}

# the machine, at the start
{
	echo "date	$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "commit	$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
	echo "cpus	$(nproc) ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'))"
	echo "memory	$(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo)"
	echo "load_start	$(cut -d' ' -f1-3 /proc/loadavg)"
	echo "kernel	$(uname -sr)"
	echo "os	$(. /etc/os-release && echo "$PRETTY_NAME")"
	echo "neovim	$(nvim --version 2>/dev/null | sed -n 1p)"
	echo "git	$(git --version)"
	echo "wol	$("$ROOT/bin/wol" version 2>/dev/null | tr '\n' ' ')"
	echo "ripgrep	$(rg --version 2>/dev/null | sed -n 1p)"
	echo "luajit	$(luajit -v)"
} >"$RUN/machine.tsv"

# index first: editor.sh measures memory with the index it built
ORDER="index editor share"
for f in bench/*.sh; do
	n=$(basename "$f" .sh)
	case " $ORDER run " in *" $n "*) ;; *) ORDER="$ORDER $n" ;; esac
done
: >"$RUN/scripts.tsv"
for n in $ORDER; do
	[ -f "bench/$n.sh" ] || continue
	if [ -n "${BENCH_ONLY:-}" ]; then
		case " $BENCH_ONLY " in *" $n "*) ;; *) continue ;; esac
	fi
	echo "bench: $n (load $(cut -d' ' -f1 /proc/loadavg))" >&2
	t0=$(date +%s)
	l0=$(cut -d' ' -f1 /proc/loadavg)
	set +e
	case $n in
	index) WOL_BENCH_DIR="$RUN/index" sh "bench/$n.sh" >"$RUN/$n.log" 2>&1 ;;
	editor) WOL_BENCH_MEM_HOME="$RUN/index/home/wol" sh "bench/$n.sh" >"$RUN/$n.log" 2>&1 ;;
	# sync.sh clones a 10,000-note circle twice per round (wol join, git clone,
	# interleaved): 11 rounds give medians that mean something in ~2 min
	sync) BENCH_RUNS=${BENCH_SYNC_RUNS:-11} sh "bench/$n.sh" >"$RUN/$n.log" 2>&1 ;;
	*) sh "bench/$n.sh" >"$RUN/$n.log" 2>&1 ;;
	esac
	rc=$?
	set -e
	echo "$n	$rc	$(($(date +%s) - t0))	$l0	$(cut -d' ' -f1 /proc/loadavg)" >>"$RUN/scripts.tsv"
	[ $rc = 0 ] || echo "bench: $n failed (exit $rc), see its output in the report" >&2
done
echo "load_end	$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RUN/machine.tsv"
echo "duration	$(($(date +%s) - START)) s for all scripts" >>"$RUN/machine.tsv"

luajit bench/report.lua "$RUN" >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "bench: wrote $OUT" >&2
grep -E '^\| .*\*\*(PASS|MISS)\*\*' "$OUT" | sed 's/\*\*//g' >&2 || true
