# wol.nvim: `make` builds lua/wol/core.so and bin/wol; `make test` runs every
# suite; `make demo` opens Neovim on a demo circle. See README.md.

CC      ?= cc
# The version, in one place: VERSION (the C side gets it as WOL_VERSION, the
# Lua side reads the file).
VERSION := $(shell cat VERSION)
comma   := ,
# libcrypto first: the git index's SHA-1 (csrc/repo/gitindex.c). libgit2
# loads it anyway (through libssh2); named first it also comes first in the
# dynamic linker's lookup order, which makes its 4,000 symbol relocations
# cheap at every process start (bench/ANALYSIS.md, "CLI start").
PKGS    := libcrypto libgit2 sqlite3 yaml-0.1 libcjson libcmark libdeflate
LUA_INC := $(shell pkg-config --cflags luajit 2>/dev/null || pkg-config --cflags lua5.1 2>/dev/null)
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith \
           -Wformat=2 -Wno-format-nonliteral
ifneq ($(filter 1 true,$(WERROR) $(CI)),)
WARN    += -Werror
endif
OPT     ?= -O2 -g
CFLAGS_ALL := -std=gnu11 $(OPT) $(WARN) -fPIC -fvisibility=hidden -D_GNU_SOURCE -Icsrc \
              -DWOL_VERSION='"$(VERSION)"' $(PKG_CFLAGS) $(LUA_INC) $(CFLAGS)
# Header dependencies: every object also writes a .d file (make reads them below).
DEPFLAGS   := -MMD -MP
# libgit2 is initialised on first use: every function that makes a libgit2
# object from nothing goes through csrc/util/git.c first (the list there).
GIT_WRAP := git_repository_open git_repository_open_ext git_repository_init \
            git_repository_init_ext git_clone git_config_new git_config_open_default \
            git_index_open git_signature_now git_odb_hash git_odb_hashfile git_oid_fromstr \
            git_oid_fromstrn git_remote_create_detached git_diff_buffers git_error_last \
            git_error_clear git_error_set_str
LDFLAGS_ALL := $(LDFLAGS) $(addprefix -Wl$(comma)--wrap=,$(GIT_WRAP))
# The CLI is not linked against libgit2, libcrypto, sqlite, libyaml, cJSON,
# cmark and libdeflate: it loads each when a command first calls it
# (tools/lazylib.sh generates a trampoline for each function the objects call,
# csrc/cli/lazylib.c loads; bench/ANALYSIS.md, "CLI start"). On x86_64 and
# aarch64 when nm and objdump are there; otherwise, or with `make LAZY=0`,
# the CLI is linked like the module.
LAZY_PKGS := libgit2 libcrypto sqlite3 yaml-0.1 libcjson libcmark libdeflate
LAZY_ARCH := $(firstword $(subst -, ,$(shell $(CC) -dumpmachine)))
LAZY      ?= $(if $(filter x86_64 aarch64,$(LAZY_ARCH)),$(if $(shell command -v nm && command -v objdump),1,0),0)
# The lazily loaded sqlite is the CLI's own when the system has the static
# library: wol-sqlite3.so beside the program (bin/ where the plugin is
# built), made from libsqlite3.a bound to itself (-Bsymbolic), so that
# loading it does not look up its ~1,500 references to its own functions
# by name as Debian's libsqlite3.so does (bench/ANALYSIS.md, "CLI search,
# third round"). Without it, or where it does not link, the CLI loads the
# system's (csrc/cli/lazylib.c). The module keeps the system's.
SQLITE_A  := $(firstword $(wildcard $(shell pkg-config --variable=libdir sqlite3 2>/dev/null)/libsqlite3.a \
                                    $(shell $(CC) -print-file-name=libsqlite3.a)))
