#!/bin/sh
# make install PREFIX=DIR after a plain ./configure gives a relocatable gotc:
# moved elsewhere and run from another directory, it finds its gotc-core and
# the installed targets beside itself.  A fresh tree configures by itself for
# make, and make demo does not begin with "config.mk missing".
. "${GOTC_SRC:-.}/tests/lib/cli.sh"
fresh
unset GOTC_PATH
P="$T/prefix"
(cd "$ROOT" && make install PREFIX="$P") >"$T/out" 2>"$T/err"
rc=$?
check "make install PREFIX" 0
mv "$P" "$T/moved"
X="$T/moved/bin/gotc"
(cd / && "$X" version) >"$T/out" 2>"$T/err"
rc=$?
check "the moved gotc runs gotc-core beside it" 0
out_has "its version" "gotc "
(cd / && "$X" targets) >"$T/out" 2>"$T/err"
rc=$?
check "targets from the moved install" 0
out_has "the installed share directory is on the search path" "debian12-arm64"
(cd / && "$X" help env) >"$T/out" 2>"$T/err"
rc=$?
check "help from the moved install" 0
[ -x "$T/moved/libexec/gotc/gotc-core" ] && ok "gotc-core in libexec/gotc" || notok "gotc-core installed"
(cd / && "$T/moved/share/gotc/tools/update-pins" --help) >"$T/out" 2>"$T/err"
rc=$?
check "update-pins is installed and runs" 0
grep -q 'recipes' "$T/out" "$T/err" && ok "update-pins --help" || notok "update-pins --help" "$(cat "$T/err")"

# A fresh tree (no config.mk): make configures by itself, make demo leaves
# that to tools/demo; neither says config.mk is missing.
F="$T/fresh"
mkdir -p "$F"
(cd "$ROOT" && git ls-files -z | tar --null -T - -cf -) | tar -xf - -C "$F"
rm -f "$F/config.mk"
(cd "$F" && make -n demo) >"$T/out" 2>"$T/err"
rc=$?
if [ $rc -eq 0 ] && ! grep -q 'config.mk missing' "$T/out" "$T/err" && [ ! -f "$F/config.mk" ]; then
	ok "make demo on a fresh tree: no 'config.mk missing', left to tools/demo"
else
	notok "make demo on a fresh tree" "$(head -3 "$T/err")"
fi
(cd "$F" && make -n all) >"$T/out" 2>"$T/err"
rc=$?
first=$(head -n 1 "$T/err")
if [ -f "$F/config.mk" ] && [ "$first" = "configuring with the defaults (./configure; run it yourself for options)" ]; then
	ok "make on a fresh tree configures by itself"
else
	notok "make on a fresh tree" "exit $rc; first line: $first"
fi
done_testing
