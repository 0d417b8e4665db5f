#!/bin/sh
# Installs the Debian packages wol.nvim needs, only those missing.
#   sh tools/deps.sh        build and run the plugin (`make deps`, `make demo`)
#   sh tools/deps.sh test   also what the tests use: servers on loopback
#                           (sshd, nginx + fcgiwrap, gitolite3), openssl,
#                           tmux, ... (`make deps-test`, `make test`)
#   sh tools/deps.sh fuzz   also clang and the libFuzzer runtime (`make fuzz`)
#   sh tools/deps.sh list [test|fuzz]
#                           print that list, one package a line; install nothing
# Root: apt-get; otherwise sudo when available; otherwise print the exact
# command and fail.
#
# No system service is left running or enabled: the tests start their own
# servers on free 127.0.0.1 ports and stop them. While installing, a
# policy-rc.d that denies every start is in place (Debian's maintainer
# scripts ask it before starting anything), and afterwards every service
# unit and init script of a package this run installed is disabled. A
# package that was already installed is left as it was.
set -eu
BUILD="gcc make pkg-config libgit2-dev libsqlite3-dev libyaml-dev libcjson-dev
libluajit-5.1-dev luajit neovim git libcmark-dev libssl-dev libdeflate-dev"
TEST="lua5.1 lua-busted lua-dkjson sqlite3 python3 tmux openssl openssh-client
openssh-server nginx fcgiwrap gitolite3 strace libjemalloc2"
installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

LIST_ONLY=
if [ "${1:-}" = list ]; then
	LIST_ONLY=1
	shift
fi

case "${1:-}" in
"") PKGS="$BUILD" ;;
test)
	PKGS="$BUILD $TEST"
	# fcgiwrap wants systemd or spawn-fcgi: take the small one when there
	# is no systemd
	installed systemd || PKGS="$PKGS spawn-fcgi"
	;;
fuzz) PKGS="$BUILD lua5.1 clang-14 libclang-rt-14-dev" ;;
*)
	echo "usage: sh tools/deps.sh [list] [test|fuzz]" >&2
	exit 2
	;;
esac

if [ -n "$LIST_ONLY" ]; then
	for p in $PKGS; do echo "$p"; done
	exit 0
fi

missing=""
for p in $PKGS; do
	installed "$p" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

cmd="apt-get install -y --no-install-recommends$missing"
echo "wol: installing missing packages:$missing" >&2
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		exec sudo sh "$0" "$@"
	fi
	echo "wol: cannot install packages (not root, no sudo). Run as root:" >&2
	echo "  apt-get update && $cmd" >&2
	echo "  (then disable any service it installed, e.g. systemctl disable ssh nginx fcgiwrap)" >&2
	exit 1
fi

# --- root from here on

POLICY=/usr/sbin/policy-rc.d
SAVED=$POLICY.wol-saved
LIST=$(mktemp "${TMPDIR:-/tmp}/wol-deps.XXXXXX")
restore_policy() {
	rm -f "$LIST" "$LIST.after"
	if [ -e "$SAVED" ]; then
		mv -f "$SAVED" "$POLICY"
	else
		rm -f "$POLICY"
	fi
}
if [ -e "$POLICY" ]; then
	cp -p "$POLICY" "$SAVED"
fi
trap restore_policy EXIT
trap 'exit 1' INT TERM
printf '#!/bin/sh\n# tools/deps.sh (wol.nvim): no service starts while it installs\nexit 101\n' >"$POLICY"
chmod 755 "$POLICY"

packages() {
	dpkg-query -W -f='${Package} ${Status}\n' | awk '/install ok installed/ {print $1}' | sort
}
packages >"$LIST"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive $cmd
packages >"$LIST.after"
new=$(comm -13 "$LIST" "$LIST.after")

# Every service a new package brought: disabled (and stopped, should
# something have started it anyway).
for p in $new; do
	case $p in
	systemd | systemd-* | udev | dbus | dbus-*) continue ;; # the system's own, never ours to disable
	esac
	units=""
	for f in $(dpkg -L "$p" 2>/dev/null | grep -E '^(/usr)?/lib/systemd/system/[^/@]+\.(service|socket)$|^/etc/init\.d/[^/]+$'); do
		[ -e "$f" ] || continue
		unit=$(basename "$f")
		case $f in
		/etc/init.d/*)
			if command -v update-rc.d >/dev/null 2>&1; then
				update-rc.d "$unit" disable >/dev/null 2>&1 || true
			fi
			;;
		*)
			if command -v systemctl >/dev/null 2>&1; then
				systemctl disable "$unit" >/dev/null 2>&1 || true
				systemctl stop "$unit" >/dev/null 2>&1 || true
			fi
			if command -v deb-systemd-helper >/dev/null 2>&1; then
				deb-systemd-helper disable "$unit" >/dev/null 2>&1 || true
			fi
			units="$units $unit"
			;;
		esac
	done
	if [ -n "$units" ]; then
		echo "wol: $p: disabled$units (not started; the tests start their own servers)" >&2
	fi
done