OWN_SQLITE := $(if $(SQLITE_A),wol-sqlite3.so)
# The small ones the system has as static archives (libyaml, cmark,
# libdeflate) are linked into the CLI instead of loaded: loading a shared
# object costs a process 0.15-0.35 ms on this VM whatever its size (its
# mappings, protections and relocations: `wol log` 2.11 -> 1.77 ms with
# libyaml linked in, `wol prompt` 1.37 -> 1.16 ms, bench/ANALYSIS.md
# "Loading a library costs more than its code"), and these add no
# relocation to the program's start (libyaml: 1,481 -> 1,480). Not sqlite,
# libgit2 or libcrypto: large, with tables of pointers that every process
# would relocate at start. The module keeps the shared ones.
STATIC_CAND := yaml-0.1 libcmark libdeflate
archive_of   = $(firstword $(wildcard $(foreach l,$(patsubst -l%,%,$(filter -l%,$(shell pkg-config --libs-only-l $(1) 2>/dev/null))), \
                 $(shell pkg-config --variable=libdir $(1) 2>/dev/null)/lib$(l).a $(shell $(CC) -print-file-name=lib$(l).a))))
ifeq ($(LAZY),1)
# each candidate as package=archive, looked up once
STATIC_FOUND := $(foreach p,$(STATIC_CAND),$(addprefix $(p)=,$(call archive_of,$(p))))
STATIC_PKGS  := $(foreach f,$(STATIC_FOUND),$(firstword $(subst =, ,$(f))))
CLI_LIBS := $(filter-out $(shell pkg-config --libs-only-l $(LAZY_PKGS) 2>/dev/null),$(PKG_LIBS)) \
            $(foreach f,$(STATIC_FOUND),$(lastword $(subst =, ,$(f)))) -ldl
lazy_obj  = $(1)/lazy_trampolines.o
own_lib   = $(if $(OWN_SQLITE),$(1)/$(OWN_SQLITE))
LAZY_DYN  := $(filter-out $(STATIC_PKGS),$(LAZY_PKGS))
LAZY_SPEC := $(if $(OWN_SQLITE),$(patsubst sqlite3,sqlite3=$(OWN_SQLITE),$(LAZY_DYN)),$(LAZY_DYN))
else
CLI_LIBS := $(PKG_LIBS)
lazy_obj  =
own_lib   =
endif

# csrc/ in layers (doc/hacking.md): util/, format/, repo/, index/, the domain
# nouns at the top, and the two front ends lua/ (the module) and cli/ (bin/wol).
SRC     := $(sort $(wildcard csrc/*.c csrc/*/*.c))
LUA_SRC := $(filter csrc/lua/%.c,$(SRC))
CLI_SRC := $(filter csrc/cli/%.c,$(SRC))
LIB_SRC := $(filter-out $(LUA_SRC) $(CLI_SRC),$(SRC))

OBJDIR  := build/obj
ASANDIR := build/asan
obj      = $(patsubst csrc/%.c,$(1)/%.o,$(2))

