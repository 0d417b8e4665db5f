#!/bin/sh
# `make demo`: opens Neovim with wol.nvim on a demo $WOL_HOME under ./demo,
# never touching your own. With WOL_DEMO_CHECK=1 it runs headless, prints
# :checkhealth wol and exits (used by the tests).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEMO=${WOL_DEMO_DIR:-$ROOT/demo}
mkdir -p "$DEMO"
chmod 700 "$DEMO"

# The demo member's identity: its own git config, so the demo works on a
# machine where git was never configured.
cat > "$DEMO/gitconfig" <<CFG
[user]
	name = Demo You
	email = you@demo.invalid
[wol]
	handle = you
[init]
	defaultBranch = main
CFG
export GIT_CONFIG_GLOBAL="$DEMO/gitconfig"
export WOL_HOME="$DEMO/wol"
export WOL_ROOT="$ROOT"

if [ -x "$ROOT/tools/demo_setup.sh" ]; then
	sh "$ROOT/tools/demo_setup.sh" "$DEMO"
fi

if [ "${WOL_DEMO_CHECK:-}" = 1 ]; then
	exec nvim --headless -u "$ROOT/tools/demo_init.lua" -i NONE -n \
		-c 'checkhealth wol' \
		-c 'lua io.stdout:write(table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n") .. "\n")' \
		-c 'qall!' </dev/null
fi
echo "wol: demo home is $WOL_HOME (delete $DEMO to start over)"
exec nvim -u "$ROOT/tools/demo_init.lua" -i NONE
