# gotc - see README.md.  Run ./configure first (make check does it for you).
-include config.mk
# a config.mk from before lazy.h has no CORE_LIBS: link everything (lazy.c
# then finds the libraries already loaded)
CORE_LIBS ?= $(LIBS)

CC ?= cc
PREFIX ?= /usr/local
DESTDIR ?=
BUILD := build

# provisioner/ is the core (it never prints); provisioner/cli/ the front ends
# and commands.  The core is compiled without provisioner/cli on its include
# path, so it cannot reach the CLI's headers.
CORE_SRC := $(wildcard provisioner/*.c)
CLI_SRC := $(filter-out provisioner/cli/cli_front.c,$(wildcard provisioner/cli/*.c))
CORE_OBJ := $(CORE_SRC:provisioner/%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:provisioner/cli/%.c=$(BUILD)/%.o)
# The front end links libc and inih only (see cli_front.c).
FRONT_OBJ := $(BUILD)/cli_front.o $(BUILD)/cli_usage.o $(BUILD)/cli_hint.o $(BUILD)/mirror_apt.o $(BUILD)/cmd_env.o $(BUILD)/cmd_exec.o $(BUILD)/config.o $(BUILD)/util_err.o $(BUILD)/env_files.o \
	$(BUILD)/ini_strict.o $(BUILD)/util_str.o $(BUILD)/util_fs.o $(BUILD)/repo_dir.o $(BUILD)/gomod_guard.o $(BUILD)/project_ini.o $(BUILD)/cli_project.o
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
MAN := man/gotc.1 man/gotc-recipe.5 man/gotc-project.5

.PHONY: all check check-deps check-hosts unit clean install uninstall fuzz bench demo distclean

all: gotc

# Targets that configure themselves (after installing dependencies) or need
# no configuration; any other configures with the defaults when config.mk is
# missing (run ./configure yourself for options).
SELF_CONFIGURING := demo check check-deps check-hosts clean distclean uninstall
ifeq ($(filter $(SELF_CONFIGURING),$(MAKECMDGOALS)),)
config.mk:
	@echo "configuring with the defaults (./configure; run it yourself for options)" >&2
	@./configure
endif

$(BUILD)/%.o: provisioner/%.c $(wildcard provisioner/*.h) config.mk
	@mkdir -p $(BUILD)
	$(CC) $(CPPFLAGS) -Iprovisioner $(CFLAGS) -c -o $@ $<

$(BUILD)/%.o: provisioner/cli/%.c $(wildcard provisioner/*.h provisioner/cli/*.h) config.mk
	@mkdir -p $(BUILD)
	$(CC) $(CPPFLAGS) -Iprovisioner -Iprovisioner/cli $(CFLAGS) -c -o $@ $<

$(BUILD)/libgotc.a: $(CORE_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/gotc-core: $(CLI_OBJ) $(BUILD)/libgotc.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libgotc.a $(CORE_LIBS)

gotc: $(FRONT_OBJ) $(BUILD)/gotc-core
	$(CC) $(LDFLAGS) -Wl,--as-needed -o $@ $(FRONT_OBJ) $(FRONT_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libgotc.a
	@mkdir -p $(BUILD)/tests
	$(CC) $(CPPFLAGS) $(CFLAGS) -Iprovisioner -o $@ $< $(BUILD)/libgotc.a $(LIBS) $(CMOCKA_LIBS) $(LDFLAGS)

unit: $(UNIT_BIN)

# make check: install missing dependencies (as root on Debian), configure if
# needed, build, run every test tier.  Prints "N passed, N failed, N skipped".
check:
	@sh tools/install-deps
	@test -f config.mk || ./configure
	@$(MAKE) --no-print-directory all unit
	@sh tests/run

fuzz:
	@sh tests/fuzz/run $(FUZZ_SECONDS)

# make check-hosts: the host guards on a real older host (tests/host/*.sh, as
# root: a Debian 11 chroot made with debootstrap).  Not part of make check.
check-hosts:
	@sh tools/install-deps
	@st=0; for s in tests/host/*.sh; do GOTC_SRC="$(CURDIR)" sh $$s || st=1; done; exit $$st

bench:
	@python3 tests/bench/run

demo:
	@sh tools/demo

install: gotc
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/gotc
	install -m 755 gotc $(DESTDIR)$(PREFIX)/bin/gotc
	install -d $(DESTDIR)$(PREFIX)/libexec/gotc
	install -m 755 $(BUILD)/gotc-core $(DESTDIR)$(PREFIX)/libexec/gotc/gotc-core
	install -m 644 man/gotc.1 $(DESTDIR)$(PREFIX)/share/man/man1/gotc.1
	install -m 644 man/gotc-recipe.5 $(DESTDIR)$(PREFIX)/share/man/man5/gotc-recipe.5
	install -m 644 man/gotc-project.5 $(DESTDIR)$(PREFIX)/share/man/man5/gotc-project.5
	cp -R targets recipes keyrings $(DESTDIR)$(PREFIX)/share/gotc/
	install -d $(DESTDIR)$(PREFIX)/share/gotc/tools
	install -m 755 tools/update-pins $(DESTDIR)$(PREFIX)/share/gotc/tools/update-pins
	chmod -R u=rwX,go=rX $(DESTDIR)$(PREFIX)/share/gotc

uninstall:
	rm -rf $(DESTDIR)$(PREFIX)/libexec/gotc
	rm -f $(DESTDIR)$(PREFIX)/bin/gotc $(DESTDIR)$(PREFIX)/share/man/man1/gotc.1 \
		$(DESTDIR)$(PREFIX)/share/man/man5/gotc-recipe.5 \
		$(DESTDIR)$(PREFIX)/share/man/man5/gotc-project.5
	rm -rf $(DESTDIR)$(PREFIX)/share/gotc

clean:
	rm -rf $(BUILD) gotc

distclean: clean
	rm -f config.mk