# Built-in prompts: prompts/builtin/*.md parsed at build time by
# tools/embed_prompts.c, which is linked with the engine's own parser
# (csrc/prompt/parse.c and the helpers it calls; libyaml, and libgit2 for
# util/error.c) and writes the parsed entries as C constants. It runs on the
# machine that builds: HOST_CC (default $(CC)) compiles it; a cross build
# sets HOST_CC and needs the build machine's libyaml and libgit2 headers.
GENDIR  := build/gen
PROMPTS := $(wildcard prompts/builtin/*.md)
gen_obj  = $(1)/builtin_prompts.o
HOST_CC ?= $(CC)
HOST_PKG_CONFIG ?= pkg-config
EMBED_SRC := tools/embed_prompts.c csrc/prompt/parse.c $(addprefix csrc/util/,buf.c strv.c date.c \
             doc.c yaml.c error.c name.c fs.c)
EMBED_HDR := csrc/wol.h csrc/util/util.h csrc/prompt/prompt_int.h

MODULE  := lua/wol/core.so
CLI     := bin/wol

.PHONY: all deps deps-test test test-asan test-core test-nvim demo clean bench check-deps fuzz fuzz-build \
        fuzz-replay chaos
all: $(MODULE) $(CLI) doc/tags

# doc/tags, so that :help wol works right after `make` (the build step of
# the plugin managers too). Without nvim on PATH there is nothing to do.
doc/tags: doc/wol.txt
	@if command -v nvim >/dev/null 2>&1; then \
		nvim --headless -u NONE -i NONE -n -c 'try | helptags doc | catch | echo v:exception | cquit 1 | endtry' \
			-c 'qall!' </dev/null && echo "helptags doc"; \
	else echo "no nvim on PATH: doc/tags not built (run :helptags doc in Neovim for :help wol)"; fi

$(OBJDIR)/%.o: csrc/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(DEPFLAGS) -c -o $@ $<

$(GENDIR)/embed_prompts: $(EMBED_SRC) $(EMBED_HDR)
	@mkdir -p $(GENDIR)
	$(HOST_CC) -std=gnu11 -O1 $(WARN) -D_GNU_SOURCE -Icsrc -DWOL_VERSION='"$(VERSION)"' \
		$(shell $(HOST_PKG_CONFIG) --cflags yaml-0.1 libgit2 2>/dev/null) -o $@ $(EMBED_SRC) \
		$(shell $(HOST_PKG_CONFIG) --libs yaml-0.1 libgit2 2>/dev/null)

$(GENDIR)/builtin_prompts.c: $(GENDIR)/embed_prompts $(PROMPTS) prompts/builtin
	$(GENDIR)/embed_prompts $(PROMPTS) > $@.tmp && mv $@.tmp $@

$(call gen_obj,$(OBJDIR)): $(GENDIR)/builtin_prompts.c csrc/prompt_builtin.h | $(OBJDIR)
	$(CC) $(CFLAGS_ALL) $(DEPFLAGS) -c -o $@ $<

$(MODULE): $(call obj,$(OBJDIR),$(LIB_SRC) $(LUA_SRC)) $(call gen_obj,$(OBJDIR))
	@mkdir -p $(dir $@)
	$(CC) -shared -o $@ $^ $(LDFLAGS_ALL) $(PKG_LIBS)

# The CLI exports one symbol to the libraries it loads: mbedTLS's CA file
# parse, so that libgit2's start leaves the system's bundle to the first
# connection (csrc/cli/ca.c).
CLI_EXPORTS := csrc/cli/exports.list
CLI_LDFLAGS := -Wl,--dynamic-list=$(CLI_EXPORTS)

$(CLI): $(call obj,$(OBJDIR),$(LIB_SRC) $(CLI_SRC)) $(call gen_obj,$(OBJDIR)) $(call lazy_obj,$(OBJDIR)) \
        $(CLI_EXPORTS) | $(call own_lib,bin)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $(filter %.o,$^) $(LDFLAGS_ALL) $(CLI_LDFLAGS) $(CLI_LIBS)

# The CLI's own sqlite (OWN_SQLITE above). -z defs: everything it needs is
# named here; a static library that cannot go into a shared object (not
# built position-independent) leaves the CLI on the system's, with a note.
ifneq ($(OWN_SQLITE),)
%/$(OWN_SQLITE): $(SQLITE_A)
	@mkdir -p $(dir $@)
	@if $(CC) -shared -o $@.tmp -Wl,-soname,$(OWN_SQLITE) -Wl,--whole-archive $(SQLITE_A) \
		-Wl,--no-whole-archive -Wl,-Bsymbolic -Wl,-z,now -Wl,-z,defs $(LDFLAGS) -lm >$@.log 2>&1; \
	then mv $@.tmp $@ && echo "$@ (sqlite from $(SQLITE_A))"; \
	else rm -f $@.tmp; echo "note: $(SQLITE_A) does not link into $@; the CLI loads the system's libsqlite3:"; \
		sed -n 1,3p $@.log; fi; rm -f $@.log
endif

# the trampolines of the CLI's lazily loaded libraries, from its objects
%/lazy_trampolines.o: %/lazy_trampolines.S
	$(CC) -c -o $@ $<

$(OBJDIR)/lazy_trampolines.S: $(call obj,$(OBJDIR),$(LIB_SRC) $(CLI_SRC)) $(call gen_obj,$(OBJDIR)) \
                              tools/lazylib.sh Makefile
	CC='$(CC)' sh tools/lazylib.sh $(LAZY_ARCH) $(LAZY_SPEC) -- $(filter %.o,$^) > $@.tmp && mv $@.tmp $@

# Sanitizer build: the same sources with ASan+UBSan, in build/asan. The module
# is never unloaded (-z nodelete) so leak reports name their libraries.
ASAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
$(ASANDIR)/%.o: csrc/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -O1 $(ASAN_FLAGS) $(DEPFLAGS) -c -o $@ $<

$(call gen_obj,$(ASANDIR)): $(GENDIR)/builtin_prompts.c csrc/prompt_builtin.h | $(ASANDIR)
	$(CC) $(CFLAGS_ALL) -O1 $(ASAN_FLAGS) $(DEPFLAGS) -c -o $@ $<

$(ASANDIR)/lua/wol/core.so: $(call obj,$(ASANDIR),$(LIB_SRC) $(LUA_SRC)) $(call gen_obj,$(ASANDIR))
	@mkdir -p $(dir $@)
	$(CC) -shared $(ASAN_FLAGS) -Wl,-z,nodelete -o $@ $^ $(LDFLAGS_ALL) $(PKG_LIBS)

$(ASANDIR)/bin/wol: $(call obj,$(ASANDIR),$(LIB_SRC) $(CLI_SRC)) $(call gen_obj,$(ASANDIR)) \
                    $(call lazy_obj,$(ASANDIR)) $(CLI_EXPORTS) | $(call own_lib,$(ASANDIR)/bin)
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_FLAGS) -o $@ $(filter %.o,$^) $(LDFLAGS_ALL) $(CLI_LDFLAGS) $(CLI_LIBS)

$(ASANDIR)/lazy_trampolines.S: $(call obj,$(ASANDIR),$(LIB_SRC) $(CLI_SRC)) $(call gen_obj,$(ASANDIR)) \
                               tools/lazylib.sh Makefile
	CC='$(CC)' sh tools/lazylib.sh $(LAZY_ARCH) $(LAZY_SPEC) -- $(filter %.o,$^) > $@.tmp && mv $@.tmp $@

$(OBJDIR) $(ASANDIR):
	@mkdir -p $@

# the objects that hold the version are built again when VERSION changes
$(OBJDIR)/version.o $(OBJDIR)/lua/core.o $(ASANDIR)/version.o $(ASANDIR)/lua/core.o: VERSION

# `make deps`: what the plugin needs to build and run; `make deps-test`: also
# the test tools and servers (installed with their services disabled, see
# tools/deps.sh; the tests start their own on loopback ports).
deps:
	@sh tools/deps.sh

deps-test:
	@sh tools/deps.sh test

# `make test`: every suite (core under luajit and lua5.1, the sanitizer
# build, the plugin in headless Neovim), closing with "N passed, N failed".
test: deps-test
	@$(MAKE) --no-print-directory all $(ASANDIR)/lua/wol/core.so $(ASANDIR)/bin/wol $(FUZZ_REPLAY)
	@bash tests/run.sh all

test-core: all
	@bash tests/run.sh core

test-nvim: all
	@bash tests/run.sh nvim

test-asan: deps-test
	@$(MAKE) --no-print-directory all $(ASANDIR)/lua/wol/core.so $(ASANDIR)/bin/wol
	@bash tests/run.sh asan

# Fuzzing (tests/fuzz/, doc/hacking.md): libFuzzer targets built with clang
# and ASan+UBSan in build/fuzz; `make fuzz` runs each for FUZZ_SECONDS and
# the Lua binding fuzzer for FUZZ_LUA_CALLS calls. The same targets are
# built with gcc+ASan against a small replay driver ($(FUZZ_REPLAY)), which
# `make test` runs over the committed corpus as regression tests.
FUZZ_CC      ?= clang-14
FUZZ_SECONDS ?= 60
FUZZ_LUA_CALLS ?= 200000
FUZZDIR      := build/fuzz
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := -std=gnu11 -O1 -g -Wall -D_GNU_SOURCE -Icsrc -DWOL_VERSION='"$(VERSION)"' \
                $(PKG_CFLAGS) $(FUZZ_SAN)
FUZZ_OBJS    := $(call obj,$(FUZZDIR)/obj,$(LIB_SRC)) $(FUZZDIR)/obj/builtin_prompts.o
FUZZ_BINS    := $(addprefix $(FUZZDIR)/,$(FUZZ_TARGETS))
FUZZ_REPLAY  := $(addprefix $(ASANDIR)/fuzz/,$(FUZZ_TARGETS))
.SECONDARY: $(FUZZ_OBJS)

$(FUZZDIR)/obj/%.o: csrc/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(DEPFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZDIR)/obj/builtin_prompts.o: $(GENDIR)/builtin_prompts.c csrc/prompt_builtin.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(DEPFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZDIR)/%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) $(LDFLAGS_ALL) $(PKG_LIBS)

$(ASANDIR)/fuzz/%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h \
                   $(call obj,$(ASANDIR),$(LIB_SRC)) $(call gen_obj,$(ASANDIR))
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -O1 $(ASAN_FLAGS) -o $@ $< tests/fuzz/replay.c \
		$(call obj,$(ASANDIR),$(LIB_SRC)) $(call gen_obj,$(ASANDIR)) $(LDFLAGS_ALL) $(PKG_LIBS)

fuzz-build:
	@sh tools/deps.sh fuzz
	@$(MAKE) --no-print-directory all $(ASANDIR)/lua/wol/core.so $(FUZZ_BINS)

fuzz: fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_LUA_CALLS=$(FUZZ_LUA_CALLS) sh tools/fuzz.sh $(FUZZ_TARGETS)

fuzz-replay: deps-test
	@$(MAKE) --no-print-directory $(FUZZ_REPLAY)
	@for t in $(FUZZ_TARGETS); do $(ASANDIR)/fuzz/$$t tests/fuzz/corpus/$$t || exit 1; done

# `make chaos`: the long versions of the crash and soak tests
# (tests/chaos/; CHAOS_N kill points per kind, SOAK_OPS operations,
# SYNC_STOP_N stop points per kind of a sync's checkout).
CHAOS_N  ?= 250
SOAK_OPS ?= 1000
SYNC_STOP_N ?= 20
chaos: deps-test
	@$(MAKE) --no-print-directory all
	@d=$$(mktemp -d); rc=0; \
	bash tests/chaos/kill.sh $$d/kill $(CHAOS_N) || rc=1; \
	bash tests/chaos/sync_stop.sh $$d/stop $(SYNC_STOP_N) 300 || rc=1; \
	bash tests/chaos/soak.sh $$d/soak $$(( $(SOAK_OPS) / 4 )) || rc=1; \
	sh tests/chaos/valgrind.sh $$d/vg || rc=1; \
	rm -rf $$d; exit $$rc

demo: deps
	@$(MAKE) --no-print-directory all
	@sh tools/demo.sh

# `make bench`: every bench/*.sh through bench/run.sh, writing
# bench/RESULTS.md. Installs ripgrep/luajit when missing; not part of `test`.
bench: all
	@sh bench/run.sh

clean:
	rm -rf build $(MODULE) $(CLI) bin/wol-sqlite3.so doc/tags

-include $(shell find build -name '*.d' 2>/dev/null)
