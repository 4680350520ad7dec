#!/bin/sh
# Host guards: a toolchain recipe's host_glibc (the glibc its host programs
# need) is held to what the ELF checker measures when the entry is assembled,
# shown by `gotc show`, and `gotc install` refuses before downloading on a host
# with an older glibc.  GOTC_TEST_HOST_GLIBC stands in for the host's glibc
# here.
. "${GOTC_SRC:-.}/tests/lib/cli.sh"
. "$ROOT/tests/lib/pipeline.sh"
FX="$TMPROOT/fx"
build_fixtures "$FX"
start_server "$FX/www"

# refused before any download: the mirror is a closed port
fresh
export GOTC_PATH="$ROOT"
printf '[mirrors]\ndebian = http://127.0.0.1:9/debian\n[fetch]\nallow_http = yes\n' >"$GOTC_CONFIG"
GOTC_TEST_HOST_GLIBC=2.35 g install debian12-arm64
check "install refuses a toolchain the host's glibc cannot run" 1 \
	"gotc: gcc-12-debian12-arm64 runs on hosts with glibc ≥ 2.36; this host has 2.35 (use a Debian 12 or newer host or container, or a relocatable toolchain such as the Bootlin-based targets)"
if [ -z "$(ls -A "$GOTC_CACHE/downloads" 2>/dev/null)" ] && [ ! -e "$GOTC_HOME/targets/debian12-arm64" ]; then
	ok "nothing downloaded or installed"
else
	notok "nothing downloaded or installed" "$(ls -A "$GOTC_CACHE/downloads" 2>/dev/null)"
fi
GOTC_TEST_HOST_GLIBC=2.31 g install debian11-arm64
if [ "$rc" -ne 0 ] && ! grep -q "runs on hosts" "$T/err"; then
	ok "a Debian 11 toolchain passes the guard on glibc 2.31 (then cannot download)"
else
	notok "debian11-arm64 passes the guard on 2.31" "rc=$rc"
fi
GOTC_TEST_HOST_GLIBC=2.31 g show debian12-x86_64
check "show" 0
out_has "show says what the toolchain needs" "runs on  x86_64 hosts with glibc ≥ 2.36 (this host: 2.31)"
unset GOTC_PATH

# a wrong declaration is an assembly error naming the recipe line
S="$FX/search"
export GOTC_TEST_PATH="$S"
fresh; mirror_config
sed 's/^libdir = .*/&\nhost_glibc = 2.17/' "$FX/search/recipes/toolchain/gcc-fix.ini" >"$S/recipes/toolchain/gcc-hg.ini"
sed 's/^toolchain = .*/toolchain = gcc-hg/' "$FX/search/targets/fix-gcc.ini" >"$S/targets/fix-hg.ini"
g install fix-hg
check "host_glibc that nothing needs is an error" 2
err_has "the error names the recipe line" \
	"$S/recipes/toolchain/gcc-hg.ini:10: host_glibc = 2.17, but no host program of the toolchain needs a GLIBC_ version: set host_glibc = none"
if ls "$GOTC_HOME/store" 2>/dev/null | grep -q '^toolchain-'; then
	notok "no toolchain entry left behind" "$(ls "$GOTC_HOME/store")"
else ok "no toolchain entry left behind"; fi
sed -i 's/^host_glibc = 2.17/host_glibc = none/' "$S/recipes/toolchain/gcc-hg.ini"
g install fix-hg
check "host_glibc = none assembles" 0
if grep -qx 'host_glibc none' "$GOTC_HOME"/store/toolchain-*/info; then
	ok "the entry records its host need"
else notok "the entry records its host need" "$(cat "$GOTC_HOME"/store/toolchain-*/info)"; fi
sed -i 's/^host_glibc = none/host_glibc = two/' "$S/recipes/toolchain/gcc-hg.ini"
g install fix-hg
check "host_glibc must be a version" 2
err_has "the recipe error says what is wrong" \
	"$S/recipes/toolchain/gcc-hg.ini:10: host_glibc: 'two' is not a version (X.Y) or none"

# a toolchain that declares nothing (as the upstream tarballs) is held to
# what its entry measures: a real host program (built here, it needs the
# host's GLIBC_ of __libc_start_main) in the package
d="$TMPROOT/src/tc-up"
mkdir -p "$d/usr/bin"
cp -R "$FX/src/tc/usr" "$d/"
printf 'int main(void) { return 0; }\n' >"$TMPROOT/hello.c"
if ! cc -o "$d/usr/bin/aarch64-linux-gnu-helper" "$TMPROOT/hello.c"; then
	notok "a host program for the fixture builds (cc)"
fi
deb "$d" "$FX/www/gcc-up.deb"
sed -e "s/^sha256 = .*/sha256 = $(sha "$FX/www/gcc-up.deb")/" -e "s/^size = .*/size = $(size "$FX/www/gcc-up.deb")/" \
	-e 's/gcc-test.deb/gcc-up.deb/' "$FX/search/recipes/toolchain/gcc-fix.ini" >"$S/recipes/toolchain/gcc-up.ini"
sed 's/^toolchain = .*/toolchain = gcc-up/' "$FX/search/targets/fix-gcc.ini" >"$S/targets/fix-up.ini"
fresh; mirror_config
GOTC_TEST_HOST_GLIBC=2.17 g install fix-up
check "an undeclared toolchain the host cannot run is refused when assembled" 1
need=$(sed -n 's/^gotc: gcc-up runs on hosts with glibc ≥ \([0-9.]*\) (its usr\/bin\/aarch64-linux-gnu-helper needs GLIBC_\1); this host has 2.17 (use a .*Bootlin-based targets)$/\1/p' "$T/err")
[ -n "$need" ] && ok "the refusal names the measured need ($need) and the file" || notok "refusal message" "$(cat "$T/err")"
if ls "$GOTC_HOME/store" 2>/dev/null | grep -q '^toolchain-' || [ -e "$GOTC_HOME/targets/fix-up" ] ||
	[ -n "$(ls -A "$GOTC_HOME/store/.staging" 2>/dev/null)" ]; then
	notok "nothing installed after the refusal" "$(ls -A "$GOTC_HOME/store" "$GOTC_HOME/targets" 2>&1)"
else ok "nothing installed after the refusal"; fi
g install fix-up
check "on this host it installs" 0
if [ -n "$need" ] && grep -qx "host_glibc $need" "$GOTC_HOME"/store/toolchain-*/info; then
	ok "the entry records the measured need"
else notok "the entry records the measured need $need" "$(cat "$GOTC_HOME"/store/toolchain-*/info)"; fi
stop_server
done_testing
