#!/bin/sh
# gotc which TOOL [TARGET]: the path of go, cc, c++, ar and pkg-config in an
# installed target's environment, each one the program the env runs; the
# default target is the loaded env's ($GOTC_TARGET), else the only installed.
# Then doctor as another user of the home: the per-user GOCACHE fallback.
. "${GOTC_SRC:-.}/tests/lib/cli.sh"
. "$ROOT/tests/lib/pipeline.sh"
serve_fixtures
fresh; mirror_config
g which cc
check "no target, none installed" 2 "gotc which: missing TARGET: no env is loaded and 0 targets are installed in $GOTC_HOME (see 'gotc list')"
nw install fix-gcc
check "install fix-gcc" 0
P="$GOTC_HOME/targets/fix-gcc"
# what the env says each tool is, read by a shell that loaded it
env -i PATH=/usr/bin:/bin sh -c '. "$1"; command -v go; command -v "$CC"; command -v "$CXX"; command -v "$AR"; command -v pkg-config' \
	sh "$P/env.sh" >"$T/want" 2>&1
i=0
for tool in go cc c++ ar pkg-config; do
	i=$((i + 1))
	want=$(sed -n "${i}p" "$T/want")
	case $tool in go | pkg-config) g which $tool fix-gcc ;; *) nw which $tool fix-gcc ;; esac
	check "which $tool fix-gcc" 0
	[ "$(cat "$T/out")" = "$want" ] && [ -n "$want" ] && ok "$tool: $want, what the env runs" ||
		notok "which $tool" "got $(cat "$T/out"), the env runs '$want'"
done
case $(sed -n 1p "$T/want") in "$P"/*) ok "go is the prefix's" ;; *) notok "go in the prefix" "$(cat "$T/want")" ;; esac
g which go
check "no TARGET: the only one installed" 0
[ "$(cat "$T/out")" = "$(sed -n 1p "$T/want")" ] && ok "the only installed target's go" || notok "default target" "$(cat "$T/out")"
"$(cat "$T/out")" version >"$T/v" 2>&1 && grep -q "go1.19.8" "$T/v" && ok "the go it names runs" || notok "go runs" "$(cat "$T/v")"
GOTC_TARGET=nosuch nw which cc
check "no TARGET: the loaded env's (GOTC_TARGET), not installed here (and on no search path)" 2
err_has "names the target" "nosuch"
nw which cc nosuch
check "a target not installed and on no search path" 2

# doctor, run by another user of this root-owned home (a system-wide home):
# GOCACHE is that user's fallback, which doctor accepts
if [ "$(id -u)" = 0 ]; then
	U="$T/user"
	mkdir -p "$U"
	chown 65534:65534 "$U"
	chmod 755 "$TMPROOT" "$T"
	setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$U" TMPDIR="$U" \
		"$GOTC_BIN" doctor fix-gcc >"$T/out" 2>"$T/err"
	rc=$?
	want="$U/.cache/gotc/gocache/"
else # a user who cannot write the home's gocache
	chmod a-w "$GOTC_HOME/gocache"
	nw doctor fix-gcc
	chmod u+w "$GOTC_HOME/gocache"
	want="${XDG_CACHE_HOME:-$HOME/.cache}/gotc/gocache/"
fi
grep -q "^gocache *ok *$want.*-fix-gcc-.* (the per-user fallback: $GOTC_HOME/gocache/ is not writable)" "$T/out" &&
	ok "doctor accepts the per-user GOCACHE fallback" || notok "doctor: per-user GOCACHE" "$(grep gocache "$T/out")"
grep -q "^cgo-enabled *ok" "$T/out" && ok "doctor reads go env" || notok "doctor: go env" "$(cat "$T/out")"
nw which gcc fix-gcc
check "an unknown tool" 2 "gotc which: unknown tool 'gcc' (go, cc, c++, ar or pkg-config)"
nw which
check "no TOOL" 2 "gotc which: missing TOOL (go, cc, c++, ar or pkg-config)"
done_testing
