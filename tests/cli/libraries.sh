#!/bin/sh
# gotc-core loads libarchive, libcurl and libgit2 when a command first needs
# them (provisioner/lazy.h), not at start-up: commands that need none never
# load them, and one that cannot be loaded fails the step that needs it with
# its name and the loader's reason, nothing installed.  (A call past that
# check exits 127: tests/unit/test_lazy.c.)  The libraries are made unloadable by putting
# files of their sonames that are not ELF objects first on the loader's path.
. "${GOTC_SRC:-.}/tests/lib/cli.sh"
. "$ROOT/tests/lib/pipeline.sh"
serve_fixtures

rc=0
needed=$(readelf -d "$ROOT/build/gotc-core" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
case " $needed " in
*" libarchive."* | *" libcurl."* | *" libgit2."* | "  ") notok "gotc-core links none of the three" "NEEDED: $needed" ;;
*) ok "gotc-core links none of the three (NEEDED: $needed)" ;;
esac

soname() { sed -n "s/.*GOTC_SONAME_$1='\"\([^\"]*\)\"'.*/\1/p" "$ROOT/config.mk"; }
SO_ARCHIVE=$(soname ARCHIVE) SO_CURL=$(soname CURL) SO_GIT2=$(soname GIT2)
if [ -z "$SO_ARCHIVE" ] || [ -z "$SO_CURL" ] || [ -z "$SO_GIT2" ]; then
	notok "configure wrote the three sonames to config.mk" "$(grep SONAME "$ROOT/config.mk")"
	done_testing
	exit 1
fi
ok "configure found the sonames: $SO_ARCHIVE $SO_CURL $SO_GIT2"
broken() { # DIR SONAME...: DIR holds a non-ELF file of each name
	_d=$1
	shift
	mkdir -p "$_d"
	for _s; do echo "not a shared object" >"$_d/$_s"; done
}
broken "$TMPROOT/none" "$SO_ARCHIVE" "$SO_CURL" "$SO_GIT2"
broken "$TMPROOT/archive" "$SO_ARCHIVE"
broken "$TMPROOT/curl" "$SO_CURL"

fresh
mirror_config
LD_LIBRARY_PATH="$TMPROOT/none" g show fix-gcc
check "show loads none of them" 0
LD_LIBRARY_PATH="$TMPROOT/none" g targets
check "targets loads none of them" 0

# no libcurl: the downloads fail as a step, before any request
LD_LIBRARY_PATH="$TMPROOT/curl" g install fix-gcc
check "install without libcurl fails" 1
err_has "the message names libcurl, the file the loader tried and why" "cannot load $SO_CURL: $TMPROOT/curl/$SO_CURL: "
if [ -z "$(ls -A "$GOTC_HOME/store" 2>/dev/null | grep -v '^\.')" ] && [ ! -e "$GOTC_HOME/targets/fix-gcc" ]; then
	ok "nothing installed without libcurl"
else
	notok "nothing installed without libcurl" "$(ls -A "$GOTC_HOME/store" "$GOTC_HOME/targets" 2>&1)"
fi

# no libarchive: the downloads succeed, the unpack stops the install
LD_LIBRARY_PATH="$TMPROOT/archive" g install fix-gcc
check "install without libarchive fails" 1
err_has "the message names libarchive, the file the loader tried and why" "cannot load $SO_ARCHIVE: $TMPROOT/archive/$SO_ARCHIVE: "
if [ -z "$(ls -A "$GOTC_HOME/store" 2>/dev/null | grep -v '^\.')" ] && [ ! -e "$GOTC_HOME/targets/fix-gcc" ] &&
	[ -z "$(ls -A "$GOTC_HOME/store/.staging" 2>/dev/null)" ]; then
	ok "nothing installed or staged without libarchive"
else
	notok "nothing installed or staged without libarchive" "$(ls -A "$GOTC_HOME/store" "$GOTC_HOME/store/.staging" 2>&1)"
fi

# with the real libraries the same home installs (not under valgrind: the
# vg tier traces installs in install.sh)
nw install fix-gcc
check "install with the libraries" 0
# doctor loads all three: its gotc-libraries row
nw doctor fix-gcc
grep -q "^gotc-libraries *ok *$SO_ARCHIVE, $SO_CURL, $SO_GIT2 load" "$T/out" &&
	ok "doctor: the three load" || notok "doctor: the three load" "$(grep gotc-libraries "$T/out")"
LD_LIBRARY_PATH="$TMPROOT/curl" g doctor fix-gcc
grep -q "^gotc-libraries *FAIL *cannot load $SO_CURL: $TMPROOT/curl/$SO_CURL: .*(install the library gotc was built against" "$T/out" &&
	[ "$(grep -c '^gotc-libraries' "$T/out")" -eq 1 ] && [ "$rc" -eq 1 ] &&
	ok "doctor: the row names the library that does not load, exit 1" ||
	notok "doctor: a library that does not load" "$(grep gotc-libraries "$T/out")"
done_testing
